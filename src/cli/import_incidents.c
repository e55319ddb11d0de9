/* bluehelm import incidents FILE: incident records from CSV or GeoJSON (what `bluehelm export
 * incidents` writes, or another system's register in the same keys), as the command-line
 * operator. src/incident/import.h has the rules. */
#include "cli/cli.h"

#include "base/timeutil.h"
#include "incident/import.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int run(int argc, char **argv);

enum { O_FORMAT, O_ORG, O_TLP, O_GROUP };

static const struct cli_option options[] = {
    { "format", "F", "csv or geojson (default: by the file's extension, else its content)" },
    { "org", "CODE", "owner of records that name none (their \"owner\" column is empty)" },
    { "tlp", "TLP", "marking of records that give none (default TLP:AMBER+STRICT)" },
    { "sharing-group", "ID", "the sharing group of TLP:AMBER records (a group of this store)" },
    { NULL, NULL, NULL },
};

const struct cli_command cli_import_incidents_command = {
    "import incidents",
    run,
    "import incident records (CSV or GeoJSON)",
    "FILE",
    "Imports incidents from CSV (a header of incident JSON keys: id, mission, occurred_at,\n"
    "latitude, longitude, threat_type, ...; an HXL hashtag row under it is skipped; lists as\n"
    "JSON arrays or separated by ';') or GeoJSON (a FeatureCollection of Point features whose\n"
    "properties are those keys), such as `bluehelm export incidents` writes. `-` reads stdin.\n"
    "Every record is validated as a report is; one bad record and nothing is imported, and\n"
    "every bad one is listed with its line (CSV) or feature (GeoJSON) and field. Records are\n"
    "keyed by their id: importing a file again changes nothing, a changed record is updated\n"
    "(a new revision), and an id already in this store from another source is left alone.\n"
    "See docs/demo.md.",
    options,
    1,
};

struct bar {
    const char *name;
    int64_t last_ms;
    int drawn;
};

static void on_progress(void *ctx, uint64_t done, uint64_t total, int64_t records)
{
    struct bar *b = ctx;
    int64_t now = time_mono_ms();
    if (b->drawn && now - b->last_ms < 100)
        return;
    b->last_ms = now;
    b->drawn = 1;
    if (total)
        fprintf(stderr, "\r%s: %3u%% %" PRId64 " records", b->name,
                (unsigned)(done >= total ? 100 : done * 100 / total), records);
    else
        fprintf(stderr, "\r%s: %" PRId64 " records", b->name, records);
    fflush(stderr);
}

static int run(int argc, char **argv)
{
    const char *cmd = cli_import_incidents_command.name;
    struct cli_args a;
    int rc = cli_begin(&cli_import_incidents_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.npositional != 1)
        return cli_usage_error(&cli_import_incidents_command, "the FILE to import is required");
    struct incident_import_options opt = { INCIDENT_IMPORT_AUTO, a.values[O_ORG], a.values[O_TLP],
                                           0 };
    const char *format = a.values[O_FORMAT];
    if (format && strcmp(format, "csv") == 0)
        opt.format = INCIDENT_IMPORT_CSV;
    else if (format && strcmp(format, "geojson") == 0)
        opt.format = INCIDENT_IMPORT_GEOJSON;
    else if (format)
        return cli_usage_error(&cli_import_incidents_command, "--format '%s' is not csv or geojson",
                               format);
    if (a.values[O_GROUP]) {
        char *end;
        errno = 0;
        long long g = strtoll(a.values[O_GROUP], &end, 10);
        if (errno || *end || g < 1)
            return cli_usage_error(&cli_import_incidents_command,
                                   "--sharing-group '%s' is not a group id", a.values[O_GROUP]);
        opt.sharing_group_id = g;
    }

    const char *path = a.positional[0];
    struct incident_import_input in = { path, NULL, NULL, 0, 0 };
    if (strcmp(path, "-") == 0) {
        in.file = stdin;
        in.name = "stdin";
    } else if (!(in.file = fopen(path, "rb"))) {
        cli_error("%s: cannot open %s: %s", cmd, path, strerror(errno));
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
    struct bar bar = { in.name, 0, 0 };
    struct incident_import_report rep;
    incident_import_report_init(&rep);
    struct bh_error err;
    rc = incident_import(db, &who, &in, &opt, isatty(STDERR_FILENO) ? on_progress : NULL, &bar,
                         &rep, &err);
    db_close(db);
    if (in.file != stdin)
        fclose(in.file);
    if (bar.drawn)
        fputs("\r\033[K", stderr);
    for (size_t i = 0; i < rep.nproblems; i++) {
        const struct incident_import_problem *p = &rep.problems[i];
        if (p->feature >= 0)
            fprintf(stderr, "feature %ld (line %ld)", p->feature, p->line);
        else
            fprintf(stderr, "line %ld", p->line);
        fprintf(stderr, "%s%s: %s\n", p->field[0] ? ": " : "", p->field, p->message);
    }
    if ((int64_t)rep.nproblems < rep.invalid)
        fprintf(stderr, "... and %" PRId64 " more invalid records\n",
                rep.invalid - (int64_t)rep.nproblems);
    if (rc) {
        /* A bad --org or --tlp is the command line's fault; a bad file is the work failing. */
        bool option = !rep.invalid && rc == BH_EINVALID &&
                      (strcmp(err.field, "org") == 0 || strcmp(err.field, "tlp") == 0);
        int status = option ? CLI_USAGE : CLI_FAILED;
        cli_error("%s: %s", cmd, err.message);
        incident_import_report_cleanup(&rep);
        return status;
    }
    printf("%s (%s): %" PRId64 " records: %" PRId64 " added, %" PRId64 " updated, %" PRId64
           " unchanged, %" PRId64 " already in the store\n",
           in.name, rep.format, rep.records, rep.added, rep.updated, rep.unchanged, rep.present);
    incident_import_report_cleanup(&rep);
    return CLI_OK;
}
