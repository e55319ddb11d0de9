#ifndef BH_INCIDENT_IMPORT_INTERNAL_H
#define BH_INCIDENT_IMPORT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/hashmap.h"
#include "base/uuid.h"
#include "incident/import.h"
#include "incident/internal.h"

/* What the files of the incident import share; private to src/incident. The import is four
 * files with one job each: import.c the driver (the transaction, the CSV and GeoJSON readers'
 * callbacks, the report), import_map.c a record's text cells into an incident_row,
 * import_record.c a checked record into the store (new, changed or the same), bulk.c the bulk
 * writer that new records go through. */

/* The value of a key in `keys` (source_ref of an earlier import, or this file's key) and in
 * `orgs` (organization code, with the id in n). */
struct kval {
    int64_t n;   /* row key of an earlier import's record; 0 when the file set it */
    uint64_t fp; /* fingerprint of that record's values */
    long line;   /* the line (or feature) of this file that gave the key; 0 when none */
};

/* A record: text cells named by the incident JSON keys. */
enum field {
    F_ID,
    F_MISSION,
    F_OCCURRED_AT,
    F_OCCURRED_PRECISION,
    F_REPORTED_AT,
    F_LATITUDE,
    F_LONGITUDE,
    F_LOCATION_PRECISION,
    F_PLACE_NAME,
    F_ADMIN1,
    F_ADMIN2,
    F_THREAT_TYPE,
    F_TARGET,
    F_ACTIVITY,
    F_PERPETRATOR,
    F_PERPETRATOR_GROUPS,
    F_KILLED,
    F_INJURED,
    F_MISSING,
    F_ABDUCTED,
    F_NARRATIVE,
    F_SOURCES,
    F_STATUS,
    F_RETURN_REASON,
    F_ENDORSED_BY,
    F_ENDORSED_AT,
    F_MERGED_INTO,
    F_SYNTHETIC,
    F_OWNER,
    F_REPORTER,
    F_TLP,
    /* The store's own: read so that an export imports as it is, and otherwise ignored. A
     * sharing group number means a group of the store that wrote the file. */
    F_SHARING_GROUP,
    F_REVISION,
    F_SOURCE,
    F_SOURCE_REF,
    F_CREATED_AT,
    F_UPDATED_AT,
    NFIELDS
};

extern const char *const incident__import_fields[NFIELDS];

/* A file must give these; the rest have defaults. */
extern const enum field incident__import_required[5];

/* Keys of the incident JSON that are not stored values (a single incident's reply adds them):
 * accepted and ignored, so that such JSON imports as it is. NULL-terminated. */
extern const char *const incident__import_ignored[];

/* The field named `name`, or -1. */
int incident__import_field(const char *name);

struct record {
    const char *cell[NFIELDS]; /* NULL when absent or empty */
    long line;                 /* CSV line, or the line a feature starts on */
    long feature;              /* GeoJSON feature index, -1 for CSV */
};

/* The import's state. */
struct imp {
    struct db *db;
    const struct principal *who;
    const struct incident_import_options *opt;
    struct import_report *rep;
    struct import_progress progress;
    uint64_t size;
    struct hashmap keys;     /* earlier imports' keys (n, fp) and this file's (line) */
    struct hashmap orgs;     /* code -> id (in n) */
    int64_t default_owner;   /* from --org, 0 when none */
    const char *default_tlp; /* column form */
    struct incident_bulk *bulk;
    bool failed; /* a bad record was seen: nothing more is written */
    char now[40];
    struct arena *geo_arena; /* a GeoJSON feature's number texts */
    /* CSV */
    bool header_seen, hxl_checked;
    int *col_field; /* column -> field, -1 for none */
    size_t ncols;
};

/* Counts a bad record and lists the first INCIDENT_IMPORT_PROBLEMS_MAX; nothing will be
 * written. */
void incident__import_problem(struct imp *m, const struct record *rec, const char *field,
                              const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* What a row points at beyond the record's cells. */
struct row_texts {
    char *groups, *sources; /* JSON array texts (heap) or NULL */
    char id[UUID_STR_LEN + 1];
    char occurred[40], reported[40];
};

void incident__row_texts_cleanup(struct row_texts *t);

/* The record's values as the store would hold them; BH_EINVALID naming the field. */
int incident__import_row(struct imp *m, const struct record *rec, struct incident_row *row,
                         struct row_texts *t, struct bh_error *err);

/* The fingerprint of what an import writes: a record whose fingerprint matches the stored
 * one is left alone. Never 0. */
uint64_t incident__import_fingerprint(const struct incident_row *r);

/* The key of a record without an id: a hash of every cell, so the same row is the same key. */
void incident__import_hash_key(const struct record *rec, char out[40]);

/* Reads the organizations and the keys of earlier imports into m->orgs and m->keys. */
int incident__import_load(struct imp *m, struct bh_error *err);

/* Checks and writes one record. A bad record is a problem in the report (0 returned, so the
 * reading goes on); a negative return is a failure of the store, which stops the import. */
int incident__import_record(struct imp *m, struct record *rec, struct bh_error *err);

#endif
