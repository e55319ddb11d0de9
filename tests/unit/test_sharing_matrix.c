/* THE visibility matrix: who sees which record, for every role in the owning organization,
 * in an organization of the record's sharing group, in an outside organization, and for an
 * anonymous reader; through the four ways a module reads records (list, get, search, count).
 *
 * The expectations are a hand-written table below, read off the sharing model in
 * docs/sharing.md; nothing here calls the predicate to decide what it should return. Every
 * cell that disagrees is printed (principal, role, organization, marking, operation,
 * expected, got) before the test fails, so one run shows the whole damage. */
#include "support.h"

#include "base/buf.h"
#include "db/db.h"
#include "org/org.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the fixture ---- */

enum { OWNER, FRIEND, OUTSIDER, NORGS };
static const char *const org_codes[NORGS] = { "OWNER", "FRIEND", "OUTSIDER" };

/* One record per marking, owned by OWNER. Titles carry a unique word for the search. */
enum { R_CLEAR, R_GREEN, R_AMBER, R_AMBER_STRICT, R_RED, NRECORDS };
static const struct {
    const char *id;
    const char *tlp;
    const char *word;
} records[NRECORDS] = {
    [R_CLEAR] = { "0190a000-0000-7000-8000-000000000001", "CLEAR", "alpha" },
    [R_GREEN] = { "0190a000-0000-7000-8000-000000000002", "GREEN", "bravo" },
    [R_AMBER] = { "0190a000-0000-7000-8000-000000000003", "AMBER", "charlie" },
    [R_AMBER_STRICT] = { "0190a000-0000-7000-8000-000000000004", "AMBER+STRICT", "delta" },
    [R_RED] = { "0190a000-0000-7000-8000-000000000005", "RED", "echo" },
};

/* Accounts are numbered org*100 + role, so a number says whose it is. The RED record names
 * one user: the focal point of OUTSIDER, to show that RED follows the person, not the
 * organization (the owner's own users are not named and do not see it). */
#define ACCOUNT(org, role) ((int64_t)(org)*100 + 100 + (int64_t)(role))
#define RED_RECIPIENT      ACCOUNT(OUTSIDER, ROLE_FOCAL_POINT)

/* ---- the expectations, by hand ----
 *
 * One string per principal, one character per record in the order CLEAR, GREEN, AMBER,
 * AMBER+STRICT, RED: 'y' sees it, '.' does not. Reasons:
 *   admins see everything (the secretariat);
 *   every signed-in role that reads records sees CLEAR and GREEN;
 *   OWNER's readers see AMBER and AMBER+STRICT (their organization owns them);
 *   FRIEND's readers see AMBER (their organization is in the group, and OWNER, who made
 *   the group, accepted it), not AMBER+STRICT;
 *   OUTSIDER's readers see neither;
 *   RED: only OUTSIDER's focal point, who is named;
 *   the auditor reads the audit log, not records: CLEAR only, like anonymous. */
static const struct {
    int org; /* -1: anonymous */
    enum role role;
    const char *sees;
} expected[] = {
    { OWNER, ROLE_ADMIN, "yyyyy" },
    { OWNER, ROLE_COORDINATOR, "yyyy." },
    { OWNER, ROLE_FOCAL_POINT, "yyyy." },
    { OWNER, ROLE_REPORTER, "yyyy." },
    { OWNER, ROLE_ENDORSER, "yyyy." },
    { OWNER, ROLE_ANALYST, "yyyy." },
    { OWNER, ROLE_AUDITOR, "y...." },

    { FRIEND, ROLE_ADMIN, "yyyyy" },
    { FRIEND, ROLE_COORDINATOR, "yyy.." },
    { FRIEND, ROLE_FOCAL_POINT, "yyy.." },
    { FRIEND, ROLE_REPORTER, "yyy.." },
    { FRIEND, ROLE_ENDORSER, "yyy.." },
    { FRIEND, ROLE_ANALYST, "yyy.." },
    { FRIEND, ROLE_AUDITOR, "y...." },

    { OUTSIDER, ROLE_ADMIN, "yyyyy" },
    { OUTSIDER, ROLE_COORDINATOR, "yy..." },
    { OUTSIDER, ROLE_FOCAL_POINT, "yy..y" },
    { OUTSIDER, ROLE_REPORTER, "yy..." },
    { OUTSIDER, ROLE_ENDORSER, "yy..." },
    { OUTSIDER, ROLE_ANALYST, "yy..." },
    { OUTSIDER, ROLE_AUDITOR, "y...." },

    { -1, ROLE_NONE, "y...." },
};
#define NPRINCIPALS (sizeof expected / sizeof expected[0])

