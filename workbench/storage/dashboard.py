"""Supervisor dashboard queries: aggregates computed in DuckDB, lists paged.

Nothing here loads the attendance table into pandas: every view is a
GROUP BY whose result has at most a few thousand rows, and every list is a
page (LIMIT/OFFSET) with its total count. ``dashboard_snapshot`` runs the
view queries of one refresh in two short read units of work and
``dashboard_metrics`` (:mod:`workbench.storage.dashboard_metrics`) a third:
a writer waiting at the gate gets in between them.

Filters arrive as a :class:`~workbench.storage.dashboard_sql.Bounds`; a drill
(what a clicked count means) is checked against the registry
:data:`~workbench.storage.dashboard_sql.DRILLS`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any


from workbench.lazy import lazy
from workbench.storage.base import StoreBase
from workbench.storage.dashboard_sql import (BACKLOG, PATH_KEY_SQL, PATH_SEPARATOR, Bounds,
                                             DrillContext, age_sql, bucket_at, bucket_limits, deadlines, drill_where,
                                             filter_where, parse_drill, protocol_range)

pd = lazy("pandas")


_LIST_ORDER = {
    "protocol": "a.protocol", "client": "c.name", "title": "ti.label", "status": "st.sort",
    "origin": "o.sort", "operator": "op.name", "type": "ty.label", "created_at": "a.created_at",
    "due_at": "a.due_at", "closed_at": "a.closed_at", "age_days": "a.created_at", "overdue": "a.due_at",
    "late": "a.created_at",
}
_REVERSED = {"age_days", "late"}   # older first = larger age


@dataclass
class DashboardCounts:
    """The raw aggregates of one refresh (small frames), before the services shape them."""

    status_age: pd.DataFrame      # status_code, is_open, bucket, n, overdue, late
    opened_today: int
    opened_week: int
    operators: pd.DataFrame       # operator_id, name
    abandoned: int
    titles: pd.DataFrame          # title_code, status_code, current, n
    hours: pd.DataFrame           # utc_hour, origin_code, n
    ops: pd.DataFrame             # operator_id, script_code, script_outcome, n, resolved, os
    paths: pd.DataFrame | None    # script_code, script_outcome, path_key, steps, n, resolved, os, sample


@dataclass
class ListResult:
    """One page of a list and how many rows the whole list has (None when not counted)."""

    frame: pd.DataFrame
    total: int | None


def _open_status_sql(where: str) -> str:
    """Open attendances by status x age bucket with overdue and late counts.
    Params: :func:`bucket_limits`, then now, now-7d, now-10d (:func:`deadlines`), then ``where``'s."""
    return f"""
        SELECT a.status_code, st.is_open, {bucket_at()} AS bucket, count(*) AS n,
               count(*) FILTER (WHERE a.due_at < ?) AS overdue,
               count(*) FILTER (WHERE a.created_at < CASE WHEN coalesce(ty.is_complaint, false) THEN ? ELSE ? END)
                   AS late
        FROM open_attendances a
        JOIN statuses st ON st.code = a.status_code
        LEFT JOIN attendance_types ty ON ty.code = a.type_code
        WHERE {where}
        GROUP BY 1, 2, 3"""


def _closed_status_frame(closed: pd.DataFrame) -> pd.DataFrame:
    """Closed statuses' counts in the shape of the status x age rows (no bucket, never overdue or late)."""
    return pd.DataFrame({"status_code": closed["status_code"].astype(object), "is_open": False, "bucket": None,
                         "n": closed["n"].astype("int64"), "overdue": 0, "late": 0})


