"""Memory of a page's kernel: the desk after login + search + a full wizard, the dashboard after every view.

Each page is a kernel of its own (a Python process), so kernel memory decides how many operators one
server holds. Measured on a real kernel started as ``workbench serve`` starts one (ipykernel, the
server's environment and kernel settings): the page's notebook cells run first (the login screen),
then the page's work through the widgets and the services, sent to the kernel as code. Reported:
resident memory (RSS) at the login screen and at the end, the peak, the unique memory (USS: what one
more kernel adds, the libraries' code being shared between kernels: a second kernel of the same page
does the same work first and stays up, as on a server with more than one operator; alone, a kernel's
USS would count that code too), the proportional share (PSS), the heavy modules imported and the
widgets alive; for the desk, the same after ten more attendances (a kernel must not grow with each).

``python -m benchmarks.memory DB [atendimento|painel]`` prints the raw figures.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

from benchmarks.util import Measurement

DESK_GOAL_MB = 150
DASHBOARD_GOAL_MB = 300
HEAVY = ("pyarrow", "matplotlib", "bqplot", "scipy", "PIL", "plotly", "ipydatagrid", "openpyxl", "faker")
# watched too: what a login screen needs none of (pandas, DuckDB), what the desk needs none of
# (pandas, numpy) and what a served kernel leaves out
WATCHED = HEAVY + ("pandas", "numpy", "duckdb", "debugpy", "sqlite3")
NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

PROBE = """
def _wb_probe():
    import json, sys
    def kb(path, keys):
        with open(path) as fh:
            found = {line.split(":")[0]: int(line.split()[1]) for line in fh if line.split(":")[0] in keys}
        return {k: found.get(k, 0) * 1024 / 1e6 for k in keys}
    # read from /proc, not psutil: the probe must not import anything the page does not
    m = kb("/proc/self/smaps_rollup", ("Rss", "Pss", "Private_Clean", "Private_Dirty"))
    peak = kb("/proc/self/status", ("VmHWM",))["VmHWM"]      # this process's peak (ru_maxrss survives exec)
    loaded = [name for name in %r if sys.modules.get(name) is not None]
    widget = sys.modules.get("ipywidgets.widgets.widget")       # the widgets alive (not closed)
    return json.dumps({"rss": m["Rss"], "pss": m["Pss"], "uss": m["Private_Clean"] + m["Private_Dirty"],
                       "peak": peak, "heavy": [name for name in loaded if name in %r], "loaded": loaded,
                       "modules": len(sys.modules), "widgets": len(widget._instances) if widget else 0,
                       "argv": sys.argv})
print("WBPROBE" + _wb_probe())
""" % (WATCHED, HEAVY)

# The desk as an operator uses it, through the widgets (each click's outcome checked: a click
# swallows errors): login, Pesquisar Cliente, the client, a whole attendance in the wizard (origin,
# data, every script question, report, first contact, Finalizar), the header's lookup of that
# protocol, and Meus Atendimentos. DESK_MORE repeats it from the Área de Trabalho (no login), as
# the next calls of the day do: a kernel that kept every screen it showed would grow with each.
DESK_WORK = """
def _wb_desk(login=True):
    def check(cond, what):
        if not cond:
            raise AssertionError(f"{what}: screen {app.screen!r}, status {app.status.value!r}")
    if login:
        app.login.username.value, app.login.password.value = "atendente", "atendente123"
        app.login.submit()
        check(app.screen == "desktop", "login")
    else:
        app.home_btn.click()
        check(app.screen == "desktop", "Área de Trabalho")
    app.show_search()
    app.search.text.value = "silva"
    app.search.search_btn.click()
    check(len(app.search.table.df), "search")
    app.open_client({"client_id": int(app.search.table.df.client_id[0])})
    check(app.screen == "client", "open client")
    app.client.attendances.add_btn.click()
    check(app.screen == "wizard", "new attendance")
    wz = app.wizard
    wz.alert.press("Ok")
    wz.origin.value = "Telefônico"
    wz.origin_continue.click()
    check(wz.step == "dados", "origin")
    wz.plan.value = wz.plan.value or wz.plan.options[0][1]
    wz.person.value, wz.problem.value = "Teste", "Sem internet"
    titles = wz.draft.session.workbench.reference_cached()["titles"]
    wz.title_choice.value = titles[titles.script_code.notna() & (titles.script_code != "")].label.iloc[0]
    wz.data_continue.click()
    if wz.step == "mesmo":                       # this client has that title open: a new attendance all the same
        wz.same_title.new_btn.click()
    check(wz.step == "script", "data")
    while wz.step == "script":
        wz.options.value = 0
        wz.next_q.click()
    check(wz.step == "relatorio", "script")
    wz.report_continue.click()
    wz.type_choice.value = wz.type_choice.options[1][1]
    wz.checks.value, wz.resolved.value, wz.solution.value = "Sinal verificado", True, "Equipamento reiniciado"
    wz.finish_btn.click()
    check(wz.step == "fim", "finish")
    protocol = wz.protocol
    wz.screens["fim"].press("Ok")
    check(app.screen == "client", "back to the client")
    app.lookup_box.text.value = protocol
    app.lookup_box.go.click()
    check(app.screen == "lookup", "lookup")
    app.show_worklist()
    check(app.screen == "worklist", "Meus Atendimentos")
    return protocol
