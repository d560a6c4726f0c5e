-- The audit log: every read and write of a child's record, every export, sign-in and failure,
-- every break-glass and permission change, with who, when, what, from where and why.
-- Kept in step with migrations/sqlite/0007_audit.sql (a test compares the two schemas).
--
-- Append-only (the triggers below refuse UPDATE, DELETE and TRUNCATE) and hash-chained: each
-- entry holds the hash of the entry before it and its own hash over its fields and that one, so
-- an edited, removed or reordered entry breaks the chain (`careful audit verify`).
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY CHECK (seq > 0),
    at TIMESTAMPTZ NOT NULL,
    -- Who: the account (NULL for an unknown username or a system process) and its name then.
    account_id UUID,
    actor TEXT NOT NULL,
    -- What: a fixed code ("child.view", "sign_in.failed") and its outcome.
    action TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
    -- The child concerned, if any, and any other subject (an account, a return, a file).
    child_id UUID,
    subject TEXT,
    -- From where: the client's address and program.
    ip TEXT,
    user_agent TEXT,
    -- Why: the reason given (break glass, a role change, an override).
    reason TEXT,
    detail TEXT NOT NULL,
    prev_hash BYTEA NOT NULL CHECK (length(prev_hash) = 32),
    hash BYTEA NOT NULL CHECK (length(hash) = 32)
);

CREATE INDEX audit_by_child ON audit_log (child_id, seq) WHERE child_id IS NOT NULL;
CREATE INDEX audit_by_account ON audit_log (account_id, seq) WHERE account_id IS NOT NULL;

CREATE FUNCTION careful_refuse_change_to_audit_log() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER audit_log_is_never_updated_or_deleted BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION careful_refuse_change_to_audit_log();

CREATE TRIGGER audit_log_is_never_truncated BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION careful_refuse_change_to_audit_log();

-- The end of the chain: the last entry's number and hash. Appending updates it in the same
-- transaction, which also makes concurrent appends take turns.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL CHECK (seq >= 0),
    hash BYTEA NOT NULL CHECK (length(hash) = 32)
);

INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));
