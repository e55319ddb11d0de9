-- The knowledge library (src/library/, docs/library.md): case studies, lessons learned, best
-- practices and after-action review summaries, written by a member organization, reviewed by
-- others, published, endorsed, searched. A document is a shareable record (docs/sharing.md,
-- record type 'document'); a draft is its organization's working copy whatever its marking
-- (sharing_draft_predicate). Every change is a new version, kept whole, and every version and
-- every comment keeps the marking the document had when it was written: they are read under
-- that marking *and* the document's current one, so widening a document never shows what was
-- written for a narrower audience (the rule of incident revisions, migration 0012).

-- The columns a search reads for every match (the visibility rule's, the filters', the order's)
-- come first and the long texts last: SQLite reads a row's columns in order, and a column
-- after a long body is reached through the body's overflow pages. document_visibility below
-- covers them, so that a search checks tens of thousands of matches without touching a text.
CREATE TABLE document (
    n INTEGER PRIMARY KEY,                        -- the search index's rowid
    id TEXT NOT NULL UNIQUE,                      -- UUIDv7
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'published')),
    owner_org_id INTEGER NOT NULL REFERENCES org (id),
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    sharing_group_id INTEGER REFERENCES sharing_group (id), -- set for AMBER only
    kind TEXT NOT NULL CHECK (kind IN ('case_study', 'lesson', 'best_practice', 'aar')),
    year INTEGER NOT NULL,                        -- the facet: occurred_on's year, else created_at's
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,           -- the current version; the If-Match revision
    language TEXT NOT NULL DEFAULT 'en'
        CHECK (language IN ('en', 'fr', 'ar', 'zh', 'ru', 'es')),
    occurred_on TEXT NULL,                        -- YYYY-MM-DD: the events' first day
    created_at TEXT NOT NULL,
    submitted_at TEXT NULL,                       -- the latest move to in_review
    published_at TEXT NULL,                       -- the first publication, set once
    created_by INTEGER NULL,                      -- the author's account (no foreign key)
    -- `bluehelm import library`: the file's key (its front matter's "key", else its name
    -- without .md), so that importing a folder again updates, never duplicates.
    import_key TEXT NULL,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    summary TEXT NOT NULL DEFAULT '',
    -- The structured fields of a lesson (plain text; the app shows line breaks).
    context TEXT NOT NULL DEFAULT '',
    what_happened TEXT NOT NULL DEFAULT '',
    what_worked TEXT NOT NULL DEFAULT '',
    what_did_not TEXT NOT NULL DEFAULT '',
    recommendations TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',                -- Markdown, as written
    UNIQUE (owner_org_id, import_key)
);

CREATE INDEX document_status ON document (status, year, n);
-- What a search reads of each match (search_sqlite.c reads it through this index only).
CREATE INDEX document_visibility ON document (n, status, tlp, owner_org_id, sharing_group_id,
    id, kind, year, updated_at);
CREATE INDEX document_owner ON document (owner_org_id, n);

-- Tags, one row a value: threat types (taxonomy codes), missions (acronyms), activities and
-- A4P areas (closed lists, src/library/tags.c) and free keywords.
CREATE TABLE document_tag (
    document_n INTEGER NOT NULL REFERENCES document (n) ON DELETE CASCADE,
    facet TEXT NOT NULL CHECK (facet IN ('threat', 'mission', 'activity', 'a4p', 'keyword')),
    value TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 60),
    PRIMARY KEY (document_n, facet, value)
) WITHOUT ROWID;

-- Related documents and facet filters go from a tag to its documents.
CREATE INDEX document_tag_value ON document_tag (facet, value, document_n);

-- Records of this platform a document is about: checked visible to its writer when written,
-- and against each reader when shown (a hidden one shows as hidden, nothing of it).
CREATE TABLE document_link (
    document_n INTEGER NOT NULL REFERENCES document (n) ON DELETE CASCADE,
    record_type TEXT NOT NULL CHECK (record_type IN ('incident', 'alert', 'action')),
    record_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (document_n, record_type, record_id)
) WITHOUT ROWID;

-- "Lessons about this incident" goes from the record to its documents.
CREATE INDEX document_link_record ON document_link (record_type, record_id, document_n);

