-- Migration 6 on PostgreSQL: after the DuckDB step's own function (workbench/storage/migrations.py,
-- _drafts: the drafts table, protocol_log.origin_code nullable), an operator's drafts by time (the
-- resume offer) and the stale sweep's "saved since" test.
CREATE INDEX drafts_operator ON drafts (operator_id, saved_at);
CREATE INDEX drafts_saved ON drafts (saved_at);
