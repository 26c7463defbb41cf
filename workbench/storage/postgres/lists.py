"""The worklists and queues on PostgreSQL: the page of the most urgent open attendances read by
deadline, not the whole queue ranked and sorted per page.

Urgency (:func:`workbench.storage.attendance_lists._urgency`) sorts by a bucket (past the Anatel
deadline, past the type's, due within 24 h, the rest) that depends on the clock, then by deadline,
opening time and protocol. Each bucket is a range condition on the two deadlines, so the page is
taken bucket by bucket, most urgent first, each in ``(due_at, created_at, protocol)`` order through
the indexes of ``open_attendances`` on ``(queue_code | owner_id | nothing, due_at, created_at,
protocol)`` (migration 10), stopping as soon as the page is full: the first page of the largest
queue reads about a hundred index entries instead of ranking its 55,000 rows. The page's rows are
then read and returned by the shared SQL, in the same order, so results are DuckDB's.

Everyone's list ordered by title first counts each title's attendances; filtered by status alone (or
not at all) those counts are the dashboard's per-day title summary (migration 11, exact and kept in
the writer's transaction) summed over every day, not a scan of every attendance.
"""

from __future__ import annotations

from dataclasses import replace

from workbench.storage.attendance_lists import _COLUMNS, _JOINS, AttendanceListsMixin, ListQuery

_DAY = "INTERVAL '24 hours'"
# The urgency buckets as ranges (the columns are NOT NULL, so "not before now" is ">= now"); parameters: now.
BUCKETS = (
    ("a.anatel_due_at < ?::TIMESTAMPTZ", 1),
    ("a.anatel_due_at >= ?::TIMESTAMPTZ AND a.due_at < ?::TIMESTAMPTZ", 2),
    (f"a.anatel_due_at >= ?::TIMESTAMPTZ AND a.due_at >= ?::TIMESTAMPTZ AND a.due_at < ?::TIMESTAMPTZ + {_DAY}", 3),
    (f"a.anatel_due_at >= ?::TIMESTAMPTZ AND a.due_at >= ?::TIMESTAMPTZ + {_DAY}", 2),
)


class PgAttendanceListsMixin(AttendanceListsMixin):
    def _title_counts(self, con, q: ListQuery, open_statuses: set[str]) -> dict[str, int]:
        """Filtered by status alone: from ``dash_titles_daily`` (see the module); else the shared scan."""
        others, _ = self._where(replace(q, status_codes=()), open_statuses)
        if others != ["TRUE"]:
            return super()._title_counts(con, q, open_statuses)
        where = f"status_code IN ({', '.join('?' * len(q.status_codes))})" if q.status_codes else "TRUE"
        rows = con.execute(f"SELECT title_code, sum(n)::BIGINT FROM dash_titles_daily WHERE {where} GROUP BY 1",
                           list(q.status_codes)).fetchall()
        return {code: n for code, n in rows if n}

    def _open_sql(self, q: ListQuery, con=None) -> tuple[str, list]:
        """Urgency pages: chosen bucket by bucket (see the module); any other order: the shared SQL."""
        if q.order_by != "urgency" or q.descending or q.now is None or con is None:
            return super()._open_sql(q, con)
        where, params = self._where(q, None)
        want = q.offset + q.limit + 1
        page: list[tuple[str, int]] = []
        for bucket, (condition, n_now) in enumerate(BUCKETS):
            rows = con.execute(
                f"SELECT a.protocol FROM open_attendances a WHERE {' AND '.join(where)} AND {condition} "
                f"ORDER BY a.due_at, a.created_at, a.protocol LIMIT {int(want - len(page))}",
                params + [q.now] * n_now).fetchall()
            page += [(r[0], bucket) for r in rows]
            if len(page) >= want:
                break
        page = page[q.offset:want]
        sql = f"""
            WITH page AS (SELECT * FROM unnest(?::TEXT[], ?::INTEGER[]) AS p (rid, _k)),
            rows AS MATERIALIZED (SELECT p._k, a.* FROM page p JOIN open_attendances a ON a.protocol = p.rid)
            SELECT {_COLUMNS.format(anatel='a.anatel_due_at', closed='NULL::TIMESTAMPTZ', client='a.client_name',
                                    plan='a.plan_id')}
            FROM rows a {_JOINS}
            ORDER BY a._k, a.due_at, a.created_at, a.protocol"""
        return sql, [[p[0] for p in page], [p[1] for p in page]]
