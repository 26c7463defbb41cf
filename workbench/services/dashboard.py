"""The supervisor dashboard, UI-free: filters, one ``refresh``, drill-down lists, exports.

Every function takes the :class:`~workbench.services.session.Session` and
checks the ``painel`` permission first (supervisor and admin). ``refresh``
runs every view's aggregates in two short read units of work and returns a
:class:`DashboardData` of small DataFrames; lists are pages with a total.

Rules the numbers follow (also on the dashboard's "Como ler" note):

* the period filter (``start``..``end``, whole days in the desk's time zone)
  is on the attendance's opening time and applies to every view, except
  "abertos hoje / nesta semana", which are their own periods, and the open
  backlog of "Por status" (open attendances opened before the period's end,
  however old: what is late is usually old);
* age is counted in whole days from opening to now, for open attendances;
* "vencido" = open and past ``due_at``; "fora do prazo Anatel" = open and
  older than 7 days (complaints) or 10 days (other demands), RGC art. 10;
* first-contact resolution = the operator's own "resolvido" answer;
* abandoned protocols come from the protocol log (filters on origin,
  operator, city and routing point apply; type and title do not exist there).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.errors import ValidationError
from workbench.services import export as export_mod
from workbench.services import records
from workbench.services.auth import now as utc_now
from workbench.services.dashboard_filters import (DEFAULT_DAYS, MAX_DAYS, QUERY_KEYS, Filters,  # noqa: F401
                                                  _tz, local_today)
from workbench.storage.dashboard import AGE_BUCKETS, DASHBOARD_MEMORY  # noqa: F401 (re-exported)

PAGE_SIZE = 25
EXPORT_LIMIT = 100_000          # rows written by export_list (a file on disk)
DOWNLOAD_LIMIT = 30_000         # rows in a browser download (the file travels inside the page)
REFRESH_CHOICES = (0, 1, 5, 15)        # minutes; 0 = off
LIST_COLUMNS = {"protocol": "Protocolo", "client": "Cliente", "title": "Título", "status": "Status",
                "origin": "Origem", "operator": "Operador", "type": "Tipo", "created_at": "Aberto em",
                "due_at": "Vence em", "age_days": "Idade (dias)", "overdue": "Vencido",
                "late": "Fora do prazo Anatel"}


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
    scripts: pd.DataFrame         # script_code, script, runs, fim, encerrado, resolved, os, resolution_rate
    script_ends: pd.DataFrame     # script_code, script, last_question_id, last_question, n, resolved, os
    script_paths: pd.DataFrame    # script_code, script, path, steps, n, resolved, os, open
    elapsed: float = 0.0
    status_labels: list[str] = field(default_factory=list)


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
    return session.workbench.reference_cached()


def _labels(frame: pd.DataFrame, key: str = "code", value: str = "label") -> dict:
    return dict(zip(frame[key], frame[value]))


def _rate(num, den) -> float:
    return float(num) / float(den) if den else 0.0


def choices(session) -> dict[str, list[tuple[str, Any]]]:
    """(label, value) pairs for every filter dropdown."""
    _require(session)
    return _store(session).dashboard_choices()


# -- refresh ------------------------------------------------------------------
def refresh(session, filters: Filters | None = None, *, now: datetime | None = None) -> DashboardData:
    """All views' numbers for ``filters`` in one short read of the database."""
    _require(session)
    t0 = time.perf_counter()
    filters = (filters or Filters.default()).validate()
    now = now or utc_now()
    tz = _tz()
    today = now.astimezone(tz).date()
    today_start = datetime.combine(today, datetime.min.time(), tz)
    week_start = today_start - timedelta(days=today.weekday())
    store = _store(session)
    bounds = filters.bounds()
    # Script paths of attendances opened before yesterday never change (the wizard writes an
    # attendance and its answers once, and a draft lives at most a few hours): kept per process.
    split = today_start - timedelta(days=1)
    past_key = past = None
    if bounds["start"] < split:
        past_key = (_db_identity(store), _filter_key(filters), bounds["start"], min(split, bounds["end"]))
        past = _PATH_CACHE.get(past_key)
    paths_since = split if past_key is not None else None
    raw = store.dashboard_snapshot(bounds, now, today_start, week_start, paths_since=paths_since)
    if past_key is not None and past is None:
        past = store.dashboard_paths({**bounds, "end": past_key[3]})
        _PATH_CACHE[past_key] = past
        while len(_PATH_CACHE) > _CACHE_SIZE:
            _PATH_CACHE.pop(next(iter(_PATH_CACHE)))
    raw["paths"] = _with_texts(store, _merge_paths([past, raw["paths"]]), bounds)
    ref = _ref(session)
    data = _assemble(raw, ref, filters, now)
    data.elapsed = time.perf_counter() - t0
    return data


