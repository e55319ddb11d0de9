-- Search (q) over what a reader looks for, not only what a reporter wrote: the narrative, the
-- place, the admin areas, the perpetrator, the mission (acronym and name) and the threat type
-- (its label and the acronyms in use: a search for IED must find every IED report, whatever
-- its narrative says). Every query word is a prefix (spatial/query.c), so the index keeps
-- prefixes of two and three characters; longer prefixes are a range of its terms.
--
-- The words for a threat type: the taxonomy's English label (src/taxonomy/taxonomy.c, which
-- tests/api/test_search.c compares with this table) and its acronyms. A change of either is a
-- new migration that updates this table and rebuilds incident_fts.
CREATE TABLE threat_term (
    code TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    acronyms TEXT NOT NULL
);
INSERT INTO threat_term (code, label, acronyms) VALUES
    ('ied', 'Improvised explosive device', 'IED RCIED VOIED CWIED'),
    ('grenade', 'Grenade attack', ''),
    ('ambush', 'Ambush', ''),
    ('direct_fire', 'Direct fire', 'SAF'),
    ('indirect_fire', 'Indirect fire', 'IDF'),
    ('complex_attack', 'Complex attack', ''),
    ('suicide_attack', 'Suicide attack', 'SVBIED VBIED PBIED'),
    ('attack_on_base', 'Attack on a camp or base', ''),
    ('attack_on_aircraft', 'Attack on an aircraft', ''),
    ('cbrn_attack', 'Chemical, biological, radiological or nuclear attack', 'CBRN CBRNE'),
    ('hostile_crowd', 'Hostile crowd', ''),
    ('abduction', 'Abduction', ''),
    ('sexual_violence', 'Sexual violence', 'CRSV'),
    ('mine_erw', 'Landmine or explosive remnant of war', 'ERW UXO'),
    ('armed_robbery', 'Armed robbery or carjacking', ''),
    ('theft', 'Theft or burglary', ''),
    ('looting', 'Looting or destruction of property', ''),
    ('road_accident', 'Road accident', 'RTA'),
    ('air_accident', 'Air accident', ''),
    ('drowning', 'Drowning', ''),
    ('weapon_accident', 'Weapon accident', ''),
    ('other_accident', 'Other accident', ''),
    ('illness', 'Illness', ''),
    ('disease_outbreak', 'Disease outbreak', ''),
    ('self_inflicted', 'Self-inflicted harm', ''),
    ('armed_clash', 'Armed clash', ''),
    ('air_drone_strike', 'Air or drone strike', ''),
    ('violence_against_civilians', 'Violence against civilians', ''),
    ('riot', 'Riot', ''),
    ('protest', 'Protest', ''),
    ('strategic_development', 'Strategic development', ''),
    ('other', 'Other', ''),
    ('unknown', 'Unknown', '');

-- What the index reads for one incident; also its external content, so that FTS5 can rebuild
-- itself ('rebuild') and read a row's text back.
CREATE VIEW incident_search AS
    SELECT i.n AS n, i.narrative AS narrative, i.place_name AS place_name,
           coalesce(i.admin1, '') || ' ' || coalesce(i.admin2, '') AS admin,
           i.perpetrator AS perpetrator,
           i.mission || ' ' || coalesce(m.name, '') AS mission,
           coalesce(t.label || ' ' || t.acronyms, i.threat_type) AS threat
    FROM incident i
    LEFT JOIN mission m ON m.acronym = i.mission
    LEFT JOIN threat_term t ON t.code = i.threat_type;

DROP TRIGGER incident_fts_insert;
DROP TRIGGER incident_fts_update;
DROP TRIGGER incident_fts_delete;
DROP TABLE incident_fts;

