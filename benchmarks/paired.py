"""Old and new code side by side, call by call: ``python -m benchmarks.paired --db PATH --baseline CHECKOUT
[--baseline-db PATH] [--rounds N]``.

Two worker processes, one importing ``workbench`` from ``CHECKOUT`` (e.g. ``/work/main``), one from this
checkout; the driver asks each in turn for the same call (the worklist, every queue's first page, the
lists by status, the text search, a lookup by protocol, a draft save), so both see the same machine load,
and prints each call's median and p95 for both, and the median CPU time of the worker process (all its
threads: what the call costs whatever the machine's load). ``--baseline-db``: a copy of the same data
for the old code, when the new one migrates the schema past what the old one opens. Draft saves write
new protocols (left abandoned at the end).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from pathlib import Path

OPS = ("meus atendimentos", "fila suporte_n1", "fila suporte_n2", "fila financeiro", "fila comercial",
       "todas as filas", "status Pendente", "status Concluído", "texto", "procurar: protocolo",
       "rascunho: salvar um passo")


def _worker(checkout: str, db: str, conn) -> None:
    sys.path.insert(0, checkout)
    import workbench
    from benchmarks.desk import ATENDENTE, SUPERVISOR, _client_ids
    from benchmarks.lookup import _protocols

    assert Path(workbench.__file__).is_relative_to(checkout), workbench.__file__
    wb = workbench.open(db, create=False)
    at, sup = wb.login(*ATENDENTE), wb.login(*SUPERVISOR)
    protocols = [p for _, p in _protocols(wb, 200)]
    drafts = []
    for client_id in _client_ids(wb, 10, seed=23):
        draft = at.new_attendance(client_id)
        draft.set_origin(draft.origins[0])
        draft.save("origem")
        drafts.append(draft)
    words = "cliente sem internet desde ontem roteador reiniciado luz vermelha".split()
    calls = {
        "meus atendimentos": lambda i: at.worklist(),
        "todas as filas": lambda i: sup.queue(),
        "status Pendente": lambda i: wb.attendances(status="Pendente"),
        "status Concluído": lambda i: wb.attendances(status="Concluído"),
        "texto": lambda i: wb.attendances(text=("boleto", "lentidao", "sinal")[i % 3], limit=50),
        "procurar: protocolo": lambda i: wb.lookup(protocols[i % len(protocols)]),
    }
    for code in ("suporte_n1", "suporte_n2", "financeiro", "comercial"):
        calls[f"fila {code}"] = lambda i, code=code: sup.queue(code)

    def save(i):
        draft = drafts[i % len(drafts)]
        draft.set_data(person_name="Joana Prado", problem=" ".join(words[: 1 + i % len(words)]) * (1 + i % 5),
                       title=draft.titles[i % len(draft.titles)])
        draft.save("dados")
    calls["rascunho: salvar um passo"] = save
    conn.send("ready")
    while True:
        msg = conn.recv()
        if msg is None:
            break
        op, i = msg
        t, cpu = time.perf_counter(), time.process_time()
        calls[op](i)
        conn.send(((time.perf_counter() - t) * 1000, (time.process_time() - cpu) * 1000))
    for draft in drafts:
        draft.leave()
    conn.send("done")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.paired", description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--baseline", required=True, help="the other checkout (its workbench package is used)")
    parser.add_argument("--baseline-db", help="the old code's copy of the database (default: --db)")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    ctx = mp.get_context("spawn")
    here = str(Path(__file__).resolve().parent.parent)
    workers = {}
    for name, checkout, db in (("antes", str(Path(args.baseline).resolve()), args.baseline_db or args.db),
                               ("agora", here, args.db)):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(checkout, db, child))
        proc.start()
        assert parent.recv() == "ready"
        workers[name] = (proc, parent)
    import os
    loads = [os.getloadavg()[0]]
    times = {(op, name): [] for op in OPS for name in workers}
    for i in range(args.rounds):
        for op in OPS:
            order = list(workers) if i % 2 == 0 else list(workers)[::-1]
            for name in order:
                workers[name][1].send((op, i))
                times[(op, name)].append(workers[name][1].recv())
        loads.append(os.getloadavg()[0])
    for proc, conn in workers.values():
        conn.send(None)
        conn.recv()
        proc.join()
    print(f"{args.rounds} rodadas intercaladas; carga (1 min) {min(loads):.1f}-{max(loads):.1f}")
    print("| operação | antes mediana / p95 ms | agora mediana / p95 ms | CPU antes / agora ms (mediana) |")
    print("|---|---|---|---|")
    for op in OPS:
        walls = {n: [w for w, _ in times[(op, n)]] for n in workers}
        cpus = {n: statistics.median(c for _, c in times[(op, n)]) for n in workers}
        cells = [f"{statistics.median(walls[n]):.1f} / {_p95(walls[n]):.1f}" for n in workers]
        print(f"| {op} | {cells[0]} | {cells[1]} | {cpus['antes']:.1f} / {cpus['agora']:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
