"""Consistent copies of the live database file, for backups and snapshots.

A consistent copy needs every writer to wait, so the wait is kept short:

1. the file's bytes are copied with no lock at all (writers go on; this first
   copy may be torn);
2. then, holding the gate as a writer, a checkpoint folds the WAL into the
   file, and the copy is compared with the file chunk by chunk: only the
   chunks that changed meanwhile are written again.

Step 2 reads the file once (from the page cache on a busy desk) and writes
little, so writers wait a fraction of what a full copy takes (see
``benchmarks/files.py``). The copy goes into a ``.<name>.partial`` file that
its writer holds an ``flock`` on; a partial left by a killed process holds no
lock, and :func:`remove_stale_partials` deletes it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from workbench import settings
from workbench.errors import BusyError, StoreError
from workbench.storage import gate
from workbench.storage.connection import _PROCESS_LOCK, connect, translated

CHUNK = 4 << 20
POLL = 0.02


def partial_path(final: Path) -> Path:
    return final.parent / f".{final.name}.partial"


def _lock_partial(path: Path, deadline: float) -> int:
    """Open and lock ``path`` (created if missing); retried when another process renamed it away."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise BusyError(f"Outro processo está gravando {path}; tente novamente em instantes.") from None
                    time.sleep(POLL)
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(fd)
            raise
        if same:
            return fd
        os.close(fd)


@contextmanager
def partial_file(final: Path, *, wait: float = 0.0) -> Iterator[Path]:
    """A locked ``.<name>.partial`` beside ``final``; deleted at the end unless the block renamed it.

    ``wait``: seconds to wait for another process writing the same partial.
    """
    path = partial_path(final)
    with translated(path):
        fd = _lock_partial(path, time.monotonic() + wait)
    try:
        yield path
    finally:
        try:
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                path.unlink()
        except FileNotFoundError:
            pass
        os.close(fd)


def remove_stale_partials(folder: Path, pattern: str) -> list[Path]:
    """Delete the partial files matching ``pattern`` in ``folder`` that no live process is writing."""
    removed = []
    for path in sorted(folder.glob(pattern)):
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                path.unlink()
                removed.append(path)
        except (BlockingIOError, FileNotFoundError):
            pass
        finally:
            os.close(fd)
    return removed


def _patch(source: Path, dest: Path) -> int:
    """Make ``dest`` byte-identical to ``source``, rewriting only the chunks that differ."""
    written = 0
    with open(source, "rb", buffering=0) as src, open(dest, "r+b", buffering=0) as dst:
        offset = 0
        while True:
            data = src.read(CHUNK)
            if not data:
                break
            if dst.read(len(data)) != data:
                dst.seek(offset)
                dst.write(data)
                written += len(data)
            offset += len(data)
        dst.truncate(offset)
    return written


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_consistent(db: Path, dest: Path) -> float:
    """Write a consistent copy of the database ``db`` into ``dest``; returns the seconds writers waited.

    Raises DiskFullError naming the folder of ``dest`` when it fills up, and
    BusyError when the gate cannot be taken within ``WORKBENCH_LOCK_TIMEOUT``.
    """
    if not db.is_file():
        raise StoreError(f"O banco de dados {db} não existe.")
    with translated(dest):
        shutil.copyfile(db, dest)
    deadline = time.monotonic() + float(settings.get("lock_timeout"))
    with _PROCESS_LOCK, gate.passage(db, write=True, deadline=deadline):
        held = time.monotonic()
        with translated(db):
            # kept open until the copy is done: DuckDB's own lock keeps out processes without the gate
            con = connect(db, read_only=False, timeout=max(deadline - held, 0.05))
        try:
            with translated(db):
                con.execute("CHECKPOINT")
            wal = Path(f"{db}.wal")
            if wal.exists() and wal.stat().st_size:
                raise StoreError(f"O banco de dados {db} tem um WAL que não pôde ser incorporado; tente novamente.")
            with translated(dest):
                _patch(db, dest)
        finally:
            con.close()
        held = time.monotonic() - held
    with translated(dest):
        _fsync(dest)
    return held
