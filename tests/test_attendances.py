"""The attendance list, one attendance in full, follow-up, the protocol log and analyst SQL."""

from __future__ import annotations

import pytest

from workbench.errors import NotFoundError, ValidationError
from workbench.services.records import KEY_COLUMNS, LIST_COLUMNS, ORDER_KEYS

import rawdb

pytestmark = pytest.mark.backends("duckdb", "postgres")


@pytest.fixture
def busy_client(desk):
    return int(desk.sql("SELECT client_id FROM attendances GROUP BY client_id ORDER BY count(*) DESC, 1 LIMIT 1")
               .client_id[0])


def test_client_list_has_every_column_and_all_rows(desk, busy_client):
    frame = desk.attendances(client_id=busy_client)
    expected = desk.sql("SELECT count(*) AS n FROM attendances WHERE client_id = ?", [busy_client]).n[0]
    assert tuple(frame.columns) == LIST_COLUMNS and len(frame) == expected
    assert (frame.client_id == busy_client).all() and not frame.attrs["truncated"]


def test_newest_first_by_default_title_one_argument_away_and_any_column(desk, busy_client):
    frame = desk.attendances(limit=1000)
    assert frame.created_at.is_monotonic_decreasing
    mine = desk.attendances(client_id=busy_client)
    assert mine.created_at.is_monotonic_decreasing and mine.columns[:6].tolist() == list(KEY_COLUMNS)
    by_title = desk.attendances(order_by="title", descending=False, limit=1000)
    assert by_title.title.tolist() == sorted(by_title.title.tolist())
    for column in ORDER_KEYS:
        page = desk.attendances(order_by=column, descending=True, limit=20)
        assert len(page) == 20


def test_status_filter_one_or_several(desk):
    pend = desk.attendances(status="Pendente", limit=1000)
    both = desk.attendances(status=["Pendente", "concluido"], limit=1000)
    counts = desk.sql("SELECT status_code, count(*) AS n FROM attendances GROUP BY status_code").set_index("status_code").n
    assert set(pend.status) == {"Pendente"} and len(pend) == counts.get("pendente", 0)
    assert len(both) == counts.get("pendente", 0) + counts.get("concluido", 0)
    with pytest.raises(ValidationError) as error:
        desk.attendances(status="Perdido")
    assert error.value.field == "Status"


def test_text_search_over_protocol_title_and_problem(desk):
    any_row = desk.attendances(limit=1).iloc[0]
    assert desk.attendances(text=any_row.protocol).protocol.tolist() == [any_row.protocol]
    by_title = desk.attendances(text="lentidao", limit=1000)      # accents and case ignored
    assert len(by_title) and (by_title.title == "Lentidão").all() | by_title.problem.str.contains(
        "lent", case=False).any()
    for hostile in ("%", "_", "'; DROP TABLE attendances; --", "😀", "x" * 10_000):
        assert desk.attendances(text=hostile).empty


def test_paging_and_truncation(desk):
    first = desk.attendances(limit=50)
    second = desk.attendances(limit=50, offset=50)
    assert first.attrs["truncated"] and len(first) == 50
    assert not set(first.protocol) & set(second.protocol)
    for bad in (dict(limit=0), dict(limit=5000), dict(offset=-1), dict(order_by="senha")):
        with pytest.raises(ValidationError):
            desk.attendances(**bad)


def test_refresh_rereads_the_store(desk, busy_client):
    before = len(desk.attendances(client_id=busy_client))
    draft = desk.login("atendente", "atendente123").new_attendance(busy_client, "Telefônico")
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Zé",
                   problem="Boleto não chegou", title="2ª via de boleto")
    draft.set_first_contact(checks="Boleto reenviado")
    draft.finish()
    assert len(desk.attendances(client_id=busy_client)) == before + 1


def test_detail_holds_everything(desk):
    protocol = desk.sql("SELECT a.protocol FROM attendances a JOIN service_orders o USING (protocol) "
                        "JOIN script_answers s USING (protocol) LIMIT 1").protocol[0]
    detail = desk.attendance(protocol)
    assert detail.data["protocol"] == protocol and detail.data["client_name"]
    assert detail.data["access"] in ("Habilitado", "Desabilitado")
    assert not detail.answers.empty and list(detail.answers.seq) == list(range(1, len(detail.answers) + 1))
    assert detail.service_order["status"] in ("Aberta", "Agendada", "Em Execução", "Finalizada", "Cancelada")
    with pytest.raises(NotFoundError):
        desk.attendance("20000101000001")
    with pytest.raises(ValidationError):
        desk.attendance("abc' OR 1=1")


def test_note_and_status_change_go_to_history_and_audit(desk):
    session = desk.login("supervisor", "supervisor123")
    protocol = desk.attendances(status="Pendente", limit=1).protocol[0]
    session.add_note(protocol, "Cliente pediu retorno à tarde")
    session.change_status(protocol, "Concluído", note="Resolvido por telefone")
    detail = desk.attendance(protocol)
    assert detail.data["status"] == "Concluído" and detail.data["closed_at"] is not None
    tail = detail.history.tail(2)
    assert tail.kind.tolist() == ["nota", "status"]
    assert tail.iloc[1].from_status == "Pendente" and tail.iloc[1].to_status == "Concluído"
    actions = rawdb.query(desk, "SELECT action FROM audit_log WHERE entity_id = ? ORDER BY event_at", [protocol]).action
    assert actions.tolist()[-2:] == ["nota_adicionada", "status_alterado"]
    session.change_status(protocol, "Em Análise")
    assert desk.attendance(protocol).data["closed_at"] is None


