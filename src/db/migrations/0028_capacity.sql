-- Capacity building (src/capacity/, docs/capacity.md): the marketplace and the ledger of the
-- UN's Light Coordination Mechanism. Contributors post needs, providers post offers, the
-- platform proposes the assignment that covers the most priority-weighted need, coordinators
-- confirm matches, providers record the training they delivered, and the gap reports say what
-- is still missing per mission and per contributing country.
--
-- Needs, offers and training courses are shareable records (docs/sharing.md, record types
-- 'need', 'offer', 'training'). They are written for other organizations to act on, so their
-- marking is CLEAR, GREEN or AMBER (a sharing group): a need nobody else may read cannot be
-- met. A match is read by whoever reads both its need and its offer.

-- A contributor's need: so many seats, units, person-days or dollars of one capability, in
-- one time frame. How much of it is covered is not stored: it is the sum of its confirmed
-- matches (capacity_match), so that it can never disagree with them.
CREATE TABLE capacity_need (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,                        -- UUIDv7
    owner_org_id INTEGER NOT NULL REFERENCES org (id), -- the requesting organization
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER')),
    sharing_group_id INTEGER REFERENCES sharing_group (id), -- set for AMBER only
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'withdrawn')),
    -- The mission the need serves (a contingent deployed there, or the mission's own need).
    mission TEXT NULL REFERENCES mission (acronym),
    category TEXT NOT NULL CHECK (category IN ('training', 'lessons_learned', 'mentoring',
        'advise_assist', 'equipment', 'infrastructure', 'logistics', 'financial')),
    capability TEXT NOT NULL,                       -- a code of capacity_capabilities[]
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit TEXT NOT NULL CHECK (unit IN ('seats', 'units', 'person_days', 'usd')),
    priority TEXT NOT NULL CHECK (priority IN ('critical', 'high', 'medium', 'low')),
    starts_on TEXT NOT NULL,                        -- YYYY-MM-DD: the time frame
    ends_on TEXT NOT NULL CHECK (ends_on >= starts_on),
    -- The languages the people to be trained or advised work in: codes separated by one
    -- space ("fr ar"); empty when any will do.
    languages TEXT NOT NULL DEFAULT '',
    location TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,             -- the If-Match revision
    created_by INTEGER NULL,                        -- the author's account (no foreign key)
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX capacity_need_open ON capacity_need (status, category, capability, n);
CREATE INDEX capacity_need_owner ON capacity_need (owner_org_id, n);
CREATE INDEX capacity_need_mission ON capacity_need (mission, n);

-- A provider's offer: so much capacity of one capability, in one period, in some languages,
-- under conditions. `for_org_id` is set when the offer is made to one contributor only
-- ("Germany offers Rwanda 20 seats"); two such offers of one capability from different
-- providers to the same contributor in overlapping periods are duplicated support.
CREATE TABLE capacity_offer (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    owner_org_id INTEGER NOT NULL REFERENCES org (id), -- the providing organization
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER')),
    sharing_group_id INTEGER REFERENCES sharing_group (id),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'withdrawn')),
    category TEXT NOT NULL CHECK (category IN ('training', 'lessons_learned', 'mentoring',
        'advise_assist', 'equipment', 'infrastructure', 'logistics', 'financial')),
    capability TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    unit TEXT NOT NULL CHECK (unit IN ('seats', 'units', 'person_days', 'usd')),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL CHECK (ends_on >= starts_on),
    languages TEXT NOT NULL DEFAULT '',             -- the languages it is given in
    for_org_id INTEGER NULL REFERENCES org (id),
    location TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    conditions TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX capacity_offer_open ON capacity_offer (status, category, capability, n);
CREATE INDEX capacity_offer_owner ON capacity_offer (owner_org_id, n);

