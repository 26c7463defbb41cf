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
    out = []
    with sync_playwright() as p:
        browser = helpers.chromium(p)
        try:
            runs = [(1, (), "pré-aquecido, só o código da página"),
                    (1, ("--all-extensions",), "pré-aquecido, todas as extensões (como antes)"),
                    (0, (), "a frio, só o código da página"),
                    (0, ("--all-extensions",), "a frio, todas as extensões (como antes)")]
            for kernels, extra, label in runs:
                t = time.perf_counter()
                with helpers.served(Path(ctx.wb.path), kernels=kernels, extra=extra) as base:
                    if kernels and not extra:
                        out.append(Measurement("voila: servidor pronto (kernels pré-aquecidos)", [(time.perf_counter() - t) * 1000]))
                    for notebook, screen in (("atendimento.ipynb", "atendimento"), ("painel.ipynb", "painel")):
                        samples = []
                        for _ in range(loads):
                            page = browser.new_page()
                            t = time.perf_counter()
                            helpers.open_desk(page, base, notebook)   # until the login field is on screen
                            samples.append((time.perf_counter() - t) * 1000)
                            page.goto("about:blank")                  # the page gives its kernel back
                            page.close()
                            time.sleep(2 if kernels else 0.5)         # let serve preheat the next kernel
                        out.append(Measurement(f"voila: primeira tela do {screen} (login visível)", samples,
                                               note=label + "; meta ≤ 1,0 s pré-aquecido, ≤ 2,5 s a frio"))
        finally:
            browser.close()
    return out
