#ifndef BH_CASUALTY_INTERNAL_H
#define BH_CASUALTY_INTERNAL_H

/* What record.c, stats.c and export.c share and nobody else uses. */

#include "casualty/casualty.h"

/* The columns every reader of whole records selects, in this order, from the tables
 * casualty__from() names; casualty__row_json() reads them. The linked incident's id is
 * casualty_li.id: NULL when the reader may not see that incident. */
#define CASUALTY__COLUMNS                                                                       \
    "c.id, c.casualty_id, c.incident_date, c.mission, c.casualty_type, c.gender, "              \
    "c.nationality, c.nationality_iso3, c.nationality_m49, c.personnel_type, c.incident_type, " \
    "casualty_li.id, o.code, c.tlp, c.sharing_group_id, c.embargoed, c.released_at, "           \
    "c.released_by, c.source, c.source_updated, c.source_row, c.created_at, c.updated_at"

enum {
    CASUALTY__C_ID,
    CASUALTY__C_CASUALTY_ID,
    CASUALTY__C_DATE,
    CASUALTY__C_MISSION,
    CASUALTY__C_TYPE,
    CASUALTY__C_GENDER,
    CASUALTY__C_NATIONALITY,
    CASUALTY__C_ISO3,
    CASUALTY__C_M49,
    CASUALTY__C_PERSONNEL,
    CASUALTY__C_INCIDENT_TYPE,
    CASUALTY__C_INCIDENT_ID,
    CASUALTY__C_OWNER,
    CASUALTY__C_TLP,
    CASUALTY__C_GROUP,
    CASUALTY__C_EMBARGOED,
    CASUALTY__C_RELEASED_AT,
    CASUALTY__C_RELEASED_BY,
    CASUALTY__C_SOURCE,
    CASUALTY__C_SOURCE_UPDATED,
    CASUALTY__C_SOURCE_ROW,
    CASUALTY__C_CREATED_AT,
    CASUALTY__C_UPDATED_AT,
};

/* Appends the FROM list of CASUALTY__COLUMNS: `casualty c JOIN org o ...` and the linked
 * incident as alias casualty_li when `who` may see it (incident_predicate()). A record may be
 * shared more widely than the incident it belongs to, and the id of an incident a reader may
 * not see tells them it exists. The predicate's values go to `params`, before those of the
 * WHERE clause that follows. One LEFT JOIN on the incident's unique id, so a page of a
 * thousand records costs one query, not a thousand. */
void casualty__from(const struct principal *who, struct buf *sql, struct db_params *params);

/* The record in the current row as JSON (a new reference). */
json_t *casualty__row_json(struct db_stmt *st);

/* The most values one filter may bind: far more than a person types, and far below the
 * driver's own limit on parameters. */
#define CASUALTY__MAX_FILTER_VALUES 256

/* Appends ` AND ...` for every filter set in `f` (over alias c) to `sql`, and their values to
 * `params` as each `?` is written. Checks what needs the store (the missions and countries
 * named exist): BH_EINVALID naming the parameter. */
int casualty__filter_sql(struct db *db, const struct casualty_filter *f, struct buf *sql,
                         struct db_params *params, struct bh_error *err);

/* Whether an admin's read of a record with this embargo and marking must be audited: the
 * embargo and the two markings that name their readers exclude the secretariat in spirit,
 * so its exception is written down where the owners can see it. */
bool casualty__read_audited(const struct principal *who, int embargoed, const char *tlp);

/* Writes one casualty.read entry for `who` in its own transaction: `record_id` for a single
 * record (else NULL) and `summary` (borrowed). */
int casualty__audit_read(struct db *db, const struct principal *who, const char *record_id,
                         const json_t *summary, struct bh_error *err);

#endif
