/* Reference data into a real store: countries from Debian's iso-codes, missions from the
 * compiled table; idempotent; all-or-nothing. */
#include "support.h"

#include "db/db.h"
#include "refdata/missions.h"
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Counts "alpha_3" keys in the raw file: a second way to the number of codes, without the
 * JSON parser the loader uses. */
static int count_alpha3(const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", TEST_ISO_DIR, file);
    char *text = test_read_file(path, NULL);
    assert_non_null(text);
    int n = 0;
    for (const char *p = text; (p = strstr(p, "\"alpha_3\"")); p++)
        n++;
    free(text);
    return n;
}

/* refdata/load-countries-and-missions */
static void refdata_load_countries_and_missions(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("refdata_load", NULL);
    struct bh_error err;
    struct refdata_counts n;
    assert_int_equal(refdata_load(db, TEST_ISO_DIR, &n, &err), 0);
    int current = count_alpha3("iso_3166-1.json");
    assert_true(current >= 249);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM country WHERE withdrawn IS NULL"),
                     current + 1 /* XKX, Kosovo */);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM country"), n.countries);
    assert_int_equal(test_query_int(db, "SELECT m49 FROM country WHERE iso3 = 'CHN'"), 156);
    assert_int_equal(test_query_int(db, "SELECT m49 FROM country WHERE iso3 = 'RWA'"), 646);
    /* Yugoslavia: withdrawn, still in the UN fatalities data. */
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM country WHERE iso3 = 'YUG' AND "
                                        "withdrawn IS NOT NULL"),
                     1);
    assert_int_equal(n.missions, (int)refdata_missions_count);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mission"),
                     (int64_t)refdata_missions_count);
    assert_int_equal(test_query_int(db, "SELECT active FROM mission WHERE acronym = 'MINUSMA'"), 0);
    assert_int_equal(test_query_int(db, "SELECT active FROM mission WHERE acronym = 'UNIFIL'"), 1);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mission WHERE acronym = 'MONUSCO' "
                                        "AND host_iso3 = 'COD'"),
                     1);
    db_close(db);
}

/* refdata/load-idempotent */
static void refdata_load_idempotent(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("refdata_twice", NULL);
    struct bh_error err;
    struct refdata_counts a, b;
    assert_int_equal(refdata_load(db, TEST_ISO_DIR, &a, &err), 0);
    int64_t countries = test_query_int(db, "SELECT count(*) FROM country");
    assert_int_equal(refdata_load(db, TEST_ISO_DIR, &b, &err), 0);
    assert_int_equal(a.countries, b.countries);
    assert_int_equal(a.missions, b.missions);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM country"), countries);
    db_close(db);
}

/* refdata/load-failure-writes-nothing: a missing ISO 3166-3 file fails after 3166-1 was read,
 * and nothing of either is kept. */
static void refdata_load_failure_writes_nothing(void **state)
{
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", test_tmpdir("refdata_half"));
    char *src = test_read_file(TEST_ISO_DIR "/iso_3166-1.json", NULL);
    char *dst = test_path(dir, "iso_3166-1.json");
    test_write_file(dst, src);
    struct db *db = test_db_migrated("refdata_half_store", NULL);
    struct bh_error err;
    assert_int_not_equal(refdata_load(db, dir, NULL, &err), 0);
    if (!strstr(err.message, "iso_3166-3.json"))
        fail_msg("expected the message to name iso_3166-3.json, got: %s", err.message);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM country"), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM mission"), 0);
    db_close(db);
    free(src);
    free(dst);
}

int main(void)
{
    test_require_path(TEST_ISO_DIR "/iso_3166-1.json", "Debian's iso-codes package");
    const struct CMUnitTest tests[] = {
        BH_TEST("refdata/load-countries-and-missions", refdata_load_countries_and_missions),
        BH_TEST("refdata/load-idempotent", refdata_load_idempotent),
        BH_TEST("refdata/load-failure-writes-nothing", refdata_load_failure_writes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
