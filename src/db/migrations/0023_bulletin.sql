-- Bulletins (src/bulletin/, docs/bulletins.md): a period's summary written by a member in
-- Markdown, shared like any record (docs/sharing.md), a draft until its organization
-- publishes it. And the shared attachment store (src/attachment/): files that belong to a
-- record of any kind, read under that record's visibility.

CREATE TABLE bulletin (
    id TEXT PRIMARY KEY,                          -- UUIDv7
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    period_from TEXT NOT NULL,                    -- YYYY-MM-DD
    period_to TEXT NOT NULL CHECK (period_to >= period_from),
    mission TEXT NULL,                            -- acronym (refdata), optional
    body TEXT NOT NULL DEFAULT '',                -- Markdown, as written
    owner_org_id INTEGER NOT NULL REFERENCES org (id),
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    sharing_group_id INTEGER REFERENCES sharing_group (id), -- set for AMBER only
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    published_at TEXT NULL,                       -- RFC 3339 UTC, set once
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- The author; no foreign key, as sharing_group.created_by_account: the audit log keeps
    -- who did what, and an account's removal must not take its organization's bulletins.
    created_by INTEGER NULL
);

-- The list is newest first, inside the reader's visibility.
CREATE INDEX bulletin_owner ON bulletin (owner_org_id, id);

-- The owner's acceptance of the group, written with the row (docs/sharing.md, rule 5).
CREATE TRIGGER bulletin_sharing_audience_insert AFTER INSERT ON bulletin
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER bulletin_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON bulletin
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

-- Files attached to a record of any kind (record_type as in tlp_recipient and the API's
-- record kinds: 'bulletin', later the knowledge library's documents). The bytes are in the
-- store, so a backup of the store is a backup of everything; the size limit
-- (attachment_max_bytes) keeps rows reasonable. No foreign key to the record: the owning
-- module deletes its attachments with the record.
CREATE TABLE attachment (
    id TEXT PRIMARY KEY,                          -- UUIDv7
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    filename TEXT NOT NULL,                       -- sanitized: no path, no control characters
    content_type TEXT NOT NULL,                   -- from the bytes' magic, never the client's word
    size INTEGER NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL,                         -- hex; the ETag it is served with
    data BLOB NOT NULL,
    created_at TEXT NOT NULL,
    created_by INTEGER NULL
);

CREATE INDEX attachment_record ON attachment (record_type, record_id, id);
