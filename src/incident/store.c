/* The incident table's one INSERT and one row reader, shared by reports (record.c), imports
 * (import.c) and demo data (demo.c), so the three cannot drift apart on a column. */
#include "incident/incident.h"

#include "base/timeutil.h"
#include "base/uuid.h"
#include "sharing/sharing.h"

#include <stdio.h>

int incident_store_bind_content(struct db_stmt *st, int k, const struct incident_row *r)
{
    db_bind_text(st, k++, r->mission);
    db_bind_text(st, k++, r->occurred_at);
    db_bind_text(st, k++, r->occurred_precision);
    db_bind_text(st, k++, r->reported_at);
    db_bind_double(st, k++, r->latitude);
    db_bind_double(st, k++, r->longitude);
    db_bind_text(st, k++, r->location_precision);
    db_bind_text(st, k++, r->place_name);
    db_bind_text(st, k++, r->admin1);
    db_bind_text(st, k++, r->admin2);
    db_bind_text(st, k++, r->threat_type);
    db_bind_text(st, k++, r->target);
    db_bind_text(st, k++, r->activity);
    db_bind_text(st, k++, r->perpetrator);
    db_bind_text(st, k++, r->perpetrator_groups ? r->perpetrator_groups : "[]");
    db_bind_int(st, k++, r->killed);
    db_bind_int(st, k++, r->injured);
    db_bind_int(st, k++, r->missing);
    db_bind_int(st, k++, r->abducted);
    db_bind_text(st, k++, r->narrative ? r->narrative : "");
    db_bind_text(st, k++, r->sources ? r->sources : "[]");
    return k;
}

int incident_store_bind_values(struct db_stmt *st, int k, const struct incident_row *r)
{
    k = incident_store_bind_content(st, k, r);
    db_bind_text(st, k++, r->status);
    db_bind_text(st, k++, r->return_reason);
    db_bind_text(st, k++, r->endorsed_by);
    db_bind_text(st, k++, r->endorsed_at);
    db_bind_text(st, k++, r->merged_into);
    db_bind_int(st, k++, r->synthetic ? 1 : 0);
    db_bind_int(st, k++, r->owner_org_id);
    if (r->reporter_id)
        db_bind_int(st, k++, r->reporter_id);
    else
        db_bind_null(st, k++);
    db_bind_text(st, k++, r->reporter);
    db_bind_text(st, k++, r->tlp);
    if (r->sharing_group_id)
        db_bind_int(st, k++, r->sharing_group_id);
    else
        db_bind_null(st, k++);
    return k;
}

int incident_store_insert(struct db *db, const struct incident_row *r, int64_t *n_out, char *id_out,
                          struct bh_error *err)
{
    static const char sql[] =
        "INSERT INTO incident (" INCIDENT_WRITE_COLUMNS
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    char id[UUID_STR_LEN + 1], now[40];
    const char *created = r->created_at, *updated = r->updated_at;
    if (!created || !updated) {
        time_format_rfc3339(time_now_ms(), 0, false, now);
        created = created ? created : now;
        updated = updated ? updated : now;
    }
    if (r->id)
        snprintf(id, sizeof id, "%s", r->id);
    else {
        struct uuid u;
        uuid_v7(&u);
        uuid_format(&u, id);
    }
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    int k = 1;
    db_bind_text(st, k++, id);
    k = incident_store_bind_values(st, k, r);
    db_bind_text(st, k++, r->source);
    db_bind_text(st, k++, r->source_ref);
    db_bind_text(st, k++, created);
    db_bind_text(st, k++, updated);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (n_out)
        *n_out = db_last_insert_rowid(db);
    if (id_out)
        snprintf(id_out, UUID_STR_LEN + 1, "%s", id);
    return 0;
}

enum {
    C_N,
    C_ID,
    C_MISSION,
    C_OCCURRED_AT,
    C_OCCURRED_PRECISION,
    C_REPORTED_AT,
    C_LATITUDE,
    C_LONGITUDE,
    C_LOCATION_PRECISION,
    C_PLACE_NAME,
    C_ADMIN1,
    C_ADMIN2,
    C_THREAT_TYPE,
    C_TARGET,
    C_ACTIVITY,
    C_PERPETRATOR,
    C_PERPETRATOR_GROUPS,
    C_KILLED,
    C_INJURED,
    C_MISSING,
    C_ABDUCTED,
    C_NARRATIVE,
    C_SOURCES,
    C_STATUS,
    C_RETURN_REASON,
    C_ENDORSED_BY,
    C_ENDORSED_AT,
    C_MERGED_INTO,
    C_SYNTHETIC,
    C_OWNER,
    C_REPORTER,
    C_TLP,
    C_GROUP,
    C_REVISION,
    C_SOURCE,
    C_SOURCE_REF,
    C_CREATED_AT,
    C_UPDATED_AT,
};

