-- Access to children's records beyond the relationships the record itself gives (issue 10).
-- Kept in step with migrations/sqlite/0008_access.sql (a test compares the two schemas).

-- A restricted record (adoption, a staff member's relative, a high-profile case): only the
-- named accounts may open it; anyone else is offered break-glass access, which asks a reason
-- and alerts the manager who restricted it. Lifting a restriction removes its rows; the audit
-- log keeps the history.
CREATE TABLE restrictions (
    child_id UUID PRIMARY KEY REFERENCES streams (child_id),
    category TEXT NOT NULL,
    reason TEXT NOT NULL,
    restricted_by UUID NOT NULL REFERENCES accounts (id),
    restricted_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE restriction_members (
    child_id UUID NOT NULL REFERENCES restrictions (child_id),
    account_id UUID NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (child_id, account_id)
);

-- Time-limited access to one child's record for one account: granted by a manager, or taken
-- through break glass with a reason.
CREATE TABLE access_grants (
    id UUID PRIMARY KEY,
    child_id UUID NOT NULL REFERENCES streams (child_id),
    account_id UUID NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL CHECK (kind IN ('grant', 'break_glass')),
    granted_by UUID NOT NULL REFERENCES accounts (id),
    reason TEXT NOT NULL,
    valid_from TIMESTAMPTZ NOT NULL,
    valid_until TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

CREATE INDEX access_grants_by_account ON access_grants (account_id, child_id);
CREATE INDEX access_grants_by_child ON access_grants (child_id);

-- Alerts for a person: a restricted record opened through break glass, for the manager who
-- restricted it.
CREATE TABLE alerts (
    id UUID PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMPTZ NOT NULL,
    child_id UUID REFERENCES streams (child_id),
    from_account UUID REFERENCES accounts (id),
    what TEXT NOT NULL,
    reason TEXT,
    read_at TIMESTAMPTZ
);

CREATE INDEX alerts_by_account ON alerts (account_id, created_at);

-- What the access rules read about each child, kept in the children projection with the rest:
-- the personal adviser, whether the child is at the front door (a contact awaiting a decision,
-- or an open referral with nobody allocated) and whether a complaint has been made about their
-- care. Filled in by the projection rebuild careful runs after this migration.
ALTER TABLE children ADD COLUMN adviser_id UUID;
ALTER TABLE children ADD COLUMN front_door SMALLINT NOT NULL DEFAULT 0 CHECK (front_door IN (0, 1));
ALTER TABLE children ADD COLUMN complaint SMALLINT NOT NULL DEFAULT 0 CHECK (complaint IN (0, 1));

CREATE INDEX children_by_worker ON children (worker_id);
CREATE INDEX children_by_team ON children (team_id);
CREATE INDEX children_by_iro ON children (iro_id);
CREATE INDEX children_by_adviser ON children (adviser_id);
