"""The desk's measurements on PostgreSQL, beside DuckDB's in the same run (``--postgres``).

Starts a throwaway, durable PostgreSQL server (``tests/pgcluster.py``: fsync on), copies the
benchmark desk into it with ``workbench copy`` (timed: the issue's "copy ≤ 5 min"), then runs
the portable measurements (search, lists, wizard, dashboard, concurrency) against it; every
row is prefixed "PostgreSQL ·". The server is stopped and deleted at the end. ``server_url``
(``--postgres-url``) uses a running server instead: the copy goes into a new database there,
dropped at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.util import Measurement


def measure(ctx, names: list[str], measurements: dict, *, server_url: str | None = None) -> list[Measurement]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from pgcluster import Cluster

    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    import workbench

    rows: list[Measurement] = []
    cluster = None
    if server_url is None:
        cluster = Cluster(durable=True, settings={"shared_buffers": "1GB", "work_mem": "32MB",
                                                  "max_wal_size": "4GB", "checkpoint_timeout": "15min"})
        cluster.start()
        server_url = cluster.url("postgres")
    dbname = f"bench_{os.getpid()}"
    info = conninfo_to_dict(server_url)
    url = "postgresql://" + server_url.split("://", 1)[1].rsplit("/", 1)[0] + f"/{dbname}"
    admin = make_conninfo(**{**info, "dbname": info.get("dbname") or "postgres"})
    try:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{dbname}"')
        # the command, in its own process (so its memory is not inherited by the measurements' processes)
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "workbench", "--db", ctx.wb.store.target, "copy", "--to", url],
                              capture_output=True, text=True, check=True)
        rows.append(Measurement("PostgreSQL · copy DuckDB → PostgreSQL", value=f"{time.perf_counter() - t:.1f} s",
                                note="linhas conferidas por tabela; inclui o índice de busca"))
        print(done.stdout.strip(), flush=True)
        with psycopg.connect(url, autocommit=True) as con:
            con.execute("VACUUM ANALYZE")
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
        if cluster is not None:
            cluster.stop()
        else:
            with psycopg.connect(admin, autocommit=True) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    return rows
