/* The audit log: appending inside transactions, the hash chain, verification of changed,
 * deleted and reordered rows, and the filtered list, against real SQLite stores. */
#include "support.h"

#include "audit/audit.h"
#include "base/timeutil.h"
#include "db/db.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

static void someone(struct principal *p, int64_t account, const char *user, const char *org)
{
    test_principal(p, account, 0, org, ROLE_ADMIN, "%s", user);
}

/* Five entries by three actors: two org creates by the CLI, a user create and update by an
 * admin of UNDPO, a token create by a focal point of NOR. */
static void five_entries(struct db *db)
{
    struct principal cli, admin, fp;
    principal_cli(&cli);
    someone(&admin, 1, "amina.diallo", "UNDPO");
    someone(&fp, 2, "lars.berg", "NOR");
    test_audit_append(db, &cli, "org.create", "org", "UNDPO",
                      "{\"name\":\"UN DPO\",\"code\":\"UNDPO\"}");
    test_audit_append(db, &cli, "org.create", "org", "NOR",
                      "{\"code\":\"NOR\",\"name\":\"Norway\"}");
    test_audit_append(db, &admin, "user.create", "account", "2", "{\"role\":\"focal_point\"}");
    test_audit_append(db, &admin, "user.update", "account", "2", "{\"disabled\":true}");
    test_audit_append(db, &fp, "token.create", "token", NULL, NULL);
}

/* Runs raw SQL the way someone with the file would (triggers dropped first). */
static void tamper(struct db *db, const char *sql)
{
    test_exec(db, "DROP TRIGGER IF EXISTS audit_log_no_update;"
                  "DROP TRIGGER IF EXISTS audit_log_no_delete;");
    test_exec(db, sql);
}

static void verify(struct db *db, struct audit_verify_result *res)
{
    struct bh_error err;
    if (audit_verify(db, res, &err))
        fail_msg("audit_verify: %s", err.message);
}

/* Verification fails at row `seq` for `reason`. */
static void assert_broken(struct db *db, int64_t seq, const char *reason)
{
    struct audit_verify_result res;
    verify(db, &res);
    if (res.ok)
        fail_msg("verify passed, expected row %lld to break: %s", (long long)seq, reason);
    assert_int_equal(res.bad_seq, seq);
    assert_string_equal(res.reason, reason);
}

/* audit/append-outside-transaction: refused, nothing written. */
static void append_outside_transaction(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("audit_notx", NULL);
    struct principal cli;
    struct bh_error err;
    principal_cli(&cli);
    assert_int_equal(audit_append(db, &cli, "org.create", "org", "X", NULL, &err), BH_EINTERNAL);
    assert_non_null(strstr(err.message, "outside a transaction"));
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), 0);
    db_close(db);
}

/* audit/append-rolls-back-with-the-write */
static void append_rolls_back(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("audit_rollback", NULL);
    struct principal cli;
    struct bh_error err;
    principal_cli(&cli);
    assert_int_equal(db_begin(db, &err), 0);
    assert_int_equal(audit_append(db, &cli, "org.create", "org", "X", NULL, &err), 0);
    db_rollback(db);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), 0);
    db_close(db);
}

/* audit/append-fields: actor, organization, time, sorted compact summary, chained hashes. */
static void append_fields(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("audit_fields", NULL);
    five_entries(db);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), 5);
    assert_int_equal(test_query_int(db, "SELECT max(seq) FROM audit_log"), 5);

    struct bh_error err;
    struct db_stmt *st;
    assert_int_equal(db_prepare(db,
                                "SELECT seq, at, account_id, username, org_code, action, "
                                "record_type, record_id, summary, prev_hash, hash "
                                "FROM audit_log ORDER BY seq",
                                &st, &err),
                     0);
    char prev[65] = ZEROS;
    char cli_user[80];
    snprintf(cli_user, sizeof cli_user, "cli:%s", getenv("USER") ? getenv("USER") : "unknown");
    for (int i = 1; i <= 5; i++) {
        assert_int_equal(db_step(st, &err), DB_ROW);
        assert_int_equal(db_column_int(st, 0), i);
        const char *at = db_column_text(st, 1);
        int64_t ms;
        assert_int_equal(time_parse_rfc3339(at, &ms, NULL, &err), 0);
        assert_int_equal(strlen(at), strlen("2024-06-01T08:30:00.250Z"));
        assert_int_equal(at[23], 'Z');
        assert_true(llabs(time_now_ms() - ms) < 60000);
        assert_string_equal(db_column_text(st, 9), prev);
        assert_int_equal(strlen(db_column_text(st, 10)), 64);
        assert_string_not_equal(db_column_text(st, 10), prev);
        snprintf(prev, sizeof prev, "%s", db_column_text(st, 10));
        if (i == 1) {
            assert_true(db_column_is_null(st, 2));
            assert_string_equal(db_column_text(st, 3), cli_user);
            assert_string_equal(db_column_text(st, 4), "");
            assert_string_equal(db_column_text(st, 5), "org.create");
            assert_string_equal(db_column_text(st, 6), "org");
            assert_string_equal(db_column_text(st, 7), "UNDPO");
            assert_string_equal(db_column_text(st, 8), "{\"code\":\"UNDPO\",\"name\":\"UN DPO\"}");
        }
        if (i == 3) {
            assert_int_equal(db_column_int(st, 2), 1);
            assert_string_equal(db_column_text(st, 3), "amina.diallo");
            assert_string_equal(db_column_text(st, 4), "UNDPO");
        }
        if (i == 5) {
            assert_true(db_column_is_null(st, 7));
            assert_string_equal(db_column_text(st, 8), "{}");
        }
    }
    assert_int_equal(db_step(st, &err), DB_DONE);
    db_stmt_done(st);
    db_close(db);
}

