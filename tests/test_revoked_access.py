"""An operator disabled (or stripped of a role) while logged in can no longer write, and the desk
sends them back to the login."""

from __future__ import annotations

import duckdb
import pytest

import workbench
from workbench.services.auth import now
from workbench.widgets.desk.app import DeskApp
from workbench.widgets.desk.operators import OperatorsScreen

import deskdata

REVOKED = "Seu acesso foi desativado ou alterado"


@pytest.fixture
def desk(tmp_path):
    wb = workbench.open(tmp_path / "desk.duckdb", create=True)
    ids = deskdata.seed(wb)
    return wb, ids


def _count(wb, sql):
    con = duckdb.connect(str(wb.path), read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def _writes(wb):
    return (_count(wb, "SELECT count(*) FROM protocol_log"), _count(wb, "SELECT count(*) FROM attendances"),
            _count(wb, "SELECT count(*) FROM attendance_events"))


def _disable(wb, username):
    admin = wb.login("admin", "admin123")
    operator_id = _count(wb, f"SELECT operator_id FROM operators WHERE username = '{username}'")
    wb.set_operator_active(operator_id, False, by=admin)


def _ready_draft(session, client_id):
    draft = session.new_attendance(client_id, "Telefônico")
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="João",
                   problem="Sem conexão", title="2ª via de boleto")
    draft.set_first_contact(type=draft.types[0], checks="Boleto reenviado", resolved=True, solution="Enviado")
    return draft


def test_a_disabled_operator_can_no_longer_write(desk):
    wb, ids = desk
    session = wb.login("atendente", "atendente123")
    draft = _ready_draft(session, ids["C0001"])
    done = _ready_draft(session, ids["C0002"])
    done.finish()
    _disable(wb, "atendente")
    before = _writes(wb)
    with pytest.raises(workbench.AuthError, match=REVOKED):
        draft.finish()
    with pytest.raises(workbench.AuthError, match=REVOKED):
        session.new_attendance(ids["C0001"], "Telefônico")
    with pytest.raises(workbench.AuthError, match=REVOKED):
        session.add_note(done.protocol, "Cliente ligou de novo")
    assert _writes(wb) == before                        # nothing written, no protocol given
    assert session.ended and REVOKED in session.ended


def test_the_session_stays_ended_after_the_operator_is_enabled_again(desk):
    wb, ids = desk
    session = wb.login("atendente", "atendente123")
    _disable(wb, "atendente")
    with pytest.raises(workbench.AuthError, match=REVOKED):
        session.new_attendance(ids["C0001"], "Telefônico")
    admin = wb.login("admin", "admin123")
    wb.set_operator_active(_count(wb, "SELECT operator_id FROM operators WHERE username = 'atendente'"), True,
                           by=admin)
    with pytest.raises(workbench.AuthError, match=REVOKED):
        session.new_attendance(ids["C0001"], "Telefônico")
    assert wb.login("atendente", "atendente123").new_attendance(ids["C0001"], "Telefônico").protocol


def test_an_admin_who_lost_the_role_can_no_longer_manage_operators(desk):
    wb, _ids = desk
    wb.add_operator("chefe", "chefe12345", "admin", "Chefe")
    chefe = wb.login("chefe", "chefe12345")
    admin = wb.login("admin", "admin123")
    wb.store.set_operator(chefe.operator.operator_id, actor_id=admin.operator.operator_id, roles=("admin",),
                          at=now(), role="atendente")               # no screen changes roles yet
    with pytest.raises(workbench.AuthError, match=REVOKED):
        wb.add_operator("novo.operador", "senha12345", "admin", "Novo", by=chefe)
    with pytest.raises(workbench.AuthError, match=REVOKED):
        wb.unlock_operator("atendente", by=chefe)
    assert _count(wb, "SELECT count(*) FROM operators WHERE username = 'novo.operador'") == 0


def test_the_desk_goes_back_to_the_login_when_a_write_is_refused(desk):
    wb, ids = desk
    app = DeskApp(wb=wb)
    app.login.username.value, app.login.password.value = "atendente", "atendente123"
    app.login.ok.click()
    app.open_client({"client_id": ids["C0001"]})
    assert app.screen == "client"
    screen = OperatorsScreen(wb.login("admin", "admin123"))   # the admin disables her on the Operadores screen
    screen.table.select(list(screen.table.df["username"]).index("atendente"))
    screen.toggle_btn.click()
    assert "desativado" in screen.status.value
    before = _writes(wb)
    app.client.attendances.add_btn.click()                  # "Adicionar Atendimento"
    assert app.screen == "login" and app.session is None
    assert REVOKED in app.login.status.value
    assert _writes(wb) == before


def test_the_wizard_cannot_finish_for_a_disabled_operator(desk):
    wb, ids = desk
    app = DeskApp(wb=wb)
    app._logged_in(wb.login("atendente", "atendente123"))
    app.open_client({"client_id": ids["C0001"]})
    app.client.attendances.add_btn.click()
    wz = app.wizard
    wz.alert.press("Ok")
    wz.origin.value = "Telefônico"                          # no origin is preselected (issue 11 item 7)
    wz.origin_continue.click()
    wz.plan.value, wz.person.value, wz.problem.value, wz.title_choice.value = 1, "João", "Dúvida", "2ª via de boleto"
    wz.data_continue.click()
    wz.type_choice.value = wz.draft.types[0]
    wz.checks.value = "Boleto reenviado"
    _disable(wb, "atendente")
    before = _writes(wb)
    wz.finish_btn.click()
    assert app.screen == "login" and REVOKED in app.login.status.value
    assert _writes(wb) == before
