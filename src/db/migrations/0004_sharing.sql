-- Sharing: named groups of organizations (the distribution of a TLP:AMBER record) and the
-- named recipients of TLP:RED records. The predicate that reads them is sharing_predicate()
-- in src/sharing/sharing.c; docs/sharing.md explains the model.

CREATE TABLE sharing_group (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    owner_org_id INTEGER NOT NULL REFERENCES org (id),
    -- The account that created the group; NULL when created at the command line. No foreign
    -- key: accounts are another module's table, and the audit log keeps the history anyway.
    created_by_account INTEGER,
    created_at TEXT NOT NULL          -- RFC 3339 UTC
);

CREATE TABLE sharing_group_member (
    group_id INTEGER NOT NULL REFERENCES sharing_group (id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, org_id)
);

-- The predicate asks "is the reader's organization in the record's group": this index
-- answers it from the organization's side too.
CREATE INDEX sharing_group_member_org ON sharing_group_member (org_id, group_id);

-- TLP:RED distribution: one row per named reader of one record. record_type is the kind of
-- record ("incident"), record_id its id (UUIDv7 text).
CREATE TABLE tlp_recipient (
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    PRIMARY KEY (record_type, record_id, account_id)
);

CREATE INDEX tlp_recipient_account ON tlp_recipient (account_id, record_type, record_id);
