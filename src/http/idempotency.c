/* Idempotency-Key replay (http/idempotency.h): the stored replies and their statements. */
#include "http/idempotency.h"

#include "base/log.h"
#include "base/timeutil.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static void request_hash(struct http_request *req, char out[65])
{
    crypto_generichash_state st;
    unsigned char h[32];
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)req->method, strlen(req->method) + 1);
    crypto_generichash_update(&st, (const unsigned char *)req->path, strlen(req->path) + 1);
    crypto_generichash_update(&st, (const unsigned char *)req->body, req->body_len);
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* Looks up a stored reply for this key. Returns 1 when one was replayed into `rep` (or a
 * conflict written), 0 when the request must run, -1 on a store error (written). */
static int idempotency_replay(struct http_request *req, struct http_reply *rep, struct db *db,
                              const char *key, const char *hash)
{
    struct db_stmt *st;
    struct bh_error err;
    int rc = db_prepare(db,
                        "SELECT request_hash, status, content_type, body FROM idempotency "
                        "WHERE account_id = ? AND idem_key = ?",
                        &st, &err);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return -1;
    }
    db_bind_int(st, 1, req->who.account_id);
    db_bind_text(st, 2, key);
    rc = db_step(st, &err);
    if (rc != DB_ROW) {
        db_stmt_done(st);
        if (rc < 0) {
            http_reply_error(req, rep, rc, &err);
            return -1;
        }
        return 0;
    }
    if (strcmp(db_column_text(st, 0), hash) != 0) {
        db_stmt_done(st);
        http_reply_problem(req, rep, BH_EUNPROCESSABLE,
                           "this Idempotency-Key was already used for a different request; "
                           "use a new key for a new request",
                           "Idempotency-Key");
        return 1;
    }
    const char *body = db_column_text(st, 3);
    http_reply_body(rep, (int)db_column_int(st, 1), arena_strdup(req->arena, db_column_text(st, 2)),
                    arena_strdup(req->arena, body), strlen(body), NULL);
    db_stmt_done(st);
    http_reply_header(req, rep, "Idempotent-Replayed", "true");
    return 1;
}

static int idempotency_store(struct http_request *req, struct http_reply *rep, struct db *db,
                             const char *key, const char *hash, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO idempotency (account_id, idem_key, method, path, "
                        "request_hash, status, content_type, body, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        &st, err);
    if (rc)
        return rc;
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, true, now);
    db_bind_int(st, 1, req->who.account_id);
    db_bind_text(st, 2, key);
    db_bind_text(st, 3, req->method);
    db_bind_text(st, 4, req->path);
    db_bind_text(st, 5, hash);
    db_bind_int(st, 6, rep->status);
    db_bind_text(st, 7, rep->content_type ? rep->content_type : "application/json");
    /* A reply carrying a secret is stored without it: the replay says the secret was already
     * shown (null) instead of keeping, say, an API token in the clear. */
    char *stored = NULL;
    if (rep->secret_field && rep->body) {
        json_t *j = json_loadb(rep->body, rep->body_len, 0, NULL);
        if (json_is_object(j) && json_object_get(j, rep->secret_field))
            json_object_set_new(j, rep->secret_field, json_null());
        stored = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
        json_decref(j);
    }
    db_bind_text(st, 8, stored ? stored : rep->body ? rep->body : "");
    free(stored);
    db_bind_text(st, 9, now);
    rc = db_step(st, err);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* Runs the handler under Idempotency-Key: the handler's writes and the stored reply commit in
 * one transaction, so a retry either finds the reply or finds nothing was written. Two
 * concurrent retries queue on the write lock and the second replays the first. */
void http_idempotency_run(struct http_request *req,
                          void (*handler)(struct http_request *req, struct http_reply *rep),
                          struct http_reply *rep, const char *key)
{
    size_t n = strlen(key);
    int printable = n > 0 && n <= 255;
    for (size_t i = 0; printable && i < n; i++)
        printable = key[i] > 0x20 && key[i] < 0x7f;
    if (!printable) {
        http_reply_problem(req, rep, BH_EINVALID,
                           "Idempotency-Key must be 1 to 255 printable ASCII characters",
                           "Idempotency-Key");
        return;
    }
    struct db *db;
    struct bh_error err;
    int rc = http_request_db(req, &db, &err);
    if (rc == 0)
        rc = db_begin(db, &err);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return;
    }
    char hash[65];
    request_hash(req, hash);
    if (idempotency_replay(req, rep, db, key, hash) != 0) {
        db_rollback(db);
        return;
    }
    handler(req, rep);
    if (rep->status < 200 || rep->status > 299) {
        /* Failed requests are not stored: the client may fix the cause and retry. */
        db_rollback(db);
        return;
    }
    rc = idempotency_store(req, rep, db, key, hash, &err);
    if (rc == 0)
        rc = db_commit(db, &err);
    if (rc) {
        db_rollback(db);
        log_error("idempotency: %s", err.message);
        http_reply_error(req, rep, rc, &err);
    }
}
