"""The part of the DuckDB store every domain mixin shares: where the file is,
and how a unit of work is opened."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Collection, Iterator, Sequence

import json

import duckdb

from workbench.errors import SessionRevoked, StoreError
from workbench.storage.connection import unit_of_work
from workbench.storage.dashboard_sql import DASHBOARD_MEMORY
from workbench.frame import Frame


class StoreBase:
    """Holds the path only: no connection outlives a method call.

    A ``read_only`` store (a snapshot) refuses every write before opening the file.
    """

    backend = "duckdb"
    parallel_reads = False      # one process's reads share the file's gate; DuckDB parallelises each query itself
    # The column that identifies a row for the attendance list's second phase (DuckDB's rowid is cheapest).
    _ROW_ID = "rowid"
    # A continuous quantile of ``expr`` as this engine spells it.
    _QUANTILE = "quantile_cont({expr}, {q})"

    def __init__(self, path: Path | str, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only

    @property
    def target(self) -> str:
        """What ``workbench.open()`` takes to open this desk again (another process, a child)."""
        return str(self.path)

    @contextmanager
    def _read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with unit_of_work(self.path, write=False) as con:
            yield con

    @contextmanager
    def _write(self, *, login: bool = False, batch: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction; ``login`` takes the gate's login lane (logins only). ``batch``: the
        statements whose results the caller does not read may travel together (PostgreSQL's
        pipeline; a DuckDB file in the process has no round trips to save)."""
        if self.read_only:
            raise StoreError(f"{self.path} é uma cópia de análise, somente leitura: nada pode ser gravado nela.")
        with unit_of_work(self.path, write=True, login=login) as con:
            yield con

    @staticmethod
    def _check_actor(con: duckdb.DuckDBPyConnection, actor_id: int | None, roles: Collection[str]) -> None:
        """Inside a write transaction: the acting operator must still be active and hold one of ``roles``.

        ``actor_id`` None is whoever holds the database file (the command line).
        Raises :class:`SessionRevoked`, so the write never happens.
        """
        if actor_id is None:
            return
        rows = con.execute("SELECT active, role FROM operators WHERE operator_id = ?", [int(actor_id)]).fetchall()
        if not rows or not rows[0][0] or rows[0][1] not in roles:
            raise SessionRevoked()

    @staticmethod
    def _df(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None):
        """The result as a pandas DataFrame (the dashboard, the analysts' queries: pandas is their product)."""
        return con.execute(sql, params or []).df()

    @staticmethod
    def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None) -> Frame:
        """The result as a :class:`Frame` of plain values (what the desk's methods return: no pandas)."""
        return Frame.from_cursor(con.execute(sql, params or []))

    @staticmethod
    def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None) -> list[dict]:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    @staticmethod
    def _one(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None) -> tuple | None:
        """First row or None. Fetches everything: DuckDB 2 refuses new work on a
        connection while a result is only partly read (``fetchone``)."""
        rows = con.execute(sql, params or []).fetchall()
        return rows[0] if rows else None

    @classmethod
    def _scalar(cls, con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None) -> Any:
        row = cls._one(con, sql, params)
        return row[0] if row else None

    def _critical(self, con, scope: str, key) -> None:
        """Inside a write transaction: serialise check-then-act steps on (``scope``, ``key``).

        No-op on DuckDB (one write transaction holds the file alone); the
        PostgreSQL store takes a transaction-scoped advisory lock, which READ
        COMMITTED transactions of other servers would otherwise race past.
        """

    def _next_id(self, con: duckdb.DuckDBPyConnection, table: str, column: str) -> int:
        """The next free id of ``table`` (inside a write unit of work, serialised by :meth:`_critical`)."""
        self._critical(con, "next_id", table)
        return con.execute(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}").fetchall()[0][0]

    def _dashboard_settings(self, con) -> None:
        """Settings of the dashboard's short reads (DuckDB: a small memory limit, the kernel stays small)."""
        con.execute(f"SET memory_limit = '{DASHBOARD_MEMORY}'")

    def identity(self) -> tuple:
        """The database as a cache key: a restore or a new file under the same path gives a new identity."""
        try:
            st = self.path.stat()
            return (str(self.path), st.st_ino, st.st_dev)
        except OSError:
            return (str(self.path),)

    @staticmethod
    def _audit(con: duckdb.DuckDBPyConnection, at, operator_id: int | None, action: str,
               entity: str, entity_id, details: dict | None) -> None:
        """Append to the audit log inside the caller's transaction."""
        con.execute("INSERT INTO audit_log (event_at, operator_id, action, entity, entity_id, details) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [at, operator_id, action, entity, str(entity_id),
                     None if details is None else json.dumps(details, ensure_ascii=False, default=str)])
