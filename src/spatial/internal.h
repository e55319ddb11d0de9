#ifndef BH_SPATIAL_INTERNAL_H
#define BH_SPATIAL_INTERNAL_H

#include "spatial/spatial.h"

/* What the spatial module's files share: one query (WHERE clause and its bound values) built
 * from a filter for a layer and a reader, used alike by the count, the page and the file. */

/* Which index finds the rows first. The choice is made per query from cheap probes of the
 * indexes (spatial__query_build), because the right one depends on the data: a city-sized
 * box is best found through the R*Tree, a continent-sized one by reading the table, a month
 * anywhere through the time index, and a rare word through the full-text index while a
 * common one is better tested row by row. */
enum spatial__driver {
    SPATIAL__PLAIN,   /* none is selective: the page is read in time order, the count in one
                       * pass over the table; the R*Tree is not used */
    SPATIAL__RTREE,   /* the R*Tree finds the rows (bbox, near) */
    SPATIAL__TIME,    /* the time index (from, to) */
    SPATIAL__FTS,     /* the full-text index (q) */
    SPATIAL__MISSION, /* the mission (or country) index */
    SPATIAL__STATUS,  /* the status index */
};

/* The most values one query may bind: every list full, and the boxes, circle and cursor. */
#define SPATIAL__MAX_BINDS (3 * SPATIAL_LIST_MAX + 64)

struct spatial__query {
    const struct spatial_layer *layer;
    struct buf where;        /* " WHERE (visibility) AND ...", for the rows */
    struct buf count_where;  /* the same filters, held off other indexes for the count */
    struct db_params params; /* the values of both clauses' placeholders, in their order */
    enum spatial__driver driver;
    /* The lists split at their commas (NULs), and q as FTS5, read while the SQL is written
     * (the values bound are copies in `params`). */
    char lists[3][SPATIAL_LIST_TEXT];
    char fts[3 * SPATIAL_LIST_TEXT];
};

/* Builds the WHERE clause for `who`, `layer` and `f`: checks what needs the store (missions
 * exist, the filters apply to the layer, from is not after to) and chooses the driver.
 * Clean up with spatial__query_cleanup() whatever it returns. */
int spatial__query_build(struct db *db, const struct principal *who,
                         const struct spatial_layer *layer, const struct spatial_filter *f,
                         struct spatial__query *q, struct bh_error *err);
void spatial__query_cleanup(struct spatial__query *q);

/* "SELECT <columns> FROM <from><where>[ AND <after the cursor>] ORDER BY ...[ LIMIT ?]":
 * the rows of a page (`keyset`: three more parameters, the cursor's time twice and its row
 * key; `limit`: one more) or of a file. */
void spatial__rows_sql(const struct spatial__query *q, bool ascending, bool keyset, bool limit,
                       struct buf *sql);

/* A 16-byte key for a query's answer: `salt` (may be NULL), the SQL text and the bound
 * values (total.c). Two readers get the same key only when they would count the same rows. */
void spatial__query_key(const char *salt, const char *sql, const struct spatial__query *q,
                        unsigned char key[16]);

/* The number of matches up to SPATIAL_TOTAL_BOUND + 1, remembered per connection until the
 * store changes (total.c): a reader walking the pages of a large result asks the same count
 * once per page. */
int spatial__total(struct db *db, const struct spatial__query *q, int64_t *out,
                   struct bh_error *err);

/* Writes one audit entry, `<record_type>.read`, when an admin reads records marked RED or
 * AMBER+STRICT: the secretariat sees everything, and the members see that it looked. */
int spatial__audit_read(struct db *db, const struct principal *who,
                        const struct spatial_layer *layer, json_t *summary, struct bh_error *err);

#endif
