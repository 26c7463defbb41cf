"""The operator desk's widgets, driven without a browser: set values, click, check outcomes."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.errors import BusyError
from workbench.widgets.desk.app import DeskApp
from workbench.widgets.desk.client import ClientScreen
from workbench.widgets.detail import AttendanceDetail
from workbench.widgets.login import LoginForm
from workbench.widgets.table import Table

import deskdata


pytestmark = pytest.mark.backends("duckdb", "postgres")


@pytest.fixture
def desk(wb):
    """(workbench, {client code: id}) over the tiny desk of ``deskdata``, on the test's backend."""
    ids = deskdata.seed(wb)
    return wb, ids


def _scripted_title(draft):
    ref = draft.session.workbench.reference()
    titles = ref["titles"]
    return titles[titles["script_code"].notna() & (titles["script_code"] != "")]["label"].iloc[0]


def _unscripted_title(draft):
    titles = draft.session.workbench.reference()["titles"]
    rows = titles[titles["script_code"].isna() | (titles["script_code"] == "")]
    return None if rows.empty else rows["label"].iloc[0]


# -- table ------------------------------------------------------------------------------
def test_table_selects_and_opens_on_double_click_and_enter():
    opened = []
    t = Table({"code": "Código", "name": "Nome"}, on_open=opened.append)
    t.set_data(pd.DataFrame({"code": ["1", "2"], "name": ["João", "Maria"], "client_id": [10, 20]}))
    assert t.grid.rows == [["1", "João"], ["2", "Maria"]] and t.grid.columns == ["Código", "Nome"]
    t.grid.selected = 1                                   # a click in the page
    assert t.selected["client_id"] == 20 and opened == []
    t._message(t.grid, {"event": "open", "row": 1}, [])  # a double click on that row
    assert [r["client_id"] for r in opened] == [20]
    t._message(t.grid, {"event": "open", "row": 1}, [])  # Enter right after it: the same gesture
    assert [r["client_id"] for r in opened] == [20]
    t._last_open = None
    t.select(0)
    assert t.grid.selected == 0
    t._message(t.grid, {"event": "open", "row": 0}, [])  # Enter on the selected row
    assert [r["client_id"] for r in opened] == [20, 10]
    t.set_data(t.df.iloc[:0])
    assert t.selected is None and t.grid.selected == -1 and t.grid.rows == []


def test_unexpected_error_shows_only_its_id_and_logs_the_traceback(tmp_path, monkeypatch):
    import re

    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "desk.duckdb"))

    def broken():
        raise RuntimeError("falha interna xyz")

    form = LoginForm(broken)
    form.username.value, form.password.value = "atendente", "atendente123"
    form.ok.click()
    shown = re.fullmatch(r"Erro inesperado \(nº ([0-9A-F]{6})\)", form.status.value)
    assert shown, form.status.value
    text = (tmp_path / "workbench.log").read_text(encoding="utf-8")
    assert f"erro inesperado nº {shown.group(1)}" in text
    assert "Traceback" in text and "RuntimeError: falha interna xyz" in text


# -- login ------------------------------------------------------------------------------
def test_login_wrong_password_clears_password_and_says_why(desk):
    wb, _ = desk
    got = []
    form = LoginForm(lambda: wb, on_login=got.append)
    form.username.value, form.password.value = "atendente", "errada123"
    form.ok.click()
    assert got == [] and form.password.value == ""
    assert "Usuário ou senha inválidos." in form.status.value
    assert form.username.value == "atendente" and not form.ok.disabled


def test_login_ok_and_allowed_permission(desk):
    wb, _ = desk
    got = []
    form = LoginForm(wb, on_login=got.append, allowed="painel")
    form.username.value, form.password.value = "atendente", "atendente123"
    form.submit()
    assert got == [] and "perfil" in form.status.value
    form.username.value, form.password.value = "supervisor", "supervisor123"
    form.submit()
    assert got and got[0].operator.username == "supervisor"


def test_desktop_entries_by_role(desk):
    wb, _ = desk
    app = DeskApp(wb=wb)
    app.login.username.value, app.login.password.value = "atendente", "atendente123"
    app.login.ok.click()
    assert app.screen == "desktop" and app.body.children[0].entries == ["Clientes", "Meus Atendimentos", "Fila", "Ordens de Serviço"]
    app.logout()
    app.login.username.value, app.login.password.value = "supervisor", "supervisor123"
    app.login.ok.click()
    desktop = app.body.children[0]
    assert desktop.entries == ["Clientes", "Meus Atendimentos", "Fila", "Ordens de Serviço", "Painel"] and "/voila/render/painel.ipynb" in desktop.painel.value
    desktop.clients.click()
    assert app.screen == "search"


