#ifndef BH_EVENT_EVENT_H
#define BH_EVENT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "event/columns.h"
#include "principal/principal.h"

/* Context events: conflict events recorded by others (UCDP GED, ACLED), a map layer beside
 * the incident register, never counted as incidents against peacekeepers. Stored in table
 * context_event (migration 0009), shared like any record (sharing_predicate with record type
 * "event"), re-imported in place on (source, source_id). */

/* Visibility of context events: the sharing predicate with record type "event" (its values
 * appended to `params`, as sharing_predicate() says). */
void event_predicate(const struct principal *who, const char *alias, struct buf *sql,
                     struct db_params *params);

/* One event's stored values. Strings are borrowed; NULL stores NULL. */
struct event_row {
    const char *source;      /* "ucdp" or "acled" */
    const char *source_id;   /* UCDP id, ACLED event_id_cnty */
    const char *occurred_at; /* RFC 3339 UTC, "2009-02-20T00:00:00Z" */
    const char *date_end;    /* YYYY-MM-DD or NULL */
    int date_precision;      /* 0 stores NULL */
    double latitude, longitude;
    int geo_precision; /* 0 stores NULL */
    const char *country, *country_iso3, *admin1, *admin2, *place_name;
    const char *threat_type; /* taxonomy code */
    const char *source_type; /* the source's own class, verbatim */
    const char *actor1, *actor2;
    int64_t fatalities;
    bool has_low_high;
    int64_t fatalities_low, fatalities_high;
    const char *notes;
    int64_t owner_org_id;
    const char *tlp;          /* bare column form: "GREEN" */
    int64_t sharing_group_id; /* 0 stores NULL */
    const char *imported_at;  /* NULL: now */
};

/* Inserts `row`, or when (source, source_id) is already stored replaces its values in place
 * (same id and row key). *inserted (may be NULL) tells which happened. No checks beyond the
 * table's own. */
int event_store_upsert(struct db *db, const struct event_row *row, bool *inserted,
                       struct bh_error *err);

/* Whether an event with this source and source_id is stored. */
int event_store_exists(struct db *db, const char *source, const char *source_id, bool *exists,
                       struct bh_error *err);

/* How `row` stands against the store: not there, there with exactly these values (every
 * column event_store_upsert() writes but imported_at and the owner, which an upsert keeps),
 * or there with other values. An import writes only rows that are absent or different, so
 * importing the same file twice changes nothing, not even imported_at. */
enum event_stored { EVENT_ABSENT, EVENT_SAME, EVENT_DIFFERENT };
int event_store_compare(struct db *db, const struct event_row *row, enum event_stored *out,
                        struct bh_error *err);

/* The event in the current row (EVENT_COLUMNS of columns.h from column `first` on) as a flat
 * JSON object keyed as the column table says (owner: organization code; tlp: "TLP:GREEN"); a
 * new reference. */
json_t *event_row_json(struct db_stmt *st, int first);

#endif
