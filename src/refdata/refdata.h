#ifndef BH_REFDATA_REFDATA_H
#define BH_REFDATA_REFDATA_H

#include "base/err.h"
#include "db/db.h"

/* Loads reference data into a migrated store: countries from Debian's iso-codes JSON
 * (ISO 3166-1 current codes and ISO 3166-3 withdrawn ones such as YUG, which the UN
 * fatalities data still uses) and the UN missions table. Upserts in one transaction, so
 * running it again (every `bluehelm init`) changes nothing unless the sources changed. */

/* Rows in the store after loading. */
struct refdata_counts {
    int countries;
    int missions;
};

int refdata_load(struct db *db, const char *iso_codes_dir, struct refdata_counts *counts,
                 struct bh_error *err);

#endif
