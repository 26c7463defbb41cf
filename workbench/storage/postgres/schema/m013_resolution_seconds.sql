-- Migration 13: the resolution seconds of closed attendances per UTC day of opening, kept by this step's
-- own triggers (in the writer's own transaction, never stale), through dash_add_m013.
--   dash_resolution_daily: per UTC day of OPENING (utc_hour / 24) x origin x title x type x operator x
--                          queue, the resolution time in seconds of each closed attendance, unordered
--                          (the shared SQL's (epoch(closed_at) - epoch(created_at))::INTEGER)
-- The values are kept, not binned: the dashboard's median and 90th percentile of a period stay exact.
-- A month is read as ~2k groups (title x type x operator x queue) of concatenated days
-- (dash_concat) instead of sorting ~440k attendances per grouping set;
-- workbench.storage.postgres.resolution picks the ranks. With the operator in the key, two operators
-- finishing at once touch different rows. Idempotent and valid on PostgreSQL 13, like steps 9 and 11.
CREATE TABLE IF NOT EXISTS dash_resolution_daily (
    utc_day     BIGINT NOT NULL,
    origin_code VARCHAR NOT NULL,
    title_code  VARCHAR NOT NULL,
    type_code   VARCHAR NOT NULL,
    operator_id INTEGER NOT NULL,
    queue_code  VARCHAR,
    seconds     INTEGER[] NOT NULL
);
-- one row per key, no queue counting as one value
CREATE UNIQUE INDEX IF NOT EXISTS dash_resolution_daily_key ON dash_resolution_daily
    (utc_day, origin_code, title_code, type_code, operator_id, (coalesce(queue_code, '')));

-- the arrays of a group's rows one after the other
CREATE OR REPLACE AGGREGATE dash_concat(INTEGER[]) (SFUNC = array_cat, STYPE = INTEGER[], INITCOND = '{}');

-- One attendance's contribution: its seconds added (sign +1) or one occurrence of them removed (-1),
-- the row dropped when it holds none. Open attendances contribute nothing.
CREATE OR REPLACE FUNCTION dash_add_m013(r attendances, sign INTEGER) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d BIGINT := date_part('epoch', r.created_at)::BIGINT / 3600 / 24;
    s INTEGER;
BEGIN
    IF r.closed_at IS NULL OR NOT EXISTS (SELECT 1 FROM statuses WHERE code = r.status_code AND NOT is_open) THEN
        RETURN;
    END IF;
    s := (date_part('epoch', r.closed_at) - date_part('epoch', r.created_at))::INTEGER;
    IF sign > 0 THEN
        INSERT INTO dash_resolution_daily AS t
        VALUES (d, r.origin_code, r.title_code, r.type_code, r.operator_id, r.queue_code, ARRAY[s])
        ON CONFLICT (utc_day, origin_code, title_code, type_code, operator_id, (coalesce(queue_code, '')))
        DO UPDATE SET seconds = t.seconds || s;
        RETURN;
    END IF;
    UPDATE dash_resolution_daily t
    SET seconds = t.seconds[:array_position(t.seconds, s) - 1] || t.seconds[array_position(t.seconds, s) + 1:]
    WHERE t.utc_day = d AND t.origin_code = r.origin_code AND t.title_code = r.title_code
      AND t.type_code = r.type_code AND t.operator_id = r.operator_id
      AND coalesce(t.queue_code, '') = coalesce(r.queue_code, '') AND s = ANY (t.seconds);
    DELETE FROM dash_resolution_daily t
    WHERE t.utc_day = d AND t.origin_code = r.origin_code AND t.title_code = r.title_code
      AND t.type_code = r.type_code AND t.operator_id = r.operator_id
      AND coalesce(t.queue_code, '') = coalesce(r.queue_code, '') AND cardinality(t.seconds) = 0;
END $$;

-- This step's own triggers, beside steps 9 and 11's: they run only when what the summary holds changes
-- (the queue too, which steps 9 and 11 do not summarise), in the writer's own transaction.
CREATE OR REPLACE FUNCTION dash_resolution_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM dash_add_m013(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM dash_add_m013(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS dash_resolution_ins_del ON attendances;
CREATE TRIGGER dash_resolution_ins_del AFTER INSERT OR DELETE ON attendances
    FOR EACH ROW EXECUTE FUNCTION dash_resolution_changed();
DROP TRIGGER IF EXISTS dash_resolution_upd ON attendances;
CREATE TRIGGER dash_resolution_upd AFTER UPDATE ON attendances
    FOR EACH ROW WHEN ((OLD.created_at, OLD.closed_at, OLD.status_code, OLD.origin_code, OLD.title_code,
                        OLD.type_code, OLD.operator_id, OLD.queue_code)
                       IS DISTINCT FROM
                       (NEW.created_at, NEW.closed_at, NEW.status_code, NEW.origin_code, NEW.title_code,
                        NEW.type_code, NEW.operator_id, NEW.queue_code))
    EXECUTE FUNCTION dash_resolution_changed();

CREATE OR REPLACE FUNCTION dash_resolution_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE dash_resolution_daily;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS dash_resolution_truncate ON attendances;
CREATE TRIGGER dash_resolution_truncate AFTER TRUNCATE ON attendances
    FOR EACH STATEMENT EXECUTE FUNCTION dash_resolution_truncated();

-- (Re)build this step's table from the attendances; workbench.storage.postgres.summaries runs it after
-- steps 9 and 11's rebuilds.
CREATE OR REPLACE FUNCTION dash_rebuild_m013() RETURNS void LANGUAGE sql AS $$
    TRUNCATE dash_resolution_daily;
    INSERT INTO dash_resolution_daily
    SELECT date_part('epoch', a.created_at)::BIGINT / 3600 / 24, a.origin_code, a.title_code, a.type_code,
           a.operator_id, a.queue_code,
           array_agg((date_part('epoch', a.closed_at) - date_part('epoch', a.created_at))::INTEGER)
    FROM attendances a JOIN statuses st ON st.code = a.status_code AND NOT st.is_open
    WHERE a.closed_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6;
$$;

SELECT dash_rebuild_m013();
ANALYZE dash_resolution_daily;
