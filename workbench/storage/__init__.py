"""Storage layer: every SQL statement and every connection of the workbench.

Nothing above this package writes SQL or holds a connection.
"""

from workbench.storage.store import DuckDBStore, is_url, open_store, shown

__all__ = ["DuckDBStore", "is_url", "open_store", "shown"]
