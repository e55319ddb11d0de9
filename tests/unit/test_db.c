/* The store layer: opening (and refusing) files, statements, transactions and migrations,
 * against real SQLite files in the build tree. */
#include "support.h"

#include "db/db.h"
#include "db/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* db/open-missing-without-create */
static void db_open_missing_without_create(void **state)
{
    (void)state;
    char *path = test_store_path("db_missing");
    struct db *db;
    struct bh_error err;
    assert_int_equal(db_open(&db, path, 0, &err), BH_ENOTFOUND);
    assert_null(db);
    assert_non_null(strstr(err.message, path));
    assert_non_null(strstr(err.message, "bluehelm init"));
    assert_int_equal(access(path, F_OK), -1); /* nothing was created */
    free(path);
}

/* db/open-directory */
static void db_open_directory(void **state)
{
    (void)state;
    const char *dir = test_tmpdir("db_dir");
    struct db *db;
    struct bh_error err;
    assert_int_equal(db_open(&db, dir, DB_OPEN_CREATE, &err), BH_EIO);
    assert_non_null(strstr(err.message, "is a directory"));
}

/* db/open-not-sqlite: a text file is refused and left byte for byte as it was. */
static void db_open_not_sqlite(void **state)
{
    (void)state;
    char *path = test_store_path("db_garbage");
    const char *text = "this is a spreadsheet someone renamed, not a store\n";
    test_write_file(path, text);
    struct db *db;
    struct bh_error err;
    assert_int_equal(db_open(&db, path, DB_OPEN_CREATE, &err), BH_ESTORE);
    assert_non_null(strstr(err.message, "not a Bluehelm store"));
    assert_file_bytes(path, text, strlen(text));
    free(path);
}

/* db/open-foreign-sqlite: another program's SQLite database is not taken over. */
static void db_open_foreign_sqlite(void **state)
{
    (void)state;
    char *path = test_store_path("db_foreign");
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'CREATE TABLE t(x); INSERT INTO t VALUES (1);'", path);
    assert_int_equal(system(cmd), 0);
    size_t len;
    char *before = test_read_file(path, &len);
    struct db *db;
    struct bh_error err;
    assert_int_equal(db_open(&db, path, DB_OPEN_CREATE, &err), BH_ESTORE);
    assert_non_null(strstr(err.message, "another program"));
    assert_file_bytes(path, before, len);
    free(before);
    free(path);
}

/* db/open-corrupt: a store whose schema page was overwritten is reported as corrupt. */
static void db_open_corrupt(void **state)
{
    (void)state;
    char *path = test_store_path("db_corrupt");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    struct bh_error err;
    assert_int_equal(migrate_apply(db, migrations_builtin, migrations_builtin_count, NULL, &err),
                     0);
    db_close(db);
    /* Keep the 100-byte header (so it is still "SQLite"), wreck the schema table after it. */
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 100, SEEK_SET);
    for (int i = 0; i < 3000; i++)
        fputc(0xA5, f);
    fclose(f);
    size_t len;
    char *before = test_read_file(path, &len);
    int rc = db_open(&db, path, 0, &err);
    assert_int_equal(rc, BH_ESTORE);
    assert_non_null(strstr(err.message, "corrupt"));
    assert_file_bytes(path, before, len);
    free(before);
    free(path);
}

/* db/statement-cache: the same SQL gives back the same prepared statement once it is done,
 * and a second user of a busy statement gets its own. */
static void db_statement_cache(void **state)
{
    (void)state;
    char *path = test_store_path("db_cache");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    struct bh_error err;
    struct db_stmt *a, *b, *c;
    assert_int_equal(db_prepare(db, "SELECT 1", &a, &err), 0);
    assert_int_equal(db_prepare(db, "SELECT 1", &b, &err), 0);
    assert_ptr_not_equal(a, b);
    db_stmt_done(a);
    assert_int_equal(db_prepare(db, "SELECT 1", &c, &err), 0);
    assert_ptr_equal(a, c);
    db_stmt_done(b);
    db_stmt_done(c);
    db_close(db);
    free(path);
}

/* db/bind-step-column: values go in through binds and come back through columns. */
static void db_bind_step_column(void **state)
{
    (void)state;
    char *path = test_store_path("db_bind");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    struct bh_error err;
    assert_int_equal(db_exec(db, "CREATE TABLE t (i INTEGER, r REAL, s TEXT, n TEXT)", &err), 0);
    struct db_stmt *st;
    assert_int_equal(db_prepare(db, "INSERT INTO t VALUES (?, ?, ?, ?)", &st, &err), 0);
    db_bind_int(st, 1, 9007199254740993LL);
    db_bind_double(st, 2, 12.3456789012345);
    db_bind_text(st, 3, "Bangui ✓");
    db_bind_text(st, 4, NULL);
    assert_int_equal(db_step(st, &err), DB_DONE);
    db_stmt_done(st);
    assert_int_equal(db_prepare(db, "SELECT i, r, s, n FROM t", &st, &err), 0);
    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_int_equal(db_column_int(st, 0), 9007199254740993LL);
    assert_true(db_column_double(st, 1) == 12.3456789012345);
    assert_string_equal(db_column_text(st, 2), "Bangui ✓");
    assert_true(db_column_is_null(st, 3));
    assert_null(db_column_text(st, 3));
    assert_int_equal(db_step(st, &err), DB_DONE);
    db_stmt_done(st);
    db_close(db);
    free(path);
}

