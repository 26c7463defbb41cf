"""The desk's measurements on PostgreSQL, beside DuckDB's in the same run (``--postgres``).

Starts a throwaway, durable PostgreSQL server (``tests/pgcluster.py``: fsync on), copies the
benchmark desk into it with ``workbench copy`` (timed: the issue's "copy ≤ 5 min"), then runs
the portable measurements (search, lists, wizard, dashboard, concurrency) against it; every
row is prefixed "PostgreSQL ·". The server is stopped and deleted at the end.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.util import Measurement


def measure(ctx, names: list[str], measurements: dict) -> list[Measurement]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from pgcluster import Cluster

    import workbench
    from workbench.storage.moving import copy_desk

    rows: list[Measurement] = []
    cluster = Cluster(durable=True, settings={"shared_buffers": "1GB", "work_mem": "32MB",
                                              "max_wal_size": "4GB", "checkpoint_timeout": "15min"})
    cluster.start()
    try:
        cluster.psql("CREATE DATABASE bench")
        url = cluster.url("bench")
        t = time.perf_counter()
        counts = copy_desk(ctx.wb.store, url)
        rows.append(Measurement("PostgreSQL · copy DuckDB → PostgreSQL", value=f"{time.perf_counter() - t:.1f} s",
                                note=f"{sum(counts.values()):,} linhas conferidas; inclui o índice de busca"))
        cluster.psql("VACUUM ANALYZE", dbname="bench")
        pg = workbench.open(url, create=False)
        rows.append(Measurement("PostgreSQL · tamanho do banco", value=f"{pg.store.database_size() / 1e6:.0f} MB",
                                note="tabelas e índices, sem WAL"))
        pg_ctx = replace(ctx, wb=pg)
        for name in names:
            print(f"medindo no PostgreSQL: {name}", flush=True)
            for m in measurements[name](pg_ctx):
                rows.append(replace(m, operation=f"PostgreSQL · {m.operation.strip()}"))
    finally:
        from workbench.storage.postgres.connection import close_pools

        close_pools()
        cluster.stop()
    return rows
