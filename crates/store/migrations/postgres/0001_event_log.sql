-- The append-only event log: every fact in every child's record.
-- Kept in step with migrations/sqlite/0001_event_log.sql (a test compares the two schemas).

-- One row per child with events: the sequence number of the child's latest event. Appending
-- compares and sets this row first, so two writers can never both extend the same record.
CREATE TABLE streams (
    child_id UUID PRIMARY KEY,
    last_sequence BIGINT NOT NULL CHECK (last_sequence > 0)
);

CREATE TABLE events (
    -- Global append order, for rebuilding projections.
    position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id UUID NOT NULL UNIQUE,
    child_id UUID NOT NULL REFERENCES streams (child_id),
    sequence BIGINT NOT NULL CHECK (sequence > 0),
    kind TEXT NOT NULL,
    payload JSONB NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    effective_date DATE NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    UNIQUE (child_id, sequence)
);

CREATE FUNCTION careful_refuse_change_to_event_log() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: record a correction as a new event'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER events_are_never_updated_or_deleted BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION careful_refuse_change_to_event_log();

CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION careful_refuse_change_to_event_log();

CREATE TABLE teams (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    service TEXT NOT NULL
);

CREATE TABLE workers (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    team_id UUID NOT NULL REFERENCES teams (id),
    employment TEXT NOT NULL CHECK (employment IN ('permanent', 'agency'))
);

CREATE INDEX workers_by_team ON workers (team_id);
