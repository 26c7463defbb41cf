-- Migration 3 on PostgreSQL: an operator's per-client list and the client record.
CREATE INDEX attendances_client ON attendances (client_id, created_at);
