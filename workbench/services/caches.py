"""Caches a :class:`~workbench.api.Workbench` owns: bounded, dropped with it.

The dashboard keeps what cannot change any more (answer paths and repeat
contacts of attendances opened before yesterday, the text of each distinct path), keyed by the
database file's identity, so a restore or a new demo under the same path
never serves stale numbers.
"""

from __future__ import annotations

from cachetools import LRUCache

PATHS_SIZE = 64          # (filters, past period) entries, each a few hundred rows
TEXTS_SIZE = 20_000      # distinct (script, answer path) texts


class DashboardCache:
    """Least-recently-used caches of the dashboard's immutable past."""

    def __init__(self, paths: int = PATHS_SIZE, texts: int = TEXTS_SIZE):
        self.paths: LRUCache = LRUCache(maxsize=paths)
        self.repeats: LRUCache = LRUCache(maxsize=paths)
        self.backlogs: LRUCache = LRUCache(maxsize=paths)
        self.texts: LRUCache = LRUCache(maxsize=texts)

    @staticmethod
    def identity(store) -> tuple:
        """The database file as a cache key: a restore or a new demo gives a new identity."""
        return store.identity()

    def clear(self) -> None:
        self.paths.clear()
        self.repeats.clear()
        self.backlogs.clear()
        self.texts.clear()