/* Feeds a field the way docs/audit.md describes: tag byte, 8-byte big-endian length, bytes. */
static void feed(crypto_generichash_state *h, const char *s)
{
    unsigned char head[9] = { 0 };
    if (s) {
        size_t len = strlen(s);
        head[0] = 1;
        for (int i = 0; i < 8; i++)
            head[1 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
    }
    crypto_generichash_update(h, head, sizeof head);
    if (s)
        crypto_generichash_update(h, (const unsigned char *)s, strlen(s));
}

/* audit/hash-format: the stored hash is the documented serialization, recomputed here
 * independently, so an outside tool can verify an exported log. */
static void hash_format(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("audit_hash", NULL);
    five_entries(db);
    struct bh_error err;
    struct db_stmt *st;
    assert_int_equal(db_prepare(db,
                                "SELECT seq, at, account_id, username, org_code, action, "
                                "record_type, record_id, summary, prev_hash, hash "
                                "FROM audit_log ORDER BY seq",
                                &st, &err),
                     0);
    assert_true(sodium_init() >= 0);
    while (db_step(st, &err) == DB_ROW) {
        char seq[24], account[24], hex[65];
        unsigned char digest[32];
        crypto_generichash_state h;
        snprintf(seq, sizeof seq, "%" PRId64, db_column_int(st, 0));
        snprintf(account, sizeof account, "%" PRId64, db_column_int(st, 2));
        crypto_generichash_init(&h, NULL, 0, 32);
        feed(&h, "bluehelm audit v1");
        feed(&h, seq);
        feed(&h, db_column_text(st, 1));
        feed(&h, db_column_is_null(st, 2) ? NULL : account);
        for (int c = 3; c <= 9; c++)
            feed(&h, db_column_text(st, c));
        crypto_generichash_final(&h, digest, 32);
        sodium_bin2hex(hex, sizeof hex, digest, 32);
        assert_string_equal(hex, db_column_text(st, 10));
    }
    db_stmt_done(st);
    db_close(db);
}

/* audit/store-refuses-update-and-delete: the triggers make the table append-only. */
static void store_refuses_changes(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("audit_triggers", NULL);
    five_entries(db);
    struct bh_error err;
    assert_true(db_exec(db, "UPDATE audit_log SET summary = '{}' WHERE seq = 2", &err) < 0);
    assert_non_null(strstr(err.message, "append-only"));
    assert_true(db_exec(db, "DELETE FROM audit_log WHERE seq = 2", &err) < 0);
    assert_non_null(strstr(err.message, "append-only"));
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM audit_log"), 5);
    db_close(db);
}

/* audit/verify-intact, including the empty log */
static void verify_intact(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("audit_intact", NULL);
    struct audit_verify_result res;
    verify(db, &res);
    assert_true(res.ok);
    assert_int_equal(res.rows, 0);
    five_entries(db);
    verify(db, &res);
    assert_true(res.ok);
    assert_int_equal(res.rows, 5);
    assert_int_equal(res.bad_seq, 0);
    db_close(db);
}

/* A store of five entries, tampered with `sql`: verification fails at row `seq` for
 * `reason`. */
static void assert_tamper_found(const char *name, const char *sql, int64_t seq, const char *reason)
{
    struct db *db = test_db_migrated(name, NULL);
    five_entries(db);
    tamper(db, sql);
    assert_broken(db, seq, reason);
    db_close(db);
}

/* audit/verify-changed: one edited field names that row. */
static void verify_changed(void **state)
{
    (void)state;
    assert_tamper_found("audit_changed",
                        "UPDATE audit_log SET username = 'someone.else' WHERE seq = 3", 3,
                        "row 3 was changed");
}

/* audit/verify-deleted-middle and audit/verify-deleted-first */
static void verify_deleted(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("audit_deleted", NULL);
    five_entries(db);
    tamper(db, "DELETE FROM audit_log WHERE seq = 3");
    assert_broken(db, 3, "row 3 is missing (rows 2 and 4 do not chain)");
    tamper(db, "DELETE FROM audit_log WHERE seq = 4");
    struct audit_verify_result res;
    verify(db, &res);
    assert_string_equal(res.reason, "rows 3 to 4 are missing (rows 2 and 5 do not chain)");
    db_close(db);

    assert_tamper_found("audit_deleted_first", "DELETE FROM audit_log WHERE seq = 1", 1,
                        "row 1 is missing (the log starts at row 2)");
}

/* audit/verify-renumbered: deleting a row and renumbering the rest to close the gap still
 * breaks the chain (the hash covers seq and the previous hash). */
static void verify_renumbered(void **state)
{
    (void)state;
    assert_tamper_found("audit_renumbered",
                        "DELETE FROM audit_log WHERE seq = 3;"
                        "UPDATE audit_log SET seq = seq - 1 WHERE seq > 3",
                        3, "row 3 was changed");
}

/* audit/verify-swapped: two rows' contents exchanged, hashes and all. */
static void verify_swapped(void **state)
{
    (void)state;
    assert_tamper_found("audit_swapped",
                        "UPDATE audit_log SET seq = 100 WHERE seq = 2;"
                        "UPDATE audit_log SET seq = 2 WHERE seq = 4;"
                        "UPDATE audit_log SET seq = 4 WHERE seq = 100",
                        2, "row 2 was changed");
}

/* audit/verify-forged: a row rewritten with a correctly recomputed hash (someone who read the
 * source) still breaks the link to the next row, which is named. */
static void verify_forged(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("audit_forged", NULL);
    five_entries(db);
    /* Copy row 2 of a second log, whose hash is valid for seq 2 but chains from another row 1. */
    struct db *other = test_db_migrated("audit_forged_other", NULL);
    struct principal cli;
    principal_cli(&cli);
    test_audit_append(other, &cli, "org.create", "org", "ZZZ", "{\"code\":\"ZZZ\"}");
    test_audit_append(other, &cli, "org.create", "org", "YYY", "{\"code\":\"YYY\"}");
    struct bh_error err;
    struct db_stmt *st;
    assert_int_equal(db_prepare(other,
                                "SELECT at, username, org_code, action, record_type, record_id, "
                                "summary, prev_hash, hash FROM audit_log WHERE seq = 2",
                                &st, &err),
                     0);
    assert_int_equal(db_step(st, &err), DB_ROW);
    char sql[2048];
    snprintf(sql, sizeof sql,
             "UPDATE audit_log SET at='%s', account_id=NULL, username='%s', org_code='%s', "
             "action='%s', record_type='%s', record_id='%s', summary='%s', prev_hash='%s', "
             "hash='%s' WHERE seq = 2",
             db_column_text(st, 0), db_column_text(st, 1), db_column_text(st, 2),
             db_column_text(st, 3), db_column_text(st, 4), db_column_text(st, 5),
             db_column_text(st, 6), db_column_text(st, 7), db_column_text(st, 8));
    db_stmt_done(st);
    db_close(other);
    tamper(db, sql);
    assert_broken(db, 2,
                  "row 2 does not chain to row 1 (row 2 was inserted or "
                  "forged, or row 1 rewritten)");
    db_close(db);
}

static json_t *list(struct db *db, struct audit_filter *f, bool *more)
{
    struct bh_error err;
    json_t *items = json_array();
    if (f->limit == 0)
        f->limit = 50;
    if (audit_list(db, f, items, more, NULL, &err))
        fail_msg("audit_list: %s", err.message);
    return items;
}

static int64_t seq_at(json_t *items, size_t i)
{
    return json_integer_value(json_object_get(json_array_get(items, i), "seq"));
}

/* audit/list-filters: each filter alone, the item shape and the cursor. */
static void list_filters(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("audit_list", NULL);
    five_entries(db);
    bool more;

    struct audit_filter f = { 0 };
    json_t *items = list(db, &f, &more);
    assert_int_equal(json_array_size(items), 5);
    assert_false(more);
    json_t *first = json_array_get(items, 0);
    assert_int_equal(json_object_size(first), 9);
    assert_string_equal(json_string_value(json_object_get(first, "action")), "org.create");
    assert_string_equal(json_string_value(json_object_get(first, "record_id")), "UNDPO");
    assert_string_equal(json_string_value(json_object_get(first, "org")), "");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(first, "summary"), "name")), "UN DPO");
    assert_int_equal(strlen(json_string_value(json_object_get(first, "hash"))), 64);
    assert_true(json_is_null(json_object_get(json_array_get(items, 4), "record_id")));
    json_decref(items);

    f = (struct audit_filter){ .username = "amina.diallo" };
    items = list(db, &f, &more);
    assert_int_equal(json_array_size(items), 2);
    assert_int_equal(seq_at(items, 0), 3);
    assert_int_equal(seq_at(items, 1), 4);
    json_decref(items);

    f = (struct audit_filter){ .org_code = "NOR" };
    items = list(db, &f, &more);
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(seq_at(items, 0), 5);
    json_decref(items);

    f = (struct audit_filter){ .action = "org.create" };
    items = list(db, &f, &more);
    assert_int_equal(json_array_size(items), 2);
    json_decref(items);

    f = (struct audit_filter){ .record_type = "account", .record_id = "2" };
    items = list(db, &f, &more);
    assert_int_equal(json_array_size(items), 2);
    assert_int_equal(seq_at(items, 0), 3);
    json_decref(items);

    /* Dates are inclusive whole days; date-times are instants. */
    char today[40];
    time_format_rfc3339(time_now_ms(), 0, false, today);
    today[10] = '\0';
    f = (struct audit_filter){ .from = today, .to = today };
    items = list(db, &f, &more);
    assert_int_equal(json_array_size(items), 5);
    json_decref(items);
    f = (struct audit_filter){ .to = "2000-01-01" };
    items = list(db, &f, &more);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    f = (struct audit_filter){ .from = "2999-01-01T00:00:00+02:00" };
    items = list(db, &f, &more);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);

    /* Pages of two: 1-2, 3-4, 5. */
    f = (struct audit_filter){ .limit = 2 };
    items = list(db, &f, &more);
    assert_int_equal(json_array_size(items), 2);
    assert_true(more);
    json_decref(items);
    f = (struct audit_filter){ .limit = 2, .after_seq = 4 };
    items = list(db, &f, &more);
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(seq_at(items, 0), 5);
    assert_false(more);
    json_decref(items);

    /* The total counts every match, not the page. */
    struct bh_error err;
    int64_t total = -1;
    items = json_array();
    f = (struct audit_filter){ .username = "amina.diallo", .after_seq = 3, .limit = 1 };
    assert_int_equal(audit_list(db, &f, items, &more, &total, &err), 0);
    assert_int_equal(total, 2);
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(seq_at(items, 0), 4);
    json_decref(items);
    db_close(db);
}

