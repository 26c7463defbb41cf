"""Supervisor dashboard queries: aggregates computed in DuckDB, lists paged.

Nothing here loads the attendance table into pandas: every view is a
GROUP BY whose result has at most a few thousand rows, and every list is a
page (LIMIT/OFFSET) with its total count. ``dashboard_snapshot`` runs all the
view queries of one refresh in two short read units of work (a writer waiting
at the gate gets in between them).

Filters arrive as a plain dict (built by ``workbench.services.dashboard``)::

    start, end          aware datetimes, created_at in [start, end)
    prev_start          start of the previous period of equal length
    origin, type, title codes (or None)
    operator_id, routing_point_id  ints (or None)
    city                client's city (or None)

A drill (what a clicked count means) is a dict of whitelisted keys, see
``_drill_where``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from workbench.storage.base import StoreBase

# (key, label, lowest and highest whole days of age); None = no upper bound.
AGE_BUCKETS = (
    ("0-1", "0–1 dia", 0, 1),
    ("2-5", "2–5 dias", 2, 5),
    ("6-10", "6–10 dias", 6, 10),
    ("11-30", "11–30 dias", 11, 30),
    ("30+", "mais de 30 dias", 31, None),
)
COMPLAINT_DAYS = 7      # Anatel RGC art. 10: complaints
DEMAND_DAYS = 10        # other demands
PATH_SEPARATOR = " › "
# An answer path packed in a BIGINT: (answer_index + 1) in 4 bits per step (up to 15 steps and options).
_PATH_KEY = "sum((sa.answer_index + 1)::BIGINT << (4 * (sa.seq - 1)))"
# Memory of the dashboard's own short connections (the kernel must stay small).
DASHBOARD_MEMORY = "256MB"

_LIST_ORDER = {
    "protocol": "a.protocol", "client": "c.name", "title": "ti.label", "status": "st.sort",
    "origin": "o.sort", "operator": "op.name", "type": "ty.label", "created_at": "a.created_at",
    "due_at": "a.due_at", "age_days": "a.created_at", "overdue": "a.due_at", "late": "a.created_at",
}
_REVERSED = {"age_days", "late"}   # older first = larger age


def _age_sql(now_param: str = "?") -> str:
    return f"floor((epoch({now_param}::TIMESTAMPTZ) - epoch(a.created_at)) / 86400)::INTEGER"


def _bucket_case() -> str:
    parts = []
    for key, _label, lo, hi in AGE_BUCKETS:
        if hi is None:
            parts.append(f"WHEN age >= {lo} THEN '{key}'")
        else:
            parts.append(f"WHEN age BETWEEN {lo} AND {hi} THEN '{key}'")
    return "CASE " + " ".join(parts) + " END"


def _filter_where(f: dict, *, period: bool = True, since: datetime | None = None,
                  alias: str = "a") -> tuple[list[str], list[Any]]:
    """WHERE conditions for the supervisor's filters (parameterised)."""
    conds: list[str] = []
    params: list[Any] = []
    if period:
        conds.append(f"{alias}.created_at >= ? AND {alias}.created_at < ?")
        params += [f["start"], f["end"]]
    if since is not None:
        conds.append(f"{alias}.created_at >= ?")
        params.append(since)
    for key, column in (("origin", "origin_code"), ("type", "type_code"), ("title", "title_code"),
                        ("operator_id", "operator_id")):
        if f.get(key) is not None:
            conds.append(f"{alias}.{column} = ?")
            params.append(f[key])
    if f.get("city"):
        conds.append(f"{alias}.client_id IN (SELECT client_id FROM clients WHERE city = ?)")
        params.append(f["city"])
    if f.get("routing_point_id") is not None:
        conds.append(f"{alias}.contract_id IN (SELECT contract_id FROM contracts WHERE routing_point_id = ?)")
        params.append(f["routing_point_id"])
    return conds, params


def _protocol_range(f: dict) -> tuple[str, str]:
    """Protocol prefix bounds (YYYYMMDD...) around the period: lets DuckDB skip
    row groups of script_answers by their min/max; the exact filter is the join."""
    lo = (f["start"].date() - timedelta(days=2)).strftime("%Y%m%d")
    hi = (f["end"].date() + timedelta(days=2)).strftime("%Y%m%d")
    return lo, hi


