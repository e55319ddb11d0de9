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

/* The file columns are the event's keys, with the hashtags of columns.h. */
#define CSV(col, kind, key, hxl, role) { key, hxl, key },

static const struct spatial_csv_column event_csv[] = {
    EVENT_COLUMNS_TABLE(CSV){ NULL, NULL, NULL },
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
