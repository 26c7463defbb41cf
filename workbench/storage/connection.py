"""Short-lived DuckDB connections shared safely between processes.

DuckDB lets one process hold a file for writing, or many for reading. Every
Voila page and notebook is a process of its own, so nothing here keeps the
file open: each unit of work opens the file, runs one transaction and closes.
A lock conflict is retried with jittered exponential backoff for a bounded
time, then raised as :class:`BusyError`.

What a process does keep is its DuckDB *engine*: one in-memory database
(:func:`_engine`), holding no file and no lock, into which each unit of work
``ATTACH``es the file (taking DuckDB's file lock), runs its transaction on a
fresh cursor and ``DETACH``es it (releasing the lock). Creating an engine
costs 17-20 ms of CPU (its catalog of functions), attaching the file 3-4 ms:
this is most of what a short read used to cost. The engine is closed before
a ``fork`` and made again in the child.

A writer's detach leaves the WAL in place (``checkpoint_on_detach``
disabled) instead of folding it into the file at every close: the commit
already made the WAL durable (fsync), and the next unit of work, in any
process, reads it back. DuckDB checkpoints within the commit that takes the
WAL past :data:`WAL_CHECKPOINT`, so a reader never replays more than that
(about 3 ms); a checkpoint costs a write 25-30 ms, now paid once every few
dozen draft saves instead of by each. Copies and backups checkpoint first
(:mod:`workbench.storage.filecopy`).

A writer attaches the file with row groups of :data:`ROW_GROUP_ROWS`, half DuckDB's
default. Rows appended by short commits land in small row groups that DuckDB's
checkpoint merges (its vacuum) once they fill one, compressing them anew inside
the commit that filled it: at the default size, the client import's batch that
filled a row group of ``clients`` and one of ``client_search`` held the file
870 ms (50-230 ms for the others), and an operator's finish can fill one of
``attendances`` the same way. Half the size halves that stall. It is a setting
of each attach, not of the file: every writer of the workbench uses it.

A commit that raises leaves the WAL exactly as it was before it. DuckDB
takes back a WAL write that fails, but a commit that also checkpoints (one
past the bound, or one appending to a table with an index, which DuckDB
checkpoints at once) is written to the WAL first; when the checkpoint then
fails (a full disk), COMMIT raises although the commit is in the WAL ("COMMIT
succeeded and is durable, but the autocheckpoint failed"), and the next unit
of work would replay it: a write reported failed would be there after all.
So after a COMMIT that raised, with the file detached, the engine closed and
the gate still held (nobody has read the file since), :func:`_undo_failed_commit`
cuts the WAL back to its size before the COMMIT. The checkpoint had not
reached the file's header, so the file itself still is what it was.

DuckDB's own errors for a damaged file (a truncated file, a block failing its
checksum) and for a full disk are turned here, on open and inside every unit
of work, into :class:`CorruptDatabaseError` and :class:`DiskFullError`: one
Portuguese message naming the file (and the restore command) or the folder,
shown as is by the CLI, the API and the screens.
"""

from __future__ import annotations

import errno
import os
import random
import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import duckdb

from workbench import settings
from workbench.errors import BusyError, CorruptDatabaseError, DiskFullError, StoreError, WorkbenchError
from workbench.storage import gate

T = TypeVar("T")

_LOCK_MARKERS = ("Could not set lock", "Conflicting lock", "database is locked")
_CORRUPT_MARKERS = ("Corrupt database file", "Could not read enough bytes", "database has been invalidated",
                    "does not match stored checksum")
_NOT_DUCKDB_MARKER = "not a valid DuckDB database"
_DISK_FULL_MARKERS = ("No space left on device", "File too large", "Disk quota exceeded")
_DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_WRITTEN_FILE = re.compile(r'file "([^"]+)"')
# One unit of work at a time per process: DuckDB refuses a second open of the
# same file with another configuration (read-only vs read-write) in-process.
_PROCESS_LOCK = threading.RLock()
ALIAS = "desk"                   # the attached file's catalog name inside the engine
# The WAL size past which a commit checkpoints (DuckDB's default: 16 MiB, which every
# reader would then replay: about 45 ms for 1 MB of draft saves on this machine).
WAL_CHECKPOINT = "128KiB"
# Rows per row group a writer builds (DuckDB's default: 122,880; see the module docstring).
ROW_GROUP_ROWS = 61_440


class _Engine:
    """The process's in-memory DuckDB (see the module docstring); used under ``_PROCESS_LOCK`` only."""

    con: duckdb.DuckDBPyConnection | None = None
    pid: int | None = None
    depth = 0                    # units of work using it now (a nested one shares the attached file)
    attached: tuple[str, bool] | None = None     # (path, read_only) while a file is attached
    failed_commit: tuple[Path, int | None] | None = None   # (path, WAL size before) of a COMMIT that raised
    orphans: list = []           # engines inherited through a fork mid-unit: never touched nor freed


