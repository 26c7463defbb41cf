"""The one list widget of the desk: a light HTML table (one anywidget) in row mode.

Every list (clients found, a client's attendances, history, script report)
goes through :class:`Table`, so selection and "open" behave the same
everywhere:

* a click selects a row (``Table.selected`` is that row as a dict); Tab
  reaches the list, the arrow keys (and Home/End) move the selection;
* a double click, Enter on the selected row, or the screen's "Abrir" button
  calls ``on_open(row)``;
* with ``on_sort``, a click on a column header (or Enter on it) calls
  ``on_sort(column)``; the header shows the order in use (``set_sort``);
* ``row_class(row)`` marks rows (``wb-row-open``, ``wb-row-due``,
  ``wb-row-late``: open, due within 24 h, late); ``set_columns`` shows other
  columns (the rest "on demand"). A cut cell shows its whole text as its
  tooltip (``title``).

For screen readers the list is a grid named by ``label`` (its title on the
screen), whose selected row is announced as the cursor moves
(``aria-activedescendant``). Headers are never cut, and dates read the pt-BR way
(:mod:`workbench.services.formatting`): a date alone as ``27/11/2026``, a time as
``27/11/2026 14:05`` in the desk's time zone.

A plain table rather than a data grid: the desk's lists hold at most a few
hundred rows, and a grid library brings a chart library with it (bqplot,
through ipydatagrid) to the kernel and some twenty scripts to the browser
before the login screen can show.
"""

from __future__ import annotations

import itertools
import time
from typing import Callable

from datetime import date, datetime

import anywidget
import ipywidgets as w
import traitlets

from workbench.services import formatting
from workbench.frame import Frame

_ids = itertools.count(1)

_ESM = """
function render({ model, el }) {
  const wrap = document.createElement("div");
  wrap.className = "wb-rtable";
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "grid");
  const prefix = "wbr" + Math.random().toString(36).slice(2, 9) + "-";
  const rowOf = (e) => { const tr = e.target.closest && e.target.closest("tbody tr"); return tr ? tr.sectionRowIndex : -1; };
  const choose = (i) => {
    const n = model.get("rows").length;
    if (i < 0 || i >= n) return;
    model.set("selected", i);
    model.save_changes();
  };
  const draw = () => {
    wrap.style.height = model.get("height");
    wrap.setAttribute("aria-label", model.get("label"));
    const widths = model.get("widths");
    const sel = model.get("selected");
    const rows = model.get("rows");
    wrap.setAttribute("aria-rowcount", String(rows.length + 1));
    const table = document.createElement("table");
    table.setAttribute("role", "presentation");
    const head = table.createTHead().insertRow();
    head.setAttribute("role", "row");
    const sortable = model.get("sortable"), sortCol = model.get("sort_column"), desc = model.get("sort_descending");
    model.get("columns").forEach((c, j) => {
      const th = document.createElement("th");
      th.textContent = c;
      if (j === sortCol) {            // the arrow is for the eye; aria-sort tells a screen reader
        const arrow = document.createElement("span");
        arrow.setAttribute("aria-hidden", "true");
        arrow.textContent = desc ? " \u25BC" : " \u25B2";
        th.appendChild(arrow);
      }
      th.setAttribute("role", "columnheader");
      if (j === sortCol) th.setAttribute("aria-sort", desc ? "descending" : "ascending");
      if (sortable) {
        th.className = "wb-sortable"; th.tabIndex = 0; th.title = "Ordenar por " + c;
        const sort = () => model.send({ event: "sort", column: j });
        th.addEventListener("click", (e) => { e.stopPropagation(); sort(); });
        th.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); e.stopPropagation(); sort(); } });
      }
      if (widths[j]) { th.style.width = widths[j] + "px"; th.style.minWidth = widths[j] + "px"; }
      head.appendChild(th);
    });
    const marks = model.get("row_classes");
    const body = table.createTBody();
    rows.forEach((r, i) => {
      const tr = body.insertRow();
      tr.id = prefix + i;
      tr.setAttribute("role", "row");
      tr.setAttribute("aria-selected", i === sel ? "true" : "false");
      tr.className = [marks[i] || "", i === sel ? "selected" : ""].join(" ").trim();
      const mark = model.get("mark_column");
      r.forEach((v, j) => { const td = tr.insertCell(); td.textContent = v; td.title = v; td.setAttribute("role", "gridcell"); if (j === mark) td.className = "wb-dl"; });
    });
    wrap.replaceChildren(table);
    const chosen = body.rows[sel];
    if (chosen) wrap.setAttribute("aria-activedescendant", chosen.id); else wrap.removeAttribute("aria-activedescendant");
    if (chosen && chosen.scrollIntoView) chosen.scrollIntoView({ block: "nearest" });
  };
  wrap.addEventListener("click", (e) => { const i = rowOf(e); if (i >= 0) { wrap.focus(); choose(i); } });
  wrap.addEventListener("dblclick", (e) => { const i = rowOf(e); if (i >= 0) { choose(i); model.send({ event: "open", row: i }); } });
  wrap.addEventListener("keydown", (e) => {
    const sel = model.get("selected");
    if (e.key === "Enter" && sel >= 0) { e.preventDefault(); model.send({ event: "open", row: sel }); }
    else if (e.key === "ArrowDown") { e.preventDefault(); choose(sel + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); choose(Math.max(sel - 1, 0)); }
    else if (e.key === "Home") { e.preventDefault(); choose(0); }
    else if (e.key === "End") { e.preventDefault(); choose(model.get("rows").length - 1); }
  });
  model.on("change:rows", draw);
  model.on("change:columns", draw);
  model.on("change:selected", draw);
  model.on("change:height", draw);
  model.on("change:label", draw);
  model.on("change:row_classes", draw);
  model.on("change:sort_column", draw);
  model.on("change:sort_descending", draw);
  model.on("change:widths", draw);
  model.on("change:mark_column", draw);
  draw();
  el.appendChild(wrap);
}
export default { render };
"""

