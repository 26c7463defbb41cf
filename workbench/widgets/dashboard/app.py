"""The supervisor dashboard ("Painel do Supervisor").

``notebooks/painel.ipynb`` is only::

    from workbench.widgets.dashboard.app import dashboard_app
    app = dashboard_app()

Login first (the desk's :class:`LoginForm`, permission ``painel``: supervisors
and admins; an atendente gets "sem permissão" and no data). Then the filter
bar, "Atualizar", optional auto-refresh, four views in tabs, the list behind
any clicked count and, for any row, the attendance read-only.

Who does what: this module wires; :mod:`views` draws the views,
:mod:`list` the lists, :mod:`controls` filters/URL/timer;
every number comes from :mod:`workbench.services.dashboard`.
"""

from __future__ import annotations

from dataclasses import replace

import ipywidgets as w

from workbench.services import dashboard as dash
from workbench.widgets.common import Runner, Status, button, css, esc, stylesheet
from workbench.widgets.dashboard.controls import AutoRefresh, FilterBar, UrlSync, kernel_query_string
from workbench.widgets.dashboard.list import ListPanel, frame_download
from workbench.widgets.dashboard.views import IndicatorsView, ScriptsView, StatusView, TitleView
from workbench.widgets.login import LoginForm

NO_PERMISSION = "Sem permissão: o painel é só para supervisores e administradores."
TABS = ("Por status", "Por título", "Indicadores", "Scripts")


class _DetailSource:
    """What AttendanceDetail needs (``.attendance(protocol)``), through the checked service."""

    def __init__(self, session):
        self.session = session

    def attendance(self, protocol):
        return dash.detail(self.session, protocol)

    def reference(self):
        return self.session.workbench.reference_cached()


class Dashboard(w.VBox):
    """The dashboard for a logged-in supervisor or admin."""

    def __init__(self, session, *, query: str = "", url: UrlSync | None = None):
        session.operator.require("painel")
        self.session = session
        self.url = url
        self.data: dash.DashboardData | None = None
        self.status = Status()
        self.refresh_btn = button("Atualizar", primary=True)
        self.refresh_btn.add_class("wb-refresh")
        self.refresh_btn.on_click(lambda _b: self.refresh())
        self.runner = Runner(self.status, [self.refresh_btn])
        self.stamp = w.HTML("")
        self.auto = AutoRefresh(self.refresh)
        self.filter_bar = FilterBar(dash.choices(session), dash.Filters.from_query(query), self._filters_changed)
        self.views = {
            "Por status": StatusView(self.drill, self.export_view),
            "Por título": TitleView(self.drill, self.export_view),
            "Indicadores": IndicatorsView(self.drill, self.export_view, self.open_abandoned),
            "Scripts": ScriptsView(self.drill, self.export_view),
        }
        self.tabs = w.Tab(children=list(self.views.values()))
        for i, name in enumerate(TABS):
            self.tabs.set_title(i, name)
        self.tabs.add_class("wb-dash-tabs")
        self.view_download = w.HTML("")
        self.list = ListPanel(session, lambda: self.filters, self.open_detail)
        self.detail_box = w.VBox([])
        self.detail_box.add_class("wb-dash-detail")
        self.help = w.HTML(
            "<details style='color:#52606d;font-size:12px;margin:4px 0'><summary>Como ler este painel</summary>"
            "Todos os números respeitam os filtros; o período é a data de abertura do atendimento "
            "(exceto “abertos hoje / nesta semana”). Em “Por status”, os atendimentos em aberto aparecem "
            "todos, mesmo os abertos antes do período (o acúmulo); os encerrados, só os do período. "
            "Idade: dias completos desde a abertura. "
            "<b>Vencido</b>: em aberto e após o prazo do tipo de atendimento. "
            "<b>Fora do prazo Anatel</b>: em aberto há mais de 7 dias (reclamações) ou 10 dias (demais "
            "demandas), RGC art. 10. Resolução no 1º contato: resposta do próprio operador. "
            "Clique em qualquer número para ver a lista; em uma linha da lista para ver o atendimento.</details>")
        super().__init__([
            w.HBox([self.refresh_btn, self.auto, self.stamp], layout=w.Layout(align_items="center",
                                                                             flex_flow="row wrap")),
            self.filter_bar, self.help, self.status, self.tabs, self.view_download, self.list, self.detail_box,
        ])
        self.add_class("wb-dashboard")
        self.refresh()

    @property
    def filters(self) -> dash.Filters:
        return self.filter_bar.filters

    # -- refresh ---------------------------------------------------------------------
    def refresh(self) -> None:
        filters = self.filters
        self.runner.run(lambda: dash.refresh(self.session, filters), self._show,
                        busy="Atualizando... Aguarde...")

    def _show(self, data: dash.DashboardData) -> None:
        self.data = data
        for view in self.views.values():
            view.update(data)
        when = data.generated_at.astimezone(dash._tz())
        self.stamp.value = (f"<span style='color:#52606d;margin-left:8px'>Atualizado às {when:%H:%M:%S} "
                            f"({data.elapsed:.2f} s) · {data.filters.start:%d/%m/%Y} a "
                            f"{data.filters.end:%d/%m/%Y} · {data.kpis['total']:,} atendimentos</span>"
                            .replace(",", "."))
        if self.list.visible:
            self.list.load()
        if self.url is not None:
            self.url.query = self.filters.to_query()

    def _filters_changed(self, _filters) -> None:
        self.refresh()

    def set_filters(self, filters: dash.Filters) -> None:
        self.filter_bar.set_filters(filters, notify=True)

    def apply(self, **changes) -> None:
        """Change some filters at once (``apply(origin="email")``), as the dropdowns would."""
        self.set_filters(replace(self.filters, **changes))

    # -- drill-down ---------------------------------------------------------------
    def drill(self, spec: dict, caption: str) -> None:
        self.detail_box.children = []
        self.list.show(spec, caption)

    def open_abandoned(self) -> None:
        self.detail_box.children = []
        self.list.show_abandoned()

    def open_detail(self, protocol: str) -> None:
        from workbench.widgets.detail import AttendanceDetail

        detail = AttendanceDetail(_DetailSource(self.session), protocol, read_only=True,
                                  on_close=lambda: setattr(self.detail_box, "children", []))
        self.detail_box.children = [css(w.VBox([detail], layout=w.Layout(padding="8px 12px")), "wb-card")]

    def export_view(self, frame, name: str, fmt: str) -> None:
        self.view_download.value = frame_download(self.session, frame, name, self.filters, fmt)

    def close(self) -> None:
        if getattr(self, "auto", None) is not None:
            self.auto.cancel()
        super().close()


