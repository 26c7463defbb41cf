"""Bulk loads: demo data in one transaction, client imports in short batches.

Tables arrive as Arrow tables or DataFrames, are registered on the
connection and appended with ``INSERT INTO t SELECT ... FROM registered``.
A demo load ends by rebuilding the client search index; a client import
indexes each batch in place (see :mod:`workbench.storage.search_placement`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterable


from workbench.lazy import lazy
from workbench.errors import ValidationError
from workbench.storage import gate, migrations, open_attendances, search_index, search_placement
from workbench.storage.base import StoreBase

np = lazy("numpy")
pd = lazy("pandas")

# An import writes batches sized to hold the database about BATCH_SECONDS (the first one has
# IMPORT_BATCH_ROWS rows; a batch at most twice the one before), and between two it stands aside
# while the desk's writers wait at the gate (for at most GIVE_WAY seconds), polling every BATCH_PAUSE.
IMPORT_BATCH_ROWS = 2_000
MIN_BATCH_ROWS, MAX_BATCH_ROWS = 200, 10_000
BATCH_SECONDS = 0.15
BATCH_PAUSE = 0.02
GIVE_WAY = 1.0

# Tables a demo load fills (and ``replace`` empties), children first.
DEMO_TABLES = ("attendance_events", "attendance_contacts", "service_order_events", "service_orders",
               "script_answers", "attendances", "protocol_log", "protocol_counter", "operator_queues",
               "contracts", "clients")
CLIENT_COLUMNS = ("client_id", "code", "kind", "name", "trade_name", "document", "email", "phone", "mobile",
                  "street", "number", "district", "city", "state", "zip", "created_at")
_REGISTERED = "bulk_incoming"


@dataclass(frozen=True)
class ClientsMark:
    """The clients a check read saw, as :meth:`BulkMixin.clients_mark` read them before it.

    Nothing updates a stored client, so the clients with ids up to ``last_id`` are the ones that
    check saw, as long as their count and newest ``created_at`` are unchanged (a ``demo
    --replace`` reloads them all); clients written after it have larger ids.
    """

    last_id: int
    count: int
    newest: object          # max(created_at) of those clients, or None


@dataclass
class InsertedClients:
    """What :meth:`BulkMixin.insert_clients` wrote."""

    client_ids: list[int] = field(default_factory=list)     # new ids, in the order of the rows written
    conflicts: list[int] = field(default_factory=list)      # positions of rows another process added meanwhile
    batches: int = 0


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
        transaction is open). Attendances get their normalised ``search_text``
        as they are appended; the client search index and the open attendances
        are rebuilt at the end.
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
                con.execute("DELETE FROM drafts")       # the typed work of protocols that are gone
            for table, data in batches:
                if table not in DEMO_TABLES:
                    raise ValueError(f"tabela não permitida em carga em massa: {table}")
                counts[table] += self._append(con, table, data)
            con.execute(migrations.FILL_CLIENT_NAMES)               # attendances loaded before their clients
            con.execute(migrations.CLIENT_ATTENDANCES_INDEX)
            search_index.rebuild(con)
            open_attendances.rebuild(con)
        return counts

    @staticmethod
    def _append(con, table: str, data) -> int:
        columns = list(data.columns) if isinstance(data, pd.DataFrame) else list(data.column_names)
        rows = len(data) if isinstance(data, pd.DataFrame) else data.num_rows
        if not rows:
            return 0
        cols = ", ".join(f'"{c}"' for c in columns)
        into, select = cols, cols
        source = _REGISTERED
        if table == "attendances" and "search_text" not in columns:
            into += ", search_text"
            select += ", " + open_attendances.SEARCH_TEXT.format('"problem"')
        if table == "attendances" and "client_name" not in columns:     # the client's name, copied in
            into += ", client_name"
            select = ", ".join(f'r."{c}"' for c in columns) + select[len(cols):] + ", c.name"
            source = f"{_REGISTERED} r LEFT JOIN clients c ON c.client_id = r.client_id"
        con.register(_REGISTERED, data)
        try:
            con.execute(f"INSERT INTO {table} ({into}) SELECT {select} FROM {source}")
        finally:
            con.unregister(_REGISTERED)
        return rows

    # -- client import -----------------------------------------------------
    def existing_clients(self, codes: list[str], documents: list[str]) -> pd.DataFrame:
        """The stored clients whose code (case-insensitive) or document is among ``codes``/``documents``.

        Columns: ``client_id`` and :data:`CLIENT_COLUMNS` (as stored: digits-only documents and phones).
        """
        keys = pd.DataFrame({"code": pd.Series(codes, dtype=object).str.lower()})
        docs = pd.DataFrame({"document": pd.Series(documents, dtype=object)})
        with self._read() as con:
            con.register("import_codes", keys)
            con.register("import_docs", docs)
            try:
                return self._df(con, f"""
                    SELECT {', '.join(CLIENT_COLUMNS)} FROM clients
                    WHERE lower(code) IN (SELECT code FROM import_codes)
                       OR document IN (SELECT document FROM import_docs)""")
            finally:
                con.unregister("import_codes")
                con.unregister("import_docs")

    def clients_mark(self) -> ClientsMark:
        """Where the clients end now: read it before checking a file against them, pass it to
        :meth:`insert_clients`, whose batches then check only the clients written since."""
        with self._read() as con:
            last, count, newest = con.execute(
                "SELECT coalesce(max(client_id), 0), count(*), max(created_at) FROM clients").fetchall()[0]
        return ClientsMark(int(last), int(count), newest)

    def insert_clients(self, frame: pd.DataFrame, *, batch_rows: int | None = None,
                       progress: Callable[[int, int], None] | None = None,
                       checked: ClientsMark | None = None) -> InsertedClients:
        """Insert validated clients (no ``client_id``) in batches, each in its own short write
        transaction that also indexes them for search; returns the new ids.

        The gate is released between batches (and a pause lets waiting writers in), so an import of
        any size keeps the desk waiting for one batch at most. Batches are sized to hold the database
        about :data:`BATCH_SECONDS` (from :data:`IMPORT_BATCH_ROWS` rows, adapting to the machine
        and the desk's size) unless ``batch_rows`` fixes their size. Each batch re-checks codes and
        documents inside its transaction: rows another process added meanwhile are skipped and
        listed in ``conflicts`` (positions in ``frame``). With ``checked`` (the mark read before
        ``frame`` was checked against the stored clients), that re-check reads only the clients
        written after the mark, unless those before it changed: at a million clients, reading every
        code and document made up about a third of each batch's time. ``progress(done, total)``
        after each batch.
        """
        result = InsertedClients()
        if frame.empty:
            return result
        size = batch_rows or IMPORT_BATCH_ROWS
        data = frame.reset_index(drop=True)
        nids = search_placement.plan(self._search_order(), search_placement.name_keys(data["name"]))
        start = 0
        while start < len(data):
            if start:
                self._give_way()
            part = data.iloc[start:start + size]
            prepared = search_placement.prepare_batch(part, nids[start:start + size])
            with self._write() as con:
                held = time.monotonic()
                self._insert_batch(con, part, prepared, result, checked)
            held = time.monotonic() - held
            start += len(part)
            result.batches += 1
            if progress is not None:
                progress(start, len(data))
            if not batch_rows:
                size = int(min(max(size * min(BATCH_SECONDS / max(held, 0.01), 2.0), MIN_BATCH_ROWS),
                               MAX_BATCH_ROWS))
        return result

    def _give_way(self) -> None:
        """Between two batches: the desk's writers waiting at the gate (and those that queue
        meanwhile) pass first, for at most :data:`GIVE_WAY` seconds, so an operator waits for one
        batch at most, never for a run of them."""
        until = time.monotonic() + GIVE_WAY
        time.sleep(BATCH_PAUSE)
        while gate.writer_waiting(self.path) and time.monotonic() < until:
            time.sleep(BATCH_PAUSE)

    def _insert_batch(self, con, part: pd.DataFrame, prepared, result: InsertedClients,
                      checked: ClientsMark | None) -> None:
        since = None
        if checked is not None:
            count, newest = con.execute("SELECT count(*), max(created_at) FROM clients WHERE client_id <= ?",
                                        [checked.last_id]).fetchall()[0]
            if (int(count), newest) == (checked.count, checked.newest):
                since = checked.last_id
        codes, docs = self._existing(con, part[["code"]], part[["document"]], since)
        clash = (part["code"].str.lower().isin({c.lower() for c in codes}) | part["document"].isin(docs)).to_numpy()
        result.conflicts += [int(i) for i in part.index[clash]]
        kept = np.nonzero(~clash)[0]
        if len(kept):
            first = self._next_id(con, "clients", "client_id")
            ids = np.arange(first, first + len(kept), dtype=np.int64)
            rows = part.iloc[kept].copy()
            rows.insert(0, "client_id", ids)
            self._append(con, "clients", rows[[c for c in CLIENT_COLUMNS if c in rows.columns]])
            search_placement.write_batch(con, prepared, kept, ids)
            result.client_ids += [int(i) for i in ids]

    def _search_order(self) -> pd.DataFrame:
        """The search index's (name_key, client_id, nid), read in short chunks (no long read holds the file)."""
        with self._read() as con:
            top = self._scalar(con, "SELECT coalesce(max(nid), 0) FROM client_search")
        parts = []
        for start in range(0, int(top) + 1, search_placement.CHUNK_NIDS):
            with self._read() as con:
                parts.append(self._df(con, "SELECT name_key, client_id, nid FROM client_search "
                                           "WHERE nid >= ? AND nid < ?",
                                      [start, start + search_placement.CHUNK_NIDS]))
        return pd.concat(parts, ignore_index=True)

    def _existing(self, con, keys: pd.DataFrame, docs: pd.DataFrame,
                  since: int | None = None) -> tuple[set[str], set[str]]:
        """The codes (case-insensitive) and documents of ``keys``/``docs`` stored (for clients with ids
        above ``since`` when given)."""
        after, params = ("", []) if since is None else (" WHERE c.client_id > ?", [since])
        con.register("import_codes", keys)
        con.register("import_docs", docs)
        try:
            codes = self._rows(con, "SELECT DISTINCT i.code FROM import_codes i JOIN clients c "
                                    "ON lower(c.code) = lower(i.code)" + after, params)
            documents = self._rows(con, "SELECT DISTINCT i.document FROM import_docs i JOIN clients c "
                                        "ON c.document = i.document" + after, params)
        finally:
            con.unregister("import_codes")
            con.unregister("import_docs")
        return {r["code"] for r in codes}, {r["document"] for r in documents}
