"""The part of the DuckDB store every domain mixin shares: where the file is,
and how a unit of work is opened."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Collection, Iterator, Sequence

import json

import duckdb
import pandas as pd
import pyarrow as pa

from workbench.errors import SessionRevoked, StoreError
from workbench.storage.connection import unit_of_work


def _ARROW_PLAIN(kind: pa.DataType) -> bool:
    """Arrow types whose pandas conversion :meth:`StoreBase._frame` makes identical to DuckDB's."""
    return (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_integer(kind)
            or pa.types.is_boolean(kind) or pa.types.is_float64(kind)
            or (pa.types.is_timestamp(kind) and kind.unit == "us"))


class StoreBase:
    """Holds the path only: no connection outlives a method call.

    A ``read_only`` store (a snapshot) refuses every write before opening the file.
    """

    backend = "duckdb"

    def __init__(self, path: Path | str, *, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only

    @contextmanager
    def _read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with unit_of_work(self.path, write=False) as con:
            yield con

    @contextmanager
    def _write(self, *, login: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction; ``login`` takes the gate's login lane (logins only)."""
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
    def _df(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None = None) -> pd.DataFrame:
        return con.execute(sql, params or []).df()

    @classmethod
    def _frame(cls, con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """What :meth:`_df` returns (same values, same dtypes), built through Arrow for result columns of
        text, integers, booleans, doubles and timestamps: for a page of a list, 1 ms of CPU where DuckDB's
        own conversion to pandas takes 7 ms (it makes a Python string of every text value). Other column
        types fall back to :meth:`_df`.
        """
        table = con.sql(sql, params=list(params) if params else None).to_arrow_table()
        if not all(_ARROW_PLAIN(t) for t in table.schema.types):
            return cls._df(con, sql, params)
        frame = table.to_pandas()
        for name, column in zip(table.column_names, table.columns):
            kind = column.type
            if pa.types.is_string(kind) or pa.types.is_large_string(kind):
                if column.null_count == len(frame):                   # DuckDB: object when no row has text
                    frame[name] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
            elif column.null_count and pa.types.is_integer(kind):     # DuckDB: pandas' nullable integers
                frame[name] = pd.array(column.to_pylist(), dtype=f"{'U' if pa.types.is_unsigned_integer(kind) else ''}"
                                                                 f"Int{kind.bit_width}")
            elif column.null_count and pa.types.is_boolean(kind):
                frame[name] = pd.array(column.to_pylist(), dtype="boolean")
        return frame

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

    @staticmethod
    def _next_id(con: duckdb.DuckDBPyConnection, table: str, column: str) -> int:
        # Safe: called inside a write unit of work, which holds the file alone.
        return con.execute(f"SELECT coalesce(max({column}), 0) + 1 FROM {table}").fetchall()[0][0]

    @staticmethod
    def _audit(con: duckdb.DuckDBPyConnection, at, operator_id: int | None, action: str,
               entity: str, entity_id, details: dict | None) -> None:
        """Append to the audit log inside the caller's transaction."""
        con.execute("INSERT INTO audit_log (event_at, operator_id, action, entity, entity_id, details) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [at, operator_id, action, entity, str(entity_id),
                     None if details is None else json.dumps(details, ensure_ascii=False, default=str)])
