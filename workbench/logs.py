"""The server's log: the console and ``workbench.log`` beside the database.

``workbench serve`` and every page's kernel (a process of its own) write to the
same file. Several processes appending and rotating one file is only safe with
a lock around each write and each rotation: ``concurrent-log-handler`` does
exactly that (a lock file beside the log, size-based rotation, five files kept).

An unexpected error on a page gets a short id (:func:`unexpected`): the page
shows "Erro inesperado (nº <id>)", and the console and the file get the same id
with the traceback, so an operator's report finds its line.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from pathlib import Path

from workbench import settings

LOG_NAME = "workbench.log"
MAX_BYTES = 5_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"
log = logging.getLogger("workbench")
_configured: Path | None = None


def log_path(db: str | Path | None = None) -> Path:
    """The log file of the database ``db`` (default: the current database)."""
    return settings.log_dir(db if db is not None else settings.database()) / LOG_NAME


def check_writable(folder: Path) -> None:
    """Raise :class:`workbench.errors.StoreError` unless ``folder`` can hold the log."""
    from workbench.errors import StoreError

    if not folder.is_dir():
        raise StoreError(f"A pasta do log {folder} não existe (defina WORKBENCH_LOG_DIR).")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(f"Sem permissão de escrita na pasta do log {folder} (defina WORKBENCH_LOG_DIR).")


def file_handler(db: str | Path | None = None) -> logging.Handler:
    """A handler appending to the shared, rotated ``workbench.log`` (safe from many processes)."""
    from concurrent_log_handler import ConcurrentRotatingFileHandler

    handler = ConcurrentRotatingFileHandler(str(log_path(db)), "a", maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                            encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    return handler


def configure(db: str | Path | None = None, *, console: bool = True) -> Path:
    """Send the ``workbench`` loggers to the console (stderr) and the shared log file; idempotent.

    Where the file cannot be written, the console alone gets them.
    """
    global _configured
    path = log_path(db)
    if _configured == path:
        return path
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()
    try:
        log.addHandler(file_handler(db))
    except OSError:
        pass
    if console:
        stream = logging.StreamHandler(sys.__stderr__)
        stream.setFormatter(logging.Formatter(FORMAT))
        log.addHandler(stream)
    log.setLevel(logging.INFO)
    log.propagate = False
    _configured = path
    return path


def new_error_id() -> str:
    """A short id an operator can read aloud: six hexadecimal digits."""
    return secrets.token_hex(3).upper()


def unexpected(what: str, *, logger: logging.Logger | None = None) -> str:
    """Log the exception being handled with a new id and its traceback; return the id."""
    if _configured != log_path():
        configure()
    error_id = new_error_id()
    (logger or log).error("erro inesperado nº %s: %s", error_id, what, exc_info=True)
    return error_id


def unexpected_message(error_id: str) -> str:
    """What a page shows for an unexpected error: nothing but its id."""
    return f"Erro inesperado (nº {error_id})"
