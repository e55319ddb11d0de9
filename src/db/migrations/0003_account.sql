-- Accounts: users, their sign-in sessions, API tokens for scripts, and the counters that
-- throttle failed sign-ins. Secrets are never stored: passwords as argon2id hashes
-- (libsodium's crypto_pwhash_str), session and API tokens as the BLAKE2b-256 hex of their
-- text. docs/auth.md explains the rules; src/account/account.c applies them.

CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,    -- 1-63 of [a-z0-9._-]; never changes (the audit log
                                      -- and the API name users by it)
    display_name TEXT NOT NULL,
    org_id INTEGER NOT NULL REFERENCES org (id),
    role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'focal_point', 'reporter',
                                       'endorser', 'analyst', 'auditor')),
    password_hash TEXT NOT NULL,      -- "$argon2id$v=19$m=...,t=...,p=...$salt$hash"
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL,         -- RFC 3339 UTC
    password_changed_at TEXT NOT NULL
);

CREATE INDEX account_org ON account (org_id);
CREATE INDEX account_role ON account (role, disabled);

-- A browser sign-in. The CSRF token is not stored: it is a keyed BLAKE2b of the session
-- token, so only a holder of the token (our own pages, through the sign-in reply) has it.
-- Times are kept both as text for people and as milliseconds for the checks every request
-- makes.
CREATE TABLE session (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,  -- BLAKE2b-256 hex of the cookie value
    account_id INTEGER NOT NULL REFERENCES account (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,         -- absolute end: created_at + 12 h
    expires_ms INTEGER NOT NULL,
    last_seen_at TEXT NOT NULL,       -- refreshed at most once a minute; idle end = + 2 h
    last_seen_ms INTEGER NOT NULL,
    revoked_at TEXT,                  -- signed out, password changed or user disabled
    client_addr TEXT NOT NULL DEFAULT ''
);

CREATE INDEX session_account ON session (account_id, revoked_at);

-- An API token for scripts (`Authorization: Bearer bh_...`).
CREATE TABLE api_token (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,  -- BLAKE2b-256 hex of the token text
    prefix TEXT NOT NULL,             -- the first characters, to recognise a token in a list
    created_at TEXT NOT NULL,
    last_used_at TEXT,                -- refreshed at most once a minute
    last_used_ms INTEGER,
    revoked_at TEXT
);

CREATE INDEX api_token_account ON api_token (account_id, id);

-- Failed sign-ins, one row per throttle key: 'user:NAME' (also for names that do not exist,
-- so probing unknown names is throttled the same way) and 'addr:IP'. A row is forgotten an
-- hour after its last failure.
CREATE TABLE login_attempt (
    throttle_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_ms INTEGER NOT NULL,
    locked_until_ms INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX login_attempt_last ON login_attempt (last_failure_ms);
