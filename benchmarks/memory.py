"""Memory of a page's kernel: the desk after login + search + a full wizard, the dashboard after every view.

Each page is a kernel of its own (a Python process), so kernel RSS decides how many operators one
server holds. Measured in a fresh process doing what the kernel does: ipykernel imported (the
kernel's own part), the page's widget app built, then the page's work through the widgets and the
services. Reported: resident memory at the end and the peak.
"""

from __future__ import annotations

import multiprocessing as mp
import resource

from benchmarks.util import Measurement

DESK_GOAL_MB = 150
DASHBOARD_GOAL_MB = 300


def _rss_mb() -> tuple[float, float]:
    import psutil

    return psutil.Process().memory_info().rss / 1e6, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _desk(path: str, queue) -> None:
    import ipykernel.kernelapp  # noqa: F401 - the kernel's own part

    from workbench.widgets.desk.app import DeskApp
    from workbench.widgets.desk.wizard import AttendanceWizard

    app = DeskApp(path)
    loaded = _rss_mb()
    app.login.username.value, app.login.password.value = "atendente", "atendente123"
    app.login.submit()
    app.show_search()
    app.search.text.value = "silva"
    app.search.search_btn.click()
    client_id = int(app.search.table.df.client_id[0])
    app.open_client({"client_id": client_id})
    draft = app.session.new_attendance(client_id, "Telefônico")
    AttendanceWizard(draft, on_done=lambda _p: None, on_leave=lambda _p: None)
    client = app.wb.client(client_id)
    draft.set_data(contract_id=int(client.contracts.contract_id[0]), person_name="Teste",
                   problem="Sem internet", title="Sem conexão")
    draft.start_script()
    while draft.question:
        draft.answer(0)
    draft.report()
    draft.set_first_contact(type="Suporte Técnico", checks="Sinal verificado", resolved=True,
                            solution="Equipamento reiniciado")
    draft.finish()
    queue.put((loaded, _rss_mb()))


def _dashboard(path: str, queue) -> None:
    import ipykernel.kernelapp  # noqa: F401

    from workbench.widgets.dashboard.app import DashboardApp

    app = DashboardApp(path)
    loaded = _rss_mb()
    app.login.username.value, app.login.password.value = "supervisor", "supervisor123"
    app.login.submit()                       # builds the dashboard: every view (tab) drawn with data
    app.dashboard.refresh()
    queue.put((loaded, _rss_mb()))


def _run(target, path: str):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(path, queue))
    proc.start()
    result = queue.get(timeout=900)
    proc.join()
    return result


def measure(ctx) -> list[Measurement]:
    out = []
    for label, target, goal, work in (("atendimento", _desk, DESK_GOAL_MB, "login + pesquisa + atendimento completo"),
                                      ("painel", _dashboard, DASHBOARD_GOAL_MB, "login + todas as visões")):
        (loaded, _), (rss, peak) = _run(target, str(ctx.wb.path))
        out.append(Measurement(f"memória do kernel: {label}", value=f"{rss:.0f} MB",
                               note=f"após {work}; pico {peak:.0f} MB; tela de login {loaded:.0f} MB; "
                                    f"meta ≤ {goal} MB"))
    return out
