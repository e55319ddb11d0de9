-- Policy coordination and action tracking (docs/coordination.md): meetings, proposals under
-- the silence procedure, the decisions both produce, commitments (the group's own, Action for
-- Peacekeeping's, the 2017 Action Plan's) and the mission-level actions that carry them out.
-- Meetings, decisions, proposals, commitments and actions are shareable records (docs/sharing.md,
-- rule 5): each carries its own marking. Instants are stored in UTC twice, as RFC 3339 text for
-- people and as milliseconds for comparisons; `time_zone` (an IANA name) only says how a time
-- was written and where a day ends.

-- Meetings (src/meeting/).
CREATE TABLE meeting (
    id TEXT PRIMARY KEY,                                   -- UUIDv7
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    kind TEXT NOT NULL DEFAULT 'plenary'
        CHECK (kind IN ('plenary', 'co_chairs', 'working_group', 'briefing', 'other')),
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'cancelled')),
    starts_at TEXT NOT NULL,                               -- RFC 3339 UTC
    starts_ms INTEGER NOT NULL,
    ends_at TEXT NOT NULL,
    ends_ms INTEGER NOT NULL CHECK (ends_ms >= starts_ms),
    time_zone TEXT NOT NULL,                               -- the zone it was set in
    venue TEXT NULL,
    online_url TEXT NULL,                                  -- http(s) only
    attendance_total INTEGER NULL CHECK (attendance_total >= 0), -- "more than 150 participants"
    minutes TEXT NOT NULL DEFAULT '',                      -- Markdown
    owner_org_id INTEGER NOT NULL REFERENCES org (id),
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    sharing_group_id INTEGER REFERENCES sharing_group (id), -- set for AMBER only
    revision INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER NULL,                               -- no foreign key (see bulletin)
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX meeting_starts ON meeting (starts_ms, id);
CREATE INDEX meeting_owner ON meeting (owner_org_id, id);

CREATE TABLE meeting_agenda_item (
    meeting_id TEXT NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 1),       -- 1, 2, ... in the agenda's order
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    notes TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, position)
) WITHOUT ROWID;

-- The organizations that took part and how many of their people attended (NULL: unknown).
CREATE TABLE meeting_participant (
    meeting_id TEXT NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES org (id),
    attendees INTEGER NULL CHECK (attendees >= 0),
    PRIMARY KEY (meeting_id, org_id)
) WITHOUT ROWID;

-- Proposals under the silence procedure (src/proposal/). Every version of the text is kept;
-- positions are stated on a version, and only the current version's count. The server closes a
-- proposal at its deadline exactly once: the transition is a conditional UPDATE (status still
-- 'open', deadline passed), and the decision it writes is unique per proposal.
CREATE TABLE proposal (
    id TEXT PRIMARY KEY,                                   -- UUIDv7
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'adopted', 'not_adopted', 'withdrawn')),
    version INTEGER NOT NULL DEFAULT 1,                    -- the current version
    deadline TEXT NOT NULL,                                -- RFC 3339 UTC
    deadline_ms INTEGER NOT NULL,
    time_zone TEXT NOT NULL,                               -- the zone the deadline was set in
    meeting_id TEXT NULL REFERENCES meeting (id),          -- where it was tabled, if anywhere
    closed_at TEXT NULL,                                   -- when adopted, not adopted, withdrawn
    closed_ms INTEGER NULL,
    close_reason TEXT NULL,                                -- a withdrawal's reason
    owner_org_id INTEGER NOT NULL REFERENCES org (id),
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    sharing_group_id INTEGER REFERENCES sharing_group (id), -- set for AMBER only
    revision INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The deadline worker's question: open proposals whose deadline has passed.
CREATE INDEX proposal_due ON proposal (status, deadline_ms);
CREATE INDEX proposal_owner ON proposal (owner_org_id, id);

CREATE TABLE proposal_version (
    proposal_id TEXT NOT NULL REFERENCES proposal (id) ON DELETE CASCADE,
    version INTEGER NOT NULL CHECK (version >= 1),
    text TEXT NOT NULL CHECK (length(text) >= 1),          -- Markdown
    -- What adoption creates besides the decision: a commitment and its actions, as JSON
    -- ({"commitment": {...}, "actions": [{...}]}) checked when the version is written; NULL
    -- for none. Read and written by C, never by SQL.
    plan_json TEXT NULL,
    note TEXT NOT NULL DEFAULT '',                         -- what an amendment changed
    restarted_clock INTEGER NOT NULL DEFAULT 0 CHECK (restarted_clock IN (0, 1)),
    created_by INTEGER NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (proposal_id, version)
) WITHOUT ROWID;

