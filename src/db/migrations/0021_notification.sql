-- Notifications (src/notify/): one in-app list per account, with read state, and the
-- account's choice of an hourly e-mail digest. A row names the record it is about (type and
-- id, checked against that record's sharing rule whenever the list is read or the digest
-- sent, so a marking changed since is honoured) or nothing (a notice for that account alone).
-- The row keeps the sentence's code and parameters, never the sentence: each reader's
-- language writes it.
CREATE TABLE notification (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,             -- 'alert.received', 'webhook.disabled', ...
    record_type TEXT NULL,          -- a kind of api_record_kinds ('incident', 'alert', ...)
    record_id TEXT NULL,
    params TEXT NULL CHECK (params IS NULL OR json_valid(params)), -- a JSON object
    link TEXT NULL,                 -- the app's path to open ("/alerts/0190...")
    created_at TEXT NOT NULL,       -- RFC 3339 UTC
    read_at TEXT NULL,
    emailed_at TEXT NULL,           -- sent in a digest (or found not to need one)
    CHECK ((record_type IS NULL) = (record_id IS NULL))
);

-- The list, newest first, and the unread count: both per account by id.
CREATE INDEX notification_account ON notification (account_id, id);
-- What the digest worker looks for each minute: small, since rows leave it once mailed.
CREATE INDEX notification_unemailed ON notification (account_id) WHERE emailed_at IS NULL;

-- Where and whether a user gets the digest. The address is set by an admin (`bluehelm user
-- email`); the digest is the user's own choice (PUT /api/v1/me/notification-settings). The
-- last digest's time (milliseconds) keeps it to one an hour across restarts.
ALTER TABLE account ADD COLUMN email TEXT NULL;
ALTER TABLE account ADD COLUMN email_digest INTEGER NOT NULL DEFAULT 0
    CHECK (email_digest IN (0, 1));
ALTER TABLE account ADD COLUMN last_digest_ms INTEGER NULL;
