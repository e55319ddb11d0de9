-- The incident register: what happened to peacekeepers, where and when, in the threat
-- taxonomy of docs/taxonomy.md (checked in code, src/taxonomy/, so the taxonomy can grow
-- without a migration), with its endorsement workflow and every revision kept.

-- `n` is the row key the spatial (R*Tree) and text (FTS5) indexes point at: both need an
-- integer key, and an INTEGER PRIMARY KEY keeps its value through VACUUM where a bare rowid
-- does not. `id` (UUIDv7) is the record's name everywhere else (API, audit, sharing).
CREATE TABLE incident (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    mission TEXT NOT NULL REFERENCES mission (acronym),
    occurred_at TEXT NOT NULL,            -- RFC 3339 UTC; the start of the period when coarser
    occurred_precision TEXT NOT NULL CHECK (occurred_precision = 'exact'
        OR occurred_precision = 'day' OR occurred_precision = 'week'
        OR occurred_precision = 'month'),
    reported_at TEXT NOT NULL,            -- RFC 3339 UTC
    latitude REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    location_precision TEXT NOT NULL CHECK (location_precision = 'exact'
        OR location_precision = 'near' OR location_precision = 'admin2'
        OR location_precision = 'admin1' OR location_precision = 'country'),
    place_name TEXT,
    admin1 TEXT,
    admin2 TEXT,
    threat_type TEXT NOT NULL,            -- taxonomy code (taxonomy_threat_find)
    target TEXT NOT NULL,                 -- taxonomy_targets[]
    activity TEXT NOT NULL,               -- taxonomy_activities[]
    perpetrator TEXT,                     -- free text
    perpetrator_groups TEXT NOT NULL DEFAULT '[]', -- JSON array of taxonomy_known_groups codes
    killed INTEGER NOT NULL DEFAULT 0 CHECK (killed >= 0),
    injured INTEGER NOT NULL DEFAULT 0 CHECK (injured >= 0),
    missing INTEGER NOT NULL DEFAULT 0 CHECK (missing >= 0),
    abducted INTEGER NOT NULL DEFAULT 0 CHECK (abducted >= 0),
    narrative TEXT NOT NULL DEFAULT '',
    sources TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
    status TEXT NOT NULL CHECK (status = 'draft' OR status = 'submitted'
        OR status = 'endorsed' OR status = 'returned' OR status = 'merged'),
    return_reason TEXT,                   -- the endorser's reason, while returned
    endorsed_by TEXT,                     -- username
    endorsed_at TEXT,
    merged_into TEXT,                     -- id of the incident this duplicate was merged into
    synthetic INTEGER NOT NULL DEFAULT 0 CHECK (synthetic = 0 OR synthetic = 1),
    owner_org_id INTEGER NOT NULL REFERENCES org (id),
    reporter_id INTEGER REFERENCES account (id), -- NULL for imports and demo data
    reporter TEXT NOT NULL,               -- username, "cli:$USER", or "demo"
    tlp TEXT NOT NULL CHECK (tlp = 'CLEAR' OR tlp = 'GREEN' OR tlp = 'AMBER'
        OR tlp = 'AMBER+STRICT' OR tlp = 'RED'),
    sharing_group_id INTEGER REFERENCES sharing_group (id),
    revision INTEGER NOT NULL DEFAULT 1,
    source TEXT NOT NULL CHECK (source = 'member' OR source = 'import' OR source = 'demo'),
    source_ref TEXT,                      -- the key in the imported file, for idempotent re-import
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX incident_time ON incident (occurred_at);
CREATE INDEX incident_mission ON incident (mission, occurred_at);
CREATE INDEX incident_status ON incident (status, mission);
CREATE INDEX incident_owner ON incident (owner_org_id);
CREATE UNIQUE INDEX incident_source_ref ON incident (source, source_ref)
    WHERE source_ref IS NOT NULL;

-- Spatial index: a point is a box of zero size. Kept by triggers so no writer can forget it.
CREATE VIRTUAL TABLE incident_rtree USING rtree (n, min_lon, max_lon, min_lat, max_lat);

CREATE TRIGGER incident_rtree_insert AFTER INSERT ON incident BEGIN
    INSERT INTO incident_rtree VALUES (new.n, new.longitude, new.longitude,
                                       new.latitude, new.latitude);
END;
CREATE TRIGGER incident_rtree_update AFTER UPDATE OF latitude, longitude ON incident BEGIN
    UPDATE incident_rtree SET min_lon = new.longitude, max_lon = new.longitude,
        min_lat = new.latitude, max_lat = new.latitude WHERE n = new.n;
END;
CREATE TRIGGER incident_rtree_delete AFTER DELETE ON incident BEGIN
    DELETE FROM incident_rtree WHERE n = old.n;
END;

-- Full-text search over what people write: the narrative, the place and the perpetrator.
-- External content (the text lives once, in incident), kept by triggers.
CREATE VIRTUAL TABLE incident_fts USING fts5 (narrative, place_name, perpetrator,
    content = 'incident', content_rowid = 'n', tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER incident_fts_insert AFTER INSERT ON incident BEGIN
    INSERT INTO incident_fts (rowid, narrative, place_name, perpetrator)
        VALUES (new.n, new.narrative, new.place_name, new.perpetrator);
END;
CREATE TRIGGER incident_fts_update AFTER UPDATE OF narrative, place_name, perpetrator
    ON incident BEGIN
    INSERT INTO incident_fts (incident_fts, rowid, narrative, place_name, perpetrator)
        VALUES ('delete', old.n, old.narrative, old.place_name, old.perpetrator);
    INSERT INTO incident_fts (rowid, narrative, place_name, perpetrator)
        VALUES (new.n, new.narrative, new.place_name, new.perpetrator);
END;
CREATE TRIGGER incident_fts_delete AFTER DELETE ON incident BEGIN
    INSERT INTO incident_fts (incident_fts, rowid, narrative, place_name, perpetrator)
        VALUES ('delete', old.n, old.narrative, old.place_name, old.perpetrator);
END;

-- Every change of an incident, as the whole record after it (JSON), numbered from 1.
CREATE TABLE incident_revision (
    incident_n INTEGER NOT NULL REFERENCES incident (n),
    revision INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,                  -- username or "cli:$USER"
    action TEXT NOT NULL,                 -- create, update, submit, endorse, return, merge
    reason TEXT,                          -- a return's reason, a merge's target
    snapshot TEXT NOT NULL,               -- the record after the change, as JSON
    PRIMARY KEY (incident_n, revision)
) WITHOUT ROWID;

-- The missions a user works for: an endorser endorses the reports of these missions only.
CREATE TABLE account_mission (
    account_id INTEGER NOT NULL REFERENCES account (id),
    mission TEXT NOT NULL REFERENCES mission (acronym),
    PRIMARY KEY (account_id, mission)
) WITHOUT ROWID;
