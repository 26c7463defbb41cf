"""Storage layer: every SQL statement and every connection of the workbench.

Nothing above this package writes SQL or holds a connection.
"""

from workbench.storage.store import DuckDBStore, open_store

__all__ = ["DuckDBStore", "open_store"]