def _deadlines(now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(days=COMPLAINT_DAYS), now - timedelta(days=DEMAND_DAYS)


_OPEN = "a.status_code IN (SELECT code FROM statuses WHERE is_open)"
_COMPLAINT = "a.type_code IN (SELECT code FROM attendance_types WHERE is_complaint)"

# What "Por status" counts, for its drill-down lists: the open backlog opened before the
# period's end however old, and the closed attendances of the period. Params: end, start.
_BACKLOG = f"(a.created_at < ? AND (({_OPEN}) OR a.created_at >= ?))"


def _late_sql() -> str:
    """Open and past the regulatory deadline; two params: now-7d, now-10d."""
    return (f"({_OPEN} AND CASE WHEN {_COMPLAINT} THEN a.created_at < ? ELSE a.created_at < ? END)")


def _drill_where(drill: dict | None, now: datetime, f: dict) -> tuple[list[str], list[Any], bool]:
    """Conditions for a drill; returns (conds, params, use_period)."""
    conds: list[str] = []
    params: list[Any] = []
    use_period = True
    for key, value in (drill or {}).items():
        if value is None:
            continue
        if key in ("status", "open", "overdue", "late", "age"):
            # as the status view counts them: the open backlog however old
            conds.append(_BACKLOG); params += [f["end"], f["start"]]
            use_period = False
        if key == "status":
            conds.append("a.status_code = ?"); params.append(value)
        elif key == "open":
            conds.append(_OPEN if value else f"NOT {_OPEN}")
        elif key == "overdue":
            conds.append(f"{_OPEN} AND a.due_at < ?"); params.append(now)
        elif key == "late":
            conds.append(_late_sql()); params += list(_deadlines(now))
        elif key == "age":
            bucket = {b[0]: b for b in AGE_BUCKETS}[value]
            _k, _l, lo, hi = bucket
            conds.append(f"{_OPEN} AND a.created_at <= ?"); params.append(now - timedelta(days=lo))
            if hi is not None:
                conds.append("a.created_at > ?"); params.append(now - timedelta(days=hi + 1))
        elif key in ("title", "origin", "type"):
            conds.append(f"a.{key}_code = ?"); params.append(value)
        elif key == "operator_id":
            conds.append("a.operator_id = ?"); params.append(int(value))
        elif key == "hour":
            conds.append("hour(a.created_at) = ?"); params.append(int(value))
        elif key == "day":              # a local calendar day, as a range (uses the zone maps)
            conds.append("a.created_at >= ?::DATE::TIMESTAMPTZ AND a.created_at < (?::DATE + 1)::TIMESTAMPTZ")
            params += [value, value]
        elif key in ("resolved", "os_requested"):
            conds.append(f"a.{key} = ?"); params.append(bool(value))
        elif key == "since":            # opened today / this week: its own period
            conds.append("a.created_at >= ?"); params.append(value)
            use_period = False
        elif key == "previous":         # the previous period of the title trend
            if value:
                conds.append("a.created_at >= ? AND a.created_at < ?"); params += [f["prev_start"], f["start"]]
                use_period = False
        elif key == "script":
            conds.append("a.script_code = ?"); params.append(value)
        elif key == "script_outcome":
            conds.append("a.script_outcome = ?"); params.append(value)
        elif key in ("last_question", "path"):
            lo, hi = _protocol_range(f)
            agg = "arg_max(question_id, seq)" if key == "last_question" else _PATH_KEY.replace("sa.", "")
            value = value if key == "last_question" else int(value)
            conds.append("a.protocol IN (SELECT protocol FROM script_answers WHERE protocol >= ? AND protocol < ? "
                         f"GROUP BY protocol HAVING {agg} = ?)")
            params += [lo, hi, value]
        else:
            raise KeyError(f"drill desconhecido: {key}")
    return conds, params, use_period


def _status_age_sql(where: str) -> str:
    """Status x age bucket counts with overdue and late; four params (now, now-7d, now-10d, now) first."""
    return f"""
        SELECT status_code, is_open, {_bucket_case()} AS bucket, count(*) AS n,
               count(*) FILTER (WHERE is_open AND due_at < ?) AS overdue,
               count(*) FILTER (WHERE is_open AND created_at < CASE WHEN is_complaint THEN ? ELSE ? END) AS late
        FROM (SELECT a.status_code, a.created_at, a.due_at, st.is_open,
                     coalesce(ty.is_complaint, false) AS is_complaint, {_age_sql()} AS age
              FROM attendances a
              JOIN statuses st ON st.code = a.status_code
              LEFT JOIN attendance_types ty ON ty.code = a.type_code
              WHERE {where})
        GROUP BY ALL"""


class DashboardMixin(StoreBase):
    """Queries of the supervisor dashboard and the analysts' notebook."""

    @staticmethod
    def _dashboard_settings(con) -> None:
        con.execute(f"SET memory_limit = '{DASHBOARD_MEMORY}'")

    # -- one refresh ---------------------------------------------------------
    def dashboard_snapshot(self, f: dict, now: datetime, today_start: datetime,
                           week_start: datetime, *, paths_since: datetime | None = None) -> dict[str, Any]:
        """Every view's aggregates in two short read units of work (small DataFrames).

        Script answer paths are computed for attendances opened from
        ``paths_since`` (default: the period's start) only: the caller keeps
        the older part, which cannot change any more.
        """
        where, params = _filter_where(f)
        w = " AND ".join(where)
        nowc, nowd = _deadlines(now)
        out: dict[str, Any] = {}
        with self._read() as con:
            self._dashboard_settings(con)
            # Por status: status x age bucket, with overdue and regulatory-late counts: the
            # period's attendances, plus the open backlog opened before it (two scans that
            # prune by the zone maps of created_at are cheaper than one OR over every row).
            closed = [r[0] for r in con.execute("SELECT code FROM statuses WHERE NOT is_open").fetchall()]
            owhere, oparams = _filter_where(f, period=False)
            owhere.append("a.created_at < ?")
            oparams.append(f["start"])
            if closed:
                owhere.append(f"a.status_code NOT IN ({', '.join('?' * len(closed))})")
                oparams += closed
            parts = [self._df(con, _status_age_sql(where_sql), [now, nowc, nowd, now] + where_params)
                     for where_sql, where_params in ((w, params), (" AND ".join(owhere), oparams))]
            out["status_age"] = pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)
            # Opened today / this week: their own periods, the other filters apply.
            rwhere, rparams = _filter_where(f, period=False, since=week_start)
            out["recent"] = self._one(con, f"""
                SELECT count(*) FILTER (WHERE a.created_at >= ?), count(*)
                FROM attendances a WHERE {' AND '.join(rwhere)}""", [today_start] + rparams)
            out["operators"] = self._df(con, "SELECT operator_id, name FROM operators")
            # Abandoned protocols (protocol_log has origin, operator and client only).
            lwhere, lparams = self._log_where(f)
            out["abandoned"] = self._scalar(con, f"""
                SELECT count(*) FROM protocol_log l WHERE l.outcome = 'abandonado' AND {lwhere}""", lparams)
        # Two short reads rather than one long one: a writer waiting at the gate gets in between.
        with self._read() as con:
            self._dashboard_settings(con)
            # Por título: current and previous period in one scan.
            pwhere, pparams = _filter_where({**f, "start": f["prev_start"]})
            out["titles"] = self._df(con, f"""
                SELECT a.title_code, a.status_code, a.created_at >= ? AS current, count(*) AS n
                FROM attendances a WHERE {' AND '.join(pwhere)}
                GROUP BY ALL""", [f["start"]] + pparams)
            # Indicadores: volume per UTC hour and origin (day and local hour are derived from it
            # in Python: time-zone conversion of 10^5-10^6 rows in SQL costs more than the scan).
            out["hours"] = self._df(con, f"""
                SELECT epoch(a.created_at)::BIGINT // 3600 AS utc_hour, a.origin_code, count(*) AS n
                FROM attendances a WHERE {w} GROUP BY ALL""", params)
            # Per operator and script outcome (resolved, O.S.).
            out["ops"] = self._df(con, f"""
                SELECT a.operator_id, a.script_code, a.script_outcome, count(*) AS n,
                       count(*) FILTER (WHERE a.resolved) AS resolved,
                       count(*) FILTER (WHERE a.os_requested) AS os
                FROM attendances a WHERE {w} GROUP BY ALL""", params)
            # Scripts: answer paths (live part; the service caches past days, which never change).
            since = paths_since or f["start"]
            if since < f["end"]:
                out["paths"] = self._paths(con, {**f, "start": since})
            else:
                out["paths"] = None
        return out

    def dashboard_paths(self, f: dict) -> pd.DataFrame:
        """Script answer paths for attendances opened in [f.start, f.end) (one unit of work)."""
        with self._read() as con:
            self._dashboard_settings(con)
            return self._paths(con, f)

    def dashboard_path_texts(self, samples: list[str], f: dict) -> pd.DataFrame:
        """Answers text and last question of sample protocols (one per distinct path)."""
        if not samples:
            return pd.DataFrame(columns=["protocol", "path", "last_question_id", "last_question"])
        lo, hi = _protocol_range(f)
        with self._read() as con:
            return self._df(con, f"""
                SELECT protocol, string_agg(answer, '{PATH_SEPARATOR}' ORDER BY seq) AS path,
                       arg_max(question_id, seq) AS last_question_id, arg_max(question, seq) AS last_question
                FROM script_answers
                WHERE protocol >= ? AND protocol < ? AND protocol IN (SELECT unnest(?::VARCHAR[]))
                GROUP BY protocol""", [lo, hi, list(samples)])

    def _paths(self, con, f: dict) -> pd.DataFrame:
        """Per (script, outcome, answer path): count, resolved, O.S., and one sample protocol.

        A path is keyed by its answer indexes packed in a BIGINT (4 bits per
        step): grouping 10^6 answers by protocol with integer sums is several
        times cheaper than aggregating strings in order."""
        where, params = _filter_where(f)
        lo, hi = _protocol_range(f)
        return self._df(con, f"""
            WITH fa AS (SELECT a.protocol, a.script_code, a.script_outcome, a.resolved, a.os_requested
                        FROM attendances a WHERE {' AND '.join(where)} AND a.script_code IS NOT NULL),
                 p AS (SELECT sa.protocol, {_PATH_KEY} AS path_key, max(sa.seq) AS steps
                       FROM script_answers sa
                       WHERE sa.protocol >= ? AND sa.protocol < ?
                         AND sa.protocol IN (SELECT protocol FROM fa)
                       GROUP BY sa.protocol)
            SELECT fa.script_code, fa.script_outcome, p.path_key, p.steps, count(*) AS n,
                   count(*) FILTER (WHERE fa.resolved) AS resolved,
                   count(*) FILTER (WHERE fa.os_requested) AS os, min(fa.protocol) AS sample
            FROM fa LEFT JOIN p USING (protocol)
            GROUP BY ALL""", params + [lo, hi])

    @staticmethod
    def _log_where(f: dict) -> tuple[str, list[Any]]:
        conds = ["l.issued_at >= ? AND l.issued_at < ?"]
        params: list[Any] = [f["start"], f["end"]]
        if f.get("origin") is not None:
            conds.append("l.origin_code = ?"); params.append(f["origin"])
        if f.get("operator_id") is not None:
            conds.append("l.operator_id = ?"); params.append(f["operator_id"])
        if f.get("city"):
            conds.append("l.client_id IN (SELECT client_id FROM clients WHERE city = ?)"); params.append(f["city"])
        if f.get("routing_point_id") is not None:
            conds.append("l.client_id IN (SELECT client_id FROM contracts WHERE routing_point_id = ?)")
            params.append(f["routing_point_id"])
        return " AND ".join(conds), params

    # -- lists ---------------------------------------------------------------
    def dashboard_list(self, f: dict, drill: dict | None, now: datetime, *, order_by: str = "created_at",
                       descending: bool = True, limit: int = 25, offset: int = 0,
                       count: bool = True) -> tuple[pd.DataFrame, int | None]:
        """One page of the attendances behind a count, and how many there are."""
        if order_by not in _LIST_ORDER:
            raise KeyError(order_by)
        dconds, dparams, use_period = _drill_where(drill, now, f)
        conds, params = _filter_where(f, period=use_period)
        where = " AND ".join(conds + dconds) or "TRUE"
        params = params + dparams
        direction = "DESC" if descending != (order_by in _REVERSED) else "ASC"
        order = f"{_LIST_ORDER[order_by]} {direction}, a.protocol {direction}"
        nowc, nowd = _deadlines(now)
        client_early = order_by == "client"
        client_join = "LEFT JOIN clients c ON c.client_id = a.client_id"
        inner = f"""
            SELECT a.protocol, a.client_id, {'c.name' if client_early else 'NULL'} AS client,
                   ti.label AS title, st.label AS status, o.label AS origin, op.name AS operator,
                   ty.label AS type, a.created_at, a.due_at, {_age_sql()} AS age_days,
                   (st.is_open AND a.due_at < ?) AS overdue,
                   (st.is_open AND a.created_at < CASE WHEN coalesce(ty.is_complaint, false) THEN ? ELSE ? END) AS late,
                   {_LIST_ORDER[order_by]} AS _k
            FROM attendances a
            LEFT JOIN statuses st ON st.code = a.status_code
            LEFT JOIN titles ti ON ti.code = a.title_code
            LEFT JOIN origins o ON o.code = a.origin_code
            LEFT JOIN operators op ON op.operator_id = a.operator_id
            LEFT JOIN attendance_types ty ON ty.code = a.type_code
            {client_join if client_early else ''}
            WHERE {where}
            ORDER BY {order} LIMIT ? OFFSET ?"""
        sql = f"""
            SELECT p.protocol, {'p.client' if client_early else 'c.name'} AS client, p.title, p.status, p.origin,
                   p.operator, p.type, p.created_at, p.due_at, p.age_days, p.overdue, p.late
            FROM ({inner}) p {'' if client_early else 'LEFT JOIN clients c ON c.client_id = p.client_id'}
            ORDER BY p._k {direction}, p.protocol {direction}"""
        page_params = [now, now, nowc, nowd] + params + [int(limit), int(offset)]
        with self._read() as con:
            self._dashboard_settings(con)
            df = self._df(con, sql, page_params)
            total = self._scalar(con, f"SELECT count(*) FROM attendances a WHERE {where}", params) if count else None
        return df, total

    def dashboard_abandoned(self, f: dict, *, limit: int = 25, offset: int = 0) -> tuple[pd.DataFrame, int]:
        """Protocols told to a client whose attendance was never registered."""
        where, params = self._log_where(f)
        with self._read() as con:
            df = self._df(con, f"""
                SELECT l.protocol, c.name AS client, o.label AS origin, op.name AS operator,
                       l.issued_at, l.outcome_at
                FROM (SELECT * FROM protocol_log l WHERE l.outcome = 'abandonado' AND {where}
                      ORDER BY l.issued_at DESC, l.protocol DESC LIMIT ? OFFSET ?) l
                LEFT JOIN clients c ON c.client_id = l.client_id
                LEFT JOIN origins o ON o.code = l.origin_code
                LEFT JOIN operators op ON op.operator_id = l.operator_id
                ORDER BY l.issued_at DESC, l.protocol DESC""", params + [int(limit), int(offset)])
            total = self._scalar(con, f"SELECT count(*) FROM protocol_log l "
                                      f"WHERE l.outcome = 'abandonado' AND {where}", params)
        return df, total

    # -- choices for the filter bar -------------------------------------------
    def dashboard_choices(self) -> dict[str, list[tuple[str, Any]]]:
        """(label, value) pairs for every filter dropdown."""
        with self._read() as con:
            return {
                "origin": [tuple(r) for r in con.execute("SELECT label, code FROM origins ORDER BY sort").fetchall()],
                "type": [tuple(r) for r in con.execute(
                    "SELECT label, code FROM attendance_types ORDER BY sort").fetchall()],
                "title": [tuple(r) for r in con.execute("SELECT label, code FROM titles ORDER BY sort").fetchall()],
                "operator": [tuple(r) for r in con.execute(
                    "SELECT name, operator_id FROM operators ORDER BY name").fetchall()],
                "city": [(r[0], r[0]) for r in con.execute(
                    "SELECT DISTINCT city FROM routing_points ORDER BY city").fetchall()],
                "routing_point": [tuple(r) for r in con.execute(
                    "SELECT name, routing_point_id FROM routing_points ORDER BY name").fetchall()],
            }
