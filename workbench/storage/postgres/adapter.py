"""The part of a DuckDB connection the store's SQL uses, over a psycopg connection.

The store's SQL is written with ``?`` placeholders, as for DuckDB:
:class:`PgConnection` translates them to psycopg's ``%s`` and returns results
whose ``df()`` has the same column types DuckDB's ``df()`` gives, so the
services see the same DataFrames from either backend. ``register()`` makes a
DataFrame readable as a table (a temporary table filled by COPY), and
:func:`copy_frame` / :func:`copy_arrow` append rows with COPY.
"""

from __future__ import annotations

import functools
import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Sequence
from zoneinfo import ZoneInfo

import psycopg

from workbench.lazy import lazy
from workbench import settings
from workbench.errors import StoreError

pd = lazy("pandas")


@functools.lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """``?`` → ``%s`` and ``%`` → ``%%`` outside quoted strings, identifiers and comments.

    Inside string literals ``%`` is doubled too (psycopg reads the whole text
    when parameters are given) and ``?`` is left alone.
    """
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in ("'", '"'):
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:   # '' or "" escape
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1].replace("%", "%%"))
            i = j + 1
        elif c == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif c == "?":
            out.append("%s")
            i += 1
        elif c == "%":
            out.append("%%")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


class PgConnection:
    """The part of a DuckDB connection the store uses, over a psycopg connection."""

    backend = "postgres"

    def __init__(self, con: psycopg.Connection, pipeline: psycopg.Pipeline | None = None):
        self.raw = con
        self.pipeline = pipeline       # a batched unit of work (see postgres.connection.unit_of_work)

    def execute(self, sql: str, params: Sequence[Any] | None = None, *, prepare: bool | None = None) -> "PgResult":
        cur = self.raw.cursor()
        cur.execute(translate(sql), list(params or []), prepare=prepare)
        return PgResult(cur, self.pipeline)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.raw.cursor() as cur:
            cur.executemany(translate(sql), [list(r) for r in rows])

    def register(self, name: str, data) -> None:
        """What DuckDB's ``register`` gives the store: ``data`` (a DataFrame or an Arrow table) readable
        as the table ``name`` until :meth:`unregister` or the end of the transaction (a temporary
        table filled by COPY)."""
        if self.pipeline is not None:
            raise StoreError("COPY não roda numa unidade de trabalho em lote (pipeline).")
        frame = data if isinstance(data, pd.DataFrame) else data.to_pandas(integer_object_nulls=True)
        columns = ", ".join(f'"{c}" {_pg_type(frame[c])}' for c in frame.columns)
        self.raw.execute(f'CREATE TEMPORARY TABLE "{name}" ({columns}) ON COMMIT DROP')
        copy_frame(self.raw, name, frame)

    def unregister(self, name: str) -> None:
        self.raw.execute(f'DROP TABLE IF EXISTS pg_temp."{name}"')


def _pg_type(series: pd.Series) -> str:
    kind = series.dtype.kind
    if kind == "b" or str(series.dtype) == "boolean":
        return "BOOLEAN"
    if kind in "iu":
        return "BIGINT"
    if kind == "f":
        return "DOUBLE PRECISION"
    if kind == "M":
        return "TIMESTAMPTZ" if getattr(series.dtype, "tz", None) is not None else "TIMESTAMP"
    sample = series.dropna()
    if len(sample):
        first = sample.iloc[0]
        if isinstance(first, bool):
            return "BOOLEAN"
        if isinstance(first, int):
            return "BIGINT"
        if isinstance(first, datetime):
            return "TIMESTAMPTZ" if first.tzinfo else "TIMESTAMP"
        if isinstance(first, date):
            return "DATE"
        if isinstance(first, Decimal):
            return "NUMERIC"
    return "TEXT"


