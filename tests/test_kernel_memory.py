"""A served page's kernel imports only what the page uses (issue 10 item 2).

A real kernel, started from the kernel spec ``workbench serve`` gives its pages
(``workbench.server.kernel``), runs the desk's notebook, a login, a search, a client
and a whole attendance, exactly as ``benchmarks/memory.py`` measures it; then the
dashboard's notebook and every view. Neither imports pyarrow (pandas would, some
60 MB per kernel), matplotlib, or the debugger; the desk imports no chart library.
"""

from __future__ import annotations

from benchmarks import memory

NEVER = {"pyarrow", "matplotlib"}


def test_the_desk_kernel_imports_no_chart_library_and_no_pyarrow(desk):
    result = memory.run_page(str(desk.path), *memory.PAGES["atendimento"], timeout=300)
    for probe in result.values():
        assert probe["heavy"] == [], probe       # no pyarrow, matplotlib, bqplot, openpyxl, faker...


def test_the_dashboard_kernel_imports_bqplot_but_neither_pyarrow_nor_matplotlib(desk):
    result = memory.run_page(str(desk.path), *memory.PAGES["painel"], timeout=300)
    assert "bqplot" in result["after"]["heavy"]
    assert not NEVER & set(result["after"]["heavy"]), result


def test_a_served_kernel_is_the_workbench_kernel_without_the_debugger(desk, monkeypatch):
    probe = memory.PROBE.replace('"heavy": heavy', '"heavy": [m for m in ("debugpy", "sqlite3") if sys.modules.get(m)]'
                                 ', "argv": sys.argv')
    monkeypatch.setattr(memory, "PROBE", probe)
    result = memory.run_page(str(desk.path), "atendimento.ipynb", "pass", timeout=300)
    assert result["login"]["heavy"] == []
    assert any("workbench.server.kernel" in a or "kernel.py" in a for a in result["login"]["argv"])
