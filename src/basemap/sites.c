/* Mission sites for the base map: each mission's headquarters from the store's mission table
 * (written from src/refdata by `bluehelm init`), so the map follows the reference data rather
 * than a copy in the pack. The store has no team sites yet; when it does, they join here. */
#include "basemap/basemap.h"

#include "db/db.h"

int basemap_missions(struct db *db, json_t **out, struct bh_error *err)
{
    *out = NULL;
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT acronym, name, hq_city, hq_lat, hq_lon, active FROM mission "
                        "WHERE hq_lat IS NOT NULL AND hq_lon IS NOT NULL ORDER BY acronym",
                        &st, err);
    if (rc)
        return rc;
    json_t *features = json_array();
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *acronym = db_column_text(st, 0);
        const char *city = db_column_text(st, 2);
        json_t *props =
            json_pack("{s:s, s:s, s:s, s:s, s:b}", "layer", "mission", "kind", "hq", "acronym",
                      acronym, "name", db_column_text(st, 1), "active", (int)db_column_int(st, 5));
        if (city)
            json_object_set_new(props, "city", json_string(city));
        json_t *f = json_pack("{s:s, s:s+, s:o, s:{s:s, s:[f, f]}}", "type", "Feature", "id",
                              "mission:", acronym, "properties", props, "geometry", "type", "Point",
                              "coordinates", db_column_double(st, 4), db_column_double(st, 3));
        json_array_append_new(features, f);
    }
    db_stmt_done(st);
    if (rc < 0) {
        json_decref(features);
        return rc;
    }
    *out = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
    return 0;
}
