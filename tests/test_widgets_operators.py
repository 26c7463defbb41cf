"""The admin's Operadores screen: list, add, disable, enable and unlock operators."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pytest

import workbench
from workbench.widgets.desk.app import DeskApp
from workbench.widgets.desk.operators import OperatorsScreen

import deskdata


@pytest.fixture
def wb(tmp_path):
    wb = workbench.open(tmp_path / "ops.duckdb", create=True)
    deskdata.seed(wb)
    return wb


def test_only_admins_see_the_entry(wb):
    work = ["Clientes", "Meus Atendimentos", "Fila", "Ordens de Serviço"]
    for user, expected in (("atendente", work), ("supervisor", work + ["Painel"]),
                           ("admin", work + ["Painel", "Operadores"])):
        app = DeskApp(wb=wb)
        app._logged_in(wb.login(user, deskdata.LOGINS[user]))
        assert app.body.children[0].entries == expected


def test_admin_adds_disables_and_enables_an_operator(wb):
    screen = OperatorsScreen(wb.login("admin", "admin123"))
    assert set(screen.table.df["username"]) == {"atendente", "supervisor", "admin"}
    screen.username.value, screen.name.value, screen.password.value = "jose.silva", "José da Silva", "segredo123"
    screen.add_btn.click()
    assert "jose.silva" in set(screen.table.df["username"]) and "criado" in screen.status.value
    assert screen.username.value == "" and screen.password.value == ""
    assert wb.login("jose.silva", "segredo123").role == "atendente"

    screen.table.select(list(screen.table.df["username"]).index("jose.silva"))
    assert screen.toggle_btn.description == "Desativar"
    screen.toggle_btn.click()
    with pytest.raises(workbench.AuthError, match="desativado"):
        wb.login("jose.silva", "segredo123")
    screen.table.select(list(screen.table.df["username"]).index("jose.silva"))
    assert screen.toggle_btn.description == "Ativar"
    screen.toggle_btn.click()
    assert wb.login("jose.silva", "segredo123").operator.name == "José da Silva"


def test_errors_show_beside_the_field_and_keep_the_input(wb):
    screen = OperatorsScreen(wb.login("admin", "admin123"))
    screen.username.value, screen.name.value, screen.password.value = "novo", "Novo", "curta"
    screen.add_btn.click()
    assert "8 caracteres" in screen.fields["Senha"].error.value
    assert screen.username.value == "novo" and screen.name.value == "Novo"
    screen.username.value, screen.password.value = "admin", "segredo123"
    screen.add_btn.click()
    assert "já existe" in screen.fields["Usuário"].error.value


def test_the_service_refuses_a_non_admin_even_on_the_screen(wb):
    screen = OperatorsScreen(wb.login("supervisor", "supervisor123"))
    screen.username.value, screen.name.value, screen.password.value = "intruso", "Intruso", "segredo123"
    screen.add_btn.click()
    assert "sem permissão" in screen.status.value
    assert "intruso" not in set(wb.operators(by=wb.login("admin", "admin123"))["username"])


def _lock(wb, user):
    for _ in range(5):
        with pytest.raises(workbench.AuthError):
            wb.login(user, "errada!!")
    with pytest.raises(workbench.AuthError, match="bloqueada"):
        wb.login(user, deskdata.LOGINS[user])


def test_admin_sees_the_lock_and_unlocks(wb):
    _lock(wb, "atendente")
    screen = OperatorsScreen(wb.login("admin", "admin123", client="192.0.2.10"))
    rows = screen.table.df.set_index("username")
    assert rows.loc["atendente", "failed_logins"] == 5 and pd.notna(rows.loc["atendente", "locked_until"])
    screen.table.select(list(screen.table.df["username"]).index("supervisor"))
    assert screen.unlock_btn.disabled                      # nothing to unlock there
    screen.table.select(list(screen.table.df["username"]).index("atendente"))
    assert not screen.unlock_btn.disabled and screen.unlock_btn.description == "Desbloquear"
    screen.unlock_btn.click()
    assert "desbloqueado" in screen.status.value
    rows = screen.table.df.set_index("username")
    assert rows.loc["atendente", "failed_logins"] == 0 and pd.isna(rows.loc["atendente", "locked_until"])
    assert wb.login("atendente", "atendente123").role == "atendente"
    con = duckdb.connect(str(wb.path), read_only=True)
    try:
        audit = con.execute("SELECT a.details FROM audit_log a JOIN operators o ON o.operator_id = a.operator_id "
                            "WHERE a.action = 'conta_desbloqueada' AND o.username = 'admin'").fetchall()
    finally:
        con.close()
    assert len(audit) == 1 and json.loads(audit[0][0])["client"] == "192.0.2.10"