-- A match a coordinator confirmed: `quantity` of the offer goes to the need. The sum of a
-- need's confirmed matches never exceeds its quantity, nor an offer's its capacity
-- (src/capacity/match.c checks both in the confirming transaction). A cancelled match stays,
-- with its reason, for the record.
CREATE TABLE capacity_match (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    need_n INTEGER NOT NULL REFERENCES capacity_need (n),
    offer_n INTEGER NOT NULL REFERENCES capacity_offer (n),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    score INTEGER NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
    status TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
    note TEXT NOT NULL DEFAULT '',
    confirmed_by INTEGER NULL,                      -- the coordinator's account
    coordinator_org_id INTEGER NOT NULL REFERENCES org (id),
    confirmed_at TEXT NOT NULL,
    cancelled_at TEXT NULL,
    cancel_reason TEXT NULL
);

-- One confirmed match per pair: confirming the same pair again is the same match (a retried
-- request), never a second one.
CREATE UNIQUE INDEX capacity_match_pair ON capacity_match (need_n, offer_n)
    WHERE status = 'confirmed';
CREATE INDEX capacity_match_offer ON capacity_match (offer_n, status);

-- What reads records by kind and id rather than from their own table (the audit log, the
-- live stream, notifications, webhooks: api_record_kinds) finds a match here. A match has no
-- marking and no owner of its own: its owner_org_id is NULL, and capacity_match_predicate()
-- lets through only the readers of both its need and its offer, so that an auditor of another
-- organization is not told, by a match.confirm entry, the ids of an AMBER need and its offer.
CREATE VIEW capacity_match_record AS
SELECT id, CAST(NULL AS INTEGER) AS owner_org_id, need_n, offer_n FROM capacity_match;

-- A provider's course (a training offer made concrete), delivered one or more times.
CREATE TABLE training_course (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    owner_org_id INTEGER NOT NULL REFERENCES org (id), -- the provider
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER')),
    sharing_group_id INTEGER REFERENCES sharing_group (id),
    category TEXT NOT NULL CHECK (category IN ('training', 'lessons_learned', 'mentoring',
        'advise_assist', 'equipment', 'infrastructure', 'logistics', 'financial')),
    capability TEXT NOT NULL,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    languages TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    offer_n INTEGER NULL REFERENCES capacity_offer (n), -- the offer it carries out, if any
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX training_course_owner ON training_course (owner_org_id, n);

-- One delivery of a course: when, where, and whether it took place. It is read under its
-- course's marking.
CREATE TABLE training_delivery (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    course_n INTEGER NOT NULL REFERENCES training_course (n) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'completed', 'cancelled')),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL CHECK (ends_on >= starts_on),
    location TEXT NOT NULL DEFAULT '',
    mission TEXT NULL REFERENCES mission (acronym),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX training_delivery_course ON training_delivery (course_n, starts_on);

-- Who took part: so many people of each organization, and how many completed.
CREATE TABLE training_participant (
    delivery_n INTEGER NOT NULL REFERENCES training_delivery (n) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES org (id),
    enrolled INTEGER NOT NULL CHECK (enrolled > 0),
    completed INTEGER NOT NULL DEFAULT 0 CHECK (completed BETWEEN 0 AND enrolled),
    PRIMARY KEY (delivery_n, org_id)
) WITHOUT ROWID;

-- The needs a delivery served, with the seats it gave each.
CREATE TABLE training_need (
    delivery_n INTEGER NOT NULL REFERENCES training_delivery (n) ON DELETE CASCADE,
    need_n INTEGER NOT NULL REFERENCES capacity_need (n),
    seats INTEGER NOT NULL CHECK (seats > 0),
    PRIMARY KEY (delivery_n, need_n)
) WITHOUT ROWID;

CREATE INDEX training_need_need ON training_need (need_n, delivery_n);

-- The owner's acceptance of an AMBER audience (migration 0011), for each shareable table.
CREATE TRIGGER capacity_need_sharing_audience_insert AFTER INSERT ON capacity_need
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER capacity_need_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON capacity_need
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER capacity_offer_sharing_audience_insert AFTER INSERT ON capacity_offer
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER capacity_offer_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON capacity_offer
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER training_course_sharing_audience_insert AFTER INSERT ON training_course
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER training_course_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON training_course
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;