_wb_protocol = _wb_desk()
"""
DESK_MORE = """
for _wb_round in range(%d):
    _wb_desk(login=False)
"""
MORE_ATTENDANCES = 10

# The desk's other screens (not measured by :func:`measure`; tests/test_kernel_memory.py runs them
# after DESK_WORK): Fila, Ordens de Serviço and one order, a later contact on the attendance just
# registered, then an admin's Operadores.
DESK_OTHER = """
def _wb_other(protocol):
    from workbench.widgets.desk.service_orders import ServiceOrderView, ServiceOrdersScreen
    from workbench.widgets.desk.worklist import QueueScreen
    from workbench.widgets.detail import AttendanceDetail

    def check(cond, what):
        if not cond:
            raise AssertionError(f"{what}: screen {app.screen!r}, status {app.status.value!r}")
    app.show_queue()
    check(app.screen == "queue", "Fila")
    orders = ServiceOrdersScreen(app.wb, app.session)
    check(len(orders.table), "Ordens de Serviço")
    order = ServiceOrderView(app.wb, app.session, int(orders.table.df.iloc[0]["order_id"]))
    check(len(order.history), "O.S.")
    detail = AttendanceDetail(app.wb, protocol, session=app.session)
    form = detail.new_contact()
    form.origin.value, form.person.value, form.said.value = "E-mail", "José", "Caiu de novo"
    form.outcome_fields.checks.value, form.outcome_fields.resolved.value = "ONU reiniciada", True
    form.outcome_fields.solution.value = "Reiniciada"
    form.save_btn.click()
    check("Contato nº 2 registrado" in detail.status.value, "Novo contato: " + detail.status.value)
    for w in (orders, order, detail):
        w.close()
    app.logout()
    app.login.username.value, app.login.password.value = "admin", "admin123"
    app.login.submit()
    check(app.screen == "desktop", "admin login")
    app.show_operators()
    check(app.screen == "operators" and len(app.body.children[0].table) >= 3, "Operadores")
_wb_other(_wb_protocol)
"""

# The dashboard: login (builds every view, each tab drawn with data), a refresh, a view exported
# in each format (CSV and Excel: neither needs pyarrow) and the list of abandoned protocols.
DASHBOARD_WORK = """
app.login.username.value, app.login.password.value = "supervisor", "supervisor123"
app.login.submit()
assert app.dashboard is not None, app.status.value
app.dashboard.refresh()
for _fmt in ("csv", "xlsx"):
    app.dashboard.export_view("status", _fmt)
    assert "data:" in app.dashboard.view_download.value, app.dashboard.view_download.value
