"""Connections to a PostgreSQL desk: one pool per process, one transaction per unit of work.

PostgreSQL has real concurrency, so none of the DuckDB file's machinery
(gate, presence, reopening per call) applies: every process keeps a small
``psycopg_pool.ConnectionPool`` per database URL, and a unit of work borrows
one connection for one transaction (``READ ONLY`` for reads). Lock waits are
bounded by ``lock_timeout`` (the ``WORKBENCH_LOCK_TIMEOUT`` setting) and
become :class:`BusyError`; every failure reaching the caller is a typed
error with a pt-BR message that names the server (never the password).

The store's SQL is written with ``?`` placeholders, as for DuckDB:
:class:`PgConnection` translates them to psycopg's ``%s`` and returns results
whose ``df()`` has the same column types DuckDB's ``df()`` gives, so the
services see the same DataFrames from either backend.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import threading
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterator, Sequence
from zoneinfo import ZoneInfo

import pandas as pd
import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.string import TextLoader
from psycopg_pool import ConnectionPool, PoolTimeout

from workbench import settings
from workbench.errors import BusyError, DiskFullError, StoreError

MIN_SERVER_VERSION = 130000          # PostgreSQL 13
POOL_MAX = 4                         # a page's kernel seldom needs more than one at a time
POOL_IDLE_SECONDS = 120              # idle connections beyond the first are given back
SCHEMA = "workbench"                 # every table of the desk lives in this schema

_POOLS: dict[str, ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()


def is_url(target: Any) -> bool:
    return str(target).startswith(("postgres://", "postgresql://"))


def describe(url: str) -> str:
    """``postgresql://user@host:port/db`` without the password, for messages."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://…"
    host = info.get("host") or "localhost"
    port = info.get("port") or "5432"
    user = f"{info['user']}@" if info.get("user") else ""
    return f"postgresql://{user}{host}:{port}/{info.get('dbname', '')}"


def check_url(url: str) -> None:
    """Raise StoreError when ``url`` is not a usable PostgreSQL connection URL."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise StoreError(f"URL do PostgreSQL inválida ({describe(url)}): {_first_line(exc)}. "
                         "Use postgresql://usuario:senha@servidor:porta/banco.") from None
    if not info.get("dbname"):
        raise StoreError(f"A URL {describe(url)} não diz qual banco usar: "
                         "use postgresql://usuario:senha@servidor:porta/banco.")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def connection_error(url: str, exc: BaseException) -> StoreError:
    """The pt-BR message for a connection that could not be made."""
    where = describe(url)
    text = str(exc)
    if "connection option" in text or "invalid URI" in text:
        return StoreError(f"URL do PostgreSQL inválida ({where}): {_first_line(exc)}. "
                          "Use postgresql://usuario:senha@servidor:porta/banco.")
    if "password authentication failed" in text or "no password supplied" in text:
        return StoreError(f"O servidor {where} recusou o usuário ou a senha.")
    if "does not exist" in text and "database" in text:
        return StoreError(f"O banco de dados não existe no servidor {where}: crie-o (createdb) e rode "
                          "`workbench init`.")
    if "role" in text and "does not exist" in text:
        return StoreError(f"O usuário informado não existe no servidor {where}.")
    if any(m in text for m in ("Connection refused", "could not connect", "timeout expired", "No route",
                               "could not translate host name", "Name or service not known")):
        return StoreError(f"Não foi possível conectar ao servidor PostgreSQL {where} (servidor desligado, "
                          f"endereço ou porta errados, ou rede bloqueada): {_first_line(exc)}")
    return StoreError(f"Erro ao conectar ao servidor PostgreSQL {where}: {_first_line(exc)}")


def _configure(con: psycopg.Connection) -> None:
    # JSON columns come back as text, as DuckDB gives them (the store parses them where it needs to)
    con.adapters.register_loader("json", TextLoader)
    con.adapters.register_loader("jsonb", TextLoader)
    lock_ms = int(float(settings.get("lock_timeout")) * 1000)
    con.execute(f"SET TimeZone = '{_quote(settings.get('timezone'))}'")
    con.execute(f"SET search_path = {SCHEMA}, public")
    con.execute(f"SET lock_timeout = {lock_ms}")
    con.execute("SET application_name = 'workbench'")


def _quote(text: str) -> str:
    return str(text).replace("'", "''")


def connect(url: str, *, timeout: float = 10) -> psycopg.Connection:
    """One plain connection (autocommit), configured like the pool's; typed errors."""
    check_url(url)
    try:
        con = psycopg.connect(url, autocommit=True, connect_timeout=max(int(timeout), 2))
    except psycopg.OperationalError as exc:
        raise connection_error(url, exc) from None
    if con.info.server_version < MIN_SERVER_VERSION:
        version = con.info.server_version
        con.close()
        raise StoreError(f"O servidor {describe(url)} roda PostgreSQL {version // 10000}: o workbench precisa "
                         f"da versão {MIN_SERVER_VERSION // 10000} ou mais nova.")
    try:
        _configure(con)
    except BaseException:
        con.close()
        raise
    return con


