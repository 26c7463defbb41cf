"""Snapshots: a consistent copy of the live database for heavy analysis.

A long query over the live file holds it for reading, and the desk's writers
wait for it (DuckDB has one writer process, and no writer while another
process reads). A snapshot is a private copy instead: analysts query it as
long as they like, and the desk's writers waited only while it was made
(:func:`workbench.storage.filecopy.copy_consistent`: a checkpoint and the
chunks that changed, a fraction of a second on a busy 1 GB desk).

The snapshot lives beside the database (``<name>.snapshot.duckdb``) unless a
path is given, and is copied again only when it is older than the caller's
``max_age`` (``WORKBENCH_SNAPSHOT_MAX_AGE`` by default). Its age is its file's
modification time, set to the moment the copy began. Two processes refreshing
at once take turns on the partial file's lock; the second finds it fresh.
Readers of the old snapshot keep reading the old file until they close it.
A new copy is read to the end before it replaces the old one, so a damaged
database gives an error, not a damaged snapshot.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from workbench.errors import CorruptDatabaseError, StoreError
from workbench.storage.base import StoreBase
from workbench.storage.connection import corrupt_message
from workbench.storage.filecopy import copy_consistent, partial_file
from workbench.storage.manifest import read_contents

REFRESH_WAIT = 300.0     # seconds to wait for another process refreshing the same snapshot


@dataclass(frozen=True)
class SnapshotInfo:
    path: Path
    taken_at: datetime          # when the copy began (UTC)
    refreshed: bool             # copied now (False: the existing one was fresh enough)
    writers_waited: float       # seconds the desk's writers waited for this copy (0 when not refreshed)


def default_snapshot_path(db: Path) -> Path:
    return db.with_name(f"{db.stem}.snapshot{db.suffix or '.duckdb'}")


def _taken_at(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return None


def _info(path: Path, taken: float, refreshed: bool, waited: float = 0.0) -> SnapshotInfo:
    return SnapshotInfo(path, datetime.fromtimestamp(taken, timezone.utc), refreshed, waited)


class SnapshotMixin(StoreBase):
    def write_snapshot(self, dest: Path | None = None, *, max_age: float) -> SnapshotInfo:
        """Make sure ``dest`` holds a consistent copy of the database at most ``max_age`` seconds old."""
        dest = Path(dest) if dest else default_snapshot_path(self.path)
        if dest.absolute() == self.path.absolute():
            raise StoreError(f"A cópia de análise não pode substituir o próprio banco de dados {self.path}.")
        if not dest.parent.is_dir():
            raise StoreError(f"A pasta {dest.parent} da cópia de análise não existe.")
        taken = _taken_at(dest)
        if taken is not None and time.time() - taken <= max_age:
            return _info(dest, taken, False)
        with partial_file(dest, wait=REFRESH_WAIT) as part:
            taken = _taken_at(dest)          # another process may have refreshed it while we waited
            if taken is not None and time.time() - taken <= max_age:
                return _info(dest, taken, False)
            started = time.time()
            waited = copy_consistent(self.path, part)
            try:
                read_contents(part)          # read to the end: a damaged database gives no snapshot
            except CorruptDatabaseError:
                raise CorruptDatabaseError("Cópia de análise não gravada: a cópia não pôde ser lida por inteiro. "
                                           + corrupt_message(self.path)) from None
            os.utime(part, (started, started))
            os.replace(part, dest)
        return _info(dest, started, True, waited)
