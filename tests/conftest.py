"""Shared fixtures: a real database per test (a DuckDB file, or a PostgreSQL database), reference data loaded.

Backends: ``wb`` and ``desk`` are DuckDB unless the test (or its module) is marked
``@pytest.mark.backends("duckdb", "postgres")``: then it runs once per backend.
The PostgreSQL side is a throwaway cluster started once per session
(``tests/pgcluster.py``); each test gets a fresh database copied from a
template (``CREATE DATABASE … TEMPLATE``). A missing PostgreSQL is a failure
saying how to install it, never a skip.
"""

from __future__ import annotations

import itertools
import shutil

import pytest

import workbench

_NAMES = itertools.count(1)


def pytest_configure(config):
    config.addinivalue_line("markers", "backends(*names): run the test on each backend (duckdb, postgres)")


def pytest_generate_tests(metafunc):
    if "backend" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("backends")
    if marker is not None:
        metafunc.parametrize("backend", marker.args, indirect=True)


@pytest.fixture
def backend(request) -> str:
    """The backend of this test run: "duckdb" unless parametrised by the ``backends`` marker."""
    return getattr(request, "param", "duckdb")


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch, tmp_path):
    """No test reads the developer's database or waits long on a lock."""
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "default.duckdb"))
    monkeypatch.setenv("WORKBENCH_LOCK_TIMEOUT", "10")


class PgServer:
    """The session's PostgreSQL cluster and its template databases."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.templates: set[str] = set()

    def url(self, dbname: str) -> str:
        return self.cluster.url(dbname)

    def template(self, name: str, build) -> str:
        """A template database built once by ``build(url)``."""
        if name not in self.templates:
            from workbench.storage.postgres.connection import close_pool

            self.cluster.psql(f"CREATE DATABASE {name}")
            build(self.url(name))
            close_pool(self.url(name))           # CREATE DATABASE … TEMPLATE needs it unused
            self.templates.add(name)
        return name

    def fresh(self, template: str | None = None) -> str:
        """A new database (a copy of ``template``); returns its URL."""
        name = f"t{next(_NAMES)}"
        self.cluster.psql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.url(name)

    def drop(self, url: str) -> None:
        from workbench.storage.postgres.connection import close_pool

        close_pool(url)
        self.cluster.psql(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


@pytest.fixture(scope="session")
def pg_server():
    """The throwaway PostgreSQL cluster of this session (fails, with how to install it, when missing)."""
    from pgcluster import Cluster

    cluster = Cluster()
    try:
        cluster.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield PgServer(cluster)
    from workbench.storage.postgres.connection import close_pools

    close_pools()
    cluster.stop()


@pytest.fixture
def pg_database(pg_server):
    """A fresh, empty PostgreSQL database: its URL."""
    url = pg_server.fresh()
    yield url
    pg_server.drop(url)


def _pg_copy(request, template_name: str, build):
    server = request.getfixturevalue("pg_server")
    url = server.fresh(server.template(template_name, build))
    request.addfinalizer(lambda: server.drop(url))
    return url


@pytest.fixture
def wb(request, backend, tmp_path):
    """A fresh workbench database with the reference data of data/ (on the test's backend)."""
    if backend == "postgres":
        url = _pg_copy(request, "wb_template", lambda u: workbench.open(u, create=True))
        return workbench.open(url)
    return workbench.open(tmp_path / "wb.duckdb", create=True)


def _demo(wb) -> None:
    from workbench.demo import DemoOptions, run_demo

    run_demo(wb, DemoOptions(clients=60, attendances=400, operators=3, supervisors=1, seed=7, progress=False))


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """A small demo database built once per test run (copied by ``desk``)."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    _demo(workbench.open(path, create=True))
    return path


@pytest.fixture
def desk(request, backend, tmp_path):
    """A private copy of the small demo database: logins atendente/atendente123 etc."""
    if backend == "postgres":
        url = _pg_copy(request, "desk_template", lambda u: _demo(workbench.open(u, create=True)))
        return workbench.open(url)
    path = tmp_path / "desk.duckdb"
    shutil.copy(request.getfixturevalue("demo_template"), path)
    return workbench.open(path)


# -- browser tests (``pytest -m browser``): one server and one Chromium per module ------------
# A browser module defines ``desk_db`` (module scope: the database path, or a tuple whose first
# item is the path, the rest what its tests need); these serve it and give each test a fresh page.

@pytest.fixture(scope="module")
def server(desk_db):
    """``workbench serve`` on the module's database; its base URL."""
    import browser as B

    with B.served(desk_db[0] if isinstance(desk_db, tuple) else desk_db) as base:
        yield base


@pytest.fixture(scope="module")
def chromium():
    """Debian's headless Chromium, one per module."""
    import browser as B

    with B.launched() as browser:
        yield browser


@pytest.fixture
def page(chromium, server, request):
    """A fresh browser context on the desk's login screen (see ``browser.desk_page``)."""
    import browser as B

    with B.desk_page(chromium, server, request) as pg:
        yield pg
