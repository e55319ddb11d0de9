/* bluehelm demo --incidents N --seed S: synthetic incidents around real missions, for
 * demonstrations and benchmarks (src/incident/demo.h, docs/demo.md). */
#include "cli/cli.h"

#include "base/i18n.h"
#include "capacity/capacity.h"
#include "cli/import_common.h"
#include "incident/demo.h"
#include "library/library.h"
#include "meeting/meeting.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

enum { O_INCIDENTS, O_SEED };

static const struct cli_option options[] = {
    { "incidents", "N", N_("how many synthetic incidents (default 1000; at most 100000000)") },
    { "seed", "S", N_("random seed, 0 to 18446744073709551615 (default 1)") },
    { NULL, NULL, NULL },
};

const struct cli_command cli_demo_command = {
    "demo",
    run,
    N_("add synthetic demo incidents"),
    "",
    N_("Adds a synthetic incident history around the headquarters of real UN missions, for\n"
       "demonstrations and benchmarks. Every row is marked: synthetic, source \"demo\", reporter\n"
       "\"demo\", a narrative starting \"[SYNTHETIC]\". The same seed gives the same rows, and\n"
       "rows already loaded are not added again, so running the command twice adds nothing and\n"
       "a larger --incidents adds only the difference. One transaction; the owners are the\n"
       "member-state organizations in turn (`bluehelm init --seed` makes them). See docs/demo.md."),
    options,
    0,
};

/* A whole decimal number within [min, max]; -1 when it is not one. */
static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* The import commands' bar (cli/import_common.h), counting incidents against the count asked
 * for. */
static void on_progress(void *ctx, int64_t done, int64_t total)
{
    cli_progress_update(ctx, (uint64_t)done, (uint64_t)total, done);
}

static int run(int argc, char **argv)
{
    const char *cmd = cli_demo_command.name;
    struct cli_args a;
    int rc = cli_begin(&cli_demo_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    uint64_t count = 1000, seed = 1;
    if (a.values[O_INCIDENTS] &&
        parse_u64(a.values[O_INCIDENTS], 1, INCIDENT_DEMO_MAX, &count) != 0)
        return cli_usage_error(&cli_demo_command,
                               _("--incidents '%s' is not a whole number from 1 to %d"),
                               a.values[O_INCIDENTS], INCIDENT_DEMO_MAX);
    if (a.values[O_SEED] && parse_u64(a.values[O_SEED], 0, UINT64_MAX, &seed) != 0)
        return cli_usage_error(&cli_demo_command,
                               _("--seed '%s' is not a whole number from 0 to %llu"),
                               a.values[O_SEED], (unsigned long long)UINT64_MAX);
    struct db *db;
    if ((rc = cli_open_store(&a, 0, &db)))
        return rc;
    struct principal who;
    principal_cli(&who);
    struct cli_progress bar;
    cli_progress_init(&bar, "demo", N_("incidents"));
    struct incident_demo_report rep;
    struct bh_error err;
    /* The group's launch meeting first (once: a second run adds nothing). */
    if ((rc = meeting_demo(db, &err))) {
        db_close(db);
        return cli_fail(cmd, rc, &err);
    }
    /* Then the library's illustrative lessons (once, as the meeting). */
    if ((rc = library_demo(db, &err))) {
        db_close(db);
        return cli_fail(cmd, rc, &err);
    }
    /* And capacity building's illustrative needs, offers, course and match (once). */
    if ((rc = capacity_demo(db, &err))) {
        db_close(db);
        return cli_fail(cmd, rc, &err);
    }
    /* Every row is checked as a report would be: it costs a few per cent of the load, and a
     * generator bug then stops the load instead of leaving bad rows on the map. */
    rc = incident_demo_load(db, &who, (int64_t)count, seed, true, bar.tty ? on_progress : NULL,
                            &bar, &rep, &err);
    db_close(db);
    cli_progress_end(&bar, !rc, count, (int64_t)count);
    if (rc)
        return cli_fail(cmd, rc, &err);
    if (rep.existing)
        printf(_("%lld synthetic incidents added (seed %llu), %lld already in the store\n"),
               (long long)rep.added, (unsigned long long)seed, (long long)rep.existing);
    else
        printf(_("%lld synthetic incidents added (seed %llu)\n"), (long long)rep.added,
               (unsigned long long)seed);
    return CLI_OK;
}
