/* `bluehelm import library DIR --org CODE` and `bluehelm export library`: a good folder lands
 * with its tags and links and publishes what says published; importing it again changes
 * nothing; a changed file is one new version; a folder with bad files lists every error and
 * writes nothing; markup stays text; the export holds the documents with their fields. */
#include "support.h"
#include "world.h"

#include "library/library.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct test_incident incident[] = {
    { "0190cccc-0000-7000-8000-000000000001", "MINUSMA", "2019-03-14T06:00:00Z", 16.27, -0.04,
      "IED on the Gao road", "FRA", "GREEN", NULL },
};

static char *world(const char *name)
{
    static const char *const codes[] = { "FRA", NULL };
    char *db = test_world_orgs(name, codes);
    struct db *h = test_db_open(db, 0);
    test_insert_incidents(h, incident, 1);
    db_close(h);
    return db;
}

/* A copy of tests/data/library/good in a folder of the test's own. */
static const char *good_copy(const char *name)
{
    const char *dir = test_tmpdir(name);
    static const char *const files[] = { "01-convoy.md", "02-perimeter.md", "03-script.md" };
    for (size_t i = 0; i < 3; i++) {
        char *from = test_path(BH_TEST_DATA "/library/good", files[i]);
        char *to = test_path(dir, files[i]);
        size_t len;
        char *text = test_read_file(from, &len);
        test_write_file(to, text);
        free(text);
        free(from);
        free(to);
    }
    return dir;
}

/* cli/import-library-good */
static void import_good(void **state)
{
    (void)state;
    char *db = world("cli_import_library_good");
    const char *dir = good_copy("cli_import_library_good_dir");
    const char *args[] = { "import", "library", dir, "--org", "FRA", NULL };
    struct test_run r = test_cli_db(db, NULL, args);
    assert_status(r, 0);
    assert_contains(r.out, "library: 3 created, 0 updated, 0 unchanged");
    test_run_free(&r);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM document d JOIN org o ON o.id = "
                                        "d.owner_org_id WHERE o.code = 'FRA'"),
                     3);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM document WHERE import_key = "
                                        "'convoy-ied-2019' AND status = 'published' AND tlp = "
                                        "'GREEN' AND kind = 'lesson' AND occurred_on = "
                                        "'2019-03-14'"),
                     1);
    /* Without a status: a draft; keyed by the file's name. */
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM document WHERE import_key = "
                                        "'02-perimeter' AND status = 'draft'"),
                     1);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM document_tag t JOIN document d ON "
                                        "d.n = t.document_n WHERE d.import_key = "
                                        "'convoy-ied-2019' AND ((t.facet = 'threat' AND t.value "
                                        "IN ('ied', 'mine_erw')) OR (t.facet = 'mission' AND "
                                        "t.value = 'MINUSMA') OR (t.facet = 'keyword' AND "
                                        "t.value IN ('convoy', 'route clearance')))"),
                     5);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM document_link l JOIN document d ON "
                                        "d.n = l.document_n WHERE l.record_type = 'incident' AND "
                                        "l.record_id = '0190cccc-0000-7000-8000-000000000001'"),
                     1);
    /* Markup in a title is stored as the text it is. */
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM document WHERE title = "
                                        "'<script>alert(1)</script> heat injuries'"),
                     1);

    /* A javascript: link in the body is neutralised in body_html; the title comes back as
     * text, for the page to show as text. */
    {
        struct db *h = test_db_open(db, 0);
        struct principal cli;
        principal_cli(&cli);
        struct bh_error err;
        json_t *doc = NULL;
        char id[64];
        struct db_stmt *st;
        must(db_prepare(h, "SELECT id FROM document WHERE import_key = '03-script'", &st, &err),
             &err, "prepare");
        assert_int_equal(db_step(st, &err), DB_ROW);
        snprintf(id, sizeof id, "%s", db_column_text(st, 0));
        db_stmt_done(st);
        must(library_get(h, &cli, id, &doc, &err), &err, "get");
        assert_string_equal(json_string_value(json_object_get(doc, "title")),
                            "<script>alert(1)</script> heat injuries");
        const char *html = json_string_value(json_object_get(doc, "body_html"));
        assert_non_null(html);
        assert_null(strstr(html, "javascript:"));
        assert_contains(html, "<strong>bold</strong>");
        json_decref(doc);

        db_close(h);
    }

    /* Again: nothing changes, no version is written. */
    int64_t versions = test_store_int(db, "SELECT count(*) FROM document_version");
    r = test_cli_db(db, NULL, args);
    assert_status(r, 0);
    assert_contains(r.out, "library: 0 created, 0 updated, 3 unchanged");
    test_run_free(&r);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM document_version"), versions);

    /* One file changed: one update, one new version of that document. */
    char *path = test_path(dir, "02-perimeter.md");
    test_write_file(path, "---\nkind: best_practice\ntitle: Camp perimeter protection\n"
                          "summary: Three layers, rehearsed.\ntlp: GREEN\n---\n"
                          "Layers: warning, obstacles, positions.\n");
    free(path);
    r = test_cli_db(db, NULL, args);
    assert_status(r, 0);
    assert_contains(r.out, "library: 0 created, 1 updated, 2 unchanged");
    test_run_free(&r);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM document_version"), versions + 1);
    assert_int_equal(test_store_int(db, "SELECT version FROM document WHERE import_key = "
                                        "'02-perimeter' AND summary = 'Three layers, rehearsed.'"),
                     2);

    /* The export holds the documents with their fields (the operator reads every one). */
    char *out = test_path(test_tmpdir("cli_import_library_export"), "library.json");
    const char *exp[] = { "export", "library", "--status", "any", "--output", out, NULL };
    r = test_cli_db(db, NULL, exp);
    assert_status(r, 0);
    test_run_free(&r);
    size_t len;
    char *text = test_read_file(out, &len);
    free(out);
    json_error_t jerr;
    json_t *all = json_loads(text, 0, &jerr);
    free(text);
    assert_non_null(all);
    assert_int_equal(json_array_size(all), 3);
    size_t i;
    json_t *doc;
    int seen = 0;
    json_array_foreach(all, i, doc)
    {
        assert_null(json_object_get(doc, "can"));
        assert_null(json_object_get(doc, "body_html"));
        const char *title = json_string_value(json_object_get(doc, "title"));
        if (strcmp(title, "IED threats to \"logistics\" convoys") == 0) {
            seen++;
            assert_string_equal(json_string_value(json_object_get(doc, "summary")),
                                "Vary timings; it's the pattern that is attacked.");
            assert_string_equal(json_string_value(json_object_get(doc, "status")), "published");
            assert_string_equal(json_string_value(json_object_get(doc, "tlp")), "TLP:GREEN");
            json_t *threat = json_object_get(json_object_get(doc, "tags"), "threat");
            assert_int_equal(json_array_size(threat), 2);
            assert_int_equal(json_array_size(json_object_get(doc, "links")), 1);
            assert_contains(json_string_value(json_object_get(doc, "body")), "Text of the lesson.");
        }
    }
    assert_int_equal(seen, 1);
    json_decref(all);
    /* By default only what is published. */
    const char *pub[] = { "export", "library", NULL };
    r = test_cli_db(db, NULL, pub);
    assert_status(r, 0);
    all = json_loads(r.out, 0, &jerr);
    assert_non_null(all);
    assert_int_equal(json_array_size(all), 1);
    json_decref(all);
    test_run_free(&r);
    free(db);
}