/* ---- building the store ---- */

static struct db *db;
static int64_t org_ids[NORGS];
static int64_t group_id;

static void principal_for(int org, enum role role, struct principal *p)
{
    if (org < 0) {
        memset(p, 0, sizeof *p);
        principal_anonymous(p);
        return;
    }
    test_principal(p, ACCOUNT(org, role), org_ids[org], org_codes[org], role, "%s.%s",
                   org_codes[org], role_name(role));
}

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("sharing_matrix", NULL);
    struct bh_error err;

    struct principal cli;
    principal_cli(&cli);
    for (int i = 0; i < NORGS; i++) {
        struct org o;
        org_init(&o);
        snprintf(o.code, sizeof o.code, "%s", org_codes[i]);
        snprintf(o.name, sizeof o.name, "Probe organization %s", org_codes[i]);
        o.kind = ORG_REGIONAL_ORG;
        must(org_add(db, &cli, &o, &err), &err, "org_add");
        org_ids[i] = o.id;
    }

    /* The group {OWNER, FRIEND}, created by OWNER's coordinator (OWNER joins as the owner). */
    struct principal coordinator;
    principal_for(OWNER, ROLE_COORDINATOR, &coordinator);
    const char *members[] = { "FRIEND" };
    must(sharing_group_create(db, &coordinator, "Probe group", "owner and friend", members, 1,
                              &group_id, &err),
         &err, "sharing_group_create");

    /* A second group that includes OUTSIDER but is not the record's group: being in some
     * group with the owner must not open the record. */
    principal_for(OUTSIDER, ROLE_COORDINATOR, &coordinator);
    const char *other[] = { "OWNER" };
    int64_t other_group;
    must(sharing_group_create(db, &coordinator, "Outsider's group", "", other, 1, &other_group,
                              &err),
         &err, "second group");

    test_exec(
        db, "CREATE TABLE probe (id TEXT PRIMARY KEY, owner_org_id INTEGER NOT NULL REFERENCES "
            "org (id), tlp TEXT NOT NULL, sharing_group_id INTEGER REFERENCES sharing_group (id), "
            "title TEXT NOT NULL)");
    for (int r = 0; r < NRECORDS; r++) {
        struct db_stmt *st;
        must(db_prepare(db,
                        "INSERT INTO probe (id, owner_org_id, tlp, sharing_group_id, title) "
                        "VALUES (?, ?, ?, ?, ?)",
                        &st, &err),
             &err, "prepare insert");
        char title[64];
        snprintf(title, sizeof title, "Probe record %s", records[r].word);
        db_bind_text(st, 1, records[r].id);
        db_bind_int(st, 2, org_ids[OWNER]);
        db_bind_text(st, 3, records[r].tlp);
        if (r == R_AMBER)
            db_bind_int(st, 4, group_id);
        else
            db_bind_null(st, 4);
        db_bind_text(st, 5, title);
        int rc = db_step(st, &err);
        db_stmt_done(st);
        if (rc < 0)
            must(rc, &err, "insert probe");
    }

    /* The RED recipient, and two decoys that must not open the RED record: the owner's
     * analyst named for another record type with the same id, and for another record. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO tlp_recipient (record_type, record_id, account_id) VALUES "
             "('probe', '%s', %lld), ('other', '%s', %lld), ('probe', 'no-such-record', %lld)",
             records[R_RED].id, (long long)RED_RECIPIENT, records[R_RED].id,
             (long long)ACCOUNT(OWNER, ROLE_ANALYST), (long long)ACCOUNT(OWNER, ROLE_ANALYST));
    test_exec(db, sql);

    /* The fixture is what the test thinks it is. */
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM probe"), NRECORDS);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM sharing_group_member WHERE group_id = %lld AND org_id IN "
             "(%lld, %lld)",
             (long long)group_id, (long long)org_ids[OWNER], (long long)org_ids[FRIEND]);
    assert_int_equal(test_query_int(db, sql), 2);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM sharing_group_member WHERE group_id = %lld",
             (long long)group_id);
    assert_int_equal(test_query_int(db, sql), 2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* ---- the four operations, as a module would write them ---- */

enum op { OP_LIST, OP_GET, OP_SEARCH, OP_COUNT, NOPS };
static const char *const op_names[NOPS] = { "list", "get", "search", "count" };

/* The predicate for one principal: its SQL text and the values of its placeholders. */
struct pred {
    char *sql;
    struct db_params params;
};

static struct pred *where_clause(const struct principal *who)
{
    struct pred *p = calloc(1, sizeof *p);
    struct buf b = BUF_INIT;
    sharing_predicate(who, "probe", "p", &b, &p->params);
    p->sql = buf_steal(&b);
    return p;
}

static void pred_free(struct pred *p)
{
    free(p->sql);
    db_params_cleanup(&p->params);
    free(p);
}

/* Runs `sql` (with the predicate pasted in) binding `arg` when not NULL, then the predicate's
 * values (its text comes after the `?` of `arg`); returns the rows' first columns joined by
 * spaces (ids, or the count). */
static void run(const char *sql_fmt, const struct pred *pred, const char *arg, char *out,
                size_t cap)
{
    char sql[4096];
    snprintf(sql, sizeof sql, sql_fmt, pred->sql);
    struct db_stmt *st;
    struct bh_error err;
    must(db_prepare(db, sql, &st, &err), &err, sql);
    struct db_params params = DB_PARAMS_INIT;
    if (arg)
        db_params_text(&params, arg);
    db_params_append(&params, &pred->params);
    db_params_bind(st, &params);
    db_params_cleanup(&params);
    int rc;
    size_t used = 0;
    out[0] = '\0';
    while ((rc = db_step(st, &err)) == DB_ROW) {
        const char *v = db_column_text(st, 0);
        int n = snprintf(out + used, cap - used, "%s%s", used ? " " : "", v ? v : "NULL");
        if (n > 0 && (size_t)n < cap - used)
            used += (size_t)n;
    }
    db_stmt_done(st);
    if (rc < 0)
        must(rc, &err, sql);
}

/* Whether the principal sees record `r` through `op`. */
static bool visible(const struct pred *pred, enum op op, int r)
{
    char got[1024], pattern[64];
    switch (op) {
    case OP_LIST:
        run("SELECT p.id FROM probe p WHERE %s ORDER BY p.id", pred, NULL, got, sizeof got);
        return strstr(got, records[r].id) != NULL;
    case OP_GET:
        run("SELECT p.id FROM probe p WHERE p.id = ? AND %s", pred, records[r].id, got, sizeof got);
        return strcmp(got, records[r].id) == 0;
    case OP_SEARCH:
        snprintf(pattern, sizeof pattern, "%%%s%%", records[r].word);
        run("SELECT p.id FROM probe p WHERE p.title LIKE ? AND %s", pred, pattern, got, sizeof got);
        return strcmp(got, records[r].id) == 0;
    case OP_COUNT:
        run("SELECT count(*) FROM probe p WHERE p.id = ? AND %s", pred, records[r].id, got,
            sizeof got);
        return strcmp(got, "1") == 0;
    default:
        return false;
    }
}

/* Prints one wrong cell of the matrix: whose view (row `i` of the expectations), of which
 * marking, through which operation, what was expected and what came. */
static void mismatch(size_t i, const struct principal *who, const char *marking, const char *op,
                     const char *want, const char *got)
{
    bool anonymous = expected[i].org < 0;
    fprintf(stderr, "MISMATCH principal=%s role=%s org=%s marking=%s op=%s expected=%s got=%s\n",
            anonymous ? "anonymous" : who->username,
            anonymous ? "none" : role_name(expected[i].role),
            anonymous ? "-" : org_codes[expected[i].org], marking, op, want, got);
}

/* sharing/visibility-matrix */
static void sharing_visibility_matrix(void **state)
{
    (void)state;
    int failures = 0, cells = 0;
    for (size_t i = 0; i < NPRINCIPALS; i++) {
        struct principal who;
        principal_for(expected[i].org, expected[i].role, &who);
        struct pred *pred = where_clause(&who);
        int want_total = 0;
        for (int r = 0; r < NRECORDS; r++) {
            bool want = expected[i].sees[r] == 'y';
            want_total += want;
            for (int op = 0; op < NOPS; op++) {
                bool got = visible(pred, (enum op)op, r);
                cells++;
                if (got != want) {
                    failures++;
                    char marking[32];
                    snprintf(marking, sizeof marking, "TLP:%s", records[r].tlp);
                    mismatch(i, &who, marking, op_names[op], want ? "visible" : "hidden",
                             got ? "visible" : "hidden");
                }
            }
        }
        /* An aggregate never counts what its reader could not see. */
        char got[64];
        run("SELECT count(*) FROM probe p WHERE %s", pred, NULL, got, sizeof got);
        cells++;
        if (atoi(got) != want_total) {
            failures++;
            char want[16];
            snprintf(want, sizeof want, "%d", want_total);
            mismatch(i, &who, "(all)", "count(*)", want, got);
        }
        pred_free(pred);
    }
    assert_int_equal(cells, (int)NPRINCIPALS * (NRECORDS * NOPS + 1));
    if (failures)
        fail_msg("%d of %d cells of the visibility matrix are wrong (listed above)", failures,
                 cells);
}

/* sharing/visibility-cli-operator: the command-line operator acts as admin and sees all. */
static void sharing_visibility_cli(void **state)
{
    (void)state;
    struct principal cli;
    principal_cli(&cli);
    struct pred *pred = where_clause(&cli);
    char got[64];
    run("SELECT count(*) FROM probe p WHERE %s", pred, NULL, got, sizeof got);
    assert_string_equal(got, "5");
    pred_free(pred);
    /* And a NULL principal is anonymous. */
    pred = where_clause(NULL);
    run("SELECT count(*) FROM probe p WHERE %s", pred, NULL, got, sizeof got);
    assert_string_equal(got, "1");
    pred_free(pred);
}

/* sharing/visibility-follows-group-changes: removing FRIEND from the group closes the AMBER
 * record to FRIEND at once (the predicate reads the membership, it caches nothing), and
 * deleting the group is refused while the record is marked for it. */
static void sharing_visibility_follows_group(void **state)
{
    (void)state;
    struct principal owner_coord, friend_analyst;
    principal_for(OWNER, ROLE_COORDINATOR, &owner_coord);
    principal_for(FRIEND, ROLE_ANALYST, &friend_analyst);
    struct bh_error err;
    struct pred *pred = where_clause(&friend_analyst);
    assert_true(visible(pred, OP_GET, R_AMBER));
    must(sharing_group_update(db, &owner_coord, group_id, NULL, NULL, NULL, 0, true, &err), &err,
         "update");
    assert_false(visible(pred, OP_GET, R_AMBER));
    assert_false(visible(pred, OP_LIST, R_AMBER));
    /* The owner stays a member and still sees it. */
    struct pred *owner_pred = where_clause(&owner_coord);
    assert_true(visible(owner_pred, OP_GET, R_AMBER));
    const char *members[] = { "FRIEND" };
    must(sharing_group_update(db, &owner_coord, group_id, NULL, NULL, members, 1, true, &err), &err,
         "restore");
    assert_true(visible(pred, OP_GET, R_AMBER));
    assert_int_equal(sharing_group_delete(db, &owner_coord, group_id, &err), BH_ECONFLICT);
    assert_string_equal(err.field, "id");
    pred_free(pred);
    pred_free(owner_pred);
}

/* sharing/visibility-group-edit-widens-only-the-owner: the group's owner adding an
 * organization opens its own AMBER record to it, never a record another member marked for
 * the group; that member's next share accepts the new membership (docs/sharing.md). The probe
 * table declares the audience trigger a shareable table must declare. */
static void sharing_visibility_group_edit(void **state)
{
    (void)state;
    const char *friend_record = "0190a000-0000-7000-8000-0000000000f1";
    char sql[512];
    test_exec(db, "CREATE TRIGGER probe_sharing_audience AFTER INSERT ON probe WHEN NEW.tlp = "
                  "'AMBER' BEGIN INSERT OR IGNORE INTO sharing_audience (group_id, owner_org_id, "
                  "org_id) SELECT NEW.sharing_group_id, NEW.owner_org_id, m.org_id FROM "
                  "sharing_group_member m WHERE m.group_id = NEW.sharing_group_id; END");
    snprintf(sql, sizeof sql,
             "INSERT INTO probe (id, owner_org_id, tlp, sharing_group_id, title) VALUES "
             "('%s', %lld, 'AMBER', %lld, 'Friend record foxtrot')",
             friend_record, (long long)org_ids[FRIEND], (long long)group_id);
    test_exec(db, sql);

    struct principal owner_coord, owner_analyst, outsider_analyst, friend_analyst;
    principal_for(OWNER, ROLE_COORDINATOR, &owner_coord);
    principal_for(OWNER, ROLE_ANALYST, &owner_analyst);
    principal_for(OUTSIDER, ROLE_ANALYST, &outsider_analyst);
    principal_for(FRIEND, ROLE_ANALYST, &friend_analyst);
    struct pred *outsider = where_clause(&outsider_analyst), *owner = where_clause(&owner_analyst);
    char got[1024];
    run("SELECT p.id FROM probe p WHERE p.id = ? AND %s", owner, friend_record, got, sizeof got);
    assert_string_equal(got, friend_record);

    struct bh_error err;
    const char *widened[] = { "FRIEND", "OUTSIDER" };
    must(sharing_group_update(db, &owner_coord, group_id, NULL, NULL, widened, 2, true, &err), &err,
         "add OUTSIDER");
    assert_true(visible(outsider, OP_GET, R_AMBER)); /* the group owner's own record */
    for (int op = 0; op < NOPS; op++) {
        static const char *const q[NOPS] = {
            "SELECT p.id FROM probe p WHERE %s",
            "SELECT p.id FROM probe p WHERE p.id = ? AND %s",
            "SELECT p.id FROM probe p WHERE p.title LIKE '%%foxtrot%%' AND %s",
            "SELECT count(*) FROM probe p WHERE p.id = ? AND p.tlp = 'AMBER' AND %s",
        };
        bool binds = op == OP_GET || op == OP_COUNT;
        run(q[op], outsider, binds ? friend_record : NULL, got, sizeof got);
        if (strstr(got, friend_record) || (op == OP_COUNT && strcmp(got, "0") != 0))
            fail_msg("OUTSIDER reads FRIEND's AMBER record through %s after OWNER widened the "
                     "group: %s",
                     op_names[op], got);
    }

    /* FRIEND shares again with the group as it now is: it accepts OUTSIDER. */
    snprintf(sql, sizeof sql,
             "INSERT INTO probe (id, owner_org_id, tlp, sharing_group_id, title) VALUES "
             "('0190a000-0000-7000-8000-0000000000f2', %lld, 'AMBER', %lld, 'Friend golf')",
             (long long)org_ids[FRIEND], (long long)group_id);
    test_exec(db, sql);
    run("SELECT p.id FROM probe p WHERE p.id = ? AND %s", outsider, friend_record, got, sizeof got);
    assert_string_equal(got, friend_record);

    /* Removing OUTSIDER closes both at once. */
    const char *members[] = { "FRIEND" };
    must(sharing_group_update(db, &owner_coord, group_id, NULL, NULL, members, 1, true, &err), &err,
         "restore");
    run("SELECT count(*) FROM probe p WHERE p.tlp = 'AMBER' AND %s", outsider, NULL, got,
        sizeof got);
    assert_string_equal(got, "0");
    test_exec(db, "DELETE FROM probe WHERE id IN ('0190a000-0000-7000-8000-0000000000f1', "
                  "'0190a000-0000-7000-8000-0000000000f2')");
    test_exec(db, "DROP TRIGGER probe_sharing_audience");
    pred_free(outsider);
    pred_free(owner);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("sharing/visibility-matrix", sharing_visibility_matrix),
        BH_TEST("sharing/visibility-cli-operator", sharing_visibility_cli),
        BH_TEST("sharing/visibility-follows-group-changes", sharing_visibility_follows_group),
        BH_TEST("sharing/visibility-group-edit-widens-only-the-owner",
                sharing_visibility_group_edit),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
