"""Resolution and SLA metrics of the dashboard: one short read unit of work per refresh.

Definitions (the same conditions as the drill kinds of
:mod:`workbench.storage.dashboard_sql`, so a figure and its list agree):

* *closed*: a closed status with its ``closed_at``; resolution time =
  ``closed_at - created_at`` in hours, for the attendances of the period that
  are closed; median and p90 (linear interpolation) per dimension of
  :data:`RESOLUTION_DIMENSIONS` and overall;
* SLA of the type: *met* = closed by ``due_at``; *missed* = closed after it,
  or open and already past it; open attendances still within it are not yet
  counted. Anatel: the same with opening + 7 days (complaints) or 10 days;
* closed per day: attendances closed that day (whenever opened); the open
  backlog at the end of each day = open at the period's start + opened − closed;
* reopened: a status change from a closed status to an open one; the rate is
  over the attendances of the period that were ever closed;
* repeat contact: an earlier attendance of the same client and title opened
  within 30 days before;
* work orders: open ones (Aberta, Agendada, Em Execução) however old, by age
  bucket of the order; finished and cancelled ones created in the period.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta


from workbench.lazy import lazy
from workbench.storage.base import StoreBase
from workbench.storage.dashboard_sql import (CLOSED, COMPLAINT_DAYS, DEMAND_DAYS, OS_OPEN,
                                             REOPENED, REPEAT, REPEAT_DAYS, RESOLUTION_SECONDS, Bounds, bucket_at,
                                             bucket_limits, deadlines, filter_where, protocol_range)

pd = lazy("pandas")


@dataclass(frozen=True)
class ResolutionDimension:
    """A dimension of the resolution-time table: its key (a drill kind too), column, pt-BR name,
    and the reference table naming its codes (None: the operators' names)."""

    key: str
    column: str
    label: str
    reference: str | None = None


# Adding a dimension is one entry here and a drill kind of the same key (storage.dashboard_sql).
RESOLUTION_DIMENSIONS = (
    ResolutionDimension("title", "a.title_code", "Título", "titles"),
    ResolutionDimension("type", "a.type_code", "Tipo", "attendance_types"),
    ResolutionDimension("operator_id", "a.operator_id", "Operador"),
    ResolutionDimension("queue", "a.queue_code", "Fila", "queues"),
)


@dataclass(frozen=True)
class SlaCounts:
    """Counts behind the SLA, reopen and repeat rates of the period."""

    closed: int
    sla_met: int
    sla_missed: int
    anatel_met: int
    anatel_missed: int
    reopened: int
    ever_closed: int
    repeats: int


@dataclass
class DashboardMetrics:
    """Raw resolution/SLA figures of one refresh."""

    resolution: pd.DataFrame | None   # dimension ('' = overall), value (text), n, median_h, p90_h
    sla: SlaCounts
    closed_hours: pd.DataFrame    # utc_hour, n: closures in the period
    backlog_start: int            # open at the period's start
    orders: pd.DataFrame          # status, bucket (open ones), n


def _resolution_sql(where: str, quantile: str = "quantile_cont({expr}, {q})") -> str:
    dims = RESOLUTION_DIMENSIONS
    cols = ", ".join(f"{d.column} AS d_{d.key}" for d in dims)
    name = " ".join(f"WHEN grouping(d_{d.key}) = 0 THEN '{d.key}'" for d in dims)
    value = " ".join(f"WHEN grouping(d_{d.key}) = 0 THEN d_{d.key}::VARCHAR" for d in dims)
    sets = ", ".join(f"(d_{d.key})" for d in dims)
    return f"""
        SELECT CASE {name} ELSE '' END AS dimension, CASE {value} ELSE '' END AS value, count(*) AS n,
               {quantile.format(expr='s', q=0.5)} / 3600 AS median_h, {quantile.format(expr='s', q=0.9)} / 3600 AS p90_h
        FROM (SELECT {cols}, {RESOLUTION_SECONDS}::INTEGER AS s FROM attendances a
              JOIN statuses st ON st.code = a.status_code AND NOT st.is_open
              WHERE {where} AND a.closed_at IS NOT NULL) r
        GROUP BY GROUPING SETS ({sets}, ())"""


class DashboardMetricsMixin(StoreBase):
    """The Indicadores view's resolution, SLA, flow, reopen, repeat and work-order figures."""

    def dashboard_repeats(self, b: Bounds) -> int:
        """Repeat contacts among the attendances opened in [b.start, b.end) (one unit of work);
        a past period's count never changes (opening time, client and title are written once)."""
        with self._read() as con:
            self._dashboard_settings(con)
            return self._dash_repeats(con, b)

    def _dash_sla(self, con, b: Bounds, now: datetime) -> tuple:
        """closed, SLA met, SLA missed, Anatel met, Anatel missed, reopened, ever closed (see the module)."""
        where, params = filter_where(b)
        w = " AND ".join(where)
        lo, hi = protocol_range(b)
        return self._one(con, f"""
            SELECT count(*) FILTER (WHERE c),
                   count(*) FILTER (WHERE c AND closed_at <= due_at),
                   count(*) FILTER (WHERE (c AND closed_at > due_at) OR (o AND due_at < ?)),
                   count(*) FILTER (WHERE c AND took <= allowed),
                   count(*) FILTER (WHERE (c AND took > allowed)
                                    OR (o AND created_at < CASE WHEN complaint THEN ? ELSE ? END)),
                   count(*) FILTER (WHERE r), count(*) FILTER (WHERE c OR r)
            FROM (SELECT a.created_at, a.closed_at, a.due_at, st.is_open AS o,
                         (NOT st.is_open AND a.closed_at IS NOT NULL) AS c, {RESOLUTION_SECONDS} AS took,
                         coalesce(ty.is_complaint, false) AS complaint,
                         CASE WHEN coalesce(ty.is_complaint, false) THEN {COMPLAINT_DAYS * 86400}
                              ELSE {DEMAND_DAYS * 86400} END AS allowed,
                         {REOPENED} AS r
                  FROM attendances a JOIN statuses st ON st.code = a.status_code
                  LEFT JOIN attendance_types ty ON ty.code = a.type_code
                  WHERE {w}) f""", [now, *deadlines(now), lo, hi] + params)

    def _dash_repeats(self, con, b: Bounds) -> int:
        """Repeat contacts among the attendances opened in [b.start, b.end)."""
        where, params = filter_where(b)
        return int(self._scalar(con, f"SELECT count(*) FROM attendances a WHERE {' AND '.join(where)} "
                                     f"AND {REPEAT}", params + [b.start - timedelta(days=REPEAT_DAYS)]) or 0)

    def _dash_closures(self, con, b: Bounds) -> pd.DataFrame:
        """Closures in [b.start, b.end) (by closing time) per UTC hour: utc_hour, n."""
        others, oparams = filter_where(b, period=False)
        cwhere = " AND ".join(others + ["a.closed_at >= ? AND a.closed_at < ?", CLOSED])
        return self._df(con, f"""
            SELECT epoch(a.closed_at)::BIGINT // 3600 AS utc_hour, count(*) AS n
            FROM attendances a WHERE {cwhere} GROUP BY 1""", oparams + [b.start, b.end])

    def _backlog_at(self, con, b: Bounds) -> int:
        """Attendances (with the filters) open at ``b.start``: opened before it, not closed before it."""
        others, oparams = filter_where(b, period=False)
        bwhere = " AND ".join(others + ["a.created_at < ? AND (a.closed_at IS NULL OR a.closed_at >= ?)"])
        return int(self._scalar(con, f"SELECT count(*) FROM attendances a WHERE {bwhere}",
                                oparams + [b.start, b.start]) or 0)

    def dashboard_metrics(self, b: Bounds, now: datetime, *, repeats_since: datetime | None = None,
                          backlog_start: int | None = None) -> DashboardMetrics:
        """The resolution/SLA figures of one refresh in one read unit of work. Repeat contacts are
        counted for attendances opened from ``repeats_since`` (default: the period's start) only:
        the caller keeps the older part (:meth:`dashboard_repeats`). ``backlog_start``: the count
        open at the period's start when the caller already has it (a past start's never changes)."""
        with self._read() as con:
            self._dashboard_settings(con)
            metrics = self._flow_metrics(con, b, now, repeats_since, backlog_start)
            metrics.resolution = self._dash_resolution(con, b)
        return metrics

    def _dash_resolution(self, con, b: Bounds) -> pd.DataFrame:
        """Resolution time quantiles of the period's closed attendances, overall and per dimension."""
        where, params = filter_where(b)
        return self._df(con, _resolution_sql(" AND ".join(where), self._QUANTILE), params)

    def _flow_metrics(self, con, b: Bounds, now: datetime, repeats_since: datetime | None,
                      backlog_start: int | None) -> DashboardMetrics:
        """Every figure of :meth:`dashboard_metrics` but the resolution quantiles (None), on ``con``."""
        others, oparams = filter_where(b, period=False)
        row = self._dash_sla(con, b, now)
        since = max(repeats_since or b.start, b.start)
        repeats = self._dash_repeats(con, replace(b, start=since)) if since < b.end else 0
        # Closures per UTC hour (the local day is derived in Python, as for openings).
        closed_hours = self._dash_closures(con, b)
        if backlog_start is None:
            backlog_start = self._backlog_at(con, b)
        open_list = ", ".join("?" * len(OS_OPEN))
        join = (f"JOIN attendances a ON a.protocol = so.protocol AND {' AND '.join(others)}" if others else "")
        orders = self._df(con, f"""
            SELECT so.status, CASE WHEN so.status IN ({open_list}) THEN {bucket_at('so.created_at')} END AS bucket,
                   count(*) AS n
            FROM service_orders so {join}
            WHERE so.created_at < ? AND (so.status IN ({open_list}) OR so.created_at >= ?)
            GROUP BY 1, 2""", [*OS_OPEN, *bucket_limits(now), *oparams, b.end, *OS_OPEN, b.start])
        closed, met, missed, a_met, a_missed, reopened, ever = (int(v or 0) for v in row)
        return DashboardMetrics(resolution=None,
                                sla=SlaCounts(closed, met, missed, a_met, a_missed, reopened, ever, int(repeats or 0)),
                                closed_hours=closed_hours, backlog_start=int(backlog_start or 0), orders=orders)
