"""The served login records the browser's address in the audit log, with preheated kernels and
without (``pytest -m browser``)."""

from __future__ import annotations

import json

import browser as B
import deskdata
import duckdb
import pytest
from playwright.sync_api import sync_playwright

import workbench

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("kernels", [1, 0], ids=["preheated", "kernel-per-visit"])
def test_a_failed_login_is_audited_with_the_page_address(tmp_path, kernels):
    db = tmp_path / "desk.duckdb"
    deskdata.seed(workbench.open(db, create=True))
    # a browser cannot pass itself off as another address through the header the server fills in
    spoof = {"X-Workbench-Client": "10.66.66.66", "X-Forwarded-For": "198.51.100.4"}
    with B.served(db, kernels=kernels) as base, sync_playwright() as p:
        browser = B.chromium(p)
        page = browser.new_context(extra_http_headers=spoof).new_page()
        try:
            B.open_desk(page, base)
            B.login(page, "supervisor", "errada123")
            B.wait_text(page, "Usuário ou senha inválidos.")
        except Exception:
            B.shot(page, f"login_address_{kernels}")
            raise
        finally:
            browser.close()
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT details FROM audit_log WHERE action = 'login_falhou' "
                           "AND entity_id = 'supervisor'").fetchall()
    finally:
        con.close()
    assert [json.loads(d)["client"] for (d,) in rows] == ["127.0.0.1 (X-Forwarded-For: 198.51.100.4)"]
