#ifndef BH_ORG_ORG_H
#define BH_ORG_ORG_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "account/role.h"
#include "base/err.h"
#include "db/db.h"

/* Organizations: member states, regional organizations, UN entities and missions, their
 * standing in the Group of Friends and their contributor roles. */

enum org_kind { ORG_MEMBER_STATE, ORG_REGIONAL_ORG, ORG_UN_ENTITY, ORG_MISSION, ORG_KIND_COUNT };
enum org_standing {
    STANDING_CO_CHAIR,
    STANDING_MEMBER,
    STANDING_OBSERVER,
    STANDING_NONE,
    STANDING_COUNT
};

/* Contributor roles, a bit set. */
enum {
    ORG_ROLE_TCC = 1 << 0,       /* troop-contributing */
    ORG_ROLE_PCC = 1 << 1,       /* police-contributing */
    ORG_ROLE_FINANCIAL = 1 << 2, /* financial contributor */
    ORG_ROLE_HOST = 1 << 3,      /* hosts a mission */
};

struct org {
    int64_t id;
    char code[32]; /* ISO3 for states (CHN), an acronym for the others (LAS, DPO, MINUSCA) */
    enum org_kind kind;
    char name[160];
    enum org_standing standing;
    unsigned roles;
    char joined[11]; /* YYYY-MM-DD or "" */
};

/* Parses a JSON object {code, kind, name, standing, roles:[...], joined} strictly: unknown
 * fields and wrong types fail naming the field. */
int org_from_json(const json_t *obj, struct org *out, struct bh_error *err);
json_t *org_to_json(const struct org *o);

/* Adds an organization; BH_ECONFLICT when the code exists. Audited. */
int org_add(struct db *db, const struct principal *who, struct org *o, struct bh_error *err);

/* BH_ENOTFOUND when no organization has that code. */
int org_get(struct db *db, const char *code, struct org *out, struct bh_error *err);

/* Lists by code after `after_code` ("" from the start), at most `limit`, optionally only one
 * kind (-1 for all); appends JSON objects to `items`; *more tells whether more follow. */
int org_list(struct db *db, const char *after_code, int limit, int kind, json_t *items, bool *more,
             int64_t *total, struct bh_error *err);

/* Loads the group as launched on 27 April 2021 (co-chairs, members, UN entities and the
 * active missions). Idempotent. */
int org_seed(struct db *db, const struct principal *who, int *added, struct bh_error *err);

#endif
