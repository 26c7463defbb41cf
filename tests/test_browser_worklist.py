"""Later contacts and transfers through a real Voila server and headless Chromium (``pytest -m browser``):
Meus Atendimentos → the attendance → "Novo Contato" / "Transferir", checked in the store."""

from __future__ import annotations

import browser as B
import flowdata
import pytest

import workbench

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def desk_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("worklist") / "desk.duckdb"
    wb = workbench.open(db, create=True)
    ids = flowdata.seed(wb)
    session = flowdata.login(wb, "atendente")
    protocols = {"contact": flowdata.register(session, ids["C0001"]),
                 "transfer": flowdata.register(session, ids["C0002"], title="Lentidão")}
    return db, protocols


def _inp(page, label_slug: str, kind: str = "input, textarea, select"):
    return page.locator(f".wb-field-{label_slug}").locator(kind).locator("visible=true").first


def _open_from_worklist(page, protocol: str) -> None:
    B.login(page, "atendente", "atendente123")
    B.wait_text(page, "Bem-vindo")
    B.click(page, "Meus Atendimentos")
    B.wait_text(page, "Ordenados pela urgência")
    row = page.locator(".wb-worklist tbody tr", has_text=protocol)
    row.wait_for()
    assert "Atendente Teste" in row.inner_text()                 # the Responsável column
    row.dblclick()
    B.wait_text(page, f"Atendimento nº {protocol}")


def test_later_contact_from_meus_atendimentos(page, desk_db):
    db, protocols = desk_db
    protocol = protocols["contact"]
    _open_from_worklist(page, protocol)
    B.click(page, "Novo Contato")
    B.wait_text(page, f"Novo Contato — Atendimento nº {protocol}")
    page.get_by_text("E-mail", exact=True).click()
    _inp(page, "nome-da-pessoa").fill("José Filho")
    _inp(page, "o-que-o-cliente-relatou").fill("Caiu de novo hoje de manhã")
    _inp(page, "verificacoes-realizadas-neste-contato").fill("ONU reiniciada remotamente")
    page.get_by_role("checkbox", name="Atendimento resolvido").locator("visible=true").check()
    _inp(page, "descricao-da-solucao-do-problema").fill("Conexão restabelecida")
    B.shot(page, "worklist_01_novo_contato")
    B.click(page, "Registrar Contato")
    B.wait_text(page, f"Contato nº 2 registrado no atendimento nº {protocol}")
    B.wait_text(page, "Caiu de novo hoje de manhã")             # in the Contatos list of the detail
    B.shot(page, "worklist_02_contato_registrado")
    found = workbench.open(db).attendance(protocol)
    contact = found.contacts.iloc[-1]
    assert (contact.origin, contact.person_name, contact.operator) == ("E-mail", "José Filho", "Atendente Teste")
    assert found.data["status"] == "Concluído"


def test_transfer_to_a_queue_from_the_detail(page, desk_db):
    db, protocols = desk_db
    protocol = protocols["transfer"]
    _open_from_worklist(page, protocol)
    B.click(page, "Transferir")
    B.wait_text(page, f"Transferir Atendimento nº {protocol}")
    _inp(page, "para-a-fila", "select").select_option(label="Suporte N2")
    _inp(page, "motivo").fill("Precisa de análise do segundo nível")
    B.shot(page, "worklist_03_transferir")
    B.click(page, "Transferir")
    B.wait_text(page, f"Atendimento nº {protocol} transferido")
    B.wait_text(page, "Precisa de análise do segundo nível")    # in the history
    found = workbench.open(db).attendance(protocol)
    assert found.data["owner"] is None and found.data["queue"] == "Suporte N2"
    moves = found.history[found.history.kind == "transferencia"]
    assert moves.note.tolist() == ["Precisa de análise do segundo nível"]
    B.click(page, "Fechar")
    B.wait_text(page, "Ordenados pela urgência")
    page.locator(".wb-worklist tbody tr", has_text=protocol).wait_for(state="detached")     # no longer mine
