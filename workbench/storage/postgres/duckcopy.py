"""Copies between a PostgreSQL desk and a DuckDB file, table by table, counts verified.

* :func:`to_duckdb` reads every table of a PostgreSQL desk in ONE
  ``REPEATABLE READ`` transaction (one consistent moment, while the desk keeps
  writing) into a new DuckDB file, and builds its search index: a snapshot for
  heavy analysis, or ``workbench copy --to FILE``;
* :func:`to_postgres` copies a DuckDB desk into an empty PostgreSQL database in
  ONE transaction (COPY), then its search index: ``workbench copy --to postgresql://…``.
  As a bulk load should be: the tables' secondary indexes, primary keys, unique
  and foreign-key constraints are dropped inside that transaction, the rows
  COPYed (``FREEZE``: the tables were emptied in the same transaction), and
  every index and constraint built again after the rows (``maintenance_work_mem``
  raised for the builds), then checked against the definitions read before: a
  copy that commits has every index and constraint the schema declares.

Both copy the tables the two schemas share, with the DuckDB file's columns
(PostgreSQL's own identity columns are generated), and compare each table's row
count at the source with the destination's before they finish; protocol
counters are tables like the others, so numbering continues where it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb

from workbench.errors import StoreError
from workbench.storage import search_index
from workbench.storage.postgres.adapter import copy_arrow, frame
from workbench.storage.postgres.connection import SCHEMA

CHUNK_ROWS = 100_000
BUILD_MEMORY_MB = 1024       # maintenance_work_mem for the index builds (raised, never lowered)
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
    from workbench.storage.postgres.summaries import pause_summaries, rebuild_summaries
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
            _raise_build_memory(con)
            declared = declared_builds(con)
            deferred = deferred_builds(con, tables)
            drop_for_load(con, deferred)
            pause_summaries(con)
            for table, columns in tables.items():
                total = int(duck.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
                counts[table] = total
                reader = duck.sql("SELECT " + ", ".join(f'"{c}"' for c in columns)
                                  + f" FROM {table}").to_arrow_reader(CHUNK_ROWS)   # no extra copy
                done = 0
                for batch in reader:
                    done += copy_arrow(con.raw, table, [batch], columns, freeze=True)
                    if progress:
                        progress(table, done, total)
            copied = {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in tables}
            _check_counts(counts, copied)
            index_clients(con)
            build_after_load(con, deferred, declared)
            rebuild_summaries(con)
            for table in tables:
                con.execute(f"ANALYZE {table}")
    finally:
        duck.close()
    return counts


# -- indexes and constraints built after the rows ------------------------------------------------

_CONSTRAINTS_SQL = """
    SELECT c.conname, c.contype, t.relname, pg_get_constraintdef(c.oid), coalesce(r.relname, '')
    FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace LEFT JOIN pg_class r ON r.oid = c.confrelid
    WHERE n.nspname = ? AND c.contype IN ('p', 'u', 'f', 'x') ORDER BY t.relname, c.conname"""

_INDEXES_SQL = """
    SELECT i.relname, t.relname, pg_get_indexdef(i.oid), x.indisunique
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    WHERE n.nspname = ? AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid
                                        AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x'))
    ORDER BY t.relname, i.relname"""


_INDEX_KINDS_SQL = """
    SELECT i.relname, t.relname, a.amname, x.indisunique
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am a ON a.oid = i.relam
    WHERE n.nspname = ?"""


@dataclass(frozen=True)
class Deferred:
    """The indexes and constraints a load drops and builds again: (name, table, definition) each."""
    keys: tuple[tuple[str, str, str], ...]          # primary keys, unique and exclusion constraints
    indexes: tuple[tuple[str, str, str], ...]       # indexes that back no constraint
    foreign: tuple[tuple[str, str, str], ...]       # foreign keys


def declared_builds(con) -> set[tuple]:
    """Every constraint and index of the desk's schema: {(name, table, kind)} (kind: a constraint's
    type, or an index's access method and uniqueness). Definitions are not compared as text: the
    server's deparsed form of an expression can change when it is parsed again."""
    found = {(name, table, kind)
             for name, kind, table, _definition, _ref in con.execute(_CONSTRAINTS_SQL, [SCHEMA]).fetchall()}
    found |= {(name, table, f"{method}{' unique' if unique else ''}")
              for name, table, method, unique in con.execute(_INDEX_KINDS_SQL, [SCHEMA]).fetchall()}
    return found


def deferred_builds(con, tables) -> Deferred:
    """What a load into ``tables`` (and the search index) drops: on the copied tables every index and
    constraint; on the search index's tables the non-unique indexes (its inserts need their keys for
    ON CONFLICT); every foreign key from or to a copied table."""
    loaded = set(tables)
    search = set(NOT_COPIED) - {"schema_migrations"}
    keys, foreign = [], []
    for name, kind, table, definition, referenced in con.execute(_CONSTRAINTS_SQL, [SCHEMA]).fetchall():
        if kind == "f" and (table in loaded or table in search or referenced in loaded):
            foreign.append((name, table, definition))
        elif kind != "f" and table in loaded:
            keys.append((name, table, definition))
    indexes = [(name, table, definition)
               for name, table, definition, unique in con.execute(_INDEXES_SQL, [SCHEMA]).fetchall()
               if table in loaded or (table in search and not unique)]
    return Deferred(tuple(keys), tuple(indexes), tuple(foreign))


def drop_for_load(con, deferred: Deferred) -> None:
    for name, table, _ in deferred.foreign + deferred.keys:
        con.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _table, _ in deferred.indexes:
        con.execute(f'DROP INDEX "{name}"')


def build_after_load(con, deferred: Deferred, declared: set[tuple]) -> None:
    """Build again what :func:`drop_for_load` dropped (keys, then indexes, then foreign keys, which
    check every row), and verify the schema has every constraint and index it had before (``declared``:
    :func:`declared_builds` read before the drop)."""
    for name, table, definition in deferred.keys:
        con.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _name, _table, definition in deferred.indexes:
        con.execute(definition)
    for name, table, definition in deferred.foreign:
        con.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    after = declared_builds(con)
    if after != declared:
        missing = sorted(f"{n} ({t})" for n, t, _k in after ^ declared)
        raise StoreError("A cópia não reconstruiu os índices e restrições do esquema ("
                         + ", ".join(missing or ["definições diferentes"]) + "); nada foi aproveitado.")


def _raise_build_memory(con) -> None:
    current = con.execute("SELECT setting::bigint / 1024 FROM pg_settings "
                          "WHERE name = 'maintenance_work_mem'").fetchall()[0][0]
    if int(current) < BUILD_MEMORY_MB:
        con.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY_MB}MB'")
