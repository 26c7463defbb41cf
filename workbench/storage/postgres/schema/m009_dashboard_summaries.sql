-- Migration 9: the dashboard's hourly summaries of attendances, kept by a trigger in the writer's own
-- transaction (never stale). Per UTC hour of opening (epoch(created_at) // 3600):
--   dash_titles_hourly: origin x title x type x status  -> count    (Por título, volume per hour/origin)
--   dash_ops_hourly:    origin x operator x script x outcome -> count, resolved, O.S. (per operator/script)
-- workbench.storage.postgres.dashboard reads them for whole hours and the detail (created_at index)
-- for the partial hours at a period's edges. Idempotent (IF NOT EXISTS, OR REPLACE, a rebuild), so a desk
-- whose record of steps was rewound replays it; valid on PostgreSQL 13 (no UNIQUE NULLS NOT DISTINCT).
CREATE TABLE IF NOT EXISTS dash_titles_hourly (
    utc_hour    BIGINT NOT NULL,
    origin_code VARCHAR NOT NULL,
    title_code  VARCHAR NOT NULL,
    type_code   VARCHAR NOT NULL,
    status_code VARCHAR NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (utc_hour, origin_code, title_code, type_code, status_code)
);

CREATE TABLE IF NOT EXISTS dash_ops_hourly (
    utc_hour       BIGINT NOT NULL,
    origin_code    VARCHAR NOT NULL,
    operator_id    INTEGER NOT NULL,
    script_code    VARCHAR,
    script_outcome VARCHAR,
    n              BIGINT NOT NULL,
    resolved       BIGINT NOT NULL,
    os             BIGINT NOT NULL
);
-- one row per key, a missing script or outcome counting as one value
CREATE UNIQUE INDEX IF NOT EXISTS dash_ops_hourly_key ON dash_ops_hourly
    (utc_hour, origin_code, operator_id, (coalesce(script_code, '')), (coalesce(script_outcome, '')));

-- One attendance's contribution (sign +1 or -1) added to both summaries.
CREATE OR REPLACE FUNCTION dash_add(r attendances, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    h BIGINT := date_part('epoch', r.created_at)::BIGINT / 3600;
BEGIN
    INSERT INTO dash_titles_hourly AS t VALUES (h, r.origin_code, r.title_code, r.type_code, r.status_code, sign)
    ON CONFLICT (utc_hour, origin_code, title_code, type_code, status_code) DO UPDATE SET n = t.n + sign;
    INSERT INTO dash_ops_hourly AS t
    VALUES (h, r.origin_code, r.operator_id, r.script_code, r.script_outcome, sign,
            CASE WHEN r.resolved THEN sign ELSE 0 END, CASE WHEN r.os_requested THEN sign ELSE 0 END)
    ON CONFLICT (utc_hour, origin_code, operator_id, (coalesce(script_code, '')), (coalesce(script_outcome, '')))
    DO UPDATE SET n = t.n + sign, resolved = t.resolved + excluded.resolved, os = t.os + excluded.os;
END $$;

CREATE OR REPLACE FUNCTION dash_attendances_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM dash_add(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM dash_add(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS dash_attendances_ins_del ON attendances;
CREATE TRIGGER dash_attendances_ins_del AFTER INSERT OR DELETE ON attendances
    FOR EACH ROW EXECUTE FUNCTION dash_attendances_changed();
-- updates that leave every summarised column alone (most of them) cost only this comparison
DROP TRIGGER IF EXISTS dash_attendances_upd ON attendances;
CREATE TRIGGER dash_attendances_upd AFTER UPDATE ON attendances
    FOR EACH ROW WHEN ((OLD.created_at, OLD.origin_code, OLD.title_code, OLD.type_code, OLD.status_code,
                        OLD.operator_id, OLD.script_code, OLD.script_outcome, OLD.resolved, OLD.os_requested)
                       IS DISTINCT FROM
                       (NEW.created_at, NEW.origin_code, NEW.title_code, NEW.type_code, NEW.status_code,
                        NEW.operator_id, NEW.script_code, NEW.script_outcome, NEW.resolved, NEW.os_requested))
    EXECUTE FUNCTION dash_attendances_changed();

-- TRUNCATE attendances empties the summaries too
CREATE OR REPLACE FUNCTION dash_attendances_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE dash_titles_hourly, dash_ops_hourly;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS dash_attendances_truncate ON attendances;
CREATE TRIGGER dash_attendances_truncate AFTER TRUNCATE ON attendances
    FOR EACH STATEMENT EXECUTE FUNCTION dash_attendances_truncated();

-- (Re)build both summaries from the attendances (backfill, and after bulk loads with the triggers off).
CREATE OR REPLACE FUNCTION dash_rebuild() RETURNS void LANGUAGE sql AS $$
    TRUNCATE dash_titles_hourly, dash_ops_hourly;
    INSERT INTO dash_titles_hourly
    SELECT date_part('epoch', created_at)::BIGINT / 3600, origin_code, title_code, type_code, status_code,
           count(*)
    FROM attendances GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO dash_ops_hourly
    SELECT date_part('epoch', created_at)::BIGINT / 3600, origin_code, operator_id, script_code,
           script_outcome, count(*), count(*) FILTER (WHERE resolved), count(*) FILTER (WHERE os_requested)
    FROM attendances GROUP BY 1, 2, 3, 4, 5;
$$;

SELECT dash_rebuild();
ANALYZE dash_titles_hourly;
ANALYZE dash_ops_hourly;
