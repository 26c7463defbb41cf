"""The app notebooks run top to bottom headless (nbclient) without errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import deskdata

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ["atendimento.ipynb", "painel.ipynb", "analise.ipynb"]


@pytest.mark.backends("duckdb", "postgres")
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name, backend, request, tmp_path, monkeypatch):
    path = ROOT / "notebooks" / name
    if name == "analise.ipynb":          # the analyst's walk-through needs attendances: the small demo
        db = request.getfixturevalue("desk").store.target
    else:
        wb = request.getfixturevalue("wb")
        deskdata.seed(wb)
        db = wb.store.target
    monkeypatch.setenv("WORKBENCH_DB", str(db))
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error" or (o.get("output_type") == "stream" and o.get("name") == "stderr"
                                                     and "Traceback" in o.get("text", ""))]
    assert not errors, errors
