-- Reference data every capability points at: countries (ISO 3166 from Debian's iso-codes,
-- loaded by `bluehelm init`) and UN peace operations (written into the binary from public
-- facts, src/refdata/missions.c). Codes are the keys because the UN's own data uses them.

CREATE TABLE country (
    iso3 TEXT PRIMARY KEY,            -- ISO 3166-1 alpha-3, or a withdrawn 3166-3 code (YUG)
    iso2 TEXT,                        -- alpha-2; NULL for a few withdrawn codes
    m49 INTEGER,                      -- numeric code (UN M49), NULL where none was assigned
    name TEXT NOT NULL,
    official_name TEXT,
    withdrawn TEXT                    -- when a 3166-3 code was withdrawn; NULL when current
);

CREATE INDEX country_m49 ON country (m49);

CREATE TABLE mission (
    acronym TEXT PRIMARY KEY,         -- as in the UN fatalities data: MINUSMA, UNIFIL
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('peacekeeping', 'political', 'other')),
    host_iso3 TEXT NOT NULL REFERENCES country (iso3),
    hq_city TEXT,
    hq_lat REAL CHECK (hq_lat BETWEEN -90 AND 90),
    hq_lon REAL CHECK (hq_lon BETWEEN -180 AND 180),
    start_date TEXT NOT NULL,         -- YYYY-MM-DD
    end_date TEXT,                    -- NULL while active
    active INTEGER NOT NULL CHECK (active IN (0, 1))
);
