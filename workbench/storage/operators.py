"""Operators, their password hashes, and the login guard.

Three tables (migration 4):

* ``operators``: who works at the desk, role and state; no secret and no lock
  state, so analysts may query it;
* ``operator_credentials``: the Argon2 hash of each operator;
* ``login_guard``: per normalised username (:func:`login_key`), known or not,
  the failed and the pending (being verified) attempts of the current window,
  and the lock.

A login is two short writes in the gate's login lane around the hash
verification, which is slow and runs outside any transaction:

1. :meth:`OperatorsMixin.begin_login` reserves an attempt (``pending``), or
   refuses it with nothing to verify: the account is locked, or already has
   ``max_failures`` failures (then it locks it); or says "full" while the
   failures and the attempts still being verified reach ``max_failures``
   (the caller retries in a moment: those verifications end in milliseconds);
2. :meth:`OperatorsMixin.finish_login` records the outcome: a failure turns
   its reservation into a failure (and locks at ``max_failures``); a success
   releases only its own reservation, never failures other processes
   recorded meanwhile.

So failures plus verifications in flight never exceed ``max_failures``:
at most that many wrong passwords per window are ever checked, however many
processes guess at once, while parallel logins of one account that succeed
only wait for each other. A window ends ``window`` after its first attempt,
or when its lock ends; the next attempt starts a new one. A reservation that
never reported back (its process died) counts as a failure once the window
has been full for ``stale`` with no new reservation. Unknown and known
usernames go through the same statements.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from workbench.frame import Frame

from workbench.storage.base import StoreBase

OUTCOMES = {"login": "login", "falhou": "login_falhou", "desativado": "login_desativado"}
_GUARD = "SELECT failures, pending, window_start, reserved_at, locked_until FROM login_guard WHERE username_key = ?"


def login_key(username: str) -> str:
    """The key of a username in ``login_guard``: trimmed, NFKC-normalised, case-folded."""
    return unicodedata.normalize("NFKC", (username or "").strip()).casefold()


@dataclass(frozen=True)
class LoginPolicy:
    """The lockout rules the store applies inside its transactions (set by the auth service)."""

    max_failures: int
    window: timedelta
    lock: timedelta
    stale: timedelta


@dataclass(frozen=True)
class LoginTicket:
    """What :meth:`OperatorsMixin.begin_login` decided for one attempt.

    ``state``: ``"reserved"`` (verify ``password_hash``, None for an unknown
    username, then call ``finish_login``), ``"locked"`` until ``locked_until``
    (verify nothing), or ``"full"`` (verify nothing; ask again shortly).
    """

    username: str
    state: str
    window_start: datetime
    locked_until: datetime | None = None
    operator_id: int | None = None
    name: str | None = None
    role: str | None = None
    active: bool = False
    password_hash: str | None = None


class OperatorsMixin(StoreBase):
    # -- login -------------------------------------------------------------------------
    def begin_login(self, username: str, *, at: datetime, client: str | None, policy: LoginPolicy) -> LoginTicket:
        """Reserve one login attempt for ``username`` in ONE write, or refuse it (see the module)."""
        key = login_key(username)
        with self._write(login=True) as con:
            self._critical(con, "login", key)
            con.execute("DELETE FROM login_guard WHERE coalesce(locked_until, window_start + ?) <= ?",
                        [policy.window, at])
            found = self._rows(con, """
                SELECT o.operator_id, o.name, o.role, o.active, c.password_hash
                FROM operators o JOIN operator_credentials c USING (operator_id)
                WHERE o.username = ?""", [username])
            account = found[0] if found else {}
            operator_id = account.get("operator_id")
            row = self._one(con, _GUARD, [key])
            if row is None:
                row = (0, 0, at, None, None)
                con.execute("INSERT INTO login_guard VALUES (?, 0, 0, ?, NULL, NULL)", [key, at])
            failures, pending, window_start, reserved_at, locked_until = row
            full = failures + pending >= policy.max_failures
            if full and pending and locked_until is None and reserved_at <= at - policy.stale:
                failures, pending = failures + pending, 0      # verifications that never reported back
                con.execute("UPDATE login_guard SET failures = ?, pending = 0 WHERE username_key = ?",
                            [failures, key])
            if locked_until is None and failures >= policy.max_failures:
                locked_until = at + policy.lock
                con.execute("UPDATE login_guard SET locked_until = ? WHERE username_key = ?", [locked_until, key])
                self._audit(con, at, operator_id, "conta_bloqueada", "login", username,
                            {"client": client, "failures": int(failures)})
            if locked_until is not None:
                self._audit(con, at, operator_id, "login_bloqueado", "login", username, {"client": client})
                return LoginTicket(username, "locked", window_start, locked_until=locked_until)
            if full:
                return LoginTicket(username, "full", window_start)
            con.execute("UPDATE login_guard SET pending = pending + 1, reserved_at = ? WHERE username_key = ?",
                        [at, key])
        return LoginTicket(username, "reserved", window_start, **account)

    def finish_login(self, ticket: LoginTicket, *, outcome: str, at: datetime, client: str | None,
                     policy: LoginPolicy, new_hash: str | None = None) -> None:
        """Record the outcome of a reserved attempt in ONE write.

        ``outcome``: ``"falhou"`` (wrong password or unknown user: the
        reservation becomes a failure, locking at ``max_failures``), ``"login"``
        or ``"desativado"`` (right password: the reservation is released).
        ``new_hash`` replaces the stored hash after a successful login.
        """
        key = login_key(ticket.username)
        with self._write(login=True) as con:
            self._critical(con, "login", key)
            row = self._one(con, _GUARD, [key])
            mine = 1 if row is not None and row[2] == ticket.window_start else 0   # still in its window
            self._audit(con, at, ticket.operator_id, OUTCOMES[outcome], "login", ticket.username, {"client": client})
            if outcome != "falhou":
                con.execute("UPDATE login_guard SET pending = greatest(pending - ?, 0) WHERE username_key = ?",
                            [mine, key])
                if new_hash is not None and ticket.operator_id is not None:
                    con.execute("UPDATE operator_credentials SET password_hash = ?, changed_at = ? "
                                "WHERE operator_id = ?", [new_hash, at, ticket.operator_id])
                return
            if row is None:       # the window ended meanwhile: this failure opens the next one
                row = (0, 0, at, None, None)
                con.execute("INSERT INTO login_guard VALUES (?, 0, 0, ?, NULL, NULL)", [key, at])
            con.execute("UPDATE login_guard SET failures = failures + 1, pending = greatest(pending - ?, 0) "
                        "WHERE username_key = ?", [mine, key])
            failures, locked_until = row[0] + 1, row[4]
            if failures >= policy.max_failures and locked_until is None:
                con.execute("UPDATE login_guard SET locked_until = ? WHERE username_key = ?", [at + policy.lock, key])
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
            self._critical(con, "login", key)
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
            rows = con.execute("SELECT o.username, c.password_hash FROM operators o "
                               "JOIN operator_credentials c USING (operator_id) "
                               "WHERE o.active AND o.username IN (SELECT unnest(?::VARCHAR[]))",
                               [list(usernames)]).fetchall()
        return dict(rows)

    def insert_operator(self, username: str, name: str, role: str, password_hash: str,
                        *, actor_id: int | None, roles: Collection[str], at: datetime) -> int | None:
        """Insert an operator and its hash; None when the username is taken."""
        with self._write() as con:
            self._check_actor(con, actor_id, roles)
            self._critical(con, "operator", username)
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

    def operators(self, *, at: datetime, window: timedelta) -> Frame:
        """Every operator with the failures of its current window and its lock (no hashes)."""
        with self._read() as con:
            frame = self._frame(con, "SELECT operator_id, username, name, role, active, created_at "
                                  "FROM operators ORDER BY name")
            guard = self._rows(con, "SELECT username_key, failures, locked_until FROM login_guard "
                                    "WHERE coalesce(locked_until, window_start + ?) > ?", [window, at])
        by_key = {g["username_key"]: g for g in guard}
        rows = [by_key.get(login_key(u), {}) for u in frame["username"]]
        frame["failed_logins"] = [int(g.get("failures", 0)) for g in rows]
        frame["locked_until"] = [g.get("locked_until") for g in rows]
        return frame