_CSS = """
.wb-rtable { overflow: auto; width: 100%; background: #fff; outline: none; }
.wb-rtable:focus { box-shadow: inset 0 0 0 2px #1f4e79; }
.wb-rtable:focus tr.selected td { background: #bcd3ea; }
.wb-rtable table { border-collapse: collapse; width: 100%; font: 13px sans-serif; color: #1f2933; }
.wb-rtable th { position: sticky; top: 0; height: 30px; box-sizing: border-box; background: #eef2f6;
                text-align: left; font-weight: 600; padding: 0 8px; border-bottom: 1px solid #c8d1dc;
                white-space: nowrap; overflow: visible; }
.wb-rtable td { height: 26px; box-sizing: border-box; padding: 0 8px; border-bottom: 1px solid #eef2f6;
                white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 420px;
                cursor: default; user-select: none; }
.wb-rtable th.wb-sortable { cursor: pointer; }
.wb-rtable th.wb-sortable:hover, .wb-rtable th.wb-sortable:focus { text-decoration: underline; outline: none; }
.wb-rtable tr.wb-row-open td { font-weight: 600; }
.wb-rtable tr.wb-row-open td:first-child { box-shadow: inset 3px 0 0 #1f4e79; }
.wb-rtable tr.wb-row-due td { background: #fff4d6; }
.wb-rtable tr.wb-row-late td { background: #fde3e1; color: #8a1c14; }
.wb-rtable tr.wb-row-late td:first-child { box-shadow: inset 3px 0 0 #b3261e; }
.wb-rtable tr.selected td { background: #d6e4f0; }
/* deadline states of open attendances (workbench.services.deadlines) */
.wb-rtable tr.wb-dl-no_prazo td.wb-dl { color: #1e6b32; font-weight: 600; }
.wb-rtable tr.wb-dl-vence_24h td { background: #fff8e1; }
.wb-rtable tr.wb-dl-vence_24h td.wb-dl { color: #8a5a00; font-weight: 600; }
.wb-rtable tr.wb-dl-vencido td { background: #fdecea; }
.wb-rtable tr.wb-dl-vencido td.wb-dl { color: #b3261e; font-weight: 600; }
.wb-rtable tr.wb-dl-anatel td { background: #f9d6d3; }
.wb-rtable tr.wb-dl-anatel td.wb-dl { color: #7f1010; font-weight: 700; }
.wb-rtable tbody tr:hover td { background: #f0f4f8; }
.wb-rtable tbody tr.selected:hover td { background: #c9dcec; }
"""