def pool(url: str) -> ConnectionPool:
    """This process's pool for ``url``, opened on first use (the first connection is checked directly,
    so a wrong password or a server that is down gets its own message)."""
    with _POOLS_LOCK:
        found = _POOLS.get(url)
        if found is not None:
            return found
        connect(url).close()
        # check: a connection the server dropped (restart, failover, terminated) is replaced, not handed out
        created = ConnectionPool(url, min_size=1, max_size=POOL_MAX, max_idle=POOL_IDLE_SECONDS,
                                 kwargs={"autocommit": True}, configure=_configure, open=False,
                                 check=ConnectionPool.check_connection,
                                 name=f"workbench-{os.getpid()}")
        created.open(wait=True, timeout=float(settings.get("lock_timeout")) + 5)
        _POOLS[url] = created
        return created


def close_pools() -> None:
    """Close every pool of this process (at exit; tests that drop their database call it too)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for p in pools:
        p.close(timeout=2)


def close_pool(url: str) -> None:
    with _POOLS_LOCK:
        found = _POOLS.pop(url, None)
    if found is not None:
        found.close(timeout=2)


atexit.register(close_pools)
if hasattr(os, "register_at_fork"):      # a forked child must not share its parent's sockets
    os.register_at_fork(after_in_child=lambda: _POOLS.clear())


@contextmanager
def unit_of_work(url: str, *, write: bool, isolation: str | None = None) -> Iterator["PgConnection"]:
    """One transaction on a pooled connection: committed on success, rolled back on error.

    ``isolation`` ("repeatable read" for a read that must see one moment, e.g. a
    dashboard refresh) sets the transaction's isolation level.
    """
    timeout = float(settings.get("lock_timeout"))
    try:
        with pool(url).connection(timeout=timeout) as con:
            with con.transaction():
                mode = [] if write else ["READ ONLY"]
                if isolation:
                    mode.insert(0, f"ISOLATION LEVEL {isolation.upper()}")
                # the lock bound as the setting says now (one round trip with the transaction's mode)
                lock_ms = int(float(settings.get("lock_timeout")) * 1000)
                con.execute(("SET TRANSACTION " + ", ".join(mode) + "; " if mode else "")
                            + f"SET LOCAL lock_timeout = {lock_ms}")
                yield PgConnection(con)
    except PoolTimeout:
        raise BusyError("Servidor PostgreSQL sem conexões livres no momento; tente novamente em instantes.") from None
    except (pg_errors.LockNotAvailable, pg_errors.SerializationFailure, pg_errors.DeadlockDetected):
        raise BusyError() from None
    except pg_errors.DiskFull:
        raise DiskFullError(f"servidor {describe(url)}") from None
    except pg_errors.ReadOnlySqlTransaction as exc:
        raise StoreError(f"Escrita recusada numa leitura: {_first_line(exc)}") from None
    except psycopg.OperationalError as exc:
        raise StoreError(f"A conexão com o servidor PostgreSQL {describe(url)} caiu durante a operação; nada "
                         f"foi gravado. Tente novamente. ({_first_line(exc)})") from None


# -- ``?`` placeholders and DuckDB-like results --------------------------------------------
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

    def __init__(self, con: psycopg.Connection):
        self.raw = con

    def execute(self, sql: str, params: Sequence[Any] | None = None, *, prepare: bool | None = None) -> "PgResult":
        cur = self.raw.cursor()
        cur.execute(translate(sql), list(params or []), prepare=prepare)
        return PgResult(cur)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.raw.cursor() as cur:
            cur.executemany(translate(sql), [list(r) for r in rows])

    def register(self, name: str, data) -> None:
        """What DuckDB's ``register`` gives the store: ``data`` (a DataFrame or an Arrow table) readable
        as the table ``name`` until :meth:`unregister` or the end of the transaction (a temporary
        table filled by COPY)."""
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


def copy_arrow(con: psycopg.Connection, table: str, batches, columns: Sequence[str]) -> int:
    """Append Arrow record batches (an Arrow table, a RecordBatchReader or a list of batches) to ``table``
    with COPY in CSV (written by Arrow, every value quoted so that an empty text stays apart from NULL);
    returns the rows written."""
    import io

    import pyarrow.csv as pacsv

    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    names = ", ".join(f'"{c}"' for c in columns)
    rows = 0
    with con.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN (FORMAT csv)') as copy:
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
    def __init__(self, cur: psycopg.Cursor):
        self.cur = cur
        self.description = cur.description

    def fetchall(self) -> list[tuple]:
        rows = self.cur.fetchall() if self.cur.description is not None else []
        self.cur.close()
        return rows

    def df(self) -> pd.DataFrame:
        """The rows as DuckDB's ``df()`` would give them (same dtypes for the same SQL types)."""
        description = self.cur.description or []
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
