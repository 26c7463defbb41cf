"""The wizard's warning: this client already has an open attendance with the same title (issue 11 item 3).

After "Dados do Atendimento", when the client has open attendances with the
chosen title opened in the last 30 days (``draft.open_same_title()``), the
wizard shows :class:`SameTitleOffer`: continue the new attendance, or register
this call as a further contact of the existing one. That asks only what the
call adds (the checks, resolved → solution, or an O.S.): origin, person and
problem come from the wizard; ``draft.add_as_contact`` writes it, and the
call's protocol (already told to the client) leads to that attendance.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench.services import formatting
from workbench.widgets.common import Runner, Status, button, css, esc, title
from workbench.widgets.desk.contact import OutcomeFields, outcome_message
from workbench.widgets.keys import Keys


class SameTitleOffer(w.VBox):
    """``SameTitleOffer(draft, found, on_new=cb(), on_added=cb(outcome))``; ``found``: open_same_title()."""

    def __init__(self, draft, found: list[dict], *, on_new: Callable[[], None],
                 on_added: Callable[[object], None]):
        self.draft = draft
        self.found = found
        self.on_added = on_added
        self.outcome = None
        self.target = found[0]
        self.status = Status()
        items = "".join(f"<li>Protocolo nº <b>{esc(f['protocol'])}</b>, aberto em "
                        f"{esc(formatting.display(f['created_at'], 'datetime'))}</li>" for f in found)
        message = w.HTML(f"O cliente já tem atendimento aberto com o título <b>{esc(draft.title)}</b> nos últimos "
                         f"30 dias:<ul>{items}</ul>Deseja registrar esta ligação como um novo contato no atendimento "
                         f"nº <b>{esc(self.target['protocol'])}</b>?")
        self.add_btn = button("Adicionar contato ao existente", primary=True)
        self.new_btn = button("Continuar novo atendimento")
        self.add_btn.on_click(lambda _b: self.choose_contact())
        self.new_btn.on_click(lambda _b: on_new())
        self.choice = css(w.VBox([message, w.HBox([self.add_btn, self.new_btn],
                                                  layout=w.Layout(justify_content="flex-end"))]), "wb-dialog")
        self.outcome_fields = OutcomeFields()
        self.save_btn = button("Registrar Contato", primary=True)
        self.back_btn = button("Voltar")
        self.save_btn.on_click(lambda _b: self.submit())
        self.back_btn.on_click(lambda _b: self._show(False))
        self.form = w.VBox([title(f"Novo Contato — Atendimento nº {self.target['protocol']}"),
                            w.HTML(f"Origem, pessoa e relato vêm desta ligação (protocolo nº "
                                   f"{esc(draft.protocol)})."),
                            self.outcome_fields, self.status,
                            w.HBox([self.save_btn, self.back_btn], layout=w.Layout(justify_content="flex-end"))])
        self.runner = Runner(self.status, [self.save_btn, self.back_btn], self.outcome_fields.fields)
        self.kbd = Keys(focus=self.add_btn)
        super().__init__([self.choice, self.form, self.kbd])
        css(self, "wb-same-title")
        self._show(False)

    def _show(self, form: bool) -> None:
        self.choice.layout.display = "none" if form else ""
        self.form.layout.display = "" if form else "none"
        self.kbd.focus_on(self.outcome_fields.checks if form else self.add_btn)

    def choose_contact(self) -> None:
        self._show(True)

    def submit(self) -> bool:
        if self.outcome is not None:
            return False

        def do():
            return self.draft.add_as_contact(self.target["protocol"], expected=self.target.get("updated_at"),
                                             **self.outcome_fields.values())

        def done(outcome):
            self.outcome = outcome
            self.status.ok(outcome_message(outcome))
            self.on_added(outcome)

        return self.runner.run(do, done, busy="Registrando contato... Aguarde...")
