#ifndef BH_INCIDENT_IMPORT_H
#define BH_INCIDENT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "base/err.h"
#include "db/db.h"
#include "import/import.h"
#include "incident/bulk.h"
#include "incident/incident.h"
#include "principal/principal.h"

/* Incidents from files (CSV, GeoJSON). docs/demo.md (its part on `bluehelm import incidents`)
 * describes the files and the rules. The bulk writer that imports and demo data share is
 * incident/bulk.h, included here for them. */

enum incident_import_format { INCIDENT_IMPORT_AUTO, INCIDENT_IMPORT_CSV, INCIDENT_IMPORT_GEOJSON };

struct incident_import_options {
    enum incident_import_format format; /* AUTO: by the name's extension, else by content */
    const char *org;          /* owner (organization code) of rows that name none; may be NULL */
    const char *tlp;          /* marking of rows that give none ("TLP:GREEN"); NULL: AMBER+STRICT */
    int64_t sharing_group_id; /* the group of TLP:AMBER rows; 0: none (AMBER rows fail) */
};

/* The input, the progress callback and the report are the shared import types
 * (import/import.h). The report lists the first INCIDENT_IMPORT_PROBLEMS_MAX bad records (a
 * CSV line, or a GeoJSON feature's index and the line it starts on; the field at fault, ""
 * when the record as a whole is; why) and counts them all in `rejected`; `rows` counts the
 * records read and `present` the ids already in the store as another source's records, left
 * alone. */
#define INCIDENT_IMPORT_PROBLEMS_MAX 100

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
int incident_import(struct db *db, const struct principal *who, const struct import_input *in,
                    const struct incident_import_options *opt, import_progress_fn progress,
                    void *progress_ctx, struct import_report *report, struct bh_error *err);

#endif
