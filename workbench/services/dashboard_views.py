"""One builder per view of the dashboard: raw aggregates in, the view's small frames out.

Each builder takes a :class:`Raw` (what storage returned for one refresh,
the reference tables, the filters, now) and returns the fields of
:class:`~workbench.services.dashboard.DashboardData` it owns. ``refresh``
runs every builder of :data:`VIEW_BUILDERS` in order: a new view is one
builder there (and its fields on ``DashboardData``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

import pandas as pd

from workbench.services.dashboard_filters import Filters, _tz
from workbench.storage.dashboard import DashboardCounts
from workbench.storage.dashboard_metrics import RESOLUTION_DIMENSIONS, DashboardMetrics
from workbench.storage.dashboard_sql import AGE_BUCKETS, OS_OPEN, OS_STATUSES

NO_ANSWER = "(nenhuma resposta)"


@dataclass
class Raw:
    """Everything a builder may read."""

    counts: DashboardCounts
    metrics: DashboardMetrics
    paths: pd.DataFrame           # merged answer paths with their texts
    ref: dict[str, pd.DataFrame]
    filters: Filters
    now: datetime


def labels(frame: pd.DataFrame, key: str = "code", value: str = "label") -> dict:
    return dict(zip(frame[key], frame[value]))


def rate(num, den) -> float:
    return float(num) / float(den) if den else 0.0


def _ints(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for c in columns:
        frame[c] = frame[c].fillna(0).astype("int64")
    return frame


def _local_times(utc_hours: pd.Series) -> pd.Series:
    local = pd.to_datetime(utc_hours.astype("int64") * 3600, unit="s", utc=True).dt.tz_convert(_tz())
    return local


def build_status(raw: Raw) -> dict[str, Any]:
    """Por status: every status with its count, overdue and late; age buckets of the open ones."""
    statuses = raw.ref["statuses"]
    sa = raw.counts.status_age
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
    return {"status": status, "age": age}


def build_titles(raw: Raw) -> dict[str, Any]:
    """Por título: counts per status, share, the previous period and the trend."""
    statuses = raw.ref["statuses"]
    status_label = labels(statuses)
    t = raw.counts.titles
    cur = t[t["current"].astype(bool)]
    pivot = cur.pivot_table(index="title_code", columns="status_code", values="n", aggfunc="sum", fill_value=0)
    titles = raw.ref["titles"][["code", "label"]].rename(columns={"code": "title_code", "label": "title"})
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
    return {"titles": titles, "status_labels": status_cols}


def build_indicators(raw: Raw, status: pd.DataFrame) -> dict[str, Any]:
    """Indicadores: volume by origin, hour, day and operator; the KPIs of the period."""
    c = raw.counts
    hours = c.hours
    local = _local_times(hours["utc_hour"])
    hours = hours.assign(day=local.dt.date, hour=local.dt.hour)
    n_all, resolved, os_n = (int(c.ops[k].sum()) for k in ("n", "resolved", "os"))
    origins = raw.ref["origins"]
    by_origin = pd.DataFrame({"origin_code": origins["code"], "origin": origins["label"]})
    by_origin["n"] = by_origin["origin_code"].map(hours.groupby("origin_code")["n"].sum()).fillna(0).astype("int64")
    by_hour = pd.DataFrame({"hour": range(24)})
    by_hour["n"] = by_hour["hour"].map(hours.groupby("hour")["n"].sum()).fillna(0).astype("int64")
    days = [raw.filters.start + timedelta(days=i) for i in range(raw.filters.days)]
    daily = pd.DataFrame({"day": days})
    daily["n"] = daily["day"].map(hours.groupby("day")["n"].sum()).fillna(0).astype("int64")
    names = dict(zip(c.operators["operator_id"], c.operators["name"]))
    ops = c.ops.groupby("operator_id", as_index=False)[["n", "resolved", "os"]].sum()
    ops["operator"] = ops["operator_id"].map(names).fillna("?")
    ops["resolution_rate"] = [rate(r, n) for r, n in zip(ops["resolved"], ops["n"])]
    ops["os_rate"] = [rate(r, n) for r, n in zip(ops["os"], ops["n"])]
    operators = ops[["operator_id", "operator", "n", "resolved", "resolution_rate", "os", "os_rate"]] \
        .sort_values(["n", "operator"], ascending=[False, True]).reset_index(drop=True)
    _ints(operators, "operator_id", "n", "resolved", "os")
    kpis = {
        "total": n_all, "open_backlog": int(status.loc[status["is_open"], "n"].sum()),
        "overdue": int(status["overdue"].sum()), "late": int(status["late"].sum()),
        "opened_today": c.opened_today, "opened_week": c.opened_week,
        "resolved": resolved, "fcr_rate": rate(resolved, n_all),
        "os": os_n, "os_rate": rate(os_n, n_all), "abandoned": c.abandoned,
    }
    return {"kpis": kpis, "by_origin": by_origin, "by_hour": by_hour, "daily": daily, "operators": operators}


def _dimension_names(raw: Raw) -> dict[str, dict]:
    """Code → name for each resolution dimension, from its reference table (or the operators)."""
    operators = dict(zip(raw.counts.operators["operator_id"], raw.counts.operators["name"]))
    return {d.key: labels(raw.ref[d.reference]) if d.reference else operators for d in RESOLUTION_DIMENSIONS}


def build_resolution(raw: Raw, daily: pd.DataFrame, kpis: dict) -> dict[str, Any]:
    """Resolution time per dimension, SLA/Anatel compliance, reopen and repeat rates,
    closed per day and the open backlog at the end of each day, work orders by status and age."""
    m = raw.metrics
    res = m.resolution
    overall = res[res["dimension"] == ""]
    names = _dimension_names(raw)
    resolution: dict[str, pd.DataFrame] = {}
    for dim in RESOLUTION_DIMENSIONS:
        part = res[res["dimension"] == dim.key]
        values = [v if dim.reference else int(v) for v in part["value"]]
        frame = pd.DataFrame({"key": values, "label": [names.get(dim.key, {}).get(v, v) for v in values],
                              "n": part["n"].to_numpy(), "median_h": part["median_h"].to_numpy(dtype=float),
                              "p90_h": part["p90_h"].to_numpy(dtype=float)})
        resolution[dim.key] = _ints(frame, "n").sort_values(["n", "label"], ascending=[False, True]) \
            .reset_index(drop=True)
    s = m.sla
    has = len(overall) > 0 and int(overall["n"].iloc[0]) > 0
    kpis.update({
        "closed": s.closed,
        "resolution_median_h": float(overall["median_h"].iloc[0]) if has else float("nan"),
        "resolution_p90_h": float(overall["p90_h"].iloc[0]) if has else float("nan"),
        "sla_met": s.sla_met, "sla_missed": s.sla_missed, "sla_rate": rate(s.sla_met, s.sla_met + s.sla_missed),
        "anatel_met": s.anatel_met, "anatel_missed": s.anatel_missed,
        "anatel_rate": rate(s.anatel_met, s.anatel_met + s.anatel_missed),
        "reopened": s.reopened, "ever_closed": s.ever_closed, "reopen_rate": rate(s.reopened, s.ever_closed),
        "repeats": s.repeats, "repeat_rate": rate(s.repeats, kpis["total"]),
    })
    closed_days = _local_times(m.closed_hours["utc_hour"]).dt.date
    closed = m.closed_hours.assign(day=closed_days).groupby("day")["n"].sum()
    flow = pd.DataFrame({"day": daily["day"], "opened": daily["n"]})
    flow["closed"] = flow["day"].map(closed).fillna(0).astype("int64")
    flow["backlog"] = (m.backlog_start + (flow["opened"] - flow["closed"]).cumsum()).astype("int64")
    orders = pd.DataFrame({"status": list(OS_STATUSES)})
    orders["is_open"] = orders["status"].isin(OS_OPEN)
    o = m.orders
    orders["n"] = orders["status"].map(o.groupby("status")["n"].sum()).fillna(0).astype("int64")
    for key, _label, _lo, _hi in AGE_BUCKETS:
        part = o[o["bucket"] == key].groupby("status")["n"].sum()
        orders[key] = pd.array([int(part.get(st, 0)) if is_open else None
                                for st, is_open in zip(orders["status"], orders["is_open"])], dtype="Int64")
    return {"resolution": resolution, "flow": flow, "orders": orders}


def build_scripts(raw: Raw) -> dict[str, Any]:
    """Scripts: runs and outcomes, where people end, which answer paths end resolved or with an O.S."""
    ops = raw.counts.ops
    script_names = labels(raw.ref["scripts"], "code", "name") if len(raw.ref["scripts"]) else {}
    sc = ops[ops["script_code"].notna()]
    rows = []
    for code, part in sc.groupby("script_code"):
        outcome = part.groupby(part["script_outcome"].fillna(""))["n"].sum().to_dict()
        rows.append({"script_code": code, "script": script_names.get(code, code), "runs": int(part["n"].sum()),
                     "fim": int(outcome.get("fim", 0)), "encerrado": int(outcome.get("encerrado", 0)),
                     "resolved": int(part["resolved"].sum()), "os": int(part["os"].sum())})
    scripts = pd.DataFrame(rows, columns=["script_code", "script", "runs", "fim", "encerrado", "resolved", "os"])
    scripts["resolution_rate"] = [rate(r, n) for r, n in zip(scripts["resolved"], scripts["runs"])]
    scripts = scripts.sort_values(["runs", "script"], ascending=[False, True]).reset_index(drop=True)
    p = raw.paths.copy()
    p["script"] = p["script_code"].map(script_names).fillna(p["script_code"])
    p["last_question"] = p["last_question"].fillna(NO_ANSWER)
    ends = p.groupby(["script_code", "script", "last_question_id", "last_question"], dropna=False)[
        ["n", "resolved", "os"]].sum().reset_index()
    ends = ends.sort_values(["script", "n"], ascending=[True, False]).reset_index(drop=True)
    paths = p.groupby(["script_code", "script", "path_key", "path", "steps"], dropna=False)[
        ["n", "resolved", "os"]].sum().reset_index()
    paths["path"] = paths["path"].fillna(NO_ANSWER)
    paths["open"] = paths["n"] - paths["resolved"] - paths["os"]
    paths = paths.sort_values(["script", "n", "path"], ascending=[True, False, True]).reset_index(drop=True)
    for frame in (ends, paths):
        _ints(frame, "n", "resolved", "os")
    return {"scripts": scripts, "script_ends": ends, "script_paths": paths}


# The builders in the order they run; each may read what earlier ones produced (by field name).
VIEW_BUILDERS: tuple[tuple[str, Callable[..., dict[str, Any]], tuple[str, ...]], ...] = (
    ("Por status", build_status, ()),
    ("Por título", build_titles, ()),
    ("Indicadores", build_indicators, ("status",)),
    ("Resolução e SLA", build_resolution, ("daily", "kpis")),
    ("Scripts", build_scripts, ()),
)


def build_all(raw: Raw) -> dict[str, Any]:
    """Every view's fields, each builder fed what it declares it needs."""
    out: dict[str, Any] = {}
    for _name, builder, needs in VIEW_BUILDERS:
        out.update(builder(raw, *(out[n] for n in needs)))
    return out
