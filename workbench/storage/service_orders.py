"""Work orders (O.S.): created by a contact, listed with filters, moved through their statuses.

Each change writes the order, its history (``service_order_events``), the
attendance's history (an ``os`` event) and the audit log in ONE transaction,
after checking inside it that the order is still in a status the change may
leave (the services say which) and, when given, that it was not changed since
the operator's screen showed it. Finishing an order may close its attendance
in the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from workbench.frame import Frame

from workbench.errors import ConflictError
from workbench.storage import open_attendances
from workbench.storage.base import StoreBase
from workbench.storage.results import OrderDetail

OPEN_ORDER_STATUSES = ("Aberta", "Agendada", "Em Execução")
CLIENT_ADDRESS = "concat_ws(', ', c.street, c.number, c.district, c.city, c.state, c.zip)"


def insert_order(con, *, protocol: str, client_id: int, contract_id: int, at: datetime, operator_id: int,
                 description: str, address: str | None = None, city: str | None = None,
                 preferred_period: str | None = None) -> int:
    """A new order 'Aberta' and its first history row (inside the caller's write transaction, which
    serialises the next number: ``store._critical(con, "next_id", "service_orders")``).

    ``address``/``city`` default to the client's."""
    order_id = con.execute("SELECT coalesce(max(order_id), 0) + 1 FROM service_orders").fetchall()[0][0]
    con.execute(f"""INSERT INTO service_orders (order_id, protocol, client_id, contract_id, status, description,
                        created_at, updated_at, address, city, preferred_period)
                    SELECT ?, ?, ?, ?, 'Aberta', ?, ?, ?, coalesce(?, {CLIENT_ADDRESS}), coalesce(?, c.city), ?
                    FROM (SELECT 1) AS one LEFT JOIN clients c ON c.client_id = ?""",
                [order_id, protocol, client_id, contract_id, description, at, at, address, city, preferred_period,
                 client_id])
    con.execute("INSERT INTO service_order_events (order_id, event_at, operator_id, to_status, note) "
                "VALUES (?, ?, ?, 'Aberta', ?)", [order_id, at, operator_id, "O.S. pedida no atendimento"])
    return order_id


@dataclass(frozen=True)
class OrderQuery:
    """Filters of the work-order list (checked by the services)."""

    statuses: tuple[str, ...] = ()
    city: str | None = None
    routing_point_id: int | None = None
    technician_id: int | None = None
    since: date | None = None            # the order's day: its scheduled date, else its opening date
    until: date | None = None
    protocol: str | None = None
    limit: int = 200
    offset: int = 0


@dataclass(frozen=True)
class OrderChange:
    """What :meth:`ServiceOrdersMixin.change_service_order` did: ``previous`` None = no such order;
    ``applied`` False = nothing written, ``refused`` says why: ``"status"`` (the order is in a status
    the change may not leave) or ``"technician"`` (inactive or unknown)."""

    previous: str | None
    applied: bool
    protocol: str | None = None
    attendance_closed: bool = False
    refused: str | None = None


