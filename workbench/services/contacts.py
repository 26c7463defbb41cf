"""Contacts: the rule that sets an attendance's status, and later contacts ("Novo Contato").

The first contact is registered by the wizard; a client who calls again about
the same problem gets a further contact under the same protocol. Both follow
one rule (:func:`contact_status`): resolved → Concluído; an O.S. asked →
Em Resolução (with a new work order); otherwise → Pendente. "Atendimento
resolvido" and "Pedir O.S." are alternatives (the manual presents them so).

A contact on a closed attendance is allowed: the client is calling about it,
so the call must be registered. Unless the contact resolves it again, the
attendance is reopened and its history says so ("Reaberto por um novo
contato"); the dashboard counts it as reopened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from workbench.errors import NotFoundError, ValidationError
from workbench.services import arguments
from workbench.services.auth import now
from workbench.services.fields import RULES, TextRule, text_problem
from workbench.services.service_orders import order_request

F_ORIGIN = "Origem do Atendimento"
F_RESOLVED, F_OS = "Atendimento resolvido", "Pedir O.S."
SAME_TITLE_DAYS = 30
MAX_TEXT = RULES["problem"].max_len


def contact_status(resolved: bool, request_os: bool) -> tuple[str, bool]:
    """(status code, closes) after a contact: the same rule for the first contact and the later ones."""
    if resolved and request_os:
        raise ValidationError("Marque \"Atendimento resolvido\" ou \"Pedir O.S.\", não os dois.", field=F_OS,
                              errors={F_RESOLVED: "Escolha só uma das duas opções.",
                                      F_OS: "Escolha só uma das duas opções."})
    if resolved:
        return "concluido", True
    if request_os:
        return "em_resolucao", False
    return "pendente", False


@dataclass(frozen=True)
class ContactOutcome:
    """What a later contact did: its number, the attendance's status before and after, its O.S."""

    protocol: str
    seq: int
    from_status: str
    to_status: str
    order_id: int | None
    reopened: bool


def text_errors(values: dict[str, str], *rules: TextRule) -> dict[str, str]:
    """{label: message} for every value (keyed by its rule's label) that breaks its rule."""
    out = {}
    for rule in rules:
        problem = text_problem((values.get(rule.label) or "").strip(), rule)
        if problem:
            out[rule.label] = problem
    return out


def add_contact(session, protocol, *, origin, person_name, said, checks, resolved=False, solution="",
                request_os=False, os_address=None, os_period="qualquer", expected=None,
                call_protocol=None) -> ContactOutcome:
    """Register a later contact on ``protocol`` in ``session``'s name (see the module).

    ``expected``: the attendance's ``updated_at`` as the operator saw it (ConflictError when it
    changed since: nothing is written). ``call_protocol``: the protocol issued for this call, when
    the operator started a new attendance and chose to add it here instead.
    """
    session.operator.require("atender")
    wb = session.workbench
    reference = wb.reference_cached()
    protocol = arguments.protocol(protocol)
    call_protocol = arguments.protocol(call_protocol, "Protocolo da ligação") if call_protocol is not None else None
    resolved = arguments.boolean(resolved, F_RESOLVED)
    request_os = arguments.boolean(request_os, F_OS)
    origin_code = origin_code_of(reference, origin)
    typed = {RULES[k].label: v for k, v in (("person_name", person_name), ("said", said), ("checks", checks),
                                            ("solution", solution))}
    for label, value in typed.items():
        if value is not None and not isinstance(value, str):
            raise ValidationError(f"{label} deve ser um texto.", field=label)
    errors = text_errors(typed, RULES["person_name"], RULES["said"], RULES["checks"])
    if resolved:
        errors.update(text_errors(typed, RULES["solution"]))
    if errors:
        first = next(iter(errors))
        raise ValidationError(errors[first], field=first, errors=errors)
    to_status, closes = contact_status(resolved, request_os)
    order = None
    if request_os:
        title = wb.attendance(protocol).data["title"]
        order = {"description": f"{title}: {said.strip()}"[:MAX_TEXT], **order_request(address=os_address,
                                                                                      period=os_period)}
    contact = {"origin_code": origin_code, "person_name": person_name.strip(), "said": said.strip(),
               "checks_done": checks.strip(), "resolved": resolved,
               "solution": solution.strip() if resolved else None, "os_requested": request_os}
    with session.acting("atender") as roles:
        result = wb.store.add_contact(protocol, contact, to_status=to_status, closes=closes,
                                      actor_id=session.operator.operator_id, roles=roles, at=now(),
                                      expected=arguments.timestamp(expected, "Alterado em"),
                                      service_order=order, call_protocol=call_protocol)
    if result is None:
        raise NotFoundError(f"Atendimento {protocol} não encontrado.")
    if result.refused == "protocol":
        raise ValidationError(f"O protocolo {call_protocol} não está mais aberto; o contato não foi gravado.",
                              field="Protocolo da ligação")
    return ContactOutcome(protocol, result.seq, result.from_status, result.to_status, result.order_id,
                          result.reopened)


def origin_code_of(reference: dict, origin) -> str:
    if origin is None or origin == "":
        raise ValidationError("Escolha a origem do atendimento.", field=F_ORIGIN)
    value = arguments.string(origin, F_ORIGIN, max_len=100).casefold()
    table = reference["origins"]
    match = table[(table["label"].str.casefold() == value) | (table["code"] == value)]
    if match.empty:
        raise ValidationError(f"{F_ORIGIN} inválida: '{origin[:60]}'.", field=F_ORIGIN)
    return match.iloc[0]["code"]


def open_same_title(store, reference: dict, client_id, title) -> list[dict]:
    """The client's open attendances with ``title`` (label or code) opened in the last 30 days,
    newest first: what a new attendance should rather be a contact of."""
    client_id = arguments.identifier(client_id, "Cliente")
    value = arguments.string(title, "Título", max_len=200).casefold()
    titles = reference["titles"]
    match = titles[(titles["label"].str.casefold() == value) | (titles["code"] == value)]
    if match.empty:
        raise ValidationError(f"Título inválido: '{title[:60]}'.", field="Título")
    return store.open_with_title(client_id, match.iloc[0]["code"], now() - timedelta(days=SAME_TITLE_DAYS))
