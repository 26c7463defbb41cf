"""The dashboard's contract with storage: filter bounds, and every drill kind declared once.

:class:`Bounds` is what a refresh or a list is filtered by (built by
``workbench.services.dashboard_filters.Filters.bounds()``).

A *drill* is what a clicked figure means: a dict ``{kind key: value}`` such as
``{"status": "pendente", "late": True}``. Each kind is one :class:`DrillKind`
in :data:`DRILLS` (as datasette's ``filters.py`` declares its filters): its
key, how its value is checked, its SQL condition (parameterised, over the
attendance ``a``), its pt-BR caption, and its *scope*: which attendances it
looks at before the supervisor's other filters apply:

``period``   opened in the period (the default of every view);
``backlog``  as "Por status" counts: open however old, closed only from the period;
``own``      its own time range (opened today, the previous period, closed on a day...).

Adding a kind is one entry here; the services' captions, the list queries
and the API's validation all read this registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Mapping

# (key, label, lowest and highest whole days of age); None = no upper bound.
AGE_BUCKETS = (
    ("0-1", "0–1 dia", 0, 1),
    ("2-5", "2–5 dias", 2, 5),
    ("6-10", "6–10 dias", 6, 10),
    ("11-30", "11–30 dias", 11, 30),
    ("30+", "mais de 30 dias", 31, None),
)
# Memory of the dashboard's own short connections (the kernel must stay small).
DASHBOARD_MEMORY = "256MB"
COMPLAINT_DAYS = 7      # Anatel RGC art. 10: complaints
DEMAND_DAYS = 10        # other demands
REPEAT_DAYS = 30        # a repeat contact: same client and title within this many days
OS_OPEN = ("Aberta", "Agendada", "Em Execução")
OS_STATUSES = OS_OPEN + ("Finalizada", "Cancelada")
PATH_SEPARATOR = " › "
# An answer path packed in a BIGINT: (answer_index + 1) in 4 bits per step (up to 15 steps and options).
PATH_KEY_SQL = "sum((sa.answer_index + 1)::BIGINT << (4 * (sa.seq - 1)))"


@dataclass(frozen=True)
class Bounds:
    """The supervisor's filters as storage takes them: aware datetimes for the period."""

    start: datetime                   # created_at in [start, end)
    end: datetime
    prev_start: datetime              # start of the previous period of equal length
    origin: str | None = None
    type: str | None = None
    title: str | None = None
    operator_id: int | None = None
    city: str | None = None
    routing_point_id: int | None = None


# -- shared SQL fragments --------------------------------------------------------
OPEN = "a.status_code IN (SELECT code FROM statuses WHERE is_open)"
CLOSED = "(a.closed_at IS NOT NULL AND a.status_code IN (SELECT code FROM statuses WHERE NOT is_open))"
COMPLAINT = "a.type_code IN (SELECT code FROM attendance_types WHERE is_complaint)"
# Seconds allowed by Anatel (time arithmetic in epoch seconds: TIMESTAMPTZ + INTERVAL goes
# through the calendar of the time zone and costs ~5x more over 10^5 rows).
ANATEL_SECONDS = f"(CASE WHEN {COMPLAINT} THEN {COMPLAINT_DAYS * 86400} ELSE {DEMAND_DAYS * 86400} END)"
RESOLUTION_SECONDS = "(epoch(a.closed_at) - epoch(a.created_at))"
# What "Por status" counts: the open backlog opened before the period's end however old,
# and the closed attendances of the period. Params: end, start.
BACKLOG = f"(a.created_at < ? AND (({OPEN}) OR a.created_at >= ?))"
REOPENED = ("a.protocol IN (SELECT e.protocol FROM attendance_events e WHERE e.kind = 'status' "
            "AND e.protocol >= ? AND e.protocol < ? "
            "AND e.from_status IN (SELECT code FROM statuses WHERE NOT is_open) "
            "AND e.to_status IN (SELECT code FROM statuses WHERE is_open))")
