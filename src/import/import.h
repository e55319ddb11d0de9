#ifndef BH_IMPORT_IMPORT_H
#define BH_IMPORT_IMPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "base/err.h"
#include "db/db.h"
#include "formats/csv.h"
#include "formats/geojson.h"

/* What every importer shares (docs/architecture.md, "Imports"): where the bytes come from,
 * how progress is reported, what the import did, and how its transaction ends. It sits below
 * the capabilities (and audit/) and above formats/ (the readers) and db/: an importer in a
 * capability module reads with a formats/ reader, keeps its keys in a base/hashmap, fills an
 * import_report and ends with import_end(); the API and the CLI show the same report. */

/* The source: a file (read to its end) or bytes in memory (a request body). */
struct import_input {
    const char *name; /* for messages and the audit entry: the file's name, "stdin", "upload" */
    FILE *file;       /* when not NULL, read from here; else from data/len */
    const char *data;
    size_t len;
    uint64_t size; /* bytes expected, for progress; 0 when unknown */
};

/* The bytes the input holds when known (a file's size from the caller, a buffer's length). */
uint64_t import_input_size(const struct import_input *in);

/* Reads `in` with the CSV reader (formats/csv.h) or the streaming GeoJSON reader
 * (formats/geojson.h), whichever the importer chose: the one place that knows a file from
 * bytes in memory. A failure to read names the input ("FILE: cannot read: why", BH_EIO). */
int import_read_csv(const struct import_input *in, const struct csv_reader_opts *opts,
                    struct bh_error *err);
int import_read_geojson(const struct import_input *in, const struct geojson_reader_opts *opts,
                        struct bh_error *err);

/* Called every block of input with the bytes read so far, the total (0 when unknown) and the
 * records seen. */
typedef void (*import_progress_fn)(void *ctx, uint64_t bytes_done, uint64_t bytes_total,
                                   int64_t records);

struct import_progress {
    import_progress_fn fn; /* NULL: nobody is watching */
    void *ctx;
};

/* Reports progress when someone is watching. */
void import_progress_report(const struct import_progress *p, uint64_t done, uint64_t total,
                            int64_t records);

/* One rejected record, or a warning about a record that was imported. */
struct import_problem {
    long line;         /* the CSV line, or the line a GeoJSON feature starts on; 0 unknown */
    long feature;      /* the GeoJSON feature's index; -1 for CSV */
    const char *label; /* how the importer names the place ("line 3 (CEN2)"); NULL: none */
    const char *field; /* the field at fault; "" when the record as a whole is */
    const char *reason;
};

/* What an import did. Initialize with import_report_init(), release with
 * import_report_cleanup(); the importer fills it. Counts that an importer does not keep stay
 * 0. On failure nothing was written, and added, updated, unchanged and present are 0. */
struct import_report {
    const char *format; /* the layout read: "csv", "geojson", "un-fatalities", ... */
    const char *table;  /* the table written, when the layout decides it */
    const char *source; /* whose data ("ucdp", "acled"), when the importer takes several */
    int64_t rows;       /* records (data rows, features) read */
    int64_t added, updated, unchanged;
    int64_t rejected; /* every rejected record, listed or not */
    int64_t present;  /* records already in the store from another source, left alone */
    int64_t events;   /* distinct records among the rows, when rows can merge */
    int64_t fallback; /* records stored under a catch-all value (see the warnings) */
    struct import_problem *rejections; /* in reading order, the first `limit` of them */
    size_t nrejections;
    size_t limit; /* the most rejections listed; 0: all */
    struct import_problem *warnings;
    size_t nwarnings;
    struct csv_position where; /* of a failure of the whole file, when the text is at fault */
    struct arena *arena;       /* holds the texts */
    size_t rejections_cap, warnings_cap;
};

void import_report_init(struct import_report *r);
void import_report_cleanup(struct import_report *r);

/* Counts a rejected record and lists it (copying the texts) unless the limit is reached. */
void import_reject(struct import_report *r, long line, long feature, const char *label,
                   const char *field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void import_vreject(struct import_report *r, long line, long feature, const char *label,
                    const char *field, const char *fmt, va_list ap);

/* Lists a warning about a record that was imported. */
void import_warn(struct import_report *r, long line, long feature, const char *label,
                 const char *field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Ends the transaction an import began (db_begin): commits when `rc` is 0; otherwise, or when
 * the commit fails, rolls back and zeroes the write counts, since the transaction did not
 * happen. Returns the final code. The importer appends its audit entry before, inside the
 * transaction (import/ sits below audit/, which names the capabilities' record kinds). */
int import_end(struct db *db, int rc, struct import_report *rep, struct bh_error *err);

/* Puts "line N: " in front of err's message (cutting its end when it no longer fits): a
 * failure while writing a record names the record's line. */
void import_prefix_line(struct bh_error *err, long line);

#endif
