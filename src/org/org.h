#ifndef BH_ORG_ORG_H
#define BH_ORG_ORG_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* Organizations: member states, regional organizations, UN entities and missions, their
 * standing in the Group of Friends and their contributor roles. Every account belongs to one
 * organization, and every shareable record is owned by one. */

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
    ORG_ROLE_ALL = 0xf,
};

#define ORG_CODE_MAX 16  /* longest code, in characters */
#define ORG_NAME_MAX 159 /* longest name, in bytes */

struct org {
    int64_t id;
    char code[32]; /* ISO3 for states (CHN), an acronym for the others (LAS, DPO, MINUSCA) */
    enum org_kind kind;
    char name[160];
    enum org_standing standing;
    unsigned roles;
    char joined[11];     /* YYYY-MM-DD or "" */
    char country[4];     /* ISO3 of a member state (defaults to the code), else "" */
    char mission[32];    /* the mission's acronym for kind mission, else "" */
    char created_at[40]; /* RFC 3339, set by the store */
};

/* "member_state", ... / "co_chair", ... / "tcc", ...; NULL when out of range. */
const char *org_kind_name(enum org_kind k);
const char *org_standing_name(enum org_standing s);
const char *org_role_name(unsigned role_bit);

/* The words shown for them ("Member state", "Co-chair"; a contributor role has a short form,
 * "Troops", and a long one, "Troop-contributing"), in the calling thread's language
 * (base/i18n.h); NULL when out of range. */
const char *org_kind_label(enum org_kind k);
const char *org_standing_label(enum org_standing s);
const char *org_role_label(unsigned role_bit, bool long_form);

/* Parse the names above; -1 when unknown. */
int org_kind_parse(const char *s);
int org_standing_parse(const char *s);
int org_role_parse(const char *s);

/* Parses a comma-separated role list ("tcc,pcc"; "" or "none" is no role) into a bit set.
 * BH_EINVALID naming "roles" and the unknown name. */
int org_roles_parse_list(const char *s, unsigned *out, struct bh_error *err);

/* Parses a JSON object {code, kind, name, standing, roles:[...], joined, country, mission}
 * strictly: unknown fields, wrong types and unknown names fail naming the field. Fills `out`
 * with defaults for what is absent (standing: member for member states and regional
 * organizations, none otherwise). What needs the store (the country and mission exist, the
 * code is free) is checked by org_add(). */
int org_from_json(const json_t *obj, struct org *out, struct bh_error *err);

/* The JSON form: {code, kind, name, standing, roles, joined, country, mission, created_at},
 * with null for an empty joined, country or mission. New reference. */
json_t *org_to_json(const struct org *o);

/* Sets the defaults org_from_json() applies, for callers that fill the struct themselves
 * (the CLI): zeroes `o`, standing STANDING_NONE until a kind is known. */
void org_init(struct org *o);

/* Adds an organization after validating every field (code 2-16 of [A-Z0-9-]; the country
 * exists for a member state and defaults to the code; the mission exists for a mission;
 * joined is a real date not in the future). BH_ECONFLICT naming "code" when the code exists;
 * BH_EDENIED unless `who` may write organizations. Fills o->id and o->created_at. Audited
 * as org.create. */
int org_add(struct db *db, const struct principal *who, struct org *o, struct bh_error *err);

/* BH_ENOTFOUND (field "code") when no organization has that code. */
int org_get(struct db *db, const char *code, struct org *out, struct bh_error *err);

/* The same by id (for modules that store owner_org_id). */
int org_get_by_id(struct db *db, int64_t id, struct org *out, struct bh_error *err);

/* Lists by code after `after_code` ("" from the start), at most `limit`, optionally only one
 * kind and one standing (-1 for all); appends JSON objects to `items`; *more tells whether
 * more follow; *total (may be NULL) is the count of every match, all pages together. */
int org_list(struct db *db, const char *after_code, int limit, int kind, int standing,
             json_t *items, bool *more, int64_t *total, struct bh_error *err);

/* Loads the group as launched on 27 April 2021 (co-chairs, members, UN entities and the
 * active peacekeeping missions of the mission table). Needs the reference data (countries,
 * missions) loaded. Idempotent: codes already present are left as they are. Sets *added
 * (may be NULL) to the number of organizations created; each is audited as org.create. */
int org_seed(struct db *db, const struct principal *who, int *added, struct bh_error *err);

#endif
