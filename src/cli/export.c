/* `bluehelm export casualties`: the casualty records to a file or standard output, in the UN
 * fatalities file's columns, as HXL CSV, or as JSON. The operator exports every record (the
 * command line acts as admin, and such an export of embargoed or restricted records is
 * audited); --published exports only what an anonymous visitor may see. */
#include "cli/cli.h"

#include "base/i18n.h"
#include "casualty/export.h"
#include "db/db.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int run_casualties(int argc, char **argv);

static const struct cli_option casualties_options[] = {
    { "format", "F", N_("un (the UN fatalities file's columns; default), hxl or json") },
    { "output", "FILE", N_("write to FILE instead of standard output") },
    { "from", "DATE", N_("incidents on or after DATE (YYYY-MM-DD)") },
    { "to", "DATE", N_("incidents on or before DATE") },
    { "ytd", "DATE", N_("year to date: from 1 January of DATE's year to DATE") },
    { "mission", "LIST", N_("only these missions (acronyms, comma-separated)") },
    { "nationality", "LIST", N_("only these nationalities (ISO3 codes, or unknown)") },
    { "casualty-type", "LIST", N_("only these: Fatality, Injury, Missing, Abducted") },
    { "personnel-type", "LIST", N_("only these personnel types") },
    { "incident-type", "LIST", N_("only these incident types") },
    { "gender", "LIST", N_("only these: M, F, U") },
    { "embargoed", "BOOL", N_("only embargoed (true) or released (false) records") },
    { "published", NULL, N_("only what is published (released, TLP:CLEAR)") },
    { NULL, NULL, NULL },
};
enum {
    O_FORMAT,
    O_OUTPUT,
    O_FROM,
    O_TO,
    O_YTD,
    O_MISSION,
    O_NATIONALITY,
    O_CASUALTY_TYPE,
    O_PERSONNEL_TYPE,
    O_INCIDENT_TYPE,
    O_GENDER,
    O_EMBARGOED,
    O_PUBLISHED,
};

static const struct cli_command casualties_command = {
    "export casualties",
    run_casualties,
    N_("export casualty records"),
    "",
    N_("Writes the casualty records within the filters. --format un gives the UN fatalities\n"
       "file's own columns, so a UN file imported and exported again gives its rows back\n"
       "(docs/casualties.md lists the differences); hxl gives CSV with an HXL hashtag row;\n"
       "json a JSON array of the records as the API gives them. The operator exports every\n"
       "record; exporting embargoed, RED or AMBER+STRICT records is written to the audit log."),
    casualties_options,
    0,
};

static int to_file(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : BH_EIO;
}

static int run_casualties(int argc, char **argv)
{
    const char *cmd = casualties_command.name;
    struct cli_args a;
    int rc = cli_begin(&casualties_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    const char *format = a.values[O_FORMAT] ? a.values[O_FORMAT] : "un";
    int fmt = casualty_export_format_parse(format);
    if (fmt < 0) {
        fprintf(stderr, _("bluehelm %s: --format '%s' is not one of un, hxl, json\n"), cmd, format);
        return CLI_USAGE;
    }
    struct casualty_filter f;
    struct bh_error err;
    casualty_filter_init(&f);
    struct cli_option_values ov = { casualties_options, &a };
    if ((rc = casualty_filter_read(&f, cli_option_value, &ov, &err)))
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
    rc = casualty_export(db, &who, &f, (enum casualty_export_format)fmt, to_file, out.fp, &rows,
                         &err);
    db_close(db);
    rc = cli_output_close(&out, rc, &err);
    if (rc)
        return cli_option_fail(cmd, rc, &err);
    if (path)
        printf(_("exported %lld casualty records (%s) to %s\n"), (long long)rows, format, path);
    return CLI_OK;
}

static const struct cli_command *const subcommands[] = {
    &casualties_command,         &cli_export_incidents_command, &cli_export_events_command,
    &cli_export_library_command, &cli_export_gaps_command,      NULL,
};

static const struct cli_group group = {
    .command = &cli_export_command,
    .subcommands = subcommands,
    .missing = N_("what to export: casualties, incidents or events?"),
    .unknown = N_("cannot export '%s' (casualties, incidents, events)"),
    .flags = CLI_GROUP_OWN_OPTIONS,
};

static int run_export(int argc, char **argv)
{
    return cli_dispatch(&group, argc, argv);
}

const struct cli_command cli_export_command = {
    "export",
    run_export,
    N_("export records: casualties, incidents, events, library, gaps"),
    "casualties|incidents|events|library|gaps",
    N_("casualties: the casualty register in the UN fatalities file's columns (un), as HXL\n"
       "            CSV (hxl) or JSON (json).\n"
       "incidents:  the incident register as GeoJSON or CSV with HXL hashtags.\n"
       "events:     the context events (UCDP, ACLED) as GeoJSON or CSV with HXL hashtags.\n"
       "library:    the knowledge library's documents as JSON.\n"
       "gaps:       the capacity gap report per mission or organization, as CSV or JSON.\n"
       "Run `bluehelm export <what> --help` for the options."),
    NULL,
    1,
};
