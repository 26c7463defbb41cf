"""What a backup holds: recorded beside it when it is taken, checked before a restore.

The manifest is a JSON file next to the backup (``workbench-…duckdb.json``):
the file's size and SHA-256, the schema version, and for every table its row
count and a checksum over all its columns (``sum(hash(row))``, which does not
depend on row order). Reading a table's checksum reads every block of every
column, and DuckDB checks each block's own checksum as it reads: so computing
the contents is also the full read that proves a file is whole. The hash
function belongs to DuckDB; checksums are compared only when the same DuckDB
version computed them (counts always are).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from workbench.errors import StoreError
from workbench.storage import migrations
from workbench.storage.connection import connect, translated

FORMAT = 1


@dataclass
class Contents:
    """Schema version and, per table, ``{"rows": n, "checksum": "…"}``."""

    schema_version: int
    tables: dict[str, dict] = field(default_factory=dict)
    duckdb_version: str = duckdb.__version__


def read_contents(path: Path) -> Contents:
    """Read every table of the database at ``path`` to the end (read-only).

    CorruptDatabaseError when a block is missing or damaged.
    """
    with translated(path):
        con = connect(path, read_only=True)
        try:
            names = [r[0] for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                "AND schema_name = 'main' ORDER BY table_name").fetchall()]
            tables = {}
            for name in names:
                quoted = '"' + name.replace('"', '""') + '"'
                rows, checksum = con.execute(
                    f"SELECT count(*), coalesce(sum(hash(t)), 0)::VARCHAR FROM {quoted} AS t").fetchall()[0]
                tables[name] = {"rows": int(rows), "checksum": checksum}
            return Contents(migrations.current_version(con), tables)
        finally:
            con.close()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb", buffering=0) as fh:
        while chunk := fh.read(4 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def write_manifest(backup: Path, contents: Contents, *, sha256: str, source: Path) -> Path:
    """Write the manifest of ``backup`` (atomically: a temporary name, then renamed)."""
    path = manifest_path(backup)
    data = {"format": FORMAT, "file": backup.name, "size": backup.stat().st_size, "sha256": sha256,
            "taken_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "source": str(source.absolute()),
            **asdict(contents)}
    tmp = path.with_name(f".{path.name}.partial")
    with translated(tmp):
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    return path


def load_manifest(backup: Path) -> dict | None:
    """The manifest of ``backup``, or None when it has none (backups of older versions)."""
    path = manifest_path(backup)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreError(f"O manifesto {path} do backup está ilegível ({exc}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("tables"), dict) or "sha256" not in data:
        raise StoreError(f"O manifesto {path} do backup está incompleto.")
    return data


def differences(manifest: dict, contents: Contents) -> list[str]:
    """What ``contents`` (read now) has that differs from ``manifest`` (recorded at backup time)."""
    problems = []
    if manifest.get("schema_version") != contents.schema_version:
        problems.append(f"esquema v{contents.schema_version}, o manifesto diz v{manifest.get('schema_version')}")
    same_hash = manifest.get("duckdb_version") == contents.duckdb_version
    recorded: dict = manifest["tables"]
    for name in sorted(set(recorded) | set(contents.tables)):
        want, got = recorded.get(name), contents.tables.get(name)
        if want is None or got is None:
            problems.append(f"tabela {name} {'a mais' if want is None else 'ausente'}")
        elif want.get("rows") != got["rows"]:
            problems.append(f"tabela {name}: {got['rows']} linhas, o manifesto diz {want.get('rows')}")
        elif same_hash and want.get("checksum") != got["checksum"]:
            problems.append(f"tabela {name}: conteúdo diferente do registrado")
    return problems
