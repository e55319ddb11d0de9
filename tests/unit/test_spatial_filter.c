/* The map layers' filters read from text: every good form gives the values written here by
 * hand, and every bad one is BH_EINVALID naming its parameter, with a message that says which
 * part is wrong. No store is needed: these are checked before any SQL is built. */
#include "support.h"

#include "spatial/spatial.h"

#include <stdio.h>
#include <string.h>

static struct spatial_filter set(const char *name, const char *value)
{
    struct spatial_filter f;
    struct bh_error err;
    spatial_filter_init(&f);
    int rc = spatial_filter_set(&f, name, value, &err);
    if (rc)
        fail_msg("%s=%s: %s (field %s)", name, value, err.message, err.field);
    return f;
}

/* spatial/filter-good: the values each form sets. */
static void spatial_filter_good(void **state)
{
    (void)state;
    struct spatial_filter f = set("bbox", "-5.5, 10,5,20.25");
    assert_true(f.has_bbox);
    assert_true(f.west == -5.5 && f.south == 10 && f.east == 5 && f.north == 20.25);
    f = set("bbox", "170,-20,-170,-10"); /* across the antimeridian */
    assert_true(f.west == 170 && f.east == -170);
    f = set("near", "-1.68,29.22,25");
    assert_true(f.has_near && f.near_lat == -1.68 && f.near_lon == 29.22 && f.near_km == 25);
    f = set("from", "2024-03-02");
    assert_string_equal(f.from, "2024-03-02T00:00:00Z");
    f = set("to", "2024-03-02");
    assert_string_equal(f.to, "2024-03-02T23:59:59Z");
    f = set("to", "2024-02-29T10:30:00.750+02:00");
    assert_string_equal(f.to, "2024-02-29T08:30:00Z");
    f = set("from", "2024-02-29T10:30:00.250+02:00"); /* from the next whole second */
    assert_string_equal(f.from, "2024-02-29T08:30:01Z");
    f = set("from", "1948-06-01T00:00:00Z");
    assert_string_equal(f.from, "1948-06-01T00:00:00Z");
    f = set("mission", " UNMISS ,minusma");
    assert_string_equal(f.mission, "UNMISS,minusma");
    f = set("type", "ied");
    assert_string_equal(f.type, "ied");
    f = set("status", "submitted,endorsed");
    assert_string_equal(f.status, "submitted,endorsed");
    f = set("q", "convoy \"ambush\"");
    assert_string_equal(f.q, "convoy \"ambush\"");
    f = set("sort", "occurred");
    assert_true(f.ascending);
    f = set("sort", "-occurred");
    assert_false(f.ascending);
    /* An empty value is no filter: a form sends its empty fields. */
    static const char *const names[] = { "bbox", "near",   "from", "to",  "mission",
                                         "type", "status", "q",    "sort" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        f = set(names[i], "");
        struct spatial_filter empty;
        spatial_filter_init(&empty);
        assert_memory_equal(&f, &empty, sizeof f);
    }
}

