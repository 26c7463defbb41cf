"""One client's problem from the first call to its closing, as a new user follows it, through a real
Voila server and headless Chromium (``pytest -m browser``): issue 11's "Done when".

The first call goes through the wizard (with a reload in the middle), the attendance is transferred
to the second level, the client calls again and the second-level operator registers that contact
asking for a work order, the order goes from Aberta to Finalizada and closes the attendance. At
every point the protocol is found again from the header's lookup box.
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import browser as B
import flowdata
import pytest
from playwright.sync_api import expect

import workbench

pytestmark = pytest.mark.browser

LOOKUP = "Procurar protocolo, CPF/CNPJ, telefone ou nome"


@pytest.fixture(scope="module")
def desk_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("journey") / "desk.duckdb"
    flowdata.seed(workbench.open(db, create=True))
    return db


def _inp(page, slug: str, kind: str = "input, textarea, select"):
    return page.locator(f".wb-field-{slug}").locator(kind).locator("visible=true").first


def _login(page, user: str, password: str) -> None:
    B.login(page, user, password)
    page.locator(".wb-desktop, .wb-resume").first.wait_for()


def _look(page, text: str) -> None:
    box = page.get_by_label(LOOKUP)
    box.fill(text)
    box.press("Enter")


def _find_protocol(page, protocol: str, *expected: str) -> None:
    """The lookup box opens the attendance, whose detail shows ``expected`` (a new result screen, not
    the one already there)."""
    shown = page.locator(".wb-lookup-result")
    before = shown.first.element_handle() if shown.count() else None
    _look(page, protocol)
    if before is not None:
        page.wait_for_function("(el) => !el.isConnected", arg=before)
    B.wait_text(page, f"Atendimento nº {protocol}")
    detail = page.locator(".wb-lookup-result")
    for text in expected:
        expect(detail).to_contain_text(text)


def _draft_saved(db, protocol: str, text: str, timeout: float = 60.0) -> None:
    """Wait until the page's background save has stored ``text`` in the draft of ``protocol``."""
    wb = workbench.open(db)
    try:
        deadline = time.monotonic() + timeout
        while True:
            operator = int(wb.store.operator_id_by_username("atendente"))
            if any(d.draft_key == protocol and text in d.state for d in wb.store.open_drafts(operator_id=operator)):
                return
            assert time.monotonic() < deadline, f"the draft of {protocol} never saved {text!r}"
            time.sleep(0.2)
    finally:
        wb.close()


def _first_call(page, db) -> str:
    """Atendente Teste registers the first call of C0001 (not resolved), reloading mid-wizard."""
    _login(page, "atendente", "atendente123")
    _look(page, "C0001")
    B.wait_text(page, "Cadastro do Cliente")
    B.click(page, "Adicionar Atendimento")
    B.wait_text(page, "Por favor informe o protocolo ao cliente")
    protocol = re.search(r"nº\s*(\d{14})", page.locator(".wb-dialog").first.inner_text()).group(1)
    B.click(page, "Ok")
    page.get_by_role("radiogroup", name="Origem do Atendimento").get_by_text("Telefônico", exact=True).click()
    B.click(page, "Continuar")
    B.wait_text(page, "Dados do Atendimento")
    _inp(page, "nome-da-pessoa").fill("Joana Prado")
    _inp(page, "problema-descrito-pelo-cliente").fill("Sem internet desde a chuva de ontem")
    _draft_saved(db, protocol, "Sem internet desde a chuva de ontem")
    page.reload(wait_until="domcontentloaded")                       # the page is lost mid-call
    page.locator(".wb-login-user input").wait_for(timeout=90_000)
    _login(page, "atendente", "atendente123")
    B.wait_text(page, f"Você tem um atendimento em andamento (protocolo nº {protocol})")
    B.click(page, "Continuar atendimento")
    B.wait_text(page, "Dados do Atendimento")
    expect(_inp(page, "nome-da-pessoa")).to_have_value("Joana Prado")
    expect(_inp(page, "problema-descrito-pelo-cliente")).to_have_value("Sem internet desde a chuva de ontem")
    _inp(page, "titulo").select_option(label="Sem conexão")
    B.click(page, "Continuar")
    B.wait_text(page, "Script de Atendimento")
    B.click(page, "Encerrar Script")
    B.wait_text(page, "Relatório do Script")
    B.click(page, "Continuar")
    B.wait_text(page, "Primeiro Contato")
    _inp(page, "verificacoes-realizadas-neste-contato").fill("Sinal da ONU baixo na OLT")
    B.click(page, "Finalizar")
    B.wait_text(page, "Atendimento registrado com sucesso")
    B.click(page, "Ok")
    B.wait_text(page, f"Atendimento nº {protocol} registrado.")
    return protocol


