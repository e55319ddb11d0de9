/* Migration 0014 (casualty_un_row_key) builds table casualty again to drop the uniqueness of
 * casualty_id: the rows, the CASEVAC timelines that reference them, every trigger and index
 * the table had must come through, and the new keys must hold. */
#include "support.h"

#include "db/db.h"
#include "db/migrate.h"
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIGRATION "casualty_un_row_key"

/* The version of migration 0014, found by name. */
static int version_of(const char *name)
{
    for (size_t i = 0; i < migrations_builtin_count; i++)
        if (strcmp(migrations_builtin[i].name, name) == 0)
            return migrations_builtin[i].version;
    fail_msg("no migration %s", name);
    return 0;
}

/* "name: sql" of every object of `type` on table casualty, one a line, by name (heap). */
static char *objects(struct db *db, const char *type, const char *except)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT ifnull(group_concat(name || ': ' || ifnull(sql, '-'), char(10)), '') FROM "
             "(SELECT name, sql FROM sqlite_master WHERE type = '%s' AND tbl_name = 'casualty' "
             "AND name NOT IN (%s) ORDER BY name)",
             type, except);
    return strdup(test_query_text(db, sql));
}

static const char insert_row[] =
    "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, gender, "
    "nationality, nationality_iso3, personnel_type, incident_type, owner_org_id, tlp, "
    "embargoed, source, source_row, created_at, updated_at) VALUES ('%s', '%s', '2003-05-05', "
    "'UNMIK', 'Fatality', 'U', 'Montenegro', 'MNE', 'Local', 'Self-Inflicted', (SELECT id FROM "
    "org WHERE code = 'DPO'), 'CLEAR', 0, '%s', %s, '2025-04-04T00:00:00Z', "
    "'2025-04-04T00:00:00Z')";

/* Runs insert_row with these values; returns the store's code (0 when it went in). */
static int insert(struct db *db, const char *id, const char *casualty_id, const char *source,
                  const char *source_row)
{
    char sql[1024];
    snprintf(sql, sizeof sql, insert_row, id, casualty_id, source, source_row);
    struct bh_error err;
    return db_exec(db, sql, &err);
}

/* db/migration-0014-keeps-triggers: a store at the version before 0014 with records and a
 * CASEVAC timeline, migrated: the same triggers on casualty (by name and text: a trigger a
 * later helper adds before 0014 must be repeated in it), the same indexes plus the new keys,
 * every row and timeline as it was, foreign keys whole. */
static void keeps_triggers(void **state)
{
    (void)state;
    char *path = test_store_path("migration_0014");
    struct db *db = test_db_open(path, DB_OPEN_CREATE);
    struct bh_error err;
    int v = version_of(MIGRATION);
    assert_int_equal(migrate_apply(db, migrations_builtin, (size_t)v - 1, NULL, &err), 0);
    struct refdata_counts n;
    if (refdata_load(db, TEST_ISO_DIR, &n, &err))
        fail_msg("%s", err.message);
    test_exec(db, "INSERT INTO org (code, kind, name, created_at) VALUES ('DPO', 'un_entity', "
                  "'Department of Peace Operations', '2021-04-27T00:00:00Z')");
    assert_int_equal(
        insert(db, "01900000-0000-7000-8000-000000000001", "UNMIK-2003-05-03589", "un", "1898"), 0);
    assert_int_equal(
        insert(db, "01900000-0000-7000-8000-000000000002", "BH-000000000001", "member", "NULL"), 0);
    test_exec(db, "INSERT INTO casevac (casualty_id, injury_at, updated_at, updated_by) VALUES "
                  "('01900000-0000-7000-8000-000000000002', '2025-01-01T10:00:00Z', "
                  "'2025-01-01T11:00:00Z', 'focal')");
    char *triggers = objects(db, "trigger", "''");
    char *indexes = objects(db, "index",
                            "'sqlite_autoindex_casualty_1', "
                            "'sqlite_autoindex_casualty_2'");
    char *rows = strdup(test_query_text(db, "SELECT group_concat(id || casualty_id || source || "
                                            "ifnull(source_row, '-') || updated_at, ';') FROM "
                                            "(SELECT * FROM casualty ORDER BY id)"));
    assert_true(strlen(triggers) > 0);

    assert_int_equal(migrate_apply(db, migrations_builtin, migrations_builtin_count, NULL, &err),
                     0);
    char *triggers_after = objects(db, "trigger", "''");
    assert_string_equal(triggers_after, triggers);
    char *indexes_after =
        objects(db, "index",
                "'casualty_un_row', 'casualty_member_id', 'casualty_casualty_id', "
                "'casualty_duplicate_of', 'sqlite_autoindex_casualty_1'");
    assert_string_equal(indexes_after, indexes);
    assert_string_equal(test_query_text(db, "SELECT group_concat(id || casualty_id || source || "
                                            "ifnull(source_row, '-') || updated_at, ';') FROM "
                                            "(SELECT * FROM casualty ORDER BY id)"),
                        rows);
    assert_string_equal(test_query_text(db, "SELECT casualty_id || ' ' || injury_at FROM casevac"),
                        "01900000-0000-7000-8000-000000000002 2025-01-01T10:00:00Z");
    assert_string_equal(test_query_text(db, "PRAGMA integrity_check"), "ok");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE "
                                        "'%casevac_keep%' OR name = 'casualty_new'"),
                     0);

    /* The new keys: a UN casualty_id may repeat, a UN row id may not, a member's
     * casualty_id may not; a record cannot be the duplicate of itself. */
    assert_int_equal(
        insert(db, "01900000-0000-7000-8000-000000000003", "UNMIK-2003-05-03589", "un", "1899"), 0);
    assert_int_not_equal(
        insert(db, "01900000-0000-7000-8000-000000000004", "UNMIK-2003-05-00001", "un", "1899"), 0);
    assert_int_not_equal(
        insert(db, "01900000-0000-7000-8000-000000000005", "BH-000000000001", "member", "NULL"), 0);
    assert_int_not_equal(db_exec(db,
                                 "UPDATE casualty SET duplicate_of = id WHERE id = "
                                 "'01900000-0000-7000-8000-000000000003'",
                                 &err),
                         0);
    test_exec(db, "UPDATE casualty SET duplicate_of = '01900000-0000-7000-8000-000000000001' "
                  "WHERE id = '01900000-0000-7000-8000-000000000003'");
    free(indexes_after);
    free(triggers_after);
    free(rows);
    free(indexes);
    free(triggers);
    db_close(db);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("db/migration-0014-keeps-triggers", keeps_triggers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
