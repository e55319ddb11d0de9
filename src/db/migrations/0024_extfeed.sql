-- External CAP feeds (issue 14, docs/extfeeds.md): an admin subscribes the store to a CAP
-- Atom or RSS feed (a disaster-alert service, a national met service); the poller
-- (src/extfeed/poll.c) fetches each when due, imports the CAP messages its entries carry or
-- link through alert_import_cap, and remembers the validators so an unchanged feed costs a
-- 304.
CREATE TABLE extfeed (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,          -- http or https only
    name          TEXT NOT NULL,
    interval_s    INTEGER NOT NULL DEFAULT 300 CHECK (interval_s >= 60),
    enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    etag          TEXT,                          -- the last good response's validators
    last_modified TEXT,
    next_poll_ms  INTEGER NOT NULL DEFAULT 0,    -- due when the clock reaches it
    last_poll_ms  INTEGER,
    status        TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'ok', 'not_modified', 'error')),
    error         TEXT,                          -- the last poll's problem, NULL when none
    items_seen    INTEGER NOT NULL DEFAULT 0,    -- entries read, every poll together
    alerts_imported INTEGER NOT NULL DEFAULT 0,  -- alerts new to the store
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    -- The subscriber's organization: imported alerts belong to it (a Restricted CAP message
    -- becomes AMBER+STRICT of this organization, alert_import_cap).
    owner_org_id  INTEGER NOT NULL REFERENCES org (id)
);

-- An alert whose areas touch a mission's area (docs/extfeeds.md, "Mission areas"): shown to
-- the mission's members as context. Read under the alert's own visibility (alert_predicate),
-- so the row itself says nothing a reader could not see. No foreign key to alert: the poller
-- writes both in one transaction, and the alert keeps its own life (cancel, expiry).
CREATE TABLE alert_context (
    alert_id   TEXT NOT NULL,
    mission    TEXT NOT NULL REFERENCES mission (acronym),
    feed_id    INTEGER REFERENCES extfeed (id) ON DELETE SET NULL,
    headline   TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (alert_id, mission)
);

CREATE INDEX alert_context_mission ON alert_context (mission, created_at);
