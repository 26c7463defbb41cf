"""Exact resolution-time quantiles on PostgreSQL: the seconds per group, the ranks picked in NumPy.

The shared SQL (:func:`workbench.storage.dashboard_metrics._resolution_sql`) asks for the median
and the 90th percentile overall and per title, type, operator and queue as GROUPING SETS of
``percentile_cont``: PostgreSQL sorts every grouping set's values apart, five sorts of the
period's ~440k closed attendances on the full-size desk (~0.65-0.9 s, most of a dashboard refresh).

Here the period's resolution seconds are read per group of all four dimensions at once (a few
thousand groups, each group's seconds as one binary ``int4[]``: ``array_send``, no per-value
conversion on either side): the whole UTC days from migration 13's ``dash_resolution_daily``
(the days' arrays concatenated by ``dash_concat``), the partial days at the period's ends from the
attendances (one hash aggregation). An operator filter is a column of the summary; a city or a
routing point reads the whole period from the attendances. Each grouping set is a union of those
groups: its seconds are concatenated and the two ranks each quantile needs are picked with
``numpy.partition``, then interpolated as PostgreSQL's ``percentile_cont`` does
(``lo + (q(n-1) - floor(q(n-1))) * (hi - lo)`` in doubles), so every figure equals the shared
SQL's bit for bit (``tests/test_pg_dashboard.py`` checks it).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace

import numpy as np
import pandas as pd

from workbench.errors import StoreError
from workbench.storage.dashboard_metrics import RESOLUTION_DIMENSIONS
from workbench.storage.dashboard_sql import CLOSED, RESOLUTION_SECONDS, Bounds, filter_where
from workbench.storage.postgres.summaries import DAY, covered, split, summary_where

QUANTILES = (("median_h", 0.5), ("p90_h", 0.9))
_FILTERS = {"origin": "origin_code", "title": "title_code", "type": "type_code", "operator_id": "operator_id"}
_KEYS = [d.column for d in RESOLUTION_DIMENSIONS]                  # a.title_code, ... (detail)
_SUMMARY_KEYS = [c.split(".")[-1] for c in _KEYS]                  # title_code, ... (dash_resolution_daily)
_GROUP_BY = ", ".join(str(i + 1) for i in range(len(_KEYS)))


def resolution_quantiles(con, b: Bounds) -> pd.DataFrame:
    """dimension, value, n, median_h, p90_h: as the shared SQL's GROUPING SETS, on ``con`` (a read
    transaction) for the closed attendances opened in ``b``'s period with its filters. The detail's
    aggregation hashes in memory with the dashboard's ``work_mem``
    (``PgStoreBase._dashboard_settings``); with the server's default it sorts, the same figures."""
    groups: dict[tuple, list[np.ndarray]] = defaultdict(list)

    def read(sql: str, params: list) -> None:
        for *key, data in con.execute(sql, params).fetchall():
            groups[tuple(key)].append(_int4_array(data))

    def detail(x: Bounds) -> None:
        where, params = filter_where(x)
        read(f"""
            SELECT {', '.join(_KEYS)}, array_send(array_agg({RESOLUTION_SECONDS}::INTEGER))
            FROM attendances a WHERE {' AND '.join(where)} AND {CLOSED}
            GROUP BY {_GROUP_BY}""", params)

    days = split(b.start, b.end, DAY) if covered(b, _FILTERS) else None
    if days is None:
        detail(b)
    else:
        d0, d1, t0, t1 = days
        detail(replace(b, end=t0))
        where, params = summary_where(b, _FILTERS, d0, d1, "utc_day")
        read(f"""
            SELECT {', '.join(_SUMMARY_KEYS)}, array_send(dash_concat(seconds))
            FROM dash_resolution_daily WHERE {where} GROUP BY {_GROUP_BY}""", params)
        detail(replace(b, start=t1))
    return _frame(groups)


def _frame(groups: dict[tuple, list[np.ndarray]]) -> pd.DataFrame:
    combos = {key: np.concatenate(parts) for key, parts in groups.items()}
    out = [_row("", "", list(combos.values()))]
    for i, dim in enumerate(RESOLUTION_DIMENSIONS):
        per_value: dict = defaultdict(list)
        for key, values in combos.items():
            per_value[key[i]].append(values)
        out += [_row(dim.key, None if value is None else str(value), parts) for value, parts in per_value.items()]
    return pd.DataFrame(out, columns=["dimension", "value", "n", *(name for name, _ in QUANTILES)])


def _row(dimension: str, value: str | None, parts: list[np.ndarray]) -> tuple:
    values = np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)
    return (dimension, value, len(values), *(percentile_cont(values, q) for _, q in QUANTILES))


def percentile_cont(values: np.ndarray, q: float) -> float | None:
    """PostgreSQL's ``percentile_cont(q)`` of integer seconds, in hours (``/ 3600`` as the SQL)."""
    n = len(values)
    if n == 0:
        return None
    pos = q * (n - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    picked = np.partition(values, [lo, hi]) if n > 1 else values
    first, second = float(picked[lo]), float(picked[hi])
    value = first + (pos - lo) * (second - first) if hi > lo else first
    return value / 3600


def _int4_array(data: bytes) -> np.ndarray:
    """A one-dimensional ``int4[]`` without NULLs in PostgreSQL's binary format (``array_send``):
    ndim, has-nulls flag, element type, then length and lower bound per dimension, then per
    element its byte length (4) and its big-endian value."""
    words = np.frombuffer(data, dtype=">i4")
    if len(words) < 3 or words[0] > 1 or words[1] != 0:
        raise StoreError("Resposta inesperada do PostgreSQL ao calcular os tempos de resolução.")
    if words[0] == 0:
        return np.empty(0, dtype=np.int32)
    lengths, values = words[5::2], words[6::2]
    if len(values) != words[3] or len(lengths) != len(values) or np.any(lengths != 4):
        raise StoreError("Resposta inesperada do PostgreSQL ao calcular os tempos de resolução.")
    return values.astype(np.int32)
