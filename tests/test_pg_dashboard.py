"""PostgreSQL's dashboard summaries (migrations 9, 11 and 13) answer exactly as the shared detail SQL does
(and everyone's list by title counts its titles from them).

Every check runs the views of :class:`~workbench.storage.postgres.dashboard.PgDashboardMixin` and
:class:`~workbench.storage.postgres.dashboard_flow.PgDashboardFlowMixin` and the shared
:class:`~workbench.storage.dashboard.DashboardMixin` and
:class:`~workbench.storage.dashboard_metrics.DashboardMetricsMixin` SQL (the reference) in one
read and compares them, over several periods and filters, after each kind of write.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pandas as pd
import psycopg
import pytest

import workbench
from dashdata import DEFAULT, build, t
from workbench.storage.attendance_lists import AttendanceListsMixin, ListQuery
from workbench.storage.dashboard import DashboardMixin
from workbench.storage import open_attendances
from workbench.errors import StoreError
from workbench.storage.dashboard_metrics import DashboardMetricsMixin
from workbench.storage.postgres.resolution import _int4_array, percentile_cont

VIEWS = ("_dash_titles", "_dash_hours", "_dash_ops", "_dash_closed_status")
METRICS = ("_dash_closures", "_dash_sla")
UTC = timezone.utc
NOW = datetime(2026, 11, 27, 13, 0, tzinfo=UTC)


def _bounds():
    base = DEFAULT.bounds()
    wide = replace(base, start=t(9, 1, 0), end=t(12, 1, 0), prev_start=t(6, 1, 0))
    odd = replace(wide, start=t(10, 15, 8, 59) + timedelta(seconds=59, microseconds=700_000),
                  end=t(11, 27, 10, 30) + timedelta(microseconds=250_000), prev_start=t(9, 2, 3, 17))
    midnight = replace(wide, start=datetime(2026, 10, 20, tzinfo=UTC) - timedelta(microseconds=400_000),
                       end=datetime(2026, 11, 26, tzinfo=UTC) + timedelta(microseconds=300_000))
    out = [base, wide, odd, midnight]
    for name, value in (("origin", "telefonico"), ("title", "sem_conexao"), ("type", "suporte_tecnico"),
                        ("operator_id", 1), ("city", "Campinas")):
        out += [replace(wide, **{name: value}), replace(odd, **{name: value})]
    return out


def _norm(df: pd.DataFrame) -> list[tuple]:
    rows = [tuple(None if (v is None or (isinstance(v, float) and v != v)) else
                  (bool(v) if isinstance(v, bool) or type(v).__name__ == "bool_" else int(v) if
                   not isinstance(v, str) else v) for v in r) for r in df.itertuples(index=False)]
    return sorted(rows, key=repr)


def _exact(df: pd.DataFrame) -> list[tuple]:
    """Rows with their floats as they are (the resolution quantiles must agree to the last bit)."""
    return sorted((tuple(None if (v is None or (isinstance(v, float) and v != v)) else
                         v if isinstance(v, (str, float)) else int(v) for v in r)
                   for r in df.itertuples(index=False)), key=repr)


def _check(store, bounds=None) -> int:
    """Compare every view for every bounds; returns how many attendances the summaries hold."""
    with store._read() as con:
        for b in bounds or _bounds():
            for view in VIEWS:
                got = getattr(store, view)(con, b)
                want = getattr(DashboardMixin, view)(store, con, b)
                assert _norm(got) == _norm(want), (view, b)
            for view in METRICS:
                args = (b, NOW) if view == "_dash_sla" else (b,)
                got = getattr(store, view)(con, *args)
                want = getattr(DashboardMetricsMixin, view)(store, con, *args)
                if view == "_dash_sla":
                    assert tuple(int(v) for v in got) == tuple(int(v) for v in want), (view, b)
                else:
                    assert _norm(got) == _norm(want), (view, b)
            got, want = store._dash_resolution(con, b), DashboardMetricsMixin._dash_resolution(store, con, b)
            assert _exact(got) == _exact(want), ("_dash_resolution", b)
        closed, sla, closures, seconds, empty = store._one(con, """
            SELECT (SELECT count(*) FROM attendances a JOIN statuses st ON st.code = a.status_code
                    WHERE NOT st.is_open AND a.closed_at IS NOT NULL),
                   (SELECT coalesce(sum(closed), 0) FROM dash_sla_hourly),
                   (SELECT coalesce(sum(n), 0) FROM dash_closed_hourly),
                   (SELECT coalesce(sum(cardinality(seconds)), 0) FROM dash_resolution_daily),
                   (SELECT count(*) FROM dash_resolution_daily WHERE cardinality(seconds) = 0)""")
        assert int(closed) == int(sla) == int(closures) == int(seconds) and int(empty) == 0
        # everyone's list by title counts each title from the daily summary when filtered by status alone
        for statuses in [(), *((code,) for (code,) in con.execute("SELECT code FROM statuses").fetchall()),
                         ("concluido", "pendente")]:
            for q in (ListQuery(status_codes=statuses, order_by="title"),          # from the summary
                      ListQuery(status_codes=statuses, order_by="title", unassigned=True)):  # a scan
                assert store._title_counts(con, q, set()) == AttendanceListsMixin._title_counts(store, con, q, set()), q
        total, summed = store._one(con, "SELECT (SELECT count(*) FROM attendances), "
                                        "(SELECT coalesce(sum(n), 0) FROM dash_titles_hourly)")
    assert int(total) == int(summed)
    return int(summed)


def _raw(url):
    con = psycopg.connect(url, autocommit=True)
    con.execute("SET search_path = workbench, public")
    return con


def _clone(con, protocol: str, new: str, created: datetime, **cols) -> None:
    sets = ", ".join(["protocol = %s", "created_at = %s"] + [f"{k} = %s" for k in cols])
    with con.transaction():
        con.execute("CREATE TEMP TABLE x ON COMMIT DROP AS SELECT * FROM attendances WHERE protocol = %s", [protocol])
        con.execute(f"UPDATE x SET {sets}", [new, created, *cols.values()])
        con.execute("INSERT INTO attendances SELECT * FROM x")
        open_attendances.sync(_Percent(con), new)


class _Percent:
    """A raw psycopg connection taking the store's ``?`` placeholders (for ``open_attendances.sync``)."""

    def __init__(self, con):
        self.con = con

    def execute(self, sql, params=()):
        return self.con.execute(sql.replace("?", "%s"), params)


