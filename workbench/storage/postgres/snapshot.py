"""Snapshots of a PostgreSQL desk: a consistent DuckDB copy for heavy analysis.

The copy reads every table in one REPEATABLE READ transaction (PostgreSQL's
writers never wait for it) into a new DuckDB file, which the analyst opens with
the same API (``workbench.open(FILE)`` or ``wb.snapshot(FILE)``). As on
DuckDB, an existing copy at most ``max_age`` seconds old is kept, and a new one
replaces the old only once complete and verified.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from workbench.errors import StoreError
from workbench.storage.filecopy import partial_file
from workbench.storage.postgres import duckcopy
from workbench.storage.snapshot import REFRESH_WAIT, SnapshotInfo, _info, _taken_at


class PgSnapshotMixin:
    def write_snapshot(self, dest: Path | None = None, *, max_age: float) -> SnapshotInfo:
        """Make sure ``dest`` (a DuckDB file) holds a consistent copy at most ``max_age`` seconds old."""
        if dest is None:
            raise StoreError(f"O banco {self.path} é PostgreSQL: diga em qual arquivo gravar a cópia de análise "
                             "(`workbench snapshot ARQUIVO.duckdb` ou wb.snapshot(\"ARQUIVO.duckdb\")).")
        dest = Path(dest)
        if not dest.parent.is_dir():
            raise StoreError(f"A pasta {dest.parent} da cópia de análise não existe.")
        taken = _taken_at(dest)
        if taken is not None and time.time() - taken <= max_age:
            return _info(dest, taken, False)
        with partial_file(dest, wait=REFRESH_WAIT) as part:
            taken = _taken_at(dest)
            if taken is not None and time.time() - taken <= max_age:
                return _info(dest, taken, False)
            started = time.time()
            building = Path(f"{part}.building")       # the locked partial file stays the lock
            for leftover in (building, Path(f"{building}.wal")):
                if leftover.exists():
                    leftover.unlink()
            try:
                duckcopy.to_duckdb(self, building)
                os.utime(building, (started, started))
                os.replace(building, dest)
            finally:
                for leftover in (building, Path(f"{building}.wal")):
                    if leftover.exists():
                        leftover.unlink()
        return _info(dest, started, True, 0.0)
