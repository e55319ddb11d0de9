/* Webhook subscriptions: an organization's URLs, the kinds of event each wants, the secret
 * that signs them; and the settings of the guard. The queue is deliver.c's. */
#include "webhook/internal.h"

#include "base/buf.h"
#include "base/i18n.h"
#include "base/timeutil.h"
#include "feed/feed.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

const struct permission perm_webhook_manage = {
    .name = "webhook.manage",
    .label = N_("Manage the organization's webhooks"),
    .roles = ROLES(ADMIN, COORDINATOR, FOCAL_POINT),
};

const struct permission *const webhook_permissions[] = { &perm_webhook_manage, NULL };

/* The settings, set once before the worker's thread starts (and by tests between cases); read
 * under the lock since the API threads read them too. */
static pthread_mutex_t settings_lock = PTHREAD_MUTEX_INITIALIZER;
static struct webhook_allow settings_allow;
static int settings_max_failures = 10;
static const struct audit_record_kind *settings_kinds;

int webhook_configure(const struct bh_config *c, struct bh_error *err)
{
    struct webhook_allow allow;
    int rc = webhook_allow_parse(c->webhook_allow_hosts, "webhook_allow_hosts", &allow, err);
    if (rc)
        return rc;
    pthread_mutex_lock(&settings_lock);
    settings_allow = allow;
    settings_max_failures = c->webhook_max_failures > 0 ? c->webhook_max_failures : 10;
    pthread_mutex_unlock(&settings_lock);
    return 0;
}

void webhook_set_kinds(const struct audit_record_kind *kinds)
{
    pthread_mutex_lock(&settings_lock);
    settings_kinds = kinds;
    pthread_mutex_unlock(&settings_lock);
}

void webhook_settings(struct webhook_allow *allow, int *max_failures,
                      const struct audit_record_kind **kinds)
{
    pthread_mutex_lock(&settings_lock);
    if (allow)
        *allow = settings_allow;
    if (max_failures)
        *max_failures = settings_max_failures;
    if (kinds)
        *kinds = settings_kinds;
    pthread_mutex_unlock(&settings_lock);
}

/* ---- validation ---- */

static const char *const event_kinds[] = { "alert", "bulletin", "incident", NULL };

/* The URL: http(s), and a literal address must pass the guard now (a name is checked at each
 * delivery, after resolution, since what it resolves to may change). */
static int check_url(const char *url, struct bh_error *err)
{
    struct webhook_url u;
    int rc = webhook_url_parse(url, "url", &u, err);
    if (rc || !u.host_is_ip)
        return rc;
    struct sockaddr_storage ss = { 0 };
    if (strchr(u.host, ':')) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        inet_pton(AF_INET6, u.host, &s6->sin6_addr);
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        inet_pton(AF_INET, u.host, &s4->sin_addr);
    }
    struct webhook_allow allow;
    webhook_settings(&allow, NULL, NULL);
    char why[64];
    if (!webhook_address_allowed((struct sockaddr *)&ss, &allow, why))
        return bh_fail(err, BH_EINVALID, "url",
                       "%s is a %s address, which webhooks may not reach on this server", u.host,
                       why);
    return 0;
}

/* The events as a JSON array text (heap), in the order of event_kinds, each once. */
static int check_events(const struct webhook_input *in, char **out, struct bh_error *err)
{
    if (in->nevents == 0)
        return bh_fail(err, BH_EINVALID, "events",
                       "name at least one kind of event: alert, bulletin, incident");
    bool want[3] = { false, false, false };
    for (size_t i = 0; i < in->nevents; i++) {
        size_t k = 0;
        while (event_kinds[k] && strcmp(event_kinds[k], in->events[i]) != 0)
            k++;
        if (!event_kinds[k])
            return bh_fail(err, BH_EINVALID, "events",
                           "'%.40s' is not a kind of event: alert, bulletin, incident",
                           in->events[i]);
        want[k] = true;
    }
    json_t *a = json_array();
    for (size_t k = 0; event_kinds[k]; k++)
        if (want[k])
            json_array_append_new(a, json_string(event_kinds[k]));
    *out = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return *out ? 0 : bh_fail(err, BH_ENOMEM, NULL, "out of memory");
}

static bool identifier(const char *s)
{
    if (!*s || strlen(s) > 32)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
            return false;
    return true;
}

/* The filter: {"actions": ["created", ...]}, one to WEBHOOK_MAX_ACTIONS lowercase words. Kept
 * this small on purpose: every kind of record has actions, and anything finer (a mission, a
 * severity) is a property of one kind of record that a receiver can check itself. */