def test_follow_up_rules(desk):
    session = desk.login("atendente", "atendente123")
    protocol = desk.attendances(limit=1).protocol[0]
    with pytest.raises(ValidationError, match="nota"):
        session.add_note(protocol, "   ")
    with pytest.raises(ValidationError, match="4000"):
        session.add_note(protocol, "x" * 4001)
    with pytest.raises(ValidationError):
        session.change_status(protocol, "Inexistente")
    with pytest.raises(NotFoundError):
        session.add_note("20000101000001", "nota")


def test_client_record(desk, busy_client):
    record = desk.client(busy_client)
    assert record.data["client_id"] == busy_client and "." in record.data["document"]
    assert record.data["phone"] is None or record.data["phone"].startswith("(")
    assert set(record.contracts.access) <= {"Habilitado", "Desabilitado"}
    assert record.summary["total"] == sum(record.summary["by_status"].values()) > 0
    with pytest.raises(NotFoundError):
        desk.client(10**9)
    with pytest.raises(ValidationError):
        desk.client("um")


def test_protocol_log_filters(desk):
    abandoned = desk.protocol_log(outcome="abandonado")
    assert len(abandoned) and set(abandoned.outcome) == {"abandonado"}
    assert desk.protocol_log(limit=5).issued_at.is_monotonic_decreasing
    with pytest.raises(ValidationError):
        desk.protocol_log(outcome="perdido")


@pytest.mark.parametrize("descending", [False, True])
def test_title_order_pages_cross_title_boundaries_without_gaps(desk, descending):
    everything = desk.attendances(order_by="title", descending=descending, limit=1000)
    assert len(everything) == desk.sql("SELECT count(*) AS n FROM attendances").n[0]
    labels = everything.title.tolist()
    assert labels == sorted(labels, reverse=descending)
    for _, group in everything.groupby("title", sort=False):       # newest first inside a title
        assert group.created_at.is_monotonic_decreasing
    pages = [desk.attendances(order_by="title", descending=descending, limit=37, offset=k).protocol
             for k in range(0, len(everything), 37)]
    assert [p for page in pages for p in page] == everything.protocol.tolist()
    closed = desk.attendances(status="Concluído", order_by="title", descending=descending, limit=1000)
    assert closed.title.tolist() == sorted(closed.title.tolist(), reverse=descending)


def test_one_client_s_list_filtered_and_sorted_like_everyone_s(desk, busy_client):
    mine = desk.attendances(client_id=busy_client, limit=1000)
    some = mine.iloc[0]
    word = some.problem.split()[0].lower()
    found = desk.attendances(client_id=busy_client, text=word, limit=1000)
    assert some.protocol in set(found.protocol) and set(found.protocol) <= set(mine.protocol)
    assert desk.attendances(client_id=busy_client, text=some.protocol).protocol.tolist() == [some.protocol]
    by_status = desk.attendances(client_id=busy_client, status=some.status, order_by="status")
    assert set(by_status.protocol) == set(mine[mine.status == some.status].protocol)
    assert desk.attendances(client_id=busy_client, order_by="urgency", descending=False).protocol.tolist()[:1]
    assert desk.attendances(client_id=busy_client, limit=2, offset=1).protocol.tolist() == mine.protocol.tolist()[1:3]


# -- the client's name copied into each attendance (migration 8) -------------------------------

_WRONG_NAMES = ("SELECT count(*) AS n FROM attendances a JOIN clients c USING (client_id) "
                "WHERE a.client_name IS DISTINCT FROM c.name")


def test_every_attendance_carries_its_client_s_name_demo_wizard_and_list(desk):
    import flowdata

    assert rawdb.query(desk, _WRONG_NAMES).n[0] == 0                     # the demo's bulk load
    client_id = int(desk.sql("SELECT min(client_id) AS c FROM contracts WHERE status = 'Ativo'").c[0])
    protocol = flowdata.register(desk.login("atendente", "atendente123"), client_id, resolved=True)
    assert rawdb.query(desk, _WRONG_NAMES).n[0] == 0                     # the wizard's finish
    name = rawdb.query(desk, "SELECT name FROM clients WHERE client_id = ?", [client_id]).name[0]
    page = desk.attendances(status="Concluído", limit=1000)                    # a closed status: the scan
    assert page.loc[page.protocol == protocol, "client_name"].tolist() == [name]


def test_migration_8_fills_the_names_of_existing_attendances(desk):
    import workbench
    from workbench.storage import migrations

    with desk.store._write() as con:                      # the file as migration 7 left it
        if desk.store.backend == "postgres":              # the analysts' views read the column
            con.execute("DROP SCHEMA workbench_analyst CASCADE")
        con.execute(migrations.DROP_CLIENT_ATTENDANCES_INDEX)
        con.execute("ALTER TABLE attendances DROP COLUMN client_name")
        con.execute(migrations.CLIENT_ATTENDANCES_INDEX)
        con.execute("DELETE FROM schema_migrations WHERE version >= 8")    # and the steps after it
    reopened = workbench.open(desk.store.target)
    assert reopened.store.schema_version() == migrations.LATEST
    assert rawdb.query(desk, _WRONG_NAMES).n[0] == 0
    assert rawdb.query(desk, "SELECT count(client_name) AS n FROM attendances").n[0] == \
        rawdb.query(desk, "SELECT count(*) AS n FROM attendances").n[0] > 0

