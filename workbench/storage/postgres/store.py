"""The PostgreSQL store: the same domain mixins as :class:`~workbench.storage.store.DuckDBStore`.

Portable domains (reference data, operators and logins, clients, protocols
and drafts, attendances and their lists, later contacts, owners and queues,
work orders, the dashboard's views and metrics) are the DuckDB store's own
mixins: their SQL runs on both engines (``?`` placeholders are translated,
a few DuckDB functions exist as compatible SQL functions in migration 1).
What is engine-specific has its PostgreSQL version here: search (trigram
GIN and b-tree), bulk loads (COPY), analysts' SQL (READ ONLY transaction),
status, snapshots (a DuckDB copy), and the file commands (refused: pg_dump).
"""

from __future__ import annotations

from workbench.storage.attendances import AttendancesMixin
from workbench.storage.clients import ClientsMixin
from workbench.storage.contacts import ContactsMixin
from workbench.storage.operators import OperatorsMixin
from workbench.storage.ownership import OwnershipMixin
from workbench.storage.postgres.analyst import PgAnalystMixin
from workbench.storage.postgres.base import PgStoreBase
from workbench.storage.postgres.bulk import PgBulkMixin
from workbench.storage.postgres.dashboard import PgDashboardMixin
from workbench.storage.postgres.dashboard_flow import PgDashboardFlowMixin
from workbench.storage.postgres.lists import PgAttendanceListsMixin
from workbench.storage.postgres.search import PgSearchMixin, index_clients
from workbench.storage.postgres.snapshot import PgSnapshotMixin
from workbench.storage.postgres.status import PgFileCommandsMixin, PgStatusMixin
from workbench.storage.protocols import ProtocolsMixin
from workbench.storage.reference import ReferenceMixin
from workbench.storage.service_orders import ServiceOrdersMixin


class PostgresStore(PgStoreBase, ReferenceMixin, OperatorsMixin, ClientsMixin, ProtocolsMixin, AttendancesMixin,
                    PgAttendanceListsMixin, ContactsMixin, OwnershipMixin, ServiceOrdersMixin, PgDashboardMixin,
                    PgDashboardFlowMixin, PgBulkMixin, PgFileCommandsMixin, PgSnapshotMixin, PgSearchMixin,
                    PgStatusMixin, PgAnalystMixin):
    """All SQL of the workbench, over one PostgreSQL database (schema ``workbench``)."""

    def reindex_clients(self, client_ids: list[int] | None = None) -> None:
        """Index ``client_ids`` for search (None: rebuild the whole index), in one write."""
        with self._write() as con:
            index_clients(con, client_ids)
