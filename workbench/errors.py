"""Typed errors raised by the public API.

Every message is written for the person at the desk (pt-BR); the widgets show
``str(error)`` beside the field named by ``error.field`` and never a traceback.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base of every error the workbench raises on purpose."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(WorkbenchError):
    """Input that breaks a rule; ``field`` names the offending field (pt-BR label).

    ``errors`` maps every offending field to its message when several fail at once.
    """

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, str] | None = None):
        super().__init__(message, field=field)
        self.errors = errors or ({field: message} if field else {})


class NotFoundError(WorkbenchError):
    """A client, attendance, operator or reference that does not exist."""


class AuthError(WorkbenchError):
    """Wrong credentials, a locked or a disabled account."""


class PermissionDenied(WorkbenchError):
    """The operator's role does not allow the action."""


class SessionRevoked(AuthError):
    """A write refused because the acting operator was disabled or lost the role meanwhile.

    Nothing was written; the screens send the operator back to the login.
    """

    def __init__(self, message: str = "Seu acesso foi desativado ou alterado por um administrador: "
                                      "nada foi gravado. Entre novamente."):
        super().__init__(message)


class BusyError(WorkbenchError):
    """The database stayed locked by another process past the retry bound."""

    def __init__(self, message: str = "Banco de dados ocupado; tente novamente em instantes."):
        super().__init__(message)


class StoreError(WorkbenchError):
    """The database file is missing, unreadable, not a database, or too new."""


class CorruptDatabaseError(StoreError):
    """The database file is damaged (truncated, a block that fails its checksum).

    The message names the file and the command that restores the last backup.
    """


class DiskFullError(StoreError):
    """A write found no space left (or a file-size or quota limit) in ``folder``.

    The unit of work was rolled back: what was saved before is intact.
    """

    def __init__(self, folder: str):
        super().__init__(f"Disco cheio em {folder}: libere espaço e tente de novo; nada foi perdido.")
        self.folder = folder


class ReferenceDataError(WorkbenchError):
    """A reference or script file in ``data/`` is malformed."""

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None):
        super().__init__(f"{file}: {message}" if file else message, field=field)
        self.file = file


class InstallationError(WorkbenchError):
    """The installed package lacks a part it ships (schema, notebooks, reference data)."""


class DraftConflict(WorkbenchError):
    """A draft's save, finish or exit refused: another page (tab) took the draft over
    (``reason`` 'claimed'), it is another operator's ('foreign'), or its protocol
    was closed meanwhile ('closed'). Nothing was written; what is on screen stays."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason


class ConflictError(WorkbenchError):
    """Someone else changed the record while this operator was looking at it; nothing was written.

    ``by`` and ``at`` say who and when (the record's last change). The screens keep
    what was typed, show the record again and let the operator confirm once more.
    """

    def __init__(self, what: str, *, by: str | None = None, at=None):
        when = ""
        if at is not None:
            from zoneinfo import ZoneInfo

            from workbench import settings

            when = f" às {at.astimezone(ZoneInfo(settings.get('timezone'))):%H:%M de %d/%m}"
        who = f" por {by}" if by else ""
        super().__init__(f"{what} foi alterado{who}{when} enquanto você o via; nada foi gravado. "
                         "Confira os dados atualizados e confirme de novo.")
        self.by = by
        self.at = at
