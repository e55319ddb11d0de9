#ifndef BH_NOTIFY_NOTIFY_H
#define BH_NOTIFY_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "base/worker.h"
#include "db/db.h"

/* Notifications shared by every capability: one in-app list per user, with read state, and an
 * optional hourly e-mail digest. A notification names what it is about (`record_type`,
 * `record_id`, checked against that record's sharing rule when the list is read, the digest
 * sent and the live stream delivers it: a record whose marking changed since is not shown),
 * or nothing (NULL type: a notice for that account alone, "your webhook was disabled").
 *
 * `kind` is a stable code the reader's language turns into a sentence ("alert.received",
 * "alert.acknowledged", "webhook.disabled", "feed.context_alert"): the web app's catalog has
 * "notify.<kind>", the e-mail digest a gettext message. `params_json` is a JSON object of the
 * sentence's parameters ({"headline": "..."}; NULL for none) and `link` the app's path to open
 * ("/alerts/0190..."; NULL for none). Each call writes in the caller's transaction and appends
 * a "notification" event to the live feed (feed_publish) for each account told; the caller
 * calls feed_notify() after its commit. */

/* Tells one account. */
int notify_account(struct db *db, int64_t account_id, const char *kind, const char *record_type,
                   const char *record_id, const char *params_json, const char *link,
                   struct bh_error *err);

/* Tells every enabled account of organization `org_id`. */
int notify_org(struct db *db, int64_t org_id, const char *kind, const char *record_type,
               const char *record_id, const char *params_json, const char *link,
               struct bh_error *err);

/* Tells every enabled account that works for mission `mission` (acronym; account_mission). */
int notify_mission(struct db *db, const char *mission, const char *kind, const char *record_type,
                   const char *record_id, const char *params_json, const char *link,
                   struct bh_error *err);

/* ---- list.c: reading one's own notifications ---- */

struct audit_record_kind;
struct principal;

/* A notification reaches its reader only while the reader may see the record it names: each
 * read below checks the record against its kind's predicate in `kinds` (api_record_kinds,
 * NULL-terminated), at the time of reading. A record of a kind not in `kinds` is never shown;
 * one that names no record is. Only `who`'s own rows are ever read or changed. */

/* Appends to `items` up to `limit` of `who`'s visible notifications, newest first, with ids
 * below `before_id` (0: from the newest), as {id, kind, params (object or null), link,
 * record_type, record_id, created_at, read_at}; only unread ones when `unread_only`. *more
 * says whether more follow; *total (may be NULL) counts every match whatever the page. */
int notify_list(struct db *db, const struct principal *who, const struct audit_record_kind *kinds,
                bool unread_only, int64_t before_id, int limit, json_t *items, bool *more,
                int64_t *total, struct bh_error *err);

/* How many of `who`'s visible notifications are unread. */
int notify_unread_count(struct db *db, const struct principal *who,
                        const struct audit_record_kind *kinds, int64_t *out, struct bh_error *err);

/* Marks one of `who`'s visible notifications read (again is no change). Another account's, or
 * one `who` may no longer see, is BH_ENOTFOUND, as if it did not exist. */
int notify_mark_read(struct db *db, const struct principal *who,
                     const struct audit_record_kind *kinds, int64_t id, struct bh_error *err);

/* Marks every one of `who`'s notifications read; *changed (may be NULL) gets how many were
 * unread. Hidden ones are marked too: nobody will be told of them again. */
int notify_mark_all_read(struct db *db, const struct principal *who, int64_t *changed,
                         struct bh_error *err);

/* The account's e-mail choice: whether it wants the hourly digest, and its address (NULL when
 * none is set; *email gets a malloc'd copy the caller frees, `email` may be NULL). */
int notify_settings_get(struct db *db, int64_t account_id, bool *email_digest, char **email,
                        struct bh_error *err);

/* The signed-in user's own choice of the digest (audited: "user.notification_settings"). */
int notify_settings_set(struct db *db, const struct principal *who, bool email_digest,
                        struct bh_error *err);

/* Sets the e-mail address of account `username` (NULL or "" clears it): an administrator's
 * act (`bluehelm user email`), audited as `who` ("user.email", without the address). Refuses what
 * is not one address (BH_EINVALID naming "email"): a line break or a comma would let the address
 * add recipients or headers to the mail. */
int notify_set_email(struct db *db, const struct principal *who, const char *username,
                     const char *email, struct bh_error *err);

/* ---- digest.c: the hourly e-mail digest ---- */

/* One pass of the digest worker at time `now_ms`: for each account that chose the digest, has
 * an address, got no digest in the hour before `now_ms` and has unread notifications it may
 * still see that were never mailed, sends one mail listing them (in the account's language)
 * to c->smtp_url and marks them mailed. *sent (may be NULL) gets the number of mails sent. A
 * relay that refuses leaves that account's notifications unmailed for the next pass, and the
 * pass goes on with the next account; the failure is logged and the first one returned
 * (BH_EIO) after the pass. Nothing is sent when smtp_url is empty. */
int notify_digest_run_once(struct db *db, const struct bh_config *c,
                           const struct audit_record_kind *kinds, int64_t now_ms, int *sent,
                           struct bh_error *err);

/* The kinds table (api_record_kinds) the digest worker checks visibility with, handed in by
 * `serve` before the workers start; the worker refuses to start without it. */
void notify_digest_set_kinds(const struct audit_record_kind *kinds);

/* The worker that runs notify_digest_run_once() every minute (serve_workers). */
extern const struct bh_worker notify_digest_worker;

#endif
