/* The casualty tallies against the records: a seeded random sequence of inserts, updates
 * (marking, sharing group, embargo release, mission, date, owner, types, nationality) and
 * deletes, and after every few operations, for every kind of reader and a set of queries
 * (each dimension, dates that cut periods, year to date, list filters, top, distinct, rates),
 * casualty_stats() must give the very JSON its raw-row oracle (raw = true) gives. Then: the
 * tallies are really read (casualty_stats_plan(), and a tampered tally shows in the answer),
 * a bulk load with the triggers suspended and the tallies rebuilt ends where the triggers
 * would have, and the migration holds what casualty_tally_rebuild() runs. */
#include "support.h"

#include "base/buf.h"
#include "casualty/casualty.h"
#include "casualty/stats.h"
#include "casualty/tally.h"
#include "db/db.h"
#include "org/org.h"
#include "refdata/refdata.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the fixture ---- */

enum { DPO, OWNER, FRIEND, OUTSIDER, MISSION_ORG, NORGS };
static const char *const org_codes[NORGS] = { "DPO", "OWNER", "FRIEND", "OUTSIDER", "MINUSMA" };
static int64_t org_ids[NORGS];
static int64_t group_friend; /* OWNER's group with FRIEND */
static int64_t group_other;  /* OUTSIDER's group with OWNER */

#define ACCOUNT(org, role) ((int64_t)(org)*100 + 100 + (int64_t)(role))
#define RED_READER         ACCOUNT(OUTSIDER, ROLE_FOCAL_POINT)

/* Every kind of reader: the secretariat, the owner's coordinator and focal point, a focal
 * point elsewhere (named on some RED records), a member of the AMBER group, the mission's
 * own reader (embargoed deaths of its mission), anonymous, the auditor. */
static const struct {
    int org; /* -1: anonymous */
    enum role role;
} readers[] = {
    { DPO, ROLE_ADMIN },         { OWNER, ROLE_COORDINATOR },
    { OWNER, ROLE_FOCAL_POINT }, { OUTSIDER, ROLE_FOCAL_POINT },
    { FRIEND, ROLE_ANALYST },    { MISSION_ORG, ROLE_REPORTER },
    { -1, ROLE_NONE },           { OWNER, ROLE_AUDITOR },
};
#define NREADERS (sizeof readers / sizeof readers[0])

static struct db *db;

static void reader(size_t i, struct principal *p)
{
    memset(p, 0, sizeof *p);
    if (readers[i].org < 0) {
        principal_anonymous(p);
        return;
    }
    int o = readers[i].org;
    test_principal(p, ACCOUNT(o, readers[i].role), org_ids[o], org_codes[o], readers[i].role,
                   "%s.%s", org_codes[o], role_name(readers[i].role));
}

/* ---- a deterministic generator ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

#define PICK(a) (a)[rnd((uint32_t)(sizeof(a) / sizeof((a)[0])))]

static const char *const missions[] = { "MINUSMA", "UNMISS", "UNIFIL", "MONUSCO" };
static const char *const ctypes[] = { "Fatality", "Fatality", "Fatality", "Injury", "Missing" };
static const char *const genders[] = { "M", "F", "U" };
static const char *const personnel[] = { "Military", "Police", "Local", "Military Observer" };
static const char *const incidents[] = { "Malicious Act", "Accident", "Illness", "Unknown" };
static const char *const tlps[] = { "CLEAR", "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED" };
/* Code and name; a NULL code with names the source gave. */
static const char *const nats[][2] = {
    { "TCD", "Chad" },
    { "EGY", "Egypt" },
    { "IND", "India" },
    { NULL, "Türkiye" },
    { NULL, "ZZ [Undetermined]" },
    { "SSD", "South Sudan" },
    { "IND", "India (as written by a member)" },
};

/* A date in 2018-2021, the month ends and 29 February often. */
static void random_date(char out[11])
{
    static const char *const special[] = { "2019-12-31", "2020-01-01", "2020-02-29", "2020-03-01",
                                           "2019-06-30", "2021-12-31", "2018-01-01", "2020-05-17" };
    if (rnd(4) == 0) {
        snprintf(out, 11, "%s", PICK(special));
        return;
    }
    snprintf(out, 11, "%04u-%02u-%02u", 2018 + rnd(4), 1 + rnd(12), 1 + rnd(28));
}

static int64_t random_owner(void)
{
    static const int owners[] = { DPO, OWNER, OWNER, FRIEND, OUTSIDER };
    return org_ids[PICK(owners)];
}

