"""Keyboard and screen readers (issue 11 item 8), without a browser: every field's title is its input's
label, every screen names the field the cursor goes to, Enter advances, lists are named grids; and the
small things: "Quantidade" takes what the service takes, a refused search clears its results, no date
reads "00:00", no header is cut. ``test_browser_lookup.py`` checks the same in Chromium."""

from __future__ import annotations

from datetime import date, datetime, timezone

import ipywidgets as w
import pandas as pd
import pytest

import deskdata
import workbench
from workbench.services.search import MAX_LIMIT
from workbench.widgets.common import Field
from workbench.widgets.desk.app import DeskApp
from workbench.widgets.keys import Keys
from workbench.widgets.table import Table


@pytest.fixture
def desk(tmp_path):
    wb = workbench.open(tmp_path / "desk.duckdb", create=True)
    ids = deskdata.seed(wb)
    return wb, ids


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _fields(widget):
    return [x for x in _walk(widget) if isinstance(x, Field)]


def _keys(widget) -> Keys:
    (keys,) = [x for x in _walk(widget) if isinstance(x, Keys)]
    return keys


def _focused(widget):
    """The widget a screen's Keys puts the cursor in."""
    target = _keys(widget).target
    (found,) = [x for x in _walk(widget) if target in getattr(x, "_dom_classes", ())]
    return found


def _screens(wb, ids):
    """Every desk screen with fields, as an operator reaches it."""
    app = DeskApp(wb=wb)
    yield "login", app.login
    app._logged_in(wb.login("atendente", "atendente123"))
    yield "desktop", app.body.children[0]
    app.show_search()
    yield "search", app.search
    app.open_client({"client_id": ids["C0001"]})
    yield "client", app.client
    app.client.attendances.add_btn.click()
    wz = app.wizard
    yield "alerta", wz
    wz.alert.press("Ok")
    yield "origem", wz
    wz.origin.value = "Fax"
    wz.origin_continue.click()
    yield "dados", wz
    wz.person.value, wz.problem.value, wz.title_choice.value = "João", "Sem sinal", "Sem conexão"
    wz.data_continue.click()
    yield "script", wz
    wz.end_s.click()
    yield "relatorio", wz
    wz.report_continue.click()
    yield "primeiro", wz


def test_every_field_title_is_the_label_of_its_input(desk):
    wb, ids = desk
    labelled = set()
    for _name, screen in _screens(wb, ids):
        for field in _fields(screen):
            if field.input is None:                       # read-only values (Cliente, Ponto de Roteamento)
                assert not any(isinstance(x, (w.Text, w.Textarea, w.Dropdown, w.RadioButtons, w.SelectMultiple))
                               for x in _walk(field.widget)), field.label
                continue
            assert field.input.description == field.label and "wb-labelled" in field.input._dom_classes
            labelled.add(field.label)
    assert {"Usuário", "Senha", "Procurar", "Quantidade", "Pesquisar", "Origem do Atendimento", "Plano",
            "Nome da Pessoa", "Problema Descrito pelo Cliente", "Título", "Opções", "Tipo de Atendimento",
            "Verificações Realizadas neste Contato", "Descrição da Solução do Problema"} <= labelled


def test_each_screen_puts_the_cursor_in_its_first_field(desk):
    wb, ids = desk
    expected = {"login": "Usuário", "search": "Procurar", "client": "Pesquisar", "origem": "Origem do Atendimento",
                "dados": "Nome da Pessoa", "script": "Opções", "primeiro": "Tipo de Atendimento"}
    buttons = {"desktop": "Clientes", "alerta": "Ok", "relatorio": "Continuar"}
    seen = set()
    for name, screen in _screens(wb, ids):
        target = _focused(screen)
        if name in expected:
            assert target.description == expected[name], name
        elif name in buttons:
            assert isinstance(target, w.Button) and target.description == buttons[name], name
        seen.add(name)
    assert set(expected) | set(buttons) <= seen


