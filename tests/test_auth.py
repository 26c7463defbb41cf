"""Login, lockout (window, unlock, audit), unknown names, disabled operators, roles."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import duckdb
import pandas as pd
import pytest

import workbench
from workbench.errors import AuthError, NotFoundError, PermissionDenied, ValidationError
from workbench.services import auth

LOCKED = "Conta bloqueada por excesso de tentativas"


@pytest.fixture
def desk(wb):
    wb.add_operator("admin", "admin123", "admin", "Ana Admin")
    wb.add_operator("atendente", "atendente123", "atendente", "Beto Atendente")
    return wb


def _fail(desk, user, times, password="errada!!", client=None):
    for _ in range(times):
        with pytest.raises(AuthError):
            desk.login(user, password, **({"client": client} if client else {}))


def _query(desk, sql):
    """Read the test's database directly (the analysts' ``wb.sql`` cannot see the login tables)."""
    con = duckdb.connect(str(desk.path), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def _audit(desk, *actions):
    frame = _query(desk, "SELECT event_at, operator_id, action, entity_id, details FROM audit_log "
                         "ORDER BY event_at, rowid")
    return frame[frame["action"].isin(actions)]


def _later(monkeypatch, minutes):
    """The desk's clock, ``minutes`` from now (what the lockout rules read)."""
    real = auth.now
    monkeypatch.setattr(auth, "now", lambda: real() + timedelta(minutes=minutes))


def test_login_returns_a_session(desk):
    session = desk.login("  atendente ", "atendente123")
    assert session.operator.name == "Beto Atendente" and session.role == "atendente"


def test_hashes_and_lock_state_are_kept_apart_from_operators(desk):
    columns = set(_query(desk, "SELECT column_name FROM information_schema.columns "
                               "WHERE table_name = 'operators'").column_name)
    stored = _query(desk, "SELECT c.password_hash FROM operator_credentials c JOIN operators o "
                          "USING (operator_id) WHERE o.username = 'admin'").password_hash[0]
    assert not columns & {"password_hash", "failed_logins", "locked_until"}
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


def test_a_success_releases_only_its_own_attempt(desk):
    _fail(desk, "atendente", 4)
    desk.login("atendente", "atendente123")          # the window keeps its four failures
    _fail(desk, "atendente", 1)
    with pytest.raises(AuthError, match=LOCKED):
        desk.login("atendente", "atendente123")


def test_the_lock_ends_and_the_count_starts_again(desk, monkeypatch):
    _fail(desk, "atendente", 5)
    _later(monkeypatch, 16)                           # the 15-minute lock is over
    _fail(desk, "atendente", 1)                       # one typo after the lock must not lock again
    assert desk.login("atendente", "atendente123").role == "atendente"


def test_failures_outside_the_window_are_forgotten(desk, monkeypatch):
    _fail(desk, "atendente", 4)
    _later(monkeypatch, 16)
    _fail(desk, "atendente", 4)
    assert desk.login("atendente", "atendente123").role == "atendente"


def test_unknown_usernames_lock_the_same_way(desk):
    answers = {}
    for user in ("atendente", "fulano.inexistente"):
        _fail(desk, user, 5)
        with pytest.raises(AuthError) as refused:
            desk.login(user, "qualquer1")
        answers[user] = str(refused.value)
    assert answers["atendente"] == answers["fulano.inexistente"]
    assert answers["atendente"].startswith(LOCKED)


class _Recorder:
    """The real store, with every call (method and argument names) written down."""

    def __init__(self, store):
        self.store, self.calls = store, []

    def __getattr__(self, name):
        method = getattr(self.store, name)

        def call(*args, **kwargs):
            self.calls.append((name, len(args), tuple(sorted(kwargs))))
            return method(*args, **kwargs)
        return call


def _work(desk, monkeypatch, user):
    """Store calls, hash verifications and rows written by one failed login of ``user``."""
    recorder = _Recorder(desk.store)
    verified = []
    real_verify = auth._verify
    monkeypatch.setattr(auth, "_verify", lambda h, p: verified.append(1) or real_verify(h, p))
    tables = set(_query(desk, "SELECT table_name FROM information_schema.tables").table_name)
    count = " UNION ALL ".join(f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in sorted(tables))
    before = dict(_query(desk, count).values)
    with pytest.raises(AuthError) as refused:
        auth.authenticate(recorder, user, "errada!!")
    after = dict(_query(desk, count).values)
    monkeypatch.setattr(auth, "_verify", real_verify)
    return recorder.calls, len(verified), {t: after[t] - before[t] for t in tables}, str(refused.value)


