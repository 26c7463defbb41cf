"""A fair queue in front of the DuckDB file, shared by every process of the desk.

DuckDB refuses a second process at once ("Could not set lock on file") and
leaves the retrying to us; plain retries with backoff let a steady stream of
dashboard reads starve the operators' writes, and the sleeps waste the gaps.
So every unit of work first passes this gate, made of two ``flock`` locks on
sidecar files beside the database (``<db>.lock`` and ``<db>.intent``):

* a writer queues on ``intent`` (exclusive), then takes ``lock`` exclusively;
* a reader waits while a writer has announced its intent (for at most
  ``READER_PATIENCE`` seconds, so readers are never starved either), then
  takes ``lock`` shared for the length of its read.

The kernel releases both locks when a process dies. Processes that do not use
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


def _wait_free(fd: int, until: float) -> None:
    """Wait (until ``until`` at most) while someone holds ``fd`` exclusively."""
    while time.monotonic() < until:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
            return
        except BlockingIOError:
            time.sleep(POLL)


@contextmanager
def passage(db: Path, *, write: bool, deadline: float) -> Iterator[None]:
    """Hold the gate for one unit of work on ``db``; BusyError past ``deadline``."""
    started = time.monotonic()
    with ExitStack() as stack:
        lock_fd = _open(Path(f"{db}.lock"))
        intent_fd = _open(Path(f"{db}.intent"))
        for fd in (lock_fd, intent_fd):
            if fd is not None:
                stack.callback(os.close, fd)     # closing the descriptor releases its flock
        if lock_fd is None or intent_fd is None:
            yield
            return
        if write:
            _take(intent_fd, fcntl.LOCK_EX, deadline)
            _take(lock_fd, fcntl.LOCK_EX, deadline)
        else:
            _wait_free(intent_fd, min(deadline, started + READER_PATIENCE))
            _take(lock_fd, fcntl.LOCK_SH, deadline)
        GateStats.waited += time.monotonic() - started
        yield
