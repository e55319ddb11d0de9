/* Subscriptions to external CAP feeds: the table extfeed (migration 0024), written by an admin
 * (feed.manage) and read by the poller (poll.c). */
#include "extfeed/extfeed.h"

#include "alert/alert.h"
#include "audit/audit.h"
#include "base/buf.h"
#include "base/jsonfield.h"
#include "base/timeutil.h"

#include <curl/curl.h>

#include <stdio.h>
#include <string.h>

const struct permission perm_feed_manage = {
    .name = "feed.manage",
    .label = N_("Subscribe the store to external alert feeds"),
    .roles = ROLES(ADMIN),
};
const struct permission *const extfeed_permissions[] = { &perm_feed_manage, NULL };

#define FEED_URL_MAX  2000
#define FEED_NAME_MAX 200

#define FEED_COLUMNS                                                                              \
    "id, url, name, interval_s, enabled, next_poll_ms, last_poll_ms, status, error, items_seen, " \
    "alerts_imported, created_at, created_by, etag, last_modified"

static const char *ms_text(int64_t ms, char out[40])
{
    time_format_rfc3339(ms, 0, false, out);
    return out;
}

static json_t *row_json(struct db_stmt *st)
{
    char next[40], last[40];
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:I, s:b, s:s, s:s?, s:s, s:s?, s:I, s:I, s:s, s:s, s:b, s:b}", "id",
        (json_int_t)db_column_int(st, 0), "url", db_column_text(st, 1), "name",
        db_column_text(st, 2), "interval_s", (json_int_t)db_column_int(st, 3), "enabled",
        (int)db_column_int(st, 4), "next_poll_at", ms_text(db_column_int(st, 5), next),
        "last_poll_at", db_column_is_null(st, 6) ? NULL : ms_text(db_column_int(st, 6), last),
        "status", db_column_text(st, 7), "error", db_column_text(st, 8), "items_seen",
        (json_int_t)db_column_int(st, 9), "alerts_imported", (json_int_t)db_column_int(st, 10),
        "created_at", db_column_text(st, 11), "created_by", db_column_text(st, 12), "has_etag",
        !db_column_is_null(st, 13), "has_last_modified", !db_column_is_null(st, 14));
    return j;
}

int extfeed_get(struct db *db, int64_t id, json_t **out, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT " FEED_COLUMNS " FROM extfeed WHERE id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        *out = row_json(st);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = bh_fail(err, BH_ENOTFOUND, "id", "no feed %lld", (long long)id);
    }
    db_stmt_done(st);
    return rc;
}

