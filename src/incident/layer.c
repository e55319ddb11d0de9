/* The incidents map layer and its file columns, declared by the module that owns the layer
 * (the spatial engine names no capability). The CSV headers are the keys of the JSON an item
 * has in the list, so a column means the same thing in the API, the CSV and the GeoJSON
 * properties. The HXL hashtags follow the conventions of the conflict data on HDX (ACLED's
 * #event+type, #geo+lat, #affected+killed) so the files line up with those in the HXL tools;
 * what HXL has no hashtag for goes under #meta, and the mission and the marking under
 * #x_mission and #x_tlp as in the casualty export. Hashtags are distinct within a file; where
 * one extends another (#affected+killed, #affected+killed+min) the plain one comes first, so
 * an HXL selector that matches both (tools take the first match) picks the plain one. */
#include "incident/incident.h"
#include "spatial/spatial.h"

/* The file columns are the record's keys, with the hashtags of columns.h. */
#define CSV(col, kind, key, hxl, role) INCIDENT_ROLE(RECORD, role, { key, hxl, key }, )

static const struct spatial_csv_column incident_csv[] = {
    INCIDENT_COLUMNS_TABLE(CSV){ NULL, NULL, NULL },
};

const struct spatial_layer spatial_incidents = {
    .name = "incidents",
    .record_type = "incident",
    .visible = incident_predicate,
    .table = "incident",
    .from = INCIDENT_FROM,
    .alias = "i",
    .columns = INCIDENT_COLUMNS,
    .row_json = incident_row_json,
    .redact = incident_redact_links,
    .row_write = incident_row_write,
    .occurred_column = INCIDENT_C_occurred_at,
    .feature_write = incident_feature_write,
    .rtree = "incident_rtree",
    .fts = "incident_fts",
    .mission_column = "mission",
    .country_column = NULL,
    .status_column = "status",
    .synthetic_column = "synthetic",
    .reporter_column = "reporter_id",
    .csv = incident_csv,
};
