/* The poller: fetch each due feed with libcurl, read it (formats/feed.c), import the CAP
 * messages its entries carry or link (alert_import_cap), and turn those whose areas touch a
 * mission's area into context alerts for it. Every fetch is bounded the same way: http and
 * https only (redirects too, at most 3), 5 s to connect, 30 s in all, and a size cap enforced
 * while the body arrives, so a feed can neither hang the poller nor fill its memory. And every
 * connection passes the webhooks' request forgery guard: a feed URL (or a redirect, or a name
 * that resolves differently the second time) never makes the server fetch from a private,
 * loopback or link-local address outside feed_allow_hosts. */
#include "extfeed/extfeed.h"

#include "alert/alert.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "feed/feed.h"
#include "formats/feed.h"
#include "notify/notify.h"
#include "webhook/webhook.h"

#include <curl/curl.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define CONNECT_TIMEOUT_MS 5000
#define TOTAL_TIMEOUT_MS   30000
#define MAX_REDIRECTS      3
#define ERROR_MAX          500

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* feed_allow_hosts, parsed: set at the poller's start, read by every fetch. */
static pthread_mutex_t allow_lock = PTHREAD_MUTEX_INITIALIZER;
static struct webhook_allow allow_hosts;

int extfeed_configure(const struct bh_config *c, struct bh_error *err)
{
    struct webhook_allow a;
    int rc = webhook_allow_parse(c->feed_allow_hosts, "feed_allow_hosts", &a, err);
    if (rc)
        return rc;
    pthread_mutex_lock(&allow_lock);
    allow_hosts = a;
    pthread_mutex_unlock(&allow_lock);
    return 0;
}

struct fetch {
    struct buf body;
    struct webhook_allow allow;
    char refused[96]; /* why the guard refused a connection, "" when it did not */
    size_t cap;
    bool too_big;
    char etag[256];
    char last_modified[128];
    const atomic_bool *stop;
};

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
    struct fetch *f = ctx;
    size_t len = size * n;
    if (f->body.len + len > f->cap) {
        f->too_big = true;
        return 0; /* curl stops with CURLE_WRITE_ERROR */
    }
    buf_append(&f->body, data, len);
    return len;
}

/* The last word on every connection libcurl makes, redirects included, on the address it is
 * about to connect to (so a name that resolves to a public address for one lookup and a
 * private one for the next gains nothing). */
static curl_socket_t open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct fetch *f = ctx;
    (void)purpose;
    char why[64];
    if (!webhook_address_allowed(&a->addr, &f->allow, why)) {
        snprintf(f->refused, sizeof f->refused, "connection to a %s address refused", why);
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

static void copy_header_value(char *dst, size_t cap, const char *v, size_t len)
{
    while (len > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        len--;
    }
    while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
        len--;
    if (len >= cap)
        len = 0; /* a validator too long to keep is not kept at all */
    memcpy(dst, v, len);
    dst[len] = '\0';
}

static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
    struct fetch *f = ctx;
    size_t len = size * n;
    /* Each response of a redirect chain starts with a status line: only the last one's
     * validators count. */
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        f->etag[0] = f->last_modified[0] = '\0';
    } else if (len > 5 && strncasecmp(data, "ETag:", 5) == 0) {
        copy_header_value(f->etag, sizeof f->etag, data + 5, len - 5);
    } else if (len > 14 && strncasecmp(data, "Last-Modified:", 14) == 0) {
        copy_header_value(f->last_modified, sizeof f->last_modified, data + 14, len - 14);
    }
    return len;
}

static int on_progress(void *ctx, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    struct fetch *f = ctx;
    return f->stop && atomic_load(f->stop) ? 1 : 0;
}

/* GETs `url` into f->body (at most f->cap bytes). *status gets the HTTP status (200 or 304;
 * anything else is an error naming it). */