static int check_filter(const json_t *f, char **out, struct bh_error *err)
{
    *out = NULL;
    if (!f || json_is_null(f))
        return 0;
    if (!json_is_object(f))
        return bh_fail(err, BH_EINVALID, "filter", "the filter is an object {\"actions\": [...]}");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)f, key, v)
    {
        if (strcmp(key, "actions") != 0)
            return bh_fail(err, BH_EINVALID, "filter",
                           "the filter knows \"actions\" only, not \"%.40s\"", key);
    }
    json_t *a = json_object_get(f, "actions");
    if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > WEBHOOK_MAX_ACTIONS)
        return bh_fail(err, BH_EINVALID, "filter",
                       "\"actions\" is a list of 1 to %d actions (\"created\", \"updated\", ...)",
                       WEBHOOK_MAX_ACTIONS);
    size_t i;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v) || !identifier(json_string_value(v)))
            return bh_fail(err, BH_EINVALID, "filter",
                           "action %zu is not a lowercase word such as \"created\"", i + 1);
    }
    *out = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
    return *out ? 0 : bh_fail(err, BH_ENOMEM, NULL, "out of memory");
}

static int check_role(const struct principal *who, struct bh_error *err)
{
    if (!who || !role_can(who->role, PERM_WEBHOOK_MANAGE))
        return bh_fail(err, BH_EDENIED, NULL,
                       "only admins, coordinators and focal points manage webhooks");
    return 0;
}

/* Finds subscription `id` for `who`: an admin's any, anyone else's only their organization's;
 * another organization's is "not found", as if it did not exist. */
static int find_webhook(struct db *db, const struct principal *who, int64_t id, int64_t *org_id,
                        struct bh_error *err)
{
    int rc = check_role(who, err);
    if (rc)
        return rc;
    bool found = false;
    int64_t org = 0;
    rc = db_exec_params(db, "SELECT org_id FROM webhook WHERE id = ?", DB_PARAMS(DB_INT(id)), &org,
                        &found, err);
    if (rc)
        return rc;
    if (!found || (who->role != ROLE_ADMIN && org != who->org_id))
        return bh_fail(err, BH_ENOTFOUND, "id", "no webhook has the id %lld", (long long)id);
    if (org_id)
        *org_id = org;
    return 0;
}

static json_t *summary(const char *url, const char *events)
{
    json_t *s = json_object();
    if (url)
        json_object_set_new(s, "url", json_string(url));
    if (events)
        json_object_set_new(s, "events", json_loads(events, 0, NULL));
    return s;
}

static int audit(struct db *db, const struct principal *who, const char *action, int64_t id,
                 json_t *s, struct bh_error *err)
{
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    int rc = audit_append(db, who, action, "webhook", idtext, s, err);
    json_decref(s);
    return rc;
}

