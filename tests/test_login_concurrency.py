"""Logins from many real processes at once: the lockout holds against parallel guesses, and logins
keep working while a dozen operators save non-stop."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import timedelta

import pytest

from workbench.errors import AuthError
from workbench.services import auth
from workbench.widgets.dashboard.app import DashboardApp

# One login in its own process. It opens the database, says "ready", waits for the file GO, then
# logs in. Its hash verification says "verifying" and waits for the file HOLD ("-": no wait), so a
# test can tell how many verifications ran and hold one in the middle.
GUESS = textwrap.dedent("""
    import os, sys, time
    import workbench
    from workbench.errors import AuthError
    from workbench.services import auth
    path, user, password, go, hold = sys.argv[1:6]
    real_verify = auth._verify

    def verify(hashed, typed):
        print("verifying", flush=True)
        while hold != "-" and not os.path.exists(hold):
            time.sleep(0.005)
        return real_verify(hashed, typed)

    auth._verify = verify
    wb = workbench.open(path, create=False)
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.001)
    try:
        wb.login(user, password)
        print("ok", flush=True)
    except AuthError as exc:
        print("refused", exc, flush=True)
""")


def _guess(db, user, password, go, hold="-"):
    proc = subprocess.Popen([sys.executable, "-c", GUESS, str(db), user, password, str(go), str(hold)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc


def _ready(proc):
    line = proc.stdout.readline().strip()
    assert line == "ready", line + proc.stderr.read()


def _finish(proc) -> list[str]:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return [line for line in out.splitlines() if line]


@pytest.mark.backends("duckdb", "postgres")
def test_parallel_guesses_get_at_most_five_verifications(desk, tmp_path):
    go = tmp_path / "go"
    guesses = [_guess(desk.store.target, "atendente", f"errada{i:02d}", go) for i in range(15)]
    for proc in guesses:
        _ready(proc)
    go.touch()                                       # fifteen wrong passwords at the same moment
    outcomes = [_finish(proc) for proc in guesses]
    verified = sum("verifying" in lines for lines in outcomes)
    assert verified == 5, outcomes
    assert all(lines[-1].startswith("refused") for lines in outcomes)
    right = _guess(desk.store.target, "atendente", "atendente123", go)     # then the right password
    _ready(right)
    assert _finish(right) == ["refused Conta bloqueada por excesso de tentativas. Tente novamente em 15 min."]


@pytest.mark.backends("duckdb", "postgres")
def test_a_success_keeps_the_failures_recorded_meanwhile(desk, tmp_path):
    go, hold = tmp_path / "go", tmp_path / "hold"
    go.touch()
    right = _guess(desk.store.target, "atendente", "atendente123", go, hold)
    _ready(right)
    assert right.stdout.readline().strip() == "verifying"          # its attempt is taken, its check pending
    for i in range(3):                                              # meanwhile three wrong guesses
        wrong = _guess(desk.store.target, "atendente", f"errada{i}", go)
        _ready(wrong)
        assert _finish(wrong)[-1] == "refused Usuário ou senha inválidos."
    hold.touch()
    assert _finish(right) == ["ok"]
    for _ in range(2):                                              # 3 + 2 failures in the window: locked
        with pytest.raises(AuthError, match="inválidos"):
            desk.login("atendente", "errada!!")
    with pytest.raises(AuthError, match="bloqueada"):
        desk.login("atendente", "atendente123")


# An operator, logged in, saving attendances non-stop from when the file GO appears until the file
# STOP appears; prints how many it saved.
# Each of its writes keeps the file HOLD seconds longer, as a save does on the full-size desk
# (benchmarks/RESULTS.md), so that a dozen of them keep the writers' queue as long as there.
WRITER = textwrap.dedent("""
    import contextlib, json, os, sys, time
    import workbench
    from workbench.errors import BusyError
    from workbench.storage.base import StoreBase
    path, client_id, go, stop, hold = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])
    quick_write = StoreBase._write

    @contextlib.contextmanager
    def full_size_write(self, **kwargs):
        with quick_write(self, **kwargs) as con:
            yield con
            time.sleep(hold)

    wb = workbench.open(path, create=False)
    session = wb.login("atendente", "atendente123")
    StoreBase._write = full_size_write
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.01)
    saved = busy = 0
    while not os.path.exists(stop):
        try:
            draft = session.new_attendance(client_id, "Telefônico")
            draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Cliente",
                           problem="Sem conexão desde cedo", title="Lentidão")
            draft.set_first_contact(type="Suporte Técnico", checks="Roteador reiniciado", resolved=True,
                                    solution="Normalizado")
            draft.finish()
            saved += 1
        except BusyError:
            busy += 1
    print(json.dumps({"saved": saved, "busy": busy}), flush=True)
