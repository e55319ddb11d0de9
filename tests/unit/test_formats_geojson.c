/* Unit tests for the streaming GeoJSON reader (formats/geojson.h), for the UCDP reader that
 * now reads through it (formats/ucdp.h), and for the shared import report (import/import.h). */
#include "support.h"

#include "base/err.h"
#include "formats/geojson.h"
#include "formats/ucdp.h"
#include "import/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct seen {
    long n;
    long index[8], line[8];
    char type[8][16];
    int stop_after; /* 0: never */
};

static int on_feature(void *ctx, json_t *f, long index, long line, struct bh_error *err)
{
    struct seen *s = ctx;
    if (s->n < 8) {
        s->index[s->n] = index;
        s->line[s->n] = line;
        const char *t = json_string_value(json_object_get(f, "type"));
        snprintf(s->type[s->n], sizeof s->type[0], "%s", t ? t : "-");
    }
    s->n++;
    if (s->stop_after && s->n >= s->stop_after)
        return bh_fail(err, BH_EINVALID, "stop", "stopped by the test");
    return 0;
}

/* formats/geojson-members: members in any order, others skipped, a byte order mark, white
 * space, features with their indexes and the lines they start on; memory and a file agree. */
static void geojson_members(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBF\n{\"bbox\": [1, 2, 3, 4], \"features\": [\n"
                       "  {\"type\": \"Feature\", \"properties\": {\"a\": \"]}\"}},\n"
                       "\n  {\"type\": \"X\"}, 7,\n  \"s\"],\n"
                       "  \"name\": {\"deep\": [[]]}, \"type\": \"FeatureCollection\"}\n";
    struct seen s = { 0 };
    struct geojson_reader_opts o = { on_feature, NULL, NULL, &s, 0, true };
    struct bh_error err;
    must(geojson_read_mem(text, strlen(text), &o, &err), &err, "read");
    assert_int_equal(s.n, 4);
    assert_int_equal(s.index[3], 3);
    assert_int_equal(s.line[0], 3);
    assert_int_equal(s.line[1], 5);
    assert_int_equal(s.line[3], 6);
    assert_string_equal(s.type[0], "Feature");
    assert_string_equal(s.type[1], "X");
    assert_string_equal(s.type[2], "-");

    FILE *f = fmemopen((void *)text, strlen(text), "rb");
    struct seen t = { 0 };
    o.ctx = &t;
    must(geojson_read_file(f, &o, &err), &err, "read file");
    fclose(f);
    assert_int_equal(t.n, 4);
    assert_memory_equal(t.line, s.line, sizeof s.line);

    /* Without `scalars`, a feature that is no object or array is broken JSON, as jansson says. */
    memset(&s, 0, sizeof s);
    o.ctx = &s;
    o.scalars = false;
    assert_int_equal(geojson_read_mem(text, strlen(text), &o, &err), BH_EINVALID);
    assert_contains(err.message, "feature 2 (line 5): '[' or '{' expected near '7'");
}

/* formats/geojson-faults: each way a file is no FeatureCollection is BH_EINVALID with the
 * reader's sentence naming the line (field "file"), the fault's kind told to the caller. */
static int last_kind;
static long last_line, last_column;

static int on_fault(void *ctx, const struct geojson_fault *f, struct bh_error *err)
{
    (void)ctx;
    last_kind = (int)f->kind;
    last_line = f->line;
    last_column = f->column;
    return err->code;
}

static void geojson_faults(void **state)
{
    (void)state;
    const struct {
        const char *text;
        int kind;
        const char *says;
    } cases[] = {
        { "[1, 2]", GEOJSON_NOT_OBJECT, "line 1: not GeoJSON: expected a FeatureCollection" },
        { "{\"type\": \"Feature\", \"features\": []}", GEOJSON_NOT_COLLECTION,
          "line 1: the GeoJSON object is not a FeatureCollection" },
        { "{\"features\": []}", GEOJSON_NOT_COLLECTION, "not a GeoJSON FeatureCollection (no" },
        { "{\"type\": \"FeatureCollection\"}", GEOJSON_NO_FEATURES,
          "not a GeoJSON FeatureCollection (no" },
        { "{\"type\": \"FeatureCollection\", \"features\": {}}", GEOJSON_NO_FEATURES,
          "line 1: features must be a list" },
        { "{\"type\": \"FeatureCollection\", \"features\": [\n  {\"a\": 1,}]}", GEOJSON_SYNTAX,
          "feature 0 (line 2): " },
        { "{\"type\": \"FeatureCollection\", \"features\": []} x", GEOJSON_SYNTAX,
          "line 1: text after the GeoJSON object" },
        { "{\"type\": \"FeatureCollection\", \"features\": [{\"a\": \"b", GEOJSON_SYNTAX,
          "line 1: the file ends inside the value" },
        { "", GEOJSON_NOT_OBJECT, "line 1: not GeoJSON" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct seen s = { 0 };
        struct geojson_reader_opts o = { on_feature, NULL, on_fault, &s, 0, false };
        struct bh_error err;
        last_kind = -1;
        int rc = geojson_read_mem(cases[i].text, strlen(cases[i].text), &o, &err);
        if (rc != BH_EINVALID || last_kind != cases[i].kind || !strstr(err.message, cases[i].says))
            fail_msg("case %zu: rc %d kind %d \"%s\"; expected kind %d \"%s\"", i, rc, last_kind,
                     err.message, cases[i].kind, cases[i].says);
        assert_string_equal(err.field, "file");
    }
    /* Broken JSON inside a feature is placed in the file, not in the feature's text. */
    const char *broken = "{\"type\": \"FeatureCollection\", \"features\": [\n  {\"a\": 1,}]}";
    struct seen s = { 0 };
    struct geojson_reader_opts o = { on_feature, NULL, on_fault, &s, 0, false };
    struct bh_error err;
    assert_int_equal(geojson_read_mem(broken, strlen(broken), &o, &err), BH_EINVALID);
    assert_int_equal(last_line, 2);
    assert_int_equal(last_column, 11);
}

/* formats/geojson-stops: a callback's failure stops the read and is its result. */
static void geojson_stops(void **state)
{
    (void)state;
    const char *text = "{\"type\": \"FeatureCollection\", \"features\": [{}, {}, {}]}";
    struct seen s = { .stop_after = 2 };
    struct geojson_reader_opts o = { on_feature, NULL, NULL, &s, 0, false };
    struct bh_error err;
    assert_int_equal(geojson_read_mem(text, strlen(text), &o, &err), BH_EINVALID);
    assert_string_equal(err.field, "stop");
    assert_int_equal(s.n, 2);
}

static int stop_at_first(void *ctx, const struct ucdp_event *ev, const struct ucdp_where *at,
                         const struct bh_error *problem, struct bh_error *err)
{
    (void)ev;
    (void)at;
    (void)problem;
    (*(long *)ctx)++;
    return bh_fail(err, BH_EINVALID, NULL, "enough");
}

/* formats/ucdp-geojson-streams: the UCDP reader hands over the first event of a large GeoJSON
 * file having read only the beginning of it; it used to load the whole file first, so that
 * memory grew with the file. */
static void ucdp_geojson_streams(void **state)
{
    (void)state;
    const char *dir = test_tmpdir("formats_ucdp_streams");
    char *path = test_path(dir, "ged.geojson");
    FILE *w = fopen(path, "wb");
    assert_non_null(w);
    fputs("{\"type\": \"FeatureCollection\", \"features\": [\n", w);
    for (int i = 0; i < 20000; i++)
        fprintf(w,
                "%s{\"type\": \"Feature\", \"properties\": {\"id\": %d, \"type_of_violence\": 1, "
                "\"date_start\": \"2020-01-01\", \"best\": 1, \"where_description\": \"a place "
                "described at some length so that the file is large\"}, \"geometry\": "
                "{\"type\": \"Point\", \"coordinates\": [20.5, 5.5]}}\n",
                i ? "," : "", i + 1);
    fputs("]}\n", w);
    long size = ftell(w);
    fclose(w);
    assert_true(size > 4000000);

    FILE *f = fopen(path, "rb");
    long events = 0;
    struct ucdp_read_info info;
    struct bh_error err;
    assert_int_equal(ucdp_read_file(f, stop_at_first, &events, &info, &err), BH_EINVALID);
    long at = ftell(f);
    fclose(f);
    assert_int_equal(events, 1);
    assert_string_equal(info.format, "geojson");
    if (at > 65536)
        fail_msg("read %ld of %ld bytes before the first event", at, size);
    free(path);
}

static int count_events(void *ctx, const struct ucdp_event *ev, const struct ucdp_where *at,
                        const struct bh_error *problem, struct bh_error *err)
{
    (void)err;
    char *out = ctx;
    size_t n = strlen(out);
    snprintf(out + n, 256 - n, "%ld:%s;", at->feature, ev ? ev->id : problem->message);
    return 0;
}

/* formats/ucdp-geojson-scalar-feature: a feature that is no object is one rejected event, as
 * when the whole file went through jansson, and the events after it are read. */
static void ucdp_scalar_feature(void **state)
{
    (void)state;
    const char *text =
        "{\"type\": \"FeatureCollection\", \"features\": [7, {\"type\": \"Feature\", "
        "\"properties\": {\"id\": 5, \"type_of_violence\": 2, \"date_start\": "
        "\"2020-01-01\", \"best\": 0}, \"geometry\": {\"type\": \"Point\", "
        "\"coordinates\": [1, 2]}}]}";
    char seen[256] = "";
    struct ucdp_read_info info;
    struct bh_error err;
    must(ucdp_read_mem(text, strlen(text), count_events, seen, &info, &err), &err, "read");
    assert_string_equal(seen, "0:the feature is not an object;1:5;");
    assert_int_equal(info.events, 2);
}

/* import/report: every rejection is counted, the first `limit` listed with line, feature,
 * field and reason; warnings listed apart; import_end of a failure zeroes the write counts. */
static void import_report(void **state)
{
    (void)state;
    struct import_report r;
    import_report_init(&r);
    r.limit = 2;
    import_reject(&r, 3, -1, NULL, "mission", "mission '%s' is unknown", "UNXYZ");
    import_reject(&r, 0, 4, "feature 4 (id 7)", NULL, "no geometry");
    import_reject(&r, 9, -1, NULL, "", "dropped from the list");
    import_warn(&r, 5, -1, NULL, "event_type", "stored as %s", "other");
    assert_int_equal(r.rejected, 3);
    assert_int_equal(r.nrejections, 2);
    assert_int_equal(r.rejections[0].line, 3);
    assert_int_equal(r.rejections[0].feature, -1);
    assert_string_equal(r.rejections[0].field, "mission");
    assert_string_equal(r.rejections[0].reason, "mission 'UNXYZ' is unknown");
    assert_null(r.rejections[0].label);
    assert_string_equal(r.rejections[1].label, "feature 4 (id 7)");
    assert_string_equal(r.rejections[1].field, "");
    assert_int_equal(r.nwarnings, 1);
    assert_string_equal(r.warnings[0].reason, "stored as other");
    import_report_cleanup(&r);
    assert_null(r.rejections);

    struct bh_error err;
    struct import_input in = { "f.csv", NULL, "a", 1, 0 };
    assert_int_equal(import_input_size(&in), 1);
    bh_fail(&err, BH_EINVALID, NULL, "x");
    import_prefix_line(&err, 12);
    assert_string_equal(err.message, "line 12: x");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("formats/geojson-members", geojson_members),
        BH_TEST("formats/geojson-faults", geojson_faults),
        BH_TEST("formats/geojson-stops", geojson_stops),
        BH_TEST("formats/ucdp-geojson-streams", ucdp_geojson_streams),
        BH_TEST("formats/ucdp-geojson-scalar-feature", ucdp_scalar_feature),
        BH_TEST("import/report", import_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
