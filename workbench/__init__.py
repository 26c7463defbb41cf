"""Atendimento Workbench: the support desk of a Brazilian ISP over DuckDB.

>>> import workbench
>>> wb = workbench.open()              # $WORKBENCH_DB or the default place (`workbench status` shows it)
>>> wb.search_clients("joao silva")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench.errors import (
    AuthError,
    BusyError,
    ConflictError,
    CorruptDatabaseError,
    DiskFullError,
    DraftConflict,
    NotFoundError,
    PermissionDenied,
    ReferenceDataError,
    SessionRevoked,
    StoreError,
    ValidationError,
    WorkbenchError,
)


if TYPE_CHECKING:
    from workbench.api import Workbench


def __getattr__(name: str):
    # The API (pandas, DuckDB) is imported when first used, so `import workbench.<module>` stays light
    # for what needs none of it (the server, a served page's kernel launcher).
    if name == "Workbench":
        from workbench.api import Workbench

        return Workbench
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")


def open(path=None, *, create: bool = False, tables: str = "pandas") -> Workbench:  # noqa: A001 - the documented name
    """Open the workbench database at ``path``; ``create=True`` creates a missing one (see :meth:`Workbench.open`)."""
    from workbench.api import Workbench

    return Workbench.open(path, create=create, tables=tables)


__all__ = [
    "open", "Workbench", "WorkbenchError", "ValidationError", "NotFoundError", "AuthError",
    "PermissionDenied", "SessionRevoked", "BusyError", "ConflictError", "StoreError", "CorruptDatabaseError", "DiskFullError", "ReferenceDataError",
    "DraftConflict",
]
