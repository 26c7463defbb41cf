"""The list behind a count: paged, ordered by any column, exported, rows open read-only.

Sorting and paging happen in the database (the service's
``attendance_list``); exports write the whole list (up to the service's
limit) with the filters in the file name.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.services import dashboard as dash
from workbench.services import dashboard_tables as tables
from workbench.widgets.common import Runner, Status, esc
from workbench.widgets.dashboard.controls import download_link
from workbench.widgets.dashboard.table import ClickTable, columns

LIST_COLUMNS = columns(tables.LIST)
ABANDONED_COLUMNS = columns(tables.ABANDONED)


class ListPanel(w.VBox):
    """Caption, table, pager and export of one drill-down list."""

    def __init__(self, session, get_filters: Callable[[], dash.Filters], on_open: Callable[[str], None],
                 page_size: int = dash.PAGE_SIZE):
        self.session = session
        self.get_filters = get_filters
        self.open_protocol = on_open
        self.page_size = page_size
        self.drill: dict | None = None
        self.abandoned = False
        self.caption_text = ""
        self.page = 0
        self.result: dash.ListPage | None = None
        self.order_by, self.descending = "created_at", True
        self.caption = w.HTML("")
        self.table = ClickTable(LIST_COLUMNS, on_open=lambda r: self.open_protocol(r["protocol"]),
                                row_class=lambda r: "late" if r.get("late") else "overdue" if r.get("overdue") else "",
                                cell_class=lambda r, k: "bad" if k == "situation" and r.get("situation") else "",
                                empty_text="Nenhum atendimento nesta lista.")
        self.table.sort_key, self.table.sort_desc = self.order_by, self.descending
        self.table.on_sort = self._sort
        self.table.add_class("wb-list-table")
        self.abandoned_table = ClickTable(ABANDONED_COLUMNS, sortable=False,
                                          empty_text="Nenhum protocolo abandonado no período.")
        self.table.fit = self.abandoned_table.fit = True       # fits its box at 1366 px: text cells wrap
        self.prev = w.Button(description="◀ Anterior", layout=w.Layout(width="auto"))
        self.next = w.Button(description="Próxima ▶", layout=w.Layout(width="auto"))
        self.prev.on_click(lambda _b: self.go(self.page - 1))
        self.next.on_click(lambda _b: self.go(self.page + 1))
        self.pager = w.HTML("")
        self.csv = w.Button(description="⬇ Exportar CSV", layout=w.Layout(width="auto"))
        self.xlsx = w.Button(description="⬇ Exportar Excel", layout=w.Layout(width="auto"))
        self.csv.add_class("wb-list-csv")
        self.xlsx.add_class("wb-list-xlsx")
        self.csv.on_click(lambda _b: self.export("csv"))
        self.xlsx.on_click(lambda _b: self.export("xlsx"))
        self.close_btn = w.Button(description="✕ Fechar lista", layout=w.Layout(width="auto"))
        self.close_btn.on_click(lambda _b: self.hide())
        self.download = w.HTML("")
        self.download.add_class("wb-download-box")
        self.status = Status()
        self.runner = Runner(self.status, [self.prev, self.next, self.csv, self.xlsx])
        self.body = w.VBox([self.table])
        super().__init__([
            w.HBox([self.caption, self.close_btn], layout=w.Layout(justify_content="space-between", align_items="center")),
            self.body,
            w.HBox([self.prev, self.pager, self.next, w.HTML("&nbsp;&nbsp;"), self.csv, self.xlsx],
                   layout=w.Layout(align_items="center", flex_flow="row wrap")),
            self.download, self.status,
        ], layout=w.Layout(border="1px solid #c8d1dc", padding="6px 10px", margin="10px 0"))
        self.add_class("wb-list-panel")
        self.layout.display = "none"

    # -- opening -----------------------------------------------------------------------
    def show(self, drill: dict | None, caption: str | None = None) -> None:
        """Open the list behind ``drill``; the caption defaults to the service's description of it."""
        self._open(drill, False, caption or dash.describe_drill(self.session, drill))

    def show_abandoned(self) -> None:
        self._open(None, True, "Protocolos abandonados")

    def _open(self, drill: dict | None, abandoned: bool, caption: str) -> None:
        self.drill, self.abandoned, self.caption_text = drill, abandoned, caption
        self.page = 0
        self.body.children = [self.abandoned_table if abandoned else self.table]
        self.download.value = ""
        self.layout.display = ""
        self.load()

    def hide(self) -> None:
        self.layout.display = "none"
        self.drill = None

    @property
    def visible(self) -> bool:
        return self.layout.display != "none"

    # -- data ---------------------------------------------------------------------------
    def load(self) -> None:
        filters = self.get_filters()

        def fetch():
            if self.abandoned:
                return dash.abandoned_list(self.session, filters, page=self.page, page_size=self.page_size)
            return dash.attendance_list(self.session, filters, self.drill, order_by=self.order_by,
                                        descending=self.descending, page=self.page, page_size=self.page_size)

        self.runner.run(fetch, self._show_page, busy="Carregando a lista... Aguarde...")

    def _show_page(self, result: dash.ListPage) -> None:
        self.result = result
        frame = result.frame.copy()
        if self.abandoned:
            self.abandoned_table.set_data(frame, keep_order=True)
        else:
            self.table.set_data(frame, keep_order=True)
        self.caption.value = (f"<b style='color:#1f4e79;font-size:14px'>{esc(self.caption_text)}</b>"
                              f" <span style='color:#52606d'>— {result.total:,} atendimento(s)</span>"
                              .replace(",", "."))
        first = result.page * result.page_size + 1 if result.total else 0
        last = min(result.total, (result.page + 1) * result.page_size)
        self.pager.value = (f"<span style='margin:0 8px'>{first}–{last} de {result.total:,} · "
                            f"página {result.page + 1} de {result.pages}</span>").replace(",", ".")
        self.prev.disabled = result.page <= 0
        self.next.disabled = result.page + 1 >= result.pages

    def go(self, page: int) -> None:
        if self.result is None or not 0 <= page < self.result.pages:
            return
        self.page = page
        self.load()

    def _sort(self, key: str, descending: bool) -> None:
        if key == "situation":
            key = "late"
        self.order_by, self.descending = key, descending
        self.page = 0
        self.load()

    # -- export -------------------------------------------------------------------------
    def export(self, fmt: str) -> None:
        filters = self.get_filters()

        def build():
            frame = dash.full_list(self.session, filters, self.drill, abandoned=self.abandoned,
                                   order_by=self.order_by, descending=self.descending,
                                   limit=dash.DOWNLOAD_LIMIT)
            name = "abandonados" if self.abandoned else self.caption_text
            return dash.export_frame(self.session, frame, name, filters, fmt,
                                     columns=dash.list_columns(self.abandoned)), len(frame)

        def done(result) -> None:
            (name, payload), n = result
            self.download.value = download_link(name, payload, fmt)
            cut = (f" (as primeiras {dash.DOWNLOAD_LIMIT:,}; a lista inteira sai por "
                   f"dashboard.export_list no notebook de análise)".replace(",", ".")
                   if n >= dash.DOWNLOAD_LIMIT else "")
            self.status.ok(f"{n} linha(s) prontas para baixar{cut}.")

        self.runner.run(build, done, busy="Preparando o arquivo... Aguarde...")


def frame_download(session, frame: pd.DataFrame, name: str, filters, fmt: str, spec=None) -> str:
    """Download link HTML for a view table (status, títulos, operadores...), as shown on screen."""
    try:
        file_name, payload = dash.export_frame(session, frame, name, filters, fmt, columns=spec)
    except WorkbenchError as exc:
        return f"<span style='color:#b3261e'>{esc(str(exc))}</span>"
    return download_link(file_name, payload, fmt)
