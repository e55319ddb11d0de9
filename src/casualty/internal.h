#ifndef BH_CASUALTY_INTERNAL_H
#define BH_CASUALTY_INTERNAL_H

/* What record.c, store.c, stats.c, export.c and import.c share and nobody else uses. */

#include "casualty/casualty.h"
#include "casualty/columns.h"

/* One record's stored values, a field per column of the column table (columns.h). Strings
 * are borrowed; NULL stores NULL. */
struct casualty_row {
    const char *id;          /* UUIDv7 */
    const char *casualty_id; /* the UN's key, or ours ("BH-...") */
    const char *incident_date;
    const char *mission;
    const char *casualty_type;
    const char *gender; /* "M", "F", "U" */
    const char *nationality_iso3;
    const char *nationality;
    int64_t nationality_m49; /* -1 stores NULL */
    const char *personnel_type;
    const char *incident_type;
    const char *incident_id;
    int64_t owner_org_id;
    const char *tlp;          /* bare column form: "GREEN" */
    int64_t sharing_group_id; /* 0 stores NULL */
    int64_t embargoed;        /* 0 or 1 */
    const char *released_at, *released_by;
    const char *source; /* "un" or "member" */
    const char *source_updated;
    int64_t source_row;       /* -1 stores NULL; the key of a UN row */
    const char *duplicate_of; /* the record this one repeats, as an admin marked it; NULL */
    const char *created_at, *updated_at;
    const char *source_nationality, *source_iso3;
};

/* Binds every column of `r` (CASUALTY__WRITE_COLUMNS) from parameter `k` on; returns the next
 * parameter. Every INSERT of a record binds through it. */
int casualty__bind_insert(struct db_stmt *st, int k, const struct casualty_row *r);

/* Binds what the re-import's UPDATE sets (CASUALTY__UPDATE_ASSIGN) from `k` on; returns the
 * next parameter. */
int casualty__bind_update(struct db_stmt *st, int k, const struct casualty_row *r);

/* Reads the columns CASUALTY__COMPARED_COLUMNS selects, from column `first` on, into `r`
 * (borrowing the statement's strings, valid until the next step), and leaves the others. */
void casualty__read_compared(struct db_stmt *st, int first, struct casualty_row *r);

/* A 64-bit hash of the compared columns of `r`: equal rows hash equal. */
uint64_t casualty__fingerprint(const struct casualty_row *r);

/* Appends the FROM list of CASUALTY__COLUMNS: `casualty c JOIN org o ...` and the linked
 * incident as alias casualty_li when `who` may see it (incident_predicate()). A record may be
 * shared more widely than the incident it belongs to, and the id of an incident a reader may
 * not see tells them it exists. The predicate's values go to `params`, before those of the
 * WHERE clause that follows. One LEFT JOIN on the incident's unique id, so a page of a
 * thousand records costs one query, not a thousand. */
void casualty__from(const struct principal *who, struct buf *sql, struct db_params *params);

/* The record in the current row (CASUALTY__COLUMNS from column 0) as JSON keyed as the
 * column table says (a new reference). */
json_t *casualty__row_json(struct db_stmt *st);

/* The HXL export's columns: every column of the record, in the table's order, with its key
 * and its hashtag; the export writes those whose hashtag is not "". NULL-terminated (name
 * NULL). */
struct casualty__hxl_column {
    const char *name, *tag;
    int col;  /* of CASUALTY__COLUMNS */
    int kind; /* enum casualty__kind (store.c) */
};
extern const struct casualty__hxl_column casualty__hxl_columns[];

/* The cell of `c` in the current row as the HXL export writes it: NULL is an empty cell, and
 * so is GENDER's "U" (not recorded); OPT its number, BOOL true or false, TLP its label ("" for
 * a marking it does not know). `tmp` (32 bytes) holds a number. */
const char *casualty__hxl_cell(struct db_stmt *st, const struct casualty__hxl_column *c,
                               char tmp[32]);

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
