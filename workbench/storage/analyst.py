"""Analysts' SQL (``wb.sql``): one query over the declared tables, harmless to the desk.

Each query runs on a fresh in-memory DuckDB connection that ATTACHes the
desk's file READ_ONLY under an internal alias and sees it only through views
of the tables and columns declared in :mod:`workbench.storage.catalog`. Then
external access (files, network, other databases), extension installing and
loading and Python replacement scans are switched off and the configuration
is locked, so the query cannot read or write anything else, nor change a
setting.

Before anything is opened the text is checked: exactly one statement, a
SELECT; every table it names is a declared view or one of its own CTEs,
unqualified (no other catalog or schema); a CTE may not take a table's name;
table functions only from :data:`TABLE_FUNCTIONS` (``query()`` and
``query_table()`` would otherwise reach the attached file behind the views).
Every refusal says what is allowed.

While the query runs on the live file, a watchdog thread looks at the gate:
when a writer has waited there for :data:`WRITER_PATIENCE` seconds, the
query is interrupted and a :class:`BusyError` points to ``wb.snapshot()``,
so no analysis keeps the desk's writers waiting for more than about a second.
Results are fetched in chunks and capped at ``max_rows`` (one more row is read
to tell that the result was cut).
"""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path

import duckdb

from workbench.lazy import lazy
from workbench import settings
from workbench.errors import BusyError, StoreError, ValidationError
from workbench.storage import catalog, gate
from workbench.storage.base import StoreBase
from workbench.storage.results import QueryResult
from workbench.storage.connection import _PROCESS_LOCK, is_lock_error, translate_error

pd = lazy("pandas")

ALIAS = "wb_desk_file"                    # the attached file; never reachable by name from a query
TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})
WRITER_PATIENCE = 0.5                     # seconds a writer may wait at the gate before the query yields
WATCH_POLL = 0.05
ALLOWED = ("Permitido em wb.sql: uma única consulta SELECT (ou WITH ... SELECT) sobre as tabelas e colunas "
           "de wb.tables(), pelo nome, sem prefixo de banco ou esquema; funções de tabela: "
           + ", ".join(sorted(TABLE_FUNCTIONS)) + "; parâmetros com ? ou $nome.")
INTERRUPTED = ("Consulta interrompida: um operador estava esperando para gravar, e o atendimento tem prioridade "
               "sobre análises no banco em uso. Para consultas pesadas use wb.snapshot() (uma cópia consistente "
               "para análise), ou restrinja a consulta (filtros, LIMIT) e tente de novo.")


def _refuse(reason: str) -> ValidationError:
    return ValidationError(f"{reason} {ALLOWED}", field="SQL")


# -- checking the text ---------------------------------------------------------------

def check_query(query: str) -> None:
    """Refuse (ValidationError) anything but one SELECT over the declared tables."""
    con = duckdb.connect(":memory:")
    try:
        try:
            statements = con.extract_statements(query)
        except duckdb.Error as exc:
            raise ValidationError(f"Erro de sintaxe na consulta SQL: {_first_line(exc)}", field="SQL") from None
        if len(statements) != 1:
            raise _refuse(f"A consulta tem {len(statements)} instruções; envie uma de cada vez.")
        kind = statements[0].type
        if kind != duckdb.StatementType.SELECT:
            raise _refuse(f"Instrução {kind.name} recusada: wb.sql só executa consultas (somente leitura).")
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [query]).fetchall()[0][0])
    finally:
        con.close()
    if tree.get("error"):
        raise _refuse(f"Consulta não suportada ({tree.get('error_message', '')}).")
    tables = set(catalog.CATALOG) - catalog.FORBIDDEN_TABLES
    ctes: set[str] = set()
    _collect_ctes(tree, ctes)
    shadowing = sorted(ctes & tables)
    if shadowing:
        raise _refuse(f"A CTE '{shadowing[0]}' tem o nome de uma tabela; use outro nome para a CTE.")
    _check_refs(tree, tables | ctes)


def _collect_ctes(node, out: set[str]) -> None:
    if isinstance(node, dict):
        ctes = node.get("cte_map")
        for entry in ctes.get("map", []) if isinstance(ctes, dict) else []:
            out.add(str(entry.get("key", "")).lower())
        for value in node.values():
            _collect_ctes(value, out)
    elif isinstance(node, list):
        for value in node:
            _collect_ctes(value, out)


def _check_refs(node, allowed: set[str]) -> None:
    if isinstance(node, list):
        for value in node:
            _check_refs(value, allowed)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind == "BASE_TABLE":
        name = str(node.get("table_name", ""))
        prefix = [p for p in (node.get("catalog_name"), node.get("schema_name")) if p]
        if prefix:
            raise _refuse(f"'{'.'.join(prefix + [name])}': use só o nome da tabela, sem banco ou esquema.")
        if name.lower() not in allowed:
            raise _refuse(f"A tabela '{name}' não está disponível para análise.")
    elif kind == "TABLE_FUNCTION":
        function = node.get("function") or {}
        name = str(function.get("function_name", ""))
        if function.get("schema") or function.get("catalog") or name.lower() not in TABLE_FUNCTIONS:
            raise _refuse(f"A função de tabela '{name}' não é permitida.")
    elif kind == "FUNCTION" and (node.get("schema") or node.get("catalog")):
        qualified = ".".join(p for p in (node.get("catalog"), node.get("schema"), node.get("function_name")) if p)
        raise _refuse(f"'{qualified}': use as funções pelo nome, sem banco ou esquema.")
    elif kind == "SHOW_REF" and node.get("table_name"):
        raise _refuse("SHOW não é permitido (para ver tabelas e colunas use wb.tables()).")
    for value in node.values():
        _check_refs(value, allowed)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# -- running it ----------------------------------------------------------------------

