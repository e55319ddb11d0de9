/* The context_event table's one write (an upsert on the source's key) and one row reader. */
#include "event/event.h"

#include "base/timeutil.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <string.h>

static void bind_int_or_null(struct db_stmt *st, int k, int64_t v, bool present)
{
    if (present)
        db_bind_int(st, k, v);
    else
        db_bind_null(st, k);
}

int event_store_upsert(struct db *db, const struct event_row *r, bool *inserted,
                       struct bh_error *err)
{
    /* The id is the source's key, so a re-import names the same record. The row key `n` is
     * kept by ON CONFLICT DO UPDATE (an INSERT OR REPLACE would delete and renumber it). */
    static const char sql[] =
        "INSERT INTO context_event (id, source, source_id, occurred_at, date_end, "
        "date_precision, latitude, longitude, geo_precision, country, country_iso3, admin1, "
        "admin2, place_name, threat_type, source_type, actor1, actor2, fatalities, "
        "fatalities_low, fatalities_high, notes, owner_org_id, tlp, sharing_group_id, "
        "imported_at) VALUES (?1 || ':' || ?2, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25) "
        "ON CONFLICT (source, source_id) DO UPDATE SET occurred_at = excluded.occurred_at, "
        "date_end = excluded.date_end, date_precision = excluded.date_precision, "
        "latitude = excluded.latitude, longitude = excluded.longitude, "
        "geo_precision = excluded.geo_precision, country = excluded.country, "
        "country_iso3 = excluded.country_iso3, admin1 = excluded.admin1, "
        "admin2 = excluded.admin2, place_name = excluded.place_name, "
        "threat_type = excluded.threat_type, source_type = excluded.source_type, "
        "actor1 = excluded.actor1, actor2 = excluded.actor2, "
        "fatalities = excluded.fatalities, fatalities_low = excluded.fatalities_low, "
        "fatalities_high = excluded.fatalities_high, notes = excluded.notes, "
        "tlp = excluded.tlp, sharing_group_id = excluded.sharing_group_id, "
        "imported_at = excluded.imported_at";
    char now[40];
    const char *imported = r->imported_at;
    if (!imported) {
        time_format_rfc3339(time_now_ms(), 0, false, now);
        imported = now;
    }
    /* Whether the key is stored decides `inserted`. (Comparing the last inserted row key before
     * and after is not enough: it is the connection's, so a row inserted earlier into another
     * table, an audit entry, may have had the very key the new event gets.) */
    bool existed = false;
    int rc;
    if (inserted && (rc = event_store_exists(db, r->source, r->source_id, &existed, err)))
        return rc;
    struct db_stmt *st;
    rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, r->source);
    db_bind_text(st, 2, r->source_id);
    db_bind_text(st, 3, r->occurred_at);
    db_bind_text(st, 4, r->date_end);
    bind_int_or_null(st, 5, r->date_precision, r->date_precision != 0);
    db_bind_double(st, 6, r->latitude);
    db_bind_double(st, 7, r->longitude);
    bind_int_or_null(st, 8, r->geo_precision, r->geo_precision != 0);
    db_bind_text(st, 9, r->country);
    db_bind_text(st, 10, r->country_iso3);
    db_bind_text(st, 11, r->admin1);
    db_bind_text(st, 12, r->admin2);
    db_bind_text(st, 13, r->place_name);
    db_bind_text(st, 14, r->threat_type);
    db_bind_text(st, 15, r->source_type);
    db_bind_text(st, 16, r->actor1);
    db_bind_text(st, 17, r->actor2);
    db_bind_int(st, 18, r->fatalities);
    bind_int_or_null(st, 19, r->fatalities_low, r->has_low_high);
    bind_int_or_null(st, 20, r->fatalities_high, r->has_low_high);
    db_bind_text(st, 21, r->notes);
    db_bind_int(st, 22, r->owner_org_id);
    db_bind_text(st, 23, r->tlp);
    bind_int_or_null(st, 24, r->sharing_group_id, r->sharing_group_id != 0);
    db_bind_text(st, 25, imported);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (inserted)
        *inserted = !existed;
    return 0;
}

