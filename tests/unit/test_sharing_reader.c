/* The sharing rule in memory (src/sharing/reader.c) against THE rule in SQL
 * (sharing_draft_predicate, src/sharing/sharing.c): on a table of documents that covers every
 * combination of marking, owner, sharing group (none, one whose owners accepted the reader's
 * organization, one the reader's organization joined after the owners marked their records,
 * one without the reader), status and RED recipient, each reader's set of rows is the same
 * both ways. The sets' sizes are also checked against counts worked out by hand below, so
 * that neither side can agree with the other by seeing nothing or everything. */
#include "support.h"

#include "base/buf.h"
#include "db/db.h"
#include "sharing/reader.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ORG_A, ORG_B, ORG_C, ORG_D, ORG_UN, NORGS };
static const char *const codes[NORGS] = { "FRA", "BRA", "CHN", "IND", "DPO" };
static int64_t org_ids[NORGS];
static struct db *db;

/* The groups: A was a member when the owners marked their records (so they accepted it),
 * joined later (the owners never accepted it), or is not a member at all. */
enum { G_NONE, G_ACCEPTED, G_WIDENED, G_WITHOUT, NGROUPS };
static int64_t group_ids[NGROUPS];

static const char *const tlps[] = { "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };
static const char *const statuses[] = { "draft", "in_review", "published" };
#define NTLP    5
#define NSTATUS 3
#define NROWS   (NTLP * 3 * NGROUPS * NSTATUS * 2)

/* Readers are built by hand (no account rows: the rule reads only ids). */
#define ACC_ADMIN   1
#define ACC_A_FP    2
#define ACC_A_REP   3
#define ACC_A_AUD   4
#define ACC_A_ANA   5
#define ACC_D_FP    6
#define ACC_A_RED   7
#define ACC_B_FP    8
#define ACC_SOMEONE 9

static int64_t add_group(const char *name, int owner, const int *members, int nmembers)
{
    int64_t ids[16];
    for (int i = 0; i < nmembers && i < 16; i++)
        ids[i] = org_ids[members[i]];
    return test_sharing_group(db, name, org_ids[owner], ids, nmembers < 16 ? nmembers : 16);
}

/* One document per combination, n from 1. A RED recipient row names either the reader
 * ACC_A_RED (and the auditor, who must still not see it) or someone else; every row gets one,
 * whatever its marking, since only RED rows may read them. A row of another record type names
 * ACC_A_RED on the "someone else" rows, and must not count. */
static void insert_rows(void)
{
    struct bh_error err;
    int64_t n = 0;
    for (int t = 0; t < NTLP; t++)
        for (int o = ORG_A; o <= ORG_C; o++)
            for (int g = 0; g < NGROUPS; g++)
                for (int s = 0; s < NSTATUS; s++)
                    for (int r = 0; r < 2; r++) {
                        char id[32];
                        n++;
                        snprintf(id, sizeof id, "doc-%03lld", (long long)n);
                        struct db_param group = g == G_NONE
                                                    ? (struct db_param){ .kind = DB_PARAM_NULL }
                                                    : DB_INT(group_ids[g]);
                        must(
                            db_exec_params(
                                db,
                                "INSERT INTO document (n, id, status, owner_org_id, tlp, "
                                "sharing_group_id, kind, year, updated_at, created_at, title) "
                                "VALUES (?, ?, ?, ?, ?, ?, 'lesson', 2024, "
                                "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', ?)",
                                DB_PARAMS(DB_INT(n), DB_TEXT(id), DB_TEXT(statuses[s]),
                                          DB_INT(org_ids[o]), DB_TEXT(tlps[t]), group, DB_TEXT(id)),
                                NULL, NULL, &err),
                            &err, id);
                        const char *sql = "INSERT INTO tlp_recipient (record_type, record_id, "
                                          "account_id) VALUES (?, ?, ?)";
                        if (r == 0) {
                            must(db_exec_params(
                                     db, sql,
                                     DB_PARAMS(DB_TEXT("document"), DB_TEXT(id), DB_INT(ACC_A_RED)),
                                     NULL, NULL, &err),
                                 &err, id);
                            must(db_exec_params(
                                     db, sql,
                                     DB_PARAMS(DB_TEXT("document"), DB_TEXT(id), DB_INT(ACC_A_AUD)),
                                     NULL, NULL, &err),
                                 &err, id);
                        } else {
                            must(db_exec_params(db, sql,
                                                DB_PARAMS(DB_TEXT("document"), DB_TEXT(id),
                                                          DB_INT(ACC_SOMEONE)),
                                                NULL, NULL, &err),
                                 &err, id);
                            must(db_exec_params(
                                     db, sql,
                                     DB_PARAMS(DB_TEXT("incident"), DB_TEXT(id), DB_INT(ACC_A_RED)),
                                     NULL, NULL, &err),
                                 &err, id);
                        }
                    }
    assert_int_equal(n, NROWS);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("sharing_reader", NULL, codes, NORGS, ORG_UN, org_ids);
    group_ids[G_ACCEPTED] = add_group("accepted", ORG_B, (int[]){ ORG_A, ORG_B, ORG_C }, 3);
    group_ids[G_WIDENED] = add_group("widened", ORG_B, (int[]){ ORG_B, ORG_C }, 2);
    group_ids[G_WITHOUT] = add_group("without", ORG_C, (int[]){ ORG_B, ORG_C }, 2);
    insert_rows(); /* the triggers write the owners' acceptances of the members of now */
    /* A joins "widened" after every record in it was marked: no owner accepted it. */
    char sql[160];
    snprintf(sql, sizeof sql,
             "INSERT INTO sharing_group_member (group_id, org_id) VALUES (%lld, %lld)",
             (long long)group_ids[G_WIDENED], (long long)org_ids[ORG_A]);
    test_exec(db, sql);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* ---- the comparison ---- */

/* sees[n] = whether the SQL predicate shows row n to `who`; returns how many it shows. */
static int sql_sees(const struct principal *who, bool *sees)
{
    struct bh_error err;
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT n FROM document d WHERE ");
    sharing_draft_predicate(who, "document", "d", &sql, &params);
    struct db_stmt *st;
    must(db_prepare_bound(db, sql.data, &params, &st, &err), &err, sql.data);
    int count = 0, rc;
    while ((rc = db_step(st, &err)) == DB_ROW) {
        int64_t n = db_column_int(st, 0);
        assert_true(n >= 1 && n <= NROWS);
        sees[n] = true;
        count++;
    }
    must(rc < 0 ? rc : 0, &err, "step");
    db_stmt_done(st);
    buf_cleanup(&sql);
    return count;
}

/* The same through sharing_reader_sees; also prints every row the two disagree on, so one
 * run shows the whole damage. Returns how many rows the reader sees. */
static int compare(const char *name, const struct principal *who, int *disagreements)
{
    static bool by_sql[NROWS + 1];
    memset(by_sql, 0, sizeof by_sql);
    int count = sql_sees(who, by_sql);

    struct bh_error err;
    struct sharing_reader r;
    must(sharing_reader_load(db, who, "document", &r, &err), &err, name);
    struct db_stmt *st;
    must(db_prepare(db,
                    "SELECT n, tlp, owner_org_id, coalesce(sharing_group_id, 0), id, status "
                    "FROM document ORDER BY n",
                    &st, &err),
         &err, "prepare");
    int c_count = 0, rc;
    while ((rc = db_step(st, &err)) == DB_ROW) {
        int64_t n = db_column_int(st, 0);
        const char *status = db_column_text(st, 5);
        bool c = sharing_reader_sees(&r, tlp_parse(db_column_text(st, 1)), db_column_int(st, 2),
                                     db_column_int(st, 3), db_column_text(st, 4),
                                     strcmp(status, "draft") == 0);
        c_count += c;
        if (c != by_sql[n]) {
            printf("%s: row %lld (%s, owner %lld, group %lld, %s): SQL %s, reader %s\n", name,
                   (long long)n, db_column_text(st, 1), (long long)db_column_int(st, 2),
                   (long long)db_column_int(st, 3), status, by_sql[n] ? "sees" : "hides",
                   c ? "sees" : "hides");
            (*disagreements)++;
        }
    }
    must(rc < 0 ? rc : 0, &err, "step");
    db_stmt_done(st);
    sharing_reader_cleanup(&r);
    if (c_count != count)
        printf("%s: SQL sees %d rows, the reader %d\n", name, count, c_count);
    return count;
}

/* Counts by hand, over 360 rows (5 markings x 3 owners x 4 groups x 3 statuses x 2
 * recipients; 72 per marking, of which 48 are not drafts and 8 per owner are drafts):
 *   admin                 everything: 360;
 *   anonymous             CLEAR that is not a draft: 48;
 *   auditor of A          that, and A's CLEAR drafts: 48 + 8 = 56;
 *   members of A          CLEAR and GREEN not drafts (96) and A's drafts of them (16), A's
 *                         AMBER and AMBER+STRICT drafts included (48), and B's and C's AMBER
 *                         in "accepted" that are not drafts (2 x 2 statuses x 2 = 8): 168;
 *   the RED recipient     that, and the RED rows naming it (36) but the drafts of B and C
 *                         (8): 168 + 28 = 196;
 *   D's focal point       CLEAR and GREEN not drafts: 96;
 *   B's focal point       CLEAR and GREEN (96 + 16), B's AMBER and AMBER+STRICT (48), and
 *                         the others' AMBER not drafts in all three groups, since B was in
 *                         each when they were marked (3 x 2 owners x 2 x 2 = 24): 184. */
static void the_reader_agrees_with_the_predicate(void **state)
{
    (void)state;
    struct principal admin, a_fp, a_rep, a_aud, a_ana, d_fp, a_red, b_fp;
    test_principal(&admin, ACC_ADMIN, org_ids[ORG_UN], "DPO", ROLE_ADMIN, "admin");
    test_principal(&a_fp, ACC_A_FP, org_ids[ORG_A], "FRA", ROLE_FOCAL_POINT, "a.fp");
    test_principal(&a_rep, ACC_A_REP, org_ids[ORG_A], "FRA", ROLE_REPORTER, "a.rep");
    test_principal(&a_aud, ACC_A_AUD, org_ids[ORG_A], "FRA", ROLE_AUDITOR, "a.aud");
    test_principal(&a_ana, ACC_A_ANA, org_ids[ORG_A], "FRA", ROLE_ANALYST, "a.ana");
    test_principal(&d_fp, ACC_D_FP, org_ids[ORG_D], "IND", ROLE_FOCAL_POINT, "d.fp");
    test_principal(&a_red, ACC_A_RED, org_ids[ORG_A], "FRA", ROLE_FOCAL_POINT, "a.red");
    test_principal(&b_fp, ACC_B_FP, org_ids[ORG_B], "BRA", ROLE_FOCAL_POINT, "b.fp");
    /* D has no acceptance at all: the reader's sets are empty, not missing. */
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM sharing_audience WHERE org_id = %lld",
             (long long)org_ids[ORG_D]);
    assert_int_equal(test_query_int(db, sql), 0);

    const struct {
        const char *name;
        const struct principal *who;
        int count;
    } readers[] = {
        { "admin", &admin, NROWS }, { "anonymous", NULL, 48 }, { "auditor", &a_aud, 56 },
        { "a.fp", &a_fp, 168 },     { "a.rep", &a_rep, 168 },  { "a.ana", &a_ana, 168 },
        { "a.red", &a_red, 196 },   { "d.fp", &d_fp, 96 },     { "b.fp", &b_fp, 184 },
    };
    int disagreements = 0;
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        int count = compare(readers[i].name, readers[i].who, &disagreements);
        if (count != readers[i].count) {
            printf("%s: sees %d rows, %d expected\n", readers[i].name, count, readers[i].count);
            disagreements++;
        }
    }
    assert_int_equal(disagreements, 0);
}

