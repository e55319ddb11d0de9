#ifndef BH_WEBHOOK_WEBHOOK_H
#define BH_WEBHOOK_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "audit/audit.h"
#include "base/config.h"
#include "base/err.h"
#include "base/worker.h"
#include "db/db.h"
#include "principal/principal.h"

struct sockaddr;

/* Webhooks (migration 0022, docs/webhooks.md): an organization subscribes a URL to kinds of
 * feed event (alert, bulletin, incident); a worker reads the live feed's log (feed/feed.h)
 * after each subscription's cursor, keeps the events whose record the organization may see,
 * queues one delivery per event in the store and POSTs it, signed with the subscription's
 * secret, retrying with exponential backoff. A subscription that keeps failing is disabled
 * and its organization told (notify_org, "webhook.disabled").
 *
 * Targets are checked against a server-side request forgery guard after DNS resolution and on
 * every redirect: loopback, private, link-local, unspecified and multicast addresses are
 * refused unless the `webhook_allow_hosts` setting lists them (CIDR). */

/* Manage the organization's webhooks (the organization's own; admins any). */
extern const struct permission perm_webhook_manage;
extern const struct permission *const webhook_permissions[]; /* NULL-terminated */
#define PERM_WEBHOOK_MANAGE (&perm_webhook_manage)

#define WEBHOOK_URL_MAX     2048
#define WEBHOOK_SECRET_HEX  64 /* 32 random bytes, hex */
#define WEBHOOK_MAX_ACTIONS 8
/* Redirects followed by hand, each target checked again. */
#define WEBHOOK_MAX_REDIRECTS 3

/* ---- url.c: the pure parsers (fuzz_webhook_url) ---- */

/* A URL's parts: scheme "http" or "https", host without brackets, port (80/443 by default). */
struct webhook_url {
    bool https;
    char host[256];
    int port;
    bool host_is_ip; /* a literal IPv4 or IPv6 address */
};

/* Parses an absolute http(s) URL of at most WEBHOOK_URL_MAX bytes with a host, an optional
 * port and path; no user name or password (they would be logged and shown), no spaces or
 * control characters. BH_EINVALID naming `field` otherwise. */
int webhook_url_parse(const char *url, const char *field, struct webhook_url *out,
                      struct bh_error *err);

/* The address ranges an administrator allows despite the guard: a list of CIDR blocks
 * ("127.0.0.1/32, ::1/128"; a bare address is a /32 or /128). */
#define WEBHOOK_ALLOW_MAX 16
struct webhook_allow {
    struct {
        int family; /* AF_INET or AF_INET6 */
        unsigned char addr[16];
        int bits;
    } net[WEBHOOK_ALLOW_MAX];
    int n;
};

/* Parses `list` (comma- or space-separated CIDR blocks; "" allows nothing). BH_EINVALID naming
 * `field` and the bad block. */
int webhook_allow_parse(const char *list, const char *field, struct webhook_allow *out,
                        struct bh_error *err);

/* Whether the guard lets a connection to `sa` (AF_INET or AF_INET6; v4-mapped v6 addresses
 * count as v4) through: public addresses always, the refused ranges only inside `allow`
 * (may be NULL). `why` (may be NULL, 64 bytes) receives the range's name when refused. */
bool webhook_address_allowed(const struct sockaddr *sa, const struct webhook_allow *allow,
                             char why[64]);

/* ---- webhook.c: settings and subscriptions ---- */

/* Takes the settings (webhook_allow_hosts, webhook_max_failures) for this process: the
 * server's worker calls it at start, tests call it directly. BH_EINVALID naming the setting. */
int webhook_configure(const struct bh_config *c, struct bh_error *err);

/* The kinds table (api_record_kinds) the worker checks visibility with: webhook/ sits below
 * api/ and cannot name it, so `serve` hands it in before the workers start. Borrowed for the
 * life of the process. */
void webhook_set_kinds(const struct audit_record_kind *kinds);

/* A subscription as written by a client: `url`, `events` (kinds of feed event), optional
 * `filter` ({"actions": ["created", ...]}, NULL for none) and `enabled`. */
struct webhook_input {
    const char *url;
    const char *events[4];
    size_t nevents;
    bool has_events;
    const json_t *filter; /* borrowed; NULL: absent; json null: remove */
    bool enabled, has_enabled;
};

/* Creates a subscription owned by `who`'s organization (`org_code`, NULL: the caller's; only
 * admins may name another), reading the feed from now on. The new id goes to *id and the
 * secret, shown this once, to `secret` (WEBHOOK_SECRET_HEX + 1 bytes). Audited. */
int webhook_create(struct db *db, const struct principal *who, const char *org_code,
                   const struct webhook_input *in, int64_t *id, char secret[WEBHOOK_SECRET_HEX + 1],
                   struct bh_error *err);

/* Changes what `in` sets. Enabling a disabled subscription resets its failure count. Another
 * organization's subscription is BH_ENOTFOUND (admins excepted): its existence is none of
 * their business. */
int webhook_update(struct db *db, const struct principal *who, int64_t id,
                   const struct webhook_input *in, struct bh_error *err);

int webhook_delete(struct db *db, const struct principal *who, int64_t id, struct bh_error *err);

/* The subscription as JSON {id, org, url, events, filter, enabled, failures, disabled_reason,
 * created_at, updated_at}, never its secret; new reference in *out. */
int webhook_get(struct db *db, const struct principal *who, int64_t id, json_t **out,
                struct bh_error *err);

/* The subscriptions `who` manages (their organization's; admins all), by id after `after`. */
int webhook_list(struct db *db, const struct principal *who, int64_t after, int limit,
                 json_t *items, bool *more, int64_t *total, struct bh_error *err);

/* The delivery log of subscription `id`, newest first, before delivery `before` (a delivery
 * id; NULL: from the newest): {id, event_id, kind, action, record_id, status, attempts,
 * next_attempt_at, created_at, log: [{at, status, error}]}. */
int webhook_deliveries(struct db *db, const struct principal *who, int64_t id, const char *before,
                       int limit, json_t *items, bool *more, struct bh_error *err);

/* ---- deliver.c: the queue ---- */

/* One pass of the worker at time `now_ms`: queues the new feed events each enabled
 * subscription may see, then sends every delivery due by `now_ms` once. *delivered (may be
 * NULL) gets the number sent successfully. The visibility of each event's record is checked
 * with `kinds` (the API's registry), as a focal point of the subscription's organization; a
 * kind missing from `kinds` is never sent. Errors of one delivery are logged in the delivery
 * log, not returned; a store failure is. */
int webhook_run_once(struct db *db, const struct audit_record_kind *kinds, int64_t now_ms,
                     int *delivered, struct bh_error *err);

/* The wait before retry `n` (n >= 1 failed attempts): 30 s, 2 min, 8 min, ... capped at an
 * hour. */
int64_t webhook_backoff_ms(int failed_attempts);

/* The signature header's value for `body` sent at `timestamp` (unix seconds) with `secret`
 * (hex): "sha256=" and the hex HMAC-SHA256 of "<timestamp>.<body>". `out` holds 72 bytes. */
void webhook_sign(const char *secret, long long timestamp, const char *body, char out[72]);

/* The worker for serve_workers (worker.c). */
extern const struct bh_worker webhook_worker;

#endif