/* A sharing group for `tlp`: AMBER mostly the friends' group; others mostly none, sometimes
 * a stray one (the predicate reads it only for AMBER; the tally keeps it as it is). */
static int64_t random_group(const char *tlp)
{
    if (strcmp(tlp, "AMBER") == 0)
        return rnd(4) ? group_friend : group_other;
    return rnd(6) == 0 ? group_friend : 0;
}

static int next_record = 1;
static int nrecords;

static void record_id(int k, char out[40])
{
    snprintf(out, 40, "0190c000-0000-7000-8000-%012d", k);
}

static void insert_record(void)
{
    char id[40], date[11];
    int k = next_record++;
    record_id(k, id);
    random_date(date);
    const char *tlp = PICK(tlps);
    int64_t group = random_group(tlp);
    const char *const *nat = PICK(nats);
    struct db_stmt *st;
    struct bh_error err;
    must(db_prepare(db,
                    "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
                    "gender, nationality, nationality_iso3, personnel_type, incident_type, "
                    "owner_org_id, tlp, sharing_group_id, embargoed, source, created_at, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "'2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
                    &st, &err),
         &err, "prepare insert");
    char cid[32];
    snprintf(cid, sizeof cid, "T-%d", k);
    db_bind_text(st, 1, id);
    db_bind_text(st, 2, cid);
    db_bind_text(st, 3, date);
    db_bind_text(st, 4, PICK(missions));
    db_bind_text(st, 5, PICK(ctypes));
    db_bind_text(st, 6, PICK(genders));
    db_bind_text(st, 7, nat[1]);
    db_bind_text(st, 8, nat[0]);
    db_bind_text(st, 9, PICK(personnel));
    db_bind_text(st, 10, PICK(incidents));
    db_bind_int(st, 11, random_owner());
    db_bind_text(st, 12, tlp);
    if (group)
        db_bind_int(st, 13, group);
    else
        db_bind_null(st, 13);
    db_bind_int(st, 14, rnd(4) == 0);
    db_bind_text(st, 15, rnd(3) ? "un" : "member");
    int rc = db_step(st, &err);
    db_stmt_done(st);
    if (rc < 0)
        must(rc, &err, "insert");
    /* Some records name the outsider's focal point: a RED one opens to them. */
    if (rnd(3) == 0) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "INSERT INTO tlp_recipient (record_type, record_id, account_id) VALUES "
                 "('casualty', '%s', %lld)",
                 id, (long long)RED_READER);
        test_exec(db, sql);
    }
    nrecords++;
}

/* The id of a stored record picked at random into `out`; false when there is none. */
static bool random_record(char out[40])
{
    int64_t n = test_query_int(db, "SELECT count(*) FROM casualty");
    if (n == 0)
        return false;
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT id FROM casualty ORDER BY id LIMIT 1 OFFSET %u",
             rnd((uint32_t)n));
    snprintf(out, 40, "%s", test_query_text(db, sql));
    return true;
}

