-- Who may sign in to careful, in what role, and how (issue 10: sign-in and access control).
-- Kept in step with migrations/postgres/0006_accounts.sql (a test compares the two schemas).

-- An account: a person who signs in. Practitioners' accounts are linked to their worker, which
-- gives them their team and their relationships to children (allocated worker, IRO, personal
-- adviser). Usernames are kept in lower case.
CREATE TABLE accounts (
    id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    username TEXT NOT NULL UNIQUE CHECK (username = lower(username) AND length(username) BETWEEN 1 AND 64),
    display_name TEXT NOT NULL,
    worker_id BLOB REFERENCES workers (id),
    -- An Argon2id hash in PHC string format; NULL when the account signs in only through OIDC.
    password_hash TEXT,
    -- The TOTP secret (RFC 6238), once the second factor is set up, and the last time step a
    -- code was accepted for, so that no code is ever accepted twice.
    totp_secret BLOB,
    totp_last_step INTEGER,
    -- Failed sign-ins since the last success, and until when the account is locked.
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until TEXT,
    disabled_at TEXT,
    created_at TEXT NOT NULL,
    -- A synthetic demonstration account (one-click sign-in is offered only in `careful demo`).
    synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic IN (0, 1))
) STRICT;

CREATE UNIQUE INDEX accounts_by_worker ON accounts (worker_id) WHERE worker_id IS NOT NULL;

-- Who held which role, from when: the latest row is the account's role now. Rows are never
-- changed or removed, so the role anyone held on any day can be read back.
CREATE TABLE account_roles (
    account_id BLOB NOT NULL REFERENCES accounts (id),
    n INTEGER NOT NULL CHECK (n > 0),
    role TEXT NOT NULL,
    -- For a service manager: the service whose teams they oversee.
    service TEXT,
    valid_from TEXT NOT NULL,
    changed_by BLOB,
    reason TEXT,
    PRIMARY KEY (account_id, n)
) STRICT;

CREATE TRIGGER account_roles_are_never_updated BEFORE UPDATE ON account_roles
BEGIN
    SELECT RAISE(ABORT, 'role history is append-only: record a new role instead');
END;

CREATE TRIGGER account_roles_are_never_deleted BEFORE DELETE ON account_roles
BEGIN
    SELECT RAISE(ABORT, 'role history is append-only: record a new role instead');
END;

-- Signed-in sessions. The cookie holds a random token; only its SHA-256 is stored, so the
-- table cannot be used to take over a session. `stage` is 'signed_in' once every factor has
-- been given; before that the session can only finish signing in.
CREATE TABLE sessions (
    id_hash BLOB PRIMARY KEY NOT NULL CHECK (length(id_hash) = 32),
    account_id BLOB NOT NULL REFERENCES accounts (id),
    stage TEXT NOT NULL CHECK (stage IN ('signed_in', 'second_factor', 'set_up_second_factor')),
    method TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    ip TEXT,
    user_agent TEXT
) STRICT;

CREATE INDEX sessions_by_account ON sessions (account_id);

-- Personal access tokens for the command line and scripts. Only the SHA-256 of each token is
-- kept; the token itself is shown once, when it is made.
CREATE TABLE api_tokens (
    id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 16),
    account_id BLOB NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
) STRICT;

CREATE INDEX api_tokens_by_account ON api_tokens (account_id);

-- Sign-ins through OpenID Connect waiting for the provider's answer: keyed by the SHA-256 of
-- a random value held in the browser's cookie, so the answer is accepted only by the browser
-- that asked.
CREATE TABLE oidc_sign_ins (
    binding_hash BLOB PRIMARY KEY NOT NULL CHECK (length(binding_hash) = 32),
    pending TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
