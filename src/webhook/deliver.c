/* The delivery queue: events of the live feed become delivery rows (after the sharing check),
 * and due rows are POSTed, signed, through the request forgery guard. Everything the queue
 * knows is in the store, so a restart between two attempts resumes at the planned time. */
#include "webhook/internal.h"

#include "base/buf.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "feed/feed.h"
#include "notify/notify.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* Set while the worker stops: a transfer in progress gives up at its next progress call. */
static atomic_bool cancelled;

void webhook_cancel(bool on)
{
    atomic_store(&cancelled, on);
}

/* Events read per subscription and pass, and deliveries sent per pass: a pass stays short, so
 * the worker notices a stop soon; the next pass takes the rest. */
#define ENQUEUE_BATCH 200
#define SEND_BATCH    50
/* Responses are not read: a receiver answers with its status. */
#define RESPONSE_CAP (64 * 1024)

int64_t webhook_backoff_ms(int failed)
{
    /* 30 s, 2 min, 8 min, 32 min, then hourly: a receiver down for a night gets a try an hour
     * rather than thousands, and max_failures consecutive failures end it. */
    int64_t ms = 30000;
    for (int i = 1; i < failed && ms < 3600000; i++)
        ms *= 4;
    return ms > 3600000 ? 3600000 : ms;
}

void webhook_sign(const char *secret, long long timestamp, const char *body, char out[72])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char ts[24];
    int n = snprintf(ts, sizeof ts, "%lld.", timestamp);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, (unsigned long long)n);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, strlen(body));
    crypto_auth_hmacsha256_final(&st, mac);
    memcpy(out, "sha256=", 7);
    sodium_bin2hex(out + 7, 65, mac, sizeof mac);
}

/* ---- queueing ---- */

struct sub {
    int64_t id, org_id, cursor;
    char org_code[32];
    json_t *events, *filter;
};

static bool json_has(const json_t *array, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(array, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

/* Whether the subscription's organization may see the record: asked as a focal point of it
 * (a reader with record.read) with no account, so records marked RED, which name people, never
 * leave by webhook. A kind missing from `kinds` is not seen. */
static int visible(struct db *db, const struct audit_record_kind *kinds, const struct sub *s,
                   const char *kind, const char *record_id, bool *out, struct bh_error *err)
{
    *out = false;
    const struct audit_record_kind *k = kinds;
    while (k && k->record_type && strcmp(k->record_type, kind) != 0)
        k++;
    if (!k || !k->record_type)
        return 0;
    struct principal reader = { .account_id = 0, .org_id = s->org_id, .role = ROLE_FOCAL_POINT };
    snprintf(reader.org_code, sizeof reader.org_code, "%s", s->org_code);
    snprintf(reader.username, sizeof reader.username, "webhook:%s", s->org_code);
    struct buf sql = BUF_INIT;
    struct db_params p = DB_PARAMS_INIT;
    buf_printf(&sql, "SELECT 1 FROM %s webhook_r WHERE webhook_r.id = ? AND ", k->table);
    db_params_text(&p, record_id);
    k->predicate(&reader, "webhook_r", &sql, &p);
    bool found = false;
    int rc = db_exec_params(db, buf_str(&sql), &p, NULL, &found, err);
    db_params_cleanup(&p);
    buf_cleanup(&sql);
    *out = found;
    return rc;
}

static void subs_free(struct sub *subs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_decref(subs[i].events);
        json_decref(subs[i].filter);
    }
    free(subs);
}

static int load_subs(struct db *db, struct sub **out, size_t *n, struct bh_error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT w.id, w.org_id, o.code, w.events, w.filter, w.cursor FROM webhook "
                        "w JOIN org o ON o.id = w.org_id WHERE w.enabled = 1 ORDER BY w.id",
                        &st, err);
    if (rc)
        return rc;
    size_t cap = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = realloc(*out, cap * sizeof **out);
        }
        struct sub *s = &(*out)[(*n)++];
        s->id = db_column_int(st, 0);
        s->org_id = db_column_int(st, 1);
        snprintf(s->org_code, sizeof s->org_code, "%s", db_column_text(st, 2));
        s->events = json_loads(db_column_text(st, 3), 0, NULL);
        const char *f = db_column_text(st, 4);
        s->filter = f ? json_loads(f, 0, NULL) : NULL;
        s->cursor = db_column_int(st, 5);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* Queues subscription `s`'s share of the events after its cursor, and moves the cursor, in
 * one transaction: an event is queued exactly once. */
