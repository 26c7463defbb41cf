"""Later contacts: a further contact registered under an attendance's protocol.

One write transaction holds the contact, its work order when it asks for
one, the attendance's new status, the history event, the audit entry and the
attendance's row of open attendances; the attendance is read inside it
(``expected`` guards against a screen that went stale).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from workbench.storage import open_attendances
from workbench.storage.attendances import current_attendance
from workbench.storage.base import StoreBase
from workbench.storage.service_orders import insert_order

REOPEN_NOTE = "Reaberto por um novo contato"


@dataclass(frozen=True)
class ContactResult:
    """What :meth:`ContactsMixin.add_contact` wrote; ``refused`` = ``"protocol"`` when the call's own
    protocol (``call_protocol``) was no longer open, so nothing was written."""

    seq: int = 0
    from_status: str | None = None
    to_status: str | None = None
    order_id: int | None = None
    reopened: bool = False
    refused: str | None = None


class ContactsMixin(StoreBase):
    def add_contact(self, protocol: str, contact: dict, *, to_status: str, closes: bool, actor_id: int,
                    roles: Collection[str], at: datetime, expected: datetime | None = None,
                    service_order: dict | None = None, call_protocol: str | None = None) -> ContactResult | None:
        """Register a later contact on ``protocol``; None when the attendance does not exist.

        ``contact``: origin_code, person_name, said, checks_done, resolved, solution, os_requested.
        ``to_status`` is the attendance's new status (``closes`` when it is a closed one); a closed
        attendance that a contact leaves open is reopened, with a note in its history.
        ``service_order``: the keyword arguments of ``insert_order`` when the contact asks for one.
        ``call_protocol``: the protocol issued for this call (a new attendance the operator turned into
        this contact); it must still be open, and is recorded as registered.
        """
        with self._write() as con:
            self._check_actor(con, actor_id, roles)
            self._critical(con, "protocol", protocol)      # the check, the contact's number and the writes
            state = current_attendance(con, protocol, expected)
            if state is None:
                return None
            if call_protocol is not None:
                self._critical(con, "protocol", call_protocol)
                outcome = self._scalar(con, "SELECT outcome FROM protocol_log WHERE protocol = ?", [call_protocol])
                if outcome != "aberto":
                    return ContactResult(refused="protocol")
            seq = self._scalar(con, "SELECT coalesce(max(seq), 1) + 1 FROM attendance_contacts WHERE protocol = ?",
                               [protocol])
            order_id = None
            if service_order:
                client_id, contract_id = self._one(con, "SELECT client_id, contract_id FROM attendances "
                                                        "WHERE protocol = ?", [protocol])
                self._critical(con, "next_id", "service_orders")
                order_id = insert_order(con, protocol=protocol, client_id=client_id, contract_id=contract_id,
                                        at=at, operator_id=actor_id, **service_order)
            reopened = not state.is_open and not closes
            con.execute("""INSERT INTO attendance_contacts (protocol, seq, contact_at, operator_id, origin_code,
                               person_name, said, checks_done, resolved, solution, os_requested, order_id,
                               from_status, to_status, call_protocol)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        [protocol, seq, at, actor_id, contact["origin_code"], contact["person_name"],
                         contact["said"], contact["checks_done"], contact["resolved"], contact.get("solution"),
                         contact["os_requested"], order_id, state.status_code, to_status, call_protocol])
            con.execute("""UPDATE attendances SET status_code = ?, updated_at = ?,
                               closed_at = CASE WHEN ? THEN ?::TIMESTAMPTZ END WHERE protocol = ?""",
                        [to_status, at, closes, at, protocol])
            con.execute("""INSERT INTO attendance_events (protocol, event_at, operator_id, kind, from_status, to_status,
                               note, contact_seq, order_id) VALUES (?, ?, ?, 'contato', ?, ?, ?, ?, ?)""",
                        [protocol, at, actor_id, state.status_code, to_status, REOPEN_NOTE if reopened else None,
                         seq, order_id])
            if call_protocol is not None:
                con.execute("UPDATE protocol_log SET outcome = 'registrado', outcome_at = ?, origin_code = ? "
                            "WHERE protocol = ?", [at, contact["origin_code"], call_protocol])
            self._audit(con, at, actor_id, "contato_registrado", "attendance", protocol,
                        {"contato": seq, "de": state.status_code, "para": to_status, "os": order_id,
                         "reaberto": reopened, "protocolo_da_ligacao": call_protocol})
            open_attendances.sync(con, protocol)
            return ContactResult(seq, state.status_code, to_status, order_id, reopened)

    def open_with_title(self, client_id: int, title_code: str, since: datetime) -> list[dict]:
        """The client's open attendances with this title opened since ``since``, newest first."""
        with self._read() as con:
            return self._rows(con, """
                SELECT a.protocol, a.created_at, a.status_code, a.updated_at
                FROM open_attendances a WHERE a.client_id = ? AND a.title_code = ? AND a.created_at >= ?
                ORDER BY a.created_at DESC""", [client_id, title_code, since])
