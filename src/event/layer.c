/* The context-events map layer and its file columns, declared by the module that owns the
 * layer (the spatial engine names no capability). The CSV headers are the keys of the JSON an item
 * has in the list, so a column means the same thing in the API, the CSV and the GeoJSON
 * properties. The HXL hashtags follow the conventions of the conflict data on HDX (ACLED's
 * #event+type, #geo+lat, #affected+killed) so the files line up with those in the HXL tools;
 * what HXL has no hashtag for goes under #meta, and the mission and the marking under
 * #x_mission and #x_tlp as in the casualty export. Hashtags are distinct within a file; where
 * one extends another (#affected+killed, #affected+killed+min) the plain one comes first, so
 * an HXL selector that matches both (tools take the first match) picks the plain one. */
#include "event/event.h"
#include "spatial/spatial.h"

static const struct spatial_csv_column event_csv[] = {
    { "id", "#event+id", "id" },
    { "source", "#meta+source", "source" },
    { "source_id", "#event+code", "source_id" },
    { "occurred_at", "#date+occurred", "occurred_at" },
    { "date_end", "#date+end", "date_end" },
    { "date_precision", "#meta+precision+time", "date_precision" },
    { "latitude", "#geo+lat", "latitude" },
    { "longitude", "#geo+lon", "longitude" },
    { "geo_precision", "#geo+precision", "geo_precision" },
    { "country", "#country+name", "country" },
    { "country_iso3", "#country+code", "country_iso3" },
    { "admin1", "#adm1+name", "admin1" },
    { "admin2", "#adm2+name", "admin2" },
    { "place_name", "#loc+name", "place_name" },
    { "threat_type", "#event+type", "threat_type" },
    { "source_type", "#meta+source_type", "source_type" },
    { "actor1", "#group+name+first", "actor1" },
    { "actor2", "#group+name+second", "actor2" },
    { "fatalities", "#affected+killed", "fatalities" },
    { "fatalities_low", "#affected+killed+min", "fatalities_low" },
    { "fatalities_high", "#affected+killed+max", "fatalities_high" },
    { "notes", "#description", "notes" },
    { "owner", "#org+code+owner", "owner" },
    { "tlp", "#x_tlp", "tlp" },
    { "sharing_group", "#meta+sharing_group", "sharing_group" },
    { "imported_at", "#date+imported", "imported_at" },
    { NULL, NULL, NULL },
};

const struct spatial_layer spatial_events = {
    .name = "events",
    .record_type = "event",
    .visible = event_predicate,
    .table = "context_event",
    .from = EVENT_FROM,
    .alias = "e",
    .columns = EVENT_COLUMNS,
    .row_json = event_row_json,
    .redact = NULL,
    .rtree = "context_event_rtree",
    .fts = "context_event_fts",
    .mission_column = NULL,
    .country_column = "country_iso3",
    .status_column = NULL,
    .csv = event_csv,
};
