"""Owners, queues and worklists: Meus Atendimentos, Fila, transfers (with reasons, in history and audit),
supervisors reassigning, deadline states, and two operators transferring the same attendance at once."""

from __future__ import annotations

import json
import textwrap
from datetime import timedelta

import pytest

from workbench.errors import NotFoundError, PermissionDenied, SessionRevoked, ValidationError
from workbench.services.auth import now
from workbench.services.deadlines import countdown, deadline_state

import flowdata
import rawdb


pytestmark = pytest.mark.backends("duckdb", "postgres")


@pytest.fixture
def desk(wb):
    return wb, flowdata.seed(wb)


def test_a_new_attendance_is_its_registrant_s_in_its_type_s_queue(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    technical = flowdata.register(session, ids["C0001"])
    billing = flowdata.register(session, ids["C0002"], title="2ª via de boleto", type="Financeiro")
    done = flowdata.register(session, ids["C0003"], resolved=True)
    mine = session.worklist()
    assert set(mine.protocol) == {technical, billing}                 # open ones only
    row = mine.set_index("protocol").loc[billing]
    assert (row.owner, row.queue, row.deadline) == ("Atendente Teste", "Financeiro", "no_prazo")
    assert row.countdown.startswith("vence em")
    listed = wb.attendances(client_id=ids["C0003"])
    assert listed.protocol.tolist() == [done] and listed.owner[0] == "Atendente Teste"
    assert flowdata.login(wb, "bruno").worklist().empty


def test_transfer_to_a_queue_then_someone_of_that_queue_takes_it(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"])
    result = session.transfer(protocol, to_queue="Suporte N2", reason="Precisa de análise do N2")
    assert result == {"owner": None, "queue": "Suporte N2"}
    assert protocol not in set(session.worklist().protocol)
    bruno = flowdata.login(wb, "bruno")
    assert bruno.queues().label.tolist() == ["Suporte N2"]
    waiting = bruno.queue("Suporte N2", unassigned=True)
    assert waiting.protocol.tolist() == [protocol] and waiting.owner.isna().all()
    with pytest.raises(ValidationError, match="não atende essa fila"):
        bruno.queue("Financeiro")
    assert bruno.take(protocol) == {"owner": "Bruno Segundo Nível", "queue": "Suporte N2"}
    assert bruno.worklist().protocol.tolist() == [protocol]
    history = wb.attendance(protocol).history
    moves = history[history.kind == "transferencia"]
    assert moves.note.tolist() == ["Precisa de análise do N2", "Assumido da fila"]
    assert "De Atendente Teste / Suporte N1 para Suporte N2" in moves.description.iloc[0]
    audit = rawdb.query(wb, "SELECT details FROM audit_log WHERE action = 'atendimento_transferido' "
                                 "AND entity_id = ? ORDER BY event_at", [protocol]).details
    assert json.loads(audit.iloc[0])["motivo"] == "Precisa de análise do N2" and len(audit) == 2


def test_who_may_transfer_and_to_whom(desk):
    wb, ids = desk
    atendente = flowdata.login(wb, "atendente")
    protocol = flowdata.register(atendente, ids["C0001"])
    carla = flowdata.login(wb, "carla")
    with pytest.raises(ValidationError, match="está com outro operador"):
        carla.transfer(protocol, to_operator="carla", reason="Quero este")
    supervisor = flowdata.login(wb, "supervisor")
    assert supervisor.transfer(protocol, to_operator="bruno", to_queue="suporte_n2",
                               reason="Reatribuído pela supervisão")["owner"] == "Bruno Segundo Nível"
    with pytest.raises(ValidationError, match="está com outro operador"):
        atendente.transfer(protocol, to_operator="atendente", reason="Devolve")
    # a disabled operator cannot receive one: a clear message, nothing written
    admin = flowdata.login(wb, "admin")
    wb.set_operator_active(ids["carla"], False, by=admin)
    before = wb.attendance(protocol).history
    with pytest.raises(ValidationError) as error:
        supervisor.transfer(protocol, to_operator=ids["carla"], reason="Férias do Bruno")
    assert error.value.field == "Para o operador" and "Carla Financeiro está desativado" in error.value.message
    assert len(wb.attendance(protocol).history) == len(before)
    assert wb.attendance(protocol).data["owner"] == "Bruno Segundo Nível"
    for bad, field in ((dict(to_operator="ninguem", reason="Motivo"), "Para o operador"),
                       (dict(to_queue="Jurídico", reason="Motivo"), "Fila"),
                       (dict(reason="Motivo"), "Para o operador"),
                       (dict(to_queue="Suporte N1", reason=""), "Motivo")):
        with pytest.raises(ValidationError) as error:
            supervisor.transfer(protocol, **bad)
        assert error.value.field == field
    with pytest.raises(NotFoundError):
        supervisor.transfer("20000101000001", to_queue="Suporte N1", reason="Motivo")
    with pytest.raises(SessionRevoked):
        carla.transfer(protocol, to_queue="Suporte N1", reason="Motivo")


def test_a_closed_attendance_is_not_transferred(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"], resolved=True)
    with pytest.raises(ValidationError, match="encerrado"):
        session.transfer(protocol, to_queue="Suporte N2", reason="Motivo qualquer")


def test_supervisors_see_every_queue_operators_only_theirs(desk):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocols = [flowdata.register(session, ids[c]) for c in ("C0001", "C0002")]
    session.transfer(protocols[0], to_queue="Financeiro", reason="É cobrança")
    supervisor = flowdata.login(wb, "supervisor")
    assert set(supervisor.queues().code) == {"suporte_n1", "suporte_n2", "financeiro", "comercial"}
    assert set(supervisor.queue().protocol) == set(protocols)
    assert supervisor.queue("Financeiro").protocol.tolist() == [protocols[0]]
    assert session.queue().protocol.tolist() == [protocols[1]]
    assert flowdata.login(wb, "carla").queue().protocol.tolist() == [protocols[0]]
    with pytest.raises(PermissionDenied):
        wb.set_operator_queues(ids["bruno"], ["Financeiro"], by=session)
    with pytest.raises(ValidationError):
        wb.set_operator_queues(ids["bruno"], ["Jurídico"])
    frame = wb.operators(by=flowdata.login(wb, "admin")).set_index("username")
    assert frame.loc["bruno", "queues"] == ["suporte_n2"]


def test_deadline_states_and_urgency_order(desk):
    at = now()
    assert deadline_state(True, at + timedelta(hours=30), at + timedelta(days=9), at) == "no_prazo"
    assert deadline_state(True, at + timedelta(hours=3), at + timedelta(days=9), at) == "vence_24h"
    assert deadline_state(True, at - timedelta(hours=3), at + timedelta(days=9), at) == "vencido"
    assert deadline_state(True, at - timedelta(days=3), at - timedelta(hours=1), at) == "anatel"
    assert deadline_state(False, at - timedelta(days=3), at - timedelta(days=1), at) == ""
    assert countdown("vencido", at - timedelta(hours=50), at, at) == "venceu há 2 d"
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    late, soon, later = (flowdata.register(session, ids[c]) for c in ("C0001", "C0002", "C0003"))
    with wb.store._write() as con:             # age two of them: one past Anatel's 10 days, one past its 24 h
        con.execute("UPDATE attendances SET created_at = created_at - INTERVAL '11 days', "
                    "due_at = due_at - INTERVAL '11 days' WHERE protocol = ?", [late])
        con.execute("UPDATE attendances SET created_at = created_at - INTERVAL '30 hours', "
                    "due_at = due_at - INTERVAL '30 hours' WHERE protocol = ?", [soon])
        from workbench.storage import open_attendances
        open_attendances.rebuild(con)
    mine = session.worklist()
    assert mine.protocol.tolist() == [late, soon, later]
    assert mine.deadline.tolist() == ["anatel", "vencido", "vence_24h"]      # Suporte Técnico: 24 h
    assert mine.countdown.iloc[0].startswith("Anatel: venceu há")


WORKER = flowdata.TOGETHER + textwrap.dedent("""
    import json, sys
    import workbench
    from workbench.errors import ConflictError
    path, protocol, user, password, queue, expected, folder = sys.argv[1:8]
    wb = workbench.open(path)
    session = wb.login(user, password)
    together(folder, user, 2)
    try:
        session.transfer(protocol, to_queue=queue, reason=f"Enviado por {user}", expected=expected)
        print(json.dumps({"ok": True}))
    except ConflictError as exc:
        print(json.dumps({"ok": False, "message": exc.message}))
""")


def test_two_operators_transferring_the_same_attendance_at_once(desk, tmp_path):
    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocol = flowdata.register(session, ids["C0001"])
    seen = wb.attendance(protocol).data["updated_at"].isoformat()
    runs = [("atendente", "atendente123", "Suporte N2"), ("supervisor", "supervisor123", "Comercial")]
    results = flowdata.run_at_once(WORKER, [[wb.store.target, protocol, user, pw, queue, seen, str(tmp_path)]
                                            for user, pw, queue in runs])
    assert sorted(r["ok"] for r in results) == [False, True]
    refused = next(r for r in results if not r["ok"])
    assert "nada foi gravado" in refused["message"]
    history = wb.attendance(protocol).history
    assert len(history[history.kind == "transferencia"]) == 1           # exactly the winner's, complete
    winner = runs[[r["ok"] for r in results].index(True)]
    assert wb.attendance(protocol).data["queue"] == winner[2]


@pytest.mark.backends("postgres")
def test_postgresql_urgency_pages_read_bucket_by_bucket_are_the_shared_sql_s(desk, monkeypatch):
    """Every page (sizes, offsets, filters) of the bucket-by-bucket reading equals the shared ranked SQL's,
    over attendances in every urgency bucket, with tied deadlines and a deadline after Anatel's."""
    from workbench.storage.attendance_lists import AttendanceListsMixin, ListQuery
    from workbench.storage.postgres.lists import PgAttendanceListsMixin

    wb, ids = desk
    session = flowdata.login(wb, "atendente")
    protocols = [flowdata.register(session, ids[c], type="Financeiro" if i % 3 == 0 else "Suporte Técnico")
                 for i, c in enumerate(["C0001", "C0002", "C0003"] * 5)]
    session.transfer(protocols[4], to_queue="Suporte N2", reason="Para o N2")
    shifts = [-300, -300, -30, -30, -30, 0, 2, 2, 20, 60, -250, 100, 500, -400, 5]   # hours from now, ties too
    with wb.store._write() as con:
        for i, (protocol, hours) in enumerate(zip(protocols, shifts)):   # later protocols opened earlier
            con.execute("UPDATE attendances SET created_at = created_at + make_interval(hours => ?), "
                        "due_at = now() + make_interval(hours => ?) WHERE protocol = ?",
                        [hours // 2 - i, hours, protocol])
        con.execute("UPDATE attendances SET due_at = created_at + INTERVAL '40 days' WHERE protocol = ?",
                    [protocols[13]])                                     # due after the Anatel deadline
        from workbench.storage import open_attendances
        open_attendances.rebuild(con)
    queries = [ListQuery(open_only=True, order_by="urgency", descending=False, now=now(), limit=limit, offset=offset,
                         **where)
               for where in ({}, {"owner_id": session.operator.operator_id}, {"queue_codes": ("suporte_n1",)},
                             {"unassigned": True})
               for limit, offset in ((100, 0), (3, 0), (3, 3), (4, 9), (2, 14))]
    ours = [wb.store.list_attendances(q) for q in queries]
    monkeypatch.setattr(PgAttendanceListsMixin, "_open_sql", AttendanceListsMixin._open_sql)
    shared = [wb.store.list_attendances(q) for q in queries]
    for q, mine, theirs in zip(queries, ours, shared):
        assert mine.protocol.tolist() == theirs.protocol.tolist(), q
    assert len(ours[0]) == len(protocols) and len({tuple(p.protocol) for p in ours[:5]}) == 5
