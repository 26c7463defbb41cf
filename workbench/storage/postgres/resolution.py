"""Exact resolution-time quantiles on PostgreSQL: one hash aggregation, the ranks picked in NumPy.

The shared SQL (:func:`workbench.storage.dashboard_metrics._resolution_sql`) asks for the median
and the 90th percentile overall and per title, type, operator and queue as GROUPING SETS of
``percentile_cont``: PostgreSQL sorts every grouping set's values apart, five sorts of the
period's ~440k closed attendances on the full-size desk (~0.65-0.9 s, most of a dashboard refresh).

Here the server reads the period's closed attendances once and groups them by all four
dimensions at once (a hash aggregation into a few thousand groups), each group's seconds
returned as one binary ``int4[]`` (``array_send``: no per-value conversion on either side).
Each grouping set is a union of those groups: its seconds are concatenated and the two ranks
each quantile needs are picked with ``numpy.partition``, then interpolated as PostgreSQL's
``percentile_cont`` does (``lo + (q(n-1) - floor(q(n-1))) * (hi - lo)`` in doubles), so every
figure equals the shared SQL's bit for bit (``tests/test_pg_dashboard.py`` checks it).
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pandas as pd

from workbench.errors import StoreError
from workbench.storage.dashboard_metrics import RESOLUTION_DIMENSIONS
from workbench.storage.dashboard_sql import RESOLUTION_SECONDS

QUANTILES = (("median_h", 0.5), ("p90_h", 0.9))


def resolution_quantiles(con, where: str, params: list) -> pd.DataFrame:
    """dimension, value, n, median_h, p90_h: as the shared SQL's GROUPING SETS, on ``con`` (a read
    transaction) for the closed attendances matching ``where``. The aggregation hashes in memory with
    the dashboard's ``work_mem`` (``PgStoreBase._dashboard_settings``: ~7 MB for a month of the
    full-size desk); with the server's default it sorts instead, slower but the same figures."""
    dims = RESOLUTION_DIMENSIONS
    cols = ", ".join(d.column for d in dims)
    rows = con.execute(f"""
        SELECT {cols}, array_send(array_agg({RESOLUTION_SECONDS}::INTEGER))
        FROM attendances a JOIN statuses st ON st.code = a.status_code AND NOT st.is_open
        WHERE {where} AND a.closed_at IS NOT NULL
        GROUP BY {', '.join(str(i + 1) for i in range(len(dims)))}""", params).fetchall()
    seconds = [_int4_array(r[-1]) for r in rows]
    out = [_row("", "", seconds)]
    for i, dim in enumerate(dims):
        groups: dict = defaultdict(list)
        for r, values in zip(rows, seconds):
            groups[r[i]].append(values)
        out += [_row(dim.key, None if key is None else str(key), parts) for key, parts in groups.items()]
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
