-- The casualty register: one row per person (no names), in the UN peacekeeping fatalities
-- dataset's vocabulary, and the deployment figures that turn counts into rates.

-- The CHECKs are OR chains, not IN lists, on purpose: SQLite 3.40 builds a temporary table
-- for an IN-list CHECK on every row it inserts, which made importing a million UN rows
-- several times slower (docs/formats.md, "Speed"). The meaning is the same.
CREATE TABLE casualty (
    id TEXT PRIMARY KEY,                  -- UUIDv7
    casualty_id TEXT NOT NULL UNIQUE,     -- the UN's key (UNTSO-1948-07-02408) or one we assign
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
    source_row INTEGER,                   -- the UN file's `id` column (its row number), so an
                                          -- export in the UN's columns gives the row back
    -- The UN file's casualty_nationality and isocode3 cells exactly as written ('' when
    -- empty), for UN rows: the import reads more into them (a code from the name "Türkiye",
    -- "Unknown" for an empty name), and the export in the UN's columns writes them back.
    -- NULL for members' records.
    source_nationality TEXT,
    source_iso3 TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX casualty_date ON casualty (incident_date);
CREATE INDEX casualty_mission ON casualty (mission, incident_date);
CREATE INDEX casualty_nationality ON casualty (nationality_iso3);
CREATE INDEX casualty_owner ON casualty (owner_org_id);

-- Personnel deployed per mission per month (month-end figures), for rates per 1,000.
CREATE TABLE deployment_monthly (
    mission TEXT NOT NULL,                -- acronym as the source gives it
    month TEXT NOT NULL,                  -- YYYY-MM
    troops INTEGER,
    police INTEGER,
    observers INTEGER,
    total INTEGER NOT NULL,
    PRIMARY KEY (mission, month)
);

-- Personnel deployed world-wide per year.
CREATE TABLE deployment_yearly (
    year INTEGER PRIMARY KEY,
    missions INTEGER,
    total INTEGER NOT NULL,
    troops INTEGER,
    police INTEGER,
    observers INTEGER
);
