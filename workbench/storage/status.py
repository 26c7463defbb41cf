"""What ``workbench status`` reads: row counts and the size of the database."""

from __future__ import annotations

from pathlib import Path

from workbench.storage.base import StoreBase

# table -> what status calls it
COUNTED = {"clients": "clientes", "contracts": "contratos", "attendances": "atendimentos",
           "protocol_log": "protocolos", "operators": "operadores"}


class StatusMixin(StoreBase):
    def status_counts(self) -> dict[str, int]:
        """Rows of the main tables, in one read."""
        sql = "SELECT " + ", ".join(f"(SELECT count(*) FROM {table}) AS {table}" for table in COUNTED)
        with self._read() as con:
            row = self._one(con, sql)
        return dict(zip(COUNTED, row))

    def database_size(self) -> int:
        """Bytes on disk: the file and its write-ahead log."""
        return sum(p.stat().st_size for p in (self.path, Path(f"{self.path}.wal")) if p.exists())
