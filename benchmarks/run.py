"""Run the benchmarks: ``python -m benchmarks.run [--quick] [--db PATH] [--only NAME ...]``.

Builds (with ``workbench demo``) or reuses a database of 1,000,000 clients and
5,000,000 attendances (``--quick``: 20,000 / 100,000 and fewer repetitions),
runs every registered measurement and prints one table: median, p95 and max
per operation, next to the baseline measured in the same run, plus the
machine's cores and memory.

A measurement is a function ``measure(ctx) -> list[Measurement]`` listed in
``MEASUREMENTS``; add new ones there.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import desk, drafts, files, importing, lists, login, lookup, memory, search, voila
from benchmarks.util import Measurement, machine, table

FULL = {"clients": 1_000_000, "attendances": 5_000_000, "search_queries": 200}
QUICK = {"clients": 20_000, "attendances": 100_000, "search_queries": 40}


@dataclass
class Context:
    wb: object
    quick: bool
    search_queries: int
    duckdb_path: Path | None = None      # the DuckDB desk (the search mix is drawn from it)
    writers: int | None = None           # the concurrency lane's writer processes (None: 8, --quick 2)
    readers: int | None = None           # and its dashboard processes (None: 2, --quick 1)


# Measurements that run on PostgreSQL too (--postgres): the desk's operations.
PORTABLE = ("search", "lookup", "drafts", "attendances", "wizard", "dashboard", "concurrency")


MEASUREMENTS = {
    "search": search.measure,
    "lookup": lookup.measure,
    "drafts": drafts.measure,
    "attendances": lists.measure,
    "wizard": desk.measure_wizard,
    "dashboard": desk.measure_dashboard,
    "concurrency": desk.measure_concurrency,
    "logins": login.measure,
    "memory": memory.measure,
    "files": files.measure,
    "import": importing.measure,
    "voila": voila.measure,
}


def _client_count(path: Path) -> int | None:
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        return con.execute("SELECT count(*) FROM clients").fetchall()[0][0]
    except duckdb.Error:
        return None
    finally:
        con.close()


def ensure_database(path: Path, clients: int, attendances: int, seed: int = 1) -> list[Measurement]:
    """Reuse ``path`` when it holds ``clients`` clients, else build it with ``workbench demo``."""
    if path.exists() and _client_count(path) == clients:
        return [Measurement("banco de dados (reutilizado)", value=f"{path.stat().st_size / 1e6:.0f} MB",
                            note=str(path))]
    for suffix in ("", ".wal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "workbench.cli", "--db", str(path), "demo", "--clients", str(clients),
           "--attendances", str(attendances), "--seed", str(seed)]
    print("construindo:", " ".join(cmd[1:]), flush=True)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t
    return [Measurement(f"demo {clients:,} clientes / {attendances:,} atendimentos", value=f"{elapsed:.1f} s",
                        note="tempo de construção"),
            Measurement("tamanho do arquivo", value=f"{path.stat().st_size / 1e6:.0f} MB", note=str(path))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small database, few repetitions")
    parser.add_argument("--db", help="database file (built when missing or of another size)")
    parser.add_argument("--only", nargs="*", choices=sorted(MEASUREMENTS), help="run only these measurements")
    parser.add_argument("--postgres", action="store_true",
                        help="also copy the desk into a throwaway PostgreSQL server (durable) and run the desk's "
                             "measurements there, in the same run")
    parser.add_argument("--postgres-url", help="with --postgres: use this server (a new database, dropped at the end) "
                                               "instead of a throwaway one")
    parser.add_argument("--writers", type=int, help="writer processes of the concurrency lane (default 8; --quick 2)")
    parser.add_argument("--readers", type=int,
                        help="dashboard processes refreshing every 0.5 s in the concurrency lane "
                             "(default 2; --quick 1)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    default = "/tmp/workbench-bench-quick.duckdb" if args.quick else "/tmp/workbench-bench.duckdb"
    path = Path(args.db or os.environ.get("WORKBENCH_BENCH_DB", default)).expanduser()

    import workbench

    print(f"máquina: {machine()}", flush=True)
    rows = ensure_database(path, sizes["clients"], sizes["attendances"])
    wb = workbench.open(path, create=False)
    ctx = Context(wb=wb, quick=args.quick, search_queries=sizes["search_queries"], duckdb_path=path,
                  writers=args.writers, readers=args.readers)
    for name in args.only or MEASUREMENTS:
        print(f"medindo: {name}", flush=True)
        rows += MEASUREMENTS[name](ctx)
    if args.postgres:
        from benchmarks import postgres

        rows += postgres.measure(ctx, [n for n in (args.only or MEASUREMENTS) if n in PORTABLE], MEASUREMENTS,
                                  server_url=args.postgres_url)
    print()
    print(f"máquina: {machine()}")
    print(f"banco: {path} ({sizes['clients']:,} clientes, {sizes['attendances']:,} atendimentos)")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
