-- The UN's file keyed on its own row `id` (casualty.source_row), not on casualty_id: the UN
-- lists six people twice under one casualty_id (UNMIK 2003-2005, once as Montenegro and once
-- as Serbia and Montenegro) and its published totals count rows, so every row is a record.
-- casualty_id stays unique among members' records (casualty_create() relies on it), and
-- rows that share one are possible double entries, listed by `bluehelm casualty conflicts`
-- (docs/casualties.md). An admin may mark one as the duplicate of the other: duplicate_of.
--
-- SQLite cannot drop a UNIQUE column constraint, so the table is built again: a new table,
-- the rows copied, the old one dropped, the new one renamed, then every index and trigger on
-- casualty made again. The migration runs in one transaction with foreign keys on, so the
-- CASEVAC rows (the only table that references casualty) are set aside while the old table
-- is dropped and put back after, unchanged.
--
-- Every trigger on casualty at version 13 (0011's sharing audience, 0013's tallies) is made
-- again at the end of this file (unit test
-- db/migration-0014-keeps-triggers compares them): a trigger added to casualty by a migration
-- before this one must be repeated here.

CREATE TABLE casualty_new (
    id TEXT PRIMARY KEY,                  -- UUIDv7
    casualty_id TEXT NOT NULL,            -- the UN's (UNTSO-1948-07-02408) or one we assign;
                                          -- unique among members' records, not among the UN's
    incident_date TEXT NOT NULL,          -- YYYY-MM-DD
    mission TEXT NOT NULL REFERENCES mission (acronym),
    casualty_type TEXT NOT NULL CHECK (casualty_type = 'Fatality' OR casualty_type = 'Injury'
        OR casualty_type = 'Missing' OR casualty_type = 'Abducted'),
    gender TEXT NOT NULL CHECK (gender = 'M' OR gender = 'F' OR gender = 'U'), -- U: not recorded
    nationality TEXT NOT NULL,            -- the country as the source names it
    nationality_iso3 TEXT REFERENCES country (iso3),          -- NULL when undetermined
    nationality_m49 INTEGER,
    personnel_type TEXT NOT NULL CHECK (personnel_type = 'Military'
        OR personnel_type = 'Military Observer' OR personnel_type = 'Police'
        OR personnel_type = 'International Civilian' OR personnel_type = 'Local'
        OR personnel_type = 'Other'),
    incident_type TEXT NOT NULL CHECK (incident_type = 'Malicious Act'
        OR incident_type = 'Accident' OR incident_type = 'Illness'
        OR incident_type = 'Self-Inflicted' OR incident_type = 'To Be Determined'
        OR incident_type = 'Unknown'),
    incident_id TEXT,                     -- the incident, when the incident register links it
    owner_org_id INTEGER NOT NULL REFERENCES org (id),         -- the contributing state
    tlp TEXT NOT NULL CHECK (tlp = 'CLEAR' OR tlp = 'GREEN' OR tlp = 'AMBER'
        OR tlp = 'AMBER+STRICT' OR tlp = 'RED'),
    sharing_group_id INTEGER REFERENCES sharing_group (id),
    embargoed INTEGER NOT NULL CHECK (embargoed = 0 OR embargoed = 1),
    released_at TEXT,                     -- when the embargo was lifted, and by whom
    released_by TEXT,
    source TEXT NOT NULL CHECK (source = 'un' OR source = 'member'),
    source_updated TEXT,                  -- the UN file's last_update for this row
    source_row INTEGER,                   -- the UN file's `id` column: the key of a UN row
    source_nationality TEXT,              -- the UN file's cells as written (0007 says why)
    source_iso3 TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- The record this one repeats (same casualty_id), as an admin decided: it is left out of
    -- counts of distinct persons. NULL for every other record. Written only by
    -- casualty_mark_duplicate(); a re-import keeps it.
    duplicate_of TEXT REFERENCES casualty (id) ON DELETE SET NULL,
    CHECK (duplicate_of IS NULL OR duplicate_of <> id)
);

-- A UN row whose `id` another UN row already has (two different files imported into one
-- store) keeps its values but loses the key: the first by id keeps it.
INSERT INTO casualty_new (id, casualty_id, incident_date, mission, casualty_type, gender,
    nationality, nationality_iso3, nationality_m49, personnel_type, incident_type, incident_id,
    owner_org_id, tlp, sharing_group_id, embargoed, released_at, released_by, source,
    source_updated, source_row, source_nationality, source_iso3, created_at, updated_at)
