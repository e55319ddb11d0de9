#ifndef BH_CASUALTY_TALLY_H
#define BH_CASUALTY_TALLY_H

/* The casualty tallies ("cuboids"): counts of the register's records kept current by
 * triggers as records are written (migration 0013), one row per period and combination of
 * the columns a cuboid keeps, with the columns the visibility rule reads (tlp, owner_org_id,
 * sharing_group_id, embargoed, mission) and an `id` that is always NULL. Each cuboid's
 * columns are named as casualty's, so casualty_predicate() and casualty__filter_sql() apply
 * to a cuboid aliased `c` unchanged; `incident_date` holds the first day of the period
 * ('YYYY-MM-01' or 'YYYY-01-01'), and `n` the records. The owner is kept only where the
 * visibility rule reads it (AMBER, AMBER+STRICT and embargoed records: NULL for released
 * CLEAR and GREEN ones) and the group only for AMBER, so that published records of every
 * owner share a row (tally.c, value()). RED records are never tallied: the
 * reader who may see one is named on it, so they are counted from their rows (a partial
 * index keeps that cheap). A row whose count reaches 0 is deleted, so a distinct count over
 * a cuboid is the distinct count over the records. stats.c reads them; docs/casualties.md,
 * "How the figures are counted", says how. */

#include <stdbool.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"

/* What a cuboid can answer, beyond the year (every cuboid has it). */
enum {
    TALLY_MONTH = 1u << 0, /* month grain */
    TALLY_MISSION = 1u << 1,
    TALLY_NATIONALITY = 1u << 2, /* nationality_iso3, nationality and source (for the name) */
    TALLY_PERSONNEL_TYPE = 1u << 3,
    TALLY_INCIDENT_TYPE = 1u << 4,
    TALLY_GENDER = 1u << 5,
    TALLY_CASUALTY_TYPE = 1u << 6,
};

struct casualty_tally_cube {
    const char *table;
    bool month; /* month grain, else year */
    unsigned answers;
    /* The columns kept besides the period and the visibility columns, NULL-terminated. */
    const char *columns[8];
};

/* The cuboids, smallest first: a query takes the first that answers everything it needs. */
extern const struct casualty_tally_cube casualty_tally_cubes[];
extern const int casualty_tally_ncubes;

/* For a bulk load inside the caller's transaction: drops the triggers that keep the tallies,
 * so the load does not pay an upsert per record per cuboid. casualty_tally_rebuild() must
 * follow in the same transaction (a rollback undoes both). */
int casualty_tally_suspend(struct db *db, struct bh_error *err);

/* Counts every cuboid again from the records, in one pass over them (a hash map a cuboid,
 * faster than a GROUP BY each), and (re)creates the triggers, inside the caller's
 * transaction. Also a repair: safe to call at any time. */
int casualty_tally_rebuild(struct db *db, struct bh_error *err);

/* What the migration (0013) runs after making the tables, statement by statement: for each
 * cuboid its triggers dropped, its rows counted by one GROUP BY, its triggers made. The
 * migration must hold this text (unit/casualty_tally compares them); the triggers are the
 * ones casualty_tally_rebuild() makes, and its count the same (checked there too). */
void casualty_tally_ddl(struct buf *out);

#endif
