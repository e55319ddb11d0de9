/* Writing notifications: one row per account told and one live-feed event for it, in the
 * caller's transaction (notify.h). Reading them is list.c; the e-mail digest digest.c. */
#include "notify/notify.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "feed/feed.h"

/* A kind is a code the catalogs key on ("notify.<kind>"), so it is kept to what such a key
 * may hold. */
static bool kind_ok(const char *kind)
{
    size_t n = kind ? strlen(kind) : 0;
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = kind[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'))
            return false;
    }
    return true;
}

/* Checks the arguments every call shares; *params_out gets the parameters as compact JSON
 * text (malloc'd, NULL for none). */
static int check_args(const char *kind, const char *record_type, const char *record_id,
                      const char *params_json, const char *link, char **params_out,
                      struct bh_error *err)
{
    *params_out = NULL;
    if (!kind_ok(kind))
        return bh_fail(err, BH_EINVALID, "kind",
                       "a notification kind is 1-64 of a-z, 0-9, '.' and '_' (not '%.80s')",
                       kind ? kind : "");
    if ((record_type == NULL) != (record_id == NULL) || (record_type && !*record_type) ||
        (record_id && !*record_id))
        return bh_fail(err, BH_EINVALID, "record_type",
                       "a notification names both a record type and an id, or neither");
    if (link && link[0] != '/')
        return bh_fail(err, BH_EINVALID, "link",
                       "a notification's link is a path of the app, starting with '/' (not "
                       "'%.80s')",
                       link);
    if (params_json) {
        json_error_t je;
        json_t *j = json_loads(params_json, JSON_REJECT_DUPLICATES, &je);
        if (!j || !json_is_object(j)) {
            json_decref(j);
            return bh_fail(err, BH_EINVALID, "params",
                           "a notification's parameters are a JSON object");
        }
        *params_out = json_dumps(j, JSON_COMPACT);
        json_decref(j);
        if (!*params_out)
            return bh_fail(err, BH_ENOMEM, NULL, "out of memory");
    }
    return 0;
}

static int insert_one(struct db *db, int64_t account_id, const char *kind, const char *record_type,
                      const char *record_id, const char *params, const char *link, const char *now,
                      struct bh_error *err)
{
    struct db_params p = DB_PARAMS_INIT;
    db_params_int(&p, account_id);
    db_params_text(&p, kind);
    db_params_text(&p, record_type);
    db_params_text(&p, record_id);
    db_params_text(&p, params);
    db_params_text(&p, link);
    db_params_text(&p, now);
    int64_t id = 0;
    int rc = db_exec_params(db,
                            "INSERT INTO notification (account_id, kind, record_type, record_id, "
                            "params, link, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                            &p, &id, NULL, err);
    db_params_cleanup(&p);
    if (rc)
        return rc;
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)id);
    return feed_publish(db, "notification", "created", text, account_id, NULL, err);
}

/* Tells every account `sql` (one bound text or integer) selects. The ids are read first and
 * the rows written after, so no statement is stepped while the table it reads is written. */
static int notify_many(struct db *db, const char *sql, const struct db_params *sel,
                       const char *kind, const char *record_type, const char *record_id,
                       const char *params_json, const char *link, struct bh_error *err)
{
    char *params = NULL;
    int rc = check_args(kind, record_type, record_id, params_json, link, &params, err);
    if (rc)
        return rc;
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql, &st, err))) {
        free(params);
        return rc;
    }
    db_params_bind(st, sel);
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            int64_t *grown = realloc(ids, cap * sizeof *ids);
            if (!grown) {
                rc = bh_fail(err, BH_ENOMEM, NULL, "out of memory");
                break;
            }
            ids = grown;
        }
        ids[n++] = db_column_int(st, 0);
    }
    db_stmt_done(st);
    if (rc == DB_DONE) {
        char now[40];
        time_format_rfc3339(time_now_ms(), 0, true, now);
        for (size_t i = 0; i < n && !rc; i++)
            rc = insert_one(db, ids[i], kind, record_type, record_id, params, link, now, err);
    }
    free(ids);
    free(params);
    return rc < 0 ? rc : 0;
}

int notify_account(struct db *db, int64_t account_id, const char *kind, const char *record_type,
                   const char *record_id, const char *params_json, const char *link,
                   struct bh_error *err)
{
    /* Through the same path as the others, so an account that does not exist is told
     * nothing rather than failing on the foreign key; a disabled one is still told (a notice
     * such as "your webhook was disabled" waits for when it is enabled again). */
    return notify_many(db, "SELECT id FROM account WHERE id = ?", DB_PARAMS(DB_INT(account_id)),
                       kind, record_type, record_id, params_json, link, err);
}

int notify_org(struct db *db, int64_t org_id, const char *kind, const char *record_type,
               const char *record_id, const char *params_json, const char *link,
               struct bh_error *err)
{
    return notify_many(db, "SELECT id FROM account WHERE org_id = ? AND disabled = 0 ORDER BY id",
                       DB_PARAMS(DB_INT(org_id)), kind, record_type, record_id, params_json, link,
                       err);
}

int notify_mission(struct db *db, const char *mission, const char *kind, const char *record_type,
                   const char *record_id, const char *params_json, const char *link,
                   struct bh_error *err)
{
    if (!mission || !*mission)
        return bh_fail(err, BH_EINVALID, "mission", "a mission acronym is required");
    return notify_many(db,
                       "SELECT a.id FROM account a JOIN account_mission m ON m.account_id = a.id "
                       "WHERE m.mission = ? AND a.disabled = 0 ORDER BY a.id",
                       DB_PARAMS(DB_TEXT(mission)), kind, record_type, record_id, params_json, link,
                       err);
}
