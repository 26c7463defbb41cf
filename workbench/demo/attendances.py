"""Demo attendances over the last 365 days, with their protocols, script
answers, service orders and events — vectorised, in chunks.

Protocols are ``YYYYMMDD`` (local date in the desk's time zone) + a 6-digit
daily sequence in time order; ~3% of the protocols are abandoned drafts that
appear only in ``protocol_log``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.demo import texts, workflow
from workbench.demo.clients import person_names
from workbench.demo.names import Pools
from workbench.demo.scriptpaths import PathTable

US = 1_000_000
DAY_US = 86_400 * US
ABANDONED_SHARE = 0.03
HOUR_WEIGHTS = np.array([0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.4, 1.5, 4, 7, 8, 8, 6, 7, 8, 8, 7, 6, 4.5, 3.5, 2.5, 1.8, 1, 0.5])
WEEKDAY_WEIGHTS = np.array([1.15, 1.0, 0.95, 0.95, 0.9, 0.45, 0.25])   # Monday .. Sunday
ORIGIN_WEIGHTS = {"telefonico": 60, "suporte_online": 20, "email": 10, "visita": 6, "fax": 1}
TITLE_WEIGHTS = {"sem_conexao": 20, "lentidao": 15, "wifi": 10, "queda_intermitente": 8, "segunda_via_boleto": 12,
                 "negociacao_debito": 5, "desbloqueio_confianca": 5, "alteracao_plano": 5, "mudanca_endereco": 3,
                 "cancelamento": 4, "reclamacao_atendimento": 3, "reclamacao_cobranca": 4, "informacoes_gerais": 6}
RESOLVED_P = {"suporte_tecnico": 0.35, "financeiro": 0.7, "comercial": 0.4, "reclamacao": 0.15,
              "cancelamento": 0.3, "informacao": 0.9}
OS_P = {"suporte_tecnico": 0.35, "comercial": 0.3, "cancelamento": 0.3}
OPEN_STATUS_WEIGHTS = {"pendente": 4, "em_analise": 3, "em_resolucao": 3, "aguardando_informacoes": 1.5,
                       "aguardando_encerramento": 1}
CLOSED_STATUS_WEIGHTS = {"concluido": 70, "sem_solucao": 15, "sem_mais_contatos": 15}


EARLY_END_SHARE = 0.12     # scripts ended early by the operator

@dataclass
class Context:
    now_us: int
    reference: dict[str, pd.DataFrame]
    paths: PathTable
    script_versions: dict[str, int]
    atendentes: np.ndarray
    supervisors: np.ndarray
    client_created_us: np.ndarray
    client_name: pa.Array
    client_is_pf: np.ndarray
    second_contract: np.ndarray        # by client position; 0 = none
    pools: Pools
    client_address: pa.Array | None = None    # by client position: the address a work order goes to
    client_city: pa.Array | None = None


@dataclass
class Plan:
    ts_us: np.ndarray                  # issue time of every protocol, sorted
    protocol: np.ndarray               # int64 YYYYMMDDnnnnnn
    abandoned: np.ndarray
    counter: pa.Table


def _weights(codes, table: dict, default: float) -> np.ndarray:
    w = np.array([table.get(c, default) for c in codes], dtype=float)
    return w / w.sum()


def plan_protocols(rng: np.random.Generator, n_attendances: int, now: datetime, tz: str) -> Plan:
    """Issue times over the last 365 local days (weekday- and business-hour-shaped) and their protocols."""
    zone = ZoneInfo(tz)
    local_now = now.astimezone(zone)
    today = local_now.date()
    days = np.array([today - timedelta(days=k) for k in range(364, -1, -1)], dtype="datetime64[D]")
    weekday = (days.astype(np.int64) + 3) % 7                 # 1970-01-01 was a Thursday
    growth = np.linspace(0.85, 1.15, len(days))
    p_day = WEEKDAY_WEIGHTS[weekday] * growth
    p_day[-1] *= min(1.0, (local_now.hour * 3600 + local_now.minute * 60) / 86_400 * 1.5)
    total = n_attendances + int(round(n_attendances * ABANDONED_SHARE / (1 - ABANDONED_SHARE)))
    day_idx = np.sort(rng.choice(len(days), total, p=p_day / p_day.sum()))
    sec = (rng.choice(24, total, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum()) * 3600 + rng.integers(0, 3600, total))
    today_rows = day_idx == len(days) - 1
    now_sec = local_now.hour * 3600 + local_now.minute * 60 + local_now.second
    sec[today_rows] = (rng.random(int(today_rows.sum())) * max(now_sec - 1, 1)).astype(np.int64)
    # UTC offset of each local day (taken at noon: Brazil changes offset at midnight, when it does).
    offset_s = np.array([datetime(d.year, d.month, d.day, 12, tzinfo=zone).utcoffset().total_seconds()
                         for d in days.astype(object)], dtype=np.int64)
    local_s = days.astype(np.int64)[day_idx] * 86_400 + sec
    utc_us = (local_s - offset_s[day_idx]) * US + rng.integers(0, US, total)
    order = np.lexsort((utc_us, day_idx))
    utc_us, day_idx = utc_us[order], day_idx[order]
    first_of_day = np.searchsorted(day_idx, day_idx, side="left")
    seq = np.arange(total) - first_of_day + 1
    d = days[day_idx]
    ymd = ((d.astype("datetime64[Y]").astype(np.int64) + 1970) * 10_000
           + (d.astype("datetime64[M]").astype(np.int64) % 12 + 1) * 100
           + (d - d.astype("datetime64[M]")).astype(np.int64) + 1)
    protocol = ymd * 1_000_000 + seq
    abandoned = np.zeros(total, dtype=bool)
    abandoned[rng.choice(total, total - n_attendances, replace=False)] = True
    last = np.r_[day_idx[1:] != day_idx[:-1], True]
    counter = pa.table({"day": pa.array(days[day_idx[last]], pa.date32()),
                        "last_seq": pa.array(seq[last], pa.int32())})
    return Plan(utc_us, protocol, abandoned, counter)


def _ts(us: np.ndarray) -> pa.Array:
    return pa.array(us, pa.timestamp("us", tz="UTC"))


def _pick_text(rng, pool_by_key: dict, generic: list, keys: np.ndarray, codes: list) -> pa.Array:
    """For each row, a random sentence from the pool of its key (``keys`` index ``codes``)."""
    flat, first, count = [], [], []
    for code in codes:
        pool = pool_by_key.get(code) or generic
        first.append(len(flat))
        count.append(len(pool))
        flat.extend(pool)
    first, count = np.array(first), np.array(count)
    idx = first[keys] + (rng.random(len(keys)) * count[keys]).astype(np.int64)
    return pa.array(flat, pa.string()).take(pa.array(idx))


def _choice(rng, values: list, n: int, p=None) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(rng.choice(len(values), n, p=p)))


def build_chunk(rng: np.random.Generator, ctx: Context, plan: Plan, lo: int, hi: int,
                order_id_start: int) -> dict[str, pa.Table]:
    """Tables for protocols ``lo:hi`` of the plan (attendances only for non-abandoned ones)."""
    ref = ctx.reference
    n = hi - lo
    ts = plan.ts_us[lo:hi]
    protocol = pc.cast(pa.array(plan.protocol[lo:hi]), pa.string())
    # who called and how
    existing = np.maximum(np.searchsorted(ctx.client_created_us, ts, side="right"), 1)
    client_pos = np.minimum((rng.random(n) ** 0.8 * existing).astype(np.int64), existing - 1)
    origin_codes = list(ref["origins"]["code"])
    origin = rng.choice(len(origin_codes), n, p=_weights(origin_codes, ORIGIN_WEIGHTS, 3))
    operators = np.concatenate([ctx.atendentes, ctx.supervisors])
    op_p = np.r_[np.full(len(ctx.atendentes), 9.0 / max(len(ctx.atendentes), 1)),
                 np.full(len(ctx.supervisors), 1.0 / max(len(ctx.supervisors), 1))]
    operator = operators[rng.choice(len(operators), n, p=op_p / op_p.sum())]
    abandoned = plan.abandoned[lo:hi]
    outcome_at = np.where(abandoned, np.minimum(ts + rng.integers(60, 12 * 3600, n) * US, ctx.now_us), ts)
    protocol_log = pa.table({
        "protocol": protocol, "issued_at": _ts(ts), "operator_id": pa.array(operator, pa.int32()),
        "client_id": pa.array(client_pos + 1, pa.int32()),
        "origin_code": pa.array(origin_codes, pa.string()).take(pa.array(origin)),
        "outcome": pa.array(np.where(abandoned, "abandonado", "registrado")),
        "outcome_at": _ts(outcome_at),
    })

    keep = ~abandoned
    m = int(keep.sum())
    ts, client_pos, origin, operator = ts[keep], client_pos[keep], origin[keep], operator[keep]
    protocol = protocol.filter(pa.array(keep))
    titles = ref["titles"]
    types = ref["attendance_types"]
    title_codes = list(titles["code"])
    type_codes = list(types["code"])
    title = rng.choice(len(title_codes), m, p=_weights(title_codes, TITLE_WEIGHTS, 3))
    fallback_type = "informacao" if "informacao" in type_codes else type_codes[-1]
    title_type = np.array([type_codes.index(t if isinstance(t, str) and t in type_codes else fallback_type)
                           for t in titles["type_code"]])
    atype = title_type[title]
    deadline = types["deadline_hours"].to_numpy(np.int64)[atype]
    contract = np.where((ctx.second_contract[client_pos] > 0) & (rng.random(m) < 0.4),
                        ctx.second_contract[client_pos], client_pos + 1)

    # outcome of the first contact and later handling
    resolved = rng.random(m) < np.array([RESOLVED_P.get(c, 0.4) for c in type_codes])[atype]
    os_requested = ~resolved & (rng.random(m) < np.array([OS_P.get(c, 0.02) for c in type_codes])[atype])
    age_days = (ctx.now_us - ts) / DAY_US
    p_open = np.select([age_days < 1, age_days < 3, age_days < 7, age_days < 30], [0.85, 0.6, 0.35, 0.12], 0.02)
    is_open = ~resolved & (rng.random(m) < p_open)
    statuses = ref["statuses"]
    open_codes = list(statuses.loc[statuses["is_open"], "code"])
    closed_codes = list(statuses.loc[~statuses["is_open"], "code"])
    open_pick = np.array(open_codes, dtype=object)[rng.choice(len(open_codes), m, p=_weights(open_codes, OPEN_STATUS_WEIGHTS, 1))]
    closed_pick = np.array(closed_codes, dtype=object)[
        rng.choice(len(closed_codes), m, p=_weights(closed_codes, CLOSED_STATUS_WEIGHTS, 10))]
    done = "concluido" if "concluido" in closed_codes else closed_codes[0]
    status = np.where(resolved, done, np.where(is_open, open_pick, closed_pick)).astype(object)
    handle_us = (rng.exponential(0.5, m) * deadline * 3600 * US).astype(np.int64) + 600 * US
    closed_us = np.where(resolved, ts, np.minimum(ts + handle_us, ctx.now_us))
    closed_at = pa.array(closed_us, pa.timestamp("us", tz="UTC"), mask=is_open)

    # texts
    problem = pc.binary_join_element_wise(
        _pick_text(rng, texts.PROBLEMS, texts.GENERIC_PROBLEMS, title, title_codes),
        _choice(rng, texts.WHEN, m), _choice(rng, texts.DETAILS, m), "")
    check1 = _pick_text(rng, texts.CHECKS, texts.GENERIC_CHECKS, atype, type_codes)
    check2 = _pick_text(rng, texts.CHECKS, texts.GENERIC_CHECKS, atype, type_codes)
    checks = pc.if_else(pa.array((rng.random(m) < 0.5) | pc.equal(check1, check2).to_numpy(zero_copy_only=False)),
                        check1, pc.binary_join_element_wise(check1, check2, "; "))
    solved_text = _pick_text(rng, texts.SOLUTIONS, texts.GENERIC_SOLUTIONS, title, title_codes)
    unsolved_text = _choice(rng, texts.NO_SOLUTION, m)
    solution = pc.if_else(pa.array(is_open), pa.nulls(m, pa.string()),
                          pc.if_else(pa.array(status == done), solved_text, unsolved_text))
    own_name = ctx.client_is_pf[client_pos] & (rng.random(m) < 0.8)
    person = pc.if_else(pa.array(own_name), ctx.client_name.take(pa.array(client_pos)),
                        person_names(rng, ctx.pools, m))

    # scripts: a random root-to-end path for titles that have a script; some operators
    # end the script early ("Encerrar Script"), leaving a proper prefix of a path
    script_of_title = [s if isinstance(s, str) and s in ctx.paths.script_paths else None for s in titles["script_code"]]
    script_code = np.array(script_of_title, dtype=object)[title]
    has_script = script_code != None  # noqa: E711 (element-wise)
    path_ids = np.zeros(m, dtype=np.int64)
    ended_early = np.zeros(m, dtype=bool)
    for code, ids in ctx.paths.script_paths.items():
        rows = np.nonzero(script_code == code)[0]
        early_ids = ctx.paths.early_paths[code]
        early = (rng.random(len(rows)) < EARLY_END_SHARE) & (len(early_ids) > 0)
        path_ids[rows] = ids[rng.integers(0, len(ids), len(rows))]
        if early.any():
            path_ids[rows[early]] = early_ids[rng.integers(0, len(early_ids), int(early.sum()))]
        ended_early[rows] = early
    version = _versions(script_code, ctx.script_versions)
    sidx = np.nonzero(has_script)[0]
    owner, seq, step = ctx.paths.steps(path_ids[sidx])
    rows_at = sidx[owner]
    paths = ctx.paths
    script_answers = pa.table({
        "protocol": protocol.take(pa.array(rows_at)), "seq": pa.array(seq, pa.int32()),
        "script_code": pa.array(script_code[rows_at].astype(str)),
        "script_version": pa.array(version[rows_at], pa.int32()),
        "question_id": paths.question_id.take(pa.array(step)), "question": paths.question.take(pa.array(step)),
        "answer_index": pa.array(paths.answer_index[step], pa.int32()), "answer": paths.answer.take(pa.array(step)),
    })

    # events: a status change for some handled attendances, notes for some
    ev_status = ~resolved & (status != "pendente") & (rng.random(m) < 0.4)
    ev_note = ~resolved & (rng.random(m) < 0.15)
    end_us = np.where(is_open, ctx.now_us, closed_us)
    span = np.maximum(end_us - ts, US)
    status_at = ts + (rng.random(m) * span).astype(np.int64)
    note_at = ts + (rng.random(m) * span).astype(np.int64)
    si, ni = np.nonzero(ev_status)[0], np.nonzero(ev_note)[0]
    events = pa.table({
        "protocol": pa.concat_arrays([protocol.take(pa.array(si)), protocol.take(pa.array(ni))]),
        "event_at": _ts(np.r_[status_at[si], note_at[ni]]),
        "operator_id": pa.array(np.r_[operator[si], operator[ni]], pa.int32()),
        "kind": pa.array(["status"] * len(si) + ["nota"] * len(ni)),
        "from_status": pa.array(["pendente"] * len(si) + [None] * len(ni), pa.string()),
        "to_status": pa.array(list(status[si]) + [None] * len(ni), pa.string()),
        "note": pa.concat_arrays([pa.nulls(len(si), pa.string()), _choice(rng, texts.NOTES, len(ni))]),
    })
    updated = np.maximum(np.where(is_open, ts, closed_us),
                         np.maximum(np.where(ev_status, status_at, ts), np.where(ev_note, note_at, ts)))

    # owners and queues (with transfers) and later contacts
    end_us = np.where(is_open, ctx.now_us, closed_us)
    type_queue = np.array(_type_queues(types), dtype=object)[atype]
    queue_codes = list(ref["queues"]["code"]) if "queues" in ref else []
    owner, queue, transfers, moved_at = workflow.ownership(
        rng, protocol=protocol, ts=ts, end_us=end_us, is_open=is_open, operator=operator,
        default_queue=type_queue, atendentes=ctx.atendentes, queue_codes=queue_codes)
    contacts, contact_events, contact_at = workflow.later_contacts(
        rng, protocol=protocol, ts=ts, end_us=end_us, origin_codes=origin_codes, person=person,
        atendentes=ctx.atendentes, operator=operator)
    updated = np.maximum(updated, np.maximum(moved_at, contact_at))

    # service orders for attendances that requested one, each carried to its status with its history
    oi = np.nonzero(os_requested)[0]
    k = len(oi)
    os_status = np.where(is_open[oi],
                         np.array(["Aberta", "Agendada", "Em Execução"])[rng.choice(3, k, p=[0.4, 0.4, 0.2])],
                         np.where(rng.random(k) < 0.9, "Finalizada", "Cancelada"))
    os_desc = [texts.OS_DESCRIPTIONS.get(type_codes[t], texts.GENERIC_OS) for t in range(len(type_codes))]
    order_ids = np.arange(order_id_start, order_id_start + k)
    positions = pa.array(client_pos[oi])
    extra, order_events, order_updated = workflow.order_details(
        rng, order_ids=order_ids, status=os_status, created_us=ts[oi], closed_us=closed_us[oi], now_us=ctx.now_us,
        operator=operator[oi],
        address=ctx.client_address.take(positions) if ctx.client_address is not None else pa.nulls(k, pa.string()),
        city=ctx.client_city.take(positions) if ctx.client_city is not None else pa.nulls(k, pa.string()),
        technicians=ref.get("technicians"))
    service_orders = pa.table({
        "order_id": pa.array(order_ids, pa.int32()),
        "protocol": protocol.take(pa.array(oi)), "client_id": pa.array(client_pos[oi] + 1, pa.int32()),
        "contract_id": pa.array(contract[oi], pa.int32()), "status": pa.array(os_status),
        "description": pa.array(os_desc, pa.string()).take(pa.array(atype[oi])),
        "created_at": _ts(ts[oi]), "updated_at": _ts(order_updated), **extra,
    })

    attendances = pa.table({
        "protocol": protocol, "client_id": pa.array(client_pos + 1, pa.int32()),
        "contract_id": pa.array(contract, pa.int32()),
        "origin_code": pa.array(origin_codes, pa.string()).take(pa.array(origin)),
        "title_code": pa.array(title_codes, pa.string()).take(pa.array(title)),
        "type_code": pa.array(type_codes, pa.string()).take(pa.array(atype)),
        "status_code": pa.array(status.astype(str)), "person_name": person, "problem": problem,
        "checks_done": checks, "resolved": pa.array(resolved), "solution": solution,
        "os_requested": pa.array(os_requested),
        "script_code": pa.array(np.where(has_script, script_code, None), pa.string()),
        "script_version": pa.array(version, pa.int32(), mask=~has_script),
        "script_outcome": pa.array(np.where(has_script, np.where(ended_early, "encerrado", "fim"), None),
                                   pa.string()),
        "operator_id": pa.array(operator, pa.int32()), "owner_id": owner, "queue_code": queue,
        "created_at": _ts(ts), "due_at": _ts(ts + deadline * 3600 * US), "closed_at": closed_at,
        "updated_at": _ts(updated),
    })
    tables = [("protocol_log", protocol_log), ("attendances", attendances), ("script_answers", script_answers),
              ("service_orders", service_orders), ("service_order_events", order_events),
              ("attendance_events", events)]
    tables += [(t, d) for t, d in (("attendance_events", transfers), ("attendance_contacts", contacts),
                                   ("attendance_events", contact_events)) if d is not None]
    return tables


def _type_queues(types: pd.DataFrame) -> list:
    """Each attendance type's default queue (None where it has none)."""
    if "queue_code" not in types.columns:
        return [None] * len(types)
    return [q if isinstance(q, str) and q else None for q in types["queue_code"]]


def _versions(script_code: np.ndarray, versions: dict[str, int]) -> np.ndarray:
    out = np.zeros(len(script_code), dtype=np.int64)
    for code, v in versions.items():
        out[script_code == code] = v
    out[(out == 0) & (script_code != None)] = 1  # noqa: E711
    return out
