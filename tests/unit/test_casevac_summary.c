/* CASEVAC timelines in a real store: writing and reading one (who may, what is stored, the
 * audit entry with the old and new times, a repeated write that writes nothing, a refused one
 * that leaves the store as it was), and the summary per mission and month over casualties of
 * two missions and two months, for a reader who sees all of them and one who does not (an
 * embargoed record of another member). Each count, rate and median below is worked out by
 * hand from the timelines in the table. */
#include "support.h"

#include "base/timeutil.h"
#include "casevac/casevac.h"
#include "casualty/casualty.h"
#include "db/db.h"
#include "org/org.h"
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;

enum { FRA, BRA, UNMISS, DPO, NORGS };
static const struct {
    const char *code;
    enum org_kind kind;
} orgs[NORGS] = {
    [FRA] = { "FRA", ORG_MEMBER_STATE },
    [BRA] = { "BRA", ORG_MEMBER_STATE },
    [UNMISS] = { "UNMISS", ORG_MISSION },
    [DPO] = { "DPO", ORG_UN_ENTITY },
};
static int64_t org_id[NORGS];

static void user(int org, enum role role, struct principal *p)
{
    test_principal(p, 100 + org * 100 + (int64_t)role, org_id[org], orgs[org].code, role, "%s.%s",
                   orgs[org].code, role_name(role));
}

/* A new GREEN casualty record of `who` in `mission` on `date`; its UUID goes to `id`. */
static void casualty(const struct principal *who, const char *mission, const char *date,
                     char id[40])
{
    struct casualty_new in = {
        .incident_date = date,
        .mission = mission,
        .casualty_type = "Injury",
        .gender = "F",
        .nationality = who->org_code,
        .personnel_type = "Military",
        .incident_type = "Malicious Act",
        .tlp = "TLP:GREEN",
    };
    struct bh_error err;
    json_t *rec = NULL;
    must(casualty_create(db, who, &in, &rec, &err), &err, "casualty_create");
    snprintf(id, 40, "%s", json_string_value(json_object_get(rec, "id")));
    json_decref(rec);
}

/* Writes a timeline from JSON text; returns the code, the reply (caller decrefs, may be NULL)
 * in *out. */
static int put(const struct principal *who, const char *id, const char *json, json_t **out,
               struct bh_error *err)
{
    json_error_t jerr;
    json_t *body = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (!body)
        fail_msg("bad test JSON %s: %s", json, jerr.text);
    struct casevac_timeline *t = malloc(sizeof *t);
    memset(err, 0, sizeof *err);
    int rc = casevac_timeline_from_json(body, t, err);
    if (!rc)
        rc = casevac_put(db, who, id, t, out, err);
    free(t);
    json_decref(body);
    return rc;
}

/* The body of a timeline: the injury `inj` (RFC 3339 or NULL) and the other times as minutes
 * after it (negative: null). */
static const char *times(const char *inj, int fa, int ac, int su, int req, int launch, int arr)
{
    static char out[1024];
    const int after[6] = { fa, ac, su, req, launch, arr };
    int64_t t0 = 0;
    struct bh_error err;
    if (inj && time_parse_rfc3339(inj, &t0, NULL, &err))
        fail_msg("test time %s: %s", inj, err.message);
    size_t n = (size_t)snprintf(out, sizeof out, "{\"injury_at\":");
    n += (size_t)snprintf(out + n, sizeof out - n, inj ? "\"%s\"" : "%snull", inj ? inj : "");
    for (int i = 0; i < 6; i++) {
        char s[48] = "null", when[40];
        if (inj && after[i] >= 0) {
            time_format_rfc3339(t0 + (int64_t)after[i] * 60000, 0, false, when);
            snprintf(s, sizeof s, "\"%s\"", when);
        }
        n += (size_t)snprintf(out + n, sizeof out - n, ",\"%s\":%s", casevac_time_names[i + 1], s);
    }
    snprintf(out + n, sizeof out - n, "}");
    return out;
}

static void put_ok(const struct principal *who, const char *id, const char *json)
{
    struct bh_error err;
    must(put(who, id, json, NULL, &err), &err, json);
}

