-- The audit log: one row per write (who, organization, when, action, record type and id, a
-- summary of the change), appended in the same transaction as the write by audit_append().
-- Rows are hash-chained: `hash` is BLAKE2b-256 over this row's fields and `prev_hash`, the
-- hash of the row before (64 zeros for the first), so `bluehelm audit verify` finds a row
-- that was changed, deleted or inserted out of order.
--
-- No foreign keys: the log must outlive the accounts and organizations it names, and the
-- command-line operator ("cli:$USER") has no account at all. The actor is copied as text.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,          -- 1, 2, 3, ... with no gaps; the chain order
    at TEXT NOT NULL,                 -- RFC 3339 UTC with milliseconds
    account_id INTEGER,               -- NULL for the command-line operator
    username TEXT NOT NULL,           -- "amina.diallo", "cli:root"
    org_code TEXT NOT NULL,           -- the actor's organization; '' for the CLI
    action TEXT NOT NULL,             -- "org.create", "user.role", "session.create"
    record_type TEXT NOT NULL,        -- "org", "account", "group", "token"
    record_id TEXT,                   -- the record's id as text; NULL when there is none
    summary TEXT NOT NULL,            -- compact JSON object, keys sorted; never secrets
    prev_hash TEXT NOT NULL,          -- hex, 64 characters
    hash TEXT NOT NULL                -- hex, 64 characters
);

CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_username ON audit_log (username, seq);
CREATE INDEX audit_log_org ON audit_log (org_code, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_record ON audit_log (record_type, record_id, seq);

-- Append-only in the store too, so a bug or a stray statement cannot rewrite history. This is
-- SQLite's trigger syntax; a PostgreSQL driver will carry its own trigger (a plpgsql function
-- raising an exception, BEFORE UPDATE OR DELETE). Someone with the file can still drop the
-- triggers; the hash chain is what catches that.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted');
END;
