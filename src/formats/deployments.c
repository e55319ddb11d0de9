#include "formats/deployments.h"

#include "formats/un_fatalities.h"

#include <stdio.h>
#include <string.h>

/* The columns each layout must have, in the order of deploy_layout.col. */
static const char *const ipi_columns[] = { "Date",   "Mission",   "Troops",
                                           "Police", "Observers", "Total" };
enum { IPI_DATE, IPI_MISSION, IPI_TROOPS, IPI_POLICE, IPI_OBSERVERS, IPI_TOTAL };

static const char *const owid_columns[] = {
    "Entity",
    "Year",
    "Number of peacekeeping missions (United Nations Peacekeeping)",
    "Size of total peacekeeping force (United Nations Peacekeeping)",
    "Civilian police (peacekeepers) (United Nations Peacekeeping)",
    "Military Observers and staff officers (peacekeepers) (United Nations Peacekeeping)",
    "Troops (peacekeepers) (United Nations Peacekeeping)",
};
enum {
    OWID_ENTITY,
    OWID_YEAR,
    OWID_MISSIONS,
    OWID_TOTAL,
    OWID_POLICE,
    OWID_OBSERVERS,
    OWID_TROOPS
};

const char *deploy_format_name(enum deploy_format f)
{
    return f == DEPLOY_IPI_MONTHLY ? "IPI monthly mission totals" : "OWID yearly world totals";
}

static int find_column(struct csv_row *h, const char *name, size_t *at)
{
    for (size_t i = 0; i < h->nfields; i++)
        if (strcmp(h->fields[i], name) == 0) {
            *at = i;
            return 1;
        }
    return 0;
}

int deploy_layout_from_header(struct csv_row *h, struct deploy_layout *out, struct bh_error *err)
{
    for (size_t i = 0; i < h->nfields; i++)
        csv_trim(h, i);
    memset(out, 0, sizeof *out);
    out->ncols = h->nfields;
    const char *const *cols;
    size_t n;
    /* The first two names tell the layouts apart, and from IPI's other files (contributions
     * by country start Date,Contributor; system totals Date,Number of Contributors), which
     * have a Date but are not per-mission totals. */
    if (h->nfields >= 2 && strcmp(h->fields[0], "Date") == 0 &&
        strcmp(h->fields[1], "Mission") == 0) {
        out->format = DEPLOY_IPI_MONTHLY;
        cols = ipi_columns;
        n = sizeof ipi_columns / sizeof ipi_columns[0];
    } else if (h->nfields >= 2 && strcmp(h->fields[0], "Entity") == 0 &&
               strcmp(h->fields[1], "Year") == 0) {
        out->format = DEPLOY_OWID_YEARLY;
        cols = owid_columns;
        n = sizeof owid_columns / sizeof owid_columns[0];
    } else {
        return bh_fail(err, BH_EINVALID, "header",
                       "the header starts '%.40s,%.40s': not a deployments file we read (IPI "
                       "monthly mission totals start \"Date\",\"Mission\"; OWID yearly world "
                       "totals start Entity,Year)",
                       h->nfields > 0 ? h->fields[0] : "", h->nfields > 1 ? h->fields[1] : "");
    }
    for (size_t i = 0; i < n; i++)
        if (!find_column(h, cols[i], &out->col[i]))
            return bh_fail(err, BH_EINVALID, cols[i], "the header has no column '%s' (%s)", cols[i],
                           deploy_format_name(out->format));
    return 0;
}

/* A head count: a whole number from 0, or absent ("NA" or empty). */
static int parse_count(struct csv_row *row, size_t col, const char *name, struct deploy_count *out,
                       struct bh_error *err)
{
    const char *s = row->fields[col];
    out->present = false;
    out->n = 0;
    if (!*s || strcmp(s, "NA") == 0)
        return 0;
    int64_t v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        if (v > 100000000)
            break;
    }
    if (p == s || *p)
        return bh_fail(err, BH_EINVALID, name,
                       "%s '%.40s' is not a head count (a whole number "
                       "from 0, or NA)",
                       name, s);
    out->present = true;
    out->n = v;
    return 0;
}

static int check_fields(const struct deploy_layout *l, struct csv_row *row, struct bh_error *err)
{
    if (row->nfields != l->ncols)
        return bh_fail(err, BH_EINVALID, NULL, "the row has %zu fields where the header has %zu",
                       row->nfields, l->ncols);
    for (size_t i = 0; i < row->nfields; i++)
        csv_trim(row, i);
    return 0;
}

int deploy_monthly_parse(const struct deploy_layout *l, struct csv_row *row,
                         struct deploy_monthly *out, struct bh_error *err)
{
    int rc = check_fields(l, row, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    const char *date = row->fields[l->col[IPI_DATE]];
    if (!un_date_valid(date))
        return bh_fail(err, BH_EINVALID, "Date", "Date '%.40s' is not a date (YYYY-MM-DD)", date);
    memcpy(out->month, date, 7);
    out->month[7] = '\0';
    out->mission = row->fields[l->col[IPI_MISSION]];
    if (!*out->mission || strcmp(out->mission, "NA") == 0)
        return bh_fail(err, BH_EINVALID, "Mission", "Mission is empty");
    if (strlen(out->mission) > 32)
        return bh_fail(err, BH_EINVALID, "Mission", "Mission '%.40s' is longer than 32 characters",
                       out->mission);
    struct deploy_count total;
    if ((rc = parse_count(row, l->col[IPI_TROOPS], "Troops", &out->troops, err)) ||
        (rc = parse_count(row, l->col[IPI_POLICE], "Police", &out->police, err)) ||
        (rc = parse_count(row, l->col[IPI_OBSERVERS], "Observers", &out->observers, err)) ||
        (rc = parse_count(row, l->col[IPI_TOTAL], "Total", &total, err)))
        return rc;
    if (!total.present)
        return bh_fail(err, BH_EINVALID, "Total", "Total is missing (NA)");
    out->total = total.n;
    return 0;
}

int deploy_yearly_parse(const struct deploy_layout *l, struct csv_row *row,
                        struct deploy_yearly *out, struct bh_error *err)
{
    int rc = check_fields(l, row, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    const char *entity = row->fields[l->col[OWID_ENTITY]];
    /* The OWID file carries only the world; another entity would be a figure we have no table
     * for, so it is refused rather than added into the world's. */
    if (strcmp(entity, "World") != 0)
        return bh_fail(err, BH_EINVALID, "Entity", "Entity '%.40s': only World totals are read",
                       entity);
    struct deploy_count year, total;
    if ((rc = parse_count(row, l->col[OWID_YEAR], "Year", &year, err)))
        return rc;
    if (!year.present || year.n < 1900 || year.n > 2200)
        return bh_fail(err, BH_EINVALID, "Year", "Year '%.40s' is not a year",
                       row->fields[l->col[OWID_YEAR]]);
    out->year = (int)year.n;
    if ((rc = parse_count(row, l->col[OWID_MISSIONS], "missions", &out->missions, err)) ||
        (rc = parse_count(row, l->col[OWID_TOTAL], "total", &total, err)) ||
        (rc = parse_count(row, l->col[OWID_POLICE], "police", &out->police, err)) ||
        (rc = parse_count(row, l->col[OWID_OBSERVERS], "observers", &out->observers, err)) ||
        (rc = parse_count(row, l->col[OWID_TROOPS], "troops", &out->troops, err)))
        return rc;
    if (!total.present)
        return bh_fail(err, BH_EINVALID, owid_columns[OWID_TOTAL], "the force size is missing");
    out->total = total.n;
    return 0;
}
