"""The open attendances, kept apart in a small table, and the attendances' normalised search text.

``open_attendances`` holds one row per attendance whose status is open (a
hundred thousand at most where ``attendances`` holds millions), with what the
worklists, the queues and the open-status lists show and sort by. So those
lists read this table and a few reference tables, never a scan of every
attendance nor the million-row ``clients`` and ``contracts`` tables: the
client's name and the contract's plan are copied in when the row is written.

It is derived data, never edited directly: every writer that changes an
attendance calls :func:`sync` for it *inside its own transaction*, which
re-reads the attendance (and its client, contract and type) and writes or
removes its row, so the table always says what ``attendances`` says.
:func:`rebuild` recomputes it whole (bulk loads, reference reloads, which may
change which statuses count as open or a type's Anatel deadline, and the
migration that creates it).

``attendances.search_text`` is the problem text as searches compare it:
lower case, no accents, inner whitespace collapsed (:data:`SEARCH_TEXT`,
the same rule as ``workbench.services.text.normalize_text``), written with
the attendance.
"""

from __future__ import annotations

from workbench.storage.dashboard_sql import COMPLAINT_DAYS, DEMAND_DAYS

# The normalised search text of a text expression (one place: migration, bulk loads, single inserts).
SEARCH_TEXT = "trim(regexp_replace(lower(strip_accents({0})), '\\s+', ' ', 'g'))"

CREATE = """
CREATE TABLE open_attendances (
    protocol      VARCHAR NOT NULL,
    client_id     INTEGER NOT NULL,
    client_name   VARCHAR,                 -- copied from clients when the row is written
    contract_id   INTEGER NOT NULL,
    plan_id       INTEGER,                 -- the contract's plan, copied likewise
    origin_code   VARCHAR NOT NULL,
    title_code    VARCHAR NOT NULL,
    type_code     VARCHAR NOT NULL,
    status_code   VARCHAR NOT NULL,
    owner_id      INTEGER,
    queue_code    VARCHAR,
    operator_id   INTEGER NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    due_at        TIMESTAMPTZ NOT NULL,
    anatel_due_at TIMESTAMPTZ NOT NULL,    -- opening + 7 days (complaints) or 10 days
    updated_at    TIMESTAMPTZ NOT NULL,
    problem       VARCHAR NOT NULL
)"""

COLUMNS = ("protocol", "client_id", "client_name", "contract_id", "plan_id", "origin_code", "title_code",
           "type_code", "status_code", "owner_id", "queue_code", "operator_id", "created_at", "due_at",
           "anatel_due_at", "updated_at", "problem")

_SELECT = f"""
    SELECT a.protocol, a.client_id, c.name, a.contract_id, ct.plan_id, a.origin_code, a.title_code,
           a.type_code, a.status_code, a.owner_id, a.queue_code, a.operator_id, a.created_at, a.due_at,
           a.created_at + CASE WHEN coalesce(ty.is_complaint, false) THEN INTERVAL '{COMPLAINT_DAYS} days'
                               ELSE INTERVAL '{DEMAND_DAYS} days' END,
           a.updated_at, a.problem
    FROM attendances a
    LEFT JOIN clients c ON c.client_id = a.client_id
    LEFT JOIN contracts ct ON ct.contract_id = a.contract_id
    LEFT JOIN attendance_types ty ON ty.code = a.type_code
    WHERE a.status_code IN (SELECT code FROM statuses WHERE is_open)"""


def sync(con, protocol: str) -> None:
    """Make ``protocol``'s row say what ``attendances`` says (inside the caller's write transaction)."""
    con.execute("DELETE FROM open_attendances WHERE protocol = ?", [protocol])
    con.execute(f"INSERT INTO open_attendances ({', '.join(COLUMNS)}) {_SELECT} AND a.protocol = ?", [protocol])


def rebuild(con) -> int:
    """Recompute the whole table (inside the caller's write transaction); returns its rows."""
    con.execute("DELETE FROM open_attendances")
    con.execute(f"INSERT INTO open_attendances ({', '.join(COLUMNS)}) {_SELECT} ORDER BY a.created_at")
    return con.execute("SELECT count(*) FROM open_attendances").fetchall()[0][0]
