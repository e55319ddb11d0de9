/* The fuzz targets' store (store.h). */
#include "store.h"

#include "base/log.h"
#include "base/mem.h"
#include "db/migrate.h"
#include "org/org.h"
#include "principal/principal.h"
#include "refdata/refdata.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct db *db;
static char *dir, *path;
static const char *name;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "%s: %s: %s\n", name, what, detail);
    abort();
}

static void check(int rc, const struct bh_error *err, const char *what)
{
    if (rc)
        die(what, err->message);
}

static void remove_store(void)
{
    db_close(db);
    static const char *const suffixes[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < 3; i++) {
        char *file = xmalloc(strlen(path) + 8);
        sprintf(file, "%s%s", path, suffixes[i]);
        unlink(file);
        free(file);
    }
    rmdir(dir);
    free(path);
    free(dir);
}

struct db *fuzz_store_open(const char *target)
{
    name = target;
    /* A log line per input would drown the fuzzer's own output; errors still show. */
    log_configure(BH_LOG_ERROR, BH_LOG_TEXT);
    const char *tmp = getenv("TMPDIR");
    tmp = tmp && *tmp ? tmp : "/tmp";
    dir = xmalloc(strlen(tmp) + strlen(target) + 16);
    sprintf(dir, "%s/bh-%s-XXXXXX", tmp, target);
    if (!mkdtemp(dir))
        die("mkdtemp", strerror(errno));
    path = xmalloc(strlen(dir) + 16);
    sprintf(path, "%s/store.db", dir);
    struct bh_error err;
    check(db_open(&db, path, DB_OPEN_CREATE, &err), &err, "create the store");
    check(migrate_apply(db, migrations_builtin, migrations_builtin_count, NULL, &err), &err,
          "migrate");
    struct refdata_counts counts;
    check(refdata_load(db, BH_ISO_CODES_DIR, &counts, &err), &err, "load reference data");
    struct principal cli;
    principal_cli(&cli);
    int added;
    check(org_seed(db, &cli, &added, &err), &err, "seed organizations");
    atexit(remove_store);
    return db;
}

const char *fuzz_store_path(void)
{
    return path;
}

int64_t fuzz_store_org(struct db *store, const char *code)
{
    int64_t id = 0;
    bool found = false;
    struct bh_error err;
    check(db_exec_params(store, "SELECT id FROM org WHERE code = ?", DB_PARAMS(DB_TEXT(code)), &id,
                         &found, &err),
          &err, "find an organization");
    if (!found)
        die("no seeded organization", code);
    return id;
}