class ServiceOrdersMixin(StoreBase):
    def list_service_orders(self, q: OrderQuery) -> Frame:
        """One page (``limit`` + 1 rows) of orders: open ones first, then by day and number."""
        where, params = ["TRUE"], []
        if q.statuses:
            where.append(f"so.status IN ({', '.join('?' * len(q.statuses))})")
            params += list(q.statuses)
        if q.city:
            where.append("so.city = ?")
            params.append(q.city)
        if q.routing_point_id is not None:
            where.append("so.contract_id IN (SELECT contract_id FROM contracts WHERE routing_point_id = ?)")
            params.append(q.routing_point_id)
        if q.technician_id is not None:
            where.append("so.technician_id = ?")
            params.append(q.technician_id)
        day = "coalesce(so.scheduled_on, so.created_at::DATE)"
        if q.since is not None:
            where.append(f"{day} >= ?")
            params.append(q.since)
        if q.until is not None:
            where.append(f"{day} <= ?")
            params.append(q.until)
        if q.protocol:
            where.append("so.protocol = ?")
            params.append(q.protocol)
        open_list = ", ".join("?" * len(OPEN_ORDER_STATUSES))
        sql = f"""
            WITH page AS MATERIALIZED (
                SELECT so.*, {day} AS day, CASE WHEN so.status IN ({open_list}) THEN 0 ELSE 1 END AS _done
                FROM service_orders so WHERE {' AND '.join(where)}
                ORDER BY _done, day, so.order_id LIMIT ? OFFSET ?)
            SELECT p.order_id, p.protocol, p.status, p.day, p.scheduled_on, p.scheduled_period,
                   p.preferred_period, te.name AS technician, p.client_id, c.name AS client_name, p.city,
                   r.name AS routing_point, p.address, p.description, p.created_at, p.updated_at, p.closed_at
            FROM page p
            LEFT JOIN clients c ON c.client_id = p.client_id
            LEFT JOIN contracts ct ON ct.contract_id = p.contract_id
            LEFT JOIN routing_points r ON r.routing_point_id = ct.routing_point_id
            LEFT JOIN technicians te ON te.technician_id = p.technician_id
            ORDER BY p._done, p.day, p.order_id"""
        with self._read() as con:
            return self._frame(con, sql, list(OPEN_ORDER_STATUSES) + params + [q.limit + 1, q.offset])

    def service_order_detail(self, order_id: int) -> OrderDetail | None:
        """(the order with its client, attendance and technician, its history); None when unknown."""
        with self._read() as con:
            rows = self._rows(con, """
                SELECT so.order_id, so.protocol, so.status, so.description, so.address, so.city,
                       so.preferred_period, so.scheduled_on, so.scheduled_period, so.technician_id,
                       te.name AS technician, so.notes, so.created_at, so.updated_at, so.closed_at,
                       so.client_id, c.name AS client_name, c.code AS client_code, pl.name AS plan,
                       r.name AS routing_point, t.label AS title, s.label AS attendance_status,
                       s.is_open AS attendance_open, a.problem
                FROM service_orders so
                LEFT JOIN clients c ON c.client_id = so.client_id
                LEFT JOIN contracts ct ON ct.contract_id = so.contract_id
                LEFT JOIN plans pl ON pl.plan_id = ct.plan_id
                LEFT JOIN routing_points r ON r.routing_point_id = ct.routing_point_id
                LEFT JOIN technicians te ON te.technician_id = so.technician_id
                LEFT JOIN attendances a ON a.protocol = so.protocol
                LEFT JOIN titles t ON t.code = a.title_code
                LEFT JOIN statuses s ON s.code = a.status_code
                WHERE so.order_id = ?""", [order_id])
            if not rows:
                return None
            history = self._frame(con, """
                SELECT e.event_at, o.name AS operator, e.from_status, e.to_status, e.scheduled_on,
                       e.scheduled_period, te.name AS technician, e.note
                FROM service_order_events e
                LEFT JOIN operators o USING (operator_id)
                LEFT JOIN technicians te ON te.technician_id = e.technician_id
                WHERE e.order_id = ? ORDER BY e.event_at""", [order_id])
        return OrderDetail(rows[0], history)

    def active_technician(self, technician_id: int) -> bool | None:
        """True/False for an active/inactive technician; None when unknown."""
        with self._read() as con:
            return self._scalar(con, "SELECT active FROM technicians WHERE technician_id = ?", [technician_id])

    def change_service_order(self, order_id: int, *, actor_id: int, roles: Collection[str], at: datetime,
                             to_status: str, allowed_from: Collection[str], note: str | None,
                             scheduled_on: date | None = None, scheduled_period: str | None = None,
                             technician_id: int | None = None, expected: datetime | None = None,
                             close_attendance: dict | None = None) -> OrderChange:
        """Move an order to ``to_status`` (or keep it there with a new schedule or note), in ONE write.

        ``allowed_from``: the statuses the order may be in; ``close_attendance``
        (``{"status_code", "solution"}``) closes its attendance in the same transaction
        when it is still open. The technician, when given, must be active.
        """
        with self._write() as con:
            self._check_actor(con, actor_id, roles)
            self._critical(con, "service_order", order_id)
            row = self._one(con, "SELECT status, protocol, updated_at FROM service_orders WHERE order_id = ?",
                            [order_id])
            if row is None:
                return OrderChange(None, False)
            previous, protocol, updated_at = row
            self._critical(con, "protocol", protocol)      # its attendance may be closed in this transaction
            if expected is not None and updated_at != expected:
                by = self._scalar(con, "SELECT o.name FROM service_order_events e LEFT JOIN operators o "
                                       "USING (operator_id) WHERE e.order_id = ? ORDER BY e.event_at DESC LIMIT 1",
                                  [order_id])
                raise ConflictError(f"A O.S. nº {order_id}", by=by, at=updated_at)
            if previous not in allowed_from:
                return OrderChange(previous, False, protocol, refused="status")
            if technician_id is not None and not self._scalar(
                    con, "SELECT active FROM technicians WHERE technician_id = ?", [technician_id]):
                return OrderChange(previous, False, protocol, refused="technician")
            final = to_status in ("Finalizada", "Cancelada")
            con.execute("""UPDATE service_orders SET status = ?, updated_at = ?,
                               scheduled_on = coalesce(?, scheduled_on), scheduled_period = coalesce(?, scheduled_period),
                               technician_id = coalesce(?, technician_id),
                               notes = CASE WHEN ?::VARCHAR IS NULL THEN notes
                                            ELSE concat_ws(chr(10), notes, ?::VARCHAR) END,
                               closed_at = CASE WHEN ? THEN ?::TIMESTAMPTZ END
                           WHERE order_id = ?""",
                        [to_status, at, scheduled_on, scheduled_period, technician_id, note, note, final, at,
                         order_id])
            con.execute("""INSERT INTO service_order_events (order_id, event_at, operator_id, from_status, to_status,
                               scheduled_on, scheduled_period, technician_id, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        [order_id, at, actor_id, previous, to_status, scheduled_on, scheduled_period, technician_id,
                         note])
            self._audit(con, at, actor_id, "os_alterada", "service_order", order_id,
                        {"de": previous, "para": to_status, "protocolo": protocol})
            closed = self._order_on_attendance(con, protocol, order_id, previous, to_status, actor_id, at,
                                               close_attendance)
            return OrderChange(previous, True, protocol, closed)

    def _order_on_attendance(self, con, protocol: str, order_id: int, previous: str, to_status: str,
                             actor_id: int, at: datetime, close: dict | None) -> bool:
        """The order's change in its attendance's history; closes the attendance when asked. True if closed."""
        current = self._one(con, "SELECT a.status_code, s.is_open FROM attendances a JOIN statuses s "
                                 "ON s.code = a.status_code WHERE a.protocol = ?", [protocol])
        change = f"O.S. nº {order_id}: {previous} → {to_status}" if previous != to_status else f"O.S. nº {order_id}"
        if close and current and current[1]:
            con.execute("""UPDATE attendances SET status_code = ?, updated_at = ?, closed_at = ?,
                               solution = coalesce(solution, ?) WHERE protocol = ?""",
                        [close["status_code"], at, at, close.get("solution"), protocol])
            con.execute("INSERT INTO attendance_events (protocol, event_at, operator_id, kind, from_status, to_status, "
                        "note, order_id) VALUES (?, ?, ?, 'os', ?, ?, ?, ?)",
                        [protocol, at, actor_id, current[0], close["status_code"],
                         f"{change}; atendimento encerrado" + (f": {close['solution']}" if close.get("solution") else ""),
                         order_id])
            self._audit(con, at, actor_id, "status_alterado", "attendance", protocol,
                        {"de": current[0], "para": close["status_code"], "os": order_id})
            open_attendances.sync(con, protocol)
            return True
        con.execute("INSERT INTO attendance_events (protocol, event_at, operator_id, kind, note, order_id) "
                    "VALUES (?, ?, ?, 'os', ?, ?)", [protocol, at, actor_id, change, order_id])
        return False
