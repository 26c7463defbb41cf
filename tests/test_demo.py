"""`workbench demo`: deterministic, valid, coherent demo data."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import duckdb
import pytest
from validate_docbr import CNPJ, CPF

import workbench
from workbench.cli import main
from workbench.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoOptions, run_demo
from workbench.demo.generate import demo_operators
from workbench.demo.scriptpaths import script_paths
from workbench.errors import ValidationError
from workbench.services.reference import read_reference_dir
from workbench import settings

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=timezone.utc)
TABLES = ("clients", "contracts", "attendances", "protocol_log", "protocol_counter", "script_answers",
          "service_orders", "attendance_events", "attendance_contacts", "service_order_events", "operator_queues")


def _build(path, seed=3, clients=400, attendances=3000, **kw):
    wb = workbench.open(path, create=True)
    run_demo(wb, DemoOptions(clients=clients, attendances=attendances, seed=seed, operators=4, supervisors=1,
                             now=NOW, progress=False, **kw))
    return wb


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("demo") / "demo.duckdb").path


def _con(path):
    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET TimeZone = 'America/Sao_Paulo'")
    return con


def _dump(path):
    con = _con(path)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    finally:
        con.close()


def test_same_seed_same_data(tmp_path, demo_db):
    again = _build(tmp_path / "again.duckdb").path
    assert _dump(again) == _dump(demo_db)
    other = _build(tmp_path / "other.duckdb", seed=4).path
    assert _dump(other)["clients"] != _dump(demo_db)["clients"]


def test_clients_are_realistic(demo_db):
    con = _con(demo_db)
    rows = con.execute("SELECT kind, name, trade_name, document, email, phone, mobile, city, state, zip, code "
                       "FROM clients").fetchall()
    cities = {r[0] for r in con.execute("SELECT DISTINCT city FROM routing_points").fetchall()}
    con.close()
    cpf, cnpj = CPF(), CNPJ()
    kinds = [r[0] for r in rows]
    assert 0.75 < kinds.count("PF") / len(kinds) < 0.95
    for kind, name, trade, doc, email, phone, mobile, city, state, zip_, code in rows:
        assert doc.isdigit() if kind == "PF" else re.fullmatch(r"[0-9A-Z]{12}[0-9]{2}", doc)   # alphanumeric CNPJ
        assert (cpf.validate(doc) and len(doc) == 11) if kind == "PF" else (cnpj.validate(doc) and len(doc) == 14)
        assert (trade is None) == (kind == "PF")
        assert re.fullmatch(r"C\d{7}", code)
        assert email is None or re.fullmatch(r"[a-z0-9.]+@[a-z0-9.]+", email)
        for p in (phone, mobile):
            assert p is None or (p.isdigit() and len(p) in (10, 11))
        assert mobile is None or mobile[2] == "9"
        assert re.fullmatch(r"\d{8}", zip_) and re.fullmatch(r"[A-Z]{2}", state)
    assert any(re.search(r"[áéíóúâêôãõç]", r[1].lower()) for r in rows), "names keep their accents"
    assert len({r[3] for r in rows}) == len(rows) and len({r[10] for r in rows}) == len(rows)
    assert cities & {r[7] for r in rows}


def test_protocols_and_counter(demo_db):
    con = _con(demo_db)
    log = con.execute("SELECT protocol, strftime(issued_at, '%Y%m%d'), outcome FROM protocol_log").fetchall()
    protocols = [p for p, _, _ in log]
    assert len(set(protocols)) == len(protocols)
    for protocol, local_day, _ in log:
        assert re.fullmatch(r"\d{14}", protocol) and protocol[:8] == local_day
    abandoned = sum(1 for *_, o in log if o == "abandonado")
    assert 0.01 < abandoned / len(log) < 0.06
    assert {o for *_, o in log} == {"registrado", "abandonado"}
    counter = dict(con.execute("SELECT strftime(day, '%Y%m%d'), last_seq FROM protocol_counter").fetchall())
    per_day = {}
    for protocol in protocols:
        per_day.setdefault(protocol[:8], []).append(int(protocol[8:]))
    assert counter == {d: max(s) for d, s in per_day.items()}
    assert all(sorted(s) == list(range(1, len(s) + 1)) for s in per_day.values())
    # attendances: registered protocols only; each has its log row; sorted by time
    assert con.execute("""SELECT count(*) FROM attendances a LEFT JOIN protocol_log p USING (protocol)
                          WHERE p.outcome IS DISTINCT FROM 'registrado'""").fetchall()[0][0] == 0
    assert con.execute("SELECT count(*) FROM protocol_log WHERE outcome = 'registrado'").fetchall()[0][0] == 3000
    con.close()


def test_every_reference_value_is_used_and_coherent(demo_db):
    con = _con(demo_db)
    q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
    for table, column in (("origins", "origin_code"), ("statuses", "status_code"),
                          ("attendance_types", "type_code"), ("titles", "title_code")):
        unused = q(f"SELECT code FROM {table} EXCEPT SELECT DISTINCT {column} FROM attendances")
        assert unused == [], (table, unused)
    assert q("SELECT origin_code FROM attendances GROUP BY 1 ORDER BY count(*) DESC LIMIT 1") == [("telefonico",)]
    assert q("""SELECT count(*) FROM attendances a JOIN titles t ON t.code = a.title_code
                WHERE t.type_code IS NOT NULL AND t.type_code <> a.type_code""")[0][0] == 0
    assert q("""SELECT count(*) FROM attendances a JOIN attendance_types t ON t.code = a.type_code
                WHERE a.due_at <> a.created_at + t.deadline_hours * INTERVAL 1 HOUR""")[0][0] == 0
    assert q("""SELECT count(*) FROM attendances a JOIN statuses s ON s.code = a.status_code
                WHERE s.is_open <> (a.closed_at IS NULL)""")[0][0] == 0
    assert q("""SELECT count(*) FROM attendances WHERE resolved AND
                (status_code <> 'concluido' OR closed_at <> created_at OR os_requested OR solution IS NULL)""")[0][0] == 0
    assert q("""SELECT count(*) FROM attendances a LEFT JOIN service_orders o USING (protocol)
                WHERE a.os_requested <> (o.protocol IS NOT NULL)""")[0][0] == 0
    assert {r[0] for r in q("SELECT DISTINCT status FROM service_orders")} == \
        {"Aberta", "Agendada", "Em Execução", "Finalizada", "Cancelada"}
    assert q("""SELECT count(*) FROM attendances a JOIN contracts c USING (contract_id)
                WHERE c.client_id <> a.client_id""")[0][0] == 0
    assert q("SELECT count(*) FROM attendances a JOIN clients c USING (client_id) "
             "WHERE c.created_at > a.created_at")[0][0] == 0
    assert q("SELECT min(created_at) >= TIMESTAMPTZ '2025-03-10', max(created_at) <= TIMESTAMPTZ '2026-03-10 15:00+00' "
             "FROM attendances") == [(True, True)]
    old_open, recent_open = q("""SELECT avg((closed_at IS NULL)::INT) FILTER (WHERE created_at < TIMESTAMPTZ '2026-01-01'),
                                        avg((closed_at IS NULL)::INT) FILTER (WHERE created_at > TIMESTAMPTZ '2026-03-09')
                                 FROM attendances""")[0]
    assert old_open < 0.05 < 0.3 < recent_open
    assert {r[0] for r in q("SELECT DISTINCT kind FROM attendance_events")} == {"status", "nota", "transferencia",
                                                                                "contato"}
    disabled = q("SELECT avg((NOT access_enabled)::INT) FROM contracts")[0][0]
    assert 0.03 < disabled < 0.15
    assert q("SELECT count(*) FROM contracts c JOIN clients k USING (client_id) JOIN routing_points r "
             "USING (routing_point_id) WHERE r.city = k.city")[0][0] > 0
    con.close()


def test_owners_queues_contacts_and_work_orders_in_every_status(demo_db):
    con = _con(demo_db)
    q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
    # every queue holds attendances, some open ones wait in a queue with no owner, everyone serves a queue
    assert q("SELECT count(DISTINCT queue_code) FROM attendances") == q("SELECT count(*) FROM queues")
    assert q("SELECT count(*) > 0 FROM open_attendances WHERE owner_id IS NULL") == [(True,)]
    assert q("SELECT count(*) FROM operators o WHERE active AND NOT EXISTS "
             "(SELECT 1 FROM operator_queues q WHERE q.operator_id = o.operator_id)") == [(0,)]
    assert q("SELECT count(*) FROM open_attendances") == q(
        "SELECT count(*) FROM attendances a JOIN statuses s ON s.code = a.status_code WHERE s.is_open")
    # transfers say where from and where to; the attendance is where its last transfer left it
    assert q("""SELECT count(*) FROM attendance_events e JOIN attendances a USING (protocol)
                WHERE e.kind = 'transferencia' AND (e.to_queue IS DISTINCT FROM a.queue_code
                      OR e.to_owner IS DISTINCT FROM a.owner_id OR e.note IS NULL)""") == [(0,)]
    # later contacts: one event each, never after the attendance's last change
    assert q("SELECT count(*) FROM attendance_contacts") == q(
        "SELECT count(*) FROM attendance_events WHERE kind = 'contato'")
    assert q("""SELECT count(*) FROM attendance_contacts k JOIN attendances a USING (protocol)
                WHERE k.contact_at < a.created_at OR k.contact_at > a.updated_at""") == [(0,)]
    # work orders: every status, each with its history ending in its status, scheduled ones with a technician
    assert {r[0] for r in q("SELECT DISTINCT status FROM service_orders")} == \
        {"Aberta", "Agendada", "Em Execução", "Finalizada", "Cancelada"}
    assert q("""SELECT count(*) FROM service_orders o WHERE o.status <> (SELECT e.to_status FROM service_order_events e
                WHERE e.order_id = o.order_id ORDER BY e.event_at DESC LIMIT 1)""") == [(0,)]
    assert q("""SELECT count(*) FROM service_orders WHERE status IN ('Agendada', 'Em Execução', 'Finalizada')
                AND (technician_id IS NULL OR scheduled_on IS NULL OR scheduled_period IS NULL)""") == [(0,)]
    assert q("SELECT count(*) FROM service_orders WHERE address IS NULL OR (status IN ('Finalizada', 'Cancelada')) "
             "<> (closed_at IS NOT NULL)") == [(0,)]
    con.close()


def test_script_answers_follow_the_script_graph(demo_db):
    _, scripts = read_reference_dir(settings.get("data_dir"))
    paths = {s["code"]: {tuple(p) for p in script_paths(s)} for s in scripts}
    prefixes = {code: {p[:k] for p in full for k in range(1, len(p))} for code, full in paths.items()}
    con = _con(demo_db)
    answers = con.execute("SELECT protocol, seq, script_code, question_id, answer_index, question, answer "
                          "FROM script_answers ORDER BY protocol, seq").fetchall()
    with_script = con.execute("SELECT protocol, script_code, script_outcome, script_version FROM attendances "
                              "WHERE script_code IS NOT NULL").fetchall()
    con.close()
    by_protocol = {}
    for protocol, seq, code, qid, idx, question, answer in answers:
        by_protocol.setdefault(protocol, []).append((seq, code, qid, idx))
        script = next(s for s in scripts if s["code"] == code)
        assert question == script["questions"][qid]["text"]
        assert answer == script["questions"][qid]["options"][idx]["text"]
    assert set(by_protocol) == {p for p, *_ in with_script}
    for protocol, code, outcome, version in with_script:
        steps = by_protocol[protocol]
        assert [s[0] for s in steps] == list(range(1, len(steps) + 1))
        answered = tuple((qid, idx) for _, _, qid, idx in steps)
        assert version == 1
        if outcome == "fim":
            assert answered in paths[code]
        else:
            assert outcome == "encerrado" and answered in prefixes[code]
    outcomes = [o for _, _, o, _ in with_script]
    assert 0.05 < outcomes.count("encerrado") / len(outcomes) < 0.2
    used = {tuple((qid, idx) for _, _, qid, idx in steps) for steps in by_protocol.values()}
    assert len(used) > len(paths)          # more than one path per script


def test_demo_logins(demo_db):
    wb = workbench.open(demo_db)
    for username, password, role, _ in DEMO_LOGINS:
        assert wb.login(username, password).operator.role == role
    ops = demo_operators(3, 4, 1)
    extra = ops[len(DEMO_LOGINS):]
    assert len(extra) == 5 and {r for *_, r, _ in extra} == {"atendente", "supervisor"}
    assert wb.login(extra[0][0], DEMO_PASSWORD).operator.username == extra[0][0]


def test_refuses_existing_clients_unless_replace(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    assert main(["--db", str(db), "demo", "--clients", "50", "--attendances", "200", "--operators", "2"]) == 0
    assert main(["--db", str(db), "demo", "--clients", "50", "--attendances", "200"]) == 2
    assert "--replace" in capsys.readouterr().err
    assert main(["--db", str(db), "demo", "--clients", "30", "--attendances", "100", "--replace"]) == 0
    con = _con(db)
    assert con.execute("SELECT count(*) FROM clients").fetchall() == [(30,)]
    assert con.execute("SELECT count(*) FROM attendances").fetchall() == [(100,)]
    assert con.execute("SELECT count(*) FROM client_search").fetchall() == [(30,)]
    con.close()
    with pytest.raises(ValidationError):
        run_demo(workbench.open(db), DemoOptions(clients=10, attendances=10, progress=False))
