/* What the commands that work on the store share: opening it, and turning a module's error
 * into a message and an exit status. */
#include "cli/cli.h"

#include "db/migrate.h"

#include <stdio.h>

int cli_open_store(const struct cli_args *a, int flags, struct db **db)
{
    struct bh_error err;
    int rc = db_open(db, a->config.db, flags & ~CLI_STORE_ANY_VERSION, &err);
    if (!rc && !(flags & CLI_STORE_ANY_VERSION))
        rc = migrate_check(*db, migrations_builtin, migrations_builtin_count, NULL, &err);
    if (rc) {
        cli_error("%s", err.message);
        db_close(*db);
        *db = NULL;
        return CLI_FAILED;
    }
    return 0;
}

int cli_status(int rc)
{
    return rc == BH_EINVALID ? CLI_USAGE : CLI_FAILED;
}

int cli_fail(const char *cmd, int rc, const struct bh_error *err)
{
    fprintf(stderr, "bluehelm %s: %s\n", cmd, err->message);
    return cli_status(rc);
}
