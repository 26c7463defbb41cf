"""The first screen asks the server for little, and nothing else (issue 10 items 4 and 5).

A real ``workbench serve`` and headless Chromium with an empty cache (a browser's
first visit): until each page's login screen is on view, every request goes to
the server, the page's bundle is among them, and there are a dozen requests, not
the ~95 of before (Voila's chunks one by one). Times are in benchmarks/RESULTS.md.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

import browser as B

pytestmark = pytest.mark.browser
MAX_REQUESTS = 15


def test_each_first_screen_is_a_few_same_origin_requests_with_its_bundle(desk):
    with sync_playwright() as p:
        chrome = B.chromium(p)
        try:
            with B.served(desk.path) as base:
                for notebook in ("atendimento.ipynb", "painel.ipynb"):
                    context = chrome.new_context()
                    page = context.new_page()
                    guard = B.HostGuard(page, base)
                    B.open_desk(page, base, notebook)
                    page.wait_for_timeout(1000)          # late chunks would show up here
                    paths = [urlsplit(u).path for u in guard.urls]
                    assert guard.foreign() == [], notebook
                    assert any(p.startswith("/voila/workbench/bundle/" + notebook.split(".")[0]) for p in paths)
                    assert len(paths) <= MAX_REQUESTS, (notebook, paths)
                    assert not [p for p in paths if p.endswith(".voila.js")], paths    # all in the bundle
                    context.close()
        finally:
            chrome.close()
