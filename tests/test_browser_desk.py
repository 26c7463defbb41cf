"""The desk through a real Voila server and headless Chromium (``pytest -m browser``).

A screenshot of the page is saved under test-output/ when a test fails.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import browser as B
import deskdata
import pytest

import workbench

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def desk_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("desk") / "desk.duckdb"
    deskdata.seed(workbench.open(db, create=True))
    return db


@pytest.fixture
def page(chromium, server, request):
    with B.desk_page(chromium, server, request, width=1280) as pg:
        yield pg


def _inp(page, label_slug: str, kind: str = "input, textarea, select"):
    return page.locator(f".wb-field-{label_slug}").locator(kind).first


def _login(page, user="atendente"):
    B.login(page, user, deskdata.LOGINS[user])
    B.wait_text(page, "Bem-vindo")


def _open_client(page, text="joao conceicao"):
    B.click(page, "Clientes")
    B.wait_text(page, "Pesquisar Cliente")
    box = page.locator(".wb-search-text input")
    box.fill(text)
    box.press("Enter")
    B.wait_text(page, "encontrado")
    grid = page.locator(".wb-search .wb-grid").first
    bb = grid.bounding_box()
    page.mouse.dblclick(bb["x"] + 120, bb["y"] + 30 + 13)  # first body row, under the header
    B.wait_text(page, "Cadastro do Cliente")


def _start_attendance(page) -> str:
    B.click(page, "Adicionar Atendimento")
    B.wait_text(page, "Por favor informe o protocolo ao cliente")
    text = page.locator(".wb-dialog").first.inner_text()
    protocol = re.search(r"nº\s*(\d+)", text).group(1)
    B.click(page, "Ok")
    B.wait_text(page, "Origem do Atendimento")
    return protocol


def _scripted_title(db):
    titles = workbench.open(db).reference()["titles"]
    return titles[titles["script_code"].fillna("") != ""]["label"].iloc[0]


def test_wrong_password(page):
    B.login(page, "atendente", "errada")
    B.wait_text(page, "Usuário ou senha inválidos.")
    assert page.locator(".wb-login-password input").input_value() == ""
    B.shot(page, "desk_01_login_error")


def test_full_attendance_with_script(page, desk_db):
    _login(page)
    B.shot(page, "desk_02_area_de_trabalho")
    _open_client(page)
    B.shot(page, "desk_03_cadastro_cliente")
    before = page.locator(".wb-client").inner_text()
    protocol = _start_attendance(page)
    for origin in ("Telefônico", "Fax", "E-mail", "Visita", "Suporte Online"):
        assert page.get_by_text(origin, exact=True).count() >= 1
    page.get_by_text("Visita", exact=True).click()
    B.shot(page, "desk_04_origem")
    B.click(page, "Continuar")
    B.wait_text(page, "Dados do Atendimento")
    assert "Habilitado" in page.locator(".wb-field-ponto-de-roteamento").inner_text()
    _inp(page, "nome-da-pessoa").fill("João")
    _inp(page, "problema-descrito-pelo-cliente").fill("Sem internet desde ontem")
    _inp(page, "titulo").select_option(label=_scripted_title(desk_db))
    B.shot(page, "desk_05_dados")
    B.click(page, "Continuar")
    B.wait_text(page, "Script de Atendimento")
    B.click(page, "Ver", 0)
    B.shot(page, "desk_06_script")
    B.click(page, "Fechar", 0)
    B.answer_script(page)
    B.shot(page, "desk_07_relatorio")
    B.click(page, "Continuar")
    B.wait_text(page, "Primeiro Contato")
    _inp(page, "verificacoes-realizadas-neste-contato").fill("Reiniciada a ONU, sinal normal")
    page.get_by_text("Atendimento resolvido", exact=True).click()
    _inp(page, "descricao-da-solucao-do-problema").fill("Conexão restabelecida")
    B.shot(page, "desk_08_primeiro_contato")
    B.click(page, "Finalizar")
    B.wait_text(page, "Atendimento registrado com sucesso")
    assert protocol in page.locator(".wb-dialog").first.inner_text()
    B.click(page, "Ok")
    B.wait_text(page, f"Atendimento nº {protocol} registrado.")
    B.shot(page, "desk_09_atendimentos")
    assert page.locator(".wb-client").inner_text() != before
    wb = workbench.open(desk_db)
    assert protocol in list(wb.attendances(client_id=1)["protocol"])
    assert wb.attendance(protocol).data["origin"] == "Visita"


def test_required_fields_and_leave_without_saving(page, desk_db):
    _login(page)
    _open_client(page, "conceicao")
    protocol = _start_attendance(page)
    page.get_by_text("Telefônico", exact=True).click()        # no origin is preselected
    B.click(page, "Continuar")
    B.wait_text(page, "Dados do Atendimento")
    _inp(page, "nome-da-pessoa").fill("")
    B.click(page, "Continuar")
    B.wait_text(page, "Verifique os campos indicados.")
    for slug in ("nome-da-pessoa", "problema-descrito-pelo-cliente", "titulo"):
        assert page.locator(f".wb-field-{slug} .wb-error").inner_text().strip(), slug
    B.shot(page, "desk_10_obrigatorios")
    B.click(page, "Sair")
    B.wait_text(page, "Sair sem salvar?")
    B.click(page, "Sim")
    B.wait_text(page, "ficou registrado no log")
    log = workbench.open(desk_db).protocol_log(client_id=1)
    assert log.set_index("protocol").loc[protocol, "outcome"].lower().startswith("abandon")


def test_served_html_has_no_source_and_no_files(server, desk_db):
    html = urllib.request.urlopen(server + "/voila/render/atendimento.ipynb", timeout=60).read().decode()
    assert "desk_app" not in html
    assert "from workbench" not in html
    painel = urllib.request.urlopen(server + "/voila/render/painel.ipynb", timeout=90).read().decode()
    assert "from workbench" not in painel and "Traceback" not in painel
    for path in ("/tree", "/files/atendimento.ipynb", "/voila/files/atendimento.ipynb", "/voila/files/desk.duckdb",
                 f"/voila/files/{desk_db}", "/files" + str(desk_db), "/api/contents", "/lab",
                 "/voila/tree/../" + desk_db.name):
        try:
            with urllib.request.urlopen(server + path, timeout=30) as r:
                body = r.read()
                assert r.status != 200 or (b"DUCK" not in body[:64] and b"desk_app" not in body), path
        except urllib.error.HTTPError as exc:
            assert exc.code in (403, 404, 405), (path, exc.code)


def test_enter_on_selected_row_opens_client(page):
    _login(page)
    B.click(page, "Clientes")
    box = page.locator(".wb-search-text input")
    box.fill("Gonçalves")
    box.press("Enter")
    B.wait_text(page, "encontrado")
    bb = page.locator(".wb-search .wb-grid").first.bounding_box()
    page.mouse.click(bb["x"] + 120, bb["y"] + 30 + 13)
    page.wait_for_timeout(800)
    page.keyboard.press("Enter")
    B.wait_text(page, "Cadastro do Cliente")             # the list shows names too: wait for the record
    B.wait_text(page, "Maria Aparecida Gonçalves")


def _visible(page, text: str) -> bool:
    return page.get_by_text(text, exact=False).locator("visible=true").count() > 0


def test_real_double_clicks_do_one_action_each(page, desk_db):
    """A real double click on "Adicionar Atendimento", "Próxima Pergunta" and "Finalizar"."""
    _login(page)
    _open_client(page, "conceicao")
    wb = workbench.open(desk_db)
    before = set(wb.protocol_log(client_id=1).protocol)
    page.get_by_role("button", name="Adicionar Atendimento", exact=True).locator("visible=true").first.dblclick()
    B.wait_text(page, "Por favor informe o protocolo ao cliente")
    page.wait_for_timeout(1500)                        # time for a second protocol, were one allocated
    assert len(set(wb.protocol_log(client_id=1).protocol) - before) == 1
    protocol = re.search(r"nº\s*(\d+)", page.locator(".wb-dialog").first.inner_text()).group(1)
    B.click(page, "Ok")
    B.wait_text(page, "Origem do Atendimento")
    page.get_by_text("Telefônico", exact=True).click()
    B.click(page, "Continuar")
    B.wait_text(page, "Dados do Atendimento")
    _inp(page, "nome-da-pessoa").fill("João")
    _inp(page, "problema-descrito-pelo-cliente").fill("Sem internet desde ontem")
    _inp(page, "titulo").select_option(label=_scripted_title(desk_db))
    B.click(page, "Continuar")
    B.wait_text(page, "Script de Atendimento")
    first = page.locator(".wb-card").first.inner_text()
    page.locator(".wb-field-opcoes input[type=radio]").first.check()
    page.get_by_role("button", name="Próxima Pergunta", exact=True).locator("visible=true").first.dblclick()
    page.wait_for_timeout(1500)
    assert not _visible(page, "Marque a resposta")      # the next question was not answered with nothing
    if _visible(page, "Script de Atendimento"):
        assert page.locator(".wb-card").first.inner_text() != first
        B.click(page, "Encerrar Script")
    B.wait_text(page, "Relatório do Script")
    B.click(page, "Continuar")
    B.wait_text(page, "Primeiro Contato")
    _inp(page, "verificacoes-realizadas-neste-contato").fill("Reiniciada a ONU")
    page.get_by_role("button", name="Finalizar", exact=True).locator("visible=true").first.dblclick()
    B.wait_text(page, "Atendimento registrado com sucesso")
    page.wait_for_timeout(1500)
    assert not _visible(page, "já foi registrado")      # no red error under the success dialog
    B.shot(page, "desk_11_duplo_clique")
    assert len(wb.attendances(client_id=1, text=protocol)) == 1
    answers = wb.attendance(protocol).answers
    assert len(answers) == 1                            # one answer: the double click answered once
