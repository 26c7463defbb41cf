"""Units of work on the process's DuckDB engine: the file is attached for one transaction and
detached, commits stay in the WAL until it outgrows its bound, and every other process (a desk
process, a plain DuckDB reader, a process killed right after its commit) sees what was committed."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

import workbench
from workbench.storage import connection
from workbench.storage.connection import unit_of_work

import rawdb


def _run(code: str, *args) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *map(str, args)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _wal(path: Path) -> int:
    wal = Path(f"{path}.wal")
    return wal.stat().st_size if wal.exists() else 0


def test_between_units_the_file_is_free_for_another_process_to_write(wb):
    wb.store.set_setting("mine", "1")                  # the engine stays; the file must not
    assert connection._Engine.con is not None and connection._Engine.attached is None
    out = _run("""
        import sys, duckdb
        con = duckdb.connect(sys.argv[1])              # read-write: refused while anyone holds the file
        con.execute("INSERT INTO settings VALUES ('theirs', '2')")
        con.close()
        print("written")
    """, wb.path)
    assert out == "written"
    assert wb.store.get_setting("theirs") == "2"


def test_a_commit_left_in_the_wal_is_seen_by_other_processes(wb):
    wb.store.set_setting("greeting", "oi")            # a new key: DuckDB checkpoints appends to indexed tables
    wb.store.set_setting("greeting", "olá")          # a change: it stays in the WAL
    assert _wal(wb.path) > 0                           # not folded into the file at detach
    seen_by_desk = _run("""
        import sys, workbench
        print(workbench.open(sys.argv[1], create=False).store.get_setting("greeting"))
    """, wb.path)
    assert seen_by_desk == "olá"
    assert rawdb.query(wb.path, "SELECT value FROM settings WHERE key = 'greeting'")["value"][0] == "olá"
    _run("""
        import sys, workbench
        workbench.open(sys.argv[1], create=False).store.set_setting("reply", "oi")
    """, wb.path)
    assert wb.store.get_setting("reply") == "oi"


def test_a_commit_survives_its_process_killed_right_after_it(wb):
    code = textwrap.dedent(f"""
        import time
        from workbench.storage.connection import unit_of_work
        with unit_of_work({str(wb.path)!r}, write=True) as con:
            con.execute("INSERT INTO settings VALUES ('durable', 'sim')")
        with unit_of_work({str(wb.path)!r}, write=False) as con:      # the engine lives on
            print("committed", flush=True)
            time.sleep(30)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "committed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert wb.store.get_setting("durable") == "sim"


def test_the_wal_is_checkpointed_once_past_its_bound(wb):
    bound = duckdb.connect(":memory:").execute(
        "SELECT ?::VARCHAR", [connection.WAL_CHECKPOINT]).fetchall()[0][0]
    assert bound.endswith("KiB")
    limit = int(bound[:-3]) * 1024
    biggest, grown = 0, False
    wb.store.set_setting("big", "")
    for i in range(120):                               # ~5 KB per commit: several times the bound in all
        wb.store.set_setting("big", f"{i:03d}" + "x" * 5000)
        grown |= _wal(wb.path) > 0
        biggest = max(biggest, _wal(wb.path))
    assert grown and biggest < limit + 64 * 1024
    assert wb.store.get_setting("big") == "119" + "x" * 5000


def _row_groups(path: Path, table: str) -> list[int]:
    with unit_of_work(path, write=False) as con:
        return [n for (n,) in con.execute("SELECT max(count) FROM pragma_storage_info(?) GROUP BY row_group_id "
                                          "ORDER BY row_group_id", [table]).fetchall()]


def test_rows_appended_by_short_commits_gather_in_row_groups_of_the_bounded_size(wb):
    """DuckDB merges the small row groups short commits leave into full ones, inside the commit that
    fills one (a client import's batch held the file 870 ms for it at the default 122,880 rows): a
    writer builds row groups of ``ROW_GROUP_ROWS`` rows, so that merge is half as long."""
    with unit_of_work(wb.path, write=True) as con:
        con.execute("CREATE TABLE appended (id INTEGER, label VARCHAR)")
    for start in range(0, 200_000, 10_000):            # an import's batches: commits of 10,000 rows
        with unit_of_work(wb.path, write=True) as con:
            con.execute("INSERT INTO appended SELECT range, 'cliente ' || range FROM range(?, ?)",
                        [start, start + 10_000])
    groups = _row_groups(wb.path, "appended")
    assert sum(groups) == 200_000
    assert max(groups) == connection.ROW_GROUP_ROWS < 122_880      # merged, never past the bound
    assert len(groups) <= 2 * 200_000 // connection.ROW_GROUP_ROWS   # not left as 20 small ones


def test_a_failed_unit_leaves_the_file_detached_and_the_engine_usable(wb):
    with pytest.raises(duckdb.Error):
        with unit_of_work(wb.path, write=True) as con:
            con.execute("INSERT INTO settings VALUES ('half', 'written')")
            con.execute("SELECT * FROM no_such_table")
    assert connection._Engine.attached is None
    assert wb.store.get_setting("half") is None
    _run("""
        import sys, duckdb
        duckdb.connect(sys.argv[1]).close()
    """, wb.path)
    wb.store.set_setting("after", "ok")
    assert wb.store.get_setting("after") == "ok"


def test_a_unit_changing_the_memory_limit_does_not_change_the_next(wb, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MEMORY_LIMIT", "700MB")
    with unit_of_work(wb.path, write=False) as con:
        con.execute("SET memory_limit = '123MB'")
    with unit_of_work(wb.path, write=False) as con:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert limit.startswith("667") or limit.startswith("700")    # 700 MB in MiB or as given
    monkeypatch.setenv("WORKBENCH_TZ", "America/Manaus")
    with unit_of_work(wb.path, write=False) as con:
        assert con.execute("SELECT current_setting('TimeZone')").fetchall()[0][0] == "America/Manaus"


def test_a_unit_may_not_open_another_file_inside_one(wb, tmp_path):
    other = workbench.open(tmp_path / "other.duckdb", create=True)
    with unit_of_work(wb.path, write=False):
        with pytest.raises(workbench.errors.StoreError):
            with unit_of_work(other.path, write=False):
                pass
    assert other.store.get_setting("x") is None


def _child(path: str, queue) -> None:
    store = workbench.open(path, create=False).store
    store.set_setting("child", "sim")
    queue.put(store.get_setting("parent"))


def test_a_forked_child_gets_an_engine_of_its_own(wb):
    wb.store.set_setting("parent", "sim")             # the parent has an engine before the fork
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child, args=(str(wb.path), queue))
    child.start()
    assert queue.get(timeout=120) == "sim"
    child.join(timeout=120)
    assert child.exitcode == 0
    assert wb.store.get_setting("child") == "sim"     # and the parent's engine still works
