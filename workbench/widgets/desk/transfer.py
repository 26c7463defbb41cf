"""Transferir: give an attendance to an operator and/or a queue, with a reason (issue 11 item 4).

The choices come from ``session.transfer_targets()`` (active operators, every
queue); the service decides who may move what (the responsible, or a
supervisor/admin: "reatribuir") and refuses a disabled operator, a closed
attendance or a change made meanwhile by someone else, each with its message
beside the field or in the status line. The reason goes to the history and
the audit log.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench.services.fields import RULES
from workbench.services.worklist import F_OPERATOR, F_QUEUE
from workbench.widgets.common import Field, Runner, Status, button, css, esc, title
from workbench.widgets.keys import Keys

F_REASON = RULES["reason"].label


class TransferForm(w.VBox):
    """``TransferForm(session, protocol, current=detail.data, on_done=cb(result), on_cancel=cb())``.

    ``current``: the attendance as shown (owner, queue, updated_at: the latter guards against a
    change made meanwhile).
    """

    def __init__(self, session, protocol: str, *, current: dict | None = None,
                 on_done: Callable[[dict], None] | None = None, on_cancel: Callable[[], None] | None = None):
        self.session = session
        self.protocol = protocol
        current = current or {}
        self.expected = current.get("updated_at")
        self.on_done = on_done
        self.result = None
        self.status = Status()
        targets = session.transfer_targets()
        ops = targets["operators"]
        self.operator = w.Dropdown(options=[("", None)] + [(f"{r['name']} ({r['username']})", int(r["operator_id"]))
                                                           for _, r in ops.iterrows()],
                                   value=None, layout=w.Layout(width="320px"))
        self.queue = w.Dropdown(options=[("", None)] + [(r["label"], r["code"])
                                                        for _, r in targets["queues"].iterrows()],
                                value=None, layout=w.Layout(width="220px"))
        self.reason = w.Textarea(layout=w.Layout(width="560px", height="60px"))
        self.fields = {F_OPERATOR: Field(F_OPERATOR, self.operator, width="auto"),
                       F_QUEUE: Field(F_QUEUE, self.queue, width="auto"),
                       F_REASON: Field(F_REASON, self.reason, required=True)}
        self.fields["Fila"] = self.fields[F_QUEUE]          # the service names the queue "Fila" in some refusals
        self.save_btn = button("Transferir", primary=True)
        self.cancel_btn = button("Cancelar")
        self.save_btn.on_click(lambda _b: self.submit())
        if on_cancel is not None:
            self.cancel_btn.on_click(lambda _b: on_cancel())
        self.runner = Runner(self.status, [self.save_btn, self.cancel_btn], self.fields)
        now = (f"Responsável atual: <b>{esc(current.get('owner')) or '&mdash;'}</b> &nbsp; "
               f"Fila: <b>{esc(current.get('queue')) or '&mdash;'}</b>")
        self.kbd = Keys(focus=self.operator)
        super().__init__([title(f"Transferir Atendimento nº {protocol}"), w.HTML(now),
                          w.HTML("<span class='wb-hint'>Escolha um operador, uma fila ou os dois. Só uma fila: o "
                                 "atendimento fica nela sem responsável, para quem a atende assumir.</span>"),
                          w.HBox([self.fields[F_OPERATOR], self.fields[F_QUEUE]]), self.fields[F_REASON],
                          self.status,
                          w.HBox([self.save_btn, self.cancel_btn],
                                 layout=w.Layout(justify_content="flex-end", margin="8px 0 0 0")), self.kbd],
                         layout=w.Layout(width="100%"))
        css(self, "wb-transfer")

    def submit(self) -> bool:
        """Transfer; True when it was written."""
        if self.result is not None:
            return False

        def do():
            return self.session.transfer(self.protocol, to_operator=self.operator.value, to_queue=self.queue.value,
                                         reason=self.reason.value, expected=self.expected)

        def done(result):
            self.result = result
            self.status.ok(transfer_message(self.protocol, result))
            if self.on_done is not None:
                self.on_done(result)

        return self.runner.run(do, done, busy="Transferindo... Aguarde...")


def transfer_message(protocol: str, result: dict) -> str:
    who = result.get("owner") or "sem responsável"
    queue = result.get("queue")
    return f"Atendimento nº {protocol} transferido: {who}" + (f", fila {queue}." if queue else ".")
