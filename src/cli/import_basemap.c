/* bluehelm import basemap FILE.osm.pbf: OpenStreetMap roads, tracks and named places of a
 * mission area into the store, for a field site's map without internet (basemap/osm.h). */
#include "cli/cli.h"

#include "base/i18n.h"
#include "basemap/osm.h"
#include "cli/import_common.h"
#include "principal/principal.h"

#include <stdio.h>
#include <string.h>

static int run_basemap(int argc, char **argv);

const struct cli_command cli_import_basemap_command = {
    "import basemap",
    run_basemap,
    N_("import OpenStreetMap roads and places (.osm.pbf) for the offline map"),
    "FILE.osm.pbf",
    N_("Imports the roads, tracks and paths (ways tagged highway=*) and the named cities, towns,\n"
       "villages, hamlets and suburbs of an OpenStreetMap extract in PBF format (a regional\n"
       "extract of the mission area) into the store, in one transaction. The map draws them\n"
       "from zoom 10 up inside the extract's area, with no internet. The extract is named by the\n"
       "file's base name: importing a file of the same name again replaces it (no duplicates).\n"
       "A file that is not PBF, is truncated or corrupt changes nothing. The file is read three\n"
       "times (so not from stdin). Prints the counts at the end. See docs/basemap-osm.md."),
    NULL,
    1,
};

static void progress(void *ctx, int pass, uint64_t done, uint64_t total)
{
    /* Three reads of the file make one bar. */
    cli_progress_update(ctx, (uint64_t)(pass - 1) * total + done, 3 * total, 0);
}

static int run_basemap(int argc, char **argv)
{
    const struct cli_command *cmd = &cli_import_basemap_command;
    struct cli_args a;
    int rc = cli_begin(cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npositional != 1)
        return cli_usage_error(cmd, _("the FILE to import is required"));
    const char *path = a.positional[0];
    if (strcmp(path, "-") == 0)
        return cli_usage_error(cmd,
                               _("FILE cannot be stdin: the import reads the file three times"));
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    struct cli_progress bar;
    cli_progress_init(&bar, path, N_("records"));
    struct basemap_import_report rep = { 0 };
    struct principal who;
    principal_cli(&who);
    struct bh_error err;
    rc = db_prepare_for_bulk_load(db, &err);
    if (!rc)
        rc = basemap_import_osm(db, &who, path, cli_progress_fn(&bar) ? progress : NULL, &bar, &rep,
                                &err);
    cli_progress_end(&bar, !rc, 0, rep.roads + rep.places);
    db_close(db);
    if (rc) {
        cli_error("%s: %s", cmd->name, err.message);
        return CLI_FAILED;
    }
    printf(rep.replaced ? _("%s: replaced the extent of that name: %lld roads and paths, %lld "
                            "named places (%lld highway ways of other classes skipped, %lld "
                            "with fewer than two located nodes)\n")
                        : _("%s: %lld roads and paths, %lld named places (%lld highway ways of "
                            "other classes skipped, %lld with fewer than two located nodes)\n"),
           rep.name, (long long)rep.roads, (long long)rep.places, (long long)rep.skipped,
           (long long)rep.incomplete);
    printf(_("%s: area %.5f,%.5f,%.5f,%.5f (west,south,east,north), sha256 %s\n"), rep.name,
           rep.west, rep.south, rep.east, rep.north, rep.sha256);
    return CLI_OK;
}
