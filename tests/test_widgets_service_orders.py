"""The "Ordens de Serviço" screen (issue 11 item 5), driven without a browser: filters, one order
from Aberta to Finalizada (closing its attendance), cancelling, refusals and a stale screen."""

from __future__ import annotations

from datetime import timedelta

import pytest

from workbench.services.dashboard_filters import local_today
from workbench.widgets.desk.app import DeskApp
from workbench.widgets.desk.service_orders import ServiceOrdersScreen, ServiceOrderView

import deskdata
import flowdata
import rawdb

TODAY = local_today()          # the desk's date (an order's day is local; UTC is ahead of it at night)
TOMORROW = TODAY + timedelta(days=1)


@pytest.fixture
def orders(wb):
    ids = flowdata.seed(wb)
    session = flowdata.login(wb, "atendente")
    first = flowdata.register(session, ids["C0001"], request_os=True)        # São Paulo
    second = flowdata.register(session, ids["C0002"], request_os=True)       # Campinas
    order_of = {p: int(wb.attendance(p).service_order["order_id"]) for p in (first, second)}
    return wb, ids, session, first, second, order_of


def test_reached_from_the_desk(wb, orders):
    app = DeskApp(wb=wb)
    app._logged_in(wb.login("atendente", deskdata.LOGINS["atendente"]))
    app.body.children[0].service_orders.click()
    assert app.screen == "service_orders"
    screen = app.body.children[0]
    assert isinstance(screen, ServiceOrdersScreen) and len(screen.table) == 2


def test_filters(orders):
    wb, ids, session, first, second, order_of = orders
    screen = ServiceOrdersScreen(wb, session)
    assert set(screen.table.df["protocol"]) == {first, second}
    assert screen.table.grid.row_classes == ["wb-row-open", "wb-row-open"]
    screen.city.value = "Campinas"
    assert list(screen.table.df["protocol"]) == [second]
    screen.city.value = "Todos"
    screen.point.value = int(wb.reference_cached()["routing_points"].set_index("name")
                             .loc[wb.service_order(order_of[first]).data["routing_point"], "routing_point_id"])
    assert list(screen.table.df["protocol"]) == [first]
    screen.clear_btn.click()
    assert len(screen.table) == 2
    screen.status_filter.value = "Agendada"
    assert len(screen.table) == 0 and "Nenhuma" in screen.table.empty.value
    screen.status_filter.value = "Aberta"
    assert len(screen.table) == 2
    screen.since.value = TODAY + timedelta(days=5)
    screen.until.value = TODAY
    screen.search_btn.click()
    assert "Desde" in screen.fields["Desde"].error.value or "posterior" in screen.status.value
    screen.since.value = TODAY
    screen.search_btn.click()
    assert len(screen.table) == 2 and screen.status.value == ""


def test_from_aberta_to_finalizada_closes_the_attendance(orders):
    wb, ids, session, first, second, order_of = orders
    screen = ServiceOrdersScreen(wb, session)
    screen.table.open_row(list(screen.table.df["protocol"]).index(first))
    view = screen.order
    assert isinstance(view, ServiceOrderView) and screen.list_box.layout.display == "none"
    assert "Rua das Flores, 10" in view.summary.value and "Qualquer horário" in view.summary.value
    assert list(view.next_status.options) == ["Agendada", "Cancelada"]
    view.next_status.value = "Agendada"
    assert view.schedule_box.layout.display == "" and view.finish_box.layout.display == "none"
    view.change_btn.click()                                   # no date, period, technician: refused by the service
    assert wb.service_order(order_of[first]).data["status"] == "Aberta"
    assert view.fields["Data agendada"].error.value and view.fields["Técnico"].error.value
    assert view.technician.options[0][0].endswith("(São Paulo)")          # the order's city first
    view.scheduled_on.value = TOMORROW
    view.period.value = "Manhã"
    view.technician.value = view.technician.options[0][1]
    view.notes.value = "Cliente prefere depois das 9h"
    view.change_btn.click()
    data = wb.service_order(order_of[first]).data
    assert data["status"] == "Agendada" and data["scheduled_on"] == TOMORROW and data["scheduled_period"] == "manha"
    assert "Agendada" in view.status.value and "Agendada" in view.heading.value
    view.next_status.value = "Em Execução"
    view.change_btn.click()
    assert wb.service_order(order_of[first]).data["status"] == "Em Execução"
    view.next_status.value = "Finalizada"
    assert view.finish_box.layout.display == "" and first in view.question.value
    view.change_btn.click()                                   # not answered: asked again
    assert wb.service_order(order_of[first]).data["status"] == "Em Execução"
    assert view.fields["Atendimento resolvido"].error.value
    view.resolved.value = "Sim"
    view.solution.value = "Troca do conector óptico"
    view.change_btn.click()
    order = wb.service_order(order_of[first])
    assert order.data["status"] == "Finalizada" and order.next_statuses == ()
    assert order.history.to_status.tolist() == ["Aberta", "Agendada", "Em Execução", "Finalizada"]
    assert view.history.df.to_status.tolist() == order.history.to_status.tolist()
    attendance = wb.attendance(first).data
    assert attendance["status"] == "Concluído" and "Troca do conector" in attendance["solution"]
    assert f"Atendimento nº {first} concluído" in view.status.value
    assert view.change_box.layout.display == "none"
    view.close_btn.click()
    assert screen.order is None and screen.table.df.set_index("protocol").loc[first, "status"] == "Finalizada"


def test_finished_unresolved_leaves_the_attendance_open_and_cancel_needs_a_reason(orders):
    wb, ids, session, first, second, order_of = orders
    view = ServiceOrderView(wb, session, order_of[second])
    view.next_status.value = "Cancelada"
    view.change_btn.click()
    assert view.fields["Observações da O.S."].error.value
    assert wb.service_order(order_of[second]).data["status"] == "Aberta"
    view.notes.value = "Cliente desistiu da visita"
    view.change_btn.click()
    assert wb.service_order(order_of[second]).data["status"] == "Cancelada"
    assert wb.service_order(order_of[second]).history.note.iloc[-1] == "Cliente desistiu da visita"
    audit = rawdb.query(wb.path, "SELECT action FROM audit_log WHERE entity = 'service_order' AND entity_id = ?",
                        [str(order_of[second])])
    assert len(audit) >= 1
    other = ServiceOrderView(wb, session, order_of[first])
    session.change_service_order(order_of[first], "Agendada", scheduled_on=TOMORROW, period="Tarde",
                                 technician="Carlos Eduardo Lima")
    session.change_service_order(order_of[first], "Em Execução")
    other.next_status.value = "Cancelada"                      # the screen still shows Aberta
    other.notes.value = "engano"
    other.change_btn.click()
    assert wb.service_order(order_of[first]).data["status"] == "Em Execução"      # nothing written
    assert "alterad" in other.status.value and "Em Execução" in other.heading.value
    assert other.notes.value == "engano"                       # what was typed stays
    assert list(other.next_status.options) == ["Finalizada", "Agendada", "Cancelada"]
    other.next_status.value = "Finalizada"
    other.resolved.value = "Não"
    other.change_btn.click()
    assert wb.service_order(order_of[first]).data["status"] == "Finalizada"
    assert wb.attendance(first).data["is_open"] is True and "continua aberto" in other.status.value