int extfeed_list(struct db *db, json_t *items, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT " FEED_COLUMNS " FROM extfeed ORDER BY id", &st, err);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(items, row_json(st));
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* A feed is fetched by the server, so its URL is held to http and https with a host: no
 * file://, no gopher://, nothing curl could read locally. */
static int check_url(const char *url, struct bh_error *err)
{
    if (strlen(url) > FEED_URL_MAX)
        return bh_fail(err, BH_EINVALID, "url", "the URL is longer than %d characters",
                       FEED_URL_MAX);
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return bh_fail(err, BH_EINVALID, "url", "the URL holds a space or control character");
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    int rc = 0;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host[0])
        rc = bh_fail(err, BH_EINVALID, "url", "'%.200s' is not a URL with a host", url);
    else if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
        rc = bh_fail(err, BH_EINVALID, "url", "a feed's URL must be http or https, not %.20s",
                     scheme);
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

struct fields {
    const char *url, *name;
    int64_t interval_s;
    bool enabled, has_url, has_name, has_interval, has_enabled;
};

static int read_fields(const json_t *body, bool create, struct fields *f, struct bh_error *err)
{
    static const char *const known[] = { "url", "name", "interval_s", "enabled", NULL };
    int rc = jsonfield_check_known(body, known, err);
    if (!rc)
        rc = jsonfield_string(body, "url", create, FEED_URL_MAX + 1, &f->url, err);
    if (!rc)
        rc = jsonfield_string(body, "name", create, FEED_NAME_MAX, &f->name, err);
    if (!rc)
        rc = jsonfield_int(body, "interval_s", false, EXTFEED_INTERVAL_MIN, EXTFEED_INTERVAL_MAX,
                           &f->interval_s, &f->has_interval, err);
    if (!rc)
        rc = jsonfield_bool(body, "enabled", false, &f->enabled, &f->has_enabled, err);
    if (rc)
        return rc;
    f->has_url = f->url != NULL;
    f->has_name = f->name != NULL;
    if (f->has_url && (rc = check_url(f->url, err)))
        return rc;
    if (f->has_name && !f->name[0])
        return bh_fail(err, BH_EINVALID, "name", "a feed needs a name");
    return 0;
}

static int audit_feed(struct db *db, const struct principal *who, const char *action, int64_t id,
                      const char *url, struct bh_error *err)
{
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    json_t *summary = url ? json_pack("{s:s}", "url", url) : NULL;
    int rc = audit_append(db, who, action, "extfeed", idtext, summary, err);
    json_decref(summary);
    return rc;
}

/* The end of a create or an update, in its transaction, given the write's result `rc`: a URL
 * another feed has is named as the conflict; then audited, committed (or rolled back) and the
 * feed read back as now stored. */
static int finish_write(struct db *db, const struct principal *who, const char *action, int64_t id,
                        const char *url, int rc, json_t **out, struct bh_error *err)
{
    if (rc == BH_ECONFLICT)
        rc = bh_fail(err, BH_ECONFLICT, "url", "the store already subscribes to %.200s", url);
    if (!rc)
        rc = audit_feed(db, who, action, id, url, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return extfeed_get(db, id, out, err);
}

int extfeed_create(struct db *db, const struct principal *who, const json_t *body, json_t **out,
                   struct bh_error *err)
{
    struct fields f = { .interval_s = EXTFEED_INTERVAL_DEFAULT, .enabled = true };
    int rc = read_fields(body, true, &f, err);
    if (rc)
        return rc;
    char now[40];
    ms_text(time_now_ms(), now);
    int64_t id = 0;
    if ((rc = db_begin(db, err)))
        return rc;
    rc = db_exec_params(db,
                        "INSERT INTO extfeed (url, name, interval_s, enabled, created_at, "
                        "created_by, owner_org_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        DB_PARAMS(DB_TEXT(f.url), DB_TEXT(f.name), DB_INT(f.interval_s),
                                  DB_INT(f.enabled), DB_TEXT(now), DB_TEXT(who->username),
                                  DB_INT(who->org_id)),
                        &id, NULL, err);
    return finish_write(db, who, "extfeed.create", id, f.url, rc, out, err);
}

int extfeed_update(struct db *db, const struct principal *who, int64_t id, const json_t *body,
                   json_t **out, struct bh_error *err)
{
    struct fields f = { 0 };
    int rc = read_fields(body, false, &f, err);
    if (rc)
        return rc;
    if ((rc = db_begin(db, err)))
        return rc;
    bool found = false;
    /* A new URL is another feed: its validators and schedule start again. */
    rc = db_exec_params(
        db,
        "UPDATE extfeed SET url = COALESCE(?, url), name = COALESCE(?, name), "
        "interval_s = COALESCE(?, interval_s), enabled = COALESCE(?, enabled), "
        "etag = CASE WHEN ? IS NULL OR ? = url THEN etag END, "
        "last_modified = CASE WHEN ? IS NULL OR ? = url THEN last_modified END, "
        "next_poll_ms = CASE WHEN ? IS NULL OR ? = url THEN next_poll_ms ELSE 0 END "
        "WHERE id = ? RETURNING id",
        DB_PARAMS(DB_TEXT(f.url), DB_TEXT(f.name),
                  f.has_interval ? DB_INT(f.interval_s) : DB_TEXT(NULL),
                  f.has_enabled ? DB_INT(f.enabled) : DB_TEXT(NULL), DB_TEXT(f.url), DB_TEXT(f.url),
                  DB_TEXT(f.url), DB_TEXT(f.url), DB_TEXT(f.url), DB_TEXT(f.url), DB_INT(id)),
        NULL, &found, err);
    if (!rc && !found)
        rc = bh_fail(err, BH_ENOTFOUND, "id", "no feed %lld", (long long)id);
    return finish_write(db, who, "extfeed.update", id, f.url, rc, out, err);
}

int extfeed_delete(struct db *db, const struct principal *who, int64_t id, struct bh_error *err)
{
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    bool found = false;
    rc = db_exec_params(db, "DELETE FROM extfeed WHERE id = ? RETURNING id", DB_PARAMS(DB_INT(id)),
                        NULL, &found, err);
    if (!rc && !found)
        rc = bh_fail(err, BH_ENOTFOUND, "id", "no feed %lld", (long long)id);
    if (!rc)
        rc = audit_feed(db, who, "extfeed.delete", id, NULL, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}

int extfeed_context_list(struct db *db, const struct principal *who, const char *mission,
                         json_t *items, struct bh_error *err)
{
    bool found = false;
    int rc = db_exec_params(db, "SELECT 1 FROM mission WHERE acronym = ?",
                            DB_PARAMS(DB_TEXT(mission)), NULL, &found, err);
    if (rc)
        return rc;
    if (!found)
        return bh_fail(err, BH_ENOTFOUND, "mission", "no mission %.40s", mission);
    struct buf sql;
    buf_init(&sql);
    struct db_params p = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT c.alert_id, c.mission, c.headline, c.created_at, c.feed_id "
                   "FROM alert_context c JOIN alert a ON a.id = c.alert_id "
                   "WHERE c.mission = ? AND ");
    db_params_text(&p, mission);
    alert_predicate(who, "a", &sql, &p);
    buf_puts(&sql, " ORDER BY c.created_at DESC, c.alert_id LIMIT 500");
    struct db_stmt *st;
    rc = db_prepare_bound(db, buf_str(&sql), &p, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW)
        json_array_append_new(
            items,
            json_pack("{s:s, s:s, s:s?, s:s, s:o}", "alert_id", db_column_text(st, 0), "mission",
                      db_column_text(st, 1), "headline", db_column_text(st, 2), "created_at",
                      db_column_text(st, 3), "feed_id",
                      db_column_is_null(st, 4) ? json_null()
                                               : json_integer((json_int_t)db_column_int(st, 4))));
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}
