#include "cli/cli.h"

#include "account/account.h"
#include "base/i18n.h"
#include "db/db.h"
#include "db/migrate.h"
#include "org/org.h"
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
    cli_error(_("cannot create folder %s for the store: %s"), dir, strerror(errno));
    return -1;
}

enum { OPT_SEED, OPT_ADMIN_ORG };

static const struct cli_option init_options[] = {
    { "seed", NULL, N_("also load the Group of Friends as launched and create the first admin") },
    { "admin-org", "CODE", N_("organization of the first admin (default DPO)") },
    { NULL, NULL, NULL },
};

struct seed_result {
    int orgs_added;
    bool admin_created;
    char generated[64]; /* the first admin's generated password, "" when given */
};

/* Loads the group's organizations and, on a store with no admin yet, makes the first one. */
static int seed(struct db *db, const struct cli_args *a, struct seed_result *res,
                struct bh_error *err)
{
    struct principal who;
    principal_cli(&who);
    int rc = org_seed(db, &who, &res->orgs_added, err);
    if (rc)
        return rc;
    const char *org = a->values[OPT_ADMIN_ORG] ? a->values[OPT_ADMIN_ORG] : "DPO";
    return account_bootstrap_admin(db, org, a->config.admin_password, res->generated,
                                   &res->admin_created, err);
}

/* Tells the operator how to sign in: the only time a generated password is ever shown. */
static void print_seed(const struct cli_args *a, const struct seed_result *res)
{
    if (res->orgs_added)
        printf(_("seeded %d organizations of the Group of Friends\n"), res->orgs_added);
    if (!res->admin_created)
        return;
    char url[300];
    snprintf(url, sizeof url,
             strchr(a->config.listen_host, ':') ? "http://[%s]:%d/" : "http://%s:%d/",
             a->config.listen_host, a->config.listen_port);
    if (res->generated[0])
        printf(_("\nFirst admin created. Sign in at %s as\n  username: admin\n  password: %s\n"
                 "This password is shown once. Change it with\n"
                 "  bluehelm user passwd admin --password-stdin\n\n"),
               url, res->generated);
    else
        printf(_("\nFirst admin created. Sign in at %s as 'admin' with the password from "
                 "BLUEHELM_ADMIN_PASSWORD.\n\n"),
               url);
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
    struct seed_result seeded = { 0 };
    /* Any version: bringing the store to this binary's is what init is for. */
    if ((rc = cli_open_store(&a, DB_OPEN_CREATE | CLI_STORE_ANY_VERSION, &db)))
        return rc;
    if ((rc = migrate_store_version(db, &before, &err)) ||
        (rc = migrate_apply(db, migrations_builtin, migrations_builtin_count, &applied, &err)) ||
        (rc = refdata_load(db, a.config.iso_codes_dir, &counts, &err)) ||
        (a.values[OPT_SEED] && (rc = seed(db, &a, &seeded, &err)))) {
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
        printf(_("store %s is up to date at schema version %d\n"), path, latest);
    else if (before == 0)
        printf(_("created store %s at schema version %d\n"), path, latest);
    else
        printf(_("upgraded store %s from schema version %d to %d\n"), path, before, latest);
    printf(_("reference data: %d countries, %d missions\n"), counts.countries, counts.missions);
    print_seed(&a, &seeded);
    return CLI_OK;
}

const struct cli_command cli_init_command = {
    "init",
    run_init,
    N_("create or upgrade a store"),
    "",
    N_("Creates the store when it is absent, applies every migration it lacks (all in one\n"
       "transaction), and loads reference data: countries from Debian's iso-codes and the UN\n"
       "missions. Safe to run again: an up-to-date store is left as it is. A store written by a\n"
       "newer bluehelm is refused and left untouched. With --seed, also loads the Group of\n"
       "Friends as launched on 27 April 2021 and, when the store has no admin, creates user\n"
       "'admin' with the password in BLUEHELM_ADMIN_PASSWORD or a generated one, shown once."),
    init_options,
    0,
};
