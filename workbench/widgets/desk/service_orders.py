"""Ordens de Serviço: the work orders, filtered, and one order with its workflow.

:class:`ServiceOrdersScreen` lists the orders (open ones first) with the
filters Status, Cidade, Ponto de Roteamento, Técnico and a date range (the
order's day: its scheduled date, else its opening date). A row opens
:class:`ServiceOrderView`: the address confirmed from the client's contract,
the preferred period, the schedule, the technician, the notes, the history of
every change, and the change of status through
``session.change_service_order`` (Aberta → Agendada → Em Execução →
Finalizada, or Cancelada). The status select offers only the steps the order
may take now; scheduling asks for date, period and technician, cancelling for
the reason, and finishing asks whether the attendance was resolved (Sim, with
the solution, closes it as Concluído). Every refusal is the service's own
pt-BR message, beside its field.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w

from workbench.errors import ConflictError
from workbench.services.fields import RULES
from workbench.services.service_orders import (F_DATE, F_PERIOD, F_RESOLVED, F_SOLUTION, F_STATUS, F_TECH,
                                               PERIODS, SCHEDULE_PERIODS, STATUSES)
from workbench.widgets.common import Field, Runner, Status, button, css, esc, kv_html, title
from workbench.widgets.detail import _fmt
from workbench.widgets.in_place import DetailInPlace
from workbench.widgets.keys import Keys
from workbench.widgets.table import Table

ORDERS = {"order_id": "O.S.", "status": "Status", "day": "Data", "scheduled_period": "Período",
          "technician": "Técnico", "client_name": "Cliente", "city": "Cidade", "protocol": "Protocolo"}
ORDER_WIDTHS = {"order_id": 60, "status": 110, "day": 100, "scheduled_period": 90, "technician": 170,
                "client_name": 200, "city": 130, "protocol": 130}
HISTORY = {"event_at": "Data", "operator": "Operador", "from_status": "De", "to_status": "Para",
           "scheduled_on": "Agendada para", "scheduled_period": "Período", "technician": "Técnico",
           "note": "Observações"}
F_NOTES = RULES["os_notes"].label
ALL = "Todos"


def _row_class(row: dict) -> str:
    return "wb-row-open" if row.get("status") in STATUSES[:3] else ""


class ServiceOrdersScreen(DetailInPlace, w.VBox):
    """The list of work orders with its filters; a row opens the order in place."""

    def __init__(self, wb, session):
        self.wb = wb
        self.session = session
        ref = wb.reference_cached()
        points = ref["routing_points"]
        techs = ref["technicians"]
        cities = sorted(set(points["city"]) | set(techs["city"]))
        self.status_filter = w.Dropdown(options=[ALL, *STATUSES], value=ALL, layout=w.Layout(width="140px"))
        self.city = w.Dropdown(options=[ALL, *cities], value=ALL, layout=w.Layout(width="170px"))
        self.point = w.Dropdown(options=[(ALL, None)] + [(n, int(i)) for i, n in
                                                         zip(points["routing_point_id"], points["name"])],
                                value=None, layout=w.Layout(width="230px"))
        self.technician = w.Dropdown(options=[(ALL, None)] + [(n, int(i)) for i, n in
                                                              zip(techs["technician_id"], techs["name"])],
                                     value=None, layout=w.Layout(width="200px"))
        self.since = w.DatePicker(layout=w.Layout(width="150px"))
        self.until = w.DatePicker(layout=w.Layout(width="150px"))
        self.fields = {"Status": Field("Status", self.status_filter, width="auto"),
                       "Cidade": Field("Cidade", self.city, width="auto"),
                       "Ponto de Roteamento": Field("Ponto de Roteamento", self.point, width="auto"),
                       "Técnico": Field("Técnico", self.technician, width="auto"),
                       "Desde": Field("Desde", self.since, width="auto"),
                       "Até": Field("Até", self.until, width="auto")}
        self.fields[F_STATUS] = self.fields["Status"]
        self.search_btn = button("Pesquisar", primary=True)
        self.clear_btn = button("Limpar filtros")
        self.open_btn = button("Abrir")
        self.status = Status()
        self.count = w.HTML("")
        self.table = Table(ORDERS, on_open=self.open_order, height="360px", label="Ordens de Serviço",
                           widths=ORDER_WIDTHS, row_class=_row_class, empty_text="Nenhuma O.S. encontrada.")
        self.runner = Runner(self.status, [self.search_btn, self.clear_btn, self.open_btn], self.fields)
        self.search_btn.on_click(lambda _b: self.refresh())
        self.clear_btn.on_click(lambda _b: self.clear_filters())
        self.open_btn.on_click(lambda _b: self.table.open_row())
        for f in (self.status_filter, self.city, self.point, self.technician):
            f.observe(lambda _c: self.refresh(), "value")
        filters = w.HBox([self.fields[k] for k in ("Status", "Cidade", "Ponto de Roteamento", "Técnico",
                                                   "Desde", "Até")],
                         layout=w.Layout(flex_flow="row wrap", align_items="flex-start"))
        self.list_box = w.VBox([filters, w.HBox([self.search_btn, self.clear_btn]), self.status, self.table,
                                w.HBox([self.count, self.open_btn],
                                       layout=w.Layout(justify_content="space-between", align_items="center"))])
        self.detail_box = w.VBox([])
        self.order: ServiceOrderView | None = None
        self.kbd = Keys(focus=self.status_filter)
        self.kbd.enter(filters, self.search_btn)
        super().__init__([title("Ordens de Serviço"), self.list_box, self.detail_box, self.kbd],
                         layout=w.Layout(width="100%"))
        css(self, "wb-service-orders")
        self.refresh()

    def clear_filters(self) -> None:
        for f, v in ((self.status_filter, ALL), (self.city, ALL), (self.point, None), (self.technician, None),
                     (self.since, None), (self.until, None)):
            f.value = v
        self.refresh()

    def refresh(self) -> None:
        def show(df):
            self.table.set_data(df)
            n = len(df)
            self.count.value = (f"Mostrando as {n} primeiras" if df.attrs.get("truncated")
                                else f"{n} O.S. encontrada{'s' if n != 1 else ''}")

        self.runner.run(lambda: self.wb.service_orders(
            None if self.status_filter.value == ALL else self.status_filter.value,
            city=None if self.city.value == ALL else self.city.value, routing_point=self.point.value,
            technician=self.technician.value, since=self.since.value, until=self.until.value),
            show, busy="Carregando... Aguarde...")

    def open_order(self, row: dict) -> None:
        self.order = ServiceOrderView(self.wb, self.session, int(row["order_id"]), on_close=self.close_order)
        self.show_in_place(self.order)

    def close_order(self) -> None:
        self.order = None
        self.back_to_list()
        self.refresh()


class ServiceOrderView(w.VBox):
    """One order: its data, its history and the change of status."""

    def __init__(self, wb, session, order_id: int, *, on_close: Callable[[], None] | None = None):
        self.wb = wb
        self.session = session
        self.order_id = order_id
        self.data: dict = {}
        self.status = Status()
        self.heading = title(f"O.S. nº {order_id}")
        self.summary = w.HTML("")
        self.history = Table(HISTORY, height="170px", fit_rows=8, label="Histórico da O.S.",
                             empty_text="Sem eventos no histórico.",
                             widths={"event_at": 130, "operator": 130, "note": 260})
        techs = wb.reference_cached()["technicians"]
        self._techs = techs[techs["active"]]
        self.next_status = w.Dropdown(options=[], layout=w.Layout(width="200px"))
        self.scheduled_on = w.DatePicker(layout=w.Layout(width="160px"))
        self.period = w.Dropdown(options=[PERIODS[c] for c in SCHEDULE_PERIODS], value=None,
                                 layout=w.Layout(width="140px"))
        self.technician = w.Dropdown(options=[], layout=w.Layout(width="280px"))
        self.notes = w.Textarea(layout=w.Layout(width="520px", height="60px"))
        self.resolved = w.RadioButtons(options=["Sim", "Não"], value=None)
        self.solution = w.Textarea(layout=w.Layout(width="520px", height="60px"))
        self.fields = {F_STATUS: Field(F_STATUS, self.next_status, required=True, width="auto"),
                       F_DATE: Field(F_DATE, self.scheduled_on, required=True, width="auto"),
                       F_PERIOD: Field(F_PERIOD, self.period, required=True, width="auto"),
                       F_TECH: Field(F_TECH, self.technician, required=True, width="auto"),
                       F_NOTES: Field(F_NOTES, self.notes, width="auto"),
                       F_RESOLVED: Field(F_RESOLVED, self.resolved, required=True, width="auto"),
                       F_SOLUTION: Field(F_SOLUTION, self.solution, required=True, width="auto")}
        self.question = w.HTML("")
        self.schedule_box = w.HBox([self.fields[F_DATE], self.fields[F_PERIOD], self.fields[F_TECH]],
                                   layout=w.Layout(flex_flow="row wrap"))
        self.finish_box = w.VBox([self.question, self.fields[F_RESOLVED], self.fields[F_SOLUTION]])
        self.change_btn = button("Alterar Status", primary=True)
        self.change_btn.on_click(lambda _b: self.change())
        self.allowed = w.HTML("")
        self.change_box = w.VBox([w.HTML("<b>Alterar o status</b>"), self.fields[F_STATUS], self.allowed,
                                  self.schedule_box, self.finish_box, self.fields[F_NOTES], self.change_btn],
                                 layout=w.Layout(margin="8px 0"))
        self.change_box.add_class("wb-card")
        self.close_btn = button("Voltar à lista")
        if on_close is not None:
            self.close_btn.on_click(lambda _b: on_close())
        self.runner = Runner(self.status, [self.change_btn, self.close_btn], self.fields)
        self.next_status.observe(lambda _c: self._arrange(), "value")
        self.resolved.observe(lambda _c: self._arrange(), "value")
        self.kbd = Keys(focus=self.next_status)
        super().__init__([w.HBox([self.heading, self.close_btn], layout=w.Layout(justify_content="space-between")),
                          self.status, self.summary, w.HTML("<b>Histórico da O.S.</b>"), self.history,
                          self.change_box, self.kbd], layout=w.Layout(width="100%"))
        css(self, "wb-service-order")
        self.refresh()

    def refresh(self, keep_status: bool = False) -> bool:
        return self.runner.run(lambda: self.wb.service_order(self.order_id), self._show,
                               busy="Carregando... Aguarde...", keep_status=keep_status)

    def _show(self, order) -> None:
        d = self.data = order.data
        self.heading.value = esc(f"O.S. nº {d['order_id']} — {d['status']}")
        rows = [("Status", d.get("status")), ("Protocolo", d.get("protocol")),
                ("Cliente", f"{d.get('client_code') or ''} {d.get('client_name') or ''}".strip()),
                ("Plano", d.get("plan")), ("Ponto de Roteamento", d.get("routing_point")),
                ("Título", d.get("title")), ("Status do atendimento", d.get("attendance_status")),
                ("Endereço (confirmado no contrato)", d.get("address")), ("Cidade", d.get("city")),
                ("Período preferido", d.get("preferred_period_label")),
                ("Data agendada", _fmt(d.get("scheduled_on"))), ("Período", d.get("scheduled_period_label")),
                ("Técnico", d.get("technician")), ("Aberta em", _fmt(d.get("created_at"))),
                ("Encerrada em", _fmt(d.get("closed_at"))), ("Observações", d.get("notes"))]
        self.summary.value = kv_html([(k, "" if v is None else v) for k, v in rows], columns=2) + (
            f"<div style='margin-top:6px'><span style='color:#52606d'>Serviço</span>"
            f"<div class='wb-card' style='white-space:pre-wrap'>{esc(d.get('description')) or '&mdash;'}</div></div>")
        self.history.set_data(order.history)
        city = d.get("city")
        techs = self._techs.assign(here=self._techs["city"] != city).sort_values(["here", "name"])
        self.technician.options = [(f"{n} ({c})", int(i)) for i, n, c in
                                   zip(techs["technician_id"], techs["name"], techs["city"])]
        known = [v for _label, v in self.technician.options]
        self.technician.value = d.get("technician_id") if d.get("technician_id") in known else None
        self.next_status.options = list(order.next_statuses)
        self.next_status.value = None
        self.question.value = esc(f"O atendimento nº {d.get('protocol')} foi resolvido com esta O.S.?")
        if order.next_statuses:
            self.allowed.value = esc("Daqui a O.S. pode ir para: " + ", ".join(dict.fromkeys(order.next_statuses))
                                     + ".")
            self.change_box.layout.display = ""
        else:
            self.allowed.value = ""
            self.change_box.layout.display = "none"
        self._arrange()

    def _arrange(self) -> None:
        chosen = self.next_status.value
        self.schedule_box.layout.display = "" if chosen == "Agendada" else "none"
        self.finish_box.layout.display = "" if chosen == "Finalizada" else "none"
        self.fields[F_SOLUTION].layout.display = "" if self.resolved.value == "Sim" else "none"
        self.fields[F_NOTES].title.value = esc("Observações da O.S." + (" (motivo do cancelamento)"
                                                                       if chosen == "Cancelada" else ""))

    def change(self) -> None:
        """Send the change chosen; a stale screen (someone changed the order) is shown again."""
        status = self.next_status.value
        if status is None:
            self.fields[F_STATUS].set_error("Escolha o novo status.")
            self.status.error("Verifique os campos indicados.")
            return
        resolved = {"Sim": True, "Não": False}.get(self.resolved.value) if status == "Finalizada" else None
        stale: list[str] = []

        def send():
            try:
                return self.session.change_service_order(
                    self.order_id, status, expected=self.data.get("updated_at"),
                    scheduled_on=self.scheduled_on.value if status == "Agendada" else None,
                    period=self.period.value if status == "Agendada" else None,
                    technician=self.technician.value if status == "Agendada" else None,
                    note=self.notes.value.strip() or None, attendance_resolved=resolved,
                    solution=self.solution.value.strip() or None if resolved else None)
            except ConflictError as exc:
                stale.append(str(exc))
                raise

        if self.runner.run(send, self._changed, busy="Gravando... Aguarde...", keep_status=True):
            return
        if stale and self.refresh():
            self.status.error(stale[0])

    def _changed(self, order) -> None:
        protocol = order.data.get("protocol")
        for f in (self.notes, self.solution):
            f.value = ""
        self.resolved.value = None
        self._show(order)
        message = f"O.S. nº {self.order_id}: {order.data['status']}."
        if order.data["status"] == "Finalizada":
            message += (f" Atendimento nº {protocol} concluído." if not order.data.get("attendance_open")
                        else f" O atendimento nº {protocol} continua aberto.")
        self.status.ok(message)
