"""Work orders (O.S.): the list with its filters, one order in full, and its workflow.

Statuses and the changes allowed from each (:data:`TRANSITIONS`)::

    Aberta ──► Agendada ──► Em Execução ──► Finalizada
      │          │  ▲ (reagendar)  │
      └──────────┴──┴──────────────┴──────► Cancelada

Scheduling (to Agendada, also again to reschedule) needs the date, the
period and an active technician; cancelling needs the reason; finishing asks
whether the attendance is resolved: yes (with the solution) closes it as
Concluído in the same transaction, no leaves it open. A change out of order
(Aberta → Finalizada, anything after Finalizada or Cancelada) is refused
with the steps allowed. Every change is in the order's history, the
attendance's history and the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from workbench.frame import Frame

from workbench.errors import NotFoundError, ValidationError
from workbench.services import arguments
from workbench.services.auth import now
from workbench.services.fields import RULES
from workbench.storage.service_orders import OrderQuery

STATUSES = ("Aberta", "Agendada", "Em Execução", "Finalizada", "Cancelada")
OPEN_STATUSES = STATUSES[:3]
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "Aberta": ("Agendada", "Cancelada"),
    "Agendada": ("Agendada", "Em Execução", "Cancelada"),
    "Em Execução": ("Finalizada", "Agendada", "Cancelada"),
    "Finalizada": (),
    "Cancelada": (),
}
PERIODS = {"manha": "Manhã", "tarde": "Tarde", "qualquer": "Qualquer horário"}
SCHEDULE_PERIODS = ("manha", "tarde")
F_STATUS, F_DATE, F_PERIOD, F_TECH = "Status da O.S.", "Data agendada", "Período", "Técnico"
F_RESOLVED, F_SOLUTION, F_PREFERRED = "Atendimento resolvido", RULES["solution"].label, "Período preferido"
CLOSED_BY_ORDER = "concluido"
MAX_PAGE = 1000


@dataclass
class ServiceOrderDetail:
    """One order: ``data`` (with its client, attendance, technician) and ``history``;
    ``next_statuses`` the statuses it may go to now."""

    data: dict
    history: Frame
    next_statuses: tuple[str, ...]


def period_code(value, field: str = F_PERIOD, allowed=tuple(PERIODS)) -> str:
    """A period given as its code (manha) or its name (Manhã)."""
    text = arguments.string(value, field, max_len=40)
    for code in allowed:
        if text.casefold() in (code, PERIODS[code].casefold()):
            return code
    raise ValidationError(f"{field}: use {', '.join(PERIODS[c] for c in allowed)} (recebido '{text[:40]}').",
                          field=field)


def order_request(*, address=None, period="qualquer") -> dict:
    """The order a contact asks for: the address confirmed with the client (None: the client's on
    file) and the preferred period; the keyword arguments of the store's ``insert_order``."""
    address = arguments.text(address, RULES["os_address"], required=False) if address is not None else None
    return {"address": address or None, "preferred_period": period_code(period, F_PREFERRED)}


def _technician_id(reference: dict, value) -> int:
    table = reference["technicians"]
    if isinstance(value, str) and not value.strip().isdigit():
        match = table[table["name"].str.casefold() == value.strip().casefold()]
        if match.empty:
            raise ValidationError(f"Técnico desconhecido: '{value[:60]}'.", field=F_TECH)
        return int(match.iloc[0]["technician_id"])
    technician_id = arguments.identifier(value, F_TECH)
    if technician_id not in set(table["technician_id"].astype(int)):
        raise ValidationError(f"Técnico {technician_id} não cadastrado.", field=F_TECH)
    return technician_id


def list_service_orders(store, reference: dict, *, status=None, city=None, routing_point=None, technician=None,
                        since=None, until=None, protocol=None, limit=200, offset=0) -> Frame:
    """Orders matching every filter given, open ones first, then by day (the scheduled date, else the
    opening date) and number; ``attrs["truncated"]``."""
    wanted = arguments.labels(status, F_STATUS) or []
    for value in wanted:
        arguments.choice(value, F_STATUS, STATUSES)
    city = arguments.string(city, "Cidade", optional=True, max_len=80) or None
    routing_point = arguments.identifier(routing_point, "Ponto de Roteamento", optional=True)
    technician_id = _technician_id(reference, technician) if technician is not None else None
    since, until = _day(since, "Desde"), _day(until, "Até")
    if since and until and since > until:
        raise ValidationError("A data inicial (Desde) é posterior à final (Até).", field="Desde")
    protocol = arguments.protocol(protocol) if protocol is not None else None
    limit = arguments.integer(limit, "Quantidade", minimum=1, maximum=MAX_PAGE)
    offset = arguments.integer(offset, "Página", minimum=0, maximum=10**9)
    frame = store.list_service_orders(OrderQuery(tuple(wanted), city, routing_point, technician_id, since, until,
                                                 protocol, limit, offset))
    truncated = len(frame) > limit
    frame = frame.iloc[:limit].reset_index(drop=True)
    for column in ("scheduled_period", "preferred_period"):
        frame[column] = frame[column].map(lambda v: PERIODS.get(v, "") if isinstance(v, str) else "")
    frame.attrs.update(truncated=truncated, limit=limit, offset=offset)
    return frame


