"""The columns and rows of a :class:`workbench.frame.Frame`: plain values, pandas' spelling.

:class:`Column` holds one column's values (a list) with the element-wise operations the services
use (comparisons, ``&``/``|``/``~`` masks, ``notna``, ``map``, ``.str``); :class:`Row` is one row, a
dict whose values read as attributes too; :func:`missing` says what SQL NULL became in either kind
of table (None, NaN, and pandas' NaT/NA when pandas is loaded).
"""

from __future__ import annotations

import math
import operator
import sys
from typing import Callable, Iterable, Iterator


def missing(value) -> bool:
    """True for SQL NULL as either kind of table holds it (None, NaN, and pandas' NaT/NA)."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, (str, int, bool, list, tuple, dict)):
        return False
    pd = sys.modules.get("pandas")                # a pandas value can only come from a loaded pandas
    if pd is not None:
        try:
            return bool(pd.isna(value))
        except (TypeError, ValueError):
            return False
    return False


class Row(dict):
    """One row: a dict of column → value, its values also read as attributes (``row.name``)."""

    __slots__ = ()

    def __getattr__(self, name: str):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def to_dict(self) -> dict:
        return dict(self)


class Column:
    """One column's values (a list), with the element-wise operations the services use."""

    __slots__ = ("values", "name")

    def __init__(self, values: Iterable, name: str | None = None):
        self.values = list(values)
        self.name = name

    # -- reading ------------------------------------------------------------
    def tolist(self) -> list:
        return list(self.values)

    to_list = tolist

    def __iter__(self) -> Iterator:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self.values[key]
        if isinstance(key, slice):
            return Column(self.values[key], self.name)
        return Column([v for v, keep in zip(self.values, _mask(key, len(self.values))) if keep], self.name)

    @property
    def iloc(self) -> "Column":
        return self

    @property
    def empty(self) -> bool:
        return not self.values

    def __repr__(self) -> str:
        return f"Column({self.name!r}, {self.values!r})"

    # -- element-wise -------------------------------------------------------
    def _compare(self, other, op: Callable) -> "Column":
        others = other.values if isinstance(other, Column) else [other] * len(self.values)

        def one(a, b) -> bool:
            if missing(a) or missing(b):
                return op is operator.ne
            try:
                return bool(op(a, b))
            except TypeError:
                return False
        return Column([one(a, b) for a, b in zip(self.values, others)], self.name)

    def __eq__(self, other):  # type: ignore[override]
        return self._compare(other, operator.eq)

    def __ne__(self, other):  # type: ignore[override]
        return self._compare(other, operator.ne)

    def __lt__(self, other):
        return self._compare(other, operator.lt)

    def __le__(self, other):
        return self._compare(other, operator.le)

    def __gt__(self, other):
        return self._compare(other, operator.gt)

    def __ge__(self, other):
        return self._compare(other, operator.ge)

    __hash__ = None  # type: ignore[assignment]

    def __and__(self, other) -> "Column":
        return Column([bool(a) and bool(b) for a, b in zip(self.values, _values(other, len(self)))])

    def __or__(self, other) -> "Column":
        return Column([bool(a) or bool(b) for a, b in zip(self.values, _values(other, len(self)))])

    def __invert__(self) -> "Column":
        return Column([not v for v in self.values], self.name)

    def isna(self) -> "Column":
        return Column([missing(v) for v in self.values], self.name)

    isnull = isna

    def notna(self) -> "Column":
        return Column([not missing(v) for v in self.values], self.name)

    notnull = notna

    def fillna(self, value) -> "Column":
        return Column([value if missing(v) else v for v in self.values], self.name)

    def dropna(self) -> "Column":
        return Column([v for v in self.values if not missing(v)], self.name)

    def astype(self, kind) -> "Column":
        convert = {"int64": int, "int": int, "str": str, "bool": bool, "object": None, object: None}.get(kind, kind)
        if convert is None:
            return Column(self.values, self.name)
        return Column([None if missing(v) and convert is not bool else convert(v) for v in self.values], self.name)

    def map(self, mapping) -> "Column":
        get = mapping.get if isinstance(mapping, dict) else mapping
        return Column([get(v) for v in self.values], self.name)

    apply = map

    def isin(self, values) -> "Column":
        wanted = set(values)
        return Column([v in wanted for v in self.values], self.name)

    def unique(self) -> list:
        return list(dict.fromkeys(self.values))

    def any(self) -> bool:
        return any(self.values)

    def all(self) -> bool:
        return all(self.values)

    def sum(self):
        return sum(v for v in self.values if not missing(v))

    def max(self):
        present = [v for v in self.values if not missing(v)]
        return max(present) if present else None

    def min(self):
        present = [v for v in self.values if not missing(v)]
        return min(present) if present else None

    @property
    def str(self) -> "_Str":
        return _Str(self)


class _Str:
    """``column.str``: string methods element-wise (missing values stay missing)."""

    def __init__(self, column: Column):
        self._column = column

    def __getattr__(self, method: str):
        def apply(*args, **kwargs) -> Column:
            return Column([None if missing(v) else getattr(str(v), method)(*args, **kwargs)
                           for v in self._column.values], self._column.name)
        return apply

    def contains(self, needle: str, regex: bool = False) -> Column:
        return Column([False if missing(v) else needle in str(v) for v in self._column.values], self._column.name)


def _values(other, n: int) -> list:
    if isinstance(other, Column):
        return other.values
    if isinstance(other, (list, tuple)):
        return list(other)
    return [other] * n


def _mask(key, n: int) -> list[bool]:
    values = _values(key, n)
    if len(values) != n or not all(isinstance(v, bool) for v in values):
        raise KeyError(key)
    return values
