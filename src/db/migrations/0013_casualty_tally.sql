-- The casualty tallies ("cuboids"): how many records there are per period and per
-- combination of a few columns, kept current by triggers as records are written, so that a
-- statistic sums a few thousand tally rows instead of counting a million records
-- (src/casualty/tally.h; docs/casualties.md, "How the figures are counted").
--
-- Each tally keeps, besides its own columns, every column the visibility rule reads (tlp,
-- owner_org_id, sharing_group_id, embargoed, mission), so the reader's predicate applies to
-- a tally row as to a record, and `id`, always NULL, so that the RED branch of the predicate
-- compiles and never matches. Columns are named as casualty's; `incident_date` holds the
-- period's first day. RED records are never tallied: they are counted from their rows, found
-- through casualty_red. A row whose count reaches 0 is deleted.
--
-- The owner is kept only where the visibility rule reads it (AMBER, AMBER+STRICT and
-- embargoed records; NULL for released CLEAR and GREEN ones) and the sharing group only for
-- AMBER, so the published records of every contributing state share one row.
--
-- Everything after the tables and their keys is the text casualty_tally_ddl() writes
-- (src/casualty/tally.c; unit/casualty_tally checks that this file holds it): the same
-- triggers that casualty_tally_rebuild() makes after a bulk load.

-- By month: mission, personnel type, incident type, gender, casualty type.
CREATE TABLE casualty_tally_month (
    incident_date TEXT NOT NULL,          -- YYYY-MM-01
    mission TEXT NOT NULL,
    personnel_type TEXT NOT NULL,
    incident_type TEXT NOT NULL,
    gender TEXT NOT NULL,
    casualty_type TEXT NOT NULL,
    tlp TEXT NOT NULL,
    owner_org_id INTEGER,                 -- NULL where the visibility rule does not read it
    sharing_group_id INTEGER,             -- NULL but for AMBER
    embargoed INTEGER NOT NULL,
    id TEXT,                              -- always NULL
    n INTEGER NOT NULL
);
-- NULLs are distinct in a UNIQUE index: the key reads a missing owner or group as 0 (none
-- has that id), and a missing country code as ''.
CREATE UNIQUE INDEX casualty_tally_month_key ON casualty_tally_month (incident_date, mission,
    personnel_type, incident_type, gender, casualty_type, tlp, coalesce(owner_org_id, 0),
    coalesce(sharing_group_id, 0), embargoed);

-- By year: mission, nationality (code, the name as written, and the source, which picks the
-- name shown), casualty type.
CREATE TABLE casualty_tally_nationality (
    incident_date TEXT NOT NULL,          -- YYYY-01-01
    mission TEXT NOT NULL,
    nationality_iso3 TEXT,
    nationality TEXT NOT NULL,
    source TEXT NOT NULL,
    casualty_type TEXT NOT NULL,
    tlp TEXT NOT NULL,
    owner_org_id INTEGER,                 -- as in casualty_tally_month
    sharing_group_id INTEGER,             -- as in casualty_tally_month
    embargoed INTEGER NOT NULL,
    id TEXT,                              -- always NULL
    n INTEGER NOT NULL
);
CREATE UNIQUE INDEX casualty_tally_nationality_key ON casualty_tally_nationality (
    incident_date, mission, coalesce(nationality_iso3, ''), nationality, source, casualty_type,
    tlp, coalesce(owner_org_id, 0), coalesce(sharing_group_id, 0), embargoed);

-- The RED records, which every statistic counts from their rows.
CREATE INDEX casualty_red ON casualty (incident_date) WHERE tlp = 'RED';

-- The triggers, and the tallies of the records already stored.
DROP TRIGGER IF EXISTS casualty_tally_month_insert;
DROP TRIGGER IF EXISTS casualty_tally_month_delete;
DROP TRIGGER IF EXISTS casualty_tally_month_update;
DELETE FROM casualty_tally_month;
INSERT INTO casualty_tally_month (incident_date, mission, personnel_type, incident_type, gender, casualty_type, tlp, owner_org_id, sharing_group_id, embargoed, n)
    SELECT substr(incident_date, 1, 7) || '-01', mission, personnel_type, incident_type, gender, casualty_type, tlp, CASE WHEN tlp IN ('CLEAR', 'GREEN') AND embargoed = 0 THEN NULL ELSE owner_org_id END, CASE WHEN tlp = 'AMBER' THEN sharing_group_id END, embargoed, count(*) FROM casualty WHERE tlp <> 'RED'
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
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
DROP TRIGGER IF EXISTS casualty_tally_nationality_insert;
DROP TRIGGER IF EXISTS casualty_tally_nationality_delete;
DROP TRIGGER IF EXISTS casualty_tally_nationality_update;
DELETE FROM casualty_tally_nationality;
INSERT INTO casualty_tally_nationality (incident_date, mission, nationality_iso3, nationality, source, casualty_type, tlp, owner_org_id, sharing_group_id, embargoed, n)
    SELECT substr(incident_date, 1, 4) || '-01-01', mission, nationality_iso3, nationality, source, casualty_type, tlp, CASE WHEN tlp IN ('CLEAR', 'GREEN') AND embargoed = 0 THEN NULL ELSE owner_org_id END, CASE WHEN tlp = 'AMBER' THEN sharing_group_id END, embargoed, count(*) FROM casualty WHERE tlp <> 'RED'
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
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
