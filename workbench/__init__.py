"""Atendimento Workbench: the support desk of a Brazilian ISP over DuckDB.

>>> import workbench
>>> wb = workbench.open()              # $WORKBENCH_DB or the default place (`workbench status` shows it)
>>> wb.search_clients("joao silva")
"""

from workbench.api import Workbench
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


def open(path=None, *, create: bool = False) -> Workbench:  # noqa: A001 - the documented name
    """Open the workbench database at ``path``; ``create=True`` creates a missing one (see :meth:`Workbench.open`)."""
    return Workbench.open(path, create=create)


__all__ = [
    "open", "Workbench", "WorkbenchError", "ValidationError", "NotFoundError", "AuthError",
    "PermissionDenied", "SessionRevoked", "BusyError", "ConflictError", "StoreError", "CorruptDatabaseError", "DiskFullError", "ReferenceDataError",
    "DraftConflict",
]
