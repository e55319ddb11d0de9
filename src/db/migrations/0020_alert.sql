-- Alerts (src/alert/, docs/alerts.md): CAP messages sent by an organization to organizations,
-- missions, sharing groups or areas, acknowledged per recipient organization, and CAP
-- messages imported from other systems. An alert is a shareable record (docs/sharing.md,
-- rule 5): its marking is its distribution, and the recipients must be able to read it.
CREATE TABLE alert (
    id TEXT PRIMARY KEY,                               -- UUIDv7
    owner_org_id INTEGER NOT NULL REFERENCES org (id), -- the sender's organization
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    sharing_group_id INTEGER REFERENCES sharing_group (id),
    identifier TEXT NOT NULL,                          -- CAP identifier (own: urn:uuid:<id>)
    sender TEXT NOT NULL,                              -- CAP sender
    sent TEXT NOT NULL,                                -- CAP sent, with its offset
    status TEXT NOT NULL
        CHECK (status IN ('Actual', 'Exercise', 'System', 'Test', 'Draft')),
    msg_type TEXT NOT NULL CHECK (msg_type IN ('Alert', 'Update', 'Cancel', 'Ack', 'Error')),
    references_text TEXT,                              -- CAP references, as written
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'updated', 'cancelled')),
    -- The first info block, for lists and search.
    event TEXT NOT NULL,
    category TEXT NOT NULL,                            -- the first category
    urgency TEXT NOT NULL,
    severity TEXT NOT NULL,
    certainty TEXT NOT NULL,
    headline TEXT,
    description TEXT,
    effective TEXT,
    onset TEXT,
    expires TEXT,                                      -- as written, with its offset
    expires_ms INTEGER,                                -- the same instant, for "active"
    -- Every info block as JSON text (the API's shape); read and written by C, never by SQL.
    info_json TEXT NOT NULL,
    -- The bounding box of every area, NULL when there is none: the area filter.
    min_lat REAL, min_lon REAL, max_lat REAL, max_lon REAL,
    origin TEXT NOT NULL,                              -- 'local', 'upload', 'cli', 'feed:<id>'
    signature_verified INTEGER NOT NULL DEFAULT 0 CHECK (signature_verified IN (0, 1)),
    created_by INTEGER REFERENCES account (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (sender, identifier)
);

CREATE INDEX alert_owner ON alert (owner_org_id, id);
CREATE INDEX alert_expires ON alert (state, expires_ms);

-- How an alert was addressed, as the sender wrote it.
CREATE TABLE alert_target (
    alert_id TEXT NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('org', 'mission', 'group', 'area')),
    value TEXT NOT NULL,           -- a code, an acronym, a group id, an area's description
    PRIMARY KEY (alert_id, kind, value)
) WITHOUT ROWID;

-- The organizations the targets resolved to when the alert was sent, and their
-- acknowledgement (one per organization: the first user's).
CREATE TABLE alert_recipient (
    alert_id TEXT NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES org (id),
    acknowledged_at TEXT,
    acknowledged_by INTEGER REFERENCES account (id),
    PRIMARY KEY (alert_id, org_id)
) WITHOUT ROWID;

CREATE INDEX alert_recipient_org ON alert_recipient (org_id, alert_id);

CREATE TRIGGER alert_sharing_audience_insert AFTER INSERT ON alert
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER alert_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON alert
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;
