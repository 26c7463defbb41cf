"""Where a test's database lives on each backend, for fixtures wider than one test."""

from __future__ import annotations

BACKENDS = ("duckdb", "postgres")


def target(request, tmp_path_factory, name: str) -> str:
    """A new, empty database for ``request.param`` (a backend): a DuckDB file path or a PostgreSQL URL,
    dropped when the requesting fixture ends."""
    if request.param == "postgres":
        server = request.getfixturevalue("pg_server")
        url = server.fresh()
        request.addfinalizer(lambda: server.drop(url))
        return url
    return str(tmp_path_factory.mktemp(name) / f"{name}.duckdb")
