"""Backup and restore of the whole database file.

Backup: a consistent copy (:mod:`workbench.storage.filecopy`: writers wait
only for a checkpoint and the chunks that changed) into a locked
``.workbench-….partial`` file, read back to the end (every table, every
column: :mod:`workbench.storage.manifest`), renamed to
``workbench-YYYYMMDD-HHMMSS.duckdb`` and described by a manifest beside it.
Partial files left by killed backups are removed by the next one.

Restore, with every other process kept out (:func:`presence.exclusive`: it
refuses while a server, a page, a notebook or a command is registered) and
the gate held across the copy, the check and the swap:

1. the backup is copied beside the database (its SHA-256 computed on the way)
   and the copy is verified before anything else is touched: the hash and
   size against the manifest, every table read to the end and compared with
   the manifest's counts and checksums, the schema version; a backup without
   a manifest (older versions) still gets the full read;
2. protocol numbers never go backwards (Anatel RGC art. 9): the replaced
   database's protocol-log rows issued after the backup are carried into the
   copy, and each day's counter becomes the greatest of both;
3. the replaced database (and its WAL) is kept beside, as
   ``<name>.replaced-YYYYMMDD-HHMMSS.duckdb``; the copy is renamed into place
   (atomic) and checked there, and the old file is put back if that fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

import duckdb

from workbench import settings
from workbench.errors import CorruptDatabaseError, StoreError
from workbench.storage import gate, migrations, presence
from workbench.storage.base import StoreBase
from workbench.storage.connection import connect, corrupt_message, is_lock_error, translated
from workbench.storage.filecopy import copy_consistent, partial_file, remove_stale_partials
from workbench.storage.manifest import (Contents, differences, load_manifest, read_contents, sha256_file,
                                        write_manifest)

_REQUIRED_TABLES = ("schema_migrations", "clients", "attendances", "protocol_log")
BACKUP_GLOB = "workbench-*.duckdb"
STALE_MANIFEST_SECONDS = 600


@dataclass
class RestoreReport:
    """What a restore did, for the command line to tell."""

    backup: Path
    replaced: Path | None = None           # where the replaced database was kept
    had_manifest: bool = True
    protocol_high: str | None = None       # greatest protocol number ever issued, kept as the counter
    carried: int = 0                       # protocol-log rows issued after the backup, carried over
    carried_registered: int = 0            # ...of which had an attendance (not in the backup)
    warnings: list[str] = field(default_factory=list)


def _cleanup(path: Path) -> None:
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)


def _check_workbench(contents: Contents, path: Path, what: str) -> None:
    missing = [t for t in _REQUIRED_TABLES if t not in contents.tables]
    if missing:
        raise StoreError(f"O arquivo {path} não é {what} do workbench (faltam as tabelas {', '.join(missing)}).")
    if contents.schema_version > migrations.LATEST:
        raise StoreError(f"O backup {path} é de uma versão mais nova do workbench (esquema v{contents.schema_version}).")


def check_backup_file(path: Path) -> int:
    """Read the backup at ``path`` to the end; its schema version, or StoreError if it is not a whole one."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"O arquivo de backup {path} não existe.")
    try:
        contents = read_contents(path)
    except CorruptDatabaseError:
        raise StoreError(f"O backup {path} está danificado ou não é um banco de dados DuckDB: "
                         "não foi possível lê-lo por inteiro.") from None
    _check_workbench(contents, path, "um backup")
    return contents.schema_version


def find_backup(source: Path) -> Path:
    """``source`` itself if it is a file, else the newest ``workbench-*.duckdb`` in that folder."""
    source = Path(source)
    if source.is_dir():
        found = sorted(source.glob(BACKUP_GLOB), key=lambda p: (p.stat().st_mtime, p.name))
        if not found:
            raise StoreError(f"Nenhum backup (workbench-*.duckdb) encontrado em {source}.")
        return found[-1]
    if not source.is_file():
        raise StoreError(f"O arquivo de backup {source} não existe.")
    return source


def _remove_leftovers(folder: Path) -> None:
    """Partial files of killed backups: the copies (unlocked ones) and old unfinished manifests."""
    remove_stale_partials(folder, ".workbench-*.duckdb.partial")
    for path in folder.glob(".workbench-*.json.partial"):
        try:
            if time.time() - path.stat().st_mtime > STALE_MANIFEST_SECONDS:
                path.unlink()
        except FileNotFoundError:
            pass


def _copy_hashing(source: Path, dest: Path) -> str:
    digest = hashlib.sha256()
    with translated(dest), open(source, "rb", buffering=0) as src, open(dest, "wb", buffering=0) as dst:
        while chunk := src.read(4 << 20):
            digest.update(chunk)
            dst.write(chunk)
        os.fsync(dst.fileno())
    return digest.hexdigest()


