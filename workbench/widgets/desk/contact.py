"""Novo Contato: a further contact under an existing protocol (issue 11 item 3).

:class:`ContactForm` asks what the manual's Primeiro Contato asks, for a call
about an attendance that already exists: the origin (none preselected), the
person, what the client said, the checks done, then either "Atendimento
resolvido" (with the solution) or "Pedir O.S." (with the service address and
the preferred period) — the two are alternatives: ticking one unticks the
other. It registers through ``session.add_contact``; a contact on a closed
attendance reopens it unless it resolves it again (the service's rule), and
the form says so.

:class:`OutcomeFields` is the resolved / O.S. part on its own: the wizard's
"same title" offer uses it with the call's own origin, person and problem.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench.services.contacts import F_ORIGIN, F_OS, F_RESOLVED
from workbench.services.fields import RULES
from workbench.services.service_orders import F_PREFERRED, PERIODS
from workbench.widgets.common import Field, Runner, Status, button, css, title
from workbench.widgets.keys import Keys

F_PERSON, F_SAID, F_CHECKS, F_SOLUTION, F_ADDRESS = (RULES[k].label for k in
                                                     ("person_name", "said", "checks", "solution", "os_address"))
STATUS_LABELS = {"concluido": "Concluído", "em_resolucao": "Em Resolução", "pendente": "Pendente"}


def exclusive(first: w.Checkbox, second: w.Checkbox) -> None:
    """Make two checkboxes alternatives: ticking one unticks the other."""
    def untick(other):
        def changed(change):
            if change["new"]:
                other.value = False
        return changed

    first.observe(untick(second), "value")
    second.observe(untick(first), "value")


class OutcomeFields(w.VBox):
    """Verificações, then "Atendimento resolvido" → solution, or "Pedir O.S." → address and period."""

    def __init__(self):
        self.checks = w.Textarea(layout=w.Layout(width="560px", height="70px"))
        self.resolved = w.Checkbox(value=False, description=F_RESOLVED, indent=False)
        self.solution = w.Textarea(layout=w.Layout(width="560px", height="70px"))
        self.request_os = w.Checkbox(value=False, description=F_OS, indent=False)
        self.os_address = w.Text(layout=w.Layout(width="420px"))
        self.os_period = w.Dropdown(options=list(PERIODS.values()), value=PERIODS["qualquer"],
                                    layout=w.Layout(width="200px"))
        self.fields = {F_CHECKS: Field(F_CHECKS, self.checks, required=True),
                       F_RESOLVED: Field(F_RESOLVED, self.resolved),
                       F_SOLUTION: Field(F_SOLUTION, self.solution, required=True),
                       F_OS: Field(F_OS, self.request_os),
                       F_ADDRESS: Field(F_ADDRESS, self.os_address, width="auto",
                                        hint_text="em branco: o endereço do cadastro"),
                       F_PREFERRED: Field(F_PREFERRED, self.os_period, width="auto")}
        self.fields[F_RESOLVED].title.layout.display = "none"    # the checkbox says it
        self.fields[F_OS].title.layout.display = "none"
        self.os_box = w.HBox([self.fields[F_ADDRESS], self.fields[F_PREFERRED]])
        exclusive(self.resolved, self.request_os)
        self.resolved.observe(lambda _c: self._show(), "value")
        self.request_os.observe(lambda _c: self._show(), "value")
        self._show()
        super().__init__([self.fields[F_CHECKS], self.fields[F_RESOLVED], self.fields[F_SOLUTION],
                          self.fields[F_OS], self.os_box])

    def _show(self) -> None:
        self.fields[F_SOLUTION].layout.display = "" if self.resolved.value else "none"
        self.os_box.layout.display = "" if self.request_os.value else "none"

    def values(self) -> dict:
        """The keyword arguments of ``add_contact`` / ``add_as_contact`` this part fills."""
        return {"checks": self.checks.value, "resolved": self.resolved.value,
                "solution": self.solution.value if self.resolved.value else "",
                "request_os": self.request_os.value,
                "os_address": (self.os_address.value.strip() or None) if self.request_os.value else None,
                "os_period": self.os_period.value if self.request_os.value else "qualquer"}


def outcome_message(outcome) -> str:
    """What the operator reads after a contact: its number, the status now, the O.S., a reopening."""
    text = (f"Contato nº {outcome.seq} registrado no atendimento nº {outcome.protocol}. "
            f"Status: {STATUS_LABELS.get(outcome.to_status, outcome.to_status)}.")
    if outcome.order_id is not None:
        text += f" O.S. nº {outcome.order_id} aberta."
    if outcome.reopened:
        text += " O atendimento estava encerrado e foi reaberto por este contato."
    return text


class ContactForm(w.VBox):
    """``ContactForm(session, protocol, expected=updated_at, on_done=cb(outcome), on_cancel=cb())``.

    ``expected``: the attendance's ``updated_at`` as the detail showed it; a change made meanwhile
    by someone else is refused by the service (nothing written, the message says who and when).
    """

    def __init__(self, session, protocol: str, *, expected=None, closed: bool = False,
                 on_done: Callable[[object], None] | None = None, on_cancel: Callable[[], None] | None = None):
        self.session = session
        self.protocol = protocol
        self.expected = expected
        self.on_done = on_done
        self.outcome = None
        origins = list(session.workbench.reference_cached()["origins"]["label"])
        self.origin = w.RadioButtons(options=origins, value=None, layout=w.Layout(width="auto"))
        self.person = w.Text(layout=w.Layout(width="360px"))
        self.said = w.Textarea(layout=w.Layout(width="560px", height="70px"))
        self.outcome_fields = OutcomeFields()
        self.fields = {F_ORIGIN: Field(F_ORIGIN, self.origin, required=True),
                       F_PERSON: Field(F_PERSON, self.person, required=True),
                       F_SAID: Field(F_SAID, self.said, required=True), **self.outcome_fields.fields}
        self.status = Status()
        self.save_btn = button("Registrar Contato", primary=True)
        self.cancel_btn = button("Cancelar")
        self.save_btn.on_click(lambda _b: self.submit())
        if on_cancel is not None:
            self.cancel_btn.on_click(lambda _b: on_cancel())
        self.runner = Runner(self.status, [self.save_btn, self.cancel_btn], self.fields)
        note = (css(w.HTML("Este atendimento está encerrado: um novo contato o reabre, a menos que o resolva "
                           "de novo."), "wb-explanation") if closed else w.HTML(""))
        self.kbd = Keys(focus=self.origin)
        self.kbd.enter(self.fields[F_PERSON], self.save_btn, self.person)
        super().__init__([title(f"Novo Contato — Atendimento nº {protocol}"), note,
                          w.HTML("<span class='wb-hint'>Os campos com título em <b>negrito</b> são de "
                                 "preenchimento obrigatório.</span>"),
                          self.fields[F_ORIGIN], self.fields[F_PERSON], self.fields[F_SAID], self.outcome_fields,
                          self.status,
                          w.HBox([self.save_btn, self.cancel_btn],
                                 layout=w.Layout(justify_content="flex-end", margin="8px 0 0 0")), self.kbd],
                         layout=w.Layout(width="100%"))
        css(self, "wb-contact")

    def submit(self) -> bool:
        """Register the contact; True when it was written."""
        if self.outcome is not None:             # a double click after it was written
            return False

        def do():
            return self.session.add_contact(self.protocol, origin=self.origin.value, person_name=self.person.value,
                                            said=self.said.value, expected=self.expected,
                                            **self.outcome_fields.values())

        def done(outcome):
            self.outcome = outcome
            self.status.ok(outcome_message(outcome))
            if self.on_done is not None:
                self.on_done(outcome)

        return self.runner.run(do, done, busy="Registrando contato... Aguarde...")