/* cli/import-library-bad */
static void import_bad(void **state)
{
    (void)state;
    char *db = world("cli_import_library_bad");
    int64_t before = test_store_int(db, "SELECT count(*) FROM document");
    const char *dir = BH_TEST_DATA "/library/bad";
    const char *args[] = { "import", "library", dir, "--org", "FRA", NULL };
    struct test_run r = test_cli_db(db, NULL, args);
    assert_status(r, 1);
    assert_contains(r.err, "02-unknown-key.md: line 4: colour: unknown key");
    assert_contains(r.err, "03-list-for-text.md: line 3: title: a list where text is wanted");
    assert_contains(r.err, "04-bad-kind.md: line 2: kind:");
    assert_contains(r.err, "05-no-close.md: line 4: ---: the front matter has no closing");
    test_run_free(&r);
    /* Nothing written, not even the good file's document. */
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM document"), before);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM document_version"), 0);

    /* An oversized file is refused by its name; an unknown organization is a usage error. */
    const char *big_dir = test_tmpdir("cli_import_library_big");
    char *big = test_path(big_dir, "big.md");
    FILE *f = fopen(big, "w");
    assert_non_null(f);
    fputs("---\ntitle: big\n---\n", f);
    for (int i = 0; i < LIBRARY_FILE_MAX / 64 + 2; i++)
        fputs("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", f);
    fclose(f);
    free(big);
    const char *big_args[] = { "import", "library", big_dir, "--org", "FRA", NULL };
    r = test_cli_db(db, NULL, big_args);
    assert_status(r, 1);
    assert_contains(r.err, "big.md: the file is");
    test_run_free(&r);
    const char *no_org[] = { "import", "library", big_dir, "--org", "XXX", NULL };
    r = test_cli_db(db, NULL, no_org);
    assert_status(r, 2);
    assert_contains(r.err, "XXX");
    test_run_free(&r);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM document"), before);
    free(db);
}

/* cli/library-demo */
static void library_demo_once(void **state)
{
    (void)state;
    char *db = world("cli_library_demo");
    struct db *h = test_db_open(db, 0);
    struct bh_error err;
    /* The demo library: five published documents, once. */
    must(library_demo(h, &err), &err, "demo");
    int64_t demo = test_query_int(h, "SELECT count(*) FROM document WHERE import_key LIKE "
                                     "'demo-%' AND status = 'published'");
    assert_int_equal(demo, 5);
    int64_t demo_versions = test_query_int(h, "SELECT count(*) FROM document_version");
    must(library_demo(h, &err), &err, "demo again");
    assert_int_equal(test_query_int(h, "SELECT count(*) FROM document WHERE import_key LIKE "
                                       "'demo-%'"),
                     5);
    assert_int_equal(test_query_int(h, "SELECT count(*) FROM document_version"), demo_versions);
    assert_int_equal(test_query_int(h, "SELECT count(*) FROM document WHERE import_key = "
                                       "'demo-patrouilles-communaute' AND language = 'fr'"),
                     1);
    db_close(h);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/import-library-good", import_good),
        BH_TEST("cli/import-library-bad", import_bad),
        BH_TEST("cli/library-demo", library_demo_once),
    };
    return cmocka_run_group_tests_name("cli/import-library", tests, NULL, NULL);
}
