"""The Indicadores' SLA counts and closures per hour on PostgreSQL, from migration 11's summaries.

``dash_sla_hourly`` (per hour of opening: closed, within the type's deadline,
within Anatel's) and ``dash_closed_hourly`` (closures per hour of closing)
are kept by the trigger of migration 9 in the writer's own transaction, over
closed attendances only. Whole hours are read from the summaries and the partial hours at a period's
edges from the detail (:func:`workbench.storage.postgres.summaries.edges`), so
every figure equals the shared SQL's exactly. The
open attendances' part (past the deadline already) is read from the small
``open_attendances`` table, and reopenings from the status events' index.

Covered filters: origin, title and type; an operator, city or routing point
falls back to the shared detail query.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pandas as pd

from workbench.storage.dashboard_metrics import DashboardMetrics, DashboardMetricsMixin
from workbench.storage.dashboard_sql import (COMPLAINT_DAYS, DEMAND_DAYS, RESOLUTION_SECONDS, Bounds, deadlines,
                                             filter_where, protocol_range)
from workbench.storage.postgres.resolution import resolution_quantiles
from workbench.storage.postgres.summaries import covered, edges, regroup, summary_where

_FLOW_FILTERS = {"origin": "origin_code", "title": "title_code", "type": "type_code"}
_CLOSED_SUMS = ["closed", "sla_met", "anatel_met"]


class PgDashboardFlowMixin(DashboardMetricsMixin):
    """SLA and Anatel counts, reopenings and closures per hour from the summaries (exact; see the module)."""

    def dashboard_metrics(self, b: Bounds, now: datetime, *, repeats_since: datetime | None = None,
                          backlog_start: int | None = None) -> DashboardMetrics:
        """As the shared method, with the resolution quantiles (the longest read) on a second pooled
        connection meanwhile: two read transactions side by side on the server."""
        def quantiles() -> pd.DataFrame:
            with self._read() as con:
                self._dashboard_settings(con)
                return self._dash_resolution(con, b)
        with ThreadPoolExecutor(max_workers=1) as pool:
            later = pool.submit(quantiles)
            with self._read() as con:
                self._dashboard_settings(con)
                metrics = self._flow_metrics(con, b, now, repeats_since, backlog_start)
            metrics.resolution = later.result()
        return metrics

    def _dash_resolution(self, con, b: Bounds) -> pd.DataFrame:
        """As the shared GROUPING SETS of ``percentile_cont``, from migration 13's seconds per day and
        group (see :mod:`workbench.storage.postgres.resolution`)."""
        return resolution_quantiles(con, b)

    def _closed_deadlines(self, con, b: Bounds) -> tuple[int, int, int]:
        """Closed attendances opened in the period: how many, within the type's deadline, within Anatel's."""
        def detail(x: Bounds) -> pd.DataFrame:
            where, params = filter_where(x)
            return self._df(con, f"""
                SELECT count(*) AS closed, count(*) FILTER (WHERE a.closed_at <= a.due_at) AS sla_met,
                       count(*) FILTER (WHERE {RESOLUTION_SECONDS} <= CASE WHEN coalesce(ty.is_complaint, false)
                           THEN {COMPLAINT_DAYS * 86400} ELSE {DEMAND_DAYS * 86400} END) AS anatel_met
                FROM attendances a JOIN statuses st ON st.code = a.status_code AND NOT st.is_open
                LEFT JOIN attendance_types ty ON ty.code = a.type_code
                WHERE {' AND '.join(where)} AND a.closed_at IS NOT NULL""", params)

        def summary(_level: str, _column: str, h0: int, h1: int) -> pd.DataFrame:
            w, p = summary_where(b, _FLOW_FILTERS, h0, h1)
            return self._df(con, f"SELECT coalesce(sum(closed), 0)::BIGINT AS closed, "
                                 f"coalesce(sum(sla_met), 0)::BIGINT AS sla_met, "
                                 f"coalesce(sum(anatel_met), 0)::BIGINT AS anatel_met "
                                 f"FROM dash_sla_hourly WHERE {w}", p)
        parts = edges(b, b.start, b.end, detail, summary)
        total = pd.concat(parts, ignore_index=True)[_CLOSED_SUMS].sum()
        return tuple(int(total[k]) for k in _CLOSED_SUMS)

    def _dash_sla(self, con, b: Bounds, now: datetime) -> tuple:
        if not covered(b, _FLOW_FILTERS):
            return super()._dash_sla(con, b, now)
        closed, met, a_met = self._closed_deadlines(con, b)
        where, params = filter_where(b)
        w = " AND ".join(where)
        overdue, late = self._one(con, f"""
            SELECT count(*) FILTER (WHERE a.due_at < ?),
                   count(*) FILTER (WHERE a.created_at < CASE WHEN coalesce(ty.is_complaint, false) THEN ? ELSE ? END)
            FROM open_attendances a LEFT JOIN attendance_types ty ON ty.code = a.type_code
            WHERE {w}""", [now, *deadlines(now)] + params)
        lo, hi = protocol_range(b)
        reopened, closed_again = self._one(con, f"""
            SELECT count(*), count(*) FILTER (WHERE NOT st.is_open AND a.closed_at IS NOT NULL)
            FROM (SELECT DISTINCT e.protocol FROM attendance_events e
                  WHERE e.kind = 'status' AND e.protocol >= ? AND e.protocol < ?
                    AND e.from_status IN (SELECT code FROM statuses WHERE NOT is_open)
                    AND e.to_status IN (SELECT code FROM statuses WHERE is_open)) r
            JOIN attendances a ON a.protocol = r.protocol
            JOIN statuses st ON st.code = a.status_code
            WHERE {w}""", [lo, hi] + params)
        return (closed, met, closed - met + int(overdue), a_met, closed - a_met + int(late), int(reopened),
                closed + int(reopened) - int(closed_again))

    def _dash_closures(self, con, b: Bounds) -> pd.DataFrame:
        if not covered(b, _FLOW_FILTERS):
            return super()._dash_closures(con, b)

        def summary(_level: str, _column: str, h0: int, h1: int) -> pd.DataFrame:
            w, p = summary_where(b, _FLOW_FILTERS, h0, h1)
            return self._df(con, f"SELECT utc_hour, sum(n)::BIGINT AS n FROM dash_closed_hourly WHERE {w} "
                                 f"GROUP BY 1", p)
        parts = edges(b, b.start, b.end, lambda x: super(PgDashboardFlowMixin, self)._dash_closures(con, x), summary)
        return regroup(parts, ["utc_hour"], ["n"])