static void update_record(void)
{
    char id[40];
    if (!random_record(id))
        return;
    char sql[512], date[11];
    const char *tlp = PICK(tlps);
    int64_t group = random_group(tlp);
    char group_sql[24];
    snprintf(group_sql, sizeof group_sql, group ? "%lld" : "NULL", (long long)group);
    const char *const *nat = PICK(nats);
    switch (rnd(11)) {
    case 0: /* a new marking, with the group it goes with */
        snprintf(sql, sizeof sql, "UPDATE casualty SET tlp = '%s', sharing_group_id = %s", tlp,
                 group_sql);
        break;
    case 1: /* the embargo released (as casualty_release() does), or put back */
        snprintf(sql, sizeof sql,
                 "UPDATE casualty SET embargoed = %d, released_at = '2025-02-02T00:00:00Z'",
                 rnd(3) == 0);
        break;
    case 2:
        snprintf(sql, sizeof sql, "UPDATE casualty SET mission = '%s'", PICK(missions));
        break;
    case 3:
        random_date(date);
        snprintf(sql, sizeof sql, "UPDATE casualty SET incident_date = '%s'", date);
        break;
    case 4:
        snprintf(sql, sizeof sql, "UPDATE casualty SET owner_org_id = %lld",
                 (long long)random_owner());
        break;
    case 5:
        snprintf(sql, sizeof sql, "UPDATE casualty SET sharing_group_id = %s", group_sql);
        break;
    case 6:
        snprintf(sql, sizeof sql, "UPDATE casualty SET casualty_type = '%s', incident_type = '%s'",
                 PICK(ctypes), PICK(incidents));
        break;
    case 7:
        snprintf(sql, sizeof sql, "UPDATE casualty SET gender = '%s', personnel_type = '%s'",
                 PICK(genders), PICK(personnel));
        break;
    case 8:
        snprintf(sql, sizeof sql,
                 "UPDATE casualty SET nationality = '%s', nationality_iso3 = %s%s%s, source = '%s'",
                 nat[1], nat[0] ? "'" : "", nat[0] ? nat[0] : "NULL", nat[0] ? "'" : "",
                 rnd(2) ? "un" : "member");
        break;
    case 9: /* a column no tally reads, and one it reads written with its own value */
        snprintf(sql, sizeof sql,
                 "UPDATE casualty SET updated_at = '2025-03-03T00:00:00Z', tlp = tlp");
        break;
    default: /* everything at once, as a re-import does */
        random_date(date);
        snprintf(sql, sizeof sql,
                 "UPDATE casualty SET incident_date = '%s', mission = '%s', tlp = '%s', "
                 "sharing_group_id = %s, embargoed = %d, owner_org_id = %lld",
                 date, PICK(missions), tlp, group_sql, rnd(2), (long long)random_owner());
        break;
    }
    size_t len = strlen(sql);
    snprintf(sql + len, sizeof sql - len, " WHERE id = '%s'", id);
    test_exec(db, sql);
}

