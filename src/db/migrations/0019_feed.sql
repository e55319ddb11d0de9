-- The live feed's log (src/feed/): one row per change a reader may be told of (an alert sent
-- or updated, a bulletin published, a notification, an incident endorsed). The row names the
-- record, never copies it: whoever reads the log (the live stream, webhooks) checks the
-- record's own sharing at delivery time, so a marking changed after the event is honoured.
-- The id is the stream's event id: increasing, never reused (AUTOINCREMENT), so a client
-- that reconnects with Last-Event-ID gets every row after it and none twice.
CREATE TABLE feed_event (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,               -- RFC 3339 UTC, when the change was committed
    kind TEXT NOT NULL,             -- the record type: 'alert', 'bulletin', 'incident', ...
    action TEXT NOT NULL,           -- 'created', 'updated', 'cancelled', 'endorsed', ...
    record_id TEXT NOT NULL,        -- the record's id in its table
    account_id INTEGER NULL REFERENCES account(id) ON DELETE CASCADE
                                    -- set for an event meant for one account only (a
                                    -- notification): nobody else receives it
);
CREATE INDEX feed_event_record ON feed_event(kind, record_id);