int event_store_exists(struct db *db, const char *source, const char *source_id, bool *exists,
                       struct bh_error *err)
{
    struct db_stmt *st;
    int rc =
        db_prepare(db, "SELECT 1 FROM context_event WHERE source = ? AND source_id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, source);
    db_bind_text(st, 2, source_id);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    *exists = rc == DB_ROW;
    return 0;
}

static bool same_text(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_int(struct db_stmt *st, int col, int64_t v, bool present)
{
    if (db_column_is_null(st, col))
        return !present;
    return present && db_column_int(st, col) == v;
}

int event_store_compare(struct db *db, const struct event_row *r, enum event_stored *out,
                        struct bh_error *err)
{
    /* Every column the upsert writes but imported_at, in the upsert's order. */
    static const char sql[] =
        "SELECT occurred_at, date_end, date_precision, latitude, longitude, geo_precision, "
        "country, country_iso3, admin1, admin2, place_name, threat_type, source_type, actor1, "
        "actor2, fatalities, fatalities_low, fatalities_high, notes, tlp, sharing_group_id "
        "FROM context_event WHERE source = ? AND source_id = ?";
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, r->source);
    db_bind_text(st, 2, r->source_id);
    rc = db_step(st, err);
    if (rc < 0) {
        db_stmt_done(st);
        return rc;
    }
    if (rc != DB_ROW) {
        db_stmt_done(st);
        *out = EVENT_ABSENT;
        return 0;
    }
    /* Coordinates compare exactly: the same text in the file parses to the same double, and
     * SQLite keeps the 8 bytes as they were written. */
    bool same =
        same_text(db_column_text(st, 0), r->occurred_at) &&
        same_text(db_column_text(st, 1), r->date_end) &&
        same_int(st, 2, r->date_precision, r->date_precision != 0) &&
        db_column_double(st, 3) == r->latitude && db_column_double(st, 4) == r->longitude &&
        same_int(st, 5, r->geo_precision, r->geo_precision != 0) &&
        same_text(db_column_text(st, 6), r->country) &&
        same_text(db_column_text(st, 7), r->country_iso3) &&
        same_text(db_column_text(st, 8), r->admin1) &&
        same_text(db_column_text(st, 9), r->admin2) &&
        same_text(db_column_text(st, 10), r->place_name) &&
        same_text(db_column_text(st, 11), r->threat_type) &&
        same_text(db_column_text(st, 12), r->source_type) &&
        same_text(db_column_text(st, 13), r->actor1) &&
        same_text(db_column_text(st, 14), r->actor2) && same_int(st, 15, r->fatalities, true) &&
        same_int(st, 16, r->fatalities_low, r->has_low_high) &&
        same_int(st, 17, r->fatalities_high, r->has_low_high) &&
        same_text(db_column_text(st, 18), r->notes) && same_text(db_column_text(st, 19), r->tlp) &&
        same_int(st, 20, r->sharing_group_id, r->sharing_group_id != 0);
    db_stmt_done(st);
    *out = same ? EVENT_SAME : EVENT_DIFFERENT;
    return 0;
}

enum {
    C_N,
    C_ID,
    C_SOURCE,
    C_SOURCE_ID,
    C_OCCURRED_AT,
    C_DATE_END,
    C_DATE_PRECISION,
    C_LATITUDE,
    C_LONGITUDE,
    C_GEO_PRECISION,
    C_COUNTRY,
    C_COUNTRY_ISO3,
    C_ADMIN1,
    C_ADMIN2,
    C_PLACE_NAME,
    C_THREAT_TYPE,
    C_SOURCE_TYPE,
    C_ACTOR1,
    C_ACTOR2,
    C_FATALITIES,
    C_FATALITIES_LOW,
    C_FATALITIES_HIGH,
    C_NOTES,
    C_OWNER,
    C_TLP,
    C_GROUP,
    C_IMPORTED_AT,
};

static json_t *text_at(struct db_stmt *st, int col)
{
    const char *s = db_column_text(st, col);
    return s ? json_string(s) : json_null();
}

static json_t *int_at(struct db_stmt *st, int col)
{
    return db_column_is_null(st, col) ? json_null() : json_integer(db_column_int(st, col));
}

json_t *event_row_json(struct db_stmt *st, int first)
{
#define AT(c) (first + (c))
    json_t *o = json_object();
    int t = tlp_parse(db_column_text(st, AT(C_TLP)));
    json_object_set_new(o, "id", text_at(st, AT(C_ID)));
    json_object_set_new(o, "source", text_at(st, AT(C_SOURCE)));
    json_object_set_new(o, "source_id", text_at(st, AT(C_SOURCE_ID)));
    json_object_set_new(o, "occurred_at", text_at(st, AT(C_OCCURRED_AT)));
    json_object_set_new(o, "date_end", text_at(st, AT(C_DATE_END)));
    json_object_set_new(o, "date_precision", int_at(st, AT(C_DATE_PRECISION)));
    json_object_set_new(o, "latitude", json_real(db_column_double(st, AT(C_LATITUDE))));
    json_object_set_new(o, "longitude", json_real(db_column_double(st, AT(C_LONGITUDE))));
    json_object_set_new(o, "geo_precision", int_at(st, AT(C_GEO_PRECISION)));
    json_object_set_new(o, "country", text_at(st, AT(C_COUNTRY)));
    json_object_set_new(o, "country_iso3", text_at(st, AT(C_COUNTRY_ISO3)));
    json_object_set_new(o, "admin1", text_at(st, AT(C_ADMIN1)));
    json_object_set_new(o, "admin2", text_at(st, AT(C_ADMIN2)));
    json_object_set_new(o, "place_name", text_at(st, AT(C_PLACE_NAME)));
    json_object_set_new(o, "threat_type", text_at(st, AT(C_THREAT_TYPE)));
    json_object_set_new(o, "source_type", text_at(st, AT(C_SOURCE_TYPE)));
    json_object_set_new(o, "actor1", text_at(st, AT(C_ACTOR1)));
    json_object_set_new(o, "actor2", text_at(st, AT(C_ACTOR2)));
    json_object_set_new(o, "fatalities", json_integer(db_column_int(st, AT(C_FATALITIES))));
    json_object_set_new(o, "fatalities_low", int_at(st, AT(C_FATALITIES_LOW)));
    json_object_set_new(o, "fatalities_high", int_at(st, AT(C_FATALITIES_HIGH)));
    json_object_set_new(o, "notes", text_at(st, AT(C_NOTES)));
    json_object_set_new(o, "owner", text_at(st, AT(C_OWNER)));
    json_object_set_new(o, "tlp", json_string(t >= 0 ? tlp_label((enum tlp)t) : "?"));
    json_object_set_new(o, "sharing_group", int_at(st, AT(C_GROUP)));
    json_object_set_new(o, "imported_at", text_at(st, AT(C_IMPORTED_AT)));
    return o;
#undef AT
}

void event_predicate(const struct principal *who, const char *alias, struct buf *sql,
                     struct db_params *params)
{
    sharing_predicate(who, "event", alias, sql, params);
}