static int fetch(const char *url, const char *etag, const char *last_modified, struct fetch *f,
                 long *status, struct bh_error *err)
{
    pthread_once(&curl_once, curl_start);
    CURL *c = curl_easy_init();
    if (!c)
        return bh_fail(err, BH_ENOMEM, "url", "cannot start an HTTP client");
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL;
    char line[400];
    if (etag && etag[0]) {
        snprintf(line, sizeof line, "If-None-Match: %s", etag);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (last_modified && last_modified[0]) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", last_modified);
        hdrs = curl_slist_append(hdrs, line);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, (long)MAX_REDIRECTS);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)TOTAL_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "Bluehelm-extfeed/1");
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->cap);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, f);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, f);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    pthread_mutex_lock(&allow_lock);
    f->allow = allow_hosts;
    pthread_mutex_unlock(&allow_lock);
    f->refused[0] = '\0';
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, f);
    CURLcode cc = curl_easy_perform(c);
    int rc = 0;
    *status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    if (f->too_big || cc == CURLE_FILESIZE_EXCEEDED)
        rc = bh_fail(err, BH_ETOOLARGE, "url",
                     "the response from %.200s is larger than %zu bytes: refused", url, f->cap);
    else if (cc != CURLE_OK && f->refused[0])
        rc = bh_fail(err, BH_EIO, "url", "cannot fetch %.200s: %s", url, f->refused);
    else if (cc != CURLE_OK)
        rc = bh_fail(err, BH_EIO, "url", "cannot fetch %.200s: %.200s", url,
                     errbuf[0] ? errbuf : curl_easy_strerror(cc));
    else if (*status != 200 && *status != 304)
        rc = bh_fail(err, BH_EIO, "url", "%.200s answered HTTP %ld", url, *status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return rc;
}

struct mission_box {
    char acronym[32];
    double box[4];
};

static int load_missions(struct db *db, struct mission_box **out, size_t *n, struct bh_error *err)
{
    struct db_stmt *st;
    *out = NULL;
    *n = 0;
    int rc = db_prepare(db,
                        "SELECT acronym, hq_lat, hq_lon FROM mission WHERE active = 1 AND hq_lat "
                        "IS NOT NULL AND hq_lon IS NOT NULL ORDER BY acronym",
                        &st, err);
    if (rc)
        return rc;
    size_t cap = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            *out = realloc(*out, cap * sizeof **out);
        }
        struct mission_box *m = &(*out)[(*n)++];
        snprintf(m->acronym, sizeof m->acronym, "%s", db_column_text(st, 0));
        extfeed_box_around(db_column_double(st, 1), db_column_double(st, 2),
                           EXTFEED_MISSION_RADIUS_KM, m->box);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static bool alert_touches(const struct cap_alert *cap, const double box[4])
{
    for (size_t i = 0; i < cap->ninfos; i++)
        for (size_t k = 0; k < cap->infos[i].nareas; k++)
            if (extfeed_area_touches(&cap->infos[i].areas[k], box))
                return true;
    return false;
}

/* Records `alert_id` as context for every mission its areas touch and tells each such
 * mission's members once (a repeat of the same alert adds nothing). In the caller's
 * transaction. */
static int add_context(struct db *db, int64_t feed_id, const char *alert_id,
                       const struct cap_alert *cap, const struct mission_box *m, size_t nm,
                       const char *now, struct bh_error *err)
{
    const char *headline = NULL;
    for (size_t i = 0; i < cap->ninfos && !headline; i++)
        headline = cap->infos[i].headline ? cap->infos[i].headline : cap->infos[i].event;
    char link[64];
    snprintf(link, sizeof link, "/alerts/%s", alert_id);
    for (size_t i = 0; i < nm; i++) {
        if (!alert_touches(cap, m[i].box))
            continue;
        bool added = false;
        int rc = db_exec_params(db,
                                "INSERT INTO alert_context (alert_id, mission, feed_id, headline, "
                                "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING "
                                "RETURNING 1",
                                DB_PARAMS(DB_TEXT(alert_id), DB_TEXT(m[i].acronym), DB_INT(feed_id),
                                          DB_TEXT(headline), DB_TEXT(now)),
                                NULL, &added, err);
        if (rc)
            return rc;
        if (!added)
            continue;
        json_t *params = json_pack("{s:s?, s:s}", "headline", headline, "mission", m[i].acronym);
        char *text = json_dumps(params, JSON_COMPACT);
        json_decref(params);
        rc = notify_mission(db, m[i].acronym, "feed.context_alert", "alert", alert_id, text, link,
                            err);
        free(text);
        if (rc)
            return rc;
    }
    return 0;
}

struct due_feed {
    int64_t id, interval_s;
    char *url, *etag, *last_modified;
    int64_t owner_org_id;
};

/* One entry's CAP: parsed, imported, context added, in one transaction. *created says
 * whether the alert was new to the store. */
