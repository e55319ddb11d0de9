/* `bluehelm stats casualties`: the casualty figures from the server's command line, as a
 * table, CSV with HXL hashtags, or the API's JSON. The operator counts every record (the
 * command line acts as admin); --published counts what an anonymous visitor is shown. */
#include "cli/cli.h"

#include "base/i18n.h"
#include "casualty/stats.h"
#include "db/db.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run_casualties(int argc, char **argv);

static const struct cli_option casualties_options[] = {
    { "by", "LIST",
      N_("group by, comma-separated: year, month, mission, nationality, personnel_type, "
         "incident_type, gender, casualty_type") },
    { "from", "DATE", N_("incidents on or after DATE (YYYY-MM-DD)") },
    { "to", "DATE", N_("incidents on or before DATE") },
    { "ytd", "DATE", N_("year to date: from 1 January of DATE's year to DATE") },
    { "top", "N", N_("only the N largest groups") },
    { "rate", NULL, N_("rates per 1,000 deployed (--by year, or --by mission,year)") },
    { "distinct", NULL, N_("count distinct nationalities and missions") },
    { "format", "F", N_("table (default), csv (with an HXL hashtag row) or json") },
    { "mission", "LIST", N_("only these missions (acronyms, comma-separated)") },
    { "nationality", "LIST", N_("only these nationalities (ISO3 codes, or unknown)") },
    { "casualty-type", "LIST", N_("only these: Fatality, Injury, Missing, Abducted") },
    { "personnel-type", "LIST", N_("only these personnel types") },
    { "incident-type", "LIST", N_("only these incident types") },
    { "gender", "LIST", N_("only these: M, F, U") },
    { "published", NULL, N_("count only what is published (released, TLP:CLEAR)") },
    { "persons", NULL, N_("count distinct persons (casualty_id), not rows as the UN does") },
    { NULL, NULL, NULL },
};
enum {
    O_BY,
    O_FROM,
    O_TO,
    O_YTD,
    O_TOP,
    O_RATE,
    O_DISTINCT,
    O_FORMAT,
    O_MISSION,
    O_NATIONALITY,
    O_CASUALTY_TYPE,
    O_PERSONNEL_TYPE,
    O_INCIDENT_TYPE,
    O_GENDER,
    O_PUBLISHED,
    O_PERSONS,
};

static const struct cli_command casualties_command = {
    "stats casualties",
    run_casualties,
    N_("casualty counts, grouped"),
    "",
    N_("Counts casualty records grouped by the dimensions of --by (none: the total), within\n"
       "the filters. Prints an aligned table with the total below it, CSV whose second line\n"
       "holds the HXL hashtags, or the JSON of GET /api/v1/stats/casualties. The store is\n"
       "opened read-only. The operator counts every record, embargoed ones too; --published\n"
       "counts only the released TLP:CLEAR records an anonymous visitor sees."),
    casualties_options,
    0,
};

static int run_casualties(int argc, char **argv)
{
    const char *cmd = casualties_command.name;
    struct cli_args a;
    int rc = cli_begin(&casualties_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    struct casualty_stats_query q;
    struct bh_error err;
    casualty_stats_init(&q);
    const char *format = a.values[O_FORMAT] ? a.values[O_FORMAT] : "table";
    if (strcmp(format, "table") != 0 && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
        fprintf(stderr, _("bluehelm %s: --format '%s' is not one of table, csv, json\n"), cmd,
                format);
        return CLI_USAGE;
    }
    if (a.values[O_TOP]) {
        char *end;
        errno = 0;
        long long n = strtoll(a.values[O_TOP], &end, 10);
        if (errno || end == a.values[O_TOP] || *end || n < 1) {
            fprintf(stderr, _("bluehelm %s: --top '%s' must be a whole number from 1\n"), cmd,
                    a.values[O_TOP]);
            return CLI_USAGE;
        }
        q.top = n;
    }
    q.rate = a.values[O_RATE] != NULL;
    q.distinct = a.values[O_DISTINCT] != NULL;
    q.persons = a.values[O_PERSONS] != NULL;
    struct cli_option_values ov = { casualties_options, &a };
    if ((rc = casualty_stats_parse_by(&q, a.values[O_BY], &err)) ||
        (rc = casualty_filter_read(&q.filter, cli_option_value, &ov, &err)))
        return cli_option_fail(cmd, rc, &err);

    struct db *db;
    if ((rc = cli_open_store(&a, DB_OPEN_READONLY, &db)))
        return rc;
    struct principal who;
    if (a.values[O_PUBLISHED])
        principal_anonymous(&who);
    else
        principal_cli(&who);
    json_t *res = NULL;
    rc = casualty_stats(db, &who, &q, &res, &err);
    db_close(db);
    if (rc)
        return cli_option_fail(cmd, rc, &err);
    struct buf out = BUF_INIT;
    if (strcmp(format, "csv") == 0) {
        casualty_stats_csv(res, &out);
    } else if (strcmp(format, "json") == 0) {
        char *s = json_dumps(res, JSON_COMPACT | JSON_REAL_PRECISION(15));
        buf_puts(&out, s ? s : "");
        buf_putc(&out, '\n');
        free(s);
    } else {
        casualty_stats_table(res, &out);
    }
    json_decref(res);
    fwrite(out.data, 1, out.len, stdout);
    buf_cleanup(&out);
    if (fflush(stdout) != 0) {
        cli_error(_("stats casualties: cannot write the output: %s"), strerror(errno));
        return CLI_FAILED;
    }
    return CLI_OK;
}

static const struct cli_command *const subcommands[] = {
    &casualties_command,
    NULL,
};

static const struct cli_group group = {
    .command = &cli_stats_command,
    .subcommands = subcommands,
    .missing = N_("which statistics: casualties?"),
    .unknown = N_("no statistics '%s' (casualties)"),
    .flags = CLI_GROUP_OWN_OPTIONS,
};

static int run_stats(int argc, char **argv)
{
    return cli_dispatch(&group, argc, argv);
}

const struct cli_command cli_stats_command = {
    "stats",
    run_stats,
    N_("statistics: casualty counts and rates"),
    "casualties",
    N_("casualties: casualty records counted by year, month, mission, nationality, personnel\n"
       "            type, incident type, gender or casualty type; year to date, top N,\n"
       "            distinct nationalities and missions, rates per 1,000 deployed; as a\n"
       "            table, CSV with HXL hashtags, or JSON. Run `bluehelm stats casualties\n"
       "            --help` for the options."),
    NULL,
    1,
};
