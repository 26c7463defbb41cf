"""Owners, queues and worklists: "Meus Atendimentos", "Fila", transfers.

Every attendance has a responsible operator and/or a queue. A new one stays
with the operator who registered it, in its type's default queue; a transfer
to a queue alone leaves it there with no responsible, for whoever serves the
queue to take ("Assumir"). Operators move their own attendances and those
of their queues that nobody holds; supervisors and admins move any
(``reatribuir``). A transfer needs a reason, kept in the history and the
audit log; a disabled operator cannot receive one.

Worklists are ordered by urgency (see :mod:`workbench.services.deadlines`):
past the Anatel deadline, past the type's, due within 24 hours, the rest;
the earliest deadline first within each.
"""

from __future__ import annotations

from workbench.frame import Frame

from workbench.errors import NotFoundError, ValidationError
from workbench.services import arguments, records
from workbench.services.auth import now, roles_for
from workbench.services.fields import RULES

F_OPERATOR, F_QUEUE, F_REASON = "Para o operador", "Para a fila", RULES["reason"].label
WORKLIST_PAGE = 100
TAKE_REASON = "Assumido da fila"
REFUSALS = {
    "closed": "O atendimento nº {p} está encerrado: registre um novo contato para reabri-lo.",
    "not_yours": ("O atendimento nº {p} está com outro operador (ou numa fila que você não atende): "
                  "só o responsável ou um supervisor pode transferi-lo."),
    "unknown_operator": "Operador não encontrado.",
    "inactive_operator": "O operador {name} está desativado: escolha outro operador ou uma fila.",
    "unknown_queue": "Fila não encontrada.",
    "same": "O atendimento nº {p} já está com esse responsável e nessa fila.",
}


def queues_for(session) -> Frame:
    """The queues this operator's "Fila" shows (code, label, serves): the ones it serves, or every
    queue for supervisors and admins."""
    session.operator.require("atender")
    wb = session.workbench
    queues = wb.reference_cached()["queues"][["code", "label"]].copy()
    mine = set(wb.store.queues_of(session.operator.operator_id))
    queues["serves"] = queues["code"].isin(mine)
    if not session.operator.can("reatribuir"):
        queues = queues[queues["serves"]]
    return queues.reset_index(drop=True)


def worklist(session, *, limit: int = WORKLIST_PAGE, offset: int = 0) -> Frame:
    """Meus Atendimentos: the open attendances this operator is responsible for, most urgent first."""
    session.operator.require("atender")
    wb = session.workbench
    return records.list_attendances(wb.store, wb.reference_cached(), owner_id=session.operator.operator_id,
                                    open_only=True, order_by="urgency", descending=False, limit=limit,
                                    offset=offset)


def queue_list(session, queue=None, *, unassigned: bool = False, limit: int = WORKLIST_PAGE,
               offset: int = 0) -> Frame:
    """Fila: the open attendances of ``queue`` (label or code; None = every queue of :func:`queues_for`),
    most urgent first; ``unassigned`` keeps only those nobody holds.

    One read: for an operator who may not reassign, the query itself keeps the queues it serves; only
    an empty page of a queue asked by name is checked again, to say "you do not serve it".
    """
    session.operator.require("atender")
    wb = session.workbench
    reference = wb.reference_cached()
    codes = records.queue_codes(reference, queue) if queue is not None else None
    served_by = None if session.operator.can("reatribuir") else session.operator.operator_id
    frame = records.list_attendances(wb.store, reference, queue=codes, served_by=served_by,
                                     unassigned=unassigned, open_only=True, order_by="urgency", descending=False,
                                     limit=limit, offset=offset)
    if frame.empty and codes and served_by is not None and not set(codes) <= set(wb.store.queues_of(served_by)):
        raise ValidationError("Você não atende essa fila; peça ao administrador para incluí-lo nela.", field="Fila")
    return frame


def transfer_targets(session) -> dict[str, Frame]:
    """What a transfer may choose: ``operators`` (active: operator_id, name, role, queues) and ``queues``."""
    session.operator.require("atender")
    wb = session.workbench
    return {"operators": wb.store.active_operators(), "queues": wb.reference_cached()["queues"][["code", "label"]]}


def transfer(session, protocol, *, to_operator=None, to_queue=None, reason, expected=None) -> dict:
    """Give an attendance to an operator (id or username) and/or a queue (label or code), with a reason.

    Returns ``{"owner": name or None, "queue": label or None}`` as it is now. ``expected``: the
    attendance's ``updated_at`` as the operator saw it (ConflictError when it changed since).
    """
    session.operator.require("atender")
    wb = session.workbench
    reference = wb.reference_cached()
    protocol = arguments.protocol(protocol)
    reason = arguments.text(reason, RULES["reason"])
    owner_id = _operator_id(wb, to_operator) if to_operator not in (None, "") else None
    queue = records.queue_codes(reference, to_queue)[0] if to_queue not in (None, "") else None
    if owner_id is None and queue is None:
        raise ValidationError("Escolha o operador ou a fila que recebe o atendimento.", field=F_OPERATOR,
                              errors={F_OPERATOR: "Escolha um operador ou uma fila.", F_QUEUE: "Escolha uma fila."})
    with session.acting("atender") as roles:
        result = wb.store.transfer_attendance(
            protocol, actor_id=session.operator.operator_id, roles=roles, reassign_roles=roles_for("reatribuir"),
            at=now(), to_owner=owner_id, to_queue=queue, reason=reason,
            expected=arguments.timestamp(expected, "Alterado em"))
    if result is None:
        raise NotFoundError(f"Atendimento {protocol} não encontrado.")
    if result.refused:
        field = {"inactive_operator": F_OPERATOR, "unknown_operator": F_OPERATOR, "unknown_queue": F_QUEUE}.get(
            result.refused)
        raise ValidationError(REFUSALS[result.refused].format(p=protocol, name=result.owner_name or ""), field=field)
    labels = dict(zip(reference["queues"]["code"], reference["queues"]["label"]))
    final_queue = queue if queue is not None else result.from_queue
    return {"owner": result.owner_name, "queue": labels.get(final_queue)}


def take(session, protocol, *, expected=None) -> dict:
    """Assumir: the operator becomes the responsible of an attendance of its queue that nobody holds."""
    return transfer(session, protocol, to_operator=session.operator.operator_id, reason=TAKE_REASON,
                    expected=expected)


def _operator_id(wb, value) -> int:
    if isinstance(value, str) and not value.strip().isdigit():
        found = wb.store.operator_id_by_username(value.strip())
        if found is None:
            raise ValidationError(f"Operador '{value[:60]}' não encontrado.", field=F_OPERATOR)
        return int(found)
    return arguments.identifier(value, F_OPERATOR)
