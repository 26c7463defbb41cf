"""The supervisor dashboard, UI-free: filters, one ``refresh``, drill-down lists, exports.

Every function takes the :class:`~workbench.services.session.Session` and
checks the ``painel`` permission first (supervisor and admin); the same calls
are methods of ``session.dashboard`` (:class:`DashboardService`), so tab
completion finds them. ``refresh`` runs every view's aggregates in three short
read units of work and returns a :class:`DashboardData` of small DataFrames;
lists are pages with a total.

Rules the numbers follow (also on the dashboard's "Como ler" note):

* the period filter (``start``..``end``, whole days in the desk's time zone)
  is on the attendance's opening time and applies to every view, except
  "abertos hoje / nesta semana", which are their own periods, the open
  backlog of "Por status" (open attendances opened before the period's end,
  however old: what is late is usually old) and the open work orders;
* age is counted in whole days from opening to now, for open attendances;
* "vencido" = open and past ``due_at``; "fora do prazo Anatel" = open and
  older than 7 days (complaints) or 10 days (other demands), RGC art. 10;
* first-contact resolution = the operator's own "resolvido" answer;
* resolution time, SLA, reopen and repeat rates: see
  :mod:`workbench.storage.dashboard_metrics`;
* abandoned protocols come from the protocol log (filters on origin,
  operator, city and routing point apply; type and title do not exist there).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from workbench.errors import ValidationError
from workbench.services import dashboard_tables as tables
from workbench.services import export as export_mod
from workbench.services import records
from workbench.services.auth import now as utc_now
from workbench.services.dashboard_filters import (DEFAULT_DAYS, MAX_DAYS, QUERY_KEYS, REFRESH_CHOICES,  # noqa: F401
                                                  Filters, ViewOptions, _tz, local_today)
from workbench.services.dashboard_views import Raw, build_all, labels
from workbench.services.formatting import Column
from workbench.storage.dashboard_metrics import RESOLUTION_DIMENSIONS  # noqa: F401 (re-exported)
from workbench.storage.dashboard_sql import AGE_BUCKETS, DRILLS, Bounds, parse_drill  # noqa: F401 (re-exported)

PAGE_SIZE = 25
EXPORT_LIMIT = 100_000          # rows written by export_list (a file on disk)
DOWNLOAD_LIMIT = 30_000         # rows in a browser download (the file travels inside the page)
LIST_COLUMNS = {c.key: c.label for c in tables.LIST_EXPORT if c.key != "situation"}


@dataclass
class DashboardData:
    """Everything every view shows, computed by one ``refresh``."""

    filters: Filters
    generated_at: datetime
    status: pd.DataFrame          # code, label, is_open, n, overdue, late (every status)
    age: pd.DataFrame             # bucket, label, n, overdue, late (open attendances)
    titles: pd.DataFrame          # title_code, title, <status labels>, total, share, previous, trend
    kpis: dict[str, Any]
    by_origin: pd.DataFrame       # origin_code, origin, n
    by_hour: pd.DataFrame         # hour 0..23, n
    daily: pd.DataFrame           # day (every day of the period), n
    operators: pd.DataFrame       # operator_id, operator, n, resolved, resolution_rate, os, os_rate
    resolution: dict[str, pd.DataFrame]   # per dimension: key, label, n, median_h, p90_h
    flow: pd.DataFrame            # day, opened, closed, backlog (open at the day's end)
    orders: pd.DataFrame          # work orders: status, is_open, n, <age buckets> (open ones)
    scripts: pd.DataFrame         # script_code, script, runs, fim, encerrado, resolved, os, resolution_rate
    script_ends: pd.DataFrame     # script_code, script, last_question_id, last_question, n, resolved, os
    script_paths: pd.DataFrame    # script_code, script, path_key, path, steps, n, resolved, os, open
    elapsed: float = 0.0
    status_labels: list[str] = field(default_factory=list)

    def kpi_table(self) -> pd.DataFrame:
        """The KPIs as texts formatted as the cards show them (Indicador, Valor)."""
        return tables.kpi_frame(self.kpis)

    def show(self, name: str):
        """A view's table for a notebook: pt-BR headers and numbers (a pandas Styler)."""
        from workbench.services.formatting import styled

        frame, columns = self.table(name)
        return styled(frame, columns)

    def table(self, name: str) -> tuple[pd.DataFrame, Sequence[Column]]:
        """A view's table and its columns, as shown and exported (names: :data:`VIEW_TABLES`)."""
        if name not in tables.VIEW_TABLES:
            raise ValidationError(f"Tabela desconhecida: '{name}'.", field="Tabela")
        return tables.VIEW_TABLES[name][1](self)


