/* bluehelm import library DIR --org CODE: an organization's archive of lessons (Markdown files
 * with front matter) into the knowledge library, all or nothing, as the command-line operator
 * on behalf of organization CODE. The rules are library_import_dir()'s (src/library/library.h,
 * docs/library.md). */
#include "cli/cli.h"

#include "base/i18n.h"
#include "db/db.h"
#include "library/library.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

enum { O_ORG, O_TLP, O_GROUP, O_STATUS };

static const struct cli_option options[] = {
    { "org", "CODE", N_("the organization that owns the documents (required)") },
    { "tlp", "TLP", N_("marking of files that give none (default AMBER+STRICT)") },
    { "sharing-group", "ID", N_("sharing group of TLP:AMBER files that give none") },
    { "status", "S", N_("draft (default) or published, for files that give none") },
    { NULL, NULL, NULL },
};

const struct cli_command cli_import_library_command = {
    "import library",
    run,
    N_("import a folder of Markdown lessons into the knowledge library"),
    "DIR --org CODE",
    N_("Imports every *.md file of DIR (not its subfolders), in name order, as documents of\n"
       "the organization CODE. Each file starts with front matter between two \"---\" lines\n"
       "(kind, title, summary, tags, links, ...: docs/library.md lists the keys), then the\n"
       "Markdown body. A file is keyed by its \"key\" (else its name without .md): importing\n"
       "the folder again updates the documents whose file changed (a new version) and leaves\n"
       "the others alone. One transaction: when any file has an error, every error is listed\n"
       "(FILE: line N: key: message) and nothing is written. A file whose status is published\n"
       "is published at once: the folder is the organization's own archive, so the review by\n"
       "another organization does not apply."),
    options,
    1,
};

static void print_errors(const json_t *errors)
{
    size_t i;
    json_t *e;
    json_array_foreach(errors, i, e)
    {
        const char *file = json_string_value(json_object_get(e, "file"));
        const char *field = json_string_value(json_object_get(e, "field"));
        const char *message = json_string_value(json_object_get(e, "message"));
        if (field && *field)
            fprintf(stderr, "%s: %s: %s\n", file, field, message);
        else
            fprintf(stderr, "%s: %s\n", file, message);
    }
}

static int run(int argc, char **argv)
{
    const struct cli_command *cmd = &cli_import_library_command;
    struct cli_args a;
    int rc = cli_begin(cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npositional != 1)
        return cli_usage_error(cmd, _("the folder DIR to import is required"));
    if (!a.values[O_ORG])
        return cli_usage_error(cmd, _("--org CODE is required: the organization that owns the "
                                      "documents"));
    struct library_import_options opt = { .org = a.values[O_ORG],
                                          .tlp = a.values[O_TLP],
                                          .status = a.values[O_STATUS] };
    if (a.values[O_GROUP]) {
        char *end;
        errno = 0;
        long long g = strtoll(a.values[O_GROUP], &end, 10);
        if (errno || *end || g <= 0)
            return cli_usage_error(cmd, _("--sharing-group '%s' is not a group id"),
                                   a.values[O_GROUP]);
        opt.group = g;
    }
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    struct principal who;
    principal_cli(&who);
    struct library_import_report rep = { 0 };
    struct bh_error err;
    rc = library_import_dir(db, &who, a.positional[0], &opt, &rep, &err);
    db_close(db);
    if (rep.errors && json_array_size(rep.errors) > 0) {
        print_errors(rep.errors);
        cli_error("%s: %s", cmd->name, err.message);
        library_import_report_cleanup(&rep);
        return CLI_FAILED;
    }
    library_import_report_cleanup(&rep);
    if (rc) {
        /* An option the module refused (--org, --tlp, --status) is a usage error. */
        bool option = strcmp(err.field, "org") == 0 || strcmp(err.field, "tlp") == 0 ||
                      strcmp(err.field, "status") == 0;
        cli_error("%s: %s", cmd->name, err.message);
        return option ? CLI_USAGE : CLI_FAILED;
    }
    printf(_("library: %lld created, %lld updated, %lld unchanged\n"), (long long)rep.created,
           (long long)rep.updated, (long long)rep.unchanged);
    return CLI_OK;
}
