"""``workbench serve`` plans a locked-down Voila: only app notebooks, no sources, token off-loopback."""

from __future__ import annotations

import sys
from pathlib import Path

from workbench import serve


def test_plan_serves_only_app_notebooks(tmp_path):
    db = tmp_path / "data" / "x.duckdb"
    p = serve.plan(db, port=9123, root=tmp_path / "root")
    assert sorted(x.name for x in p.root.iterdir()) == sorted(p.notebooks)
    assert "atendimento.ipynb" in p.notebooks
    assert p.argv[:3] == [sys.executable, "-m", "voila"]
    for flag in ("--strip_sources=True", "--show_tracebacks=False", "--preheat_kernel=True", "--Voila.ip=127.0.0.1",
                 "--no-browser"):
        assert flag in p.argv
    assert p.env["WORKBENCH_DB"] == str(db.resolve())
    assert not Path(p.env["WORKBENCH_DB"]).is_relative_to(p.root)
    assert p.token is None and p.urls["atendimento.ipynb"] == "http://127.0.0.1:9123/voila/render/atendimento.ipynb"


def test_plan_requires_token_off_loopback(tmp_path):
    p = serve.plan(tmp_path / "x.duckdb", ip="0.0.0.0", root=tmp_path / "root")
    assert p.token and f"--token={p.token}" in p.argv and p.urls["atendimento.ipynb"].endswith(p.token)
    q = serve.plan(tmp_path / "x.duckdb", ip="10.0.0.5", token="segredo", root=tmp_path / "root2")
    assert q.token == "segredo" and "--token=segredo" in q.argv


def test_describe_prints_urls_and_demo_logins(tmp_path):
    text = serve.describe(serve.plan(tmp_path / "x.duckdb", root=tmp_path / "root"))
    assert "/voila/render/atendimento.ipynb" in text and "atendente/atendente123" in text
    assert "supervisor/supervisor123" in text and "admin/admin123" in text
