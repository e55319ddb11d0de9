#ifndef BH_FORMATS_ACLED_H
#define BH_FORMATS_ACLED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "formats/csv.h"

/* ACLED's CSV export (columns by name in the header, any order, any case: older exports write
 * them in capitals): event_id_cnty, event_date, year, time_precision, disorder_type,
 * event_type, sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2,
 * interaction, civilian_targeting, iso, region, country, admin1, admin2, admin3, location,
 * latitude, longitude, geo_precision, source, source_scale, notes, fatalities, tags,
 * timestamp. Two layouts:
 *   dyadic:  one row per event, both actors on it (actor1, actor2);
 *   monadic: one row per actor of an event, the actor in actor1, so an event with two actors
 *            is two rows with the same event_id_cnty; the API's monadic export has no actor2
 *            columns at all.
 * The reader turns each row into typed values and checks what the codebook defines; joining
 * the rows of a monadic event, and the taxonomy, are the event module's business. */

/* One row. Strings are borrowed until the callback returns; empty text reads as NULL. */
struct acled_row {
    const char *event_id_cnty;
    char event_date[11]; /* YYYY-MM-DD */
    int time_precision;  /* 1-3; 0 when absent */
    const char *event_type, *sub_event_type;
    const char *actor1, *actor2;
    int iso; /* ISO 3166 numeric country code; -1 when absent */
    const char *country, *admin1, *admin2, *location;
    double latitude, longitude;
    int geo_precision; /* 1-3; 0 when absent */
    const char *notes;
    int64_t fatalities;
};

/* Called for every data row, with its line. `row` is NULL when the row could not be read;
 * then `problem` names the column (err->field) and the reason, `id` is the row's
 * event_id_cnty when it has one (else NULL), and the callback decides whether to go on (0)
 * or stop (a negative code). */
typedef int (*acled_row_fn)(void *ctx, const struct acled_row *row, long line, const char *id,
                            const struct bh_error *problem, struct bh_error *err);

struct acled_read_info {
    bool has_actor2; /* the header names actor2 (false: the API's monadic layout) */
    long rows;       /* data rows seen */
};

/* Reads an ACLED CSV to its end. Returns 0, the callback's code, BH_EINVALID when the file is
 * not an ACLED export (a header without event_id_cnty, event_date, event_type,
 * sub_event_type, actor1, country, latitude, longitude or fatalities; broken quoting; not
 * UTF-8), naming the line, or BH_EIO. `where` (may be NULL) gets the place of a syntax
 * error. */
int acled_read_file(FILE *f, acled_row_fn fn, void *ctx, struct acled_read_info *info,
                    struct csv_position *where, struct bh_error *err);
int acled_read_mem(const char *data, size_t len, acled_row_fn fn, void *ctx,
                   struct acled_read_info *info, struct csv_position *where, struct bh_error *err);

/* An ACLED event_date, "2023-01-15" (today's exports) or "15 January 2023" (older ones; the
 * month may be abbreviated, "15-Jan-2023" too), into YYYY-MM-DD. False when it is neither. */
bool acled_parse_date(const char *s, char out[11]);

#endif
