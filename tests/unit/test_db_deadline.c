/* The store's time budget (db_set_deadline): a statement past its deadline stops with
 * BH_EUNAVAILABLE and a sentence that says so, the connection stays usable, and lifting the
 * deadline lets the same statement run to its end. The deadline is set in the past, so the
 * test does not depend on how fast the machine is. */
#include "support.h"

#include "base/timeutil.h"
#include "db/db.h"

#define LONG_SQL                                                                        \
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) " \
    "SELECT count(*) FROM n"

/* db-deadline/stops: past the deadline the count stops; without it the count is 200,000. */
static void deadline_stops(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("db_deadline", NULL);
    struct bh_error err;
    int64_t n = -1;
    db_set_deadline(db, time_mono_us() - 1);
    assert_int_equal(db_query_int(db, LONG_SQL, 0, &n, &err), BH_EUNAVAILABLE);
    assert_contains(err.message, "time budget");
    db_set_deadline(db, 0);
    must(db_query_int(db, LONG_SQL, 0, &n, &err), &err, "without a deadline");
    assert_int_equal(n, 200000);
    /* A deadline far ahead changes nothing. */
    db_set_deadline(db, time_mono_us() + 3600LL * 1000000);
    must(db_query_int(db, LONG_SQL, 0, &n, &err), &err, "with time to spare");
    assert_int_equal(n, 200000);
    db_set_deadline(db, 0);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("db-deadline/stops", deadline_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