class DashboardMixin(StoreBase):
    """Queries of the supervisor dashboard and the analysts' notebook."""

    # -- one refresh ---------------------------------------------------------
    def dashboard_snapshot(self, b: Bounds, now: datetime, today_start: datetime,
                           week_start: datetime, *, paths_since: datetime | None = None) -> DashboardCounts:
        """Every view's aggregates in two short read units of work (small DataFrames).

        Script answer paths are computed for attendances opened from
        ``paths_since`` (default: the period's start) only: the caller keeps
        the older part, which cannot change any more.
        """
        with self._read() as con:
            self._dashboard_settings(con)
            status_age = self._dash_status(con, b, now)
            # Opened today / this week: their own periods, the other filters apply.
            rwhere, rparams = filter_where(b, period=False, since=week_start)
            today_n, week_n = self._one(con, f"""
                SELECT count(*) FILTER (WHERE a.created_at >= ?), count(*)
                FROM attendances a WHERE {' AND '.join(rwhere)}""", [today_start] + rparams) or (0, 0)
            operators = self._df(con, "SELECT operator_id, name FROM operators")
            # Abandoned protocols (protocol_log has origin, operator and client only).
            lwhere, lparams = self._log_where(b)
            abandoned = self._scalar(con, f"""
                SELECT count(*) FROM protocol_log l WHERE l.outcome = 'abandonado' AND {lwhere}""", lparams)
        # Two short reads rather than one long one: a writer waiting at the gate gets in between.
        with self._read() as con:
            self._dashboard_settings(con)
            # Por título: current and previous period in one scan.
            titles = self._dash_titles(con, b)
            # Indicadores: volume per UTC hour and origin (day and local hour are derived from it
            # in Python: time-zone conversion of 10^5-10^6 rows in SQL costs more than the scan).
            hours = self._dash_hours(con, b)
            # Per operator and script outcome (resolved, O.S.).
            ops = self._dash_ops(con, b)
            # Scripts: answer paths (live part; the service caches past days, which never change).
            since = paths_since or b.start
            paths = self._paths(con, replace(b, start=since)) if since < b.end else None
        return DashboardCounts(status_age=status_age, opened_today=int(today_n or 0), opened_week=int(week_n or 0),
                               operators=operators, abandoned=int(abandoned or 0), titles=titles, hours=hours,
                               ops=ops, paths=paths)

    def _dash_status(self, con, b: Bounds, now: datetime) -> pd.DataFrame:
        """Por status: the open attendances opened before the period's end however old (status x age
        bucket, overdue, late), read from the small open_attendances table, and the closed ones of
        the period per status (bucket None: ages are shown for open attendances only)."""
        owhere, oparams = filter_where(b, period=False)
        owhere.append("a.created_at < ?")
        oparams.append(b.end)
        nowc, nowd = deadlines(now)
        parts = [self._df(con, _open_status_sql(" AND ".join(owhere)), bucket_limits(now) + [now, nowc, nowd] + oparams),
                 _closed_status_frame(self._dash_closed_status(con, b))]
        return pd.concat([p for p in parts if len(p)] or parts[:1], ignore_index=True)

    def _dash_closed_status(self, con, b: Bounds) -> pd.DataFrame:
        """Attendances of the period in a closed status: status_code, n."""
        where, params = filter_where(b)
        return self._df(con, f"""
            SELECT a.status_code, count(*) AS n FROM attendances a
            WHERE {' AND '.join(where)} AND a.status_code IN (SELECT code FROM statuses WHERE NOT is_open)
            GROUP BY 1""", params)

    def _dash_titles(self, con, b: Bounds) -> pd.DataFrame:
        """Por título: title x status x current/previous period, in one scan."""
        pwhere, pparams = filter_where(replace(b, start=b.prev_start))
        return self._df(con, f"""
            SELECT a.title_code, a.status_code, a.created_at >= ? AS current, count(*) AS n
            FROM attendances a WHERE {' AND '.join(pwhere)}
            GROUP BY 1, 2, 3""", [b.start] + pparams)

    def _dash_hours(self, con, b: Bounds) -> pd.DataFrame:
        """Openings per UTC hour (rounded epoch seconds // 3600) and origin."""
        where, params = filter_where(b)
        return self._df(con, f"""
            SELECT epoch(a.created_at)::BIGINT // 3600 AS utc_hour, a.origin_code, count(*) AS n
            FROM attendances a WHERE {' AND '.join(where)} GROUP BY 1, 2""", params)

    def _dash_ops(self, con, b: Bounds) -> pd.DataFrame:
        """Per operator and script outcome: count, resolved, O.S."""
        where, params = filter_where(b)
        return self._df(con, f"""
            SELECT a.operator_id, a.script_code, a.script_outcome, count(*) AS n,
                   count(*) FILTER (WHERE a.resolved) AS resolved,
                   count(*) FILTER (WHERE a.os_requested) AS os
            FROM attendances a WHERE {' AND '.join(where)} GROUP BY 1, 2, 3""", params)

    def dashboard_paths(self, b: Bounds) -> pd.DataFrame:
        """Script answer paths for attendances opened in [b.start, b.end) (one unit of work)."""
        with self._read() as con:
            self._dashboard_settings(con)
            return self._paths(con, b)

    def dashboard_path_texts(self, samples: list[str], b: Bounds) -> pd.DataFrame:
        """Answers text and last question of sample protocols (one per distinct path)."""
        if not samples:
            return pd.DataFrame(columns=["protocol", "path", "last_question_id", "last_question"])
        lo, hi = protocol_range(b)
        with self._read() as con:
            return self._df(con, f"""
                SELECT protocol, string_agg(answer, '{PATH_SEPARATOR}' ORDER BY seq) AS path,
                       arg_max(question_id, seq) AS last_question_id, arg_max(question, seq) AS last_question
                FROM script_answers
                WHERE protocol >= ? AND protocol < ? AND protocol IN (SELECT unnest(?::VARCHAR[]))
                GROUP BY protocol""", [lo, hi, list(samples)])

    def _paths(self, con, b: Bounds) -> pd.DataFrame:
        """Per (script, outcome, answer path): count, resolved, O.S., and one sample protocol.

        A path is keyed by its answer indexes packed in a BIGINT (4 bits per
        step): grouping 10^6 answers by protocol with integer sums is several
        times cheaper than aggregating strings in order. The period's attendances
        are named twice rather than in a shared CTE: PostgreSQL plans a CTE read
        twice without row estimates (it guessed 200 protocols and probed the
        answers' key 230,000 times for a month: 2.3 s, 0.75 s this way; DuckDB
        the same either way)."""
        where, params = filter_where(b)
        w = " AND ".join(where)
        lo, hi = protocol_range(b)
        return self._df(con, f"""
            WITH p AS (SELECT sa.protocol, {PATH_KEY_SQL} AS path_key, max(sa.seq) AS steps
                       FROM script_answers sa
                       WHERE sa.protocol >= ? AND sa.protocol < ?
                         AND sa.protocol IN (SELECT a.protocol FROM attendances a
                                             WHERE {w} AND a.script_code IS NOT NULL)
                       GROUP BY sa.protocol)
            SELECT a.script_code, a.script_outcome, p.path_key, p.steps, count(*) AS n,
                   count(*) FILTER (WHERE a.resolved) AS resolved,
                   count(*) FILTER (WHERE a.os_requested) AS os, min(a.protocol) AS sample
            FROM attendances a LEFT JOIN p ON p.protocol = a.protocol
            WHERE {w} AND a.script_code IS NOT NULL
            GROUP BY 1, 2, 3, 4""", [lo, hi] + params + params)

    @staticmethod
    def _log_where(b: Bounds) -> tuple[str, list[Any]]:
        conds = ["l.issued_at >= ? AND l.issued_at < ?"]
        params: list[Any] = [b.start, b.end]
        if b.origin is not None:
            conds.append("l.origin_code = ?")
            params.append(b.origin)
        if b.operator_id is not None:
            conds.append("l.operator_id = ?")
            params.append(b.operator_id)
        if b.city:
            conds.append("l.client_id IN (SELECT client_id FROM clients WHERE city = ?)")
            params.append(b.city)
        if b.routing_point_id is not None:
            conds.append("l.client_id IN (SELECT client_id FROM contracts WHERE routing_point_id = ?)")
            params.append(b.routing_point_id)
        return " AND ".join(conds), params

    # -- lists ---------------------------------------------------------------
    def dashboard_list(self, b: Bounds, drill: dict | None, now: datetime, *, order_by: str = "created_at",
                       descending: bool = True, limit: int = 25, offset: int = 0,
                       count: bool = True) -> ListResult:
        """One page of the attendances behind a count, and how many there are.

        Raises KeyError for an unknown drill kind or order, ValueError for a bad drill value."""
        if order_by not in _LIST_ORDER:
            raise KeyError(order_by)
        dconds, dparams, scope = drill_where(parse_drill(drill), DrillContext(b, now))
        conds, params = filter_where(b, period=scope == "period")
        if scope == "backlog":
            conds.append(BACKLOG)
            params += [b.end, b.start]
        where = " AND ".join(conds + dconds) or "TRUE"
        params = params + dparams
        direction = "DESC" if descending != (order_by in _REVERSED) else "ASC"
        order = f"{_LIST_ORDER[order_by]} {direction}, a.protocol {direction}"
        nowc, nowd = deadlines(now)
        client_early = order_by == "client"
        client_join = "LEFT JOIN clients c ON c.client_id = a.client_id"
        inner = f"""
            SELECT a.protocol, a.client_id, {'c.name' if client_early else 'NULL'} AS client,
                   ti.label AS title, st.label AS status, o.label AS origin, op.name AS operator,
                   ty.label AS type, a.created_at, a.due_at, a.closed_at, {age_sql()} AS age_days,
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
                   p.operator, p.type, p.created_at, p.due_at, p.closed_at, p.age_days, p.overdue, p.late
            FROM ({inner}) p {'' if client_early else 'LEFT JOIN clients c ON c.client_id = p.client_id'}
            ORDER BY p._k {direction}, p.protocol {direction}"""
        page_params = [now, now, nowc, nowd] + params + [int(limit), int(offset)]
        with self._read() as con:
            self._dashboard_settings(con)
            df = self._df(con, sql, page_params)
            total = self._scalar(con, f"SELECT count(*) FROM attendances a WHERE {where}", params) if count else None
        return ListResult(df, None if total is None else int(total))

    def dashboard_abandoned(self, b: Bounds, *, limit: int = 25, offset: int = 0) -> ListResult:
        """Protocols told to a client whose attendance was never registered."""
        where, params = self._log_where(b)
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
        return ListResult(df, int(total))

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
