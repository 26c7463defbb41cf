"""Find anything from anywhere: what the lookup box in the desk's header opens
(the box itself is :mod:`workbench.widgets.desk.lookup_box`).

The box takes a protocol (any: registered, in progress or abandoned), a
CPF/CNPJ, a phone, a client code, an e-mail or a name (``wb.lookup``). A
registered protocol opens its attendance (:class:`~workbench.widgets.detail.AttendanceDetail`,
where the operator adds a note or changes the status); a protocol that was
never registered shows its protocol-log entry (when, who, client, origin,
outcome); one client found opens the client; several are listed (Enter or a
double click opens one). A protocol never issued, or one of another format,
is a pt-BR message in the header's status line.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench.services import formatting
from workbench.widgets.common import button, css, esc, kv_table, title
from workbench.widgets.desk.search import COLUMNS
from workbench.widgets.detail import AttendanceDetail
from workbench.widgets.keys import Keys
from workbench.widgets.table import Table

OUTCOMES = {"aberto": "Em andamento (não registrado)", "registrado": "Registrado",
            "abandonado": "Abandonado (saiu sem salvar)"}


class LookupScreen(w.VBox):
    """What a lookup found. ``on_client(client_id)`` opens a client; ``on_resume(protocol)``
    continues this operator's attendance in progress."""

    def __init__(self, wb, session, result, *, on_client: Callable[[int], None],
                 on_resume: Callable[[str], None] | None = None, resumable: bool = False):
        self.wb = wb
        self.session = session
        self.result = result
        self.on_client = on_client
        self.detail = None
        self.table = None
        self.open_client_btn = button("Abrir cliente", icon="user")
        self.resume_btn = None
        parts: list[w.Widget] = []
        p = result.protocol
        if p is not None:
            self.open_client_btn.on_click(lambda _b: on_client(int(p["client_id"])))
            parts += [title(f"Protocolo nº {p['protocol']}"), self._log_card(p)]
            actions = [self.open_client_btn]
            if resumable and on_resume is not None:
                self.resume_btn = button("Continuar atendimento", primary=True)
                self.resume_btn.on_click(lambda _b: on_resume(p["protocol"]))
                actions.insert(0, self.resume_btn)
            parts.append(w.HBox(actions, layout=w.Layout(margin="6px 0")))
            if result.registered:
                self.detail = AttendanceDetail(wb, p["protocol"], session=session)
                parts.append(self.detail)
            focus = self.resume_btn or self.open_client_btn
        else:
            self.table = Table(COLUMNS, on_open=lambda row: on_client(int(row["client_id"])), height="300px",
                               label="Clientes encontrados",
                               widths={"code": 80, "name": 260, "document": 150, "city": 140, "state": 44,
                                       "phone": 120, "trade_name": 160})
            self.table.set_data(result.clients)
            self.open_client_btn.on_click(lambda _b: self.table.open_row())
            parts += [title("Clientes encontrados"), w.HTML(esc(result.message)), self.table,
                      w.HBox([self.open_client_btn], layout=w.Layout(justify_content="flex-end"))]
            focus = self.table.grid
        self.kbd = Keys(focus=focus)
        super().__init__(parts + [self.kbd], layout=w.Layout(width="100%"))
        css(self, "wb-lookup-result")

    @staticmethod
    def _log_card(p: dict) -> w.HTML:
        rows = [("Protocolo", p["protocol"]), ("Situação", OUTCOMES.get(p["outcome"], p["outcome"])),
                ("Gerado em", formatting.display(p["issued_at"], "datetime")), ("Operador", p["operator"] or ""),
                ("Cliente", f"{p['client_code'] or ''} {p['client_name'] or ''}".strip()),
                ("Origem", p["origin"] or "não escolhida"),
                ("Desde", formatting.display(p["outcome_at"], "datetime") if p["outcome_at"] else "")]
        if p["registered"]:
            rows += [("Título", p["title"]), ("Status", p["status"])]
        return css(kv_table(rows, columns=2), "wb-card")
