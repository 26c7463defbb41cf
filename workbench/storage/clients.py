"""A client's record: data, contracts and attendance summary."""

from __future__ import annotations

from workbench.storage.base import StoreBase
from workbench.storage.results import ClientRecord


class ClientsMixin(StoreBase):
    def client_record(self, client_id: int) -> ClientRecord | None:
        """(data, contracts, attendance counts by status) or None when unknown."""
        with self._read() as con:
            rows = self._rows(con, "SELECT * FROM clients WHERE client_id = ?", [client_id])
            if not rows:
                return None
            contracts = self._frame(con, """
                SELECT ct.contract_id, p.name AS plan, r.name AS routing_point, ct.access_enabled,
                       CASE WHEN ct.access_enabled THEN 'Habilitado' ELSE 'Desabilitado' END AS access,
                       ct.status, ct.started_on
                FROM contracts ct
                JOIN plans p USING (plan_id)
                JOIN routing_points r USING (routing_point_id)
                WHERE ct.client_id = ?
                ORDER BY ct.status = 'Ativo' DESC, ct.started_on DESC""", [client_id])
            counts = self._frame(con, """
                SELECT s.label AS status, s.is_open, count(*) AS n, max(a.created_at) AS last_at
                FROM attendances a JOIN statuses s ON s.code = a.status_code
                WHERE a.client_id = ?
                GROUP BY s.label, s.is_open ORDER BY min(s.sort)""", [client_id])
        return ClientRecord(rows[0], contracts, counts)
