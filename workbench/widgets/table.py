"""The one list widget of the desk: an ipydatagrid ``DataGrid`` in row mode.

Every list (clients found, a client's attendances, history, script report)
goes through :class:`Table`, so selection and "open" behave the same
everywhere:

* a click selects a row (``Table.selected`` is that row as a dict);
* a double click, Enter on the selected row, or the screen's "Abrir" button
  calls ``on_open(row)``.

ipydatagrid reports clicks (``on_cell_click``) and selections but not double
clicks nor keys, so a tiny anywidget (:class:`KeyBridge`) listens in the page
for ``dblclick`` and Enter inside this grid and tells Python. Two clicks on
the same row within ``DOUBLE_CLICK_S`` also count as a double click, so the
grid works even where the bridge cannot load.
"""

from __future__ import annotations

import itertools
import time
from typing import Callable

import anywidget
import ipywidgets as w
import pandas as pd
import traitlets
from ipydatagrid import DataGrid, TextRenderer

DOUBLE_CLICK_S = 0.5
_ids = itertools.count(1)

_BRIDGE_ESM = """
function render({ model, el }) {
  const cls = model.get("target");
  const inside = (e) => e.target && e.target.closest && e.target.closest("." + cls);
  const onKey = (e) => { if (e.key === "Enter" && inside(e)) { model.send({ event: "enter" }); } };
  const onDbl = (e) => { if (inside(e)) { model.send({ event: "dblclick" }); } };
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("dblclick", onDbl, true);
  return () => {
    document.removeEventListener("keydown", onKey, true);
    document.removeEventListener("dblclick", onDbl, true);
  };
}
export default { render };
"""


class KeyBridge(anywidget.AnyWidget):
    """Tells Python about Enter and double clicks inside elements of class ``target``."""

    _esm = _BRIDGE_ESM
    target = traitlets.Unicode("").tag(sync=True)


def _display_value(v):
    if v is None:
        return ""
    if isinstance(v, (pd.Timestamp,)):
        return "" if pd.isna(v) else v.strftime("%d/%m/%Y %H:%M")
    if isinstance(v, bool):
        return "Sim" if v else "Não"
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)


class Table(w.VBox):
    """A selectable, openable list of rows.

    ``columns`` maps DataFrame column → title shown; columns not listed are
    kept (for ``selected``) but not shown.
    """

    def __init__(self, columns: dict[str, str], *, on_open: Callable[[dict], None] | None = None,
                 height: str = "300px", widths: dict[str, int] | None = None,
                 empty_text: str = "Nenhum registro."):
        self.columns = dict(columns)
        self.on_open = on_open
        self.on_select: Callable[[dict | None], None] | None = None
        self.df = pd.DataFrame(columns=list(self.columns))
        self._last_click: tuple[int, float] | None = None
        self._last_open: tuple[int, float] | None = None
        self._selected_pos: int | None = None
        self.cls = f"wb-grid-{next(_ids)}"
        widths = widths or {}
        self.grid = DataGrid(
            self._display(self.df), selection_mode="row", header_visibility="column",
            editable=False, base_row_size=26, base_column_size=120, base_column_header_size=30,
            column_widths={self.columns[k]: v for k, v in widths.items() if k in self.columns},
            default_renderer=TextRenderer(text_color="#1f2933", font="13px sans-serif"),
            layout=w.Layout(height=height, width="100%"),
        )
        self.grid.add_class(self.cls)
        self.grid.add_class("wb-grid")
        self.grid.on_cell_click(self._cell_clicked)
        self.grid.observe(self._selection_changed, "selections")
        self.bridge = KeyBridge(target=self.cls, layout=w.Layout(width="0px", height="0px"))
        self.bridge.on_msg(self._bridge_msg)
        self.empty = w.HTML(f"<i style='color:#7b8794'>{empty_text}</i>")
        self.empty.layout.display = ""
        super().__init__([self.grid, self.empty, self.bridge], layout=w.Layout(width="100%"))

    # -- data ---------------------------------------------------------------
    def _display(self, df: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame(index=range(len(df)))
        for col, label in self.columns.items():
            values = df[col].tolist() if col in df.columns else [""] * len(df)
            out[label] = [_display_value(v) for v in values]
        out.index.name = "#"
        return out

    def set_data(self, df: pd.DataFrame) -> None:
        self.df = df.reset_index(drop=True)
        self.grid.clear_selection()
        self._selected_pos = None
        self._last_click = None
        self.grid.data = self._display(self.df)
        self.empty.layout.display = "none" if len(self.df) else ""

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
        self.grid.select(pos, 0, pos, len(self.columns) - 1)
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
            return  # the bridge's dblclick and the two clicks are one gesture
        self._last_open = (self._selected_pos, now)
        self.on_open(row)

    def _visible_to_pos(self, visible_row: int) -> int | None:
        try:
            visible = self.grid.get_visible_data()
            return int(visible.index[visible_row])
        except Exception:
            return visible_row if 0 <= visible_row < len(self.df) else None

    def _selection_changed(self, change) -> None:
        sel = change["new"] or []
        if not sel:
            return
        pos = self._visible_to_pos(sel[-1]["r1"])
        if pos is not None and pos != self._selected_pos:
            self._selected_pos = pos
            if self.on_select:
                self.on_select(self.selected)

    def _cell_clicked(self, cell: dict) -> None:
        if cell.get("region") not in (None, "body"):
            return
        pos = cell.get("primary_key_row")
        if pos is None:
            pos = self._visible_to_pos(cell.get("row", -1))
        if pos is None:
            return
        pos = int(pos)
        now = time.monotonic()
        double = self._last_click and self._last_click[0] == pos and now - self._last_click[1] <= DOUBLE_CLICK_S
        self._last_click = (pos, now)
        self._selected_pos = pos
        if self.on_select:
            self.on_select(self.selected)
        if double:
            self.open_row()

    def _bridge_msg(self, _widget, content, _buffers) -> None:
        if content.get("event") in ("enter", "dblclick"):
            self.open_row()
