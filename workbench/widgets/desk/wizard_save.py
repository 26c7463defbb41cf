"""The wizard's typed work kept in the draft store as the operator goes.

:class:`WizardKeeper` watches every input of an
:class:`~workbench.widgets.desk.wizard.AttendanceWizard`: a keystroke saves
after a short pause, a step change at once, both in the background
(:class:`~workbench.widgets.autosave.Autosave`), so typing never waits on the
database. When another tab of the same operator resumes the draft, this tab's
next save is refused: a red bar says so, nothing typed here is cleared, and
the operator chooses "Continuar nesta aba" (this tab takes the draft back;
its values are saved over the other's) or "Deixar para a outra aba" (this tab
closes the wizard without abandoning the protocol).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import ipywidgets as w

from workbench.errors import DraftConflict
from workbench.widgets.autosave import Autosave
from workbench.widgets.common import button, css, esc

if TYPE_CHECKING:
    from workbench.widgets.desk.wizard import AttendanceWizard

SAVED_STEPS = ("alerta", "origem", "dados", "script", "relatorio", "primeiro")


class WizardKeeper:
    """Saves ``wizard.draft`` as the operator types; ``on_close()`` when this tab gives the draft up."""

    def __init__(self, wizard: "AttendanceWizard", *, on_close: Callable[[], None] | None = None):
        self.wizard = wizard
        self.on_close = on_close
        self.saved_at = None
        self.autosave = Autosave(self._capture, self._write, on_saved=self._saved, on_refused=self.refused,
                                 on_error=self._failed)
        self.message = w.HTML("")
        self.take_back = button("Continuar nesta aba", primary=True)
        self.give_up = button("Deixar para a outra aba")
        self.take_back.on_click(lambda _b: self.continue_here())
        self.give_up.on_click(lambda _b: self.leave_to_other())
        self.bar = css(w.HBox([self.message, self.take_back, self.give_up]), "wb-conflict")
        self.bar.layout.display = "none"
        for widget in (wizard.origin, wizard.plan, wizard.person, wizard.problem, wizard.title_choice,
                       wizard.options, wizard.type_choice, wizard.checks, wizard.resolved, wizard.solution,
                       wizard.request_os):
            widget.observe(lambda _c: self.autosave.touch(), "value")

    # -- what the wizard calls ----------------------------------------------------------
    def step_changed(self) -> None:
        if self.wizard.draft.state == "aberto" and self.editing_step() in SAVED_STEPS:
            self.autosave.now()

    def pause(self) -> None:
        """Before finishing or leaving: no save may run after them."""
        self.autosave.stop()

    def unpause(self) -> None:
        """The finish or exit did not happen: go on saving."""
        if self.wizard.draft.state == "aberto" and self.bar.layout.display == "none":
            self.autosave.resume()
            self.autosave.touch()

    def editing_step(self) -> str:
        """The step whose inputs are on the draft: the one under "Dados do Cliente" or "Sair sem salvar?"."""
        wz = self.wizard
        if wz.step == "cliente":
            return wz._return_step or "dados"
        if wz.step == "sair":
            return wz._before_leave
        return wz.step

    # -- saving ---------------------------------------------------------------------------
    def _capture(self):
        step = self.editing_step()
        if step == "dados":
            self.wizard._store_data()
        elif step == "primeiro":
            self.wizard._store_first_contact()
        return self.wizard.draft.snapshot(step if step in SAVED_STEPS else "dados")

    def _write(self, snapshot):
        return self.wizard.draft.session.save_draft(snapshot)

    def _saved(self, result) -> None:
        self.saved_at = result.saved_at

    def _failed(self, message: str) -> None:
        self.wizard.status.error(f"O rascunho não foi salvo agora ({message}); tentaremos de novo.")
        self.autosave.touch()

    # -- another tab ------------------------------------------------------------------------
    def refused(self, error: DraftConflict) -> None:
        """A save, finish or exit was refused: say so, keep everything on screen."""
        if self.wizard.draft.state != "aberto" and error.reason == "closed":
            return                              # finished or left here: a late save has nothing to do
        self.autosave.stop()
        self.message.value = f"<b>{esc(str(error))}</b>"
        self.take_back.layout.display = "" if error.reason == "claimed" else "none"
        self.bar.layout.display = ""

    def continue_here(self) -> None:
        session = self.wizard.draft.session

        def do():
            return session.claim_draft(self.wizard.draft.protocol, self.wizard.draft.claim)

        def done(claimed):
            if claimed is None:
                self.message.value = (f"<b>O atendimento do protocolo nº {esc(self.wizard.draft.protocol)} não "
                                      "está mais em andamento (foi finalizado ou abandonado em outra aba).</b>")
                self.take_back.layout.display = "none"
                return
            self.wizard.draft.version = max(self.wizard.draft.version, claimed.version)   # saves go on from there
            self.bar.layout.display = "none"
            self.autosave.resume()
            self.autosave.now()
            self.wizard.status.ok("Você continua o atendimento nesta aba.")

        self.wizard.runner.run(do, done)

    def leave_to_other(self) -> None:
        self.autosave.stop()
        self.bar.layout.display = "none"
        if self.on_close:
            self.on_close()
