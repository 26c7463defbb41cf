"""Área de Trabalho: the entries the operator's role allows."""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench.widgets.common import button, css, esc, title
from workbench.widgets.keys import Keys

PAINEL_URL = "/voila/render/painel.ipynb"


def _entry(label: str, action: Callable[[], None]) -> w.Button:
    """One entry of the Área de Trabalho: a button that runs ``action``."""
    entry = button(label, width="180px")
    entry.add_class("wb-desk-entry")
    entry.on_click(lambda _b: action())
    return entry


class Desktop(w.VBox):
    """``Clientes`` opens the client search, ``Meus Atendimentos`` and ``Fila`` the worklists,
    ``Ordens de Serviço`` the work orders; supervisors and admins also get ``Painel``, admins
    ``Operadores``."""

    def __init__(self, session, on_clients: Callable[[], None], *, painel_url: str = PAINEL_URL,
                 on_operators: Callable[[], None] | None = None, on_worklist: Callable[[], None] | None = None,
                 on_queue: Callable[[], None] | None = None,
                 on_service_orders: Callable[[], None] | None = None):
        self.session = session
        self.clients = button("Clientes", primary=True, icon="users", width="180px")
        self.clients.add_class("wb-desk-entry")
        self.clients.on_click(lambda _b: on_clients())
        entries = [self.clients]
        # the worklists (issue 11 item 4): what is open for me and for my queues
        self.worklist = self.queue = None
        if on_worklist is not None and on_queue is not None:
            self.worklist = _entry("Meus Atendimentos", on_worklist)
            self.queue = _entry("Fila", on_queue)
            entries += [self.worklist, self.queue]
        self.service_orders = None
        if session.operator.can("atender") and on_service_orders is not None:
            self.service_orders = _entry("Ordens de Serviço", on_service_orders)
            entries.append(self.service_orders)
        self.painel = None
        if session.operator.can("painel"):
            self.painel = w.HTML(
                f"<a href='{esc(painel_url)}' target='_blank' rel='noopener' "
                "style='display:inline-block;padding:16px 28px;border:1px solid #1f4e79;border-radius:4px;"
                "color:#1f4e79;text-decoration:none;font-size:14px;background:#fff'>"
                "&#128202; Painel</a>")
            entries.append(self.painel)
        self.operators = None
        if session.operator.can("gerir_operadores") and on_operators is not None:
            self.operators = _entry("Operadores", on_operators)
            entries.append(self.operators)
        intro = w.HTML(f"Bem-vindo(a), <b>{esc(session.operator.name)}</b>. Escolha uma opção:")
        self.kbd = Keys(focus=self.clients)       # Enter opens Clientes, Tab moves on
        super().__init__([title("Área de Trabalho"), intro,
                          w.HBox(entries, layout=w.Layout(margin="12px 0", align_items="center")), self.kbd])
        css(self, "wb-desktop")

    @property
    def entries(self) -> list[str]:
        return (["Clientes"] + (["Meus Atendimentos", "Fila"] if self.worklist is not None else [])
                + (["Ordens de Serviço"] if self.service_orders is not None else [])
                + (["Painel"] if self.painel is not None else [])
                + (["Operadores"] if self.operators is not None else []))
