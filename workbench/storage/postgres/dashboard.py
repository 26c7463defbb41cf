"""The dashboard's heavy views on PostgreSQL, summed from the hourly summaries of migration 9.

``dash_titles_hourly`` and ``dash_ops_hourly`` are kept by triggers on
``attendances`` in the writer's own transaction, so they are never stale. A
bucket is the shared SQL's own hour (``epoch(created_at)::BIGINT // 3600``:
rounded seconds), so bucket ``h`` holds openings in
[h*3600 - 0.5 s, (h+1)*3600 - 0.5 s). A period reads the whole buckets inside
it from the summaries and its partial edges from the detail (the
``created_at`` index): the result equals the shared SQL's exactly.

Covered filters: origin, title and type (Por título, hours, the closed
statuses of Por status), origin and operator (per operator). Any other filter (city, routing point, ...) falls
back to the shared detail query.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pandas as pd

from workbench.storage.dashboard import DashboardMixin
from workbench.storage.dashboard_sql import Bounds

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_TITLE_FILTERS = {"origin": "origin_code", "title": "title_code", "type": "type_code"}
_OPS_FILTERS = {"origin": "origin_code", "operator_id": "operator_id"}
_ALL = ("origin", "type", "title", "operator_id", "city", "routing_point_id")


HOUR, DAY = 3600, 86400
_LEVELS = {HOUR: ("hourly", "utc_hour"), DAY: ("daily", "utc_day")}


def _split(start: datetime, end: datetime, size: int = HOUR) -> tuple[int, int, datetime, datetime] | None:
    """Whole buckets [h0, h1) of ``size`` seconds inside [start, end) and their opening-time bounds;
    None if there are none."""
    h0 = math.ceil(((start - _EPOCH).total_seconds() + 1) / size)
    h1 = math.floor((end - _EPOCH).total_seconds() / size)
    if h0 >= h1:
        return None
    t0 = _EPOCH + timedelta(seconds=h0 * size) - timedelta(microseconds=500_000)
    t1 = _EPOCH + timedelta(seconds=h1 * size) - timedelta(microseconds=500_000)
    return h0, h1, t0, t1


def _covered(b: Bounds, allowed: dict[str, str]) -> bool:
    return all(getattr(b, name) in (None, "") or name in allowed for name in _ALL)


def _summary_where(b: Bounds, allowed: dict[str, str], h0: int, h1: int, column: str = "utc_hour") -> tuple[str, list]:
    conds, params = [f"{column} >= ? AND {column} < ?"], [h0, h1]
    for name, column in allowed.items():
        if getattr(b, name) is not None:
            conds.append(f"{column} = ?")
            params.append(getattr(b, name))
    return " AND ".join(conds), params


def _regroup(parts: list[pd.DataFrame], keys: list[str], sums: list[str]) -> pd.DataFrame:
    frames = [p for p in parts if len(p)]
    if not frames:
        return parts[0]
    out = pd.concat(frames, ignore_index=True).groupby(keys, dropna=False, as_index=False)[sums].sum()
    out = out[out["n"] != 0] if "n" in sums else out
    return out.astype({s: "int64" for s in sums}).reset_index(drop=True)


_ROW_TRIGGERS = ("dash_attendances_ins_del", "dash_attendances_upd")
# every table kept by those triggers (migrations 9 and 11)
SUMMARIES = ("dash_titles_hourly", "dash_ops_hourly", "dash_titles_daily", "dash_ops_daily", "dash_sla_hourly",
             "dash_closed_hourly")


def pause_summaries(con) -> None:
    """Bulk loads: turn the summaries' row triggers off in this transaction (COPY of millions of rows
    would run them row by row); :func:`rebuild_summaries` must follow in the same transaction."""
    for name in _ROW_TRIGGERS:
        con.execute(f"ALTER TABLE attendances DISABLE TRIGGER {name}")


def rebuild_summaries(con) -> None:
    """Rebuild the summaries from the attendances, turn their triggers back on, and check the totals."""
    con.execute("SELECT dash_rebuild()")
    for name in _ROW_TRIGGERS:
        con.execute(f"ALTER TABLE attendances ENABLE TRIGGER {name}")
    rows = con.execute("SELECT (SELECT count(*) FROM attendances), " + ", ".join(
        f"(SELECT coalesce(sum(n), 0) FROM {table})" for table in SUMMARIES[:4])).fetchall()[0]
    closed = con.execute("SELECT (SELECT coalesce(sum(closed), 0) FROM dash_sla_hourly), "
                         "(SELECT coalesce(sum(n), 0) FROM dash_closed_hourly)").fetchall()[0]
    if len(set(rows)) != 1 or closed[0] != closed[1]:
        raise RuntimeError(f"dashboard summaries disagree with attendances: {rows + closed}")
    for table in SUMMARIES:
        con.execute(f"ANALYZE {table}")


class PgDashboardMixin(DashboardMixin):
    """Por título, hours, closed statuses and per-operator views from the hourly summaries (exact; see the module)."""

    @staticmethod
    def _edges(b: Bounds, start: datetime, end: datetime, detail, summary, *, daily: bool = False) -> list[pd.DataFrame]:
        """[start, end) in parts: ``summary(table_suffix, column, lo, hi)`` for the whole UTC days
        (``daily``: the table has a daily twin) and whole hours inside it, ``detail(bounds)`` for the rest."""
        if daily and (days := _split(start, end, DAY)) is not None:
            d0, d1, t0, t1 = days
            return (PgDashboardMixin._edges(b, start, t0, detail, summary) + [summary(*_LEVELS[DAY], d0, d1)]
                    + PgDashboardMixin._edges(b, t1, end, detail, summary))
        split = _split(start, end)
        if split is None:
            return [detail(replace(b, start=start, end=end))]
        h0, h1, t0, t1 = split
        return [detail(replace(b, start=start, end=t0)), summary(*_LEVELS[HOUR], h0, h1),
                detail(replace(b, start=t1, end=end))]

    def _dash_hours(self, con, b: Bounds) -> pd.DataFrame:
        if not _covered(b, _TITLE_FILTERS):
            return super()._dash_hours(con, b)

        def summary(_level: str, column: str, h0: int, h1: int) -> pd.DataFrame:
            w, p = _summary_where(b, _TITLE_FILTERS, h0, h1, column)
            return self._df(con, f"SELECT utc_hour, origin_code, sum(n)::BIGINT AS n FROM dash_titles_hourly "
                                 f"WHERE {w} GROUP BY 1, 2", p)
        parts = self._edges(b, b.start, b.end, lambda x: super(PgDashboardMixin, self)._dash_hours(con, x),
                            summary)
        return _regroup(parts, ["utc_hour", "origin_code"], ["n"])

    def _dash_titles(self, con, b: Bounds) -> pd.DataFrame:
        if not _covered(b, _TITLE_FILTERS):
            return super()._dash_titles(con, b)
        parts = []
        for start, end, current in ((b.prev_start, b.start, False), (b.start, b.end, True)):
            def detail(x: Bounds, current=current) -> pd.DataFrame:
                # the shared query over [x.start, x.end) only: current is then the same for every row
                df = super(PgDashboardMixin, self)._dash_titles(con, replace(x, prev_start=x.start))
                return df.assign(current=current)[["title_code", "status_code", "current", "n"]]

            def summary(level: str, column: str, h0: int, h1: int, current=current) -> pd.DataFrame:
                w, p = _summary_where(b, _TITLE_FILTERS, h0, h1, column)
                return self._df(con, f"SELECT title_code, status_code, {'TRUE' if current else 'FALSE'} AS current, "
                                     f"sum(n)::BIGINT AS n FROM dash_titles_{level} WHERE {w} GROUP BY 1, 2", p)
            if start < end:
                parts += self._edges(b, start, end, detail, summary, daily=True)
        if not parts:
            return super()._dash_titles(con, b)
        return _regroup(parts, ["title_code", "status_code", "current"], ["n"])

    def _dash_closed_status(self, con, b: Bounds) -> pd.DataFrame:
        if not _covered(b, _TITLE_FILTERS):
            return super()._dash_closed_status(con, b)

        def summary(level: str, column: str, h0: int, h1: int) -> pd.DataFrame:
            w, p = _summary_where(b, _TITLE_FILTERS, h0, h1, column)
            return self._df(con, f"SELECT status_code, sum(n)::BIGINT AS n FROM dash_titles_{level} WHERE {w} "
                                 f"AND status_code IN (SELECT code FROM statuses WHERE NOT is_open) GROUP BY 1", p)
        parts = self._edges(b, b.start, b.end,
                            lambda x: super(PgDashboardMixin, self)._dash_closed_status(con, x), summary, daily=True)
        return _regroup(parts, ["status_code"], ["n"])

    def _dash_ops(self, con, b: Bounds) -> pd.DataFrame:
        if not _covered(b, _OPS_FILTERS):
            return super()._dash_ops(con, b)

        def summary(level: str, column: str, h0: int, h1: int) -> pd.DataFrame:
            w, p = _summary_where(b, _OPS_FILTERS, h0, h1, column)
            return self._df(con, f"SELECT operator_id, script_code, script_outcome, sum(n)::BIGINT AS n, "
                                 f"sum(resolved)::BIGINT AS resolved, sum(os)::BIGINT AS os FROM dash_ops_{level} "
                                 f"WHERE {w} GROUP BY 1, 2, 3", p)
        parts = self._edges(b, b.start, b.end, lambda x: super(PgDashboardMixin, self)._dash_ops(con, x),
                            summary, daily=True)
        return _regroup(parts, ["operator_id", "script_code", "script_outcome"], ["n", "resolved", "os"])