app.dashboard.open_abandoned()
assert app.dashboard.list.visible, app.dashboard.list.status.value
"""

PAGES = {"atendimento": ("atendimento.ipynb", DESK_WORK), "painel": ("painel.ipynb", DASHBOARD_WORK)}


def notebook_code(name: str) -> list[str]:
    """The code cells of an app notebook, as Voila runs them."""
    nb = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def serve_env(db: str) -> dict:
    """The environment ``workbench serve`` gives its kernels (see :func:`workbench.serve.plan`)."""
    import shutil

    from workbench.serve import plan

    p = plan(db, port=1)
    shutil.rmtree(p.root, ignore_errors=True)
    return {**os.environ, **p.env}


@contextmanager
def _kernel(db: str, notebook: str, timeout: float):
    """A kernel started as ``workbench serve`` starts one; yields ``run(code) -> probes printed``."""
    from jupyter_client.manager import KernelManager

    env = serve_env(db)
    saved = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = env["JUPYTER_PATH"]      # the kernel spec the server would find
    try:
        km = KernelManager(kernel_name="python3")
        km.start_kernel(env=env, cwd=str(Path(db).parent))
    finally:
        if saved is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = saved
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)

        def run(code: str) -> list[dict]:
            out, errors = [], []

            def hook(msg):
                if msg["msg_type"] == "stream":
                    out.append(msg["content"]["text"])
                elif msg["msg_type"] == "error":
                    errors.append("\n".join(msg["content"]["traceback"]))

            reply = kc.execute_interactive(code, timeout=timeout, output_hook=hook, allow_stdin=False)
            if reply["content"]["status"] != "ok" or errors:
                raise RuntimeError(f"kernel error in {notebook}: " + "".join(errors or [str(reply["content"])]))
            return [json.loads(line[len("WBPROBE"):]) for line in "".join(out).splitlines()
                    if line.startswith("WBPROBE")]

        yield run
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run_page(db: str, notebook: str, work: str, timeout: float = 900, *, peer: bool = False,
             more: int = 0) -> dict:
    """Start a kernel, run ``notebook``'s cells, probe, run ``work``, probe; returns both probes.

    ``peer``: a second kernel of the page does the same first and stays up while this one is
    measured, as on a server with more than one operator: the libraries' code is then shared, and
    the USS is what one more operator's kernel adds. ``more`` (the desk): then that many more
    attendances (:data:`DESK_MORE`), probed as ``"more"``.
    """
    with ExitStack() as stack:
        for run in [stack.enter_context(_kernel(db, notebook, timeout)) for _ in range(2 if peer else 1)]:
            for cell in notebook_code(notebook):
                run(cell)
            login = run(PROBE)
            run(work)
            after = run(PROBE)
        probes = {"login": login[0], "after": after[0]}
        if more:
            run(DESK_MORE % more)
            probes["more"] = run(PROBE)[0]
        return probes


def measure(ctx) -> list[Measurement]:
    out = []
    for (label, (notebook, work)), goal, done in zip(PAGES.items(), (DESK_GOAL_MB, DASHBOARD_GOAL_MB),
                                                     ("login + pesquisa + atendimento completo + consulta + "
                                                      "Meus Atendimentos", "login + todas as visões + exportações")):
        more = MORE_ATTENDANCES if work is DESK_WORK else 0
        r = run_page(str(ctx.wb.path), notebook, work, peer=not ctx.quick, more=more)  # quick: no peer
        a, login = r["after"], r["login"]
        grown = (f"; após mais {more} atendimentos {r['more']['rss']:.0f} MB ({r['more']['widgets']} widgets "
                 f"abertos; {a['widgets']} após o primeiro)") if more else ""
        out.append(Measurement(
            f"memória do kernel: {label}", value=f"{a['rss']:.0f} MB",
            note=f"RSS após {done}; pico {a['peak']:.0f} MB; USS {a['uss']:.0f} MB (o que mais um kernel "
                 f"acrescenta, com outro da mesma página aberto); tela de login {login['rss']:.0f} MB "
                 f"(USS {login['uss']:.0f}){grown}; módulos pesados: {', '.join(a['heavy']) or 'nenhum'}; "
                 f"meta ≤ {goal} MB"))
    return out


if __name__ == "__main__":
    for name in sys.argv[2:] or list(PAGES):
        extra = MORE_ATTENDANCES if name == "atendimento" else 0
        print(name, json.dumps(run_page(sys.argv[1], *PAGES[name], peer=True, more=extra)), flush=True)
