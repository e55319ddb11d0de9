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

static const struct spatial_csv_column incident_csv[] = {
    { "id", "#event+id", "id" },
    { "mission", "#x_mission", "mission" },
    { "occurred_at", "#date+occurred", "occurred_at" },
    { "occurred_precision", "#meta+precision+time", "occurred_precision" },
    { "reported_at", "#date+reported", "reported_at" },
    { "latitude", "#geo+lat", "latitude" },
    { "longitude", "#geo+lon", "longitude" },
    { "location_precision", "#geo+precision", "location_precision" },
    { "place_name", "#loc+name", "place_name" },
    { "admin1", "#adm1+name", "admin1" },
    { "admin2", "#adm2+name", "admin2" },
    { "threat_type", "#event+type", "threat_type" },
    { "target", "#x_target+type", "target" },
    { "activity", "#x_activity+type", "activity" },
    { "perpetrator", "#group+name+perpetrator", "perpetrator" },
    { "perpetrator_groups", "#group+code+perpetrator", "perpetrator_groups" },
    { "killed", "#affected+killed", "killed" },
    { "injured", "#affected+injured", "injured" },
    { "missing", "#affected+missing", "missing" },
    { "abducted", "#affected+abducted", "abducted" },
    { "narrative", "#description", "narrative" },
    { "sources", "#meta+source+ref", "sources" },
    { "status", "#status", "status" },
    { "return_reason", "#status+reason", "return_reason" },
    { "endorsed_by", "#meta+endorser", "endorsed_by" },
    { "endorsed_at", "#date+endorsed", "endorsed_at" },
    { "merged_into", "#meta+merged_into", "merged_into" },
    { "synthetic", "#meta+synthetic", "synthetic" },
    { "owner", "#org+code+owner", "owner" },
    { "reporter", "#meta+reporter", "reporter" },
    { "tlp", "#x_tlp", "tlp" },
    { "sharing_group", "#meta+sharing_group", "sharing_group" },
    { "revision", "#meta+revision", "revision" },
    { "source", "#meta+origin", "source" },
    { "source_ref", "#meta+origin+ref", "source_ref" },
    { "created_at", "#date+created", "created_at" },
    { "updated_at", "#date+updated", "updated_at" },
    { NULL, NULL, NULL },
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
    .rtree = "incident_rtree",
    .fts = "incident_fts",
    .mission_column = "mission",
    .country_column = NULL,
    .status_column = "status",
    .csv = incident_csv,
};