static int enqueue_sub(struct db *db, const struct audit_record_kind *kinds, const struct sub *s,
                       struct bh_error *err)
{
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db,
                         "SELECT id, at, kind, action, record_id FROM feed_event WHERE id > ? "
                         "AND account_id IS NULL ORDER BY id LIMIT ?",
                         &st, err)))
        goto done;
    db_bind_int(st, 1, s->cursor);
    db_bind_int(st, 2, ENQUEUE_BATCH);
    struct ev {
        int64_t id;
        char *at, *kind, *action, *record_id;
    } evs[ENQUEUE_BATCH];
    size_t n = 0;
    while ((rc = db_step(st, err)) == DB_ROW && n < ENQUEUE_BATCH) {
        evs[n].id = db_column_int(st, 0);
        evs[n].at = strdup(db_column_text(st, 1));
        evs[n].kind = strdup(db_column_text(st, 2));
        evs[n].action = strdup(db_column_text(st, 3));
        evs[n].record_id = strdup(db_column_text(st, 4));
        n++;
    }
    db_stmt_done(st);
    if (rc > 0)
        rc = 0;
    const json_t *actions = s->filter ? json_object_get(s->filter, "actions") : NULL;
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    for (size_t i = 0; i < n && !rc; i++) {
        bool ok =
            json_has(s->events, evs[i].kind) && (!actions || json_has(actions, evs[i].action));
        if (ok)
            rc = visible(db, kinds, s, evs[i].kind, evs[i].record_id, &ok, err);
        if (rc || !ok)
            continue;
        struct uuid u;
        char id[UUID_STR_LEN + 1];
        uuid_v7(&u);
        uuid_format(&u, id);
        rc = db_exec_params(db,
                            "INSERT OR IGNORE INTO webhook_delivery (id, webhook_id, event_id, "
                            "kind, action, record_id, event_at, status, attempts, "
                            "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', "
                            "0, ?, ?)",
                            DB_PARAMS(DB_TEXT(id), DB_INT(s->id), DB_INT(evs[i].id),
                                      DB_TEXT(evs[i].kind), DB_TEXT(evs[i].action),
                                      DB_TEXT(evs[i].record_id), DB_TEXT(evs[i].at),
                                      DB_INT(time_now_ms()), DB_TEXT(now)),
                            NULL, NULL, err);
    }
    if (!rc && n > 0)
        rc = db_exec_params(db, "UPDATE webhook SET cursor = ? WHERE id = ?",
                            DB_PARAMS(DB_INT(evs[n - 1].id), DB_INT(s->id)), NULL, NULL, err);
    for (size_t i = 0; i < n; i++) {
        free(evs[i].at);
        free(evs[i].kind);
        free(evs[i].action);
        free(evs[i].record_id);
    }
done:
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}

/* ---- sending ---- */

struct send_ctx {
    const struct webhook_allow *allow;
    char why[256]; /* why a connection was refused */
    size_t received;
};

