"""The dashboard's charts: plotly ``FigureWidget`` (anywidget; its JavaScript
ships inside the plotly wheel, so nothing is fetched from a CDN in JupyterLab
or Voila). Each chart is built once and updated in place on every refresh; a
click on a bar or point opens the list behind it.
"""

from __future__ import annotations

from typing import Callable

import plotly.graph_objects as go

BLUE = "#1f4e79"
OPEN_COLOR = "#d9822b"
CLOSED_COLOR = "#3f7f4f"
_FONT = {"family": "Segoe UI, Roboto, Helvetica, Arial, sans-serif", "size": 12, "color": "#1f2933"}


def _layout(title: str, height: int, **extra) -> dict:
    return dict(title={"text": title, "font": {"size": 14, "color": BLUE}, "x": 0.01}, height=height,
                margin={"l": 10, "r": 10, "t": 36, "b": 10}, font=_FONT, plot_bgcolor="#fff",
                paper_bgcolor="#fff", showlegend=False, **extra)


class Chart:
    """A FigureWidget plus the click → drill wiring."""

    def __init__(self, figure: go.FigureWidget, on_click: Callable[[object], None] | None = None):
        self.figure = figure
        self.widget = figure
        self.on_click = on_click
        self.keys: list = []
        if on_click is not None:
            for trace in figure.data:
                trace.on_click(self._clicked)

    def _clicked(self, _trace, points, _state) -> None:
        if self.on_click and points.point_inds:
            i = points.point_inds[0]
            if 0 <= i < len(self.keys):
                self.on_click(self.keys[i])

    def click(self, index: int) -> None:
        """As a click on bar ``index`` (for tests)."""
        if self.on_click and 0 <= index < len(self.keys):
            self.on_click(self.keys[index])


def hbar(title: str, *, height: int = 300, on_click=None) -> Chart:
    fig = go.FigureWidget(go.Bar(x=[], y=[], orientation="h", marker_color=BLUE, text=[],
                                 textposition="auto", hovertemplate="%{y}: %{x}<extra></extra>"),
                          layout=_layout(title, height, yaxis={"autorange": "reversed", "automargin": True},
                                         xaxis={"gridcolor": "#e4e7eb"}))
    return Chart(fig, on_click)


def vbar(title: str, *, height: int = 260, on_click=None, tick_every: int | None = None) -> Chart:
    fig = go.FigureWidget(go.Bar(x=[], y=[], marker_color=BLUE, hovertemplate="%{x}: %{y}<extra></extra>"),
                          layout=_layout(title, height, yaxis={"gridcolor": "#e4e7eb"},
                                         xaxis={"dtick": tick_every} if tick_every else {}))
    return Chart(fig, on_click)


def line(title: str, *, height: int = 260, on_click=None) -> Chart:
    fig = go.FigureWidget(go.Scatter(x=[], y=[], mode="lines+markers", line={"color": BLUE, "width": 2},
                                     marker={"size": 5}, hovertemplate="%{x|%d/%m}: %{y}<extra></extra>"),
                          layout=_layout(title, height, yaxis={"gridcolor": "#e4e7eb", "rangemode": "tozero"},
                                         xaxis={"tickformat": "%d/%m"}))
    return Chart(fig, on_click)


def update(chart: Chart, labels: list, values: list, keys: list | None = None, *,
           colors: list[str] | None = None, horizontal: bool = False) -> None:
    """Replace the data of a one-trace chart."""
    chart.keys = list(keys if keys is not None else labels)
    trace = chart.figure.data[0]
    with chart.figure.batch_update():
        if horizontal:
            trace.x, trace.y = list(values), list(labels)
            trace.text = [f"{v:,}".replace(",", ".") for v in values]
            chart.figure.layout.height = max(180, 40 + 26 * len(labels))
        else:
            trace.x, trace.y = list(labels), list(values)
        if colors is not None and hasattr(trace, "marker"):
            trace.marker.color = colors
