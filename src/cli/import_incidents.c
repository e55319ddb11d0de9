/* bluehelm import incidents FILE: incident records from CSV or GeoJSON (what `bluehelm export
 * incidents` writes, or another system's register in the same keys), as the command-line
 * operator. src/incident/import.h has the rules. */
#include "cli/cli.h"

#include "base/i18n.h"
#include "cli/import_common.h"
#include "incident/import.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

enum { O_FORMAT, O_ORG, O_TLP, O_GROUP };

static const struct cli_option options[] = {
    { "format", "F", N_("csv or geojson (default: by the file's extension, else its content)") },
    { "org", "CODE", N_("owner of records that name none (their \"owner\" column is empty)") },
    { "tlp", "TLP", N_("marking of records that give none (default TLP:AMBER+STRICT)") },
    { "sharing-group", "ID", N_("the sharing group of TLP:AMBER records (a group of this store)") },
    { NULL, NULL, NULL },
};

const struct cli_command cli_import_incidents_command = {
    "import incidents",
    run,
    N_("import incident records (CSV or GeoJSON)"),
    "FILE",
    N_("Imports incidents from CSV (a header of incident JSON keys: id, mission, occurred_at,\n"
       "latitude, longitude, threat_type, ...; an HXL hashtag row under it is skipped; lists as\n"
       "JSON arrays or separated by ';') or GeoJSON (a FeatureCollection of Point features whose\n"
       "properties are those keys), such as `bluehelm export incidents` writes. `-` reads stdin.\n"
       "Every record is validated as a report is; one bad record and nothing is imported, and\n"
       "every bad one is listed with its line (CSV) or feature (GeoJSON) and field. Records are\n"
       "keyed by their id: importing a file again changes nothing, a changed record is updated\n"
       "(a new revision), and an id already in this store from another source is left alone.\n"
       "See docs/demo.md."),
    options,
    1,
};

static int run(int argc, char **argv)
{
    const char *cmd = cli_import_incidents_command.name;
    struct cli_args a;
    int rc = cli_begin(&cli_import_incidents_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npositional != 1)
        return cli_usage_error(&cli_import_incidents_command, _("the FILE to import is required"));
    struct incident_import_options opt = { INCIDENT_IMPORT_AUTO, a.values[O_ORG], a.values[O_TLP],
                                           0 };
    const char *format = a.values[O_FORMAT];
    if (format && strcmp(format, "csv") == 0)
        opt.format = INCIDENT_IMPORT_CSV;
    else if (format && strcmp(format, "geojson") == 0)
        opt.format = INCIDENT_IMPORT_GEOJSON;
    else if (format)
        return cli_usage_error(&cli_import_incidents_command,
                               _("--format '%s' is not csv or geojson"), format);
    if (a.values[O_GROUP]) {
        char *end;
        errno = 0;
        long long g = strtoll(a.values[O_GROUP], &end, 10);
        if (errno || *end || g < 1)
            return cli_usage_error(&cli_import_incidents_command,
                                   _("--sharing-group '%s' is not a group id"), a.values[O_GROUP]);
        opt.sharing_group_id = g;
    }

    const char *path = a.positional[0];
    struct import_input in;
    if ((rc = cli_import_open(cmd, path, &in)))
        return rc;
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db))) {
        cli_import_close(&in);
        return rc;
    }
    struct principal who;
    principal_cli(&who);
    struct cli_progress bar;
    cli_progress_init(&bar, in.name, N_("records"));
    struct import_report rep;
    import_report_init(&rep);
    struct bh_error err;
    rc = incident_import(db, &who, &in, &opt, cli_progress_fn(&bar), &bar, &rep, &err);
    cli_progress_end(&bar, !rc, in.size, rep.rows);
    db_close(db);
    cli_import_close(&in);
    cli_print_rejections(stderr, &rep);
    if (rc) {
        /* A bad --org or --tlp is the command line's fault; a bad file is the work failing. */
        bool option = !rep.rejected && rc == BH_EINVALID &&
                      (strcmp(err.field, "org") == 0 || strcmp(err.field, "tlp") == 0);
        int status = option ? CLI_USAGE : CLI_FAILED;
        cli_error("%s: %s", cmd, err.message);
        import_report_cleanup(&rep);
        return status;
    }
    printf(_("%s (%s): %lld records: %lld added, %lld updated, %lld unchanged, %lld already in "
             "the store\n"),
           in.name, rep.format, (long long)rep.rows, (long long)rep.added, (long long)rep.updated,
           (long long)rep.unchanged, (long long)rep.present);
    import_report_cleanup(&rep);
    return CLI_OK;
}
