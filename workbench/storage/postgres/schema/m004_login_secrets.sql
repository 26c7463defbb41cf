-- Migration 4 on PostgreSQL: password hashes and login lock state apart from operators
-- (see workbench/storage/migrations.py, _login_secrets_apart, for the DuckDB side and the why).
CREATE TABLE operator_credentials (
    operator_id   INTEGER PRIMARY KEY REFERENCES operators (operator_id),
    password_hash VARCHAR NOT NULL,
    changed_at    TIMESTAMPTZ NOT NULL
);
CREATE TABLE login_guard (
    username_key  VARCHAR PRIMARY KEY,
    failures      INTEGER NOT NULL,
    pending       INTEGER NOT NULL,
    window_start  TIMESTAMPTZ NOT NULL,
    reserved_at   TIMESTAMPTZ,
    locked_until  TIMESTAMPTZ
);
INSERT INTO operator_credentials SELECT operator_id, password_hash, created_at FROM operators;
INSERT INTO login_guard
    SELECT lower(trim(username)), failed_logins, 0, current_timestamp, NULL, locked_until
    FROM operators WHERE failed_logins > 0 OR locked_until > current_timestamp
    ON CONFLICT (username_key) DO NOTHING;
ALTER TABLE operators DROP COLUMN password_hash, DROP COLUMN failed_logins, DROP COLUMN locked_until;
