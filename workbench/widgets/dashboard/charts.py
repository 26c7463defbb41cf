"""The dashboard's charts, with bqplot.

Why bqplot and not plotly's FigureWidget: both work offline, but plotly 6's
FigureWidget is an anywidget that carries the whole plotly.js (~5 MB) in the
state of EVERY chart, so a page with five charts sent ~25 MB to the browser.
bqplot is a classic ipywidget whose JavaScript is installed once as a
JupyterLab/Voila extension (no CDN) and each chart's state is just its data.

Each chart is built once and updated in place on every refresh; a click on a
bar or point calls ``on_click(key)`` with the key of that bar (status code,
title code, hour, day...).
"""

from __future__ import annotations

from typing import Callable

import math

import bqplot as bq
import ipywidgets as w
import numpy as np

BLUE = "#1f4e79"
OPEN_COLOR = "#d9822b"
CLOSED_COLOR = "#3f7f4f"
_TITLE_STYLE = {"font-size": "14px", "fill": BLUE, "font-weight": "600"}


class Chart:
    """A bqplot Figure plus the click → drill wiring."""

    def __init__(self, figure: bq.Figure, mark, on_click: Callable[[object], None] | None, *,
                 horizontal: bool = False, extra_marks=()):
        self.figure = figure
        self.widget = figure
        self.mark = mark
        self.extra_marks = list(extra_marks)
        self.horizontal = horizontal
        self.on_click = on_click
        self.keys: list = []
        for m in [mark, *self.extra_marks]:
            m.on_element_click(self._clicked)

    def _clicked(self, _mark, event) -> None:
        index = (event.get("data") or {}).get("index")
        if index is not None:
            self.click(int(index))

    def click(self, index: int) -> None:
        """As a click on bar/point ``index``."""
        if self.on_click and 0 <= index < len(self.keys):
            self.on_click(self.keys[index])


def _figure(title: str, marks, axes, height: int, left: int = 50) -> bq.Figure:
    fig = bq.Figure(marks=marks, axes=axes, title=title, title_style=_TITLE_STYLE,
                    fig_margin={"top": 36, "bottom": 36, "left": left, "right": 16},
                    layout=w.Layout(height=f"{height}px", width="100%"), animation_duration=0)
    fig.add_class("wb-chart")
    return fig


def hbar(title: str, *, height: int = 300, on_click=None, left: int = 210, label_format: str = ",d") -> Chart:
    """Horizontal bars: categories top to bottom (status, title, origin)."""
    x = bq.OrdinalScale(reverse=True)
    y = bq.LinearScale(min=0, allow_padding=False)
    bars = bq.Bars(x=[], y=[], scales={"x": x, "y": y}, orientation="horizontal", colors=[BLUE],
                   padding=0.25, display_legend=False,
                   tooltip=bq.Tooltip(fields=["x", "y"], formats=["", label_format], labels=["", "Qtd."]),
)
    axes = [bq.Axis(scale=x, side="left", tick_style={"font-size": "12px"}),
            bq.Axis(scale=y, side="bottom", tick_format="d", grid_lines="dashed")]
    return Chart(_figure(title, [bars], axes, height, left), bars, on_click, horizontal=True)


def vbar(title: str, *, height: int = 260, on_click=None) -> Chart:
    """Vertical bars (hour of day)."""
    x = bq.OrdinalScale()
    y = bq.LinearScale(min=0, allow_padding=False)
    bars = bq.Bars(x=[], y=[], scales={"x": x, "y": y}, colors=[BLUE], padding=0.15,
                   tooltip=bq.Tooltip(fields=["x", "y"], labels=["", "Qtd."]))
    axes = [bq.Axis(scale=x, tick_style={"font-size": "10px"}),
            bq.Axis(scale=y, side="left", tick_format="d", grid_lines="dashed")]
    return Chart(_figure(title, [bars], axes, height), bars, on_click)


