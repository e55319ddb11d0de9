#ifndef BH_ACTION_INTERNAL_H
#define BH_ACTION_INTERNAL_H

/* What action.c, update.c and reminder.c share; not for other modules. */

#include "action/action.h"

/* The stored action as `who` sees it, for a write (`who` NULL: without the predicate). */
struct action__row {
    char id[64];
    char commitment_id[64];
    char title[201];
    char mission[32];
    char due_date[11];
    char time_zone[64];
    char status[16];
    char tlp[16];
    int64_t group;
    int64_t owner_org_id, responsible_org_id, revision;
};

int action__read(struct db *db, const struct principal *who, const char *id, struct action__row *r,
                 struct bh_error *err);

/* The action's JSON (action_get's shape; updates only with `with_updates`) read without the
 * predicate: the caller has checked `who` may see it. */
int action__json(struct db *db, const struct principal *who, const char *id, bool with_updates,
                 json_t **out, struct bh_error *err);

/* The updates of action `id`, newest first, as `who` sees their evidence. */
int action__updates_json(struct db *db, const struct principal *who, const char *id, json_t *items,
                         struct bh_error *err);

/* Reads one indicator definition {name, unit, baseline, target}; `field` prefixes the members
 * named in errors ("indicators[0]." or ""). */
struct action__indicator {
    const char *name, *unit;
    bool has_baseline;
    double baseline, target;
};
int action__read_indicator(const json_t *o, const char *field, struct action__indicator *out,
                           struct bh_error *err);

/* {"title", "mission", "due_date"} of the notifications, as JSON text (heap). */
char *action__notify_params(const char *title, const char *mission, const char *due_date);

#endif
