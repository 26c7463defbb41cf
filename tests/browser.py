"""Playwright + Voila helpers for the browser tests (and for looking at the screens).

``served(db)`` starts ``workbench serve`` on a free port and yields the base URL;
``chromium(p)`` launches Debian's headless Chromium; the rest finds widgets
the way an operator does: by their visible labels.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

CHROMIUM = os.environ.get("WORKBENCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(db: Path | None, *, port: int | None = None, timeout: float = 90, kernels: int = 1,
           extra: tuple[str, ...] = (), command: list[str] | None = None, env: dict | None = None,
           log_path: Path | None = None, procs: list | None = None):
    """Run ``workbench serve --db db`` and yield its base URL; stops it after.

    ``command`` replaces ``python -m workbench`` (an installed ``workbench`` script; then ``db`` may be
    None for the default place); ``extra`` adds serve options; ``procs`` receives the server's Popen.
    """
    port = port or free_port()
    log = open(log_path or Path(db).with_suffix(".serve.log"), "w")
    cmd = (command or [sys.executable, "-m", "workbench"]) + ["serve"] + (["--db", str(db)] if db else []) \
        + ["--port", str(port), "--kernels", str(kernels), *extra]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    if procs is not None:
        procs.append(proc)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        # ready: the port answers and (when kernels are preheated) every page's pool is filled;
        # no page is requested here, so no preheated kernel is spent before the caller's visit
        pools = [f"Kernel pool of {nb} is filled" for nb in ("atendimento.ipynb", "painel.ipynb")]
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2):
                    text = Path(log.name).read_text()
                    if not kernels or all(p in text for p in pools):
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("workbench serve did not start: " + Path(log.name).read_text()[-2000:])
            time.sleep(0.25)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


class HostGuard:
    """Records every request a page (or a whole context) makes; ``foreign()`` lists those to another host.

    The served pages must work on a closed intranet: nothing but the server itself may be asked
    (no CDN, no font service). ``data:``/``blob:``/``about:`` URLs are not requests to a host.
    """

    def __init__(self, target, base: str):
        from urllib.parse import urlsplit

        self.netloc = urlsplit(base).netloc
        self.urls: list[str] = []
        target.on("request", lambda r: self.urls.append(r.url))

    def foreign(self) -> list[str]:
        from urllib.parse import urlsplit

        return [u for u in self.urls if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).netloc != self.netloc]


def chromium(p):
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM}: bin/test installs Debian's chromium package")
    return p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


@contextlib.contextmanager
def launched():
    """Debian's headless Chromium for a module's tests (``chromium`` fixture)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = chromium(p)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def desk_page(browser, base: str, request, *, width: int = 1366):
    """A fresh context and page on the desk's login screen; a screenshot when the test fails, and
    afterwards a check that the page asked nothing of another host."""
    failed_before = request.session.testsfailed
    context = browser.new_context(viewport={"width": width, "height": 900})
    hosts = HostGuard(context, base)
    page = context.new_page()
    page.set_default_timeout(30_000)
    open_desk(page, base)
    try:
        yield page
        if request.session.testsfailed > failed_before:
            shot(page, f"fail_{request.node.name}")
    finally:
        context.close()
    assert hosts.urls and not hosts.foreign(), f"requests to another host: {hosts.foreign()}"


def open_desk(page, base: str, notebook: str = "atendimento.ipynb"):
    """Open a served page and wait until its login screen is on screen (desk or dashboard)."""
    page.goto(f"{base}/voila/render/{notebook}", wait_until="domcontentloaded", timeout=90_000)
    page.locator(".wb-login-user input").wait_for(timeout=90_000)


def click(page, name: str, nth: int = 0):
    b = page.get_by_role("button", name=name, exact=True).locator("visible=true").nth(nth)
    b.wait_for(timeout=30_000)
    b.click()


def field(page, label: str):
    """The input of the Field titled ``label`` (a .wb-field-label followed by the widget)."""
    box = page.locator(".widget-vbox", has=page.locator(".wb-field-label", has_text=label)).last
    return box.locator("input, textarea, select").first


def login(page, user: str, password: str):
    page.locator(".wb-login-user input").fill(user)
    page.locator(".wb-login-password input").fill(password)
    click(page, "OK")


def wait_text(page, text: str, timeout: float = 30_000):
    page.get_by_text(text, exact=False).locator("visible=true").first.wait_for(timeout=timeout)


def answer_script(page, questions: int = 10) -> None:
    """Answer each script question with its first option until "Relatório do Script" shows."""
    for _ in range(questions):
        page.locator(".wb-field-opcoes input[type=radio]").first.check()
        click(page, "Próxima Pergunta")
        page.wait_for_timeout(400)
        if page.get_by_text("Relatório do Script", exact=True).locator("visible=true").count():
            break
    wait_text(page, "Relatório do Script")


def shot(page, name: str) -> Path:
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
