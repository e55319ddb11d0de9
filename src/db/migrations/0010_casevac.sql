-- CASEVAC timeline: for one casualty record, when each step of the chain of care happened.
-- The 10-1-2 compliance is computed from these times when read (src/casevac/), not stored,
-- so a corrected time corrects every summary.
CREATE TABLE casevac (
    casualty_id TEXT PRIMARY KEY REFERENCES casualty (id), -- casualty.id (UUID)
    injury_at TEXT,                       -- RFC 3339 UTC, each NULL until known
    first_aid_at TEXT,
    advanced_care_at TEXT,
    surgery_at TEXT,
    evac_requested_at TEXT,
    evac_launched_at TEXT,
    evac_arrived_at TEXT,
    notes TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX casualty_incident ON casualty (incident_id) WHERE incident_id IS NOT NULL;