static void delete_record(void)
{
    char id[40], sql[128];
    if (!random_record(id))
        return;
    snprintf(sql, sizeof sql, "DELETE FROM casualty WHERE id = '%s'", id);
    test_exec(db, sql);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("casualty_tally", NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    struct principal cli;
    principal_cli(&cli);
    for (int i = 0; i < NORGS; i++) {
        struct org o;
        org_init(&o);
        snprintf(o.code, sizeof o.code, "%s", org_codes[i]);
        snprintf(o.name, sizeof o.name, "Tally organization %s", org_codes[i]);
        o.kind = i == DPO ? ORG_UN_ENTITY : i == MISSION_ORG ? ORG_MISSION : ORG_REGIONAL_ORG;
        if (i == MISSION_ORG)
            snprintf(o.mission, sizeof o.mission, "MINUSMA");
        must(org_add(db, &cli, &o, &err), &err, "org_add");
        org_ids[i] = o.id;
    }
    struct principal coordinator;
    test_principal(&coordinator, ACCOUNT(OWNER, ROLE_COORDINATOR), org_ids[OWNER], "OWNER",
                   ROLE_COORDINATOR, "owner.coordinator");
    const char *friends[] = { "FRIEND" };
    must(sharing_group_create(db, &coordinator, "Friends", "", friends, 1, &group_friend, &err),
         &err, "sharing_group_create");
    test_principal(&coordinator, ACCOUNT(OUTSIDER, ROLE_COORDINATOR), org_ids[OUTSIDER], "OUTSIDER",
                   ROLE_COORDINATOR, "outsider.coordinator");
    const char *other[] = { "OWNER" };
    must(sharing_group_create(db, &coordinator, "Other", "", other, 1, &group_other, &err), &err,
         "second group");
    test_exec(db, "INSERT INTO deployment_yearly (year, total) VALUES (2019, 80000), "
                  "(2020, 81000)");
    test_exec(db, "INSERT INTO deployment_monthly (mission, month, total) VALUES "
                  "('MINUSMA', '2020-01', 11000), ('MINUSMA', '2020-02', 13000), "
                  "('UNMISS', '2019-05', 17000)");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* ---- the queries ---- */

/* name=value pairs as the API takes them, NULL-terminated; "by" first when given. */
static const char *const queries[][12] = {
    { NULL },
    { "by", "year", NULL },
    { "by", "month", NULL },
    { "by", "mission", NULL },
    { "by", "nationality", NULL },
    { "by", "personnel_type", NULL },
    { "by", "incident_type", NULL },
    { "by", "gender", NULL },
    { "by", "casualty_type", NULL },
    { "by", "year,incident_type", NULL },
    { "by", "nationality", "top", "3", NULL },
    { "by", "mission", "top", "2", "distinct", "1", NULL },
    { "by", "year", "from", "2019-03-15", "to", "2020-11-02", NULL },
    { "by", "month", "from", "2019-03-15", "to", "2020-11-02", NULL },
    { "by", "nationality", "from", "2019-03-15", "to", "2020-02-29", NULL },
    { "by", "incident_type", "from", "2019-01-01", "to", "2019-12-31", NULL },
    { "by", "mission", "from", "2020-02-10", "to", "2020-02-20", NULL },
    { "by", "year", "from", "2019-02-01", "to", "2019-12-30", NULL },
    { "by", "gender", "to", "2019-06-30", NULL },
    { "by", "year", "from", "2020-03-01", NULL },
    { "by", "year,mission", "from", "2018-12-31", NULL },
    { "by", "month", "ytd", "2020-05-17", NULL },
    { "by", "nationality", "ytd", "2020-05-17", "distinct", "1", NULL },
    { "by", "year", "mission", "MINUSMA,unmiss", NULL },
    { "by", "year", "nationality", "unknown", NULL },
    { "by", "nationality", "nationality", "TCD,unknown", NULL },
    { "by", "personnel_type", "casualty_type", "Fatality", NULL },
    { "by", "month", "incident_type", "Illness", "gender", "F", NULL },
    { "by", "mission", "personnel_type", "Military", "from", "2019-07-04", NULL },
    { "by", "year", "embargoed", "0", NULL },
    { "by", "incident_type", "embargoed", "1", NULL },
    { "by", "year", "distinct", "1", "mission", "UNIFIL", NULL },
    { "distinct", "1", "from", "2019-05-05", "to", "2021-01-31", NULL },
    { "by", "year", "rate", "1", NULL },
    { "by", "mission,year", "rate", "1", NULL },
    { "by", "nationality,gender", NULL },
    { "by", "casualty_type", "nationality", "IND", "to", "2020-12-31", NULL },
};
#define NQUERIES (sizeof queries / sizeof queries[0])

static void read_query(const char *const *params, struct casualty_stats_query *q)
{
    struct bh_error err;
    casualty_stats_init(q);
    for (int i = 0; params[i]; i += 2) {
        int rc = 0;
        if (strcmp(params[i], "by") == 0)
            rc = casualty_stats_parse_by(q, params[i + 1], &err);
        else if (strcmp(params[i], "top") == 0)
            q->top = atoll(params[i + 1]);
        else if (strcmp(params[i], "rate") == 0)
            q->rate = true;
        else if (strcmp(params[i], "distinct") == 0)
            q->distinct = true;
        else
            rc = casualty_filter_set(&q->filter, params[i], params[i + 1], &err);
        must(rc, &err, params[i]);
    }
}

/* The reply as compact JSON with sorted keys (heap). */
static char *answer(const struct principal *who, struct casualty_stats_query *q, bool raw)
{
    struct bh_error err;
    json_t *res = NULL;
    q->raw = raw;
    must(casualty_stats(db, who, q, &res, &err), &err, raw ? "stats (raw)" : "stats (tally)");
    char *s = json_dumps(res, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
    json_decref(res);
    return s;
}

static int nchecks;

/* Every query for every reader: the tallies' answer is the records'. */
static void check_all(const char *when)
{
    for (size_t r = 0; r < NREADERS; r++) {
        struct principal who;
        reader(r, &who);
        for (size_t k = 0; k < NQUERIES; k++) {
            struct casualty_stats_query q;
            read_query(queries[k], &q);
            char *want = answer(&who, &q, true);
            char *got = answer(&who, &q, false);
            if (strcmp(want, got) != 0) {
                fprintf(stderr,
                        "%s: reader %s/%s, query %zu (%s %s ...):\n  records: %s\n"
                        "  tallies: %s\n",
                        when, readers[r].org < 0 ? "anonymous" : org_codes[readers[r].org],
                        role_name(readers[r].role), k, queries[k][0] ? queries[k][0] : "",
                        queries[k][0] ? queries[k][1] : "", want, got);
                fail_msg("the tallies' answer is not the records'");
            }
            free(want);
            free(got);
            nchecks++;
        }
    }
}

/* The tallies' contents, every column of every row, one row a line, in order (heap). */
static char *tally_rows(void)
{
    struct buf all = BUF_INIT;
    for (int i = 0; i < casualty_tally_ncubes; i++) {
        const struct casualty_tally_cube *c = &casualty_tally_cubes[i];
        struct buf sql = BUF_INIT;
        buf_puts(&sql, "SELECT ifnull(group_concat(r, char(10)), '') FROM (SELECT "
                       "quote(incident_date)");
        for (int k = 0; c->columns[k]; k++)
            buf_printf(&sql, " || ',' || quote(%s)", c->columns[k]);
        buf_printf(&sql,
                   " || ',' || quote(tlp) || ',' || quote(owner_org_id) || ',' || "
                   "quote(sharing_group_id) || ',' || quote(embargoed) || ',' || quote(id) || "
                   "',' || n AS r FROM %s ORDER BY 1)",
                   c->table);
        buf_printf(&all, "%s:\n%s\n", c->table, test_query_text(db, buf_str(&sql)));
        buf_reset(&sql);
        buf_printf(&sql, "SELECT count(*) FROM %s WHERE n <= 0 OR tlp = 'RED' OR id IS NOT NULL",
                   c->table);
        assert_int_equal(test_query_int(db, buf_str(&sql)), 0);
        buf_cleanup(&sql);
    }
    return buf_steal(&all);
}

/* The tallies as the triggers keep them are the tallies counted again from the records, by
 * casualty_tally_rebuild() and by the migration's GROUP BY, and the triggers come back as
 * they were. */
static void check_rebuild_agrees(void)
{
    char *kept = tally_rows();
    char *before = strdup(
        test_query_text(db, "SELECT group_concat(name || ': ' || sql, char(10)) FROM (SELECT "
                            "name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = "
                            "'casualty' ORDER BY name)"));
    struct bh_error err;
    must(db_begin(db, &err), &err, "begin");
    must(casualty_tally_rebuild(db, &err), &err, "rebuild");
    must(db_commit(db, &err), &err, "commit");
    char *counted = tally_rows();
    assert_string_equal(kept, counted);
    /* The migration's way (one GROUP BY a cuboid) counts the same. */
    struct buf ddl = BUF_INIT;
    casualty_tally_ddl(&ddl);
    must(db_begin(db, &err), &err, "begin");
    must(db_exec(db, buf_str(&ddl), &err), &err, "migration's backfill");
    must(db_commit(db, &err), &err, "commit");
    buf_cleanup(&ddl);
    free(counted);
    counted = tally_rows();
    assert_string_equal(kept, counted);
    assert_string_equal(
        test_query_text(db, "SELECT group_concat(name || ': ' || sql, char(10)) FROM (SELECT "
                            "name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = "
                            "'casualty' ORDER BY name)"),
        before);
    free(kept);
    free(before);
    free(counted);
}

/* casualty/tally-random-sequence: a few hundred writes, checked every few. */
static void random_sequence(void **state)
{
    (void)state;
    for (int i = 0; i < 40; i++)
        insert_record();
    check_all("after the first inserts");
    for (int op = 0; op < 360; op++) {
        uint32_t what = rnd(10);
        if (what < 4)
            insert_record();
        else if (what < 8)
            update_record();
        else
            delete_record();
        if (op % 24 == 23) {
            char when[64];
            snprintf(when, sizeof when, "after operation %d", op + 1);
            check_all(when);
        }
    }
    /* Every marking, the embargo both ways and the RED reader's records were there. */
    assert_true(test_query_int(db, "SELECT count(*) FROM casualty WHERE tlp = 'RED'") > 0);
    assert_true(test_query_int(db, "SELECT count(*) FROM casualty WHERE tlp = 'AMBER'") > 0);
    assert_true(test_query_int(db, "SELECT count(*) FROM casualty WHERE embargoed = 1") > 0);
    assert_true(test_query_int(db, "SELECT count(*) FROM casualty c JOIN tlp_recipient r ON "
                                   "r.record_id = c.id WHERE c.tlp = 'RED'") > 0);
    assert_true(nchecks > 1000);
    check_rebuild_agrees();
    /* Delete everything: the tallies empty out. */
    test_exec(db, "DELETE FROM casualty");
    check_all("after deleting every record");
    for (int i = 0; i < casualty_tally_ncubes; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", casualty_tally_cubes[i].table);
        assert_int_equal(test_query_int(db, sql), 0);
    }
}

/* casualty/tally-plan: the queries the tallies can answer are answered from them. */
static void plan(void **state)
{
    (void)state;
    static const struct {
        const char *params[8];
        const char *table;
    } cases[] = {
        { { "by", "year,incident_type", NULL }, "casualty_tally_month" },
        { { NULL }, "casualty_tally_month" },
        { { "by", "month", "gender", "F", NULL }, "casualty_tally_month" },
        { { "by", "year", "from", "2019-03-15", NULL }, "casualty_tally_month" },
        { { "by", "nationality", NULL }, "casualty_tally_nationality" },
        { { "by", "year", "nationality", "unknown", NULL }, "casualty_tally_nationality" },
        { { "by", "mission", "casualty_type", "Injury", NULL }, "casualty_tally_month" },
        { { "by", "nationality,gender", NULL }, "casualty" },
        { { "by", "month", "nationality", "TCD", NULL }, "casualty" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct casualty_stats_query q;
        read_query(cases[i].params, &q);
        assert_string_equal(casualty_stats_plan(&q), cases[i].table);
        q.raw = true;
        assert_string_equal(casualty_stats_plan(&q), "casualty");
    }
}

/* casualty/tally-is-read: a count added to a tally row by hand shows in the answer, and a
 * rebuild puts it right: the answer comes from the tally, not from the records. */
static void tally_is_read(void **state)
{
    (void)state;
    for (int i = 0; i < 30; i++)
        insert_record();
    test_exec(db, "UPDATE casualty SET tlp = 'CLEAR', embargoed = 0");
    struct principal anon;
    principal_anonymous(&anon);
    const char *const by_nat[] = { "by", "nationality", NULL };
    const char *const by_type[] = { "by", "year,incident_type", NULL };
    const char *const *cases[] = { by_nat, by_type };
    const char *tamper[] = { "UPDATE casualty_tally_nationality SET n = n + 1000 WHERE rowid = "
                             "(SELECT min(rowid) FROM casualty_tally_nationality)",
                             "UPDATE casualty_tally_month SET n = n + 1000 WHERE rowid = (SELECT "
                             "min(rowid) FROM casualty_tally_month)" };
    for (int k = 0; k < 2; k++) {
        struct casualty_stats_query q;
        read_query(cases[k], &q);
        char *want = answer(&anon, &q, true);
        test_exec(db, tamper[k]);
        char *got = answer(&anon, &q, false);
        assert_string_not_equal(got, want);
        assert_non_null(strstr(got, "\"total\":"));
        free(got);
        struct bh_error err;
        must(casualty_tally_rebuild(db, &err), &err, "rebuild");
        got = answer(&anon, &q, false);
        assert_string_equal(got, want);
        free(got);
        free(want);
    }
    test_exec(db, "DELETE FROM casualty");
}

/* casualty/tally-bulk-load: with the triggers suspended a load leaves the tallies as they
 * were; the rebuild in the same transaction counts it, and the triggers are back. */
static void bulk_load(void **state)
{
    (void)state;
    for (int i = 0; i < 20; i++)
        insert_record();
    char *before = tally_rows();
    const char *triggers =
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'casualty_tally%'";
    assert_int_equal(test_query_int(db, triggers), 3 * casualty_tally_ncubes);
    struct bh_error err;
    must(db_begin(db, &err), &err, "begin");
    must(casualty_tally_suspend(db, &err), &err, "suspend");
    assert_int_equal(test_query_int(db, triggers), 0);
    for (int i = 0; i < 200; i++)
        insert_record();
    for (int i = 0; i < 20; i++)
        delete_record();
    char *during = tally_rows();
    assert_string_equal(during, before);
    must(casualty_tally_rebuild(db, &err), &err, "rebuild");
    must(db_commit(db, &err), &err, "commit");
    assert_int_equal(test_query_int(db, triggers), 3 * casualty_tally_ncubes);
    check_all("after a bulk load");
    /* And the triggers work again. */
    for (int i = 0; i < 20; i++)
        update_record();
    check_all("after updates following a bulk load");
    check_rebuild_agrees();
    free(before);
    free(during);
}

/* casualty/tally-migration-says-the-same: migration 0013 holds, word for word, what
 * casualty_tally_rebuild() runs: the triggers a rebuild makes are the migration's. */
static void migration_text(void **state)
{
    (void)state;
    char *path = test_path(BH_SOURCE_DIR "/src/db/migrations", "0013_casualty_tally.sql");
    char *text = test_read_file(path, NULL);
    struct buf ddl = BUF_INIT;
    casualty_tally_ddl(&ddl);
    assert_non_null(strstr(text, buf_str(&ddl)));
    buf_cleanup(&ddl);
    free(text);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("casualty/tally-plan", plan),
        BH_TEST("casualty/tally-migration-says-the-same", migration_text),
        BH_TEST("casualty/tally-random-sequence", random_sequence),
        BH_TEST("casualty/tally-is-read", tally_is_read),
        BH_TEST("casualty/tally-bulk-load", bulk_load),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
