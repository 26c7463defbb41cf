"""Typed work is never lost, through a real Voila server and headless Chromium (``pytest -m browser``):
a page reloaded mid-wizard resumes where it was, and leaving the wizard from the header asks first."""

from __future__ import annotations

import re
import time

import browser as B
import deskdata
import pytest
from playwright.sync_api import expect

import workbench

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def desk_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("drafts") / "desk.duckdb"
    deskdata.seed(workbench.open(db, create=True))
    return db


def _to_data_step(page, client="C0001", origin="E-mail") -> str:
    B.login(page, "atendente", "atendente123")
    # The screen after login: the desk, or the offer to resume an earlier test's draft. Typing before
    # it shows would race with its focus (the offer puts the cursor on "Continuar atendimento").
    page.locator(".wb-desktop, .wb-resume").first.wait_for()
    if page.locator(".wb-resume").count():
        B.click(page, "Agora não")
        page.locator(".wb-desktop").wait_for()
    box = page.get_by_label("Procurar protocolo, CPF/CNPJ, telefone ou nome")
    box.fill(client)
    box.press("Enter")
    B.wait_text(page, "Cadastro do Cliente")
    B.click(page, "Adicionar Atendimento")
    B.wait_text(page, "Por favor informe o protocolo ao cliente")
    protocol = re.search(r"nº\s*(\d{14})", page.locator(".wb-dialog").first.inner_text()).group(1)
    B.click(page, "Ok")
    page.get_by_role("radiogroup", name="Origem do Atendimento").get_by_text(origin, exact=True).click()
    B.click(page, "Continuar")
    B.wait_text(page, "Dados do Atendimento")
    return protocol


def _drafts(wb):
    operator = int(wb.sql("SELECT operator_id FROM operators WHERE username = 'atendente'").operator_id[0])
    return wb.store.open_drafts(operator_id=operator)


def _saved(db, protocol: str, key: str, value: str, timeout: float = 60.0) -> None:
    """Wait until the page's background save has stored ``value`` (the test never asserts on time)."""
    wb = workbench.open(db)
    try:
        deadline = time.monotonic() + timeout
        while True:
            found = [d for d in _drafts(wb) if d.draft_key == protocol]
            if found and f'"{key}": "{value}"' in found[0].state:
                return
            assert time.monotonic() < deadline, f"draft of {protocol} never saved {key}={value}"
            time.sleep(0.2)
    finally:
        wb.close()


def test_a_reload_mid_wizard_resumes_where_it_was(page, desk_db, server):
    protocol = _to_data_step(page)
    page.get_by_label("Nome da Pessoa").type("Joana Prado", delay=20)
    page.get_by_label("Problema Descrito pelo Cliente").fill("Sem internet desde a chuva")
    _saved(desk_db, protocol, "problem", "Sem internet desde a chuva")     # saved while typing, no button
    page.reload(wait_until="domcontentloaded")
    page.locator(".wb-login-user input").wait_for(timeout=90_000)
    B.login(page, "atendente", "atendente123")
    B.wait_text(page, f"Você tem um atendimento em andamento (protocolo nº {protocol})")
    B.shot(page, "drafts_01_retomar")
    B.click(page, "Continuar atendimento")
    B.wait_text(page, "Dados do Atendimento")
    expect(page.get_by_label("Nome da Pessoa")).to_have_value("Joana Prado")
    expect(page.get_by_label("Problema Descrito pelo Cliente")).to_have_value("Sem internet desde a chuva")
    assert protocol in page.locator(".wb-protocol").inner_text()
    wb = workbench.open(desk_db)
    log = wb.protocol_log()
    assert log[log.protocol == protocol].outcome.iloc[0] == "aberto"


def test_leaving_from_the_header_asks_first(page, desk_db):
    protocol = _to_data_step(page, client="C0002", origin="Fax")
    page.get_by_label("Nome da Pessoa").fill("Paulo")
    B.click(page, "Área de Trabalho")
    B.wait_text(page, "Sair sem salvar?")
    expect(page.get_by_role("button", name="Não")).to_be_focused()        # Enter keeps the work
    page.keyboard.press("Enter")
    B.wait_text(page, "Dados do Atendimento")
    expect(page.get_by_label("Nome da Pessoa")).to_have_value("Paulo")
    B.click(page, "Sair do sistema")
    B.wait_text(page, "Sair sem salvar?")
    B.shot(page, "drafts_02_sair_sem_salvar")
    B.click(page, "Sim")
    page.locator(".wb-login-user input").wait_for()
    wb = workbench.open(desk_db)
    row = wb.protocol_log().set_index("protocol").loc[protocol]
    assert row.outcome == "abandonado" and row.origin == "Fax"
    assert not [d for d in _drafts(wb) if d.draft_key == protocol]
