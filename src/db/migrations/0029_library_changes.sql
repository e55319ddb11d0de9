-- What changed in the library since a moment, for the in-memory search index
-- (src/library/search_memory.c): every process that searches keeps its own copy of the index
-- and brings it up to date from here before it answers, so that a document written by
-- another process, by the API or by plain SQL (the benchmark publishes that way) is never
-- found by its old words or under its old marking.
--
-- A row is "document n may have changed": its marking, status, tags or words. The copy reads
-- the document again, so one row per write is enough, and replaying one twice is harmless.
CREATE TABLE library_change (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    n INTEGER NOT NULL
);

-- Which store this is: a process that searches two stores one after another (the tests)
-- notices that its copy is of the other one.
CREATE TABLE library_index_state (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    store_uid TEXT NOT NULL
);
INSERT INTO library_index_state (one, store_uid) VALUES (1, lower(hex(randomblob(16))));

-- The log keeps its last 10,000 rows: a copy further behind than that reads everything again.
CREATE TRIGGER library_change_trim AFTER INSERT ON library_change
WHEN NEW.seq % 1000 = 0 BEGIN
    DELETE FROM library_change WHERE seq <= NEW.seq - 10000;
END;

CREATE TRIGGER library_change_document_insert AFTER INSERT ON document BEGIN
    INSERT INTO library_change (n) VALUES (NEW.n);
END;
CREATE TRIGGER library_change_document_update AFTER UPDATE ON document BEGIN
    INSERT INTO library_change (n) VALUES (NEW.n);
END;
CREATE TRIGGER library_change_document_delete AFTER DELETE ON document BEGIN
    INSERT INTO library_change (n) VALUES (OLD.n);
END;
CREATE TRIGGER library_change_tag_insert AFTER INSERT ON document_tag BEGIN
    INSERT INTO library_change (n) VALUES (NEW.document_n);
END;
CREATE TRIGGER library_change_tag_delete AFTER DELETE ON document_tag BEGIN
    INSERT INTO library_change (n) VALUES (OLD.document_n);
END;
