/* The library's versions: each change a new version with its whole snapshot, and a version
 * read under its own marking and the document's: a document widened from RED to GREEN shows
 * GREEN readers only the versions written as GREEN, and a draft's versions stay its
 * organization's. */
#include "support.h"

#include "base/timeutil.h"
#include "library/library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "Library-versions-passphrase-2026"

enum { FRA, RWA, DPO, NORGS };
static const char *const codes[NORGS] = { "FRA", "RWA", "DPO" };
static int64_t org_ids[NORGS];
static struct db *db;
static struct principal fra_fp, rwa_fp;

static int64_t held_clock(void)
{
    return 1796083200000; /* 2026-12-01T00:00:00Z */
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("library_versions_unit", NULL, codes, NORGS, DPO, org_ids);
    test_user_principal(db, "fra.fp", org_ids[FRA], "FRA", ROLE_FOCAL_POINT, NULL, PW, &fra_fp);
    test_user_principal(db, "rwa.fp", org_ids[RWA], "RWA", ROLE_FOCAL_POINT, NULL, PW, &rwa_fp);
    time_set_clock(held_clock);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    time_set_clock(NULL);
    db_close(db);
    return 0;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void update(const char *id, const char *body)
{
    struct bh_error err;
    json_t *b = test_json(body), *out = NULL;
    must(library_update(db, &fra_fp, id, b, 0, &out, &err), &err, body);
    json_decref(b);
    json_decref(out);
}

/* Versions `who` sees, newest first, as "3,2,1". */
static void versions_seen(const struct principal *who, const char *id, char out[64])
{
    struct bh_error err;
    json_t *items = json_array();
    must(library_versions(db, who, id, items, &err), &err, "versions");
    out[0] = '\0';
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v)
    {
        snprintf(out + strlen(out), 64 - strlen(out), "%s%lld", i ? "," : "",
                 (long long)json_integer_value(json_object_get(v, "version")));
    }
    json_decref(items);
}

/* library/versions-snapshots: every write is a version whose snapshot is the document then. */
static void versions_snapshots(void **state)
{
    (void)state;
    struct bh_error err;
    json_t *b = test_json("{\"kind\":\"lesson\",\"title\":\"First\",\"body\":\"# One\","
                          "\"tlp\":\"GREEN\",\"note\":\"start\",\"tags\":{\"threat\":[\"ied\"]}}"),
           *d = NULL;
    must(library_create(db, &fra_fp, b, &d, &err), &err, "create");
    json_decref(b);
    char id[64];
    snprintf(id, sizeof id, "%s", str(d, "id"));
    json_decref(d);
    update(id, "{\"title\":\"Second\",\"note\":\"retitled\"}");
    update(id, "{\"body\":\"# Two\",\"tags\":{\"threat\":[\"ambush\"]}}");
    char seen[64];
    versions_seen(&fra_fp, id, seen);
    assert_string_equal(seen, "3,2,1");
    json_t *v = NULL;
    must(library_version_get(db, &fra_fp, id, 1, &v, &err), &err, "v1");
    assert_string_equal(str(v, "title"), "First");
    assert_string_equal(str(v, "body"), "# One");
    assert_string_equal(str(v, "note"), "start");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(json_object_get(v, "tags"), "threat"), 0)),
        "ied");
    assert_string_equal(str(json_object_get(v, "author_org"), "code"), "FRA");
    json_decref(v);
    must(library_version_get(db, &fra_fp, id, 2, &v, &err), &err, "v2");
    assert_string_equal(str(v, "title"), "Second");
    assert_string_equal(str(v, "body"), "# One");
    json_decref(v);
    must(library_version_get(db, &fra_fp, id, 3, &v, &err), &err, "v3");
    assert_string_equal(str(v, "body"), "# Two");
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(json_object_get(v, "tags"), "threat"), 0)),
        "ambush");
    json_decref(v);
    assert_int_equal(library_version_get(db, &fra_fp, id, 4, &v, &err), BH_ENOTFOUND);
    assert_string_equal(err.field, "version");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM document_version"), 3);
    /* The draft's versions are FRA's alone, as the draft is. */
    json_t *items = json_array();
    assert_int_equal(library_versions(db, &rwa_fp, id, items, &err), BH_ENOTFOUND);
    json_decref(items);
}

/* library/versions-red-to-green: a GREEN reader of another organization sees only the
 * versions written as GREEN once the document is, never the RED text before. */
static void versions_red_to_green(void **state)
{
    (void)state;
    struct bh_error err;
    json_t *b = test_json("{\"kind\":\"aar\",\"title\":\"Secret names\",\"body\":\"Informant "
                          "X\",\"tlp\":\"TLP:RED\"}"),
           *d = NULL;
    must(library_create(db, &fra_fp, b, &d, &err), &err, "create RED");
    json_decref(b);
    char id[64];
    snprintf(id, sizeof id, "%s", str(d, "id"));
    json_decref(d);
    /* Published as RED (the workflow's doing), then cleaned and widened. */
    test_exec(db, "UPDATE document SET status = 'published' WHERE title = 'Secret names'");
    update(id, "{\"body\":\"Still secret\"}");
    update(id, "{\"title\":\"Convoy lesson\",\"body\":\"Vary the route\",\"tlp\":\"GREEN\"}");
    char seen[64];
    versions_seen(&fra_fp, id, seen);
    assert_string_equal(seen, "3,2,1");
    versions_seen(&rwa_fp, id, seen);
    assert_string_equal(seen, "3");
    json_t *v = NULL;
    must(library_version_get(db, &rwa_fp, id, 3, &v, &err), &err, "GREEN version");
    assert_string_equal(str(v, "body"), "Vary the route");
    json_decref(v);
    assert_int_equal(library_version_get(db, &rwa_fp, id, 2, &v, &err), BH_ENOTFOUND);
    assert_null(v);
    assert_int_equal(library_version_get(db, &rwa_fp, id, 1, &v, &err), BH_ENOTFOUND);
    /* The RED versions' readers were copied: the writer still reads them. */
    must(library_version_get(db, &fra_fp, id, 2, &v, &err), &err, "writer reads RED v2");
    assert_string_equal(str(v, "body"), "Still secret");
    json_decref(v);
    /* Narrowed again to AMBER+STRICT, even the GREEN version is hidden from RWA. */
    update(id, "{\"tlp\":\"AMBER+STRICT\"}");
    json_t *items = json_array();
    assert_int_equal(library_versions(db, &rwa_fp, id, items, &err), BH_ENOTFOUND);
    json_decref(items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("library/versions-snapshots", versions_snapshots),
        BH_TEST("library/versions-red-to-green", versions_red_to_green),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
