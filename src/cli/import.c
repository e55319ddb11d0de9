/* bluehelm import un-fatalities|deployments FILE: published data into the casualty register,
 * as the command-line operator (audited as cli:$USER). */
#include "cli/cli.h"

#include "base/i18n.h"
#include "casualty/import.h"
#include "cli/import_common.h"
#include "db/db.h"

#include <stdio.h>

static int run_un(int argc, char **argv);
static int run_deployments(int argc, char **argv);

static const struct cli_command un_command = {
    "import un-fatalities",
    run_un,
    N_("import the UN peacekeeping fatalities file"),
    "FILE",
    N_("Imports the UN's peacekeeping fatalities CSV (DPPADPOSS-FATALITIES.csv; `-` reads stdin)\n"
       "into the casualty register in one transaction. Records are keyed by the file's id: new\n"
       "ones are added, changed ones updated, the same ones left alone, so importing a newer\n"
       "file is safe. A row with a value outside the UN vocabulary, an unknown mission or a bad\n"
       "date is rejected and listed with its line; the rest are imported. A file that is not\n"
       "this format (header, encoding, quoting) changes nothing. Prints each rejected row, then\n"
       "the counts. Exit 0 when imported (even with rejected rows), 1 when nothing was.\n"
       "See docs/formats.md for the quirks of the file and what the import does with each."),
    NULL,
    1,
};

static const struct cli_command deployments_command = {
    "import deployments",
    run_deployments,
    N_("import deployment figures (IPI monthly, OWID yearly)"),
    "FILE",
    N_("Imports personnel deployed, recognizing the file by its header: IPI's monthly totals per\n"
       "mission (\"Date\",\"Mission\",...,\"Troops\",\"Police\",\"Observers\",\"Total\") into\n"
       "deployment_monthly, or Our World in Data's yearly world totals (Entity,Year,...) into\n"
       "deployment_yearly. Same rules as `import un-fatalities`: one transaction, re-importing\n"
       "changes nothing, bad rows listed by line, a file of another format changes nothing."),
    NULL,
    1,
};

typedef int (*import_fn)(struct db *, const struct principal *, const struct import_input *,
                         import_progress_fn, void *, struct import_report *, struct bh_error *);

static int run_import(const struct cli_command *cmd, const char *what, import_fn fn, int argc,
                      char **argv)
{
    struct cli_args a;
    int rc = cli_begin(cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npositional != 1)
        return cli_usage_error(cmd, _("the FILE to import is required"));
    const char *path = a.positional[0];
    struct import_input in;
    if ((rc = cli_import_open(what, path, &in)))
        return rc;
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db))) {
        cli_import_close(&in);
        return rc;
    }
    struct principal who;
    principal_cli(&who);
    struct cli_progress bar;
    cli_progress_init(&bar, in.name, N_("rows"));
    struct import_report rep;
    import_report_init(&rep);
    struct bh_error err;
    /* The command's connection is its own: a large page cache for the load (the server's
     * upload of the same file keeps its connection's ordinary one). */
    rc = db_prepare_for_bulk_load(db, &err);
    if (!rc)
        rc = fn(db, &who, &in, cli_progress_fn(&bar), &bar, &rep, &err);
    cli_progress_end(&bar, !rc, in.size, rep.rows);
    db_close(db);
    cli_import_close(&in);
    if (rc) {
        cli_error("%s: %s", what, err.message);
        import_report_cleanup(&rep);
        return CLI_FAILED;
    }
    cli_print_rejections(stdout, &rep);
    printf(_("%s (%s) into %s: %lld added, %lld updated, %lld unchanged, %lld rejected\n"), in.name,
           rep.format, rep.table, (long long)rep.added, (long long)rep.updated,
           (long long)rep.unchanged, (long long)rep.rejected);
    import_report_cleanup(&rep);
    return CLI_OK;
}

static int run_un(int argc, char **argv)
{
    return run_import(&un_command, "import un-fatalities", casualty_import_un_fatalities, argc,
                      argv);
}

static int run_deployments(int argc, char **argv)
{
    return run_import(&deployments_command, "import deployments", casualty_import_deployments, argc,
                      argv);
}

static const struct cli_command *const subcommands[] = {
    &un_command,
    &deployments_command,
    &cli_import_ucdp_command,
    &cli_import_acled_command,
    &cli_import_incidents_command,
    &cli_import_basemap_command,
    &cli_import_cap_command,
    &cli_import_library_command,
    NULL,
};

static const struct cli_group group = {
    .command = &cli_import_command,
    .subcommands = subcommands,
    .flags = CLI_GROUP_SUBCOMMAND_FIRST | CLI_GROUP_DESCRIBED,
};

static int run_group(int argc, char **argv)
{
    return cli_dispatch(&group, argc, argv);
}

const struct cli_command cli_import_command = {
    "import",
    run_group,
    N_("import data (UN fatalities, deployments, UCDP, ACLED, incidents, library)"),
    "un-fatalities|deployments|ucdp|acled|incidents FILE | library DIR",
    N_("Imports data into the store: `bluehelm import un-fatalities FILE` the UN\n"
       "peacekeeping fatalities file, `bluehelm import deployments FILE` personnel deployed\n"
       "(IPI monthly per mission, OWID yearly world totals), the denominators of rates;\n"
       "`import ucdp FILE` (GED, CSV or GeoJSON) and `import acled FILE` conflict events as\n"
       "the map's context layer; `import incidents FILE` incident reports (CSV or GeoJSON);\n"
       "`import library DIR --org CODE` a folder of Markdown lessons into the library."),
    NULL,
    64,
};
