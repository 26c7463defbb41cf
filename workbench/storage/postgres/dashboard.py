"""The dashboard's heavy views on PostgreSQL, summed from the summaries of migrations 9 and 11.

``dash_titles_hourly`` / ``dash_titles_daily`` (origin x title x type x
status) and ``dash_ops_hourly`` / ``dash_ops_daily`` (origin x operator x
script x outcome, with resolved and O.S.) are read for the whole days and
hours of a period and the detail for its edges
(:func:`workbench.storage.postgres.summaries.edges`): exact, never stale.

Covered filters: origin, title and type (Por título, hours, the closed
statuses of Por status), origin and operator (per operator). Any other
filter (city, routing point, ...) falls back to the shared detail query.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from workbench.storage.dashboard import DashboardMixin
from workbench.storage.dashboard_sql import Bounds
from workbench.storage.postgres.summaries import covered, edges, regroup, summary_where

_TITLE_FILTERS = {"origin": "origin_code", "title": "title_code", "type": "type_code"}
_OPS_FILTERS = {"origin": "origin_code", "operator_id": "operator_id"}


class PgDashboardMixin(DashboardMixin):
    """Por título, hours, closed statuses and per-operator views from the summaries (exact; see the module)."""

    def _dash_hours(self, con, b: Bounds) -> pd.DataFrame:
        if not covered(b, _TITLE_FILTERS):
            return super()._dash_hours(con, b)

        def summary(_level: str, column: str, h0: int, h1: int) -> pd.DataFrame:
            w, p = summary_where(b, _TITLE_FILTERS, h0, h1, column)
            return self._df(con, f"SELECT utc_hour, origin_code, sum(n)::BIGINT AS n FROM dash_titles_hourly "
                                 f"WHERE {w} GROUP BY 1, 2", p)
        parts = edges(b, b.start, b.end, lambda x: super(PgDashboardMixin, self)._dash_hours(con, x), summary)
        return regroup(parts, ["utc_hour", "origin_code"], ["n"])

    def _dash_titles(self, con, b: Bounds) -> pd.DataFrame:
        if not covered(b, _TITLE_FILTERS):
            return super()._dash_titles(con, b)
        parts = []
        for start, end, current in ((b.prev_start, b.start, False), (b.start, b.end, True)):
            def detail(x: Bounds, current=current) -> pd.DataFrame:
                # the shared query over [x.start, x.end) only: current is then the same for every row
                df = super(PgDashboardMixin, self)._dash_titles(con, replace(x, prev_start=x.start))
                return df.assign(current=current)[["title_code", "status_code", "current", "n"]]

            def summary(level: str, column: str, h0: int, h1: int, current=current) -> pd.DataFrame:
                w, p = summary_where(b, _TITLE_FILTERS, h0, h1, column)
                return self._df(con, f"SELECT title_code, status_code, {'TRUE' if current else 'FALSE'} AS current, "
                                     f"sum(n)::BIGINT AS n FROM dash_titles_{level} WHERE {w} GROUP BY 1, 2", p)
            if start < end:
                parts += edges(b, start, end, detail, summary, daily=True)
        if not parts:
            return super()._dash_titles(con, b)
        return regroup(parts, ["title_code", "status_code", "current"], ["n"])

    def _dash_closed_status(self, con, b: Bounds) -> pd.DataFrame:
        if not covered(b, _TITLE_FILTERS):
            return super()._dash_closed_status(con, b)

        def summary(level: str, column: str, h0: int, h1: int) -> pd.DataFrame:
            w, p = summary_where(b, _TITLE_FILTERS, h0, h1, column)
            return self._df(con, f"SELECT status_code, sum(n)::BIGINT AS n FROM dash_titles_{level} WHERE {w} "
                                 f"AND status_code IN (SELECT code FROM statuses WHERE NOT is_open) GROUP BY 1", p)
        parts = edges(b, b.start, b.end, lambda x: super(PgDashboardMixin, self)._dash_closed_status(con, x),
                      summary, daily=True)
        return regroup(parts, ["status_code"], ["n"])

    def _dash_ops(self, con, b: Bounds) -> pd.DataFrame:
        if not covered(b, _OPS_FILTERS):
            return super()._dash_ops(con, b)

        def summary(level: str, column: str, h0: int, h1: int) -> pd.DataFrame:
            w, p = summary_where(b, _OPS_FILTERS, h0, h1, column)
            return self._df(con, f"SELECT operator_id, script_code, script_outcome, sum(n)::BIGINT AS n, "
                                 f"sum(resolved)::BIGINT AS resolved, sum(os)::BIGINT AS os FROM dash_ops_{level} "
                                 f"WHERE {w} GROUP BY 1, 2, 3", p)
        parts = edges(b, b.start, b.end, lambda x: super(PgDashboardMixin, self)._dash_ops(con, x),
                      summary, daily=True)
        return regroup(parts, ["operator_id", "script_code", "script_outcome"], ["n", "resolved", "os"])
