"""`workbench backup`: consistent, verified copies taken while the desk is in use, with a manifest."""

from __future__ import annotations

import json
import os
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

from filetools import WORKER, cli, damage_block, sha256, truncate_half

TABLES = ("clients", "contracts", "attendances", "protocol_log", "protocol_counter", "script_answers",
          "operators", "schema_migrations", "titles", "script_versions", "client_search")

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

    demo_wb.close()
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


def test_backup_records_what_it_holds_in_a_manifest(tmp_path, demo_wb):
    backups = tmp_path / "backups"
    backups.mkdir()
    done = cli(demo_wb.path, "backup", str(backups))
    assert done.returncode == 0, done.stderr
    (backup,) = backups.glob("workbench-*.duckdb")
    manifest = json.loads(backup.with_name(backup.name + ".json").read_text())
    assert manifest["sha256"] == sha256(backup) and manifest["size"] == backup.stat().st_size
    assert manifest["schema_version"] == demo_wb.store.schema_version()
    live = _dump(demo_wb.path, ("clients", "attendances", "protocol_log"))
    for table, rows in live.items():
        assert manifest["tables"][table]["rows"] == len(rows) and manifest["tables"][table]["checksum"]


def test_the_next_backup_removes_partial_files_of_killed_backups(tmp_path, demo_wb):
    backups = tmp_path / "backups"
    backups.mkdir()
    killed = backups / ".workbench-20260101-101010.duckdb.partial"      # what a killed backup leaves
    killed.write_bytes(os.urandom(1 << 20))
    writing = backups / ".workbench-20260101-101011.duckdb.partial"     # a backup still being written
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import fcntl, os, sys, time
        fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX)
        print("ok", flush=True)
        time.sleep(60)
    """), str(writing)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        done = cli(demo_wb.path, "backup", str(backups))
        assert done.returncode == 0, done.stderr
        assert not killed.exists() and writing.exists()
    finally:
        holder.kill()
        holder.wait()
    assert len(list(backups.glob("workbench-*.duckdb"))) == 1
    done = cli(demo_wb.path, "backup", str(backups))
    assert done.returncode == 0 and not list(backups.glob(".*"))


@pytest.mark.parametrize("damage", ["truncated", "corrupted block"])
def test_backup_of_a_damaged_database_is_refused(tmp_path, demo_wb, damage):
    backups = tmp_path / "backups"
    backups.mkdir()
    demo_wb.close()
    if damage == "truncated":
        truncate_half(demo_wb.path)
    else:
        damage_block(demo_wb.path, "attendances")
    done = cli(demo_wb.path, "backup", str(backups))
    assert done.returncode == 2
    assert "Backup não gravado" in done.stderr and "danificado" in done.stderr
    assert f"workbench --db {demo_wb.path} restore <pasta-de-backup> --force" in done.stderr
    assert "Traceback" not in done.stderr and not list(backups.iterdir())


def test_restore_refuses_what_is_not_a_workbench_backup(tmp_path, demo_wb, capsys):
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE x (i INTEGER)")
    con.close()
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database" * 100)
    demo_wb.close()
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


def test_restore_refuses_while_this_process_has_the_database_open(tmp_path, demo_wb):
    backups = tmp_path / "b"
    backups.mkdir()
    backup = demo_wb.store.backup(backups)
    with pytest.raises(StoreError, match="em uso por outro processo"):
        demo_wb.store.restore_from(backup, force=True)
    demo_wb.close()
    assert demo_wb.store.restore_from(backup, force=True).backup == backup


def test_restore_refuses_a_database_another_program_holds(tmp_path, demo_wb, monkeypatch):
    backups = tmp_path / "b"
    backups.mkdir()
    backup = demo_wb.store.backup(backups)
    demo_wb.close()
    monkeypatch.setenv("WORKBENCH_LOCK_TIMEOUT", "1")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time, duckdb
        con = duckdb.connect(sys.argv[1])
        print("ok", flush=True)
        time.sleep(30)
    """), str(demo_wb.path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreError, match="aberto por outro programa|ocupado"):
            demo_wb.store.restore_from(backup, force=True)
    finally:
        holder.kill()
        holder.wait()
