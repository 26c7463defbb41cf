"""Voila: time to first screen of the served desk (``workbench serve`` + headless Chromium).

Uses the helpers of ``tests/browser.py`` (server start, Chromium). Skipped with
a note when Playwright or Chromium is not installed.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

from benchmarks.util import Measurement

_BROWSER = Path(__file__).resolve().parent.parent / "tests" / "browser.py"


def _helpers():
    spec = importlib.util.spec_from_file_location("workbench_browser_helpers", _BROWSER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(ctx) -> list[Measurement]:
    try:
        from playwright.sync_api import sync_playwright
        helpers = _helpers()
        if not Path(helpers.CHROMIUM).exists():
            raise FileNotFoundError(helpers.CHROMIUM)
    except Exception as exc:  # noqa: BLE001 - optional measurement
        return [Measurement("voila: primeira tela", value="—", note=f"indisponível: {exc}")]
    loads = 2 if ctx.quick else 5
    t = time.perf_counter()
    with helpers.served(Path(ctx.wb.path)) as base:
        started = (time.perf_counter() - t) * 1000
        samples = []
        with sync_playwright() as p:
            browser = helpers.chromium(p)
            try:
                for _ in range(loads):
                    page = browser.new_page()
                    t = time.perf_counter()
                    helpers.open_desk(page, base)          # until the login field is on screen
                    samples.append((time.perf_counter() - t) * 1000)
                    page.close()
                    time.sleep(2)                          # let serve preheat the next kernel
            finally:
                browser.close()
    return [Measurement("voila: servidor pronto (HTTP 200)", [started]),
            Measurement("voila: primeira tela (login visível)", samples, note="kernels pré-aquecidos")]