/* spatial/filter-bad: each bad value names its parameter, and the message names the part. */
static void spatial_filter_bad(void **state)
{
    (void)state;
    static const struct {
        const char *name, *value, *says;
    } bad[] = {
        { "bbox", "1,2,3", "must be 4 numbers: west,south,east,north" },
        { "bbox", "1,2,3,4,5", "must be 4 numbers" },
        { "bbox", "a,2,3,4", "west 'a' is not a number" },
        { "bbox", "1,,3,4", "south '' is not a number" },
        { "bbox", "1,2,nan,4", "east 'nan' is not a number" },
        { "bbox", "1,2,3,inf", "north 'inf' is not a number" },
        { "bbox", "0x10,2,3,4", "west '0x10' is not a number" },
        { "bbox", "200,2,3,4", "west 200 must be from -180 to 180" },
        { "bbox", "1,-91,3,4", "south -91 must be from -90 to 90" },
        { "bbox", "1,2,180.5,4", "east 180.5 must be from -180 to 180" },
        { "bbox", "1,2,3,90.01", "north 90.01 must be from -90 to 90" },
        { "bbox", "1,20,3,10", "south 20 is north of north 10" },
        { "near", "10,20", "must be 3 numbers: lat,lon,km" },
        { "near", "95,20,10", "lat 95 must be from -90 to 90" },
        { "near", "10,-181,10", "lon -181 must be from -180 to 180" },
        { "near", "10,20,0", "km 0 must be more than 0 and at most 2000" },
        { "near", "10,20,-5", "km -5 must be more than 0" },
        { "near", "10,20,2000.5", "at most 2000" },
        { "near", "10,20,km", "km 'km' is not a number" },
        { "from", "2024-02-30", "from '2024-02-30' is neither a date" },
        { "from", "yesterday", "from 'yesterday' is neither a date" },
        { "to", "2024-13-01", "to '2024-13-01' is neither a date" },
        { "to", "2024-03-02T25:00:00Z", "is neither a date" },
        { "mission", "UNMISS,,MINUSMA", "has an empty value" },
        { "mission", "UN'MISS", "is not an acronym" },
        { "type", "ied,volcano", "type 'volcano' is not a threat type" },
        { "status", "closed", "status 'closed' is not one of draft, submitted" },
        { "q", "!!! ---", "has no word to search for" },
        { "sort", "date", "sort 'date' must be -occurred" },
        { "sort", "-Occurred", "sort '-Occurred' must be -occurred" },
        { "bboxx", "1,2,3,4", "unknown filter 'bboxx'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct spatial_filter f;
        struct bh_error err;
        spatial_filter_init(&f);
        int rc = spatial_filter_set(&f, bad[i].name, bad[i].value, &err);
        if (rc != BH_EINVALID || strcmp(err.field, bad[i].name) != 0 ||
            !strstr(err.message, bad[i].says))
            fail_msg("%s=%s: expected EINVALID naming %s and saying \"%s\", got %s naming '%s': "
                     "%s",
                     bad[i].name, bad[i].value, bad[i].name, bad[i].says, bh_errname(rc), err.field,
                     rc ? err.message : "");
    }
    /* Lists: at most SPATIAL_LIST_MAX values; q at most SPATIAL_LIST_TEXT - 1 bytes. */
    char many[SPATIAL_LIST_TEXT * 2] = "";
    for (int i = 0; i <= SPATIAL_LIST_MAX; i++)
        strcat(many, i ? ",ied" : "ied");
    struct spatial_filter f;
    struct bh_error err;
    spatial_filter_init(&f);
    assert_int_equal(spatial_filter_set(&f, "type", many, &err), BH_EINVALID);
    assert_string_equal(err.field, "type");
    assert_contains(err.message, "more than 32 values");
    memset(many, 'a', SPATIAL_LIST_TEXT);
    many[SPATIAL_LIST_TEXT] = '\0';
    assert_int_equal(spatial_filter_set(&f, "q", many, &err), BH_EINVALID);
    assert_string_equal(err.field, "q");
}

/* spatial/filter-read: spatial_filter_read asks for every name and stops at the first bad
 * one, naming it. */
static const char *from_table(void *ctx, const char *name)
{
    const char *const *kv = ctx;
    for (int i = 0; kv[i]; i += 2)
        if (strcmp(kv[i], name) == 0)
            return kv[i + 1];
    return NULL;
}

static void spatial_filter_read_all(void **state)
{
    (void)state;
    const char *good[] = { "bbox", "0,0,1,1", "q", "ied", "sort", "occurred", "limit", "5", NULL };
    struct spatial_filter f;
    struct bh_error err;
    spatial_filter_init(&f);
    assert_int_equal(spatial_filter_read(&f, from_table, good, &err), 0);
    assert_true(f.has_bbox && f.ascending);
    assert_string_equal(f.q, "ied");
    const char *bad[] = { "bbox", "0,0,1,1", "near", "0,0,0", NULL };
    spatial_filter_init(&f);
    assert_int_equal(spatial_filter_read(&f, from_table, bad, &err), BH_EINVALID);
    assert_string_equal(err.field, "near");
    for (int i = 0; spatial_filter_names[i]; i++)
        assert_non_null(strstr("bbox near from to mission type status q synthetic mine sort",
                               spatial_filter_names[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("spatial/filter-good", spatial_filter_good),
        BH_TEST("spatial/filter-bad", spatial_filter_bad),
        BH_TEST("spatial/filter-read-all", spatial_filter_read_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
