"""Attendance lists: one client's, everyone's by status or text, a worklist, a queue.

Where each list reads from (one query builder, three sources):

* one client's attendances: ``attendances`` through its index on ``client_id``;
* open attendances only (the worklists, the queues, a status list whose
  statuses are all open): ``open_attendances``, a hundred thousand rows at
  most, which carries the client's name and plan too, so nothing large is read;
* anything else (closed statuses, text over everyone): ``attendances`` in two
  phases: the page's row ids are chosen reading only the filter and sort
  columns, then the wide columns are read for those rows alone, the client's
  name among them (``attendances.client_name``, migration 8: fetching 200
  scattered names from ``clients`` read most of its name column).

Text matches the protocol (when the text has a digit), the titles whose name
contains it (resolved by the services from the reference data and passed as
``title_codes``) and the normalised problem text (``search_text``), accent- and
case-blind.

Every page is chosen in a first phase that reads only the filter and sort
columns and ends in a top-N (the sort keys are timestamps and small integers,
never the wide text columns), then the row's columns are read for that page
alone. Ties are broken by the opening time, then the protocol, so paging is
stable.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from workbench.frame import Frame

from workbench.storage.base import StoreBase
from workbench.storage.dashboard_sql import COMPLAINT_DAYS, DEMAND_DAYS

# A title's place in name order: a join to the (small) titles table ranked once, the same SQL on both engines.
TITLE_RANK = "tr.r"
TITLE_RANK_JOIN = ("LEFT JOIN (SELECT code, row_number() OVER (ORDER BY label, code) AS r FROM titles) tr "
                   "ON tr.code = a.title_code")
ANATEL_DUE = (f"(a.created_at + CASE WHEN a.type_code IN (SELECT code FROM attendance_types WHERE is_complaint) "
              f"THEN INTERVAL '{COMPLAINT_DAYS} days' ELSE INTERVAL '{DEMAND_DAYS} days' END)")
# Sortable columns and the expression each sorts by (``a`` is the source; joins named below).
LIST_ORDER = {
    "protocol": "a.protocol", "title": TITLE_RANK, "status": "s.sort", "origin": "og.sort",
    "type": "ty.label", "created_at": "a.created_at", "due_at": "a.due_at", "operator": "o.name",
    "owner": "ow.name", "queue": "q.sort", "client_id": "a.client_id", "plan": "a.contract_id",
    "problem": "a.problem", "client_name": "a.client_name",
}
_ORDER_JOINS = {
    "title": TITLE_RANK_JOIN,
    "status": "JOIN statuses s ON s.code = a.status_code",
    "origin": "JOIN origins og ON og.code = a.origin_code",
    "type": "JOIN attendance_types ty ON ty.code = a.type_code",
    "operator": "LEFT JOIN operators o ON o.operator_id = a.operator_id",
    "owner": "LEFT JOIN operators ow ON ow.operator_id = a.owner_id",
    "queue": "LEFT JOIN queues q ON q.code = a.queue_code",
}

# What a page returns: codes, not labels (the services name them from the reference data they
# hold, so a page reads no reference table), the names of the registering and responsible operators.
_COLUMNS = """
    a.protocol, a.title_code, a.status_code, a.origin_code, a.type_code, a.created_at, a.due_at,
    {anatel} AS anatel_due_at, {closed} AS closed_at, o.name AS operator, a.owner_id, ow.name AS owner,
    ow.active AS owner_active, a.queue_code, a.client_id, {client} AS client_name, {plan} AS plan_id,
    a.problem, a.updated_at"""
# The columns a page reads from ``attendances`` (never ``search_text`` nor the other long texts it does
# not show: each column read costs its whole compressed block per row group the page touches).
_ROW_COLUMNS = ", ".join(f"a.{c}" for c in (
    "protocol", "title_code", "status_code", "origin_code", "type_code", "created_at", "due_at", "closed_at",
    "operator_id", "owner_id", "queue_code", "client_id", "client_name", "contract_id", "problem", "updated_at"))
_JOINS = """
    LEFT JOIN operators o ON o.operator_id = a.operator_id
    LEFT JOIN operators ow ON ow.operator_id = a.owner_id"""


@dataclass(frozen=True)
class ListQuery:
    """What a list is filtered and sorted by (checked by the services)."""

    client_id: int | None = None
    status_codes: tuple[str, ...] = ()
    text: str | None = None                 # already normalised
    title_codes: tuple[str, ...] = ()       # titles whose name contains ``text``
    owner_id: int | None = None
    queue_codes: tuple[str, ...] = ()
    unassigned: bool = False                # no responsible operator
    served_by: int | None = None            # only the queues this operator serves
    open_only: bool = False
    order_by: str = "created_at"            # a key of LIST_ORDER, or "urgency"
    descending: bool = True
    limit: int = 200
    offset: int = 0
    now: datetime | None = None             # for "urgency"
    title_window: tuple[str, ...] = ()      # set by the store: the titles a page ordered by title spans


def _urgency(now_param: str = "?") -> str:
    """Past the Anatel deadline first, then past the type's, then due within 24 h, then the rest
    (the list then orders each group by its deadline, earliest first)."""
    return (f"CASE WHEN {{anatel}} < {now_param}::TIMESTAMPTZ THEN 0 WHEN a.due_at < {now_param}::TIMESTAMPTZ "
            f"THEN 1 WHEN a.due_at < {now_param}::TIMESTAMPTZ + INTERVAL '24 hours' THEN 2 ELSE 3 END")


class AttendanceListsMixin(StoreBase):
    def list_attendances(self, query: ListQuery) -> Frame:
        """One page (``limit`` + 1 rows, to tell a cut list) of an attendance list; see the module."""
        with self._read() as con:
            open_statuses = {r[0] for r in con.execute("SELECT code FROM statuses WHERE is_open").fetchall()}
            from_open = query.client_id is None and not query.text and (
                query.open_only or query.owner_id is not None or query.queue_codes or query.unassigned
                or query.served_by is not None
                or (query.status_codes and set(query.status_codes) <= open_statuses))
            if not from_open and query.order_by == "title" and query.client_id is None:
                query = self._title_window(con, query, open_statuses)
            sql, params = (self._open_sql(query, con) if from_open else self._scan_sql(query, open_statuses))
            return self._frame(con, sql, params)

    def _title_window(self, con, q: ListQuery, open_statuses: set[str]) -> ListQuery:
        """A page of millions of rows ordered by title: count the rows of each title first (a narrow
        scan), so the page reads only the one or two titles it spans, newest first inside each,
        instead of sorting every row by its title's name."""
        counts = self._title_counts(con, q, open_statuses)
        order = [r[0] for r in con.execute("SELECT code FROM titles ORDER BY label, code").fetchall()]
        if q.descending:
            order.reverse()
        seen, chosen, skip = 0, [], 0
        for code in order:
            n = counts.get(code, 0)
            if n and seen + n > q.offset and seen < q.offset + q.limit + 1:
                if not chosen:
                    skip = q.offset - seen
                chosen.append(code)
            seen += n
        return replace(q, title_window=tuple(chosen) or ("",), offset=skip)

    def _title_counts(self, con, q: ListQuery, open_statuses: set[str]) -> dict[str, int]:
        """How many attendances of the list each title has (title code -> count)."""
        where, params = self._where(q, open_statuses)
        return dict(con.execute(f"SELECT a.title_code, count(*) FROM attendances a WHERE {' AND '.join(where)} "
                                "GROUP BY 1", params).fetchall())

    @staticmethod
    def _where(q: ListQuery, open_statuses: set[str] | None) -> tuple[list[str], list]:
        where, params = ["TRUE"], []
        if q.client_id is not None:
            where.append("a.client_id = ?")
            params.append(q.client_id)
        if q.status_codes:
            where.append(f"a.status_code IN ({', '.join('?' * len(q.status_codes))})")
            params += list(q.status_codes)
        if q.open_only and open_statuses is not None:
            where.append("a.status_code IN (SELECT code FROM statuses WHERE is_open)")
        if q.owner_id is not None:
            where.append("a.owner_id = ?")
            params.append(q.owner_id)
        if q.queue_codes:
            where.append(f"a.queue_code IN ({', '.join('?' * len(q.queue_codes))})")
            params += list(q.queue_codes)
        if q.unassigned:
            where.append("a.owner_id IS NULL")
        if q.title_window:
            where.append(f"a.title_code IN ({', '.join('?' * len(q.title_window))})")
            params += list(q.title_window)
        if q.served_by is not None:
            where.append("a.queue_code IN (SELECT queue_code FROM operator_queues WHERE operator_id = ?)")
            params.append(q.served_by)
        if q.text:
            parts = ["contains(a.search_text, ?)"]
            params.append(q.text)
            if q.title_codes:
                parts.append(f"a.title_code IN ({', '.join('?' * len(q.title_codes))})")
                params += list(q.title_codes)
            if any(ch.isdigit() for ch in q.text):
                parts.append("contains(a.protocol, ?)")
                params.append(q.text)
            where.append("(" + " OR ".join(parts) + ")")
        return where, params

    @staticmethod
    def _order(q: ListQuery, anatel: str) -> tuple[str, list, list[str], str]:
        """(sort key expression, its params, joins it needs, the tie-breaking keys after it)."""
        if q.order_by == "urgency":
            return _urgency().format(anatel=anatel), [q.now] * 3, [], "a.due_at, a.created_at, a.protocol"
        joins = [_ORDER_JOINS[q.order_by]] if q.order_by in _ORDER_JOINS else []
        if q.order_by == "created_at":
            return "a.created_at", [], [], "a.protocol"
        if len(q.title_window) == 1:            # one title: newest first, as ties are
            return "a.created_at", [], [], "a.protocol"
        return LIST_ORDER[q.order_by], [], joins, "a.created_at DESC, a.protocol"

    def _open_sql(self, q: ListQuery, con=None) -> tuple[str, list]:
        """A page of ``open_attendances`` (``con``: for an engine that picks the page's rows first)."""
        where, params = self._where(q, None)
        key, key_params, joins, ties = self._order(q, "a.anatel_due_at")
        direction = "DESC" if q.descending else "ASC"
        sql = f"""
            WITH page AS MATERIALIZED (
                SELECT a.{self._ROW_ID} AS rid, {key} AS _k FROM open_attendances a {' '.join(joins)}
                WHERE {' AND '.join(where)}
                ORDER BY _k {direction}, {ties}
                LIMIT ? OFFSET ?),
            rows AS MATERIALIZED (SELECT p._k, a.* FROM page p JOIN open_attendances a ON a.{self._ROW_ID} = p.rid)
            SELECT {_COLUMNS.format(anatel='a.anatel_due_at', closed='NULL::TIMESTAMPTZ', client='a.client_name',
                                    plan='a.plan_id')}
            FROM rows a {_JOINS}
            ORDER BY a._k {direction}, {ties}"""
        return sql, key_params + params + [q.limit + 1, q.offset]

    def _scan_sql(self, q: ListQuery, open_statuses: set[str]) -> tuple[str, list]:
        where, params = self._where(q, open_statuses)
        key, key_params, joins, ties = self._order(q, ANATEL_DUE)
        direction = "DESC" if q.descending or len(q.title_window) == 1 else "ASC"
        if q.client_id is not None:
            # One client's attendances: taken alone through the index on client_id with the columns
            # the page needs, then filtered and sorted (a top-N straight over ``attendances`` would
            # scan the whole table instead of using the index).
            text = ", a.search_text" if q.text else ""
            head = f"""hits AS MATERIALIZED (SELECT a.{self._ROW_ID} AS rid, {_ROW_COLUMNS}{text} FROM attendances a
                                         WHERE a.client_id = ?),
            page AS MATERIALIZED (
                SELECT a.rid, {key} AS _k FROM hits a {' '.join(joins)}
                WHERE {' AND '.join(where)}
                ORDER BY _k {direction}, {ties}
                LIMIT ? OFFSET ?),
            rows AS MATERIALIZED (SELECT p._k, a.* FROM page p JOIN hits a ON a.rid = p.rid)"""
            params = [q.client_id] + key_params + params
        else:
            head = f"""page AS MATERIALIZED (
                SELECT a.{self._ROW_ID} AS rid, {key} AS _k FROM attendances a {' '.join(joins)}
                WHERE {' AND '.join(where)}
                ORDER BY _k {direction}, {ties}
                LIMIT ? OFFSET ?),
            rows AS MATERIALIZED (SELECT p._k, {_ROW_COLUMNS} FROM page p JOIN attendances a ON a.{self._ROW_ID} = p.rid)"""
            params = key_params + params
        sql = f"""
            WITH {head}
            SELECT {_COLUMNS.format(anatel=ANATEL_DUE, closed='a.closed_at', client='a.client_name', plan='ct.plan_id')}
            FROM rows a {_JOINS}
            LEFT JOIN contracts ct ON ct.contract_id = a.contract_id
            ORDER BY a._k {direction}, {ties}"""
        return sql, params + [q.limit + 1, q.offset]
