"""The supervisor's filters: period, origin, type, title, operator, city,
routing point; their URL query string (shareable links) and file-name parts."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

from workbench import settings
from workbench.errors import ValidationError
from workbench.services.auth import now as utc_now
from workbench.storage.dashboard_sql import Bounds

DEFAULT_DAYS = 30
REFRESH_CHOICES = (0, 1, 5, 15)        # minutes between automatic refreshes; 0 = off
WALL_VALUES = ("parede", "cheia")      # ?tela=parede: the wallboard (full screen, large cards)
MAX_DAYS = 3 * 366
# URL query-string keys (pt-BR, shareable) and the Filters field they set.
QUERY_KEYS = {"inicio": "start", "fim": "end", "origem": "origin", "tipo": "type", "titulo": "title",
              "operador": "operator_id", "cidade": "city", "ponto": "routing_point_id"}

# Filters field -> (pt-BR caption, key of the dashboard's choices).
FILTER_CAPTIONS = {"origin": ("Origem", "origin"), "type": ("Tipo", "type"), "title": ("Título", "title"),
                   "operator_id": ("Operador", "operator"), "city": ("Cidade", "city"),
                   "routing_point_id": ("Ponto de Roteamento", "routing_point")}


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.get("timezone"))


def local_today(at: datetime | None = None) -> date:
    return (at or utc_now()).astimezone(_tz()).date()


@dataclass(frozen=True)
class Filters:
    """What the supervisor chose; every view applies all of it."""

    start: date
    end: date
    origin: str | None = None
    type: str | None = None
    title: str | None = None
    operator_id: int | None = None
    city: str | None = None
    routing_point_id: int | None = None

    @classmethod
    def default(cls, today: date | None = None, days: int = DEFAULT_DAYS) -> "Filters":
        today = today or local_today()
        return cls(start=today - timedelta(days=days - 1), end=today)

    def validate(self) -> "Filters":
        if self.end < self.start:
            raise ValidationError("A data final deve ser igual ou posterior à inicial.", field="Período")
        if (self.end - self.start).days + 1 > MAX_DAYS:
            raise ValidationError(f"O período pode ter no máximo {MAX_DAYS} dias.", field="Período")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    # -- URL -------------------------------------------------------------------
    def to_query(self) -> str:
        values = {}
        for key, name in QUERY_KEYS.items():
            value = getattr(self, name)
            if value is not None:
                values[key] = value.isoformat() if isinstance(value, date) else value
        return urlencode(values)

    @classmethod
    def from_query(cls, query: str | None, today: date | None = None) -> "Filters":
        """Filters from a page's query string; unknown or malformed values are ignored."""
        base = cls.default(today)
        parsed = parse_qs((query or "").lstrip("?"), keep_blank_values=False)
        changes: dict[str, Any] = {}
        for key, name in QUERY_KEYS.items():
            if key not in parsed:
                continue
            raw = parsed[key][-1].strip()[:200]
            try:
                if name in ("start", "end"):
                    changes[name] = date.fromisoformat(raw)
                elif name in ("operator_id", "routing_point_id"):
                    changes[name] = int(raw)
                else:
                    changes[name] = raw or None
            except ValueError:
                continue
        result = replace(base, **changes)
        try:
            return result.validate()
        except ValidationError:
            return base

    # -- storage and file names ------------------------------------------------
    def bounds(self) -> Bounds:
        """What the storage layer takes: aware datetimes for the period (whole local days)."""
        tz = _tz()
        start = datetime.combine(self.start, datetime.min.time(), tz)
        end = datetime.combine(self.end + timedelta(days=1), datetime.min.time(), tz)
        prev_start = datetime.combine(self.start - timedelta(days=self.days), datetime.min.time(), tz)
        values = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("start", "end")}
        return Bounds(start=start, end=end, prev_start=prev_start, **values)

    def describe(self, choices: dict[str, list[tuple[str, Any]]] | None = None) -> list[tuple[str, str]]:
        """(name, value) pairs in pt-BR, what an export's "Filtros" sheet lists."""
        labels = {key: {value: label for label, value in pairs} for key, pairs in (choices or {}).items()}
        out = [("Período", f"{self.start:%d/%m/%Y} a {self.end:%d/%m/%Y}")]
        for name, (caption, choice) in FILTER_CAPTIONS.items():
            value = getattr(self, name)
            out.append((caption, "Todos" if value is None else str(labels.get(choice, {}).get(value, value))))
        return out

    def name_parts(self) -> list[str]:
        parts = [f"{self.start.isoformat()}_a_{self.end.isoformat()}"]
        for key, name in QUERY_KEYS.items():
            if name not in ("start", "end") and getattr(self, name) is not None:
                parts.append(f"{key}-{getattr(self, name)}")
        return parts


@dataclass(frozen=True)
class ViewOptions:
    """How the dashboard page shows itself, kept in its URL so a reload keeps it:
    ``?atualizar=5`` (minutes between automatic refreshes) and ``?tela=parede`` (the wallboard)."""

    refresh_minutes: int = 0
    wall: bool = False

    @classmethod
    def from_query(cls, query: str | None) -> "ViewOptions":
        parsed = parse_qs((query or "").lstrip("?"))
        minutes = 0
        raw = (parsed.get("atualizar") or [""])[-1].strip()
        if raw.isdigit() and int(raw) in REFRESH_CHOICES:
            minutes = int(raw)
        wall = (parsed.get("tela") or [""])[-1].strip().lower() in WALL_VALUES
        return cls(minutes, wall)

    def to_query(self) -> str:
        values = {}
        if self.refresh_minutes:
            values["atualizar"] = self.refresh_minutes
        if self.wall:
            values["tela"] = "parede"
        return urlencode(values)
