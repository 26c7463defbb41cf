"""What a store must do: one typed protocol per domain (as harlequin's ``adapter.py`` declares its backends).

Two stores implement every protocol here: :class:`~workbench.storage.store.DuckDBStore`
(a DuckDB file) and :class:`~workbench.storage.postgres.store.PostgresStore` (a
PostgreSQL database); :func:`workbench.storage.open_store` picks one by the
target's form. Services receive a :class:`Store` and call only these methods;
``tests/test_contract.py`` checks that both stores have every method with the
signature declared here, and nothing public that is not declared, and the
store tests run on both backends from one parametrised fixture.

Rules every implementation keeps:

* each method is one unit of work: one transaction, committed or rolled back
  whole (a write that fails leaves nothing half-written);
* results are plain data: DataFrames typed as DuckDB's ``df()`` types them,
  dicts, dataclasses, and the named tuples of :mod:`workbench.storage.results`;
* failures are the typed errors of :mod:`workbench.errors` with pt-BR messages
  (``BusyError`` for a lock not granted within ``WORKBENCH_LOCK_TIMEOUT``,
  ``SessionRevoked`` when the acting operator lost access, ``StoreError``
  naming the database for the rest);
* check-then-act steps (a login reservation, "is this protocol still open?",
  a draft's claim, a transfer, an O.S. status change, a contact's number) are
  serialised across processes and servers inside their write transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pandas as pd                      # the dashboard, the import, the analysts (no page imports this module)

from workbench.frame import Frame
from workbench.storage.attendance_lists import ListQuery
from workbench.storage.attendances import StoredAttendance
from workbench.storage.backup import RestoreReport
from workbench.storage.bulk import ClientsMark, InsertedClients
from workbench.storage.contacts import ContactResult
from workbench.storage.dashboard import DashboardCounts, ListResult
from workbench.storage.dashboard_metrics import DashboardMetrics
from workbench.storage.dashboard_sql import Bounds
from workbench.storage.drafts import DraftRow, DraftSave
from workbench.storage.operators import LoginPolicy, LoginTicket
from workbench.storage.ownership import TransferResult
from workbench.storage.results import ClientRecord, OrderDetail, QueryResult, ScriptDefinition, SearchResult
from workbench.storage.service_orders import OrderChange, OrderQuery
from workbench.storage.snapshot import SnapshotInfo



@runtime_checkable
class DeskStore(Protocol):
    """The database itself: where it is, its schema, its life cycle, its size and copies."""

    backend: str          # "duckdb" or "postgres"
    read_only: bool       # a snapshot: every write is refused
    parallel_reads: bool  # independent read units may run at once, from threads (each its own connection)

    @property
    def path(self) -> Any:
        """Where the desk lives, for messages (a file path; a URL without its password)."""

    @property
    def target(self) -> str:
        """What ``workbench.open()`` takes to open this desk again (from another process)."""

    def identity(self) -> tuple:
        """The database as a cache key (a restore or a new file gives a new one)."""

    def register(self) -> None:
        """Register this process on the database until :meth:`close` (DuckDB: a restore waits)."""

    def close(self) -> None:
        """End the registration; nothing else is held between calls."""

    def ensure_schema(self, *, create: bool = True) -> list[int]:
        """Create or upgrade the schema; returns the migration versions applied."""

    def schema_version(self) -> int: ...

    def status_counts(self) -> dict[str, int]:
        """Rows of the main tables (``workbench status``)."""

    def database_size(self) -> int:
        """Bytes the database takes."""

    def backup(self, folder: Path | str, *, at: datetime | None = None) -> Path:
        """A verified copy in ``folder`` (DuckDB; PostgreSQL refuses: pg_dump is the tool there)."""

    def restore_from(self, source: Path | str, *, force: bool = False,
                     progress: Callable[[str], None] | None = None) -> RestoreReport:
        """Replace the database by a backup (DuckDB; PostgreSQL refuses: pg_restore)."""

    def write_snapshot(self, dest: Path | None = None, *, max_age: float) -> SnapshotInfo:
        """A consistent DuckDB copy for heavy analysis, at most ``max_age`` seconds old."""


@runtime_checkable
class ReferenceStore(Protocol):
    """Reference tables, scripts and their versions, settings."""

    def load_reference(self, tables: dict[str, pd.DataFrame], scripts: list[dict]) -> dict[str, int]:
        """Upsert the reference tables and add a version of each changed script, in one transaction;
        returns the new script versions."""

    def reference(self) -> dict[str, Frame]: ...

    def script_definition(self, code: str, version: int | None = None) -> ScriptDefinition | None: ...

    def get_setting(self, key: str) -> str | None: ...

    def set_setting(self, key: str, value: str) -> None: ...


@runtime_checkable
class OperatorStore(Protocol):
    """Operators, their password hashes and the login guard (see :mod:`workbench.storage.operators`)."""

    def begin_login(self, username: str, *, at: datetime, client: str | None, policy: LoginPolicy) -> LoginTicket:
        """Reserve one login attempt in ONE write, or refuse it (locked / full)."""

    def finish_login(self, ticket: LoginTicket, *, outcome: str, at: datetime, client: str | None,
                     policy: LoginPolicy, new_hash: str | None = None) -> None:
        """Record a reserved attempt's outcome in ONE write."""

    def unlock_operator(self, username: str, *, actor_id: int | None, roles: Collection[str], at: datetime,
                        client: str | None) -> bool: ...

    def operator_id_by_username(self, username: str) -> int | None: ...

    def password_hashes(self, usernames: list[str]) -> dict[str, str]: ...

    def insert_operator(self, username: str, name: str, role: str, password_hash: str, *, actor_id: int | None,
                        roles: Collection[str], at: datetime) -> int | None:
        """The new operator's id; None when the username is taken."""

    def set_operator(self, operator_id: int, *, actor_id: int | None, roles: Collection[str], at: datetime,
                     active: bool | None = None, role: str | None = None,
                     password_hash: str | None = None) -> bool: ...

    def operators(self, *, at: datetime, window: timedelta) -> Frame: ...


