"""How late an open attendance is: its deadline state and countdown, for every list and worklist.

States, from the least to the most urgent (the worklists sort by them):

* ``no_prazo``: the type's deadline is more than 24 hours away;
* ``vence_24h``: the type's deadline falls within the next 24 hours;
* ``vencido``: past the type's deadline (``due_at``);
* ``anatel``: past the Anatel deadline (RGC art. 10: opening + 7 days for a
  complaint, 10 days for any other demand).

A closed attendance has no state (``""``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from workbench.frame import Frame, missing

DEADLINE_LABELS = {"no_prazo": "No prazo", "vence_24h": "Vence em 24 h", "vencido": "Vencido",
                   "anatel": "Fora do prazo Anatel"}
SOON = timedelta(hours=24)


def deadline_state(is_open: bool, due_at, anatel_due_at, now: datetime) -> str:
    if not is_open or missing(due_at):
        return ""
    if not missing(anatel_due_at) and anatel_due_at < now:
        return "anatel"
    if due_at < now:
        return "vencido"
    if due_at < now + SOON:
        return "vence_24h"
    return "no_prazo"


def _span(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} d"


def countdown(state: str, due_at, anatel_due_at, now: datetime) -> str:
    """What the worklist says beside the deadline: "vence em 5 h", "venceu há 2 d", "Anatel: venceu há 1 d"."""
    if not state:
        return ""
    if state == "anatel":
        return f"Anatel: venceu há {_span(now - anatel_due_at)}"
    if state == "vencido":
        return f"venceu há {_span(now - due_at)}"
    return f"vence em {_span(due_at - now)}"


def with_deadlines(frame: Frame, now: datetime) -> Frame:
    """``frame`` (is_open, due_at, anatel_due_at) with the columns ``deadline`` (state) and ``countdown``."""
    states, texts = [], []
    for is_open, due, anatel in zip(frame["is_open"].tolist(), frame["due_at"].tolist(),
                                    frame["anatel_due_at"].tolist()):
        state = deadline_state(not missing(is_open) and bool(is_open), due, None if missing(anatel) else anatel, now)
        states.append(state)
        texts.append(countdown(state, due, anatel, now) if state else "")
    return frame.assign(deadline=states, countdown=texts)