def _engine() -> duckdb.DuckDBPyConnection:
    if _Engine.con is not None and _Engine.pid != os.getpid():
        _Engine.orphans.append(_Engine.con)
        _Engine.con = None
    if _Engine.con is None:
        _Engine.con = duckdb.connect(":memory:", config={
            "memory_limit": settings.get("memory_limit"), "checkpoint_on_detach": "DISABLED",
            "wal_autocheckpoint": WAL_CHECKPOINT})
        _Engine.pid = os.getpid()
    return _Engine.con


@contextmanager
def scratch() -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the process's engine for a computation over values the caller passes in (no file
    is attached for it): the PostgreSQL search scores typo candidates with DuckDB's own functions."""
    with _PROCESS_LOCK:
        cur = _engine().cursor()
        try:
            yield cur
        finally:
            cur.close()


def _drop_engine() -> None:
    """Close the engine (a failed unit of work may have left it unusable; a fork is coming)."""
    con, _Engine.con = _Engine.con, None
    if con is not None:
        try:
            con.close()
        except duckdb.Error:
            pass


def _before_fork() -> None:
    _PROCESS_LOCK.acquire()
    if not _Engine.depth and _Engine.pid == os.getpid():
        _drop_engine()


def _after_fork() -> None:
    _PROCESS_LOCK.release()


os.register_at_fork(before=_before_fork, after_in_parent=_after_fork, after_in_child=_after_fork)


class LockStats:
    """Counts lock-conflict retries in this process (read by the benchmarks)."""

    retries = 0


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and any(m in str(exc) for m in _LOCK_MARKERS)


def _config() -> dict:
    return {"memory_limit": settings.get("memory_limit")}


