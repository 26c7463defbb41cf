"""Connections to a PostgreSQL desk: one pool per process, one transaction per unit of work.

PostgreSQL has real concurrency, so none of the DuckDB file's machinery
(gate, presence, reopening per call) applies: every process keeps a small
``psycopg_pool.ConnectionPool`` per database URL, and a unit of work borrows
one connection for one transaction (``READ ONLY`` for reads). Lock waits are
bounded by ``lock_timeout`` (the ``WORKBENCH_LOCK_TIMEOUT`` setting) and
become :class:`BusyError`; every failure reaching the caller is a typed
error with a pt-BR message that names the server (never the password).

A unit of work yields a :class:`~workbench.storage.postgres.adapter.PgConnection`
(``?`` placeholders, DuckDB-typed DataFrames).
"""

from __future__ import annotations

import atexit
import os
import threading
from contextlib import contextmanager
from typing import Any, Iterator

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.string import TextLoader
from psycopg_pool import ConnectionPool, PoolTimeout

from workbench import settings
from workbench.errors import BusyError, DiskFullError, StoreError
from workbench.storage.postgres.adapter import PgConnection

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
def _pipeline(con: psycopg.Connection, batch: bool) -> Iterator[psycopg.Pipeline | None]:
    if not batch:
        yield None
        return
    with con.pipeline() as pipeline:
        yield pipeline


@contextmanager
def unit_of_work(url: str, *, write: bool, isolation: str | None = None,
                 batch: bool = False) -> Iterator["PgConnection"]:
    """One transaction on a pooled connection: committed on success, rolled back on error.

    ``isolation`` ("repeatable read" for a read that must see one moment, e.g. a
    dashboard refresh) sets the transaction's isolation level. ``batch`` runs the
    transaction in pipeline mode: statements whose results are not read go to the
    server together, with the COMMIT, instead of one round trip each. A new protocol
    holds the day's counter row from its increment to its commit: one round trip
    instead of three, which is what other desks' new protocols wait for. An error then
    surfaces at the next read or at the commit and rolls the whole transaction back as
    before; COPY cannot run in it (:meth:`PgConnection.register` refuses).
    """
    timeout = float(settings.get("lock_timeout"))
    try:
        with pool(url).connection(timeout=timeout) as con, _pipeline(con, batch) as pipeline:
            with con.transaction():
                mode = [] if write else ["READ ONLY"]
                if isolation:
                    mode.insert(0, f"ISOLATION LEVEL {isolation.upper()}")
                lock_ms = int(float(settings.get("lock_timeout")) * 1000)
                if pipeline is None:        # the lock bound as the setting says now, with the mode: one round trip
                    con.execute(("SET TRANSACTION " + ", ".join(mode) + "; " if mode else "")
                                + f"SET LOCAL lock_timeout = {lock_ms}")
                else:                       # a pipeline sends one statement per query (and no round trip each)
                    if mode:
                        con.execute("SET TRANSACTION " + ", ".join(mode))
                    con.execute(f"SET LOCAL lock_timeout = {lock_ms}")
                yield PgConnection(con, pipeline)
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
