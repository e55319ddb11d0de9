#ifndef BH_CASUALTY_STATS_H
#define BH_CASUALTY_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "casualty/casualty.h"
#include "db/db.h"
#include "principal/principal.h"

/* Casualty statistics: counts grouped by any of the dimensions below, over the records the
 * reader may see (casualty_predicate() is in the WHERE of every count), with the filters of
 * casualty_filter, top N, distinct nationalities and missions, and rates per 1,000 deployed.
 * docs/casualties.md describes the reply and the HXL hashtags. */

enum casualty_dim {
    CASUALTY_DIM_YEAR,
    CASUALTY_DIM_MONTH,
    CASUALTY_DIM_MISSION,
    CASUALTY_DIM_NATIONALITY,
    CASUALTY_DIM_PERSONNEL_TYPE,
    CASUALTY_DIM_INCIDENT_TYPE,
    CASUALTY_DIM_GENDER,
    CASUALTY_DIM_CASUALTY_TYPE,
    CASUALTY_DIM_COUNT
};

/* "year", "month", ... as `by` takes them. */
const char *casualty_dim_name(enum casualty_dim d);

struct casualty_stats_query {
    struct casualty_filter filter;
    enum casualty_dim by[CASUALTY_DIM_COUNT];
    int nby;       /* 0: one row, the count of everything */
    int64_t top;   /* 0: every group; N: the N largest */
    bool rate;     /* rates per 1,000 deployed: by year, or by mission and year */
    bool distinct; /* distinct nationalities and missions */
    bool persons;  /* count distinct persons (casualty_id), not rows: marked duplicates out */
    /* The test oracle: count the records themselves, never the tallies (casualty/tally.h).
     * The CLI and the API never set it; unit/casualty_tally compares both ways. */
    bool raw;
};

void casualty_stats_init(struct casualty_stats_query *q);

/* Reads `by` ("year,incident_type"): BH_EINVALID naming "by" for an unknown or repeated
 * dimension. */
int casualty_stats_parse_by(struct casualty_stats_query *q, const char *list, struct bh_error *err);

/* Runs the query as `who` and gives the reply (a new reference):
 *   {"by":[...], "rows":[{"year":"2020","incident_type":"Illness","count":97}, ...],
 *    "total":N, "fatalities_only":true|false,
 *    "from":"...", "to":"..." (when bounded), "distinct":{"nationalities":N,"missions":M}
 *    (when asked)}
 * Grouping by nationality gives two members: "nationality" (ISO3, or null for a record
 * without a code) and "nationality_name". With rates each row also has "deployed" and
 * "rate" (null without deployment figures), and the reply "rate_basis", a sentence saying
 * what the rates are per (in the calling thread's language, base/i18n.h). `total` counts
 * every matching record, also those outside the top N. BH_EINVALID names the parameter at fault
 * ("rate", "mission"). */
int casualty_stats(struct db *db, const struct principal *who, const struct casualty_stats_query *q,
                   json_t **out, struct bh_error *err);

/* How current the figures drawn from the UN's file are, for a reply's "as_of" (a new
 * reference): {"last_record": "2025-02-28" (the newest incident date of the UN records `who`
 * may see), "updated": "2025-03-15" (the newest of the file's own last_update), "imported_at":
 * RFC 3339 (the last UN import run, from the audit log)}, each null when unknown; *out is NULL
 * when the store holds no UN record `who` may see and no import ran. */
int casualty_stats_as_of(struct db *db, const struct principal *who, json_t **out,
                         struct bh_error *err);

/* Where casualty_stats() counts the groups of `q` from: the table of the tally it sums
 * ("casualty_tally_month", ...), or "casualty" when no tally keeps every dimension and filter
 * the query names (or `raw` is set) and the records are counted one by one. */
const char *casualty_stats_plan(const struct casualty_stats_query *q);

/* The reply as CSV: a header line, the HXL hashtag line, one line per row. */
void casualty_stats_csv(const json_t *result, struct buf *out);

/* The reply as an aligned table for a terminal, with the total (and distinct counts) below:
 * the headers are the columns' names, the lines below them in the calling thread's language. */
void casualty_stats_table(const json_t *result, struct buf *out);

#endif
