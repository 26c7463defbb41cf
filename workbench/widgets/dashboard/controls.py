"""The dashboard's controls: the filter bar, the page URL, auto-refresh, downloads.

* :class:`FilterBar` - period and the six dropdowns; ``filters`` is a
  :class:`workbench.services.dashboard.Filters`; ``on_change`` fires once per change.
  Dates are typed and shown ``dd/mm/aaaa`` (:class:`DateField`), whatever the
  browser's locale (a native date input follows it: mm/dd/yyyy was seen).
* the page address (:class:`~workbench.widgets.dashboard.address.UrlSync`) is
  in :mod:`workbench.widgets.dashboard.address`, needed before the login.
* :class:`AutoRefresh` - every 1, 5 or 15 minutes via ``loop.call_later`` on
  the kernel's own asyncio loop (the loop that runs widget callbacks, so no
  thread ever touches a widget); off by default, or as ``?atualizar=N`` says.
* :func:`download_link` - an HTML link with a ``data:`` URI (ipywidgets has
  no FileDownload).
"""

from __future__ import annotations

import asyncio
import base64
import html
from dataclasses import replace
from datetime import date, datetime
from typing import Callable

import ipywidgets as w

from workbench.services.dashboard import REFRESH_CHOICES, Filters
from workbench.services.export import FORMATS

ALL = "Todos"
ANY = ""          # the "Todos" choice (None would show an empty dropdown)


class DateField(w.Text):
    """A date typed and shown as dd/mm/aaaa; ``date`` is the parsed value (None when invalid)."""

    def __init__(self, description: str, **kwargs):
        super().__init__(placeholder="dd/mm/aaaa", description=description, continuous_update=False,
                         style={"description_width": "initial"}, layout=w.Layout(width="150px"), **kwargs)

    @property
    def date(self) -> date | None:
        try:
            return datetime.strptime(self.value.strip(), "%d/%m/%Y").date()
        except ValueError:
            return None

    @date.setter
    def date(self, value: date) -> None:
        self.value = value.strftime("%d/%m/%Y")


def _dropdown(description: str, width: str = "190px") -> w.Dropdown:
    return w.Dropdown(options=[(ALL, ANY)], value=ANY, description=description,
                      style={"description_width": "initial"}, layout=w.Layout(width=width))


