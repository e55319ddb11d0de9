/* `bluehelm import cap FILE --org CODE`: a CAP message lands as an alert of CODE with the
 * marking its scope gives; the same message again is not stored twice; stdin works; a file
 * that is not CAP, and a missing or unknown --org, change nothing and say why. */
#include "support.h"
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char cap[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n"
    "  <identifier>CLI-TEST-1</identifier>\n"
    "  <sender>ops@example.org</sender>\n"
    "  <sent>2026-12-07T10:00:00+01:00</sent>\n"
    "  <status>Exercise</status>\n"
    "  <msgType>Alert</msgType>\n"
    "  <scope>Restricted</scope>\n"
    "  <restriction>Members only</restriction>\n"
    "  <info>\n"
    "    <category>Safety</category>\n"
    "    <event>Flood</event>\n"
    "    <urgency>Expected</urgency>\n"
    "    <severity>Moderate</severity>\n"
    "    <certainty>Likely</certainty>\n"
    "    <headline>River rising</headline>\n"
    "    <area><areaDesc>Valley</areaDesc><circle>6.5,21.9 10</circle></area>\n"
    "  </info>\n"
    "</alert>\n";

/* cli/import-cap */
static void cli_import_cap(void **state)
{
    (void)state;
    static const char *const codes[] = { "FRA", NULL };
    char *db = test_world_orgs("cli_import_cap", codes);
    char *file = test_path(test_tmpdir("cli_import_cap_file"), "alert.xml");
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs(cap, f);
    fclose(f);

    const char *args[] = { "import", "cap", file, "--org", "FRA", NULL };
    struct test_run r = test_cli_db(db, NULL, args);
    assert_status(r, 0);
    assert_contains(r.out, "stored (signature not verified)");
    test_run_free(&r);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM alert a JOIN org o ON o.id = "
                                        "a.owner_org_id WHERE o.code = 'FRA' AND a.tlp = "
                                        "'AMBER+STRICT' AND a.origin = 'cli' AND a.headline = "
                                        "'River rising' AND a.sent = '2026-12-07T10:00:00+01:00'"),
                     1);
    /* Again, from stdin: already stored. */
    const char *again[] = { "import", "cap", "-", "--org", "FRA", NULL };
    r = test_cli_db(db, cap, again);
    assert_status(r, 0);
    assert_contains(r.out, "was already stored");
    test_run_free(&r);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM alert"), 1);

    /* Refusals change nothing. */
    const char *no_org[] = { "import", "cap", file, NULL };
    r = test_cli_db(db, NULL, no_org);
    assert_status(r, 2);
    assert_contains(r.err, "--org CODE is required");
    test_run_free(&r);
    const char *bad_org[] = { "import", "cap", file, "--org", "ZZZ", NULL };
    r = test_cli_db(db, NULL, bad_org);
    assert_status(r, 1);
    assert_contains(r.err, "--org");
    test_run_free(&r);
    const char *not_cap[] = { "import", "cap", "-", "--org", "FRA", NULL };
    r = test_cli_db(db, "<x/>", not_cap);
    assert_status(r, 1);
    assert_contains(r.err, "CAP message");
    test_run_free(&r);
    assert_int_equal(test_store_int(db, "SELECT count(*) FROM alert"), 1);
    free(file);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/import-cap", cli_import_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
