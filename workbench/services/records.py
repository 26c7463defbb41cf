"""Reading the desk: a client's record, the attendance list, one attendance in
full, the protocol log, and follow-up (notes, status changes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from workbench.frame import Frame

from workbench.errors import NotFoundError, ValidationError
from workbench.services import arguments
from workbench.services.auth import now
from workbench.services.deadlines import countdown, deadline_state, with_deadlines
from workbench.services.documents import format_document, format_phone
from workbench.services.fields import RULES
from workbench.services.formatting import is_missing
from workbench.services.text import normalize_text
from workbench.storage.attendance_lists import ListQuery
from workbench.storage.dashboard_sql import COMPLAINT_DAYS, DEMAND_DAYS

_now = now

# The columns of every attendance list, in this order: the key ones first (what the desk shows at
# 1366 px: KEY_COLUMNS), the rest on demand, then the raw values behind them (ids, Anatel deadline,
# whether the owner is still active). ``deadline``/``countdown``: see workbench.services.deadlines.
KEY_COLUMNS = ("protocol", "title", "status", "created_at", "due_at", "owner")
LIST_COLUMNS = KEY_COLUMNS + ("queue", "deadline", "countdown", "origin", "type", "operator", "client_id",
                              "client_name", "plan", "problem", "is_open", "updated_at", "closed_at",
                              "anatel_due_at", "owner_id", "owner_active", "queue_code")
ORDER_KEYS = ("protocol", "title", "status", "origin", "type", "created_at", "due_at", "operator", "owner",
              "queue", "client_id", "client_name", "plan", "problem", "urgency")
MAX_PAGE = 1000
MAX_LOG = 100_000
OUTCOMES = ("aberto", "registrado", "abandonado")


@dataclass
class ClientRecord:
    """What "Cadastro do Cliente" shows (a notebook displays it as tables)."""

    data: dict
    contracts: Frame
    summary: dict

    def _repr_html_(self) -> str:
        from workbench.services.record_html import client_html

        return client_html(self)


@dataclass
class AttendanceDetail:
    """Everything one attendance holds (a notebook displays it as tables).

    ``service_order`` is its latest work order (None without one), ``service_orders`` all of them;
    ``contacts`` its later contacts (the first is ``data`` itself); ``history`` every event, with a
    readable ``description``; ``data["updated_at"]`` is what a change made from this view passes as
    ``expected``; ``data["deadline"]``/``["countdown"]`` as in the lists.
    """

    data: dict
    answers: Frame
    service_order: dict | None
    history: Frame
    contacts: Frame = field(default_factory=Frame)
    service_orders: list[dict] = field(default_factory=list)

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
        "open": sum(int(n) for n, o in zip(counts["n"].tolist(), counts["is_open"].tolist()) if o),
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


def queue_codes(reference: dict, queue) -> list[str] | None:
    """Codes for a queue label/code or a list of them (None = every queue)."""
    wanted = arguments.labels(queue, "Fila")
    if not wanted:
        return None
    table = reference["queues"]
    codes = []
    for value in wanted:
        key = str(value).strip().casefold()
        match = table[(table["label"].str.casefold() == key) | (table["code"] == key)]
        if match.empty:
            raise ValidationError(f"Fila desconhecida: '{str(value)[:60]}'.", field="Fila")
        codes.append(match.iloc[0]["code"])
    return codes


def named(frame: Frame, reference: dict) -> Frame:
    """A page of the store's list (codes) with the labels the screens show, from the reference data.

    Plain dictionary look-ups over the page's values (a page is at most :data:`MAX_PAGE` rows): a
    fraction of what ``Series.map`` costs per column on a hot path (the worklist, every queue)."""
    def labels(column: str, table: str, key: str = "code", value: str = "label") -> list:
        ref = reference[table]
        found = dict(zip(ref[key].tolist(), ref[value].tolist()))
        return [found.get(v) for v in frame[column].tolist()]

    statuses = reference["statuses"]
    open_by_code = dict(zip(statuses["code"].tolist(), (bool(v) for v in statuses["is_open"].tolist())))
    return frame.assign(
        title=labels("title_code", "titles"),
        status=labels("status_code", "statuses"),
        is_open=[bool(open_by_code.get(v, False)) for v in frame["status_code"].tolist()],
        origin=labels("origin_code", "origins"),
        type=labels("type_code", "attendance_types"),
        queue=labels("queue_code", "queues"),
        plan=labels("plan_id", "plans", "plan_id", "name"))


def title_codes(reference: dict, needle: str) -> tuple[str, ...]:
    """The titles whose name contains ``needle`` (normalised), as a text search compares them."""
    titles = reference["titles"]
    return tuple(code for code, label in zip(titles["code"], titles["label"]) if needle in normalize_text(label))


def list_attendances(store, reference: dict, *, client_id=None, status=None, text=None, order_by="created_at",
                     descending=True, limit=200, offset=0, owner_id=None, queue=None, unassigned=False,
                     open_only=False, served_by=None, now=None) -> Frame:
    """Any attendance list (see ``Workbench.attendances``): :data:`LIST_COLUMNS`, ``attrs["truncated"]``."""
    client_id = arguments.identifier(client_id, "Cliente", optional=True)
    owner_id = arguments.identifier(owner_id, "Responsável", optional=True)
    order_by = arguments.choice(order_by, "Ordenar por", ORDER_KEYS)
    descending = arguments.boolean(descending, "Decrescente")
    unassigned = arguments.boolean(unassigned, "Sem responsável")
    open_only = arguments.boolean(open_only, "Só em aberto")
    limit = arguments.integer(limit, "Quantidade", minimum=1, maximum=MAX_PAGE)
    offset = arguments.integer(offset, "Página", minimum=0, maximum=10**9)
    text = arguments.string(text, "Pesquisar", optional=True, max_len=100_000)
    now = arguments.timestamp(now, "Agora") or _now()
    needle = normalize_text(text)[:RULES["search"].max_len] if text else None
    query = ListQuery(client_id=client_id, status_codes=tuple(status_codes(reference, status) or ()),
                      text=needle or None, title_codes=title_codes(reference, needle) if needle else (), owner_id=owner_id, queue_codes=tuple(queue_codes(reference, queue) or ()),
                      unassigned=unassigned, served_by=served_by, open_only=open_only, order_by=order_by, descending=descending,
                      limit=limit, offset=offset, now=now)
    frame = store.list_attendances(query)
    truncated = len(frame) > limit
    frame = with_deadlines(named(frame.iloc[:limit].reset_index(drop=True), reference), now)
    frame = frame[list(LIST_COLUMNS)]
    frame.attrs.update(truncated=truncated, limit=limit, offset=offset)
    return frame


def attendance_detail(store, protocol) -> AttendanceDetail:
    protocol = arguments.protocol(protocol)
    found = store.attendance_detail(protocol)
    if found is None:
        raise NotFoundError(f"Atendimento {protocol} não encontrado.")
    data = dict(found.data)
    at = _now()
    anatel = data["created_at"] + timedelta(days=COMPLAINT_DAYS if data.get("is_complaint") else DEMAND_DAYS)
    data["anatel_due_at"] = anatel
    data["deadline"] = deadline_state(bool(data["is_open"]), data["due_at"], anatel, at)
    data["countdown"] = countdown(data["deadline"], data["due_at"], anatel, at)
    history = found.history.copy()
    history["description"] = [describe_event(r) for r in history.to_dict("records")] if len(history) else []
    orders = [dict(o) for o in found.orders]
    return AttendanceDetail(data, found.answers, orders[-1] if orders else None, history, found.contacts, orders)


EVENT_NAMES = {"criado": "Criado", "nota": "Nota", "status": "Status", "contato": "Novo contato",
               "transferencia": "Transferência", "os": "O.S."}


def describe_event(row: dict) -> str:
    """One history event in words (the history table's "Detalhe" column)."""
    kind = row.get("kind")
    parts = []
    if kind == "transferencia":
        before = " / ".join(x for x in (_text(row.get("from_owner")), _text(row.get("from_queue"))) if x) or "ninguém"
        after = " / ".join(x for x in (_text(row.get("to_owner")), _text(row.get("to_queue"))) if x) or "ninguém"
        parts.append(f"De {before} para {after}")
    elif kind == "contato":
        parts.append(f"Contato nº {int(row['contact_seq'])}" if _text(row.get("contact_seq")) else "Contato")
    elif kind == "criado":
        holder = " / ".join(x for x in (_text(row.get("to_owner")), _text(row.get("to_queue"))) if x)
        if holder:
            parts.append(f"Responsável: {holder}")
    if _text(row.get("from_status")) and _text(row.get("to_status")) and row["from_status"] != row["to_status"]:
        parts.append(f"{row['from_status']} → {row['to_status']}")
    elif _text(row.get("to_status")) and kind in ("criado", "contato"):
        parts.append(f"Status: {row['to_status']}")
    if kind == "contato" and _text(row.get("order_id")):
        parts.append(f"O.S. nº {int(row['order_id'])}")
    if _text(row.get("note")):
        parts.append(str(row["note"]))
    return "; ".join(parts)


def _text(value) -> str:
    return "" if is_missing(value) else str(value)


def add_followup(session, protocol: str, *, note: str | None, status=None, expected=None) -> None:
    """A note and/or a status change on an attendance, in ``session``'s name.

    ``expected``: the attendance's ``updated_at`` as the operator saw it; ConflictError (nothing
    written) when someone changed it since."""
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
                                                     closes=bool(closes),
                                                     expected=arguments.timestamp(expected, "Alterado em"))
    if previous is None:
        raise NotFoundError(f"Atendimento {protocol} não encontrado.")


def protocol_log(store, *, client_id=None, outcome=None, since: datetime | None = None,
                 until: datetime | None = None, limit: int = 1000) -> Frame:
    client_id = arguments.identifier(client_id, "Cliente", optional=True)
    outcome = arguments.choice(outcome, "Situação", OUTCOMES, optional=True)
    since = arguments.timestamp(since, "Desde")
    until = arguments.timestamp(until, "Até")
    if since is not None and until is not None and since > until:
        raise ValidationError("A data inicial (Desde) é posterior à final (Até).", field="Desde")
    limit = arguments.integer(limit, "Quantidade", minimum=1, maximum=MAX_LOG)
    return store.protocol_log(client_id=client_id, outcome=outcome, since=since, until=until, limit=limit)
