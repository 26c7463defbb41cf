"""How long the desk's writers wait while a snapshot is refreshed and a backup is taken.

Two writer processes allocate protocols (``new_attendance``, one short write
each) back to back for the whole run and record when each call started, how
long it took and how much of that it spent waiting at the gate (the copies'
hold; the rest of a call's time is its own work and, on a busy machine, CPU). Meanwhile this process refreshes the snapshot (``max_age=0``),
then takes a backup, then restores that backup into a new file (nobody waits
for that one: it refuses while anyone works on the database). The table shows
each copy's duration and the slowest writer call that overlapped it, next to
the writers' calls outside any copy.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import tempfile
import time
from pathlib import Path

from benchmarks.util import Measurement

ATENDENTE = ("atendente", "atendente123")


def _writer(path: str, seconds: float, seed: int, queue) -> None:
    from workbench.api import Workbench
    from workbench.errors import BusyError
    from workbench.storage.gate import GateStats

    wb = Workbench.open(path, create=False)
    session = wb.login(*ATENDENTE)
    ids = [int(c) for c in wb.sql(f"SELECT client_id FROM contracts WHERE status = 'Ativo' "
                                  f"ORDER BY hash(client_id + {seed}) LIMIT 50")["client_id"]]
    rng = random.Random(seed)
    calls, busy = [], 0
    queue.put(("ready", None, None))
    end = time.time() + seconds
    while time.time() < end:
        started, gate_before = time.time(), GateStats.waited
        try:
            draft = session.new_attendance(rng.choice(ids), "Telefônico")
        except BusyError:
            busy += 1
            continue
        calls.append((started, (time.time() - started) * 1000, (GateStats.waited - gate_before) * 1000))
        try:
            draft.leave()
        except BusyError:
            busy += 1
    queue.put(("done", calls, busy))


def _overlapping(calls, start: float, end: float) -> list[tuple]:
    return [c for c in calls if c[0] < end and c[0] + c[1] / 1000 > start]


def measure(ctx) -> list[Measurement]:
    wb = ctx.wb
    pause = 1.0 if ctx.quick else 3.0
    mpctx = mp.get_context("spawn")
    queue = mpctx.Queue()
    seconds = 30.0 if ctx.quick else 90.0
    procs = [mpctx.Process(target=_writer, args=(str(wb.path), seconds, 300 + i, queue)) for i in range(2)]
    for p in procs:
        p.start()
    for _ in procs:
        assert queue.get(timeout=600)[0] == "ready"
    spans = {}
    with tempfile.TemporaryDirectory(prefix="workbench-bench-files-", dir=str(Path(wb.path).parent)) as tmp:
        time.sleep(pause)
        t = time.time()
        info = wb.snapshot(Path(tmp) / "analise.duckdb", max_age=0).snapshot_info
        spans["snapshot"] = (t, time.time(), info.writers_waited)
        time.sleep(pause)
        t = time.time()
        backup = wb.store.backup(Path(tmp))
        spans["backup"] = (t, time.time(), None)
        time.sleep(pause)
        t = time.time()
        from workbench.storage import open_store

        open_store(Path(tmp) / "restaurado.duckdb").restore_from(backup)
        restore_s = time.time() - t
        size_mb = backup.stat().st_size / 1e6
        results = [queue.get(timeout=seconds + 600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    calls = [c for _, cs, _ in results for c in cs]
    busy = sum(b for _, _, b in results)
    outside = [c for c in calls if not any(c[0] < end and c[0] + c[1] / 1000 > start
                                           for start, end, _ in spans.values())]
    rows = [Measurement("escritores fora das cópias: novo protocolo", [c[1] for c in outside],
                        note=f"2 processos; {busy} falhas (BusyError) no total"),
            Measurement("  espera no gate", [c[2] for c in outside])]
    for name, label in (("snapshot", "snapshot (cópia de análise)"), ("backup", "backup")):
        start, end, held = spans[name]
        during = _overlapping(calls, start, end)
        note = f"cópia em {end - start:.1f} s"
        if held is not None:
            note += f", gate retido {held * 1000:.0f} ms"
        rows.append(Measurement(f"escritores durante {label}: novo protocolo", [c[1] for c in during], note=note))
        rows.append(Measurement("  espera no gate", [c[2] for c in during]))
    rows.append(Measurement("restore (verificação completa + troca), em arquivo novo",
                            value=f"{restore_s:.1f} s", note=f"{size_mb:.0f} MB"))
    return rows
