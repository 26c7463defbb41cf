"""Numbers and dates the pt-BR way, for screens and exports alike.

One place decides how a value reads: the dashboard's tables, its KPI cards,
the analyst's notebook and the CSV/XLSX exports all call :func:`display`
with a column *kind*, so a figure exported is the figure shown.

======== ======================= ==========================================
kind     on screen               in an XLSX cell (number format)
======== ======================= ==========================================
text     as is                   text
code     as is (protocol, CNPJ)  text, never a number (no ``2,02611E+13``)
int      ``1.234``               integer ``#,##0``
decimal  ``12,5``                number ``#,##0.0``
number   ``0,4468`` (≤ 4 places) number ``General`` (any other float)
hours    ``12,5`` (header in h)  number ``#,##0.0`` (hours)
pct      ``44,7%``               fraction ``0.0%``
trend    ``+20%`` / ``novo``     fraction ``+0%;-0%`` (new = text)
days     ``8``                   integer
bool     ``Sim`` / ``Não``       text
date     ``27/11/2026``          date ``dd/mm/yyyy``
datetime ``27/11/2026 20:57``    date-time ``dd/mm/yyyy hh:mm`` (desk's zone)
======== ======================= ==========================================

Aware datetimes are shown in the desk's time zone (``WORKBENCH_TZ``), whatever
the browser's or the server's locale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from workbench import settings
from workbench.frame import missing

EMPTY = "—"
KINDS = ("text", "code", "int", "decimal", "number", "hours", "pct", "trend", "days", "bool", "date", "datetime")
NUMERIC_KINDS = frozenset({"int", "decimal", "number", "hours", "pct", "trend", "days"})
DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
# Excel number formats of each kind (an XLSX cell keeps the value, the format shows it the same way).
EXCEL_FORMATS = {"int": "#,##0", "days": "0", "decimal": "#,##0.0", "number": "General", "hours": "#,##0.0", "pct": "0.0%",
                 "trend": "+0%;-0%;0%", "date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm"}


@dataclass(frozen=True)
class Column:
    """One column of a table shown or exported: data key, pt-BR header, kind."""

    key: str
    label: str
    kind: str = "text"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


def tz() -> ZoneInfo:
    return ZoneInfo(settings.get("timezone"))


def is_missing(value: Any) -> bool:
    """None, NaN, and pandas' NaT/NA (these only when pandas is loaded: the desk never imports it)."""
    return missing(value)


def _thousands(text: str) -> str:
    """'1,234,567.8' (Python's grouping) → '1.234.567,8'."""
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def integer(value: Any) -> str:
    return _thousands(f"{int(round(float(value))):,}")


def decimal(value: Any, places: int = 1) -> str:
    return _thousands(f"{float(value):,.{places}f}")


def number(value: Any) -> str:
    """Any float, up to 4 decimal places, trailing zeros dropped: 0.44680851 → '0,4468'."""
    text = f"{float(value):,.4f}".rstrip("0").rstrip(".")
    return _thousands(text)


def percent(value: Any, places: int = 1) -> str:
    """A fraction as a percentage: 0.4468 → '44,7%'."""
    return _thousands(f"{100 * float(value):,.{places}f}") + "%"


def trend(value: Any) -> str:
    value = float(value)
    if math.isinf(value):
        return "novo"
    return ("+" if value > 0 else "") + f"{100 * value:.0f}%"


def local_datetime(value: Any) -> datetime:
    """A naive local datetime for an aware one (naive values are taken as local already)."""
    if not isinstance(value, datetime):
        if isinstance(value, date):
            return datetime.combine(value, datetime.min.time())
        import pandas as pd                       # a text or a numpy datetime: pandas reads them

        value = pd.Timestamp(value).to_pydatetime()
    if value.tzinfo is not None:
        value = value.astimezone(tz()).replace(tzinfo=None)
    return value


def date_text(value: Any) -> str:
    if isinstance(value, datetime) or not isinstance(value, date):
        value = local_datetime(value)
    return value.strftime(DATE_FORMAT)


def datetime_text(value: Any) -> str:
    return local_datetime(value).strftime(DATETIME_FORMAT)


def display(value: Any, kind: str = "text") -> str:
    """How ``value`` reads on screen (and in a CSV) for a column of ``kind``."""
    if is_missing(value):
        return EMPTY
    if kind == "int":
        return integer(value)
    if kind == "decimal":
        return decimal(value)
    if kind == "hours":
        return decimal(value)
    if kind == "number":
        return number(value)
    if kind == "pct":
        return percent(value)
    if kind == "trend":
        return trend(value)
    if kind == "days":
        return str(int(value))
    if kind == "bool":
        return "Sim" if value else "Não"
    if kind == "date":
        return date_text(value)
    if kind == "datetime":
        return datetime_text(value)
    return str(value)


def rounded(value: Any, kind: str) -> Any:
    """The value as shown, but typed: what an XLSX cell holds (None for missing)."""
    if is_missing(value):
        return None
    if kind in ("int", "days"):
        return int(round(float(value)))
    if kind in ("decimal", "hours"):
        return round(float(value), 1)
    if kind == "number":
        return round(float(value), 4)
    if kind == "pct":
        return round(float(value), 3)
    if kind == "trend":
        value = float(value)
        return "novo" if math.isinf(value) else round(value, 2)
    if kind == "bool":
        return "Sim" if value else "Não"
    if kind == "date":
        if isinstance(value, datetime) or not isinstance(value, date):
            return local_datetime(value).date()
        return value
    if kind == "datetime":
        return local_datetime(value).replace(second=0, microsecond=0)
    return str(value)



def styled(frame, columns=None, kinds: dict[str, str] | None = None):
    """A pandas ``Styler`` that shows ``frame`` the pt-BR way in a notebook.

    ``columns``: :class:`Column` s (only those, with their pt-BR headers);
    ``kinds``: column → kind for a frame shown as is."""
    if columns is not None:
        frame = frame[[c.key for c in columns]].rename(columns={c.key: c.label for c in columns})
        kinds = {c.label: c.kind for c in columns}
    formats = {name: (lambda v, k=kind: display(v, k)) for name, kind in (kinds or {}).items()}
    return frame.style.format(formats, na_rep=EMPTY).hide(axis="index")
