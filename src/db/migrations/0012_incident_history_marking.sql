-- Every revision of an incident keeps the marking it had when it was written, so the history
-- is read under that marking and never under the record's current one: a report changed from
-- TLP:RED to TLP:GREEN with its narrative redacted must not show its RED revisions to every
-- member (issue 9). A revision is a shareable row of its own (docs/sharing.md): `id`,
-- `owner_org_id`, `tlp`, `sharing_group_id`, and its RED readers are tlp_recipient rows of
-- record_type 'incident_revision'. `status` carries the workflow's rule that a draft is its
-- organization's business (src/incident/visibility.c).
--
-- The id of a revision is "<incident id>/<revision number>": unique because both parts are,
-- and made by the writer without a lookup.
CREATE TABLE incident_revision_marked (
    incident_n INTEGER NOT NULL REFERENCES incident (n),
    revision INTEGER NOT NULL,
    id TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,                  -- username or "cli:$USER"
    action TEXT NOT NULL,                 -- create, update, submit, endorse, return, merge, import
    reason TEXT,                          -- a return's reason, a merge's target
    snapshot TEXT NOT NULL,               -- the record after the change, as JSON
    status TEXT NOT NULL,                 -- the record's status after the change
    owner_org_id INTEGER NOT NULL REFERENCES org (id),
    tlp TEXT NOT NULL CHECK (tlp = 'CLEAR' OR tlp = 'GREEN' OR tlp = 'AMBER'
        OR tlp = 'AMBER+STRICT' OR tlp = 'RED'),
    -- No foreign key: a group that only old revisions name may still be deleted; the trigger
    -- below narrows those revisions instead.
    sharing_group_id INTEGER,
    PRIMARY KEY (incident_n, revision)
) WITHOUT ROWID;

-- Existing revisions take the marking their snapshot shows, which is the marking the record
-- had right after the change. A snapshot that cannot be read, or names no known marking, is
-- treated as RED (below: admins and the people who certainly read it), and an AMBER one whose
-- group is gone as AMBER+STRICT: when in doubt, narrower.
INSERT INTO incident_revision_marked (incident_n, revision, id, at, actor, action, reason,
    snapshot, status, owner_org_id, tlp, sharing_group_id)
SELECT s.incident_n, s.revision, s.incident_id || '/' || s.revision, s.at, s.actor, s.action,
    s.reason, s.snapshot,
    CASE WHEN s.snap_status IN ('draft', 'submitted', 'endorsed', 'returned', 'merged')
         THEN s.snap_status ELSE 'draft' END,
    COALESCE((SELECT o.id FROM org o WHERE o.code = s.snap_owner), s.owner_org_id),
    CASE s.snap_tlp
        WHEN 'TLP:CLEAR' THEN 'CLEAR'
        WHEN 'TLP:GREEN' THEN 'GREEN'
        WHEN 'TLP:AMBER' THEN CASE WHEN EXISTS (SELECT 1 FROM sharing_group g
                                                WHERE g.id = s.snap_group)
                                   THEN 'AMBER' ELSE 'AMBER+STRICT' END
        WHEN 'TLP:AMBER+STRICT' THEN 'AMBER+STRICT'
        ELSE 'RED' END,
    CASE WHEN s.snap_tlp = 'TLP:AMBER'
          AND EXISTS (SELECT 1 FROM sharing_group g WHERE g.id = s.snap_group)
         THEN s.snap_group END
FROM (SELECT r.incident_n, r.revision, r.at, r.actor, r.action, r.reason, r.snapshot,
             i.id AS incident_id, i.owner_org_id,
             CASE WHEN json_valid(r.snapshot) THEN json_extract(r.snapshot, '$.status') END
                 AS snap_status,
             CASE WHEN json_valid(r.snapshot) THEN json_extract(r.snapshot, '$.owner') END
                 AS snap_owner,
             CASE WHEN json_valid(r.snapshot) THEN json_extract(r.snapshot, '$.tlp') END
                 AS snap_tlp,
             CASE WHEN json_valid(r.snapshot) THEN json_extract(r.snapshot, '$.sharing_group') END
                 AS snap_group
      FROM incident_revision r JOIN incident i ON i.n = r.incident_n) s;

-- Who read a RED revision was not stored. Two readers are certain: the report's reporter (a
-- RED report always keeps its reporter among its readers) and the revision's actor (who wrote
-- the change, or had to read the report to submit, endorse, return or merge it). Today's
-- recipients of the record are not used: they may have been named after the revision was
-- written. Everyone else loses sight of old RED revisions; admins still read them.
INSERT OR IGNORE INTO tlp_recipient (record_type, record_id, account_id)
SELECT 'incident_revision', m.id, i.reporter_id
FROM incident_revision_marked m JOIN incident i ON i.n = m.incident_n
WHERE m.tlp = 'RED' AND i.reporter_id IS NOT NULL;

INSERT OR IGNORE INTO tlp_recipient (record_type, record_id, account_id)
SELECT 'incident_revision', m.id, a.id
FROM incident_revision_marked m JOIN account a ON a.username = m.actor
WHERE m.tlp = 'RED';

DROP TABLE incident_revision;
ALTER TABLE incident_revision_marked RENAME TO incident_revision;

-- A deleted group's id may be given to a new group (an INTEGER PRIMARY KEY reuses the largest
-- id), whose members must not inherit old AMBER revisions: they become their owner's only.
-- (The records themselves hold a foreign key, so a group they use cannot be deleted.)
-- No AMBER audience trigger like 0011's on this table: a revision copies the marking of an
-- incident row whose own trigger already recorded the owner's acceptance, and accepting the
-- group's members again at a workflow step would widen what the owner never re-shared.
CREATE TRIGGER incident_revision_group_delete AFTER DELETE ON sharing_group BEGIN
    UPDATE incident_revision SET tlp = 'AMBER+STRICT', sharing_group_id = NULL
    WHERE sharing_group_id = OLD.id;
END;