static int import_entry(struct db *db, const struct due_feed *fd, const struct feed_entry *e,
                        const struct mission_box *m, size_t nm, const char *now,
                        const atomic_bool *stop, bool *created, struct bh_error *err)
{
    struct fetch f = { .cap = CAP_MAX_BYTES, .stop = stop };
    buf_init(&f.body);
    const char *xml = e->cap_xml;
    size_t len = e->cap_len;
    int rc = 0;
    if (!xml) {
        long status;
        rc = fetch(e->cap_url, NULL, NULL, &f, &status, err);
        xml = f.body.data;
        len = f.body.len;
    }
    struct arena *a = arena_new(16384);
    struct cap_alert cap;
    bool verified = false;
    /* Signed messages are checked against the same trusted signers as an upload's. */
    if (!rc)
        rc = alert_read_cap(xml, len, alert_trusted_certs(), a, &cap, &verified, err);
    if (!rc)
        rc = db_begin(db, err);
    if (!rc) {
        /* The poller acts as the operator (admin rights, no account) on behalf of the
         * subscriber's organization, which owns what it imports. */
        struct principal op;
        principal_cli(&op);
        op.org_id = fd->owner_org_id;
        char origin[40], id[37];
        snprintf(origin, sizeof origin, "feed:%lld", (long long)fd->id);
        rc = alert_import_cap(db, &op, &cap, origin, verified, id, created, err);
        if (!rc)
            rc = add_context(db, fd->id, id, &cap, m, nm, now, err);
        if (!rc)
            rc = db_commit(db, err);
        if (rc)
            db_rollback(db);
        else
            feed_notify();
    }
    arena_free(a);
    buf_cleanup(&f.body);
    return rc;
}

static int save_result(struct db *db, const struct due_feed *fd, int64_t now_ms, const char *status,
                       const char *error, const char *etag, const char *last_modified,
                       int64_t items, int64_t imported, struct bh_error *err)
{
    return db_exec_params(
        db,
        "UPDATE extfeed SET status = ?, error = ?, last_poll_ms = ?, next_poll_ms = ?, "
        "etag = CASE WHEN ? = 'ok' THEN ? ELSE etag END, "
        "last_modified = CASE WHEN ? = 'ok' THEN ? ELSE last_modified END, "
        "items_seen = items_seen + ?, alerts_imported = alerts_imported + ? WHERE id = ?",
        DB_PARAMS(DB_TEXT(status), DB_TEXT(error), DB_INT(now_ms),
                  DB_INT(now_ms + fd->interval_s * 1000), DB_TEXT(status),
                  DB_TEXT(etag && etag[0] ? etag : NULL), DB_TEXT(status),
                  DB_TEXT(last_modified && last_modified[0] ? last_modified : NULL), DB_INT(items),
                  DB_INT(imported), DB_INT(fd->id)),
        NULL, NULL, err);
}

static int poll_feed(struct db *db, const struct due_feed *fd, int64_t now_ms,
                     const struct mission_box *m, size_t nm, const atomic_bool *stop,
                     struct bh_error *err)
{
    struct fetch f = { .cap = FEED_MAX_BYTES, .stop = stop };
    buf_init(&f.body);
    struct bh_error ferr;
    long status = 0;
    int rc = fetch(fd->url, fd->etag, fd->last_modified, &f, &status, &ferr);
    if (!rc && status == 304) {
        buf_cleanup(&f.body);
        return save_result(db, fd, now_ms, "not_modified", NULL, NULL, NULL, 0, 0, err);
    }
    struct arena *a = arena_new(65536);
    struct feed_doc doc;
    if (!rc)
        rc = feed_parse(f.body.data, f.body.len, fd->url, a, &doc, &ferr);
    if (rc) {
        arena_free(a);
        buf_cleanup(&f.body);
        return save_result(db, fd, now_ms, "error", ferr.message, NULL, NULL, 0, 0, err);
    }
    char now[40];
    time_format_rfc3339(now_ms, 0, false, now);
    int64_t imported = 0;
    size_t failed = 0;
    char problem[ERROR_MAX] = "";
    for (size_t i = 0; i < doc.nentries; i++) {
        const struct feed_entry *e = &doc.entries[i];
        struct bh_error eerr;
        bool created = false;
        int erc;
        if (e->problem)
            erc = bh_fail(&eerr, BH_EINVALID, "entry", "%s", _(e->problem));
        else
            erc = import_entry(db, fd, e, m, nm, now, stop, &created, &eerr);
        if (erc == BH_ESTORE || erc == BH_EBUSY || erc == BH_ENOMEM) {
            rc = erc;
            *err = eerr;
            break;
        }
        if (erc) {
            if (!failed++)
                snprintf(problem, sizeof problem, _("entry %zu (%.100s): %s%s%s"), i + 1,
                         e->id ? e->id : "-", eerr.field[0] ? eerr.field : "",
                         eerr.field[0] ? ": " : "", eerr.message);
        } else if (created) {
            imported++;
        }
    }
    if (!rc) {
        char summary[ERROR_MAX + 100];
        if (failed > 1)
            snprintf(summary, sizeof summary, _("%zu entries failed; the first: %s"), failed,
                     problem);
        rc = save_result(db, fd, now_ms, "ok",
                         failed > 1 ? summary
                         : failed   ? problem
                                    : NULL,
                         f.etag, f.last_modified, (int64_t)doc.nentries, imported, err);
    }
    arena_free(a);
    buf_cleanup(&f.body);
    return rc;
}