CREATE TABLE proposal_sponsor (
    proposal_id TEXT NOT NULL REFERENCES proposal (id) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES org (id),
    PRIMARY KEY (proposal_id, org_id)
) WITHOUT ROWID;

-- Every statement an organization makes, kept: its latest support, break_silence or abstain on
-- the current version is its position; comments are all shown. Only a focal point (or a
-- co-chair) of the organization states them, before the deadline.
CREATE TABLE proposal_position (
    id INTEGER PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES proposal (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    org_id INTEGER NOT NULL REFERENCES org (id),
    position TEXT NOT NULL CHECK (position IN ('support', 'break_silence', 'abstain', 'comment')),
    reasons TEXT NOT NULL DEFAULT '',                      -- required to break silence
    account_id INTEGER NULL,
    created_at TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);

CREATE INDEX proposal_position_by_org ON proposal_position (proposal_id, version, org_id, id);

-- What happened to a proposal, in order: opened, amended, extended, withdrawn, adopted,
-- not_adopted. The timeline of the page and of the dashboards.
CREATE TABLE proposal_event (
    id INTEGER PRIMARY KEY,
    proposal_id TEXT NOT NULL REFERENCES proposal (id) ON DELETE CASCADE,
    kind TEXT NOT NULL
        CHECK (kind IN ('opened', 'amended', 'extended', 'withdrawn', 'adopted', 'not_adopted')),
    version INTEGER NOT NULL,
    deadline TEXT NULL,                                    -- the deadline after the event
    note TEXT NOT NULL DEFAULT '',
    account_id INTEGER NULL,                               -- NULL: the server (at the deadline)
    at TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);

CREATE INDEX proposal_event_by_proposal ON proposal_event (proposal_id, id);

-- Decisions (src/decision/): taken at a meeting, or a proposal's adoption (one per proposal).
-- A decision made from a proposal keeps the proposal's marking and readers.
CREATE TABLE decision (
    id TEXT PRIMARY KEY,                                   -- UUIDv7
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    text TEXT NOT NULL DEFAULT '',                         -- Markdown
    meeting_id TEXT NULL REFERENCES meeting (id),
    proposal_id TEXT NULL UNIQUE REFERENCES proposal (id),
    decided_at TEXT NOT NULL,                              -- RFC 3339 UTC
    decided_ms INTEGER NOT NULL,
    owner_org_id INTEGER NOT NULL REFERENCES org (id),
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    sharing_group_id INTEGER REFERENCES sharing_group (id), -- set for AMBER only
    created_by INTEGER NULL,                               -- NULL: the server
    created_at TEXT NOT NULL,
    CHECK (meeting_id IS NOT NULL OR proposal_id IS NOT NULL)
);

CREATE INDEX decision_decided ON decision (decided_ms, id);
CREATE INDEX decision_meeting ON decision (meeting_id);

-- Commitments (src/commitment/): the group's own (from a decision), Action for Peacekeeping's
-- (one of its eight areas) or the 2017 Action Plan's (one of its four areas).
CREATE TABLE commitment (
    id TEXT PRIMARY KEY,                                   -- UUIDv7
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL CHECK (source IN ('group', 'a4p', 'ap2017')),
    decision_id TEXT NULL REFERENCES decision (id),
    a4p_area TEXT NULL CHECK (a4p_area IN ('politics', 'wps', 'protection', 'safety_security',
                                           'performance', 'peacebuilding', 'partnerships',
                                           'conduct')),
    ap2017_area TEXT NULL CHECK (ap2017_area IN ('mindsets', 'capacities', 'footprint',
                                                 'accountability')),
    made_on TEXT NOT NULL,                                 -- YYYY-MM-DD: no action is due before
    owner_org_id INTEGER NOT NULL REFERENCES org (id),
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    sharing_group_id INTEGER REFERENCES sharing_group (id), -- set for AMBER only
    revision INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (source <> 'group' OR decision_id IS NOT NULL),
    CHECK (source <> 'a4p' OR a4p_area IS NOT NULL),
    CHECK (source <> 'ap2017' OR ap2017_area IS NOT NULL)
);

CREATE INDEX commitment_decision ON commitment (decision_id);
CREATE INDEX commitment_owner ON commitment (owner_org_id, id);

-- Mission-level actions (src/action/), in table mission_action (ACTION is an SQL keyword). `due_ms` is the instant the due day ends in the
-- action's time zone (the mission's unless given): after it, an action neither done nor
-- dropped is overdue.
CREATE TABLE mission_action (
    id TEXT PRIMARY KEY,                                   -- UUIDv7
    commitment_id TEXT NOT NULL REFERENCES commitment (id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description TEXT NOT NULL DEFAULT '',
    mission TEXT NOT NULL REFERENCES mission (acronym),
    responsible_org_id INTEGER NOT NULL REFERENCES org (id),
    responsible_unit TEXT NOT NULL DEFAULT '',             -- "Force HQ J3", "Sector West"
    due_date TEXT NOT NULL,                                -- YYYY-MM-DD, in time_zone
    time_zone TEXT NOT NULL,
    due_ms INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'planned'
        CHECK (status IN ('planned', 'in_progress', 'done', 'blocked', 'dropped')),
    status_reason TEXT NOT NULL DEFAULT '',                -- required for dropped
    done_at TEXT NULL,
    done_ms INTEGER NULL,
    owner_org_id INTEGER NOT NULL REFERENCES org (id),
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    sharing_group_id INTEGER REFERENCES sharing_group (id), -- set for AMBER only
    revision INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (status <> 'dropped' OR length(status_reason) > 0)
);

CREATE INDEX action_commitment ON mission_action (commitment_id, id);
CREATE INDEX action_mission ON mission_action (mission, id);
CREATE INDEX action_responsible ON mission_action (responsible_org_id, id);
-- The overdue question: open actions by the end of their due day.
CREATE INDEX action_due ON mission_action (status, due_ms);

-- Progress updates: a note, perhaps a status change, evidence and indicator values.
CREATE TABLE action_update (
    id INTEGER PRIMARY KEY,
    action_id TEXT NOT NULL REFERENCES mission_action (id) ON DELETE CASCADE,
    status_from TEXT NOT NULL,
    status_to TEXT NULL,                                   -- NULL: no change of status
    note TEXT NOT NULL DEFAULT '',
    account_id INTEGER NULL,
    org_id INTEGER NOT NULL REFERENCES org (id),
    at TEXT NOT NULL,
    at_ms INTEGER NOT NULL
);

CREATE INDEX action_update_by_action ON action_update (action_id, id);

-- Evidence of an update: a record of this platform (checked visible to its writer when written,
-- and again against each reader when shown) or a link.
CREATE TABLE action_evidence (
    update_id INTEGER NOT NULL REFERENCES action_update (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('incident', 'alert', 'bulletin', 'decision', 'meeting',
                                       'link')),
    ref TEXT NOT NULL,                                     -- a record's id, or an http(s) URL
    label TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (update_id, position)
) WITHOUT ROWID;

CREATE TABLE action_indicator (
    id INTEGER PRIMARY KEY,
    action_id TEXT NOT NULL REFERENCES mission_action (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    unit TEXT NOT NULL DEFAULT '',                         -- "%", "personnel trained", "sites"
    baseline REAL NULL,
    target REAL NOT NULL,
    current REAL NULL,
    updated_at TEXT NULL,
    UNIQUE (action_id, name)
);

-- Each value an update gave an indicator: the indicator's history.
CREATE TABLE action_indicator_value (
    update_id INTEGER NOT NULL REFERENCES action_update (id) ON DELETE CASCADE,
    indicator_id INTEGER NOT NULL REFERENCES action_indicator (id) ON DELETE CASCADE,
    value REAL NOT NULL,
    PRIMARY KEY (update_id, indicator_id)
) WITHOUT ROWID;

-- Overdue reminders sent: one per action and day (the day in the action's time zone), so a
-- restart or a second pass in the same day tells nobody twice.
CREATE TABLE action_reminder (
    action_id TEXT NOT NULL REFERENCES mission_action (id) ON DELETE CASCADE,
    day TEXT NOT NULL,                                     -- YYYY-MM-DD in action.time_zone
    sent_at TEXT NOT NULL,
    PRIMARY KEY (action_id, day)
) WITHOUT ROWID;

-- The owner's acceptance of the group, written with the row (docs/sharing.md, rule 5).

CREATE TRIGGER meeting_sharing_audience_insert AFTER INSERT ON meeting
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER meeting_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON meeting
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER proposal_sharing_audience_insert AFTER INSERT ON proposal
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER proposal_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON proposal
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER decision_sharing_audience_insert AFTER INSERT ON decision
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER decision_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON decision
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER commitment_sharing_audience_insert AFTER INSERT ON commitment
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER commitment_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON commitment
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER action_sharing_audience_insert AFTER INSERT ON mission_action
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER action_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON mission_action
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;
