"""The client search index: normalized, compact copies of the searchable fields.

Kept in step with ``clients`` by :func:`rebuild` (bulk loads) and
:func:`index_clients` (single inserts).
"""

from __future__ import annotations

import duckdb


def create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        CREATE TABLE client_search (
            client_id INTEGER NOT NULL,
            name_key  VARCHAR NOT NULL,   -- lower, accent-free name + trade name
            code      VARCHAR NOT NULL,
            document  VARCHAR NOT NULL,
            phones    VARCHAR NOT NULL,
            email     VARCHAR NOT NULL
        )""")


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM client_search")
    con.execute("""
        INSERT INTO client_search
        SELECT client_id,
               lower(strip_accents(name || ' ' || coalesce(trade_name, ''))),
               lower(code), document,
               coalesce(phone, '') || ' ' || coalesce(mobile, ''),
               lower(coalesce(email, ''))
        FROM clients ORDER BY client_id""")
