/* `bluehelm export incidents` and `bluehelm export events`: the real binary on a real store:
 * GeoJSON and CSV (with the HXL row) to standard output and to a file, the filters of the
 * API, what the operator exports (audited when it holds RED or AMBER+STRICT records) and
 * what --published exports, and the mistakes it names without touching an existing file. */
#include "support.h"
#include "world.h"

#include "db/db.h"
#include "event/event.h"
#include "incident/incident.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FRA's incidents around Gao and Juba, one of them RED, one CLEAR; and one UCDP event. */
static char *small_store(const char *name)
{
    char *db = test_world_orgs(name, (const char *const[]){ "FRA", NULL });
    struct db *h = test_db_open(db, 0);
    struct bh_error err;
    static const struct test_incident rows[] = {
        { "juba", "UNMISS", "2024-06-01T08:00:00Z", 4.85, 31.6, "Ambush, \"Juba\".", "FRA", "GREEN",
          NULL },
        { "gao-red", "MINUSMA", "2024-05-01T08:00:00Z", 16.3, -0.1, "Named recipients.", "FRA",
          "RED", NULL },
        { "gao", "MINUSMA", "2024-04-01T08:00:00Z", 16.27, -0.04, "IED on the road.", "FRA",
          "CLEAR", NULL },
    };
    test_insert_incidents(h, rows, sizeof rows / sizeof rows[0]);
    struct event_row e;
    test_gao_event(h, "CLEAR", &e);
    e.fatalities = 4;
    must(event_store_upsert(h, &e, NULL, &err), &err, "event");
    db_close(h);
    return db;
}

/* The ids of a FeatureCollection's features, "a,b"; fails unless it is one. */
static const char *feature_ids(const char *text)
{
    static char out[512];
    out[0] = '\0';
    json_error_t jerr;
    json_t *fc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (!fc)
        fail_msg("not JSON (%s):\n%s", jerr.text, text);
    assert_string_equal(json_string_value(json_object_get(fc, "type")), "FeatureCollection");
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(fc, "features"), i, f)
    {
        if (out[0])
            strcat(out, ",");
        strcat(out, json_string_value(json_object_get(f, "id")));
    }
    json_decref(fc);
    return out;
}

static int64_t reads_audited(const char *db)
{
    struct db *h = test_db_open(db, DB_OPEN_READONLY);
    int64_t n = test_query_int(h, "SELECT count(*) FROM audit_log WHERE action = 'incident.read'");
    db_close(h);
    return n;
}

/* cli/export-layers-formats: GeoJSON (the default) and CSV to standard output, filtered as
 * the API filters; --published exports TLP:CLEAR only; the operator's file with a RED record
 * is audited. */
static void cli_export_layers_formats(void **state)
{
    (void)state;
    char *db = small_store("cli_export_layers_formats");
    struct test_run r = test_cli((const char *[]){ "export", "incidents", "--db", db, NULL });
    assert_status(r, 0);
    assert_string_equal(feature_ids(r.out), "juba,gao-red,gao");
    assert_contains(r.out, "\"coordinates\":[31.6,4.85]");
    test_run_free(&r);
    assert_int_equal(reads_audited(db), 1);

    r = test_cli((const char *[]){ "export", "incidents", "--bbox", "-1,16,0,17", "--to",
                                   "2024-04-01", "--format", "geojson", "--db", db, NULL });
    assert_status(r, 0);
    assert_string_equal(feature_ids(r.out), "gao");
    test_run_free(&r);
    assert_int_equal(reads_audited(db), 1); /* nothing restricted in that file */

    r = test_cli((const char *[]){ "export", "incidents", "--format", "csv", "--near",
                                   "4.85,31.6,5", "--q", "juba", "--db", db, NULL });
    assert_status(r, 0);
    assert_int_equal(test_count_lines(r.out), 3);
    assert_prefix(r.out, "id,mission,occurred_at,occurred_precision,reported_at,latitude,");
    assert_contains(r.out, "\n#event+id,#x_mission,#date+occurred,");
    assert_contains(r.out, "\njuba,UNMISS,2024-06-01T08:00:00Z,exact,2024-06-01T08:00:00Z,4.85,"
                           "31.6,exact,,,,ied,convoy,patrolling,,,0,0,0,0,\"Ambush, "
                           "\"\"Juba\"\".\",,endorsed,");
    test_run_free(&r);

    r = test_cli((const char *[]){ "export", "incidents", "--published", "--sort", "occurred",
                                   "--db", db, NULL });
    assert_status(r, 0);
    assert_string_equal(feature_ids(r.out), "gao");
    test_run_free(&r);

    r = test_cli((const char *[]){ "export", "events", "--mission", "MINUSMA", "--db", db, NULL });
    assert_status(r, 0);
    assert_string_equal(feature_ids(r.out), "ucdp:501");
    test_run_free(&r);
    r = test_cli((const char *[]){ "export", "events", "--mission", "UNMISS", "--format", "csv",
                                   "--db", db, NULL });
    assert_status(r, 0);
    assert_int_equal(test_count_lines(r.out), 2);
    test_run_free(&r);
    free(db);
}

