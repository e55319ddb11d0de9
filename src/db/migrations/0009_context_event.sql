-- Context events: conflict events recorded by others (UCDP GED, ACLED), a separate map layer
-- beside the incident register and never counted as incidents against peacekeepers.
-- Re-importing a file updates its rows in place, keyed on (source, source_id).
CREATE TABLE context_event (
    n INTEGER PRIMARY KEY,                -- key of the spatial and text indexes (see incident)
    id TEXT NOT NULL UNIQUE,              -- "ucdp:36210", "acled:NIG1234"
    source TEXT NOT NULL CHECK (source = 'ucdp' OR source = 'acled'),
    source_id TEXT NOT NULL,              -- UCDP `id`, ACLED `event_id_cnty`
    occurred_at TEXT NOT NULL,            -- RFC 3339 UTC, start of the event's dates
    date_end TEXT,                        -- YYYY-MM-DD, UCDP's date_end
    date_precision INTEGER,               -- UCDP date_prec 1-5, ACLED time_precision 1-3
    latitude REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    geo_precision INTEGER,                -- UCDP where_prec 1-7, ACLED geo_precision 1-3
    country TEXT,                         -- as the source names it
    country_iso3 TEXT,                    -- NULL when it names no ISO 3166 country we know
    admin1 TEXT,
    admin2 TEXT,
    place_name TEXT,
    threat_type TEXT NOT NULL,            -- taxonomy code the source type maps to
    source_type TEXT NOT NULL,            -- the source's own class, verbatim
    actor1 TEXT,
    actor2 TEXT,
    fatalities INTEGER NOT NULL DEFAULT 0, -- UCDP best, ACLED fatalities
    fatalities_low INTEGER,
    fatalities_high INTEGER,
    notes TEXT,
    owner_org_id INTEGER NOT NULL REFERENCES org (id), -- the importer's organization
    tlp TEXT NOT NULL CHECK (tlp = 'CLEAR' OR tlp = 'GREEN' OR tlp = 'AMBER'
        OR tlp = 'AMBER+STRICT' OR tlp = 'RED'),
    sharing_group_id INTEGER REFERENCES sharing_group (id),
    imported_at TEXT NOT NULL,
    UNIQUE (source, source_id)
);

CREATE INDEX context_event_time ON context_event (occurred_at);
CREATE INDEX context_event_country ON context_event (country_iso3, occurred_at);

CREATE VIRTUAL TABLE context_event_rtree USING rtree (n, min_lon, max_lon, min_lat, max_lat);

CREATE TRIGGER context_event_rtree_insert AFTER INSERT ON context_event BEGIN
    INSERT INTO context_event_rtree VALUES (new.n, new.longitude, new.longitude,
                                            new.latitude, new.latitude);
END;
CREATE TRIGGER context_event_rtree_update AFTER UPDATE OF latitude, longitude
    ON context_event BEGIN
    UPDATE context_event_rtree SET min_lon = new.longitude, max_lon = new.longitude,
        min_lat = new.latitude, max_lat = new.latitude WHERE n = new.n;
END;
CREATE TRIGGER context_event_rtree_delete AFTER DELETE ON context_event BEGIN
    DELETE FROM context_event_rtree WHERE n = old.n;
END;

CREATE VIRTUAL TABLE context_event_fts USING fts5 (notes, place_name, actors,
    content = '', tokenize = 'unicode61 remove_diacritics 2');

-- Contentless: `actors` joins the two actor columns, which no single column holds.
CREATE TRIGGER context_event_fts_insert AFTER INSERT ON context_event BEGIN
    INSERT INTO context_event_fts (rowid, notes, place_name, actors)
        VALUES (new.n, new.notes, new.place_name,
                coalesce(new.actor1, '') || ' ' || coalesce(new.actor2, ''));
END;
CREATE TRIGGER context_event_fts_update AFTER UPDATE OF notes, place_name, actor1, actor2
    ON context_event BEGIN
    INSERT INTO context_event_fts (context_event_fts, rowid, notes, place_name, actors)
        VALUES ('delete', old.n, old.notes, old.place_name,
                coalesce(old.actor1, '') || ' ' || coalesce(old.actor2, ''));
    INSERT INTO context_event_fts (rowid, notes, place_name, actors)
        VALUES (new.n, new.notes, new.place_name,
                coalesce(new.actor1, '') || ' ' || coalesce(new.actor2, ''));
END;
CREATE TRIGGER context_event_fts_delete AFTER DELETE ON context_event BEGIN
    INSERT INTO context_event_fts (context_event_fts, rowid, notes, place_name, actors)
        VALUES ('delete', old.n, old.notes, old.place_name,
                coalesce(old.actor1, '') || ' ' || coalesce(old.actor2, ''));
END;