# -- search -----------------------------------------------------------------------------
def test_search_rule_and_open(desk):
    wb, ids = desk
    app = DeskApp(wb=wb)
    app._logged_in(deskdata.login(wb))
    app.show_search()
    s = app.search
    s.text.value = "j"
    s.search_btn.click()
    assert s.fields["Procurar"].error.value  # the 2-character rule, beside the field
    s.text.value = "joao conceicao"
    s.search_btn.click()
    assert len(s.table) >= 1 and s.table.df.iloc[0]["client_id"] == ids["C0001"]
    s.table.select(0)
    s.open_btn.click()
    assert app.screen == "client" and app.client.client_id == ids["C0001"]


# -- client record and attendance list -----------------------------------------------------
def test_client_screen_lists_and_filters(desk):
    wb, ids = desk
    session = deskdata.login(wb)
    d = session.new_attendance(ids["C0002"], "Telefônico")
    d.set_data(contract_id=int(d.contracts.iloc[0]["contract_id"]), person_name="Maria", problem="Sem internet",
               title=_scripted_title(d))
    d.set_first_contact(type=d.types[0], checks="reiniciou o roteador", resolved=True, solution="voltou")
    protocol = d.finish()
    screen = ClientScreen(wb, session, ids["C0002"], on_add=lambda: None)
    assert "Maria Aparecida" in screen.heading.value
    lst = screen.attendances
    assert list(lst.table.df["protocol"]) == [protocol]
    lst.statuses.value = ("Pendente",)
    assert len(lst.table) == 0
    lst.statuses.value = ()
    lst.order.value = "Protocolo"
    lst.text.value = "nada-disso"
    lst.search_btn.click()
    assert len(lst.table) == 0
    lst.text.value = ""
    lst.refresh_btn.click()
    lst.table.open_row(0)
    assert isinstance(lst.detail, AttendanceDetail) and lst.list_box.layout.display == "none"
    detail = lst.detail
    assert protocol in detail.heading.value and "Maria" in detail.summary.value
    detail.note.value = "cliente ligou de novo"
    detail.add_note_btn.click()
    assert "cliente ligou de novo" in " ".join(wb.attendance(protocol).history["note"].fillna(""))
    detail.status_choice.value = "Em Análise"
    detail.change_status_btn.click()
    assert wb.attendance(protocol).data["status"] == "Em Análise"
    detail.close_btn.click()
    assert lst.detail is None and lst.list_box.layout.display == ""


def test_detail_read_only_has_no_actions(desk):
    wb, ids = desk
    d = deskdata.login(wb).new_attendance(ids["C0001"], "Telefônico")
    d.set_data(contract_id=1, person_name="João", problem="Lento", title=_scripted_title(d))
    d.set_first_contact(type=d.types[0], checks="testes", request_os=True)
    protocol = d.finish()
    view = AttendanceDetail(wb, protocol, read_only=True)
    assert view.read_only and view.add_note_btn not in _walk(view)
    assert protocol in view.heading.value


def _walk(widget):
    out = [widget]
    for child in getattr(widget, "children", ()):
        out.extend(_walk(child))
    return out


# -- the wizard ------------------------------------------------------------------------------
def _open_wizard(wb, ids, user="atendente"):
    app = DeskApp(wb=wb)
    app._logged_in(deskdata.login(wb, user))
    app.open_client({"client_id": ids["C0001"]})
    app.client.attendances.add_btn.click()
    assert app.screen == "wizard"
    return app, app.wizard