@runtime_checkable
class ClientStore(Protocol):
    """Clients: the record, search, imports."""

    def client_record(self, client_id: int) -> ClientRecord | None: ...

    def search_clients(self, terms: list[str], limit: int, *, fuzzy: bool = True) -> SearchResult:
        """Clients matching every normalised term, best first: up to ``limit + 1`` rows with a ``rank``
        (0 exact code/document, 1 name starting with the first term, 2 other), then name order."""

    def reindex_clients(self, client_ids: list[int] | None = None) -> None:
        """Index clients written outside the store's own methods (None: rebuild the index)."""

    def existing_clients(self, codes: list[str], documents: list[str]) -> pd.DataFrame: ...

    def clients_mark(self) -> ClientsMark:
        """Where the stored clients end now: read before a file is checked against them, then given to
        :meth:`insert_clients` as ``checked``."""

    def insert_clients(self, frame: pd.DataFrame, *, batch_rows: int | None = None,
                       progress: Callable[[int, int], None] | None = None,
                       checked: ClientsMark | None = None) -> InsertedClients:
        """Insert validated clients in short batches, each indexed for search in its transaction; each
        batch re-checks codes and documents (all of them, or only the clients written after ``checked``
        where the backend gains by it) and lists the clashes in ``conflicts``."""


@runtime_checkable
class ProtocolStore(Protocol):
    """Protocol numbers (RGC art. 9): allocated and committed before the operator tells them."""

    def allocate_protocol(self, *, day: date, at: datetime, operator_id: int, roles: Collection[str],
                          client_id: int, origin_code: str | None, stale_before: datetime) -> str | None:
        """The next protocol of ``day``, unique across every process and server; None for an unknown client.
        Runs the stale sweep (old open protocols whose draft was not saved since become 'abandonado')."""

    def set_protocol_origin(self, protocol: str, *, origin_code: str, operator_id: int, roles: Collection[str],
                            claim: str | None = None) -> str:
        """'ok', 'closed' (no longer open) or 'claimed' (another page holds its draft)."""

    def abandon_protocol(self, protocol: str, *, operator_id: int, roles: Collection[str],
                         origin_code: str | None, at: datetime, claim: str | None = None) -> str:
        """Exit without saving, the draft deleted in the same transaction: 'abandonado', 'closed' or 'claimed'."""

    def lookup_protocol(self, protocol: str) -> dict | None:
        """One protocol's log entry, with its attendance's codes and times when it was registered."""

    def protocol_state(self, protocol: str) -> str | None: ...

    def protocol_log(self, *, client_id: int | None, outcome: str | None, since: datetime | None,
                     until: datetime | None, limit: int) -> Frame: ...


@runtime_checkable
class AttendanceStore(Protocol):
    """Attendances: the lists (one client's, by status or text, worklists, queues), one in full, the finished
    wizard, follow-up, later contacts."""

    def list_attendances(self, query: ListQuery) -> Frame: ...

    def attendance_detail(self, protocol: str) -> StoredAttendance | None: ...

    def finish_attendance(self, record: dict, answers: list[dict], service_order: dict | None, *,
                          actor_id: int, roles: Collection[str], claim: str | None = None) -> bool:
        """Everything of a finished wizard in ONE transaction (its draft deleted, its open-attendance row
        written); False when the protocol is no longer open or another page holds its draft."""

    def add_event(self, protocol: str, *, operator_id: int, roles: Collection[str], at: datetime,
                  note: str | None, to_status: str | None, closes: bool,
                  expected: datetime | None = None) -> str | None:
        """A note and/or a status change; ConflictError when the attendance changed since ``expected``."""

    def add_contact(self, protocol: str, contact: dict, *, to_status: str, closes: bool, actor_id: int,
                    roles: Collection[str], at: datetime, expected: datetime | None = None,
                    service_order: dict | None = None, call_protocol: str | None = None) -> ContactResult | None:
        """A later contact, its work order, the new status and its history in ONE transaction."""

    def open_with_title(self, client_id: int, title_code: str, since: datetime) -> list[dict]: ...


