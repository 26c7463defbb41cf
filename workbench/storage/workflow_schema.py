"""Migration 5: the desk's workflow after the first contact (issue 11).

* ``queues`` (reference data, ``data/queues.csv``) and the default queue of
  each attendance type (``attendance_types.queue_code``); ``operator_queues``:
  which operators serve which queues (set by admins);
* ``attendances`` gains its responsible operator (``owner_id``), its queue
  (``queue_code``) and ``search_text`` (see :mod:`workbench.storage.open_attendances`);
* ``attendance_contacts``: the later contacts of an attendance (the first is
  in ``attendances``);
* ``attendance_events`` gains the kinds ``contato``, ``transferencia`` and
  ``os`` and the columns they need (rewritten: DuckDB cannot alter a CHECK);
* ``service_orders`` gains the address confirmed with the client, the
  preferred period, the schedule (date, period, technician), notes and the
  closing time; ``service_order_events`` is each order's history;
  ``technicians`` is reference data (``data/technicians.csv``);
* ``open_attendances``: see :mod:`workbench.storage.open_attendances`.

Existing rows are carried over in the same transaction: the queues of the
desk's data folder (or the shipped ones) are seeded so that every open
attendance lands in its type's queue, each attendance's responsible is the
operator who registered it, orders get their client's address. A desk of
5,000,000 attendances migrates in about 12 seconds on 2 cores (``benchmarks/RESULTS.md``).
Technicians come with the next ``workbench init``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from workbench.storage import open_attendances
from workbench.storage.service_orders import CLIENT_ADDRESS

EVENT_KINDS = ("criado", "nota", "status", "contato", "transferencia", "os")
ORDER_STATUSES = ("Aberta", "Agendada", "Em Execução", "Finalizada", "Cancelada")

STATEMENTS = (
    "CREATE TABLE queues (code VARCHAR PRIMARY KEY, label VARCHAR NOT NULL, sort INTEGER NOT NULL)",
    "ALTER TABLE attendance_types ADD COLUMN queue_code VARCHAR",
    """CREATE TABLE technicians (
           technician_id INTEGER PRIMARY KEY,
           name          VARCHAR NOT NULL,
           city          VARCHAR,
           active        BOOLEAN NOT NULL)""",
    """CREATE TABLE operator_queues (
           operator_id INTEGER NOT NULL,
           queue_code  VARCHAR NOT NULL,
           PRIMARY KEY (operator_id, queue_code))""",
    "ALTER TABLE attendances ADD COLUMN owner_id INTEGER",
    "ALTER TABLE attendances ADD COLUMN queue_code VARCHAR",
    "ALTER TABLE attendances ADD COLUMN search_text VARCHAR",
    """CREATE TABLE attendance_contacts (
           protocol      VARCHAR NOT NULL,
           seq           INTEGER NOT NULL,         -- 2, 3, ...: the first contact is the attendance itself
           contact_at    TIMESTAMPTZ NOT NULL,
           operator_id   INTEGER NOT NULL,
           origin_code   VARCHAR NOT NULL,
           person_name   VARCHAR NOT NULL,
           said          VARCHAR NOT NULL,         -- what the client said
           checks_done   VARCHAR NOT NULL,
           resolved      BOOLEAN NOT NULL,
           solution      VARCHAR,
           os_requested  BOOLEAN NOT NULL,
           order_id      INTEGER,                  -- the work order this contact asked for
           from_status   VARCHAR NOT NULL,
           to_status     VARCHAR NOT NULL,
           call_protocol VARCHAR)                  -- the protocol issued for this call, when one was""",
    """CREATE TABLE attendance_events_v5 (
           protocol    VARCHAR NOT NULL,
           event_at    TIMESTAMPTZ NOT NULL,
           operator_id INTEGER NOT NULL,
           kind        VARCHAR NOT NULL CHECK (kind IN ({kinds})),
           from_status VARCHAR,
           to_status   VARCHAR,
           note        VARCHAR,
           from_owner  INTEGER,
           to_owner    INTEGER,
           from_queue  VARCHAR,
           to_queue    VARCHAR,
           contact_seq INTEGER,
           order_id    INTEGER)""".format(kinds=", ".join(f"'{k}'" for k in EVENT_KINDS)),
    """INSERT INTO attendance_events_v5 (protocol, event_at, operator_id, kind, from_status, to_status, note)
       SELECT protocol, event_at, operator_id, kind, from_status, to_status, note FROM attendance_events""",
    "DROP TABLE attendance_events",
    "ALTER TABLE attendance_events_v5 RENAME TO attendance_events",
    # rewritten with its new columns, the client's address copied in (an UPDATE ... FROM
    # clients takes minutes on DuckDB at 700,000 orders; a rewrite takes a second)
    """CREATE TABLE service_orders_v5 (
           order_id         INTEGER NOT NULL,
           protocol         VARCHAR NOT NULL,
           client_id        INTEGER NOT NULL,
           contract_id      INTEGER NOT NULL,
           status           VARCHAR NOT NULL CHECK (status IN ({statuses})),
           description      VARCHAR NOT NULL,
           created_at       TIMESTAMPTZ NOT NULL,
           updated_at       TIMESTAMPTZ NOT NULL,
           address          VARCHAR,                -- confirmed with the client when the order was asked
           city             VARCHAR,
           preferred_period VARCHAR,                -- manha, tarde, qualquer
           scheduled_on     DATE,
           scheduled_period VARCHAR,                -- manha, tarde
           technician_id    INTEGER,
           notes            VARCHAR,
           closed_at        TIMESTAMPTZ)""".format(statuses=", ".join(f"'{s}'" for s in ORDER_STATUSES)),
    """INSERT INTO service_orders_v5
       SELECT so.order_id, so.protocol, so.client_id, so.contract_id, so.status, so.description, so.created_at,
              so.updated_at, {address}, c.city,
              NULL, NULL, NULL, NULL, NULL,
              CASE WHEN so.status IN ('Finalizada', 'Cancelada') THEN so.updated_at END
       FROM service_orders so LEFT JOIN clients c ON c.client_id = so.client_id
       ORDER BY so.order_id""".format(address=CLIENT_ADDRESS),
    "DROP TABLE service_orders",
    "ALTER TABLE service_orders_v5 RENAME TO service_orders",
    """CREATE TABLE service_order_events (
           order_id         INTEGER NOT NULL,
           event_at         TIMESTAMPTZ NOT NULL,
           operator_id      INTEGER NOT NULL,
           from_status      VARCHAR,
           to_status        VARCHAR NOT NULL,
           scheduled_on     DATE,
           scheduled_period VARCHAR,
           technician_id    INTEGER,
           note             VARCHAR)""",
    open_attendances.CREATE,
)

# What the existing rows become.
CARRY_OVER = (
    # each attendance's queue is its type's default; its responsible, whoever registered it
    """UPDATE attendances SET queue_code = (SELECT ty.queue_code FROM attendance_types ty
                                            WHERE ty.code = attendances.type_code),
                              owner_id = operator_id,
                              search_text = {search}""".format(search=open_attendances.SEARCH_TEXT.format("problem")),
    """INSERT INTO service_order_events (order_id, event_at, operator_id, to_status, note)
       SELECT so.order_id, so.created_at, a.operator_id, 'Aberta', 'O.S. pedida no atendimento'
       FROM service_orders so JOIN attendances a ON a.protocol = so.protocol""",
    """INSERT INTO service_order_events (order_id, event_at, operator_id, from_status, to_status, note)
       SELECT so.order_id, so.updated_at, a.operator_id, 'Aberta', so.status,
              'situação da O.S. antes do histórico de ordens'
       FROM service_orders so JOIN attendances a ON a.protocol = so.protocol WHERE so.status <> 'Aberta'""",
)


def apply(con) -> None:
    """Migration 5 (inside the migration's transaction)."""
    for statement in STATEMENTS:
        con.execute(statement)
    _seed_queues(con)
    for statement in CARRY_OVER:
        con.execute(statement)
    open_attendances.rebuild(con)


def _reference_csv(name: str) -> list[dict]:
    """Rows of a reference CSV from the desk's data folder (WORKBENCH_DATA_DIR), else the shipped one."""
    from workbench import settings

    for folder in (Path(settings.get("data_dir")), settings.packaged("data")):
        path = folder / f"{name}.csv"
        if path.is_file():
            with open(path, newline="", encoding="utf-8") as f:
                return list(csv.DictReader(f))
    return []


def _seed_queues(con) -> None:
    queues = [r for r in _reference_csv("queues") if (r.get("code") or "").strip()]
    for i, row in enumerate(queues, 1):
        sort = (row.get("sort") or "").strip()
        con.execute("INSERT INTO queues (code, label, sort) VALUES (?, ?, ?)",
                    [row["code"].strip(), (row.get("label") or row["code"]).strip(),
                     int(sort) if sort.isdigit() else i])
    known = {r["code"].strip() for r in queues}
    for row in _reference_csv("attendance_types"):
        queue = (row.get("queue_code") or "").strip()
        if queue in known:
            con.execute("UPDATE attendance_types SET queue_code = ? WHERE code = ?", [queue, row["code"].strip()])
