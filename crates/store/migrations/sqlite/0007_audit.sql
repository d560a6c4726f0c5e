-- The audit log: every read and write of a child's record, every export, sign-in and failure,
-- every break-glass and permission change, with who, when, what, from where and why.
-- Kept in step with migrations/postgres/0007_audit.sql (a test compares the two schemas).
--
-- Append-only (the triggers below refuse UPDATE and DELETE) and hash-chained: each entry holds
-- the hash of the entry before it and its own hash over its fields and that one, so an edited,
-- removed or reordered entry breaks the chain (`careful audit verify`).
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY NOT NULL CHECK (seq > 0),
    at TEXT NOT NULL,
    -- Who: the account (NULL for an unknown username or a system process) and its name then.
    account_id BLOB CHECK (account_id IS NULL OR length(account_id) = 16),
    actor TEXT NOT NULL,
    -- What: a fixed code ("child.view", "sign_in.failed") and its outcome.
    action TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
    -- The child concerned, if any, and any other subject (an account, a return, a file).
    child_id BLOB CHECK (child_id IS NULL OR length(child_id) = 16),
    subject TEXT,
    -- From where: the client's address and program.
    ip TEXT,
    user_agent TEXT,
    -- Why: the reason given (break glass, a role change, an override).
    reason TEXT,
    detail TEXT NOT NULL,
    prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

CREATE INDEX audit_by_child ON audit_log (child_id, seq) WHERE child_id IS NOT NULL;
CREATE INDEX audit_by_account ON audit_log (account_id, seq) WHERE account_id IS NOT NULL;

CREATE TRIGGER audit_log_is_never_updated BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_is_never_deleted BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- The end of the chain: the last entry's number and hash. Appending updates it in the same
-- transaction, which also makes concurrent appends take turns.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq INTEGER NOT NULL CHECK (seq >= 0),
    hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, zeroblob(32));
