#ifndef BH_CASUALTY_CASUALTY_H
#define BH_CASUALTY_CASUALTY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* The casualty register: one record per person (no names), in the UN fatalities dataset's
 * vocabulary, owned by the contributing state and embargoed until released (next of kin and
 * the contributing state notified). Records imported from the UN's published file are
 * released and TLP:CLEAR. */

/* Visibility of casualty rows for `who`: the sharing predicate AND the embargo rule (an
 * embargoed record is seen only by its owner organization, the organization of its mission,
 * and admins). Appends a parenthesized SQL boolean over table alias `alias` to `sql`, and the
 * values of its placeholders to `params` (the binding rule of sharing_predicate()).
 * Every list, statistic and export of casualties goes through this and nothing else. */
void casualty_predicate(const struct principal *who, const char *alias, struct buf *sql,
                        struct db_params *params);

/* The UN vocabularies, for validation and docs. NULL-terminated. */
extern const char *const casualty_types[];
extern const char *const casualty_personnel_types[];
extern const char *const casualty_incident_types[];

/* ---- Records (record.c) ---- */

/* What a member sends to create a record (POST /api/v1/casualties). Strings are borrowed from
 * whatever the caller parsed them out of. */
struct casualty_new {
    const char *incident_date;  /* YYYY-MM-DD, a real date, not in the future */
    const char *mission;        /* an acronym of the mission table (MINUSMA) */
    const char *casualty_type;  /* one of casualty_types[] */
    const char *gender;         /* "M", "F", or "U" (not recorded; "unknown" is read as U) */
    const char *nationality;    /* an ISO3 code of the country table, or "unknown" */
    const char *personnel_type; /* one of casualty_personnel_types[] */
    const char *incident_type;  /* one of casualty_incident_types[] */
    const char *incident_id;    /* NULL, or the UUID of the incident it belongs to */
    const char *tlp;            /* a TLP marking ("TLP:GREEN", "amber") */
    int64_t sharing_group;      /* the group of an AMBER record; 0 for the other markings */
};

/* The nationality stored for "unknown": the UN file's own term for it. */
#define CASUALTY_UNDETERMINED "ZZ [Undetermined]"

/* Reads the JSON body of a create strictly (unknown fields and wrong types fail naming the
 * field); the values are checked by casualty_create(). Borrows from `obj`. */
int casualty_new_from_json(const json_t *obj, struct casualty_new *out, struct bh_error *err);

/* Creates a record owned by `who`'s organization: embargoed, source "member", a casualty_id
 * of its own ("BH-" and 12 hex digits). Every value is checked against the vocabularies and
 * the store, and a failure names the field. A RED record names its author as its recipient.
 * Audited as casualty.create. *out (may be NULL) receives the new record as JSON. */
int casualty_create(struct db *db, const struct principal *who, const struct casualty_new *in,
                    json_t **out, struct bh_error *err);

/* The record with id (UUID) or casualty_id `id`, as JSON (a new reference in *out), when
 * `who` may see it; else BH_ENOTFOUND, exactly as if it did not exist. A casualty_id that
 * names more than one record the reader may see is BH_ECONFLICT (give the id). An admin's read of
 * an embargoed, RED or AMBER+STRICT record is audited (casualty.read). */
int casualty_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                 struct bh_error *err);

/* Lifts the embargo: the owner organization's focal points and coordinators, and admins, may;
 * anyone else who can see the record gets BH_EDENIED, and who cannot see it BH_ENOTFOUND. A
 * record already released is BH_ECONFLICT. Records released_at and released_by; audited as
 * casualty.release. *out (may be NULL) receives the record as JSON. */
int casualty_release(struct db *db, const struct principal *who, const char *id, json_t **out,
                     struct bh_error *err);

/* ---- Possible double entries (duplicate.c) ---- */

/* The records that share a casualty_id with another record (the UN's file lists a few
 * persons twice), computed when asked: one JSON object per casualty_id,
 * {"casualty_id", "records": [record, ...], "resolved": true when all but one are marked as
 * duplicates}, appended to `items` by casualty_id. A casualty_id is listed only when `who`
 * may see at least two of its records, and only those (casualty_predicate() on both sides).
 * An admin's view of embargoed, RED or AMBER+STRICT records is audited (casualty.read). */
int casualty_conflicts(struct db *db, const struct principal *who, json_t *items,
                       struct bh_error *err);

