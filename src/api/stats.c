/* Statistics over HTTP. The casualty figures are public: an anonymous caller gets the
 * published ones (released, TLP:CLEAR), which is what casualty_predicate() lets the anonymous
 * principal count; a signed-in member counts whatever they may read.
 *
 * The public figures are what any visitor's browser asks for, so they are counted once per
 * change of the store and then served from memory: a few anonymous requests a second must
 * not keep both cores counting a million rows. "A change of the store" is a new entry in the
 * audit log (audit_latest), because every write of the platform appends one in the same
 * transaction (the casualty import, a release, an embargo, a deployment load, a CLI command as
 * much as an API call). Only anonymous replies are kept: what
 * a signed-in member sees depends on who they are, and they are few. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "audit/audit.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "base/mem.h"
#include "casualty/stats.h"
#include "http/dispatch.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The public replies kept: each distinct query a visitor's page asks (a handful per page). */
#define PUBLIC_CACHE 64

struct public_reply {
    char *key;          /* the query's parameters, in a fixed order */
    int64_t generation; /* the newest audit entry when it was counted */
    char *body;
    size_t len;
    bool csv;
};

static struct {
    pthread_mutex_t lock;
    struct public_reply v[PUBLIC_CACHE];
    unsigned next;
} public_cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* The parameters that decide the reply, in a fixed order, so the same question asked with
 * its parameters in another order is the same entry, and the language of its words (the JSON's
 * rate_basis) (heap). */
static char *public_key(struct http_request *req)
{
    static const char *const own[] = { "by", "top", "format", "rate", "distinct", "persons", NULL };
    struct buf b = BUF_INIT;
    buf_printf(&b, "lang=%s&", i18n_lang_code(i18n_thread_lang()));
    for (int pass = 0; pass < 2; pass++) {
        const char *const *names = pass ? casualty_filter_names : own;
        for (int i = 0; names[i]; i++) {
            const char *v = http_request_query(req, names[i]);
            if (v)
                buf_printf(&b, "%s=%s&", names[i], v);
        }
    }
    return buf_steal(&b);
}

/* Replies from the cache when it holds this query counted at this generation. */
static bool public_hit(struct http_reply *rep, const char *key, int64_t generation)
{
    bool hit = false;
    pthread_mutex_lock(&public_cache.lock);
    for (int i = 0; i < PUBLIC_CACHE && !hit; i++) {
        struct public_reply *e = &public_cache.v[i];
        if (e->key && e->generation == generation && strcmp(e->key, key) == 0) {
            char *copy = xmalloc(e->len + 1);
            memcpy(copy, e->body, e->len);
            copy[e->len] = '\0';
            http_reply_body(rep, 200, e->csv ? "text/csv; charset=utf-8" : "application/json", copy,
                            e->len, free);
            hit = true;
        }
    }
    pthread_mutex_unlock(&public_cache.lock);
    return hit;
}

/* Keeps a copy of the reply just built, in place of the oldest entry (or of the same query
 * counted at an older generation). */
static void public_keep(const struct http_reply *rep, char *key, int64_t generation, bool csv)
{
    if (rep->status != 200 || !rep->body) {
        free(key);
        return;
    }
    pthread_mutex_lock(&public_cache.lock);
    struct public_reply *slot = NULL;
    for (int i = 0; i < PUBLIC_CACHE && !slot; i++)
        if (public_cache.v[i].key && strcmp(public_cache.v[i].key, key) == 0)
            slot = &public_cache.v[i];
    if (!slot)
        slot = &public_cache.v[public_cache.next++ % PUBLIC_CACHE];
    free(slot->key);
    free(slot->body);
    slot->key = key;
    slot->generation = generation;
    slot->body = xmalloc(rep->body_len + 1);
    memcpy(slot->body, rep->body, rep->body_len);
    slot->len = rep->body_len;
    slot->csv = csv;
    pthread_mutex_unlock(&public_cache.lock);
}

static const char *query(void *ctx, const char *name)
{
    return http_request_query(ctx, name);
}

/* A yes/no parameter: 1, true, yes / 0, false, no; absent is no. */
static int flag(struct http_request *req, const char *name, bool *out, struct bh_error *err)
{
    const char *v = http_request_query(req, name);
    *out = false;
    if (!v || strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "no") == 0)
        return 0;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || !*v) {
        *out = true;
        return 0;
    }
    return bh_fail(err, BH_EINVALID, name, "%s '%.40s' must be 1 or 0", name, v);
}

/* GET /api/v1/stats/casualties?by=year,incident_type&from=...&to=... */
static void stats_casualties(struct http_request *req, struct http_reply *rep);

static void api_stats_casualties(struct http_request *req, struct http_reply *rep)
{
    int64_t generation = -1;
    struct bh_error err;
    if (req->who.account_id != 0 || req->who.role != ROLE_NONE ||
        audit_latest(req->db, &generation, &err) != 0) {
        if (http_dispatch_take_slot(req, rep) == 0)
            stats_casualties(req, rep);
        return;
    }
    char *key = public_key(req);
    if (public_hit(rep, key, generation) || http_dispatch_take_slot(req, rep)) {
        free(key);
        return;
    }
    stats_casualties(req, rep);
    const char *format = http_request_query(req, "format");
    public_keep(rep, key, generation, format && strcmp(format, "csv") == 0);
}

static void stats_casualties(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct casualty_stats_query q;
    casualty_stats_init(&q);
    const char *top = http_request_query(req, "top");
    const char *format = http_request_query(req, "format");
    bool csv = format && strcmp(format, "csv") == 0;
    int rc = 0;
    if (format && !csv && strcmp(format, "json") != 0)
        rc = bh_fail(&err, BH_EINVALID, "format", "format '%.40s' is not one of json, csv", format);
    if (!rc)
        rc = casualty_stats_parse_by(&q, http_request_query(req, "by"), &err);
    if (!rc)
        rc = casualty_filter_read(&q.filter, query, req, &err);
    if (!rc && top && !api_parse_int(top, 1, &q.top))
        rc = bh_fail(&err, BH_EINVALID, "top", "top '%.40s' must be a whole number from 1", top);
    if (!rc)
        rc = flag(req, "rate", &q.rate, &err);
    if (!rc)
        rc = flag(req, "distinct", &q.distinct, &err);
    if (!rc)
        rc = flag(req, "persons", &q.persons, &err);
    json_t *res = NULL;
    if (!rc)
        rc = casualty_stats(req->db, &req->who, &q, &res, &err);
    /* The JSON says how current the figures are, so a page can write "UN data to ..." beside
     * them (the CSV is the figures alone). */
    json_t *fresh = NULL;
    if (!rc && !csv)
        rc = casualty_stats_as_of(req->db, &req->who, &fresh, &err);
    if (api_failed(req, rep, rc, &err)) {
        json_decref(res);
        return;
    }
    if (!csv) {
        json_object_set_new(res, "as_of", fresh ? fresh : json_null());
        http_reply_json(req, rep, 200, res);
        return;
    }
    struct buf out = BUF_INIT;
    casualty_stats_csv(res, &out);
    json_decref(res);
    http_reply_buf(rep, 200, "text/csv; charset=utf-8", &out);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_stats_routes[] = {
    { "GET", "/api/v1/stats/casualties", api_stats_casualties,
      ROUTE_PUBLIC | ROUTE_EXPENSIVE | ROUTE_SLOT_ON_MISS, PERM_NONE, 0,
      "Casualty counts grouped by year, mission, nationality, type ...; public figures for "
      "anonymous callers" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
