"""``workbench status`` on PostgreSQL, and the file commands that do not apply there.

A PostgreSQL desk is backed up and restored with the server's own tools
(``pg_dump`` / ``pg_restore``, or the server's continuous archiving), which
keep the protocol counters, the sequences and every table consistent; the
README section "Many operators, many machines" says how.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable

from workbench.errors import StoreError
from workbench.storage.backup import RestoreReport
from workbench.storage.status import StatusMixin

NOT_A_FILE = ("{command} trabalha com o arquivo DuckDB; o banco {where} é PostgreSQL: use as ferramentas do "
              "servidor (pg_dump -Fc para o backup, pg_restore para restaurar; veja o README, seção "
              "\"Many operators, many machines\"). Para uma cópia DuckDB de análise use `workbench snapshot ARQUIVO`.")


class PgStatusMixin(StatusMixin):
    def database_size(self) -> int:
        """Bytes the database takes on the server (tables, indexes, TOAST)."""
        with self._read() as con:
            return int(self._scalar(con, "SELECT pg_database_size(current_database())"))


    def server_activity(self) -> dict:
        """The server's version and how many workbench connections (every server's pools) it has now."""
        with self._read() as con:
            version, connections = self._one(con, """
                SELECT current_setting('server_version'), count(*) FILTER (WHERE application_name = 'workbench')
                FROM pg_stat_activity WHERE datname = current_database()""")
        return {"version": version, "connections": int(connections)}


class PgFileCommandsMixin:
    """``backup`` / ``restore`` of a DuckDB file: refused with the PostgreSQL way to do it."""

    def backup(self, folder: Path | str, *, at: datetime | None = None) -> Path:
        raise StoreError(NOT_A_FILE.format(command="`workbench backup`", where=self.path))

    def restore_from(self, source: Path | str, *, force: bool = False,
                     progress: Callable[[str], None] | None = None) -> RestoreReport:
        raise StoreError(NOT_A_FILE.format(command="`workbench restore`", where=self.path))
