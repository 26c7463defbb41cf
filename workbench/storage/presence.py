"""Which processes work on a database: each one registers for as long as it does.

Every unit of work opens the DuckDB file and closes it again, so a one-shot
"is anybody holding the file?" check sees nobody even while a desk is busy.
Registration spans a process's whole use of the database instead:

* a :class:`workbench.Workbench` (a notebook, a served page's kernel once it
  logs in, every CLI command) holds a shared ``flock`` on ``<db>.presence``
  from ``open`` until ``close`` (or the end of the process);
* ``workbench serve`` holds it for its whole life, plus a shared lock on
  ``<db>.serving`` that tells a server apart from other processes;
* ``workbench restore`` takes ``<db>.presence`` exclusively without waiting:
  when anyone is registered it refuses (:func:`exclusive`); a process starting
  meanwhile waits for the restore, up to ``WORKBENCH_LOCK_TIMEOUT``, then gets
  :class:`BusyError`.

The kernel releases the locks of a process that dies. :func:`in_use` and
:func:`server_running` answer without registering (for ``workbench status``).
Within one process registrations on the same file are counted and share one
descriptor; another descriptor (a restore in the same process) still conflicts.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from workbench import settings
from workbench.errors import BusyError, StoreError

POLL = 0.01

_registry: dict[str, list[int]] = {}       # resolved db path -> [descriptor, registrations]
_registry_lock = threading.Lock()


def _key(db: Path | str) -> str:
    return str(Path(db).expanduser().resolve())


def _sidecar(db: Path | str, suffix: str) -> Path:
    return Path(f"{_key(db)}.{suffix}")


def _open(path: Path, *, create: bool = True) -> int | None:
    try:
        return os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o600)
    except OSError:
        return None


def _locked(path: Path) -> bool:
    """True when some process holds a lock on ``path`` (this one included)."""
    fd = _open(path, create=False)
    if fd is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def in_use(db: Path | str) -> bool:
    """True while any process (this one included) is registered on ``db``."""
    return _locked(_sidecar(db, "presence"))


def server_running(db: Path | str) -> bool:
    """True while a ``workbench serve`` process serves ``db``."""
    return _locked(_sidecar(db, "serving"))


def _take_shared(fd: int, db: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise BusyError(f"O banco de dados {db} está sendo restaurado de um backup; "
                                "tente novamente em instantes.") from None
            time.sleep(POLL)


class Registration:
    """One registration of this process on a database; :meth:`close` ends it (once)."""

    def __init__(self, key: str | None):
        self._key = key

    def close(self) -> None:
        key, self._key = self._key, None
        if key is None:
            return
        with _registry_lock:
            entry = _registry.get(key)
            if entry is None:
                return
            entry[1] -= 1
            if entry[1] <= 0:
                del _registry[key]
                os.close(entry[0])      # closing the descriptor releases the flock


def register(db: Path | str, *, timeout: float | None = None) -> Registration:
    """Register this process on ``db`` until the returned registration is closed.

    Waits while a restore holds the database (``timeout`` seconds, default
    ``WORKBENCH_LOCK_TIMEOUT``), then raises BusyError. Where the sidecar file
    cannot be created (a read-only folder) nothing is registered.
    """
    if timeout is None:
        timeout = float(settings.get("lock_timeout"))
    key = _key(db)
    with _registry_lock:
        entry = _registry.get(key)
        if entry is not None:
            entry[1] += 1
            return Registration(key)
        fd = _open(_sidecar(db, "presence"))
        if fd is None:
            return Registration(None)
        try:
            _take_shared(fd, Path(db), timeout)
        except BaseException:
            os.close(fd)
            raise
        _registry[key] = [fd, 1]
        return Registration(key)


@contextmanager
def serving(db: Path | str) -> Iterator[None]:
    """Registered as a server on ``db`` for the length of the block."""
    registration = register(db)
    fd = _open(_sidecar(db, "serving"))
    try:
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        if fd is not None:
            os.close(fd)
        registration.close()


@contextmanager
def exclusive(db: Path | str) -> Iterator[None]:
    """Hold ``db`` with nobody else registered (a restore); StoreError when it is in use."""
    path = _sidecar(db, "presence")
    fd = _open(path)
    if fd is None:
        raise StoreError(f"Não foi possível criar {path}: verifique a pasta do banco de dados.")
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if server_running(db):
                raise StoreError(f"O banco de dados {db} está em uso por um servidor (workbench serve): "
                                 "pare o servidor e feche os notebooks que o usam, depois tente novamente.") from None
            raise StoreError(f"O banco de dados {db} está em uso por outro processo (uma página, um notebook "
                             "ou um comando do workbench): feche-o e tente novamente.") from None
        yield
    finally:
        os.close(fd)