def _verify_candidate(backup: Path, copy: Path, sha256: str, manifest: dict | None) -> Contents:
    """The contents of ``copy`` (the bytes of ``backup``), or StoreError saying why it cannot be restored."""
    refused = "Nada foi restaurado; o banco de dados atual não foi alterado."
    if manifest is not None and (manifest["sha256"] != sha256 or manifest.get("size") != copy.stat().st_size):
        raise StoreError(f"O backup {backup} não confere com o seu manifesto (tamanho ou SHA-256 diferentes): "
                         f"o arquivo foi truncado ou alterado depois de gravado. {refused}")
    try:
        contents = read_contents(copy)
    except CorruptDatabaseError:
        raise StoreError(f"O backup {backup} está danificado ou não é um banco de dados DuckDB: não foi possível "
                         f"lê-lo por inteiro. {refused}") from None
    _check_workbench(contents, backup, "um backup")
    if manifest is not None:
        problems = differences(manifest, contents)
        if problems:
            raise StoreError(f"O backup {backup} não confere com o seu manifesto ({'; '.join(problems[:3])}). "
                             f"{refused}")
    return contents


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _carry_protocols(target: Path, copy: Path, backup: Path, report: RestoreReport) -> None:
    """Carry the replaced database's protocols into ``copy``: log rows it lacks, and the counters."""
    con = connect(copy, read_only=False)
    try:
        try:
            con.execute(f"ATTACH {_quote(target)} AS replaced (READ_ONLY)")
        except duckdb.Error as exc:
            if is_lock_error(exc):
                raise StoreError(f"O banco de dados {target} está aberto por outro programa; "
                                 "feche-o e tente novamente.") from None
            report.warnings.append(f"O banco de dados substituído não pôde ser lido ({str(exc).splitlines()[0]}): "
                                   "os protocolos emitidos depois do backup não foram conferidos.")
            return
        columns = ", ".join(r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'replaced' "
            "AND table_name = 'protocol_log' INTERSECT SELECT column_name FROM information_schema.columns "
            "WHERE table_catalog = current_database() AND table_name = 'protocol_log'").fetchall())
        con.execute("CREATE TEMP TABLE carried_counter AS SELECT day, last_seq FROM protocol_counter LIMIT 0")
        con.execute(f"CREATE TEMP TABLE carried_log AS SELECT {columns} FROM protocol_log LIMIT 0")
        # read each part on its own: a damaged replaced database may still give one of them
        for what, sql in (
            ("o contador de protocolos",
             "INSERT INTO carried_counter SELECT day, last_seq FROM replaced.protocol_counter"),
            ("o log de protocolos",
             f"INSERT INTO carried_log SELECT {columns} FROM replaced.protocol_log r "
             "WHERE NOT EXISTS (SELECT 1 FROM protocol_log p WHERE p.protocol = r.protocol)"),
        ):
            try:
                con.execute(sql)
            except duckdb.Error as exc:
                report.warnings.append(f"Não foi possível ler {what} do banco de dados substituído "
                                       f"({str(exc).splitlines()[0]}).")
        con.execute("BEGIN TRANSACTION")
        report.carried, report.carried_registered = con.execute(
            "SELECT count(*), count(*) FILTER (outcome = 'registrado') FROM carried_log").fetchall()[0]
        con.execute(f"INSERT INTO protocol_log BY NAME SELECT {columns} FROM carried_log")
        # each day's counter: the greatest of both databases and of every number in the merged log
        con.execute("""
            INSERT INTO protocol_counter (day, last_seq)
            SELECT day, max(seq) FROM (
                SELECT day, last_seq AS seq FROM carried_counter
                UNION ALL
                SELECT try_strptime(left(protocol, 8), '%Y%m%d')::DATE, try_cast(substr(protocol, 9) AS INTEGER)
                FROM protocol_log WHERE length(protocol) = 14)
            WHERE day IS NOT NULL AND seq IS NOT NULL
            GROUP BY day
            ON CONFLICT (day) DO UPDATE SET last_seq = greatest(last_seq, excluded.last_seq)""")
        high = con.execute("SELECT day, last_seq FROM protocol_counter ORDER BY day DESC LIMIT 1").fetchall()
        report.protocol_high = f"{high[0][0]:%Y%m%d}{high[0][1]:06d}" if high else None
        con.execute("INSERT INTO audit_log (event_at, operator_id, action, entity, entity_id, details) "
                    "VALUES (current_timestamp, NULL, 'backup_restaurado', 'database', ?, ?)",
                    [backup.name, json.dumps({"protocolos_mantidos": report.carried, "maior_protocolo":
                                              report.protocol_high})])
        con.execute("COMMIT")
        con.execute("DETACH replaced")
    finally:
        con.close()


