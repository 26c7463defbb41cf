"""`wb.sql` and `wb.tables()`: one SELECT over the declared tables, nothing else, and the desk first."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap
import time
import warnings

import duckdb
import pytest

import workbench
from workbench.errors import BusyError, ValidationError
from workbench.storage import catalog

ALLOWED = "Permitido em wb.sql"


def _refused(wb, query, params=None, match=ALLOWED):
    with pytest.raises(ValidationError, match=match) as err:
        wb.sql(query, params)
    assert err.value.field == "SQL"
    return str(err.value)


# -- what the attack found ---------------------------------------------------------------
def test_files_other_databases_and_exports_are_refused(desk, tmp_path):
    out, other, export = tmp_path / "x.csv", tmp_path / "other.duckdb", tmp_path / "export"
    for query in (f"COPY (SELECT * FROM operators) TO '{out}'",
                  f"EXPORT DATABASE '{export}'",
                  f"ATTACH '{other}' (READ_WRITE)",
                  f"ATTACH '{other}' AS o; CREATE TABLE o.t AS SELECT * FROM operators",
                  "SELECT * FROM read_csv('/etc/passwd')",
                  "SELECT * FROM read_text('/etc/passwd')",
                  "SELECT * FROM glob('/etc/*')",
                  "SELECT * FROM '/etc/passwd'",
                  "INSTALL httpfs", "LOAD httpfs"):
        _refused(desk, query)
    assert not out.exists() and not other.exists() and not export.exists()


def test_settings_pragmas_calls_and_several_statements_are_refused(desk):
    for query in ("SET GLOBAL memory_limit = '100GB'", "SET memory_limit = '100GB'", "RESET memory_limit",
                  "PRAGMA database_list", "PRAGMA version", "CALL pragma_version()", "CHECKPOINT",
                  "SELECT 1; SELECT 2", "SELECT 1; DELETE FROM clients", "EXPLAIN SELECT 1",
                  "DELETE FROM clients", "DROP TABLE attendances", "UPDATE operators SET role = 'admin'",
                  "CREATE TABLE x (a INT)", "DETACH wb_desk_file", "USE wb_desk_file"):
        _refused(desk, query)
    assert desk.sql("SELECT count(*) AS n FROM clients").n[0] == 60
    assert desk.sql("SELECT current_setting('memory_limit') AS m").m[0] != "100.0 GiB"


def test_secrets_are_not_readable(desk):
    operators = desk.sql("SELECT * FROM operators")
    assert {"password_hash", "failed_logins", "locked_until"}.isdisjoint(operators.columns)
    assert "admin" in set(operators.username)
    _refused(desk, "SELECT password_hash FROM operators", match="password_hash")
    # the table functions that would reach the file behind the views, and its qualified names
    for query in ("SELECT * FROM query('SELECT password_hash FROM wb_desk_file.operators')",
                  "SELECT * FROM query_table('wb_desk_file.operators')",
                  "SELECT * FROM query_table(['operators'])",
                  "SELECT * FROM wb_desk_file.operators", "SELECT * FROM wb_desk_file.main.operators",
                  "SELECT * FROM main.operators", "SELECT * FROM memory.main.operators",
                  "SELECT (SELECT max(password_hash) FROM wb_desk_file.operators) AS h",
                  "SELECT * FROM audit_log", "SELECT * FROM settings", "SELECT * FROM client_search",
                  "SELECT * FROM duckdb_tables()", "SELECT * FROM duckdb_tables", "SELECT * FROM duckdb_settings()",
                  "SELECT * FROM information_schema.tables", "SHOW ALL TABLES", "SHOW TABLES",
                  "WITH operators AS (SELECT 1 AS x) SELECT * FROM operators",
                  "SELECT wb_desk_file.main.f(1) AS x", "SELECT main.lower('A') AS x"):
        _refused(desk, query)


def test_secrets_of_a_newer_schema_stay_hidden(desk):
    """Password hashes and lock state in their own tables (migration 4; made here on an older file too)
    are never exposed."""
    con = duckdb.connect(str(desk.path))
    con.execute("CREATE TABLE IF NOT EXISTS operator_credentials AS SELECT operator_id, 'hash' AS password_hash FROM operators")
    con.execute("CREATE TABLE IF NOT EXISTS login_guard AS SELECT username, 3 AS failed_logins, now() AS locked_until "
                "FROM operators")
    con.close()
    for table in ("operator_credentials", "login_guard"):
        _refused(desk, f"SELECT * FROM {table}", match=f"'{table}' não está disponível")
    listed = desk.tables()
    assert not set(listed["table"]) & catalog.FORBIDDEN_TABLES
    assert not set(listed["column"]) & catalog.FORBIDDEN_COLUMNS


def test_the_sandbox_holds_even_past_the_checks(desk):
    """The parse checks are the first fence; the connection itself reads no file and takes no setting."""
    import time as clock

    con = desk.store._sandbox(clock.monotonic() + 10)
    try:
        for query in ("SELECT * FROM read_csv('/etc/passwd')", "SET memory_limit = '100GB'",
                      "ATTACH '/tmp/wb-never.duckdb' AS o", "COPY (SELECT 1) TO '/tmp/wb-never.csv'"):
            with pytest.raises(duckdb.Error):
                con.execute(query)
        with pytest.raises(duckdb.Error):
            con.execute("INSERT INTO wb_desk_file.main.clients (client_id) VALUES (1)")   # attached read-only
    finally:
        con.close()
    assert not os.path.exists("/tmp/wb-never.duckdb") and not os.path.exists("/tmp/wb-never.csv")


# -- what is allowed ---------------------------------------------------------------------
def test_queries_over_the_declared_tables_work(desk):
    by_status = desk.sql("""
        WITH recent AS (SELECT * FROM attendances WHERE created_at >= ?)
        SELECT s.label AS status, count(r.protocol) AS n
        FROM statuses s LEFT JOIN recent r ON r.status_code = s.code
        GROUP BY ALL ORDER BY n DESC""", ["2000-01-01"])
    assert by_status.n.sum() == desk.sql("SELECT count(*) AS n FROM attendances").n[0]
    assert desk.sql("SELECT $city AS c", {"city": "São Paulo"}).c[0] == "São Paulo"
    assert desk.sql("SELECT count(*) AS n FROM range(10) r, unnest([1, 2]) u").n[0] == 20
    assert desk.sql("SELECT * FROM generate_series(1, 3)").shape == (3, 1)
    assert "protocol" in set(desk.sql("DESCRIBE attendances").column_name)
    assert len(desk.sql("SELECT * FROM ATTENDANCES LIMIT 3")) == 3        # names are case-insensitive


def test_every_refusal_says_what_is_allowed(desk):
    for query in ("DELETE FROM clients", "SELECT 1; SELECT 2", "SELECT * FROM audit_log",
                  "SELECT * FROM read_csv('x')", "SELECT * FROM main.clients"):
        message = _refused(desk, query)
        assert "SELECT" in message and "wb.tables()" in message


def test_bad_queries_and_arguments_are_typed(desk):
    _refused(desk, "SELEC nada", match="sintaxe")
    _refused(desk, "SELECT nada FROM clients", match="Erro na consulta SQL")
    for bad in (None, "", "   ", 42, ["SELECT 1"]):
        with pytest.raises(ValidationError):
            desk.sql(bad)
    for params in ("x", 5, [object()]):
        with pytest.raises(ValidationError) as err:
            desk.sql("SELECT ? AS a", params)
        assert err.value.field == "params"
    with pytest.raises(ValidationError, match="Erro na consulta SQL"):
        desk.sql("SELECT ? AS a, ? AS b", [1])
    for max_rows in (0, -1, "dez", 2.5, True, None):
        with pytest.raises(ValidationError):
            desk.sql("SELECT 1", max_rows=max_rows)


def test_results_are_capped_with_a_note(desk):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = desk.sql("SELECT range AS i FROM range(25000) ORDER BY i", max_rows=20000)
    assert len(frame) == 20000 and frame.i.iloc[-1] == 19999
    assert frame.attrs["truncated"] is True and "20.000" in frame.attrs["note"]
    assert any("wb.snapshot()" in str(w.message) for w in caught)
    whole = desk.sql("SELECT range AS i FROM range(25000)", max_rows=25000)
    assert len(whole) == 25000 and whole.attrs["truncated"] is False and whole.attrs["note"] is None
    empty = desk.sql("SELECT * FROM clients WHERE false")
    assert len(empty) == 0 and "name" in empty.columns and empty.attrs["truncated"] is False


def test_tables_describe_every_queryable_column(wb):
    listed = wb.tables()
    assert list(listed.columns) == ["table", "column", "type", "description", "table_description"]
    assert listed["description"].str.len().min() > 0
    declared = {(t, c) for t, _, c, _ in catalog.declared()}
    assert set(zip(listed["table"], listed["column"])) == declared       # the catalog matches the schema
    for table in set(listed["table"]):
        columns = listed[listed["table"] == table]["column"].tolist()
        assert list(wb.sql(f"SELECT * FROM {table} LIMIT 0").columns) == columns


def test_a_snapshot_answers_the_same_queries(desk):
    snap = desk.snapshot(max_age=0)
    try:
        assert snap.sql("SELECT count(*) AS n FROM attendances").n[0] == desk.sql(
            "SELECT count(*) AS n FROM attendances").n[0]
        assert snap.tables().equals(desk.tables())
        _refused(snap, "SELECT * FROM audit_log")
    finally:
        snap.close()


# -- the desk first: a long query gives way to a waiting writer ----------------------------
ANALYST = textwrap.dedent("""
    import sys, workbench
    wb = workbench.open(sys.argv[1], create=False)
    print("querying", flush=True)
    try:
        wb.sql("SELECT sum(a.client_id + b.client_id + c.client_id + r.range) AS s "
               "FROM attendances a, attendances b, attendances c, range(100000) r")
        print("finished", flush=True)
    except workbench.BusyError as exc:
        print("interrupted:", exc, flush=True)
