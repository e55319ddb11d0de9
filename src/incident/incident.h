#ifndef BH_INCIDENT_INCIDENT_H
#define BH_INCIDENT_INCIDENT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "incident/columns.h"
#include "principal/principal.h"

/* The incident register: what happened to peacekeepers, where and when, reported by a
 * mission, endorsed by an endorser of that mission, shared under a TLP marking. Every read
 * goes through sharing_predicate(who, "incident", ...); a record the reader may not see is a
 * record that does not exist for them (404, never 403). */

/* One incident's stored values (the columns of table incident, migration 0008). Strings are
 * borrowed; NULL stores NULL (or the column default for perpetrator_groups and sources, which
 * are JSON array texts). */
struct incident_row {
    const char *id; /* UUIDv7; NULL: incident_store_insert() makes one */
    const char *mission;
    const char *occurred_at; /* RFC 3339 UTC "2024-03-02T06:40:00Z" */
    const char *occurred_precision;
    const char *reported_at;
    double latitude, longitude;
    const char *location_precision;
    const char *place_name, *admin1, *admin2;
    const char *threat_type, *target, *activity;
    const char *perpetrator;
    const char *perpetrator_groups; /* JSON array text, NULL for "[]" */
    int64_t killed, injured, missing, abducted;
    const char *narrative; /* NULL for "" */
    const char *sources;   /* JSON array text, NULL for "[]" */
    const char *status;
    const char *return_reason, *endorsed_by, *endorsed_at, *merged_into;
    bool synthetic;
    int64_t owner_org_id;
    int64_t reporter_id; /* 0 stores NULL */
    const char *reporter;
    const char *tlp;          /* the column's bare form: "GREEN", "AMBER+STRICT" */
    int64_t sharing_group_id; /* 0 stores NULL */
    const char *source;       /* "member", "import", "demo" */
    const char *source_ref;
    const char *created_at, *updated_at; /* NULL: now */
};

/* THE visibility of incidents: the sharing predicate, and a report still being written
 * (a draft) stays inside the owner organization until it is first submitted; admins see
 * every row. Appends a parenthesized SQL boolean over alias `alias`, and the values of its
 * placeholders to `params` (the binding rule of sharing_predicate()).
 * Every read of incidents (get, list, count, duplicates, export, links) uses this. */
void incident_predicate(const struct principal *who, const char *alias, struct buf *sql,
                        struct db_params *params);

/* ---- store.c: the one INSERT and the one row reader ---- */

/* Inserts `row` as it is: no checks beyond the table's own (use incident_validate() first).
 * The R*Tree and FTS5 indexes follow by trigger. *n_out (may be NULL) receives the row key;
 * `id_out` (may be NULL, 37 bytes) the id. For one report at a time: on SQLite 3.40 each
 * INSERT whose triggers write a virtual table opens a savepoint at which FTS5 flushes, so
 * bulk loads go through the staged writer of import.c instead (docs/benchmarks.md). */
int incident_store_insert(struct db *db, const struct incident_row *row, int64_t *n_out,
                          char *id_out, struct bh_error *err);

/* Binds the values of `r` from mission to sharing_group_id (the CONTENT, STATE and WONLY
 * columns of columns.h), from parameter `k` on; returns the next parameter. The binding of a
 * row shared by the whole-row UPDATE of the import (INCIDENT_VALUES_ASSIGN). */
int incident_store_bind_values(struct db_stmt *st, int k, const struct incident_row *r);

/* The report's own content, mission to sources in the order of INCIDENT_CONTENT_COLUMNS (the
 * part of a row a member edits), with the defaults of absent lists and narrative; returns the
 * next parameter. incident_store_bind_values() and the PATCH's UPDATE both bind through it,
 * so the two cannot drift apart. */
int incident_store_bind_content(struct db_stmt *st, int k, const struct incident_row *r);

/* Binds every column of INCIDENT_WRITE_COLUMNS from `r` as it is, id and times included,
 * from parameter `k` on; returns the next parameter. The one binding of the INSERTs (the
 * single one above and the bulk writer's); callers fill id and the times first. */
int incident_store_bind_row(struct db_stmt *st, int k, const struct incident_row *r);

/* The incident in the current row (INCIDENT_COLUMNS from column `first` on) as JSON, a new
 * reference: a flat object whose keys are the column names, except owner (the organization
 * code), tlp ("TLP:GREEN"), sharing_group, synthetic (boolean), and perpetrator_groups and
 * sources as arrays. `n` is not included: it is the store's, not the record's. */
json_t *incident_row_json(struct db_stmt *st, int first);

/* The same object as incident_row_json() gives, written as JSON text to `b` (the bytes of
 * json_dumps() with JSON_COMPACT | JSON_REAL_PRECISION(15)) without building it; false, and
 * nothing written, for a row that names another report (merged_into), whose link the layer's
 * redact must see first. */
bool incident_row_write(struct db_stmt *st, int first, struct buf *b);

/* The row as a GeoJSON Feature, the bytes the map layer's export writes from
 * incident_row_json(): id, the point as geometry [longitude, latitude], the rest as
 * properties. False, and nothing written, as incident_row_write() says, and for a row
 * without a point. */
bool incident_feature_write(struct db_stmt *st, int first, struct buf *b);

/* Whether `who` may see the incident with id `id` (incident_predicate()): the one check
 * for a module that links to incidents. */
int incident_visible_to(struct db *db, const struct principal *who, const char *id, bool *visible,
                        struct bh_error *err);

/* Sets `merged_into` of a row_json item to null when `who` may not see the incident it names:
 * a merged report must not tell its readers the id of a record they cannot open. Costs a
 * query only for merged reports. */
int incident_redact_links(struct db *db, const struct principal *who, json_t *item,
                          struct bh_error *err);

/* ---- record.c / workflow.c: checked writes (see their comments) ---- */

/* Checks every value of `row` as a report must have it: the mission exists; occurred_at is a
 * real time, not in the future and not before 1948; reported_at not before occurred_at;
 * coordinates in range; precisions, threat type, target, activity and groups in the
 * taxonomy; counts not negative; the marking allowed for the owner. BH_EINVALID naming the
 * field (the API's field name) on the first bad value. */
int incident_validate(struct db *db, const struct incident_row *row, struct bh_error *err);

#endif