static int64_t audit_rows(void)
{
    return test_query_int(db, "SELECT count(*) FROM audit_log WHERE action = 'casevac.update'");
}

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("casevac_summary", NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    struct principal cli;
    principal_cli(&cli);
    for (int i = 0; i < NORGS; i++) {
        struct org o;
        org_init(&o);
        snprintf(o.code, sizeof o.code, "%s", orgs[i].code);
        snprintf(o.name, sizeof o.name, "Organization %s", orgs[i].code);
        o.kind = orgs[i].kind;
        must(org_add(db, &cli, &o, &err), &err, "org_add");
        org_id[i] = o.id;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* casevac/store-put-get: a record without a timeline reads as all null; the owner's write is
 * stored in UTC, audited with the old (null) and new times, and read back by id and by
 * casualty_id; the same write again adds nothing; a change is audited with both sides; a
 * refused write (bad time, other organization, record not visible) changes no row. */
static void casevac_store_put_get(void **state)
{
    (void)state;
    struct principal fp, rep_bra, mission, admin;
    user(FRA, ROLE_FOCAL_POINT, &fp);
    user(BRA, ROLE_FOCAL_POINT, &rep_bra);
    user(UNMISS, ROLE_REPORTER, &mission);
    user(DPO, ROLE_ADMIN, &admin);
    char id[40];
    casualty(&fp, "UNMISS", "2023-06-01", id);
    struct bh_error err;
    json_t *got = NULL;
    must(casevac_get(db, &fp, id, &got, &err), &err, "get empty");
    assert_string_equal(str(got, "casualty_id"), id);
    assert_prefix(str(got, "casualty_ref"), "BH-");
    assert_string_equal(str(got, "mission"), "UNMISS");
    json_t *tj = json_object_get(got, "times");
    assert_int_equal(json_object_size(tj), CASEVAC_NTIMES);
    for (int i = 0; i < CASEVAC_NTIMES; i++)
        assert_true(json_is_null(json_object_get(tj, casevac_time_names[i])));
    assert_true(json_is_null(json_object_get(got, "updated_at")));
    assert_true(json_is_null(json_object_get(json_object_get(got, "compliance"), "all_met")));
    char ref[32];
    snprintf(ref, sizeof ref, "%s", str(got, "casualty_ref"));
    json_decref(got);

    /* Embargoed: BRA does not see the record, so there is no timeline for it either. */
    assert_int_equal(casevac_get(db, &rep_bra, id, &got, &err), BH_ENOTFOUND);
    int64_t audits = audit_rows();
    const char *body = "{\"injury_at\":\"2023-06-01T09:15:00+03:00\",\"first_aid_at\":"
                       "\"2023-06-01T06:25:00Z\",\"advanced_care_at\":null,\"surgery_at\":null,"
                       "\"evac_requested_at\":null,\"evac_launched_at\":null,\"evac_arrived_at\":"
                       "null,\"notes\":\"CAT A\"}";
    assert_int_equal(put(&rep_bra, id, body, NULL, &err), BH_ENOTFOUND);
    /* The mission's organization sees the record but does not write another state's. */
    assert_int_equal(put(&mission, id, body, NULL, &err), BH_EDENIED);
    assert_string_equal(err.field, "id");
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM casevac"), 0);
    assert_int_equal(audit_rows(), audits);

    json_t *out = NULL;
    must(put(&fp, ref, body, &out, &err), &err, "put");
    assert_string_equal(str(json_object_get(out, "times"), "injury_at"), "2023-06-01T06:15:00Z");
    json_t *fa = json_object_get(json_object_get(out, "compliance"), "first_aid");
    assert_int_equal(json_integer_value(json_object_get(fa, "minutes")), 10);
    assert_true(json_is_true(json_object_get(fa, "met")));
    assert_string_equal(str(out, "updated_by"), "FRA.focal_point");
    assert_string_equal(str(out, "notes"), "CAT A");
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM casevac WHERE casualty_id = '%s' AND injury_at = "
             "'2023-06-01T06:15:00Z' AND first_aid_at = '2023-06-01T06:25:00Z' AND surgery_at "
             "IS NULL AND notes = 'CAT A' AND updated_by = 'FRA.focal_point'",
             id);
    assert_int_equal(test_query_int(db, sql), 1);
    assert_int_equal(audit_rows(), audits + 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'casevac.update' AND record_type = "
             "'casevac' AND record_id = '%s' AND username = 'FRA.focal_point' AND "
             "json_extract(summary, '$.old') IS NULL AND json_extract(summary, '$.new.injury_at') "
             "= '2023-06-01T06:15:00Z' AND json_extract(summary, '$.notes_changed') = 1 AND "
             "json_extract(summary, '$.casualty_ref') = '%s'",
             id, ref);
    assert_int_equal(test_query_int(db, sql), 1);

    /* Read back, by UUID and by casualty_id: the same reply as the write's. */
    must(casevac_get(db, &fp, id, &got, &err), &err, "get");
    assert_true(json_equal(got, out));
    json_decref(got);
    must(casevac_get(db, &mission, ref, &got, &err), &err, "get by ref");
    assert_true(json_equal(got, out));
    json_decref(got);
    json_decref(out);

    /* The same timeline again (a retried PUT): nothing written, nothing audited. */
    must(put(&fp, id, body, NULL, &err), &err, "put again");
    assert_int_equal(audit_rows(), audits + 1);

    /* A refused write leaves row and log alone. */
    assert_int_equal(put(&fp, id,
                         "{\"injury_at\":\"2023-06-01T06:15:00Z\",\"first_aid_at\":"
                         "\"2023-06-01T06:10:00Z\",\"advanced_care_at\":null,\"surgery_at\":null,"
                         "\"evac_requested_at\":null,\"evac_launched_at\":null,"
                         "\"evac_arrived_at\":null}",
                         NULL, &err),
                     BH_EINVALID);
    assert_string_equal(err.field, "first_aid_at");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM casevac WHERE casualty_id = '%s' AND first_aid_at = "
             "'2023-06-01T06:25:00Z' AND notes = 'CAT A'",
             id);
    assert_int_equal(test_query_int(db, sql), 1);
    assert_int_equal(audit_rows(), audits + 1);

    /* The admin corrects it: first aid cleared, notes gone; the entry has both sides. */
    must(put(&admin, id, times("2023-06-01T06:15:00Z", -1, 50, -1, -1, -1, -1), &out, &err), &err,
         "admin put");
    assert_true(json_is_null(json_object_get(out, "notes")));
    assert_true(json_is_null(json_object_get(json_object_get(out, "times"), "first_aid_at")));
    json_decref(out);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'casevac.update' AND record_id = '%s' "
             "AND json_extract(summary, '$.old.first_aid_at') = '2023-06-01T06:25:00Z' AND "
             "json_extract(summary, '$.new.first_aid_at') IS NULL AND "
             "json_extract(summary, '$.new.advanced_care_at') = '2023-06-01T07:05:00Z'",
             id);
    assert_int_equal(test_query_int(db, sql), 1);
    assert_int_equal(audit_rows(), audits + 2);
}

