/* `bluehelm casualty conflicts` and `bluehelm casualty mark-duplicate`: the possible double
 * entries of the casualty register (records that share a casualty_id), and an admin's
 * decision that one repeats another. The command line acts as admin. docs/casualties.md. */
#include "cli/cli.h"

#include "base/i18n.h"
#include "casualty/casualty.h"
#include "db/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run_conflicts(int argc, char **argv);
static int run_mark(int argc, char **argv);

static const struct cli_option conflicts_options[] = {
    { "format", "F", N_("table (default) or json (the API's reply)") },
    { NULL, NULL, NULL },
};
enum { O_C_FORMAT };

static const struct cli_command conflicts_command = {
    "casualty conflicts",
    run_conflicts,
    N_("possible double entries: records that share a casualty_id"),
    "",
    N_("Lists the records that share a casualty_id with another record: the UN's file lists a\n"
       "few persons twice (once as Montenegro, once as Serbia and Montenegro). Every row is kept\n"
       "and counted, as the UN counts; `bluehelm casualty mark-duplicate` marks one as the\n"
       "duplicate of the other, and `bluehelm stats casualties --persons` leaves it out. Prints\n"
       "a table, one line per record, or the JSON of GET /api/v1/casualties/conflicts. The "
       "command\n"
       "line acts as admin: listing embargoed or restricted records is audited (casualty.read)."),
    conflicts_options,
    0,
};

static const struct cli_option mark_options[] = {
    { "of", "ID", N_("the id of the record this one repeats (same casualty_id)") },
    { "clear", NULL, N_("remove the mark instead") },
    { NULL, NULL, NULL },
};
enum { O_M_OF, O_M_CLEAR };

static const struct cli_command mark_command = {
    "casualty mark-duplicate",
    run_mark,
    N_("mark a record as the duplicate of another"),
    "ID",
    N_("Marks record ID (its id, a UUID: the two share their casualty_id) as the duplicate of the\n"
       "record --of names: counts of distinct persons leave it out, and its JSON says\n"
       "duplicate_of. Marking it again the same way changes nothing; a change is audited\n"
       "(casualty.mark_duplicate). --clear removes the mark."),
    mark_options,
    1,
};

static int print_json(const char *cmd, const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    printf("%s\n", s ? s : "");
    free(s);
    if (fflush(stdout) != 0) {
        cli_error(_("%s: cannot write the output: %s"), cmd, strerror(errno));
        return CLI_FAILED;
    }
    return CLI_OK;
}

static const char *text(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "-";
}

static void print_table(const json_t *items)
{
    if (json_array_size(items) == 0) {
        fputs(_("no possible double entries: every casualty_id names one record\n"), stdout);
        return;
    }
    printf("%-24s %-36s %-6s %-10s %-10s %-5s %-22s %s\n", "casualty_id", "id", "row", "date",
           "mission", "iso3", "nationality", "duplicate_of");
    size_t i, k;
    const json_t *g, *r;
    int64_t records = 0;
    json_array_foreach(items, i, g)
    {
        json_array_foreach(json_object_get(g, "records"), k, r)
        {
            const json_t *row = json_object_get(r, "source_row");
            char rowtext[24] = "-";
            if (json_is_integer(row))
                snprintf(rowtext, sizeof rowtext, "%lld", (long long)json_integer_value(row));
            printf("%-24s %-36s %-6s %-10s %-10s %-5s %-22s %s\n", text(g, "casualty_id"),
                   text(r, "id"), rowtext, text(r, "incident_date"), text(r, "mission"),
                   text(r, "nationality"), text(r, "nationality_name"), text(r, "duplicate_of"));
            records++;
        }
    }
    printf(_("\n%zu casualty_id(s) with more than one record, %lld records\n"),
           json_array_size(items), (long long)records);
}

static int run_conflicts(int argc, char **argv)
{
    const char *cmd = conflicts_command.name;
    struct cli_args a;
    int rc = cli_begin(&conflicts_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    const char *format = a.values[O_C_FORMAT] ? a.values[O_C_FORMAT] : "table";
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error(&conflicts_command, _("--format '%s' is not one of table, json"),
                               format);
    /* Not read-only: an admin's view of embargoed or restricted records is audited. */
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    struct principal who;
    principal_cli(&who);
    struct bh_error err;
    json_t *items = json_array();
    rc = casualty_conflicts(db, &who, items, &err);
    db_close(db);
    if (rc) {
        json_decref(items);
        return cli_fail(cmd, rc, &err);
    }
    if (strcmp(format, "json") == 0) {
        json_t *res =
            json_pack("{s:O, s:I}", "items", items, "total", (json_int_t)json_array_size(items));
        rc = print_json(cmd, res);
        json_decref(res);
        json_decref(items);
        return rc;
    }
    print_table(items);
    json_decref(items);
    if (fflush(stdout) != 0) {
        cli_error(_("%s: cannot write the output: %s"), cmd, strerror(errno));
        return CLI_FAILED;
    }
    return CLI_OK;
}

static int run_mark(int argc, char **argv)
{
    const char *cmd = mark_command.name;
    struct cli_args a;
    int rc = cli_begin(&mark_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npositional != 1)
        return cli_usage_error(&mark_command, _("which record? give its id"));
    const char *of = a.values[O_M_OF];
    bool clear = a.values[O_M_CLEAR] != NULL;
    if (!of == !clear)
        return cli_usage_error(&mark_command, _("give either --of ID or --clear"));
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    struct principal who;
    principal_cli(&who);
    struct bh_error err;
    json_t *rec = NULL;
    rc = casualty_mark_duplicate(db, &who, a.positional[0], clear ? NULL : of, &rec, &err);
    db_close(db);
    if (rc) {
        if (rc == BH_EINVALID && strcmp(err.field, "of") == 0) {
            fprintf(stderr, "bluehelm %s: --of: %s\n", cmd, err.message);
            return CLI_USAGE;
        }
        return cli_fail(cmd, rc, &err);
    }
    const char *dup = json_string_value(json_object_get(rec, "duplicate_of"));
    if (dup)
        printf(_("%s (%s) is marked as the duplicate of %s\n"), text(rec, "id"),
               text(rec, "casualty_id"), dup);
    else
        printf(_("%s (%s) is not marked as a duplicate\n"), text(rec, "id"),
               text(rec, "casualty_id"));
    json_decref(rec);
    if (fflush(stdout) != 0) {
        cli_error(_("%s: cannot write the output: %s"), cmd, strerror(errno));
        return CLI_FAILED;
    }
    return CLI_OK;
}

static const struct cli_command *const subcommands[] = {
    &conflicts_command,
    &mark_command,
    NULL,
};

static const struct cli_group group = {
    .command = &cli_casualty_command,
    .subcommands = subcommands,
    .missing = N_("which casualty command: conflicts, mark-duplicate?"),
    .unknown = N_("no casualty command '%s' (conflicts, mark-duplicate)"),
    .flags = CLI_GROUP_OWN_OPTIONS,
};

static int run_casualty(int argc, char **argv)
{
    return cli_dispatch(&group, argc, argv);
}

const struct cli_command cli_casualty_command = {
    "casualty",
    run_casualty,
    N_("casualty records: possible double entries"),
    "conflicts | mark-duplicate",
    N_("conflicts:      the records that share a casualty_id (possible double entries).\n"
       "mark-duplicate: mark one of them as the duplicate of another (admin's decision).\n"
       "Run `bluehelm casualty COMMAND --help` for the options."),
    NULL,
    1,
};
