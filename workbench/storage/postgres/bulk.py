"""Bulk loads on PostgreSQL: demo data with COPY in one transaction, client imports in short batches.

The same contract as :mod:`workbench.storage.bulk` (which this mixin extends):
a demo load appends every table with COPY and rebuilds the search index at the
end, in one transaction; an import writes batches, each its own transaction
that re-checks codes and documents and indexes its clients. PostgreSQL writers
do not wait for each other's batches, so no pause is needed between them.
"""

from __future__ import annotations

from typing import Callable, Iterable


from workbench.lazy import lazy
from workbench.errors import ValidationError
from workbench.storage.bulk import (CLIENT_COLUMNS, DEMO_TABLES, IMPORT_BATCH_ROWS, BulkMixin, ClientsMark,
                                    InsertedClients)
from workbench.storage import migrations, open_attendances
from workbench.storage.postgres import search
from workbench.storage.postgres.adapter import copy_frame
from workbench.storage.postgres.summaries import pause_summaries, rebuild_summaries

np = lazy("numpy")
pd = lazy("pandas")

IMPORT_BATCH_MAX = 5_000


class PgBulkMixin(BulkMixin):
    def load_tables(self, batches: Iterable[tuple[str, object]], *, replace: bool = False,
                    memory_limit: str | None = None) -> dict[str, int]:
        """Append every (table, Arrow table/DataFrame) of ``batches`` in ONE write transaction (COPY).

        Refuses (ValidationError) when ``clients`` already has rows, unless
        ``replace`` (drafts go too). ``memory_limit`` is DuckDB's and is ignored
        here. Attendances get their ``search_text``; the client search index and
        the open attendances are rebuilt at the end. Returns rows appended per table.
        """
        counts: dict[str, int] = {t: 0 for t in DEMO_TABLES}
        with self._write() as con:
            self._critical(con, "bulk", "clients")
            existing = self._scalar(con, "SELECT count(*) FROM clients")
            if existing and not replace:
                raise ValidationError(f"O banco de dados já tem {existing} clientes; use --replace para substituí-los.")
            if replace:
                con.execute("TRUNCATE " + ", ".join(DEMO_TABLES + ("drafts",)))
            pause_summaries(con)
            for table, data in batches:
                if table not in DEMO_TABLES:
                    raise ValueError(f"tabela não permitida em carga em massa: {table}")
                counts[table] += copy_frame(con.raw, table, data)
            # the normalised problem text of the rows that came without it (as DuckDB's load writes it)
            con.execute(f"UPDATE attendances SET search_text = {open_attendances.SEARCH_TEXT.format('problem')} "
                        "WHERE search_text IS NULL")
            con.execute(migrations.FILL_CLIENT_NAMES)           # the client's name copied in (migration 8)
            rebuild_summaries(con)                               # the dashboard's (migration 9)
            for table in DEMO_TABLES:
                con.execute(f"ANALYZE {table}")
            search.index_clients(con)
            open_attendances.rebuild(con)
            con.execute("ANALYZE open_attendances")
        return counts

    def existing_clients(self, codes: list[str], documents: list[str]) -> pd.DataFrame:
        """The stored clients whose code (case-insensitive) or document is among ``codes``/``documents``."""
        with self._read() as con:
            return self._df(con, f"""
                SELECT {', '.join(CLIENT_COLUMNS)} FROM clients
                WHERE lower(code) = ANY(?) OR document = ANY(?)""",
                [[str(c).lower() for c in codes], [str(d) for d in documents]])

    def insert_clients(self, frame: pd.DataFrame, *, batch_rows: int | None = None,
                       progress: Callable[[int, int], None] | None = None,
                       checked: ClientsMark | None = None) -> InsertedClients:
        """Insert validated clients (no ``client_id``) in batches, each its own write transaction that
        re-checks codes and documents (rows another process added meanwhile are skipped and listed in
        ``conflicts``) and indexes the new clients for search; returns the new ids.

        ``checked`` (the mark :meth:`clients_mark` read before the file was checked) is accepted and
        not needed here: the re-check looks up only the batch's own codes and documents through their
        indexes, whatever the number of stored clients (DuckDB's scans every code and document, and
        narrows that scan to the clients written after the mark).
        """
        result = InsertedClients()
        if frame.empty:
            return result
        size = batch_rows or min(IMPORT_BATCH_ROWS, IMPORT_BATCH_MAX)
        data = frame.reset_index(drop=True)
        for start in range(0, len(data), size):
            part = data.iloc[start:start + size]
            with self._write() as con:
                self._critical(con, "bulk", "clients")
                codes = {r[0] for r in con.execute("SELECT lower(code) FROM clients WHERE lower(code) = ANY(?)",
                                                   [[str(c).lower() for c in part["code"]]]).fetchall()}
                docs = {r[0] for r in con.execute("SELECT document FROM clients WHERE document = ANY(?)",
                                                  [[str(d) for d in part["document"]]]).fetchall()}
                clash = (part["code"].str.lower().isin(codes) | part["document"].isin(docs)).to_numpy()
                result.conflicts += [int(i) for i in part.index[clash]]
                kept = np.nonzero(~clash)[0]
                if len(kept):
                    first = self._next_id(con, "clients", "client_id")
                    ids = [int(i) for i in range(first, first + len(kept))]
                    rows = part.iloc[kept].copy()
                    rows.insert(0, "client_id", ids)
                    copy_frame(con.raw, "clients", rows, [c for c in CLIENT_COLUMNS if c in rows.columns])
                    search.index_clients(con, ids)
                    result.client_ids += ids
            result.batches += 1
            if progress is not None:
                progress(min(start + size, len(data)), len(data))
        return result
