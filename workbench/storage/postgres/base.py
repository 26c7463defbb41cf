"""What the PostgreSQL store changes in :class:`~workbench.storage.base.StoreBase`.

The domain mixins are shared with DuckDB: they only see ``_read()`` /
``_write()`` (here one transaction on a pooled connection, see
:func:`~workbench.storage.postgres.connection.unit_of_work`) and a handful of
hooks, which this class implements the PostgreSQL way:

* :meth:`_critical`: a transaction-scoped advisory lock, so check-then-act steps
  (a login reservation, "is this protocol still open?", the next id) are
  serialised across every process and server, where READ COMMITTED would let two
  transactions both pass the check;
* :meth:`_dashboard_settings`: more memory for the dashboard's aggregations, per read transaction;
* ``_ROW_ID`` / ``_QUANTILE``: the attendance list's row key and the quantile
  expression in PostgreSQL's spelling.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from workbench.errors import StoreError
from workbench.storage.base import StoreBase
from workbench.storage.postgres import migrations
from workbench.storage.postgres.adapter import PgConnection
from workbench.storage.postgres.connection import check_url, describe, unit_of_work

DASHBOARD_WORK_MEM = "64MB"


class PgStoreBase(StoreBase):
    """Holds the URL only: connections live in the process's pool, one transaction per unit of work."""

    backend = "postgres"
    parallel_reads = True       # a pooled connection per unit of work; the server runs them side by side
    _ROW_ID = "protocol"
    _QUANTILE = "percentile_cont({q}) WITHIN GROUP (ORDER BY {expr})"

    def __init__(self, url: str, *, read_only: bool = False):
        check_url(url)
        self.url = url
        self.read_only = read_only

    @property
    def path(self) -> str:
        """Where the desk lives, for messages: the URL without its password."""
        return describe(self.url)

    @property
    def target(self) -> str:
        """What ``workbench.open()`` takes to open this desk again: the URL, password included."""
        return self.url

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path}>"

    @contextmanager
    def _read(self, *, isolation: str | None = None) -> Iterator[PgConnection]:
        with unit_of_work(self.url, write=False, isolation=isolation) as con:
            yield con

    @contextmanager
    def _write(self, *, login: bool = False, batch: bool = False) -> Iterator[PgConnection]:
        """One write transaction (``login`` is DuckDB's gate lane: PostgreSQL needs none); ``batch`` runs
        it in pipeline mode (see :func:`~workbench.storage.postgres.connection.unit_of_work`)."""
        if self.read_only:
            raise StoreError(f"{self.path} foi aberto somente para leitura: nada pode ser gravado.")
        with unit_of_work(self.url, write=True, batch=batch) as con:
            yield con

    def _critical(self, con, scope: str, key) -> None:
        con.execute("SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))", [scope, str(key)])

    def _dashboard_settings(self, con) -> None:
        """Within a dashboard read: memory enough for its aggregations to hash in memory (the server's
        default of 4 MB makes the planner sort ~100k open attendances on disk for the status x age
        view, and the resolution seconds' aggregation spill), for this transaction only."""
        con.execute(f"SET LOCAL work_mem = '{DASHBOARD_WORK_MEM}'")

    def identity(self) -> tuple:
        return ("postgres", self.url)

    # -- life cycle (what DuckDB does with the file) -------------------------------------
    def register(self) -> None:
        """Nothing to register: a restore never replaces a PostgreSQL database under a running desk."""

    def close(self) -> None:
        """Nothing is held by a store (the process's pool outlives it)."""

    def ensure_schema(self, *, create: bool = True) -> list[int]:
        """Create or upgrade the schema (several servers starting at once migrate once), and the
        analysts' views over it (see :mod:`workbench.storage.postgres.analyst`)."""
        from workbench.storage.postgres.analyst import VIEWS, create_views

        applied = migrations.ensure_schema(self.url, create=create)
        with self._read() as con:
            missing = self._scalar(con, "SELECT to_regnamespace(?) IS NULL", [VIEWS])
        if applied or missing:
            with unit_of_work(self.url, write=True) as con:
                self._critical(con, "schema", "analyst views")
                create_views(con.raw)
        return applied

    def schema_version(self) -> int:
        with self._read() as con:
            return migrations.current_version(con.raw)
