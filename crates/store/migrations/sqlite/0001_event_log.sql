-- The append-only event log: every fact in every child's record.
-- Kept in step with migrations/postgres/0001_event_log.sql (a test compares the two schemas).

-- One row per child with events: the sequence number of the child's latest event. Appending
-- compares and sets this row first, so two writers can never both extend the same record.
CREATE TABLE streams (
    child_id BLOB PRIMARY KEY NOT NULL CHECK (length(child_id) = 16),
    last_sequence INTEGER NOT NULL CHECK (last_sequence > 0)
) STRICT;

CREATE TABLE events (
    -- Global append order, for rebuilding projections.
    position INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
    child_id BLOB NOT NULL REFERENCES streams (child_id),
    sequence INTEGER NOT NULL CHECK (sequence > 0),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL CHECK (json_valid(payload) AND json_type(payload) = 'object'),
    effective_date TEXT NOT NULL CHECK (date(effective_date) = effective_date),
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    reason TEXT,
    UNIQUE (child_id, sequence)
) STRICT;

CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: record a correction as a new event');
END;

CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: record a correction as a new event');
END;

CREATE TABLE teams (
    id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    name TEXT NOT NULL UNIQUE,
    service TEXT NOT NULL
) STRICT;

CREATE TABLE workers (
    id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    team_id BLOB NOT NULL REFERENCES teams (id),
    employment TEXT NOT NULL CHECK (employment IN ('permanent', 'agency'))
) STRICT;

CREATE INDEX workers_by_team ON workers (team_id);