static curl_socket_t open_socket(void *user, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct send_ctx *ctx = user;
    (void)purpose;
    char why[64];
    /* The last word on every connection libcurl makes, whatever it resolved: the check after
     * DNS below pins the address, and this refuses anything else. */
    if (!webhook_address_allowed(&a->addr, ctx->allow, why)) {
        snprintf(ctx->why, sizeof ctx->why, "connection to a %s address refused", why);
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

static size_t discard(char *data, size_t size, size_t n, void *user)
{
    struct send_ctx *ctx = user;
    (void)data;
    ctx->received += size * n;
    /* A receiver that streams a large body is cut off; its status is already in. */
    return ctx->received > RESPONSE_CAP ? 0 : size * n;
}

static int progress(void *user, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)user, (void)dt, (void)dn, (void)ut, (void)un;
    return atomic_load(&cancelled) ? 1 : 0;
}

/* Resolves `u`'s host and checks every address it gives: one refused address refuses the
 * host, since which one a connection takes is not ours to choose. The first address goes to
 * `pin` ("host:port:address" for CURLOPT_RESOLVE). */
static int resolve_checked(const struct webhook_url *u, const struct webhook_allow *allow,
                           char *pin, size_t pinlen, char *why, size_t whylen)
{
    pin[0] = '\0';
    char port[8];
    snprintf(port, sizeof port, "%d", u->port);
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    int g = getaddrinfo(u->host, port, &hints, &res);
    if (g) {
        snprintf(why, whylen, "cannot resolve %.120s: %.80s", u->host, gai_strerror(g));
        return -1;
    }
    int rc = 0;
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        char text[INET6_ADDRSTRLEN] = "?", range[64];
        const void *bin = a->ai_family == AF_INET
                              ? (const void *)&((struct sockaddr_in *)a->ai_addr)->sin_addr
                              : (const void *)&((struct sockaddr_in6 *)a->ai_addr)->sin6_addr;
        inet_ntop(a->ai_family, bin, text, sizeof text);
        if (!webhook_address_allowed(a->ai_addr, allow, range)) {
            snprintf(why, whylen, "%.120s resolves to %s, a %.40s address", u->host, text, range);
            rc = -1;
            break;
        }
        if (!pin[0])
            snprintf(pin, pinlen, a->ai_family == AF_INET6 ? "%s:%d:[%s]" : "%s:%d:%s", u->host,
                     u->port, text);
    }
    freeaddrinfo(res);
    return rc;
}

/* POSTs `body` to `url` with `headers`, following up to WEBHOOK_MAX_REDIRECTS redirects by
 * hand so that each target passes the guard. Returns 0 for a 2xx, -1 otherwise with *status
 * (0: no reply) and `why` filled. */
static int post(const char *url, const struct webhook_allow *allow, struct curl_slist *headers,
                const char *body, long *status, char *why, size_t whylen)
{
    char *target = strdup(url);
    int rc = -1;
    *status = 0;
    why[0] = '\0';
    for (int hop = 0; hop <= WEBHOOK_MAX_REDIRECTS; hop++) {
        struct webhook_url u;
        struct bh_error e;
        if (webhook_url_parse(target, "url", &u, &e)) {
            snprintf(why, whylen, "%s%.180s", hop ? "redirected to a bad URL: " : "", e.message);
            break;
        }
        char pin[512];
        if (resolve_checked(&u, allow, pin, sizeof pin, why, whylen))
            break;
        CURL *c = curl_easy_init();
        if (!c) {
            snprintf(why, whylen, "out of memory");
            break;
        }
        struct send_ctx ctx = { .allow = allow };
        struct curl_slist *resolve = u.host_is_ip ? NULL : curl_slist_append(NULL, pin);
        curl_easy_setopt(c, CURLOPT_URL, target);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(c, CURLOPT_PROXY, ""); /* no proxy from the environment */
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 15000L);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "Bluehelm-Webhook/1");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        if (resolve)
            curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
        curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
        curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &ctx);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &ctx);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress);
        CURLcode cc = curl_easy_perform(c);
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        char *next = NULL;
        curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &next);
        next = next ? strdup(next) : NULL;
        curl_easy_cleanup(c);
        curl_slist_free_all(resolve);
        *status = code;
        if (code == 0 || (cc != CURLE_OK && cc != CURLE_WRITE_ERROR)) {
            snprintf(why, whylen, "%s", ctx.why[0] ? ctx.why : curl_easy_strerror(cc));
            free(next);
            break;
        }
        if (code >= 200 && code < 300) {
            rc = 0;
            free(next);
            break;
        }
        if (code >= 300 && code < 400 && next) {
            free(target);
            target = next;
            if (hop == WEBHOOK_MAX_REDIRECTS)
                snprintf(why, whylen, "more than %d redirects", WEBHOOK_MAX_REDIRECTS);
            continue;
        }
        free(next);
        snprintf(why, whylen, "the receiver answered %ld", code);
        break;
    }
    free(target);
    return rc;
}

struct due {
    char id[UUID_STR_LEN + 1];
    int64_t webhook_id, org_id, event_id;
    int attempts;
    char org_code[32];
    char *kind, *action, *record_id, *event_at, *url, *secret;
};

