"""Login, lockout, disabled operators, roles."""

from __future__ import annotations

import pytest

import workbench
from workbench.errors import AuthError, PermissionDenied, ValidationError


@pytest.fixture
def desk(wb):
    wb.add_operator("admin", "admin123", "admin", "Ana Admin")
    wb.add_operator("atendente", "atendente123", "atendente", "Beto Atendente")
    return wb


def test_login_returns_a_session(desk):
    session = desk.login("  atendente ", "atendente123")
    assert session.operator.name == "Beto Atendente" and session.role == "atendente"


def test_password_is_stored_as_argon2_hash(desk):
    stored = desk.sql("SELECT password_hash FROM operators WHERE username = 'admin'")["password_hash"][0]
    assert stored.startswith("$argon2id$") and "admin123" not in stored


def test_unknown_user_and_wrong_password_get_the_same_message(desk):
    with pytest.raises(AuthError) as unknown:
        desk.login("ninguem", "whatever1")
    with pytest.raises(AuthError) as wrong:
        desk.login("admin", "wrong-password")
    assert str(unknown.value) == str(wrong.value) == "Usuário ou senha inválidos."


@pytest.mark.parametrize("user,password", [("", ""), ("admin", ""), ("' OR 1=1 --", "x' OR '1'='1"),
                                           ("😀" * 50, "a" * 10_000)])
def test_hostile_credentials(desk, user, password):
    with pytest.raises(AuthError, match="Usuário ou senha inválidos."):
        desk.login(user, password)


def test_five_failures_lock_the_account(desk):
    for _ in range(5):
        with pytest.raises(AuthError, match="inválidos"):
            desk.login("atendente", "errada!!")
    with pytest.raises(AuthError, match="bloqueada"):
        desk.login("atendente", "atendente123")      # even the right password, for 15 minutes


def test_success_resets_the_failure_count(desk):
    for _ in range(4):
        with pytest.raises(AuthError):
            desk.login("atendente", "errada!!")
    desk.login("atendente", "atendente123")
    with pytest.raises(AuthError, match="inválidos"):
        desk.login("atendente", "errada!!")
    desk.login("atendente", "atendente123")


def test_disabled_operator_cannot_log_in(desk):
    admin = desk.login("admin", "admin123")
    operator_id = desk.sql("SELECT operator_id FROM operators WHERE username = 'atendente'")["operator_id"][0]
    desk.set_operator_active(int(operator_id), False, by=admin)
    with pytest.raises(AuthError, match="desativado"):
        desk.login("atendente", "atendente123")


def test_only_admins_manage_operators(desk):
    atendente = desk.login("atendente", "atendente123")
    with pytest.raises(PermissionDenied, match="sem permissão"):
        desk.add_operator("novo", "senha1234", "atendente", "Novo", by=atendente)
    admin = desk.login("admin", "admin123")
    assert desk.add_operator("novo", "senha1234", "atendente", "Novo", by=admin) > 0


@pytest.mark.parametrize("username,password,role,name,field", [
    ("ab", "senha1234", "atendente", "X", "Usuário"),
    ("novo", "curta", "atendente", "X", "Senha"),
    ("novo", "senha1234", "gerente", "X", "Perfil"),
    ("novo", "senha1234", "atendente", "  ", "Nome"),
    ("admin", "senha1234", "atendente", "Outra", "Usuário"),
])
def test_add_operator_validation(desk, username, password, role, name, field):
    with pytest.raises(ValidationError) as error:
        desk.add_operator(username, password, role, name)
    assert error.value.field == field


def test_add_operator_command(tmp_path, capsys):
    from workbench.cli import main

    db = str(tmp_path / "cli.duckdb")
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "add-operator", "chefe", "--name", "Chefe", "--role", "admin",
                 "--password", "chefe1234"]) == 0
    assert workbench.open(db).login("chefe", "chefe1234").role == "admin"
    assert main(["--db", db, "add-operator", "chefe", "--name", "Chefe", "--role", "admin",
                 "--password", "chefe1234"]) == 2
    assert "já existe" in capsys.readouterr().err
