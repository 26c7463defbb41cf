"""A fair queue in front of the DuckDB file, shared by every process of the desk.

DuckDB refuses a second process at once ("Could not set lock on file") and
leaves the retrying to us; plain retries with backoff let a steady stream of
dashboard reads starve the operators' writes, and the sleeps waste the gaps.
So every unit of work first passes this gate, made of ``flock`` locks on
sidecar files beside the database (``<db>.lock``, ``<db>.intent`` and
``<db>.login``):

* a writer queues on ``intent`` (exclusive), then takes ``lock`` exclusively;
* a reader waits while a writer has announced its intent (for at most
  ``READER_PATIENCE`` seconds, so readers are never starved either), then
  takes ``lock`` shared for the length of its read;
* a login is a write with a bounded priority: it queues on ``login``
  (exclusive, logins among themselves), then goes the writers' way; an
  ordinary writer does not compete for ``intent`` while a login waits, for at
  most ``LOGIN_PRIORITY`` seconds per unit of work. So a login waits for the
  write in progress (and other logins), not for every operator saving.

The kernel releases the locks when a process dies. Processes that do not use
the gate (an analyst's own ``duckdb.connect``) are still covered by the retry
in :func:`workbench.storage.connection.connect`. When the sidecar files cannot
be created (a read-only folder), the gate is skipped.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

from workbench.errors import BusyError

POLL = 0.002             # seconds between two tries of a lock
READER_PATIENCE = 1.0    # longest a reader defers to waiting writers
LOGIN_PRIORITY = 1.0     # longest a writer defers to a waiting login


class GateStats:
    """Seconds this process spent waiting at the gate (read by the benchmarks)."""

    waited = 0.0


def _open(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None


def _take(fd: int, mode: int, deadline: float) -> None:
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise BusyError() from None
            time.sleep(POLL)


def _held(fd: int) -> bool:
    """True while another descriptor holds ``fd``'s file exclusively."""
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    fcntl.flock(fd, fcntl.LOCK_UN)
    return False


def _wait_free(fd: int, until: float) -> None:
    """Wait (until ``until`` at most) while someone holds ``fd`` exclusively."""
    while time.monotonic() < until and _held(fd):
        time.sleep(POLL)


def _take_deferring(intent_fd: int, login_fd: int, deadline: float, defer_until: float) -> None:
    """Take ``intent`` exclusively, not competing with a waiting login before ``defer_until``."""
    while True:
        if not (time.monotonic() < defer_until and _held(login_fd)):
            try:
                fcntl.flock(intent_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
        if time.monotonic() >= deadline:
            raise BusyError()
        time.sleep(POLL)


@contextmanager
def passage(db: Path, *, write: bool, deadline: float, login: bool = False) -> Iterator[None]:
    """Hold the gate for one unit of work on ``db``; BusyError past ``deadline``.

    ``login`` (with ``write``) takes the login lane: see the module docstring.
    """
    started = time.monotonic()
    with ExitStack() as stack:
        fds = {name: _open(Path(f"{db}.{name}")) for name in ("lock", "intent", "login")}
        for fd in fds.values():
            if fd is not None:
                stack.callback(os.close, fd)     # closing the descriptor releases its flock
        if None in fds.values():
            yield
            return
        lock_fd, intent_fd, login_fd = fds["lock"], fds["intent"], fds["login"]
        if write and login:
            _take(login_fd, fcntl.LOCK_EX, deadline)
            _take(intent_fd, fcntl.LOCK_EX, deadline)
            _take(lock_fd, fcntl.LOCK_EX, deadline)
        elif write:
            _take_deferring(intent_fd, login_fd, deadline, min(deadline, started + LOGIN_PRIORITY))
            _take(lock_fd, fcntl.LOCK_EX, deadline)
        else:
            _wait_free(intent_fd, min(deadline, started + READER_PATIENCE))
            _take(lock_fd, fcntl.LOCK_SH, deadline)
        GateStats.waited += time.monotonic() - started
        yield
