"""``workbench copy``: move a desk between backends, every table's rows counted at both ends.

DuckDB file → PostgreSQL database (``--to postgresql://…``): the target must be
empty of clients; its schema is created or upgraded first, then every table is
copied in one transaction (COPY) and the search index built
(:func:`workbench.storage.postgres.duckcopy.to_postgres`). PostgreSQL → DuckDB
(``--to FILE``): a new file from one REPEATABLE READ transaction
(:func:`~workbench.storage.postgres.duckcopy.to_duckdb`). Protocol counters are
copied as they are, so the next protocol of the day continues the sequence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from workbench.errors import StoreError
from workbench.storage.store import is_url, open_store, shown

Progress = Callable[[str, int, int], None]


def copy_desk(source, target: str | Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Copy the desk of the store ``source`` to ``target`` (a URL or a new DuckDB file); rows per table."""
    from workbench.storage.postgres import duckcopy

    text = str(target)
    if source.backend == "duckdb" and is_url(text):
        dest = open_store(text)
        dest.ensure_schema(create=True)
        if dest.schema_version() != source.schema_version():
            raise StoreError(f"O banco {shown(text)} está na versão {dest.schema_version()} do esquema e o arquivo "
                             f"{source.path} na {source.schema_version()}: atualize o workbench dos dois lados.")
        return duckcopy.to_postgres(Path(source.path), dest, progress=progress)
    if source.backend == "postgres" and not is_url(text):
        path = Path(text).expanduser()
        if path.exists():
            raise StoreError(f"O arquivo {path} já existe: a cópia vai para um arquivo novo.")
        if not path.parent.is_dir():
            raise StoreError(f"A pasta {path.parent} não existe.")
        try:
            return duckcopy.to_duckdb(source, path, progress=progress)
        except BaseException:
            for leftover in (path, Path(f"{path}.wal")):
                if leftover.exists():
                    leftover.unlink()
            raise
    if source.backend == "duckdb":
        raise StoreError("De um arquivo DuckDB para outro use `workbench backup` (uma cópia verificada).")
    raise StoreError("De um PostgreSQL para outro use as ferramentas do servidor (pg_dump | pg_restore).")