def _transfer_to_second_level(page, protocol: str) -> None:
    B.click(page, "Transferir")
    B.wait_text(page, f"Transferir Atendimento nº {protocol}")
    _inp(page, "para-a-fila", "select").select_option(label="Suporte N2")
    _inp(page, "motivo").fill("Sinal baixo: precisa do segundo nível")
    B.click(page, "Transferir")
    B.wait_text(page, f"Atendimento nº {protocol} transferido")


def _second_call(page, protocol: str) -> int:
    """Bruno (Suporte N2) takes the call from his queue and asks for a work order; its number."""
    _login(page, "bruno", flowdata.PASSWORD)
    B.click(page, "Fila")
    row = page.locator(".wb-queue tbody tr", has_text=protocol)
    row.wait_for()
    row.dblclick()
    B.wait_text(page, f"Atendimento nº {protocol}")
    B.click(page, "Novo Contato")
    B.wait_text(page, f"Novo Contato — Atendimento nº {protocol}")
    page.locator(".wb-contact").get_by_text("E-mail", exact=True).click()
    _inp(page, "nome-da-pessoa").fill("Joana Prado")
    _inp(page, "o-que-o-cliente-relatou").fill("Continua sem internet, luz da ONU vermelha")
    _inp(page, "verificacoes-realizadas-neste-contato").fill("ONU sem sinal óptico")
    page.get_by_role("checkbox", name="Pedir O.S.").locator("visible=true").check()
    B.click(page, "Registrar Contato")
    B.wait_text(page, f"Contato nº 2 registrado no atendimento nº {protocol}")
    message = page.locator(".wb-status-ok").locator("visible=true").first.inner_text()
    return int(re.search(r"O\.S\. nº (\d+) aberta", message).group(1))


def _work_order_to_the_end(page, protocol: str, order_id: int) -> None:
    B.click(page, "Área de Trabalho")
    B.click(page, "Ordens de Serviço")
    B.wait_text(page, "O.S. encontrada")
    row = page.locator(".wb-service-orders tbody tr", has_text=protocol)
    row.wait_for()
    row.dblclick()
    B.wait_text(page, "Alterar o status")
    order = page.locator(".wb-service-order")

    def change(status: str) -> None:
        order.locator(".wb-field-status-da-o-s select").select_option(label=status)

    change("Agendada")
    order.locator(".wb-field-data-agendada input").fill((date.today() + timedelta(days=1)).isoformat())
    order.locator(".wb-field-periodo select").select_option(label="Tarde")
    order.locator(".wb-field-tecnico select").select_option(index=0)
    B.click(page, "Alterar Status")
    B.wait_text(page, f"O.S. nº {order_id}: Agendada.")
    change("Em Execução")
    B.click(page, "Alterar Status")
    B.wait_text(page, f"O.S. nº {order_id}: Em Execução.")
    change("Finalizada")
    B.wait_text(page, f"O atendimento nº {protocol} foi resolvido com esta O.S.?")
    page.locator(".wb-field-atendimento-resolvido").get_by_text("Sim", exact=True).click()
    order.locator(".wb-field-descricao-da-solucao-do-problema textarea").fill("Cabo drop trocado")
    B.click(page, "Alterar Status")
    B.wait_text(page, f"Atendimento nº {protocol} concluído.")


def test_one_problem_from_the_first_call_to_its_closing(page, desk_db):
    protocol = _first_call(page, desk_db)
    _find_protocol(page, protocol, "Pendente", "Atendente Teste / Suporte N1")
    _transfer_to_second_level(page, protocol)
    _find_protocol(page, protocol, "Suporte N2", "Sinal baixo: precisa do segundo nível")
    B.shot(page, "journey_01_transferido")

    page.reload(wait_until="domcontentloaded")                       # a reload between calls: nothing to lose
    page.locator(".wb-login-user input").wait_for(timeout=90_000)
    order_id = _second_call(page, protocol)
    _find_protocol(page, protocol, "Continua sem internet, luz da ONU vermelha")
    B.shot(page, "journey_02_segundo_contato")

    _work_order_to_the_end(page, protocol, order_id)
    _find_protocol(page, protocol, "Concluído", "Cabo drop trocado", "Resolvido no 1º contato")
    B.shot(page, "journey_03_concluido")

    wb = workbench.open(desk_db)
    found = wb.attendance(protocol)
    assert found.data["status"] == "Concluído"
    assert found.data["operator"] == "Atendente Teste" and not found.data["resolved"]    # the first contact
    later = found.contacts                                               # the contacts after it
    assert (later.seq.tolist(), later.operator.tolist()) == ([2], ["Bruno Segundo Nível"])
    assert later.said.tolist() == ["Continua sem internet, luz da ONU vermelha"]
    assert found.history[found.history.kind == "transferencia"].note.tolist() == [
        "Sinal baixo: precisa do segundo nível"]
    assert wb.service_order(order_id).history.to_status.tolist() == ["Aberta", "Agendada", "Em Execução",
                                                                     "Finalizada"]
    log = wb.protocol_log().set_index("protocol").loc[protocol]
    assert log.outcome == "registrado" and log.origin == "Telefônico"