class FilterBar(w.VBox):
    """Período, Origem, Tipo, Título, Operador, Cidade, Ponto de Roteamento."""

    FIELDS = {"origin": "Origem", "type": "Tipo", "title": "Título", "operator_id": "Operador",
              "city": "Cidade", "routing_point_id": "Ponto"}
    CHOICE_KEYS = {"origin": "origin", "type": "type", "title": "title", "operator_id": "operator",
                   "city": "city", "routing_point_id": "routing_point"}

    def __init__(self, choices: dict, filters: Filters, on_change: Callable[[Filters], None] | None = None):
        self.on_change = on_change
        self._quiet = False
        self.start = DateField("De")
        self.end = DateField("até")
        self.dropdowns: dict[str, w.Dropdown] = {}
        for name, label in self.FIELDS.items():
            dd = _dropdown(label, "230px" if name in ("title", "routing_point_id", "operator_id") else "190px")
            options = [(ALL, ANY)] + [(str(lbl), val) for lbl, val in choices.get(self.CHOICE_KEYS[name], [])]
            dd.options = options
            dd.add_class(f"wb-filter-{name}")
            self.dropdowns[name] = dd
        self.start.add_class("wb-filter-start")
        self.end.add_class("wb-filter-end")
        self.last30 = w.Button(description="Últimos 30 dias", layout=w.Layout(width="auto"))
        self.last30.on_click(lambda _b: self._reset_period())
        self.clear = w.Button(description="Limpar filtros", layout=w.Layout(width="auto"))
        self.clear.on_click(lambda _b: self.set_filters(Filters.default(), notify=True))
        self.error = w.HTML("")
        self.set_filters(filters)
        for widget in [self.start, self.end, *self.dropdowns.values()]:
            widget.observe(self._changed, "value")
        d = self.dropdowns
        super().__init__([
            w.HBox([self.start, self.end, self.last30, self.clear, self.error],
                   layout=w.Layout(flex_flow="row wrap", align_items="center")),
            w.HBox([d["origin"], d["type"], d["title"]], layout=w.Layout(flex_flow="row wrap")),
            w.HBox([d["operator_id"], d["city"], d["routing_point_id"]], layout=w.Layout(flex_flow="row wrap")),
        ], layout=w.Layout(margin="4px 0"))
        self.add_class("wb-filters")

    def _reset_period(self) -> None:
        default = Filters.default()
        self.set_filters(replace(self.filters, start=default.start, end=default.end), notify=True)

    def set_filters(self, filters: Filters, *, notify: bool = False) -> None:
        self._quiet = True
        try:
            self.start.date = filters.start
            self.end.date = filters.end
            for name, dd in self.dropdowns.items():
                value = getattr(filters, name)
                values = [v for _l, v in dd.options]
                if value is not None and value not in values:
                    dd.options = list(dd.options) + [(str(value), value)]
                dd.value = ANY if value is None else value
        finally:
            self._quiet = False
        self.filters = filters
        if notify and self.on_change:
            self.on_change(filters)

    def read(self) -> Filters | None:
        start, end = self.start.date, self.end.date
        if start is None or end is None:
            self.error.value = ("<span style='color:#b3261e'>Informe as duas datas do período "
                                "(dd/mm/aaaa).</span>")
            return None
        values = {name: (None if dd.value == ANY else dd.value) for name, dd in self.dropdowns.items()}
        candidate = Filters(start=start, end=end, **values)
        try:
            candidate.validate()
        except Exception as exc:  # ValidationError: shown beside the period
            self.error.value = f"<span style='color:#b3261e'>{html.escape(str(exc))}</span>"
            return None
        self.error.value = ""
        return candidate

    def _changed(self, _change) -> None:
        if self._quiet:
            return
        filters = self.read()
        if filters is None or filters == self.filters:
            return
        self.filters = filters
        if self.on_change:
            self.on_change(filters)


class AutoRefresh(w.HBox):
    """"Atualizar automaticamente": off, 1, 5 or 15 minutes."""

    def __init__(self, callback: Callable[[], None], minutes: int = 0,
                 on_change: Callable[[int], None] | None = None):
        self.callback = callback
        self.on_change = on_change
        self.handle: asyncio.TimerHandle | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.choice = w.Dropdown(options=[("Desligada", 0)] + [(f"a cada {m} min", m) for m in REFRESH_CHOICES if m],
                                 value=minutes if minutes in REFRESH_CHOICES else 0,
                                 description="Atualização automática",
                                 style={"description_width": "initial"}, layout=w.Layout(width="270px"))
        self.choice.add_class("wb-autorefresh")
        self.choice.observe(self._chosen, "value")
        super().__init__([self.choice])
        self.schedule()

    def _chosen(self, _change) -> None:
        self.schedule()
        if self.on_change:
            self.on_change(self.minutes)

    @property
    def minutes(self) -> int:
        return int(self.choice.value or 0)

    def _get_loop(self) -> asyncio.AbstractEventLoop:
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            if self.loop is None:
                self.loop = asyncio.get_event_loop_policy().get_event_loop()
            return self.loop

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None

    def schedule(self) -> None:
        self.cancel()
        if self.minutes:
            self.loop = self._get_loop()
            self.handle = self.loop.call_later(self.minutes * 60, self.tick)

    def tick(self) -> None:
        self.handle = None
        try:
            self.callback()
        finally:
            self.schedule()


def download_link(name: str, payload: bytes, fmt: str) -> str:
    """HTML for a download link carrying the file in a ``data:`` URI."""
    data = base64.b64encode(payload).decode("ascii")
    label = "Excel" if fmt == "xlsx" else "CSV"
    return (f"<a class='wb-download' download='{html.escape(name)}' "
            f"href='data:{FORMATS[fmt]};base64,{data}' "
            f"style='display:inline-block;padding:3px 10px;background:#1f4e79;color:#fff;border-radius:3px;"
            f"text-decoration:none'>⬇ Baixar {label}: {html.escape(name)}</a>")
