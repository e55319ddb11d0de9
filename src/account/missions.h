#ifndef BH_ACCOUNT_MISSIONS_H
#define BH_ACCOUNT_MISSIONS_H

#include <stddef.h>

#include <jansson.h>

#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* The missions a user works for (table account_mission). An endorser endorses, returns and
 * merges the reports of these missions only (docs/incidents.md); for other roles the list
 * says where they work and changes nothing they may do. */

#define ACCOUNT_MISSIONS_MAX 64

/* Replaces the missions of `username` with `missions` (acronyms, any case; repeats count
 * once; none clears them). Needs user.admin. BH_ENOTFOUND (field "username") for an unknown
 * user; BH_EINVALID (field "missions") naming an unknown mission; nothing is written then.
 * Audited as user.missions with the sets before and after. *out (may be NULL) gets the new
 * set as a JSON array of acronyms in alphabetical order. */
int account_missions_set(struct db *db, const struct principal *who, const char *username,
                         const char *const *missions, size_t n, json_t **out, struct bh_error *err);

/* The missions of `username` as a JSON array of acronyms in alphabetical order (a new
 * reference); an unknown user has none. */
int account_missions_of(struct db *db, const char *username, json_t **out, struct bh_error *err);

/* Sets "missions" in the user JSON `user` (account_user_json()) from its "username". */
int account_missions_attach(struct db *db, json_t *user, struct bh_error *err);

#endif