_CACHE_SIZE = 64
_PATH_CACHE: dict[tuple, pd.DataFrame] = {}
_PATH_TEXT: dict[tuple, tuple] = {}
_PATH_KEYS = ["script_code", "script_outcome", "path_key", "steps"]


def _db_identity(store) -> tuple:
    """The database file as a cache key: a restore or a new demo gives a new identity."""
    try:
        st = store.path.stat()
        return (str(store.path), st.st_ino, st.st_dev)
    except OSError:
        return (str(store.path),)


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


def _with_texts(store, paths: pd.DataFrame, bounds: dict) -> pd.DataFrame:
    """Add the answers' text and the last question, read once per distinct path."""
    ident = _db_identity(store)
    keys = [(ident, sc, None if pd.isna(k) else int(k)) for sc, k in zip(paths["script_code"], paths["path_key"])]
    missing = [sample for key, sample in zip(keys, paths["sample"]) if key[2] is not None and key not in _PATH_TEXT]
    if missing:
        texts = store.dashboard_path_texts(missing, bounds).set_index("protocol")
        for key, sample in zip(keys, paths["sample"]):
            if sample in texts.index:
                row = texts.loc[sample]
                _PATH_TEXT[key] = (row["path"], row["last_question_id"], row["last_question"])
    found = [_PATH_TEXT.get(k, (None, None, None)) for k in keys]
    out = paths.copy()
    out["path"] = [f[0] for f in found]
    out["last_question_id"] = [f[1] for f in found]
    out["last_question"] = [f[2] for f in found]
    return out


