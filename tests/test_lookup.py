"""Find anything from anywhere (issue 11 item 1): ``wb.lookup`` and the lookup box in the desk's header."""

from __future__ import annotations

import pandas as pd
import pytest

import deskdata
from workbench.errors import NotFoundError, ValidationError
from workbench.widgets.desk.app import DeskApp
from workbench.widgets.desk.lookup import LookupScreen
from workbench.widgets.detail import AttendanceDetail


pytestmark = pytest.mark.backends("duckdb", "postgres")


@pytest.fixture
def desk(wb):
    ids = deskdata.seed(wb)
    return wb, ids


def _registered(session, client_id, origin="E-mail"):
    draft = session.new_attendance(client_id, origin)
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="João", problem="Sem sinal",
                   title="2ª via de boleto")
    draft.set_first_contact(type="Financeiro", checks="Boleto reenviado")
    return draft.finish()


def test_every_protocol_is_found_whatever_its_outcome(desk):
    wb, ids = desk
    session = wb.login("atendente", "atendente123")
    registered = _registered(session, ids["C0001"])
    in_progress = session.new_attendance(ids["C0002"], "Fax").protocol
    abandoned = session.new_attendance(ids["C0003"])
    abandoned.leave()                                          # left at the alert: no origin
    r = wb.lookup(registered)
    assert r.kind == "protocolo" and r.registered and r.clients is None
    p = r.protocol
    assert (p["outcome"], p["origin"], p["operator"], p["client_id"], p["status"], p["title"]) == \
        ("registrado", "E-mail", "Atendente Teste", ids["C0001"], "Pendente", "2ª via de boleto")
    assert p["client_name"] == "João da Conceição" and p["issued_at"] is not None
    p = wb.lookup(in_progress).protocol
    assert (p["outcome"], p["origin"], p["registered"]) == ("aberto", "Fax", False)
    r = wb.lookup(f"Protocolo nº {abandoned.protocol}")        # as read out on the phone
    assert (r.protocol["outcome"], r.protocol["origin"]) == ("abandonado", None)
    assert "abandonado" in r.message and abandoned.protocol in r.message


@pytest.mark.parametrize("text, kind, code", [
    ("529.982.247-25", "documento", "C0001"), ("52998224725", "documento", "C0001"),
    ("11.222.333/0001-81", "documento", "C0003"), ("(11) 3000-0002", "telefone", "C0002"),
    ("11990000004", "telefone", "C0004"), ("C0005", "codigo", "C0005"), ("cliente2@example.com", "email", "C0002"),
    ("jose simoes", "nome", "C0004"),
])
def test_documents_phones_codes_emails_and_names_go_to_the_client_search(desk, text, kind, code):
    wb, _ = desk
    r = wb.lookup(text)
    assert r.kind == kind and r.protocol is None
    assert list(r.clients.code) == [code]


@pytest.mark.parametrize("text, error, words", [
    ("20991231000001", NotFoundError, "Nenhum protocolo nº 20991231000001 foi emitido"),
    ("2026112700012", ValidationError, "não é um protocolo"),          # a digit short
    ("202611270001234", ValidationError, "não é um protocolo"),        # a digit too many
    ("20261399000001", ValidationError, "nem um CNPJ válido"),         # no such day
    ("protocolo 1234", ValidationError, "14 dígitos"),
    ("x", ValidationError, "ao menos 2 caracteres"),
])
def test_a_protocol_that_does_not_exist_or_of_another_format_says_so(desk, text, error, words):
    wb, _ = desk
    with pytest.raises(error) as err:
        wb.lookup(text)
    assert words in str(err.value) and err.value.field == "Procurar"


@pytest.mark.parametrize("text", ["😀😀", "'; DROP TABLE clients; --", "20261127000001' OR '1'='1", "O'Brien",
                                  "__", "\x00\x00abc", "a" * 5000])
def test_hostile_text_finds_nothing_and_changes_nothing(desk, text):
    wb, _ = desk
    before = int(wb.sql("SELECT count(*) AS n FROM clients").n[0])
    r = wb.lookup(text)
    assert r.kind == "nome" and r.clients.empty and r.message == "Nenhum cliente encontrado."
    assert int(wb.sql("SELECT count(*) AS n FROM clients").n[0]) == before > 0


def test_an_emoji_said_to_be_a_protocol_is_refused_by_name(desk):
    wb, _ = desk
    with pytest.raises(ValidationError, match="não é um protocolo") as err:
        wb.lookup("protocolo nº 😀")
    assert err.value.field == "Procurar"


# -- the header's box ------------------------------------------------------------------------
def _desk(wb):
    app = DeskApp(wb=wb)
    app._logged_in(wb.login("atendente", "atendente123"))
    assert app.screen == "desktop" and app.lookup_box.layout.display == ""
    return app


def _look(app, text):
    app.lookup_box.text.value = text
    app.lookup_box.go.click()


def test_the_box_opens_a_registered_attendance_where_the_operator_can_act(desk):
    wb, ids = desk
    app = _desk(wb)
    protocol = _registered(app.session, ids["C0001"])
    app.show_search()
    _look(app, protocol)
    assert app.screen == "lookup"
    screen = app.body.children[0]
    assert isinstance(screen, LookupScreen) and isinstance(screen.detail, AttendanceDetail)
    assert "Registrado" in screen.children[1].value and "E-mail" in screen.children[1].value
    screen.detail.note.value = "Cliente ligou de novo pelo protocolo"
    screen.detail.add_note_btn.click()
    assert "Cliente ligou de novo pelo protocolo" in list(wb.attendance(protocol).history.note)
    screen.open_client_btn.click()
    assert app.screen == "client" and app.client.client_id == ids["C0001"]


def test_the_box_shows_an_abandoned_protocol_and_one_client_opens_directly(desk):
    wb, ids = desk
    app = _desk(wb)
    left = app.session.new_attendance(ids["C0002"], "Visita")
    left.leave()
    _look(app, left.protocol)
    screen = app.body.children[0]
    assert screen.detail is None and "Abandonado" in screen.children[1].value
    assert "Visita" in screen.children[1].value and "Atendente Teste" in screen.children[1].value
    _look(app, "111.444.777-35")
    assert app.screen == "client" and app.client.client_id == ids["C0002"]
    _look(app, "jo")                                         # two clients: a list, Enter opens one
    screen = app.body.children[0]
    assert app.screen == "lookup" and len(screen.table) == 2
    screen.table.open_row(1)
    assert app.screen == "client"


def test_the_box_says_what_is_wrong_and_stays_where_it_was(desk):
    wb, _ = desk
    app = _desk(wb)
    app.show_search()
    _look(app, "20991231000001")
    assert app.screen == "search" and "Nenhum protocolo nº 20991231000001 foi emitido" in app.status.value
    _look(app, "2026112700012")
    assert app.screen == "search" and "não é um protocolo" in app.status.value


def test_my_protocol_in_progress_offers_to_continue_it(desk):
    wb, ids = desk
    app = _desk(wb)
    draft = app.session.new_attendance(ids["C0001"], "Fax")
    draft.save("origem")
    _look(app, draft.protocol)
    screen = app.body.children[0]
    assert screen.resume_btn is not None
    screen.resume_btn.click()
    assert app.screen == "wizard" and app.wizard.draft.protocol == draft.protocol
    assert app.wizard.step == "origem" and app.wizard.origin.value == "Fax"


def test_lookup_result_frame_has_the_search_columns(desk):
    wb, _ = desk
    r = wb.lookup("conceicao")
    assert isinstance(r.clients, pd.DataFrame) and {"client_id", "code", "name", "document"} <= set(r.clients)