def _resync(con) -> None:
    """Raw writes keep the derived open_attendances table right, as every writer of the store does."""
    with con.transaction():
        open_attendances.rebuild(con)


@pytest.fixture
def pg_desk(pg_server):
    url = pg_server.fresh()
    wb, sup, adm, alice = build(url)
    yield url, wb, sup
    wb.close() if hasattr(wb, "close") else None
    pg_server.drop(url)


def test_summaries_equal_the_detail_after_every_kind_of_write(pg_desk):
    url, wb, sup = pg_desk
    store = wb.store
    assert _check(store) == 9
    con = _raw(url)
    # new attendances, some at the rounding edge of an hour and of the periods
    edge = t(10, 15, 8, 59) + timedelta(seconds=59, microseconds=600_000)
    _clone(con, "20261127000001", "20261015000091", edge)
    _clone(con, "20261127000001", "20261015000092", edge + timedelta(microseconds=200_000), origin_code="email")
    _clone(con, "20261126000001", "20261127000093", t(11, 27, 10, 30) + timedelta(microseconds=100_000))
    _clone(con, "20261126000001", "20261101000094", t(11, 1, 9, 0), script_code=None, script_outcome=None)
    # half a second before a UTC midnight: the next day's bucket (epoch seconds are rounded)
    _clone(con, "20261126000001", "20261019000095", datetime(2026, 10, 20, tzinfo=UTC) - timedelta(microseconds=500_000))
    assert _check(store) == 14
    # finishing, closing and reopening OLD attendances, through the session's own writes
    sup.change_status("20261020000001", "concluido", "fechado")
    sup.change_status("20261015000001", "pendente", "reaberto")
    _check(store)
    # a transfer to another operator, and a direct update of the summarised columns
    con.execute("UPDATE attendances SET operator_id = 2, resolved = NOT resolved, os_requested = true "
                "WHERE protocol = '20261101000001'")
    con.execute("UPDATE attendances SET created_at = created_at - interval '40 days' WHERE protocol = '20261112000001'")
    con.execute("UPDATE attendances SET problem = problem || '.' WHERE protocol = '20261125000001'")
    _resync(con)
    _check(store)
    # a closed attendance moved to another queue and back to none, one closed a second later
    queue = con.execute("SELECT code FROM queues ORDER BY code LIMIT 1").fetchone()[0]
    closed = con.execute("SELECT a.protocol FROM attendances a JOIN statuses st ON st.code = a.status_code "
                         "WHERE NOT st.is_open AND a.closed_at IS NOT NULL ORDER BY 1 LIMIT 2").fetchall()
    con.execute("UPDATE attendances SET queue_code = %s WHERE protocol = %s", [queue, closed[0][0]])
    con.execute("UPDATE attendances SET queue_code = NULL, closed_at = closed_at + interval '1 second' "
                "WHERE protocol = %s", [closed[1][0]])
    _resync(con)
    _check(store)
    # deletes
    con.execute("DELETE FROM attendances WHERE protocol IN ('20261015000091', '20261127000093')")
    _resync(con)
    assert _check(store) == 12
    con.close()