def service_order(store, order_id) -> ServiceOrderDetail:
    order_id = arguments.identifier(order_id, "O.S.")
    found = store.service_order_detail(order_id)
    if found is None:
        raise NotFoundError(f"O.S. nº {order_id} não encontrada.")
    data, history = found
    data = dict(data)
    for column in ("scheduled_period", "preferred_period"):
        data[column + "_label"] = PERIODS.get(data.get(column) or "", "")
    history = history.assign(scheduled_period=history["scheduled_period"].map(
        lambda v: PERIODS.get(v, "") if isinstance(v, str) else ""))
    return ServiceOrderDetail(data, history, TRANSITIONS.get(data["status"], ()))


def change_service_order(session, order_id, status, *, scheduled_on=None, period=None, technician=None,
                         note=None, attendance_resolved=None, solution=None, expected=None) -> ServiceOrderDetail:
    """Move an order to ``status`` (see the module for what each status needs); returns it as it is now."""
    session.operator.require("atender")
    reference = session.workbench.reference_cached()
    order_id = arguments.identifier(order_id, "O.S.")
    status = arguments.choice(arguments.string(status, F_STATUS, max_len=40), F_STATUS, STATUSES)
    note = arguments.text(note, RULES["os_notes"], required=False) or None
    expected = arguments.timestamp(expected, "Alterado em")
    schedule: dict = {}
    errors: dict[str, str] = {}
    if status == "Agendada":
        try:
            schedule["scheduled_on"] = _day(scheduled_on, F_DATE)
            if schedule["scheduled_on"] is None:
                errors[F_DATE] = "Informe a data agendada."
        except ValidationError as exc:
            errors[F_DATE] = exc.message
        try:
            schedule["scheduled_period"] = period_code(period, F_PERIOD, SCHEDULE_PERIODS) if period else None
            if not period:
                errors[F_PERIOD] = "Escolha o período (Manhã ou Tarde)."
        except ValidationError as exc:
            errors[F_PERIOD] = exc.message
        try:
            schedule["technician_id"] = _technician_id(reference, technician) if technician is not None else None
            if technician is None:
                errors[F_TECH] = "Escolha o técnico."
        except ValidationError as exc:
            errors[F_TECH] = exc.message
    close = None
    if status == "Finalizada":
        if attendance_resolved is None:
            errors[F_RESOLVED] = "Informe se o atendimento foi resolvido com esta O.S."
        elif arguments.boolean(attendance_resolved, F_RESOLVED):
            text = arguments.text(solution, RULES["solution"], required=False)
            if not text:
                errors[F_SOLUTION] = "Descreva a solução do problema para encerrar o atendimento."
            close = {"status_code": CLOSED_BY_ORDER, "solution": text}
    if status == "Cancelada" and not note:
        errors[RULES["os_notes"].label] = "Escreva o motivo do cancelamento nas observações."
    if errors:
        first = next(iter(errors))
        raise ValidationError(errors[first], field=first, errors=errors)
    allowed_from = tuple(s for s, nexts in TRANSITIONS.items() if status in nexts)
    with session.acting("atender") as roles:
        change = session.workbench.store.change_service_order(
            order_id, actor_id=session.operator.operator_id, roles=roles, at=now(), to_status=status,
            allowed_from=allowed_from, note=note, expected=expected, close_attendance=close, **schedule)
    if change.previous is None:
        raise NotFoundError(f"O.S. nº {order_id} não encontrada.")
    if change.refused == "status":
        allowed = TRANSITIONS.get(change.previous, ())
        then = (f"daqui ela pode ir para: {', '.join(allowed)}" if allowed
                else "ela já está encerrada e não muda mais")
        raise ValidationError(f"A O.S. nº {order_id} está {change.previous}: não pode passar para {status}; {then}.",
                              field=F_STATUS)
    if change.refused == "technician":
        raise ValidationError("O técnico escolhido está desativado: escolha outro.", field=F_TECH)
    return service_order(session.workbench.store, order_id)


def _day(value, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return arguments.timestamp(value, field).date()
