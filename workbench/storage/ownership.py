"""Who holds an attendance: its responsible operator, its queue, transfers, and who serves which queue.

A transfer is ONE write transaction that reads the attendance, checks who may
move it (its responsible, anyone serving its queue when it has no
responsible, or a supervisor), that the new responsible is active and the
queue exists, then writes the attendance, the history event with the reason,
the audit entry and its row of open attendances.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from workbench.frame import Frame

from workbench.storage import open_attendances
from workbench.storage.attendances import current_attendance
from workbench.storage.base import StoreBase


@dataclass(frozen=True)
class TransferResult:
    """What :meth:`OwnershipMixin.transfer_attendance` did. ``refused`` (nothing written):
    ``"closed"``, ``"not_yours"``, ``"unknown_operator"``, ``"inactive_operator"``, ``"unknown_queue"``,
    ``"same"`` (already there)."""

    from_owner: int | None = None
    from_queue: str | None = None
    refused: str | None = None
    owner_name: str | None = None


class OwnershipMixin(StoreBase):
    def transfer_attendance(self, protocol: str, *, actor_id: int, roles: Collection[str],
                            reassign_roles: Collection[str], at: datetime, to_owner: int | None,
                            to_queue: str | None, reason: str,
                            expected: datetime | None = None) -> TransferResult | None:
        """Give ``protocol`` to ``to_owner`` and/or ``to_queue`` (a queue alone leaves it with no
        responsible, for whoever serves the queue); None when the attendance does not exist.

        Operators whose role is in ``reassign_roles`` may move any attendance; the others only their
        own and, when it has no responsible, those of a queue they serve.
        """
        with self._write() as con:
            self._check_actor(con, actor_id, roles)
            self._critical(con, "protocol", protocol)      # two transfers at once: the second sees the first
            state = current_attendance(con, protocol, expected)
            if state is None:
                return None
            result = TransferResult(state.owner_id, state.queue_code)
            if not state.is_open:
                return TransferResult(state.owner_id, state.queue_code, "closed")
            role = self._scalar(con, "SELECT role FROM operators WHERE operator_id = ?", [actor_id])
            serves = self._one(con, "SELECT 1 FROM operator_queues WHERE operator_id = ? AND queue_code = ?",
                               [actor_id, state.queue_code])
            if role not in reassign_roles and state.owner_id != actor_id and not (
                    state.owner_id is None and (serves or state.queue_code is None)):
                return TransferResult(state.owner_id, state.queue_code, "not_yours")
            name = None
            if to_owner is not None:
                found = self._one(con, "SELECT name, active FROM operators WHERE operator_id = ?", [to_owner])
                if found is None:
                    return TransferResult(state.owner_id, state.queue_code, "unknown_operator")
                if not found[1]:
                    return TransferResult(state.owner_id, state.queue_code, "inactive_operator", found[0])
                name = found[0]
            if to_queue is not None and not self._one(con, "SELECT 1 FROM queues WHERE code = ?", [to_queue]):
                return TransferResult(state.owner_id, state.queue_code, "unknown_queue")
            new_queue = to_queue if to_queue is not None else state.queue_code
            if (to_owner, new_queue) == (state.owner_id, state.queue_code):
                return TransferResult(state.owner_id, state.queue_code, "same", name)
            con.execute("UPDATE attendances SET owner_id = ?, queue_code = ?, updated_at = ? WHERE protocol = ?",
                        [to_owner, new_queue, at, protocol])
            con.execute("""INSERT INTO attendance_events (protocol, event_at, operator_id, kind, note, from_owner,
                               to_owner, from_queue, to_queue) VALUES (?, ?, ?, 'transferencia', ?, ?, ?, ?, ?)""",
                        [protocol, at, actor_id, reason, state.owner_id, to_owner, state.queue_code, new_queue])
            self._audit(con, at, actor_id, "atendimento_transferido", "attendance", protocol,
                        {"de_operador": state.owner_id, "para_operador": to_owner, "de_fila": state.queue_code,
                         "para_fila": new_queue, "motivo": reason})
            open_attendances.sync(con, protocol)
            return TransferResult(result.from_owner, result.from_queue, None, name)

    # -- who serves which queue ------------------------------------------------------------
    def active_operators(self) -> Frame:
        """Active operators with their queues: operator_id, username, name, role, queues (codes)."""
        with self._read() as con:
            ops = self._frame(con, "SELECT operator_id, username, name, role FROM operators WHERE active "
                                "ORDER BY name, operator_id")
            pairs = con.execute("SELECT q.operator_id, q.queue_code FROM operator_queues q "
                                "JOIN operators o ON o.operator_id = q.operator_id AND o.active "
                                "ORDER BY q.operator_id, q.queue_code").fetchall()
        served: dict[int, list[str]] = {}
        for operator_id, code in pairs:
            served.setdefault(int(operator_id), []).append(code)
        ops["queues"] = [served.get(int(i), []) for i in ops["operator_id"]]
        return ops

    def operator_queues(self) -> Frame:
        """Every (operator_id, queue_code) pair."""
        with self._read() as con:
            return self._frame(con, "SELECT operator_id, queue_code FROM operator_queues ORDER BY operator_id, queue_code")

    def queues_of(self, operator_id: int) -> list[str]:
        with self._read() as con:
            return [r[0] for r in con.execute("SELECT queue_code FROM operator_queues WHERE operator_id = ? "
                                              "ORDER BY queue_code", [operator_id]).fetchall()]

    def set_operator_queues(self, operator_id: int, queue_codes: list[str], *, actor_id: int | None,
                            roles: Collection[str], at: datetime) -> str | None:
        """Replace the queues an operator serves. Returns None when done, ``"operator"`` or
        ``"queue:<code>"`` for what does not exist (nothing written)."""
        with self._write() as con:
            self._check_actor(con, actor_id, roles)
            self._critical(con, "operator_queues", operator_id)
            if not self._one(con, "SELECT 1 FROM operators WHERE operator_id = ?", [operator_id]):
                return "operator"
            known = {r[0] for r in con.execute("SELECT code FROM queues").fetchall()}
            for code in queue_codes:
                if code not in known:
                    return f"queue:{code}"
            before = [r[0] for r in con.execute("SELECT queue_code FROM operator_queues WHERE operator_id = ? "
                                                "ORDER BY queue_code", [operator_id]).fetchall()]
            con.execute("DELETE FROM operator_queues WHERE operator_id = ?", [operator_id])
            for code in sorted(set(queue_codes)):
                con.execute("INSERT INTO operator_queues (operator_id, queue_code) VALUES (?, ?)", [operator_id, code])
            self._audit(con, at, actor_id, "filas_do_operador", "operator", operator_id,
                        {"antes": before, "depois": sorted(set(queue_codes))})
            return None
