"""Versioned schema migrations, each applied in one transaction and recorded.

``MIGRATIONS`` is append-only: never edit a released step, add a new one.
Opening an older file upgrades it; a file written by a newer workbench is
refused, since this code cannot know what its tables mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable

import duckdb

from workbench.errors import StoreError


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[duckdb.DuckDBPyConnection], None]


def _initial_schema(con: duckdb.DuckDBPyConnection) -> None:
    sql = resources.files("workbench.storage").joinpath("schema.sql").read_text(encoding="utf-8")
    sql = re.sub(r"--[^\n]*", "", sql)
    for statement in sql.split(";"):
        if statement.strip():
            con.execute(statement)


def _search_table(con: duckdb.DuckDBPyConnection) -> None:
    from workbench.storage import search_index

    search_index.create(con)


# The one ART index on a large table: an operator's per-client list and the
# client record read a handful of rows out of millions. Bulk loads drop it and
# build it again once at the end (see workbench.storage.bulk).
CLIENT_ATTENDANCES_INDEX = "CREATE INDEX attendances_client ON attendances (client_id)"
DROP_CLIENT_ATTENDANCES_INDEX = "DROP INDEX IF EXISTS attendances_client"


def _client_attendances_index(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(CLIENT_ATTENDANCES_INDEX)


def _login_secrets_apart(con: duckdb.DuckDBPyConnection) -> None:
    """Password hashes and lock state leave ``operators`` (which analysts may query).

    ``operator_credentials`` holds the hashes; ``login_guard`` the failed and
    pending attempts of the current window and the lock, per normalised
    username, known or not.
    The lock state of existing accounts is carried over.
    """
    from workbench.storage.operators import login_key

    con.execute("""CREATE TABLE operator_credentials (
                       operator_id   INTEGER PRIMARY KEY,
                       password_hash VARCHAR NOT NULL,
                       changed_at    TIMESTAMPTZ NOT NULL)""")
    con.execute("""CREATE TABLE login_guard (
                       username_key  VARCHAR PRIMARY KEY,   -- see workbench.storage.operators.login_key
                       failures      INTEGER NOT NULL,      -- failed attempts in this window
                       pending       INTEGER NOT NULL,      -- attempts reserved, being verified
                       window_start  TIMESTAMPTZ NOT NULL,
                       reserved_at   TIMESTAMPTZ,           -- the last reservation
                       locked_until  TIMESTAMPTZ)""")
    con.execute("INSERT INTO operator_credentials SELECT operator_id, password_hash, created_at FROM operators")
    carried: dict[str, tuple] = {}
    for username, failures, locked_until in con.execute(
            "SELECT username, failed_logins, locked_until FROM operators "
            "WHERE failed_logins > 0 OR locked_until > current_timestamp").fetchall():
        before = carried.get(login_key(username), (0, None))
        carried[login_key(username)] = (max(before[0], failures),
                                        max((t for t in (before[1], locked_until) if t is not None), default=None))
    for key, (failures, locked_until) in carried.items():
        con.execute("INSERT INTO login_guard VALUES (?, ?, 0, current_timestamp, NULL, ?)",
                    [key, failures, locked_until])
    for column in ("password_hash", "failed_logins", "locked_until"):
        con.execute(f"ALTER TABLE operators DROP COLUMN {column}")


def _desk_workflow(con: duckdb.DuckDBPyConnection) -> None:
    from workbench.storage import workflow_schema

    workflow_schema.apply(con)


def _drafts(con: duckdb.DuckDBPyConnection) -> None:
    """Typed work saved as the operator goes, and the origin of a protocol chosen later.

    ``drafts`` holds one row per open draft (see ``workbench.storage.drafts``):
    an attendance's keyed by its protocol, any other form's by a key of its
    own. ``protocol_log.origin_code`` becomes nullable: a protocol is issued
    before the origin is chosen, and one abandoned at the alert has none.
    """
    con.execute("""CREATE TABLE drafts (
                       draft_key   VARCHAR PRIMARY KEY,   -- the protocol, or the form's own key
                       kind        VARCHAR NOT NULL,      -- 'atendimento', 'contato', ...
                       operator_id INTEGER NOT NULL,
                       protocol    VARCHAR,               -- the protocol the work is about, if any
                       client_id   INTEGER,
                       step        VARCHAR NOT NULL,
                       state       VARCHAR NOT NULL,      -- the typed values, JSON
                       version     INTEGER NOT NULL,      -- grows with every save
                       claim       VARCHAR NOT NULL,      -- the page (tab) that holds the draft
                       saved_at    TIMESTAMPTZ NOT NULL)""")
    con.execute("ALTER TABLE protocol_log ALTER COLUMN origin_code DROP NOT NULL")


def _narrow_client_search(con: duckdb.DuckDBPyConnection) -> None:
    """The client search index stops storing ``haystack`` (every searchable token of a client).

    Searches verify their long terms against the normalized payload of their few candidates
    instead (:func:`workbench.storage.search_index.haystack_sql`). The wide column made the
    row-group merges DuckDB runs at checkpoint, while an import appends batches, twice as long.
    Portable SQL (the same three statements on PostgreSQL; there the index may simply stay):
    the index on ``nid`` is dropped and built again around the column drop, as DuckDB does not
    alter a table while an index depends on it.
    """
    found = con.execute("SELECT count(*) FROM information_schema.columns "
                        "WHERE table_name = 'client_search' AND column_name = 'haystack'").fetchall()[0][0]
    if not found:
        return
    con.execute("DROP INDEX IF EXISTS client_search_nid")
    con.execute("ALTER TABLE client_search DROP COLUMN haystack")
    con.execute("CREATE INDEX client_search_nid ON client_search (nid)")


# The client's name copied into each attendance (clients are never renamed: imports only add them).
FILL_CLIENT_NAMES = ("UPDATE attendances SET client_name = c.name FROM clients c "
                     "WHERE c.client_id = attendances.client_id AND attendances.client_name IS NULL")


def _attendance_client_names(con: duckdb.DuckDBPyConnection) -> None:
    """``attendances.client_name``: a list of everyone's attendances (by status, by text) shows each
    row's client, and fetching 200 scattered names from the million-row ``clients`` table reads most of
    its name column (about 40 ms of CPU per page on 1M clients); the copy is read with the page instead.

    Written with the attendance (``storage/attendances.py``, bulk loads in ``storage/bulk.py``); the
    migration fills it for existing rows (portable SQL: PostgreSQL runs the same two statements, with
    ``TEXT`` for ``VARCHAR``). About 20 s for 5,000,000 attendances on 2 cores.
    """
    con.execute("ALTER TABLE attendances ADD COLUMN client_name VARCHAR")
    con.execute(FILL_CLIENT_NAMES)


def _dashboard_summaries(con: duckdb.DuckDBPyConnection) -> None:
    """Nothing on DuckDB: PostgreSQL's twin adds hourly summaries of attendances kept by triggers
    (``postgres/schema/m009_dashboard_summaries.sql``). DuckDB reads only the few columns a view needs,
    column by column, skipping row groups by their min/max ``created_at``, in parallel: a full refresh
    at 5,000,000 attendances takes about 0.3 s, so a summary would cost every write for no reader's gain.
    """


def _client_search_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Nothing to do on DuckDB: PostgreSQL's step copies each client's search keys (``client_keys``)
    into a trigram-indexed column of its ``client_search`` row, so a term is answered by bitmap scans
    of one table (``postgres/schema/m010_client_search_keys.sql``). DuckDB's index keeps its own
    layout (``client_terms``, packed key prefixes in name order), which already answers a key and a
    word in the same scan. The same step indexes PostgreSQL's ``open_attendances`` by deadline for the
    urgency pages (``postgres/lists.py``); DuckDB ranks its open attendances (a hundred thousand rows,
    a columnar scan) as before. Recorded so both backends count the same steps."""


