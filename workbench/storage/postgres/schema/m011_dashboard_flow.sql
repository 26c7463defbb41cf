-- Migration 11: more dashboard summaries, kept by the same trigger as migration 9 (in the writer's own
-- transaction, never stale), through this step's own function dash_add_m011 beside step 9's dash_add.
--   dash_titles_daily, dash_ops_daily: the hourly summaries of step 9 per UTC day (utc_hour / 24), so a
--                       month is read as ~30 days of rows plus the hours of its two partial days
-- Over CLOSED attendances only (a closed status and a closed_at):
--   dash_sla_hourly:    per UTC hour of OPENING x origin x title x type: closed, closed by the type's
--                       due_at (sla_met), closed within Anatel's 7 days (complaints) or 10 (anatel_met)
--   dash_closed_hourly: per UTC hour of CLOSING x origin x title x type: closures
-- (not per operator: that would make about one row per attendance; an operator filter reads the detail)
-- workbench.storage.postgres.dashboard and dashboard_flow read whole days and hours from them and the
-- detail for the edges.
-- The day counts (7, 10) are workbench.storage.dashboard_sql's COMPLAINT_DAYS and DEMAND_DAYS; the
-- tests compare every figure with the shared SQL. Idempotent and valid on PostgreSQL 13, like step 9.
CREATE TABLE IF NOT EXISTS dash_titles_daily (
    utc_day     BIGINT NOT NULL,
    origin_code VARCHAR NOT NULL,
    title_code  VARCHAR NOT NULL,
    type_code   VARCHAR NOT NULL,
    status_code VARCHAR NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (utc_day, origin_code, title_code, type_code, status_code)
);

CREATE TABLE IF NOT EXISTS dash_ops_daily (
    utc_day        BIGINT NOT NULL,
    origin_code    VARCHAR NOT NULL,
    operator_id    INTEGER NOT NULL,
    script_code    VARCHAR,
    script_outcome VARCHAR,
    n              BIGINT NOT NULL,
    resolved       BIGINT NOT NULL,
    os             BIGINT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS dash_ops_daily_key ON dash_ops_daily
    (utc_day, origin_code, operator_id, (coalesce(script_code, '')), (coalesce(script_outcome, '')));

CREATE TABLE IF NOT EXISTS dash_sla_hourly (
    utc_hour    BIGINT NOT NULL,
    origin_code VARCHAR NOT NULL,
    title_code  VARCHAR NOT NULL,
    type_code   VARCHAR NOT NULL,
    closed      BIGINT NOT NULL,
    sla_met     BIGINT NOT NULL,
    anatel_met  BIGINT NOT NULL,
    PRIMARY KEY (utc_hour, origin_code, title_code, type_code)
);

CREATE TABLE IF NOT EXISTS dash_closed_hourly (
    utc_hour    BIGINT NOT NULL,
    origin_code VARCHAR NOT NULL,
    title_code  VARCHAR NOT NULL,
    type_code   VARCHAR NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (utc_hour, origin_code, title_code, type_code)
);

-- A period's attendances read from the opening-time index alone (an index-only scan: no visit to the
-- wide rows) for what the dashboard's detail reads of them: status, closing, deadline and dimensions.
DROP INDEX IF EXISTS attendances_created;
CREATE INDEX attendances_created ON attendances (created_at)
    INCLUDE (status_code, closed_at, due_at, origin_code, title_code, type_code, operator_id, queue_code, client_id);

-- abandoned protocols of a period, and work orders created in it (the others are the open ones, indexed)
CREATE INDEX IF NOT EXISTS protocol_log_abandoned ON protocol_log (issued_at) WHERE outcome = 'abandonado';
CREATE INDEX IF NOT EXISTS service_orders_created ON service_orders (created_at);

-- reopenings (a status event from a closed status to an open one) by protocol, read without the heap
CREATE INDEX IF NOT EXISTS attendance_events_status ON attendance_events (protocol)
    INCLUDE (from_status, to_status) WHERE kind = 'status';