def _plain(value):
    """A DataFrame cell as psycopg writes it: NaN/NaT as NULL, numpy scalars as Python ones, whole floats
    (an integer column with nulls, as pandas holds it) as integers."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float):
        if value != value:
            return None
        return int(value) if value.is_integer() else value
    return value


def copy_arrow(con: psycopg.Connection, table: str, batches, columns: Sequence[str], *,
               freeze: bool = False) -> int:
    """Append Arrow record batches (an Arrow table, a RecordBatchReader or a list of batches) to ``table``
    with COPY in CSV (written by Arrow, every value quoted so that an empty text stays apart from NULL);
    returns the rows written. ``freeze`` writes the rows frozen (COPY FREEZE: only for a table created or
    truncated in the same transaction; no later vacuum has to visit them)."""
    import pyarrow.csv as pacsv

    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    names = ", ".join(f'"{c}"' for c in columns)
    rows = 0
    with con.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN (FORMAT csv{", FREEZE" if freeze else ""})') as copy:
        for batch in (batches.to_batches(max_chunksize=50_000) if hasattr(batches, "to_batches") else batches):
            if not batch.num_rows:
                continue
            buffer = io.BytesIO()
            pacsv.write_csv(batch.select(list(columns)), buffer, options)
            copy.write(buffer.getvalue())
            rows += batch.num_rows
    return rows


def copy_frame(con: psycopg.Connection, table: str, frame, columns: Sequence[str] | None = None) -> int:
    """Append ``frame`` (a DataFrame or an Arrow table) to ``table`` with COPY; returns the rows written."""
    if not isinstance(frame, pd.DataFrame):
        return copy_arrow(con, table, frame, list(columns or frame.column_names))
    columns = list(columns or frame.columns)
    if not len(frame):
        return 0
    names = ", ".join(f'"{c}"' for c in columns)
    with con.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in frame[columns].itertuples(index=False, name=None):
            copy.write_row([_plain(v) for v in row])
    return len(frame)


_INT32 = {21, 23}
_INT64 = {20}
_TEXT = {25, 1043, 1042, 19, 114, 3802}       # text, varchar, char, name, json, jsonb
_FLOAT = {700, 701, 1700}
_TIMESTAMPTZ, _TIMESTAMP, _DATE, _BOOL = 1184, 1114, 1082, 16


class PgResult:
    """A statement's result. In a batched unit of work (pipeline mode) it arrives when it is read:
    ``description`` and the fetches wait for it (one round trip for everything sent before)."""

    def __init__(self, cur: psycopg.Cursor, pipeline: psycopg.Pipeline | None = None):
        self.cur = cur
        self.pipeline = pipeline

    def _arrived(self) -> None:
        if self.pipeline is not None and self.cur.pgresult is None:
            self.pipeline.sync()

    @property
    def description(self):
        self._arrived()
        return self.cur.description

    def fetchall(self) -> list[tuple]:
        rows = self.cur.fetchall() if self.description is not None else []
        self.cur.close()
        return rows

    def df(self) -> pd.DataFrame:
        """The rows as DuckDB's ``df()`` would give them (same dtypes for the same SQL types)."""
        description = self.description or []
        return frame(description, self.fetchall())


def frame(description, rows: list[tuple]) -> pd.DataFrame:
    """``rows`` of a cursor with ``description`` as a DataFrame typed as DuckDB's ``df()`` types it."""
    names = [d.name for d in description]
    columns = list(zip(*rows)) if rows else [()] * len(names)
    data = {}
    for desc, name, values in zip(description, names, columns):
        data[name] = _series(desc.type_code, list(values))
    return pd.DataFrame(data, columns=names)


def _text(value) -> str:
    """JSON arrives parsed from psycopg: give it back as JSON text, as DuckDB does."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)


def _series(oid: int, values: list) -> pd.Series:
    has_null = any(v is None for v in values)
    if oid in _INT32:
        return pd.Series(values, dtype="Int32" if has_null else "int32")
    if oid in _INT64:
        return pd.Series(values, dtype="Int64" if has_null else "int64")
    if oid == _BOOL:
        return pd.Series(values, dtype="boolean")
    if oid in _FLOAT:
        return pd.Series([None if v is None else float(v) for v in values], dtype="float64")
    if oid == _TIMESTAMPTZ:
        tz = ZoneInfo(settings.get("timezone"))
        return pd.Series(pd.to_datetime(values, utc=True), dtype="datetime64[us, UTC]").dt.tz_convert(tz)
    if oid in (_TIMESTAMP, _DATE):
        return pd.Series(pd.to_datetime(values), dtype="datetime64[us]")
    if oid in _TEXT:
        if values and all(v is None for v in values):
            return pd.Series(values, dtype=object)
        return pd.Series([v if v is None or isinstance(v, str) else _text(v) for v in values], dtype="str")
    return pd.Series(values, dtype=object)