CREATE VIRTUAL TABLE incident_fts USING fts5 (narrative, place_name, admin, perpetrator,
    mission, threat, content = 'incident_search', content_rowid = 'n',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
INSERT INTO incident_fts (incident_fts) VALUES ('rebuild');

-- An external-content index forgets a row only when told the text it indexed, so the triggers
-- give the old text as the view would have read it before the change.
CREATE TRIGGER incident_fts_insert AFTER INSERT ON incident BEGIN
    INSERT INTO incident_fts (rowid, narrative, place_name, admin, perpetrator, mission, threat)
        SELECT n, narrative, place_name, admin, perpetrator, mission, threat
        FROM incident_search WHERE n = new.n;
END;
CREATE TRIGGER incident_fts_update AFTER UPDATE OF narrative, place_name, admin1, admin2,
    perpetrator, mission, threat_type ON incident BEGIN
    INSERT INTO incident_fts (incident_fts, rowid, narrative, place_name, admin, perpetrator,
                              mission, threat)
        VALUES ('delete', old.n, old.narrative, old.place_name,
                coalesce(old.admin1, '') || ' ' || coalesce(old.admin2, ''), old.perpetrator,
                old.mission || ' ' ||
                    coalesce((SELECT name FROM mission WHERE acronym = old.mission), ''),
                coalesce((SELECT label || ' ' || acronyms FROM threat_term
                          WHERE code = old.threat_type), old.threat_type));
    INSERT INTO incident_fts (rowid, narrative, place_name, admin, perpetrator, mission, threat)
        SELECT n, narrative, place_name, admin, perpetrator, mission, threat
        FROM incident_search WHERE n = new.n;
END;
CREATE TRIGGER incident_fts_delete AFTER DELETE ON incident BEGIN
    INSERT INTO incident_fts (incident_fts, rowid, narrative, place_name, admin, perpetrator,
                              mission, threat)
        VALUES ('delete', old.n, old.narrative, old.place_name,
                coalesce(old.admin1, '') || ' ' || coalesce(old.admin2, ''), old.perpetrator,
                old.mission || ' ' ||
                    coalesce((SELECT name FROM mission WHERE acronym = old.mission), ''),
                coalesce((SELECT label || ' ' || acronyms FROM threat_term
                          WHERE code = old.threat_type), old.threat_type));
END;
-- A mission renamed: its incidents are indexed again under the new name.
CREATE TRIGGER incident_fts_mission_name AFTER UPDATE OF name ON mission BEGIN
    INSERT INTO incident_fts (incident_fts, rowid, narrative, place_name, admin, perpetrator,
                              mission, threat)
        SELECT 'delete', i.n, i.narrative, i.place_name,
               coalesce(i.admin1, '') || ' ' || coalesce(i.admin2, ''), i.perpetrator,
               old.acronym || ' ' || coalesce(old.name, ''), s.threat
        FROM incident i JOIN incident_search s ON s.n = i.n WHERE i.mission = old.acronym;
    INSERT INTO incident_fts (rowid, narrative, place_name, admin, perpetrator, mission, threat)
        SELECT n, narrative, place_name, admin, perpetrator, mission, threat
        FROM incident_search WHERE n IN (SELECT n FROM incident WHERE mission = new.acronym);
END;

-- Context events: the same prefix indexes, as every query word is now a prefix there too.
-- The index is contentless (migration 0009), so it is filled again from the table; the
-- triggers of 0009 name it and keep serving it.
DROP TABLE context_event_fts;
CREATE VIRTUAL TABLE context_event_fts USING fts5 (notes, place_name, actors,
    content = '', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
INSERT INTO context_event_fts (rowid, notes, place_name, actors)
    SELECT n, notes, place_name, coalesce(actor1, '') || ' ' || coalesce(actor2, '')
    FROM context_event;

-- Work lists: a reporter's own reports by state ("My reports", GET /api/v1/me/work).
CREATE INDEX incident_reporter ON incident (reporter_id, status);

-- When each user last looked at their work list: what was returned or endorsed after it is
-- news on their next sign-in (incident/worklist.c). One row per user who has looked.
CREATE TABLE work_seen (
    account_id INTEGER PRIMARY KEY REFERENCES account (id),
    seen_at TEXT NOT NULL               -- RFC 3339 UTC
);
