"""The lookup box and the keyboard through a real Voila server and headless Chromium (``pytest -m browser``):
a protocol from any screen, what a screen reader is told, and a whole search done without the mouse."""

from __future__ import annotations

import browser as B
import deskdata
import pytest
from playwright.sync_api import expect

import workbench

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def desk_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("lookup") / "desk.duckdb"
    wb = workbench.open(db, create=True)
    ids = deskdata.seed(wb)
    session = wb.login("atendente", "atendente123")
    draft = session.new_attendance(ids["C0001"], "E-mail")
    draft.set_data(contract_id=1, person_name="João", problem="Boleto não chegou", title="2ª via de boleto")
    draft.set_first_contact(type="Financeiro", checks="Boleto reenviado por e-mail")
    registered = draft.finish()
    left = session.new_attendance(ids["C0002"], "Visita")
    left.leave()
    wb.close()
    return db, registered, left.protocol


def _look(page, text):
    box = page.get_by_label("Procurar protocolo, CPF/CNPJ, telefone ou nome")
    box.fill(text)
    box.press("Enter")


def test_lookup_finds_any_protocol_from_any_screen(page, desk_db):
    _db, registered, abandoned = desk_db
    B.login(page, "atendente", "atendente123")
    B.wait_text(page, "Bem-vindo")
    _look(page, registered)
    B.wait_text(page, f"Atendimento nº {registered}")        # the attendance itself, with its history
    B.wait_text(page, "Boleto reenviado por e-mail")
    expect(page.get_by_role("button", name="Adicionar Nota")).to_be_visible()
    B.shot(page, "lookup_01_registrado")
    _look(page, abandoned)
    B.wait_text(page, "Abandonado (saiu sem salvar)")
    assert "Visita" in page.locator(".wb-lookup-result").inner_text()
    B.click(page, "Abrir cliente")
    B.wait_text(page, "Maria Aparecida Gonçalves")
    _look(page, "20991231000001")
    B.wait_text(page, "Nenhum protocolo nº 20991231000001 foi emitido")
    _look(page, "2026112700012")
    B.wait_text(page, "não é um protocolo")
    B.wait_text(page, "Cadastro do Cliente")                 # the screen stayed
    B.shot(page, "lookup_02_mensagem")


def test_a_field_typed_in_while_the_desk_opens_keeps_the_cursor(page):
    """The desk's first screen puts the cursor on "Clientes" when it appears, unless the operator
    has already started typing elsewhere (here the lookup box, while the login was on its way):
    an Enter there must look the client up, not press "Clientes"."""
    B.login(page, "atendente", "atendente123")
    box = page.get_by_label("Procurar protocolo, CPF/CNPJ, telefone ou nome")
    box.fill("C0001")
    page.locator(".wb-desktop").wait_for()
    page.wait_for_timeout(600)                               # the desk's screen has asked for the cursor
    expect(box).to_be_focused()
    page.keyboard.press("Enter")
    B.wait_text(page, "Cadastro do Cliente")


def test_a_search_without_the_mouse_and_what_a_screen_reader_is_told(page):
    user = page.get_by_label("Usuário")
    expect(user).to_be_focused()                             # the cursor is in Usuário on arrival
    page.keyboard.type("atendente")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Senha")).to_be_focused()
    page.keyboard.type("atendente123")
    page.keyboard.press("Enter")
    B.wait_text(page, "Bem-vindo")
    expect(page.get_by_role("button", name="Clientes")).to_be_focused()
    page.keyboard.press("Enter")
    procurar = page.get_by_label("Procurar", exact=True)
    expect(procurar).to_be_focused()
    expect(page.get_by_label("Quantidade")).to_have_attribute("max", "500")
    page.keyboard.type("jo")
    page.keyboard.press("Enter")
    B.wait_text(page, "2 clientes encontrados")
    grid = page.get_by_role("grid", name="Clientes encontrados")
    for _ in range(6):                                       # Tab reaches the list
        page.keyboard.press("Tab")
        if grid.evaluate("el => el === document.activeElement"):
            break
    expect(grid).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(grid.get_by_role("row", selected=True)).to_contain_text("José Antônio Simões")
    page.keyboard.press("Enter")
    B.wait_text(page, "Cadastro do Cliente — C0004")
    expect(page.get_by_label("Pesquisar", exact=True)).to_be_focused()
    tree = page.locator(".wb-client").aria_snapshot()
    assert 'grid "Atendimentos do cliente"' in tree and "columnheader \"Abertura\"" in tree
    B.shot(page, "keys_01_cliente")


def test_the_wizard_by_keyboard_with_labelled_fields(page, desk_db):
    B.login(page, "atendente", "atendente123")
    B.wait_text(page, "Bem-vindo")
    _look(page, "C0003")
    B.wait_text(page, "Padaria Pão Quente")
    B.click(page, "Adicionar Atendimento")
    B.wait_text(page, "Por favor informe o protocolo ao cliente")
    expect(page.get_by_role("button", name="Ok")).to_be_focused()
    page.keyboard.press("Enter")
    origins = page.get_by_role("radiogroup", name="Origem do Atendimento")
    expect(origins).to_be_visible()
    assert not origins.get_by_role("radio", checked=True).count()         # nothing preselected
    expect(origins.get_by_role("radio").first).to_be_focused()
    page.keyboard.press("ArrowDown")                         # Telefônico → Fax
    page.keyboard.press("Enter")
    B.wait_text(page, "Dados do Atendimento")
    person = page.get_by_label("Nome da Pessoa")
    expect(person).to_be_focused()
    page.keyboard.type("Carla")
    page.get_by_label("Problema Descrito pelo Cliente").fill("Sem internet na padaria")
    page.get_by_label("Título").select_option(label="2ª via de boleto")
    person.press("Enter")                                    # Enter in a one-line field continues
    B.wait_text(page, "Primeiro Contato")
    expect(page.get_by_label("Tipo de Atendimento")).to_be_focused()
    for label in ("Verificações Realizadas neste Contato",):
        expect(page.get_by_label(label)).to_be_visible()
    B.shot(page, "keys_02_primeiro_contato")
    wb = workbench.open(desk_db[0])
    log = wb.protocol_log(client_id=3)
    assert log.iloc[0].origin == "Fax" and log.iloc[0].outcome == "aberto"
