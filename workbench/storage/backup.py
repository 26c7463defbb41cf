"""Backup and restore of the whole database file.

Backup: a short exclusive unit of work checkpoints the database (the WAL is
folded into the file) and copies the file's bytes while it holds the lock, so
the copy is one consistent snapshot and other processes wait only for the
copy itself (about a second for a 1M-client desk; their lock retry covers it).
It is written under a temporary name, checked and then renamed to
``workbench-YYYYMMDD-HHMMSS.duckdb`` in the target folder.

Restore: checks the file is a workbench database (has ``schema_migrations``
and the ``clients`` table, not newer than this program), copies it beside the
target under a temporary name and renames it over the target (atomic on one
file system). An existing target is replaced only with ``force``, and never
while another process holds it open.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import datetime
from pathlib import Path

import duckdb

from workbench import settings
from workbench.errors import BusyError, StoreError
from workbench.storage import gate, migrations
from workbench.storage.base import StoreBase
from workbench.storage.connection import connect

_REQUIRED_TABLES = ("schema_migrations", "clients", "attendances", "protocol_log")


def _cleanup(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal")):
        if p.exists():
            p.unlink()


def check_backup_file(path: Path) -> int:
    """Schema version of the workbench database at ``path``; StoreError if it is not one."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"O arquivo de backup {path} não existe.")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"O arquivo {path} não é um banco de dados DuckDB válido ({exc}).") from exc
    try:
        names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        missing = [t for t in _REQUIRED_TABLES if t not in names]
        if missing:
            raise StoreError(f"O arquivo {path} não é um backup do workbench (faltam as tabelas {', '.join(missing)}).")
        version = migrations.current_version(con)
    finally:
        con.close()
    if version > migrations.LATEST:
        raise StoreError(f"O backup {path} é de uma versão mais nova do workbench (esquema v{version}).")
    return version


def find_backup(source: Path) -> Path:
    """``source`` itself if it is a file, else the newest ``workbench-*.duckdb`` in that folder."""
    source = Path(source)
    if source.is_dir():
        found = sorted(source.glob("workbench-*.duckdb"), key=lambda p: (p.stat().st_mtime, p.name))
        if not found:
            raise StoreError(f"Nenhum backup (workbench-*.duckdb) encontrado em {source}.")
        return found[-1]
    return source


class BackupMixin(StoreBase):
    def backup(self, folder: Path | str, *, at: datetime | None = None) -> Path:
        """Copy the database into a new file in ``folder``; returns its path."""
        folder = Path(folder)
        if not folder.is_dir():
            raise StoreError(f"A pasta de backup {folder} não existe.")
        stamp = (at or datetime.now()).strftime("%Y%m%d-%H%M%S")
        final = folder / f"workbench-{stamp}.duckdb"
        n = 1
        while final.exists():
            n += 1
            final = folder / f"workbench-{stamp}-{n}.duckdb"
        tmp = folder / f".{final.name}.partial"
        _cleanup(tmp)
        try:
            if not self.path.exists():
                raise StoreError(f"O banco de dados {self.path} não existe.")
            deadline = time.monotonic() + float(settings.get("lock_timeout"))
            with gate.passage(self.path, write=True, deadline=deadline):
                con = connect(self.path, read_only=False)
                try:
                    con.execute("CHECKPOINT")
                    shutil.copyfile(self.path, tmp)
                finally:
                    con.close()
            check_backup_file(tmp)
            os.replace(tmp, final)
        except BaseException:
            _cleanup(tmp)
            raise
        return final

    def restore_from(self, source: Path | str, *, force: bool = False) -> Path:
        """Replace this database file with the backup ``source`` (file or folder: newest backup)."""
        backup = find_backup(Path(source))
        check_backup_file(backup)
        target = self.path
        if target.exists():
            if not force:
                raise StoreError(f"O banco de dados {target} já existe; use --force para substituí-lo pelo backup.")
            try:   # nobody may hold it: a writer lock held briefly proves it is free
                connect(target, read_only=False, timeout=2).close()
            except BusyError:
                raise StoreError(f"O banco de dados {target} está em uso; feche o workbench e tente novamente.") from None
        if not target.parent.is_dir():
            raise StoreError(f"A pasta {target.parent} do banco de dados não existe.")
        tmp = target.parent / f".{target.name}.restoring"
        _cleanup(tmp)
        try:
            shutil.copyfile(backup, tmp)
            check_backup_file(tmp)
            wal = Path(str(target) + ".wal")
            if wal.exists():
                wal.unlink()
            os.replace(tmp, target)
        except BaseException:
            _cleanup(tmp)
            raise
        return backup

