"""The dashboard's widgets without a browser: login gate, views, drill-down, detail, export, URL, timer."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from dashdata import DEFAULT, build
from workbench.widgets.dashboard.app import Dashboard, DashboardApp
from workbench.widgets.dashboard.controls import AutoRefresh

@pytest.fixture(scope="module")
def dash_desk(tmp_path_factory):
    """(workbench, supervisor, admin, atendente) over the dashboard's fixed dataset."""
    return build(tmp_path_factory)


@pytest.fixture
def sup(dash_desk):
    return dash_desk[1]


WIDE = replace(DEFAULT, start=date(2026, 9, 1), end=date(2026, 12, 31))


@pytest.fixture
def board(sup):
    return Dashboard(sup, query=WIDE.to_query())


def test_atendente_gets_sem_permissao_and_no_dashboard(dash_desk):
    wb = dash_desk[0]
    app = DashboardApp(wb=wb, query="")
    app.login.username.value, app.login.password.value = "alice", "alice12345"
    app.login.submit()
    assert app.dashboard is None and app.session is None
    assert app.login.status.value.startswith("Sem permissão")
    with pytest.raises(Exception, match="sem permissão"):
        Dashboard(dash_desk[3])


def test_supervisor_logs_in_and_filters_come_from_the_url(dash_desk):
    wb = dash_desk[0]
    app = DashboardApp(wb=wb, query="inicio=2026-09-01&fim=2026-12-31&origem=email")
    app.login.username.value, app.login.password.value = "sup", "sup1234567"
    app.login.submit()
    board = app.dashboard
    assert board is not None and board.filters.origin == "email" and board.filters.start == date(2026, 9, 1)
    assert board.data.kpis["total"] == 1
    assert app.url.query == board.filters.to_query()
    board.apply(origin=None)
    assert board.data.kpis["total"] == 9 and "origem" not in app.url.query
    app.logout()
    assert app.dashboard is None and app.body.children == (app.login,)


def test_page_query_reported_by_the_browser_is_used_when_voila_preheated(dash_desk, monkeypatch):
    monkeypatch.delenv("QUERY_STRING", raising=False)
    app = DashboardApp(wb=dash_desk[0])
    app.url.page_query = "tipo=reclamacao&inicio=2026-09-01&fim=2026-12-31"
    app.login.username.value, app.login.password.value = "sup", "sup1234567"
    app.login.submit()
    assert app.dashboard.filters.type == "reclamacao" and app.dashboard.data.kpis["total"] == 1


def test_views_show_the_numbers(board):
    status = board.views["Por status"].table.texts()
    assert status[0] == ["Pendente", "3", "2", "2"]          # A1, A3, A8 (38 days)
    assert status[-1][0] == "Total" and status[-1][1] == "9"
    titles = board.views["Por título"].table
    assert titles.texts()[0][0] == "Sem conexão"
    titles.sort_by("title")
    assert [r[0] for r in titles.texts()] == sorted(r[0] for r in titles.texts())
    cards = board.views["Indicadores"].card_buttons
    assert cards["open_backlog"].description == "6" and cards["abandoned"].description == "2"
    assert cards["fcr_rate"].description == "33,3%"
    scripts = board.views["Scripts"].scripts.texts()
    assert scripts[0][:2] == ["Sem conexão", "3"]


def test_any_count_opens_its_list_and_any_row_its_detail(board):
    board.views["Por status"].table.click(0, "late")          # Pendente · fora do prazo
    assert board.list.visible and board.list.result.total == 2
    assert sorted(board.list.result.frame["protocol"]) == ["20261020000001", "20261119000001"]
    assert all(r[1] == "FORA DO PRAZO ANATEL" for r in board.list.table.texts())   # Situação, second
    board.views["Por título"].table.click(0, "total")
    assert board.list.result.total == 4                           # sem conexão incl. previous period A9
    board.views["Indicadores"].card_buttons["abandoned"].click()
    assert board.list.abandoned and board.list.result.total == 2
    board.views["Indicadores"].hour.click(10)                     # 10h
    assert board.list.result.total == 2
    board.views["Scripts"].paths.click(0, "n")
    assert board.list.result.total >= 1
    board.views["Por status"].table.click(0, "n")
    board.list.table.open_row(0)
    detail = board.detail_box.children[0].children[0]
    assert detail.read_only and detail.protocol == board.list.result.frame["protocol"].iloc[0]
    assert "Atendimento nº" in detail.heading.value and detail.data["protocol"] == detail.protocol


def test_list_pages_and_sorts_in_the_database(board):
    board.list.page_size = 2
    board.drill({}, "Todos")
    assert board.list.result.total == 9 and len(board.list.result.frame) == 2
    board.list.next.click()
    assert board.list.result.page == 1
    board.list.table.sort_by("client")
    assert board.list.order_by == "client" and board.list.result.page == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_gives_a_download_link_with_the_filters_in_the_name(board, fmt):
    board.apply(origin="telefonico")
    board.views["Por status"].table.click(0, "n")
    getattr(board.list, fmt).click()
    html = board.list.download.value
    name = re.search(r"download='([^']+)'", html).group(1)
    assert name == f"status-pendente_2026-09-01-a-2026-12-31_origem-telefonico.{fmt}"
    payload = base64.b64decode(re.search(r"base64,([^']+)'", html).group(1))
    frame = (pd.read_csv(io.BytesIO(payload), sep=";", encoding="utf-8-sig") if fmt == "csv"
             else pd.read_excel(io.BytesIO(payload), sheet_name="dados"))
    assert len(frame) == 3 and list(frame.columns)[:3] == ["Protocolo", "Situação", "Status"]


def test_view_tables_export_too(board):
    board.export_view("operators", "csv")
    assert "por-operador_2026-09-01-a-2026-12-31.csv" in board.view_download.value


def test_auto_refresh_uses_the_kernel_loop_and_is_off_by_default(board):
    assert board.auto.minutes == 0 and board.auto.handle is None
    calls = []
    auto = AutoRefresh(lambda: calls.append(1))
    auto.choice.value = 5
    assert auto.handle is not None and 299 < auto.handle.when() - auto.loop.time() <= 300
    auto.tick()
    assert calls == [1] and auto.handle is not None
    auto.choice.value = 0
    assert auto.handle is None


def test_bad_period_is_refused_beside_the_dates(board):
    before = board.data
    board.filter_bar.start.value = "01/01/2027"
    assert "data final" in board.filter_bar.error.value and board.data is before
