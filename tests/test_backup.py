"""`workbench backup` / `workbench restore`: consistent copies while in use, atomic restore."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

import workbench
from workbench.cli import main
from workbench.demo import DemoOptions, run_demo
from workbench.errors import StoreError
from workbench.storage.backup import check_backup_file

TABLES = ("clients", "contracts", "attendances", "protocol_log", "protocol_counter", "script_answers",
          "operators", "schema_migrations", "titles", "script_versions", "client_search")

# Another process using the database: alternating reads and writes (audit rows) in a loop.
WORKER = textwrap.dedent("""
    import sys, time
    from datetime import datetime, timezone
    from workbench.storage import open_store
    store = open_store(sys.argv[1])
    n = 0
    deadline = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < deadline:
        with store._write() as con:
            con.execute("INSERT INTO audit_log (event_at, action, entity, entity_id) VALUES (?, 'teste', 'x', ?)",
                        [datetime.now(timezone.utc), str(n)])
            con.execute("UPDATE settings SET value = ? WHERE key = 'backup_test'", [str(n)])
        with store._read() as con:
            con.execute("SELECT count(*) FROM attendances").fetchall()
        n += 1
    print(n)
""")


def _dump(path, tables=TABLES):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    finally:
        con.close()


@pytest.fixture
def demo_wb(tmp_path):
    wb = workbench.open(tmp_path / "live.duckdb", create=True)
    run_demo(wb, DemoOptions(clients=200, attendances=1500, operators=2, supervisors=1, seed=5, progress=False))
    with wb.store._write() as con:
        con.execute("INSERT INTO settings VALUES ('backup_test', '-1')")
    return wb


def test_backup_while_another_process_writes_then_restore(tmp_path, demo_wb):
    backups = tmp_path / "backups"
    backups.mkdir()
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(demo_wb.path), "6"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        made = []
        for _ in range(3):
            before = set(backups.glob("workbench-*.duckdb"))
            assert main(["--db", str(demo_wb.path), "backup", str(backups)]) == 0
            (new,) = set(backups.glob("workbench-*.duckdb")) - before
            made.append(new)
            time.sleep(0.3)
    finally:
        out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    assert int(out) > 3                       # the worker kept writing meanwhile
    assert len(set(made)) == 3 and not list(backups.glob(".*"))

    for backup in made:
        assert check_backup_file(backup) >= 1
        data = _dump(backup, ("audit_log", "settings"))
        # consistent snapshot: the setting equals the number of test rows written before it
        seen = [int(r[4]) for r in data["audit_log"] if r[2] == "teste"]
        setting = dict(data["settings"])["backup_test"]
        assert int(setting) == (max(seen) if seen else -1) and len(seen) == int(setting) + 1

    live = _dump(demo_wb.path)
    backup_data = _dump(made[-1])
    assert backup_data == live               # the demo tables did not change while backing up

    # restore into a new file, then over an existing one (needs --force)
    target = tmp_path / "restored.duckdb"
    assert main(["--db", str(target), "restore", str(made[0])]) == 0
    assert _dump(target) == live
    assert main(["--db", str(target), "restore", str(backups)]) == 2      # exists, no --force
    assert main(["--db", str(target), "restore", str(backups), "--force"]) == 0
    assert _dump(target) == live
    wb = workbench.open(target)
    assert wb.login("atendente", "atendente123").operator.role == "atendente"
    assert not list(tmp_path.glob(".*restoring*"))


def test_restore_refuses_what_is_not_a_workbench_backup(tmp_path, demo_wb, capsys):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE x (i INTEGER)")
    con.close()
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database" * 100)
    before = _dump(demo_wb.path)
    for source in (other, junk, tmp_path / "missing.duckdb"):
        with pytest.raises(StoreError):
            demo_wb.store.restore_from(source, force=True)
        assert main(["--db", str(demo_wb.path), "restore", str(source), "--force"]) == 2
    assert _dump(demo_wb.path) == before
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(StoreError, match="Nenhum backup"):
        demo_wb.store.restore_from(empty, force=True)
    with pytest.raises(StoreError, match="não existe"):
        demo_wb.store.backup(tmp_path / "no-such-dir")


def test_restore_refuses_a_database_in_use(tmp_path, demo_wb, monkeypatch):
    backups = tmp_path / "b"
    backups.mkdir()
    backup = demo_wb.store.backup(backups)
    monkeypatch.setenv("WORKBENCH_LOCK_TIMEOUT", "1")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time, duckdb
        con = duckdb.connect(sys.argv[1])
        print("ok", flush=True)
        time.sleep(30)
    """), str(demo_wb.path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreError, match="em uso"):
            demo_wb.store.restore_from(backup, force=True)
    finally:
        holder.kill()
        holder.wait()