/* The sets the reader loads: A's accepted pairs are exactly the two owners of "accepted"
 * whose records A may read (and A's own pairs, harmless), never a pair of "widened". */
static void the_reader_loads_its_sets(void **state)
{
    (void)state;
    struct principal a_red;
    test_principal(&a_red, ACC_A_RED, org_ids[ORG_A], "FRA", ROLE_FOCAL_POINT, "a.red");
    struct bh_error err;
    struct sharing_reader r;
    must(sharing_reader_load(db, &a_red, "document", &r, &err), &err, "load");
    assert_int_equal(r.reads, SHARING_READS_MEMBER);
    assert_int_equal(r.org_id, org_ids[ORG_A]);
    assert_int_equal(r.nred, NROWS / 2); /* every "reader's account" row, not the incident ones */
    for (size_t i = 1; i < r.nred; i++)
        assert_true(strcmp(r.red[i - 1], r.red[i]) < 0);
    bool accepted_b = false, accepted_c = false;
    for (size_t i = 0; i < r.npairs; i++) {
        assert_int_not_equal(r.pairs[i].group_id, group_ids[G_WIDENED]);
        assert_int_not_equal(r.pairs[i].group_id, group_ids[G_WITHOUT]);
        if (r.pairs[i].group_id == group_ids[G_ACCEPTED]) {
            accepted_b |= r.pairs[i].owner_org_id == org_ids[ORG_B];
            accepted_c |= r.pairs[i].owner_org_id == org_ids[ORG_C];
        }
    }
    assert_true(accepted_b && accepted_c);
    /* RED is read by record id; a RED row without one is seen by no member. */
    assert_true(sharing_reader_sees(&r, TLP_RED, org_ids[ORG_B], 0, r.red[0], false));
    assert_false(sharing_reader_sees(&r, TLP_RED, org_ids[ORG_B], 0, NULL, false));
    assert_false(sharing_reader_sees(&r, TLP_RED, org_ids[ORG_B], 0, "doc-none", false));

    /* Cleanup zeroes the reader, so a second one is harmless. */
    sharing_reader_cleanup(&r);
    assert_null(r.pairs);
    assert_null(r.red);
    assert_int_equal(r.npairs, 0);
    assert_int_equal(r.nred, 0);
    sharing_reader_cleanup(&r);
    assert_null(r.red);
}