/* One summary item as text: the counts and rates of one group, for comparing whole lines. */
static void item_text(json_t *it, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "%s %s n=%lld", str(it, "mission"), str(it, "month"),
                                (long long)json_integer_value(json_object_get(it, "casualties")));
    static const char *const keys[] = { "first_aid", "advanced_care", "surgery", "all_met" };
    for (int k = 0; k < 4; k++) {
        json_t *o = json_object_get(it, keys[k]);
        json_t *rate = json_object_get(o, "rate");
        char r[16] = "null";
        if (json_is_number(rate))
            snprintf(r, sizeof r, "%.4f", json_number_value(rate));
        n += (size_t)snprintf(out + n, cap - n, " %s=%lld/%lld/%lld@%s", keys[k],
                              (long long)json_integer_value(json_object_get(o, "met")),
                              (long long)json_integer_value(json_object_get(o, "missed")),
                              (long long)json_integer_value(json_object_get(o, "unknown")), r);
    }
    static const char *const medians[] = { "median_first_aid_minutes",
                                           "median_advanced_care_minutes", "median_surgery_minutes",
                                           "median_request_to_launch_minutes",
                                           "median_launch_to_arrival_minutes" };
    n += (size_t)snprintf(out + n, cap - n, " medians");
    for (int m = 0; m < 5; m++) {
        json_t *v = json_object_get(it, medians[m]);
        if (json_is_null(v))
            n += (size_t)snprintf(out + n, cap - n, " null");
        else
            n += (size_t)snprintf(out + n, cap - n, " %g", json_number_value(v));
    }
}

/* The summary for `who` with parameters (name, value pairs, NULL-terminated) as one line per
 * item, joined by newlines. */
