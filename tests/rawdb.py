"""Reading a test's database directly, for what ``wb.sql`` does not expose (audit log, hashes, settings)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd


def _target(where) -> str:
    """A Workbench, a store, a path or a URL → what to connect to."""
    store = getattr(where, "store", where)
    return str(getattr(store, "target", where))


def query(where, sql: str, params=None) -> pd.DataFrame:
    """Run ``sql`` on a read-only connection of its own to the database of ``where``
    (a Workbench, a store, a DuckDB file path or a PostgreSQL URL)."""
    target = _target(where)
    if target.startswith(("postgres://", "postgresql://")):
        from workbench.storage.postgres.adapter import PgConnection
        from workbench.storage.postgres.connection import connect

        con = connect(target)
        try:
            return PgConnection(con).execute(sql, params or []).df()
        finally:
            con.close()
    con = duckdb.connect(str(Path(target)), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()