/* audit/list-bad-dates: refused naming the parameter. */
static void list_bad_dates(void **state)
{
    (void)state;
    struct db *db = test_db_migrated("audit_list_bad", NULL);
    struct bh_error err;
    bool more;
    json_t *items = json_array();
    struct audit_filter f = { .from = "yesterday", .limit = 10 };
    assert_int_equal(audit_list(db, &f, items, &more, NULL, &err), BH_EINVALID);
    assert_string_equal(err.field, "from");
    assert_non_null(strstr(err.message, "yesterday"));
    f = (struct audit_filter){ .to = "2024-02-30", .limit = 10 };
    assert_int_equal(audit_list(db, &f, items, &more, NULL, &err), BH_EINVALID);
    assert_string_equal(err.field, "to");
    json_decref(items);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("audit/append-outside-transaction", append_outside_transaction),
        BH_TEST("audit/append-rolls-back-with-the-write", append_rolls_back),
        BH_TEST("audit/append-fields", append_fields),
        BH_TEST("audit/hash-format", hash_format),
        BH_TEST("audit/store-refuses-update-and-delete", store_refuses_changes),
        BH_TEST("audit/verify-intact", verify_intact),
        BH_TEST("audit/verify-changed", verify_changed),
        BH_TEST("audit/verify-deleted-middle", verify_deleted),
        BH_TEST("audit/verify-renumbered", verify_renumbered),
        BH_TEST("audit/verify-swapped", verify_swapped),
        BH_TEST("audit/verify-forged", verify_forged),
        BH_TEST("audit/list-filters", list_filters),
        BH_TEST("audit/list-bad-dates", list_bad_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
