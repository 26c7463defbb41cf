"""Reading the desk: a client's record, the attendance list, one attendance in
full, the protocol log, and follow-up (notes, status changes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from workbench.errors import NotFoundError, ValidationError
from workbench.services import arguments
from workbench.services.auth import now
from workbench.services.documents import format_document, format_phone
from workbench.services.fields import RULES
from workbench.services.text import normalize_text

LIST_COLUMNS = ("protocol", "title", "status", "origin", "type", "created_at", "due_at", "operator",
                "client_id", "client_name", "plan", "problem")
MAX_PAGE = 1000
MAX_LOG = 100_000
OUTCOMES = ("aberto", "registrado", "abandonado")


@dataclass
class ClientRecord:
    """What "Cadastro do Cliente" shows (a notebook displays it as tables)."""

    data: dict
    contracts: pd.DataFrame
    summary: dict

    def _repr_html_(self) -> str:
        from workbench.services.record_html import client_html

        return client_html(self)


@dataclass
class AttendanceDetail:
    """Everything one attendance holds (a notebook displays it as tables)."""

    data: dict
    answers: pd.DataFrame
    service_order: dict | None
    history: pd.DataFrame

    def _repr_html_(self) -> str:
        from workbench.services.record_html import attendance_html

        return attendance_html(self)


def client_record(store, client_id) -> ClientRecord:
    client_id = arguments.identifier(client_id, "Cliente")
    found = store.client_record(client_id)
    if found is None:
        raise NotFoundError(f"Cliente {client_id} não encontrado.")
    data, contracts, counts = found
    data = dict(data)
    data["document"] = format_document(data["document"])
    for key in ("phone", "mobile"):
        if data.get(key):
            data[key] = format_phone(data[key])
    summary = {
        "total": int(counts["n"].sum()) if len(counts) else 0,
        "open": int(counts.loc[counts["is_open"], "n"].sum()) if len(counts) else 0,
        "last_at": counts["last_at"].max() if len(counts) else None,
        "by_status": dict(zip(counts["status"], counts["n"].astype(int))),
    }
    return ClientRecord(data, contracts, summary)


def status_codes(reference: dict, status) -> list[str] | None:
    """Codes for a status label/code or a list of them (None = every status)."""
    wanted = arguments.labels(status, "Status")
    if not wanted:
        return None
    table = reference["statuses"]
    codes = []
    for value in wanted:
        key = str(value).strip().casefold()
        match = table[(table["label"].str.casefold() == key) | (table["code"] == key)]
        if match.empty:
            raise ValidationError(f"Status desconhecido: '{str(value)[:60]}'.", field="Status")
        codes.append(match.iloc[0]["code"])
    return codes


def list_attendances(store, reference: dict, *, client_id=None, status=None, text=None, order_by="title",
                     descending=False, limit=200, offset=0) -> pd.DataFrame:
    client_id = arguments.identifier(client_id, "Cliente", optional=True)
    order_by = arguments.choice(order_by, "Ordenar por", LIST_COLUMNS)
    descending = arguments.boolean(descending, "Decrescente")
    limit = arguments.integer(limit, "Quantidade", minimum=1, maximum=MAX_PAGE)
    offset = arguments.integer(offset, "Página", minimum=0, maximum=10**9)
    text = arguments.string(text, "Pesquisar", optional=True, max_len=100_000)
    needle = normalize_text(text)[:RULES["search"].max_len] if text else None
    frame = store.list_attendances(client_id=client_id, status_codes=status_codes(reference, status),
                                   text=needle or None, order_by=order_by, descending=descending,
                                   limit=limit, offset=offset)
    truncated = len(frame) > limit
    frame = frame.iloc[:limit].reset_index(drop=True)
    frame.attrs.update(truncated=truncated, limit=limit, offset=offset)
    return frame


def attendance_detail(store, protocol) -> AttendanceDetail:
    protocol = arguments.protocol(protocol)
    found = store.attendance_detail(protocol)
    if found is None:
        raise NotFoundError(f"Atendimento {protocol} não encontrado.")
    data, answers, order, history = found
    return AttendanceDetail(dict(data), answers, order, history)


def add_followup(session, protocol: str, *, note: str | None, status=None) -> None:
    """A note and/or a status change on an attendance, in ``session``'s name."""
    session.operator.require("atender")
    reference = session.workbench.reference_cached()
    protocol = arguments.protocol(protocol)
    note = arguments.text(note, RULES["note"], required=False) or None
    to_status = closes = None
    if status is not None:
        to_status = status_codes(reference, arguments.string(status, "Status", max_len=100))[0]
        row = reference["statuses"].set_index("code").loc[to_status]
        closes = not bool(row["is_open"])
    if note is None and to_status is None:
        raise ValidationError("Escreva uma nota ou escolha um novo status.", field="Nota")
    with session.acting("atender") as roles:
        previous = session.workbench.store.add_event(str(protocol), operator_id=session.operator.operator_id,
                                                     roles=roles, at=now(), note=note, to_status=to_status,
                                                     closes=bool(closes))
    if previous is None:
        raise NotFoundError(f"Atendimento {protocol} não encontrado.")


def protocol_log(store, *, client_id=None, outcome=None, since: datetime | None = None,
                 until: datetime | None = None, limit: int = 1000) -> pd.DataFrame:
    client_id = arguments.identifier(client_id, "Cliente", optional=True)
    outcome = arguments.choice(outcome, "Situação", OUTCOMES, optional=True)
    since = arguments.timestamp(since, "Desde")
    until = arguments.timestamp(until, "Até")
    if since is not None and until is not None and since > until:
        raise ValidationError("A data inicial (Desde) é posterior à final (Até).", field="Desde")
    limit = arguments.integer(limit, "Quantidade", minimum=1, maximum=MAX_LOG)
    return store.protocol_log(client_id=client_id, outcome=outcome, since=since, until=until, limit=limit)
