"""Desk operations at scale (the lists are in ``benchmarks.lists``): the wizard's protocol + finish, dashboard refresh,
and a concurrency run (writers registering attendances while supervisors refresh the dashboard).

Writes go to the benchmark database (new attendances are added by every run).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import time
from queue import Empty

from benchmarks.util import Measurement, peak_rss_kb

ATENDENTE = ("atendente", "atendente123")
SUPERVISOR = ("supervisor", "supervisor123")


def _ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def _client_ids(wb, n: int, seed: int = 7) -> list[int]:
    # a fixed pseudo-random sample, the same on both backends
    df = wb.sql(f"SELECT client_id FROM contracts WHERE status = 'Ativo' "
                f"ORDER BY (client_id::BIGINT * 7919 + {int(seed)}) % 100003, client_id LIMIT {int(n)}")
    return [int(c) for c in df["client_id"]]


def _register(session, client_id: int, rng: random.Random) -> tuple[float, float, str]:
    """One attendance through the wizard (no script): (ms to get the protocol, ms to finish, protocol)."""
    t = time.perf_counter()
    draft = session.new_attendance(client_id, rng.choice(["Telefônico", "E-mail", "Suporte Online"]))
    t_protocol = _ms(t)
    draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Cliente Teste",
                   problem="Internet lenta desde ontem", title=rng.choice(["Lentidão", "Sem conexão"]))
    resolved = rng.random() < 0.6
    draft.set_first_contact(type="Suporte Técnico", checks="Luzes do roteador conferidas", resolved=resolved,
                            solution="Roteador reiniciado" if resolved else "")
    t = time.perf_counter()
    protocol = draft.finish()
    return t_protocol, _ms(t), protocol


def login(wb, credentials) -> tuple[object, int]:
    """Log in as a page does, pressing OK again on a busy database: (session, tries that were busy).

    Every benchmark process logs in at the same moment as the others (often as the same
    operator); none of them may die on a busy login.
    """
    from workbench.errors import BusyError

    busy = 0
    while True:
        try:
            return wb.login(*credentials), busy
        except BusyError:
            busy += 1


def measure_wizard(ctx) -> list[Measurement]:
    wb = ctx.wb
    session = wb.login(*ATENDENTE)
    rng = random.Random(11)
    protocol, finish = [], []
    for client_id in _client_ids(wb, 5 if ctx.quick else 30, seed=13):
        p, f, _ = _register(session, client_id, rng)
        protocol.append(p)
        finish.append(f)
    return [Measurement("novo atendimento (protocolo gravado)", protocol),
            Measurement("finalizar atendimento", finish)]


def _dashboard_process(path: str, repeats: int, queue) -> None:
    """A fresh process, like a served kernel: refresh the dashboard and report its peak memory.

    The refresh's time is split in the same run: the store's resolution/SLA metrics (new in
    issue 12) and the rest (the views measured before them: status, titles, indicators, scripts)."""
    from workbench.api import Workbench
    from workbench.services import dashboard

    wb = Workbench.open(path, create=False)
    session = wb.login(*SUPERVISOR)
    spent = {"metrics": 0.0}
    store = wb.store
    for name in ("dashboard_metrics", "dashboard_repeats"):
        original = getattr(store, name)

        def timed(*args, _original=original, **kwargs):
            t0 = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent["metrics"] += time.perf_counter() - t0
        setattr(store, name, timed)
    t = time.perf_counter()
    dashboard.refresh(session)
    first = _ms(t)
    samples, metrics, before = [], [], []
    for _ in range(repeats):
        spent["metrics"] = 0.0
        t = time.perf_counter()
        dashboard.refresh(session)
        samples.append(_ms(t))
        metrics.append(spent["metrics"] * 1000)
        before.append(samples[-1] - metrics[-1])
    queue.put((first, samples, metrics, before, peak_rss_kb()))


def measure_dashboard(ctx) -> list[Measurement]:
    mpctx = mp.get_context("spawn")
    queue = mpctx.Queue()
    proc = mpctx.Process(target=_dashboard_process, args=(ctx.wb.store.target, 3 if ctx.quick else 10, queue))
    proc.start()
    first, samples, metrics, before, peak = queue.get(timeout=600)
    proc.join()
    parallel = ctx.wb.store.parallel_reads       # the metrics' time then overlaps the views'
    return [Measurement("painel: primeira atualização", [first]),
            Measurement("painel: atualização", samples,
                        note=f"todas as visões; pico RSS do processo do painel {peak / 1024:.0f} MB"),
            Measurement("  painel: visões anteriores (status, título, indicadores, scripts)", before,
                        note="mesma execução" + (": o que não se sobrepõe às métricas" if parallel else "")),
            Measurement("  painel: métricas de resolução e SLA (novas)", metrics,
                        note="mesma execução" + (", lidas em paralelo com as visões" if parallel else ""))]


# -- concurrency -------------------------------------------------------------------

def _open(path: str) -> tuple[object, int]:
    """Open the desk as a page does, trying again on a busy database: (workbench, tries that were busy).
    32 processes opening one DuckDB file at the same moment queue at its login gate."""
    from workbench.api import Workbench
    from workbench.errors import BusyError

    busy = 0
    while True:
        try:
            return Workbench.open(path, create=False), busy
        except BusyError:
            busy += 1


def _writer(path: str, seconds: float, seed: int, ids: list[int], queue) -> None:
    from workbench.errors import BusyError
    from workbench.storage.connection import LockStats
    from workbench.storage.gate import GateStats

    wb, opening = _open(path)
    session, entering = login(wb, ATENDENTE)
    busy = 0                                    # while registering (opening and the login are counted apart)
    rng = random.Random(seed)
    protocol, finish, written = [], [], []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            p, f, number = _register(session, rng.choice(ids), rng)
            protocol.append(p)
            finish.append(f)
            written.append(number)
        except BusyError:
            busy += 1
    queue.put(("writer", protocol, finish, busy, LockStats.retries, written, GateStats.waited, opening + entering))


def _reader(path: str, seconds: float, queue) -> None:
    from workbench.errors import BusyError
    from workbench.services import dashboard
    from workbench.storage.connection import LockStats

    wb, opening = _open(path)
    session, entering = login(wb, SUPERVISOR)
    busy = 0                                    # refreshes refused (opening and the login are counted apart)
    samples = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.perf_counter()
        try:
            dashboard.refresh(session)
            samples.append(_ms(t))
        except BusyError:
            busy += 1
        time.sleep(0.5)
    peak = peak_rss_kb()
    queue.put(("reader", samples, peak, busy, LockStats.retries, opening + entering))


def measure_concurrency(ctx) -> list[Measurement]:
    writers, readers = (2, 1) if ctx.quick else (8, 2)
    writers = writers if getattr(ctx, "writers", None) is None else ctx.writers
    readers = readers if getattr(ctx, "readers", None) is None else ctx.readers
    seconds = 10.0 if ctx.quick else 60.0
    mpctx = mp.get_context("spawn")
    queue = mpctx.Queue()
    path = ctx.wb.store.target
    # each writer's clients sampled here: on DuckDB a writer's own sampling query, an analyst's read,
    # is interrupted when the others queue to write (32 writers starting at once)
    procs = [mpctx.Process(target=_writer, args=(path, seconds, 100 + i, _client_ids(ctx.wb, 200, seed=100 + i), queue))
             for i in range(writers)]
    procs += [mpctx.Process(target=_reader, args=(path, seconds, queue)) for _ in range(readers)]
    for p in procs:
        p.start()
    results, deadline = [], time.monotonic() + seconds + 600
    while len(results) < len(procs) and time.monotonic() < deadline:
        try:
            results.append(queue.get(timeout=5))
        except Empty:                   # a process that died without its result is counted, not waited for
            if not any(p.is_alive() for p in procs):
                try:
                    results.append(queue.get(timeout=5))
                except Empty:
                    break
    died = len(procs) - len(results)
    for p in procs:
        p.join(timeout=60)
    protocol, finish, refresh, busy, retries, peak, written, waited = [], [], [], 0, 0, 0, [], 0.0
    busy_start, busy_readers = 0, 0             # refused while opening or logging in; refreshes refused
    for r in results:
        if r[0] == "writer":
            protocol += r[1]
            finish += r[2]
            busy += r[3]
            retries += r[4]
            written += r[5]
            waited += r[6]
            busy_start += r[7]
        else:
            refresh += r[1]
            peak = max(peak, r[2])
            busy_readers += r[3]
            retries += r[4]
            busy_start += r[5]
    label = f"{writers} escritores + {readers} painéis, {seconds:.0f} s" if readers else \
        f"{writers} escritores, {seconds:.0f} s"
    done = len(finish)
    stored = ctx.wb.sql("""SELECT (SELECT count(*) FROM attendances WHERE protocol IN (SELECT unnest(?::VARCHAR[]))) AS a,
                                  (SELECT count(*) - count(DISTINCT protocol) FROM protocol_log) AS dup""",
                        [written]).iloc[0]
    rows = [Measurement(f"concorrência ({label}): protocolo", protocol,
                        note=f"{done} atendimentos ({done / seconds:.1f}/s), {int(stored.a)} gravados, "
                             f"{busy} falhas (BusyError) ao registrar, {busy_start} ao abrir ou entrar, "
                             f"{len(written) - len(set(written)) + int(stored.dup)} "
                             f"protocolos repetidos, {retries} novas tentativas de lock, "
                             f"{waited / max(done, 1) * 1000:.0f} ms de espera na fila por atendimento"
                             + (f"; {died} processos morreram sem resultado" if died else "")),
            Measurement(f"concorrência ({label}): finalizar", finish)]
    if readers:
        rows.append(Measurement(f"concorrência ({label}): painel", refresh,
                                note=f"pico RSS leitor {peak / 1024:.0f} MB; {busy_readers} atualizações recusadas (BusyError)"))
    return rows


def _cpu_note() -> str:
    return f"{os.cpu_count()} cores"
