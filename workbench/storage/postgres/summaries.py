"""The dashboard's summary tables on PostgreSQL (migrations 9, 11 and 13) and how a period reads them.

The tables are kept by triggers on ``attendances`` in the writer's own
transaction, so they are never stale. A bucket is the shared SQL's own hour
(``epoch(created_at)::BIGINT // 3600``: rounded seconds), so bucket ``h``
holds openings in [h*3600 - 0.5 s, (h+1)*3600 - 0.5 s); a daily twin's day
``d`` holds hours [24d, 24d + 24). :func:`edges` splits a period into whole
UTC days, whole hours and the partial hours at its ends, read from the daily
and hourly summaries and from the detail: the sum equals the shared SQL's
exactly. A filter a summary has no column for falls back to the detail
(:func:`covered`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Callable

import pandas as pd

from workbench.storage.dashboard_sql import Bounds

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ALL = ("origin", "type", "title", "operator_id", "city", "routing_point_id")
HOUR, DAY = 3600, 86400
_LEVELS = {HOUR: ("hourly", "utc_hour"), DAY: ("daily", "utc_day")}
_ROW_TRIGGERS = ("dash_attendances_ins_del", "dash_attendances_upd",      # steps 9 and 11
                 "dash_resolution_ins_del", "dash_resolution_upd")        # step 13
# every table kept by those triggers
SUMMARIES = ("dash_titles_hourly", "dash_ops_hourly", "dash_titles_daily", "dash_ops_daily", "dash_sla_hourly",
             "dash_closed_hourly", "dash_resolution_daily")

Detail = Callable[[Bounds], pd.DataFrame]
Summary = Callable[[str, str, int, int], pd.DataFrame]     # (table suffix, bucket column, first, end) -> rows


def split(start: datetime, end: datetime, size: int = HOUR) -> tuple[int, int, datetime, datetime] | None:
    """Whole buckets [h0, h1) of ``size`` seconds inside [start, end) and their opening-time bounds;
    None if there are none."""
    h0 = math.ceil(((start - _EPOCH).total_seconds() + 1) / size)
    h1 = math.floor((end - _EPOCH).total_seconds() / size)
    if h0 >= h1:
        return None
    t0 = _EPOCH + timedelta(seconds=h0 * size) - timedelta(microseconds=500_000)
    t1 = _EPOCH + timedelta(seconds=h1 * size) - timedelta(microseconds=500_000)
    return h0, h1, t0, t1


def edges(b: Bounds, start: datetime, end: datetime, detail: Detail, summary: Summary, *,
          daily: bool = False) -> list[pd.DataFrame]:
    """[start, end) in parts: ``summary`` for the whole UTC days (``daily``: the table has a daily
    twin) and the whole hours inside it, ``detail(bounds)`` for the rest."""
    if daily and (days := split(start, end, DAY)) is not None:
        d0, d1, t0, t1 = days
        return edges(b, start, t0, detail, summary) + [summary(*_LEVELS[DAY], d0, d1)] + edges(b, t1, end, detail, summary)
    hours = split(start, end)
    if hours is None:
        return [detail(replace(b, start=start, end=end))]
    h0, h1, t0, t1 = hours
    return [detail(replace(b, start=start, end=t0)), summary(*_LEVELS[HOUR], h0, h1),
            detail(replace(b, start=t1, end=end))]


def covered(b: Bounds, allowed: dict[str, str]) -> bool:
    """Whether every filter set in ``b`` is a column of the summary (``allowed``: filter -> column)."""
    return all(getattr(b, name) in (None, "") or name in allowed for name in _ALL)


def summary_where(b: Bounds, allowed: dict[str, str], h0: int, h1: int, column: str = "utc_hour") -> tuple[str, list]:
    """WHERE of a summary read: buckets [h0, h1) and the filters set in ``b`` (parameterised)."""
    conds, params = [f"{column} >= ? AND {column} < ?"], [h0, h1]
    for name, col in allowed.items():
        if getattr(b, name) is not None:
            conds.append(f"{col} = ?")
            params.append(getattr(b, name))
    return " AND ".join(conds), params


def regroup(parts: list[pd.DataFrame], keys: list[str], sums: list[str]) -> pd.DataFrame:
    """The parts of :func:`edges` summed by ``keys`` (rows whose count ``n`` sums to 0 dropped)."""
    frames = [p for p in parts if len(p)]
    if not frames:
        return parts[0]
    out = pd.concat(frames, ignore_index=True).groupby(keys, dropna=False, as_index=False)[sums].sum()
    out = out[out["n"] != 0] if "n" in sums else out
    return out.astype({s: "int64" for s in sums}).reset_index(drop=True)


def pause_summaries(con) -> None:
    """Bulk loads: turn the summaries' row triggers off in this transaction (COPY of millions of rows
    would run them row by row); :func:`rebuild_summaries` must follow in the same transaction."""
    for name in _ROW_TRIGGERS:
        con.execute(f"ALTER TABLE attendances DISABLE TRIGGER {name}")


def rebuild_summaries(con) -> None:
    """Rebuild the summaries from the attendances, turn their triggers back on, and check the totals."""
    con.execute("SELECT dash_rebuild()")                  # step 9's hourly summaries
    con.execute("SELECT dash_rebuild_m011()")             # then step 11's (daily twins from the hourly ones)
    con.execute("SELECT dash_rebuild_m013()")             # and step 13's resolution seconds
    for name in _ROW_TRIGGERS:
        con.execute(f"ALTER TABLE attendances ENABLE TRIGGER {name}")
    rows = con.execute("SELECT (SELECT count(*) FROM attendances), " + ", ".join(
        f"(SELECT coalesce(sum(n), 0) FROM {table})" for table in SUMMARIES[:4])).fetchall()[0]
    closed = con.execute("SELECT (SELECT coalesce(sum(closed), 0) FROM dash_sla_hourly), "
                         "(SELECT coalesce(sum(n), 0) FROM dash_closed_hourly), "
                         "(SELECT coalesce(sum(cardinality(seconds)), 0) FROM dash_resolution_daily)").fetchall()[0]
    if len(set(rows)) != 1 or len(set(closed)) != 1:
        raise RuntimeError(f"dashboard summaries disagree with attendances: {rows + closed}")
    for table in SUMMARIES:
        con.execute(f"ANALYZE {table}")