def connect(path: Path, *, read_only: bool, timeout: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open ``path``; retry lock conflicts for ``timeout`` seconds, then BusyError."""
    if timeout is None:
        timeout = float(settings.get("lock_timeout"))
    deadline = time.monotonic() + timeout
    con = _retrying(lambda: duckdb.connect(str(path), read_only=read_only, config=_config()), deadline,
                    lambda exc: _store_error(path, exc))
    con.execute("SET TimeZone = ?", [settings.get("timezone")])
    return con


def _retrying(attempt: Callable[[], T], deadline: float, failure: Callable[[duckdb.Error], Exception]) -> T:
    """``attempt()`` until it gets the file: a lock conflict is tried again after a growing, jittered
    pause until ``deadline`` (then BusyError); any other error raises ``failure(error)``."""
    delay = 0.005
    while True:
        try:
            return attempt()
        except duckdb.Error as exc:
            if not is_lock_error(exc):
                raise failure(exc) from exc
            if time.monotonic() >= deadline:
                raise BusyError() from exc
            LockStats.retries += 1
            time.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 0.2)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and every exception it was raised from or during (a cleanup may hide the first)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def corrupt_message(path: Path, *, header: bool = False) -> str:
    path = Path(path).absolute()
    what = (f"O arquivo {path} não é um banco de dados DuckDB válido (está danificado ou é outro tipo de arquivo)"
            if header else
            f"O banco de dados {path} está danificado (arquivo truncado ou bloco corrompido) e não pode ser lido")
    return (f"{what}; nada foi alterado. Restaure o último backup: "
            f"workbench --db {path} restore <pasta-de-backup> --force")


def _folder(file) -> str:
    return str(Path(file).absolute().parent)


def translate_error(path: Path, exc: BaseException) -> WorkbenchError | None:
    """The typed error for a damaged file or a full disk behind ``exc``; None for anything else."""
    for e in _causes(exc):
        if isinstance(e, OSError) and e.errno in _DISK_FULL_ERRNOS:
            return DiskFullError(_folder(path))
        if isinstance(e, duckdb.Error):
            text = str(e)
            if any(m in text for m in _DISK_FULL_MARKERS):
                written = _WRITTEN_FILE.search(text)
                return DiskFullError(_folder(written.group(1) if written else path))
            if any(m in text for m in _CORRUPT_MARKERS):
                return CorruptDatabaseError(corrupt_message(path))
            if _NOT_DUCKDB_MARKER in text:
                return CorruptDatabaseError(corrupt_message(path, header=True))
    return None


@contextmanager
def translated(path: Path) -> Iterator[None]:
    """Raise a damaged file or a full disk met inside the block as its typed error."""
    try:
        yield
    except WorkbenchError:
        raise
    except (duckdb.Error, OSError) as exc:
        typed = translate_error(path, exc)
        if typed is None:
            raise
        raise typed from exc


def _store_error(path: Path, exc: duckdb.Error) -> StoreError:
    text = str(exc)
    typed = translate_error(path, exc)
    if typed is not None:
        return typed
    if "Invalid Input Error" in text and "database" in text:
        return StoreError(f"O arquivo {path} não é um banco de dados DuckDB válido.")
    if "No such file" in text or "does not exist" in text or "Cannot open" in text:
        return StoreError(f"Não foi possível abrir o banco de dados {path}: {text}")
    if "Permission denied" in text:
        return StoreError(f"Sem permissão para abrir o banco de dados {path}.")
    return StoreError(f"Erro ao abrir o banco de dados {path}: {text}")


@contextmanager
def unit_of_work(path: Path, *, write: bool, timeout: float | None = None,
                 login: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction on a fresh connection, committed on success, rolled back on error.

    Readers share the file; a writer holds it alone for the duration only.
    ``login`` puts the unit in the gate's login lane (a bounded priority).
    """
    if timeout is None:
        timeout = float(settings.get("lock_timeout"))
    deadline = time.monotonic() + timeout
    with _PROCESS_LOCK:
        if not write and not Path(path).exists():
            raise StoreError(f"O banco de dados {path} não existe; rode `workbench init`.")
        with gate.passage(Path(path), write=write, deadline=deadline, login=login), translated(Path(path)):
            with _transaction(Path(path), write=write, timeout=max(deadline - time.monotonic(), 0.05)) as con:
                yield con


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _attach(path: Path, *, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    """Attach ``path`` to the engine and return a fresh cursor using it; retry lock conflicts for
    ``timeout`` seconds, then BusyError. A unit of work nested in another (same thread) shares the
    file the outer one attached, if it is the same file, writable or read the same way."""
    deadline = time.monotonic() + timeout
    if _Engine.attached is not None:
        if _Engine.attached[0] != str(path) or (_Engine.attached[1] and not read_only):
            raise StoreError(f"{path}: uma unidade de trabalho não pode abrir outro banco de dados, "
                             "nem gravar dentro de uma leitura.")
        return _cursor(_engine(), path)
    sql = f"ATTACH {_quote(path)} AS {ALIAS} " + ("(READ_ONLY)" if read_only else f"(ROW_GROUP_SIZE {ROW_GROUP_ROWS})")

    def attach() -> duckdb.DuckDBPyConnection:
        engine = _engine()
        engine.execute(f"DETACH DATABASE IF EXISTS {ALIAS}")
        engine.execute(sql)
        return engine

    def failure(exc: duckdb.Error) -> Exception:
        _drop_engine()
        return _store_error(path, exc)

    engine = _retrying(attach, deadline, failure)
    _Engine.attached = (str(path), read_only)
    return _cursor(engine, path)


def _cursor(engine: duckdb.DuckDBPyConnection, path: Path) -> duckdb.DuckDBPyConnection:
    cur = engine.cursor()
    try:
        cur.execute(f"USE {ALIAS}")
        # per cursor: the zone; the memory limit is the engine's (a unit of work may have changed it)
        cur.execute("SET TimeZone = ?", [settings.get("timezone")])
        cur.execute("SET memory_limit = ?", [settings.get("memory_limit")])
    except BaseException:
        cur.close()
        raise
    return cur


def _wal_size(path: Path) -> int | None:
    try:
        return os.stat(f"{path}.wal").st_size
    except FileNotFoundError:
        return None


def _undo_failed_commit(path: Path, before: int | None) -> None:
    """After a COMMIT that raised, leave the WAL as it was before it: the commit reported failed
    must leave nothing behind (see the module docstring). Runs with the file detached and the
    engine closed, still inside the gate (no other unit of work can be using the file)."""
    _drop_engine()
    wal = Path(f"{path}.wal")
    after = _wal_size(path)
    if after is None or (before is not None and after <= before):
        return                   # DuckDB took its entries back itself, or nothing was written
    if before is None:
        wal.unlink()
        return
    fd = os.open(wal, os.O_WRONLY)
    try:
        os.ftruncate(fd, before)
        os.fsync(fd)
    finally:
        os.close(fd)


def _detach() -> None:
    """Release the file (the engine stays). An engine that cannot detach is dropped whole."""
    _Engine.attached = None
    try:
        _Engine.con.execute(f"DETACH DATABASE IF EXISTS {ALIAS}")
    except (duckdb.Error, AttributeError):
        _drop_engine()


@contextmanager
def _transaction(path: Path, *, write: bool, timeout: float) -> Iterator[duckdb.DuckDBPyConnection]:
    _Engine.depth += 1
    try:
        con = _attach(path, read_only=not write, timeout=timeout)
        try:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                try:
                    con.execute("ROLLBACK")
                except duckdb.Error:   # a failed statement may have ended the transaction already
                    pass
                raise
            else:
                wal = _wal_size(path) if write else None
                try:
                    con.execute("COMMIT")
                except duckdb.Error as exc:
                    if is_lock_error(exc):
                        raise BusyError() from exc
                    if write:
                        _Engine.failed_commit = (path, wal)
                    raise
        finally:
            try:
                con.close()
            except duckdb.Error:
                pass
    finally:
        _Engine.depth -= 1
        if not _Engine.depth:
            _detach()
            failed, _Engine.failed_commit = _Engine.failed_commit, None
            if failed is not None:
                _undo_failed_commit(*failed)
