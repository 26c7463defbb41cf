-- Migration 12 on PostgreSQL: the per-client index of attendances (step 3) also carries the title.
-- "Is this a repeat contact?" (an earlier attendance of the same client and title within 30 days,
-- dashboard_sql.REPEAT) is then one index-only probe per attendance of the period: the dashboard's
-- live part (yesterday and today) is a nested loop over a few thousand probes instead of a hash of
-- every attendance of the last month. The client's own list reads the same keys as before.
DROP INDEX IF EXISTS attendances_client_title;
CREATE INDEX attendances_client_title ON attendances (client_id, created_at) INCLUDE (title_code);
DROP INDEX IF EXISTS attendances_client;
ALTER INDEX attendances_client_title RENAME TO attendances_client;