def _dashboard_flow(con: duckdb.DuckDBPyConnection) -> None:
    """Nothing on DuckDB, as step 9: PostgreSQL's twin adds summaries of closed attendances per hour of
    opening (closed, within the type's deadline, within Anatel's) and of closing, kept by the same
    trigger (``postgres/schema/m011_dashboard_flow.sql``). Recorded so both backends count the same steps."""


def _repeat_contacts(con: duckdb.DuckDBPyConnection) -> None:
    """Nothing on DuckDB: PostgreSQL's twin makes its per-client index carry the title, so that a repeat
    contact is an index-only probe (``postgres/schema/m012_repeat_contacts.sql``); DuckDB answers the
    same question with a hash join over a columnar scan. Recorded so both backends count the same steps."""


def _resolution_seconds(con: duckdb.DuckDBPyConnection) -> None:
    """Nothing on DuckDB, as steps 9 and 11: PostgreSQL's twin keeps the resolution seconds of closed
    attendances per day and group for the dashboard's exact quantiles
    (``postgres/schema/m013_resolution_seconds.sql``); DuckDB's ``quantile_cont`` over a columnar scan
    is fast enough. Recorded so both backends count the same steps."""


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _initial_schema),
    Migration(2, "client search index", _search_table),
    Migration(3, "index of attendances by client", _client_attendances_index),
    Migration(4, "password hashes and login lock state apart from operators", _login_secrets_apart),
    Migration(5, "queues, owners, later contacts, work-order workflow, open attendances", _desk_workflow),
    Migration(6, "drafts of typed work; protocol origin chosen later", _drafts),
    Migration(7, "client search index without the stored haystack", _narrow_client_search),
    Migration(8, "client name copied into attendances", _attendance_client_names),
    Migration(9, "dashboard summaries per hour", _dashboard_summaries),
    Migration(10, "client search keys beside the words; open attendances by deadline", _client_search_keys),
    Migration(11, "dashboard summaries of closures and deadlines", _dashboard_flow),
    Migration(12, "index of attendances by client carries the title (repeat contacts)", _repeat_contacts),
    Migration(13, "dashboard summary of resolution seconds", _resolution_seconds),
)
LATEST = MIGRATIONS[-1].version


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()[0][0]


def pending(con: duckdb.DuckDBPyConnection, path: Path) -> list[Migration]:
    """Migrations not yet applied (read-only); refuses a file newer than this code."""
    version = current_version(con)
    if version > LATEST:
        raise StoreError(
            f"O banco de dados {path} está na versão {version} do esquema, mais nova que a "
            f"suportada por este workbench ({LATEST}). Atualize o workbench."
        )
    return [m for m in MIGRATIONS if m.version > version]


def apply_pending(con: duckdb.DuckDBPyConnection, path: Path) -> list[int]:
    """Apply each pending migration in its own transaction; return the versions applied.

    ``con`` must be a read-write connection with no open transaction.
    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
    )
    applied = []
    for migration in pending(con, path):
        con.execute("BEGIN TRANSACTION")
        try:
            migration.apply(con)
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                        [migration.version, migration.name])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        applied.append(migration.version)
    return applied
