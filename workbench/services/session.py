"""A logged-in operator's session: the services that act in someone's name."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Callable, Iterator
from zoneinfo import ZoneInfo

from workbench import settings
from workbench.errors import NotFoundError, SessionRevoked
from workbench.services import drafts, records
from workbench.services.auth import Operator, now, roles_for

if TYPE_CHECKING:
    from workbench.api import Workbench
    from workbench.services.drafts import Draft, DraftSnapshot, Saved
    from workbench.services.wizard import AttendanceDraft


class Session:
    """What ``wb.login()`` returns. Holds no connection, only who is acting (and from where).

    Every write checks, inside its own transaction, that the operator is still
    active and still has the role; when one is refused the session ends
    (:attr:`ended`), later writes are refused at once, and the callbacks given
    to :meth:`on_end` run (the desk goes back to its login).
    """

    def __init__(self, workbench: "Workbench", operator: Operator, client: str | None = None):
        self.workbench = workbench
        self.operator = operator
        self.client = client
        self.ended: str | None = None
        self._on_end: list[Callable[[str], None]] = []

    def on_end(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(message)`` once when a write is refused because access was revoked."""
        self._on_end.append(callback)

    @contextmanager
    def acting(self, permission: str) -> Iterator[tuple[str, ...]]:
        """Around one write in this operator's name: yields the roles the store must check.

        A :class:`SessionRevoked` from the store ends the session and is raised again.
        """
        self.operator.require(permission)
        if self.ended:
            raise SessionRevoked(self.ended)
        try:
            yield roles_for(permission)
        except SessionRevoked as exc:
            self.ended = str(exc)
            for callback in self._on_end:
                callback(self.ended)
            raise

    @property
    def dashboard(self):
        """The supervisor dashboard's services for this session (supervisor or admin):
        ``session.dashboard.refresh()``, ``.attendance_list(filters, {"late": True})``, ``.export_view(...)``."""
        from workbench.services.dashboard import DashboardService

        return DashboardService(self)

    @property
    def role(self) -> str:
        return self.operator.role

    def __repr__(self) -> str:
        return f"<Session {self.operator.username} ({self.operator.role})>"

    # -- attending ------------------------------------------------------------
    def new_attendance(self, client_id, origin: str | None = None) -> "AttendanceDraft":
        """Start a contact: the protocol is allocated and committed at once.

        ``origin`` (a label, "Telefônico", "Fax", "E-mail", "Visita",
        "Suporte Online", or its code) may be given now or chosen later with
        ``draft.set_origin``; the protocol log records it once chosen (an
        attendance left at the protocol alert has none).
        """
        from workbench.services.wizard import AttendanceDraft, _code, _label

        self.operator.require("atender")
        wb = self.workbench
        reference = wb.reference_cached()
        origin_label = None if origin is None else _label(reference["origins"], origin, "Origem do Atendimento")
        record = wb.client(client_id)
        at = now()
        local = at.astimezone(ZoneInfo(settings.get("timezone")))
        stale = at - timedelta(hours=float(settings.get("stale_draft_hours")))
        with self.acting("atender") as roles:
            protocol = wb.store.allocate_protocol(
                day=local.date(), at=at, operator_id=self.operator.operator_id, roles=roles,
                client_id=int(record.data["client_id"]),
                origin_code=None if origin_label is None else _code(reference["origins"], origin_label),
                stale_before=stale)
        if protocol is None:
            raise NotFoundError(f"Cliente {client_id} não encontrado.")
        contracts = record.contracts
        draft = AttendanceDraft(session=self, protocol=protocol, client=record.data, contracts=contracts,
                                origin=origin_label, issued_at=at, _ref=reference)
        active = contracts[contracts["status"] == "Ativo"]
        if len(contracts) == 1 or len(active) == 1:
            draft.contract_id = int((active if len(active) == 1 else contracts).iloc[0]["contract_id"])
        return draft

    # -- drafts: typed work kept across reloads (services/drafts.py) ---------------------
    def attendance_drafts(self) -> list["Draft"]:
        """This operator's attendances in progress (saved drafts), newest first."""
        return drafts.resumable(self, drafts.ATTENDANCE)

    def resume_attendance(self, protocol) -> "AttendanceDraft":
        """Continue an attendance in progress exactly where its draft was saved.

        This page takes the draft over: another page still showing it has its
        next save refused (DraftConflict). NotFoundError when the protocol has
        no draft any more (finished, abandoned or swept).
        """
        from workbench.services import arguments
        from workbench.services.wizard import AttendanceDraft

        self.operator.require("atender")
        protocol = arguments.protocol(protocol)
        token = drafts.new_claim()
        saved = drafts.claim(self, protocol, token)
        if saved is None or saved.kind != drafts.ATTENDANCE:
            raise NotFoundError(f"O protocolo nº {protocol} não tem atendimento em andamento para retomar.")
        draft = AttendanceDraft.from_state(self, saved.values, claim=token)
        draft.version = saved.version
        draft.resumed_step = saved.step
        return draft

    def drafts(self, kind: str | None = None) -> list["Draft"]:
        """This operator's saved drafts (of ``kind``: 'atendimento', 'contato'...), newest first."""
        return drafts.resumable(self, kind)

    def save_draft(self, snapshot: "DraftSnapshot") -> "Saved":
        """Save a form's typed values (see ``services/drafts.py``); DraftConflict when refused."""
        return drafts.save(self, snapshot)

    def claim_draft(self, key: str, token: str | None = None) -> "Draft | None":
        """Take the draft ``key`` over for this page; None when there is none."""
        return drafts.claim(self, key, token)

    def discard_draft(self, key: str, token: str) -> bool:
        """Delete the draft ``key`` held by ``token`` (a form closed on purpose)."""
        return drafts.discard(self, key, token)

    def add_note(self, protocol: str, text: str) -> None:
        """Add a note to an attendance's history."""
        records.add_followup(self, protocol, note=text)

    def change_status(self, protocol: str, status: str, note: str | None = None, *, expected=None) -> None:
        """Move an attendance to another status (label or code), with an optional note.

        ``expected``: its ``updated_at`` as shown (``wb.attendance(p).data["updated_at"]``); when
        someone changed it since, ConflictError and nothing is written."""
        records.add_followup(self, protocol, note=note, status=status, expected=expected)

    # -- later contacts, owners and queues ----------------------------------------------
    def add_contact(self, protocol: str, *, origin: str, person_name: str, said: str, checks: str,
                    resolved: bool = False, solution: str = "", request_os: bool = False,
                    os_address: str | None = None, os_period: str = "qualquer", expected=None):
        """Novo Contato: a further contact under ``protocol`` (see ``workbench.services.contacts``).

        The status follows the first contact's rule (resolved → Concluído, O.S. → Em Resolução with a
        new order, otherwise Pendente); a closed attendance is reopened unless resolved again.
        Returns a ContactOutcome (seq, from_status, to_status, order_id, reopened)."""
        from workbench.services import contacts

        return contacts.add_contact(self, protocol, origin=origin, person_name=person_name, said=said,
                                    checks=checks, resolved=resolved, solution=solution, request_os=request_os,
                                    os_address=os_address, os_period=os_period, expected=expected)

    def worklist(self, limit: int = 100, offset: int = 0):
        """Meus Atendimentos: my open attendances, most urgent first (``deadline``, ``countdown``)."""
        from workbench.services import worklist

        return worklist.worklist(self, limit=limit, offset=offset)

    def queues(self):
        """The queues my "Fila" shows (code, label, serves): mine, or all for supervisors and admins."""
        from workbench.services import worklist

        return worklist.queues_for(self)

    def queue(self, queue: str | None = None, *, unassigned: bool = False, limit: int = 100, offset: int = 0):
        """Fila: open attendances of a queue (None: all of :meth:`queues`), most urgent first;
        ``unassigned`` keeps only those nobody holds."""
        from workbench.services import worklist

        return worklist.queue_list(self, queue, unassigned=unassigned, limit=limit, offset=offset)

    def transfer(self, protocol: str, *, to_operator=None, to_queue=None, reason: str, expected=None) -> dict:
        """Give an attendance to an operator (id or username) and/or a queue, with a reason (history and
        audit). Mine, or my queues' unheld ones; supervisors and admins move any. A disabled operator
        cannot receive one. Returns ``{"owner", "queue"}`` as they are now."""
        from workbench.services import worklist

        return worklist.transfer(self, protocol, to_operator=to_operator, to_queue=to_queue, reason=reason,
                                 expected=expected)

    def transfer_targets(self) -> dict:
        """What a transfer may choose: ``{"operators": DataFrame (operator_id, username, name, role,
        queues) of the active operators, "queues": DataFrame (code, label)}``."""
        from workbench.services import worklist

        return worklist.transfer_targets(self)

    def take(self, protocol: str, *, expected=None) -> dict:
        """Assumir: become responsible for an attendance of my queue that nobody holds."""
        from workbench.services import worklist

        return worklist.take(self, protocol, expected=expected)

    def change_service_order(self, order_id, status: str, *, scheduled_on=None, period=None, technician=None,
                             note=None, attendance_resolved=None, solution=None, expected=None):
        """Move a work order along Aberta → Agendada → Em Execução → Finalizada (or Cancelada); see
        ``workbench.services.service_orders``. Returns the order as it is now."""
        from workbench.services import service_orders

        return service_orders.change_service_order(self, order_id, status, scheduled_on=scheduled_on, period=period,
                                                   technician=technician, note=note,
                                                   attendance_resolved=attendance_resolved, solution=solution,
                                                   expected=expected)