def test_wizard_every_step_with_script(desk):
    wb, ids = desk
    app, wz = _open_wizard(wb, ids)
    protocol = wz.draft.protocol
    assert f"nº <b>{protocol}</b>" in wz.alert.message.value
    wz.alert.press("Ok")
    assert wz.step == "origem" and list(wz.origin.options) == ["Telefônico", "Fax", "E-mail", "Visita",
                                                                 "Suporte Online"]
    wz.origin.value = "E-mail"
    wz.origin_continue.click()
    assert wz.step == "dados"
    # required fields: messages beside each, nothing lost
    wz.plan.value = None
    wz.person.value = "J"
    wz.data_continue.click()
    assert wz.step == "dados"
    for label in ("Plano", "Nome da Pessoa", "Problema Descrito pelo Cliente", "Título"):
        assert wz.fields[label].error.value, label
    assert wz.person.value == "J"
    assert wz.fields["Plano"].title.has_class("wb-required") if hasattr(wz.fields["Plano"].title, "has_class") \
        else "wb-required" in wz.fields["Plano"].title._dom_classes
    wz.plan.value = 1
    assert "Habilitado" in wz.routing.value
    wz.person.value = "João"
    wz.problem.value = "Internet caiu desde ontem"
    wz.title_choice.value = _scripted_title(wz.draft)
    # "Dados do Cliente" and back keeps everything
    wz.data_client.click()
    assert wz.step == "cliente"
    wz.client_back.click()
    assert wz.step == "dados" and wz.problem.value == "Internet caiu desde ontem"
    wz.data_continue.click()
    assert wz.step == "script", wz.status.value
    first_q = wz.question_html.value
    assert wz.client_expl.layout.display == "none"
    wz.client_ver.click()
    assert wz.client_expl.layout.display == ""
    wz.client_fechar.click()
    assert wz.client_expl.layout.display == "none"
    wz.next_q.click()  # no option marked
    assert wz.fields["Opções"].error.value and wz.step == "script"
    wz.options.value = 0
    wz.next_q.click()
    if wz.step == "script":
        wz.script_back.click()
        assert wz.question_html.value == first_q and wz.options.value == 0
        wz.next_q.click()
        wz.end_s.click()
    assert wz.step == "relatorio"
    assert len(wz.report_table) >= 1
    wz.report_continue.click()
    assert wz.step == "primeiro"
    assert wz.fields["Descrição da Solução do Problema"].layout.display == "none"
    wz.resolved.value = True
    assert wz.fields["Descrição da Solução do Problema"].layout.display == ""
    wz.finish_btn.click()
    assert wz.fields["Verificações Realizadas neste Contato"].error.value
    assert wz.fields["Descrição da Solução do Problema"].error.value
    wz.checks.value = "Reiniciamos a ONU"
    wz.solution.value = "Conexão restabelecida"
    wz.first_back.click()
    assert wz.step == "relatorio"
    wz.report_continue.click()
    assert wz.checks.value == "Reiniciamos a ONU"
    wz.finish_btn.click()
    assert wz.step == "fim", wz.status.value
    assert protocol in wz.screens["fim"].message.value
    wz.screens["fim"].press("Ok")
    assert app.screen == "client" and app.client.tabs.selected_index == 2
    assert protocol in list(app.client.attendances.table.df["protocol"])
    saved = wb.attendance(protocol).data
    assert saved["origin"] == "E-mail" and saved["status"] == "Concluído" and saved["person_name"] == "João"


def test_wizard_title_without_script_skips_script(desk):
    wb, ids = desk
    app, wz = _open_wizard(wb, ids)
    title = _unscripted_title(wz.draft)
    assert title == "2ª via de boleto"
    wz.alert.press("Ok")
    wz.origin.value = "Telefônico"
    wz.origin_continue.click()
    wz.plan.value, wz.person.value, wz.problem.value, wz.title_choice.value = 1, "João", "Dúvida", title
    wz.data_continue.click()
    assert wz.step == "primeiro"
    wz.first_back.click()
    assert wz.step == "dados"


def test_wizard_leave_without_saving_keeps_protocol_in_log(desk):
    wb, ids = desk
    app, wz = _open_wizard(wb, ids)
    protocol = wz.draft.protocol
    wz.alert.press("Ok")
    wz.origin.value = "Telefônico"
    wz.origin_continue.click()
    wz.person.value = "Alguém"
    wz.data_exit.click()
    assert wz.screens["sair"].message.value == "Sair sem salvar?"
    wz.screens["sair"].press("Não")
    assert wz.step == "dados" and wz.body.children[0] is wz.screens["dados"] and wz.person.value == "Alguém"
    wz.data_exit.click()
    wz.screens["sair"].press("Sim")
    assert app.screen == "client" and protocol in app.status.value
    log = wb.protocol_log(client_id=ids["C0001"])
    row = log[log["protocol"] == protocol].iloc[0]
    assert row["outcome"] == "abandonado"
    assert protocol not in list(wb.attendances(client_id=ids["C0001"])["protocol"])


