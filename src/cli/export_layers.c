/* `bluehelm export incidents` and `bluehelm export events`: a map layer's matches as GeoJSON
 * or as CSV with HXL hashtags, with the filters of GET /api/v1/incidents (docs/map-layers.md).
 * The operator exports every record (the command line acts as admin, and a file holding RED
 * or AMBER+STRICT records is written to the audit log); --published exports only what an
 * anonymous visitor may see. */
#include "cli/cli.h"

#include "base/i18n.h"
#include "spatial/spatial.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int run_incidents(int argc, char **argv);
static int run_events(int argc, char **argv);

/* The file's options, then one per filter, named as the API's query parameters. */
static const struct cli_option options[] = {
    { "format", "F", N_("geojson (default) or csv (with the HXL hashtag row)") },
    { "output", "FILE", N_("write to FILE instead of standard output") },
    { "published", NULL, N_("only what is published (TLP:CLEAR)") },
    { "bbox", "W,S,E,N", N_("inside the box west,south,east,north (degrees; W > E crosses 180)") },
    { "near", "LAT,LON,KM", N_("within KM kilometres (great circle) of LAT,LON") },
    { "from", "WHEN", N_("on or after WHEN (YYYY-MM-DD or RFC 3339)") },
    { "to", "WHEN", N_("on or before WHEN (a date takes in the whole day)") },
    { "mission", "LIST", N_("only these missions (acronyms, comma-separated)") },
    { "type", "LIST", N_("only these threat types (taxonomy codes)") },
    { "status", "LIST", N_("only these statuses (incidents: draft, submitted, endorsed, ...)") },
    { "q", "WORDS", N_("full-text search: every word must occur") },
    { "sort", "ORDER", N_("-occurred (newest first, default) or occurred") },
    { NULL, NULL, NULL },
};
enum { O_FORMAT, O_OUTPUT, O_PUBLISHED, O_FIRST_FILTER };

const struct cli_command cli_export_incidents_command = {
    "export incidents",
    run_incidents,
    N_("export incidents as GeoJSON or CSV with HXL hashtags"),
    "",
    N_("Writes the incidents within the filters: --format geojson gives an RFC 7946\n"
       "FeatureCollection of points, csv a header row, the HXL hashtag row and a row per\n"
       "incident. The filters are those of GET /api/v1/incidents (docs/map-layers.md).\n"
       "The operator exports every record; exporting RED or AMBER+STRICT records is written\n"
       "to the audit log."),
    options,
    0,
};

const struct cli_command cli_export_events_command = {
    "export events",
    run_events,
    N_("export context events as GeoJSON or CSV with HXL hashtags"),
    "",
    N_("Writes the context events (UCDP, ACLED) within the filters, as --format geojson or\n"
       "csv. The filters are those of GET /api/v1/events (docs/map-layers.md); --mission\n"
       "takes the events in the missions' host countries, and --status does not apply."),
    options,
    0,
};

static int to_file(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : BH_EIO;
}

static int run(const struct cli_command *command, const struct spatial_layer *layer, int argc,
               char **argv)
{
    const char *cmd = command->name;
    struct cli_args a;
    int rc = cli_begin(command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    const char *format = a.values[O_FORMAT] ? a.values[O_FORMAT] : "geojson";
    enum spatial_format fmt;
    if (strcmp(format, "geojson") == 0)
        fmt = SPATIAL_GEOJSON;
    else if (strcmp(format, "csv") == 0)
        fmt = SPATIAL_CSV;
    else
        return cli_usage_error(command, _("--format '%s' is not one of geojson, csv"), format);
    struct spatial_filter f;
    struct bh_error err;
    spatial_filter_init(&f);
    struct cli_option_values ov = { options, &a };
    if ((rc = spatial_filter_read(&f, cli_option_value, &ov, &err)))
        return cli_option_fail(cmd, rc, &err);
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    const char *path = a.values[O_OUTPUT];
    struct cli_output out;
    if ((rc = cli_output_open(&out, cmd, path))) {
        db_close(db);
        return rc;
    }
    struct principal who;
    if (a.values[O_PUBLISHED])
        principal_anonymous(&who);
    else
        principal_cli(&who);
    int64_t rows = 0;
    rc = spatial_export(db, &who, layer, &f, fmt, to_file, out.fp, &rows, &err);
    db_close(db);
    rc = cli_output_close(&out, rc, &err);
    if (rc)
        return cli_option_fail(cmd, rc, &err);
    if (path)
        printf(layer == &spatial_incidents ? _("exported %lld incidents (%s) to %s\n")
                                           : _("exported %lld events (%s) to %s\n"),
               (long long)rows, format, path);
    return CLI_OK;
}

static int run_incidents(int argc, char **argv)
{
    return run(&cli_export_incidents_command, &spatial_incidents, argc, argv);
}

static int run_events(int argc, char **argv)
{
    return run(&cli_export_events_command, &spatial_events, argc, argv);
}
