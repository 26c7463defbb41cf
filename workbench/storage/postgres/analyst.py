"""Analysts' SQL (``wb.sql``) on PostgreSQL: the same checked query, in a READ ONLY transaction.

The text is checked exactly as on DuckDB (:func:`workbench.storage.analyst.check_query`:
one SELECT over the declared tables, unqualified, allowed table functions
only). It then runs in a READ ONLY transaction whose ``search_path`` is the
schema ``workbench_analyst`` alone: one view per table of
:mod:`workbench.storage.catalog` with the declared columns only (rebuilt by
:func:`create_views` whenever the schema is migrated), so credentials, the
audit log and undeclared columns cannot be reached by name. The query runs as
the role ``workbench_analyst`` (``SET LOCAL ROLE``), which may read those views
and nothing else: whatever the desk's own role may do (a superuser reads server
files), a query cannot, not even through functions that run SQL text
(``query_to_xml``); functions that read the server's files, change settings or
reach other databases are refused by name before the query runs
(:data:`DENIED_FUNCTIONS`). A ``statement_timeout`` bounds the query;
PostgreSQL's writers never wait for a reader, so the desk does not feel it. Heavy analysis belongs in a snapshot
(``workbench snapshot FILE``: a DuckDB copy).
"""

from __future__ import annotations

import re

import psycopg
from psycopg import errors as pg_errors

from workbench.lazy import lazy
from workbench.errors import BusyError, StoreError, ValidationError
from workbench.storage import catalog
from workbench.storage.analyst import AnalystMixin, _first_line, check_query
from workbench.storage.postgres.adapter import frame, translate
from workbench.storage.postgres.connection import SCHEMA
from workbench.storage.results import QueryResult

pd = lazy("pandas")

VIEWS = "workbench_analyst"
ROLE = "workbench_analyst"           # a cluster-wide NOLOGIN role: SELECT on the views, nothing else
TIMEOUT_SECONDS = 60
# Refused by name (the DuckDB parser sees every function call): settings (a role switch back), server files,
# large objects, other databases, SQL text run from inside the query.
DENIED_FUNCTIONS = ("set_config", "current_setting", "dblink", "lo_", "pg_", "query_to_xml", "table_to_xml",
                    "cursor_to_xml", "schema_to_xml", "database_to_xml", "query_to_xmlschema",
                    "table_to_xmlschema", "xpath")
NO_ROLE = ("wb.sql precisa do papel {role} no servidor {where}, que o workbench não pôde criar: peça ao "
           "administrador do banco para rodar `CREATE ROLE {role} NOLOGIN; GRANT {role} TO <usuário do workbench>;` "
           "e abra o workbench de novo.")
TIMED_OUT = (f"A consulta passou de {TIMEOUT_SECONDS} s e foi interrompida. Para análises pesadas use uma cópia "
             "de análise (`workbench snapshot ARQUIVO` ou wb.snapshot(ARQUIVO)), ou restrinja a consulta "
             "(filtros, LIMIT).")


def create_views(con: psycopg.Connection) -> None:
    """(Re)create the analysts' views over the declared tables and columns (inside a transaction)."""
    present: dict[str, set[str]] = {}
    for table, column in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                     "WHERE table_schema = %s", [SCHEMA]).fetchall():
        present.setdefault(table, set()).add(column)
    con.execute(f"DROP SCHEMA IF EXISTS {VIEWS} CASCADE")
    con.execute(f"CREATE SCHEMA {VIEWS}")
    for table, (_about, columns) in catalog.CATALOG.items():
        if table in catalog.FORBIDDEN_TABLES or table not in present:
            continue
        shown = [c for c in columns if c in present[table] and c not in catalog.FORBIDDEN_COLUMNS]
        if shown:
            cols = ", ".join(f'"{c}"' for c in shown)
            con.execute(f'CREATE VIEW {VIEWS}."{table}" AS SELECT {cols} FROM {SCHEMA}."{table}"')
    try:
        with con.transaction():                  # a savepoint: without CREATEROLE the views still stand
            con.execute(f"""DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') THEN CREATE ROLE {ROLE} NOLOGIN; END IF;
                END $$""")
            if not con.execute(f"SELECT pg_has_role(current_user, '{ROLE}', 'MEMBER')").fetchone()[0]:
                con.execute(f"GRANT {ROLE} TO current_user")
    except (pg_errors.InsufficientPrivilege, pg_errors.DuplicateObject):
        pass
    con.execute(f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC")
    if con.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE]).fetchone():
        con.execute(f"GRANT USAGE ON SCHEMA {VIEWS} TO {ROLE}")
        con.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {VIEWS} TO {ROLE}")


