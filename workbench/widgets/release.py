"""Giving a dropped screen's widgets back, so a page's kernel does not grow with every screen it shows.

ipywidgets keeps every widget it ever made (a registry of open comms, mirrored by a model in the
browser) until the widget is closed: a screen that is replaced and never shown again stays in the
kernel's memory for the rest of the page's life. The desk builds a new screen for most moves (a
client's record, a whole wizard, a lookup, Meus Atendimentos): about 780 widgets and 3 MB per
attendance, some 200 MB over an operator's day. :func:`close_widgets` closes a screen and every
widget it holds: its tree (children, layouts, styles) and the widgets it keeps aside (the wizard's
other steps, dialogs not on view, its helpers' widgets). Closing removes the models from the
browser too; a closed screen must never be shown again (build a new one).
"""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as w

_HELPERS = "workbench.widgets"          # objects of the screens' own classes (keepers, runners, key maps)


def close_widgets(screen: w.Widget, *, keep: Iterable[object] = ()) -> int:
    """Close ``screen`` and every widget reachable from it through widget traits, attributes,
    lists, tuples, sets and dicts, and the attributes of ``workbench.widgets`` helpers; stop at the
    objects in ``keep`` (what the page still shows or will show again). Returns how many were closed."""
    stop = {id(k) for k in keep if k is not None}
    seen: set[int] = set()
    found: list[w.Widget] = []
    pending: list[object] = [screen]
    while pending:
        obj = pending.pop()
        if id(obj) in seen or id(obj) in stop:
            continue
        seen.add(id(obj))
        if isinstance(obj, w.Widget):
            found.append(obj)
            pending.extend(getattr(obj, name, None) for name in obj.keys)
            pending.extend(vars(obj).values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            pending.extend(obj)
        elif isinstance(obj, dict):
            pending.extend(obj.values())
        elif type(obj).__module__.startswith(_HELPERS) and hasattr(obj, "__dict__"):
            pending.extend(vars(obj).values())
    for widget in found:
        widget.close()
    return len(found)