static char *summary(const struct principal *who, const char *const *params)
{
    struct casevac_summary_query q;
    struct bh_error err;
    casevac_summary_init(&q);
    for (; params && params[0]; params += 2)
        must(casevac_summary_set(&q, params[0], params[1], &err), &err, params[0]);
    json_t *res = NULL;
    must(casevac_summary(db, who, &q, &res, &err), &err, "summary");
    static char text[4096];
    size_t n = 0;
    text[0] = '\0';
    json_t *it;
    size_t i;
    json_array_foreach(json_object_get(res, "items"), i, it)
    {
        char line[512];
        item_text(it, line, sizeof line);
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%s", n ? "\n" : "", line);
    }
    json_decref(res);
    return text;
}

/* casevac/summary: counts, rates and medians per mission and month of injury (UTC), for a
 * reader who sees FRA's records and not BRA's embargoed one, and for the admin who sees all;
 * the filters; bad parameters named. */
static void casevac_summary_counts(void **state)
{
    (void)state;
    struct principal fra, bra, admin;
    user(FRA, ROLE_FOCAL_POINT, &fra);
    user(BRA, ROLE_FOCAL_POINT, &bra);
    user(DPO, ROLE_ADMIN, &admin);
    char id[12][40];
    /* UNMISS, January 2024 (UTC):
     *   A  fa 5 met, ac 45 met, su 111 met -> all met; request->launch 18, launch->arrival 30
     *   B  fa 10 met (exactly), ac 61 missed, su unknown -> all missed; request->launch 30
     *   C  fa 11 missed, ac 30 met, su 120 met (exactly) -> all missed
     *   D  injury 2024-02-01T00:10+01:00, which is 2024-01-31 in UTC; nothing else known */
    casualty(&fra, "UNMISS", "2024-01-05", id[0]);
    put_ok(&fra, id[0], times("2024-01-05T10:00:00Z", 5, 45, 111, 2, 20, 50));
    casualty(&fra, "UNMISS", "2024-01-20", id[1]);
    put_ok(&fra, id[1], times("2024-01-20T23:30:00Z", 10, 61, -1, 3, 33, -1));
    casualty(&fra, "UNMISS", "2024-01-31", id[2]);
    put_ok(&fra, id[2], times("2024-01-31T23:50:00Z", 11, 30, 120, -1, -1, -1));
    casualty(&fra, "UNMISS", "2024-02-01", id[3]);
    put_ok(&fra, id[3], times("2024-02-01T00:10:00+01:00", -1, -1, -1, -1, -1, -1));
    /* UNMISS, February: E  fa 12 missed, ac 50 met, su 100 met -> all missed. */
    casualty(&fra, "UNMISS", "2024-02-10", id[4]);
    put_ok(&fra, id[4], times("2024-02-10T08:00:00Z", 12, 50, 100, -1, -1, -1));
    /* MINUSCA, February: F all met (3, 40, 90); H su 121 missed (8, 59, 121); G has no
     * injury time, so no month, and is not counted; a record without a timeline neither. */
    casualty(&fra, "MINUSCA", "2024-02-03", id[5]);
    put_ok(&fra, id[5], times("2024-02-03T12:00:00Z", 3, 40, 90, 1, 11, 41));
    casualty(&fra, "MINUSCA", "2024-02-15", id[6]);
    put_ok(&fra, id[6], times("2024-02-15T06:00:00Z", 8, 59, 121, 5, 30, 90));
    casualty(&fra, "MINUSCA", "2024-02-16", id[7]);
    put_ok(&fra, id[7],
           "{\"injury_at\":null,\"first_aid_at\":null,\"advanced_care_at\":null,\"surgery_at\":"
           "null,\"evac_requested_at\":\"2024-02-16T10:00:00Z\",\"evac_launched_at\":null,"
           "\"evac_arrived_at\":null,\"notes\":\"injury time not recorded\"}");
    casualty(&fra, "MINUSCA", "2024-02-17", id[8]);
    /* BRA's embargoed record in MINUSCA, February: fa 20 missed. FRA does not see it. */
    casualty(&bra, "MINUSCA", "2024-02-20", id[9]);
    put_ok(&bra, id[9], times("2024-02-20T14:00:00Z", 20, 55, 115, -1, -1, -1));

    const char *fra_all =
        "MINUSCA 2024-02 n=2 first_aid=2/0/0@1.0000 advanced_care=2/0/0@1.0000 "
        "surgery=1/1/0@0.5000 all_met=1/1/0@0.5000 medians 5.5 49.5 105.5 17.5 45\n"
        "UNMISS 2024-01 n=4 first_aid=2/1/1@0.6667 advanced_care=2/1/1@0.6667 "
        "surgery=2/0/2@1.0000 all_met=1/2/1@0.3333 medians 10 45 115.5 24 30\n"
        "UNMISS 2024-02 n=1 first_aid=0/1/0@0.0000 advanced_care=1/0/0@1.0000 "
        "surgery=1/0/0@1.0000 all_met=0/1/0@0.0000 medians 12 50 100 null null";
    /* From 2024: the record of the test above is of 2023. */
    const char *const since_2024[] = { "from", "2024-01", NULL };
    assert_string_equal(summary(&fra, since_2024), fra_all);
    /* The admin sees BRA's embargoed record too: MINUSCA February has three. */
    const char *admin_minusca =
        "MINUSCA 2024-02 n=3 first_aid=2/1/0@0.6667 advanced_care=3/0/0@1.0000 "
        "surgery=2/1/0@0.6667 all_met=1/2/0@0.3333 medians 8 55 115 17.5 45";
    const char *const minusca[] = { "mission", "minusca", NULL };
    assert_string_equal(summary(&admin, minusca), admin_minusca);
    /* BRA sees its own, not FRA's embargoed ones. */
    assert_string_equal(summary(&bra, NULL),
                        "MINUSCA 2024-02 n=1 first_aid=0/1/0@0.0000 advanced_care=1/0/0@1.0000 "
                        "surgery=1/0/0@1.0000 all_met=0/1/0@0.0000 medians 20 55 115 null null");

    /* Months: from and to are inclusive months of the injury in UTC. */
    const char *const feb[] = { "from", "2024-02", NULL };
    assert_string_equal(summary(&fra, feb),
                        "MINUSCA 2024-02 n=2 first_aid=2/0/0@1.0000 advanced_care=2/0/0@1.0000 "
                        "surgery=1/1/0@0.5000 all_met=1/1/0@0.5000 medians 5.5 49.5 105.5 17.5 45\n"
                        "UNMISS 2024-02 n=1 first_aid=0/1/0@0.0000 advanced_care=1/0/0@1.0000 "
                        "surgery=1/0/0@1.0000 all_met=0/1/0@0.0000 medians 12 50 100 null null");
    const char *const jan_unmiss[] = { "mission", "UNMISS,MINUSCA", "from", "2024-01",
                                       "to",      "2024-01",        NULL };
    assert_string_equal(summary(&fra, jan_unmiss),
                        "UNMISS 2024-01 n=4 first_aid=2/1/1@0.6667 advanced_care=2/1/1@0.6667 "
                        "surgery=2/0/2@1.0000 all_met=1/2/1@0.3333 medians 10 45 115.5 24 30");
    const char *const none[] = { "from", "2022-01", "to", "2022-12", NULL };
    assert_string_equal(summary(&fra, none), "");

    /* Bad parameters: named, and caught before or at the query. */
    static const struct {
        const char *name, *value, *field;
    } bad[] = {
        { "from", "2024-13", "from" },
        { "from", "2024-1", "from" },
        { "to", "24-01", "to" },
        { "mission", "", "mission" },
        { "mission", "UN;MISS", "mission" },
        { "limit", "5", "limit" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct casevac_summary_query q;
        struct bh_error err;
        casevac_summary_init(&q);
        int rc = casevac_summary_set(&q, bad[i].name, bad[i].value, &err);
        if (rc != BH_EINVALID || strcmp(err.field, bad[i].field) != 0)
            fail_msg("%s=%s: expected INVALID naming %s, got %s naming '%s'", bad[i].name,
                     bad[i].value, bad[i].field, bh_errname(rc), err.field);
    }
    struct casevac_summary_query q;
    struct bh_error err;
    json_t *res = NULL;
    casevac_summary_init(&q);
    must(casevac_summary_set(&q, "mission", "UNMISS,ATLANTIS", &err), &err, "set");
    assert_int_equal(casevac_summary(db, &fra, &q, &res, &err), BH_EINVALID);
    assert_string_equal(err.field, "mission");
    assert_contains(err.message, "ATLANTIS");
    casevac_summary_init(&q);
    must(casevac_summary_set(&q, "from", "2024-02", &err), &err, "from");
    must(casevac_summary_set(&q, "to", "2024-01", &err), &err, "to");
    assert_int_equal(casevac_summary(db, &fra, &q, &res, &err), BH_EINVALID);
    assert_string_equal(err.field, "to");
    assert_null(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("casevac/store-put-get", casevac_store_put_get),
        BH_TEST("casevac/summary", casevac_summary_counts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
