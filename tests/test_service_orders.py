"""Work orders: asked by a contact, listed with filters, moved Aberta → Agendada → Em Execução →
Finalizada (or Cancelada) with every change in its history, the attendance's and the audit log;
finishing one may close its attendance; out-of-order changes and concurrent changes are refused."""

from __future__ import annotations

import textwrap
from datetime import timedelta

import pytest

from workbench.errors import ConflictError, NotFoundError, ValidationError
from workbench.services.dashboard_filters import local_today

import flowdata
import rawdb

TODAY = local_today()          # the desk's date (an order's day is local; UTC is ahead of it at night)
TOMORROW = TODAY + timedelta(days=1)


pytestmark = pytest.mark.backends("duckdb", "postgres")


@pytest.fixture
def desk(wb):
    ids = flowdata.seed(wb)
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"], request_os=True)
    order_id = int(wb.attendance(protocol).service_order["order_id"])
    return wb, ids, session, protocol, order_id


def _schedule(session, order_id, **extra):
    return session.change_service_order(order_id, "Agendada", scheduled_on=TOMORROW, period="Manhã",
                                        technician="Carlos Eduardo Lima", **extra)


def test_an_order_from_the_first_contact_carries_the_client_s_address(desk):
    wb, ids, session, protocol, order_id = desk
    order = wb.service_order(order_id)
    assert order.data["status"] == "Aberta" and order.data["protocol"] == protocol
    assert order.data["address"].startswith("Rua das Flores, 10") and order.data["city"] == "São Paulo"
    assert order.data["preferred_period_label"] == "Qualquer horário"
    assert order.next_statuses == ("Agendada", "Cancelada")
    assert order.history.to_status.tolist() == ["Aberta"]
    draft = session.new_attendance(ids["C0002"], "Telefônico")
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Ana", problem="Sem sinal",
                   title="Sem conexão")
    draft.set_first_contact(type="Suporte Técnico", checks="Sinal verificado", request_os=True,
                            os_address="Av. Brasil, 500, fundos, Campinas", os_period="Tarde")
    second = wb.attendance(draft.finish()).service_order
    assert second["address"] == "Av. Brasil, 500, fundos, Campinas" and second["preferred_period"] == "tarde"


def test_from_aberta_to_finalizada_closing_the_attendance(desk):
    wb, ids, session, protocol, order_id = desk
    scheduled = _schedule(session, order_id, note="Cliente prefere depois das 9h")
    assert scheduled.data["status"] == "Agendada" and scheduled.data["technician"] == "Carlos Eduardo Lima"
    assert scheduled.data["scheduled_on"] == TOMORROW and scheduled.data["scheduled_period_label"] == "Manhã"
    assert session.change_service_order(order_id, "Em Execução").data["status"] == "Em Execução"
    with pytest.raises(ValidationError) as error:
        session.change_service_order(order_id, "Finalizada")
    assert error.value.field == "Atendimento resolvido"
    with pytest.raises(ValidationError) as error:
        session.change_service_order(order_id, "Finalizada", attendance_resolved=True)
    assert error.value.field == "Descrição da Solução do Problema"
    done = session.change_service_order(order_id, "Finalizada", attendance_resolved=True,
                                        solution="Conector da fibra trocado")
    assert done.data["status"] == "Finalizada" and done.data["closed_at"] is not None and done.next_statuses == ()
    assert done.history.to_status.tolist() == ["Aberta", "Agendada", "Em Execução", "Finalizada"]
    attendance = wb.attendance(protocol)
    assert attendance.data["status"] == "Concluído" and attendance.data["closed_at"] is not None
    os_events = attendance.history[attendance.history.kind == "os"]
    assert len(os_events) == 3 and "atendimento encerrado" in os_events.note.iloc[-1]
    actions = rawdb.query(wb, "SELECT action FROM audit_log WHERE entity = 'service_order' AND entity_id = ?",
                          [str(order_id)]).action
    assert actions.tolist() == ["os_alterada"] * 3


def test_finishing_without_resolving_leaves_the_attendance_open(desk):
    wb, ids, session, protocol, order_id = desk
    _schedule(session, order_id)
    session.change_service_order(order_id, "Em Execução")
    session.change_service_order(order_id, "Finalizada", attendance_resolved=False, note="Voltar com peça")
    assert wb.attendance(protocol).data["is_open"]


