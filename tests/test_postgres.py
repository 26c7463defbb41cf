"""What only the PostgreSQL backend has: its URLs and their errors, the server's own safeguards,
snapshots into DuckDB, the command line on a PostgreSQL desk (a real throwaway server: ``pgcluster``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import workbench
from workbench.errors import BusyError, StoreError, ValidationError
from workbench.storage.migrations import LATEST

import pgcluster
import rawdb

pytestmark = pytest.mark.backends("postgres")


def _cli(*argv, env=None):
    return subprocess.run([sys.executable, "-m", "workbench", *argv], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


# -- bad input -----------------------------------------------------------------------
def test_a_missing_postgresql_is_a_failure_saying_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_PG_BIN", str(tmp_path))
    with pytest.raises(RuntimeError, match="apt-get install postgresql"):
        pgcluster.Cluster().start()
    source = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")
    assert "pytest.fail(str(exc)" in source and "skip(" not in source         # the session fixture never skips



def test_unreachable_server_names_it(backend):
    port = pgcluster.free_port()
    with pytest.raises(StoreError, match=f"Não foi possível conectar ao servidor PostgreSQL postgresql://u@127.0.0.1:{port}/desk"):
        workbench.open(f"postgresql://u:segredo@127.0.0.1:{port}/desk")


def test_wrong_password_missing_database_and_role_are_told_apart(pg_server, backend):
    cluster = pg_server.cluster
    with pytest.raises(StoreError, match="recusou o usuário ou a senha") as wrong:
        workbench.open(cluster.url("postgres", password="errada"))
    assert "errada" not in str(wrong.value)                      # never the password
    with pytest.raises(StoreError, match="banco de dados não existe"):
        workbench.open(cluster.url("nao_existe"))
    with pytest.raises(StoreError):
        workbench.open(cluster.url("postgres", user="ninguem", password="x"))


def test_bad_url_and_url_without_database(backend):
    with pytest.raises(StoreError, match="não diz qual banco"):
        workbench.open("postgresql://u@127.0.0.1:5432")
    with pytest.raises(StoreError, match="URL do PostgreSQL inválida"):
        workbench.open("postgresql://u@127.0.0.1:porta/desk")


def test_database_of_another_application_is_refused(pg_database, backend):
    from workbench.storage.postgres.connection import connect

    con = connect(pg_database)
    con.execute("CREATE TABLE public.invoices (id INTEGER)")
    con.close()
    with pytest.raises(StoreError, match=r"outra aplicação \(public.invoices\)"):
        workbench.open(pg_database, create=True)


def test_open_without_create_refuses_an_empty_database(pg_database, backend):
    with pytest.raises(StoreError, match="workbench init"):
        workbench.open(pg_database, create=False)


def test_several_servers_starting_at_once_migrate_once(pg_database, backend):
    code = "import workbench, sys; workbench.open(sys.argv[1], create=True); print('ok')"
    procs = [subprocess.Popen([sys.executable, "-c", code, pg_database], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and out.strip() == "ok", err
    wb = workbench.open(pg_database)
    assert wb.store.schema_version() == LATEST
    assert len(wb.reference()["origins"]) == 5


# -- the server's safeguards ----------------------------------------------------------------
def test_analyst_sql_is_read_only_and_sees_declared_columns_only(desk):
    with pytest.raises(ValidationError):
        desk.sql("SELECT * FROM operator_credentials")
    with pytest.raises(ValidationError):
        desk.sql("SELECT * FROM workbench.login_guard")
    assert "password_hash" not in desk.sql("SELECT * FROM operators LIMIT 1").columns
    with pytest.raises(ValidationError, match="não é permitida"):      # settings are out of reach
        desk.sql("SELECT set_config('default_transaction_read_only', 'off', false)")
    frame = desk.sql("SELECT status_code, count(*) AS n FROM attendances GROUP BY status_code ORDER BY 1")
    assert frame.n.sum() == 400 and frame.n.dtype == "int64"


def test_a_lock_held_by_another_server_is_busy_not_a_hang(desk, monkeypatch):
    monkeypatch.setenv("WORKBENCH_LOCK_TIMEOUT", "0.3")
    hold = ("from workbench.storage.postgres.connection import connect; import time; c = connect(%r); "
            "c.execute('BEGIN'); c.execute('LOCK TABLE settings IN ACCESS EXCLUSIVE MODE'); "
            "print('locked', flush=True); time.sleep(30)" % desk.store.target)
    holder = subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(BusyError, match="tente novamente"):
            desk.store.set_setting("x", "y")
    finally:
        holder.kill()
        holder.wait()
    monkeypatch.setenv("WORKBENCH_LOCK_TIMEOUT", "10")
    desk.store.set_setting("x", "y")
    assert desk.store.get_setting("x") == "y"


def test_a_connection_lost_mid_finish_writes_nothing_and_the_retry_works(desk, pg_server, monkeypatch):
    from workbench.storage.postgres.adapter import PgConnection

    session = desk.login("atendente", "atendente123")
    client_id = int(desk.sql("SELECT min(client_id) AS c FROM contracts WHERE status = 'Ativo'").c[0])
    draft = session.new_attendance(client_id, "Telefônico")
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Maria", problem="Sem sinal",
                   title="Informações gerais")
    draft.set_first_contact(type="Informação", checks="Dúvida", resolved=True, solution="Informado")
    real, killed = PgConnection.execute, []

    def execute(self, sql, params=None, **kwargs):      # the server drops the connection mid-finish
        if sql.startswith("INSERT INTO attendance_events") and not killed:
            killed.append(pg_server.cluster.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                                 "WHERE application_name = 'workbench'"))
        return real(self, sql, params, **kwargs)

    monkeypatch.setattr(PgConnection, "execute", execute)
    with pytest.raises(StoreError, match="caiu durante a operação; nada foi gravado"):
        draft.finish()
    assert killed and int(killed[0]) >= 1
    monkeypatch.undo()
    assert rawdb.query(desk, "SELECT count(*) AS n FROM attendances WHERE protocol = ?", [draft.protocol]).n[0] == 0
    assert desk.store.protocol_state(draft.protocol) == "aberto"
    assert draft.finish() == draft.protocol                 # the draft is kept; the retry gets a live connection
    assert desk.attendance(draft.protocol).data["status"] == "Concluído"



def test_a_batched_write_sends_what_it_does_not_read_together_and_fails_whole(desk):
    # finish and new protocol run in pipeline mode: one round trip for the statements after the last read
    import psycopg

    from workbench.storage.postgres.connection import unit_of_work

    url = desk.store.target
    with unit_of_work(url, write=True, batch=True) as con:
        sent = con.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ["lote-a", "1"])
        assert sent.cur.pgresult is None                  # on its way, not waited for
        assert con.execute("SELECT value FROM settings WHERE key = ?", ["lote-a"]).fetchall() == [("1",)]
        with pytest.raises(StoreError, match="COPY"):
            con.register("linhas", pd.DataFrame({"x": [1]}))
    with pytest.raises(psycopg.errors.UniqueViolation):   # an error among unread statements: found at the commit
        with unit_of_work(url, write=True, batch=True) as con:
            con.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ["lote-b", "1"])
            con.execute("INSERT INTO settings (key, value) VALUES (?, ?)", ["lote-a", "2"])
    assert desk.store.get_setting("lote-b") is None and desk.store.get_setting("lote-a") == "1"
    with unit_of_work(url, write=False) as con:            # the pooled connection left pipeline mode
        assert con.execute("SELECT 1").fetchall() == [(1,)] and con.raw.pgconn.pipeline_status == 0

# -- DuckDB copies for analysts, and the command line -------------------------------------------
def test_snapshot_is_a_consistent_duckdb_copy_opened_with_the_same_api(desk, tmp_path):
    with pytest.raises(StoreError, match="diga em qual arquivo"):
        desk.snapshot()
    snap = desk.snapshot(tmp_path / "analise.duckdb")
    assert snap.read_only and snap.store.backend == "duckdb" and snap.snapshot_info.refreshed
    for table in ("clients", "attendances", "protocol_log", "script_answers", "attendance_events"):
        live = desk.sql(f"SELECT count(*) AS n FROM {table}").n[0]
        assert snap.sql(f"SELECT count(*) AS n FROM {table}").n[0] == live, table
    name = desk.sql("SELECT name FROM clients ORDER BY client_id LIMIT 1").name[0]
    assert list(snap.search_clients(name)["name"])[:1] == list(desk.search_clients(name)["name"])[:1]
    again = desk.snapshot(tmp_path / "analise.duckdb", max_age=3600)
    assert not again.snapshot_info.refreshed


def test_command_line_on_a_postgres_desk(pg_database, tmp_path):
    env = {"WORKBENCH_DB": pg_database}
    init = _cli("init", env=env)
    assert init.returncode == 0 and f"esquema v{LATEST}" in init.stdout
    status = _cli("status", env=env)
    assert status.returncode == 0 and "PostgreSQL" in status.stdout
    assert pgcluster.Cluster.PASSWORD not in status.stdout + init.stdout      # the URL is shown without it
    backup = _cli("backup", str(tmp_path), env=env)
    assert backup.returncode == 2 and "pg_dump" in backup.stderr
    restore = _cli("--db", pg_database, "restore", str(tmp_path), "--force")
    assert restore.returncode == 2 and "pg_restore" in restore.stderr
    snapshot = _cli("snapshot", str(tmp_path / "copia.duckdb"), env=env)
    assert snapshot.returncode == 0, snapshot.stderr
    assert workbench.open(tmp_path / "copia.duckdb").store.schema_version() == LATEST


def test_copy_moves_a_duckdb_desk_to_postgres_and_back(tmp_path, pg_database, demo_template):
    import shutil

    source = tmp_path / "origem.duckdb"
    shutil.copy(demo_template, source)
    moved = _cli("--db", str(source), "copy", "--to", pg_database)
    assert moved.returncode == 0, moved.stderr
    assert "attendances 400" in moved.stdout and "clients 60" in moved.stdout
    assert pgcluster.Cluster.PASSWORD not in moved.stdout
    duck, pg = workbench.open(source), workbench.open(pg_database)
    for table in ("clients", "contracts", "attendances", "protocol_log", "operators", "script_versions",
                  "attendance_contacts", "service_orders", "service_order_events", "open_attendances", "queues",
                  "operator_queues"):
        count = f"SELECT count(*) AS n FROM {table}"
        assert rawdb.query(duck, count).n[0] == rawdb.query(pg, count).n[0], table
    assert list(pg.search_clients("silva")["code"]) == list(duck.search_clients("silva")["code"])
    # protocol numbering continues where the file left it, and the operators log in with their passwords
    last = rawdb.query(duck, "SELECT max(last_seq) AS s FROM protocol_counter WHERE day = current_date").s[0]
    session = pg.login("atendente", "atendente123")
    client_id = int(pg.sql("SELECT min(client_id) AS c FROM contracts WHERE status = 'Ativo'").c[0])
    protocol = session.new_attendance(client_id).protocol
    assert int(protocol[-6:]) == (0 if pd.isna(last) else int(last)) + 1
    again = _cli("--db", str(source), "copy", "--to", pg_database)
    assert again.returncode == 2 and "já tem" in again.stderr        # never over a desk in use
    back = _cli("--db", pg_database, "copy", "--to", str(tmp_path / "volta.duckdb"))
    assert back.returncode == 0, back.stderr
    returned = workbench.open(tmp_path / "volta.duckdb")
    assert returned.sql("SELECT count(*) AS n FROM protocol_log").n[0] == pg.sql(
        "SELECT count(*) AS n FROM protocol_log").n[0]
    exists = _cli("--db", pg_database, "copy", "--to", str(tmp_path / "volta.duckdb"))
    assert exists.returncode == 2 and "já existe" in exists.stderr


def _schema_objects(url: str) -> set[tuple]:
    from workbench.storage.postgres.duckcopy import declared_builds

    with workbench.open(url).store._read() as con:
        return declared_builds(con)


def test_copy_builds_every_index_and_constraint_after_the_rows(tmp_path, pg_server, pg_database, demo_template):
    """The copy drops the indexes and constraints while the rows go in and builds them after: the
    copied desk has every one a freshly created desk has, and they hold (a repeated key is refused)."""
    import shutil

    fresh = pg_server.fresh()
    try:
        workbench.open(fresh, create=True)
        declared = _schema_objects(fresh)
    finally:
        pg_server.drop(fresh)
    source = tmp_path / "origem.duckdb"
    shutil.copy(demo_template, source)
    moved = _cli("--db", str(source), "copy", "--to", pg_database)
    assert moved.returncode == 0, moved.stderr
    assert _schema_objects(pg_database) == declared
    assert any(kind == "gin" for _n, table, kind in declared if table == "client_search")
    pg = workbench.open(pg_database)
    with pytest.raises(Exception, match="duplicate key|unique"):
        with pg.store._write() as con:
            con.execute("INSERT INTO clients SELECT * FROM clients LIMIT 1")


def test_a_copy_that_would_lose_an_index_writes_nothing(tmp_path, pg_database, demo_template, monkeypatch):
    """The rebuilt schema is checked against the one read before the load: a missing index fails the
    copy, and its transaction leaves the database as it was (no rows, the index still there)."""
    import shutil

    from workbench.storage.postgres import duckcopy

    source = tmp_path / "origem.duckdb"
    shutil.copy(demo_template, source)
    dest = workbench.open(pg_database, create=True)
    before = _schema_objects(pg_database)
    original = duckcopy.drop_for_load

    def drops_one_more(con, deferred):
        original(con, deferred)
        con.execute("ALTER TABLE schema_migrations DROP CONSTRAINT schema_migrations_pkey")

    monkeypatch.setattr(duckcopy, "drop_for_load", drops_one_more)
    with pytest.raises(StoreError, match="schema_migrations_pkey"):
        duckcopy.to_postgres(source, dest.store)
    assert _schema_objects(pg_database) == before
    assert rawdb.query(dest, "SELECT count(*) AS n FROM clients").n[0] == 0


def test_migrations_have_the_versions_and_names_of_duckdbs(backend):
    from workbench.storage import migrations as duck
    from workbench.storage.postgres import migrations as pg

    assert [(m.version, m.name) for m in pg.MIGRATIONS] == [(m.version, m.name) for m in duck.MIGRATIONS]


def test_analyst_sql_runs_as_a_role_that_reads_only_the_views(desk):
    assert desk.sql("SELECT current_user AS u").u[0] == "workbench_analyst"     # the desk's role is a superuser here
    for query in ("SELECT pg_read_file('/etc/hostname') AS f",
                  "SELECT set_config('role', 'postgres', true) AS r",
                  "SELECT query_to_xml('SELECT * FROM workbench.operator_credentials', true, false, '') AS x",
                  "SELECT current_setting('data_directory') AS d"):
        with pytest.raises(ValidationError, match="não é permitida"):
            desk.sql(query)
    with pytest.raises(ValidationError):                # a qualified name is refused by the checker...
        desk.sql("SELECT * FROM workbench.audit_log")
    from workbench.storage.postgres.connection import connect     # ... and the role could not read it anyway

    con = connect(desk.store.target)
    try:
        con.execute("BEGIN READ ONLY")
        con.execute("SET LOCAL ROLE workbench_analyst")
        with pytest.raises(Exception, match="permission denied"):
            con.execute("SELECT * FROM workbench.operator_credentials")
    finally:
        con.close()