class MultiLine:
    """Several daily series on one date axis (abertos × encerrados), each point clickable:
    ``on_click(series_index, key)``; a legend names the series."""

    def __init__(self, title: str, names: list[str], colors: list[str], *, height: int = 260, on_click=None):
        x = bq.DateScale()
        y = bq.LinearScale(min=0, allow_padding=False)
        self.keys: list = []
        self.on_click = on_click
        self.lines = bq.Lines(x=np.array([], dtype="datetime64[ms]"), y=[[] for _ in names],
                              scales={"x": x, "y": y}, colors=colors, stroke_width=2, labels=names,
                              display_legend=True)
        self.points = []
        for i, (name, color) in enumerate(zip(names, colors)):
            pts = bq.Scatter(x=np.array([], dtype="datetime64[ms]"), y=[], scales={"x": x, "y": y}, colors=[color],
                             default_size=22, tooltip=bq.Tooltip(fields=["x", "y"], formats=["%d/%m", ",d"],
                                                                labels=["Dia", name]))
            pts.on_element_click(lambda _m, event, i=i: self._clicked(i, event))
            self.points.append(pts)
        axes = [bq.Axis(scale=x, tick_format="%d/%m", num_ticks=8),
                bq.Axis(scale=y, side="left", tick_format="d", grid_lines="dashed", num_ticks=6)]
        self.figure = _figure(title, [self.lines, *self.points], axes, height)
        self.figure.legend_location = "top-left"
        self.widget = self.figure

    def _clicked(self, series: int, event) -> None:
        index = (event.get("data") or {}).get("index")
        if index is not None:
            self.click(series, int(index))

    def click(self, series: int, index: int) -> None:
        """As a click on point ``index`` of series ``series``."""
        if self.on_click and 0 <= index < len(self.keys):
            self.on_click(series, self.keys[index])

    def update(self, days: list, series: list[list[int]], keys: list | None = None) -> None:
        self.keys = list(keys if keys is not None else days)
        xs = np.array([np.datetime64(d, "ms") for d in days], dtype="datetime64[ms]")
        top = nice_max(max((max(s, default=0) for s in series), default=0))
        self.lines.scales["y"].max = top
        with self.figure.hold_sync():
            self.lines.x, self.lines.y = xs, [list(map(int, s)) for s in series]
            for pts, values in zip(self.points, series):
                pts.x, pts.y = xs, list(map(int, values))


def line(title: str, *, height: int = 260, on_click=None) -> Chart:
    """Daily volume: a line with clickable points."""
    x = bq.DateScale()
    y = bq.LinearScale(min=0, allow_padding=False)
    lines = bq.Lines(x=np.array([], dtype="datetime64[ms]"), y=[], scales={"x": x, "y": y}, colors=[BLUE],
                     stroke_width=2)
    points = bq.Scatter(x=np.array([], dtype="datetime64[ms]"), y=[], scales={"x": x, "y": y}, colors=[BLUE],
                        default_size=24, tooltip=bq.Tooltip(fields=["x", "y"], formats=["%d/%m", ",d"],
                                                           labels=["Dia", "Qtd."]))
    axes = [bq.Axis(scale=x, tick_format="%d/%m", num_ticks=10),
            bq.Axis(scale=y, side="left", tick_format="d", grid_lines="dashed", num_ticks=6)]
    return Chart(_figure(title, [lines, points], axes, height), points, on_click, extra_marks=[])


def nice_max(value: float) -> float:
    """The round number at or above ``value`` (1, 2, 2.5, 5 x 10^k), so the axis ticks are round."""
    if value <= 0:
        return 1
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * exp >= value:
            return step * exp
    return 10 * exp


LABEL_MAX = 34          # characters of a category label; longer ones are cut with "…"


def _cut(label) -> str:
    text = str(label)
    return text if len(text) <= LABEL_MAX else text[:LABEL_MAX - 1] + "…"


def _count(value) -> str:
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else f"{value:.1f}".replace(".", ",")


def update(chart: Chart, labels: list, values: list, keys: list | None = None, *,
           colors: list[str] | None = None, horizontal: bool = False) -> None:
    """Replace the data of a chart (labels = categories or dates).

    Horizontal bars show their value in the category label ("Concluído (165)"):
    readable at a glance without labels drawn over the bars."""
    chart.keys = list(keys if keys is not None else labels)
    values = [int(v) if float(v).is_integer() else float(v) for v in values]
    fig = chart.figure
    top = nice_max(max(values, default=0))
    for scale in {id(s): s for m in fig.marks for s in [m.scales["y"]]}.values():
        scale.max = top
    with fig.hold_sync():
        if isinstance(chart.mark, bq.Scatter):
            xs = np.array(labels, dtype="datetime64[ms]")
            for m in fig.marks:
                m.x, m.y = xs, values
        else:
            names = [f"{_cut(x)} ({_count(v)})" for x, v in zip(labels, values)] if chart.horizontal \
                else [str(x) for x in labels]
            if chart.horizontal:       # the margin fits the longest label: nothing clipped, in Voila or Lab
                longest = max((len(n) for n in names), default=10)
                fig.fig_margin = {**fig.fig_margin, "left": int(min(LABEL_MAX * 7 + 60, 24 + 7 * longest))}
            chart.mark.x, chart.mark.y = names, values
            if colors is not None:
                chart.mark.colors = colors
                chart.mark.color_mode = "group"
            if chart.horizontal:       # 30 px per bar: tick labels never overlap
                fig.layout.height = f"{max(170, 72 + 30 * len(labels))}px"
