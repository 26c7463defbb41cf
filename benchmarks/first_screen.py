"""The first screen's front-end code: record what each page loads, and count the requests.

``python -m benchmarks.first_screen --record DB`` empties that list, serves ``DB`` (so every chunk is
fetched one by one, as Voila does), opens each page in headless Chromium until its login screen is
on view, and writes the webpack chunks it fetched to ``workbench/server/first_screen.json``: what
:mod:`workbench.server.bundle` puts in each page's bundle. Run it again after upgrading Voila or a
widget library (``tests/test_browser_first_screen.py`` fails when a page asks for more than a few
files again).

``python -m benchmarks.first_screen DB`` prints what each page requests, served as it is now.

``python -m benchmarks.first_screen DB --paired [--before-tree DIR] [--visits N]`` times the login
screen of both pages, preheated and cold, on two servers running side by side: this code, and the
code in ``DIR`` (an export of an older commit, put first on ``PYTHONPATH``; without it, this code with
``--all-extensions``, i.e. every extension and every chunk fetched alone), one visit to each in
turn, each visit a new browser context (an empty cache: a browser's first visit). Prints medians.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.voila import _helpers

PAGES = ("atendimento.ipynb", "painel.ipynb")


def requests(db: Path, extra: tuple[str, ...] = (), settle: float = 1.0) -> dict[str, list[str]]:
    """The URL paths each page requests until its login screen is on view (and ``settle`` s after)."""
    from playwright.sync_api import sync_playwright

    helpers = _helpers()
    seen: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = helpers.chromium(p)
        try:
            with helpers.served(db, kernels=1, extra=extra) as base:
                for notebook in PAGES:
                    context = browser.new_context()       # an empty cache: a browser's first visit
                    page = context.new_page()
                    urls: list[str] = []
                    page.on("request", lambda r, urls=urls: urls.append(r.url))
                    helpers.open_desk(page, base, notebook)
                    time.sleep(settle)
                    seen[notebook] = [urlsplit(u).path for u in urls]
                    context.close()
        finally:
            browser.close()
    return seen


def chunks(paths: list[str]) -> list[str]:
    """The webpack chunks among ``paths``, relative to ``/voila/`` (entry files excluded)."""
    out = []
    for path in paths:
        rel = path.split("/voila/", 1)[-1]
        name = rel.rsplit("/", 1)[-1]
        if not name.endswith(".js") or name.startswith("remoteEntry") or name in ("voila.js", "voila-style.js"):
            continue
        if rel.startswith("static/") or (rel.startswith("labextensions/") and "/static/" in rel):
            if rel not in out:
                out.append(rel)
    return out


def paired(db: Path, before_tree: Path | None, visits: int = 7) -> list[str]:
    """Median time to the login screen, this code against the code before, alternating visits."""
    from contextlib import ExitStack

    from playwright.sync_api import sync_playwright

    helpers = _helpers()
    if before_tree:
        # PYTHONSAFEPATH: `python -m` must not put the current folder (maybe this checkout) first
        before = {"env": {**os.environ, "PYTHONPATH": str(before_tree), "PYTHONSAFEPATH": "1"}, "extra": ()}
    else:
        before = {"env": None, "extra": ("--all-extensions",)}
    lines = []
    with sync_playwright() as p:
        browser = helpers.chromium(p)
        try:
            for kernels, mode in ((1, "pré-aquecido"), (0, "a frio")):
                with ExitStack() as stack:
                    bases = {
                        "antes": stack.enter_context(helpers.served(
                            db, kernels=kernels, log_path=db.with_suffix(".before.log"), **before)),
                        "agora": stack.enter_context(helpers.served(db, kernels=kernels,
                                                                    log_path=db.with_suffix(".now.log"))),
                    }
                    for notebook in PAGES:
                        samples = {k: [] for k in bases}
                        for _ in range(visits):
                            for label, base in bases.items():
                                context = browser.new_context()
                                page = context.new_page()
                                t = time.perf_counter()
                                helpers.open_desk(page, base, notebook)
                                samples[label].append((time.perf_counter() - t) * 1000)
                                page.goto("about:blank")          # the page gives its kernel back
                                context.close()
                                time.sleep(2 if kernels else 0.5)  # let the pool refill
                        line = f"{notebook:18s} {mode:13s} " + "  ".join(
                            f"{k} mediana {statistics.median(v):6.0f} ms ({', '.join(f'{x:.0f}' for x in v)})"
                            for k, v in samples.items())
                        print(line, flush=True)
                        lines.append(line)
        finally:
            browser.close()
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--record", action="store_true", help="write workbench/server/first_screen.json")
    parser.add_argument("--paired", action="store_true", help="time the login screens, now against before")
    parser.add_argument("--before-tree", type=Path, help="the code before (a folder with workbench/)")
    parser.add_argument("--visits", type=int, default=7)
    args = parser.parse_args(argv)
    if args.paired:
        print("máquina:", __import__("benchmarks.util", fromlist=["machine"]).machine(), flush=True)
        paired(args.db, args.before_tree, args.visits)
        print("carga ao fim:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
        return
    if args.record:
        from workbench.server.bundle import MANIFEST

        MANIFEST.write_text("{}\n", encoding="utf-8")       # no bundle while recording
        seen = requests(args.db)
        manifest = {page: chunks(paths) for page, paths in seen.items()}
        MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        for page, files in manifest.items():
            print(f"{page}: {len(files)} chunks of {len(seen[page])} requests -> {MANIFEST}")
        return
    for page, paths in requests(args.db).items():
        print(f"{page}: {len(paths)} requests")
        for path in paths:
            print("  ", path)


if __name__ == "__main__":
    main()
