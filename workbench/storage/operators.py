"""Operators, their password hashes, and the login guard.

Three tables (migration 4):

* ``operators``: who works at the desk, role and state; no secret and no lock
  state, so analysts may query it;
* ``operator_credentials``: the Argon2 hash of each operator;
* ``login_guard``: per normalised username (:func:`login_key`), known or not,
  the failed and in-flight attempts of the current window and the lock.

A login is two short writes in the gate's login lane around the hash
verification, which is slow and runs outside any transaction:

1. :meth:`OperatorsMixin.begin_login` reserves an attempt, or refuses it
   without anything to verify (the account is locked, or the window already
   holds ``max_failures`` attempts: then it locks the account);
2. :meth:`OperatorsMixin.finish_login` records the outcome: a failure keeps
   its reservation (and locks at ``max_failures``); a success releases only
   its own reservation, never failures other processes recorded meanwhile.

So at most ``max_failures`` verifications per window can ever run, however
many processes guess at once. A window ends ``window`` after its first
attempt, or when its lock ends; the next attempt starts a new one.
Unknown and known usernames go through the same statements.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from workbench.storage.base import StoreBase

OUTCOMES = {"login": "login", "falhou": "login_falhou", "desativado": "login_desativado"}


def login_key(username: str) -> str:
    """The key of a username in ``login_guard``: trimmed, NFKC-normalised, case-folded."""
    return unicodedata.normalize("NFKC", (username or "").strip()).casefold()


@dataclass(frozen=True)
class LoginTicket:
    """What :meth:`OperatorsMixin.begin_login` decided for one attempt.

    ``refused``: the account is locked until ``locked_until``; nothing is to be
    verified. Otherwise an attempt is reserved in the window that started at
    ``window_start``; ``password_hash`` is None for an unknown username.
    """

    username: str
    window_start: datetime
    refused: bool
    locked_until: datetime | None = None
    operator_id: int | None = None
    name: str | None = None
    role: str | None = None
    active: bool = False
    password_hash: str | None = None


class OperatorsMixin(StoreBase):
    # -- login -------------------------------------------------------------------------
    def begin_login(self, username: str, *, at: datetime, client: str | None, max_failures: int,
                    window: timedelta, lock: timedelta) -> LoginTicket:
        """Reserve one login attempt for ``username`` in ONE write, or refuse it (locked)."""
        key = login_key(username)
        with self._write(login=True) as con:
            con.execute("DELETE FROM login_guard WHERE coalesce(locked_until, window_start + ?) <= ?", [window, at])
            found = self._rows(con, """
                SELECT o.operator_id, o.name, o.role, o.active, c.password_hash
                FROM operators o JOIN operator_credentials c USING (operator_id)
                WHERE o.username = ?""", [username])
            account = found[0] if found else {}
            operator_id = account.get("operator_id")
            row = self._one(con, "SELECT failures, window_start, locked_until FROM login_guard "
                                 "WHERE username_key = ?", [key])
            if row is None:
                row = (0, at, None)
                con.execute("INSERT INTO login_guard VALUES (?, 0, ?, NULL)", [key, at])
            failures, window_start, locked_until = row
            if locked_until is None and failures >= max_failures:
                locked_until = at + lock
                con.execute("UPDATE login_guard SET locked_until = ? WHERE username_key = ?", [locked_until, key])
                self._audit(con, at, operator_id, "conta_bloqueada", "login", username,
                            {"client": client, "failures": int(failures)})
            if locked_until is not None:
                self._audit(con, at, operator_id, "login_bloqueado", "login", username, {"client": client})
                return LoginTicket(username, window_start, refused=True, locked_until=locked_until)
            con.execute("UPDATE login_guard SET failures = failures + 1 WHERE username_key = ?", [key])
        return LoginTicket(username, window_start, refused=False, **account)

    def finish_login(self, ticket: LoginTicket, *, outcome: str, at: datetime, client: str | None,
                     max_failures: int, lock: timedelta, new_hash: str | None = None) -> None:
        """Record the outcome of a reserved attempt in ONE write.

        ``outcome``: ``"falhou"`` (wrong password or unknown user: the
        reservation stays, and locks at ``max_failures``), ``"login"`` or
        ``"desativado"`` (right password: the reservation is released).
        ``new_hash`` replaces the stored hash after a successful login.
        """
        key = login_key(ticket.username)
        details = {"client": client}
        with self._write(login=True) as con:
            row = self._one(con, "SELECT failures, window_start, locked_until FROM login_guard "
                                 "WHERE username_key = ?", [key])
            same_window = row is not None and row[1] == ticket.window_start
            self._audit(con, at, ticket.operator_id, OUTCOMES[outcome], "login", ticket.username, details)
            if outcome != "falhou":
                if same_window:
                    con.execute("UPDATE login_guard SET failures = greatest(failures - 1, 0) "
                                "WHERE username_key = ?", [key])
                if new_hash is not None and ticket.operator_id is not None:
                    con.execute("UPDATE operator_credentials SET password_hash = ?, changed_at = ? "
                                "WHERE operator_id = ?", [new_hash, at, ticket.operator_id])
                return
            if row is None:       # the window ended meanwhile: this failure opens the next one
                row = (1, at, None)
                con.execute("INSERT INTO login_guard VALUES (?, 1, ?, NULL)", [key, at])
            elif not same_window:
                row = (row[0] + 1, row[1], row[2])
                con.execute("UPDATE login_guard SET failures = failures + 1 WHERE username_key = ?", [key])
            failures, _start, locked_until = row
            if failures >= max_failures and locked_until is None:
                con.execute("UPDATE login_guard SET locked_until = ? WHERE username_key = ?", [at + lock, key])
                self._audit(con, at, ticket.operator_id, "conta_bloqueada", "login", ticket.username,
                            {"client": client, "failures": int(failures)})

    def unlock_operator(self, username: str, *, actor_id: int | None, roles: Collection[str], at: datetime,
                        client: str | None) -> bool:
        """Clear the failures and the lock of an operator's username; False when no such operator."""
        with self._write() as con:
            self._check_actor(con, actor_id, roles)
            operator_id = self._scalar(con, "SELECT operator_id FROM operators WHERE username = ?", [username])
            if operator_id is None:
                return False
            key = login_key(username)
            before = self._one(con, "SELECT failures, locked_until FROM login_guard WHERE username_key = ?", [key])
            con.execute("DELETE FROM login_guard WHERE username_key = ?", [key])
            self._audit(con, at, actor_id, "conta_desbloqueada", "operator", operator_id,
                        {"username": username, "client": client,
                         "failures": int(before[0]) if before else 0,
                         "locked_until": before[1] if before else None})
            return True

    # -- accounts ----------------------------------------------------------------------
    def operator_id_by_username(self, username: str) -> int | None:
        with self._read() as con:
            return self._scalar(con, "SELECT operator_id FROM operators WHERE username = ?", [username])

    def password_hashes(self, usernames: list[str]) -> dict[str, str]:
        """Password hashes of the active operators among ``usernames`` (a read: no login is counted)."""
        with self._read() as con:
            rows = con.execute("SELECT username, password_hash FROM operators "
                               "WHERE active AND username IN (SELECT unnest(?::VARCHAR[]))", [list(usernames)]).fetchall()
        return dict(rows)

    def insert_operator(self, username: str, name: str, role: str, password_hash: str,
                        *, actor_id: int | None, roles: Collection[str], at: datetime) -> int | None:
        """Insert an operator and its hash; None when the username is taken."""
        with self._write() as con:
            self._check_actor(con, actor_id, roles)
            if self._one(con, "SELECT 1 FROM operators WHERE username = ?", [username]):
                return None
            operator_id = self._next_id(con, "operators", "operator_id")
            con.execute("INSERT INTO operators (operator_id, username, name, role, created_at) "
                        "VALUES (?, ?, ?, ?, ?)", [operator_id, username, name, role, at])
            con.execute("INSERT INTO operator_credentials VALUES (?, ?, ?)", [operator_id, password_hash, at])
            self._audit(con, at, actor_id, "operador_criado", "operator", operator_id,
                        {"username": username, "role": role})
            return operator_id

    def set_operator(self, operator_id: int, *, actor_id: int | None, roles: Collection[str], at: datetime,
                     active: bool | None = None, role: str | None = None, password_hash: str | None = None) -> bool:
        """Change an operator's state, role or password (a new password also clears its lock)."""
        with self._write() as con:
            self._check_actor(con, actor_id, roles)
            username = self._scalar(con, "SELECT username FROM operators WHERE operator_id = ?", [operator_id])
            if username is None:
                return False
            con.execute("UPDATE operators SET active = coalesce(?, active), role = coalesce(?, role) "
                        "WHERE operator_id = ?", [active, role, operator_id])
            if password_hash is not None:
                con.execute("UPDATE operator_credentials SET password_hash = ?, changed_at = ? "
                            "WHERE operator_id = ?", [password_hash, at, operator_id])
                con.execute("DELETE FROM login_guard WHERE username_key = ?", [login_key(username)])
            self._audit(con, at, actor_id, "operador_alterado", "operator", operator_id,
                        {"active": active, "role": role, "password_changed": password_hash is not None})
            return True

    def operators(self, *, at: datetime, window: timedelta) -> pd.DataFrame:
        """Every operator with the failures of its current window and its lock (no hashes)."""
        with self._read() as con:
            frame = self._df(con, "SELECT operator_id, username, name, role, active, created_at "
                                  "FROM operators ORDER BY name")
            guard = self._rows(con, "SELECT username_key, failures, locked_until FROM login_guard "
                                    "WHERE coalesce(locked_until, window_start + ?) > ?", [window, at])
        by_key = {g["username_key"]: g for g in guard}
        rows = [by_key.get(login_key(u), {}) for u in frame["username"]]
        frame["failed_logins"] = [int(g.get("failures", 0)) for g in rows]
        frame["locked_until"] = pd.Series([g.get("locked_until") for g in rows], index=frame.index,
                                          dtype=frame["created_at"].dtype)      # the desk's time zone
        return frame
