/* The library as one JSON array (`bluehelm export library`, GET /api/v1/library/export): every
 * document the reader may see, in the shape library_get gives it, produced one document at a
 * time so that a large library is never held whole (a server building 100,000 documents in
 * memory for one request would be a way to exhaust it). */
#include "library/library.h"

#include "library/internal.h"

#include "audit/audit.h"
#include "base/buf.h"
#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

struct library_export {
    struct db *db;
    struct principal who;
    json_t *ids;  /* what to write, oldest first */
    size_t next;  /* the index of the next id */
    bool started; /* "[" written */
    bool who_given;
};

static bool status_ok(const char *status)
{
    return strcmp(status, "published") == 0 || strcmp(status, "in_review") == 0 ||
           strcmp(status, "draft") == 0 || strcmp(status, "any") == 0;
}

/* The ids of the documents `who` sees with that status, oldest first, and in `restricted`
 * those whose read an admin's export audits. Ids only: each document is then read by
 * library_read, which applies the same predicate. */
static int export_ids(struct db *db, const struct principal *who, const char *status, json_t *ids,
                      json_t *restricted, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT d.id, d.tlp FROM document d WHERE ");
    if (strcmp(status, "any") != 0) {
        buf_puts(&sql, "d.status = ? AND ");
        db_params_text(&params, status);
    }
    library_predicate(who, "d", &sql, &params);
    buf_puts(&sql, " ORDER BY d.n");
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        json_array_append_new(ids, json_string(db_column_text(st, 0)));
        if (audit_read_needed(who, db_column_text(st, 1)))
            json_array_append_new(restricted, json_string(db_column_text(st, 0)));
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int library_export_begin(struct db *db, struct db *audit_db, const struct principal *who,
                         const char *status, struct library_export **out, struct bh_error *err)
{
    *out = NULL;
    if (!status)
        status = "published";
    if (!status_ok(status))
        return bh_fail(err, BH_EINVALID, "status", "'%s' is not published, in_review, draft or any",
                       status);
    struct library_export *x = xcalloc(1, sizeof *x);
    x->db = db;
    if (who)
        x->who = *who;
    x->ids = json_array();
    json_t *restricted = json_array();
    int rc = export_ids(db, who ? &x->who : NULL, status, x->ids, restricted, err);
    if (!rc)
        rc = audit_read_ids(audit_db, who, "document", restricted, err);
    json_decref(restricted);
    if (rc) {
        library_export_free(x);
        return rc;
    }
    x->who_given = who != NULL;
    *out = x;
    return 0;
}

int library_export_next(struct library_export *x, struct buf *out, struct bh_error *err)
{
    const struct principal *who = x->who_given ? &x->who : NULL;
    while (x->next < json_array_size(x->ids)) {
        const char *id = json_string_value(json_array_get(x->ids, x->next++));
        json_t *doc = NULL;
        int rc = library_read(x->db, who, id, &doc, err);
        if (rc == BH_ENOTFOUND) /* deleted, or narrowed, since the ids were read */
            continue;
        if (rc)
            return rc;
        json_object_del(doc, "can");
        json_object_del(doc, "body_html");
        char *text = json_dumps(doc, JSON_COMPACT);
        json_decref(doc);
        if (!text)
            return bh_fail(err, BH_ENOMEM, NULL, "out of memory");
        buf_puts(out, x->started ? ",\n" : "[\n");
        buf_puts(out, text);
        free(text);
        x->started = true;
        return 0;
    }
    buf_puts(out, x->started ? "\n]\n" : "[]\n");
    return 1;
}

void library_export_free(struct library_export *x)
{
    if (!x)
        return;
    json_decref(x->ids);
    free(x);
}

int library_export_json(struct db *db, const struct principal *who, const char *status,
                        int (*write)(void *ctx, const char *s, size_t n), void *ctx,
                        struct bh_error *err)
{
    struct library_export *x;
    int rc = library_export_begin(db, db, who, status, &x, err);
    struct buf piece = BUF_INIT;
    while (!rc) {
        buf_reset(&piece);
        rc = library_export_next(x, &piece, err);
        if (rc >= 0 && write(ctx, piece.data, piece.len))
            rc = bh_fail(err, BH_EIO, NULL, "the export could not be written");
        if (rc == 1) {
            rc = 0;
            break;
        }
    }
    buf_cleanup(&piece);
    library_export_free(x);
    return rc;
}
