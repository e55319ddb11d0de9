-- Who reads an organization's TLP:AMBER records in a sharing group: the group's members as the
-- record's owner accepted them, not as the group's owner later made them. Before this table a
-- group's owner could add an organization to the group and so widen every other member's
-- AMBER records to it (issue 9, defect 4); docs/sharing.md states the model.
--
-- One row says: organization org_id reads owner_org_id's AMBER records marked for group_id.
-- Rows are written when
--   * an owner marks a record AMBER for a group (the triggers below): the owner accepts the
--     group's members as they are at that moment, for all its records in that group;
--   * a group's owner creates the group or adds a member: the owner accepts them for its own
--     records (src/sharing/sharing.c);
-- and deleted when an organization leaves the group (narrowing is always safe), or with the
-- group. sharing_predicate() reads this table, not sharing_group_member, for AMBER.
CREATE TABLE sharing_audience (
    group_id INTEGER NOT NULL REFERENCES sharing_group (id) ON DELETE CASCADE,
    owner_org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES org (id) ON DELETE CASCADE,
    -- The reader's organization first: the predicate asks "which (group, owner) pairs may
    -- this organization read", a range of this key.
    PRIMARY KEY (org_id, group_id, owner_org_id)
) WITHOUT ROWID;

CREATE INDEX sharing_audience_group ON sharing_audience (group_id, owner_org_id);

-- A store made before this table: every member accepted the membership as it stands, which
-- is what the members read until now. History is not in the store (only in the audit log), so
-- this keeps today's audience rather than guessing a narrower one.
INSERT INTO sharing_audience (group_id, owner_org_id, org_id)
SELECT m.group_id, owner.org_id, m.org_id
FROM sharing_group_member m
JOIN sharing_group_member owner ON owner.group_id = m.group_id;

-- Every shareable table records its owner's acceptance in the same statement that marks a
-- row AMBER, so no writer (single create, PATCH, bulk import) can forget it. A table added
-- later declares the same two triggers in its own migration (docs/sharing.md, rule 5).
CREATE TRIGGER incident_sharing_audience_insert AFTER INSERT ON incident
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER incident_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON incident
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER casualty_sharing_audience_insert AFTER INSERT ON casualty
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER casualty_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON casualty
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER context_event_sharing_audience_insert AFTER INSERT ON context_event
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER context_event_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON context_event
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

-- Secrets the store keeps for itself, made once by the process that first needs them (the
-- key that signs page cursors). Never exported or logged.
CREATE TABLE store_secret (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL               -- hex
) WITHOUT ROWID;
