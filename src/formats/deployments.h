#ifndef BH_FORMATS_DEPLOYMENTS_H
#define BH_FORMATS_DEPLOYMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "formats/csv.h"

/* Deployment figures, the denominators of casualty rates, in the two layouts we read
 * (docs/formats.md): IPI's monthly personnel per mission ("Date","Mission",...,"Troops",
 * "Police","Observers","Total"; NA for none) and Our World in Data's yearly world totals
 * (Entity,Year,Number of peacekeeping missions ...). The layout is recognized by the header;
 * the columns we use are then found by name, so columns we do not use may come and go. */

enum deploy_format {
    DEPLOY_IPI_MONTHLY, /* personnel per mission per month → deployment_monthly */
    DEPLOY_OWID_YEARLY, /* personnel world-wide per year → deployment_yearly */
};

enum { DEPLOY_MAX_COLS = 8 };

struct deploy_layout {
    enum deploy_format format;
    size_t col[DEPLOY_MAX_COLS]; /* where each value we read sits in a row */
    size_t ncols;                /* columns of the header */
};

/* "IPI monthly mission totals" / "OWID yearly world totals". */
const char *deploy_format_name(enum deploy_format f);

/* Recognizes the layout from the header row. BH_EINVALID when it is neither, or when a
 * column we need is missing (named in err->field). */
int deploy_layout_from_header(struct csv_row *header, struct deploy_layout *out,
                              struct bh_error *err);

/* A count that may be absent (NA, or empty). */
struct deploy_count {
    bool present;
    int64_t n;
};

struct deploy_monthly {
    const char *mission; /* as the source spells it; borrowed from the row */
    char month[8];       /* YYYY-MM of the row's date */
    struct deploy_count troops, police, observers;
    int64_t total;
};

struct deploy_yearly {
    int year;
    struct deploy_count missions, troops, police, observers;
    int64_t total;
};

/* Read one data row of the layout. Return 0, or BH_EINVALID with err->field the column and
 * err->message the reason (without the line). */
int deploy_monthly_parse(const struct deploy_layout *l, struct csv_row *row,
                         struct deploy_monthly *out, struct bh_error *err);
int deploy_yearly_parse(const struct deploy_layout *l, struct csv_row *row,
                        struct deploy_yearly *out, struct bh_error *err);

#endif
