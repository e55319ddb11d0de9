#include "db/migrate.h"

#include "base/timeutil.h"

#include <stdio.h>

/* The bookkeeping table is created by the first migration run, inside the same transaction
 * as the migrations, so a failed first init leaves an empty store empty. */
static const char create_table_sql[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                       " version INTEGER PRIMARY KEY,"
                                       " name TEXT NOT NULL,"
                                       " applied_at TEXT NOT NULL)";

int migrate_latest(const struct migration *list, size_t n)
{
    return n ? list[n - 1].version : 0;
}

int migrate_store_version(struct db *db, int *version, struct bh_error *err)
{
    int exists;
    int rc = db_table_exists(db, "schema_migrations", &exists, err);
    if (rc)
        return rc;
    if (!exists) {
        *version = 0;
        return 0;
    }
    int64_t v;
    rc = db_query_int(db, "SELECT max(version) FROM schema_migrations", 0, &v, err);
    *version = (int)v;
    return rc;
}

static int check_list(const struct migration *list, size_t n, struct bh_error *err)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].version != (int)i + 1)
            return bh_fail(err, BH_EINTERNAL, "migrations",
                           "migration %s has version %d where %zu was expected (versions run "
                           "1, 2, 3, ... without gaps)",
                           list[i].name, list[i].version, i + 1);
    return 0;
}

static int refuse_newer(struct db *db, int store, int latest, struct bh_error *err)
{
    return bh_fail(err, BH_EVERSION, "db",
                   "store %s has schema version %d, newer than this bluehelm %s knows (%d); "
                   "use a newer bluehelm",
                   db_path(db), store, BH_VERSION, latest);
}

int migrate_apply(struct db *db, const struct migration *list, size_t n, int *applied,
                  struct bh_error *err)
{
    if (applied)
        *applied = 0;
    int rc = check_list(list, n, err);
    if (rc)
        return rc;
    int latest = migrate_latest(list, n);
    int store;
    /* Read first without a write lock: a newer store must not even see a BEGIN. */
    if ((rc = migrate_store_version(db, &store, err)))
        return rc;
    if (store > latest)
        return refuse_newer(db, store, latest, err);
    if (store == latest)
        return 0;

    if ((rc = db_begin(db, err)))
        return rc;
    /* Another process may have migrated between the read and the lock: read again. */
    if ((rc = migrate_store_version(db, &store, err)))
        goto fail;
    if (store > latest) {
        rc = refuse_newer(db, store, latest, err);
        goto fail;
    }
    if ((rc = db_exec(db, create_table_sql, err)))
        goto fail;
    int count = 0;
    for (size_t i = (size_t)store; i < n; i++) {
        const struct migration *m = &list[i];
        struct bh_error e;
        if ((rc = db_exec(db, m->sql, &e))) {
            bh_fail(err, rc, "migrations", "migration %04d_%s failed, store left at version %d: %s",
                    m->version, m->name, store, e.message);
            goto fail;
        }
        struct db_stmt *st;
        if ((rc = db_prepare(db,
                             "INSERT INTO schema_migrations (version, name, applied_at) "
                             "VALUES (?, ?, ?)",
                             &st, err)))
            goto fail;
        db_bind_int(st, 1, m->version);
        db_bind_text(st, 2, m->name);
        char now[40];
        time_format_rfc3339(time_now_ms(), 0, false, now);
        db_bind_text(st, 3, now);
        rc = db_step(st, err);
        db_stmt_done(st);
        if (rc < 0)
            goto fail;
        count++;
    }
    if ((rc = db_commit(db, err)))
        goto fail;
    if (applied)
        *applied = count;
    return 0;
fail:
    db_rollback(db);
    return rc;
}

int migrate_check(struct db *db, const struct migration *list, size_t n, int *version,
                  struct bh_error *err)
{
    int latest = migrate_latest(list, n), store;
    int rc = migrate_store_version(db, &store, err);
    if (rc)
        return rc;
    if (version)
        *version = store;
    if (store > latest)
        return refuse_newer(db, store, latest, err);
    if (store < latest)
        return bh_fail(err, BH_EVERSION, "db",
                       "store %s has schema version %d, this bluehelm needs %d; run `bluehelm "
                       "init --db %s` to upgrade it",
                       db_path(db), store, latest, db_path(db));
    return 0;
}
