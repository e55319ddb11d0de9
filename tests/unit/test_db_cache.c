/* The statement cache and bound parameters: the cache stays within DB_STMT_CACHE_MAX however
 * many shapes run, finalizes the statement used longest ago and never one that is held, and
 * one-off statements stay out of it; db_params binds its values in order. */
#include "support.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>

static struct db *open_store(const char *name)
{
    struct db *db = test_db_migrated(name, NULL);
    test_exec(db, "CREATE TABLE probe (k INTEGER PRIMARY KEY, v TEXT);"
                  "INSERT INTO probe VALUES (1, 'one'), (2, 'two'), (3, 'three');");
    return db;
}

/* A statement of its own shape: the number is in the text, so each is a distinct SQL. */
static int64_t run_shape(struct db *db, int shape)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT %d + count(*) FROM probe", shape);
    struct bh_error err;
    int64_t v = -1;
    bool found = false;
    assert_int_equal(db_exec_params(db, sql, NULL, &v, &found, &err), 0);
    assert_true(found);
    return v;
}

/* db/cache-lru-cap: more distinct SQL than the cap keeps the cache at the cap, and a shape
 * pushed out prepares again and gives the right answer. */
static void db_cache_lru_cap(void **state)
{
    (void)state;
    struct db *db = open_store("db_cache_cap");
    int base = db_cache_count(db);
    assert_true(base < DB_STMT_CACHE_MAX);
    for (int i = 0; i < 2 * DB_STMT_CACHE_MAX + 10; i++) {
        assert_int_equal(run_shape(db, i), i + 3);
        assert_true(db_cache_count(db) <= DB_STMT_CACHE_MAX);
    }
    assert_int_equal(db_cache_count(db), DB_STMT_CACHE_MAX);
    /* Shape 0 was used longest ago and has gone; it prepares again and still counts right. */
    assert_int_equal(run_shape(db, 0), 3);
    assert_int_equal(db_cache_count(db), DB_STMT_CACHE_MAX);
    db_close(db);
}

/* db/cache-lru-recent-kept: a shape used again becomes the newest, so the shapes after it go
 * first; a second copy of held SQL fits by evicting an idle statement. */
static void db_cache_lru_recent_kept(void **state)
{
    (void)state;
    struct db *db = open_store("db_cache_recent");
    for (int i = 0; i < DB_STMT_CACHE_MAX; i++)
        run_shape(db, i);
    assert_int_equal(db_cache_count(db), DB_STMT_CACHE_MAX);
    run_shape(db, 0);
    for (int i = 0; i < DB_STMT_CACHE_MAX / 2; i++)
        run_shape(db, 100000 + i);
    assert_true(db_cache_holds(db, "SELECT 0 + count(*) FROM probe"));
    assert_false(db_cache_holds(db, "SELECT 1 + count(*) FROM probe"));
    assert_true(db_cache_holds(db, "SELECT 255 + count(*) FROM probe"));

    struct db_stmt *a, *b;
    struct bh_error err;
    assert_int_equal(db_prepare(db, "SELECT 0 + count(*) FROM probe", &a, &err), 0);
    assert_int_equal(db_prepare(db, "SELECT 0 + count(*) FROM probe", &b, &err), 0);
    assert_ptr_not_equal(a, b);
    assert_int_equal(db_cache_count(db), DB_STMT_CACHE_MAX);
    assert_int_equal(db_step(a, &err), DB_ROW);
    assert_int_equal(db_step(b, &err), DB_ROW);
    assert_int_equal(db_column_int(a, 0), 3);
    assert_int_equal(db_column_int(b, 0), 3);
    db_stmt_done(b);
    db_stmt_done(a);
    db_close(db);
}

/* db/cache-held-never-evicted: a statement held across the whole churn of the cache is
 * still the same live statement, stepping through its rows (the sanitizer build would catch
 * a finalized one). */
static void db_cache_held_never_evicted(void **state)
{
    (void)state;
    struct db *db = open_store("db_cache_held");
    struct db_stmt *held;
    struct bh_error err;
    assert_int_equal(db_prepare(db, "SELECT v FROM probe ORDER BY k", &held, &err), 0);
    assert_int_equal(db_step(held, &err), DB_ROW);
    assert_string_equal(db_column_text(held, 0), "one");
    for (int i = 0; i < 3 * DB_STMT_CACHE_MAX; i++)
        run_shape(db, i);
    assert_int_equal(db_cache_count(db), DB_STMT_CACHE_MAX);
    assert_int_equal(db_step(held, &err), DB_ROW);
    assert_string_equal(db_column_text(held, 0), "two");
    assert_int_equal(db_step(held, &err), DB_ROW);
    assert_string_equal(db_column_text(held, 0), "three");
    assert_int_equal(db_step(held, &err), DB_DONE);
    db_stmt_done(held);
    db_close(db);
}

/* db/cache-all-held: when every cached statement is held, one more is prepared outside the
 * cache and finalized when done; the cache never passes its cap. */
