"""The supervisor dashboard ("Painel do Supervisor").

``notebooks/painel.ipynb`` is only::

    from workbench.widgets.dashboard.app import dashboard_app
    app = dashboard_app()

Login first (the shared :class:`~workbench.widgets.shell.AppShell`, permission
``painel``: supervisors and admins; an atendente gets "sem permissão" and no
data). Then the filter bar, "Atualizar", auto-refresh, five views in tabs, the
list behind any clicked count and, for any row, the attendance read-only.

The page address keeps the filters and the display: ``?origem=email&atualizar=5``
refreshes every 5 minutes; ``&tela=parede`` opens the wallboard (full screen,
large KPI cards), so a TV's reload comes back as it was.

Who does what: this module is the page (login first; :mod:`board`, the dashboard
itself, is imported after a login, so the login screen needs neither pandas nor
the chart library; :mod:`address` the page address); :mod:`views` and
:mod:`indicators` draw the views, :mod:`list` the lists, :mod:`controls`
filters/timer; every number comes from :mod:`workbench.services.dashboard`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from workbench.widgets.dashboard.address import UrlSync, kernel_query_string
from workbench.widgets.shell import AppShell

if TYPE_CHECKING:
    from workbench.widgets.dashboard.board import Dashboard

NO_PERMISSION = "Sem permissão: o painel é só para supervisores e administradores."


class DashboardApp(AppShell):
    """Login, then the dashboard. ``db``: database path (default ``$WORKBENCH_DB``)."""

    title = "Atendimento Workbench · Painel do Supervisor"
    login_heading = "Painel do Supervisor"
    permission = "painel"
    refusal = NO_PERMISSION

    def __init__(self, db=None, *, wb=None, query: str | None = None):
        self.url = UrlSync(layout=w.Layout(width="0px", height="0px"))
        self._query = query
        self.dashboard: Dashboard | None = None
        super().__init__(db, wb=wb, max_width="1280px")

    def extra_children(self):
        return [self.url]

    @property
    def query(self) -> str:
        """The filters asked for in the page address: Voila's QUERY_STRING, else what the page reported."""
        if self._query is not None:
            return self._query
        return kernel_query_string() or self.url.page_query

    def on_login(self, session) -> None:
        from workbench.widgets.dashboard.board import Dashboard

        def build():
            return Dashboard(session, query=self.query, url=self.url, on_wall=self._wall)

        self.runner.run(build, self._show_dashboard, busy="Abrindo o painel... Aguarde...")

    def _show_dashboard(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        self.show(dashboard)

    def _wall(self, wall: bool) -> None:
        """The wallboard takes the whole window: no width cap, the header slim."""
        if wall:
            self.add_class("wb-wall")
        else:
            self.remove_class("wb-wall")
        self.layout.max_width = "none" if wall else "1280px"

    def on_logout(self) -> None:
        if self.dashboard is not None:
            self.dashboard.auto.cancel()
        self.dashboard = None
        self._wall(False)


def dashboard_app(db=None, **kwargs) -> DashboardApp:
    """Build and display the dashboard app (what painel.ipynb runs)."""
    from IPython.display import display as show

    app = DashboardApp(db, **kwargs)
    show(app)
    return app
