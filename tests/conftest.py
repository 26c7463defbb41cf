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
    return workbench.open(tmp_path / "wb.duckdb")