def test_backfill_of_a_database_that_had_rows_before_migration_9(pg_desk):
    url, wb, sup = pg_desk
    con = _raw(url)
    con.execute("DROP TABLE dash_titles_hourly, dash_ops_hourly, dash_titles_daily, dash_ops_daily, dash_sla_hourly, "
                "dash_closed_hourly, dash_resolution_daily CASCADE")
    con.execute("DROP FUNCTION dash_attendances_changed, dash_attendances_truncated, dash_resolution_changed, "
                "dash_resolution_truncated, dash_rebuild, dash_rebuild_m011, dash_rebuild_m013 CASCADE")
    con.execute("DROP FUNCTION dash_add, dash_add_m011, dash_add_m013")
    con.execute("DROP AGGREGATE dash_concat(INTEGER[])")
    con.execute("DELETE FROM schema_migrations WHERE version >= 9")      # a desk at version 8: 9 to 13 run
    con.close()
    again = workbench.open(url)
    assert _check(again.store) == 9


def test_copy_to_postgresql_leaves_the_summaries_right(tmp_path, pg_database, demo_template):
    source = tmp_path / "desk.duckdb"
    shutil.copy(demo_template, source)
    moved = subprocess.run([sys.executable, "-m", "workbench", "--db", str(source), "copy", "--to", pg_database],
                           capture_output=True, text=True, env=dict(os.environ), timeout=300)
    assert moved.returncode == 0, moved.stderr
    store = workbench.open(pg_database).store
    with store._read() as con:
        lo, hi = store._one(con, "SELECT min(created_at), max(created_at) FROM attendances")
    span = replace(DEFAULT.bounds(), start=lo, end=hi + timedelta(seconds=1), prev_start=lo - (hi - lo))
    half = replace(span, start=lo + (hi - lo) / 2 + timedelta(minutes=7, seconds=3))
    bounds = [span, half, replace(span, origin="telefonico"), replace(half, operator_id=1)]
    assert _check(store, bounds) > 100
    con = _raw(pg_database)
    enabled = con.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'dash_%%' AND tgenabled = 'O'").fetchone()[0]
    con.close()
    assert enabled == 6


@pytest.mark.parametrize("table, change", [("dash_ops_hourly", "resolved = resolved + 1"),
                                           ("dash_titles_hourly", "n = n + 1"), ("dash_ops_daily", "os = os + 1"),
                                           ("dash_titles_daily", "n = n + 1"), ("dash_sla_hourly", "anatel_met = anatel_met + 1"),
                                           ("dash_closed_hourly", "n = n + 1"),
                                           ("dash_resolution_daily", "seconds[1] = seconds[1] + 1")])
def test_a_wrong_summary_row_is_caught(pg_desk, table, change):
    """The comparison above can fail: one summary count off by one (one resolution second) is seen."""
    url, wb, sup = pg_desk
    con = _raw(url)
    con.execute(f"UPDATE {table} SET {change} WHERE ctid = (SELECT min(ctid) FROM {table})")
    con.close()
    with pytest.raises(AssertionError):
        _check(wb.store)


def test_the_resolution_quantiles_pick_and_interpolate_as_percentile_cont(pg_database):
    """The ranks picked in NumPy and their interpolation equal the server's percentile_cont to the
    last bit, and the binary arrays read back as sent (an empty one too; one with a NULL is refused)."""
    rng = random.Random(13)
    cases = [[7], [0, 0], [1, 2], [3, 1, 2], [-5, 0, 86400 * 40], [2**31 - 1, -2**31, 0, 1]]
    cases += [[rng.choice([0, 0, 0, rng.randrange(1, 10**7)]) for _ in range(rng.randrange(1, 3000))]
              for _ in range(40)]
    con = _raw(pg_database)
    for values in cases:
        sent, median, p90 = con.execute(
            "SELECT array_send(%s::int4[]), percentile_cont(0.5) WITHIN GROUP (ORDER BY x) / 3600, "
            "percentile_cont(0.9) WITHIN GROUP (ORDER BY x) / 3600 FROM unnest(%s::int4[]) x",
            [values, values]).fetchone()
        got = _int4_array(sent)
        assert got.tolist() == values
        assert (percentile_cont(got, 0.5), percentile_cont(got, 0.9)) == (median, p90), values
    empty = _int4_array(con.execute("SELECT array_send('{}'::int4[])").fetchone()[0])
    assert empty.tolist() == [] and percentile_cont(empty, 0.5) is None
    with pytest.raises(StoreError):
        _int4_array(con.execute("SELECT array_send('{1,NULL}'::int4[])").fetchone()[0])
    con.close()