def check_functions(query: str) -> None:
    """Refuse the PostgreSQL functions of :data:`DENIED_FUNCTIONS` (ValidationError)."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        tree = con.execute("SELECT json_serialize_sql(?)", [query]).fetchall()[0][0]
    finally:
        con.close()
    for name in re.findall(r'"function_name":"([^"]*)"', tree):
        if name.lower().startswith(DENIED_FUNCTIONS):
            raise ValidationError(f"A função '{name}' não é permitida em wb.sql (configurações, arquivos do "
                                  "servidor e outros bancos ficam fora do alcance das análises).", field="SQL")

def _bind(query: str, params):
    """DuckDB's ``?`` and ``$name`` parameters in psycopg's spelling."""
    sql = translate(query)
    if isinstance(params, dict):
        sql = re.sub(r"\$([A-Za-z_]\w*)", r"%(\1)s", sql)
        return sql, params
    return sql, list(params or [])


class PgAnalystMixin(AnalystMixin):
    def analyst_tables(self) -> pd.DataFrame:
        """Every table and column ``wb.sql`` can read: table, column, type, descriptions."""
        with self._read() as con:
            present = {(t, c): ty.upper() for t, c, ty in con.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = ?", [VIEWS]).fetchall()}
        rows = [{"table": t, "column": c, "type": present[(t, c)], "description": text, "table_description": about}
                for t, about, c, text in catalog.declared() if (t, c) in present]
        return pd.DataFrame(rows, columns=["table", "column", "type", "description", "table_description"])

    def analyst_query(self, query: str, params, *, max_rows: int) -> QueryResult:
        """(first ``max_rows`` rows, whether more followed) of an analyst's checked query."""
        check_query(query)
        check_functions(query)
        sql, bound = _bind(query, params)
        with self._read() as con:
            raw = con.raw
            try:
                with raw.transaction():
                    raw.execute(f"SET LOCAL ROLE {ROLE}")
            except (pg_errors.InsufficientPrivilege, pg_errors.InvalidParameterValue, pg_errors.UndefinedObject):
                raise StoreError(NO_ROLE.format(role=ROLE, where=self.path)) from None
            raw.execute(f"SET LOCAL search_path = {VIEWS}, pg_catalog")
            raw.execute(f"SET LOCAL statement_timeout = {TIMEOUT_SECONDS * 1000}")
            try:
                with raw.transaction():            # a savepoint: an error leaves the outer one usable
                    cur = raw.cursor()
                    cur.execute(sql, bound, prepare=False)
                    rows = cur.fetchmany(max_rows + 1) if cur.description is not None else []
                    result = frame(cur.description or [], rows)
            except pg_errors.QueryCanceled:
                raise BusyError(TIMED_OUT) from None
            except (pg_errors.InsufficientPrivilege, pg_errors.ReadOnlySqlTransaction) as exc:
                raise ValidationError(f"Operação não permitida em wb.sql: {_first_line(exc)}", field="SQL") from None
            except (psycopg.errors.DataError, psycopg.errors.ProgrammingError, psycopg.errors.InternalError,
                    psycopg.errors.NotSupportedError, psycopg.errors.IntegrityError) as exc:
                raise ValidationError(f"Erro na consulta SQL: {_first_line(exc)}", field="SQL") from None
        truncated = len(result) > max_rows
        return QueryResult(result.iloc[:max_rows].reset_index(drop=True), truncated)
