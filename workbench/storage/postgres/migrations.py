"""Versioned schema migrations on PostgreSQL: the same steps as DuckDB's.

Each step of :data:`MIGRATIONS` has the version and name of its DuckDB twin
(``workbench.storage.migrations``; a test checks they agree) and its own DDL in
``schema/mNNN_*.sql``. Steps run in one transaction each, recorded in
``workbench.schema_migrations``, under an advisory lock so that several servers
starting at once migrate once. Everything lives in the ``workbench`` schema;
the contrib extensions ``pg_trgm``, ``unaccent`` and ``fuzzystrmatch`` are
created if the role may (else a clear message says what the DBA must run).

Opening refuses a database that holds another application's tables and no
workbench, and one written by a newer workbench.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Callable

import psycopg
from psycopg import errors as pg_errors

from workbench.errors import StoreError
from workbench.storage.postgres.adapter import PgConnection
from workbench.storage.postgres.connection import SCHEMA, connect, describe

EXTENSIONS = ("pg_trgm", "unaccent", "fuzzystrmatch")
_LOCK_KEY = 0x776f726b62656e63    # "workbenc": the migrations' advisory lock
ANALYST_VIEWS = "workbench_analyst"     # workbench.storage.postgres.analyst.VIEWS


@dataclass(frozen=True)
class Migration:
    """One step: its DDL file in ``schema/``, and/or the DuckDB step's own function where that step's SQL
    is portable (run through :class:`PgConnection`, so both engines carry their rows over the same way);
    the file runs after the function (PostgreSQL's own indexes)."""

    version: int
    name: str
    file: str | None = None
    apply: Callable[[PgConnection], None] | None = None

    def sql(self) -> str:
        return resources.files("workbench.storage.postgres").joinpath("schema", self.file).read_text("utf-8")

    def run(self, con: psycopg.Connection) -> None:
        if self.apply is not None:
            self.apply(PgConnection(con))
        if self.file is not None:
            con.execute(self.sql())


def _desk_workflow(con: PgConnection) -> None:
    from workbench.storage import workflow_schema

    workflow_schema.apply(con)


def _drafts(con: PgConnection) -> None:
    from workbench.storage import migrations

    migrations._drafts(con)


def _narrow_client_search(con: PgConnection) -> None:
    """Migration 7: DuckDB's ``client_search`` stops storing ``haystack``; PostgreSQL's never stored one.

    Here search matches a term inside the name words through the GIN trigram index on
    ``client_search.words`` and at the start of codes, documents, phones and e-mails through the
    b-tree on ``client_keys.key`` (``schema/m002_client_search.sql``), whatever the term's length:
    there is no 12-character key to verify long terms after, so no column to drop and no new index
    to build. The DuckDB step's portable SQL runs all the same (it drops the column only where it
    finds one), so both backends record the same step.
    """
    from workbench.storage import migrations

    migrations._narrow_client_search(con)


def _attendance_client_names(con: PgConnection) -> None:
    """Migration 8: ``attendances.client_name``, the DuckDB step's portable SQL (add the column, fill it
    from ``clients``); written with each attendance by the shared mixin, and by bulk loads."""
    from workbench.storage import migrations

    migrations._attendance_client_names(con)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", "m001_initial.sql"),
    Migration(2, "client search index", "m002_client_search.sql"),
    Migration(3, "index of attendances by client", "m003_attendances_by_client.sql"),
    Migration(4, "password hashes and login lock state apart from operators", "m004_login_secrets.sql"),
    Migration(5, "queues, owners, later contacts, work-order workflow, open attendances",
              "m005_desk_workflow.sql", _desk_workflow),
    Migration(6, "drafts of typed work; protocol origin chosen later", "m006_drafts.sql", _drafts),
    Migration(7, "client search index without the stored haystack", apply=_narrow_client_search),
    Migration(8, "client name copied into attendances", apply=_attendance_client_names),
    Migration(9, "dashboard summaries per hour", "m009_dashboard_summaries.sql"),
    Migration(10, "client search keys beside the words; open attendances by deadline", "m010_client_search_keys.sql"),
    Migration(11, "dashboard summaries of closures and deadlines", "m011_dashboard_flow.sql"),
    Migration(12, "index of attendances by client carries the title (repeat contacts)", "m012_repeat_contacts.sql"),
    Migration(13, "dashboard summary of resolution seconds", "m013_resolution_seconds.sql"),
)
LATEST = MIGRATIONS[-1].version


def current_version(con: psycopg.Connection) -> int:
    exists = con.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{SCHEMA}.schema_migrations"]).fetchone()[0]
    if not exists:
        return 0
    return con.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA}.schema_migrations").fetchone()[0]


def _foreign_tables(con: psycopg.Connection) -> list[str]:
    rows = con.execute("""
        SELECT table_schema || '.' || table_name FROM information_schema.tables
        WHERE table_schema NOT IN ('pg_catalog', 'information_schema', %s)
        ORDER BY 1 LIMIT 6""", [SCHEMA]).fetchall()
    return [r[0] for r in rows]


def _create_extensions(con: psycopg.Connection, url: str) -> None:
    for name in EXTENSIONS:
        try:
            with con.transaction():
                con.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])    # IF NOT EXISTS races otherwise
                con.execute(f"CREATE EXTENSION IF NOT EXISTS {name}")
        except pg_errors.UndefinedFile:
            raise StoreError(f"A extensão {name} não está instalada no servidor {describe(url)}: instale o "
                             "pacote contrib do PostgreSQL (no Debian, vem com o pacote postgresql).") from None
        except pg_errors.InsufficientPrivilege:
            raise StoreError(f"O usuário não pode criar a extensão {name} no servidor {describe(url)}: peça ao "
                             f"administrador do banco para rodar `CREATE EXTENSION {name};` nesse banco.") from None


def pending(con: psycopg.Connection, url: str) -> list[Migration]:
    version = current_version(con)
    if version > LATEST:
        raise StoreError(f"O banco {describe(url)} está na versão {version} do esquema, mais nova que a suportada "
                         f"por este workbench ({LATEST}). Atualize o workbench.")
    return [m for m in MIGRATIONS if m.version > version]


def ensure_schema(url: str, *, create: bool = True) -> list[int]:
    """Create or upgrade the workbench schema at ``url``; returns the versions applied."""
    con = connect(url)
    try:
        if not pending(con, url):
            return []
        with con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
            todo = pending(con, url)              # another server may have migrated meanwhile
            if not todo:
                return []
            if todo[0].version == 1:
                if not create:
                    raise StoreError(f"O banco {describe(url)} não tem o workbench; rode `workbench init`.")
                foreign = _foreign_tables(con)
                if foreign:
                    raise StoreError(f"O banco {describe(url)} já tem tabelas de outra aplicação "
                                     f"({', '.join(foreign)}): use um banco vazio, só do workbench.")
        _create_extensions(con, url)
        applied = []
        for migration in todo:
            with con.transaction():
                con.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
                if migration.version <= current_version(con):
                    continue
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
                # the analysts' views depend on the tables a step may rewrite: made again after the steps
                con.execute(f"DROP SCHEMA IF EXISTS {ANALYST_VIEWS} CASCADE")
                con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_migrations ("
                            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                            " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)")
                migration.run(con)
                con.execute(f"INSERT INTO {SCHEMA}.schema_migrations (version, name) VALUES (%s, %s)",
                            [migration.version, migration.name])
            applied.append(migration.version)
        return applied
    finally:
        con.close()