""")

# A supervisor's page logging in N times (each in a fresh Workbench, as a new page would).
LOGINS = textwrap.dedent("""
    import json, sys
    import workbench
    from workbench.errors import BusyError
    path, n = sys.argv[1], int(sys.argv[2])
    ok = busy = 0
    for _ in range(n):
        try:
            workbench.open(path, create=False).login("supervisor", "supervisor123")
            ok += 1
        except BusyError:
            busy += 1
    print(json.dumps({"ok": ok, "busy": busy}), flush=True)
""")


@pytest.mark.parametrize("writers", [16])
def test_logins_keep_working_beside_operators_saving_non_stop(desk, tmp_path, writers):
    client_id = int(desk.sql("SELECT min(client_id) AS c FROM contracts WHERE status = 'Ativo'").c[0])
    go, stop = tmp_path / "go", tmp_path / "stop"
    patient = dict(os.environ, WORKBENCH_LOCK_TIMEOUT="120")       # the load never gives up; the logins do
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(desk.path), str(client_id), str(go), str(stop), "0.5"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=patient)
             for _ in range(writers)]
    try:
        for proc in procs:
            _ready(proc)
        go.touch()
        time.sleep(2)                                            # the writers' queue fills up
        logins = subprocess.run([sys.executable, "-c", LOGINS, str(desk.path), "12"],      # WORKBENCH_LOCK_TIMEOUT 10
                                capture_output=True, text=True, timeout=900)
    finally:
        stop.touch()
    saved = [json.loads(_finish(proc)[-1]) for proc in procs]
    assert logins.returncode == 0, logins.stderr
    assert json.loads(logins.stdout) == {"ok": 12, "busy": 0}
    assert sum(s["saved"] for s in saved) >= writers, saved       # the operators kept saving meanwhile


def test_an_attempt_whose_process_died_counts_as_a_failure(desk, tmp_path, monkeypatch):
    go, never = tmp_path / "go", tmp_path / "never"
    go.touch()
    dying = _guess(desk.path, "atendente", "atendente123", go, never)
    _ready(dying)
    assert dying.stdout.readline().strip() == "verifying"          # reserved, then killed mid-check
    dying.kill()
    dying.wait()
    for _ in range(4):
        with pytest.raises(AuthError, match="inválidos"):
            desk.login("atendente", "errada!!")
    real_now = auth.now
    monkeypatch.setattr(auth, "now", lambda: real_now() + timedelta(minutes=1))
    with pytest.raises(AuthError, match="bloqueada"):                # 4 failures + 1 never reported
        desk.login("atendente", "atendente123")


def test_the_login_form_asks_to_try_again_when_the_database_stays_busy(desk, monkeypatch):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(desk.path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        monkeypatch.setenv("WORKBENCH_LOCK_TIMEOUT", "1")
        app = DashboardApp(wb=desk, query="")
        app.login.username.value, app.login.password.value = "supervisor", "supervisor123"
        app.login.ok.click()
        assert app.session is None and app.body.children == (app.login,)
        assert "ocupado" in app.login.status.value and "OK de novo" in app.login.status.value
        assert app.login.password.value == "supervisor123" and not app.login.ok.disabled
    finally:
        holder.kill()
        holder.wait()
    app.login.ok.click()                                             # the same form, once the file is free
    assert app.session is not None and app.dashboard is not None


# Another process holding the database for writing until it is killed.
HOLD = textwrap.dedent("""
    import sys, time
    from workbench.storage.connection import unit_of_work
    with unit_of_work(sys.argv[1], write=True):
        print("holding", flush=True)
        time.sleep(600)
""")
