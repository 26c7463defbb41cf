"""The DuckDB store: every domain's queries, composed into one object.

Services receive a store and call its methods; each method is one unit of
work (open, one transaction, close). A PostgreSQL store would offer the same
methods (see ``tests/test_layers.py`` for the contract that is checked).
"""

from __future__ import annotations

import weakref
from pathlib import Path

from workbench.errors import StoreError
from workbench.storage import migrations, presence
from workbench.storage.connection import connect, translated, unit_of_work
from workbench.storage.analyst import AnalystMixin
from workbench.storage.attendance_lists import AttendanceListsMixin
from workbench.storage.attendances import AttendancesMixin
from workbench.storage.backup import BackupMixin
from workbench.storage.bulk import BulkMixin
from workbench.storage.clients import ClientsMixin
from workbench.storage.contacts import ContactsMixin
from workbench.storage.dashboard import DashboardMixin
from workbench.storage.dashboard_metrics import DashboardMetricsMixin
from workbench.storage.operators import OperatorsMixin
from workbench.storage.ownership import OwnershipMixin
from workbench.storage.protocols import ProtocolsMixin
from workbench.storage.reference import ReferenceMixin
from workbench.storage.search import SearchMixin
from workbench.storage.service_orders import ServiceOrdersMixin
from workbench.storage.snapshot import SnapshotMixin
from workbench.storage.status import StatusMixin


class DuckDBStore(ReferenceMixin, OperatorsMixin, ClientsMixin, ProtocolsMixin, AttendancesMixin,
                  AttendanceListsMixin, ContactsMixin, OwnershipMixin, ServiceOrdersMixin, DashboardMixin,
                  DashboardMetricsMixin, BulkMixin, BackupMixin, SnapshotMixin, SearchMixin, StatusMixin,
                  AnalystMixin):
    """All SQL of the workbench, over one DuckDB file."""

    _registration: presence.Registration | None = None

    def register(self) -> None:
        """Register this process as working on the database until :meth:`close` (see ``storage.presence``).

        Waits while a restore runs (up to ``WORKBENCH_LOCK_TIMEOUT``), then BusyError.
        """
        if self._registration is None and not self.read_only:
            self._registration = presence.register(self.path)
            weakref.finalize(self, self._registration.close)

    def close(self) -> None:
        """End this store's registration (the file itself is never held between calls)."""
        if self._registration is not None:
            self._registration.close()
            self._registration = None

    def ensure_schema(self, *, create: bool = True) -> list[int]:
        """Create or upgrade the schema; refuse a file from a newer workbench."""
        path = self.path
        if path.exists() and path.is_dir():
            raise StoreError(f"O caminho {path} é uma pasta, não um arquivo de banco de dados.")
        if not path.exists():
            if not create:
                raise StoreError(f"O banco de dados {path} não existe; rode `workbench init`.")
            if not path.parent.exists():
                raise StoreError(f"A pasta {path.parent} do banco de dados não existe.")
        else:
            # the login lane: a page opens the database on its first "OK", right before the login
            with unit_of_work(path, write=False, login=True) as con:
                if not migrations.pending(con, path):
                    return []
        with translated(path):
            con = connect(path, read_only=False)
            try:
                return migrations.apply_pending(con, path)
            finally:
                con.close()

    def schema_version(self) -> int:
        with self._read() as con:
            return migrations.current_version(con)


def is_url(target: str | Path) -> bool:
    """True when ``target`` names a PostgreSQL database (``postgresql://…``) rather than a DuckDB file."""
    return str(target).startswith(("postgres://", "postgresql://"))


def shown(target: str | Path) -> str:
    """``target`` as messages show it: a URL without its password, a path as it is."""
    if is_url(target):
        from workbench.storage.postgres.connection import describe

        return describe(str(target))
    return str(target)


def open_store(target: str | Path, *, read_only: bool = False):
    """The store for ``target``: a ``postgresql://`` URL gives the PostgreSQL store, a path the DuckDB one.

    ``read_only``: a store that refuses every write (snapshots).
    """
    text = str(target)
    if is_url(text):
        from workbench.storage.postgres.store import PostgresStore      # psycopg only when it is used

        return PostgresStore(text, read_only=read_only)
    return DuckDBStore(Path(text).expanduser(), read_only=read_only)
