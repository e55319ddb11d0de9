#ifndef BH_INCIDENT_IMPORT_H
#define BH_INCIDENT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "account/role.h"
#include "base/err.h"
#include "db/db.h"
#include "incident/incident.h"

/* Incidents from files (CSV, GeoJSON), and the bulk writer that imports and demo data share.
 * docs/demo.md (its part on `bluehelm import incidents`) describes the files and the rules. */

/* ---- bulk writing ---- */

/* Many incidents into the store inside the caller's transaction, much faster than one
 * incident_store_insert() each. Why: on SQLite 3.40 every INSERT inside a transaction whose
 * triggers write virtual tables opens a statement savepoint, and FTS5 flushes its pending
 * index at each savepoint, so a million single-row INSERTs write a million tiny FTS segments
 * and merge them again (about 110 us a row here). The bulk writer stages rows in a temporary
 * table and moves them into `incident` with one INSERT ... SELECT per batch, so the triggers
 * (R*Tree, FTS5) run inside one statement. The rows land in the order they were added.
 *
 * Rows are written as they are, like incident_store_insert(): validate them first, and make
 * sure their id and (source, source_ref) are not taken, since a clash fails the whole batch. */
struct incident_bulk;

/* Tunes `db` for a bulk load, before its transaction begins (SQLite ignores these inside
 * one): a large page cache, temporary tables in memory. Meant for the command line's one-shot
 * connections; the settings last as long as the connection. */
int incident_bulk_connection(struct db *db, struct bh_error *err);

/* A writer for `db`, which must be in a transaction (db_begin) until incident_bulk_finish(). */
struct incident_bulk *incident_bulk_new(struct db *db);

/* Says that about `rows` rows will follow, before the first is added: a load that large and
 * at least as large as the table drops the table's plain indexes and builds them again in
 * incident_bulk_finish(), which is much faster than keeping them up to date row by row. */
int incident_bulk_expect(struct incident_bulk *b, int64_t rows, struct bh_error *err);

/* Stages a copy of `row` (a NULL id gets a new UUIDv7; NULL created_at/updated_at now).
 * Writes a batch into `incident` when enough rows wait. */
int incident_bulk_add(struct incident_bulk *b, const struct incident_row *row,
                      struct bh_error *err);

/* Writes what waits and removes the staging table. *written (may be NULL) receives the rows
 * written into `incident` over the writer's life. */
int incident_bulk_finish(struct incident_bulk *b, int64_t *written, struct bh_error *err);

/* Frees the writer (after finish, or after the caller rolled back); NULL is allowed. */
void incident_bulk_free(struct incident_bulk *b);

/* ---- importing files ---- */

/* The source: a file (read to its end) or bytes in memory. */
struct incident_import_input {
    const char *name; /* for messages, format detection by extension and the audit entry */
    FILE *file;       /* when not NULL, read from here; else from data/len */
    const char *data;
    size_t len;
    uint64_t size; /* bytes expected, for progress; 0 when unknown */
};

enum incident_import_format { INCIDENT_IMPORT_AUTO, INCIDENT_IMPORT_CSV, INCIDENT_IMPORT_GEOJSON };

struct incident_import_options {
    enum incident_import_format format; /* AUTO: by the name's extension, else by content */
    const char *org;          /* owner (organization code) of rows that name none; may be NULL */
    const char *tlp;          /* marking of rows that give none ("TLP:GREEN"); NULL: AMBER+STRICT */
    int64_t sharing_group_id; /* the group of TLP:AMBER rows; 0: none (AMBER rows fail) */
};

/* Called every block of input with the bytes read so far and the records seen. */
typedef void (*incident_import_progress)(void *ctx, uint64_t bytes_done, uint64_t bytes_total,
                                         int64_t records);

/* One bad record: where (a CSV line, or a GeoJSON feature's index and the line it starts
 * on), the field at fault ("" when the record as a whole is) and why. */
struct incident_import_problem {
    long line;
    long feature; /* -1 for CSV */
    char field[32];
    char message[240];
};

/* The most problems a report lists; every one is counted. */
#define INCIDENT_IMPORT_PROBLEMS_MAX 100

/* What an import did. Zero it (or incident_import_report_init) before the call; release with
 * incident_import_report_cleanup(). */
struct incident_import_report {
    const char *format; /* "csv" or "geojson" */
    int64_t records;    /* data records read */
    int64_t added, updated, unchanged;
    int64_t present; /* ids already in the store as another source's records, left alone */
    int64_t invalid; /* bad records, all counted */
    struct incident_import_problem *problems; /* the first INCIDENT_IMPORT_PROBLEMS_MAX */
    size_t nproblems;
};

void incident_import_report_init(struct incident_import_report *r);
void incident_import_report_cleanup(struct incident_import_report *r);

/* Imports incidents as `who`. Each record (a CSV row under a header of incident JSON keys,
 * an optional HXL hashtag row skipped; or a GeoJSON Point feature whose properties are those
 * keys) goes through incident_validate(). All or nothing: one bad record and nothing is
 * written; the report lists the bad ones (line or feature, field, reason) and the call
 * returns BH_EINVALID with a summary in `err`. A file that is not CSV or GeoJSON of this
 * shape is BH_EINVALID naming the line. Records are keyed by their id (source "import",
 * source_ref = the id, or a hash of the record when it has none): a new key is added, a
 * changed record updated (with a revision), the same left alone, so importing a file twice
 * changes nothing the second time. An id that names a record of another source already in
 * the store (a demo record, a member's report) is left alone and counted as present. One
 * audit entry, incident.import, with the counts. `progress` may be NULL. */
int incident_import(struct db *db, const struct principal *who,
                    const struct incident_import_input *in,
                    const struct incident_import_options *opt, incident_import_progress progress,
                    void *progress_ctx, struct incident_import_report *report,
                    struct bh_error *err);

#endif