-- One attendance's contribution (sign +1 or -1) to this step's tables (step 9's dash_add does its own).
CREATE OR REPLACE FUNCTION dash_add_m011(r attendances, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    h BIGINT := date_part('epoch', r.created_at)::BIGINT / 3600;
    allowed DOUBLE PRECISION;
BEGIN
    INSERT INTO dash_titles_daily AS t VALUES (h / 24, r.origin_code, r.title_code, r.type_code, r.status_code, sign)
    ON CONFLICT (utc_day, origin_code, title_code, type_code, status_code) DO UPDATE SET n = t.n + sign;
    INSERT INTO dash_ops_daily AS t
    VALUES (h / 24, r.origin_code, r.operator_id, r.script_code, r.script_outcome, sign,
            CASE WHEN r.resolved THEN sign ELSE 0 END, CASE WHEN r.os_requested THEN sign ELSE 0 END)
    ON CONFLICT (utc_day, origin_code, operator_id, (coalesce(script_code, '')), (coalesce(script_outcome, '')))
    DO UPDATE SET n = t.n + sign, resolved = t.resolved + excluded.resolved, os = t.os + excluded.os;
    IF r.closed_at IS NULL OR NOT EXISTS (SELECT 1 FROM statuses WHERE code = r.status_code AND NOT is_open) THEN
        RETURN;
    END IF;
    allowed := CASE WHEN coalesce((SELECT is_complaint FROM attendance_types WHERE code = r.type_code), false)
                    THEN 7 * 86400 ELSE 10 * 86400 END;
    INSERT INTO dash_sla_hourly AS t
    VALUES (h, r.origin_code, r.title_code, r.type_code, sign,
            CASE WHEN r.closed_at <= r.due_at THEN sign ELSE 0 END,
            CASE WHEN date_part('epoch', r.closed_at) - date_part('epoch', r.created_at) <= allowed
                 THEN sign ELSE 0 END)
    ON CONFLICT (utc_hour, origin_code, title_code, type_code)
    DO UPDATE SET closed = t.closed + sign, sla_met = t.sla_met + excluded.sla_met,
                  anatel_met = t.anatel_met + excluded.anatel_met;
    INSERT INTO dash_closed_hourly AS t
    VALUES (date_part('epoch', r.closed_at)::BIGINT / 3600, r.origin_code, r.title_code, r.type_code, sign)
    ON CONFLICT (utc_hour, origin_code, title_code, type_code) DO UPDATE SET n = t.n + sign;
END $$;

CREATE OR REPLACE FUNCTION dash_attendances_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM dash_add(OLD, -1);
        PERFORM dash_add_m011(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM dash_add(NEW, 1);
        PERFORM dash_add_m011(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

-- updates that leave every summarised column alone (most of them) cost only this comparison
DROP TRIGGER IF EXISTS dash_attendances_upd ON attendances;
CREATE TRIGGER dash_attendances_upd AFTER UPDATE ON attendances
    FOR EACH ROW WHEN ((OLD.created_at, OLD.origin_code, OLD.title_code, OLD.type_code, OLD.status_code,
                        OLD.operator_id, OLD.script_code, OLD.script_outcome, OLD.resolved, OLD.os_requested,
                        OLD.closed_at, OLD.due_at)
                       IS DISTINCT FROM
                       (NEW.created_at, NEW.origin_code, NEW.title_code, NEW.type_code, NEW.status_code,
                        NEW.operator_id, NEW.script_code, NEW.script_outcome, NEW.resolved, NEW.os_requested,
                        NEW.closed_at, NEW.due_at))
    EXECUTE FUNCTION dash_attendances_changed();

CREATE OR REPLACE FUNCTION dash_attendances_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE dash_titles_hourly, dash_ops_hourly, dash_titles_daily, dash_ops_daily, dash_sla_hourly,
             dash_closed_hourly;
    RETURN NULL;
END $$;

-- (Re)build this step's tables: the daily twins from step 9's hourly summaries (dash_rebuild() first),
-- the closed attendances' from the attendances. workbench.storage.postgres.summaries runs both.
CREATE OR REPLACE FUNCTION dash_rebuild_m011() RETURNS void LANGUAGE sql AS $$
    TRUNCATE dash_titles_daily, dash_ops_daily, dash_sla_hourly, dash_closed_hourly;
    INSERT INTO dash_titles_daily
    SELECT utc_hour / 24, origin_code, title_code, type_code, status_code, sum(n)
    FROM dash_titles_hourly GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO dash_ops_daily
    SELECT utc_hour / 24, origin_code, operator_id, script_code, script_outcome, sum(n), sum(resolved), sum(os)
    FROM dash_ops_hourly GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO dash_sla_hourly
    SELECT date_part('epoch', a.created_at)::BIGINT / 3600, a.origin_code, a.title_code, a.type_code,
           count(*), count(*) FILTER (WHERE a.closed_at <= a.due_at),
           count(*) FILTER (WHERE date_part('epoch', a.closed_at) - date_part('epoch', a.created_at)
                                  <= CASE WHEN coalesce(ty.is_complaint, false) THEN 7 * 86400 ELSE 10 * 86400 END)
    FROM attendances a JOIN statuses st ON st.code = a.status_code AND NOT st.is_open
    LEFT JOIN attendance_types ty ON ty.code = a.type_code
    WHERE a.closed_at IS NOT NULL GROUP BY 1, 2, 3, 4;
    INSERT INTO dash_closed_hourly
    SELECT date_part('epoch', a.closed_at)::BIGINT / 3600, a.origin_code, a.title_code, a.type_code, count(*)
    FROM attendances a JOIN statuses st ON st.code = a.status_code AND NOT st.is_open
    WHERE a.closed_at IS NOT NULL GROUP BY 1, 2, 3, 4;
$$;

SELECT dash_rebuild_m011();
ANALYZE dash_titles_daily;
ANALYZE dash_ops_daily;
ANALYZE dash_sla_hourly;
ANALYZE dash_closed_hourly;
