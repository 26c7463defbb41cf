"""Attendances: one attendance in full, the finished wizard, follow-up (notes, status changes)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from workbench.frame import Frame

from workbench.errors import ConflictError
from workbench.storage import open_attendances
from workbench.storage.drafts import DraftsMixin
from workbench.storage.service_orders import CLIENT_ADDRESS, insert_order


@dataclass
class StoredAttendance:
    """One attendance as stored: its data, script answers, work orders, history and later contacts."""

    data: dict
    answers: Frame
    orders: list[dict]
    history: Frame
    contacts: Frame


@dataclass(frozen=True)
class AttendanceState:
    """What a write checks before changing an attendance (read inside its transaction)."""

    protocol: str
    status_code: str
    is_open: bool
    owner_id: int | None
    queue_code: str | None
    updated_at: datetime
    title_code: str
    type_code: str


def current_attendance(con, protocol: str, expected: datetime | None = None) -> AttendanceState | None:
    """The attendance's state inside a write transaction; None when it does not exist.

    ``expected`` is the ``updated_at`` the operator's screen showed: when the
    attendance changed since, :class:`ConflictError` (who and when), so a
    change made on a stale screen never overwrites another operator's.
    """
    rows = con.execute("""
        SELECT a.protocol, a.status_code, s.is_open, a.owner_id, a.queue_code, a.updated_at, a.title_code,
               a.type_code
        FROM attendances a JOIN statuses s ON s.code = a.status_code WHERE a.protocol = ?""", [protocol]).fetchall()
    if not rows:
        return None
    state = AttendanceState(*rows[0])
    if expected is not None and state.updated_at != expected:
        last = con.execute("""SELECT o.name FROM attendance_events e LEFT JOIN operators o USING (operator_id)
                              WHERE e.protocol = ? ORDER BY e.event_at DESC LIMIT 1""", [protocol]).fetchall()
        raise ConflictError(f"O atendimento nº {protocol}", by=last[0][0] if last else None, at=state.updated_at)
    return state


class AttendancesMixin(DraftsMixin):
    def attendance_detail(self, protocol: str) -> StoredAttendance | None:
        """One attendance in full; None when unknown. ``protocol`` may also be the protocol issued for a
        later contact that was added to this attendance (``data["reached_by"]`` then says so)."""
        with self._read() as con:
            reached_by = None
            if not self._one(con, "SELECT 1 FROM attendances WHERE protocol = ?", [protocol]):
                target = self._scalar(con, "SELECT protocol FROM attendance_contacts WHERE call_protocol = ?",
                                      [protocol])
                if target is None:
                    return None
                protocol, reached_by = target, protocol
            rows = self._rows(con, f"""
                SELECT a.protocol, a.client_id, c.name AS client_name, c.code AS client_code,
                       pl.name AS plan, r.name AS routing_point,
                       CASE WHEN ct.access_enabled THEN 'Habilitado' ELSE 'Desabilitado' END AS access,
                       og.label AS origin, t.label AS title, ty.label AS type, s.label AS status,
                       s.is_open, a.person_name, a.problem, a.checks_done, a.resolved, a.solution,
                       a.os_requested, o.name AS operator, a.created_at, a.due_at, a.closed_at,
                       a.updated_at, sc.name AS script, a.script_version, a.script_outcome,
                       ty.is_complaint, a.title_code, a.type_code, a.status_code, a.contract_id,
                       a.owner_id, ow.name AS owner, a.queue_code, q.label AS queue,
                       {CLIENT_ADDRESS} AS client_address,
                       c.city AS client_city
                FROM attendances a
                JOIN clients c ON c.client_id = a.client_id
                LEFT JOIN contracts ct ON ct.contract_id = a.contract_id
                LEFT JOIN plans pl ON pl.plan_id = ct.plan_id
                LEFT JOIN routing_points r ON r.routing_point_id = ct.routing_point_id
                JOIN origins og ON og.code = a.origin_code
                JOIN titles t ON t.code = a.title_code
                JOIN attendance_types ty ON ty.code = a.type_code
                JOIN statuses s ON s.code = a.status_code
                LEFT JOIN operators o ON o.operator_id = a.operator_id
                LEFT JOIN operators ow ON ow.operator_id = a.owner_id
                LEFT JOIN queues q ON q.code = a.queue_code
                LEFT JOIN scripts sc ON sc.code = a.script_code
                WHERE a.protocol = ?""", [protocol])
            answers = self._frame(con, "SELECT seq, question, answer FROM script_answers "
                                    "WHERE protocol = ? ORDER BY seq", [protocol])
            orders = self._rows(con, """
                SELECT so.order_id, so.status, so.description, so.created_at, so.updated_at, so.address,
                       so.preferred_period, so.scheduled_on, so.scheduled_period, te.name AS technician,
                       so.notes, so.closed_at
                FROM service_orders so LEFT JOIN technicians te ON te.technician_id = so.technician_id
                WHERE so.protocol = ? ORDER BY so.order_id""", [protocol])
            history = self._frame(con, """
                SELECT e.event_at, o.name AS operator, e.kind, fs.label AS from_status,
                       ts.label AS to_status, e.note, fo.name AS from_owner, tow.name AS to_owner,
                       fq.label AS from_queue, tq.label AS to_queue, e.contact_seq, e.order_id
                FROM attendance_events e
                LEFT JOIN operators o USING (operator_id)
                LEFT JOIN statuses fs ON fs.code = e.from_status
                LEFT JOIN statuses ts ON ts.code = e.to_status
                LEFT JOIN operators fo ON fo.operator_id = e.from_owner
                LEFT JOIN operators tow ON tow.operator_id = e.to_owner
                LEFT JOIN queues fq ON fq.code = e.from_queue
                LEFT JOIN queues tq ON tq.code = e.to_queue
                WHERE e.protocol = ? ORDER BY e.event_at, e.kind""", [protocol])
            contacts = self._frame(con, """
                SELECT k.seq, k.contact_at, o.name AS operator, og.label AS origin, k.person_name, k.said,
                       k.checks_done, k.resolved, k.solution, k.os_requested, k.order_id,
                       fs.label AS from_status, ts.label AS to_status, k.call_protocol
                FROM attendance_contacts k
                LEFT JOIN operators o USING (operator_id)
                LEFT JOIN origins og ON og.code = k.origin_code
                LEFT JOIN statuses fs ON fs.code = k.from_status
                LEFT JOIN statuses ts ON ts.code = k.to_status
                WHERE k.protocol = ? ORDER BY k.seq""", [protocol])
        data = rows[0]
        data["reached_by"] = reached_by
        return StoredAttendance(data, answers, orders, history, contacts)

    def finish_attendance(self, record: dict, answers: list[dict], service_order: dict | None, *,
                          actor_id: int, roles: Collection[str], claim: str | None = None) -> bool:
        """Write the attendance, its answers, its O.S. (``service_order``: the keyword arguments of
        :func:`~workbench.storage.service_orders.insert_order`), history, audit and its row of open
        attendances in ONE transaction, and delete its draft in it.

        False (nothing written) when the protocol is no longer open, or when
        another page (``claim``) holds its draft; SessionRevoked unless
        ``actor_id`` is still active with one of ``roles``.
        """
        at = record["created_at"]
        with self._write(batch=True) as con:
            self._check_actor(con, actor_id, roles)
            self._critical(con, "protocol", record["protocol"])      # a double submission waits, then sees it
            if self._scalar(con, "SELECT outcome FROM protocol_log WHERE protocol = ?", [record["protocol"]]) != "aberto":
                return False
            if not self._check_claim(con, record["protocol"], claim):
                return False
            con.execute("DELETE FROM drafts WHERE draft_key = ?", [record["protocol"]])
            columns = list(record)
            con.execute(f"INSERT INTO attendances ({', '.join(columns)}, search_text, client_name) "
                        f"VALUES ({', '.join('?' * len(columns))}, {open_attendances.SEARCH_TEXT.format('?::VARCHAR')}, "
                        "(SELECT name FROM clients WHERE client_id = ?))",
                        [record[c] for c in columns] + [record["problem"], record["client_id"]])
            if answers:
                con.executemany(
                    "INSERT INTO script_answers (protocol, seq, script_code, script_version, question_id, "
                    "question, answer_index, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [[record["protocol"], a["seq"], a["script_code"], a["script_version"], a["question_id"],
                      a["question"], a["answer_index"], a["answer"]] for a in answers])
            order_id = None
            if service_order:
                self._critical(con, "next_id", "service_orders")
                order_id = insert_order(con, protocol=record["protocol"], client_id=record["client_id"],
                                        contract_id=record["contract_id"], at=at,
                                        operator_id=record["operator_id"], **service_order)
            con.execute("INSERT INTO attendance_events (protocol, event_at, operator_id, kind, to_status, to_owner, "
                        "to_queue, order_id) VALUES (?, ?, ?, 'criado', ?, ?, ?, ?)",
                        [record["protocol"], at, record["operator_id"], record["status_code"],
                         record.get("owner_id"), record.get("queue_code"), order_id])
            open_attendances.sync(con, record["protocol"])
            con.execute("UPDATE protocol_log SET outcome = 'registrado', outcome_at = ?, origin_code = ? "
                        "WHERE protocol = ?", [at, record["origin_code"], record["protocol"]])
            self._audit(con, at, record["operator_id"], "atendimento_registrado", "attendance",
                        record["protocol"], {"status": record["status_code"], "os": bool(service_order),
                                             "answers": len(answers)})
            return True

    def add_event(self, protocol: str, *, operator_id: int, roles: Collection[str], at: datetime,
                  note: str | None, to_status: str | None, closes: bool,
                  expected: datetime | None = None) -> str | None:
        """Add a note and/or a status change; returns the previous status, None if unknown.

        ``expected``: the ``updated_at`` the operator saw (ConflictError when it changed since).
        """
        with self._write() as con:
            self._check_actor(con, operator_id, roles)
            self._critical(con, "protocol", protocol)
            state = current_attendance(con, protocol, expected)
            if state is None:
                return None
            current = state.status_code
            if to_status and to_status != current:
                con.execute("""UPDATE attendances SET status_code = ?, updated_at = ?,
                               closed_at = CASE WHEN ? THEN ?::TIMESTAMPTZ ELSE NULL END
                               WHERE protocol = ?""", [to_status, at, closes, at, protocol])
                con.execute("INSERT INTO attendance_events (protocol, event_at, operator_id, kind, from_status, "
                            "to_status, note) VALUES (?, ?, ?, 'status', ?, ?, ?)",
                            [protocol, at, operator_id, current, to_status, note])
                self._audit(con, at, operator_id, "status_alterado", "attendance", protocol,
                            {"de": current, "para": to_status})
            elif note:
                con.execute("UPDATE attendances SET updated_at = ? WHERE protocol = ?", [at, protocol])
                con.execute("INSERT INTO attendance_events (protocol, event_at, operator_id, kind, note) "
                            "VALUES (?, ?, ?, 'nota', ?)", [protocol, at, operator_id, note])
                self._audit(con, at, operator_id, "nota_adicionada", "attendance", protocol, None)
            open_attendances.sync(con, protocol)
            return current