class AnalystMixin(StoreBase):
    def analyst_tables(self) -> pd.DataFrame:
        """Every table and column ``wb.sql`` can read in this file: table, column, type, descriptions."""
        with self._read() as con:
            present = {(t, c): ty for t, c, ty in con.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'main'").fetchall()}
        rows = [{"table": t, "column": c, "type": present[(t, c)], "description": text, "table_description": about}
                for t, about, c, text in catalog.declared() if (t, c) in present]
        return pd.DataFrame(rows, columns=["table", "column", "type", "description", "table_description"])

    def analyst_query(self, query: str, params, *, max_rows: int) -> QueryResult:
        """(first ``max_rows`` rows, whether more followed) of an analyst's checked query."""
        check_query(query)
        deadline = time.monotonic() + float(settings.get("lock_timeout"))
        with _PROCESS_LOCK, gate.passage(self.path, write=False, deadline=deadline):
            con = self._sandbox(deadline)
            try:
                return self._run_watched(con, query, params, max_rows)
            finally:
                con.close()

    def _sandbox(self, deadline: float) -> duckdb.DuckDBPyConnection:
        """An in-memory connection seeing the file only through the catalog's views, locked down."""
        con = duckdb.connect(":memory:", config={"memory_limit": settings.get("memory_limit"),
                                                 "autoinstall_known_extensions": False,
                                                 "autoload_known_extensions": False})
        try:
            self._attach(con, deadline)
            present: dict[str, list[str]] = {}
            for table, column in con.execute(
                    "SELECT table_name, column_name FROM duckdb_columns() "
                    "WHERE database_name = ? AND schema_name = 'main' ORDER BY table_name, column_index",
                    [ALIAS]).fetchall():
                present.setdefault(table, []).append(column)
            for table, (_about, columns) in catalog.CATALOG.items():
                if table in catalog.FORBIDDEN_TABLES or table not in present:
                    continue
                shown = [c for c in columns if c in present[table] and c not in catalog.FORBIDDEN_COLUMNS]
                if shown:
                    con.execute(f'CREATE VIEW "{table}" AS SELECT {", ".join(f"{chr(34)}{c}{chr(34)}" for c in shown)} '
                                f'FROM {ALIAS}.main."{table}"')
            con.execute("SET TimeZone = ?", [settings.get("timezone")])
            con.execute("SET enable_external_access = false")
            con.execute("SET python_enable_replacements = false")
            con.execute("SET lock_configuration = true")
            return con
        except BaseException:
            con.close()
            raise

    def _attach(self, con: duckdb.DuckDBPyConnection, deadline: float) -> None:
        if not Path(self.path).is_file():
            raise StoreError(f"O banco de dados {self.path} não existe; rode `workbench init`.")
        literal = str(self.path).replace("'", "''")
        delay = 0.005
        while True:
            try:
                con.execute(f"ATTACH '{literal}' AS {ALIAS} (READ_ONLY)")
                return
            except duckdb.Error as exc:
                if not is_lock_error(exc):
                    raise translate_error(self.path, exc) or StoreError(
                        f"Não foi possível abrir o banco de dados {self.path}: {_first_line(exc)}") from None
                if time.monotonic() >= deadline:
                    raise BusyError() from exc
                time.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, 0.2)

    def _run_watched(self, con, query: str, params, max_rows: int) -> QueryResult:
        done, interrupted = threading.Event(), threading.Event()

        def watch() -> None:
            since = None
            while not done.wait(WATCH_POLL):
                if gate.writer_waiting(self.path):
                    since = since if since is not None else time.monotonic()
                    if time.monotonic() - since >= WRITER_PATIENCE:
                        interrupted.set()
                        con.interrupt()
                        return
                else:
                    since = None

        watchdog = threading.Thread(target=watch, name="wb-sql-watchdog", daemon=True)
        watchdog.start()
        try:
            result = con.execute(query, params if params is not None else [])
            chunks = [result.fetch_df_chunk(8)]           # the first one, even empty, has the columns
            rows = len(chunks[0])
            while rows and rows <= max_rows:
                chunk = result.fetch_df_chunk(8)
                if not len(chunk):
                    break
                chunks.append(chunk)
                rows += len(chunk)
            frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
        except duckdb.Error as exc:
            if interrupted.is_set() or isinstance(exc, duckdb.InterruptException):
                raise BusyError(INTERRUPTED) from None
            raise translate_error(self.path, exc) or _query_error(exc) from None
        finally:
            done.set()
            watchdog.join()
        if interrupted.is_set():
            raise BusyError(INTERRUPTED)
        truncated = len(frame) > max_rows
        return QueryResult(frame.iloc[:max_rows].reset_index(drop=True), truncated)


def _query_error(exc: duckdb.Error) -> ValidationError:
    if isinstance(exc, duckdb.PermissionException):
        return _refuse("Acesso a arquivos, rede, extensões e outros bancos está desativado em wb.sql.")
    if isinstance(exc, duckdb.OutOfMemoryException):
        return ValidationError("A consulta excedeu o limite de memória (WORKBENCH_MEMORY_LIMIT): agregue, filtre "
                               "ou use LIMIT; para análises pesadas use wb.snapshot().", field="SQL")
    if "lock" in str(exc).lower() and "configuration" in str(exc).lower():
        return _refuse("A configuração do banco não pode ser alterada em wb.sql.")
    return ValidationError(f"Erro na consulta SQL: {_first_line(exc)}", field="SQL")
