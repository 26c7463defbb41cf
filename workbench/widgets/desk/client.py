"""Cadastro do Cliente: the client's data and contracts, and the "Atendimentos" tab.

The tab adds an attendance ("Adicionar Atendimento"), searches ("Pesquisar"),
refreshes ("Atualizar"), orders by any column (Título first) and filters by
status ("Visualizar por status", several at once). A row opens its
:class:`~workbench.widgets.detail.AttendanceDetail` in place.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench.widgets.common import Field, Runner, Status, button, css, esc, kv_html, on_enter, title
from workbench.widgets.detail import AttendanceDetail
from workbench.widgets.in_place import DetailInPlace
from workbench.widgets.keys import Keys
from workbench.widgets.table import Table

# the key columns fit 1366 px (the desk is 1100 px wide); the rest come with "Mais colunas"
KEY_COLUMNS = {"protocol": "Protocolo", "title": "Título", "status": "Status", "created_at": "Abertura",
               "due_at": "Prazo", "owner": "Responsável"}
MORE_COLUMNS = {"countdown": "Situação do prazo", "queue": "Fila", "type": "Tipo", "origin": "Origem",
                "plan": "Plano", "operator": "Operador", "problem": "Descrição"}
ATTENDANCES = {**KEY_COLUMNS, **MORE_COLUMNS}
WIDTHS = {"protocol": 130, "title": 200, "status": 125, "created_at": 130, "due_at": 130, "owner": 170,
          "countdown": 160, "queue": 120, "type": 130, "origin": 100, "plan": 140, "operator": 130, "problem": 260}
ORDER = {"Abertura": "created_at", "Título": "title", "Protocolo": "protocol", "Status": "status",
         "Prazo": "due_at", "Responsável": "owner", "Fila": "queue", "Tipo": "type", "Origem": "origin",
         "Plano": "plan", "Operador": "operator"}
NEWEST_FIRST = ("created_at", "due_at")     # a click on these headers orders newest first
LEGEND = ("<span class='wb-legend'><b>Negrito</b>: em aberto · "
          "<span style='background:#fff4d6;padding:0 4px'>vence em 24 h</span> · "
          "<span style='background:#fde3e1;color:#8a1c14;padding:0 4px'>vencido (prazo do tipo ou Anatel)</span>"
          "</span>")


def row_class(row: dict) -> str:
    """Open rows in bold; due within 24 h in amber; past the type's deadline or Anatel's in red."""
    deadline = row.get("deadline") or ""
    marks = ["wb-row-open"] if row.get("is_open") is True else []
    if deadline in ("vencido", "anatel"):
        marks.append("wb-row-late")
    elif deadline == "vence_24h":
        marks.append("wb-row-due")
    return " ".join(marks)


CONTRACTS = {"contract_id": "Contrato", "plan": "Plano", "status": "Situação",
             "routing_point": "Ponto de Roteamento", "access": "Acesso", "started_on": "Início"}


class AttendanceList(DetailInPlace, w.VBox):
    """A client's attendances with search, refresh, order and status filter.

    Newest first; a click on a column header orders by it (Título ascending, the
    manual's order, one click away); open and late rows are marked; the key
    columns fit the screen and "Mais colunas" shows the rest."""

    def __init__(self, wb, client_id, *, session=None, on_add: Callable[[], None] | None = None,
                 read_only: bool = False, height: str = "300px"):
        self.wb = wb
        self.client_id = client_id
        self.session = session
        self.read_only = read_only
        self.add_btn = button("Adicionar Atendimento", primary=True, icon="plus")
        self.add_btn.layout.display = "none" if (read_only or on_add is None) else ""
        if on_add is not None:
            self.add_btn.on_click(lambda _b: on_add())
        self.text = w.Text(placeholder="protocolo, título, descrição...", layout=w.Layout(width="260px"))
        self.search_btn = button("Pesquisar", icon="search")
        self.refresh_btn = button("Atualizar", icon="refresh")
        self.order = w.Dropdown(options=list(ORDER), value="Abertura", layout=w.Layout(width="150px"))
        self.descending = w.Checkbox(value=True, description="decrescente", indent=False,
                                     layout=w.Layout(width="110px"))
        self.more = w.Checkbox(value=False, description="Mais colunas", indent=False,
                               layout=w.Layout(width="130px"))
        statuses = list(wb.reference()["statuses"]["label"])
        self.statuses = w.SelectMultiple(options=statuses, value=(), rows=4, layout=w.Layout(width="220px"))
        self.clear_status_btn = button("Todos")
        self.count = w.HTML("")
        self.status = Status()
        self.table = Table(KEY_COLUMNS, on_open=self._open, height=height, label="Atendimentos do cliente",
                           widths=WIDTHS, row_class=row_class, on_sort=self.sort_by)
        self.table.set_sort(ORDER[self.order.value], self.descending.value)
        self.legend = w.HTML(LEGEND)
        self.open_btn = button("Abrir", icon="folder-open")
        self.open_btn.on_click(lambda _b: self.table.open_row())
        self.fields = {"Pesquisar": Field("Pesquisar", self.text, width="auto"),
                       "Ordenar por": Field("Ordenar por", w.HBox([self.order, self.descending]), width="auto"),
                       "Visualizar por status": Field("Visualizar por status",
                                                      w.HBox([self.statuses, self.clear_status_btn],
                                                             layout=w.Layout(align_items="flex-start")),
                                                      width="auto")}
        self.runner = Runner(self.status, [self.search_btn, self.refresh_btn, self.open_btn], self.fields)
        self.search_btn.on_click(lambda _b: self.refresh())
        self.refresh_btn.on_click(lambda _b: self.refresh())
        on_enter(self.text, self.refresh)
        self._quiet = False
        self.order.observe(lambda _c: self._order_changed(), "value")
        self.descending.observe(lambda _c: self._order_changed(), "value")
        self.more.observe(lambda c: self.table.set_columns(ATTENDANCES if c["new"] else KEY_COLUMNS), "value")
        self.statuses.observe(lambda _c: self.refresh(), "value")
        self.clear_status_btn.on_click(lambda _b: setattr(self.statuses, "value", ()))
        self.detail_box = w.VBox([])
        tools = w.HBox([self.fields["Pesquisar"], w.VBox([w.HTML("&nbsp;"), w.HBox([self.search_btn,
                                                                                   self.refresh_btn])]),
                        self.fields["Ordenar por"], self.fields["Visualizar por status"]],
                       layout=w.Layout(align_items="flex-start", flex_flow="row wrap"))
        self.list_box = w.VBox([w.HBox([self.add_btn]), tools, self.status, self.table,
                                w.HBox([self.count, self.legend, self.more, self.open_btn],
                                       layout=w.Layout(justify_content="space-between", align_items="center"))])
        super().__init__([self.list_box, self.detail_box], layout=w.Layout(width="100%"))
        self.detail: AttendanceDetail | None = None
        self.refresh()

    def refresh(self) -> None:
        def show(df):
            self.table.set_data(df)
            n = len(df)
            self.count.value = (f"Mostrando {n} de mais de {n}" if df.attrs.get("truncated")
                                else f"{n} atendimento{'s' if n != 1 else ''}")

        self.runner.run(lambda: self.wb.attendances(
            client_id=self.client_id, status=list(self.statuses.value) or None,
            text=self.text.value.strip() or None, order_by=ORDER[self.order.value],
            descending=self.descending.value), show, busy="Carregando... Aguarde...")

    def _order_changed(self) -> None:
        if self._quiet:
            return
        self.table.set_sort(ORDER[self.order.value], self.descending.value)
        self.refresh()

    def sort_by(self, column: str) -> None:
        """A click on a column header: order by it (again: the other way round). Título starts
        A→Z, dates newest first."""
        labels = {v: k for k, v in ORDER.items()}
        if column not in labels:
            self.status.ok("Esta coluna não ordena a lista.")
            return
        if ORDER[self.order.value] == column:
            descending = not self.descending.value
        else:
            descending = column in NEWEST_FIRST
        self._quiet = True
        try:
            self.order.value = labels[column]
            self.descending.value = descending
        finally:
            self._quiet = False
        self._order_changed()

    def _open(self, row: dict) -> None:
        self.detail = AttendanceDetail(self.wb, row["protocol"], session=self.session,
                                       read_only=self.read_only, on_close=self.close_detail,
                                       on_changed=lambda _p: None)
        self.show_in_place(self.detail)

    def close_detail(self) -> None:
        self.detail = None
        self.back_to_list()
        self.refresh()


class ClientScreen(w.VBox):
    """Cadastro do Cliente with tabs "Dados do Cliente", "Planos" and "Atendimentos"."""

    def __init__(self, wb, session, client_id, *, on_add: Callable[[], None] | None = None,
                 on_back: Callable[[], None] | None = None):
        self.wb = wb
        self.session = session
        self.client_id = client_id
        self.status = Status()
        self.runner = Runner(self.status)
        self.back_btn = button("Voltar à pesquisa", icon="arrow-left")
        if on_back:
            self.back_btn.on_click(lambda _b: on_back())
        self.record = None
        self.heading = title("Cadastro do Cliente")
        self.data_html = w.HTML("")
        self.contracts = Table(CONTRACTS, height="160px", label="Planos contratados",
                               widths={"contract_id": 80, "plan": 200, "status": 90, "routing_point": 200,
                                       "access": 110, "started_on": 110})
        self.runner.run(lambda: wb.client(client_id), self._show, busy="Carregando... Aguarde...")
        self.attendances = AttendanceList(wb, client_id, session=session, on_add=on_add)
        self.tabs = w.Tab(children=[w.VBox([self.data_html]),
                                    w.VBox([w.HTML("<b>Planos contratados</b>"), self.contracts]),
                                    self.attendances],
                          titles=["Dados do Cliente", "Planos", "Atendimentos"])
        self.tabs.selected_index = 2
        self.kbd = Keys(focus=self.attendances.text)      # "Pesquisar" of the Atendimentos tab
        super().__init__([w.HBox([self.heading, self.back_btn], layout=w.Layout(justify_content="space-between")),
                          self.status, self.tabs, self.kbd])
        css(self, "wb-client")

    def _show(self, record) -> None:
        self.record = record
        d = record.data
        self.heading.value = f"Cadastro do Cliente — {esc(d.get('code'))} {esc(d.get('name'))}"
        address = ", ".join(str(x) for x in (d.get("street"), d.get("number"), d.get("district")) if x)
        city = " / ".join(str(x) for x in (d.get("city"), d.get("state")) if x)
        rows = [("Código", d.get("code")), ("Tipo", "Pessoa Jurídica" if d.get("kind") in ("PJ", "J", "juridica")
                                            else "Pessoa Física"),
                ("Nome / Razão Social", d.get("name")), ("Nome Fantasia", d.get("trade_name") or ""),
                ("CPF/CNPJ", d.get("document")), ("E-mail", d.get("email") or ""),
                ("Telefone", d.get("phone") or ""), ("Celular", d.get("mobile") or ""),
                ("Endereço", address), ("Cidade/UF", city), ("CEP", d.get("zip") or "")]
        s = record.summary or {}
        by_status = ", ".join(f"{k}: {v}" for k, v in (s.get("by_status") or {}).items())
        self.data_html.value = kv_html(rows, columns=2) + (
            f"<p style='margin-top:8px'>Atendimentos: <b>{esc(s.get('total', 0))}</b> "
            f"(abertos: <b>{esc(s.get('open', 0))}</b>) {esc(by_status)}</p>")
        self.contracts.set_data(record.contracts)

    def show_attendances(self, refresh: bool = True) -> None:
        self.tabs.selected_index = 2
        if self.attendances.detail is not None:
            self.attendances.close_detail()
        elif refresh:
            self.attendances.refresh()
