"""Indicadores: KPI cards, opened × closed per day, backlog over time, resolution time and SLA,
work orders, volume by origin and hour, operators; and the wallboard's large cards.

Every figure is a button or a link: a click opens the list behind it
(``drill(spec)``, the caption from the service). No service call here.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Callable

import ipywidgets as w
import pandas as pd

from workbench.services import dashboard_tables as tables
from workbench.services.dashboard import RESOLUTION_DIMENSIONS
from workbench.services.formatting import display, tz
from workbench.widgets.common import esc
from workbench.widgets.dashboard import charts
from workbench.widgets.dashboard.table import ClickTable, columns
from workbench.widgets.dashboard.views import Drill, export_buttons, section

# key, caption, kind, what a click opens ("abandoned" opens the protocol log list)
CARDS = [
    ("open_backlog", "Em aberto (backlog)", "int", {"open": True}),
    ("opened_today", "Abertos hoje", "int", "today"),
    ("opened_week", "Abertos nesta semana", "int", "week"),
    ("fcr_rate", "Resolvidos no 1º contato", "pct", {"resolved": True}),
    ("os_rate", "Precisaram de O.S.", "pct", {"os_requested": True}),
    ("abandoned", "Protocolos abandonados", "int", "abandoned"),
    ("resolution_median_h", "Tempo de resolução, mediana (h)", "hours", {"closed": True}),
    ("resolution_p90_h", "Tempo de resolução, p90 (h)", "hours", {"closed": True}),
    ("sla_rate", "No prazo do tipo (SLA)", "pct", {"sla": "missed"}),
    ("anatel_rate", "No prazo Anatel (7/10 dias)", "pct", {"anatel": "missed"}),
    ("reopen_rate", "Reabertos", "pct", {"reopened": True}),
    ("repeat_rate", "Contato repetido em 30 dias", "pct", {"repeat": True}),
]
# the wallboard's cards: what a supervisor reads from across the room
WALL_CARDS = ("open_backlog", "opened_today", "fcr_rate", "sla_rate", "anatel_rate", "resolution_median_h",
              "abandoned", "repeat_rate")
WALL_EXTRA = [("overdue", "Vencidos", "int", {"overdue": True}), ("late", "Fora do prazo Anatel", "int", {"late": True})]
_CARD = {key: (label, kind, target) for key, label, kind, target in CARDS + WALL_EXTRA}


def _tooltip(key: str, k: dict) -> str:
    n = lambda v: display(v, "int")  # noqa: E731
    return {
        "fcr_rate": f"{n(k['resolved'])} de {n(k['total'])} atendimentos",
        "os_rate": f"{n(k['os'])} de {n(k['total'])} atendimentos",
        "sla_rate": f"{n(k['sla_met'])} no prazo, {n(k['sla_missed'])} fora (clique: os fora do prazo)",
        "anatel_rate": f"{n(k['anatel_met'])} no prazo, {n(k['anatel_missed'])} fora (clique: os fora do prazo)",
        "reopen_rate": f"{n(k['reopened'])} de {n(k['ever_closed'])} encerrados alguma vez",
        "repeat_rate": f"{n(k['repeats'])} de {n(k['total'])} atendimentos",
        "resolution_median_h": f"{n(k['closed'])} atendimentos encerrados no período",
        "resolution_p90_h": f"90% dos {n(k['closed'])} encerrados levaram até este tempo",
    }.get(key, "Ver a lista")


class Cards(w.HBox):
    """KPI cards: a big clickable value over its caption."""

    def __init__(self, keys, on_click: Callable[[str], None], *, wall: bool = False):
        self.buttons: dict[str, w.Button] = {}
        boxes = []
        for key in keys:
            label = _CARD[key][0]
            btn = w.Button(description="—", layout=w.Layout(width="100%", height="88px" if wall else "44px"))
            btn.style.font_size = "44px" if wall else "20px"
            btn.style.font_weight = "bold"
            btn.add_class(f"wb-kpi-{key}")
            btn.on_click(lambda _b, k=key: on_click(k))
            self.buttons[key] = btn
            caption = w.HTML(f"<div class='wb-kpi-caption'>{esc(label)}</div>")
            box = w.VBox([btn, caption], layout=w.Layout(width="calc(20% - 12px)" if wall else "160px",
                                                         min_width="200px" if wall else "160px",
                                                         margin="0 12px 12px 0" if wall else "0 8px 8px 0"))
            box.add_class("wb-kpi-card")
            boxes.append(box)
        super().__init__(boxes, layout=w.Layout(flex_flow="row wrap"))
        self.add_class("wb-kpis-wall" if wall else "wb-kpis")

    def update(self, kpis: dict) -> None:
        for key, btn in self.buttons.items():
            btn.description = display(kpis.get(key), _CARD[key][1])
            btn.tooltip = _tooltip(key, kpis)


def card_drill(key: str, drill: Drill, open_abandoned: Callable[[], None]) -> None:
    """What a click on the card ``key`` opens."""
    target = _CARD[key][2]
    now = datetime.now(tz())
    today = datetime.combine(now.date(), time.min, tz())
    if target == "abandoned":
        open_abandoned()
    elif target == "today":
        drill({"since": today}, "Abertos hoje")
    elif target == "week":
        drill({"since": today - timedelta(days=now.weekday())}, "Abertos nesta semana")
    else:
        drill(dict(target))


class IndicatorsView(w.VBox):
    """Indicadores: the KPIs, flows per day, resolution time, work orders, volume, operators."""

    def __init__(self, drill: Drill, export, open_abandoned: Callable[[], None]):
        self.drill = drill
        self.data = None
        click = lambda k: card_drill(k, drill, open_abandoned)  # noqa: E731
        self.cards = Cards([c[0] for c in CARDS[:6]], click)
        self.sla_cards = Cards([c[0] for c in CARDS[6:]], click)
        self.card_buttons = {**self.cards.buttons, **self.sla_cards.buttons}
        self.flow = charts.MultiLine("Abertos × encerrados por dia", ["Abertos", "Encerrados"],
                                     [charts.BLUE, charts.CLOSED_COLOR], on_click=self._flow_drill)
        self.backlog = charts.line("Em aberto no fim de cada dia", height=220, on_click=self._backlog_drill)
        self.dimension = w.ToggleButtons(options=[(d.label, d.key) for d in _dimensions()], value="title",
                                         style={"button_width": "auto"})
        self.dimension.observe(lambda _c: self._show_resolution(), "value")
        self.resolution = ClickTable(columns(tables.RESOLUTION, drill=("n",)), on_drill=self._resolution_drill)
        self.resolution.sort_key, self.resolution.sort_desc = "n", True
        self.resolution.add_class("wb-resolution-table")
        self.orders = ClickTable(columns(tables.ORDERS, drill=("n", *[c.key for c in tables.ORDERS[2:]])),
                                 on_drill=self._order_drill, sortable=False, empty_text="Nenhuma O.S.")
        self.orders.add_class("wb-orders-table")
        self.origin = charts.hbar("Por origem", height=220, on_click=lambda c: self.drill({"origin": c}), left=150)
        self.hour = charts.vbar("Por hora do dia", on_click=lambda h: self.drill({"hour": int(h)}))
        self.operators = ClickTable(columns(tables.OPERATORS, drill=("n", "resolved", "os")),
                                    on_drill=self._operator_drill)
        self.operators.sort_key, self.operators.sort_desc = "n", True
        self.operators.add_class("wb-operator-table")
        super().__init__([
            self.cards, section("Resolução e prazos (atendimentos abertos no período)"), self.sla_cards,
            self.flow.widget, self.backlog.widget,
            section("Tempo de resolução por"), self.dimension, self.resolution,
            export_buttons(export, *[f"resolution_{d.key}" for d in _dimensions()]),
            section("Ordens de serviço: por status e idade (as em aberto, de qualquer data)"), self.orders,
            export_buttons(export, "orders"),
            export_buttons(export, "flow", label="Exportar abertos, encerrados e em aberto por dia:"),
            w.HBox([w.VBox([self.origin.widget], layout=w.Layout(width="45%")),
                    w.VBox([self.hour.widget], layout=w.Layout(width="55%"))]),
            section("Por operador"), self.operators, export_buttons(export, "operators"),
        ])

    def update(self, data) -> None:
        self.data = data
        self.cards.update(data.kpis)
        self.sla_cards.update(data.kpis)
        days = list(data.flow["day"])
        self.flow.update(days, [list(data.flow["opened"]), list(data.flow["closed"])], days)
        charts.update(self.backlog, [pd.Timestamp(d) for d in days], [int(x) for x in data.flow["backlog"]], days)
        self._show_resolution()
        self.orders.set_data(data.orders)
        charts.update(self.origin, list(data.by_origin["origin"]), [int(x) for x in data.by_origin["n"]],
                      list(data.by_origin["origin_code"]), horizontal=True)
        charts.update(self.hour, [f"{h:02d}h" for h in data.by_hour["hour"]], [int(x) for x in data.by_hour["n"]],
                      list(data.by_hour["hour"]))
        self.operators.set_data(data.operators)

    def _show_resolution(self) -> None:
        if self.data is not None:
            self.resolution.set_data(self.data.resolution[self.dimension.value])

    # -- drills ---------------------------------------------------------------------------
    def _flow_drill(self, series: int, day) -> None:
        self.drill({"day": day} if series == 0 else {"closed_day": day})

    def _backlog_drill(self, day) -> None:
        self.drill({"open_on": day})

    def _resolution_drill(self, row: dict, _key: str) -> None:
        self.drill({"closed": True, self.dimension.value: row["key"]})

    def _order_drill(self, row: dict, key: str) -> None:
        if key == "n":
            self.drill({"os_status": row["status"]})
        else:
            self.drill({"os_status": row["status"], "os_age": key})

    def _operator_drill(self, row: dict, key: str) -> None:
        extra = {"n": {}, "resolved": {"resolved": True}, "os": {"os_requested": True}}[key]
        self.drill({"operator_id": int(row["operator_id"]), **extra})


def _dimensions():
    return RESOLUTION_DIMENSIONS


class WallBoard(w.VBox):
    """The wallboard: large KPI cards and the day's flow, for a TV on the wall (``?tela=parede``)."""

    def __init__(self, drill: Drill, open_abandoned: Callable[[], None]):
        click = lambda k: card_drill(k, drill, open_abandoned)  # noqa: E731
        self.cards = Cards([*WALL_CARDS[:2], "overdue", "late", *WALL_CARDS[2:]], click, wall=True)
        self.flow = charts.MultiLine("Abertos × encerrados por dia", ["Abertos", "Encerrados"],
                                     [charts.BLUE, charts.CLOSED_COLOR], height=300)
        super().__init__([self.cards, self.flow.widget])
        self.add_class("wb-wallboard")

    def update(self, data) -> None:
        self.cards.update(data.kpis)
        days = list(data.flow["day"])
        self.flow.update(days, [list(data.flow["opened"]), list(data.flow["closed"])], days)