/* Marks record `id` (a UUID) as the duplicate of record `of` (a UUID with the same
 * casualty_id; NULL clears the mark): counts of distinct persons leave it out, and its JSON
 * says "duplicate_of". Admins only (BH_EDENIED). An unknown `id` is BH_ENOTFOUND naming "id";
 * an unknown `of`, `of` equal to `id`, or a record with another casualty_id is BH_EINVALID
 * naming "of"; `of` itself marked, or `id` the record others repeat, is BH_ECONFLICT.
 * Marking again the same way writes nothing; a change is audited as
 * casualty.mark_duplicate. *out (may be NULL) receives the record as JSON. */
int casualty_mark_duplicate(struct db *db, const struct principal *who, const char *id,
                            const char *of, json_t **out, struct bh_error *err);

/* Reads the body {"of": "<id>"} (or {"of": null}) strictly; *of borrows from `obj`. */
int casualty_duplicate_from_json(const json_t *obj, const char **of, struct bh_error *err);

/* Filters shared by the list, the statistics and the export. Each is named as the API's query
 * parameter (the CLI's option is the same name with '-' for '_'):
 *   from, to        incident dates, inclusive (YYYY-MM-DD);
 *   ytd             year to date: from 1 January of that date's year to the date;
 *   mission         acronyms, comma-separated;
 *   nationality     ISO3 codes or "unknown" (no code), comma-separated;
 *   casualty_type, personnel_type, incident_type, gender: vocabulary values, comma-separated;
 *   embargoed       true or false.
 * The struct holds copies, so the values given need not outlive it. */
enum {
    CASUALTY_F_MISSION,
    CASUALTY_F_NATIONALITY,
    CASUALTY_F_CASUALTY_TYPE,
    CASUALTY_F_PERSONNEL_TYPE,
    CASUALTY_F_INCIDENT_TYPE,
    CASUALTY_F_GENDER,
    CASUALTY_F_LISTS
};

#define CASUALTY_FILTER_VALUES 32 /* values of one list filter */
#define CASUALTY_FILTER_TEXT   512

struct casualty_filter {
    char from[11], to[11], ytd[11]; /* "" when not given */
    struct {
        char text[CASUALTY_FILTER_TEXT]; /* the values, each NUL-terminated, one after another */
        int n;
    } list[CASUALTY_F_LISTS];
    int embargoed; /* -1: either; 0 or 1 */
};

/* The names casualty_filter_set() takes, NULL-terminated. */
extern const char *const casualty_filter_names[];

void casualty_filter_init(struct casualty_filter *f);

/* Sets the filter `name` to `value`, checking it (dates, vocabularies, code shapes):
 * BH_EINVALID naming the parameter. Whether a mission or country exists is checked when the
 * filter is used. An unknown name is BH_EINVALID too. */
int casualty_filter_set(struct casualty_filter *f, const char *name, const char *value,
                        struct bh_error *err);

/* Sets every filter that `get` has a value for: get(ctx, name) gives the value of the filter
 * `name` (one of casualty_filter_names) or NULL. Stops at the first bad value. */
int casualty_filter_read(struct casualty_filter *f, const char *(*get)(void *ctx, const char *name),
                         void *ctx, struct bh_error *err);

/* The list of records `who` may see that match `f`, newest incident first: up to `limit`
 * JSON objects appended to `items`, after the position `after` (a cursor this function
 * made; "" or NULL from the start). `next` (at least 64 bytes) receives the position after
 * the last item when more follow, else "". *total (may be NULL) counts every match. An
 * admin's page holding embargoed, RED or AMBER+STRICT records is audited (casualty.read). */
#define CASUALTY_CURSOR_MAX 64
int casualty_list(struct db *db, const struct principal *who, const struct casualty_filter *f,
                  const char *after, int limit, json_t *items, char next[CASUALTY_CURSOR_MAX],
                  int64_t *total, struct bh_error *err);

/* The records linked to incident `incident_id` (casualty.incident_id) that `who` may see, by
 * date, appended to `items` as JSON. An admin's view of embargoed, RED or AMBER+STRICT
 * records among them is audited (casualty.read, via the incident). */
int casualty_list_for_incident(struct db *db, const struct principal *who, const char *incident_id,
                               json_t *items, struct bh_error *err);

#endif
