-- Migration 1 on PostgreSQL: the initial schema (the same tables as DuckDB's
-- workbench/storage/schema.sql), with the keys PostgreSQL keeps cheaply, and the
-- few functions that let the store's portable SQL run unchanged on both engines.

CREATE FUNCTION strip_accents(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT unaccent('unaccent'::regdictionary, $1) $$;

-- double precision, as DuckDB's epoch(); extract(epoch ...) returns numeric, which is slow.
-- STABLE as date_part(text, timestamptz) is: PostgreSQL inlines a SQL function only when it is
-- declared no less volatile than its body, and an IMMUTABLE wrapper ran as a function call per
-- row (2M rows: 3.4 s against 0.45 s inlined; most of the dashboard's time on PostgreSQL).
CREATE FUNCTION epoch(timestamptz) RETURNS double precision
    LANGUAGE sql STABLE PARALLEL SAFE STRICT
    AS $$ SELECT date_part('epoch', $1) $$;

CREATE FUNCTION contains(text, text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT strpos($1, $2) > 0 $$;

CREATE FUNCTION hour(timestamptz) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE STRICT
    AS $$ SELECT date_part('hour', $1)::integer $$;

-- DuckDB's integer division operator (bigint / bigint truncates, as DuckDB's // does; inlined,
-- where div() went through numeric for every row)
CREATE FUNCTION int_div(bigint, bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT $1 / $2 $$;
CREATE OPERATOR // (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = int_div);

-- DuckDB's arg_max(value, key) for text values keyed by integers (the last answer of a script)
CREATE TYPE arg_max_state AS (k integer, v text);
CREATE FUNCTION arg_max_step(s arg_max_state, v text, k integer) RETURNS arg_max_state
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN k IS NULL THEN s
                      WHEN s IS NULL OR (s).k IS NULL OR k > (s).k THEN ROW(k, v)::arg_max_state
                      ELSE s END $$;
CREATE FUNCTION arg_max_final(s arg_max_state) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (s).v $$;
CREATE AGGREGATE arg_max(text, integer) (SFUNC = arg_max_step, STYPE = arg_max_state, FINALFUNC = arg_max_final);

CREATE TABLE settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

CREATE TABLE operators (
    operator_id   INTEGER PRIMARY KEY,
    username      VARCHAR NOT NULL UNIQUE,
    name          VARCHAR NOT NULL,
    role          VARCHAR NOT NULL CHECK (role IN ('atendente', 'supervisor', 'admin')),
    password_hash VARCHAR NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE clients (
    client_id   INTEGER PRIMARY KEY,
    code        VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('PF', 'PJ')),
    name        VARCHAR NOT NULL,          -- nome (PF) or razão social (PJ)
    trade_name  VARCHAR,                   -- nome fantasia (PJ)
    document    VARCHAR NOT NULL,          -- CPF/CNPJ, digits only
    email       VARCHAR,
    phone       VARCHAR,                   -- digits only, with area code
    mobile      VARCHAR,
    street      VARCHAR,
    number      VARCHAR,
    district    VARCHAR,
    city        VARCHAR,
    state       VARCHAR,
    zip         VARCHAR,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE plans (
    plan_id       INTEGER PRIMARY KEY,
    name          VARCHAR NOT NULL,
    download_mbps INTEGER NOT NULL,
    upload_mbps   INTEGER NOT NULL,
    price         DECIMAL(10, 2) NOT NULL
);

CREATE TABLE routing_points (
    routing_point_id INTEGER PRIMARY KEY,
    name             VARCHAR NOT NULL,
    city             VARCHAR NOT NULL
);

CREATE TABLE contracts (
    contract_id      INTEGER PRIMARY KEY,
    client_id        INTEGER NOT NULL,
    plan_id          INTEGER NOT NULL,
    routing_point_id INTEGER NOT NULL,
    access_enabled   BOOLEAN NOT NULL,
    status           VARCHAR NOT NULL CHECK (status IN ('Ativo', 'Inativo', 'Cancelado')),
    started_on       DATE NOT NULL
);

CREATE TABLE origins (code VARCHAR PRIMARY KEY, label VARCHAR NOT NULL, sort INTEGER NOT NULL);

CREATE TABLE statuses (
    code    VARCHAR PRIMARY KEY,
    label   VARCHAR NOT NULL,
    is_open BOOLEAN NOT NULL,
    sort    INTEGER NOT NULL
);

CREATE TABLE attendance_types (
    code           VARCHAR PRIMARY KEY,
    label          VARCHAR NOT NULL,
    deadline_hours INTEGER NOT NULL,
    is_complaint   BOOLEAN NOT NULL,
    sort           INTEGER NOT NULL
);

CREATE TABLE scripts (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL);

CREATE TABLE script_versions (
    script_code VARCHAR NOT NULL,
    version     INTEGER NOT NULL,
    checksum    VARCHAR NOT NULL,
    definition  JSON NOT NULL,
    loaded_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (script_code, version)
);

CREATE TABLE titles (
    code        VARCHAR PRIMARY KEY,
    label       VARCHAR NOT NULL,
    script_code VARCHAR,
    type_code   VARCHAR,
    sort        INTEGER NOT NULL
);

CREATE TABLE protocol_counter (day DATE PRIMARY KEY, last_seq INTEGER NOT NULL);

CREATE TABLE protocol_log (
    protocol    VARCHAR PRIMARY KEY,
    issued_at   TIMESTAMPTZ NOT NULL,
    operator_id INTEGER NOT NULL,
    client_id   INTEGER NOT NULL,
    origin_code VARCHAR NOT NULL,
    outcome     VARCHAR NOT NULL CHECK (outcome IN ('aberto', 'registrado', 'abandonado')),
    outcome_at  TIMESTAMPTZ
);

CREATE TABLE attendances (
    protocol       VARCHAR PRIMARY KEY,
    client_id      INTEGER NOT NULL,
    contract_id    INTEGER NOT NULL,
    origin_code    VARCHAR NOT NULL,
    title_code     VARCHAR NOT NULL,
    type_code      VARCHAR NOT NULL,
    status_code    VARCHAR NOT NULL,
    person_name    VARCHAR NOT NULL,
    problem        VARCHAR NOT NULL,
    checks_done    VARCHAR NOT NULL,
    resolved       BOOLEAN NOT NULL,
    solution       VARCHAR,
    os_requested   BOOLEAN NOT NULL,
    script_code    VARCHAR,
    script_version INTEGER,
    script_outcome VARCHAR,               -- 'fim' (reached an end) or 'encerrado' (ended early)
    operator_id    INTEGER NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    due_at         TIMESTAMPTZ NOT NULL,
    closed_at      TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE script_answers (
    protocol       VARCHAR NOT NULL,
    seq            INTEGER NOT NULL,
    script_code    VARCHAR NOT NULL,
    script_version INTEGER NOT NULL,
    question_id    VARCHAR NOT NULL,
    question       VARCHAR NOT NULL,
    answer_index   INTEGER NOT NULL,
    answer         VARCHAR NOT NULL
);

CREATE TABLE service_orders (
    order_id    INTEGER PRIMARY KEY,
    protocol    VARCHAR NOT NULL,
    client_id   INTEGER NOT NULL,
    contract_id INTEGER NOT NULL,
    status      VARCHAR NOT NULL CHECK (status IN ('Aberta', 'Agendada', 'Em Execução', 'Finalizada', 'Cancelada')),
    description VARCHAR NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE attendance_events (
    event_id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    protocol    VARCHAR NOT NULL,
    event_at    TIMESTAMPTZ NOT NULL,
    operator_id INTEGER NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('criado', 'nota', 'status')),
    from_status VARCHAR,
    to_status   VARCHAR,
    note        VARCHAR
);

CREATE TABLE audit_log (
    audit_id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_at    TIMESTAMPTZ NOT NULL,
    operator_id INTEGER,
    action      VARCHAR NOT NULL,
    entity      VARCHAR NOT NULL,
    entity_id   VARCHAR NOT NULL,
    details     JSON
);

ALTER TABLE script_answers ADD PRIMARY KEY (protocol, seq);
CREATE INDEX protocol_log_issued ON protocol_log (issued_at);
CREATE INDEX protocol_log_client ON protocol_log (client_id);
-- the few protocols still open: each allocation marks the stale ones abandoned without reading the log
CREATE INDEX protocol_log_open ON protocol_log (issued_at) WHERE outcome = 'aberto';
CREATE INDEX attendances_created ON attendances (created_at);
-- the dashboard's closures per hour of the period: without it, a scan of every attendance per refresh
CREATE INDEX attendances_closed ON attendances (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX attendance_events_protocol ON attendance_events (protocol, event_at);
CREATE INDEX service_orders_protocol ON service_orders (protocol);
CREATE INDEX contracts_client ON contracts (client_id);
CREATE UNIQUE INDEX clients_code ON clients (lower(code));
CREATE INDEX clients_document ON clients (document);
