"""Read-model tables of the reporting service (created on start, idempotent)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    event_id       uuid PRIMARY KEY,
    type           text        NOT NULL,
    source         text        NOT NULL,
    subject        text        NOT NULL,
    aggregate_id   text        NOT NULL,
    sequence       int         NOT NULL,
    time           timestamptz NOT NULL,
    actor_role     text,
    actor_subject  text,
    correlation_id text,
    causation_id   text,
    data           jsonb       NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS audit_log_aggregate ON audit_log (aggregate_id, sequence);
CREATE INDEX IF NOT EXISTS audit_log_time ON audit_log (time);

CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

CREATE TABLE IF NOT EXISTS region_view (
    region_id     text PRIMARY KEY,
    name          text        NOT NULL,
    arl           text        NOT NULL,
    recognised_on date,
    recognised_at timestamptz NOT NULL,
    recognised_by text        NOT NULL
);

CREATE TABLE IF NOT EXISTS arl_overview (
    arl                text PRIMARY KEY,
    regions_recognised int  NOT NULL
);
"""
