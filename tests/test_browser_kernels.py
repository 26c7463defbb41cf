"""A day of page visits does not grow the server: kernels are given back, and capped.

A real ``workbench serve`` and headless Chromium. A page closed normally shuts
its kernel down at once (Voila's request on ``beforeunload``, refused with 403
before the page got its ``_xsrf`` cookie); a page whose browser vanished is
reclaimed after ``--reclaim-after`` seconds; pages beyond ``--max-kernels``
get a pt-BR page instead of a kernel.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import psutil
import pytest
from playwright.sync_api import sync_playwright

import browser as B

pytestmark = pytest.mark.browser

RECLAIM_AFTER = 15      # seconds without a browser before a page's kernel is reclaimed
PAGES = ("atendimento.ipynb", "painel.ipynb")


def _kernels(server: psutil.Process) -> list[psutil.Process]:
    out = []
    for child in server.children(recursive=True):
        try:
            if any(k in " ".join(child.cmdline()) for k in ("ipykernel_launcher", "workbench.server.kernel")):
                out.append(child)
        except psutil.NoSuchProcess:
            pass
    return out


def _rss(server: psutil.Process) -> int:
    total = server.memory_info().rss
    for child in server.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def _settle(server: psutil.Process, expected: int, timeout: float) -> int:
    """Wait until ``expected`` kernels remain (a bounded time); returns the count seen last."""
    deadline = time.monotonic() + timeout
    while True:
        count = len(_kernels(server))
        if count == expected or time.monotonic() > deadline:
            return count
        time.sleep(1)


def test_thirty_visits_give_every_kernel_back(tmp_path, demo_template):
    import shutil

    db = tmp_path / "desk.duckdb"
    shutil.copy(demo_template, db)
    procs = []
    with B.served(db, kernels=1, extra=("--reclaim-after", str(RECLAIM_AFTER)), procs=procs) as base, \
            sync_playwright() as p:
        server = psutil.Process(procs[0].pid)
        pool = len(PAGES)                                    # one preheated kernel per page
        assert _settle(server, pool, 120) == pool
        browser = B.chromium(p)
        context = browser.new_context()
        warm = context.new_page()                            # one visit first: caches, imports
        B.open_desk(warm, base)
        warm.goto("about:blank")
        assert _settle(server, pool, 120) == pool
        start = _rss(server)
        ways = ("navigate away", "reload", "close the tab", "vanish")
        for cycle in range(30):
            page = context.new_page()
            B.open_desk(page, base, PAGES[cycle % 2])
            way = ways[cycle % len(ways)]
            if way == "navigate away":
                page.goto("about:blank")
                page.close()
            elif way == "reload":
                page.reload(wait_until="domcontentloaded")
                page.locator(".wb-login-user input").wait_for(timeout=90_000)
                page.goto("about:blank")
                page.close()
            elif way == "close the tab":
                page.close(run_before_unload=True)
            else:                                            # the browser dies: no goodbye, no socket
                page.close()
        browser.close()
        # closed pages went at once; vanished ones within RECLAIM_AFTER plus a round of the reclaimer
        assert _settle(server, pool, RECLAIM_AFTER + 180) == pool, [k.pid for k in _kernels(server)]
        time.sleep(3)
        end = _rss(server)
        assert end <= start + 150e6, f"server and kernels grew from {start / 1e6:.0f} MB to {end / 1e6:.0f} MB"
        log = (db.with_suffix(".serve.log")).read_text()
        assert "sem navegador" in log                        # the vanished pages were reclaimed
        assert " 403 " not in log and "_xsrf" not in log


def test_pages_beyond_the_cap_get_a_clear_page(tmp_path, demo_template):
    import shutil

    db = tmp_path / "desk.duckdb"
    shutil.copy(demo_template, db)
    procs = []
    with B.served(db, kernels=0, extra=("--max-kernels", "2", "--reclaim-after", "600"), procs=procs) as base:
        server = psutil.Process(procs[0].pid)
        url = f"{base}/voila/render/atendimento.ipynb"
        for _ in range(2):                                   # two pages, read to the end, hold their kernels
            with urllib.request.urlopen(url, timeout=120) as answer:
                assert answer.status == 200 and b"jupyter-config-data" in answer.read()
        assert len(_kernels(server)) == 2
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=60)
        assert refused.value.code == 503
        text = refused.value.read().decode("utf-8")
        assert "limite de páginas abertas" in text and "--max-kernels" in text
        assert len(_kernels(server)) == 2                    # no kernel started for the refused page
        with sync_playwright() as p:
            browser = B.chromium(p)
            page = browser.new_page()
            page.goto(url, wait_until="domcontentloaded", timeout=60_000)
            B.wait_text(page, "Servidor no limite de páginas abertas")
            B.shot(page, "serve-limite-de-paginas")
            browser.close()