/* db/constraint-is-conflict: a constraint failure maps to BH_ECONFLICT with SQLite's text. */
static void db_constraint_is_conflict(void **state)
{
    (void)state;
    char *path = test_store_path("db_conflict");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    struct bh_error err;
    assert_int_equal(db_exec(db,
                             "CREATE TABLE t (k TEXT PRIMARY KEY); "
                             "INSERT INTO t VALUES ('a')",
                             &err),
                     0);
    struct db_stmt *st;
    assert_int_equal(db_prepare(db, "INSERT INTO t VALUES (?)", &st, &err), 0);
    db_bind_text(st, 1, "a");
    assert_int_equal(db_step(st, &err), BH_ECONFLICT);
    assert_non_null(strstr(err.message, "UNIQUE"));
    db_stmt_done(st);
    db_close(db);
    free(path);
}

/* db/transaction-rollback */
static void db_transaction_rollback(void **state)
{
    (void)state;
    char *path = test_store_path("db_tx");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    struct bh_error err;
    assert_int_equal(db_exec(db, "CREATE TABLE t (x INTEGER)", &err), 0);
    assert_int_equal(db_begin(db, &err), 0);
    assert_int_equal(db_exec(db, "INSERT INTO t VALUES (1), (2)", &err), 0);
    db_rollback(db);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM t"), 0);
    assert_int_equal(db_begin(db, &err), 0);
    assert_int_equal(db_exec(db, "INSERT INTO t VALUES (3)", &err), 0);
    assert_int_equal(db_commit(db, &err), 0);
    assert_int_equal(test_query_int(db, "SELECT sum(x) FROM t"), 3);
    db_rollback(db); /* no transaction open: harmless */
    assert_int_equal(test_query_int(db, "SELECT sum(x) FROM t"), 3);
    /* Settings every connection gets. */
    assert_int_equal(test_query_int(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(test_query_int(db, "PRAGMA synchronous"), 1); /* NORMAL */
    db_close(db);
    free(path);
}

/* migrate/from-empty */
static void migrate_from_empty(void **state)
{
    (void)state;
    char *path = test_store_path("migrate_empty");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    struct bh_error err;
    int applied = -1, version = -1;
    assert_int_equal(migrate_store_version(db, &version, &err), 0);
    assert_int_equal(version, 0);
    assert_int_equal(
        migrate_apply(db, migrations_builtin, migrations_builtin_count, &applied, &err), 0);
    assert_int_equal(applied, (int)migrations_builtin_count);
    assert_int_equal(migrate_store_version(db, &version, &err), 0);
    assert_int_equal(version, migrate_latest(migrations_builtin, migrations_builtin_count));
    int exists;
    assert_int_equal(db_table_exists(db, "country", &exists, &err), 0);
    assert_true(exists);
    assert_int_equal(db_table_exists(db, "mission", &exists, &err), 0);
    assert_true(exists);
    assert_int_equal(
        migrate_check(db, migrations_builtin, migrations_builtin_count, &version, &err), 0);
    db_close(db);
    free(path);
}

/* migrate/idempotent: a second run applies nothing and changes no row. */
static void migrate_idempotent(void **state)
{
    (void)state;
    char *path = test_store_path("migrate_twice");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    struct bh_error err;
    int applied;
    assert_int_equal(
        migrate_apply(db, migrations_builtin, migrations_builtin_count, &applied, &err), 0);
    int64_t rows = test_query_int(db, "SELECT count(*) FROM schema_migrations");
    assert_int_equal(
        migrate_apply(db, migrations_builtin, migrations_builtin_count, &applied, &err), 0);
    assert_int_equal(applied, 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM schema_migrations"), rows);
    db_close(db);
    free(path);
}

/* migrate/newer-version-refused: a store from a newer bluehelm is refused, both versions are
 * named, and the file is not touched. */
static void migrate_newer_version_refused(void **state)
{
    (void)state;
    char *path = test_store_path("migrate_newer");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    struct bh_error err;
    assert_int_equal(migrate_apply(db, migrations_builtin, migrations_builtin_count, NULL, &err),
                     0);
    assert_int_equal(db_exec(db, "INSERT INTO schema_migrations VALUES (99, 'future', 'x')", &err),
                     0);
    db_close(db);
    size_t len;
    char *before = test_read_file(path, &len);

    db = test_db_open(path, 0);
    int applied = -1;
    assert_int_equal(
        migrate_apply(db, migrations_builtin, migrations_builtin_count, &applied, &err),
        BH_EVERSION);
    assert_int_equal(applied, 0);
    char expect[64];
    snprintf(expect, sizeof expect, "knows (%d)",
             migrate_latest(migrations_builtin, migrations_builtin_count));
    assert_non_null(strstr(err.message, "schema version 99"));
    assert_non_null(strstr(err.message, expect));
    assert_int_equal(migrate_check(db, migrations_builtin, migrations_builtin_count, NULL, &err),
                     BH_EVERSION);
    db_close(db);
    assert_file_bytes(path, before, len);
    free(before);
    free(path);
}

/* migrate/failing-migration-rolls-back: when migration 3 of 3 fails, neither 2 nor 3 is
 * applied; the store stays at version 1 with its data. */
static void migrate_failing_migration_rolls_back(void **state)
{
    (void)state;
    static const struct migration v1[] = {
        { 1, "one", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);" },
    };
    static const struct migration v3[] = {
        { 1, "one", "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);" },
        { 2, "two", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (2);" },
        { 3, "three", "INSERT INTO no_such_table VALUES (3);" },
    };
    char *path = test_store_path("migrate_fail");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    struct bh_error err;
    assert_int_equal(migrate_apply(db, v1, 1, NULL, &err), 0);
    int applied = -1;
    assert_int_equal(migrate_apply(db, v3, 3, &applied, &err), BH_ESTORE);
    assert_int_equal(applied, 0);
    assert_non_null(strstr(err.message, "0003_three"));
    assert_non_null(strstr(err.message, "no_such_table"));
    assert_non_null(strstr(err.message, "left at version 1"));
    int version, exists;
    assert_int_equal(migrate_store_version(db, &version, &err), 0);
    assert_int_equal(version, 1);
    assert_int_equal(db_table_exists(db, "b", &exists, &err), 0);
    assert_false(exists);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM a"), 1);
    db_close(db);
    free(path);
}

/* migrate/first-run-failure-leaves-empty: a failing first migration leaves no tables, not
 * even the bookkeeping one. */
static void migrate_first_run_failure_leaves_empty(void **state)
{
    (void)state;
    static const struct migration bad[] = {
        { 1, "broken", "CREATE TABLE ok (x); CREATE TABLE ok (x);" },
    };
    char *path = test_store_path("migrate_first_fail");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    struct bh_error err;
    assert_int_equal(migrate_apply(db, bad, 1, NULL, &err), BH_ESTORE);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM sqlite_master"), 0);
    db_close(db);
    free(path);
}

/* migrate/gap-refused: migration versions with a gap are a build mistake, caught. */
static void migrate_gap_refused(void **state)
{
    (void)state;
    static const struct migration gap[] = {
        { 1, "one", "CREATE TABLE a (x);" },
        { 3, "three", "CREATE TABLE c (x);" },
    };
    char *path = test_store_path("migrate_gap");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    struct bh_error err;
    assert_int_equal(migrate_apply(db, gap, 2, NULL, &err), BH_EINTERNAL);
    assert_non_null(strstr(err.message, "three"));
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM sqlite_master"), 0);
    db_close(db);
    free(path);
}

/* migrate/older-store-needs-init: the server's check tells how to upgrade. */
static void migrate_older_store_needs_init(void **state)
{
    (void)state;
    static const struct migration v2[] = {
        { 1, "one", "CREATE TABLE a (x);" },
        { 2, "two", "CREATE TABLE b (x);" },
    };
    char *path = test_store_path("migrate_older");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    struct bh_error err;
    assert_int_equal(migrate_apply(db, v2, 1, NULL, &err), 0);
    int version;
    assert_int_equal(migrate_check(db, v2, 2, &version, &err), BH_EVERSION);
    assert_int_equal(version, 1);
    assert_non_null(strstr(err.message, "bluehelm init"));
    db_close(db);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("db/open-missing-without-create", db_open_missing_without_create),
        BH_TEST("db/open-directory", db_open_directory),
        BH_TEST("db/open-not-sqlite", db_open_not_sqlite),
        BH_TEST("db/open-foreign-sqlite", db_open_foreign_sqlite),
        BH_TEST("db/open-corrupt", db_open_corrupt),
        BH_TEST("db/statement-cache", db_statement_cache),
        BH_TEST("db/bind-step-column", db_bind_step_column),
        BH_TEST("db/constraint-is-conflict", db_constraint_is_conflict),
        BH_TEST("db/transaction-rollback", db_transaction_rollback),
        BH_TEST("migrate/from-empty", migrate_from_empty),
        BH_TEST("migrate/idempotent", migrate_idempotent),
        BH_TEST("migrate/newer-version-refused", migrate_newer_version_refused),
        BH_TEST("migrate/failing-migration-rolls-back", migrate_failing_migration_rolls_back),
        BH_TEST("migrate/first-run-failure-leaves-empty", migrate_first_run_failure_leaves_empty),
        BH_TEST("migrate/gap-refused", migrate_gap_refused),
        BH_TEST("migrate/older-store-needs-init", migrate_older_store_needs_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
