"""Supervisor dashboard: every view and filter against hand-computed answers.

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
Default period: 2026-10-29..2026-11-27 (30 days); previous: 2026-09-29..2026-10-28.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

import workbench

from workbench.errors import PermissionDenied, ValidationError
from workbench.services import dashboard as dash
from workbench.services.dashboard import Filters
from workbench.services.export import read_back

TZ = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=TZ)
TODAY = NOW.date()
DEFAULT = Filters.default(TODAY)
DUE_HOURS = {"suporte_tecnico": 24, "financeiro": 48, "reclamacao": 168}


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
            "closed_at": created + timedelta(minutes=10) if status == "concluido" else None,
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
        "order_id": 1, "protocol": "20261125000001", "client_id": 2, "contract_id": 20, "status": "Aberta",
        "description": "Verificar sinal", "created_at": t(11, 25, 10, 5), "updated_at": t(11, 25, 10, 5)}])))
    wb.store.load_tables(batches)      # one transaction, as the demo loads


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """(workbench, supervisor session, admin session, operator session) over the fixed dataset.

    Built once per module: every test here only reads it."""
    wb = workbench.open(tmp_path_factory.mktemp("dash") / "dash.duckdb", create=True)
    wb.add_operator("alice", "alice12345", "atendente", "Alice Atendente")      # id 1
    wb.add_operator("beto", "beto123456", "atendente", "Beto Atendente")        # id 2
    wb.add_operator("sup", "sup1234567", "supervisor", "Sara Supervisora")      # id 3
    wb.add_operator("adm", "adm1234567", "admin", "Adão Admin")                 # id 4
    _insert_dataset(wb)
    return wb, wb.login("sup", "sup1234567"), wb.login("adm", "adm1234567"), wb.login("alice", "alice12345")


@pytest.fixture
def sup(desk):
    return desk[1]


def refresh(session, **changes):
    from dataclasses import replace
    return dash.refresh(session, replace(DEFAULT, **changes), now=NOW)


def protocols(page) -> list[str]:
    return sorted(page.frame["protocol"])


# -- Por status -------------------------------------------------------------------
def test_status_view_counts_every_status(sup):
    data = refresh(sup)
    counts = dict(zip(data.status["code"], data.status["n"]))
    assert counts == {"pendente": 3, "em_analise": 1, "em_resolucao": 1, "aguardando_informacoes": 1,
                      "aguardando_encerramento": 0, "concluido": 2, "sem_solucao": 0, "sem_mais_contatos": 0}
    assert list(data.status["label"])[:2] == ["Pendente", "Em Análise"]
    assert data.status["overdue"].sum() == 5 and data.status["late"].sum() == 4
    pend = data.status.set_index("code").loc["pendente"]
    assert (pend["overdue"], pend["late"]) == (2, 2)  # A3 and A8 (open backlog before the period); A1 is due tomorrow


def test_age_buckets_of_open_attendances(sup):
    data = refresh(sup)
    # the open backlog however old: A8 (38 days) was opened before the period and is still open
    assert dict(zip(data.age["bucket"], data.age["n"])) == {"0-1": 1, "2-5": 1, "6-10": 1, "11-30": 2, "30+": 1}
    past = refresh(sup, start=date(2026, 11, 1), end=date(2026, 11, 10))
    assert dict(zip(past.age["bucket"], past.age["n"])) == {"0-1": 0, "2-5": 0, "6-10": 0, "11-30": 1, "30+": 1}


def test_status_lists_with_age_due_and_deadline_flags(sup):
    page = dash.attendance_list(sup, DEFAULT, {"status": "pendente"}, now=NOW)
    assert page.total == 3 and protocols(page) == ["20261020000001", "20261119000001", "20261127000001"]
    row = page.frame.set_index("protocol").loc["20261119000001"]
    assert (row["client"], row["title"], row["origin"], row["operator"]) == (
        "Ana Souza", "Reclamação de atendimento", "Telefônico", "Alice Atendente")
    assert row["age_days"] == 8 and bool(row["overdue"]) and bool(row["late"])
    assert row["due_at"] == t(11, 26, 14)
    assert protocols(dash.attendance_list(sup, DEFAULT, {"overdue": True}, now=NOW)) == [
        "20261020000001", "20261101000001", "20261112000001", "20261119000001", "20261125000001"]
    assert protocols(dash.attendance_list(sup, DEFAULT, {"late": True}, now=NOW)) == [
        "20261020000001", "20261101000001", "20261112000001", "20261119000001"]
    assert protocols(dash.attendance_list(sup, DEFAULT, {"age": "30+"}, now=NOW)) == ["20261020000001"]
    assert protocols(dash.attendance_list(sup, DEFAULT, {"age": "11-30"}, now=NOW)) == [
        "20261101000001", "20261112000001"]
    assert protocols(dash.attendance_list(sup, DEFAULT, {"age": "0-1"}, now=NOW)) == ["20261127000001"]


def test_complaint_deadline_is_seven_days_other_demands_ten(sup):
    # A3 complaint 8 days old: late; A2 demand 2 days old: not late; at now+3d A2 is still within 10 days.
    later = NOW + timedelta(days=3)
    page = dash.attendance_list(sup, DEFAULT, {"late": True}, now=later)
    assert "20261125000001" not in list(page.frame["protocol"])
    page = dash.attendance_list(sup, DEFAULT, {"late": True}, now=NOW + timedelta(days=9))
    assert "20261125000001" in list(page.frame["protocol"])


def test_lists_are_paged_and_ordered_by_any_column(sup):
    page = dash.attendance_list(sup, DEFAULT, None, page_size=3, page=2, order_by="created_at",
                                descending=False, now=NOW)
    assert page.total == 7 and page.pages == 3 and list(page.frame["protocol"]) == ["20261127000002"]
    for column in dash.LIST_COLUMNS:
        for descending in (False, True):
            full = dash.attendance_list(sup, DEFAULT, None, order_by=column, descending=descending, now=NOW)
            assert full.total == 7 and len(full.frame) == 7
    by_client = dash.attendance_list(sup, DEFAULT, None, order_by="client", descending=False, now=NOW)
    assert list(by_client.frame["client"]) == sorted(by_client.frame["client"])
    oldest = dash.attendance_list(sup, DEFAULT, None, order_by="age_days", descending=True, now=NOW)
    assert oldest.frame["protocol"].iloc[0] == "20261101000001"
    with pytest.raises(ValidationError):
        dash.attendance_list(sup, DEFAULT, None, order_by="password_hash", now=NOW)


# -- Por título -------------------------------------------------------------------
def test_title_view_counts_share_and_trend(sup):
    data = refresh(sup)
    titles = data.titles.set_index("title_code")
    assert list(data.titles["title_code"][:2]) == ["sem_conexao", "lentidao"]
    row = titles.loc["sem_conexao"]
    assert (row["Pendente"], row["Concluído"], row["total"], row["previous"]) == (1, 2, 3, 1)
    assert row["share"] == pytest.approx(3 / 7) and row["trend"] == pytest.approx(2.0)
    row = titles.loc["lentidao"]
    assert (row["Em Resolução"], row["Em Análise"], row["total"], row["previous"]) == (1, 1, 2, 1)
    assert row["trend"] == pytest.approx(1.0)
    assert math.isinf(titles.loc["reclamacao_atendimento", "trend"])
    assert titles["total"].sum() == 7
    # The count of the previous period opens its list.
    page = dash.attendance_list(sup, DEFAULT, {"title": "lentidao", "previous": True}, now=NOW)
    assert protocols(page) == ["20261020000001"]
    page = dash.attendance_list(sup, DEFAULT, {"title": "sem_conexao", "status": "concluido"}, now=NOW)
    assert protocols(page) == ["20261126000001", "20261127000002"]


# -- Indicadores ------------------------------------------------------------------
def test_indicators(sup):
    k = refresh(sup).kpis
    assert k["total"] == 7 and k["open_backlog"] == 6 and k["overdue"] == 5 and k["late"] == 4
    assert k["opened_today"] == 2 and k["opened_week"] == 4        # Monday 2026-11-23
    assert k["resolved"] == 2 and k["fcr_rate"] == pytest.approx(2 / 7)
    assert k["os"] == 1 and k["os_rate"] == pytest.approx(1 / 7)
    assert k["abandoned"] == 1
    today = dash.attendance_list(sup, DEFAULT, {"since": t(11, 27, 0)}, now=NOW)
    assert protocols(today) == ["20261127000001", "20261127000002"]
    abandoned = dash.abandoned_list(sup, DEFAULT)
    assert abandoned.total == 1 and list(abandoned.frame["protocol"]) == ["20261127000003"]
    assert abandoned.frame["client"].iloc[0] == "Ana Souza"


def test_volume_by_origin_hour_day_and_operator(sup):
    data = refresh(sup)
    assert dict(zip(data.by_origin["origin_code"], data.by_origin["n"])) == {
        "telefonico": 5, "fax": 0, "email": 1, "visita": 1, "suporte_online": 0}
    hours = dict(zip(data.by_hour["hour"], data.by_hour["n"]))
    assert len(hours) == 24 and {h: n for h, n in hours.items() if n} == {8: 1, 9: 2, 10: 2, 11: 1, 14: 1}
    assert len(data.daily) == 30 and data.daily["n"].sum() == 7
    daily = dict(zip(data.daily["day"], data.daily["n"]))
    assert daily[date(2026, 11, 27)] == 2 and daily[date(2026, 11, 1)] == 1 and daily[date(2026, 11, 2)] == 0
    ops = data.operators.set_index("operator_id")
    assert (ops.loc[1, "operator"], ops.loc[1, "n"], ops.loc[1, "resolved"], ops.loc[1, "os"]) == (
        "Alice Atendente", 4, 1, 0)
    assert ops.loc[2, "n"] == 3 and ops.loc[2, "resolution_rate"] == pytest.approx(1 / 3)
    assert ops.loc[2, "os_rate"] == pytest.approx(1 / 3)
    assert protocols(dash.attendance_list(sup, DEFAULT, {"hour": 10}, now=NOW)) == [
        "20261125000001", "20261127000002"]
    assert protocols(dash.attendance_list(sup, DEFAULT, {"origin": "visita"}, now=NOW)) == ["20261112000001"]
    assert dash.attendance_list(sup, DEFAULT, {"operator_id": 1}, now=NOW).total == 4
    assert protocols(dash.attendance_list(sup, DEFAULT, {"day": date(2026, 11, 27)}, now=NOW)) == [
        "20261127000001", "20261127000002"]
    assert dash.attendance_list(sup, DEFAULT, {"resolved": True}, now=NOW).total == 2
    assert protocols(dash.attendance_list(sup, DEFAULT, {"os_requested": True}, now=NOW)) == ["20261125000001"]


# -- Scripts ----------------------------------------------------------------------
def test_scripts_runs_ends_and_paths(sup):
    data = refresh(sup)
    s = data.scripts.set_index("script_code")
    assert (s.loc["sem_conexao", "runs"], s.loc["sem_conexao", "fim"], s.loc["sem_conexao", "encerrado"],
            s.loc["sem_conexao", "resolved"]) == (3, 2, 1, 2)
    assert (s.loc["lentidao", "runs"], s.loc["lentidao", "os"]) == (2, 1)
    ends = {(r.script_code, r.last_question_id): (r.n, r.resolved, r.os) for r in data.script_ends.itertuples()}
    assert ends == {("sem_conexao", "energia"): (1, 0, 0), ("sem_conexao", "reiniciar"): (2, 2, 0),
                    ("lentidao", "teste_velocidade"): (1, 0, 1), ("lentidao", "cabo_ou_wifi"): (1, 0, 0)}
    paths = {(r.script_code, r.path): (r.n, r.resolved, r.os, r.open) for r in data.script_paths.itertuples()}
    assert paths == {("sem_conexao", "Sim › Sim, voltou"): (2, 2, 0, 0), ("sem_conexao", "Sim"): (1, 0, 0, 1),
                     ("lentidao", "No cabo também › Não"): (1, 0, 1, 0), ("lentidao", "Só no Wi-Fi"): (1, 0, 0, 1)}
    page = dash.attendance_list(sup, DEFAULT, {"script": "sem_conexao", "last_question": "reiniciar"}, now=NOW)
    assert protocols(page) == ["20261126000001", "20261127000002"]
    key = data.script_paths.set_index("path").loc["Sim", "path_key"]
    page = dash.attendance_list(sup, DEFAULT, {"script": "sem_conexao", "path": int(key)}, now=NOW)
    assert protocols(page) == ["20261127000001"]
    page = dash.attendance_list(sup, DEFAULT, {"script": "lentidao", "script_outcome": "encerrado"}, now=NOW)
    assert protocols(page) == ["20261101000001"]


# -- Filters ----------------------------------------------------------------------
# older: open attendances opened before the period (A8; and A3, A4, A7 for the 25-26 Nov period),
# which the status view keeps as backlog.
@pytest.mark.parametrize("changes, total, abandoned, older", [
    ({"origin": "email"}, 1, 0, 0),
    ({"origin": "telefonico"}, 5, 1, 1),
    ({"type": "reclamacao"}, 1, 1, 0),
    ({"title": "lentidao"}, 2, 1, 1),
    ({"operator_id": 2}, 3, 0, 0),
    ({"operator_id": 1}, 4, 1, 1),
    ({"city": "Campinas"}, 2, 0, 0),
    ({"city": "São Paulo"}, 5, 1, 1),
    ({"routing_point_id": 2}, 2, 0, 0),
    ({"routing_point_id": 1}, 3, 1, 1),
    ({"start": date(2026, 11, 25), "end": date(2026, 11, 26)}, 2, 0, 4),
    ({"start": date(2026, 9, 1)}, 9, 2, 0),
])
def test_every_filter_applies_to_every_view(sup, changes, total, abandoned, older):
    data = refresh(sup, **changes)
    filters = data.filters
    assert data.kpis["total"] == total and data.status["n"].sum() == total + older
    assert data.titles["total"].sum() == total and data.by_origin["n"].sum() == total
    assert data.by_hour["n"].sum() == total and data.daily["n"].sum() == total
    assert data.operators["n"].sum() == total
    assert data.kpis["abandoned"] == abandoned
    assert dash.attendance_list(sup, filters, None, now=NOW).total == total
    runs = data.scripts["runs"].sum() if len(data.scripts) else 0
    assert runs == data.script_paths["n"].sum() if len(data.script_paths) else runs == 0


def test_filter_by_city_narrows_titles_and_scripts(sup):
    data = refresh(sup, city="Campinas")                    # A2 (lentidao, O.S.) and A6 (sem_conexao, resolved)
    assert dict(zip(data.titles["title_code"], data.titles["total"])) == {"lentidao": 1, "sem_conexao": 1}
    assert dict(zip(data.scripts["script_code"], data.scripts["runs"])) == {"lentidao": 1, "sem_conexao": 1}
    assert data.kpis["fcr_rate"] == pytest.approx(0.5) and data.kpis["os_rate"] == pytest.approx(0.5)
    assert data.kpis["opened_today"] == 1                   # A6


def test_filters_round_trip_through_the_url():
    f = Filters(start=date(2026, 11, 1), end=date(2026, 11, 20), origin="email", type="reclamacao",
                title="lentidao", operator_id=2, city="São Paulo", routing_point_id=3)
    assert Filters.from_query("?" + f.to_query(), TODAY) == f
    assert Filters.from_query("", TODAY) == DEFAULT
    assert Filters.from_query("inicio=lixo&operador=abc&origem=fax", TODAY) == Filters(
        start=DEFAULT.start, end=DEFAULT.end, origin="fax")
    assert Filters.from_query("inicio=2026-12-01&fim=2026-11-01", TODAY) == DEFAULT
    with pytest.raises(ValidationError):
        Filters(start=date(2026, 11, 2), end=date(2026, 11, 1)).validate()


# -- Roles ------------------------------------------------------------------------
def test_operators_get_no_data(desk):
    _wb, _sup, adm, alice = desk
    for call in (lambda s: dash.refresh(s, DEFAULT, now=NOW),
                 lambda s: dash.attendance_list(s, DEFAULT, None, now=NOW),
                 lambda s: dash.abandoned_list(s, DEFAULT),
                 lambda s: dash.detail(s, "20261125000001"),
                 lambda s: dash.choices(s),
                 lambda s: dash.full_list(s, DEFAULT),
                 lambda s: dash.export_frame(s, pd.DataFrame({"a": [1]}), "x", DEFAULT)):
        with pytest.raises(PermissionDenied, match="sem permissão"):
            call(alice)
        call(adm)   # admin may


def test_detail_is_the_attendance_in_full(sup):
    d = dash.detail(sup, "20261125000001")
    assert d.data["protocol"] == "20261125000001" and d.service_order["order_id"] == 1
    assert list(d.answers["answer"]) == ["No cabo também", "Não"]


def test_choices_for_the_filter_bar(sup):
    c = dash.choices(sup)
    assert ("Telefônico", "telefonico") in c["origin"] and ("Campinas", "Campinas") in c["city"]
    assert ("Beto Atendente", 2) in c["operator"] and ("POP Centro - São Paulo", 1) in c["routing_point"]


# -- Exports ----------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_list_writes_a_file_that_reads_back_equal(sup, tmp_path, fmt):
    f = Filters(start=DEFAULT.start, end=DEFAULT.end, origin="telefonico")
    path = dash.export_list(sup, f, {"status": "pendente"}, fmt, directory=tmp_path, now=NOW)
    assert path.name == f"pendente_2026-10-29-a-2026-11-27_origem-telefonico.{fmt}"
    back = read_back(path)
    expected = dash.full_list(sup, f, {"status": "pendente"}, now=NOW)
    assert list(back.columns) == list(expected.columns)
    assert list(back["Protocolo"].astype(str)) == list(expected["Protocolo"])
    assert list(back["Cliente"]) == list(expected["Cliente"])
    assert list(back["Vencido"]) == ["Sim" if v else "Não" for v in expected["Vencido"]]
    opened = pd.to_datetime(back["Aberto em"])
    assert list(opened) == [v.tz_convert(TZ).tz_localize(None) for v in expected["Aberto em"]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_of_a_view_table_reads_back_equal(sup, tmp_path, fmt):
    data = refresh(sup)
    path = dash.export_frame(sup, data.operators, "por operador", DEFAULT, fmt, tmp_path)
    back = read_back(path)
    pd.testing.assert_frame_equal(back, data.operators, check_dtype=False)
    name, payload = dash.export_frame(sup, data.operators, "por operador", DEFAULT, fmt)
    assert name == path.name and payload == path.read_bytes() or fmt == "xlsx"


def test_export_abandoned(sup, tmp_path):
    path = dash.export_list(sup, DEFAULT, None, "csv", directory=tmp_path, abandoned=True)
    assert path.name.startswith("abandonados_") and list(read_back(path)["Protocolo"].astype(str)) == [
        "20261127000003"]


def test_cached_past_script_paths_give_the_same_answer(sup):
    dash._PATH_CACHE.clear()
    dash._PATH_TEXT.clear()
    first = refresh(sup)
    assert dash._PATH_CACHE                                    # the days before yesterday were kept
    again = refresh(sup)
    pd.testing.assert_frame_equal(first.script_paths, again.script_paths)
    pd.testing.assert_frame_equal(first.script_ends, again.script_ends)
    # Seen from a month later, the whole period is in the past: same numbers.
    later = dash.refresh(sup, DEFAULT, now=NOW + timedelta(days=30))
    pd.testing.assert_frame_equal(first.script_paths, later.script_paths)