@runtime_checkable
class OwnershipStore(Protocol):
    """Who holds an attendance (its responsible, its queue), transfers, who serves which queue."""

    def transfer_attendance(self, protocol: str, *, actor_id: int, roles: Collection[str],
                            reassign_roles: Collection[str], at: datetime, to_owner: int | None,
                            to_queue: str | None, reason: str,
                            expected: datetime | None = None) -> TransferResult | None:
        """Check who may move it and move it in ONE transaction (two at once: one wins, whole)."""

    def active_operators(self) -> Frame: ...

    def operator_queues(self) -> Frame: ...

    def queues_of(self, operator_id: int) -> list[str]: ...

    def set_operator_queues(self, operator_id: int, queue_codes: list[str], *, actor_id: int | None,
                            roles: Collection[str], at: datetime) -> str | None: ...


@runtime_checkable
class ServiceOrderStore(Protocol):
    """Work orders (O.S.): the list, one in full, status changes."""

    def list_service_orders(self, q: OrderQuery) -> Frame: ...

    def service_order_detail(self, order_id: int) -> OrderDetail | None: ...

    def active_technician(self, technician_id: int) -> bool | None: ...

    def change_service_order(self, order_id: int, *, actor_id: int, roles: Collection[str], at: datetime,
                             to_status: str, allowed_from: Collection[str], note: str | None,
                             scheduled_on: date | None = None, scheduled_period: str | None = None,
                             technician_id: int | None = None, expected: datetime | None = None,
                             close_attendance: dict | None = None) -> OrderChange:
        """Check the order's status and move it (closing its attendance when asked) in ONE transaction."""


@runtime_checkable
class DraftStore(Protocol):
    """Typed work saved as the operator goes; claim tokens so two pages never overwrite each other."""

    def save_draft(self, *, draft_key: str, kind: str, operator_id: int, roles: Collection[str],
                   protocol: str | None, client_id: int | None, step: str, state: str, version: int,
                   claim: str, at: datetime) -> DraftSave:
        """Check the claim, owner, version and protocol and write, in ONE transaction."""

    def claim_draft(self, draft_key: str, *, operator_id: int, roles: Collection[str], claim: str,
                    at: datetime) -> DraftRow | None: ...

    def discard_draft(self, draft_key: str, *, operator_id: int, roles: Collection[str], claim: str) -> bool: ...

    def open_drafts(self, *, operator_id: int, kind: str | None = None) -> list[DraftRow]: ...

    def draft(self, draft_key: str) -> DraftRow | None: ...


@runtime_checkable
class DashboardStore(Protocol):
    """The supervisor dashboard's aggregates and lists."""

    def dashboard_snapshot(self, b: Bounds, now: datetime, today_start: datetime, week_start: datetime, *,
                           paths_since: datetime | None = None) -> DashboardCounts: ...

    def dashboard_paths(self, b: Bounds) -> pd.DataFrame: ...

    def dashboard_path_texts(self, samples: list[str], b: Bounds) -> pd.DataFrame: ...

    def dashboard_list(self, b: Bounds, drill: dict | None, now: datetime, *, order_by: str = "created_at",
                       descending: bool = True, limit: int = 25, offset: int = 0, count: bool = True) -> ListResult: ...

    def dashboard_abandoned(self, b: Bounds, *, limit: int = 25, offset: int = 0) -> ListResult: ...

    def dashboard_choices(self) -> dict[str, list[tuple[str, Any]]]: ...

    def dashboard_repeats(self, b: Bounds) -> int: ...

    def dashboard_metrics(self, b: Bounds, now: datetime, *, repeats_since: datetime | None = None,
                          backlog_start: int | None = None) -> DashboardMetrics: ...


@runtime_checkable
class BulkStore(Protocol):
    """Demo data and the counts it reports."""

    def load_tables(self, batches: Iterable[tuple[str, object]], *, replace: bool = False,
                    memory_limit: str | None = None) -> dict[str, int]:
        """Append every (table, data) in ONE write transaction, then rebuild the search index."""

    def table_counts(self, tables: Iterable[str] = ...) -> dict[str, int]: ...

    def latest_script_versions(self) -> dict[str, int]: ...

    def operator_ids_by_role(self) -> dict[str, list[int]]: ...


@runtime_checkable
class AnalystStore(Protocol):
    """``wb.sql`` and ``wb.tables()``: checked read-only queries over the declared tables."""

    def analyst_tables(self) -> pd.DataFrame: ...

    def analyst_query(self, query: str, params, *, max_rows: int) -> QueryResult: ...


DOMAINS: tuple[type, ...] = (DeskStore, ReferenceStore, OperatorStore, ClientStore, ProtocolStore, AttendanceStore,
                             OwnershipStore, ServiceOrderStore, DraftStore, DashboardStore, BulkStore, AnalystStore)


@runtime_checkable
class Store(DeskStore, ReferenceStore, OperatorStore, ClientStore, ProtocolStore, AttendanceStore, OwnershipStore,
            ServiceOrderStore, DraftStore, DashboardStore, BulkStore, AnalystStore, Protocol):
    """Everything a backend implements: the services' view of the database."""