def test_wizard_busy_database_keeps_input(desk, monkeypatch):
    wb, ids = desk
    app, wz = _open_wizard(wb, ids)
    wz.alert.press("Ok")
    wz.origin.value = "Telefônico"
    wz.origin_continue.click()
    wz.plan.value, wz.person.value, wz.problem.value = 1, "João", "Sem sinal"
    wz.title_choice.value = _scripted_title(wz.draft)
    wz.data_continue.click()
    wz.end_s.click()
    wz.report_continue.click()
    wz.type_choice.value = wz.draft.types[0]
    wz.checks.value = "verificado"

    def busy():
        raise BusyError()

    monkeypatch.setattr(wz.draft, "finish", busy)
    wz.finish_btn.click()
    assert "tente novamente" in wz.status.value.lower()
    assert wz.step == "primeiro" and wz.checks.value == "verificado" and not wz.finish_btn.disabled
    monkeypatch.undo()
    wz.finish_btn.click()
    assert wz.step == "fim"


def test_unexpected_error_shows_no_traceback(desk, monkeypatch):
    wb, ids = desk
    app, wz = _open_wizard(wb, ids)
    wz.alert.press("Ok")

    def boom(*a, **k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(wz.draft, "set_origin", boom)
    wz.origin.value = "Fax"
    wz.origin_continue.click()
    assert "secret" not in wz.status.value and "Traceback" not in wz.status.value
    assert wz.status.value.startswith("Erro inesperado (nº ")


# -- double clicks: the second click of a burst acts on what the browser still shows ---------
def _twice(button):
    """A double click: two clicks on the same button, the second before the screen was redrawn."""
    button.click()
    button.click()


def test_double_click_on_add_attendance_allocates_one_protocol(desk):
    wb, ids = desk
    client = ids["C0001"]
    app = DeskApp(wb=wb)
    app._logged_in(deskdata.login(wb))
    app.open_client({"client_id": client})
    before = len(wb.protocol_log(client_id=client))
    _twice(app.client.attendances.add_btn)
    assert app.screen == "wizard"
    assert len(wb.protocol_log(client_id=client)) == before + 1       # one protocol, no orphan left 'aberto'


def _at_script(wb, ids):
    app, wz = _open_wizard(wb, ids)
    _twice(wz.alert.buttons[0])
    wz.origin.value = "Telefônico"
    _twice(wz.origin_continue)
    assert wz.step == "dados" and not wz.status.value
    wz.plan.value, wz.person.value, wz.problem.value = 1, "João", "Sem sinal desde ontem"
    wz.title_choice.value = _scripted_title(wz.draft)
    _twice(wz.data_continue)
    assert wz.step == "script" and not wz.status.value
    return app, wz


def test_double_click_on_next_question_answers_once(desk):
    wb, ids = desk
    app, wz = _at_script(wb, ids)
    first = wz.draft.question["id"]
    wz.options.value = 0
    _twice(wz.next_q)                                       # "Próxima Pergunta"
    assert wz.step == "script" and len(wz.draft.report()) == 1
    assert not wz.fields["Opções"].error.value and not wz.status.value     # no "Marque a resposta..."
    _twice(wz.script_back)                                  # "Voltar": one question back, not two
    assert wz.step == "script" and wz.draft.question["id"] == first and wz.options.value == 0
    wz.next_q.click()
    assert wz.step == "script" and wz.options.value is None
    wz.next_q.click()                                       # a click on the new question, nothing marked
    assert "Marque a resposta" in wz.fields["Opções"].error.value


def test_double_click_on_finish_shows_no_error(desk):
    wb, ids = desk
    app, wz = _at_script(wb, ids)
    _twice(wz.end_s)
    _twice(wz.report_continue)
    assert wz.step == "primeiro"
    wz.type_choice.value = wz.draft.types[0]
    wz.checks.value = "Sinal verificado"
    _twice(wz.finish_btn)                                   # "Finalizar"
    assert wz.step == "fim" and not wz.status.value         # no red "já foi registrado" under the dialog
    protocol = wz.draft.protocol
    assert len(wb.attendances(client_id=ids["C0001"], text=protocol)) == 1
    _twice(wz.screens["fim"].buttons[0])                    # "Ok"
    assert app.screen == "client" and protocol in app.status.value


def test_double_click_on_leave_and_confirm(desk):
    wb, ids = desk
    app, wz = _open_wizard(wb, ids)
    wz.alert.press("Ok")
    _twice(wz.origin_exit)
    sim = wz.screens["sair"].buttons[0]
    _twice(sim)
    assert app.screen == "client" and wz.draft.state == "abandonado"
    assert app.status.value.count(wz.draft.protocol) == 1
