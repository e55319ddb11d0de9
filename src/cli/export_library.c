/* `bluehelm export library`: the knowledge library as one JSON array of documents (the API's
 * document shape), as the command-line operator, who reads every document. */
#include "cli/cli.h"

#include "base/i18n.h"
#include "db/db.h"
#include "library/library.h"

#include <stdio.h>
#include <string.h>

static int run(int argc, char **argv);

enum { O_STATUS, O_OUTPUT };

static const struct cli_option options[] = {
    { "status", "S", N_("published (default), in_review, draft or any") },
    { "output", "FILE", N_("write to FILE instead of standard output") },
    { NULL, NULL, NULL },
};

const struct cli_command cli_export_library_command = {
    "export library",
    run,
    N_("export the knowledge library as JSON"),
    "",
    N_("Writes the library's documents with that status as one JSON array, each document as\n"
       "GET /api/v1/library/{id} gives it (without \"can\" and \"body_html\"): fields, body,\n"
       "tags, links, marking, attachments and endorsements. The operator exports every\n"
       "document, whatever its marking and organization; reading RED or AMBER+STRICT\n"
       "documents is written to the audit log. See docs/library.md."),
    options,
    0,
};

static int to_file(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : BH_EIO;
}

static int run(int argc, char **argv)
{
    const char *cmd = cli_export_library_command.name;
    struct cli_args a;
    int rc = cli_begin(&cli_export_library_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
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
    principal_cli(&who);
    struct bh_error err;
    rc = library_export_json(db, &who, a.values[O_STATUS], to_file, out.fp, &err);
    db_close(db);
    rc = cli_output_close(&out, rc, &err);
    if (rc)
        return cli_option_fail(cmd, rc, &err);
    if (path)
        printf(_("exported the library to %s\n"), path);
    return CLI_OK;
}