int webhook_create(struct db *db, const struct principal *who, const char *org_code,
                   const struct webhook_input *in, int64_t *id, char secret[WEBHOOK_SECRET_HEX + 1],
                   struct bh_error *err)
{
    char *events = NULL, *filter = NULL;
    int rc = check_role(who, err);
    if (!rc)
        rc = check_url(in->url, err);
    if (!rc)
        rc = check_events(in, &events, err);
    if (!rc)
        rc = check_filter(in->filter, &filter, err);
    if (rc)
        goto out;
    int64_t org = who->org_id;
    if (org_code && strcmp(org_code, who->org_code) != 0) {
        if (who->role != ROLE_ADMIN) {
            rc = bh_fail(err, BH_EDENIED, "org",
                         "only admins make webhooks for another organization");
            goto out;
        }
        bool found = false;
        if ((rc = db_exec_params(db, "SELECT id FROM org WHERE code = ?",
                                 DB_PARAMS(DB_TEXT(org_code)), &org, &found, err)))
            goto out;
        if (!found) {
            rc = bh_fail(err, BH_EINVALID, "org", "no organization has the code '%.40s'", org_code);
            goto out;
        }
    }
    if (org <= 0) {
        rc = bh_fail(err, BH_EINVALID, "org", "a webhook belongs to an organization");
        goto out;
    }
    unsigned char raw[WEBHOOK_SECRET_HEX / 2];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(secret, WEBHOOK_SECRET_HEX + 1, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if ((rc = db_begin(db, err)))
        goto out;
    /* The subscription reads what happens from now on: a new receiver is not sent the
     * history of the feed. */
    int64_t cursor = 0;
    if (!(rc = feed_last_id(db, &cursor, err)))
        rc = db_exec_params(db,
                            "INSERT INTO webhook (org_id, url, events, filter, secret, enabled, "
                            "cursor, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            DB_PARAMS(DB_INT(org), DB_TEXT(in->url), DB_TEXT(events),
                                      DB_TEXT(filter), DB_TEXT(secret),
                                      DB_INT(in->has_enabled && !in->enabled ? 0 : 1),
                                      DB_INT(cursor), DB_TEXT(now), DB_TEXT(now)),
                            NULL, NULL, err);
    if (!rc) {
        *id = db_last_insert_rowid(db);
        rc = audit(db, who, "webhook.create", *id, summary(in->url, events), err);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
out:
    free(events);
    free(filter);
    if (rc)
        sodium_memzero(secret, WEBHOOK_SECRET_HEX + 1);
    return rc;
}

int webhook_update(struct db *db, const struct principal *who, int64_t id,
                   const struct webhook_input *in, struct bh_error *err)
{
    char *events = NULL, *filter = NULL;
    int rc = find_webhook(db, who, id, NULL, err);
    if (!rc && in->url)
        rc = check_url(in->url, err);
    if (!rc && in->has_events)
        rc = check_events(in, &events, err);
    if (!rc && in->filter)
        rc = check_filter(in->filter, &filter, err);
    if (rc)
        goto out;
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if ((rc = db_begin(db, err)))
        goto out;
    rc = db_exec_params(db,
                        "UPDATE webhook SET url = coalesce(?, url), events = coalesce(?, events), "
                        "filter = CASE WHEN ? THEN ? ELSE filter END, updated_at = ? WHERE id = ?",
                        DB_PARAMS(DB_TEXT(in->url), DB_TEXT(events), DB_INT(in->filter != NULL),
                                  DB_TEXT(filter), DB_TEXT(now), DB_INT(id)),
                        NULL, NULL, err);
    /* Enabling again starts the count of failures afresh: the owner says the receiver is
     * fixed, and the deliveries still queued go out at once. */
    if (!rc && in->has_enabled && in->enabled)
        rc = db_exec_params(db,
                            "UPDATE webhook SET enabled = 1, failures = 0, disabled_reason = NULL "
                            "WHERE id = ? AND enabled = 0",
                            DB_PARAMS(DB_INT(id)), NULL, NULL, err);
    if (!rc && in->has_enabled && in->enabled)
        rc = db_exec_params(db,
                            "UPDATE webhook_delivery SET next_attempt_at = ? WHERE webhook_id = ? "
                            "AND status = 'pending'",
                            DB_PARAMS(DB_INT(time_now_ms()), DB_INT(id)), NULL, NULL, err);
    if (!rc && in->has_enabled && !in->enabled)
        rc = db_exec_params(db, "UPDATE webhook SET enabled = 0 WHERE id = ?",
                            DB_PARAMS(DB_INT(id)), NULL, NULL, err);
    if (!rc) {
        json_t *s = summary(in->url, events);
        if (in->has_enabled)
            json_object_set_new(s, "enabled", json_boolean(in->enabled));
        rc = audit(db, who, "webhook.update", id, s, err);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
out:
    free(events);
    free(filter);
    return rc;
}

int webhook_delete(struct db *db, const struct principal *who, int64_t id, struct bh_error *err)
{
    int rc = find_webhook(db, who, id, NULL, err);
    if (rc || (rc = db_begin(db, err)))
        return rc;
    rc = db_exec_params(db, "DELETE FROM webhook WHERE id = ?", DB_PARAMS(DB_INT(id)), NULL, NULL,
                        err);
    if (!rc)
        rc = audit(db, who, "webhook.delete", id, NULL, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}

#define WEBHOOK_COLUMNS                                                                   \
    "w.id, o.code, w.url, w.events, w.filter, w.enabled, w.failures, w.disabled_reason, " \
    "w.created_at, w.updated_at FROM webhook w JOIN org o ON o.id = w.org_id"

static json_t *row_json(struct db_stmt *st)
{
    const char *filter = db_column_text(st, 4);
    const char *reason = db_column_text(st, 7);
    return json_pack("{sI ss ss so so sb sI so ss ss}", "id", (json_int_t)db_column_int(st, 0),
                     "org", db_column_text(st, 1), "url", db_column_text(st, 2), "events",
                     json_loads(db_column_text(st, 3), 0, NULL), "filter",
                     filter ? json_loads(filter, 0, NULL) : json_null(), "enabled",
                     (int)db_column_int(st, 5), "failures", (json_int_t)db_column_int(st, 6),
                     "disabled_reason", reason ? json_string(reason) : json_null(), "created_at",
                     db_column_text(st, 8), "updated_at", db_column_text(st, 9));
}

int webhook_get(struct db *db, const struct principal *who, int64_t id, json_t **out,
                struct bh_error *err)
{
    *out = NULL;
    int rc = find_webhook(db, who, id, NULL, err);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, "SELECT " WEBHOOK_COLUMNS " WHERE w.id = ?", &st, err)))
        return rc;
    db_bind_int(st, 1, id);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *out = row_json(st);
    else if (rc == DB_DONE)
        rc = bh_fail(err, BH_ENOTFOUND, "id", "no webhook has the id %lld", (long long)id);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int webhook_list(struct db *db, const struct principal *who, int64_t after, int limit,
                 json_t *items, bool *more, int64_t *total, struct bh_error *err)
{
    *more = false;
    int rc = check_role(who, err);
    if (rc)
        return rc;
    if (limit < 1)
        limit = 1;
    /* An admin's organization id matches no row through "-1 = ?" being false: the admin's
     * branch reads every organization's. */
    int64_t org = who->role == ROLE_ADMIN ? -1 : who->org_id;
    if (total &&
        (rc = db_exec_params(db, "SELECT count(*) FROM webhook WHERE (? = -1 OR org_id = ?)",
                             DB_PARAMS(DB_INT(org), DB_INT(org)), total, NULL, err)))
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db,
                         "SELECT " WEBHOOK_COLUMNS
                         " WHERE (? = -1 OR w.org_id = ?) AND w.id > ? ORDER BY w.id LIMIT ?",
                         &st, err)))
        return rc;
    db_bind_int(st, 1, org);
    db_bind_int(st, 2, org);
    db_bind_int(st, 3, after);
    db_bind_int(st, 4, limit + 1);
    int n = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (n == limit) {
            *more = true;
            break;
        }
        json_array_append_new(items, row_json(st));
        n++;
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int attempts_json(struct db *db, const char *delivery, json_t **out, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT at, status, error FROM webhook_attempt WHERE delivery_id = ? "
                        "ORDER BY id",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, delivery);
    *out = json_array();
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *e = db_column_text(st, 2);
        json_array_append_new(
            *out,
            json_pack("{ss so so}", "at", db_column_text(st, 0), "status",
                      db_column_is_null(st, 1) ? json_null() : json_integer(db_column_int(st, 1)),
                      "error", e ? json_string(e) : json_null()));
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int webhook_deliveries(struct db *db, const struct principal *who, int64_t id, const char *before,
                       int limit, json_t *items, bool *more, struct bh_error *err)
{
    *more = false;
    int rc = find_webhook(db, who, id, NULL, err);
    if (rc)
        return rc;
    if (limit < 1)
        limit = 1;
    struct db_stmt *st;
    if ((rc = db_prepare(db,
                         "SELECT id, event_id, kind, action, record_id, event_at, status, "
                         "attempts, next_attempt_at, created_at FROM webhook_delivery "
                         "WHERE webhook_id = ? AND (? IS NULL OR id < ?) ORDER BY id DESC "
                         "LIMIT ?",
                         &st, err)))
        return rc;
    db_bind_int(st, 1, id);
    db_bind_text(st, 2, before);
    db_bind_text(st, 3, before);
    db_bind_int(st, 4, limit + 1);
    int n = 0;
    /* The attempts are read after this statement finishes: two statements open on one
     * connection are fine, but the list stays simple. */
    json_t *rows = json_array();
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (n == limit) {
            *more = true;
            break;
        }
        json_t *next = json_null();
        if (!db_column_is_null(st, 8)) {
            char at[40];
            time_format_rfc3339(db_column_int(st, 8), 0, false, at);
            next = json_string(at);
        }
        json_array_append_new(
            rows, json_pack("{ss sI ss ss ss ss ss sI so ss}", "id", db_column_text(st, 0),
                            "event_id", (json_int_t)db_column_int(st, 1), "kind",
                            db_column_text(st, 2), "action", db_column_text(st, 3), "record_id",
                            db_column_text(st, 4), "event_at", db_column_text(st, 5), "status",
                            db_column_text(st, 6), "attempts", (json_int_t)db_column_int(st, 7),
                            "next_attempt_at", next, "created_at", db_column_text(st, 9)));
        n++;
    }
    db_stmt_done(st);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *log = NULL;
        if (rc >= 0 &&
            (rc = attempts_json(db, json_string_value(json_object_get(row, "id")), &log, err)) == 0)
            json_object_set_new(row, "log", log);
        json_array_append(items, row);
    }
    json_decref(rows);
    return rc < 0 ? rc : 0;
}
