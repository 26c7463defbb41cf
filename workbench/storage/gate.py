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
* a login (its two writes, and the read of ``workbench.open`` before it) has
  a bounded priority: it queues on ``login`` (exclusive, logins among
  themselves), writes the time it got there into that file, takes ``lock``
  (exclusively to write) without queueing on ``intent``, and clears the time
  once it holds ``lock``. While a login waits, the writer holding ``intent``
  and the readers do not try to take ``lock``, each for at most
  ``DEFERENCE`` seconds per unit of work. So a login waits for the unit of
  work in progress (and other logins), not for every operator saving nor
  for readers that have run out of patience, and a storm of logins cannot
  starve anyone. :func:`login_waiting` tells whether a login waits now.

The kernel releases the locks when a process dies. Processes that do not use
the gate (an analyst's own ``duckdb.connect``) are still covered by the retry
in :func:`workbench.storage.connection.connect`. When the sidecar files cannot
be created (a read-only folder), the gate is skipped.
"""

from __future__ import annotations

import fcntl
import os
import struct
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

from workbench.errors import BusyError

POLL = 0.002             # seconds between two tries of a lock
READER_PATIENCE = 1.0    # longest a reader defers to waiting writers
DEFERENCE = 1.0          # longest one unit of work stands aside for waiting logins, in all
STALE_LOGIN = 30.0       # a login stamp this old was left by a process that died waiting
_STAMP = struct.Struct("d")


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


def login_waiting(db: Path) -> bool:
    """True while a login waits at the gate of ``db`` for the file."""
    fd = _open(Path(f"{db}.login"))
    if fd is None:
        return False
    try:
        return _login_waiting(fd)
    finally:
        os.close(fd)


def _login_waiting(login_fd: int) -> bool:
    """True while a login waits for the file: read from the stamp in ``<db>.login``.

    No lock is taken to look: probing with one would get in the way of the very
    login it looks for.
    """
    raw = os.pread(login_fd, _STAMP.size, 0)
    return len(raw) == _STAMP.size and 0 <= time.monotonic() - _STAMP.unpack(raw)[0] < STALE_LOGIN


def _take_after_logins(fd: int, mode: int, login_fd: int, deadline: float) -> None:
    """Take ``fd`` in ``mode``, standing aside for a waiting login (see the module docstring)."""
    deferred, since = 0.0, None          # seconds spent standing aside; when the current spell began
    while True:
        now = time.monotonic()
        if deferred < DEFERENCE and _login_waiting(login_fd):
            if since is not None:
                deferred += now - since
            since = now
        else:
            since = None
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
        if time.monotonic() >= deadline:
            raise BusyError()
        time.sleep(POLL)


@contextmanager
def passage(db: Path, *, write: bool, deadline: float, login: bool = False) -> Iterator[None]:
    """Hold the gate for one unit of work on ``db``; BusyError past ``deadline``.

    ``login`` takes the login lane (a login's writes, and the read that opens
    the desk before it): see the module docstring.
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
        if login:
            _take(login_fd, fcntl.LOCK_EX, deadline)
            os.pwrite(login_fd, _STAMP.pack(time.monotonic()), 0)    # CLOCK_MONOTONIC: one clock per machine
            try:
                _take(lock_fd, fcntl.LOCK_EX if write else fcntl.LOCK_SH, deadline)
            finally:
                os.pwrite(login_fd, _STAMP.pack(0.0), 0)              # the file is ours (or given up)
        elif write:
            _take(intent_fd, fcntl.LOCK_EX, deadline)
            _take_after_logins(lock_fd, fcntl.LOCK_EX, login_fd, deadline)
        else:
            _wait_free(intent_fd, min(deadline, started + READER_PATIENCE))
            _take_after_logins(lock_fd, fcntl.LOCK_SH, login_fd, deadline)
        GateStats.waited += time.monotonic() - started
        yield


def writer_waiting(db: Path) -> bool:
    """True while a writer has announced itself at ``db``'s gate (holds ``intent``) or a login waits.

    Read by a long reader (an analyst's query) that gives way to the desk's
    writes; while that reader holds ``lock``, a writer holding ``intent`` can
    only be waiting for it.
    """
    if login_waiting(db):
        return True
    fd = _open(Path(f"{db}.intent"))
    if fd is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