REPEAT = (f"EXISTS (SELECT 1 FROM attendances b WHERE b.client_id = a.client_id AND b.title_code = a.title_code "
          f"AND b.created_at < a.created_at AND epoch(b.created_at) >= epoch(a.created_at) - {REPEAT_DAYS * 86400} "
          f"AND b.created_at >= ?)")


def age_sql(now_param: str = "?", column: str = "a.created_at") -> str:
    return f"floor((epoch({now_param}::TIMESTAMPTZ) - epoch({column})) / 86400)::INTEGER"


def bucket_at(column: str = "a.created_at") -> str:
    """The age bucket of ``column`` by comparing it with :func:`bucket_limits` (its params, in order):
    the same bounds as the ``age`` drill, and far cheaper than computing an age per row."""
    parts = [f"CASE WHEN {column} > ? THEN NULL"]
    parts += [f"WHEN {column} > ? THEN '{key}'" for key, _label, _lo, hi in AGE_BUCKETS if hi is not None]
    last = next(key for key, _label, _lo, hi in AGE_BUCKETS if hi is None)
    return " ".join(parts) + f" ELSE '{last}' END"


def bucket_limits(now: datetime) -> list[datetime]:
    """Params of :func:`bucket_at`: ``now``, then the oldest opening time of each bounded bucket."""
    return [now] + [now - timedelta(days=hi + 1) for _key, _label, _lo, hi in AGE_BUCKETS if hi is not None]


def deadlines(now: datetime) -> tuple[datetime, datetime]:
    """Opening times before which an open complaint / other demand is past the Anatel deadline."""
    return now - timedelta(days=COMPLAINT_DAYS), now - timedelta(days=DEMAND_DAYS)


def protocol_range(b: Bounds, since: datetime | None = None) -> tuple[str, str]:
    """Protocol prefix bounds (YYYYMMDD...) around the period: lets DuckDB skip row groups
    of tables keyed by protocol by their min/max; the exact filter is the join."""
    lo = ((since or b.start).date() - timedelta(days=2)).strftime("%Y%m%d")
    hi = (b.end.date() + timedelta(days=2)).strftime("%Y%m%d")
    return lo, hi


def filter_where(b: Bounds, *, period: bool = True, since: datetime | None = None,
                 alias: str = "a") -> tuple[list[str], list[Any]]:
    """WHERE conditions for the supervisor's filters (parameterised)."""
    conds: list[str] = []
    params: list[Any] = []
    if period:
        conds.append(f"{alias}.created_at >= ? AND {alias}.created_at < ?")
        params += [b.start, b.end]
    if since is not None:
        conds.append(f"{alias}.created_at >= ?")
        params.append(since)
    for name, column in (("origin", "origin_code"), ("type", "type_code"), ("title", "title_code"),
                         ("operator_id", "operator_id")):
        if getattr(b, name) is not None:
            conds.append(f"{alias}.{column} = ?")
            params.append(getattr(b, name))
    if b.city:
        conds.append(f"{alias}.client_id IN (SELECT client_id FROM clients WHERE city = ?)")
        params.append(b.city)
    if b.routing_point_id is not None:
        conds.append(f"{alias}.contract_id IN (SELECT contract_id FROM contracts WHERE routing_point_id = ?)")
        params.append(b.routing_point_id)
    return conds, params


# -- drill kinds --------------------------------------------------------------------
@dataclass(frozen=True)
class DrillContext:
    """What a condition may need besides its value."""

    bounds: Bounds
    now: datetime


Labels = Mapping[str, Mapping[Any, str]]     # "status" -> {code: label}, "operator" -> {id: name}, ...
Where = Callable[[Any, DrillContext], tuple[str, list[Any]]]


