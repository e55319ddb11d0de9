/* bluehelm import un-fatalities|deployments FILE: published data into the casualty register,
 * as the command-line operator (audited as cli:$USER). */
#include "cli/cli.h"

#include "base/timeutil.h"
#include "casualty/import.h"
#include "db/db.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int run_un(int argc, char **argv);
static int run_deployments(int argc, char **argv);

static const struct cli_command un_command = {
    "import un-fatalities",
    run_un,
    "import the UN peacekeeping fatalities file",
    "FILE",
    "Imports the UN's peacekeeping fatalities CSV (DPPADPOSS-FATALITIES.csv; `-` reads stdin)\n"
    "into the casualty register in one transaction. Records are keyed by casualty_id: new\n"
    "ones are added, changed ones updated, the same ones left alone, so importing a newer\n"
    "file is safe. A row with a value outside the UN vocabulary, an unknown mission or a bad\n"
    "date is rejected and listed with its line; the rest are imported. A file that is not\n"
    "this format (header, encoding, quoting) changes nothing. Prints each rejected row, then\n"
    "the counts. Exit 0 when imported (even with rejected rows), 1 when nothing was.\n"
    "See docs/formats.md for the quirks of the file and what the import does with each.",
    NULL,
    1,
};

static const struct cli_command deployments_command = {
    "import deployments",
    run_deployments,
    "import deployment figures (IPI monthly, OWID yearly)",
    "FILE",
    "Imports personnel deployed, recognizing the file by its header: IPI's monthly totals per\n"
    "mission (\"Date\",\"Mission\",...,\"Troops\",\"Police\",\"Observers\",\"Total\") into\n"
    "deployment_monthly, or Our World in Data's yearly world totals (Entity,Year,...) into\n"
    "deployment_yearly. Same rules as `import un-fatalities`: one transaction, re-importing\n"
    "changes nothing, bad rows listed by line, a file of another format changes nothing.",
    NULL,
    1,
};

/* A progress bar on stderr, drawn only when stderr is a terminal (a pipe or a log file gets
 * no carriage-return noise), and at most ten times a second. */
struct progress {
    const char *name;
    int64_t last_ms;
    int drawn;
};

static void draw(struct progress *p, uint64_t done, uint64_t total, int64_t rows)
{
    if (total) {
        uint64_t pct = done >= total ? 100 : done * 100 / total;
        char bar[31];
        size_t fill = (size_t)(pct * 30 / 100);
        memset(bar, '#', fill);
        memset(bar + fill, '.', 30 - fill);
        bar[30] = '\0';
        fprintf(stderr, "\r%s [%s] %3u%% %lld rows", p->name, bar, (unsigned)pct, (long long)rows);
    } else {
        fprintf(stderr, "\r%s %lld rows, %llu KiB", p->name, (long long)rows,
                (unsigned long long)(done / 1024));
    }
    fflush(stderr);
    p->drawn = 1;
}

static void on_progress(void *ctx, uint64_t done, uint64_t total, int64_t rows)
{
    struct progress *p = ctx;
    int64_t now = time_mono_ms();
    if (p->drawn && now - p->last_ms < 100)
        return;
    p->last_ms = now;
    draw(p, done, total, rows);
}

typedef int (*import_fn)(struct db *, const struct principal *,
                         const struct casualty_import_input *, casualty_import_progress, void *,
                         struct casualty_import_report *, struct bh_error *);

static int run_import(const struct cli_command *cmd, const char *what, import_fn fn, int argc,
                      char **argv)
{
    struct cli_args a;
    int rc = cli_begin(cmd, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npositional != 1)
        return cli_usage_error(cmd, "the FILE to import is required");
    const char *path = a.positional[0];
    struct casualty_import_input in = { path, NULL, NULL, 0, 0 };
    if (strcmp(path, "-") == 0) {
        in.file = stdin;
        in.name = "stdin";
    } else if (!(in.file = fopen(path, "rb"))) {
        cli_error("%s: cannot open %s: %s", what, path, strerror(errno));
        return CLI_FAILED;
    }
    struct stat sb;
    if (fstat(fileno(in.file), &sb) == 0 && S_ISREG(sb.st_mode))
        in.size = (uint64_t)sb.st_size;

    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db))) {
        if (in.file != stdin)
            fclose(in.file);
        return rc;
    }
    struct principal who;
    principal_cli(&who);
    struct progress bar = { in.name, 0, 0 };
    int tty = isatty(STDERR_FILENO);
    struct casualty_import_report rep;
    casualty_import_report_init(&rep);
    struct bh_error err;
    rc = fn(db, &who, &in, tty ? on_progress : NULL, &bar, &rep, &err);
    if (tty && !rc) {
        draw(&bar, in.size ? in.size : 0, in.size, rep.rows);
        fputc('\n', stderr);
    } else if (tty && bar.drawn) {
        fputs("\r\033[K", stderr); /* clear the bar so the error stands alone */
    }
    db_close(db);
    if (in.file != stdin)
        fclose(in.file);
    if (rc) {
        cli_error("%s: %s", what, err.message);
        casualty_import_report_cleanup(&rep);
        return CLI_FAILED;
    }
    for (int64_t i = 0; i < rep.rejected; i++)
        printf("line %ld: %s\n", rep.rejections[i].line, rep.rejections[i].reason);
    printf("%s (%s) into %s: %lld added, %lld updated, %lld unchanged, %lld rejected\n", in.name,
           rep.format, rep.table, (long long)rep.added, (long long)rep.updated,
           (long long)rep.unchanged, (long long)rep.rejected);
    casualty_import_report_cleanup(&rep);
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
    "import data (UN fatalities, deployments, UCDP, ACLED, incidents)",
    "un-fatalities|deployments|ucdp|acled|incidents FILE",
    "Imports data into the store: `bluehelm import un-fatalities FILE` the UN\n"
    "peacekeeping fatalities file, `bluehelm import deployments FILE` personnel deployed\n"
    "(IPI monthly per mission, OWID yearly world totals), the denominators of rates;\n"
    "`import ucdp FILE` (GED, CSV or GeoJSON) and `import acled FILE` conflict events as\n"
    "the map's context layer; `import incidents FILE` incident reports (CSV or GeoJSON).",
    NULL,
    64,
};