VIEW_TABLES = tuple(tables.VIEW_TABLES)


@dataclass
class ListPage:
    """One page of a drill-down list."""

    frame: pd.DataFrame
    total: int
    page: int
    page_size: int
    title: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def _require(session) -> None:
    session.operator.require("painel")


def _store(session):
    return session.workbench.store


def _ref(session) -> dict[str, pd.DataFrame]:
    return session.workbench.reference_cached(pandas=True)


def choices(session) -> dict[str, list[tuple[str, Any]]]:
    """(label, value) pairs for every filter dropdown."""
    _require(session)
    return _store(session).dashboard_choices()


# -- refresh ------------------------------------------------------------------
def refresh(session, filters: Filters | None = None, *, now: datetime | None = None) -> DashboardData:
    """All views' numbers for ``filters`` in three short reads of the database (at once where the store
    allows: :attr:`~workbench.storage.contract.DeskStore.parallel_reads`)."""
    _require(session)
    t0 = time.perf_counter()
    filters = (filters or Filters.default()).validate()
    now = now or utc_now()
    today = now.astimezone(_tz()).date()
    today_start = datetime.combine(today, datetime.min.time(), _tz())
    week_start = today_start - timedelta(days=today.weekday())
    store = _store(session)
    cache = session.workbench.dashboard_cache
    bounds = filters.bounds()
    # Script paths and repeat contacts of attendances opened before yesterday never change (the
    # wizard writes an attendance and its answers once, and a draft lives at most a few hours),
    # nor does the count open at a start before yesterday (closing writes the time of the close,
    # never an earlier one): kept per Workbench.
    split = today_start - timedelta(days=1)
    past_key = past = past_repeats = backlog = None
    if bounds.start < split:
        past_key = (cache.identity(store), _filter_key(filters), bounds.start, min(split, bounds.end))
        past = cache.paths.get(past_key)
        past_repeats = cache.repeats.get(past_key)
        backlog = cache.backlogs.get(past_key[:3])
    def read_metrics():
        return store.dashboard_metrics(bounds, now, repeats_since=split if past_key is not None else None,
                                       backlog_start=backlog)
    # A store whose reads may overlap (a database server) computes the metrics beside the views.
    with ThreadPoolExecutor(max_workers=1) if store.parallel_reads else nullcontext() as pool:
        later = pool.submit(read_metrics) if pool is not None else None
        counts = store.dashboard_snapshot(bounds, now, today_start, week_start,
                                          paths_since=split if past_key is not None else None)
        if past_key is not None and past is None:
            past = cache.paths[past_key] = store.dashboard_paths(replace(bounds, end=past_key[3]))
        if past_key is not None and past_repeats is None:
            past_repeats = cache.repeats[past_key] = store.dashboard_repeats(replace(bounds, end=past_key[3]))
        metrics = later.result() if later is not None else read_metrics()
    if past_key is not None and backlog is None:
        cache.backlogs[past_key[:3]] = metrics.backlog_start
    if past_repeats:
        metrics.sla = replace(metrics.sla, repeats=metrics.sla.repeats + past_repeats)
    paths = _with_texts(store, cache, _merge_paths([past, counts.paths]), bounds)
    raw = Raw(counts=counts, metrics=metrics, paths=paths, ref=_ref(session), filters=filters, now=now)
    data = DashboardData(filters=filters, generated_at=now, **build_all(raw))
    data.elapsed = time.perf_counter() - t0
    return data


_PATH_KEYS = ["script_code", "script_outcome", "path_key", "steps"]


def _filter_key(filters: Filters) -> tuple:
    return (filters.origin, filters.type, filters.title, filters.operator_id, filters.city, filters.routing_point_id)


def _merge_paths(parts: list) -> pd.DataFrame:
    parts = [p for p in parts if p is not None and len(p)]
    cols = _PATH_KEYS + ["n", "resolved", "os", "sample"]
    if not parts:
        return pd.DataFrame(columns=cols)
    frame = pd.concat(parts, ignore_index=True)
    return frame.groupby(_PATH_KEYS, dropna=False, as_index=False).agg(
        n=("n", "sum"), resolved=("resolved", "sum"), os=("os", "sum"), sample=("sample", "min"))[cols]


