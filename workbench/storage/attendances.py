"""Attendances: the list, one attendance in full, the finished wizard, follow-up."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import pandas as pd

from workbench.storage.drafts import DraftsMixin

# Sortable columns of the list and the expression each one sorts by.
LIST_ORDER = {
    "protocol": "a.protocol", "title": "t.label", "status": "s.sort", "origin": "og.sort",
    "type": "ty.label", "created_at": "a.created_at", "due_at": "a.due_at",
    "operator": "o.name", "client_id": "a.client_id", "plan": "a.contract_id", "problem": "a.problem",
    "client_name": "c.name",
}


class AttendancesMixin(DraftsMixin):
    def list_attendances(self, *, client_id: int | None, status_codes: list[str] | None, text: str | None,
                         order_by: str, descending: bool, limit: int, offset: int) -> pd.DataFrame:
        """One page (``limit`` + 1 rows, to tell a cut list) of the attendance list.

        Two phases: the page's row ids are chosen reading only the filter and
        sort columns, then the wide columns (problem text...) are read for
        those rows alone: a status list of all 5M attendances reads a few
        columns instead of every problem text.
        """
        direction = "DESC" if descending else "ASC"
        order = LIST_ORDER[order_by]
        where = ["(?::INTEGER IS NULL OR a.client_id = ?)"]
        params: list = [client_id, client_id]
        if status_codes:
            where.append(f"a.status_code IN ({', '.join('?' * len(status_codes))})")
            params += status_codes
        if text:
            where.append("(contains(a.protocol, ?) OR contains(lower(strip_accents(t.label)), ?) "
                         "OR contains(lower(strip_accents(a.problem)), ?))")
            params += [text, text, text]
        joins = {
            "title": "JOIN titles t ON t.code = a.title_code",
            "status": "JOIN statuses s ON s.code = a.status_code",
            "origin": "JOIN origins og ON og.code = a.origin_code",
            "type": "JOIN attendance_types ty ON ty.code = a.type_code",
            "operator": "LEFT JOIN operators o ON o.operator_id = a.operator_id",
            "client_name": "JOIN clients c ON c.client_id = a.client_id",
        }
        needed = [joins["title"]] if text or order_by == "title" else []
        if order_by in joins and order_by != "title":
            needed.append(joins[order_by])
        sql = f"""
            WITH page AS (
                SELECT a.rowid AS rid, {order} AS _k, a.created_at AS _c, a.protocol AS _p
                FROM attendances a {' '.join(needed)}
                WHERE {' AND '.join(where)}
                ORDER BY _k {direction}, _c DESC, _p
                LIMIT ? OFFSET ?)
            SELECT a.protocol, t.label AS title, s.label AS status, og.label AS origin, ty.label AS type,
                   a.created_at, a.due_at, o.name AS operator, a.client_id, c.name AS client_name,
                   pl.name AS plan, a.problem
            FROM page p
            JOIN attendances a ON a.rowid = p.rid
            JOIN titles t ON t.code = a.title_code
            JOIN statuses s ON s.code = a.status_code
            JOIN origins og ON og.code = a.origin_code
            JOIN attendance_types ty ON ty.code = a.type_code
            LEFT JOIN operators o ON o.operator_id = a.operator_id
            LEFT JOIN clients c ON c.client_id = a.client_id
            LEFT JOIN contracts ct ON ct.contract_id = a.contract_id
            LEFT JOIN plans pl ON pl.plan_id = ct.plan_id
            ORDER BY p._k {direction}, p._c DESC, p._p"""
        with self._read() as con:
            return self._df(con, sql, params + [limit + 1, offset])

    def attendance_detail(self, protocol: str) -> tuple[dict, pd.DataFrame, dict | None, pd.DataFrame] | None:
        """(data, script answers, service order, history) of one attendance."""
        with self._read() as con:
            rows = self._rows(con, """
                SELECT a.protocol, a.client_id, c.name AS client_name, c.code AS client_code,
                       pl.name AS plan, r.name AS routing_point,
                       CASE WHEN ct.access_enabled THEN 'Habilitado' ELSE 'Desabilitado' END AS access,
                       og.label AS origin, t.label AS title, ty.label AS type, s.label AS status,
                       s.is_open, a.person_name, a.problem, a.checks_done, a.resolved, a.solution,
                       a.os_requested, o.name AS operator, a.created_at, a.due_at, a.closed_at,
                       a.updated_at, sc.name AS script, a.script_version, a.script_outcome,
                       ty.is_complaint
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
                LEFT JOIN scripts sc ON sc.code = a.script_code
                WHERE a.protocol = ?""", [protocol])
            if not rows:
                return None
            answers = self._df(con, "SELECT seq, question, answer FROM script_answers "
                                    "WHERE protocol = ? ORDER BY seq", [protocol])
            orders = self._rows(con, "SELECT order_id, status, description, created_at, updated_at "
                                     "FROM service_orders WHERE protocol = ? ORDER BY order_id", [protocol])
            history = self._df(con, """
                SELECT e.event_at, o.name AS operator, e.kind, fs.label AS from_status,
                       ts.label AS to_status, e.note
                FROM attendance_events e
                LEFT JOIN operators o USING (operator_id)
                LEFT JOIN statuses fs ON fs.code = e.from_status
                LEFT JOIN statuses ts ON ts.code = e.to_status
                WHERE e.protocol = ? ORDER BY e.event_at""", [protocol])
        return rows[0], answers, (orders[0] if orders else None), history

    def finish_attendance(self, record: dict, answers: list[dict], service_order: dict | None, *,
                          actor_id: int, roles: Collection[str], claim: str | None = None) -> bool:
        """Write the attendance, its answers, its O.S., history and audit in ONE transaction,
        and delete its draft in it.

        False (nothing written) when the protocol is no longer open, or when
        another page (``claim``) holds its draft; SessionRevoked unless
        ``actor_id`` is still active with one of ``roles``.
        """
        at = record["created_at"]
        with self._write() as con:
            self._check_actor(con, actor_id, roles)
            if self._scalar(con, "SELECT outcome FROM protocol_log WHERE protocol = ?", [record["protocol"]]) != "aberto":
                return False
            if not self._check_claim(con, record["protocol"], claim):
                return False
            con.execute("DELETE FROM drafts WHERE draft_key = ?", [record["protocol"]])
            columns = list(record)
            con.execute(f"INSERT INTO attendances ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                        [record[c] for c in columns])
            if answers:
                con.executemany(
                    "INSERT INTO script_answers (protocol, seq, script_code, script_version, question_id, "
                    "question, answer_index, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [[record["protocol"], a["seq"], a["script_code"], a["script_version"], a["question_id"],
                      a["question"], a["answer_index"], a["answer"]] for a in answers])
            if service_order:
                order_id = self._next_id(con, "service_orders", "order_id")
                con.execute("INSERT INTO service_orders (order_id, protocol, client_id, contract_id, status, "
                            "description, created_at, updated_at) VALUES (?, ?, ?, ?, 'Aberta', ?, ?, ?)",
                            [order_id, record["protocol"], record["client_id"], record["contract_id"],
                             service_order["description"], at, at])
            con.execute("INSERT INTO attendance_events (protocol, event_at, operator_id, kind, to_status) "
                        "VALUES (?, ?, ?, 'criado', ?)",
                        [record["protocol"], at, record["operator_id"], record["status_code"]])
            con.execute("UPDATE protocol_log SET outcome = 'registrado', outcome_at = ?, origin_code = ? "
                        "WHERE protocol = ?", [at, record["origin_code"], record["protocol"]])
            self._audit(con, at, record["operator_id"], "atendimento_registrado", "attendance",
                        record["protocol"], {"status": record["status_code"], "os": bool(service_order),
                                             "answers": len(answers)})
            return True

    def add_event(self, protocol: str, *, operator_id: int, roles: Collection[str], at: datetime,
                  note: str | None, to_status: str | None, closes: bool) -> str | None:
        """Add a note and/or a status change; returns the previous status, None if unknown."""
        with self._write() as con:
            self._check_actor(con, operator_id, roles)
            current = self._scalar(con, "SELECT status_code FROM attendances WHERE protocol = ?", [protocol])
            if current is None:
                return None
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
            return current