class RowTable(anywidget.AnyWidget):
    """The browser half of :class:`Table`: draws rows, reports selection and "open"."""

    _esm = _ESM
    _css = _CSS
    columns = traitlets.List(traitlets.Unicode()).tag(sync=True)
    rows = traitlets.List().tag(sync=True)
    widths = traitlets.List().tag(sync=True)
    selected = traitlets.Int(-1).tag(sync=True)
    height = traitlets.Unicode("300px").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    row_classes = traitlets.List(traitlets.Unicode()).tag(sync=True)   # CSS classes per row ("" for none)
    mark_column = traitlets.Int(-1).tag(sync=True)     # the cell of each row that gets class wb-dl
    sortable = traitlets.Bool(False).tag(sync=True)
    sort_column = traitlets.Int(-1).tag(sync=True)
    sort_descending = traitlets.Bool(False).tag(sync=True)


def column_kind(values: list) -> str:
    """'datetime' for times (aware values), 'date' for dates (dates, or naive times all at midnight), else 'text'.

    ``values``: a column's values as a list (``column.tolist()``: plain values of a Frame or a DataFrame)."""
    values = [v for v in values if not formatting.is_missing(v)]
    if not values or not all(isinstance(v, date) for v in values):
        return "text"
    if all(not isinstance(v, datetime) for v in values):
        return "date"
    if all(v.tzinfo is None and v.hour == v.minute == v.second == v.microsecond == 0 for v in values):
        return "date"
    return "datetime"


def _display_value(v, kind: str = "text"):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "Sim" if v else "Não"
    if formatting.is_missing(v):
        return ""
    if kind in ("date", "datetime") or isinstance(v, date):
        if kind == "text":
            kind = "date" if not isinstance(v, datetime) else "datetime"
        return formatting.display(v, kind)
    return str(v)


def _header_width(title: str, sortable: bool = False) -> int:
    """Pixels a header needs whole (13 px semibold, 8 px padding each side; room for the order arrow)."""
    return 16 + 9 * len(title) + (14 if sortable else 0) if title else 0