static int load_due(struct db *db, int64_t now_ms, struct due **out, size_t *n,
                    struct bh_error *err)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT d.id, d.webhook_id, w.org_id, d.event_id, d.attempts, d.kind, "
                        "d.action, d.record_id, d.event_at, w.url, w.secret, o.code FROM "
                        "webhook_delivery d JOIN webhook w ON w.id = d.webhook_id JOIN org o ON "
                        "o.id = w.org_id WHERE d.status = 'pending' AND "
                        "d.next_attempt_at <= ? AND w.enabled = 1 ORDER BY d.next_attempt_at, "
                        "d.id LIMIT ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, now_ms);
    db_bind_int(st, 2, SEND_BATCH);
    *out = calloc(SEND_BATCH, sizeof **out);
    while ((rc = db_step(st, err)) == DB_ROW && *n < SEND_BATCH) {
        struct due *d = &(*out)[(*n)++];
        snprintf(d->id, sizeof d->id, "%s", db_column_text(st, 0));
        d->webhook_id = db_column_int(st, 1);
        d->org_id = db_column_int(st, 2);
        d->event_id = db_column_int(st, 3);
        d->attempts = (int)db_column_int(st, 4);
        d->kind = strdup(db_column_text(st, 5));
        d->action = strdup(db_column_text(st, 6));
        d->record_id = strdup(db_column_text(st, 7));
        d->event_at = strdup(db_column_text(st, 8));
        d->url = strdup(db_column_text(st, 9));
        d->secret = strdup(db_column_text(st, 10));
        snprintf(d->org_code, sizeof d->org_code, "%s", db_column_text(st, 11));
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static void due_free(struct due *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(d[i].kind);
        free(d[i].action);
        free(d[i].record_id);
        free(d[i].event_at);
        free(d[i].url);
        if (d[i].secret)
            sodium_memzero(d[i].secret, strlen(d[i].secret));
        free(d[i].secret);
    }
    free(d);
}

/* Records the attempt's outcome: the log row, the delivery's state, the subscription's count
 * of consecutive failures, and at the limit the subscription disabled and its organization
 * told. One transaction. *notified says whether a notification was written. */
static int record(struct db *db, const struct due *d, int64_t now_ms, bool ok, long status,
                  const char *why, int max_failures, bool *notified, struct bh_error *err)
{
    *notified = false;
    char at[40];
    time_format_rfc3339(now_ms, 0, false, at);
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    struct db_params p = DB_PARAMS_INIT;
    db_params_text(&p, d->id);
    db_params_text(&p, at);
    if (status)
        db_params_int(&p, status);
    else
        db_params_null(&p);
    db_params_text(&p, ok ? NULL : why);
    rc = db_exec_params(db,
                        "INSERT INTO webhook_attempt (delivery_id, at, status, error) VALUES "
                        "(?, ?, ?, ?)",
                        &p, NULL, NULL, err);
    db_params_cleanup(&p);
    if (!rc && ok)
        rc = db_exec_params(db,
                            "UPDATE webhook_delivery SET status = 'delivered', attempts = "
                            "attempts + 1, next_attempt_at = NULL WHERE id = ?",
                            DB_PARAMS(DB_TEXT(d->id)), NULL, NULL, err);
    if (!rc && ok)
        rc = db_exec_params(db, "UPDATE webhook SET failures = 0 WHERE id = ?",
                            DB_PARAMS(DB_INT(d->webhook_id)), NULL, NULL, err);
    if (!rc && !ok)
        rc = db_exec_params(
            db,
            "UPDATE webhook_delivery SET attempts = attempts + 1, "
            "next_attempt_at = ? WHERE id = ?",
            DB_PARAMS(DB_INT(now_ms + webhook_backoff_ms(d->attempts + 1)), DB_TEXT(d->id)), NULL,
            NULL, err);
    int64_t failures = 0;
    if (!rc && !ok)
        rc = db_exec_params(db,
                            "UPDATE webhook SET failures = failures + 1 WHERE id = ? "
                            "RETURNING failures",
                            DB_PARAMS(DB_INT(d->webhook_id)), &failures, NULL, err);
    if (!rc && !ok && failures >= max_failures) {
        char reason[300];
        snprintf(reason, sizeof reason, "%lld consecutive failed deliveries; the last: %s",
                 (long long)failures, why);
        rc = db_exec_params(db, "UPDATE webhook SET enabled = 0, disabled_reason = ? WHERE id = ?",
                            DB_PARAMS(DB_TEXT(reason), DB_INT(d->webhook_id)), NULL, NULL, err);
        json_t *params = json_pack("{ss sI}", "url", d->url, "failures", (json_int_t)failures);
        char *text = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(params);
        if (!rc)
            rc = notify_org(db, d->org_id, "webhook.disabled", NULL, NULL, text, "/webhooks", err);
        free(text);
        *notified = rc == 0;
        struct log_field f[] = { LOG_INT("webhook", d->webhook_id), LOG_STR("url", d->url) };
        log_event(BH_LOG_WARN, "webhook disabled after consecutive failures", f, 2);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        *notified = false;
    }
    return rc;
}

