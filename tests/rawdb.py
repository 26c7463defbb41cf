"""Reading a test's database file directly, for what ``wb.sql`` does not expose (audit log, hashes, settings)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd


def query(path: Path, sql: str, params=None) -> pd.DataFrame:
    """Run ``sql`` on a read-only connection of its own to the file at ``path``."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()
