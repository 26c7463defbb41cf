"""Copies between a PostgreSQL desk and a DuckDB file, table by table, counts verified.

* :func:`to_duckdb` reads every table of a PostgreSQL desk in ONE
  ``REPEATABLE READ`` transaction (one consistent moment, while the desk keeps
  writing) into a new DuckDB file, and builds its search index: a snapshot for
  heavy analysis, or ``workbench copy --to FILE``;
* :func:`to_postgres` copies a DuckDB desk into an empty PostgreSQL database in
  ONE transaction (COPY), then its search index: ``workbench copy --to postgresql://…``.

Both copy the tables the two schemas share, with the DuckDB file's columns
(PostgreSQL's own identity columns are generated), and compare each table's row
count at the source with the destination's before they finish; protocol
counters are tables like the others, so numbering continues where it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import duckdb

from workbench.errors import StoreError
from workbench.storage import search_index
from workbench.storage.postgres.adapter import copy_arrow, frame
from workbench.storage.postgres.connection import SCHEMA

CHUNK_ROWS = 50_000
# Search index tables: each engine builds its own layout.
NOT_COPIED = frozenset({"client_search", "client_terms", "client_words", "client_keys", "schema_migrations"})
# Parents before children (PostgreSQL checks operator_credentials' foreign key).
FIRST = ("settings", "operators", "operator_credentials")

Progress = Callable[[str, int, int], None]       # (table, rows done, rows in the table)


def duckdb_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """{table: columns} of a DuckDB desk, in copy order."""
    tables: dict[str, list[str]] = {}
    for table, column in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                     "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position").fetchall():
        if table not in NOT_COPIED:
            tables.setdefault(table, []).append(column)
    ordered = [t for t in FIRST if t in tables] + sorted(t for t in tables if t not in FIRST)
    return {t: tables[t] for t in ordered}


def _check_counts(source: dict[str, int], dest: dict[str, int]) -> None:
    wrong = [f"{t}: {source[t]} na origem, {dest.get(t)} na cópia" for t in source if dest.get(t) != source[t]]
    if wrong:
        raise StoreError("A cópia não confere com a origem (" + "; ".join(wrong) + "); nada foi aproveitado.")


def to_duckdb(store, path: Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Write a new DuckDB desk at ``path`` (which must not exist) from the PostgreSQL ``store``; rows per table."""
    from workbench.storage.store import DuckDBStore

    DuckDBStore(path).ensure_schema(create=True)
    duck = duckdb.connect(str(path))
    try:
        tables = duckdb_tables(duck)
        counts: dict[str, int] = {}
        duck.execute("BEGIN")
        with store._read(isolation="repeatable read") as con:
            present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                                 "WHERE table_schema = ?", [SCHEMA]).fetchall()}
            for table, columns in tables.items():
                if table not in present:
                    raise StoreError(f"A tabela {table} não existe no banco {store.path}: as versões do esquema "
                                     "diferem; rode `workbench init` nos dois.")
                total = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
                counts[table] = total
                duck.execute(f"DELETE FROM {table}")           # reference rows of a fresh schema, if any
                cols = ", ".join(f'"{c}"' for c in columns)
                cur = con.raw.cursor(name=f"wb_copy_{table}")
                cur.execute(f"SELECT {cols} FROM {table}")
                done = 0
                while True:
                    rows = cur.fetchmany(CHUNK_ROWS)
                    if not rows:
                        break
                    chunk = frame(cur.description, rows)
                    duck.register("wb_chunk", chunk)
                    duck.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM wb_chunk")
                    duck.unregister("wb_chunk")
                    done += len(rows)
                    if progress:
                        progress(table, done, total)
                cur.close()
        copied = {t: duck.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}
        _check_counts(counts, copied)
        search_index.rebuild(duck)
        duck.execute("COMMIT")
        duck.execute("CHECKPOINT")
    finally:
        duck.close()
    return counts


def to_postgres(source_path: Path, store, *, progress: Progress | None = None) -> dict[str, int]:
    """Copy the DuckDB desk at ``source_path`` into the PostgreSQL ``store`` (no clients yet); rows per table."""
    from workbench.storage.postgres.search import index_clients

    duck = duckdb.connect(str(source_path), read_only=True)
    try:
        tables = duckdb_tables(duck)
        counts: dict[str, int] = {}
        with store._write() as con:
            store._critical(con, "bulk", "clients")
            existing = int(con.execute("SELECT count(*) FROM clients").fetchall()[0][0])
            if existing:
                raise StoreError(f"O banco {store.path} já tem {existing} clientes: a cópia vai para um banco "
                                 "vazio (crie outro banco, ou apague este).")
            con.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")
            for table, columns in tables.items():
                total = int(duck.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
                counts[table] = total
                cols = ", ".join(f'"{c}"' for c in columns)
                reader = duck.sql(f"SELECT {cols} FROM {table}").to_arrow_reader(CHUNK_ROWS)   # no extra copy
                done = 0
                for batch in reader:
                    done += copy_arrow(con.raw, table, [batch], columns)
                    if progress:
                        progress(table, done, total)
            copied = {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in tables}
            _check_counts(counts, copied)
            for table in tables:
                con.execute(f"ANALYZE {table}")
            index_clients(con)
    finally:
        duck.close()
    return counts
