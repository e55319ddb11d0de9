/* The incident column table (src/incident/columns.h) against the schema the migrations build:
 * the INSERTs write every column of table incident but the two the store keeps (n and
 * revision), each once; the select list has as many columns as the row reader's indexes; and
 * the generated lists keep the text they had when they were written by hand, so statements
 * already in the cache and in docs read the same. */
#include "support.h"

#include "db/db.h"
#include "incident/incident.h"

#include <string.h>

static struct db *db;

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("incident_columns", NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* Whether `name` is one of the comma-separated names of `list`, and how many times. */
static int occurrences(const char *list, const char *name)
{
    int n = 0;
    size_t len = strlen(name);
    for (const char *c = list; *c;) {
        size_t l = strcspn(c, ",");
        if (l == len && strncmp(c, name, len) == 0)
            n++;
        c += l;
        c += strspn(c, ", ");
    }
    return n;
}

static void write_columns_are_the_table(void **state)
{
    (void)state;
    struct bh_error err;
    struct db_stmt *st;
    must(db_prepare(db, "SELECT name FROM pragma_table_info('incident')", &st, &err), &err,
         "prepare");
    int columns = 0;
    while (db_step(st, &err) == DB_ROW) {
        const char *name = db_column_text(st, 0);
        int want = strcmp(name, "n") == 0 || strcmp(name, "revision") == 0 ? 0 : 1;
        int got = occurrences(INCIDENT_WRITE_COLUMNS, name);
        if (got != want)
            fail_msg("column %s is written %d times, expected %d", name, got, want);
        columns++;
    }
    db_stmt_done(st);
    /* And nothing is written that the table does not have. */
    int written = 0;
    for (const char *c = INCIDENT_WRITE_COLUMNS; *c; c++)
        written += *c == ',';
    assert_int_equal(written + 1, columns - 2);
    assert_int_equal(occurrences(INCIDENT_WRITE_PARAMS, "?"), written + 1);
}

static void select_list_matches_reader(void **state)
{
    (void)state;
    struct bh_error err;
    struct db_stmt *st;
    must(db_prepare(db, "SELECT " INCIDENT_COLUMNS ", NULL FROM " INCIDENT_FROM " LIMIT 0", &st,
                    &err),
         &err, "prepare");
    db_stmt_done(st);
    int selected = 0;
    for (const char *c = INCIDENT_COLUMNS; *c; c++)
        selected += *c == ',';
    assert_int_equal(selected + 1, INCIDENT_NCOLUMNS);
    assert_int_equal(INCIDENT_C_n, 0);
    assert_int_equal(INCIDENT_C_id, 1);
    assert_int_equal(INCIDENT_C_updated_at, INCIDENT_NCOLUMNS - 1);
}

static void generated_text_as_written_by_hand(void **state)
{
    (void)state;
    assert_string_equal(
        INCIDENT_COLUMNS,
        "i.n, i.id, i.mission, i.occurred_at, i.occurred_precision, i.reported_at, i.latitude, "
        "i.longitude, i.location_precision, i.place_name, i.admin1, i.admin2, i.threat_type, "
        "i.target, i.activity, i.perpetrator, i.perpetrator_groups, i.killed, i.injured, "
        "i.missing, i.abducted, i.narrative, i.sources, i.status, i.return_reason, "
        "i.endorsed_by, i.endorsed_at, i.merged_into, i.synthetic, o.code, i.reporter, i.tlp, "
        "i.sharing_group_id, i.revision, i.source, i.source_ref, i.created_at, i.updated_at");
    assert_string_equal(
        INCIDENT_WRITE_COLUMNS,
        "id, mission, occurred_at, occurred_precision, reported_at, latitude, longitude, "
        "location_precision, place_name, admin1, admin2, threat_type, target, activity, "
        "perpetrator, perpetrator_groups, killed, injured, missing, abducted, narrative, sources, "
        "status, return_reason, endorsed_by, endorsed_at, merged_into, synthetic, owner_org_id, "
        "reporter_id, reporter, tlp, sharing_group_id, source, source_ref, created_at, updated_at");
    assert_string_equal(
        INCIDENT_CONTENT_COLUMNS,
        "mission, occurred_at, occurred_precision, reported_at, latitude, longitude, "
        "location_precision, place_name, admin1, admin2, threat_type, target, activity, "
        "perpetrator, perpetrator_groups, killed, injured, missing, abducted, narrative, sources");
    assert_string_equal(INCIDENT_VALUES_ASSIGN,
                        "mission = ?, occurred_at = ?, occurred_precision = ?, reported_at = ?, "
                        "latitude = ?, longitude = ?, location_precision = ?, place_name = ?, "
                        "admin1 = ?, admin2 = ?, threat_type = ?, target = ?, activity = ?, "
                        "perpetrator = ?, perpetrator_groups = ?, killed = ?, injured = ?, "
                        "missing = ?, abducted = ?, narrative = ?, sources = ?, status = ?, "
                        "return_reason = ?, endorsed_by = ?, endorsed_at = ?, merged_into = ?, "
                        "synthetic = ?, owner_org_id = ?, reporter_id = ?, reporter = ?, "
                        "tlp = ?, sharing_group_id = ?, ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("incident/columns-written-are-the-table", write_columns_are_the_table),
        BH_TEST("incident/columns-select-list-matches-reader", select_list_matches_reader),
        BH_TEST("incident/columns-generated-text-as-by-hand", generated_text_as_written_by_hand),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
