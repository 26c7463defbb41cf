"""The dashboard itself, for a logged-in supervisor or admin: the filter bar, "Atualizar",
auto-refresh, five views in tabs, the list behind any clicked count and, for any row, the
attendance read-only.

:mod:`workbench.widgets.dashboard.app` (the page: login first) imports this module only
after a login, so the login screen loads neither pandas nor the chart library.
"""

from __future__ import annotations

from dataclasses import replace

import ipywidgets as w

from workbench.services import dashboard as dash
from workbench.services.formatting import display
from workbench.widgets.common import Runner, Status, button, css
from workbench.widgets.dashboard.address import UrlSync
from workbench.widgets.dashboard.controls import AutoRefresh, FilterBar
from workbench.widgets.dashboard.indicators import IndicatorsView, WallBoard
from workbench.widgets.dashboard.list import ListPanel, frame_download
from workbench.widgets.dashboard.views import ScriptsView, StatusView, TitleView

TABS = ("Por status", "Por título", "Indicadores", "Scripts")
HELP = (
    "<details class='wb-help'><summary>Como ler este painel</summary>"
    "Todos os números respeitam os filtros; o período é a data de abertura do atendimento "
    "(exceto “abertos hoje / nesta semana”). Em “Por status”, os atendimentos em aberto aparecem "
    "todos, mesmo os abertos antes do período (o acúmulo); os encerrados, só os do período. "
    "Idade: dias completos desde a abertura. "
    "<b>Vencido</b>: em aberto e após o prazo do tipo de atendimento. "
    "<b>Fora do prazo Anatel</b>: em aberto há mais de 7 dias (reclamações) ou 10 dias (demais "
    "demandas), RGC art. 10. Resolução no 1º contato: resposta do próprio operador. "
    "<b>Tempo de resolução</b>: da abertura ao encerramento, dos encerrados do período (mediana e p90). "
    "<b>No prazo</b>: encerrados dentro do prazo sobre encerrados + em aberto já vencidos. "
    "<b>Reabertos</b>: voltaram de um status encerrado para um aberto. <b>Contato repetido</b>: "
    "mesmo cliente e título nos 30 dias anteriores. Ordens de serviço: as em aberto de qualquer data, "
    "as finalizadas e canceladas do período. "
    "Clique em qualquer número para ver a lista; em uma linha da lista para ver o atendimento.</details>")


class _DetailSource:
    """What AttendanceDetail needs (``.attendance(protocol)``), through the checked service."""

    def __init__(self, session):
        self.session = session

    def attendance(self, protocol):
        return dash.detail(self.session, protocol)

    def reference(self):
        return self.session.workbench.reference_cached(pandas=True)


class Dashboard(w.VBox):
    """The dashboard for a logged-in supervisor or admin."""

    def __init__(self, session, *, query: str = "", url: UrlSync | None = None,
                 on_wall: "callable | None" = None):
        session.operator.require("painel")
        self.session = session
        self.url = url
        self.on_wall = on_wall
        self.data: dash.DashboardData | None = None
        options = dash.ViewOptions.from_query(query)
        self.wall = options.wall
        self.status = Status()
        self.refresh_btn = button("Atualizar", primary=True)
        self.refresh_btn.add_class("wb-refresh")
        self.refresh_btn.on_click(lambda _b: self.refresh())
        self.wall_btn = button("Tela cheia", tooltip="Painel de parede: números grandes, tela inteira")
        self.wall_btn.add_class("wb-wall-toggle")
        self.wall_btn.on_click(lambda _b: self.set_wall(not self.wall))
        self.runner = Runner(self.status, [self.refresh_btn])
        self.stamp = w.HTML("")
        self.auto = AutoRefresh(self.refresh, options.refresh_minutes, on_change=lambda _m: self._write_url())
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
        self.wallboard = WallBoard(self.drill, self.open_abandoned)
        self.toolbar = w.HBox([self.refresh_btn, self.auto, self.wall_btn, self.stamp],
                              layout=w.Layout(align_items="center", flex_flow="row wrap"))
        self.normal = w.VBox([self.filter_bar, w.HTML(HELP), self.tabs, self.view_download])
        super().__init__([self.toolbar, self.status, self.normal, self.wallboard, self.list, self.detail_box])
        self.add_class("wb-dashboard")
        self._apply_wall()
        self.refresh()

    @property
    def filters(self) -> dash.Filters:
        return self.filter_bar.filters

    @property
    def options(self) -> dash.ViewOptions:
        return dash.ViewOptions(self.auto.minutes, self.wall)

    @property
    def query(self) -> str:
        """The page address's query: the filters and the display options."""
        return "&".join(q for q in (self.filters.to_query(), self.options.to_query()) if q)

    # -- refresh ---------------------------------------------------------------------
    def refresh(self) -> None:
        filters = self.filters
        self.runner.run(lambda: dash.refresh(self.session, filters), self._show,
                        busy="Atualizando... Aguarde...")

    def _show(self, data: dash.DashboardData) -> None:
        self.data = data
        for view in self.views.values():
            view.update(data)
        self.wallboard.update(data)
        when = data.generated_at.astimezone(dash._tz())
        self.stamp.value = (f"<span class='wb-stamp'>Atualizado às {when:%H:%M:%S} "
                            f"({display(data.elapsed, 'decimal')} s) · {data.filters.start:%d/%m/%Y} a "
                            f"{data.filters.end:%d/%m/%Y} · {display(data.kpis['total'], 'int')} atendimentos"
                            f"</span>")
        if self.list.visible:
            self.list.load()
        self._write_url()

    def _write_url(self) -> None:
        if self.url is not None:
            self.url.query = self.query

    def _filters_changed(self, _filters) -> None:
        self.refresh()

    def set_filters(self, filters: dash.Filters) -> None:
        self.filter_bar.set_filters(filters, notify=True)

    def apply(self, **changes) -> None:
        """Change some filters at once (``apply(origin="email")``), as the dropdowns would."""
        self.set_filters(replace(self.filters, **changes))

    # -- the wallboard ------------------------------------------------------------
    def set_wall(self, wall: bool) -> None:
        """Full-screen wallboard (large KPI cards) on or off; kept in the address (``tela=parede``)."""
        self.wall = bool(wall)
        self._apply_wall()
        self._write_url()

    def _apply_wall(self) -> None:
        self.normal.layout.display = "none" if self.wall else ""
        self.wallboard.layout.display = "" if self.wall else "none"
        self.wall_btn.description = "Sair da tela cheia" if self.wall else "Tela cheia"
        if self.on_wall is not None:
            self.on_wall(self.wall)

    # -- drill-down ---------------------------------------------------------------
    def drill(self, spec: dict, caption: str | None = None) -> None:
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

    def export_view(self, table: str, fmt: str) -> None:
        """A download link for one of the refresh's tables (the service's ``VIEW_TABLES``), as shown."""
        if self.data is None:
            return
        frame, spec = self.data.table(table)
        name = dash.tables.VIEW_TABLES[table][0]
        self.view_download.value = frame_download(self.session, frame, name, self.filters, fmt, spec)
        if self.wall:
            self.set_wall(False)

    def close(self) -> None:
        if getattr(self, "auto", None) is not None:
            self.auto.cancel()
        super().close()
