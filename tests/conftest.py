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