def _with_texts(store, cache, paths: pd.DataFrame, bounds: Bounds) -> pd.DataFrame:
    """Add the answers' text and the last question, read once per distinct path."""
    ident = cache.identity(store)
    keys = [(ident, sc, None if pd.isna(k) else int(k)) for sc, k in zip(paths["script_code"], paths["path_key"])]
    known = {k: cache.texts[k] for k in keys if k[2] is not None and k in cache.texts}
    missing = [sample for key, sample in zip(keys, paths["sample"]) if key[2] is not None and key not in known]
    if missing:
        texts = store.dashboard_path_texts(missing, bounds).set_index("protocol")
        for key, sample in zip(keys, paths["sample"]):
            if key not in known and sample in texts.index:
                row = texts.loc[sample]
                known[key] = cache.texts[key] = (row["path"], row["last_question_id"], row["last_question"])
    found = [known.get(k, (None, None, None)) for k in keys]
    out = paths.copy()
    out["path"] = [f[0] for f in found]
    out["last_question_id"] = [f[1] for f in found]
    out["last_question"] = [f[2] for f in found]
    return out


# -- drill-down lists -------------------------------------------------------------
def check_drill(drill: dict | None) -> dict[str, Any]:
    """The drill with its values checked against :data:`DRILLS`; ValidationError names the bad kind."""
    if drill is not None and not isinstance(drill, dict):
        raise ValidationError("A lista deve ser um dicionário {tipo: valor}.", field="Lista")
    try:
        return parse_drill(drill)
    except KeyError as exc:
        known = ", ".join(sorted(DRILLS))
        raise ValidationError(f"Lista desconhecida: '{str(exc.args[0])[:60]}' (conhecidas: {known}).",
                              field="Lista") from None
    except (ValueError, TypeError) as exc:
        bad = next((k for k, v in (drill or {}).items() if v is not None and not _parses(k, v)), "?")
        raise ValidationError(f"Valor inválido para a lista '{bad}': {exc}.", field="Lista") from None


def _parses(key: str, value: Any) -> bool:
    try:
        DRILLS[key].parse(value)
        return True
    except (ValueError, TypeError):
        return False


def drill_labels(session) -> dict[str, dict]:
    """Code → label of each dimension a drill caption may name."""
    ref = _ref(session)
    operators = _store(session).dashboard_choices()["operator"]
    return {"status": labels(ref["statuses"]), "title": labels(ref["titles"]), "origin": labels(ref["origins"]),
            "type": labels(ref["attendance_types"]), "queue": labels(ref["queues"]),
            "script": labels(ref["scripts"], "code", "name") if len(ref["scripts"]) else {},
            "operator": {value: name for name, value in operators}}


def describe_drill(session, drill: dict | None) -> str:
    """A pt-BR caption for what a list shows ("Pendente · vencidos"), from each kind's own caption."""
    parsed = check_drill(drill)
    names = drill_labels(session)
    parts = [DRILLS[key].caption(value, names) for key, value in parsed.items()]
    return " · ".join(parts) or "Todos os atendimentos"


def attendance_list(session, filters: Filters, drill: dict | None = None, *, order_by: str = "created_at",
                    descending: bool = True, page: int = 0, page_size: int = PAGE_SIZE,
                    now: datetime | None = None) -> ListPage:
    """The attendances behind a count: one page and the total."""
    _require(session)
    filters = filters.validate()
    parsed = check_drill(drill)
    if order_by not in LIST_COLUMNS:
        raise ValidationError(f"Ordenação inválida: '{order_by}'.", field="Ordenar por")
    if not 1 <= int(page_size) <= 1000 or int(page) < 0:
        raise ValidationError("Página inválida.", field="Página")
    result = _store(session).dashboard_list(filters.bounds(), parsed, now or utc_now(), order_by=order_by,
                                            descending=descending, limit=int(page_size),
                                            offset=int(page) * int(page_size))
    return ListPage(tables.with_situation(result.frame), int(result.total), int(page), int(page_size),
                    describe_drill(session, parsed))


def abandoned_list(session, filters: Filters, *, page: int = 0, page_size: int = PAGE_SIZE) -> ListPage:
    """Protocols told to a client and never registered (protocol log)."""
    _require(session)
    result = _store(session).dashboard_abandoned(filters.validate().bounds(), limit=int(page_size),
                                                 offset=int(page) * int(page_size))
    return ListPage(result.frame, int(result.total), int(page), int(page_size), "Protocolos abandonados")


def detail(session, protocol: str) -> records.AttendanceDetail:
    """One attendance, read-only: data, script report, first contact, O.S., history."""
    _require(session)
    return session.workbench.attendance(protocol)


