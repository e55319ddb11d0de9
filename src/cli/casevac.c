/* `bluehelm casevac summary`: 10-1-2 compliance per mission and month from the server's command
 * line, as a table or the API's JSON (GET /api/v1/stats/casevac). The operator counts every
 * timeline (the command line acts as admin). */
#include "cli/cli.h"

#include "base/i18n.h"
#include "casevac/casevac.h"
#include "db/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Declared here until src/cli/cli.h lists it with the other commands. */
extern const struct cli_command cli_casevac_command;

static int run_summary(int argc, char **argv);

static const struct cli_option summary_options[] = {
    { "mission", "LIST", N_("only these missions (acronyms, comma-separated)") },
    { "from", "MONTH", N_("injuries in or after MONTH (YYYY-MM, UTC)") },
    { "to", "MONTH", N_("injuries in or before MONTH") },
    { "format", "F", N_("table (default) or json") },
    { NULL, NULL, NULL },
};
enum { O_MISSION, O_FROM, O_TO, O_FORMAT };

static const struct cli_command summary_command = {
    "casevac summary",
    run_summary,
    N_("10-1-2 compliance per mission and month"),
    "",
    N_("For each mission and month of injury (UTC): the casualties with a CASEVAC timeline, and\n"
       "how many met, missed or cannot tell each 10-1-2 step (first aid within 10 minutes,\n"
       "advanced care within 1 hour, surgery within 2 hours) and all three; the share met of\n"
       "those known, and the median minutes. Prints an aligned table or the JSON of\n"
       "GET /api/v1/stats/casevac. The store is opened read-only. docs/casevac.md."),
    summary_options,
    0,
};

/* "met/missed/unknown rate%" for one tally, into `out`. */
static void tally_text(const json_t *t, char *out, size_t cap)
{
    const json_t *rate = json_object_get(t, "rate");
    char r[16] = "-";
    if (json_is_number(rate))
        snprintf(r, sizeof r, "%.0f%%", json_number_value(rate) * 100.0);
    snprintf(out, cap, "%lld/%lld/%lld %s",
             (long long)json_integer_value(json_object_get(t, "met")),
             (long long)json_integer_value(json_object_get(t, "missed")),
             (long long)json_integer_value(json_object_get(t, "unknown")), r);
}

static void median_text(const json_t *v, char *out, size_t cap)
{
    if (json_is_number(v))
        snprintf(out, cap, "%g", json_number_value(v));
    else
        snprintf(out, cap, "-");
}

static void print_table(const json_t *res)
{
    static const char *const tallies[] = { "first_aid", "advanced_care", "surgery", "all_met" };
    static const char *const medians[] = { "median_first_aid_minutes",
                                           "median_advanced_care_minutes",
                                           "median_surgery_minutes" };
    const json_t *items = json_object_get(res, "items");
    if (json_array_size(items) == 0) {
        fputs(_("no CASEVAC timelines with an injury time match\n"), stdout);
        return;
    }
    printf("%-10s %-7s %10s  %-16s %-16s %-16s %-16s %s\n", _("mission"), _("month"),
           _("casualties"), _("first aid"), _("advanced care"), _("surgery"), _("all met"),
           _("median minutes"));
    size_t i;
    const json_t *it;
    json_array_foreach(items, i, it)
    {
        printf("%-10s %-7s %10lld ", json_string_value(json_object_get(it, "mission")),
               json_string_value(json_object_get(it, "month")),
               (long long)json_integer_value(json_object_get(it, "casualties")));
        for (int k = 0; k < 4; k++) {
            char t[64];
            tally_text(json_object_get(it, tallies[k]), t, sizeof t);
            printf(" %-16s", t);
        }
        printf(" ");
        for (int m = 0; m < 3; m++) {
            char t[32];
            median_text(json_object_get(it, medians[m]), t, sizeof t);
            printf("%s%s", m ? " / " : "", t);
        }
        printf("\n");
    }
    fputs(_("\nmet/missed/unknown and the share met of those known; median minutes to first aid /\n"
            "advanced care / surgery. Targets: 10, 60, 120 minutes after the injury.\n"),
          stdout);
}

static int run_summary(int argc, char **argv)
{
    const char *cmd = summary_command.name;
    struct cli_args a;
    int rc = cli_begin(&summary_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    const char *format = a.values[O_FORMAT] ? a.values[O_FORMAT] : "table";
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
        fprintf(stderr, _("bluehelm %s: --format '%s' is not one of table, json\n"), cmd, format);
        return CLI_USAGE;
    }
    struct casevac_summary_query q;
    struct bh_error err;
    casevac_summary_init(&q);
    static const char *const names[] = { "mission", "from", "to" };
    for (int i = 0; i < 3; i++)
        if (a.values[i] && (rc = casevac_summary_set(&q, names[i], a.values[i], &err))) {
            fprintf(stderr, "bluehelm %s: --%s: %s\n", cmd, names[i], err.message);
            return CLI_USAGE;
        }

    struct db *db;
    if ((rc = cli_open_store(&a, DB_OPEN_READONLY, &db)))
        return rc;
    struct principal who;
    principal_cli(&who);
    json_t *res = NULL;
    rc = casevac_summary(db, &who, &q, &res, &err);
    db_close(db);
    if (rc) {
        if (rc == BH_EINVALID && err.field[0]) {
            fprintf(stderr, "bluehelm %s: --%s: %s\n", cmd, err.field, err.message);
            return CLI_USAGE;
        }
        return cli_fail(cmd, rc, &err);
    }
    if (strcmp(format, "json") == 0) {
        char *s = json_dumps(res, JSON_COMPACT | JSON_REAL_PRECISION(15));
        printf("%s\n", s ? s : "");
        free(s);
    } else {
        print_table(res);
    }
    json_decref(res);
    if (fflush(stdout) != 0) {
        cli_error(_("%s: cannot write the output: %s"), cmd, strerror(errno));
        return CLI_FAILED;
    }
    return CLI_OK;
}

static const struct cli_command *const subcommands[] = {
    &summary_command,
    NULL,
};

static const struct cli_group group = {
    .command = &cli_casevac_command,
    .subcommands = subcommands,
    .missing = N_("which CASEVAC command: summary?"),
    .unknown = N_("no casevac command '%s' (summary)"),
    .flags = CLI_GROUP_OWN_OPTIONS,
};

static int run_casevac(int argc, char **argv)
{
    return cli_dispatch(&group, argc, argv);
}

const struct cli_command cli_casevac_command = {
    "casevac",
    run_casevac,
    N_("CASEVAC timelines: 10-1-2 compliance"),
    "summary",
    N_("summary: 10-1-2 compliance per mission and month of injury (first aid within 10\n"
       "         minutes, advanced care within 1 hour, surgery within 2 hours), as a table\n"
       "         or JSON. Run `bluehelm casevac summary --help` for the options."),
    NULL,
    1,
};