class Table(w.VBox):
    """A selectable, openable list of rows.

    ``columns`` maps DataFrame column → title shown; columns not listed are
    kept (for ``selected``) but not shown.
    """

    def __init__(self, columns: dict[str, str], *, on_open: Callable[[dict], None] | None = None,
                 height: str = "300px", widths: dict[str, int] | None = None,
                 empty_text: str = "Nenhum registro.", fit_rows: int | None = None, label: str = "Lista",
                 row_class: Callable[[dict], str] | None = None, mark: str | None = None,
                 on_sort: Callable[[str], None] | None = None):
        """``fit_rows``: the grid grows with its rows up to this many (then scrolls) and is
        hidden when empty, leaving only ``empty_text`` (no large empty grid). ``label``: the
        list's name for screen readers (its title on the screen). ``row_class(row)``: CSS
        classes of a row (open, late, deadline colours); ``mark``: the column whose cell gets
        class ``wb-dl``; ``on_sort(column)``: a header was clicked."""
        self.columns = dict(columns)
        self.row_class = row_class
        self.on_sort = on_sort
        self.mark = mark
        self._widths = dict(widths or {})
        self.fit_rows = fit_rows
        self.on_open = on_open
        self.on_select: Callable[[dict | None], None] | None = None
        self.df = Frame(columns=list(self.columns))
        self._last_open: tuple[int, float] | None = None
        self._selected_pos: int | None = None
        self.cls = f"wb-grid-{next(_ids)}"
        self.grid = RowTable(columns=list(self.columns.values()), widths=self._pixel_widths(),
                             height=height, label=label, sortable=on_sort is not None,
                             mark_column=self._mark_column(), layout=w.Layout(width="100%"))
        self.grid.add_class(self.cls)
        self.grid.add_class("wb-grid")
        self.grid.observe(self._selection_changed, "selected")
        self.grid.on_msg(self._message)
        self.empty = w.HTML(f"<i style='color:#7b8794'>{empty_text}</i>")
        self.empty.layout.display = ""
        super().__init__([self.grid, self.empty], layout=w.Layout(width="100%"))

    def _pixel_widths(self) -> list:
        sortable = self.on_sort is not None
        return [max(self._widths.get(k) or 0, _header_width(t, sortable)) or None for k, t in self.columns.items()]

    def _mark_column(self) -> int:
        return list(self.columns).index(self.mark) if self.mark in self.columns else -1

    # -- columns and order --------------------------------------------------
    def set_columns(self, columns: dict[str, str], widths: dict[str, int] | None = None) -> None:
        """Show ``columns`` (DataFrame column → title) instead; the rows and selection stay."""
        sort = self.sort_key
        self.columns = dict(columns)
        self._widths.update(widths or {})
        with self.grid.hold_trait_notifications():
            self.grid.columns = list(self.columns.values())
            self.grid.widths = self._pixel_widths()
            self.grid.mark_column = self._mark_column()
            self.grid.rows = self._display(self.df)
            self.set_sort(sort, self.grid.sort_descending)

    @property
    def sort_key(self) -> str | None:
        keys = list(self.columns)
        return keys[self.grid.sort_column] if 0 <= self.grid.sort_column < len(keys) else None

    def set_sort(self, column: str | None, descending: bool = False) -> None:
        """Show the order in use on its header (▲ ascending, ▼ descending); None: no arrow."""
        keys = list(self.columns)
        self.grid.sort_column = keys.index(column) if column in keys else -1
        self.grid.sort_descending = bool(descending)

    def sort_by(self, column: str) -> None:
        """A click on the header of ``column`` (as the browser reports it)."""
        if self.on_sort is not None and column in self.columns:
            self.on_sort(column)

    # -- data ---------------------------------------------------------------
    def _display(self, df) -> list[list[str]]:
        columns = [df[col].tolist() if col in df.columns else [""] * len(df) for col in self.columns]
        kinds = [column_kind(values) for values in columns]
        return [[_display_value(v, k) for v, k in zip(row, kinds)] for row in zip(*columns)] if columns else []

    def set_data(self, df) -> None:
        """Show ``df``'s rows: a :class:`~workbench.frame.Frame` or a pandas DataFrame."""
        self.df = df.reset_index(drop=True)
        self._selected_pos = None
        with self.grid.hold_trait_notifications():
            self.grid.selected = -1
            self.grid.rows = self._display(self.df)
            self.grid.row_classes = ([self.row_class(r) or "" for r in self.df.to_dict("records")]
                                     if self.row_class is not None else [])
        self.empty.layout.display = "none" if len(self.df) else ""
        if self.fit_rows is not None:
            rows = min(len(self.df), self.fit_rows)
            self.grid.height = f"{32 + 26 * rows + 2}px"       # header 30 px, rows 26 px
            self.grid.layout.display = "" if len(self.df) else "none"

    def __len__(self) -> int:
        return len(self.df)

    # -- selection ----------------------------------------------------------
    @property
    def selected(self) -> dict | None:
        if self._selected_pos is None or self._selected_pos >= len(self.df):
            return None
        return self.df.iloc[self._selected_pos].to_dict()

    def select(self, pos: int) -> None:
        """Select row ``pos`` (position in the data given to set_data)."""
        if not 0 <= pos < len(self.df):
            raise IndexError(pos)
        self._selected_pos = pos
        self.grid.selected = pos
        if self.on_select:
            self.on_select(self.selected)

    def open_row(self, pos: int | None = None) -> None:
        """Open row ``pos`` (or the selected one), as a double click would."""
        if pos is not None:
            self.select(pos)
        row = self.selected
        if row is None or self.on_open is None:
            return
        now = time.monotonic()
        if self._last_open and self._last_open[0] == self._selected_pos and now - self._last_open[1] < 1.0:
            return  # a double click and an Enter right after it are one gesture
        self._last_open = (self._selected_pos, now)
        self.on_open(row)

    def _selection_changed(self, change) -> None:
        pos = change["new"]
        if pos is None or not 0 <= pos < len(self.df) or pos == self._selected_pos:
            return
        self._selected_pos = pos
        if self.on_select:
            self.on_select(self.selected)

    def _message(self, _widget, content, _buffers) -> None:
        if content.get("event") == "sort" and isinstance(content.get("column"), int):
            keys = list(self.columns)
            if 0 <= content["column"] < len(keys):
                self.sort_by(keys[content["column"]])
            return
        if content.get("event") == "open" and isinstance(content.get("row"), int):
            if 0 <= content["row"] < len(self.df):
                self._selected_pos = content["row"]
                self.open_row()