SELECT id, casualty_id, incident_date, mission, casualty_type, gender, nationality,
    nationality_iso3, nationality_m49, personnel_type, incident_type, incident_id, owner_org_id,
    tlp, sharing_group_id, embargoed, released_at, released_by, source, source_updated,
    CASE WHEN source = 'un' AND source_row IS NOT NULL AND row_number() OVER (
        PARTITION BY source, source_row ORDER BY id) > 1 THEN NULL ELSE source_row END,
    source_nationality, source_iso3, created_at, updated_at
FROM casualty;

CREATE TEMP TABLE casevac_keep AS SELECT * FROM casevac;
DELETE FROM casevac;
DROP TABLE casualty;
ALTER TABLE casualty_new RENAME TO casualty;
INSERT INTO casevac SELECT * FROM temp.casevac_keep;
DROP TABLE temp.casevac_keep;

-- The indexes of 0007 and 0010, as they were (casualty/import.c repeats the first four).
CREATE INDEX casualty_date ON casualty (incident_date);
CREATE INDEX casualty_mission ON casualty (mission, incident_date);
CREATE INDEX casualty_nationality ON casualty (nationality_iso3);
CREATE INDEX casualty_owner ON casualty (owner_org_id);
CREATE INDEX casualty_incident ON casualty (incident_id) WHERE incident_id IS NOT NULL;
-- 0013's, for the RED records the statistics count from their rows.
CREATE INDEX casualty_red ON casualty (incident_date) WHERE tlp = 'RED';
-- The new keys: a UN row by its `id`; a member's record by its casualty_id; and casualty_id
-- for reading a record by it and for finding the rows that share one.
CREATE UNIQUE INDEX casualty_un_row ON casualty (source, source_row) WHERE source = 'un';
CREATE UNIQUE INDEX casualty_member_id ON casualty (casualty_id) WHERE source = 'member';
CREATE INDEX casualty_casualty_id ON casualty (casualty_id);
CREATE INDEX casualty_duplicate_of ON casualty (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- The triggers on casualty, as 0011 and 0013 made them. The tallies of 0013 need no rebuild:
-- the rows were copied, not written (dropping a table fires no trigger).
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

CREATE TRIGGER casualty_tally_month_insert AFTER INSERT ON casualty
BEGIN
    INSERT INTO casualty_tally_month (incident_date, mission, personnel_type, incident_type, gender, casualty_type, tlp, owner_org_id, sharing_group_id, embargoed, n)
        SELECT substr(new.incident_date, 1, 7) || '-01', new.mission, new.personnel_type, new.incident_type, new.gender, new.casualty_type, new.tlp, CASE WHEN new.tlp IN ('CLEAR', 'GREEN') AND new.embargoed = 0 THEN NULL ELSE new.owner_org_id END, CASE WHEN new.tlp = 'AMBER' THEN new.sharing_group_id END, new.embargoed, 1 WHERE new.tlp <> 'RED'
        ON CONFLICT (incident_date, mission, personnel_type, incident_type, gender, casualty_type, tlp, coalesce(owner_org_id, 0), coalesce(sharing_group_id, 0), embargoed) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER casualty_tally_month_delete AFTER DELETE ON casualty
BEGIN
    UPDATE casualty_tally_month SET n = n - 1
        WHERE old.tlp <> 'RED' AND incident_date = substr(old.incident_date, 1, 7) || '-01' AND mission = old.mission AND personnel_type = old.personnel_type AND incident_type = old.incident_type AND gender = old.gender AND casualty_type = old.casualty_type AND tlp = old.tlp AND coalesce(owner_org_id, 0) = coalesce(CASE WHEN old.tlp IN ('CLEAR', 'GREEN') AND old.embargoed = 0 THEN NULL ELSE old.owner_org_id END, 0) AND coalesce(sharing_group_id, 0) = coalesce(CASE WHEN old.tlp = 'AMBER' THEN old.sharing_group_id END, 0) AND embargoed = old.embargoed;
    DELETE FROM casualty_tally_month
        WHERE old.tlp <> 'RED' AND incident_date = substr(old.incident_date, 1, 7) || '-01' AND mission = old.mission AND personnel_type = old.personnel_type AND incident_type = old.incident_type AND gender = old.gender AND casualty_type = old.casualty_type AND tlp = old.tlp AND coalesce(owner_org_id, 0) = coalesce(CASE WHEN old.tlp IN ('CLEAR', 'GREEN') AND old.embargoed = 0 THEN NULL ELSE old.owner_org_id END, 0) AND coalesce(sharing_group_id, 0) = coalesce(CASE WHEN old.tlp = 'AMBER' THEN old.sharing_group_id END, 0) AND embargoed = old.embargoed AND n = 0;
END;

CREATE TRIGGER casualty_tally_month_update AFTER UPDATE OF incident_date, mission, personnel_type, incident_type, gender, casualty_type, tlp, owner_org_id, sharing_group_id, embargoed ON casualty
BEGIN
    UPDATE casualty_tally_month SET n = n - 1
        WHERE old.tlp <> 'RED' AND incident_date = substr(old.incident_date, 1, 7) || '-01' AND mission = old.mission AND personnel_type = old.personnel_type AND incident_type = old.incident_type AND gender = old.gender AND casualty_type = old.casualty_type AND tlp = old.tlp AND coalesce(owner_org_id, 0) = coalesce(CASE WHEN old.tlp IN ('CLEAR', 'GREEN') AND old.embargoed = 0 THEN NULL ELSE old.owner_org_id END, 0) AND coalesce(sharing_group_id, 0) = coalesce(CASE WHEN old.tlp = 'AMBER' THEN old.sharing_group_id END, 0) AND embargoed = old.embargoed;
    DELETE FROM casualty_tally_month
        WHERE old.tlp <> 'RED' AND incident_date = substr(old.incident_date, 1, 7) || '-01' AND mission = old.mission AND personnel_type = old.personnel_type AND incident_type = old.incident_type AND gender = old.gender AND casualty_type = old.casualty_type AND tlp = old.tlp AND coalesce(owner_org_id, 0) = coalesce(CASE WHEN old.tlp IN ('CLEAR', 'GREEN') AND old.embargoed = 0 THEN NULL ELSE old.owner_org_id END, 0) AND coalesce(sharing_group_id, 0) = coalesce(CASE WHEN old.tlp = 'AMBER' THEN old.sharing_group_id END, 0) AND embargoed = old.embargoed AND n = 0;
    INSERT INTO casualty_tally_month (incident_date, mission, personnel_type, incident_type, gender, casualty_type, tlp, owner_org_id, sharing_group_id, embargoed, n)
        SELECT substr(new.incident_date, 1, 7) || '-01', new.mission, new.personnel_type, new.incident_type, new.gender, new.casualty_type, new.tlp, CASE WHEN new.tlp IN ('CLEAR', 'GREEN') AND new.embargoed = 0 THEN NULL ELSE new.owner_org_id END, CASE WHEN new.tlp = 'AMBER' THEN new.sharing_group_id END, new.embargoed, 1 WHERE new.tlp <> 'RED'
        ON CONFLICT (incident_date, mission, personnel_type, incident_type, gender, casualty_type, tlp, coalesce(owner_org_id, 0), coalesce(sharing_group_id, 0), embargoed) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER casualty_tally_nationality_insert AFTER INSERT ON casualty
BEGIN
    INSERT INTO casualty_tally_nationality (incident_date, mission, nationality_iso3, nationality, source, casualty_type, tlp, owner_org_id, sharing_group_id, embargoed, n)
        SELECT substr(new.incident_date, 1, 4) || '-01-01', new.mission, new.nationality_iso3, new.nationality, new.source, new.casualty_type, new.tlp, CASE WHEN new.tlp IN ('CLEAR', 'GREEN') AND new.embargoed = 0 THEN NULL ELSE new.owner_org_id END, CASE WHEN new.tlp = 'AMBER' THEN new.sharing_group_id END, new.embargoed, 1 WHERE new.tlp <> 'RED'
        ON CONFLICT (incident_date, mission, coalesce(nationality_iso3, ''), nationality, source, casualty_type, tlp, coalesce(owner_org_id, 0), coalesce(sharing_group_id, 0), embargoed) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER casualty_tally_nationality_delete AFTER DELETE ON casualty
BEGIN
    UPDATE casualty_tally_nationality SET n = n - 1
        WHERE old.tlp <> 'RED' AND incident_date = substr(old.incident_date, 1, 4) || '-01-01' AND mission = old.mission AND coalesce(nationality_iso3, '') = coalesce(old.nationality_iso3, '') AND nationality = old.nationality AND source = old.source AND casualty_type = old.casualty_type AND tlp = old.tlp AND coalesce(owner_org_id, 0) = coalesce(CASE WHEN old.tlp IN ('CLEAR', 'GREEN') AND old.embargoed = 0 THEN NULL ELSE old.owner_org_id END, 0) AND coalesce(sharing_group_id, 0) = coalesce(CASE WHEN old.tlp = 'AMBER' THEN old.sharing_group_id END, 0) AND embargoed = old.embargoed;
    DELETE FROM casualty_tally_nationality
        WHERE old.tlp <> 'RED' AND incident_date = substr(old.incident_date, 1, 4) || '-01-01' AND mission = old.mission AND coalesce(nationality_iso3, '') = coalesce(old.nationality_iso3, '') AND nationality = old.nationality AND source = old.source AND casualty_type = old.casualty_type AND tlp = old.tlp AND coalesce(owner_org_id, 0) = coalesce(CASE WHEN old.tlp IN ('CLEAR', 'GREEN') AND old.embargoed = 0 THEN NULL ELSE old.owner_org_id END, 0) AND coalesce(sharing_group_id, 0) = coalesce(CASE WHEN old.tlp = 'AMBER' THEN old.sharing_group_id END, 0) AND embargoed = old.embargoed AND n = 0;
END;

CREATE TRIGGER casualty_tally_nationality_update AFTER UPDATE OF incident_date, mission, nationality_iso3, nationality, source, casualty_type, tlp, owner_org_id, sharing_group_id, embargoed ON casualty
BEGIN
    UPDATE casualty_tally_nationality SET n = n - 1
        WHERE old.tlp <> 'RED' AND incident_date = substr(old.incident_date, 1, 4) || '-01-01' AND mission = old.mission AND coalesce(nationality_iso3, '') = coalesce(old.nationality_iso3, '') AND nationality = old.nationality AND source = old.source AND casualty_type = old.casualty_type AND tlp = old.tlp AND coalesce(owner_org_id, 0) = coalesce(CASE WHEN old.tlp IN ('CLEAR', 'GREEN') AND old.embargoed = 0 THEN NULL ELSE old.owner_org_id END, 0) AND coalesce(sharing_group_id, 0) = coalesce(CASE WHEN old.tlp = 'AMBER' THEN old.sharing_group_id END, 0) AND embargoed = old.embargoed;
    DELETE FROM casualty_tally_nationality
        WHERE old.tlp <> 'RED' AND incident_date = substr(old.incident_date, 1, 4) || '-01-01' AND mission = old.mission AND coalesce(nationality_iso3, '') = coalesce(old.nationality_iso3, '') AND nationality = old.nationality AND source = old.source AND casualty_type = old.casualty_type AND tlp = old.tlp AND coalesce(owner_org_id, 0) = coalesce(CASE WHEN old.tlp IN ('CLEAR', 'GREEN') AND old.embargoed = 0 THEN NULL ELSE old.owner_org_id END, 0) AND coalesce(sharing_group_id, 0) = coalesce(CASE WHEN old.tlp = 'AMBER' THEN old.sharing_group_id END, 0) AND embargoed = old.embargoed AND n = 0;
    INSERT INTO casualty_tally_nationality (incident_date, mission, nationality_iso3, nationality, source, casualty_type, tlp, owner_org_id, sharing_group_id, embargoed, n)
        SELECT substr(new.incident_date, 1, 4) || '-01-01', new.mission, new.nationality_iso3, new.nationality, new.source, new.casualty_type, new.tlp, CASE WHEN new.tlp IN ('CLEAR', 'GREEN') AND new.embargoed = 0 THEN NULL ELSE new.owner_org_id END, CASE WHEN new.tlp = 'AMBER' THEN new.sharing_group_id END, new.embargoed, 1 WHERE new.tlp <> 'RED'
        ON CONFLICT (incident_date, mission, coalesce(nationality_iso3, ''), nationality, source, casualty_type, tlp, coalesce(owner_org_id, 0), coalesce(sharing_group_id, 0), embargoed) DO UPDATE SET n = n + 1;
END;
