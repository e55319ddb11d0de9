-- Organizations of the Group of Friends: member states, regional organizations, UN entities
-- and missions, their standing in the group and their contributor roles. Every account
-- belongs to one organization and every shareable record is owned by one (owner_org_id).

CREATE TABLE org (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,        -- ISO3 for states (CHN), an acronym otherwise (LAS, DPO)
    kind TEXT NOT NULL
        CHECK (kind IN ('member_state', 'regional_org', 'un_entity', 'mission')),
    name TEXT NOT NULL,
    standing TEXT NOT NULL DEFAULT 'none'
        CHECK (standing IN ('co_chair', 'member', 'observer', 'none')),
    -- Contributor roles, one column each so a query can filter on one without bit arithmetic.
    role_tcc INTEGER NOT NULL DEFAULT 0 CHECK (role_tcc IN (0, 1)),
    role_pcc INTEGER NOT NULL DEFAULT 0 CHECK (role_pcc IN (0, 1)),
    role_financial INTEGER NOT NULL DEFAULT 0 CHECK (role_financial IN (0, 1)),
    role_host INTEGER NOT NULL DEFAULT 0 CHECK (role_host IN (0, 1)),
    country_iso3 TEXT REFERENCES country (iso3),      -- member states only
    mission_acronym TEXT REFERENCES mission (acronym), -- missions only
    joined TEXT,                      -- YYYY-MM-DD; NULL when not a member of the group
    created_at TEXT NOT NULL          -- RFC 3339 UTC
);

CREATE INDEX org_kind ON org (kind, code);