static int poll_due(struct db *db, int64_t now_ms, int *fetched, const atomic_bool *stop,
                    struct bh_error *err)
{
    if (fetched)
        *fetched = 0;
    struct db_stmt *st;
    int rc =
        db_prepare(db,
                   "SELECT id, interval_s, url, etag, last_modified, owner_org_id FROM extfeed "
                   "WHERE enabled = 1 AND next_poll_ms <= ? ORDER BY next_poll_ms, id",
                   &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, now_ms);
    struct due_feed *due = NULL;
    size_t n = 0, cap = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            due = realloc(due, cap * sizeof *due);
        }
        const char *etag = db_column_text(st, 3), *lm = db_column_text(st, 4);
        due[n++] = (struct due_feed){ db_column_int(st, 0),          db_column_int(st, 1),
                                      strdup(db_column_text(st, 2)), etag ? strdup(etag) : NULL,
                                      lm ? strdup(lm) : NULL,        db_column_int(st, 5) };
    }
    db_stmt_done(st);
    rc = rc < 0 ? rc : 0;
    struct mission_box *m = NULL;
    size_t nm = 0;
    if (!rc && n)
        rc = load_missions(db, &m, &nm, err);
    for (size_t i = 0; i < n && !rc; i++) {
        if (stop && atomic_load(stop))
            break;
        if (fetched)
            (*fetched)++;
        rc = poll_feed(db, &due[i], now_ms, m, nm, stop, err);
    }
    for (size_t i = 0; i < n; i++) {
        free(due[i].url);
        free(due[i].etag);
        free(due[i].last_modified);
    }
    free(due);
    free(m);
    return rc;
}

int extfeed_poll_once(struct db *db, int64_t now_ms, int *fetched, struct bh_error *err)
{
    return poll_due(db, now_ms, fetched, NULL, err);
}

/* ---- the worker ---- */

#define WAKE_MS 5000

struct poller {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    atomic_bool stop;
    struct db *db;
};

static void *poller_main(void *arg)
{
    struct poller *p = arg;
    for (;;) {
        struct bh_error err;
        if (poll_due(p->db, time_now_ms(), NULL, &p->stop, &err) && !atomic_load(&p->stop)) {
            struct log_field f[] = { LOG_STR("error", err.message) };
            log_event(BH_LOG_WARN, "extfeed poll failed", f, 1);
        }
        pthread_mutex_lock(&p->lock);
        if (!atomic_load(&p->stop)) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += WAKE_MS / 1000;
            pthread_cond_timedwait(&p->wake, &p->lock, &ts);
        }
        bool stop = atomic_load(&p->stop);
        pthread_mutex_unlock(&p->lock);
        if (stop)
            break;
    }
    return NULL;
}

static int poller_start(const struct bh_config *c, void **state, struct bh_error *err)
{
    pthread_once(&curl_once, curl_start);
    int rc = extfeed_configure(c, err);
    if (rc)
        return rc;
    struct poller *p = calloc(1, sizeof *p);
    if (!p)
        return bh_fail(err, BH_ENOMEM, NULL, "out of memory");
    rc = db_open(&p->db, c->db, 0, err);
    if (rc) {
        free(p);
        return rc;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    atomic_init(&p->stop, false);
    if (pthread_create(&p->thread, NULL, poller_main, p) != 0) {
        db_close(p->db);
        free(p);
        return bh_fail(err, BH_EIO, NULL, "cannot start the feed poller's thread");
    }
    *state = p;
    return 0;
}

static void poller_stop(void *state)
{
    struct poller *p = state;
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    atomic_store(&p->stop, true);
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    db_close(p->db);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->wake);
    free(p);
}

const struct bh_worker extfeed_worker = { "extfeeds", poller_start, poller_stop };
