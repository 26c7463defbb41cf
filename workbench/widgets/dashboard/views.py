"""The four views of the dashboard. Each gets the :class:`DashboardData` of a
refresh in ``update(data)``; a click on any count calls
``drill(drill_dict, caption)``, and "Exportar" on a view table calls
``export(frame, name)``. No service call and no SQL here.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

import ipywidgets as w
import pandas as pd

from workbench import settings
from workbench.widgets.dashboard import charts
from workbench.widgets.dashboard.table import ClickTable, Column, fmt

Drill = Callable[[dict, str], None]


def _section(text: str) -> w.HTML:
    return w.HTML(f"<div style='font-weight:600;color:#1f4e79;margin:10px 0 4px'>{text}</div>")


def _export_buttons(export, name: str, frame_getter) -> w.HBox:
    csv = w.Button(description="⬇ CSV", tooltip=f"Exportar {name} em CSV",
                   layout=w.Layout(width="auto"))
    xlsx = w.Button(description="⬇ Excel", tooltip=f"Exportar {name} em Excel",
                    layout=w.Layout(width="auto"))
    csv.on_click(lambda _b: export(frame_getter(), name, "csv"))
    xlsx.on_click(lambda _b: export(frame_getter(), name, "xlsx"))
    return w.HBox([w.HTML("<span style='color:#52606d'>Exportar:</span>"), csv, xlsx],
                  layout=w.Layout(align_items="center"))


class StatusView(w.VBox):
    """Por status: counts, age of the open ones, what is late."""

    def __init__(self, drill: Drill, export):
        self.drill = drill
        self.data = None
        self.table = ClickTable([
            Column("label", "Status"), Column("n", "Atendimentos", "int", drill=True),
            Column("overdue", "Vencidos (prazo do tipo)", "int", drill=True),
            Column("late", "Fora do prazo Anatel", "int", drill=True),
        ], on_drill=self._status_drill, sortable=False,
            cell_class=lambda r, k: "bad" if k in ("overdue", "late") and r.get(k) else "")
        self.table.add_class("wb-status-table")
        self.ages = ClickTable([
            Column("label", "Idade (em aberto)"), Column("n", "Atendimentos", "int", drill=True),
            Column("overdue", "Vencidos", "int"), Column("late", "Fora do prazo Anatel", "int"),
        ], on_drill=lambda r, k: self.drill({"age": r["bucket"]}, f"Em aberto há {r['label']}"), sortable=False,
            cell_class=lambda r, k: "bad" if k in ("overdue", "late") and r.get(k) else "")
        self.ages.add_class("wb-age-table")
        self.chart = charts.hbar("Atendimentos por status", on_click=self._chart_drill)
        self.note = w.HTML("")
        super().__init__([
            w.HBox([w.VBox([self.table, self.note], layout=w.Layout(width="55%", margin="0 12px 0 0")),
                    w.VBox([self.chart.widget], layout=w.Layout(width="45%"))]),
            _section("Idade dos atendimentos em aberto"), self.ages,
            _export_buttons(export, "por status", lambda: self.data.status if self.data else pd.DataFrame()),
        ])

    def update(self, data) -> None:
        self.data = data
        frame = data.status.copy()
        total = pd.DataFrame([{"code": None, "label": "Total", "is_open": None, "n": frame["n"].sum(),
                               "overdue": frame["overdue"].sum(), "late": frame["late"].sum()}])
        self.table.row_class = lambda r: "total" if r["code"] is None else ""
        self.table.set_data(pd.concat([frame, total], ignore_index=True))
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
        label = row["label"]
        base = {"status": row["code"]} if row["code"] is not None else {}
        if key == "n":
            self.drill(base, f"Status: {label}")
        elif key == "overdue":
            self.drill({**base, "overdue": True}, f"Vencidos · {label}")
        elif key == "late":
            self.drill({**base, "late": True}, f"Fora do prazo Anatel · {label}")

    def _chart_drill(self, code) -> None:
        labels = dict(zip(self.data.status["code"], self.data.status["label"])) if self.data else {}
        self.drill({"status": code}, f"Status: {labels.get(code, code)}")


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
        super().__init__([self.hint, self.box, self.chart.widget,
                          _export_buttons(export, "por titulo", self._export_frame)])

    def _export_frame(self) -> pd.DataFrame:
        if self.data is None:
            return pd.DataFrame()
        return self.data.titles.drop(columns=["title_code"]).rename(columns={
            "title": "Título", "total": "Total", "share": "Participação", "previous": "Período anterior",
            "trend": "Tendência"})

    def update(self, data) -> None:
        self.data = data
        if self.table is None or [c.key for c in self.table.spec][1:-4] != data.status_labels:
            cols = [Column("title", "Título")] + [Column(s, s, "int", drill=True) for s in data.status_labels] + [
                Column("total", "Total", "int", drill=True), Column("share", "% do total", "pct"),
                Column("previous", "Período anterior", "int", drill=True), Column("trend", "Tendência", "trend")]
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
        title = row["title"]
        if key == "total":
            self.drill(base, f"Título: {title}")
        elif key == "previous":
            self.drill({**base, "previous": True}, f"Título: {title} · período anterior")
        else:
            codes = dict(zip(self.data.status["label"], self.data.status["code"]))
            self.drill({**base, "status": codes[key]}, f"Título: {title} · {key}")

    def _chart_drill(self, code) -> None:
        labels = dict(zip(self.data.titles["title_code"], self.data.titles["title"])) if self.data else {}
        self.drill({"title": code}, f"Título: {labels.get(code, code)}")


def _card(label: str, css_class: str) -> tuple[w.Button, w.HTML]:
    value = w.Button(description="—", layout=w.Layout(width="150px", height="44px"))
    value.style.font_size = "20px"
    value.style.font_weight = "bold"
    value.add_class(css_class)
    caption = w.HTML(f"<div style='color:#52606d;font-size:12px;width:150px'>{label}</div>")
    return value, caption


class IndicatorsView(w.VBox):
    """Indicadores: backlog, today/week, first-contact resolution, O.S., abandoned; charts; operators."""

    CARDS = [("open_backlog", "Em aberto (backlog)"), ("opened_today", "Abertos hoje"),
             ("opened_week", "Abertos nesta semana"), ("fcr_rate", "Resolvidos no 1º contato"),
             ("os_rate", "Precisaram de O.S."), ("abandoned", "Protocolos abandonados")]

    def __init__(self, drill: Drill, export, open_abandoned: Callable[[], None]):
        self.drill = drill
        self.open_abandoned = open_abandoned
        self.data = None
        self.cards = {}
        boxes = []
        for key, label in self.CARDS:
            btn, cap = _card(label, f"wb-kpi-{key}")
            btn.on_click(lambda _b, k=key: self._card_drill(k))
            self.cards[key] = btn
            boxes.append(w.VBox([btn, cap], layout=w.Layout(margin="0 8px 6px 0")))
        self.daily = charts.line("Volume diário", on_click=self._day_drill)
        self.origin = charts.hbar("Por origem", height=220, on_click=self._origin_drill)
        self.hour = charts.vbar("Por hora do dia", on_click=lambda h: self.drill({"hour": h}, f"Abertos às {h:02d}h"))
        self.operators = ClickTable([
            Column("operator", "Operador"), Column("n", "Atendimentos", "int", drill=True),
            Column("resolved", "Resolvidos no 1º contato", "int", drill=True),
            Column("resolution_rate", "Taxa de resolução", "pct"), Column("os", "Com O.S.", "int", drill=True),
            Column("os_rate", "% com O.S.", "pct")], on_drill=self._operator_drill)
        self.operators.sort_key, self.operators.sort_desc = "n", True
        self.operators.add_class("wb-operator-table")
        super().__init__([
            w.HBox(boxes, layout=w.Layout(flex_flow="row wrap")),
            self.daily.widget,
            w.HBox([w.VBox([self.origin.widget], layout=w.Layout(width="45%")),
                    w.VBox([self.hour.widget], layout=w.Layout(width="55%"))]),
            _section("Por operador"), self.operators,
            _export_buttons(export, "por operador", lambda: self.data.operators if self.data else pd.DataFrame()),
        ])

    def update(self, data) -> None:
        self.data = data
        k = data.kpis
        for key, btn in self.cards.items():
            btn.description = fmt(k[key], "pct" if key.endswith("rate") else "int")
        self.cards["fcr_rate"].tooltip = f"{k['resolved']} de {k['total']} atendimentos"
        self.cards["os_rate"].tooltip = f"{k['os']} de {k['total']} atendimentos"
        charts.update(self.daily, [pd.Timestamp(d) for d in data.daily["day"]], [int(x) for x in data.daily["n"]],
                      list(data.daily["day"]))
        charts.update(self.origin, list(data.by_origin["origin"]), [int(x) for x in data.by_origin["n"]],
                      list(data.by_origin["origin_code"]), horizontal=True)
        charts.update(self.hour, [f"{h:02d}h" for h in data.by_hour["hour"]], [int(x) for x in data.by_hour["n"]],
                      list(data.by_hour["hour"]))
        self.operators.set_data(data.operators)

    def _card_drill(self, key: str) -> None:
        tz = ZoneInfo(settings.get("timezone"))
        now = datetime.now(tz)
        today = datetime.combine(now.date(), time.min, tz)
        if key == "open_backlog":
            self.drill({"open": True}, "Em aberto")
        elif key == "opened_today":
            self.drill({"since": today}, "Abertos hoje")
        elif key == "opened_week":
            self.drill({"since": today - timedelta(days=now.weekday())}, "Abertos nesta semana")
        elif key == "fcr_rate":
            self.drill({"resolved": True}, "Resolvidos no primeiro contato")
        elif key == "os_rate":
            self.drill({"os_requested": True}, "Com O.S.")
        elif key == "abandoned":
            self.open_abandoned()

    def _operator_drill(self, row: dict, key: str) -> None:
        base = {"operator_id": int(row["operator_id"])}
        extra = {"n": ({}, ""), "resolved": ({"resolved": True}, " · resolvidos no 1º contato"),
                 "os": ({"os_requested": True}, " · com O.S.")}[key]
        self.drill({**base, **extra[0]}, f"Operador: {row['operator']}{extra[1]}")

    def _day_drill(self, day) -> None:
        self.drill({"day": day}, f"Abertos em {pd.Timestamp(day):%d/%m/%Y}")

    def _origin_drill(self, code) -> None:
        labels = dict(zip(self.data.by_origin["origin_code"], self.data.by_origin["origin"])) if self.data else {}
        self.drill({"origin": code}, f"Origem: {labels.get(code, code)}")


class ScriptsView(w.VBox):
    """Scripts: runs, where people end, which answer paths end resolved or with an O.S."""

    def __init__(self, drill: Drill, export):
        self.drill = drill
        self.data = None
        self.scripts = ClickTable([
            Column("script", "Script"), Column("runs", "Execuções", "int", drill=True),
            Column("fim", "Chegaram ao fim", "int", drill=True),
            Column("encerrado", "Encerrados antes", "int", drill=True),
            Column("resolved", "Resolvidos", "int", drill=True), Column("resolution_rate", "Taxa de resolução", "pct"),
            Column("os", "Com O.S.", "int", drill=True)], on_drill=self._script_drill)
        self.scripts.sort_key = "runs"
        self.scripts.add_class("wb-script-table")
        self.ends = ClickTable([
            Column("script", "Script"), Column("last_question", "Última pergunta respondida"),
            Column("n", "Atendimentos", "int", drill=True), Column("resolved", "Resolvidos", "int"),
            Column("os", "Com O.S.", "int")], on_drill=self._end_drill,
            cell_class=lambda r, k: "wrap" if k == "last_question" else "")
        self.ends.sort_key = "n"
        self.paths = ClickTable([
            Column("script", "Script"), Column("path", "Respostas (caminho)"), Column("n", "Atendimentos", "int", drill=True),
            Column("resolved", "Resolvidos", "int"), Column("os", "Com O.S.", "int"),
            Column("open", "Sem resolução nem O.S.", "int")], on_drill=self._path_drill,
            cell_class=lambda r, k: ("wrap" if k == "path" else "good" if k == "resolved" and r[k]
                                     else "warn" if k == "os" and r[k] else ""))
        self.paths.sort_key = "n"
        self.paths.add_class("wb-path-table")
        self.script_filter = w.Dropdown(options=[("Todos os scripts", None)], description="Script",
                                        layout=w.Layout(width="300px"))
        self.script_filter.observe(lambda _c: self._show_paths(), "value")
        super().__init__([
            self.scripts,
            _section("Onde os atendimentos terminam no script"), self.script_filter, self.ends,
            _section("Caminhos de respostas: resolvidos × O.S. (os 30 mais frequentes)"), self.paths,
            _export_buttons(export, "caminhos do script", lambda: self.data.script_paths if self.data else pd.DataFrame()),
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
        extra = {"runs": ({}, ""), "fim": ({"script_outcome": "fim"}, " · chegaram ao fim"),
                 "encerrado": ({"script_outcome": "encerrado"}, " · encerrados antes do fim"),
                 "resolved": ({"resolved": True}, " · resolvidos"), "os": ({"os_requested": True}, " · com O.S.")}[key]
        self.drill({**base, **extra[0]}, f"Script: {row['script']}{extra[1]}")

    def _end_drill(self, row: dict, _key: str) -> None:
        if row.get("last_question_id") is None or pd.isna(row.get("last_question_id")):
            self.drill({"script": row["script_code"]}, f"Script: {row['script']}")
            return
        self.drill({"script": row["script_code"], "last_question": row["last_question_id"]},
                   f"Script: {row['script']} · terminou em “{row['last_question']}”")

    def _path_drill(self, row: dict, _key: str) -> None:
        if row.get("path_key") is None or pd.isna(row.get("path_key")):
            self.drill({"script": row["script_code"]}, f"Script: {row['script']}")
            return
        self.drill({"script": row["script_code"], "path": int(row["path_key"])},
                   f"Script: {row['script']} · {row['path']}")
