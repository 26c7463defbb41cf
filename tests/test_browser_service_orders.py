"""Issue 11 items 5 and 6 through a real Voila server and headless Chromium (``pytest -m browser``):
an O.S. from Aberta to Finalizada, and the client's attendance list newest first at 1366 px.

A screenshot of the page is saved under test-output/ when a test fails.
"""

from __future__ import annotations

from datetime import date, timedelta

import browser as B
import flowdata
import pytest

import workbench

pytestmark = pytest.mark.browser

LONG = "Sem internet desde ontem à noite; " * 12


@pytest.fixture(scope="module")
def desk_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("orders") / "orders.duckdb"
    wb = workbench.open(db, create=True)
    ids = flowdata.seed(wb)
    session = flowdata.login(wb, "atendente")
    flowdata.register(session, ids["C0001"], title="Sem conexão")
    flowdata.register(session, ids["C0001"], title="Lentidão", resolved=True)
    flowdata.register(session, ids["C0001"], title="Sem conexão", problem=LONG)
    flowdata.register(session, ids["C0002"], request_os=True)
    return db


@pytest.fixture
def page(chromium, server, request):
    with B.desk_page(chromium, server, request, width=1366) as pg:
        B.login(pg, "atendente", "atendente123")
        B.wait_text(pg, "Bem-vindo")
        yield pg


def _inp(page, slug: str, kind: str = "input, textarea, select"):
    return page.locator(f".wb-service-order .wb-field-{slug}").locator(kind).first


def test_service_order_from_aberta_to_finalizada(page, desk_db):
    wb = workbench.open(desk_db)
    order = wb.service_orders(status="Aberta").iloc[0]
    order_id, protocol = int(order["order_id"]), order["protocol"]
    B.click(page, "Ordens de Serviço")
    B.wait_text(page, "O.S. encontrada")
    grid = page.locator(".wb-service-orders .wb-grid").first
    bb = grid.bounding_box()
    page.mouse.dblclick(bb["x"] + 40, bb["y"] + 30 + 13)            # the first row: the only open order
    B.wait_text(page, "Alterar o status")
    assert "Rua das Flores" in page.locator(".wb-service-order").inner_text()
    _inp(page, "status-da-o-s", "select").select_option(label="Agendada")
    _inp(page, "data-agendada", "input").fill((date.today() + timedelta(days=1)).isoformat())
    _inp(page, "periodo", "select").select_option(label="Manhã")
    _inp(page, "tecnico", "select").select_option(index=0)
    B.shot(page, "os_01_agendar")
    B.click(page, "Alterar Status")
    B.wait_text(page, f"O.S. nº {order_id}: Agendada.")
    _inp(page, "status-da-o-s", "select").select_option(label="Em Execução")
    B.click(page, "Alterar Status")
    B.wait_text(page, f"O.S. nº {order_id}: Em Execução.")
    _inp(page, "status-da-o-s", "select").select_option(label="Finalizada")
    B.wait_text(page, f"O atendimento nº {protocol} foi resolvido com esta O.S.?")
    page.locator(".wb-field-atendimento-resolvido").get_by_text("Sim", exact=True).click()
    _inp(page, "descricao-da-solucao-do-problema", "textarea").fill("Conector óptico trocado")
    B.shot(page, "os_02_finalizar")
    B.click(page, "Alterar Status")
    B.wait_text(page, f"Atendimento nº {protocol} concluído.")
    B.shot(page, "os_03_finalizada")
    history = page.locator(".wb-service-order .wb-grid").first.inner_text()
    for status in ("Agendada", "Em Execução", "Finalizada"):
        assert status in history
    done = wb.service_order(order_id)
    assert done.data["status"] == "Finalizada"
    assert done.history.to_status.tolist() == ["Aberta", "Agendada", "Em Execução", "Finalizada"]
    assert wb.attendance(protocol).data["status"] == "Concluído"


def test_client_list_newest_first_at_1366(page, desk_db):
    wb = workbench.open(desk_db)
    newest = wb.attendances(client_id=1)
    B.click(page, "Clientes")
    box = page.locator(".wb-search-text input")
    box.fill("joao conceicao")
    box.press("Enter")
    B.wait_text(page, "encontrado")
    bb = page.locator(".wb-search .wb-grid").first.bounding_box()
    page.mouse.dblclick(bb["x"] + 120, bb["y"] + 30 + 13)
    B.wait_text(page, "Cadastro do Cliente")
    table = page.locator(".wb-client .wb-rtable[aria-label='Atendimentos do cliente']").first
    first_cell = table.locator("tbody tr").first.locator("td").first
    page.wait_for_function("(el) => el && el.textContent.length > 0", arg=first_cell.element_handle())
    assert first_cell.inner_text() == newest["protocol"].iloc[0]
    headers = [h.strip(" ▲▼") for h in table.locator("th").all_inner_texts()]
    assert headers == ["Protocolo", "Título", "Status", "Abertura", "Prazo", "Responsável"]
    fits = table.evaluate("(el) => el.scrollWidth <= el.clientWidth")
    assert fits, "the key columns need a horizontal scroll at 1366 px"
    for th in table.locator("th").all():
        assert th.bounding_box()["x"] + th.bounding_box()["width"] <= 1366
    assert "wb-row-open" in (table.locator("tbody tr").first.get_attribute("class") or "")
    B.shot(page, "list_01_recentes_1366")
    table.locator("th", has_text="Título").click()                   # the manual's order: one click
    assert table.locator("th[aria-sort='ascending']").inner_text().startswith("Título")
    page.wait_for_function("(el) => { const td = el.querySelector('tbody tr td:nth-child(2)'); "
                           "return td && td.textContent === 'Lentidão'; }", arg=table.element_handle())
    titles = [r.locator("td").nth(1).inner_text() for r in table.locator("tbody tr").all()]
    assert titles == sorted(titles) and titles[0] == "Lentidão"
    page.locator(".wb-client").get_by_text("Mais colunas", exact=True).click()
    cell = table.locator("td", has_text="Sem internet desde ontem à noite").first
    cell.wait_for()
    assert cell.get_attribute("title") == LONG.strip() or cell.get_attribute("title") == LONG
    B.shot(page, "list_02_mais_colunas")