""")
WRITER = textwrap.dedent("""
    import sys, time, workbench
    wb = workbench.open(sys.argv[1], create=False)
    started = time.monotonic()
    try:
        session = wb.login("atendente", "atendente123")
        draft = session.new_attendance(int(sys.argv[2]), "Telefônico")
        print("saved", draft.protocol, round(time.monotonic() - started, 3), flush=True)
    except workbench.BusyError:
        print("busy", round(time.monotonic() - started, 3), flush=True)
""")


def _lock_held(db) -> bool:
    fd = os.open(f"{db}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def test_a_long_query_yields_to_a_waiting_writer(desk):
    client_id = int(desk.sql("SELECT min(client_id) AS c FROM contracts").c[0])
    env = dict(os.environ, WORKBENCH_LOCK_TIMEOUT="8")
    analyst = subprocess.Popen([sys.executable, "-c", ANALYST, str(desk.path)], stdout=subprocess.PIPE, text=True,
                               env=env)
    try:
        assert analyst.stdout.readline().strip() == "querying"
        deadline = time.monotonic() + 60
        while not _lock_held(desk.path):                 # the query holds the file
            assert analyst.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)
        writer = subprocess.run([sys.executable, "-c", WRITER, str(desk.path), str(client_id)],
                                capture_output=True, text=True, env=env, timeout=120)
        assert writer.stdout.startswith("saved"), writer.stdout + writer.stderr
        said = analyst.communicate(timeout=60)[0]         # (DuckDB's progress bar may come first)
        assert "interrupted: Consulta interrompida" in said and "wb.snapshot()" in said, said
        print("writer:", writer.stdout.strip())
    finally:
        if analyst.poll() is None:
            analyst.kill()
        analyst.wait()
