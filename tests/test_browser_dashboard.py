"""The served dashboard in a real browser: login gate, views, URL filters, drill-down, detail, export,
the resolution/SLA metrics, readability at 1366 px, dd/mm/aaaa dates, and the wallboard URL.

Starts ``workbench serve`` (Voila) on a free port over a small demo database
and drives Debian's headless Chromium. Screenshots go to ``test-output/``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.browser

from browser import HostGuard, chromium, login, served, shot  # noqa: E402


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("painel") / "demo.duckdb"
    subprocess.run([sys.executable, "-m", "workbench.cli", "--db", str(db), "demo", "--clients", "500",
                    "--attendances", "4000", "--seed", "7"], check=True, capture_output=True, timeout=300)
    return db


def _open(page, base: str, query: str = ""):
    page.goto(base + "/voila/render/painel.ipynb" + query, wait_until="domcontentloaded", timeout=90_000)
    page.locator(".wb-login-user input").wait_for(timeout=90_000)


def _tab(page, name: str):
    page.locator(".lm-TabBar-tab", has_text=name).first.click()


def test_supervisor_uses_the_dashboard(demo_db):
    with served(demo_db) as base, sync_playwright() as p:
        browser = chromium(p)
        # a US-English browser: the dates must still read dd/mm/aaaa
        page = browser.new_page(viewport={"width": 1366, "height": 900}, accept_downloads=True, locale="en-US")
        hosts = HostGuard(page, base)   # every view below: nothing may come from another host
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        # An atendente is refused with no data.
        _open(page, base)
        login(page, "atendente", "atendente123")
        page.get_by_text("Sem permissão", exact=False).first.wait_for(timeout=30_000)
        assert page.locator(".wb-status-table").count() == 0
        shot(page, "painel-0-sem-permissao")

        # A supervisor, with filters in the link.
        _open(page, base, "?origem=telefonico")
        login(page, "supervisor", "supervisor123")
        status = page.locator(".wb-status-table")
        status.get_by_text("Pendente").first.wait_for(timeout=60_000)
        page.locator(".wb-chart").first.wait_for(timeout=30_000)
        assert page.locator(".wb-filter-origin select").input_value() != ""
        assert "Telefônico" in page.locator(".wb-filter-origin select option:checked").inner_text()
        page.wait_for_function("location.search.includes('origem=telefonico')", timeout=30_000)
        shot(page, "painel-1-status")

        assert re.fullmatch(r"\d\d/\d\d/\d{4}", page.locator(".wb-filter-start input").input_value())
        for name, marker in (("Por título", ".wb-title-table"), ("Indicadores", ".wb-kpi-open_backlog"),
                             ("Scripts", ".wb-script-table")):
            _tab(page, name)
            page.locator(marker).locator("visible=true").first.wait_for(timeout=30_000)
            shot(page, "painel-2-" + name.lower().replace(" ", "-").replace("í", "i"))
            if name == "Indicadores":
                # the resolution and SLA figures are on screen, formatted pt-BR, and open their lists
                for key in ("resolution_median_h", "sla_rate", "anatel_rate", "reopen_rate", "repeat_rate"):
                    text = page.locator(f".wb-kpi-{key} button, button.wb-kpi-{key}").first.inner_text()
                    assert re.fullmatch(r"[\d.]+,\d%?", text.strip()), (key, text)
                page.locator(".wb-resolution-table").locator("visible=true").first.wait_for(timeout=30_000)
                page.locator(".wb-orders-table").locator("visible=true").first.wait_for(timeout=30_000)
                page.locator("button.wb-kpi-sla_rate").first.click()
                page.locator(".wb-list-panel").get_by_text("fora do prazo do tipo").first.wait_for(timeout=30_000)
                shot(page, "painel-2-indicadores-lista-sla")

        # A filter from the dropdown reaches every view and the address bar.
        _tab(page, "Por status")
        page.locator(".wb-filter-origin select").select_option(label="E-mail")
        page.wait_for_function("location.search.includes('origem=email')", timeout=30_000)
        page.get_by_text("origem", exact=False)  # page settled
        page.wait_for_timeout(500)

        # Any count opens its list; any row its detail.
        status.locator("a.wb-drill").first.click()
        rows = page.locator(".wb-list-table tbody tr.openable")
        rows.first.wait_for(timeout=30_000)
        assert rows.count() >= 1
        # the list fits its box at 1366 px: no horizontal scroll hides "Situação"
        fits = page.locator(".wb-list-table").first.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
        assert fits, "the drill-down list scrolls sideways at 1366 px"
        shot(page, "painel-3-lista")
        rows.first.click()
        page.get_by_text("Atendimento nº", exact=False).first.wait_for(timeout=30_000)
        page.get_by_text("Relatório do Script", exact=False).first.wait_for(timeout=30_000)
        shot(page, "painel-4-detalhe")

        # Export: a download link carrying the file, named with the filters.
        page.locator(".wb-list-csv button, button.wb-list-csv").first.click()
        link = page.locator("a.wb-download")
        link.wait_for(timeout=30_000)
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert "origem-email" in download.suggested_filename and download.suggested_filename.endswith(".csv")
        content = Path(download.path()).read_bytes().decode("utf-8-sig")
        header, first = content.splitlines()[:2]
        assert header.startswith('"Protocolo";"Situação";"Status"')
        assert first.startswith('"=""20') and re.search(r'"\d\d/\d\d/\d{4} \d\d:\d\d"', first)
        shot(page, "painel-5-exportado")

        # The wallboard: its address opens it full screen, refreshing every 5 minutes, after a reload too.
        _open(page, base, "?atualizar=5&tela=parede")
        login(page, "supervisor", "supervisor123")
        wall = page.locator(".wb-wallboard .wb-kpi-open_backlog").locator("visible=true").first
        wall.wait_for(timeout=60_000)
        assert page.locator(".wb-dash-tabs").locator("visible=true").count() == 0
        assert page.locator(".wb-autorefresh select option:checked").inner_text().replace("\xa0", " ").strip() == "a cada 5 min"
        box = page.locator(".wb-app.wb-wall").first.bounding_box()
        assert box and box["width"] >= 1300
        assert int(re.sub(r"\D", "", wall.inner_text())) > 0
        page.wait_for_function("location.search.includes('tela=parede') && location.search.includes('atualizar=5')",
                               timeout=30_000)
        shot(page, "painel-6-parede")
        assert not [e for e in errors if "Traceback" in e]
        assert hosts.urls and not hosts.foreign(), f"requests to another host: {hosts.foreign()}"
        browser.close()
