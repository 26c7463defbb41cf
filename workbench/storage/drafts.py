"""Drafts: typed work saved as the operator goes, so a reload or a dead kernel loses nothing.

One row per open draft, keyed by ``draft_key``: an attendance being
registered uses its protocol; any other form (a later contact...) a key of
its own. ``state`` is the form's values as JSON, opaque here. ``claim`` is
the token of the page (browser tab) that holds the draft: a save or a finish
carrying another token is refused, so two tabs of one operator never
overwrite each other; the tab that resumes a draft takes the claim.

Every check and its write are one write transaction (serialised with the
finish and the exit of the same protocol by ``_critical`` on PostgreSQL). Drafts of kind
``atendimento`` live exactly as long as their protocol is 'aberto': the
finish, the "Sair sem salvar?" and the stale sweep delete them in the same
transaction that closes the protocol (see ``storage/protocols.py`` and
``storage/attendances.py``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from workbench.storage.base import StoreBase

ATTENDANCE_KIND = "atendimento"
_COLUMNS = "draft_key, kind, operator_id, protocol, client_id, step, state, version, claim, saved_at"


@dataclass(frozen=True)
class DraftRow:
    """One stored draft (``state`` is the JSON text the form saved)."""

    draft_key: str
    kind: str
    operator_id: int
    protocol: str | None
    client_id: int | None
    step: str
    state: str
    version: int
    claim: str
    saved_at: datetime


@dataclass(frozen=True)
class DraftSave:
    """What became of a save: ``outcome`` is 'saved', 'stale' (an older version than the
    one stored: nothing to do), 'claimed' (another page holds the draft), 'closed' (its
    protocol is no longer open) or 'foreign' (another operator's draft)."""

    outcome: str
    version: int | None = None
    saved_at: datetime | None = None


class DraftsMixin(StoreBase):
    def save_draft(self, *, draft_key: str, kind: str, operator_id: int, roles: Collection[str],
                   protocol: str | None, client_id: int | None, step: str, state: str, version: int,
                   claim: str, at: datetime) -> DraftSave:
        """Insert or update a draft held by ``claim``, in one write transaction.

        Refused (nothing written) when another claim holds it, when it belongs
        to another operator, or, for an attendance, when its protocol is no
        longer 'aberto'. A ``version`` not above the stored one is 'stale'
        (a save overtaken by a later one). SessionRevoked unless the operator
        is still active with one of ``roles``.
        """
        with self._write() as con:
            self._check_actor(con, operator_id, roles)
            self._critical(con, "protocol", draft_key)     # an attendance's key is its protocol: the finish's lock
            if kind == ATTENDANCE_KIND and self._scalar(
                    con, "SELECT outcome FROM protocol_log WHERE protocol = ?", [protocol]) != "aberto":
                return DraftSave("closed")
            row = self._one(con, "SELECT operator_id, claim, version FROM drafts WHERE draft_key = ?", [draft_key])
            if row is None:
                con.execute(f"INSERT INTO drafts ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [draft_key, kind, operator_id, protocol, client_id, step, state, version, claim, at])
                return DraftSave("saved", version, at)
            owner, held_by, stored = row
            if owner != operator_id:
                return DraftSave("foreign", stored)
            if held_by != claim:
                return DraftSave("claimed", stored)
            if version <= stored:
                return DraftSave("stale", stored)
            con.execute("UPDATE drafts SET step = ?, state = ?, version = ?, saved_at = ?, client_id = ? "
                        "WHERE draft_key = ?", [step, state, version, at, client_id, draft_key])
            return DraftSave("saved", version, at)

    def claim_draft(self, draft_key: str, *, operator_id: int, roles: Collection[str], claim: str,
                    at: datetime) -> DraftRow | None:
        """Hand the operator's draft to the page holding ``claim`` and return it (None if none).

        The page that held it before has its next save refused ('claimed').
        """
        with self._write() as con:
            self._check_actor(con, operator_id, roles)
            self._critical(con, "protocol", draft_key)
            row = self._draft(con, draft_key)
            if row is None or row.operator_id != operator_id:
                return None
            if row.kind == ATTENDANCE_KIND and self._scalar(
                    con, "SELECT outcome FROM protocol_log WHERE protocol = ?", [row.protocol]) != "aberto":
                con.execute("DELETE FROM drafts WHERE draft_key = ?", [draft_key])
                return None
            con.execute("UPDATE drafts SET claim = ? WHERE draft_key = ?", [claim, draft_key])
            self._audit(con, at, operator_id, "rascunho_retomado", "draft", draft_key, {"kind": row.kind})
            return DraftRow(**{**row.__dict__, "claim": claim})

    def discard_draft(self, draft_key: str, *, operator_id: int, roles: Collection[str], claim: str) -> bool:
        """Delete the operator's draft held by ``claim`` (a form closed on purpose); False if not held."""
        with self._write() as con:
            self._check_actor(con, operator_id, roles)
            deleted = self._rows(con, "DELETE FROM drafts WHERE draft_key = ? AND operator_id = ? AND claim = ? "
                                      "RETURNING draft_key", [draft_key, operator_id, claim])
            return bool(deleted)

    def open_drafts(self, *, operator_id: int, kind: str | None = None) -> list[DraftRow]:
        """The operator's drafts, newest first."""
        with self._read() as con:
            rows = self._rows(con, f"SELECT {_COLUMNS} FROM drafts WHERE operator_id = ? "
                                   "AND (?::VARCHAR IS NULL OR kind = ?) ORDER BY saved_at DESC",
                              [operator_id, kind, kind])
        return [DraftRow(**r) for r in rows]

    def draft(self, draft_key: str) -> DraftRow | None:
        with self._read() as con:
            return self._draft(con, draft_key)

    @classmethod
    def _draft(cls, con, draft_key: str) -> DraftRow | None:
        rows = cls._rows(con, f"SELECT {_COLUMNS} FROM drafts WHERE draft_key = ?", [draft_key])
        return DraftRow(**rows[0]) if rows else None

    @classmethod
    def _check_claim(cls, con, draft_key: str, claim: str | None) -> bool:
        """Inside a write: False when the draft ``draft_key`` exists and another claim holds it."""
        if claim is None:
            return True
        held_by = cls._scalar(con, "SELECT claim FROM drafts WHERE draft_key = ?", [draft_key])
        return held_by is None or held_by == claim