static void db_cache_all_held(void **state)
{
    (void)state;
    struct db *db = open_store("db_cache_all_held");
    struct db_stmt *held[DB_STMT_CACHE_MAX + 1];
    struct bh_error err;
    for (int i = 0; i <= DB_STMT_CACHE_MAX; i++) {
        char sql[64];
        snprintf(sql, sizeof sql, "SELECT %d", i);
        assert_int_equal(db_prepare(db, sql, &held[i], &err), 0);
        assert_true(db_cache_count(db) <= DB_STMT_CACHE_MAX);
    }
    assert_int_equal(db_cache_count(db), DB_STMT_CACHE_MAX);
    for (int i = DB_STMT_CACHE_MAX; i >= 0; i--) {
        assert_int_equal(db_step(held[i], &err), DB_ROW);
        assert_int_equal(db_column_int(held[i], 0), i);
        db_stmt_done(held[i]);
    }
    assert_int_equal(db_cache_count(db), DB_STMT_CACHE_MAX);
    db_close(db);
}

/* db/prepare-once-uncached: one-off SQL runs and leaves the cache as it was. */
static void db_prepare_once_uncached(void **state)
{
    (void)state;
    struct db *db = open_store("db_cache_once");
    int before = db_cache_count(db);
    for (int i = 0; i < 10; i++) {
        char sql[64];
        snprintf(sql, sizeof sql, "SELECT v FROM probe WHERE k = %d", i % 3 + 1);
        struct db_stmt *st;
        struct bh_error err;
        assert_int_equal(db_prepare_once(db, sql, &st, &err), 0);
        assert_int_equal(db_step(st, &err), DB_ROW);
        assert_non_null(db_column_text(st, 0));
        db_stmt_done(st);
    }
    assert_int_equal(db_cache_count(db), before);
    db_close(db);
}

/* db/params-bind-order: values bind in the order they were appended, of every kind, texts
 * copied (the caller's buffer may change before the statement runs). */
static void db_params_bind_order(void **state)
{
    (void)state;
    struct db *db = open_store("db_params_order");
    struct db_params p = DB_PARAMS_INIT;
    char word[8] = "two";
    db_params_int(&p, 2);
    db_params_text(&p, word);
    db_params_double(&p, 2.5);
    db_params_null(&p);
    db_params_text(&p, NULL);
    /* The text was copied: changing the caller's buffer changes nothing bound. */
    snprintf(word, sizeof word, "XXX");
    struct db_stmt *st;
    struct bh_error err;
    assert_int_equal(db_prepare(db,
                                "SELECT k, v, ?3 * 2, ?4 IS NULL, ?5 IS NULL FROM probe "
                                "WHERE k = ?1 AND v = ?2",
                                &st, &err),
                     0);
    assert_int_equal(db_params_bind(st, &p), 6);
    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_int_equal(db_column_int(st, 0), 2);
    assert_string_equal(db_column_text(st, 1), "two");
    assert_true(db_column_double(st, 2) == 5.0);
    assert_int_equal(db_column_int(st, 3), 1);
    assert_int_equal(db_column_int(st, 4), 1);
    db_stmt_done(st);
    db_params_cleanup(&p);
    assert_int_equal(p.n, 0);
    db_close(db);
}

/* db/exec-params: one call writes, reads one integer, and says whether there was a row;
 * without a row the caller's default stays. */
static void db_exec_params_runs(void **state)
{
    (void)state;
    struct db *db = open_store("db_exec_params");
    struct bh_error err;
    assert_int_equal(db_exec_params(db, "INSERT INTO probe (k, v) VALUES (?, ?)",
                                    DB_PARAMS(DB_INT(7), DB_TEXT("seven")), NULL, NULL, &err),
                     0);
    int64_t k = -5;
    bool found = true;
    assert_int_equal(db_exec_params(db, "SELECT k FROM probe WHERE v = ?",
                                    DB_PARAMS(DB_TEXT("seven")), &k, &found, &err),
                     0);
    assert_true(found);
    assert_int_equal(k, 7);
    k = -5;
    assert_int_equal(db_exec_params(db, "SELECT k FROM probe WHERE v = ?",
                                    DB_PARAMS(DB_TEXT("eight")), &k, &found, &err),
                     0);
    assert_false(found);
    assert_int_equal(k, -5);
    assert_int_equal(db_exec_params(db, "INSERT INTO probe (k, v) VALUES (?, ?)",
                                    DB_PARAMS(DB_INT(7), DB_TEXT("again")), NULL, NULL, &err),
                     BH_ECONFLICT);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("db/cache-lru-cap", db_cache_lru_cap),
        BH_TEST("db/cache-lru-recent-kept", db_cache_lru_recent_kept),
        BH_TEST("db/cache-held-never-evicted", db_cache_held_never_evicted),
        BH_TEST("db/cache-all-held", db_cache_all_held),
        BH_TEST("db/prepare-once-uncached", db_prepare_once_uncached),
        BH_TEST("db/params-bind-order", db_params_bind_order),
        BH_TEST("db/exec-params", db_exec_params_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