def _assemble(raw: dict, ref: dict, filters: Filters, now: datetime) -> DashboardData:
    statuses = ref["statuses"]
    sa = raw["status_age"]
    # Por status
    by_status = sa.groupby("status_code")[["n", "overdue", "late"]].sum()
    status = statuses[["code", "label", "is_open"]].copy()
    for col in ("n", "overdue", "late"):
        status[col] = status["code"].map(by_status[col]).fillna(0).astype("int64")
    status["is_open"] = status["is_open"].astype(bool)
    opened = sa[sa["is_open"].astype(bool)]
    by_bucket = opened.groupby("bucket")[["n", "overdue", "late"]].sum()
    age = pd.DataFrame([{"bucket": k, "label": label} for k, label, _lo, _hi in AGE_BUCKETS])
    for col in ("n", "overdue", "late"):
        age[col] = age["bucket"].map(by_bucket[col]).fillna(0).astype("int64") if len(by_bucket) else 0

    # Por título
    status_label = _labels(statuses)
    t = raw["titles"]
    cur = t[t["current"].astype(bool)]
    pivot = cur.pivot_table(index="title_code", columns="status_code", values="n", aggfunc="sum", fill_value=0)
    titles = ref["titles"][["code", "label"]].rename(columns={"code": "title_code", "label": "title"})
    status_cols = []
    for code in statuses["code"]:
        label = status_label[code]
        status_cols.append(label)
        titles[label] = titles["title_code"].map(pivot[code]).fillna(0).astype("int64") \
            if code in pivot.columns else 0
    titles["total"] = titles[status_cols].sum(axis=1).astype("int64")
    in_period = int(titles["total"].sum())
    titles["share"] = titles["total"] / in_period if in_period else 0.0
    prev = t[~t["current"].astype(bool)].groupby("title_code")["n"].sum()
    titles["previous"] = titles["title_code"].map(prev).fillna(0).astype("int64")
    titles["trend"] = [(c - p) / p if p else (float("nan") if c == 0 else float("inf"))
                       for c, p in zip(titles["total"], titles["previous"])]
    titles = titles[(titles["total"] > 0) | (titles["previous"] > 0)] \
        .sort_values(["total", "title"], ascending=[False, True]).reset_index(drop=True)

    # Indicadores
    tz = _tz()
    hours = raw["hours"]
    local = pd.to_datetime(hours["utc_hour"].astype("int64") * 3600, unit="s", utc=True).dt.tz_convert(tz)
    hours = hours.assign(day=local.dt.date, hour=local.dt.hour)
    ops_raw = raw["ops"]
    n_all = int(ops_raw["n"].sum())
    resolved = int(ops_raw["resolved"].sum())
    os_n = int(ops_raw["os"].sum())
    origins = ref["origins"]
    o = hours.groupby("origin_code")["n"].sum()
    by_origin = pd.DataFrame({"origin_code": origins["code"], "origin": origins["label"]})
    by_origin["n"] = by_origin["origin_code"].map(o).fillna(0).astype("int64")
    h = hours.groupby("hour")["n"].sum()
    by_hour = pd.DataFrame({"hour": range(24)})
    by_hour["n"] = by_hour["hour"].map(h).fillna(0).astype("int64")
    d = hours.groupby("day")["n"].sum()
    days = [filters.start + timedelta(days=i) for i in range(filters.days)]
    daily = pd.DataFrame({"day": days})
    daily["n"] = daily["day"].map(d).fillna(0).astype("int64")
    names = dict(zip(raw["operators"]["operator_id"], raw["operators"]["name"]))
    ops = ops_raw.groupby("operator_id", as_index=False)[["n", "resolved", "os"]].sum()
    ops["operator"] = ops["operator_id"].map(names).fillna("?")
    ops["resolution_rate"] = [_rate(r, n) for r, n in zip(ops["resolved"], ops["n"])]
    ops["os_rate"] = [_rate(r, n) for r, n in zip(ops["os"], ops["n"])]
    operators = ops[["operator_id", "operator", "n", "resolved", "resolution_rate", "os", "os_rate"]] \
        .sort_values(["n", "operator"], ascending=[False, True]).reset_index(drop=True)
    for c in ("operator_id", "n", "resolved", "os"):
        operators[c] = operators[c].astype("int64")

    open_backlog = int(status.loc[status["is_open"], "n"].sum())
    today_n, week_n = raw["recent"] or (0, 0)
    kpis = {
        "total": n_all, "open_backlog": open_backlog,
        "overdue": int(status["overdue"].sum()), "late": int(status["late"].sum()),
        "opened_today": int(today_n or 0), "opened_week": int(week_n or 0),
        "resolved": resolved, "fcr_rate": _rate(resolved, n_all),
        "os": os_n, "os_rate": _rate(os_n, n_all), "abandoned": int(raw["abandoned"] or 0),
    }

    # Scripts
    script_names = _labels(ref["scripts"], "code", "name") if len(ref["scripts"]) else {}
    sc = ops_raw[ops_raw["script_code"].notna()]
    rows = []
    for code, part in sc.groupby("script_code"):
        runs = int(part["n"].sum())
        outcome = part.groupby(part["script_outcome"].fillna(""))["n"].sum().to_dict()
        rows.append({"script_code": code, "script": script_names.get(code, code), "runs": runs,
                     "fim": int(outcome.get("fim", 0)), "encerrado": int(outcome.get("encerrado", 0)),
                     "resolved": int(part["resolved"].sum()), "os": int(part["os"].sum())})
    scripts = pd.DataFrame(rows, columns=["script_code", "script", "runs", "fim", "encerrado", "resolved", "os"])
    scripts["resolution_rate"] = [_rate(r, n) for r, n in zip(scripts["resolved"], scripts["runs"])]
    scripts = scripts.sort_values(["runs", "script"], ascending=[False, True]).reset_index(drop=True)
    p = raw["paths"].copy()
    p["script"] = p["script_code"].map(script_names).fillna(p["script_code"])
    p["last_question"] = p["last_question"].fillna("(nenhuma resposta)")
    ends = p.groupby(["script_code", "script", "last_question_id", "last_question"], dropna=False)[
        ["n", "resolved", "os"]].sum().reset_index()
    ends = ends.sort_values(["script", "n"], ascending=[True, False]).reset_index(drop=True)
    paths = p.groupby(["script_code", "script", "path_key", "path", "steps"], dropna=False)[
        ["n", "resolved", "os"]].sum().reset_index()
    paths["path"] = paths["path"].fillna("(nenhuma resposta)")
    paths["open"] = paths["n"] - paths["resolved"] - paths["os"]
    paths = paths.sort_values(["script", "n", "path"], ascending=[True, False, True]).reset_index(drop=True)
    for frame in (ends, paths):
        for c in ("n", "resolved", "os"):
            frame[c] = frame[c].astype("int64")

    return DashboardData(filters=filters, generated_at=now, status=status, age=age, titles=titles, kpis=kpis,
                         by_origin=by_origin, by_hour=by_hour, daily=daily, operators=operators,
                         scripts=scripts, script_ends=ends, script_paths=paths, status_labels=status_cols)


