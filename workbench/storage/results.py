"""Named results of store methods that return several things (both backends return these).

Each is a ``NamedTuple``: callers may use the names (``result.frame``) or
unpack it as the tuple it used to be.
"""

from __future__ import annotations

from typing import NamedTuple

from workbench.frame import Frame


class SearchResult(NamedTuple):
    """Up to ``limit + 1`` clients in rank order (with a ``rank`` column), and whether the typo fallback found them."""

    frame: Frame
    fuzzy: bool


class ClientRecord(NamedTuple):
    """A client's data, contracts, and attendance counts by status."""

    data: dict
    contracts: Frame
    counts: Frame


class OrderDetail(NamedTuple):
    """One work order with its client, attendance and technician (``data``), and its history."""

    data: dict
    history: Frame


class ScriptDefinition(NamedTuple):
    version: int
    definition: dict


class QueryResult(NamedTuple):
    """The first ``max_rows`` rows of an analyst's query, and whether more followed."""

    frame: Frame
    truncated: bool
