"""Two `workbench serve` (standing for two machines) on one PostgreSQL desk, driven in Chromium:
an attendance finished through one server is in the other's dashboard at its next refresh, and the
other's client record lists it; protocols allocated through both servers never repeat."""

from __future__ import annotations

import re

import browser as B
import deskdata
import pytest
from playwright.sync_api import sync_playwright

import workbench

pytestmark = pytest.mark.browser


def _scripted_title(wb):
    titles = wb.reference()["titles"]
    return titles[titles["script_code"].fillna("") != ""]["label"].iloc[0]


def _inp(page, label_slug: str, kind: str = "input, textarea, select"):
    return page.locator(f".wb-field-{label_slug}").locator(kind).first


def _open_client(page, text="joao conceicao"):
    B.click(page, "Clientes")
    B.wait_text(page, "Pesquisar Cliente")
    box = page.locator(".wb-search-text input")
    box.fill(text)
    box.press("Enter")
    B.wait_text(page, "encontrado")
    grid = page.locator(".wb-search .wb-grid").first
    bb = grid.bounding_box()
    page.mouse.dblclick(bb["x"] + 120, bb["y"] + 30 + 13)
    B.wait_text(page, "Cadastro do Cliente")


def _start_attendance(page) -> str:
    B.click(page, "Adicionar Atendimento")
    B.wait_text(page, "Por favor informe o protocolo ao cliente")
    protocol = re.search(r"nº\s*(\d+)", page.locator(".wb-dialog").first.inner_text()).group(1)
    B.click(page, "Ok")
    B.wait_text(page, "Origem do Atendimento")
    return protocol


def _finish(page, title: str) -> None:
    page.get_by_text("Telefônico", exact=True).click()        # no origin is preselected
    B.click(page, "Continuar")
    B.wait_text(page, "Dados do Atendimento")
    _inp(page, "nome-da-pessoa").fill("João")
    _inp(page, "problema-descrito-pelo-cliente").fill("Sem internet desde ontem")
    _inp(page, "titulo").select_option(label=title)
    B.click(page, "Continuar")
    B.wait_text(page, "Script de Atendimento")
    B.answer_script(page)
    B.click(page, "Continuar")
    B.wait_text(page, "Primeiro Contato")
    _inp(page, "verificacoes-realizadas-neste-contato").fill("Reiniciada a ONU")
    page.get_by_text("Atendimento resolvido", exact=True).click()
    _inp(page, "descricao-da-solucao-do-problema").fill("Conexão restabelecida")
    B.click(page, "Finalizar")
    B.wait_text(page, "Atendimento registrado com sucesso")
    B.click(page, "Ok")


def _opened_today(page) -> str:
    card = page.locator("button.wb-kpi-opened_today").first
    card.wait_for(timeout=60_000)
    return card.inner_text().strip()


def test_two_servers_share_one_postgres_desk(pg_server, tmp_path):
    url = pg_server.fresh()
    wb = workbench.open(url, create=True)
    deskdata.seed(wb)
    title = _scripted_title(wb)
    with B.served(url, log_path=tmp_path / "a.log") as a, B.served(url, log_path=tmp_path / "b.log") as b, \
            sync_playwright() as p:
        browser = B.chromium(p)
        dash = browser.new_page(viewport={"width": 1366, "height": 900})
        dash.goto(f"{b}/voila/render/painel.ipynb", wait_until="domcontentloaded", timeout=90_000)
        dash.locator(".wb-login-user input").wait_for(timeout=90_000)
        B.login(dash, "supervisor", deskdata.LOGINS["supervisor"])
        dash.locator(".lm-TabBar-tab", has_text="Indicadores").first.click()
        assert _opened_today(dash) == "0"

        desk_a = browser.new_page(viewport={"width": 1280, "height": 900})
        B.open_desk(desk_a, a)
        B.login(desk_a, "atendente", deskdata.LOGINS["atendente"])
        B.wait_text(desk_a, "Bem-vindo")
        _open_client(desk_a)
        first = _start_attendance(desk_a)
        _finish(desk_a, title)
        B.wait_text(desk_a, f"Atendimento nº {first} registrado.")

        B.click(dash, "Atualizar")                                   # server B's next refresh
        dash.wait_for_function("() => document.querySelector('button.wb-kpi-opened_today')"
                               "?.innerText.trim() === '1'", timeout=60_000)

        desk_b = browser.new_page(viewport={"width": 1280, "height": 900})
        B.open_desk(desk_b, b)
        B.login(desk_b, "admin", deskdata.LOGINS["admin"])
        B.wait_text(desk_b, "Bem-vindo")
        _open_client(desk_b)
        B.wait_text(desk_b, first)                                   # B's record lists A's attendance
        second = _start_attendance(desk_b)
        B.shot(desk_b, "two_servers_b_record")
        browser.close()
    issued = sorted(workbench.open(url).protocol_log()["protocol"])
    assert first in issued and second in issued and second != first
    assert len(issued) == len(set(issued))
    assert int(second[-6:]) == int(first[-6:]) + 1                   # one daily sequence across both servers