def test_enter_carries_what_the_browser_shows_and_advances(desk):
    """Enter arrives with the values the form shows: the last keystrokes of a fast typist, in the field
    or in the one before it, may still be queued."""
    wb, ids = desk
    app = DeskApp(wb=wb)
    app.login.username.value = "atend"                   # the rest of "Usuário" still in the browser's queue
    app.login.kbd.press_enter(app.login.fields["Senha"], app.login.password, "atendente123",
                              shown={app.login.username: "atendente"})
    assert app.screen == "desktop"
    app.show_search()
    app.search.kbd.press_enter(app.search.fields["Procurar"], app.search.text, "conceicao")
    assert app.search.text.value == "conceicao" and len(app.search.table) == 1
    app.lookup_box.kbd.press_enter(app.lookup_box.text, app.lookup_box.text, "C0001")
    assert app.screen == "client"
    app.client.attendances.add_btn.click()
    wz = app.wizard
    wz.alert.press("Ok")
    assert wz.origin.value is None
    wz.kbd.press_enter(wz.screens["origem"], wz.origin, "Fax")            # arrows to Fax, then Enter
    assert wz.step == "dados" and wz.draft.origin == "Fax"
    wz.problem.value, wz.title_choice.value = "Sem sinal", "Sem conexão"
    wz.person.value = "Jo"
    wz.kbd.press_enter(wz.screens["dados"], wz.person, "Joana")
    assert wz.step == "script" and wz.draft.person_name == "Joana"
    first = wz.draft.question["id"]
    wz.kbd.press_enter(wz.screens["script"], wz.options, wz.draft.question["options"][0])
    assert wz.draft.question["id"] != first and len(wz.draft.report()) == 1


def test_the_leave_dialog_puts_the_cursor_on_no(desk):
    wb, ids = desk
    wz = dict(_screens(wb, ids))["primeiro"]
    wz.first_exit.click()
    assert _focused(wz) is wz.screens["sair"].buttons[1] and wz.screens["sair"].buttons[1].description == "Não"


def test_lists_are_named_grids(desk):
    wb, ids = desk
    screens = dict(_screens(wb, ids))
    assert screens["search"].table.grid.label == "Clientes encontrados"
    assert screens["client"].attendances.table.grid.label == "Atendimentos do cliente"


def test_quantidade_takes_what_the_service_takes(desk):
    wb, _ = desk
    search = dict(_screens(wb, {"C0001": 1}))["search"]
    assert (search.limit.min, search.limit.max) == (1, MAX_LIMIT)
    search.limit.value = MAX_LIMIT
    search.text.value = "jo"
    search.search_btn.click()
    assert len(search.table) == 2 and not search.status.value


def test_a_refused_search_clears_the_old_results(desk):
    wb, ids = desk
    search = dict(_screens(wb, ids))["search"]
    search.text.value = "conceicao"
    search.search_btn.click()
    assert len(search.table) == 1 and search.count.value
    search.text.value = "j"
    search.search_btn.click()
    assert search.fields["Procurar"].error.value and len(search.table) == 0 and search.count.value == ""


def test_dates_read_as_dates_and_times_with_their_time():
    t = Table({"day": "Início", "at": "Abertura", "naive": "Hora"})
    at = pd.Timestamp(datetime(2026, 11, 27, 17, 5, tzinfo=timezone.utc))
    t.set_data(pd.DataFrame({"day": pd.to_datetime([date(2024, 1, 3)]), "at": [at],
                             "naive": [pd.Timestamp("2026-11-27 08:30")]}))
    assert t.grid.rows == [["03/01/2024", "27/11/2026 14:05", "27/11/2026 08:30"]]


def test_contract_dates_on_the_client_screen_have_no_midnight(desk):
    wb, ids = desk
    client = dict(_screens(wb, ids))["client"]
    started = client.contracts.grid.rows[0][-1]
    assert started.count("/") == 2 and ":" not in started


def test_no_header_is_narrower_than_its_title():
    t = Table({"state": "UF", "name": "Nome / Razão Social"}, widths={"state": 20, "name": 40})
    widths = dict(zip(t.grid.columns, t.grid.widths))
    assert widths["UF"] >= 16 + 2 * 8 and widths["Nome / Razão Social"] >= 16 + 8 * len("Nome / Razão Social")
