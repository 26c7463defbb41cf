"""Helpers of the backup, restore, snapshot, damaged-file and full-disk tests.

``cli(...)`` runs the real ``workbench`` command in a subprocess; ``damage_block``
overwrites bytes inside a block that a table really uses (found with DuckDB's
``pragma_storage_info``), so a full read must meet it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb

HEADER = 3 * 4096          # DuckDB's file headers, before block 0
BLOCK = 262144             # DuckDB's block size

# Another process using the database: alternating reads and writes (audit rows) in a loop.
WORKER = textwrap.dedent("""
    import sys, time
    from datetime import datetime, timezone
    from workbench.storage import open_store
    store = open_store(sys.argv[1])
    n = 0
    deadline = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < deadline:
        with store._write() as con:
            con.execute("INSERT INTO audit_log (event_at, action, entity, entity_id) VALUES (?, 'teste', 'x', ?)",
                        [datetime.now(timezone.utc), str(n)])
            con.execute("UPDATE settings SET value = ? WHERE key = 'backup_test'", [str(n)])
        with store._read() as con:
            con.execute("SELECT count(*) FROM attendances").fetchall()
        n += 1
    print(n)
""")

# A desk operator in its own process: registers attendances and prints each protocol
# when it is told to the client ("protocolo") and when the attendance is saved ("registrado").
OPERATOR = textwrap.dedent("""
    import sys, time
    import workbench
    wb = workbench.open(sys.argv[1], create=False)
    session = wb.login("atendente", "atendente123")
    client_id = int(wb.sql("SELECT min(client_id) AS c FROM contracts WHERE status = 'Ativo'")["c"][0])
    count, seconds = int(sys.argv[2]), float(sys.argv[3])   # count 0: as many as fit in the seconds
    print("pronto", flush=True)
    end = time.monotonic() + seconds
    n = 0
    while (n < count) if count else (time.monotonic() < end):
        draft = session.new_attendance(client_id, "Telefônico")
        print("protocolo", draft.protocol, flush=True)
        draft.set_data(contract_id=int(draft.contracts.contract_id[0]), person_name="Maria",
                       problem="Sem internet desde ontem", title="Lentidão")
        draft.set_first_contact(type="Suporte Técnico", checks="Roteador verificado", resolved=True,
                                solution="Roteador reiniciado")
        draft.finish()
        print("registrado", draft.protocol, flush=True)
        n += 1
""")


def cli(db: Path, *args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """``workbench --db DB ARGS...`` in a subprocess."""
    return subprocess.run([sys.executable, "-m", "workbench.cli", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def popen_cli(db: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "workbench.cli", "--db", str(db), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def dump(path: Path, tables: tuple[str, ...]) -> dict[str, list]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    finally:
        con.close()


def protocols_issued(path: Path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT protocol FROM protocol_log").fetchall()]
    finally:
        con.close()


def damage_block(path: Path, table: str) -> int:
    """Overwrite bytes of a segment of ``table``'s data (inside a used block); returns the offset.

    DuckDB checks a block's checksum over the part in use, so the damage must land there.
    """
    con = duckdb.connect(str(path), read_only=True)
    try:
        segments = sorted(con.execute(
            f"SELECT block_id, block_offset FROM pragma_storage_info('{table}') "
            "WHERE persistent AND block_id >= 0").fetchall())
    finally:
        con.close()
    block_id, block_offset = segments[len(segments) // 2]
    offset = HEADER + block_id * BLOCK + block_offset + 16
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(b"\xde\xad\xbe\xef" * 16)
    return offset


def truncate_half(path: Path) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(Path(path).stat().st_size // 2)
