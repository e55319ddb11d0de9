/* `bluehelm export gaps`: the capacity gap report (src/capacity/gaps.c) per mission or per
 * requesting organization, as CSV or JSON, as the command-line operator, who sees every need
 * and every offer. */
#include "cli/cli.h"

#include "base/buf.h"
#include "base/i18n.h"
#include "base/timeutil.h"
#include "capacity/capacity.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Listed in export.c's table; declared here too so that the definition has a prototype. */
extern const struct cli_command cli_export_gaps_command;

static int run(int argc, char **argv);

enum { O_BY, O_FORMAT, O_OUTPUT };

static const struct cli_option options[] = {
    { "by", "WHAT", N_("mission (default) or org: one row per mission or per organization") },
    { "format", "F", N_("csv (default) or json") },
    { "output", "FILE", N_("write to FILE instead of standard output") },
    { NULL, NULL, NULL },
};

const struct cli_command cli_export_gaps_command = {
    "export gaps",
    run,
    N_("export the capacity gap report"),
    "",
    N_("Writes what is still missing in the open capacity needs, one row per mission (--by\n"
       "mission) or per requesting organization (--by org): needs, unmet needs, the mean share\n"
       "covered by confirmed matches, fully covered and critical unmet needs, matched needs and\n"
       "the median days from a need's posting to its first match, then needs and unmet needs\n"
       "per category, and a last row of totals. CSV by default; --format json gives the report\n"
       "as GET /api/v1/capacity/gaps does. The operator's report counts every need and offer."),
    options,
    0,
};

static int write_report(FILE *fp, const json_t *report, bool csv, struct bh_error *err)
{
    struct buf b = BUF_INIT;
    if (csv) {
        capacity_gaps_csv(report, &b);
    } else {
        char *s = json_dumps(report, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
        buf_puts(&b, s ? s : "null");
        buf_putc(&b, '\n');
        free(s);
    }
    size_t len = strlen(buf_str(&b));
    int rc = fwrite(buf_str(&b), 1, len, fp) == len
                 ? 0
                 : bh_fail(err, BH_EIO, NULL, "cannot write the gap report");
    buf_cleanup(&b);
    return rc;
}

static int run(int argc, char **argv)
{
    const char *cmd = cli_export_gaps_command.name;
    struct cli_args a;
    int rc = cli_begin(&cli_export_gaps_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    const char *by = a.values[O_BY] ? a.values[O_BY] : "mission";
    const char *format = a.values[O_FORMAT] ? a.values[O_FORMAT] : "csv";
    if (strcmp(by, "mission") != 0 && strcmp(by, "org") != 0)
        return cli_usage_error(&cli_export_gaps_command, _("--by '%s' is not one of mission, org"),
                               by);
    bool csv = strcmp(format, "csv") == 0;
    if (!csv && strcmp(format, "json") != 0)
        return cli_usage_error(&cli_export_gaps_command, _("--format '%s' is not one of csv, json"),
                               format);
    struct db *db;
    if ((rc = cli_open_store(&a, DB_OPEN_READONLY, &db)))
        return rc;
    struct principal who;
    principal_cli(&who);
    struct bh_error err;
    json_t *report = NULL;
    rc = capacity_gaps(db, &who, by, time_now_ms(), &report, &err);
    db_close(db);
    if (rc)
        return cli_option_fail(cmd, rc, &err);
    const char *path = a.values[O_OUTPUT];
    struct cli_output out;
    if ((rc = cli_output_open(&out, cmd, path))) {
        json_decref(report);
        return rc;
    }
    rc = write_report(out.fp, report, csv, &err);
    size_t nrows = json_array_size(json_object_get(report, "rows"));
    json_decref(report);
    rc = cli_output_close(&out, rc, &err);
    if (rc)
        return cli_fail(cmd, rc, &err);
    if (path)
        printf(_("exported the gap report by %s (%zu rows) to %s\n"), by, nrows, path);
    return CLI_OK;
}
