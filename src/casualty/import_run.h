#ifndef BH_CASUALTY_IMPORT_RUN_H
#define BH_CASUALTY_IMPORT_RUN_H

#include <stdint.h>

#include "base/hashmap.h"
#include "casualty/import.h"
#include "formats/csv.h"

/* The run the casualty register's CSV imports share (the UN fatalities file in import.c, the
 * deployment figures in import_deployments.c): one transaction; a kind's callbacks read the
 * reference data, check the header and handle each row; keys are matched against the table
 * through fingerprints (import_run.c says how). Private to src/casualty. */

/* What the run's maps hold for a key. */
struct sval {
    union {
        int64_t i;
        uint64_t u;
        const char *s;
    } v;
    long line; /* the line of the file that set this key; 0 when it came from the store */
};

struct import_run;

struct import_kind {
    const char *format, *table;   /* the report's, until the header says better */
    const char *format_for_empty; /* what the header of an empty file should have been */
    const char *action;           /* audit action */
    const char *record_type;
    /* Reads what the rows are checked against and prepares the statements. */
    int (*prepare)(struct import_run *r, struct bh_error *err);
    int (*header)(struct import_run *r, struct csv_row *row, struct bh_error *err);
    /* Handles a data row: writes it, counts it, or rejects it through rejectf(). A negative
     * return (a store failure) stops the import. */
    int (*row)(struct import_run *r, struct csv_row *row, struct bh_error *err);
    /* After the last row (may be NULL): writes what was held back. */
    int (*finish)(struct import_run *r, struct bh_error *err);
    void (*cleanup)(struct import_run *r);
};

struct import_run {
    const struct import_kind *kind;
    struct db *db;
    const struct principal *who;
    struct import_report *rep;
    struct import_progress progress;
    uint64_t size;
    uint64_t done; /* bytes of the file read so far, as the reader last said */
    int header_seen;
    struct hashmap seen; /* the table's keys → fingerprint, and the line that last set each */
    char now[40];
    void *state; /* the kind's own */
};

/* What becomes of a row, from its key and the fingerprint of its values. */
enum { ROW_SAME, ROW_NEW, ROW_CHANGED, ROW_REPEATED };

/* Looks the key up, rejects it when a line of this file already gave it (naming it as `what`
 * and `shown`, or the key itself when `shown` is NULL), and marks it as set by `line`. A key
 * read from the store carries its fingerprint (never 0) and line 0; a key new to the map
 * carries 0. *key_out (may be NULL) gets the map's copy of the key. */
int casualty__row_outcome(struct import_run *r, const char *key, size_t len, uint64_t fp, long line,
                          const char *what, const char *shown, const char **key_out);

/* Rejects the row on `line` with the reason; returns 0, so a row handler can return it. */
int casualty__rejectf(struct import_run *r, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Runs the import of `kind` with its `state` (zeroed, or set up, by the caller), from its
 * transaction to its audit entry. */
int casualty__run_import(const struct import_kind *kind, void *state, struct db *db,
                         const struct principal *who, const struct import_input *in,
                         import_progress_fn progress, void *progress_ctx, struct import_report *rep,
                         struct bh_error *err);

#endif
