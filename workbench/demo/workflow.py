"""Demo data for the desk's workflow after the first contact: who serves which queue, transfers
(owners and queues), later contacts, and work orders carried through every status with their
history. Vectorised like :mod:`workbench.demo.attendances`, which calls it chunk by chunk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

US = 1_000_000
DAY_US = 86_400 * US
TRANSFER_P_OPEN, TRANSFER_P_CLOSED = 0.25, 0.05     # share of attendances transferred once
UNASSIGNED_SHARE = 0.5                              # of the open transferred ones: waiting in the queue
CONTACT_P = 0.12                                    # attendances with a later contact
QUEUE_WEIGHTS = {"suporte_n2": 5, "suporte_n1": 2, "financeiro": 2, "comercial": 1}
REASONS = ["Precisa de análise do segundo nível", "Assunto de cobrança", "Cliente pediu retorno de outro setor",
           "Redistribuição da fila", "Operador em férias", "Caso recorrente: escalado"]
SAID = ["Cliente ligou de novo: o problema continua.", "Cliente pediu previsão de solução.",
        "Cliente informou que o problema voltou à noite.", "Cliente retornou com as informações pedidas.",
        "Cliente quer saber da visita técnica."]
CHECKS = ["Histórico do atendimento consultado", "Sinal conferido novamente", "Dados do cliente confirmados"]
PERIODS = np.array(["manha", "tarde", "qualquer"], dtype=object)


def operator_queues(roles: dict[str, list[int]], queue_codes: list[str]) -> pa.Table:
    """Who serves which queue: every atendente Suporte N1 and one more queue in turn; supervisors all."""
    pairs: list[tuple[int, str]] = []
    others = [q for q in queue_codes if q != "suporte_n1"]
    for i, operator_id in enumerate(roles.get("atendente", [])):
        if "suporte_n1" in queue_codes:
            pairs.append((operator_id, "suporte_n1"))
        if others:
            pairs.append((operator_id, others[i % len(others)]))
    for operator_id in roles.get("supervisor", []) + roles.get("admin", []):
        pairs += [(operator_id, q) for q in queue_codes]
    return pa.table({"operator_id": pa.array([p[0] for p in pairs], pa.int32()),
                     "queue_code": pa.array([p[1] for p in pairs], pa.string())})


def _pick(rng, values, n, p=None) -> np.ndarray:
    return np.asarray(values, dtype=object)[rng.choice(len(values), n, p=p)]


def _ts(us) -> pa.Array:
    return pa.array(us, pa.timestamp("us", tz="UTC"))


def ownership(rng, *, protocol: pa.Array, ts: np.ndarray, end_us: np.ndarray, is_open: np.ndarray,
              operator: np.ndarray, default_queue: np.ndarray, atendentes: np.ndarray, queue_codes: list[str]):
    """(owner_id Arrow array, queue Arrow array, transfer events table, time of the transfer or 0)."""
    m = len(ts)
    moved = rng.random(m) < np.where(is_open, TRANSFER_P_OPEN, TRANSFER_P_CLOSED)
    owner = operator.astype(np.int64)
    queue = default_queue.copy()
    at = np.zeros(m, dtype=np.int64)
    idx = np.nonzero(moved)[0]
    if not len(idx) or not queue_codes:
        return pa.array(owner, pa.int32()), pa.array(queue, pa.string()), None, at
    weights = np.array([QUEUE_WEIGHTS.get(q, 1) for q in queue_codes], dtype=float)
    to_queue = _pick(rng, queue_codes, len(idx), weights / weights.sum())
    waiting = is_open[idx] & (rng.random(len(idx)) < UNASSIGNED_SHARE)
    to_owner = atendentes[rng.integers(0, len(atendentes), len(idx))] if len(atendentes) else operator[idx]
    at[idx] = ts[idx] + (rng.random(len(idx)) * np.maximum(end_us[idx] - ts[idx], US) * 0.5).astype(np.int64)
    events = pa.table({
        "protocol": protocol.take(pa.array(idx)), "event_at": _ts(at[idx]),
        "operator_id": pa.array(operator[idx], pa.int32()), "kind": pa.array(["transferencia"] * len(idx)),
        "note": pa.array(_pick(rng, REASONS, len(idx)), pa.string()),
        "from_owner": pa.array(operator[idx], pa.int32()),
        "to_owner": pa.array(to_owner, pa.int32(), mask=waiting),
        "from_queue": pa.array(default_queue[idx], pa.string()), "to_queue": pa.array(to_queue, pa.string()),
    })
    queue[idx] = to_queue
    owner_mask = np.zeros(m, dtype=bool)
    owner_mask[idx[waiting]] = True
    owner[idx[~waiting]] = to_owner[~waiting]
    return pa.array(owner, pa.int32(), mask=owner_mask), pa.array(queue, pa.string()), events, at


def later_contacts(rng, *, protocol: pa.Array, ts: np.ndarray, end_us: np.ndarray, origin_codes: list[str],
                   person: pa.Array, atendentes: np.ndarray, operator: np.ndarray):
    """(contacts table, 'contato' events table, time of the contact or 0) for about 12% of the attendances."""
    m = len(ts)
    idx = np.nonzero(rng.random(m) < CONTACT_P)[0]
    at = np.zeros(m, dtype=np.int64)
    if not len(idx):
        return None, None, at
    at[idx] = ts[idx] + (rng.random(len(idx)) * np.maximum(end_us[idx] - ts[idx], US)).astype(np.int64)
    who = atendentes[rng.integers(0, len(atendentes), len(idx))] if len(atendentes) else operator[idx]
    n = len(idx)
    contacts = pa.table({
        "protocol": protocol.take(pa.array(idx)), "seq": pa.array(np.full(n, 2), pa.int32()),
        "contact_at": _ts(at[idx]), "operator_id": pa.array(who, pa.int32()),
        "origin_code": pa.array(_pick(rng, origin_codes, n), pa.string()),
        "person_name": person.take(pa.array(idx)), "said": pa.array(_pick(rng, SAID, n), pa.string()),
        "checks_done": pa.array(_pick(rng, CHECKS, n), pa.string()), "resolved": pa.array(np.zeros(n, bool)),
        "solution": pa.nulls(n, pa.string()), "os_requested": pa.array(np.zeros(n, bool)),
        "from_status": pa.array(["pendente"] * n), "to_status": pa.array(["pendente"] * n),
    })
    events = pa.table({
        "protocol": contacts["protocol"], "event_at": contacts["contact_at"], "operator_id": contacts["operator_id"],
        "kind": pa.array(["contato"] * n), "from_status": contacts["from_status"], "to_status": contacts["to_status"],
        "contact_seq": contacts["seq"],
    })
    return contacts, events, at


def order_details(rng, *, order_ids: np.ndarray, status: np.ndarray, created_us: np.ndarray,
                  closed_us: np.ndarray, now_us: int, operator: np.ndarray, address: pa.Array, city: pa.Array,
                  technicians: pd.DataFrame | None):
    """(extra columns of the orders, their history table, their updated_at) for orders already in
    ``status`` (Aberta, Agendada, Em Execução, Finalizada or Cancelada)."""
    k = len(order_ids)
    cancelled = status == "Cancelada"
    # how far each order got: 0 Aberta, 1 Agendada, 2 Em Execução, 3 Finalizada; a cancelled one 0..2
    reached = np.select([status == "Agendada", status == "Em Execução", status == "Finalizada"], [1, 2, 3], 0)
    reached = np.where(cancelled, rng.integers(0, 3, k), reached)
    end = np.where(np.isin(status, ["Finalizada", "Cancelada"]), closed_us, now_us)
    span = np.maximum(end - created_us, 10 * US)
    t_sched = created_us + (span * 0.2).astype(np.int64)
    t_exec = created_us + (span * 0.6).astype(np.int64)
    scheduled = reached >= 1
    tech_ids = (technicians.loc[technicians["active"].astype(bool), "technician_id"].to_numpy(np.int64)
                if technicians is not None and len(technicians) else np.array([], dtype=np.int64))
    has_tech = scheduled & (len(tech_ids) > 0)
    tech = tech_ids[rng.integers(0, max(len(tech_ids), 1), k)] if len(tech_ids) else np.zeros(k, np.int64)
    day_us = t_sched + rng.integers(1, 4, k) * DAY_US
    scheduled_on = pa.array(day_us // DAY_US, pa.int32()).cast(pa.date32())
    period = PERIODS[rng.integers(0, 2, k)]
    final = np.isin(status, ["Finalizada", "Cancelada"])
    columns = {
        "address": address, "city": city,
        "preferred_period": pa.array(PERIODS[rng.integers(0, 3, k)], pa.string()),
        "scheduled_on": pa.array(scheduled_on.to_numpy(zero_copy_only=False), pa.date32(), mask=~scheduled),
        "scheduled_period": pa.array(period, pa.string(), mask=~scheduled),
        "technician_id": pa.array(tech, pa.int32(), mask=~has_tech),
        "notes": pa.array(np.where(cancelled, "Cliente cancelou a visita", None), pa.string()),
        "closed_at": pa.array(end, pa.timestamp("us", tz="UTC"), mask=~final),
    }
    updated = np.where(final, end, np.select([reached >= 2, reached >= 1], [t_exec, t_sched], created_us))
    steps = [(np.ones(k, bool), created_us, None, "Aberta"),
             (scheduled, t_sched, "Aberta", "Agendada"),
             (reached >= 2, t_exec, "Agendada", "Em Execução"),
             (status == "Finalizada", end, "Em Execução", "Finalizada")]
    parts = []
    for mask, when, before, after in steps:
        i = np.nonzero(mask)[0]
        parts.append(_order_events(order_ids[i], when[i], operator[i], before, np.full(len(i), after, object),
                                   None if after != "Agendada" else (scheduled_on.take(pa.array(i)),
                                                                     period[i], tech[i], ~has_tech[i])))
    i = np.nonzero(cancelled)[0]
    before = np.array(["Aberta", "Agendada", "Em Execução"], dtype=object)[reached[i]]
    parts.append(_order_events(order_ids[i], end[i], operator[i], before, np.full(len(i), "Cancelada", object),
                               None, note="Cliente cancelou a visita"))
    return columns, pa.concat_tables(parts), updated


def _order_events(order_ids, when, operator, before, after, schedule, note=None) -> pa.Table:
    n = len(order_ids)
    if schedule is None:
        on, period, tech, no_tech = pa.nulls(n, pa.date32()), [None] * n, np.zeros(n, np.int64), np.ones(n, bool)
    else:
        on, period, tech, no_tech = schedule
    from_status = [before] * n if before is None or isinstance(before, str) else list(before)
    return pa.table({
        "order_id": pa.array(order_ids, pa.int32()), "event_at": _ts(when),
        "operator_id": pa.array(operator, pa.int32()), "from_status": pa.array(from_status, pa.string()),
        "to_status": pa.array(list(after), pa.string()), "scheduled_on": on,
        "scheduled_period": pa.array(list(period), pa.string()),
        "technician_id": pa.array(tech, pa.int32(), mask=no_tech),
        "note": pa.array([note or ("O.S. pedida no atendimento" if before is None else None)] * n, pa.string()),
    })