/* cli/export-layers-output: --output writes the file whole and says so. */
static void cli_export_layers_output(void **state)
{
    (void)state;
    char *db = small_store("cli_export_layers_output");
    char *path = test_path(test_tmpdir("cli_export_layers_out"), "incidents.csv");
    struct test_run r = test_cli((const char *[]){ "export", "incidents", "--format", "csv",
                                                   "--output", path, "--db", db, NULL });
    assert_status(r, 0);
    assert_contains(r.out, "exported 3 incidents (csv) to ");
    test_run_free(&r);
    char *text = test_read_file(path, NULL);
    assert_int_equal(test_count_lines(text), 5);
    assert_contains(text, "\ngao-red,MINUSMA,");
    free(text);
    free(path);
    free(db);
}

/* cli/export-layers-mistakes: each mistake names its option, exits 2, and leaves an existing
 * output file as it was, with no temporary file beside it. */
static void cli_export_layers_mistakes(void **state)
{
    (void)state;
    char *db = small_store("cli_export_layers_mistakes");
    const char *dir = test_tmpdir("cli_export_layers_keep");
    char *path = test_path(dir, "keep.geojson");
    test_write_file(path, "old\n");
    static const struct {
        const char *what, *option, *value, *says;
    } bad[] = {
        { "incidents", "--bbox", "1,2,3", "--bbox: bbox '1,2,3' must be 4 numbers" },
        { "incidents", "--near", "10,20,0", "--near: near: km 0 must be more than 0" },
        { "incidents", "--from", "2024-02-30", "--from: from '2024-02-30' is neither a date" },
        { "incidents", "--mission", "ATLANTIS", "--mission: mission 'ATLANTIS' is not a known" },
        { "incidents", "--type", "volcano", "--type: type 'volcano' is not a threat type" },
        { "incidents", "--sort", "date", "--sort: sort 'date' must be -occurred" },
        { "events", "--status", "endorsed", "--status: status does not apply to events" },
        { "events", "--format", "kml", "--format 'kml' is not one of geojson, csv" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct test_run r =
            test_cli((const char *[]){ "export", bad[i].what, bad[i].option, bad[i].value,
                                       "--output", path, "--db", db, NULL });
        if (r.status != 2 || !strstr(r.err, bad[i].says))
            fail_msg("export %s %s %s: expected exit 2 saying \"%s\", got %d: %s", bad[i].what,
                     bad[i].option, bad[i].value, bad[i].says, r.status, r.err);
        test_run_free(&r);
        char *text = test_read_file(path, NULL);
        assert_string_equal(text, "old\n");
        free(text);
    }
    DIR *d = opendir(dir);
    int files = 0;
    for (struct dirent *e; (e = readdir(d));)
        files += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(files, 1);
    free(path);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/export-layers-formats", cli_export_layers_formats),
        BH_TEST("cli/export-layers-output", cli_export_layers_output),
        BH_TEST("cli/export-layers-mistakes", cli_export_layers_mistakes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