def test_out_of_order_changes_are_refused_with_the_allowed_steps(desk):
    wb, ids, session, protocol, order_id = desk
    with pytest.raises(ValidationError, match="daqui ela pode ir para: Agendada, Cancelada"):
        session.change_service_order(order_id, "Finalizada", attendance_resolved=False)
    with pytest.raises(ValidationError, match="daqui ela pode ir para"):
        session.change_service_order(order_id, "Em Execução")
    with pytest.raises(ValidationError) as error:
        session.change_service_order(order_id, "Cancelada")
    assert error.value.field == "Observações da O.S."
    session.change_service_order(order_id, "Cancelada", note="Cliente resolveu sozinho")
    with pytest.raises(ValidationError, match="já está encerrada"):
        _schedule(session, order_id)
    assert wb.service_order(order_id).history.to_status.tolist() == ["Aberta", "Cancelada"]


def test_scheduling_needs_date_period_and_an_active_technician(desk):
    wb, ids, session, protocol, order_id = desk
    with pytest.raises(ValidationError) as error:
        session.change_service_order(order_id, "Agendada")
    assert set(error.value.errors) == {"Data agendada", "Período", "Técnico"}
    with pytest.raises(ValidationError):
        session.change_service_order(order_id, "Agendada", scheduled_on=TOMORROW, period="Madrugada",
                                     technician=1)
    with pytest.raises(ValidationError, match="Técnico desconhecido"):
        session.change_service_order(order_id, "Agendada", scheduled_on=TOMORROW, period="tarde",
                                     technician="Fulano")
    with wb.store._write() as con:
        con.execute("UPDATE technicians SET active = false WHERE technician_id = 1")
    with pytest.raises(ValidationError, match="desativado"):
        _schedule(session, order_id)
    assert wb.service_order(order_id).data["status"] == "Aberta"
    with pytest.raises(NotFoundError):
        session.change_service_order(10**6, "Cancelada", note="x")
    with pytest.raises(ValidationError):
        session.change_service_order(order_id, "Perdida")


def test_list_filters(desk):
    wb, ids, session, protocol, order_id = desk
    other = flowdata.register(session, ids["C0002"], request_os=True)
    other_id = int(wb.attendance(other).service_order["order_id"])
    _schedule(session, other_id)
    assert set(wb.service_orders().order_id) == {order_id, other_id}
    assert wb.service_orders(status="Agendada").order_id.tolist() == [other_id]
    assert wb.service_orders(status=["Aberta", "Agendada"]).attrs["truncated"] is False
    assert wb.service_orders(city="Campinas").order_id.tolist() == [other_id]
    assert wb.service_orders(technician="Carlos Eduardo Lima").order_id.tolist() == [other_id]
    assert wb.service_orders(since=TOMORROW, until=TOMORROW).order_id.tolist() == [other_id]
    assert wb.service_orders(protocol=protocol).order_id.tolist() == [order_id]
    routing = int(wb.sql("SELECT routing_point_id AS r FROM contracts WHERE contract_id = "
                         "(SELECT contract_id FROM attendances WHERE protocol = ?)", [other]).r[0])
    assert other_id in set(wb.service_orders(routing_point=routing).order_id)
    row = wb.service_orders(status="Agendada").iloc[0]
    assert row.scheduled_period == "Manhã" and row.client_name == "Maria Aparecida Gonçalves"
    for bad in (dict(status="Perdida"), dict(since=TOMORROW, until=TODAY), dict(limit=0)):
        with pytest.raises(ValidationError):
            wb.service_orders(**bad)


WORKER = flowdata.TOGETHER + textwrap.dedent("""
    import json, sys
    import workbench
    from workbench.errors import ConflictError, ValidationError
    path, order_id, user, password, status, expected, folder = sys.argv[1:8]
    session = workbench.open(path).login(user, password)
    together(folder, user, 2)
    try:
        session.change_service_order(int(order_id), status, note=f"por {user}", expected=expected,
                                     scheduled_on="2030-01-02", period="manha", technician=2)
        print(json.dumps({"ok": True}))
    except (ConflictError, ValidationError) as exc:
        print(json.dumps({"ok": False, "kind": type(exc).__name__, "message": exc.message}))
""")


def test_two_operators_changing_the_same_order_at_once(desk, tmp_path):
    wb, ids, session, protocol, order_id = desk
    seen = wb.service_order(order_id).data["updated_at"].isoformat()
    runs = [("atendente", "atendente123", "Agendada"), ("supervisor", "supervisor123", "Cancelada")]
    results = flowdata.run_at_once(WORKER, [[wb.store.target, str(order_id), u, pw, status, seen,
                                              str(tmp_path)] for u, pw, status in runs])
    assert sorted(r["ok"] for r in results) == [False, True]
    assert next(r for r in results if not r["ok"])["kind"] == "ConflictError"
    history = wb.service_order(order_id).history
    assert len(history) == 2 and history.to_status.iloc[-1] == runs[[r["ok"] for r in results].index(True)][2]
    with pytest.raises(ConflictError):
        session.change_service_order(order_id, "Cancelada", note="tarde demais", expected=seen)
