"""The store: locks across real processes, atomicity when killed, migrations, bad files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

import workbench
from workbench.errors import BusyError, StoreError
from workbench.storage import migrations, open_store
from workbench.storage.connection import LockStats, unit_of_work

import rawdb


def _hold_lock(path, seconds: float) -> subprocess.Popen:
    """Another process that opens the file for writing and keeps it for ``seconds``."""
    code = textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(path)!r})
        print("locked", flush=True)
        time.sleep({seconds})
        con.close()
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_lock_conflict_is_retried_until_the_other_process_lets_go(wb):
    holder = _hold_lock(wb.path, 1.5)
    before = LockStats.retries
    wb.store.set_setting("greeting", "olá")          # waits for the holder, then writes
    holder.wait()
    assert LockStats.retries > before
    assert wb.store.get_setting("greeting") == "olá"


def test_lock_held_past_the_bound_raises_busy(wb, monkeypatch):
    monkeypatch.setenv("WORKBENCH_LOCK_TIMEOUT", "0.5")
    holder = _hold_lock(wb.path, 5)
    try:
        with pytest.raises(BusyError, match="tente novamente"):
            wb.store.set_setting("x", "y")
    finally:
        holder.kill()
        holder.wait()
    assert wb.store.get_setting("x") is None


def test_readers_share_the_file(wb):
    code = textwrap.dedent(f"""
        import duckdb, time
        con = duckdb.connect({str(wb.path)!r}, read_only=True)
        print("reading", flush=True)
        time.sleep(2)
    """)
    reader = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert reader.stdout.readline().strip() == "reading"
    started = time.monotonic()
    assert len(wb.reference()["origins"]) == 5     # a second reader gets in at once
    assert time.monotonic() - started < 1.5
    reader.kill()
    reader.wait()


@pytest.mark.backends("duckdb", "postgres")
def test_process_killed_mid_write_leaves_nothing_half_written(wb):
    code = textwrap.dedent(f"""
        import time
        import workbench
        with workbench.open({wb.store.target!r}).store._write() as con:
            con.execute("INSERT INTO settings SELECT 'k' || i, 'v' FROM generate_series(0, 4999) t(i)")
            print("inserted", flush=True)
            time.sleep(30)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "inserted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reopened = workbench.open(wb.store.target)
    assert rawdb.query(wb, "SELECT count(*) AS n FROM settings WHERE key LIKE 'k%'")["n"][0] == 0
    reopened.store.set_setting("after", "crash")
    assert reopened.store.get_setting("after") == "crash"


@pytest.mark.backends("duckdb", "postgres")
def test_transaction_rolls_back_on_error(wb):
    with pytest.raises(RuntimeError):
        with wb.store._write() as con:
            con.execute("INSERT INTO settings VALUES ('half', 'written')")
            raise RuntimeError("boom")
    assert wb.store.get_setting("half") is None


def test_older_file_is_upgraded(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)")
    migrations.MIGRATIONS[0].apply(con)
    con.execute("INSERT INTO schema_migrations (version, name) VALUES (1, 'initial schema')")
    con.close()
    wb = workbench.open(path)
    assert wb.store.schema_version() == migrations.LATEST
    versions = rawdb.query(path, "SELECT version FROM schema_migrations ORDER BY version")["version"].tolist()
    assert versions == [m.version for m in migrations.MIGRATIONS]


def test_newer_file_is_refused(wb):
    with unit_of_work(wb.path, write=True) as con:
        con.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')")
    with pytest.raises(StoreError, match="mais nova"):
        workbench.open(wb.path)


def test_file_that_is_not_a_database(tmp_path):
    bad = tmp_path / "notes.duckdb"
    bad.write_text("isto não é um banco de dados\n" * 100)
    with pytest.raises(StoreError, match="notes.duckdb"):
        workbench.open(bad)
    assert bad.read_text().startswith("isto não é")


def test_missing_folder_and_folder_as_path(tmp_path):
    with pytest.raises(StoreError, match="não existe"):
        workbench.open(tmp_path / "nowhere" / "wb.duckdb", create=True)
    with pytest.raises(StoreError, match="pasta"):
        workbench.open(tmp_path)


def test_open_without_create_refuses_missing_file(tmp_path):
    with pytest.raises(StoreError, match="workbench init"):
        workbench.open(tmp_path / "absent.duckdb", create=False)


def test_postgres_url_picks_the_postgres_store_and_a_path_duckdb(tmp_path):
    assert open_store("postgresql://atendimento@db.example:5432/desk").backend == "postgres"
    assert open_store(tmp_path / "x.duckdb").backend == "duckdb"


READER = textwrap.dedent("""
    import sys, time
    from workbench.storage.connection import unit_of_work
    path, seconds = sys.argv[1], float(sys.argv[2])
    print("reading", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with unit_of_work(path, write=False) as con:       # a long dashboard refresh, back to back
            con.execute("SELECT count(*) FROM settings").fetchall()
            time.sleep(0.3)
""")


def test_readers_back_to_back_do_not_starve_a_writer(wb, monkeypatch):
    monkeypatch.setenv("WORKBENCH_LOCK_TIMEOUT", "3")
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(wb.path), "6"], stdout=subprocess.PIPE,
                                text=True) for _ in range(2)]
    try:
        for r in readers:
            assert r.stdout.readline().strip() == "reading"
        time.sleep(0.5)
        for i in range(6):                               # each would raise BusyError if starved
            wb.store.set_setting(f"w{i}", "ok")
    finally:
        for r in readers:
            r.wait(timeout=30)
    assert [wb.store.get_setting(f"w{i}") for i in range(6)] == ["ok"] * 6
    assert all(r.returncode == 0 for r in readers)
