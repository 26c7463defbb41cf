"""Logins: parallel guesses against the lockout (a count), logins beside operators saving non-stop
(a count of failures), and the time of a wrong password against an unknown username.

Every run works on one account of its own, ``bench.cofre`` (created once, unlocked at the start of each
measurement), so the demo logins used by the other measurements are never locked.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import tempfile
import time
from pathlib import Path

from benchmarks.desk import ATENDENTE, _client_ids, _ms, _register, login
from benchmarks.util import Measurement

TARGET = ("bench.cofre", "bench-cofre-123")


def _target(wb) -> None:
    """The benchmark's own account, present and unlocked."""
    from workbench.errors import ValidationError

    try:
        wb.add_operator(TARGET[0], TARGET[1], "atendente", "Cofre do Benchmark")
    except ValidationError:
        pass                                            # made by an earlier run
    wb.unlock_operator(TARGET[0])


# -- parallel guesses -------------------------------------------------------------------

def _guess(path: str, password: str, go: str, queue, verified) -> None:
    from workbench.api import Workbench
    from workbench.errors import AuthError, BusyError
    from workbench.services import auth

    check = auth._verify

    def counted(hashed: str, typed: str) -> bool:    # count the hash verifications this process runs
        with verified.get_lock():
            verified.value += 1
        return check(hashed, typed)

    auth._verify = counted
    wb = Workbench.open(path, create=False)
    queue.put("ready")
    while not os.path.exists(go):
        time.sleep(0.001)
    try:
        wb.login(TARGET[0], password)
        queue.put("entrou")
    except AuthError as exc:
        queue.put("bloqueada" if "bloqueada" in str(exc) else "recusada")
    except BusyError:
        queue.put("ocupado")


def measure_guesses(ctx) -> list[Measurement]:
    """15 wrong passwords at the same moment from 15 processes, the right one 0.3 s later."""
    from workbench.services.auth import MAX_FAILURES

    wb = ctx.wb
    _target(wb)
    mpctx = mp.get_context("spawn")
    queue = mpctx.Queue()
    verified = mpctx.Value("i", 0)
    with tempfile.TemporaryDirectory() as tmp:
        go = str(Path(tmp) / "go")
        procs = [mpctx.Process(target=_guess, args=(str(wb.path), f"errada-{i:02d}", go, queue, verified))
                 for i in range(15)]
        right = mpctx.Process(target=_guess, args=(str(wb.path), TARGET[1], go + ".right", queue, verified))
        for p in procs + [right]:
            p.start()
        assert all(queue.get(timeout=600) == "ready" for _ in procs + [right])
        Path(go).touch()
        time.sleep(0.3)
        Path(go + ".right").touch()
        outcomes = [queue.get(timeout=600) for _ in procs + [right]]
        for p in procs + [right]:
            p.join(timeout=60)
    right_in = "entrou" in outcomes
    wb.unlock_operator(TARGET[0])
    return [Measurement("login: 15 senhas erradas em paralelo + a certa 0,3 s depois",
                        value=f"{verified.value} verificações de senha (permitidas: {MAX_FAILURES})",
                        note=f"senha certa {'aceita' if right_in else 'recusada'}; respostas: "
                             + ", ".join(f"{o} {outcomes.count(o)}" for o in sorted(set(outcomes))))]


# -- logins beside writers -----------------------------------------------------------------

def _saver(path: str, seconds: float, seed: int, queue) -> None:
    from workbench.api import Workbench
    from workbench.errors import BusyError

    wb = Workbench.open(path, create=False)
    session, busy = login(wb, ATENDENTE)
    rng = random.Random(seed)
    ids = _client_ids(wb, 200, seed=seed)
    saved = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            _register(session, rng.choice(ids), rng)
            saved += 1
        except BusyError:
            busy += 1
    queue.put(("saver", saved, busy))


def _logins(path: str, seconds: float, queue) -> None:
    """A supervisor's page logging in again and again (a fresh Workbench each time, as a new page)."""
    from workbench.api import Workbench
    from workbench.errors import BusyError

    samples, busy = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.perf_counter()
        try:
            Workbench.open(path, create=False).login(*TARGET)
            samples.append(_ms(t))
        except BusyError:
            busy += 1
        time.sleep(0.5)
    queue.put(("logins", samples, busy))


def measure_logins_under_load(ctx) -> list[Measurement]:
    writers = 4 if ctx.quick else 16
    seconds = 10.0 if ctx.quick else 60.0
    _target(ctx.wb)
    mpctx = mp.get_context("spawn")
    queue = mpctx.Queue()
    path = str(ctx.wb.path)
    procs = [mpctx.Process(target=_saver, args=(path, seconds + 10, 300 + i, queue)) for i in range(writers)]
    for p in procs:
        p.start()
    time.sleep(10)                                       # the writers are saving
    login = mpctx.Process(target=_logins, args=(path, seconds, queue))
    login.start()
    results = [queue.get(timeout=seconds + 900) for _ in procs + [login]]
    for p in procs + [login]:
        p.join(timeout=60)
    samples, busy, saved, saver_busy = [], 0, 0, 0
    for r in results:
        if r[0] == "logins":
            samples, busy = r[1], r[2]
        else:
            saved += r[1]
            saver_busy += r[2]
    return [Measurement(f"login ao lado de {writers} escritores gravando sem parar, {seconds:.0f} s", samples,
                        note=f"{len(samples)} logins, {busy} falhas (BusyError); escritores: {saved} "
                             f"atendimentos, {saver_busy} falhas")]


# -- unknown name vs wrong password -------------------------------------------------------

def measure_unknown_vs_known(ctx) -> list[Measurement]:
    """A wrong password for a real account against any password for an unknown name, interleaved."""
    from workbench.errors import AuthError

    wb = ctx.wb
    _target(wb)
    reps = 6 if ctx.quick else 30
    known, unknown = [], []
    for i in range(reps):
        for samples, user in ((known, TARGET[0]), (unknown, f"ninguem.{os.getpid()}.{time.time_ns()}")):
            t = time.perf_counter()
            try:
                wb.login(user, "senha-errada")
            except AuthError:
                pass
            samples.append(_ms(t))
        if i % 4 == 3:
            wb.unlock_operator(TARGET[0])               # never reach the lock (untimed)
    wb.unlock_operator(TARGET[0])
    diff = sorted(unknown)[len(unknown) // 2] - sorted(known)[len(known) // 2]
    return [Measurement("login: senha errada de usuário existente", known),
            Measurement("login: usuário inexistente", unknown,
                        note=f"diferença das medianas {diff:+.1f} ms (mesmas escritas e uma verificação de hash)")]


def measure(ctx) -> list[Measurement]:
    """The concurrency of logins (two counts) and the unknown-name timing."""
    return measure_guesses(ctx) + measure_logins_under_load(ctx) + measure_unknown_vs_known(ctx)
