-- Webhooks (src/webhook/, docs/webhooks.md): an organization's subscriptions to the live
-- feed's events, the deliveries queued for them and every attempt made. The queue is here,
-- not in the process, so a restart resumes the retries where they stood.
CREATE TABLE webhook (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES org(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    events TEXT NOT NULL,           -- JSON array of feed kinds: "alert", "bulletin", "incident"
    filter TEXT NULL,               -- JSON object {"actions": [...]}, NULL for none
    -- The HMAC key, kept in the clear: the server must compute the signature with it. Shown
    -- once at creation and never by the API after.
    secret TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    cursor INTEGER NOT NULL,        -- the last feed_event id looked at
    failures INTEGER NOT NULL DEFAULT 0, -- consecutive failed attempts
    disabled_reason TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX webhook_org ON webhook(org_id);

-- One event to send to one subscription. The body is made from these columns at each attempt,
-- so it is the same every time (the signature's timestamp is the attempt's).
CREATE TABLE webhook_delivery (
    id TEXT PRIMARY KEY,            -- UUIDv7: the X-Bluehelm-Delivery header
    webhook_id INTEGER NOT NULL REFERENCES webhook(id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL,      -- feed_event.id
    kind TEXT NOT NULL,
    action TEXT NOT NULL,
    record_id TEXT NOT NULL,
    event_at TEXT NOT NULL,
    -- 'withdrawn': the record's sharing no longer let the organization see it when the
    -- delivery was due, so it was not sent.
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'withdrawn')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NULL,   -- unix ms; NULL once delivered
    created_at TEXT NOT NULL,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery(status, next_attempt_at);

CREATE TABLE webhook_attempt (
    id INTEGER PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES webhook_delivery(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    status INTEGER NULL,            -- the receiver's HTTP status; NULL when none came back
    error TEXT NULL                 -- why it failed, in English; NULL on success
);
CREATE INDEX webhook_attempt_delivery ON webhook_attempt(delivery_id);