def _swap(target: Path, copy: Path) -> Path | None:
    """Keep the database at ``target`` (and its WAL) beside, and rename ``copy`` into its place."""
    replaced = None
    if target.exists():
        replaced = target.with_name(f"{target.stem}.replaced-{datetime.now():%Y%m%d-%H%M%S}{target.suffix}")
        try:
            os.link(target, replaced)          # target keeps existing until the rename below
        except OSError:
            os.replace(target, replaced)
        wal = Path(f"{target}.wal")
        if wal.exists():
            os.replace(wal, Path(f"{replaced}.wal"))
    os.replace(copy, target)
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return replaced


def _check_in_place(target: Path, expected: dict[str, int], replaced: Path | None) -> None:
    """Open the restored file where it now lives and count its tables; put the old one back if it fails."""
    try:
        con = connect(target, read_only=True)
        try:
            got = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in expected}
        finally:
            con.close()
        problem = None if got == expected else "contagens diferentes das verificadas"
    except (duckdb.Error, StoreError) as exc:
        problem = str(exc).splitlines()[0]
    if problem:
        if replaced is not None:
            os.replace(replaced, target)
            if Path(f"{replaced}.wal").exists():
                os.replace(Path(f"{replaced}.wal"), Path(f"{target}.wal"))
        raise StoreError(f"O banco de dados restaurado em {target} não pôde ser conferido ({problem}); "
                         "o banco de dados anterior foi mantido.")


class BackupMixin(StoreBase):
    def backup(self, folder: Path | str, *, at: datetime | None = None) -> Path:
        """Copy the database into a new, verified file in ``folder`` (with its manifest); returns its path."""
        folder = Path(folder)
        if not folder.is_dir():
            raise StoreError(f"A pasta de backup {folder} não existe.")
        if not self.path.exists():
            raise StoreError(f"O banco de dados {self.path} não existe.")
        _remove_leftovers(folder)
        stamp = (at or datetime.now()).strftime("%Y%m%d-%H%M%S")
        final = folder / f"workbench-{stamp}.duckdb"
        n = 1
        while final.exists():
            n += 1
            final = folder / f"workbench-{stamp}-{n}.duckdb"
        with partial_file(final) as part:
            copy_consistent(self.path, part)
            try:
                contents = read_contents(part)
            except CorruptDatabaseError:
                raise CorruptDatabaseError("Backup não gravado: a cópia não pôde ser lida por inteiro. "
                                           + corrupt_message(self.path)) from None
            _check_workbench(contents, self.path, "um banco de dados")
            sha = sha256_file(part)
            os.replace(part, final)
        write_manifest(final, contents, sha256=sha, source=self.path)
        return final

    def restore_from(self, source: Path | str, *, force: bool = False,
                     progress: Callable[[str], None] | None = None) -> RestoreReport:
        """Replace this database with the backup ``source`` (a file, or a folder: its newest backup).

        Refuses while any process is registered on the database, and refuses a
        backup that is not whole (see the module docstring); ``progress`` gets
        a line of text at each step.
        """
        say = progress or (lambda _text: None)
        backup = find_backup(Path(source))
        wal = Path(f"{backup}.wal")
        if wal.exists() and wal.stat().st_size:
            raise StoreError(f"O arquivo {backup} tem alterações ainda no WAL ({wal}), que uma cópia perderia: "
                             f"faça um backup dele (workbench --db {backup} backup <pasta>) e restaure esse backup.")
        target = self.path
        if target.exists() and not force:
            raise StoreError(f"O banco de dados {target} já existe; use --force para substituí-lo pelo backup.")
        if not target.parent.is_dir():
            raise StoreError(f"A pasta {target.parent} do banco de dados não existe.")
        report = RestoreReport(backup)
        copy = target.parent / f".{target.name}.restoring"
        with presence.exclusive(target):
            deadline = time.monotonic() + float(settings.get("lock_timeout"))
            with gate.passage(target, write=True, deadline=deadline):
                _cleanup(copy)
                try:
                    manifest = load_manifest(backup)
                    report.had_manifest = manifest is not None
                    say(f"Verificando o backup {backup} (leitura completa de todas as tabelas)...")
                    sha = _copy_hashing(backup, copy)
                    contents = _verify_candidate(backup, copy, sha, manifest)
                    if manifest is None:
                        report.warnings.append(f"O backup {backup} não tem manifesto (feito por uma versão "
                                               "anterior): foi verificado só pela leitura completa.")
                    if target.exists():
                        say("Conferindo os protocolos emitidos depois do backup...")
                        with translated(copy):
                            _carry_protocols(target, copy, backup, report)
                    expected = {t: v["rows"] for t, v in contents.tables.items()}
                    expected["protocol_log"] += report.carried
                    expected.pop("protocol_counter", None)
                    expected.pop("audit_log", None)
                    report.replaced = _swap(target, copy)
                    _check_in_place(target, expected, report.replaced)
                finally:
                    _cleanup(copy)
        return report
