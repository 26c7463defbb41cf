"""The views Por status, Por título and Scripts (Indicadores: :mod:`indicators`).

Each gets the :class:`DashboardData` of a refresh in ``update(data)``; a
click on any count calls ``drill(drill_dict, caption=None)`` (the caption
defaults to the service's description of the drill), and "Exportar" on a
view table calls ``export(table_name, fmt)`` with a name of the service's
``VIEW_TABLES``. No service call and no SQL here.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as w
import pandas as pd

from workbench.services import dashboard_tables as tables
from workbench.widgets.dashboard import charts
from workbench.widgets.dashboard.table import ClickTable, columns, fmt

Drill = Callable[..., None]


def section(text: str) -> w.HTML:
    return w.HTML(f"<div style='font-weight:600;color:#1f4e79;margin:10px 0 4px'>{text}</div>")


def export_buttons(export, *names: str, label: str = "Exportar:") -> w.HBox:
    """"⬇ CSV" and "⬇ Excel" for the view tables ``names`` (one file per table)."""
    buttons = []
    for fmt_, text in (("csv", "⬇ CSV"), ("xlsx", "⬇ Excel")):
        b = w.Button(description=text, tooltip=f"Exportar em {text[2:]}", layout=w.Layout(width="auto"))
        b.add_class(f"wb-export-{fmt_}")
        b.on_click(lambda _b, f=fmt_: [export(n, f) for n in names])
        buttons.append(b)
    return w.HBox([w.HTML(f"<span style='color:#52606d'>{label}</span>"), *buttons],
                  layout=w.Layout(align_items="center"))


class StatusView(w.VBox):
    """Por status: counts, age of the open ones, what is late."""

    def __init__(self, drill: Drill, export):
        self.drill = drill
        self.data = None
        self.table = ClickTable(columns(tables.STATUS, drill=("n", "overdue", "late")),
                                on_drill=self._status_drill, sortable=False,
            cell_class=lambda r, k: "bad" if k in ("overdue", "late") and r.get(k) else "")
        self.table.add_class("wb-status-table")
        self.ages = ClickTable(columns(tables.AGE, drill=("n",)),
                               on_drill=lambda r, k: self.drill({"age": r["bucket"]}), sortable=False,
            cell_class=lambda r, k: "bad" if k in ("overdue", "late") and r.get(k) else "")
        self.ages.add_class("wb-age-table")
        self.chart = charts.hbar("Atendimentos por status", on_click=self._chart_drill)
        self.note = w.HTML("")
        super().__init__([
            w.HBox([w.VBox([self.table, self.note], layout=w.Layout(width="55%", margin="0 12px 0 0")),
                    w.VBox([self.chart.widget], layout=w.Layout(width="45%"))]),
            section("Idade dos atendimentos em aberto"), self.ages,
            export_buttons(export, "status", "age"),
        ])

    def update(self, data) -> None:
        self.data = data
        frame = data.status
        self.table.row_class = lambda r: "total" if r["code"] is None else ""
        self.table.set_data(data.table("status")[0])
        self.ages.set_data(data.age)
        k = data.kpis
        self.note.value = (f"<div style='margin-top:6px;color:#52606d'>Em aberto: <b>{fmt(k['open_backlog'], 'int')}</b>"
                           f" · vencidos: <b style='color:#b3261e'>{fmt(k['overdue'], 'int')}</b>"
                           f" · fora do prazo Anatel (reclamação 7 dias, demais 10 dias): "
                           f"<b style='color:#b3261e'>{fmt(k['late'], 'int')}</b></div>")
        charts.update(self.chart, list(frame["label"]), [int(x) for x in frame["n"]], list(frame["code"]),
                      colors=[charts.OPEN_COLOR if o else charts.CLOSED_COLOR for o in frame["is_open"]],
                      horizontal=True)

    def _status_drill(self, row: dict, key: str) -> None:
        base = {"status": row["code"]} if row["code"] is not None else {"backlog": True}   # the Total row
        extra = {"n": {}, "overdue": {"overdue": True}, "late": {"late": True}}[key]
        self.drill({**base, **extra})

    def _chart_drill(self, code) -> None:
        self.drill({"status": code})


class TitleView(w.VBox):
    """Por título: counts per status, share of all, trend against the previous period."""

    def __init__(self, drill: Drill, export):
        self.drill = drill
        self.data = None
        self.table = None
        self.box = w.VBox([])
        self.chart = charts.hbar("Atendimentos por título", on_click=self._chart_drill, left=270)
        self.hint = w.HTML("<div style='color:#7b8794;font-size:12px'>Clique num título de coluna para "
                           "ordenar; num número para ver a lista. Tendência: comparação com o período "
                           "anterior de mesma duração.</div>")
        super().__init__([self.hint, self.box, self.chart.widget, export_buttons(export, "titles")])

    def update(self, data) -> None:
        self.data = data
        if self.table is None or [c.key for c in self.table.spec][5:] != data.status_labels:
            cols = columns(tables.titles_columns(data.status_labels),
                           drill=(*data.status_labels, "total", "previous"))
            self.table = ClickTable(cols, on_drill=self._drill,
                                    cell_class=lambda r, k: ("bad" if k == "trend" and r[k] > 0.2 else
                                                             "good" if k == "trend" and r[k] < -0.2 else ""))
            self.table.add_class("wb-title-table")
            self.table.sort_key, self.table.sort_desc = "total", True
            self.box.children = [self.table]
        self.table.set_data(data.titles)
        top = data.titles.sort_values("total", ascending=False).head(15)
        charts.update(self.chart, list(top["title"]), [int(x) for x in top["total"]], list(top["title_code"]),
                      horizontal=True)

    def _drill(self, row: dict, key: str) -> None:
        base = {"title": row["title_code"]}
        if key == "total":
            self.drill(base)
        elif key == "previous":
            self.drill({**base, "previous": True})
        else:
            codes = dict(zip(self.data.status["label"], self.data.status["code"]))
            self.drill({**base, "status": codes[key]})

    def _chart_drill(self, code) -> None:
        self.drill({"title": code})


class ScriptsView(w.VBox):
    """Scripts: runs, where people end, which answer paths end resolved or with an O.S."""

    def __init__(self, drill: Drill, export):
        self.drill = drill
        self.data = None
        self.scripts = ClickTable(columns(tables.SCRIPTS, drill=("runs", "fim", "encerrado", "resolved", "os")),
                                  on_drill=self._script_drill)
        self.scripts.sort_key = "runs"
        self.scripts.add_class("wb-script-table")
        self.ends = ClickTable(columns(tables.SCRIPT_ENDS, drill=("n",)), on_drill=self._end_drill,
                               cell_class=lambda r, k: "wrap" if k == "last_question" else "")
        self.ends.sort_key = "n"
        self.paths = ClickTable(columns(tables.SCRIPT_PATHS, drill=("n",)), on_drill=self._path_drill,
                                cell_class=lambda r, k: ("wrap" if k == "path" else "good" if k == "resolved" and r[k]
                                                         else "warn" if k == "os" and r[k] else ""))
        self.paths.sort_key = "n"
        self.paths.add_class("wb-path-table")
        self.script_filter = w.Dropdown(options=[("Todos os scripts", None)], description="Script",
                                        layout=w.Layout(width="300px"))
        self.script_filter.observe(lambda _c: self._show_paths(), "value")
        super().__init__([
            self.scripts,
            section("Onde os atendimentos terminam no script"), self.script_filter, self.ends,
            section("Caminhos de respostas: resolvidos × O.S. (os 30 mais frequentes)"), self.paths,
            export_buttons(export, "scripts", "script_ends", "script_paths"),
        ])

    def update(self, data) -> None:
        self.data = data
        self.scripts.set_data(data.scripts)
        options = [("Todos os scripts", None)] + [(n, c) for c, n in zip(data.scripts["script_code"], data.scripts["script"])]
        current = self.script_filter.value
        self.script_filter.options = options
        self.script_filter.value = current if current in [v for _l, v in options] else None
        self._show_paths()

    def _show_paths(self) -> None:
        if self.data is None:
            return
        code = self.script_filter.value
        ends, paths = self.data.script_ends, self.data.script_paths
        if code is not None:
            ends, paths = ends[ends["script_code"] == code], paths[paths["script_code"] == code]
        self.ends.set_data(ends)
        self.paths.set_data(paths.sort_values("n", ascending=False).head(30))

    def _script_drill(self, row: dict, key: str) -> None:
        base = {"script": row["script_code"]}
        extra = {"runs": {}, "fim": {"script_outcome": "fim"}, "encerrado": {"script_outcome": "encerrado"},
                 "resolved": {"resolved": True}, "os": {"os_requested": True}}[key]
        self.drill({**base, **extra})

    def _end_drill(self, row: dict, _key: str) -> None:
        if row.get("last_question_id") is None or pd.isna(row.get("last_question_id")):
            self.drill({"script": row["script_code"]})
            return
        self.drill({"script": row["script_code"], "last_question": row["last_question_id"]},
                   f"Script: {row['script']} · terminou em “{row['last_question']}”")

    def _path_drill(self, row: dict, _key: str) -> None:
        if row.get("path_key") is None or pd.isna(row.get("path_key")):
            self.drill({"script": row["script_code"]})
            return
        self.drill({"script": row["script_code"], "path": int(row["path_key"])},
                   f"Script: {row['script']} · {row['path']}")
