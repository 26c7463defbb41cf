"""A served page's kernel imports only what the page uses, when it needs it (issue 10 items 2 and 5).

A real kernel, started from the kernel spec ``workbench serve`` gives its pages
(``workbench.server.kernel``), runs the page's notebook (the login screen), then the page's
work as ``benchmarks/memory.py`` measures it: for the desk a login, a search, a client, a whole
attendance through the wizard, the header's lookup and Meus Atendimentos; for the dashboard a
login and every view. Neither kernel imports pyarrow (pandas would: some 60 MB per kernel),
matplotlib or the debugger; the desk imports no chart library; and neither login screen imports
pandas, DuckDB or the chart library (a cold page shows its login sooner, a kernel waiting for
its operator is smaller). The desk never imports pandas nor numpy (some 50 MB of a desk's kernel):
its store methods and services give plain tables (``workbench/frame.py``), whatever screen it
shows. And the desk's kernel does not grow with every attendance: the screens it drops are closed
with their widgets (``workbench/widgets/release.py``).
"""

from __future__ import annotations

from pathlib import Path

from benchmarks import memory

NEVER = {"pyarrow", "matplotlib", "debugpy", "sqlite3"}
NOT_BEFORE_LOGIN = {"pandas", "duckdb", "bqplot"}
NOT_ON_THE_DESK = {"pandas", "numpy"}


def test_the_desk_kernel_imports_no_chart_library_and_its_login_screen_nothing_heavy(desk):
    result = memory.run_page(str(desk.path), *memory.PAGES["atendimento"], timeout=300)
    login, after = result["login"], result["after"]
    assert Path(login["argv"][0]).parts[-3:] == ("workbench", "server", "kernel.py"), login["argv"]
    assert not (NEVER | NOT_BEFORE_LOGIN) & set(login["loaded"]), login["loaded"]
    assert after["heavy"] == [], after                 # no pyarrow, matplotlib, bqplot, openpyxl, faker...
    assert "duckdb" in after["loaded"] and not (NEVER | NOT_ON_THE_DESK) & set(after["loaded"]), after["loaded"]


def test_no_screen_of_the_desk_imports_pandas_or_numpy(desk):
    # the whole journey (login, search, client, wizard, lookup, Meus Atendimentos), then Fila, the
    # work orders and one order, a later contact, and an admin's Operadores: pandas and numpy
    # would add some 50 MB to every operator's kernel
    result = memory.run_page(str(desk.path), "atendimento.ipynb", memory.DESK_WORK + memory.DESK_OTHER,
                             timeout=300)
    loaded = set(result["after"]["loaded"])
    assert "duckdb" in loaded and not NOT_ON_THE_DESK & loaded, loaded


def test_the_dashboard_kernel_imports_bqplot_after_the_login_and_never_pyarrow(desk):
    result = memory.run_page(str(desk.path), *memory.PAGES["painel"], timeout=300)
    login, after = result["login"], result["after"]
    assert not (NEVER | NOT_BEFORE_LOGIN) & set(login["loaded"]), login["loaded"]
    assert "bqplot" in after["heavy"]
    assert not NEVER & set(after["loaded"]), after["loaded"]


def test_the_desk_kernel_closes_the_screens_it_drops_so_more_attendances_add_no_widgets(desk):
    # each attendance builds a client's record, a wizard, a lookup and Meus Atendimentos anew: kept
    # open, that was about 780 more widgets (3 MB) per attendance for the rest of the page's life;
    # and none may escape: a widget made only for its value, or a default layout replaced after
    # construction, stayed open (11 per attendance) until the desk ended on the same screen with
    # exactly as many widgets as after its first attendance
    result = memory.run_page(str(desk.path), *memory.PAGES["atendimento"], timeout=300, more=3)
    first, more = result["after"]["widgets"], result["more"]["widgets"]
    assert 0 < first < 600, result["after"]
    assert more == first, (first, more)
