"""Modules imported when first used, for the modules a desk's kernel loads but seldom calls into.

``pd = lazy("pandas")`` at the top of a module: ``pd.DataFrame(...)`` imports pandas on its first use,
so importing the module (the store's mixins, the document checks) costs nothing until then. Unlike
``importlib.util.LazyLoader`` nothing is put in ``sys.modules`` before the real import: "is pandas
loaded" stays a true answer (see :func:`workbench.frame.missing`).
"""

from __future__ import annotations

import importlib


class lazy:  # noqa: N801 - reads as the import it stands for
    """A stand-in for module ``name``: the first attribute read imports it."""

    __slots__ = ("_name",)

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"
