"""Protocol numbers: the daily counter and the protocol log (RGC art. 9).

A protocol is allocated in its own committed transaction, before anything
else about the contact is known, so a number told to a client never vanishes.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

import pandas as pd

from workbench.storage.base import StoreBase

MAX_DAILY = 999_999


class ProtocolsMixin(StoreBase):
    def allocate_protocol(self, *, day: date, at: datetime, operator_id: int, roles: Collection[str],
                          client_id: int, origin_code: str, stale_before: datetime) -> str | None:
        """Next protocol of ``day`` recorded as 'aberto'; None when the client does not exist.

        Also marks as abandoned the open protocols issued before ``stale_before``.
        Refused (SessionRevoked) unless ``operator_id`` is active with one of ``roles``.
        """
        with self._write() as con:
            self._check_actor(con, operator_id, roles)
            if not self._one(con, "SELECT 1 FROM clients WHERE client_id = ?", [client_id]):
                return None
            seq = self._scalar(con, """
                INSERT INTO protocol_counter (day, last_seq) VALUES (?, 1)
                ON CONFLICT (day) DO UPDATE SET last_seq = last_seq + 1
                RETURNING last_seq""", [day])
            if seq > MAX_DAILY:
                raise OverflowError("daily protocol sequence exhausted")
            protocol = f"{day:%Y%m%d}{seq:06d}"
            con.execute("INSERT INTO protocol_log (protocol, issued_at, operator_id, client_id, origin_code, outcome) "
                        "VALUES (?, ?, ?, ?, ?, 'aberto')", [protocol, at, operator_id, client_id, origin_code])
            con.execute("""UPDATE protocol_log SET outcome = 'abandonado', outcome_at = ?
                           WHERE outcome = 'aberto' AND issued_at < ? AND issued_at > ? - INTERVAL 60 DAY""",
                        [at, stale_before, stale_before])
            self._audit(con, at, operator_id, "protocolo_gerado", "protocol", protocol,
                        {"client_id": client_id, "origin": origin_code})
            return protocol

    def abandon_protocol(self, protocol: str, *, operator_id: int, roles: Collection[str], origin_code: str,
                         at: datetime) -> bool:
        """Mark an open protocol abandoned (exit without saving); False if it was not open."""
        with self._write() as con:
            self._check_actor(con, operator_id, roles)
            state = self._scalar(con, "SELECT outcome FROM protocol_log WHERE protocol = ?", [protocol])
            if state != "aberto":
                return False
            con.execute("UPDATE protocol_log SET outcome = 'abandonado', outcome_at = ?, origin_code = ? "
                        "WHERE protocol = ?", [at, origin_code, protocol])
            self._audit(con, at, operator_id, "atendimento_abandonado", "protocol", protocol, None)
            return True

    def protocol_state(self, protocol: str) -> str | None:
        with self._read() as con:
            return self._scalar(con, "SELECT outcome FROM protocol_log WHERE protocol = ?", [protocol])

    def protocol_log(self, *, client_id: int | None, outcome: str | None, since: datetime | None,
                     until: datetime | None, limit: int) -> pd.DataFrame:
        with self._read() as con:
            return self._df(con, """
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
