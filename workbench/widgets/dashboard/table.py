"""A clickable HTML table for the dashboard: every count is a link, every header sorts.

One anywidget instead of a grid of Buttons: a 13-title × 12-column table is
one widget and one message per refresh, not 150. The page tells Python which
cell was clicked (``on_drill(row, column_key)``) or which header
(re-sorted here, in Python, on the small frame the service returned).

Tests drive it without a browser: ``table.click(row, key)``, ``table.sort_by(key)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import anywidget
import pandas as pd
import traitlets

from workbench.services.formatting import NUMERIC_KINDS, display

_ESM = """
function render({ model, el }) {
  const draw = () => {
    const cols = model.get("columns");
    const rows = model.get("rows");
    const sortKey = model.get("sort_key");
    const desc = model.get("sort_desc");
    const table = document.createElement("table");
    table.className = "wb-ctable" + (model.get("fit") ? " fit" : "");
    const head = table.createTHead().insertRow();
    cols.forEach((c) => {
      const th = document.createElement("th");
      th.textContent = c.label + (c.key === sortKey ? (desc ? " ▼" : " ▲") : "");
      th.dataset.key = c.key;
      if (c.num) th.className = "num";
      if (model.get("sortable")) {
        th.classList.add("sortable");
        th.title = "Ordenar por " + c.label;
        th.addEventListener("click", () => model.send({ event: "sort", key: c.key }));
      }
      head.appendChild(th);
    });
    const body = table.createTBody();
    rows.forEach((r, i) => {
      const tr = body.insertRow();
      if (r.cls) tr.className = r.cls;
      if (r.open) {
        tr.classList.add("openable");
        tr.title = "Abrir o atendimento";
        tr.addEventListener("click", (e) => {
          if (!(e.target.closest && e.target.closest("a"))) model.send({ event: "open", row: i });
        });
      }
      r.cells.forEach((cell, j) => {
        const td = tr.insertCell();
        if (cols[j] && cols[j].num) td.className = "num";
        if (cols[j] && cols[j].nowrap) td.classList.add("nowrap");
        if (cell.cls) td.classList.add(cell.cls);
        if (cell.drill) {
          const a = document.createElement("a");
          a.href = "#";
          a.className = "wb-drill";
          a.dataset.row = i; a.dataset.key = cols[j].key;
          a.textContent = cell.text;
          a.title = "Ver a lista";
          a.addEventListener("click", (e) => {
            e.preventDefault(); e.stopPropagation();
            model.send({ event: "drill", row: i, key: cols[j].key });
          });
          td.appendChild(a);
        } else {
          td.textContent = cell.text;
        }
      });
    });
    if (!rows.length) {
      const td = body.insertRow().insertCell();
      td.colSpan = cols.length || 1;
      td.className = "empty";
      td.textContent = model.get("empty_text");
    }
    el.style.overflowX = "auto";
    el.replaceChildren(table);
  };
  draw();
  model.on("change:rows", draw);
  model.on("change:columns", draw);
  model.on("change:sort_key", draw);
  model.on("change:sort_desc", draw);
}
export default { render };
"""

_CSS = """
.wb-ctable { border-collapse: collapse; font-size: 13px; width: 100%; background: #fff; }
.wb-ctable.fit { table-layout: auto; }
.wb-ctable.fit td { white-space: normal; overflow-wrap: anywhere; }
.wb-ctable.fit td.num, .wb-ctable.fit td.nowrap { white-space: nowrap; }
.wb-ctable th { background: #e4ebf2; color: #1f2933; text-align: left; padding: 4px 8px;
                border-bottom: 2px solid #c8d1dc; white-space: normal; vertical-align: bottom; }
.wb-ctable th.sortable { cursor: pointer; }
.wb-ctable th.num, .wb-ctable td.num { text-align: right; }
.wb-ctable td { padding: 3px 8px; border-bottom: 1px solid #e4e7eb; white-space: nowrap; }
.wb-ctable td:first-child { white-space: normal; min-width: 120px; }
.wb-ctable td.wrap { white-space: normal; min-width: 260px; }
.wb-ctable tr:nth-child(even) td { background: #f7f9fb; }
.wb-ctable tr.openable { cursor: pointer; }
.wb-ctable tr.openable:hover td { background: #e8f0fb; }
.wb-ctable tr.late td { background: #fde8e8 !important; }
.wb-ctable tr.overdue td { background: #fff4e0 !important; }
.wb-ctable td.bad, .wb-ctable td.bad a { color: #b3261e; font-weight: 700; }
.wb-ctable td.warn, .wb-ctable td.warn a { color: #a35f00; font-weight: 700; }
.wb-ctable td.good { color: #1e6b32; }
.wb-ctable tr.total td { font-weight: 700; border-top: 2px solid #c8d1dc; }
.wb-ctable a.wb-drill { color: #1f4e79; text-decoration: underline; cursor: pointer; }
.wb-ctable td.empty { color: #7b8794; font-style: italic; }
"""


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"          # a kind of workbench.services.formatting (int, pct, hours, datetime...)
    drill: bool = False         # counts that open their list

    @property
    def num(self) -> bool:
        return self.kind in NUMERIC_KINDS


def columns(spec, drill=()) -> list[Column]:
    """Widget columns from a service table's columns; ``drill``: keys whose counts open their list."""
    return [Column(c.key, c.label, c.kind, c.key in drill) for c in spec]


def fmt(value: Any, kind: str) -> str:
    """pt-BR display of one value (the same as the exports write)."""
    return display(value, kind)


class ClickTable(anywidget.AnyWidget):
    """Rows of a small DataFrame; drill columns are links, the row may open."""

    _esm = _ESM
    _css = _CSS
    columns = traitlets.List([]).tag(sync=True)
    rows = traitlets.List([]).tag(sync=True)
    sort_key = traitlets.Unicode("").tag(sync=True)
    sort_desc = traitlets.Bool(True).tag(sync=True)
    sortable = traitlets.Bool(True).tag(sync=True)
    empty_text = traitlets.Unicode("Nenhum registro.").tag(sync=True)
    fit = traitlets.Bool(False).tag(sync=True)     # wrap text cells so the table fits its box

    def __init__(self, columns: list[Column], *, on_drill: Callable[[dict, str], None] | None = None,
                 on_open: Callable[[dict], None] | None = None, sortable: bool = True,
                 row_class: Callable[[dict], str] | None = None,
                 cell_class: Callable[[dict, str], str] | None = None,
                 empty_text: str = "Nenhum registro.", **kwargs):
        super().__init__(sortable=sortable, empty_text=empty_text, **kwargs)
        self.spec = list(columns)
        self.on_drill = on_drill
        self.on_open = on_open
        self.on_sort: Callable[[str, bool], None] | None = None   # set for server-side sorting
        self.row_class = row_class
        self.cell_class = cell_class
        self.frame = pd.DataFrame()
        self.records: list[dict] = []
        self.columns = [{"key": c.key, "label": c.label, "num": c.num,
                         "nowrap": c.kind in ("code", "date", "datetime")} for c in self.spec]
        self.on_msg(self._message)

    # -- data --------------------------------------------------------------------
    def set_data(self, frame: pd.DataFrame, *, keep_order: bool = False) -> None:
        self.frame = frame.reset_index(drop=True)
        if self.sort_key and not keep_order and self.on_sort is None and self.sort_key in self.frame.columns:
            self.frame = self._sorted(self.frame)
        self._render()

    def _sorted(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.sort_values(self.sort_key, ascending=not self.sort_desc, kind="stable",
                                 na_position="last").reset_index(drop=True)

    def _render(self) -> None:
        self.records = self.frame.to_dict("records")
        rows = []
        for rec in self.records:
            cells = []
            for c in self.spec:
                value = rec.get(c.key)
                drill = c.drill and value is not None and not (isinstance(value, (int, float)) and value == 0)
                cells.append({"text": fmt(value, c.kind), "drill": bool(drill),
                              "cls": self.cell_class(rec, c.key) if self.cell_class else ""})
            rows.append({"cells": cells, "cls": self.row_class(rec) if self.row_class else "",
                         "open": self.on_open is not None})
        self.rows = rows

    def texts(self) -> list[list[str]]:
        """What the page shows (for tests)."""
        return [[c["text"] for c in r["cells"]] for r in self.rows]

    # -- interaction --------------------------------------------------------------
    def click(self, row: int, key: str) -> None:
        """As a click on a count link."""
        if self.on_drill and 0 <= row < len(self.records):
            self.on_drill(self.records[row], key)

    def open_row(self, row: int) -> None:
        if self.on_open and 0 <= row < len(self.records):
            self.on_open(self.records[row])

    def sort_by(self, key: str) -> None:
        """As a click on a header: same column flips the direction."""
        if key == self.sort_key:
            self.sort_desc = not self.sort_desc
        else:
            self.sort_key, self.sort_desc = key, key not in ("title", "label", "script", "operator", "client",
                                                             "origin", "path", "last_question", "protocol")
        if self.on_sort is not None:
            self.on_sort(self.sort_key, self.sort_desc)
        elif self.sort_key in self.frame.columns:
            self.frame = self._sorted(self.frame)
            self._render()

    def _message(self, _widget, content, _buffers) -> None:
        event = content.get("event")
        if event == "drill":
            self.click(int(content.get("row", -1)), str(content.get("key", "")))
        elif event == "open":
            self.open_row(int(content.get("row", -1)))
        elif event == "sort" and self.sortable:
            key = str(content.get("key", ""))
            if any(c.key == key for c in self.spec):
                self.sort_by(key)