/* A store that fails under the reader: each load fails with the store's error and leaves the
 * reader empty (what it had read of the first set is freed), and cleanup after it is safe.
 * Admins and anonymous readers read nothing, so they load on such a store. */
static void a_failed_load_leaves_nothing(void **state)
{
    (void)state;
    int64_t ids[NORGS];
    struct db *broken = test_db_with_orgs("sharing_reader_broken", NULL, codes, NORGS, ORG_UN, ids);
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO sharing_group (id, name, owner_org_id, created_at) VALUES (1, 'g', "
             "%lld, 'x'); INSERT INTO sharing_audience (group_id, owner_org_id, org_id) VALUES "
             "(1, %lld, %lld); DROP TABLE tlp_recipient",
             (long long)ids[ORG_B], (long long)ids[ORG_B], (long long)ids[ORG_A]);
    test_exec(broken, sql);
    struct principal a_fp, admin;
    test_principal(&a_fp, ACC_A_FP, ids[ORG_A], "FRA", ROLE_FOCAL_POINT, "a.fp");
    test_principal(&admin, ACC_ADMIN, ids[ORG_UN], "DPO", ROLE_ADMIN, "admin");

    struct bh_error err = { 0 };
    struct sharing_reader r;
    assert_int_not_equal(sharing_reader_load(broken, &a_fp, "document", &r, &err), 0);
    assert_int_not_equal(err.code, 0);
    assert_contains(err.message, "tlp_recipient");
    assert_null(r.pairs);
    assert_int_equal(r.npairs, 0);
    assert_null(r.red);
    sharing_reader_cleanup(&r);

    test_exec(broken, "DROP TABLE sharing_audience");
    assert_int_not_equal(sharing_reader_load(broken, &a_fp, "document", &r, &err), 0);
    assert_contains(err.message, "sharing_audience");
    assert_int_equal(r.npairs, 0);
    sharing_reader_cleanup(&r);

    must(sharing_reader_load(broken, &admin, "document", &r, &err), &err, "admin");
    assert_int_equal(r.reads, SHARING_READS_ALL);
    assert_true(sharing_reader_sees(&r, TLP_RED, ids[ORG_B], 0, NULL, true));
    sharing_reader_cleanup(&r);
    must(sharing_reader_load(broken, NULL, "document", &r, &err), &err, "anonymous");
    assert_int_equal(r.reads, SHARING_READS_CLEAR);
    assert_true(sharing_reader_sees(&r, TLP_CLEAR, ids[ORG_B], 0, NULL, false));
    assert_false(sharing_reader_sees(&r, TLP_CLEAR, ids[ORG_B], 0, NULL, true));
    assert_false(sharing_reader_sees(&r, TLP_GREEN, ids[ORG_B], 0, NULL, false));
    sharing_reader_cleanup(&r);
    db_close(broken);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/sharing-reader-agrees-with-predicate", the_reader_agrees_with_the_predicate),
        BH_TEST("unit/sharing-reader-loads-its-sets", the_reader_loads_its_sets),
        BH_TEST("unit/sharing-reader-failed-load", a_failed_load_leaves_nothing),
    };
    return cmocka_run_group_tests_name("unit/sharing_reader", tests, setup, teardown);
}
