"""Bulk loads: demo data and client imports, whole tables in one transaction.

Tables arrive as Arrow tables or DataFrames, are registered on the
connection and appended with ``INSERT INTO t SELECT ... FROM registered``.
A bulk client load ends by rebuilding the client search index.
"""

from __future__ import annotations

from typing import Iterable

import pandas as pd

from workbench.errors import ValidationError
from workbench.storage import migrations, search_index
from workbench.storage.base import StoreBase

# An import of up to this many clients is added to the search index in place;
# a larger one rebuilds the index (sorted again, about 25 s at 1M clients).
INCREMENTAL_INDEX_MAX = 500

# Tables a demo load fills (and ``replace`` empties), children first.
DEMO_TABLES = ("attendance_events", "service_orders", "script_answers", "attendances",
               "protocol_log", "protocol_counter", "contracts", "clients")
CLIENT_COLUMNS = ("client_id", "code", "kind", "name", "trade_name", "document", "email", "phone", "mobile",
                  "street", "number", "district", "city", "state", "zip", "created_at")
_REGISTERED = "bulk_incoming"


class BulkMixin(StoreBase):
    def table_counts(self, tables: Iterable[str] = DEMO_TABLES) -> dict[str, int]:
        """Row count of each of the demo tables."""
        tables = [t for t in tables if t in DEMO_TABLES or t == "client_search"]
        with self._read() as con:
            return {t: self._scalar(con, f"SELECT count(*) FROM {t}") for t in tables}

    def latest_script_versions(self) -> dict[str, int]:
        with self._read() as con:
            rows = self._rows(con, "SELECT script_code, max(version) AS v FROM script_versions GROUP BY script_code")
        return {r["script_code"]: int(r["v"]) for r in rows}

    def operator_ids_by_role(self) -> dict[str, list[int]]:
        with self._read() as con:
            rows = self._rows(con, "SELECT role, operator_id FROM operators WHERE active ORDER BY operator_id")
        out: dict[str, list[int]] = {}
        for r in rows:
            out.setdefault(r["role"], []).append(r["operator_id"])
        return out

    def load_tables(self, batches: Iterable[tuple[str, object]], *, replace: bool = False,
                    memory_limit: str | None = None) -> dict[str, int]:
        """Append every (table, Arrow table/DataFrame) of ``batches`` in ONE write transaction.

        Refuses (ValidationError) when ``clients`` already has rows, unless
        ``replace``: then the demo tables are emptied first, in the same
        transaction. ``batches`` may be a generator (data generated while the
        transaction is open). Rebuilds the client search index at the end.
        Returns rows appended per table.
        """
        counts: dict[str, int] = {t: 0 for t in DEMO_TABLES}
        with self._write() as con:
            if memory_limit:
                con.execute("SET memory_limit = ?", [memory_limit])
            existing = self._scalar(con, "SELECT count(*) FROM clients")
            if existing and not replace:
                raise ValidationError(f"O banco de dados já tem {existing} clientes; use --replace para substituí-los.")
            con.execute(migrations.DROP_CLIENT_ATTENDANCES_INDEX)   # built once, after the load
            if replace:
                for table in DEMO_TABLES:
                    con.execute(f"DELETE FROM {table}")
            for table, data in batches:
                if table not in DEMO_TABLES:
                    raise ValueError(f"tabela não permitida em carga em massa: {table}")
                counts[table] += self._append(con, table, data)
            con.execute(migrations.CLIENT_ATTENDANCES_INDEX)
            search_index.rebuild(con)
        return counts

    @staticmethod
    def _append(con, table: str, data) -> int:
        columns = list(data.columns) if isinstance(data, pd.DataFrame) else list(data.column_names)
        rows = len(data) if isinstance(data, pd.DataFrame) else data.num_rows
        if not rows:
            return 0
        cols = ", ".join(f'"{c}"' for c in columns)
        con.register(_REGISTERED, data)
        try:
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {_REGISTERED}")
        finally:
            con.unregister(_REGISTERED)
        return rows

    # -- client import -----------------------------------------------------
    def existing_client_keys(self, codes: list[str], documents: list[str]) -> tuple[set[str], set[str]]:
        """Which of ``codes`` (case-insensitive) and ``documents`` (digits) are already in the database."""
        keys = pd.DataFrame({"code": pd.Series(codes, dtype=object)})
        docs = pd.DataFrame({"document": pd.Series(documents, dtype=object)})
        with self._read() as con:
            return self._existing(con, keys, docs)

    def _existing(self, con, keys: pd.DataFrame, docs: pd.DataFrame) -> tuple[set[str], set[str]]:
        con.register("import_codes", keys)
        con.register("import_docs", docs)
        try:
            codes = self._rows(con, "SELECT DISTINCT i.code FROM import_codes i JOIN clients c "
                                    "ON lower(c.code) = lower(i.code)")
            documents = self._rows(con, "SELECT DISTINCT i.document FROM import_docs i JOIN clients c "
                                        "ON c.document = i.document")
        finally:
            con.unregister("import_codes")
            con.unregister("import_docs")
        return {r["code"] for r in codes}, {r["document"] for r in documents}

    def insert_clients(self, frame: pd.DataFrame) -> list[int]:
        """Insert validated clients (no client_id) in one transaction; returns their new ids.

        Re-checks codes and documents against the database inside the write
        lock: if another process added one meanwhile, nothing is written.
        """
        if frame.empty:
            return []
        with self._write() as con:
            codes, docs = self._existing(con, frame[["code"]], frame[["document"]])
            if codes or docs:
                raise ValidationError("Clientes com código ou documento já cadastrados foram incluídos por outro "
                                      "processo durante a importação; nada foi gravado. Tente novamente.")
            first = self._next_id(con, "clients", "client_id")
            data = frame.copy()
            data.insert(0, "client_id", range(first, first + len(data)))
            columns = [c for c in CLIENT_COLUMNS if c in data.columns]
            self._append(con, "clients", data[columns])
            if len(data) <= INCREMENTAL_INDEX_MAX:
                search_index.index_clients(con, data["client_id"])
            else:
                search_index.rebuild(con)
        return list(data["client_id"])
