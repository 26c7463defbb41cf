"""Operators: accounts, password hashes, failed-login counters."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from workbench.storage.base import StoreBase

_COLUMNS = "operator_id, username, name, role, password_hash, active, failed_logins, locked_until"


class OperatorsMixin(StoreBase):
    def operator_by_username(self, username: str) -> dict | None:
        with self._read() as con:
            rows = self._rows(con, f"SELECT {_COLUMNS} FROM operators WHERE username = ?", [username])
        return rows[0] if rows else None

    def password_hashes(self, usernames: list[str]) -> dict[str, str]:
        """Password hashes of the active operators among ``usernames`` (a read: no login is counted)."""
        with self._read() as con:
            rows = con.execute("SELECT username, password_hash FROM operators "
                               "WHERE active AND username IN (SELECT unnest(?::VARCHAR[]))", [list(usernames)]).fetchall()
        return dict(rows)

    def insert_operator(self, username: str, name: str, role: str, password_hash: str,
                        *, actor_id: int | None, at: datetime) -> int | None:
        """Insert an operator; None when the username is taken."""
        with self._write() as con:
            if self._one(con, "SELECT 1 FROM operators WHERE username = ?", [username]):
                return None
            operator_id = self._next_id(con, "operators", "operator_id")
            con.execute("INSERT INTO operators (operator_id, username, name, role, password_hash, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", [operator_id, username, name, role, password_hash, at])
            self._audit(con, at, actor_id, "operador_criado", "operator", operator_id,
                        {"username": username, "role": role})
            return operator_id

    def record_login(self, operator_id: int, *, success: bool, at: datetime,
                     max_failures: int, lock_until: datetime, new_hash: str | None = None) -> None:
        """Count a failed login (locking the account at ``max_failures``) or reset the counter."""
        with self._write() as con:
            if success:
                con.execute("UPDATE operators SET failed_logins = 0, locked_until = NULL, "
                            "password_hash = coalesce(?, password_hash) WHERE operator_id = ?",
                            [new_hash, operator_id])
                self._audit(con, at, operator_id, "login", "operator", operator_id, None)
            else:
                con.execute("""
                    UPDATE operators SET failed_logins = failed_logins + 1,
                        locked_until = CASE WHEN failed_logins + 1 >= ? THEN ?::TIMESTAMPTZ ELSE locked_until END
                    WHERE operator_id = ?""", [max_failures, lock_until, operator_id])
                self._audit(con, at, operator_id, "login_falhou", "operator", operator_id, None)

    def set_operator(self, operator_id: int, *, actor_id: int, at: datetime,
                     active: bool | None = None, role: str | None = None, password_hash: str | None = None) -> bool:
        with self._write() as con:
            if not self._one(con, "SELECT 1 FROM operators WHERE operator_id = ?", [operator_id]):
                return False
            con.execute("""UPDATE operators SET active = coalesce(?, active), role = coalesce(?, role),
                           password_hash = coalesce(?, password_hash),
                           failed_logins = CASE WHEN ? IS NULL THEN failed_logins ELSE 0 END,
                           locked_until = CASE WHEN ? IS NULL THEN locked_until ELSE NULL END
                           WHERE operator_id = ?""",
                        [active, role, password_hash, password_hash, password_hash, operator_id])
            self._audit(con, at, actor_id, "operador_alterado", "operator", operator_id,
                        {"active": active, "role": role, "password_changed": password_hash is not None})
            return True

    def operators(self) -> pd.DataFrame:
        with self._read() as con:
            return self._df(con, "SELECT operator_id, username, name, role, active, failed_logins, locked_until, "
                                 "created_at FROM operators ORDER BY name")