# -- drill-down lists -------------------------------------------------------------
def describe_drill(session, drill: dict | None) -> str:
    """A pt-BR caption for what a list shows ("Status: Pendente · vencidos")."""
    ref = _ref(session)
    lab = {"status": _labels(ref["statuses"]), "title": _labels(ref["titles"]),
           "origin": _labels(ref["origins"]), "type": _labels(ref["attendance_types"])}
    parts = []
    for key, value in (drill or {}).items():
        if value is None:
            continue
        if key in lab:
            parts.append(lab[key].get(value, str(value)))
        elif key == "open":
            parts.append("em aberto" if value else "encerrados")
        elif key == "overdue":
            parts.append("vencidos")
        elif key == "late":
            parts.append("fora do prazo Anatel")
        elif key == "age":
            parts.append("idade " + {b[0]: b[1] for b in AGE_BUCKETS}[value])
        elif key == "hour":
            parts.append(f"{int(value):02d}h")
        elif key == "day":
            parts.append(f"dia {value}")
        elif key == "operator_id":
            parts.append(f"operador {value}")
        elif key == "resolved":
            parts.append("resolvidos no primeiro contato" if value else "não resolvidos")
        elif key == "os_requested":
            parts.append("com O.S." if value else "sem O.S.")
        elif key == "since":
            parts.append(f"abertos desde {value:%d/%m %H:%M}")
        elif key == "previous":
            parts.append("período anterior")
        elif key == "script":
            parts.append("script " + str(value))
        else:
            parts.append(f"{key}: {value}")
    return " · ".join(parts) or "Todos os atendimentos"


def attendance_list(session, filters: Filters, drill: dict | None = None, *, order_by: str = "created_at",
                    descending: bool = True, page: int = 0, page_size: int = PAGE_SIZE,
                    now: datetime | None = None) -> ListPage:
    """The attendances behind a count: one page and the total."""
    _require(session)
    filters = filters.validate()
    if order_by not in LIST_COLUMNS:
        raise ValidationError(f"Ordenação inválida: '{order_by}'.", field="Ordenar por")
    if not 1 <= int(page_size) <= 1000 or int(page) < 0:
        raise ValidationError("Página inválida.", field="Página")
    try:
        frame, total = _store(session).dashboard_list(
            filters.bounds(), drill, now or utc_now(), order_by=order_by, descending=descending,
            limit=int(page_size), offset=int(page) * int(page_size))
    except (KeyError, ValueError, TypeError) as exc:
        raise ValidationError(f"Lista inválida: {exc}.", field="Lista") from None
    return ListPage(frame, int(total), int(page), int(page_size), describe_drill(session, drill))


def abandoned_list(session, filters: Filters, *, page: int = 0, page_size: int = PAGE_SIZE) -> ListPage:
    """Protocols told to a client and never registered (protocol log)."""
    _require(session)
    frame, total = _store(session).dashboard_abandoned(filters.validate().bounds(), limit=int(page_size),
                                                       offset=int(page) * int(page_size))
    return ListPage(frame, int(total), int(page), int(page_size), "Protocolos abandonados")


def detail(session, protocol: str) -> records.AttendanceDetail:
    """One attendance, read-only: data, script report, first contact, O.S., history."""
    _require(session)
    return session.workbench.attendance(protocol)


# -- exports --------------------------------------------------------------------
def full_list(session, filters: Filters, drill: dict | None = None, *, abandoned: bool = False,
              order_by: str = "created_at", descending: bool = True,
              limit: int = EXPORT_LIMIT, now: datetime | None = None) -> pd.DataFrame:
    """The whole list behind a count (up to ``limit`` rows) with pt-BR headers."""
    _require(session)
    if abandoned:
        frame, _ = _store(session).dashboard_abandoned(filters.validate().bounds(), limit=limit)
        return frame.rename(columns={"protocol": "Protocolo", "client": "Cliente", "origin": "Origem",
                                     "operator": "Operador", "issued_at": "Emitido em",
                                     "outcome_at": "Abandonado em"})
    frame, _ = _store(session).dashboard_list(filters.validate().bounds(), drill, now or utc_now(),
                                              order_by=order_by, descending=descending, limit=limit,
                                              count=False)
    return frame.rename(columns=LIST_COLUMNS)


def export_name(name: str, filters: Filters, fmt: str) -> str:
    return export_mod.file_name(name, filters.name_parts(), fmt)


def export_frame(session, frame: pd.DataFrame, name: str, filters: Filters, fmt: str = "csv",
                 directory: str | Path | None = None) -> tuple[str, bytes] | Path:
    """A list as file bytes ``(file name, bytes)``, or written into ``directory`` (returns the path)."""
    _require(session)
    file_name = export_name(name, filters, fmt)
    payload = export_mod.frame_bytes(frame, fmt)
    if directory is None:
        return file_name, payload
    path = Path(directory) / file_name
    path.write_bytes(payload)
    return path


def export_list(session, filters: Filters, drill: dict | None = None, fmt: str = "csv", *,
                directory: str | Path, abandoned: bool = False, name: str | None = None,
                now: datetime | None = None) -> Path:
    """Write the full list behind a count to ``directory``; returns the file's path."""
    frame = full_list(session, filters, drill, abandoned=abandoned, now=now)
    label = name or ("abandonados" if abandoned else describe_drill(session, drill))
    return export_frame(session, frame, label, filters, fmt, directory)