-- Every version, whole: the document as JSON after the change (fields, tags, links), with the
-- marking and status it had then. The id is "<document id>/<version>", its RED readers
-- tlp_recipient rows of record type 'document_version'.
CREATE TABLE document_version (
    document_n INTEGER NOT NULL REFERENCES document (n) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    id TEXT NOT NULL UNIQUE,
    snapshot TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',                -- the writer's word on the change
    status TEXT NOT NULL,
    owner_org_id INTEGER NOT NULL REFERENCES org (id),
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    sharing_group_id INTEGER,                     -- no foreign key, as incident revisions
    created_at TEXT NOT NULL,
    created_by INTEGER NULL,
    PRIMARY KEY (document_n, version)
) WITHOUT ROWID;

-- Comments, threaded (parent_id), each on the version it was written against; a reviewer's
-- comment may carry a verdict. The marking and status are the document's at the time of
-- writing (see the top); RED readers are tlp_recipient rows of record type
-- 'document_comment'.
CREATE TABLE document_comment (
    id TEXT PRIMARY KEY,                          -- UUIDv7
    document_n INTEGER NOT NULL REFERENCES document (n) ON DELETE CASCADE,
    parent_id TEXT NULL REFERENCES document_comment (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    verdict TEXT NOT NULL DEFAULT 'comment' CHECK (verdict IN ('comment', 'approve', 'changes')),
    body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    org_id INTEGER NOT NULL REFERENCES org (id),  -- the writer's organization
    account_id INTEGER NULL,                      -- the writer (no foreign key)
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    owner_org_id INTEGER NOT NULL REFERENCES org (id),
    tlp TEXT NOT NULL CHECK (tlp IN ('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED')),
    sharing_group_id INTEGER
);

CREATE INDEX document_comment_by_document ON document_comment (document_n, id);

-- An organization's endorsement of a published document ("Brazil endorses this practice"):
-- one per organization, never the owner's own.
CREATE TABLE document_endorsement (
    document_n INTEGER NOT NULL REFERENCES document (n) ON DELETE CASCADE,
    org_id INTEGER NOT NULL REFERENCES org (id),
    account_id INTEGER NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (document_n, org_id)
) WITHOUT ROWID;

-- The search index (src/library/search_sqlite.c keeps it, the only place that knows it is
-- FTS5): a copy of each document's words, columns weighted by bm25() there. It holds its own
-- content rather than reading a view, so that a document's row is replaced by rowid without
-- the old text (tags change apart from the document's row). Porter stems English; the other
-- languages are only folded (case, diacritics).
CREATE VIRTUAL TABLE document_fts USING fts5 (title, summary, fields, body, tags,
    tokenize = 'porter unicode61 remove_diacritics 2');

-- The owner's acceptance of the group, written with the row (docs/sharing.md, rule 5). A
-- version or comment copies the document's marking of its time, whose acceptance was written
-- then, so they need no trigger of their own.
CREATE TRIGGER document_sharing_audience_insert AFTER INSERT ON document
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

CREATE TRIGGER document_sharing_audience_update
AFTER UPDATE OF tlp, sharing_group_id, owner_org_id ON document
WHEN NEW.tlp = 'AMBER' AND NEW.sharing_group_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, org_id)
    SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id
    FROM sharing_group_member m WHERE m.group_id = NEW.sharing_group_id;
END;

-- Action evidence may now be a library document (issue 16): the kind list is a CHECK, which
-- SQLite cannot alter, so the table is made again with the same rows.
CREATE TABLE action_evidence_new (
    update_id INTEGER NOT NULL REFERENCES action_update (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('incident', 'alert', 'bulletin', 'decision', 'meeting',
                                       'document', 'link')),
    ref TEXT NOT NULL,                                     -- a record's id, or an http(s) URL
    label TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (update_id, position)
) WITHOUT ROWID;
INSERT INTO action_evidence_new (update_id, position, kind, ref, label)
    SELECT update_id, position, kind, ref, label FROM action_evidence;
DROP TABLE action_evidence;
ALTER TABLE action_evidence_new RENAME TO action_evidence;
