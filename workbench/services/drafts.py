"""Drafts: any form's typed values saved as the operator goes (UI-free).

A form (the Novo Atendimento wizard, a later contact...) describes what is on
screen as a :class:`DraftSnapshot` and hands it to :func:`save`
(``session.save_draft``); after a reload, :func:`resumable`
(``session.drafts()``) lists the operator's drafts and :func:`claim`
(``session.claim_draft``) hands one to the page that resumes it. Each page
holds its draft with a claim token: once another page has claimed the draft,
this page's saves are refused with :class:`workbench.errors.DraftConflict`
(what it shows stays on screen), so two tabs never overwrite each other.

Drafts of kind ``atendimento`` are keyed by their protocol and live as long
as it is open; other kinds choose their key (e.g. ``"contato:<protocol>"``) and
are deleted with :func:`discard` or by the stale sweep after
``WORKBENCH_STALE_DRAFT_HOURS`` untouched.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from workbench.errors import DraftConflict, ValidationError
from workbench.services import arguments
from workbench.services.auth import now

if TYPE_CHECKING:
    from workbench.services.session import Session

ATTENDANCE = "atendimento"
MAX_STATE = 1_000_000           # characters of JSON; a form's typed text is far below


def new_claim() -> str:
    """A fresh claim token: one per page (tab) holding a draft."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class DraftSnapshot:
    """What a form hands to :func:`save`: its key, kind, step and typed values.

    ``version`` must grow with every snapshot of the same draft (a save
    overtaken by a later one is then ignored); ``claim`` is the page's token.
    """

    key: str
    kind: str
    step: str
    values: dict
    version: int
    claim: str
    protocol: str | None = None
    client_id: int | None = None


@dataclass(frozen=True)
class Draft:
    """A stored draft, as :func:`resumable` and :func:`claim` return it."""

    key: str
    kind: str
    protocol: str | None
    client_id: int | None
    step: str
    values: dict = field(repr=False)
    version: int
    claim: str
    saved_at: datetime


@dataclass(frozen=True)
class Saved:
    """A save that went through (or was overtaken by a later one: ``version`` is the stored one)."""

    version: int
    saved_at: datetime | None


def save(session: "Session", snapshot: DraftSnapshot) -> Saved:
    """Store ``snapshot`` for the page holding ``snapshot.claim``; one short write.

    Raises :class:`DraftConflict` when another page took the draft over, when
    it is another operator's, or (an attendance) when its protocol is no longer
    open; nothing is written then.
    """
    key = arguments.string(snapshot.key, "Rascunho", max_len=200)
    kind = arguments.string(snapshot.kind, "Tipo de rascunho", max_len=40)
    step = arguments.string(snapshot.step, "Passo", max_len=40)
    version = arguments.integer(snapshot.version, "Versão", minimum=1)
    state = json.dumps(snapshot.values, ensure_ascii=False, default=str)
    if len(state) > MAX_STATE:
        raise ValidationError("O rascunho é grande demais para ser salvo.", field="Rascunho")
    with session.acting("atender") as roles:
        result = session.workbench.store.save_draft(
            draft_key=key, kind=kind, operator_id=session.operator.operator_id, roles=roles,
            protocol=snapshot.protocol, client_id=snapshot.client_id, step=step, state=state, version=version,
            claim=snapshot.claim, at=now())
    if result.outcome in ("saved", "stale"):
        return Saved(result.version, result.saved_at)
    raise conflict(result.outcome, snapshot.protocol or key)


def conflict(reason: str, what: str, state: str | None = None) -> DraftConflict:
    """The refusal of a save, finish or exit, in the operator's words."""
    if reason == "claimed":
        message = (f"O atendimento do protocolo nº {what} foi retomado em outra aba ou janela: o que foi "
                   "digitado aqui depois disso não foi salvo. Continue por lá, ou continue nesta aba.")
    elif reason == "foreign":
        message = f"O rascunho {what} é de outro operador: nada foi salvo."
    else:
        message = (f"O protocolo nº {what} não está mais aberto (situação: {state or 'encerrado'}): "
                   "o que foi digitado aqui não foi salvo.")
    return DraftConflict(message, reason=reason)


def resumable(session: "Session", kind: str | None = None) -> list[Draft]:
    """The operator's drafts (of ``kind``), newest first."""
    kind = arguments.string(kind, "Tipo de rascunho", optional=True, max_len=40)
    rows = session.workbench.store.open_drafts(operator_id=session.operator.operator_id, kind=kind)
    return [_draft(r) for r in rows]


def claim(session: "Session", key: str, token: str | None = None) -> Draft | None:
    """Hand the operator's draft ``key`` to this page (a new claim token unless ``token``);
    None when there is none (finished, abandoned, swept, or never saved). The page's next
    snapshots must carry versions above the returned draft's ``version``."""
    key = arguments.string(key, "Rascunho", max_len=200)
    with session.acting("atender") as roles:
        row = session.workbench.store.claim_draft(key, operator_id=session.operator.operator_id, roles=roles,
                                                  claim=token or new_claim(), at=now())
    return None if row is None else _draft(row)


def discard(session: "Session", key: str, token: str) -> bool:
    """Delete the draft ``key`` held by ``token`` (a form closed on purpose); False when not held."""
    key = arguments.string(key, "Rascunho", max_len=200)
    with session.acting("atender") as roles:
        return session.workbench.store.discard_draft(key, operator_id=session.operator.operator_id, roles=roles,
                                                     claim=token)


def _draft(row) -> Draft:
    try:
        values = json.loads(row.state)
    except ValueError:
        values = {}
    return Draft(key=row.draft_key, kind=row.kind, protocol=row.protocol, client_id=row.client_id, step=row.step,
                 values=values if isinstance(values, dict) else {}, version=row.version, claim=row.claim,
                 saved_at=row.saved_at)
