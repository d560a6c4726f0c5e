-- A manager's acceptance of a guardrail's breach, kept with the event it allowed, as JSON:
-- {"manager": worker ID, "breaches": [guardrail codes]}. The event's reason says why.
ALTER TABLE events ADD COLUMN manager_override TEXT
    CHECK (manager_override IS NULL OR (json_valid(manager_override) AND json_type(manager_override) = 'object'));

-- Projections: rebuilt for a child in the same transaction as every append to their record, so
-- they always agree with the log. They hold nothing the log does not.

-- Each child as lists and worklists show them.
CREATE TABLE children (
    child_id BLOB PRIMARY KEY NOT NULL REFERENCES streams (child_id),
    la_child_id TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    date_of_birth TEXT CHECK (date_of_birth IS NULL OR date(date_of_birth) = date_of_birth),
    status TEXT NOT NULL,
    worker_id BLOB,
    team_id BLOB,
    iro_id BLOB
) STRICT;

CREATE INDEX children_by_la_child_id ON children (la_child_id);

-- Every duty owed to each child, met or not, with the worker, team and IRO responsible. A
-- duty's status is worked out at query time from its dates and today's, so nothing needs
-- recomputing when the day changes.
CREATE TABLE duties (
    child_id BLOB NOT NULL REFERENCES streams (child_id),
    n INTEGER NOT NULL CHECK (n >= 0),
    rule TEXT NOT NULL,
    owed TEXT NOT NULL,
    trigger_what TEXT NOT NULL,
    trigger_date TEXT NOT NULL CHECK (date(trigger_date) = trigger_date),
    due TEXT NOT NULL CHECK (date(due) = due),
    due_at TEXT,
    met_on TEXT CHECK (met_on IS NULL OR date(met_on) = met_on),
    ended TEXT CHECK (ended IS NULL OR date(ended) = ended),
    not_applicable TEXT,
    -- For a duty met late, or missed and no longer possible: by how many days.
    late_days INTEGER NOT NULL DEFAULT 0 CHECK (late_days >= 0),
    -- 1 while the duty can still be done: not met, not ended, not inapplicable.
    is_open INTEGER NOT NULL CHECK (is_open IN (0, 1)),
    working TEXT NOT NULL,
    worker_id BLOB,
    team_id BLOB,
    iro_id BLOB,
    PRIMARY KEY (child_id, n)
) STRICT;

-- Worklists read the duties still to be done, which are few beside the history: the indexes
-- hold only those.
CREATE INDEX duties_by_worker ON duties (worker_id, due) WHERE is_open = 1;
CREATE INDEX duties_by_team ON duties (team_id, due) WHERE is_open = 1;
CREATE INDEX duties_by_iro ON duties (iro_id, due) WHERE is_open = 1;
CREATE INDEX duties_by_due ON duties (due) WHERE is_open = 1;
