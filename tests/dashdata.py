"""The dashboard's fixed dataset, hand-checked: every test of the dashboard reads it.

The fixed dataset (times in America/Sao_Paulo, UTC-3; "now" = Fri 2026-11-27 15:00):

    protocol        client op  origin  title                   type      status       created      resolved os  script
    A1 ..1127000001   1    1   tel     sem_conexao             suporte   pendente     11-27 09:00  -        -   sem_conexao encerrado
    A2 ..1125000001   2    2   email   lentidao                suporte   em_resolucao 11-25 10:00  -        OS  lentidao fim
    A3 ..1119000001   1    1   tel     reclamacao_atendimento  reclamac. pendente     11-19 14:00  -        -   -
    A4 ..1112000001   3    2   visita  segunda_via_boleto      financ.   aguard_info  11-12 08:00  -        -   -
    A5 ..1126000001   3    1   tel     sem_conexao             suporte   concluido    11-26 11:00  yes      -   sem_conexao fim
    A6 ..1127000002   2    2   tel     sem_conexao             suporte   concluido    11-27 10:30  yes      -   sem_conexao fim
    A7 ..1101000001   1    1   tel     lentidao                suporte   em_analise   11-01 09:00  -        -   lentidao encerrado
    A8 ..1020000001   1    1   tel     lentidao                suporte   pendente     10-20 09:00  (previous period)
    A9 ..1015000001   2    1   tel     sem_conexao             suporte   concluido    10-15 09:00  (previous period)

Clients: 1 São Paulo (routing point 1), 2 Campinas (rp 3), 3 São Paulo (rp 2).

Closing times (CLOSED_AT): A5 11-27 13:00 (26 h, after its 24 h deadline), A6 11-27 12:30 (2 h),
A9 10-15 09:10. A2 was closed and reopened (status event concluido -> em_resolucao on 11-26);
A7 moved pendente -> em_analise (not a reopening). A7 repeats A8 (client 1, lentidao, 12 days before).
Work orders: 1 A2 Aberta (11-25, 2 days old), 2 A4 Agendada (11-12, 15 days), 3 A5 Finalizada (11-26),
4 A9 Finalizada (10-15, before the period).
Default period: 2026-10-29..2026-11-27 (30 days); previous: 2026-09-29..2026-10-28.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import workbench
from workbench.services import dashboard as dash
from workbench.services.dashboard import Filters

TZ = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=TZ)
TODAY = NOW.date()
DEFAULT = Filters.default(TODAY)
DUE_HOURS = {"suporte_tecnico": 24, "financeiro": 48, "reclamacao": 168}


# Each attendance waits in its type's queue (data/attendance_types.csv), A6 was transferred to N2.
TYPE_QUEUES = {"suporte_tecnico": "suporte_n1", "financeiro": "financeiro", "reclamacao": "suporte_n2"}
QUEUES = {"20261127000002": "suporte_n2"}


def t(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


ROWS = [  # protocol, client, contract, op, origin, title, type, status, created, resolved, os, script, outcome
    ("20261127000001", 1, 10, 1, "telefonico", "sem_conexao", "suporte_tecnico", "pendente", t(11, 27, 9), False, False, "sem_conexao", "encerrado"),
    ("20261125000001", 2, 20, 2, "email", "lentidao", "suporte_tecnico", "em_resolucao", t(11, 25, 10), False, True, "lentidao", "fim"),
    ("20261119000001", 1, 10, 1, "telefonico", "reclamacao_atendimento", "reclamacao", "pendente", t(11, 19, 14), False, False, None, None),
    ("20261112000001", 3, 30, 2, "visita", "segunda_via_boleto", "financeiro", "aguardando_informacoes", t(11, 12, 8), False, False, None, None),
    ("20261126000001", 3, 30, 1, "telefonico", "sem_conexao", "suporte_tecnico", "concluido", t(11, 26, 11), True, False, "sem_conexao", "fim"),
    ("20261127000002", 2, 20, 2, "telefonico", "sem_conexao", "suporte_tecnico", "concluido", t(11, 27, 10, 30), True, False, "sem_conexao", "fim"),
    ("20261101000001", 1, 10, 1, "telefonico", "lentidao", "suporte_tecnico", "em_analise", t(11, 1, 9), False, False, "lentidao", "encerrado"),
    ("20261020000001", 1, 10, 1, "telefonico", "lentidao", "suporte_tecnico", "pendente", t(10, 20, 9), False, False, None, None),
    ("20261015000001", 2, 20, 1, "telefonico", "sem_conexao", "suporte_tecnico", "concluido", t(10, 15, 9), True, False, None, None),
]
ANSWERS = [  # protocol, seq, script, question_id, question, answer
    ("20261127000001", 1, "sem_conexao", "energia", "O roteador está ligado?", "Sim"),
    ("20261126000001", 1, "sem_conexao", "energia", "O roteador está ligado?", "Sim"),
    ("20261126000001", 2, "sem_conexao", "reiniciar", "Reiniciou o roteador?", "Sim, voltou"),
    ("20261127000002", 1, "sem_conexao", "energia", "O roteador está ligado?", "Sim"),
    ("20261127000002", 2, "sem_conexao", "reiniciar", "Reiniciou o roteador?", "Sim, voltou"),
    ("20261125000001", 1, "lentidao", "cabo_ou_wifi", "No cabo ou no Wi-Fi?", "No cabo também"),
    ("20261125000001", 2, "lentidao", "teste_velocidade", "Atinge 80%?", "Não"),
    ("20261101000001", 1, "lentidao", "cabo_ou_wifi", "No cabo ou no Wi-Fi?", "Só no Wi-Fi"),
]


CLOSED_AT = {"20261126000001": t(11, 27, 13), "20261127000002": t(11, 27, 12, 30),
             "20261015000001": t(10, 15, 9, 10)}
EVENTS = [  # protocol, at, operator, from, to
    ("20261125000001", t(11, 26, 9), 2, "concluido", "em_resolucao"),
    ("20261101000001", t(11, 2, 9), 1, "pendente", "em_analise"),
]
ORDERS = [  # order_id, protocol, client, contract, status, created
    (1, "20261125000001", 2, 20, "Aberta", t(11, 25, 10, 5)),
    (2, "20261112000001", 3, 30, "Agendada", t(11, 12, 8, 5)),
    (3, "20261126000001", 3, 30, "Finalizada", t(11, 26, 11, 5)),
    (4, "20261015000001", 2, 20, "Finalizada", t(10, 15, 9, 5)),
]


def _insert_dataset(wb):
    batches = []
    batches.append(("clients", pd.DataFrame([
        {"client_id": i, "code": f"C{i}", "kind": "PF", "name": name, "document": doc, "city": city,
         "state": "SP", "created_at": t(1, 1, 9)}
        for i, name, doc, city in [(1, "Ana Souza", "52998224725", "São Paulo"),
                                   (2, "Bruno Lima", "11144477735", "Campinas"),
                                   (3, "Carla Dias", "39053344705", "São Paulo")]])))
    batches.append(("contracts", pd.DataFrame([
        {"contract_id": c, "client_id": cl, "plan_id": 1, "routing_point_id": rp, "access_enabled": True,
         "status": "Ativo", "started_on": date(2025, 1, 1)}
        for c, cl, rp in [(10, 1, 1), (20, 2, 3), (30, 3, 2)]])))
    rows = []
    for (protocol, client, contract, op, origin, title, typ, status, created, resolved, os_, script,
         outcome) in ROWS:
        rows.append({
            "protocol": protocol, "client_id": client, "contract_id": contract, "origin_code": origin,
            "title_code": title, "type_code": typ, "status_code": status, "person_name": "Titular",
            "problem": "Problema", "checks_done": "Verificado", "resolved": resolved,
            "solution": "Resolvido" if resolved else None, "os_requested": os_, "script_code": script,
            "script_version": 1 if script else None, "script_outcome": outcome, "operator_id": op,
            "created_at": created, "due_at": created + timedelta(hours=DUE_HOURS[typ]),
            "closed_at": CLOSED_AT.get(protocol), "owner_id": op, "queue_code": QUEUES.get(protocol, TYPE_QUEUES[typ]),
            "updated_at": created})
    batches.append(("attendances", pd.DataFrame(rows)))
    batches.append(("script_answers", pd.DataFrame(
        [{"protocol": p, "seq": s, "script_code": sc, "script_version": 1, "question_id": q, "question": qt,
          "answer_index": 0, "answer": a} for p, s, sc, q, qt, a in ANSWERS])))
    log = [{"protocol": r[0], "issued_at": r[8] - timedelta(minutes=1), "operator_id": r[3], "client_id": r[1],
            "origin_code": r[4], "outcome": "registrado", "outcome_at": r[8]} for r in ROWS]
    log += [{"protocol": "20261127000003", "issued_at": t(11, 27, 11), "operator_id": 1, "client_id": 1,
             "origin_code": "telefonico", "outcome": "abandonado", "outcome_at": t(11, 27, 11, 5)},
            {"protocol": "20261010000001", "issued_at": t(10, 10, 11), "operator_id": 2, "client_id": 2,
             "origin_code": "telefonico", "outcome": "abandonado", "outcome_at": t(10, 10, 11, 5)}]
    batches.append(("protocol_log", pd.DataFrame(log)))
    batches.append(("service_orders", pd.DataFrame([{
        "order_id": o, "protocol": p, "client_id": c, "contract_id": k, "status": st,
        "description": "Verificar sinal", "created_at": at, "updated_at": at} for o, p, c, k, st, at in ORDERS])))
    batches.append(("attendance_events", pd.DataFrame([{
        "protocol": p, "event_at": at, "operator_id": op, "kind": "status", "from_status": a, "to_status": b,
        "note": None} for p, at, op, a, b in EVENTS])))
    wb.store.load_tables(batches)      # one transaction, as the demo loads


def build(target):
    """(workbench, supervisor session, admin session, operator session) over the fixed dataset at ``target``
    (a new DuckDB file path or an empty PostgreSQL database's URL: see ``tests/backends.py``).

    Built once per test module and backend (``dash_desk`` fixtures): every test only reads it."""
    wb = workbench.open(target, create=True)
    wb.add_operator("alice", "alice12345", "atendente", "Alice Atendente")      # id 1
    wb.add_operator("beto", "beto123456", "atendente", "Beto Atendente")        # id 2
    wb.add_operator("sup", "sup1234567", "supervisor", "Sara Supervisora")      # id 3
    wb.add_operator("adm", "adm1234567", "admin", "Adão Admin")                 # id 4
    _insert_dataset(wb)
    return wb, wb.login("sup", "sup1234567"), wb.login("adm", "adm1234567"), wb.login("alice", "alice12345")


def refresh(session, **changes):
    from dataclasses import replace
    return dash.refresh(session, replace(DEFAULT, **changes), now=NOW)


def protocols(page) -> list[str]:
    return sorted(page.frame["protocol"])