def test_unknown_and_known_names_do_the_same_work(desk, monkeypatch):
    known = _work(desk, monkeypatch, "atendente")
    unknown = _work(desk, monkeypatch, "fulano.inexistente")
    assert known == unknown
    calls, verifications, _rows, _message = known
    assert verifications == 1 and len(calls) == 2


def test_every_attempt_lock_and_unlock_is_audited_with_time_and_client(desk):
    admin = desk.login("admin", "admin123", client="192.0.2.10")
    _fail(desk, "atendente", 6, client="203.0.113.7")
    desk.unlock_operator("atendente", by=admin)
    desk.login("atendente", "atendente123", client="203.0.113.7")
    events = _audit(desk, "login", "login_falhou", "conta_bloqueada", "login_bloqueado", "conta_desbloqueada")
    assert list(events["action"]) == (["login"] + ["login_falhou"] * 5
                                      + ["conta_bloqueada", "login_bloqueado", "conta_desbloqueada", "login"])
    clients = [json.loads(d)["client"] for d in events["details"]]
    assert clients == ["192.0.2.10"] + ["203.0.113.7"] * 7 + ["192.0.2.10", "203.0.113.7"]
    assert events["event_at"].notna().all()
    assert events["event_at"].is_monotonic_increasing


def test_admin_unlocks_an_operator(desk):
    _fail(desk, "atendente", 5)
    atendente = _query(desk, "SELECT operator_id FROM operators WHERE username = 'atendente'").operator_id[0]
    admin = desk.login("admin", "admin123")
    locked = desk.operators(by=admin).set_index("username").loc["atendente"]
    assert locked["failed_logins"] == 5 and pd.notna(locked["locked_until"])
    desk.unlock_operator("atendente", by=admin)
    row = desk.operators(by=admin).set_index("username").loc["atendente"]
    assert row["failed_logins"] == 0 and pd.isna(row["locked_until"])
    assert desk.login("atendente", "atendente123").operator.operator_id == atendente
    with pytest.raises(NotFoundError):
        desk.unlock_operator("ninguem", by=admin)
    with pytest.raises(PermissionDenied):
        desk.unlock_operator("admin", by=desk.login("atendente", "atendente123"))


def test_the_operator_list_is_for_admins(desk):
    with pytest.raises(PermissionDenied):
        desk.operators(by=desk.login("atendente", "atendente123"))


def test_disabled_operator_cannot_log_in(desk):
    admin = desk.login("admin", "admin123")
    operator_id = _query(desk, "SELECT operator_id FROM operators WHERE username = 'atendente'").operator_id[0]
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


def _cli(db, *args):
    return subprocess.run([sys.executable, "-m", "workbench.cli", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=300)


def test_unlock_operator_command(desk):
    _fail(desk, "atendente", 5)
    done = _cli(desk.path, "unlock-operator", "atendente")
    assert done.returncode == 0, done.stderr
    assert "desbloqueado" in done.stdout
    assert desk.login("atendente", "atendente123").role == "atendente"
    unlocked = _audit(desk, "conta_desbloqueada")
    assert len(unlocked) == 1 and unlocked["operator_id"].isna().all()     # the command line: no operator
    missing = _cli(desk.path, "unlock-operator", "ninguem")
    assert missing.returncode == 2 and "ninguem" in missing.stderr and "Traceback" not in missing.stderr


def test_upgrading_keeps_the_passwords_and_the_locks(tmp_path):
    from workbench.storage import migrations

    path = tmp_path / "v3.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)")
    for step in migrations.MIGRATIONS[:3]:                        # a desk of schema v3
        step.apply(con)
        con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [step.version, step.name])
    now = auth.now()
    for i, (user, failed, locked) in enumerate([("livre", 2, None), ("preso", 5, now + timedelta(minutes=10)),
                                                ("solto", 5, now - timedelta(minutes=1))], 1):
        con.execute("INSERT INTO operators (operator_id, username, name, role, password_hash, failed_logins, "
                    "locked_until) VALUES (?, ?, ?, 'atendente', ?, ?, ?)",
                    [i, user, user.title(), auth.hash_password("senha12345"), failed, locked])
    con.close()
    wb = workbench.open(path)
    assert wb.login("livre", "senha12345").role == "atendente"
    assert wb.login("solto", "senha12345").role == "atendente"    # its lock had ended: counted no more
    with pytest.raises(AuthError, match=LOCKED):
        wb.login("preso", "senha12345")
    columns = set(_query(wb, "SELECT column_name FROM information_schema.columns "
                             "WHERE table_name = 'operators'").column_name)
    assert not columns & {"password_hash", "failed_logins", "locked_until"}
