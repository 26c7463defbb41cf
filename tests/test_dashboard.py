"""Supervisor dashboard: every view and filter against hand-computed answers (dataset: ``dashdata``)."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import pytest

import workbench

import backends
from dashdata import DEFAULT, NOW, TZ, build, protocols, refresh, t
from workbench.errors import PermissionDenied, ValidationError
from workbench.services import dashboard as dash
from workbench.services.dashboard import Filters
from workbench.services.caches import PATHS_SIZE, TEXTS_SIZE, DashboardCache
from workbench.services.export import read_back


TODAY = NOW.date()


@pytest.fixture(scope="module", params=backends.BACKENDS)
def dash_desk(request, tmp_path_factory):
    """(workbench, supervisor, admin, atendente) over the fixed dataset, built once for this module."""
    return build(backends.target(request, tmp_path_factory, "dash"))


@pytest.fixture
def sup(dash_desk):
    return dash_desk[1]


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
def test_operators_get_no_data(dash_desk):
    _wb, _sup, adm, alice = dash_desk
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


# -- Exports (the pt-BR rules and formula injection: tests/test_export.py) ---------
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_list_writes_a_file_that_reads_back_equal(sup, tmp_path, fmt):
    f = Filters(start=DEFAULT.start, end=DEFAULT.end, origin="telefonico")
    path = dash.export_list(sup, f, {"status": "pendente"}, fmt, directory=tmp_path, now=NOW)
    assert path.name == f"status-pendente_2026-10-29-a-2026-11-27_origem-telefonico.{fmt}"
    back = read_back(path)
    expected = dash.full_list(sup, f, {"status": "pendente"}, now=NOW)
    assert list(back.columns) == [c.label for c in dash.list_columns()]
    assert list(back["Protocolo"].astype(str)) == list(expected["protocol"])
    assert list(back["Cliente"]) == list(expected["client"])
    assert list(back["Vencido"]) == ["Sim" if v else "Não" for v in expected["overdue"]]
    assert list(back["Situação"].fillna("")) == list(expected["situation"])
    opened = [v.tz_convert(TZ).tz_localize(None).replace(second=0, microsecond=0) for v in expected["created_at"]]
    if fmt == "csv":
        assert list(back["Aberto em"]) == [f"{v:%d/%m/%Y %H:%M}" for v in opened]
    else:
        assert list(pd.to_datetime(back["Aberto em"])) == opened


def test_export_abandoned(sup, tmp_path):
    path = dash.export_list(sup, DEFAULT, None, "csv", directory=tmp_path, abandoned=True)
    assert path.name.startswith("abandonados_") and list(read_back(path)["Protocolo"]) == ["20261127000003"]


def test_cached_past_script_paths_give_the_same_answer(dash_desk, sup):
    cache = dash_desk[0].dashboard_cache
    cache.clear()
    first = refresh(sup)
    assert len(cache.paths) == 1 and len(cache.texts) > 0     # the days before yesterday were kept
    again = refresh(sup)
    pd.testing.assert_frame_equal(first.script_paths, again.script_paths)
    pd.testing.assert_frame_equal(first.script_ends, again.script_ends)
    # Seen from a month later, the whole period is in the past: same numbers.
    later = dash.refresh(sup, DEFAULT, now=NOW + timedelta(days=30))
    pd.testing.assert_frame_equal(first.script_paths, later.script_paths)


def test_the_count_open_at_a_past_start_is_kept(dash_desk, sup, monkeypatch):
    cache = dash_desk[0].dashboard_cache
    cache.clear()
    first = refresh(sup)
    day_one = first.flow.iloc[0]
    assert list(cache.backlogs.values()) == [day_one.backlog - day_one.opened + day_one.closed]
    store = type(sup.workbench.store)

    def never(*_args, **_kwargs):
        raise AssertionError("the count open at the period's start was read again")

    monkeypatch.setattr(store, "_backlog_at", never)
    pd.testing.assert_frame_equal(first.flow, refresh(sup).flow)


def test_caches_belong_to_the_workbench_and_are_bounded(dash_desk, sup, monkeypatch):
    wb = dash_desk[0]
    assert wb.dashboard_cache.paths.maxsize == PATHS_SIZE and wb.dashboard_cache.texts.maxsize == TEXTS_SIZE
    small = DashboardCache(paths=3, texts=2)
    monkeypatch.setattr(wb, "dashboard_cache", small)
    first = refresh(sup)
    for days in range(3, 9):                                     # more periods than the cache holds
        dash.refresh(sup, Filters(start=TODAY - timedelta(days=days), end=TODAY), now=NOW)
    assert len(small.paths) == 3 and len(small.texts) <= 2
    pd.testing.assert_frame_equal(refresh(sup).script_paths, first.script_paths)  # evicted texts read again
    other = workbench.open(wb.store.target, create=False)
    assert other.dashboard_cache is not wb.dashboard_cache and len(other.dashboard_cache.paths) == 0


def test_display_options_round_trip_through_the_url():
    from workbench.services.dashboard import ViewOptions

    assert ViewOptions.from_query("atualizar=5&tela=parede") == ViewOptions(5, True)
    assert ViewOptions.from_query("?origem=email&atualizar=15") == ViewOptions(15, False)
    assert ViewOptions.from_query("atualizar=7&tela=outra") == ViewOptions(0, False)     # not offered: ignored
    assert ViewOptions.from_query("atualizar=x") == ViewOptions(0, False)
    assert ViewOptions.from_query(ViewOptions(1, True).to_query()) == ViewOptions(1, True)
    assert ViewOptions().to_query() == ""


def test_a_server_computes_the_metrics_beside_the_views(dash_desk, sup, monkeypatch):
    """PostgreSQL (parallel reads) reads the metrics on another thread, DuckDB on the caller's; same numbers."""
    import threading
    store = type(sup.workbench.store)
    original = store.dashboard_metrics
    threads = []

    def recorded(self, *args, **kwargs):
        threads.append(threading.current_thread())
        return original(self, *args, **kwargs)

    before = refresh(sup)
    monkeypatch.setattr(store, "dashboard_metrics", recorded)
    after = refresh(sup)
    assert len(threads) == 1
    assert (threads[0] is not threading.main_thread()) == (sup.workbench.store.backend == "postgres")
    assert after.kpis == before.kpis
    pd.testing.assert_frame_equal(after.flow, before.flow)
