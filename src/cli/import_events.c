/* bluehelm import ucdp|acled FILE: conflict events recorded by others into the context layer,
 * as the command-line operator (audited as cli:$USER). */
#include "cli/cli.h"

#include "base/i18n.h"
#include "cli/import_common.h"
#include "event/import.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <string.h>

static int run_ucdp(int argc, char **argv);
static int run_acled(int argc, char **argv);

static const struct cli_option options[] = {
    { "tlp", "LEVEL", N_("marking of the events: GREEN (default), CLEAR, AMBER, AMBER+STRICT") },
    { "group", "NAME", N_("sharing group (name or id) of TLP:AMBER events") },
    { "org", "CODE", N_("organization that owns the events (default DPO)") },
    { "strict", NULL, N_("import nothing when any row is rejected") },
    { NULL, NULL, NULL },
};
enum { O_TLP, O_GROUP, O_ORG, O_STRICT };

const struct cli_command cli_import_ucdp_command = {
    "import ucdp",
    run_ucdp,
    N_("import UCDP GED events (GeoJSON or CSV) as context events"),
    "FILE",
    N_("Imports events of UCDP's Georeferenced Event Dataset (`-` reads stdin), GeoJSON (one\n"
       "Point feature per event, the GED columns as properties) or the GED CSV, into the map's\n"
       "context layer, in one transaction. Events are keyed by GED id: new ones are added,\n"
       "changed ones updated, the same ones left alone, so importing a newer file is safe. A\n"
       "feature or row with a bad value is rejected and listed with its feature index or line,\n"
       "its id and the field; the rest are imported (with --strict, nothing is). A file that is\n"
       "not GED changes nothing. UCDP data is CC BY 4.0: the events are TLP:GREEN unless --tlp\n"
       "says otherwise. Exit 0 when imported (even with rejected rows), 1 when nothing was.\n"
       "See docs/events.md for the mapping."),
    options,
    1,
};

const struct cli_command cli_import_acled_command = {
    "import acled",
    run_acled,
    N_("import ACLED events (CSV, dyadic or monadic) as context events"),
    "FILE",
    N_("Imports an ACLED CSV export (`-` reads stdin) into the map's context layer, in one\n"
       "transaction: the dyadic layout (one row per event) or the monadic one (one row per\n"
       "actor: the rows of one event_id_cnty become one event with both actors). Same rules as\n"
       "`import ucdp`; a type pair ACLED's codebook does not have is stored under a catch-all\n"
       "type and listed as a warning. ACLED's terms forbid public redistribution, so --tlp\n"
       "CLEAR is refused; the default is GREEN. See docs/events.md for the mapping."),
    options,
    1,
};

typedef int (*import_fn)(struct db *, const struct principal *, const struct import_input *,
                         const struct event_import_options *, struct import_report *,
                         struct bh_error *);

static int run_import(const struct cli_command *cmd, import_fn fn, int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npositional != 1)
        return cli_usage_error(cmd, _("the FILE to import is required"));
    struct event_import_options opt;
    event_import_options_init(&opt);
    if (a.values[O_TLP]) {
        int t = tlp_parse(a.values[O_TLP]);
        if (t < 0)
            return cli_usage_error(cmd,
                                   _("--tlp '%s' is not a TLP marking (CLEAR, GREEN, AMBER, "
                                     "AMBER+STRICT)"),
                                   a.values[O_TLP]);
        opt.tlp = (enum tlp)t;
    }
    opt.sharing_group = a.values[O_GROUP];
    opt.owner_org = a.values[O_ORG];
    opt.strict = a.values[O_STRICT] != NULL;

    const char *path = a.positional[0];
    struct import_input in;
    if ((rc = cli_import_open(cmd->name, path, &in)))
        return rc;
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db))) {
        cli_import_close(&in);
        return rc;
    }
    struct principal who;
    principal_cli(&who);
    struct import_report rep;
    import_report_init(&rep);
    struct bh_error err;
    rc = fn(db, &who, &in, &opt, &rep, &err);
    db_close(db);
    cli_import_close(&in);
    /* Rejected rows are listed even when --strict made them fail the import: they are what
     * the operator has to fix. */
    cli_print_rejections(stdout, &rep);
    if (rc) {
        import_report_cleanup(&rep);
        /* A marking or group the options asked for is a mistake on the command line. */
        bool option = strcmp(err.field, "tlp") == 0 || strcmp(err.field, "sharing_group") == 0;
        cli_error("%s: %s", cmd->name, err.message);
        return option ? cli_status(rc) : CLI_FAILED;
    }
    cli_print_warnings(stdout, &rep);
    if (rep.events == rep.rows - rep.rejected)
        printf(_("%s (%s %s) into context_event: %lld added, %lld updated, %lld unchanged, %lld "
                 "rejected\n"),
               in.name, rep.source, rep.format, (long long)rep.added, (long long)rep.updated,
               (long long)rep.unchanged, (long long)rep.rejected);
    else
        printf(rep.events == 1
                   ? _("%s (%s %s) into context_event: %lld added, %lld updated, %lld unchanged, "
                       "%lld rejected (%lld rows, %lld event)\n")
                   : _("%s (%s %s) into context_event: %lld added, %lld updated, %lld unchanged, "
                       "%lld rejected (%lld rows, %lld events)\n"),
               in.name, rep.source, rep.format, (long long)rep.added, (long long)rep.updated,
               (long long)rep.unchanged, (long long)rep.rejected, (long long)rep.rows,
               (long long)rep.events);
    import_report_cleanup(&rep);
    return CLI_OK;
}

static int run_ucdp(int argc, char **argv)
{
    return run_import(&cli_import_ucdp_command, event_import_ucdp, argc, argv);
}

static int run_acled(int argc, char **argv)
{
    return run_import(&cli_import_acled_command, event_import_acled, argc, argv);
}
