-- Replies to POST requests that carried an Idempotency-Key, so a retried request (a client
-- on a slow link that never saw the first answer) gets the first result and creates nothing
-- twice. Keys are scoped to the account that sent them.
CREATE TABLE idempotency (
    account_id INTEGER NOT NULL,
    idem_key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    request_hash TEXT NOT NULL,      -- BLAKE2b of method, path and body: a reused key with a
                                     -- different request is refused, not replayed
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (account_id, idem_key)
);
