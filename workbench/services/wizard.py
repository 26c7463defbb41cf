"""The new-attendance wizard as a UI-free state machine.

Steps, as in the manual: protocol (allocated at once) → origin → data →
script → script report → first contact → finish (or leave without saving).
Everything typed stays on the draft, so going back never loses input. The
protocol is written when allocated, the origin when chosen, and the rest at
the end; in between, :meth:`AttendanceDraft.snapshot` / ``save`` keep the
typed values in the draft store (``services/drafts.py``), and
:meth:`AttendanceDraft.from_state` rebuilds the draft after a reload or a
dead kernel (``session.resume_attendance``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from workbench.frame import Frame

from workbench.errors import ValidationError, WorkbenchError
from workbench.services import arguments, drafts
from workbench.services.auth import now
from workbench.services.contacts import add_contact, contact_status, open_same_title
from workbench.services.fields import RULES, TextRule, text_problem
from workbench.services.service_orders import order_request, period_code
from workbench.services.wizard_script import ScriptWalk, _Answer

if TYPE_CHECKING:
    from workbench.services.session import Session

MAX_TEXT = RULES["problem"].max_len
F_PLAN, F_TITLE, F_TYPE = "Plano", "Título", "Tipo de Atendimento"
F_PERSON, F_PROBLEM, F_CHECKS, F_SOLUTION = (RULES[k].label for k in ("person_name", "problem", "checks", "solution"))
F_ORIGIN = "Origem do Atendimento"


@dataclass
class AttendanceDraft(ScriptWalk):
    """One contact being registered. Create it with ``session.new_attendance``."""

    session: "Session"
    protocol: str
    client: dict
    contracts: Frame
    origin: str | None
    issued_at: object
    _ref: dict = field(repr=False)
    claim: str = field(default_factory=drafts.new_claim, repr=False)   # this page's hold on the draft
    version: int = field(default=0, repr=False)                        # of the last snapshot taken
    resumed_step: str | None = field(default=None, repr=False)         # the step saved, when resumed
    contract_id: int | None = None
    person_name: str = ""
    problem: str = ""
    title: str | None = None
    type: str | None = None
    checks: str = ""
    resolved: bool = False
    solution: str = ""
    request_os: bool = False
    os_address: str | None = None       # None: the client's address on file
    os_period: str = "qualquer"
    state: str = "aberto"
    attached_to: str | None = None      # the attendance this call was added to as a contact
    _script: tuple[int, dict] | None = field(default=None, repr=False)
    _answers: list[_Answer] = field(default_factory=list, repr=False)
    _position: int = 0          # index in _answers of the question on screen
    _script_ended: bool = False
    _ended_early: bool = False
    _registered_here: bool = field(default=False, repr=False)

    # -- choices ------------------------------------------------------------
    @property
    def origins(self) -> list[str]:
        return list(self._ref["origins"]["label"])

    @property
    def titles(self) -> list[str]:
        return list(self._ref["titles"]["label"])

    @property
    def types(self) -> list[str]:
        return list(self._ref["attendance_types"]["label"])

    # -- origin ---------------------------------------------------------------
    def set_origin(self, origin: str) -> None:
        """The origin the operator chose, recorded in the protocol log at once."""
        self._check_open()
        label = _label(self._ref["origins"], origin, F_ORIGIN)
        if label == self.origin:
            return
        with self.session.acting("atender") as roles:
            outcome = self.session.workbench.store.set_protocol_origin(
                self.protocol, origin_code=_code(self._ref["origins"], label),
                operator_id=self.session.operator.operator_id, roles=roles, claim=self.claim)
        if outcome != "ok":
            raise self._refusal(outcome)
        self.origin = label

    # -- data step --------------------------------------------------------------
    def set_data(self, *, contract_id: int | None = None, person_name: str | None = None,
                 problem: str | None = None, title: str | None = None) -> None:
        """Keep what was typed on the data step (validated by :meth:`validate_data`)."""
        self._check_open()
        if contract_id is not None:
            self.contract_id = arguments.identifier(contract_id, F_PLAN)
        if person_name is not None:
            self.person_name = _typed(person_name, RULES["person_name"])
        if problem is not None:
            self.problem = _typed(problem, RULES["problem"])
        if title is not None:
            new_title = _label(self._ref["titles"], title, F_TITLE) if title != "" else None
            if new_title != self.title:
                self.title = new_title
                self._reset_script()
                if self.type is None and new_title:
                    self.type = self._default_type(new_title)

    @property
    def routing_point(self) -> dict | None:
        """The chosen contract's routing point and the client's access there."""
        row = self._contract_row()
        return None if row is None else {"name": row["routing_point"], "access": row["access"]}

    def validate_data(self) -> None:
        errors = {}
        if self._contract_row() is None:
            errors[F_PLAN] = "Escolha o plano do atendimento."
        errors.update(_text_error(RULES["person_name"], self.person_name))
        errors.update(_text_error(RULES["problem"], self.problem))
        if not self.title:
            errors[F_TITLE] = "Escolha o título do atendimento."
        _raise(errors)

    # -- first contact -----------------------------------------------------------
    def set_first_contact(self, *, type: str | None = None, checks: str | None = None,  # noqa: A002
                          resolved: bool | None = None, solution: str | None = None,
                          request_os: bool | None = None, os_address: str | None = None,
                          os_period: str | None = None) -> None:
        """Keep what was typed on Primeiro Contato. "Atendimento resolvido" and "Pedir O.S." are
        alternatives (checked by :meth:`validate_first_contact`); ``os_address`` is the address
        confirmed with the client for the O.S. ('' = the client's on file), ``os_period`` the
        preferred period (Manhã, Tarde, Qualquer horário)."""
        self._check_open()
        if os_address is not None:
            self.os_address = _typed(os_address, RULES["os_address"]) or None
        if os_period is not None:
            self.os_period = period_code(os_period, "Período preferido")
        if type is not None:
            self.type = _label(self._ref["attendance_types"], type, F_TYPE) if type != "" else None
        if checks is not None:
            self.checks = _typed(checks, RULES["checks"])
        if resolved is not None:
            self.resolved = arguments.boolean(resolved, "Atendimento resolvido")
        if solution is not None:
            self.solution = _typed(solution, RULES["solution"])
        if request_os is not None:
            self.request_os = arguments.boolean(request_os, "Pedir O.S.")

    def validate_first_contact(self) -> None:
        errors = {}
        if not self.type:
            errors[F_TYPE] = "Escolha o tipo de atendimento."
        errors.update(_text_error(RULES["checks"], self.checks))
        if self.resolved:
            errors.update(_text_error(RULES["solution"], self.solution))
        if self.request_os and self.os_address:
            errors.update(_text_error(RULES["os_address"], self.os_address))
        _raise(errors)
        contact_status(self.resolved, self.request_os)      # the two alternatives, not both

    # -- the end ---------------------------------------------------------------------
    def finish(self) -> str:
        """Register the attendance in one transaction; returns the protocol.

        Idempotent: finishing again a draft that this object already
        registered (a double click on "Finalizar") returns the same protocol
        and writes nothing.
        """
        if self.state == "registrado" and self._registered_here:
            return self.protocol
        self._check_open()
        if not self.origin:
            raise ValidationError("Escolha a origem do atendimento.", field=F_ORIGIN)
        self.validate_data()
        if self.has_script:
            self.start_script()
        self.validate_first_contact()
        ref = self._ref
        at = now()
        type_row = ref["attendance_types"].set_index("label").loc[self.type]
        status, _closes = contact_status(self.resolved, self.request_os)
        script_code = self._script[1]["code"] if self._script else None
        version = self._script[0] if self._script else None
        record = {
            "protocol": self.protocol, "client_id": int(self.client["client_id"]),
            "contract_id": self.contract_id, "origin_code": _code(ref["origins"], self.origin),
            "title_code": _code(ref["titles"], self.title), "type_code": type_row["code"],
            "status_code": status, "person_name": self.person_name.strip(), "problem": self.problem.strip(),
            "checks_done": self.checks.strip(), "resolved": self.resolved,
            "solution": self.solution.strip() if self.resolved else None, "os_requested": self.request_os,
            "script_code": script_code, "script_version": version,
            "script_outcome": (("encerrado" if self._ended_early else "fim") if self._script_ended else "encerrado")
            if self._script else None,
            "operator_id": self.session.operator.operator_id, "owner_id": self.session.operator.operator_id,
            "queue_code": type_row.get("queue_code") if isinstance(type_row.get("queue_code"), str) else None,
            "created_at": at,
            "due_at": at + timedelta(hours=int(type_row["deadline_hours"])),
            "closed_at": at if self.resolved else None, "updated_at": at,
        }
        answers = []
        if self._script:
            questions = self._script[1]["questions"]
            for seq, ans in enumerate(self._answers, 1):
                q = questions[ans.question_id]
                answers.append({"seq": seq, "script_code": script_code, "script_version": version,
                                "question_id": ans.question_id, "question": q["text"],
                                "answer_index": ans.option_index,
                                "answer": q["options"][ans.option_index]["text"]})
        order = None
        if self.request_os:
            order = {"description": f"{self.title}: {self.problem.strip()}"[:MAX_TEXT],
                     **order_request(address=self.os_address, period=self.os_period)}
        with self.session.acting("atender") as roles:
            stored = self.session.workbench.store.finish_attendance(record, answers, order,
                                                                    actor_id=record["operator_id"], roles=roles,
                                                                    claim=self.claim)
        if not stored:
            state = self.session.workbench.store.protocol_state(self.protocol) or "abandonado"
            if state == "aberto":                     # open, but another page holds the draft
                raise drafts.conflict("claimed", self.protocol)
            self.state = state
            raise ValidationError(f"O protocolo {self.protocol} não está mais aberto "
                                  f"(situação: {self.state}); o atendimento não foi gravado.")
        self.state = "registrado"
        self._registered_here = True
        return self.protocol

    # -- the same problem, already open ---------------------------------------------------
    def open_same_title(self) -> list[dict]:
        """The client's open attendances with this draft's title opened in the last 30 days (newest
        first: protocol, created_at, status_code, updated_at): this call may rather be a further
        contact of one of them (:meth:`add_as_contact`)."""
        if not self.title:
            return []
        return open_same_title(self.session.workbench.store, self._ref, self.client["client_id"], self.title)

    def add_as_contact(self, protocol: str, *, checks: str, resolved: bool = False, solution: str = "",
                       request_os: bool = False, os_address: str | None = None, os_period: str = "qualquer",
                       expected=None):
        """Register this call as a further contact of the open attendance ``protocol`` instead of a new
        attendance: origin, person and problem come from this draft. This draft's protocol (already told
        to the client) is recorded as registered, and finds that attendance. Returns the ContactOutcome."""
        self._check_open()
        outcome = add_contact(self.session, protocol, origin=self.origin, person_name=self.person_name,
                              said=self.problem, checks=checks, resolved=resolved, solution=solution,
                              request_os=request_os, os_address=os_address, os_period=os_period,
                              expected=expected, call_protocol=self.protocol)
        self.state = "registrado"
        self.attached_to = outcome.protocol
        self._registered_here = True
        return outcome

    def leave(self) -> None:
        """Exit without saving: only the protocol log keeps this contact, as abandoned (with the
        origin chosen, if any), and its draft is deleted. Refused (DraftConflict) when another
        page took the draft over."""
        if self.state != "aberto":
            return
        with self.session.acting("atender") as roles:
            outcome = self.session.workbench.store.abandon_protocol(
                self.protocol, operator_id=self.session.operator.operator_id, roles=roles,
                origin_code=_code(self._ref["origins"], self.origin) if self.origin else None, at=now(),
                claim=self.claim)
        if outcome == "claimed":
            raise drafts.conflict("claimed", self.protocol)
        self.state = "abandonado" if outcome == "abandonado" else (
            self.session.workbench.store.protocol_state(self.protocol) or "abandonado")

    # -- the saved draft ----------------------------------------------------------------
    def to_state(self) -> dict:
        """Everything typed and answered, as plain JSON-ready values (see :meth:`from_state`)."""
        return {
            "protocol": self.protocol, "client_id": int(self.client["client_id"]),
            "client_name": self.client.get("name"),
            "issued_at": self.issued_at.isoformat(), "origin": self.origin,
            "contract_id": self.contract_id, "person_name": self.person_name, "problem": self.problem,
            "title": self.title, "type": self.type, "checks": self.checks, "resolved": self.resolved,
            "solution": self.solution, "request_os": self.request_os,
            "script": [self._script[1]["code"], self._script[0]] if self._script else None,
            "answers": [[a.question_id, a.option_index] for a in self._answers],
            "position": self._position, "script_ended": self._script_ended, "ended_early": self._ended_early,
        }

    @classmethod
    def from_state(cls, session: "Session", state: dict, *, claim: str | None = None) -> "AttendanceDraft":
        """Rebuild a draft from :meth:`to_state`, exactly where it was, answers included.

        Values that no longer fit (a title or type removed from the reference
        data, answers that do not follow the script) are dropped, never guessed.
        """
        wb = session.workbench
        record = wb.client(state["client_id"])
        draft = cls(session=session, protocol=arguments.protocol(state["protocol"]), client=record.data,
                    contracts=record.contracts, origin=None, issued_at=datetime.fromisoformat(str(state["issued_at"])),
                    _ref=wb.reference_cached(), claim=claim or drafts.new_claim())
        ref = draft._ref
        if state.get("origin") in list(ref["origins"]["label"]):
            draft.origin = state["origin"]
        contract = state.get("contract_id")
        if contract is not None and (draft.contracts["contract_id"] == contract).any():
            draft.contract_id = int(contract)
        for name in ("person_name", "problem", "checks", "solution"):
            if isinstance(state.get(name), str):
                setattr(draft, name, state[name])
        for name in ("resolved", "request_os"):
            setattr(draft, name, bool(state.get(name)))
        if state.get("title") in draft.titles:
            draft.title = state["title"]
        if state.get("type") in draft.types:
            draft.type = state["type"]
        script = state.get("script")
        if script and draft.has_script and draft._title_row()["script_code"] == script[0]:
            loaded = wb.store.script_definition(script[0], int(script[1])) or wb.store.script_definition(script[0])
            if loaded is not None:
                draft._script = loaded
                draft._restore_answers(state)
        return draft

    def snapshot(self, step: str) -> drafts.DraftSnapshot:
        """What to save now (a new version each call): cheap, no database."""
        self.version += 1
        return drafts.DraftSnapshot(key=self.protocol, kind=drafts.ATTENDANCE, step=step, values=self.to_state(),
                                    version=self.version, claim=self.claim, protocol=self.protocol,
                                    client_id=int(self.client["client_id"]))

    def save(self, step: str) -> drafts.Saved:
        """Save the draft now (one short write); DraftConflict when another page holds it."""
        self._check_open()
        return drafts.save(self.session, self.snapshot(step))

    def _refusal(self, outcome: str) -> WorkbenchError:
        if outcome == "claimed":
            return drafts.conflict("claimed", self.protocol)
        self.state = self.session.workbench.store.protocol_state(self.protocol) or "abandonado"
        return ValidationError(f"O protocolo {self.protocol} não está mais aberto (situação: {self.state}).")

    # -- internals -------------------------------------------------------------------
    def _check_open(self) -> None:
        if self.state != "aberto":
            raise ValidationError(f"O atendimento {self.protocol} já foi {self.state}.")

    def _contract_row(self):
        if self.contract_id is None:
            return None
        rows = self.contracts[self.contracts["contract_id"] == self.contract_id]
        return None if rows.empty else rows.iloc[0]

    def _title_row(self):
        if not self.title:
            return None
        rows = self._ref["titles"][self._ref["titles"]["label"] == self.title]
        return None if rows.empty else rows.iloc[0]

    def _default_type(self, title: str) -> str | None:
        type_code = self._title_row()["type_code"] if self._title_row() is not None else None
        types = self._ref["attendance_types"]
        match = types[types["code"] == type_code]
        return None if match.empty else match.iloc[0]["label"]


def _typed(value, rule: TextRule) -> str:
    """What was typed, kept as typed (checked against its rule later, by the step's validation)."""
    if not isinstance(value, str):
        raise ValidationError(f"{rule.label} deve ser um texto.", field=rule.label)
    return value


def _text_error(rule: TextRule, value: str) -> dict[str, str]:
    problem = text_problem((value or "").strip(), rule)
    return {rule.label: problem} if problem else {}


def _raise(errors: dict[str, str]) -> None:
    if errors:
        first = next(iter(errors))
        raise ValidationError(errors[first], field=first, errors=errors)


def _label(table: Frame, value: str, field_label: str) -> str:
    """The label of a reference row given its label or its code."""
    value = arguments.string(value, field_label, max_len=200)
    for column in ("label", "code"):
        match = table[table[column].str.casefold() == value.casefold()]
        if not match.empty:
            return match.iloc[0]["label"]
    raise ValidationError(f"{field_label} inválido: '{value[:60]}'.", field=field_label)


def _code(table: Frame, label: str) -> str:
    return table[table["label"] == label].iloc[0]["code"]
