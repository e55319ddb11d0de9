#ifndef BH_ALERT_INTERNAL_H
#define BH_ALERT_INTERNAL_H

/* What the files of the alert module share and nobody else sees. */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "alert/alert.h"

/* One alert row about to be written (alert__insert). Strings are borrowed. */
struct alert__row {
    const char *id; /* NULL: a new UUIDv7 */
    int64_t owner_org_id;
    const char *tlp;
    int64_t sharing_group_id; /* 0: none */
    const char *identifier;   /* NULL: urn:uuid:<id> */
    const char *sender;
    const char *sent; /* NULL: now */
    const char *status, *msg_type, *references_text;
    const json_t *infos; /* the API's info list, normalized */
    const char *origin;
    bool signature_verified;
    int64_t created_by; /* 0: none */
};

/* Inserts the alert (in the caller's transaction); the id goes to id_out. */
int alert__insert(struct db *db, const struct alert__row *r, char id_out[37], struct bh_error *err);

/* "2026-12-07T10:00:00+01:00" of `ms` at `offset_min`: CAP's dateTime, never "Z". */
void alert__cap_time(int64_t ms, int offset_min, char out[40]);

/* A CAP dateTime or RFC 3339 text checked and rewritten as CAP's dateTime (keeping its
 * offset; "Z" becomes +00:00) into `out`; BH_EINVALID naming `field`. */
int alert__norm_time(const char *s, const char *field, char out[40], struct bh_error *err);

/* Loads the visible alert `id` as its API JSON (BH_ENOTFOUND when `who` may not see it). Also
 * gives the owner org id and tlp when not NULL. */
int alert__load(struct db *db, const struct principal *who, const char *id, json_t **out,
                int64_t *owner_org_id, char tlp[16], struct bh_error *err);

/* Sets the state of alert `id` to 'updated' or 'cancelled' and publishes the feed event. */
int alert__set_state(struct db *db, const char *id, const char *state, struct bh_error *err);

#endif