# -- exports --------------------------------------------------------------------
def full_list(session, filters: Filters, drill: dict | None = None, *, abandoned: bool = False,
              order_by: str = "created_at", descending: bool = True,
              limit: int = EXPORT_LIMIT, now: datetime | None = None) -> pd.DataFrame:
    """The whole list behind a count (up to ``limit`` rows), columns as :data:`tables.LIST_EXPORT`
    (or :data:`tables.ABANDONED`): internal keys; :func:`list_columns` gives the pt-BR headers."""
    _require(session)
    if abandoned:
        return _store(session).dashboard_abandoned(filters.validate().bounds(), limit=limit).frame
    parsed = check_drill(drill)
    result = _store(session).dashboard_list(filters.validate().bounds(), parsed, now or utc_now(),
                                            order_by=order_by, descending=descending, limit=limit, count=False)
    return tables.with_situation(result.frame)


def list_columns(abandoned: bool = False) -> Sequence[Column]:
    return tables.ABANDONED if abandoned else tables.LIST_EXPORT


def export_name(name: str, filters: Filters, fmt: str) -> str:
    return export_mod.file_name(name, filters.name_parts(), fmt)


def export_frame(session, frame: pd.DataFrame, name: str, filters: Filters, fmt: str = "csv",
                 directory: str | Path | None = None, *,
                 columns: Sequence[Column] | None = None) -> tuple[str, bytes] | Path:
    """A table as file bytes ``(file name, bytes)``, or written into ``directory`` (returns the path).

    ``columns`` gives the pt-BR headers and kinds (as the screen shows them);
    without it they are inferred from the frame. The filters go in the file
    name and in the XLSX's first sheet."""
    _require(session)
    file_name = export_name(name, filters, fmt)
    payload = export_mod.table_bytes(frame, fmt, columns=columns, filters=filters.describe(choices(session)))
    if directory is None:
        return file_name, payload
    path = Path(directory) / file_name
    path.write_bytes(payload)
    return path


def export_view(session, data: DashboardData, table: str, fmt: str = "csv",
                directory: str | Path | None = None) -> tuple[str, bytes] | Path:
    """Export one of a refresh's tables (:data:`VIEW_TABLES`) as shown on screen."""
    frame, columns = data.table(table)
    return export_frame(session, frame, tables.VIEW_TABLES[table][0], data.filters, fmt, directory, columns=columns)


def export_list(session, filters: Filters, drill: dict | None = None, fmt: str = "csv", *,
                directory: str | Path, abandoned: bool = False, name: str | None = None,
                now: datetime | None = None) -> Path:
    """Write the full list behind a count to ``directory``; returns the file's path."""
    frame = full_list(session, filters, drill, abandoned=abandoned, now=now)
    label = name or ("abandonados" if abandoned else describe_drill(session, drill))
    return export_frame(session, frame, label, filters, fmt, directory, columns=list_columns(abandoned))


class DashboardService:
    """The dashboard's calls bound to one session: ``session.dashboard.refresh()``, ``.attendance_list(...)``."""

    Filters = Filters
    DRILLS = DRILLS
    VIEW_TABLES = VIEW_TABLES

    def __init__(self, session):
        self.session = session

    def __repr__(self) -> str:
        return (f"<DashboardService {self.session.operator.username}: refresh, attendance_list, abandoned_list, "
                f"detail, describe_drill, export_view, export_list, choices>")

    def choices(self) -> dict[str, list[tuple[str, Any]]]:
        return choices(self.session)

    def refresh(self, filters: Filters | None = None, *, now: datetime | None = None) -> DashboardData:
        return refresh(self.session, filters, now=now)

    def attendance_list(self, filters: Filters | None = None, drill: dict | None = None, **kwargs) -> ListPage:
        return attendance_list(self.session, filters or Filters.default(), drill, **kwargs)

    def abandoned_list(self, filters: Filters | None = None, **kwargs) -> ListPage:
        return abandoned_list(self.session, filters or Filters.default(), **kwargs)

    def detail(self, protocol: str) -> records.AttendanceDetail:
        return detail(self.session, protocol)

    def describe_drill(self, drill: dict | None) -> str:
        return describe_drill(self.session, drill)

    def export_view(self, data: DashboardData, table: str, fmt: str = "csv", directory=None):
        return export_view(self.session, data, table, fmt, directory)

    def export_list(self, filters: Filters | None = None, drill: dict | None = None, fmt: str = "csv", *,
                    directory, **kwargs) -> Path:
        return export_list(self.session, filters or Filters.default(), drill, fmt, directory=directory, **kwargs)