static json_t *text_at(struct db_stmt *st, int col)
{
    const char *s = db_column_text(st, col);
    return s ? json_string(s) : json_null();
}

/* A JSON array stored as text; an unreadable one (never written by us) reads as []. */
static json_t *array_at(struct db_stmt *st, int col)
{
    const char *s = db_column_text(st, col);
    json_t *a = s ? json_loads(s, JSON_REJECT_DUPLICATES, NULL) : NULL;
    if (!json_is_array(a)) {
        json_decref(a);
        a = json_array();
    }
    return a;
}

json_t *incident_row_json(struct db_stmt *st, int first)
{
#define AT(c) (first + (c))
    json_t *o = json_object();
    int t = tlp_parse(db_column_text(st, AT(C_TLP)));
    json_object_set_new(o, "id", text_at(st, AT(C_ID)));
    json_object_set_new(o, "mission", text_at(st, AT(C_MISSION)));
    json_object_set_new(o, "occurred_at", text_at(st, AT(C_OCCURRED_AT)));
    json_object_set_new(o, "occurred_precision", text_at(st, AT(C_OCCURRED_PRECISION)));
    json_object_set_new(o, "reported_at", text_at(st, AT(C_REPORTED_AT)));
    json_object_set_new(o, "latitude", json_real(db_column_double(st, AT(C_LATITUDE))));
    json_object_set_new(o, "longitude", json_real(db_column_double(st, AT(C_LONGITUDE))));
    json_object_set_new(o, "location_precision", text_at(st, AT(C_LOCATION_PRECISION)));
    json_object_set_new(o, "place_name", text_at(st, AT(C_PLACE_NAME)));
    json_object_set_new(o, "admin1", text_at(st, AT(C_ADMIN1)));
    json_object_set_new(o, "admin2", text_at(st, AT(C_ADMIN2)));
    json_object_set_new(o, "threat_type", text_at(st, AT(C_THREAT_TYPE)));
    json_object_set_new(o, "target", text_at(st, AT(C_TARGET)));
    json_object_set_new(o, "activity", text_at(st, AT(C_ACTIVITY)));
    json_object_set_new(o, "perpetrator", text_at(st, AT(C_PERPETRATOR)));
    json_object_set_new(o, "perpetrator_groups", array_at(st, AT(C_PERPETRATOR_GROUPS)));
    json_object_set_new(o, "killed", json_integer(db_column_int(st, AT(C_KILLED))));
    json_object_set_new(o, "injured", json_integer(db_column_int(st, AT(C_INJURED))));
    json_object_set_new(o, "missing", json_integer(db_column_int(st, AT(C_MISSING))));
    json_object_set_new(o, "abducted", json_integer(db_column_int(st, AT(C_ABDUCTED))));
    json_object_set_new(o, "narrative", text_at(st, AT(C_NARRATIVE)));
    json_object_set_new(o, "sources", array_at(st, AT(C_SOURCES)));
    json_object_set_new(o, "status", text_at(st, AT(C_STATUS)));
    json_object_set_new(o, "return_reason", text_at(st, AT(C_RETURN_REASON)));
    json_object_set_new(o, "endorsed_by", text_at(st, AT(C_ENDORSED_BY)));
    json_object_set_new(o, "endorsed_at", text_at(st, AT(C_ENDORSED_AT)));
    json_object_set_new(o, "merged_into", text_at(st, AT(C_MERGED_INTO)));
    json_object_set_new(o, "synthetic", json_boolean(db_column_int(st, AT(C_SYNTHETIC))));
    json_object_set_new(o, "owner", text_at(st, AT(C_OWNER)));
    json_object_set_new(o, "reporter", text_at(st, AT(C_REPORTER)));
    json_object_set_new(o, "tlp", json_string(t >= 0 ? tlp_label((enum tlp)t) : "?"));
    json_object_set_new(o, "sharing_group",
                        db_column_is_null(st, AT(C_GROUP))
                            ? json_null()
                            : json_integer(db_column_int(st, AT(C_GROUP))));
    json_object_set_new(o, "revision", json_integer(db_column_int(st, AT(C_REVISION))));
    json_object_set_new(o, "source", text_at(st, AT(C_SOURCE)));
    json_object_set_new(o, "source_ref", text_at(st, AT(C_SOURCE_REF)));
    json_object_set_new(o, "created_at", text_at(st, AT(C_CREATED_AT)));
    json_object_set_new(o, "updated_at", text_at(st, AT(C_UPDATED_AT)));
    return o;
#undef AT
}