static int send_one(struct db *db, const struct due *d, int64_t now_ms,
                    const struct webhook_allow *allow, int max_failures, bool *ok, bool *notified,
                    struct bh_error *err)
{
    json_t *b =
        json_pack("{sI ss ss ss ss ss}", "id", (json_int_t)d->event_id, "delivery", d->id, "kind",
                  d->kind, "action", d->action, "record_id", d->record_id, "at", d->event_at);
    char *body = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(b);
    long long ts = (long long)(now_ms / 1000);
    char sig[72];
    webhook_sign(d->secret, ts, body, sig);
    char line[256];
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    snprintf(line, sizeof line, "X-Bluehelm-Event: %s.%s", d->kind, d->action);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "X-Bluehelm-Delivery: %s", d->id);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "X-Bluehelm-Timestamp: %lld", ts);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "X-Bluehelm-Signature: %s", sig);
    h = curl_slist_append(h, line);
    h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
    long status = 0;
    char why[256];
    *ok = post(d->url, allow, h, body, &status, why, sizeof why) == 0;
    curl_slist_free_all(h);
    free(body);
    return record(db, d, now_ms, *ok, status, why, max_failures, notified, err);
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_start(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

int webhook_run_once(struct db *db, const struct audit_record_kind *kinds, int64_t now_ms,
                     int *delivered, struct bh_error *err)
{
    if (delivered)
        *delivered = 0;
    if (!kinds)
        return bh_fail(err, BH_EINTERNAL, NULL,
                       "webhooks run without the record kinds that check visibility");
    pthread_once(&curl_once, curl_start);
    struct webhook_allow allow;
    int max_failures;
    webhook_settings(&allow, &max_failures, NULL);

    struct sub *subs;
    size_t nsubs;
    int rc = load_subs(db, &subs, &nsubs, err);
    for (size_t i = 0; i < nsubs && !rc; i++)
        rc = enqueue_sub(db, kinds, &subs[i], err);
    subs_free(subs, nsubs);
    if (rc)
        return rc;

    struct due *due;
    size_t ndue;
    if ((rc = load_due(db, now_ms, &due, &ndue, err))) {
        due_free(due, ndue);
        return rc;
    }
    bool any_notified = false;
    for (size_t i = 0; i < ndue && !rc && !atomic_load(&cancelled); i++) {
        /* A subscription disabled earlier in this pass sends nothing more. */
        int64_t enabled = 0;
        if ((rc = db_exec_params(db, "SELECT enabled FROM webhook WHERE id = ?",
                                 DB_PARAMS(DB_INT(due[i].webhook_id)), &enabled, NULL, err)))
            break;
        if (!enabled)
            continue;
        /* The record's sharing is asked again as it goes out: a marking tightened since the
         * event was queued is honoured, and the delivery is withdrawn rather than retried. */
        struct sub reader = { .id = due[i].webhook_id, .org_id = due[i].org_id };
        snprintf(reader.org_code, sizeof reader.org_code, "%s", due[i].org_code);
        bool still = false;
        if ((rc = visible(db, kinds, &reader, due[i].kind, due[i].record_id, &still, err)))
            break;
        if (!still) {
            rc = db_exec_params(db,
                                "UPDATE webhook_delivery SET status = 'withdrawn', "
                                "next_attempt_at = NULL WHERE id = ?",
                                DB_PARAMS(DB_TEXT(due[i].id)), NULL, NULL, err);
            continue;
        }
        bool ok = false, notified = false;
        rc = send_one(db, &due[i], now_ms, &allow, max_failures, &ok, &notified, err);
        if (ok && delivered)
            (*delivered)++;
        any_notified |= notified;
    }
    due_free(due, ndue);
    if (any_notified)
        feed_notify();
    return rc;
}
