#ifndef BH_EXTFEED_EXTFEED_H
#define BH_EXTFEED_EXTFEED_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/config.h"
#include "base/err.h"
#include "base/worker.h"
#include "db/db.h"
#include "formats/cap.h"
#include "principal/principal.h"

/* External CAP feeds (docs/extfeeds.md): an admin subscribes the store to CAP Atom or RSS
 * feeds; the poller fetches each when due (ETag and Last-Modified honoured, time and size
 * bounded), imports their alerts through alert_import_cap (which de-duplicates), and makes an
 * alert whose areas touch a mission's area a context alert for that mission, telling its
 * members (notify_mission, kind "feed.context_alert"). */

extern const struct permission perm_feed_manage;
extern const struct permission *const extfeed_permissions[]; /* NULL-terminated */
#define PERM_FEED_MANAGE (&perm_feed_manage)

#define EXTFEED_INTERVAL_MIN     60
#define EXTFEED_INTERVAL_DEFAULT 300
#define EXTFEED_INTERVAL_MAX     (7 * 24 * 3600)
/* A mission's area, for want of a drawn one in the store: the box around its headquarters
 * reaching this far in every direction (docs/extfeeds.md, "Mission areas"). */
#define EXTFEED_MISSION_RADIUS_KM 500.0

/* Subscriptions. `body` is the request's JSON ({url, name, interval_s, enabled}); *out a new
 * object as GET shows it. Audited as extfeed.create / extfeed.update / extfeed.delete. A URL
 * that is not http(s), an interval under 60 s, unknown keys: BH_EINVALID naming the field; a
 * URL already subscribed: BH_ECONFLICT. */
int extfeed_create(struct db *db, const struct principal *who, const json_t *body, json_t **out,
                   struct bh_error *err);
int extfeed_update(struct db *db, const struct principal *who, int64_t id, const json_t *body,
                   json_t **out, struct bh_error *err);
int extfeed_delete(struct db *db, const struct principal *who, int64_t id, struct bh_error *err);
int extfeed_get(struct db *db, int64_t id, json_t **out, struct bh_error *err);
/* Appends every subscription to `items` (an array), by id. */
int extfeed_list(struct db *db, json_t *items, struct bh_error *err);

/* Takes the setting feed_allow_hosts for this process: the refused address ranges (private,
 * loopback, link-local: the webhooks' request forgery guard, webhook_address_allowed) that feeds
 * may be fetched from anyway. The poller calls it at start, tests directly. BH_EINVALID naming
 * the setting and the bad block. */
int extfeed_configure(const struct bh_config *c, struct bh_error *err);

/* Polls every enabled feed that is due at `now_ms` (its next poll time reached), one after
 * the other, and sets each one's next poll to now_ms + interval. *fetched (may be NULL) gets
 * the number of feeds requested. A feed's own failure (network, HTTP status, size, XML) is
 * kept in its row (status "error", error) and is no failure of the call, which fails only
 * when the store does. */
int extfeed_poll_once(struct db *db, int64_t now_ms, int *fetched, struct bh_error *err);

/* The poller thread: every few seconds extfeed_poll_once(time_now_ms()) on a connection of
 * its own; listed in serve_workers (src/cli/serve.c). */
extern const struct bh_worker extfeed_worker;

/* Context alerts of mission `mission` (acronym) that `who` may see (alert_predicate), newest
 * first, at most 500, appended to `items`. BH_ENOTFOUND for an unknown mission. */
int extfeed_context_list(struct db *db, const struct principal *who, const char *mission,
                         json_t *items, struct bh_error *err);

/* Geometry, exposed for the tests. The box [west, south, east, north] reaching `radius_km`
 * around (lat, lon); whether one CAP area (its polygons and circles; geocodes alone never
 * touch) meets the box. */
void extfeed_box_around(double lat, double lon, double radius_km, double box[4]);
bool extfeed_area_touches(const struct cap_area *area, const double box[4]);

#endif
