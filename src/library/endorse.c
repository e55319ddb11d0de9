/* Endorsements: "Brazil endorses this practice", one per member organization, of published
 * documents only (an endorsement of a text still changing would endorse words not yet
 * written), never by the owner (an organization endorsing its own practice says nothing). */
#include "library/library.h"

#include "library/internal.h"

#include "audit/audit.h"
#include "base/jsonfield.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "feed/feed.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *library_endorsements_json(struct db *db, const struct principal *who, int64_t n,
                                  struct bh_error *err)
{
    json_t *orgs = json_array();
    bool mine = false;
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT o.code, o.name, e.created_at, e.org_id FROM document_endorsement "
                        "e JOIN org o ON o.id = e.org_id WHERE e.document_n = ? ORDER BY "
                        "e.created_at, o.code",
                        &st, err);
    if (!rc) {
        db_bind_int(st, 1, n);
        while ((rc = db_step(st, err)) == DB_ROW) {
            json_array_append_new(orgs, json_pack("{s:s, s:s, s:s}", "code", db_column_text(st, 0),
                                                  "name", db_column_text(st, 1), "at",
                                                  db_column_text(st, 2)));
            mine |= who && who->org_id > 0 && db_column_int(st, 3) == who->org_id;
        }
        db_stmt_done(st);
    }
    if (rc < 0) {
        json_decref(orgs);
        return NULL;
    }
    return json_pack("{s:I, s:o, s:b}", "count", (json_int_t)json_array_size(orgs), "orgs", orgs,
                     "mine", mine);
}

static int may_endorse(const struct principal *who, struct bh_error *err)
{
    if (!who || who->org_id <= 0 || !role_can(who->role, &perm_library_endorse))
        return bh_fail(err, BH_EDENIED, NULL, "the %s role may not endorse library documents",
                       who && role_name(who->role) ? role_name(who->role) : "anonymous");
    return 0;
}

/* Tells the document's authors (its versions' writers) that `who`'s organization endorsed
 * it. */
static int notify_authors(struct db *db, const struct principal *who, int64_t n, const char *id,
                          struct bh_error *err)
{
    char *title;
    int rc = library_notice_title(db, n, &title, err);
    if (rc || !title)
        return rc;
    json_t *p = json_pack("{s:s, s:s}", "title", title, "org", who->org_code);
    char *params = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(p);
    free(title);
    char link[96];
    snprintf(link, sizeof link, "/library/%s", id);
    int64_t *authors = NULL;
    size_t count = 0;
    rc = library_authors(db, n, &authors, &count, err);
    for (size_t i = 0; !rc && i < count; i++)
        if (authors[i] != who->account_id)
            rc = notify_account(db, authors[i], "library.endorsed", "document", id, params, link,
                                err);
    free(authors);
    free(params);
    return rc;
}

/* Ends a write: commits (or rolls back) and reads the endorsements. */
static int finish(struct db *db, const struct principal *who, int64_t n, bool told, int rc,
                  json_t **out, struct bh_error *err)
{
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    if (told)
        feed_notify();
    *out = library_endorsements_json(db, who, n, err);
    return *out ? 0 : BH_ESTORE;
}

int library_endorse(struct db *db, const struct principal *who, const char *id, const char *note,
                    json_t **out, struct bh_error *err)
{
    *out = NULL;
    int rc = may_endorse(who, err);
    if (rc)
        return rc;
    if (note && strlen(note) > LIBRARY_NOTE_MAX)
        return bh_fail(err, BH_EINVALID, "note", "the note is longer than %d bytes",
                       LIBRARY_NOTE_MAX);
    json_t *check = note ? json_string(note) : NULL;
    if (note && !check)
        return bh_fail(err, BH_EINVALID, "note", "the note is not valid UTF-8");
    json_decref(check);
    if ((rc = db_begin(db, err)))
        return rc;
    int64_t n = 0, owner = 0, version = 0;
    char status[16] = "";
    rc = library_find(db, who, id, &n, &owner, &version, status, err);
    if (!rc && owner == who->org_id)
        rc = bh_fail(err, BH_EDENIED, NULL, "an organization does not endorse its own document");
    if (!rc && strcmp(status, "published") != 0)
        rc = bh_fail(err, BH_ECONFLICT, "status",
                     "only a published document is endorsed; this one is %s", status);
    bool added = false;
    if (!rc) {
        char now[40];
        time_format_rfc3339(time_now_ms(), 0, false, now);
        rc = db_exec_params(db,
                            "INSERT INTO document_endorsement (document_n, org_id, account_id, "
                            "note, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING "
                            "RETURNING org_id",
                            DB_PARAMS(DB_INT(n), DB_INT(who->org_id),
                                      who->account_id > 0 ? DB_INT(who->account_id) : DB_TEXT(NULL),
                                      DB_TEXT(note ? note : ""), DB_TEXT(now)),
                            NULL, &added, err);
    }
    /* Endorsing again changes nothing, and tells nobody again. */
    if (!rc && added) {
        json_t *summary = json_pack("{s:s, s:s}", "org", who->org_code, "note", note ? note : "");
        rc = audit_append(db, who, "document.endorse", "document", id, summary, err);
        json_decref(summary);
        if (!rc)
            rc = notify_authors(db, who, n, id, err);
    }
    return finish(db, who, n, added, rc, out, err);
}

int library_unendorse(struct db *db, const struct principal *who, const char *id, json_t **out,
                      struct bh_error *err)
{
    *out = NULL;
    int rc = may_endorse(who, err);
    if (rc || (rc = db_begin(db, err)))
        return rc;
    int64_t n = 0, owner = 0, version = 0;
    char status[16] = "";
    rc = library_find(db, who, id, &n, &owner, &version, status, err);
    bool removed = false;
    if (!rc)
        rc = db_exec_params(db,
                            "DELETE FROM document_endorsement WHERE document_n = ? AND org_id = ? "
                            "RETURNING org_id",
                            DB_PARAMS(DB_INT(n), DB_INT(who->org_id)), NULL, &removed, err);
    if (!rc && removed) {
        json_t *summary = json_pack("{s:s}", "org", who->org_code);
        rc = audit_append(db, who, "document.unendorse", "document", id, summary, err);
        json_decref(summary);
    }
    return finish(db, who, n, false, rc, out, err);
}
