#include "cli/cli.h"

#include "db/db.h"
#include "db/migrate.h"
#include "refdata/refdata.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Creates the folder holding the store when it is missing (var/ on a fresh checkout). */
static int ensure_parent_dir(const char *path)
{
    char copy[CONFIG_PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    const char *dir = dirname(copy);
    if (mkdir(dir, 0750) == 0 || errno == EEXIST)
        return 0;
    cli_error("cannot create folder %s for the store: %s", dir, strerror(errno));
    return -1;
}

static int run_init(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_begin(&cli_init_command, argc, argv, &a);
    if (rc >= 0)
        return rc;
    const char *path = a.config.db;
    if (ensure_parent_dir(path))
        return CLI_FAILED;
    int existed = access(path, F_OK) == 0;

    struct db *db;
    struct bh_error err;
    int before = 0, applied = 0;
    struct refdata_counts counts;
    if ((rc = db_open(&db, path, DB_OPEN_CREATE, &err))) {
        cli_error("%s", err.message);
        return CLI_FAILED;
    }
    if ((rc = migrate_store_version(db, &before, &err)) ||
        (rc = migrate_apply(db, migrations_builtin, migrations_builtin_count, &applied, &err)) ||
        (rc = refdata_load(db, a.config.iso_codes_dir, &counts, &err))) {
        cli_error("%s", err.message);
        db_close(db);
        /* A store this run created and could not finish is removed: a half-made store
         * would only fail later with a stranger message. */
        if (!existed) {
            unlink(path);
            char side[CONFIG_PATH_MAX + 8];
            snprintf(side, sizeof side, "%s-wal", path);
            unlink(side);
            snprintf(side, sizeof side, "%s-shm", path);
            unlink(side);
        }
        return CLI_FAILED;
    }
    db_close(db);
    int latest = migrate_latest(migrations_builtin, migrations_builtin_count);
    if (applied == 0)
        printf("store %s is up to date at schema version %d\n", path, latest);
    else if (before == 0)
        printf("created store %s at schema version %d\n", path, latest);
    else
        printf("upgraded store %s from schema version %d to %d\n", path, before, latest);
    printf("reference data: %d countries, %d missions\n", counts.countries, counts.missions);
    return CLI_OK;
}

const struct cli_command cli_init_command = {
    "init",
    run_init,
    "create or upgrade a store",
    "",
    "Creates the store when it is absent, applies every migration it lacks (all in one\n"
    "transaction), and loads reference data: countries from Debian's iso-codes and the UN\n"
    "missions. Safe to run again: an up-to-date store is left as it is. A store written by a\n"
    "newer bluehelm is refused and left untouched.",
    NULL,
    0,
};
