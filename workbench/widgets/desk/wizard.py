"""Novo Atendimento: the wizard over :class:`workbench.services.wizard.AttendanceDraft`.

Steps (the manual's screens): protocol alert → Origem do Atendimento →
Dados do Atendimento → Script de Atendimento → Relatório do Script →
Primeiro Contato → confirmation. A title without a script skips the script
and its report. "Dados do Cliente" shows the client's attendances without
leaving the wizard; "Sair" asks "Sair sem salvar?".

The widgets of every step are built once and kept, so going back, opening
"Dados do Cliente" or a busy database never loses what was typed; the draft
receives the values on each "Continuar", and the draft store as the operator
types (:mod:`workbench.widgets.desk.wizard_save`), so a reload resumes it:
``AttendanceWizard(session.resume_attendance(protocol), step=...)``.

After Dados do Atendimento, a client with this title open (last 30 days) is
warned and may have the call registered as a contact of that attendance
instead (:mod:`workbench.widgets.desk.same_title`). On Primeiro Contato,
"Atendimento resolvido" and "Pedir O.S." are alternatives; an O.S. asks the
service address and the preferred period.

Keyboard: each step puts the cursor in its first field (the dialog's button
on the alerts); Enter in a one-line field or a choice continues; no origin is
preselected.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench.errors import DraftConflict
from workbench.services.wizard import F_CHECKS, F_PERSON, F_PLAN, F_PROBLEM, F_SOLUTION, F_TITLE, F_TYPE
from workbench.widgets.common import (Dialog, Field, Runner, Status, button, css, esc, readonly, title)
from workbench.services.service_orders import F_PREFERRED, PERIODS
from workbench.widgets.desk.contact import F_ADDRESS, exclusive
from workbench.widgets.desk.wizard_save import WizardKeeper
from workbench.widgets.desk.wizard_script import ScriptSteps
from workbench.widgets.keys import Keys
from workbench.widgets.release import close_widgets

STEPS = {"origem": "Origem do Atendimento", "dados": "Dados do Atendimento", "script": "Script de Atendimento",
         "relatorio": "Relatório do Script", "primeiro": "Primeiro Contato"}


class AttendanceWizard(ScriptSteps, w.VBox):
    """``AttendanceWizard(draft, on_done=cb(protocol), on_leave=cb(protocol), on_close=cb(), step=None)``.

    ``step``: where to start (a resumed draft's saved step; default the protocol alert).
    ``on_close``: this tab gave the draft up to another tab (nothing abandoned).
    """

    def __init__(self, draft, *, on_done: Callable[[str], None] | None = None,
                 on_leave: Callable[[str], None] | None = None, on_close: Callable[[], None] | None = None,
                 step: str | None = None):
        self.draft = draft
        self.on_done = on_done
        self.on_leave = on_leave
        self.step = "alerta"
        self._return_step = None
        self._before_leave = "alerta"
        self._after_leave: Callable[[], None] | None = None
        self.status = Status()
        self.heading = title("Novo Atendimento")
        self.step_line = css(w.HTML(""), "wb-step")
        self.body = w.VBox([])
        self.fields: dict[str, Field] = {}
        self._all_buttons: list[w.Button] = []
        self._build_alert()
        self._build_origin()
        self._build_data()
        self._build_script()
        self._build_report()
        self._build_first_contact()
        self._build_client_data()
        self.runner = Runner(self.status, self._all_buttons, self.fields)
        self.runner.buttons = self._all_buttons      # the same list: replaced buttons leave it
        self.keeper = WizardKeeper(self, on_close=on_close)
        self.kbd.enter(self.screens["origem"], self.origin_continue, self.origin)
        self.kbd.enter(self.screens["dados"], self.data_continue, self.person)
        super().__init__([w.HBox([self.heading, css(w.HTML(f"Protocolo nº <b>{esc(draft.protocol)}</b>"),
                                                   "wb-protocol")],
                                 layout=w.Layout(justify_content="space-between", align_items="center")),
                          self.keeper.bar, self.step_line, self.body, self.status, self.kbd])
        css(self, "wb-wizard")
        self._go(self._start_step(step))

    def _start_step(self, step: str | None) -> str:
        """A resumed draft's step, when its state still leads there."""
        d = self.draft
        if step not in ("origem", "dados", "script", "relatorio", "primeiro"):
            return "alerta"
        if not d.origin:
            return "origem"
        if step in ("script", "relatorio") and (not d.has_script or d._script is None):
            return "dados"
        if step in ("script", "relatorio"):
            return "relatorio" if d.script_ended else "script"
        return step

    # -- helpers ------------------------------------------------------------------
    def _btn(self, label, cb, *, step: str, primary=False, icon=""):
        """A button of the screen ``step``: see :meth:`_press`."""
        b = button(label, primary=primary, icon=icon)
        b.on_click(lambda clicked: self._press(clicked, step, cb))
        self._all_buttons.append(b)
        return b

    def _press(self, clicked, step: str, cb) -> None:
        """One action per click burst: a click counts only on the screen, and for the question, it was
        shown for. A double click sends its second click before the browser has drawn what the first
        one did; that click is dropped here, since the step has changed ("Finalizar" after the success
        dialog) or its button was replaced by the next question's ("Próxima Pergunta", "Voltar")."""
        if self.step != step or clicked not in self._all_buttons:
            return
        cb()

    def _retire(self, *buttons) -> None:
        for b in buttons:
            if b in self._all_buttons:
                self._all_buttons.remove(b)
                close_widgets(b)                 # with its layout and style

    def _nav(self, *buttons):
        return w.HBox(list(buttons), layout=w.Layout(margin="12px 0 0 0", justify_content="flex-end"))

    def _go(self, step: str) -> None:
        self.step = step
        self._step_line()
        self.body.children = [self.screens[step]]
        if step == "script":
            self._show_question()
        if step == "relatorio":
            self.report_table.set_data(self.draft.report())
        if step == "primeiro" and self.type_choice.value is None and self.draft.type in self.draft.types:
            self.type_choice.value = self.draft.type  # the title's usual type, still editable
        self._focus_first(step)
        self.keeper.step_changed()

    def _focus_first(self, step: str) -> None:
        first = {"alerta": self.alert.buttons[0], "origem": self.origin, "dados": self.person,
                 "script": self.options, "relatorio": self.report_continue, "primeiro": self.type_choice}
        if step in first:
            self.kbd.focus_on(first[step])

    def _step_line(self):
        if self.step in STEPS:
            n = list(STEPS).index(self.step) + 1
            self.step_line.value = f"Passo {n} de {len(STEPS)} — {STEPS[self.step]}"
        else:
            self.step_line.value = ""

    # -- alert + origin --------------------------------------------------------------
    def _build_alert(self):
        self.alert = Dialog(f"Por favor informe o protocolo ao cliente nº <b>{esc(self.draft.protocol)}</b>",
                            [("Ok", lambda: self._go("origem"))], html_message=True)
        self.screens = {"alerta": self.alert}
        self.kbd = Keys(focus=self.alert.buttons[0])

    def _build_origin(self):
        self.origin = w.RadioButtons(options=self.draft.origins, value=self.draft.origin
                                     if self.draft.origin in self.draft.origins else None,
                                     layout=w.Layout(width="auto"))
        self.fields["Origem do Atendimento"] = Field("Origem do Atendimento", self.origin, required=True)
        self.origin_continue = self._btn("Continuar", self.origin_next, step="origem", primary=True)
        self.origin_exit = self._btn("Sair", self.ask_leave, step="origem")
        self.screens["origem"] = w.VBox([title("Origem do Atendimento"),
                                         w.HTML("Selecione a origem do atendimento:"),
                                         self.fields["Origem do Atendimento"],
                                         self._nav(self.origin_continue, self.origin_exit)])

    def origin_next(self):
        def do():
            if not self.origin.value:
                from workbench.errors import ValidationError

                raise ValidationError("Escolha a origem do atendimento.", field="Origem do Atendimento")
            self.draft.set_origin(self.origin.value)

        self.runner.run(do, lambda _r: self._go("dados"))

    # -- data ---------------------------------------------------------------------------
    def _build_data(self):
        d = self.draft
        contracts = d.contracts
        options = [(f"{r['plan']} — {r['status']}", int(r["contract_id"])) for _, r in contracts.iterrows()]
        active = [cid for (label, cid), (_, r) in zip(options, contracts.iterrows()) if r["status"] == "Ativo"]
        default = d.contract_id or (active[0] if len(active) == 1 else (options[0][1] if len(options) == 1 else None))
        self.plan = w.Dropdown(options=options, value=default, layout=w.Layout(width="360px"))
        self.routing = readonly("")
        self.client_name = readonly(d.client.get("name"))
        self.person = w.Text(value=d.person_name, layout=w.Layout(width="360px"))
        self.problem = w.Textarea(value=d.problem, layout=w.Layout(width="560px", height="90px"))
        self.title_choice = w.Dropdown(options=[("", None)] + [(t, t) for t in d.titles], value=d.title,
                                       layout=w.Layout(width="360px"))
        for label, widget, req in [("Cliente", self.client_name, False), (F_PLAN, self.plan, True),
                                   ("Ponto de Roteamento", self.routing, False), (F_PERSON, self.person, True),
                                   (F_PROBLEM, self.problem, True), (F_TITLE, self.title_choice, True)]:
            self.fields[label] = Field(label, widget, required=req)
        self.plan.observe(lambda _c: self._show_routing(), "value")
        self._show_routing()
        self.data_client = self._btn("Dados do Cliente", self.show_client_data, step="dados", icon="user")
        self.data_continue = self._btn("Continuar", self.data_next, step="dados", primary=True)
        self.data_exit = self._btn("Sair", self.ask_leave, step="dados")
        f = self.fields
        self.screens["dados"] = w.VBox([
            title("Dados do Atendimento"),
            w.HTML("<span class='wb-hint'>Os campos com título em <b>negrito</b> são de preenchimento "
                   "obrigatório.</span>"),
            w.HBox([f["Cliente"], f[F_PLAN]], layout=w.Layout()),
            f["Ponto de Roteamento"], w.HBox([f[F_PERSON], f[F_TITLE]], layout=w.Layout()),
            f[F_PROBLEM],
            self._nav(self.data_client, self.data_continue, self.data_exit)])

    def _show_routing(self):
        c = self.draft.contracts
        row = c[c["contract_id"] == self.plan.value] if self.plan.value is not None else c.iloc[0:0]
        if len(row):
            r = row.iloc[0]
            color = "#1e6b32" if r["access"] == "Habilitado" else "#b3261e"
            self.routing.value = (f"{esc(r['routing_point'])} — <b style='color:{color}'>{esc(r['access'])}</b>")
        else:
            self.routing.value = "&mdash;"

    def _store_data(self):
        if self.plan.value is None:
            self.draft.contract_id = None  # set_data() treats None as "unchanged"
        self.draft.set_data(contract_id=self.plan.value, person_name=self.person.value,
                            problem=self.problem.value, title=self.title_choice.value or "")

    def data_next(self):
        def do():
            self._store_data()
            self.draft.validate_data()
            self.draft.start_script()
            return self.draft.has_script

        self.runner.run(do, self._after_data)

    def _after_data(self, has_script: bool) -> None:
        """Next step; first the warning when the client has this title open (same_title.py)."""
        from workbench.widgets.desk.same_title import SameTitleOffer

        nxt = "script" if has_script else "primeiro"
        found = []
        self.runner.run(self.draft.open_same_title, lambda rows: found.extend(rows or []))
        if not found:
            self._go(nxt)
            return
        self.same_title = SameTitleOffer(self.draft, found, on_new=lambda: self.step == "mesmo" and self._go(nxt),
                                         on_added=self._added_as_contact)
        self.screens["mesmo"] = self.same_title
        self._go("mesmo")

    def _added_as_contact(self, outcome) -> None:
        protocol = outcome.protocol
        self.protocol = protocol
        self.screens["fim"] = Dialog(
            f"Contato registrado no atendimento nº <b>{esc(protocol)}</b>.<br>"
            f"Esta ligação (protocolo nº {esc(self.draft.protocol)}) leva a ele.",
            [("Ok", lambda: self.on_done and self.on_done(protocol))], html_message=True)
        self._go("fim")

    # -- first contact ----------------------------------------------------------------------
    def _build_first_contact(self):
        d = self.draft
        self.type_choice = w.Dropdown(options=[("", None)] + [(t, t) for t in d.types], value=d.type,
                                      layout=w.Layout(width="300px"))
        self.checks = w.Textarea(value=d.checks, layout=w.Layout(width="560px", height="80px"))
        self.resolved = w.Checkbox(value=d.resolved, description="Atendimento resolvido", indent=False)
        self.solution = w.Textarea(value=d.solution, layout=w.Layout(width="560px", height="80px"))
        self.request_os = w.Checkbox(value=d.request_os, description="Pedir O.S.", indent=False)
        exclusive(self.resolved, self.request_os)          # the manual's alternatives
        self.os_address = w.Text(value=getattr(d, "os_address", None) or "", layout=w.Layout(width="420px"))
        self.os_period = w.Dropdown(options=list(PERIODS.values()),
                                    value=PERIODS.get(getattr(d, "os_period", None) or "qualquer"),
                                    layout=w.Layout(width="200px"))
        self.fields[F_ADDRESS] = Field(F_ADDRESS, self.os_address, width="auto",
                                       hint_text="em branco: o endereço do cadastro")
        self.fields[F_PREFERRED] = Field(F_PREFERRED, self.os_period, width="auto")
        self.os_box = w.HBox([self.fields[F_ADDRESS], self.fields[F_PREFERRED]])
        self.os_box.layout.display = "" if d.request_os else "none"
        self.request_os.observe(lambda c: setattr(self.os_box.layout, "display", "" if c["new"] else "none"),
                                "value")
        self.fields[F_TYPE] = Field(F_TYPE, self.type_choice, required=True)
        self.fields[F_CHECKS] = Field(F_CHECKS, self.checks, required=True)
        self.fields[F_SOLUTION] = Field(F_SOLUTION, self.solution, required=True)
        self.fields[F_SOLUTION].layout.display = "" if d.resolved else "none"
        self.resolved.observe(lambda c: setattr(self.fields[F_SOLUTION].layout, "display",
                                                "" if c["new"] else "none"), "value")
        self.first_client = self._btn("Dados do Cliente", self.show_client_data, step="primeiro", icon="user")
        self.first_back = self._btn("Voltar", self.first_previous, step="primeiro")
        self.finish_btn = self._btn("Finalizar", self.finish, step="primeiro", primary=True)
        self.first_exit = self._btn("Sair", self.ask_leave, step="primeiro")
        self.screens["primeiro"] = w.VBox([
            title("Primeiro Contato"), self.fields[F_TYPE], self.fields[F_CHECKS], self.resolved,
            self.fields[F_SOLUTION], self.request_os, self.os_box,
            self._nav(self.first_client, self.first_back, self.finish_btn, self.first_exit)])

    def _store_first_contact(self):
        self.draft.set_first_contact(type=self.type_choice.value or "", checks=self.checks.value,
                                     resolved=self.resolved.value, solution=self.solution.value,
                                     request_os=self.request_os.value,
                                     os_address=self.os_address.value if self.request_os.value else None,
                                     os_period=self.os_period.value if self.request_os.value else None)

    def first_previous(self):
        self._store_first_contact()
        self._go("relatorio" if self.draft.has_script else "dados")

    def finish(self):
        def do():
            self._store_first_contact()
            self.draft.validate_first_contact()
            self.keeper.pause()
            return self._keeping(self.draft.finish)

        def done(protocol):
            self.protocol = protocol
            self.screens["fim"] = Dialog(
                f"Atendimento registrado com sucesso.<br>Protocolo nº <b>{esc(protocol)}</b>",
                [("Ok", lambda: self.on_done and self.on_done(protocol))], html_message=True)
            self._go("fim")

        if not self.runner.run(do, done, busy="Registrando atendimento... Aguarde..."):
            self.keeper.unpause()

    # -- client data ------------------------------------------------------------------------
    def _build_client_data(self):
        self.client_back = self._btn("Voltar ao atendimento", self.hide_client_data, step="cliente", primary=True,
                                     icon="arrow-left")
        self.client_box = w.VBox([])
        self.screens["cliente"] = w.VBox([title("Dados do Cliente"), self.client_box,
                                          self._nav(self.client_back)])

    def show_client_data(self):
        from workbench.widgets.desk.client import AttendanceList

        if self.step == "dados":
            self._store_data()
        elif self.step == "primeiro":
            self._store_first_contact()
        self._return_step = self.step
        c = self.draft.client
        if not self.client_box.children:
            head = w.HTML(f"<b>{esc(c.get('code'))} — {esc(c.get('name'))}</b> &nbsp; {esc(c.get('document'))}"
                          f" &nbsp; {esc(c.get('city'))}")
            self.client_list = AttendanceList(self.draft.session.workbench, c.get("client_id"),
                                              read_only=True, height="240px")
            self.client_box.children = [head, self.client_list]
        else:
            self.client_list.refresh()
        self.step = "cliente"
        self.step_line.value = "Histórico de atendimentos do cliente"
        self.body.children = [self.screens["cliente"]]
        self.kbd.focus_on(self.client_back)

    def hide_client_data(self):
        step = self._return_step or "dados"
        self._return_step = None
        self.body.children = [self.screens[step]]
        self.step = step
        self._step_line()
        self._focus_first(step)

    # -- leave ------------------------------------------------------------------------------
    def ask_leave(self, on_left: Callable[[], None] | None = None):
        """"Sair sem salvar?": "Sim" abandons the protocol (then ``on_left()``, else ``on_leave``);
        "Não" goes back to where the operator was."""
        self._after_leave = on_left
        if self.step == "sair":
            return
        self._before_leave = self.step
        self.step = "sair"
        self.screens["sair"] = Dialog("Sair sem salvar?", [("Sim", self.leave), ("Não", self.cancel_leave)])
        self.body.children = [self.screens["sair"]]
        self.kbd.focus_on(self.screens["sair"].buttons[1])      # Enter keeps the work: "Não"

    @property
    def in_progress(self) -> bool:
        """The attendance is still being typed (leaving must ask first)."""
        return self.draft.state == "aberto" and self.step not in ("fim", "saiu")

    def cancel_leave(self):
        if self.step != "sair":
            return
        self._after_leave = None
        self.step = self._before_leave
        self.body.children = [self.screens[self.step]]
        self._focus_first(self.step)

    def leave(self):
        if self.step != "sair":
            return
        self.keeper.pause()

        def done(_):
            self.step = "saiu"
            after, self._after_leave = self._after_leave, None
            if after is not None:
                after()
            elif self.on_leave:
                self.on_leave(self.draft.protocol)

        if not self.runner.run(lambda: self._keeping(self.draft.leave), done):
            self.keeper.unpause()

    def _keeping(self, action):
        """Run a finish or exit; when another tab holds the draft, say so on the red bar too."""
        try:
            return action()
        except DraftConflict as exc:
            self.keeper.refused(exc)
            raise
