"""A large client import beside operators saving: how long the desk's writers wait.

``workbench import-clients`` (the real command, in its own process) loads
100,000 new clients into a copy of the benchmark's database (1,000,000 clients,
5,000,000 attendances; ``--quick``: 10,000 into a copy of the quick database)
while operator processes register attendances without pause. Reported: the import's time and rate, and for the operators the wait
of every write at the gate (protocol, finish), the longest one, and
BusyErrors (the goal: longest wait at most 1 s, no BusyError). The same
operators first work alone for a while: their waits then are the control, the
queue among themselves on this machine at this moment.
"""

from __future__ import annotations

import multiprocessing as mp
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.desk import ATENDENTE, _client_ids, _ms, _register
from benchmarks.util import Measurement

FULL = {"import": 100_000, "writers": 4, "alone": 30}
QUICK = {"import": 10_000, "writers": 2, "alone": 3}


def _desk(ctx, work: Path) -> Path:
    """A fresh copy of the benchmark's database to import into (removed with ``work`` afterwards)."""
    target = work / "import-desk.duckdb"
    shutil.copy(Path(ctx.wb.path), target)
    wal = Path(f"{ctx.wb.path}.wal")                 # the latest commits may still be in the WAL
    if wal.exists():
        shutil.copy(wal, Path(f"{target}.wal"))
    return target


def _file(path: Path, rows: int) -> Path:
    """``rows`` valid new clients (codes I0000001..., unique CPFs), in the import's CSV format."""
    import pandas as pd

    from workbench.demo.clients import person_names
    from workbench.demo.names import build_pools
    from workbench.services.documents import random_cpfs

    rng = np.random.default_rng(2024)
    cpfs = pd.unique(random_cpfs(rng, 2 * rows))[:rows]
    frame = pd.DataFrame({
        "code": [f"I{i:07d}" for i in range(1, rows + 1)], "kind": "PF",
        "name": person_names(rng, build_pools(2024), rows).to_pylist(), "document": cpfs,
        "mobile": [f"119{n:08d}" for n in rng.integers(0, 10**8, rows)],
        "city": "Campinas", "state": "SP", "zip": "13010000"})
    frame.to_csv(path, index=False, sep=";")
    return path


def _timed_gate(waits: list[tuple[float, float]]):
    """Wrap the gate so each write records when it passed (epoch seconds) and how long it waited (ms)."""
    from contextlib import contextmanager

    from workbench.storage import gate

    passage = gate.passage

    @contextmanager
    def timed(db, *, write, deadline, **lane):
        t = time.perf_counter()
        with passage(db, write=write, deadline=deadline, **lane):
            if write:
                waits.append((time.time(), _ms(t)))
            yield

    gate.passage = timed


def _writer(path: str, seed: int, stop, queue) -> None:
    import random

    from workbench.api import Workbench
    from workbench.errors import BusyError

    wb = Workbench.open(path, create=False)
    session = wb.login(*ATENDENTE)
    rng = random.Random(seed)
    ids = _client_ids(wb, 200, seed=seed)
    waits, totals, busy = [], [], 0
    _timed_gate(waits)
    while not stop.is_set():
        t = time.perf_counter()
        try:
            _register(session, rng.choice(ids), rng)
            totals.append((time.time(), _ms(t)))
        except BusyError:
            busy += 1
    queue.put((waits, totals, busy))


def _collect(queue, writers) -> list:
    """Each writer's results; fails at once when a writer died without sending them."""
    import queue as queues

    results = []
    while len(results) < len(writers):
        try:
            results.append(queue.get(timeout=1))
        except queues.Empty:
            if sum(p.exitcode is None for p in writers) < len(writers) - len(results):
                raise RuntimeError(f"a writer process failed (exit codes {[p.exitcode for p in writers]})")
    for p in writers:
        p.join(timeout=60)
    return results


def measure(ctx) -> list[Measurement]:
    sizes = QUICK if ctx.quick else FULL
    work = Path(tempfile.mkdtemp(prefix="import-bench-", dir=Path(ctx.wb.path).parent))
    try:
        return _measure(ctx, sizes, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _measure(ctx, sizes: dict, work: Path) -> list[Measurement]:
    db = _desk(ctx, work)
    src = _file(work / "clientes.csv", sizes["import"])
    mpctx = mp.get_context("spawn")
    stop, queue = mpctx.Event(), mpctx.Queue()
    writers = [mpctx.Process(target=_writer, args=(str(db), 300 + i, stop, queue)) for i in range(sizes["writers"])]
    for p in writers:
        p.start()
    time.sleep(3)                                          # the operators are at work before the import starts
    alone = time.time()
    time.sleep(sizes["alone"])                             # ... and alone for a while: the control
    started = time.time()
    run = subprocess.run([sys.executable, "-m", "workbench.cli", "--db", str(db), "import-clients", str(src)],
                         capture_output=True, text=True)
    ended = time.time()
    seconds = ended - started
    time.sleep(1)
    stop.set()
    results = _collect(queue, writers)

    def between(kind: int, start: float, end: float) -> list[float]:
        return [ms for r in results for when, ms in r[kind] if start <= when <= end]

    waits, totals = between(0, started, ended), between(1, started, ended)
    control = between(0, alone, started)
    busy = sum(r[2] for r in results)
    found = re.search(r"(\d+) cliente\(s\) importado", run.stdout)
    loaded = found.group(1) if found else "erro: " + (run.stderr.strip().splitlines() or ["?"])[-1][:80]
    label = f"importar {sizes['import']:,} clientes"
    return [Measurement(label, value=f"{seconds:.1f} s",
                        note=f"{loaded} gravados ({sizes['import'] / seconds:,.0f}/s), código de saída "
                             f"{run.returncode}, numa cópia de {Path(ctx.wb.path).name}"),
            Measurement(f"{label}: espera de cada gravação dos atendentes", waits,
                        note=f"{sizes['writers']} processos gravando; maior espera {max(waits, default=0):.0f} ms "
                             f"(meta ≤ 1000 ms); {busy} falhas (BusyError, meta 0)"),
            Measurement(f"{label}: atendimento (protocolo + finalizar)", totals),
            Measurement("controle: espera de cada gravação dos atendentes sem importação", control,
                        note=f"os mesmos {sizes['writers']} processos, {sizes['alone']} s antes da importação; "
                             f"maior espera {max(control, default=0):.0f} ms")]
