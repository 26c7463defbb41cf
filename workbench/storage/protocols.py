"""Protocol numbers: the daily counter and the protocol log (RGC art. 9).

A protocol is allocated in its own committed transaction, before anything
else about the contact is known, so a number told to a client never vanishes.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from workbench.frame import Frame

from workbench.storage.drafts import DraftsMixin

MAX_DAILY = 999_999


class ProtocolsMixin(DraftsMixin):
    def allocate_protocol(self, *, day: date, at: datetime, operator_id: int, roles: Collection[str],
                          client_id: int, origin_code: str | None, stale_before: datetime) -> str | None:
        """Next protocol of ``day`` recorded as 'aberto'; None when the client does not exist.

        ``origin_code`` is None until the operator chooses it (:meth:`set_protocol_origin`).
        Also runs the stale sweep (:meth:`_sweep_stale`). Refused (SessionRevoked)
        unless ``operator_id`` is active with one of ``roles``.
        """
        with self._write(batch=True) as con:
            self._check_actor(con, operator_id, roles)
            if not self._one(con, "SELECT 1 FROM clients WHERE client_id = ?", [client_id]):
                return None
            # the sweep before the day's counter: every desk's new protocol waits for that one row,
            # so the transaction holds it for as few statements as it can
            self._sweep_stale(con, at, stale_before)
            seq = self._scalar(con, """
                INSERT INTO protocol_counter (day, last_seq) VALUES (?, 1)
                ON CONFLICT (day) DO UPDATE SET last_seq = protocol_counter.last_seq + 1
                RETURNING last_seq""", [day])
            if seq > MAX_DAILY:
                raise OverflowError("daily protocol sequence exhausted")
            protocol = f"{day:%Y%m%d}{seq:06d}"
            con.execute("INSERT INTO protocol_log (protocol, issued_at, operator_id, client_id, origin_code, outcome) "
                        "VALUES (?, ?, ?, ?, ?, 'aberto')", [protocol, at, operator_id, client_id, origin_code])
            self._audit(con, at, operator_id, "protocolo_gerado", "protocol", protocol,
                        {"client_id": client_id, "origin": origin_code})
            return protocol

    def set_protocol_origin(self, protocol: str, *, origin_code: str, operator_id: int, roles: Collection[str],
                            claim: str | None = None) -> str:
        """Record the origin the operator chose for an open protocol.

        Returns 'ok', 'closed' (the protocol is no longer open) or 'claimed'
        (another page holds its draft: see ``storage/drafts.py``).
        """
        with self._write() as con:
            self._check_actor(con, operator_id, roles)
            self._critical(con, "protocol", protocol)
            if self._scalar(con, "SELECT outcome FROM protocol_log WHERE protocol = ?", [protocol]) != "aberto":
                return "closed"
            if not self._check_claim(con, protocol, claim):
                return "claimed"
            con.execute("UPDATE protocol_log SET origin_code = ? WHERE protocol = ?", [origin_code, protocol])
            return "ok"

    def abandon_protocol(self, protocol: str, *, operator_id: int, roles: Collection[str],
                         origin_code: str | None, at: datetime, claim: str | None = None) -> str:
        """Exit without saving: mark an open protocol abandoned and delete its draft, in one transaction.

        Returns 'abandonado', 'closed' (it was not open) or 'claimed' (another
        page holds its draft; nothing changed). ``origin_code`` None keeps the
        one recorded (none when the operator left at the protocol alert).
        """
        with self._write() as con:
            self._check_actor(con, operator_id, roles)
            self._critical(con, "protocol", protocol)
            state = self._scalar(con, "SELECT outcome FROM protocol_log WHERE protocol = ?", [protocol])
            if state != "aberto":
                return "closed"
            if not self._check_claim(con, protocol, claim):
                return "claimed"
            con.execute("UPDATE protocol_log SET outcome = 'abandonado', outcome_at = ?, "
                        "origin_code = coalesce(?, origin_code) WHERE protocol = ?", [at, origin_code, protocol])
            con.execute("DELETE FROM drafts WHERE draft_key = ?", [protocol])
            self._audit(con, at, operator_id, "atendimento_abandonado", "protocol", protocol, None)
            return "abandonado"

    @staticmethod
    def _sweep_stale(con, at: datetime, stale_before: datetime) -> None:
        """The stale sweep: open protocols issued before ``stale_before`` whose draft was not saved
        since then become 'abandonado' and lose their draft; other drafts untouched since then go."""
        swept = con.execute("""
            UPDATE protocol_log SET outcome = 'abandonado', outcome_at = ?
            WHERE outcome = 'aberto' AND issued_at < ? AND issued_at > ? - INTERVAL '60 days'
              AND protocol NOT IN (SELECT draft_key FROM drafts WHERE saved_at >= ?)
            RETURNING protocol""", [at, stale_before, stale_before, stale_before]).fetchall()
        if swept:
            con.execute("DELETE FROM drafts WHERE draft_key IN (SELECT unnest(?::VARCHAR[]))",
                        [[r[0] for r in swept]])
        con.execute("DELETE FROM drafts WHERE kind <> 'atendimento' AND saved_at < ?", [stale_before])

    def lookup_protocol(self, protocol: str) -> dict | None:
        """One protocol's log entry with its operator and client, and its attendance's codes and
        times when it was registered; None when it was never issued. Reference codes
        (``origin_code``, ``title_code``, ``status_code``) are left for the caller to name.

        One short read of three large tables and one small: ``protocol_log`` and
        ``attendances`` are written in protocol order, so their zone maps leave one row
        group of each to read, and the client's row group follows from its id.
        """
        with self._read() as con:
            rows = self._rows(con, """
                SELECT p.protocol, p.issued_at, o.name AS operator, p.client_id, c.name AS client_name,
                       c.code AS client_code, p.origin_code, p.outcome, p.outcome_at,
                       a.protocol IS NOT NULL AS registered, a.title_code, a.status_code,
                       a.created_at, a.due_at, a.closed_at
                FROM protocol_log p
                LEFT JOIN operators o ON o.operator_id = p.operator_id
                LEFT JOIN clients c ON c.client_id = p.client_id
                LEFT JOIN attendances a ON a.protocol = p.protocol
                WHERE p.protocol = ?""", [protocol])
        return rows[0] if rows else None

    def protocol_state(self, protocol: str) -> str | None:
        with self._read() as con:
            return self._scalar(con, "SELECT outcome FROM protocol_log WHERE protocol = ?", [protocol])

    def protocol_log(self, *, client_id: int | None, outcome: str | None, since: datetime | None,
                     until: datetime | None, limit: int) -> Frame:
        with self._read() as con:
            return self._frame(con, """
                WITH page AS (
                    SELECT * FROM protocol_log
                    WHERE (?::INTEGER IS NULL OR client_id = ?)
                      AND (?::VARCHAR IS NULL OR outcome = ?)
                      AND (?::TIMESTAMPTZ IS NULL OR issued_at >= ?)
                      AND (?::TIMESTAMPTZ IS NULL OR issued_at < ?)
                    ORDER BY issued_at DESC, protocol DESC LIMIT ?)
                SELECT p.protocol, p.issued_at, o.name AS operator, p.client_id, c.name AS client_name,
                       og.label AS origin, p.outcome, p.outcome_at
                FROM page p
                LEFT JOIN operators o USING (operator_id)
                LEFT JOIN clients c ON c.client_id = p.client_id
                LEFT JOIN origins og ON og.code = p.origin_code
                ORDER BY p.issued_at DESC, p.protocol DESC""",
                [client_id, client_id, outcome, outcome, since, since, until, until, limit])