@dataclass(frozen=True)
class DrillKind:
    """One kind of drill-down: key, value check, SQL condition, pt-BR caption, scope."""

    key: str
    parse: Callable[[Any], Any]
    where: Where
    caption: Callable[[Any, Labels], str]
    scope: str | Callable[[Any], str] = "period"
    example: Any = None                      # a valid value (tests run every kind with it)

    def scope_of(self, value: Any) -> str:
        return self.scope(value) if callable(self.scope) else self.scope


def _code(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        raise ValueError("código inválido")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("deve ser verdadeiro ou falso")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("deve ser um número")
    return int(value)


def _hour(value: Any) -> int:
    hour = _int(value)
    if not 0 <= hour <= 23:
        raise ValueError("hora deve ser de 0 a 23")
    return hour


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _moment(value: Any) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ValueError("deve ser data e hora com fuso")
    return value


def _choice(*allowed: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in allowed:
            raise ValueError("deve ser " + " ou ".join(allowed))
        return value
    return parse


def _bucket(value: Any) -> str:
    return _choice(*(b[0] for b in AGE_BUCKETS))(value)


def _bucket_label(value: str) -> str:
    return {b[0]: b[1] for b in AGE_BUCKETS}[value]


def _age_where(column: str, value: str, now: datetime) -> tuple[str, list[Any]]:
    _k, _l, lo, hi = {b[0]: b for b in AGE_BUCKETS}[value]
    cond, params = f"{column} <= ?", [now - timedelta(days=lo)]
    if hi is not None:
        cond += f" AND {column} > ?"
        params.append(now - timedelta(days=hi + 1))
    return cond, params


def _day_range(column: str) -> str:
    """A local calendar day as a range (uses the zone maps); two params: the day twice."""
    return f"{column} >= ?::DATE::TIMESTAMPTZ AND {column} < (?::DATE + 1)::TIMESTAMPTZ"


def _label(kind: str, caption: str) -> Callable[[Any, Labels], str]:
    return lambda v, labels: f"{caption}: {labels.get(kind, {}).get(v, v)}"


def _fmt_day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _os_where(value: str, ctx: DrillContext) -> tuple[str, list[Any]]:
    b = ctx.bounds
    return ("a.protocol IN (SELECT so.protocol FROM service_orders so WHERE so.status = ? AND so.created_at < ? "
            f"AND (so.status IN ({', '.join('?' * len(OS_OPEN))}) OR so.created_at >= ?))",
            [value, b.end, *OS_OPEN, b.start])


def _os_age_where(value: str, ctx: DrillContext) -> tuple[str, list[Any]]:
    cond, params = _age_where("so.created_at", value, ctx.now)
    return (f"a.protocol IN (SELECT so.protocol FROM service_orders so WHERE so.status IN "
            f"({', '.join('?' * len(OS_OPEN))}) AND so.created_at < ? AND {cond})",
            [*OS_OPEN, ctx.bounds.end, *params])


def _sla_where(value: str, ctx: DrillContext) -> tuple[str, list[Any]]:
    if value == "met":
        return f"{CLOSED} AND a.closed_at <= a.due_at", []
    return f"(({CLOSED} AND a.closed_at > a.due_at) OR ({OPEN} AND a.due_at < ?))", [ctx.now]


def _anatel_where(value: str, ctx: DrillContext) -> tuple[str, list[Any]]:
    if value == "met":
        return f"{CLOSED} AND {RESOLUTION_SECONDS} <= {ANATEL_SECONDS}", []
    late, params = _late_where(True, ctx)
    return f"(({CLOSED} AND {RESOLUTION_SECONDS} > {ANATEL_SECONDS}) OR {late})", params


def _path_where(key: str) -> Where:
    agg = "arg_max(question_id, seq)" if key == "last_question" else PATH_KEY_SQL.replace("sa.", "")

    def where(value: Any, ctx: DrillContext) -> tuple[str, list[Any]]:
        lo, hi = protocol_range(ctx.bounds)
        return ("a.protocol IN (SELECT protocol FROM script_answers WHERE protocol >= ? AND protocol < ? "
                f"GROUP BY protocol HAVING {agg} = ?)", [lo, hi, value])
    return where


def _late_where(_v: Any, ctx: DrillContext) -> tuple[str, list[Any]]:
    return (f"({OPEN} AND CASE WHEN {COMPLAINT} THEN a.created_at < ? ELSE a.created_at < ? END)",
            list(deadlines(ctx.now)))


_KINDS = [
    # -- Por status (the open backlog however old) --
    DrillKind("backlog", _flag, lambda v, c: ("TRUE", []),
              lambda v, _l: "em aberto (qualquer data) e encerrados do período", "backlog", True),
    DrillKind("status", _code, lambda v, c: ("a.status_code = ?", [v]), _label("status", "Status"), "backlog", "pendente"),
    DrillKind("open", _flag, lambda v, c: (OPEN if v else f"NOT {OPEN}", []),
              lambda v, _l: "em aberto" if v else "encerrados", "backlog", True),
    DrillKind("overdue", _flag, lambda v, c: (f"{OPEN} AND a.due_at < ?", [c.now]),
              lambda v, _l: "vencidos", "backlog", True),
    DrillKind("late", _flag, _late_where, lambda v, _l: "fora do prazo Anatel", "backlog", True),
    DrillKind("age", _bucket, lambda v, c: (lambda cond, p: (f"{OPEN} AND {cond}", p))(
        *_age_where("a.created_at", v, c.now)), lambda v, _l: "idade " + _bucket_label(v), "backlog", "30+"),
    # -- the supervisor's dimensions --
    DrillKind("title", _code, lambda v, c: ("a.title_code = ?", [v]), _label("title", "Título"), example="lentidao"),
    DrillKind("origin", _code, lambda v, c: ("a.origin_code = ?", [v]), _label("origin", "Origem"), example="email"),
    DrillKind("type", _code, lambda v, c: ("a.type_code = ?", [v]), _label("type", "Tipo"), example="reclamacao"),
    DrillKind("operator_id", _int, lambda v, c: ("a.operator_id = ?", [v]),
              _label("operator", "Operador"), example=1),
    DrillKind("queue", _code, lambda v, c: ("a.queue_code = ?", [v]), _label("queue", "Fila"), example="suporte_n2"),
    DrillKind("hour", _hour, lambda v, c: ("hour(a.created_at) = ?", [v]), lambda v, _l: f"abertos às {v:02d}h",
              example=10),
    DrillKind("day", _day, lambda v, c: (_day_range("a.created_at"), [v, v]),
              lambda v, _l: "abertos em " + _fmt_day(v), example=date(2026, 11, 27)),
    DrillKind("resolved", _flag, lambda v, c: ("a.resolved = ?", [v]),
              lambda v, _l: "resolvidos no 1º contato" if v else "não resolvidos no 1º contato", example=True),
    DrillKind("os_requested", _flag, lambda v, c: ("a.os_requested = ?", [v]),
              lambda v, _l: "com O.S." if v else "sem O.S.", example=True),
    # -- their own periods --
    DrillKind("since", _moment, lambda v, c: ("a.created_at >= ?", [v]),
              lambda v, _l: "abertos desde " + v.strftime("%d/%m/%Y %H:%M"), "own",
              datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)),
    DrillKind("previous", _flag, lambda v, c: ("a.created_at >= ? AND a.created_at < ?",
                                               [c.bounds.prev_start, c.bounds.start]) if v else ("TRUE", []),
              lambda v, _l: "período anterior", lambda v: "own" if v else "period", True),
    # -- scripts --
    DrillKind("script", _code, lambda v, c: ("a.script_code = ?", [v]),
              _label("script", "Script"), example="sem_conexao"),
    DrillKind("script_outcome", _choice("fim", "encerrado"), lambda v, c: ("a.script_outcome = ?", [v]),
              lambda v, _l: "chegaram ao fim do script" if v == "fim" else "encerrados antes do fim",
              example="fim"),
    DrillKind("last_question", _code, _path_where("last_question"),
              lambda v, labels: "terminaram em “" + str(labels.get("question", {}).get(v, v)) + "”",
              example="reiniciar"),
    DrillKind("path", _int, _path_where("path"), lambda v, labels: "caminho " + str(labels.get("path", {}).get(v, v)),
              example=1),
    # -- resolution and SLA --
    DrillKind("closed", _flag, lambda v, c: (CLOSED if v else f"NOT {CLOSED}", []),
              lambda v, _l: "encerrados (tempo de resolução)" if v else "ainda não encerrados", example=True),
    DrillKind("sla", _choice("met", "missed"), _sla_where,
              lambda v, _l: "dentro do prazo do tipo" if v == "met" else "fora do prazo do tipo", example="missed"),
    DrillKind("anatel", _choice("met", "missed"), _anatel_where,
              lambda v, _l: "dentro do prazo Anatel (7/10 dias)" if v == "met" else "fora do prazo Anatel (7/10 dias)",
              example="met"),
    DrillKind("closed_day", _day, lambda v, c: (_day_range("a.closed_at") + f" AND {CLOSED}", [v, v]),
              lambda v, _l: "encerrados em " + _fmt_day(v), "own", date(2026, 11, 27)),
    DrillKind("open_on", _day, lambda v, c: ("a.created_at < (?::DATE + 1)::TIMESTAMPTZ AND (a.closed_at IS NULL "
                                             "OR a.closed_at >= (?::DATE + 1)::TIMESTAMPTZ)", [v, v]),
              lambda v, _l: "em aberto no fim de " + _fmt_day(v), "own", date(2026, 11, 20)),
    DrillKind("reopened", _flag, lambda v, c: (REOPENED if v else f"NOT {REOPENED}", list(protocol_range(c.bounds))),
              lambda v, _l: "reabertos" if v else "nunca reabertos", example=True),
    DrillKind("repeat", _flag, lambda v, c: (REPEAT if v else f"NOT {REPEAT}",
                                             [c.bounds.start - timedelta(days=REPEAT_DAYS)]),
              lambda v, _l: f"contato repetido (mesmo cliente e título em {REPEAT_DAYS} dias)" if v
              else "sem contato repetido", example=True),
    # -- work orders (open ones however old, finished ones of the period) --
    DrillKind("os_status", _choice(*OS_STATUSES), _os_where, lambda v, _l: "O.S. " + v, "own", "Aberta"),
    DrillKind("os_age", _bucket, _os_age_where, lambda v, _l: "O.S. em aberto há " + _bucket_label(v), "own", "2-5"),
]
DRILLS: dict[str, DrillKind] = {k.key: k for k in _KINDS}


def parse_drill(drill: Mapping[str, Any] | None) -> dict[str, Any]:
    """The drill with every value checked; KeyError for an unknown kind, ValueError for a bad value."""
    out: dict[str, Any] = {}
    for key, value in (drill or {}).items():
        if key not in DRILLS:
            raise KeyError(key)
        if value is None:
            continue
        out[key] = DRILLS[key].parse(value)
    return out


def drill_where(drill: Mapping[str, Any] | None, ctx: DrillContext) -> tuple[list[str], list[Any], str]:
    """Conditions of a parsed drill, their params, and the scope that decides the period."""
    conds: list[str] = []
    params: list[Any] = []
    scopes = set()
    for key, value in (drill or {}).items():
        kind = DRILLS[key]
        cond, p = kind.where(value, ctx)
        conds.append(f"({cond})")
        params += p
        scopes.add(kind.scope_of(value))
    scope = "own" if "own" in scopes else "backlog" if "backlog" in scopes else "period"
    return conds, params, scope
