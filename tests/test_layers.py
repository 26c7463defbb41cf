"""Imports flow one way: storage ← services ← widgets ← notebooks."""

import ast
import json
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "workbench"
UI = {"ipywidgets", "IPython", "voila", "ipydatagrid", "plotly", "anywidget", "bqplot", "ipykernel"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules(*exclude: str):
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).parts
        if rel[0] not in exclude:
            yield path


def test_core_never_imports_ui_packages():
    # widgets/ draws the screens; server/ is the web server (Voila) that serves them
    offenders = {str(p.relative_to(PKG)): sorted(_imports(p) & UI)
                 for p in _modules("widgets", "server") if _imports(p) & UI}
    assert not offenders, offenders


def test_only_storage_touches_duckdb():
    offenders = [str(p.relative_to(PKG)) for p in _modules("storage") if "duckdb" in _imports(p)]
    assert not offenders, f"duckdb imported outside workbench/storage: {offenders}"


def test_widgets_call_services_not_storage():
    offenders = []
    for path in (PKG / "widgets").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "workbench.storage" in text or "import duckdb" in text:
            offenders.append(path.name)
    assert not offenders, offenders


def test_importing_the_api_loads_no_ui_module():
    code = ("import sys, json, workbench, workbench.api, workbench.services.wizard, workbench.cli;"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in %r)))" % (UI,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []
