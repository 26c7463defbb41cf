"""The dashboard's widgets without a browser: login gate, views, drill-down, detail, export, URL, timer."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

import backends
from dashdata import DEFAULT, NOW, build
from workbench.widgets.dashboard.app import DashboardApp
from workbench.widgets.dashboard.board import Dashboard
from workbench.widgets.dashboard.controls import AutoRefresh


@pytest.fixture(scope="module", params=backends.BACKENDS)
def dash_desk(request, tmp_path_factory):
    """(workbench, supervisor, admin, atendente) over the dashboard's fixed dataset, on each backend."""
    return build(backends.target(request, tmp_path_factory, "dash"))


@pytest.fixture(autouse=True)
def _the_datasets_now(monkeypatch):
    """The screens refresh at the dataset's "now": overdue and SLA counts depend on the clock."""
    monkeypatch.setattr("workbench.services.dashboard.utc_now", lambda: NOW)


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


def test_new_metrics_are_cards_tables_and_charts_that_drill(board):
    view = board.views["Indicadores"]
    cards = view.card_buttons
    # WIDE (Sep-Dec) adds A8 (open, late) and A9 (closed in 10 minutes, within both deadlines)
    assert cards["resolution_median_h"].description == "2,0" and cards["resolution_p90_h"].description == "21,2"
    assert cards["sla_rate"].description == "25,0%" and cards["anatel_rate"].description == "42,9%"
    assert cards["reopen_rate"].description == "25,0%" and "1 de 4" in cards["reopen_rate"].tooltip
    cards["sla_rate"].click()
    assert board.list.result.total == 6 and "fora do prazo do tipo" in board.list.caption.value
    cards["repeat_rate"].click()
    assert list(board.list.result.frame["protocol"]) == ["20261101000001"]
    assert [r[0] for r in view.resolution.texts()] == ["Sem conexão"]
    view.dimension.value = "operator_id"
    assert sorted(r[0] for r in view.resolution.texts()) == ["Alice Atendente", "Beto Atendente"]
    view.resolution.click(0, "n")                                # Alice: A5 and A9 (both hers)
    assert board.list.result.total == view.data.resolution["operator_id"]["n"].iloc[0] == 2
    view.orders.click(0, "n")                                    # Aberta
    assert list(board.list.result.frame["protocol"]) == ["20261125000001"]
    view.flow.click(1, view.flow.keys.index(date(2026, 11, 27)))  # encerrados em 27/11
    assert board.list.result.total == 2 and "encerrados em 27/11/2026" in board.list.caption.value
    view.backlog.click(view.backlog.keys.index(date(2026, 11, 26)))
    assert board.list.result.total == 6


def test_every_link_of_every_view_opens_a_list_without_error(board):
    tables = [board.views["Por status"].table, board.views["Por status"].ages, board.views["Por título"].table,
              board.views["Indicadores"].resolution, board.views["Indicadores"].orders,
              board.views["Indicadores"].operators, board.views["Scripts"].scripts,
              board.views["Scripts"].ends, board.views["Scripts"].paths]
    opened = 0
    for table in tables:
        for i, row in enumerate(table.rows):
            for j, cell in enumerate(row["cells"]):
                if cell["drill"]:
                    table.click(i, table.spec[j].key)
                    assert board.list.result is not None and board.list.status.value == "", board.list.status.value
                    assert board.list.result.total >= 1, (table.spec[j].key, row)
                    opened += 1
    for key, button in board.views["Indicadores"].card_buttons.items():
        button.click()
        assert board.list.status.value == "", key
    assert opened > 40


def test_wallboard_and_refresh_interval_come_from_the_url_and_go_back_to_it(dash_desk):
    app = DashboardApp(wb=dash_desk[0], query=WIDE.to_query() + "&atualizar=5&tela=parede")
    app.login.username.value, app.login.password.value = "sup", "sup1234567"
    app.login.submit()
    board = app.dashboard
    assert board.auto.minutes == 5 and board.auto.handle is not None
    assert board.wall and board.wallboard.layout.display == "" and board.normal.layout.display == "none"
    assert "wb-wall" in app._dom_classes and app.layout.max_width == "none"
    assert "atualizar=5" in app.url.query and "tela=parede" in app.url.query
    big = board.wallboard.cards.buttons
    assert big["open_backlog"].description == "6" and big["open_backlog"].style.font_size == "44px"
    board.wall_btn.click()
    assert not board.wall and "tela=" not in app.url.query and "wb-wall" not in app._dom_classes
    board.auto.choice.value = 15
    assert "atualizar=15" in app.url.query
    app.logout()
    assert board.auto.handle is None


def test_dates_are_typed_and_shown_dd_mm_aaaa(board):
    assert board.filter_bar.start.value == "01/09/2026" and board.filter_bar.end.value == "31/12/2026"
    board.filter_bar.start.value = "20/11/2026"
    assert board.filters.start == date(2026, 11, 20) and board.data.filters.start == date(2026, 11, 20)
    before = board.data
    board.filter_bar.end.value = "2026-12-31"                      # not dd/mm/aaaa: refused, nothing changes
    assert "dd/mm/aaaa" in board.filter_bar.error.value and board.data is before


@pytest.mark.parametrize("table", ["status", "age", "titles", "operators", "flow", "orders", "resolution_title",
                                   "resolution_type", "resolution_operator_id", "scripts", "script_ends",
                                   "script_paths"])
def test_each_view_export_reads_back_as_the_screen_shows_it(board, table, tmp_path):
    from workbench.services import dashboard as dash
    from workbench.services.export import read_back
    from workbench.widgets.dashboard.table import ClickTable, columns

    frame, spec = board.data.table(table)
    screen = ClickTable(columns(spec))
    screen.set_data(frame, keep_order=True)
    csv = read_back(dash.export_view(board.session, board.data, table, "csv", tmp_path))
    assert list(csv.columns) == [c.label for c in spec]
    shown = [[t if t != "—" else "" for t in row] for row in screen.texts()]
    written = [[v if not c.numeric else v for v, c in zip(row, spec)] for row in csv.values.tolist()]
    nodots = [[t.replace(".", "") if c.numeric else t for t, c in zip(row, spec)] for row in shown]
    assert written == nodots
    xlsx = read_back(dash.export_view(board.session, board.data, table, "xlsx", tmp_path))
    assert list(xlsx.columns) == [c.label for c in spec] and len(xlsx) == len(frame)
