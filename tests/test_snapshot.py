"""`wb.snapshot()` / `workbench snapshot FILE`: a consistent, read-only copy for heavy analysis,
made again only when older than WORKBENCH_SNAPSHOT_MAX_AGE, taken while other processes write."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

import workbench
from workbench.errors import StoreError, ValidationError

import rawdb
from filetools import WORKER, cli, sha256


@pytest.fixture
def demo_wb(desk):
    """The small demo desk, with the setting the writer process keeps equal to its row count."""
    with desk.store._write() as con:
        con.execute("INSERT INTO settings VALUES ('backup_test', '-1')")
    return desk


def test_snapshot_is_a_consistent_copy_taken_while_another_process_writes(demo_wb):
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(demo_wb.path), "6"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        seen = []
        for _ in range(3):
            snap = demo_wb.snapshot(max_age=0)
            assert snap.snapshot_info.refreshed and snap.read_only
            row = rawdb.query(snap.path, """  -- settings and audit_log: tables wb.sql does not expose
                SELECT (SELECT value FROM settings WHERE key = 'backup_test')::INTEGER AS setting,
                       (SELECT count(*) FROM audit_log WHERE action = 'teste') AS rows""").iloc[0]
            assert int(row.setting) + 1 == int(row.rows)    # the writer's two statements, both or neither
            seen.append(int(row.rows))
            time.sleep(0.3)
    finally:
        out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    assert seen == sorted(seen) and int(out) >= seen[-1] > 0
    assert snap.path == demo_wb.path.with_name("desk.snapshot.duckdb")


def test_snapshot_is_copied_again_only_when_older_than_the_setting(demo_wb, monkeypatch):
    first = demo_wb.snapshot().snapshot_info
    assert first.refreshed
    assert not demo_wb.snapshot().snapshot_info.refreshed           # fresh: the same copy
    old = time.time() - 3600
    os.utime(first.path, (old, old))
    monkeypatch.setenv("WORKBENCH_SNAPSHOT_MAX_AGE", "60")
    again = demo_wb.snapshot().snapshot_info
    assert again.refreshed and again.taken_at > first.taken_at
    assert not demo_wb.snapshot(max_age=60).snapshot_info.refreshed
    with pytest.raises(ValidationError):
        demo_wb.snapshot(max_age=-1)


def test_opening_a_snapshot_writes_to_neither_file(demo_wb):
    snap = demo_wb.snapshot()
    demo_wb.close()
    live_before, snap_before = sha256(demo_wb.path), sha256(snap.path)
    assert len(snap.search_clients("silva", limit=5)) >= 0
    assert len(snap.attendances(limit=50)) == 50
    assert snap.sql("SELECT count(*) AS n FROM clients").n[0] == 60
    with pytest.raises(StoreError, match="somente leitura"):
        snap.login("atendente", "atendente123")                    # a login records itself: refused
    with pytest.raises(StoreError, match="já é uma cópia de análise"):
        snap.snapshot()
    assert sha256(demo_wb.path) == live_before and sha256(snap.path) == snap_before


def test_cli_snapshot_writes_a_workbench_database(demo_wb, tmp_path):
    target = tmp_path / "analise.duckdb"
    done = cli(demo_wb.path, "snapshot", str(target))
    assert done.returncode == 0, done.stderr
    assert f"Cópia de análise gravada em {target}" in done.stdout
    again = cli(demo_wb.path, "snapshot", str(target), "--max-age", "3600")
    assert again.returncode == 0 and "já estava atualizada" in again.stdout
    with workbench.open(target, create=False) as wb:
        assert wb.sql("SELECT count(*) AS n FROM attendances").n[0] == 400
    assert cli(demo_wb.path, "snapshot", str(demo_wb.path)).returncode == 2
    assert not list(tmp_path.glob(".*partial"))