class DashboardApp(w.VBox):
    """Login, then the dashboard. ``db``: database path (default ``$WORKBENCH_DB``)."""

    def __init__(self, db=None, *, wb=None, query: str | None = None):
        self._db = db
        self.wb = wb
        self.session = None
        self.dashboard: Dashboard | None = None
        self.url = UrlSync(layout=w.Layout(width="0px", height="0px"))
        self._query = query
        self.who = w.HTML("")
        self.logout_btn = button("Sair do sistema")
        self.logout_btn.layout.display = "none"
        self.logout_btn.on_click(lambda _b: self.logout())
        header = css(w.HBox([w.HTML("<b style='font-size:15px'>Atendimento Workbench · Painel do Supervisor</b>"),
                             self.who, self.logout_btn],
                            layout=w.Layout(justify_content="space-between", width="100%")), "wb-header")
        self.status = Status()
        self.runner = Runner(self.status)
        # The role is checked here (and again by every service) so the refusal says "sem permissão".
        self.login = LoginForm(self._open_wb, on_login=self._logged_in, heading="Painel do Supervisor")
        self.body = css(w.VBox([self.login]), "wb-screen")
        super().__init__([stylesheet(), self.url, header, self.body, self.status])
        css(self, "wb-app")
        self.layout.max_width = "1280px"

    def _open_wb(self):
        if self.wb is None:
            import workbench

            self.wb = workbench.open(self._db, create=False) if self._db else workbench.open(create=False)
        return self.wb

    @property
    def query(self) -> str:
        """The filters asked for in the page address: Voila's QUERY_STRING, else what the page reported."""
        if self._query is not None:
            return self._query
        return kernel_query_string() or self.url.page_query

    def _logged_in(self, session) -> None:
        if not session.operator.can("painel"):
            self.login.reset()
            self.login.status.error(NO_PERMISSION)
            return
        self.session = session
        op = session.operator
        self.who.value = f"<span style='color:#fff'>{esc(op.name)} ({esc(op.role)})</span>"
        self.logout_btn.layout.display = ""

        def build():
            return Dashboard(session, query=self.query, url=self.url)

        self.runner.run(build, lambda d: self._show(d), busy="Abrindo o painel... Aguarde...")

    def _show(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        self.body.children = [dashboard]

    def logout(self) -> None:
        if self.dashboard is not None:
            self.dashboard.auto.cancel()
        self.session = self.dashboard = None
        self.who.value = ""
        self.logout_btn.layout.display = "none"
        self.login.reset()
        self.body.children = [self.login]


def dashboard_app(db=None, **kwargs) -> DashboardApp:
    """Build and display the dashboard app (what painel.ipynb runs)."""
    from IPython.display import display

    app = DashboardApp(db, **kwargs)
    display(app)
    return app
