"""Shared fixtures: a real DuckDB file per test, reference data loaded."""

from __future__ import annotations

import pytest

import workbench


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch, tmp_path):
    """No test reads the developer's database or waits long on a lock."""
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "default.duckdb"))
    monkeypatch.setenv("WORKBENCH_LOCK_TIMEOUT", "10")


@pytest.fixture
def wb(tmp_path):
    """A fresh workbench database with the reference data of data/."""
    return workbench.open(tmp_path / "wb.duckdb", create=True)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """A small demo database built once per test run (copied by ``desk``)."""
    from workbench.demo import DemoOptions, run_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    run_demo(workbench.open(path, create=True), DemoOptions(clients=60, attendances=400, operators=3, supervisors=1,
                                               seed=7, progress=False))
    return path


@pytest.fixture
def desk(demo_template, tmp_path):
    """A private copy of the small demo database: logins atendente/atendente123 etc."""
    import shutil

    path = tmp_path / "desk.duckdb"
    shutil.copy(demo_template, path)
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
