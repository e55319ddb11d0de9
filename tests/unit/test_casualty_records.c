/* Casualty records in process, against a store with the reference data: creating (every bad
 * value names its field), reading, releasing (who may, what is recorded and audited), the
 * list with its filters and pages, and THE embargo matrix: who sees an embargoed record in a
 * list, a get, a statistic and an export, before and after its release. The expectations are
 * written by hand from docs/casualties.md; nothing here asks the predicate what to expect. */
#include "support.h"

#include "casualty/casualty.h"
#include "casualty/export.h"
#include "casualty/stats.h"
#include "db/db.h"
#include "incident/incident.h"
#include "org/org.h"
#include "refdata/refdata.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;

/* The organizations: the contributing state that owns the records (FRA), the mission the
 * person served in (UNMISS, an organization of kind mission), another member (BRA), a friend
 * in FRA's sharing group (GHA), and the secretariat (DPO). */
enum { FRA, UNMISS, BRA, GHA, DPO, NORGS };
static const struct {
    const char *code;
    enum org_kind kind;
} orgs[NORGS] = {
    [FRA] = { "FRA", ORG_MEMBER_STATE }, [UNMISS] = { "UNMISS", ORG_MISSION },
    [BRA] = { "BRA", ORG_MEMBER_STATE }, [GHA] = { "GHA", ORG_MEMBER_STATE },
    [DPO] = { "DPO", ORG_UN_ENTITY },
};
static int64_t org_id[NORGS];
static int64_t group_id; /* FRA's group {FRA, GHA} */

/* A user of `org` with `role`; account ids are org*100 + role so a number says whose it is. */
static void user(int org, enum role role, struct principal *p)
{
    test_principal(p, 100 + org * 100 + (int64_t)role, org_id[org], orgs[org].code, role, "%s.%s",
                   orgs[org].code, role_name(role));
}

#define LINKED_INCIDENT "0190a000-0000-7000-8000-0000000000aa"
#define HIDDEN_INCIDENT "0190a000-0000-7000-8000-0000000000bb"

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("casualty_records", NULL);
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
    struct principal coord;
    user(FRA, ROLE_COORDINATOR, &coord);
    const char *members[] = { "GHA" };
    must(sharing_group_create(db, &coord, "FRA and friends", "", members, 1, &group_id, &err), &err,
         "group");
    /* The incident FRA's records link to, GREEN; and one of BRA's only BRA may see. */
    struct incident_row inc = {
        .id = LINKED_INCIDENT,
        .mission = "UNMISS",
        .occurred_at = "2024-03-10T06:00:00Z",
        .occurred_precision = "exact",
        .reported_at = "2024-03-10T09:00:00Z",
        .latitude = 4.85,
        .longitude = 31.6,
        .location_precision = "exact",
        .threat_type = "ied",
        .target = "convoy",
        .activity = "patrolling",
        .status = "endorsed",
        .owner_org_id = org_id[FRA],
        .reporter = "FRA.reporter",
        .tlp = "GREEN",
        .source = "member",
    };
    must(incident_store_insert(db, &inc, NULL, NULL, &err), &err, "incident");
    inc.id = HIDDEN_INCIDENT;
    inc.owner_org_id = org_id[BRA];
    inc.tlp = "AMBER+STRICT";
    must(incident_store_insert(db, &inc, NULL, NULL, &err), &err, "incident");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* Creates a record from JSON text as `who`; returns the stored record (caller decrefs), or
 * NULL with `err` filled when the module refuses it. */
static json_t *create(const struct principal *who, const char *json, int *rc_out,
                      struct bh_error *err)
{
    json_error_t jerr;
    json_t *body = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (!body)
        fail_msg("bad test JSON %s: %s", json, jerr.text);
    struct casualty_new in;
    json_t *rec = NULL;
    memset(err, 0, sizeof *err);
    int rc = casualty_new_from_json(body, &in, err);
    if (!rc)
        rc = casualty_create(db, who, &in, &rec, err);
    json_decref(body);
    if (rc_out)
        *rc_out = rc;
    return rec;
}

static json_t *create_ok(const struct principal *who, const char *json)
{
    struct bh_error err;
    int rc;
    json_t *rec = create(who, json, &rc, &err);
    must(rc, &err, json);
    return rec;
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A valid body with one field replaced: `field` and its JSON value (or NULL to leave it
 * out). */
static char *body_with(const char *field, const char *value)
{
    static const char *const fields[][2] = {
        { "incident_date", "\"2024-03-10\"" },
        { "mission", "\"UNMISS\"" },
        { "casualty_type", "\"Fatality\"" },
        { "gender", "\"F\"" },
        { "nationality", "\"FRA\"" },
        { "personnel_type", "\"Police\"" },
        { "incident_type", "\"Malicious Act\"" },
        { "tlp", "\"TLP:GREEN\"" },
    };
    static char out[1024];
    size_t used = 0;
    bool replaced = false;
    out[used++] = '{';
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = fields[i][1];
        if (field && strcmp(field, fields[i][0]) == 0) {
            replaced = true;
            if (!value)
                continue;
            v = value;
        }
        used += (size_t)snprintf(out + used, sizeof out - used, "%s\"%s\":%s", used > 1 ? "," : "",
                                 fields[i][0], v);
    }
    if (field && !replaced && value)
        used += (size_t)snprintf(out + used, sizeof out - used, ",\"%s\":%s", field, value);
    snprintf(out + used, sizeof out - used, "}");
    return out;
}

/* casualty/create-validation: every bad value is refused naming its field, and nothing is
 * written. */
static void casualty_create_validation(void **state)
{
    (void)state;
    struct principal fp;
    user(FRA, ROLE_FOCAL_POINT, &fp);
    static const struct {
        const char *field, *value, *names, *says;
    } cases[] = {
        { "incident_date", "\"2024-02-30\"", "incident_date", "not a date" },
        { "incident_date", "\"10/03/2024\"", "incident_date", "not a date" },
        { "incident_date", "\"2999-01-01\"", "incident_date", "in the future" },
        { "incident_date", NULL, "incident_date", "required" },
        { "mission", "\"ATLANTIS\"", "mission", "ATLANTIS" },
        { "casualty_type", "\"Wounded\"", "casualty_type", "Fatality, Injury, Missing, Abducted" },
        { "gender", "\"X\"", "gender", "unknown gender" },
        { "nationality", "\"XYZ\"", "nationality", "XYZ" },
        { "nationality", "\"France\"", "nationality", "France" },
        { "personnel_type", "\"Local \"", "personnel_type", "unknown personnel_type" },
        { "incident_type", "\"IED\"", "incident_type", "Malicious Act" },
        { "incident_id", "\"not-a-uuid\"", "incident_id", "not a UUID" },
        { "incident_id", "\"0190a000-0000-7000-8000-0000000000cc\"", "incident_id", "no incident" },
        /* BRA's AMBER+STRICT incident is, for FRA, no incident at all. */
        { "incident_id", "\"" HIDDEN_INCIDENT "\"", "incident_id", "no incident" },
        { "tlp", "\"WHITE\"", "tlp", "unknown marking" },
        { "tlp", "\"TLP:AMBER\"", "sharing_group", NULL },
        { "sharing_group", "999", "sharing_group", NULL },
        { "colour", "\"blue\"", "colour", "unknown field" },
        { "mission", "42", "mission", "must be a string" },
    };
    int64_t before = test_query_int(db, "SELECT count(*) FROM casualty");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct bh_error err;
        int rc;
        json_t *rec = create(&fp, body_with(cases[i].field, cases[i].value), &rc, &err);
        if (rc != BH_EINVALID || strcmp(err.field, cases[i].names) != 0)
            fail_msg("case %zu (%s=%s): expected INVALID naming %s, got %s naming '%s': %s", i,
                     cases[i].field, cases[i].value ? cases[i].value : "(absent)", cases[i].names,
                     bh_errname(rc), err.field, err.message);
        if (cases[i].says)
            assert_contains(err.message, cases[i].says);
        assert_null(rec);
    }
    /* Nobody signed in, and the command-line operator, belong to no organization. */
    struct principal anon, cli;
    principal_anonymous(&anon);
    principal_cli(&cli);
    struct bh_error err;
    int rc;
    assert_null(create(&anon, body_with(NULL, NULL), &rc, &err));
    assert_int_equal(rc, BH_EDENIED);
    assert_null(create(&cli, body_with(NULL, NULL), &rc, &err));
    assert_int_equal(rc, BH_EDENIED);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM casualty"), before);
}

/* casualty/create-stored: what a member's new record is: embargoed, the caller's
 * organization's, source member, its own casualty_id, the country's name and M49 from the
 * country table; audited as casualty.create. */
static void casualty_create_stored(void **state)
{
    (void)state;
    struct principal fp;
    user(FRA, ROLE_FOCAL_POINT, &fp);
    json_t *rec = create_ok(&fp, "{\"incident_date\":\"2024-03-10\",\"mission\":\"unmiss\","
                                 "\"casualty_type\":\"injury\",\"gender\":\"unknown\","
                                 "\"nationality\":\"sen\",\"personnel_type\":\"Military "
                                 "Observer\",\"incident_type\":\"Accident\",\"tlp\":\"amber\","
                                 "\"sharing_group\":1,\"incident_id\":"
                                 "\"0190A000-0000-7000-8000-0000000000AA\"}");
    const char *cid = str(rec, "casualty_id");
    assert_int_equal(strlen(cid), 15);
    assert_prefix(cid, "BH-");
    for (const char *p = cid + 3; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F')))
            fail_msg("casualty_id %s is not BH- and 12 hex digits", cid);
    /* The id's last group is where the short id comes from. */
    char tail[16];
    snprintf(tail, sizeof tail, "%s", str(rec, "id") + 24);
    for (char *p = tail; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
    assert_string_equal(cid + 3, tail);
    assert_string_equal(str(rec, "mission"), "UNMISS");
    assert_string_equal(str(rec, "casualty_type"), "Injury");
    assert_string_equal(str(rec, "gender"), "U");
    assert_string_equal(str(rec, "nationality"), "SEN");
    assert_string_equal(str(rec, "nationality_name"), "Senegal");
    assert_int_equal(json_integer_value(json_object_get(rec, "m49")), 686);
    assert_string_equal(str(rec, "personnel_type"), "Military Observer");
    assert_string_equal(str(rec, "incident_id"), "0190a000-0000-7000-8000-0000000000aa");
    assert_string_equal(str(rec, "owner"), "FRA");
    assert_string_equal(str(rec, "tlp"), "TLP:AMBER");
    assert_int_equal(json_integer_value(json_object_get(rec, "sharing_group")), group_id);
    assert_true(json_is_true(json_object_get(rec, "embargoed")));
    assert_true(json_is_null(json_object_get(rec, "released_at")));
    assert_string_equal(str(rec, "source"), "member");
    assert_true(json_is_null(json_object_get(rec, "source_row")));

    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'casualty.create' AND record_id = "
             "'%s' AND username = 'FRA.focal_point'",
             str(rec, "id"));
    assert_int_equal(test_query_int(db, sql), 1);

    /* Unknown nationality is the UN's own term; RED names its author. */
    json_t *red = create_ok(&fp, body_with("nationality", "\"unknown\""));
    assert_true(json_is_null(json_object_get(red, "nationality")));
    assert_string_equal(str(red, "nationality_name"), CASUALTY_UNDETERMINED);
    assert_true(json_is_null(json_object_get(red, "m49")));
    json_decref(red);
    red = create_ok(&fp, body_with("tlp", "\"TLP:RED\""));
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM tlp_recipient WHERE record_type = 'casualty' AND record_id = "
             "'%s' AND account_id = %lld",
             str(red, "id"), (long long)fp.account_id);
    assert_int_equal(test_query_int(db, sql), 1);
    /* The owner's analyst is not named, and does not see it. */
    struct principal analyst;
    user(FRA, ROLE_ANALYST, &analyst);
    json_t *got = NULL;
    struct bh_error err;
    assert_int_equal(casualty_get(db, &analyst, str(red, "id"), &got, &err), BH_ENOTFOUND);
    assert_int_equal(casualty_get(db, &fp, str(red, "id"), &got, &err), 0);
    json_decref(got);
    json_decref(red);
    json_decref(rec);
}

/* ---- the embargo matrix ---- */

enum { P_OWNER, P_MISSION, P_OTHER, P_FRIEND, P_ANON, P_ADMIN, NPRINC };
static const char *const princ_names[NPRINC] = { "FRA focal point", "UNMISS reporter",
                                                 "BRA focal point", "GHA analyst",
                                                 "anonymous",       "DPO admin" };

static void principal_for(int p, struct principal *who)
{
    switch (p) {
    case P_OWNER:
        user(FRA, ROLE_FOCAL_POINT, who);
        break;
    case P_MISSION:
        user(UNMISS, ROLE_REPORTER, who);
        break;
    case P_OTHER:
        user(BRA, ROLE_FOCAL_POINT, who);
        break;
    case P_FRIEND:
        user(GHA, ROLE_ANALYST, who);
        break;
    case P_ADMIN:
        user(DPO, ROLE_ADMIN, who);
        break;
    default:
        principal_anonymous(who);
    }
}

/* Four records of FRA in UNMISS, one per marking that says who reads it. */
enum { R_CLEAR, R_GREEN, R_AMBER, R_STRICT, NREC };
static const char *const rec_tlp[NREC] = { "\"TLP:CLEAR\"", "\"TLP:GREEN\"", "\"TLP:AMBER\"",
                                           "\"TLP:AMBER+STRICT\"" };

/* 'y' sees, '.' does not, one character per record (CLEAR, GREEN, AMBER, AMBER+STRICT).
 * Embargoed: the owner and the mission's organization, as far as the marking also lets them
 * (the mission is not in FRA's group, and AMBER+STRICT is FRA's alone), and admins. No one
 * else, whatever the marking: not the friend in the group, not anonymous. */
static const char *const embargoed_sees[NPRINC] = {
    [P_OWNER] = "yyyy",  [P_MISSION] = "yy..", [P_OTHER] = "....",
    [P_FRIEND] = "....", [P_ANON] = "....",    [P_ADMIN] = "yyyy",
};
/* Released: the marking alone decides. */
static const char *const released_sees[NPRINC] = {
    [P_OWNER] = "yyyy",  [P_MISSION] = "yy..", [P_OTHER] = "yy..",
    [P_FRIEND] = "yyy.", [P_ANON] = "y...",    [P_ADMIN] = "yyyy",
};

static char rec_id[NREC][40];

static int sink_buf(void *ctx, const char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* What `who` sees of each record through one operation, as a "y."-string. */
static void seen(const struct principal *who, const char *op, char out[NREC + 1])
{
    struct bh_error err;
    struct casualty_filter f;
    casualty_filter_init(&f);
    must(casualty_filter_set(&f, "mission", "UNMISS", &err), &err, "filter");
    /* The matrix's records are the only ones of 2023. */
    must(casualty_filter_set(&f, "ytd", "2023-12-31", &err), &err, "filter");
    memset(out, '.', NREC);
    out[NREC] = '\0';
    if (strcmp(op, "get") == 0) {
        for (int r = 0; r < NREC; r++) {
            json_t *rec = NULL;
            int rc = casualty_get(db, who, rec_id[r], &rec, &err);
            if (rc == 0)
                out[r] = 'y';
            else if (rc != BH_ENOTFOUND)
                must(rc, &err, "get");
            json_decref(rec);
        }
        return;
    }
    json_t *items = json_array();
    if (strcmp(op, "list") == 0) {
        char next[CASUALTY_CURSOR_MAX];
        int64_t total = -1;
        must(casualty_list(db, who, &f, NULL, 100, items, next, &total, &err), &err, "list");
        if (total != (int64_t)json_array_size(items))
            fail_msg("list total %lld, items %zu", (long long)total, json_array_size(items));
    } else if (strcmp(op, "export") == 0) {
        struct buf b = BUF_INIT;
        must(casualty_export(db, who, &f, CASUALTY_EXPORT_JSON, sink_buf, &b, NULL, &err), &err,
             "export");
        json_error_t jerr;
        json_decref(items);
        items = json_loads(buf_str(&b), 0, &jerr);
        if (!json_is_array(items))
            fail_msg("export is not a JSON array: %s", buf_str(&b));
        buf_cleanup(&b);
    } else {
        /* A statistic: one count per casualty type, and each record has its own type, so
         * every count of 1 is one record seen (and a count of 0 is never a row). */
        struct casualty_stats_query q;
        casualty_stats_init(&q);
        q.filter = f;
        must(casualty_stats_parse_by(&q, "casualty_type", &err), &err, "by");
        json_t *res = NULL;
        must(casualty_stats(db, who, &q, &res, &err), &err, "stats");
        static const char *const type_of[NREC] = { "Fatality", "Injury", "Missing", "Abducted" };
        size_t i;
        json_t *row;
        json_int_t sum = 0;
        json_array_foreach(json_object_get(res, "rows"), i, row)
        {
            sum += json_integer_value(json_object_get(row, "count"));
            for (int r = 0; r < NREC; r++)
                if (strcmp(str(row, "casualty_type"), type_of[r]) == 0 &&
                    json_integer_value(json_object_get(row, "count")) == 1)
                    out[r] = 'y';
        }
        if (sum != json_integer_value(json_object_get(res, "total")))
            fail_msg("stats rows sum to %lld, total says %lld", (long long)sum,
                     (long long)json_integer_value(json_object_get(res, "total")));
        json_decref(res);
        json_decref(items);
        return;
    }
    size_t i;
    json_t *rec;
    json_array_foreach(items, i, rec)
    {
        for (int r = 0; r < NREC; r++)
            if (strcmp(str(rec, "id"), rec_id[r]) == 0)
                out[r] = 'y';
    }
    json_decref(items);
}

static int check_matrix(const char *const *want, const char *when)
{
    static const char *const ops[] = { "list", "get", "stats", "export" };
    int wrong = 0;
    for (int p = 0; p < NPRINC; p++) {
        struct principal who;
        principal_for(p, &who);
        for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
            char got[NREC + 1];
            seen(&who, ops[o], got);
            if (strcmp(got, want[p]) != 0) {
                fprintf(stderr, "MISMATCH %s %s %s: expected %s got %s\n", when, princ_names[p],
                        ops[o], want[p], got);
                wrong++;
            }
        }
    }
    return wrong;
}

/* casualty/embargo-matrix: embargoed records are seen by the owner, the mission's
 * organization and admins (within the marking), counted and exported for them and no one
 * else; once released, everyone the marking names sees them. Lists, gets, statistics and
 * exports agree in every cell. */
static void casualty_embargo_matrix(void **state)
{
    (void)state;
    struct principal owner;
    user(FRA, ROLE_FOCAL_POINT, &owner);
    static const char *const types[NREC] = { "\"Fatality\"", "\"Injury\"", "\"Missing\"",
                                             "\"Abducted\"" };
    for (int r = 0; r < NREC; r++) {
        char body[1024];
        snprintf(body, sizeof body,
                 "{\"incident_date\":\"2023-0%d-15\",\"mission\":\"UNMISS\",\"casualty_type\":%s,"
                 "\"gender\":\"M\",\"nationality\":\"FRA\",\"personnel_type\":\"Military\","
                 "\"incident_type\":\"Malicious Act\",\"tlp\":%s%s}",
                 r + 1, types[r], rec_tlp[r], r == R_AMBER ? ",\"sharing_group\":1" : "");
        json_t *rec = create_ok(&owner, body);
        snprintf(rec_id[r], sizeof rec_id[r], "%s", str(rec, "id"));
        json_decref(rec);
    }
    int wrong = check_matrix(embargoed_sees, "embargoed");
    struct bh_error err;
    for (int r = 0; r < NREC; r++)
        must(casualty_release(db, &owner, rec_id[r], NULL, &err), &err, "release");
    wrong += check_matrix(released_sees, "released");
    if (wrong)
        fail_msg("%d cells of the embargo matrix are wrong (listed above)", wrong);
}

/* casualty/release-rules: who may release (the owner's focal points and coordinators,
 * admins), the 403 for someone who sees the record but may not, the 404 for someone who does
 * not see it, the 409 for a second release, and what a release records. */
static void casualty_release_rules(void **state)
{
    (void)state;
    struct principal owner_fp, owner_reporter, owner_coord, mission, other, admin;
    user(FRA, ROLE_FOCAL_POINT, &owner_fp);
    user(FRA, ROLE_REPORTER, &owner_reporter);
    user(FRA, ROLE_COORDINATOR, &owner_coord);
    user(UNMISS, ROLE_ENDORSER, &mission);
    user(BRA, ROLE_COORDINATOR, &other);
    user(DPO, ROLE_ADMIN, &admin);
    json_t *a = create_ok(&owner_reporter, body_with(NULL, NULL));
    json_t *b = create_ok(&owner_fp, body_with(NULL, NULL));
    struct bh_error err;
    json_t *rec = NULL;

    /* The reporter who created it sees it but may not release it: 403 naming the owner. */
    assert_int_equal(casualty_release(db, &owner_reporter, str(a, "id"), &rec, &err), BH_EDENIED);
    assert_contains(err.message, "FRA");
    /* The mission sees the embargoed record, and may not release it either. */
    assert_int_equal(casualty_release(db, &mission, str(a, "id"), &rec, &err), BH_EDENIED);
    /* Another member does not see it: to them it does not exist. */
    assert_int_equal(casualty_release(db, &other, str(a, "id"), &rec, &err), BH_ENOTFOUND);
    assert_int_equal(casualty_release(db, &other, "BH-000000000000", &rec, &err), BH_ENOTFOUND);

    /* The owner's coordinator releases it, by casualty_id. */
    assert_int_equal(casualty_release(db, &owner_coord, str(a, "casualty_id"), &rec, &err), 0);
    assert_false(json_is_true(json_object_get(rec, "embargoed")));
    assert_string_equal(str(rec, "released_by"), "FRA.coordinator");
    assert_non_null(str(rec, "released_at"));
    json_decref(rec);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM casualty WHERE id = '%s' AND embargoed = 0 AND released_by = "
             "'FRA.coordinator' AND released_at IS NOT NULL",
             str(a, "id"));
    assert_int_equal(test_query_int(db, sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'casualty.release' AND record_id = "
             "'%s' AND username = 'FRA.coordinator'",
             str(a, "id"));
    assert_int_equal(test_query_int(db, sql), 1);

    /* Twice is a conflict, and says when and by whom. */
    assert_int_equal(casualty_release(db, &owner_fp, str(a, "id"), &rec, &err), BH_ECONFLICT);
    assert_contains(err.message, "FRA.coordinator");
    /* Now BRA sees it (GREEN) and is refused with 403, no longer 404. */
    assert_int_equal(casualty_release(db, &other, str(a, "id"), &rec, &err), BH_EDENIED);

    /* An admin of another organization may release. */
    assert_int_equal(casualty_release(db, &admin, str(b, "id"), NULL, &err), 0);
    json_decref(a);
    json_decref(b);
}

/* casualty/admin-reads-audited: an admin's read of an embargoed, RED or AMBER+STRICT record is
 * written to the audit log (a get with the record's id, a list page with the ids); a member's
 * read, and an admin's read of a released GREEN record, are not. */
static void casualty_admin_reads_audited(void **state)
{
    (void)state;
    struct principal fp, admin;
    user(FRA, ROLE_FOCAL_POINT, &fp);
    user(DPO, ROLE_ADMIN, &admin);
    json_t *emb = create_ok(&fp, body_with("incident_date", "\"2022-06-01\""));
    json_t *strict = create_ok(&fp, body_with("tlp", "\"TLP:AMBER+STRICT\""));
    json_t *green = create_ok(&fp, body_with("incident_date", "\"2022-06-02\""));
    struct bh_error err;
    must(casualty_release(db, &fp, str(strict, "id"), NULL, &err), &err, "release");
    must(casualty_release(db, &fp, str(green, "id"), NULL, &err), &err, "release");
    const char *count_reads = "SELECT count(*) FROM audit_log WHERE action = 'casualty.read'";
    int64_t reads = test_query_int(db, count_reads);

    json_t *rec = NULL;
    must(casualty_get(db, &fp, str(emb, "id"), &rec, &err), &err, "owner get");
    json_decref(rec);
    assert_int_equal(test_query_int(db, count_reads), reads);
    must(casualty_get(db, &admin, str(green, "id"), &rec, &err), &err, "admin get green");
    json_decref(rec);
    assert_int_equal(test_query_int(db, count_reads), reads);

    must(casualty_get(db, &admin, str(emb, "id"), &rec, &err), &err, "admin get embargoed");
    json_decref(rec);
    must(casualty_get(db, &admin, str(strict, "casualty_id"), &rec, &err), &err, "admin strict");
    json_decref(rec);
    assert_int_equal(test_query_int(db, count_reads), reads + 2);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'casualty.read' AND record_id = '%s' "
             "AND username = 'DPO.admin'",
             str(strict, "id"));
    assert_int_equal(test_query_int(db, sql), 1);

    /* A list page holding the embargoed record: one entry naming it. */
    struct casualty_filter f;
    casualty_filter_init(&f);
    must(casualty_filter_set(&f, "from", "2022-06-01", &err), &err, "from");
    must(casualty_filter_set(&f, "to", "2022-06-02", &err), &err, "to");
    json_t *items = json_array();
    char next[CASUALTY_CURSOR_MAX];
    must(casualty_list(db, &admin, &f, NULL, 10, items, next, NULL, &err), &err, "list");
    assert_int_equal(json_array_size(items), 2);
    json_decref(items);
    assert_int_equal(test_query_int(db, count_reads), reads + 3);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'casualty.read' AND record_id IS NULL "
             "AND summary LIKE '%%%s%%' AND summary NOT LIKE '%%%s%%'",
             str(emb, "id"), str(green, "id"));
    assert_int_equal(test_query_int(db, sql), 1);
    json_decref(emb);
    json_decref(strict);
    json_decref(green);
}

/* Inserts a released UN-style record directly, in the importer's shape; `iso3` NULL for a
 * record without a code. */
static void insert_un(const char *id, const char *cid, const char *date, const char *mission,
                      const char *iso3, const char *incident_type, const char *personnel)
{
    char sql[1024], code[8];
    snprintf(code, sizeof code, iso3 ? "'%s'" : "NULL", iso3 ? iso3 : "");
    snprintf(sql, sizeof sql,
             "INSERT INTO casualty (id, casualty_id, incident_date, mission, casualty_type, "
             "gender, nationality, nationality_iso3, nationality_m49, personnel_type, "
             "incident_type, owner_org_id, tlp, embargoed, source, created_at, updated_at) "
             "VALUES ('%s', '%s', '%s', '%s', 'Fatality', 'M', '%s', %s, NULL, '%s', '%s', "
             "%lld, 'CLEAR', 0, 'un', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
             id, cid, date, mission, iso3 ? iso3 : "Unknown", code, personnel, incident_type,
             (long long)org_id[DPO]);
    test_exec(db, sql);
}

/* casualty/list-filters-pages: the filters of the list (and of statistics and exports), the
 * order (newest incident first), and pages that together give every record once. */
static void casualty_list_filters_pages(void **state)
{
    (void)state;
    insert_un("0190b000-0000-7000-8000-000000000001", "L-1", "1999-01-05", "UNEF I", "IND",
              "Accident", "Military");
    insert_un("0190b000-0000-7000-8000-000000000002", "L-2", "1999-01-05", "UNEF I", "IND",
              "Illness", "Military");
    insert_un("0190b000-0000-7000-8000-000000000003", "L-3", "1999-02-01", "UNTSO", "NOR",
              "Accident", "Local");
    insert_un("0190b000-0000-7000-8000-000000000004", "L-4", "1999-03-01", "UNTSO", NULL,
              "Malicious Act", "Police");
    insert_un("0190b000-0000-7000-8000-000000000005", "L-5", "1999-12-31", "UNFICYP", "IND",
              "Accident", "Military");
    struct principal anon;
    principal_anonymous(&anon);
    struct bh_error err;
    static const struct {
        const char *filters[4][2];
        const char *want;
    } cases[] = {
        { { { "from", "1999-01-01" }, { "to", "1999-12-31" } }, "L-5 L-4 L-3 L-2 L-1" },
        { { { "ytd", "1999-02-01" } }, "L-3 L-2 L-1" },
        { { { "from", "1999-01-01" }, { "mission", "unef i, untso" } }, "L-4 L-3 L-2 L-1" },
        { { { "ytd", "1999-12-31" }, { "nationality", "unknown,nor" } }, "L-4 L-3" },
        { { { "ytd", "1999-12-31" }, { "incident_type", "accident" } }, "L-5 L-3 L-1" },
        { { { "ytd", "1999-12-31" }, { "personnel_type", "Local,Police" } }, "L-4 L-3" },
        { { { "ytd", "1999-12-31" }, { "embargoed", "true" } }, "" },
        { { { "ytd", "1999-12-31" }, { "casualty_type", "Injury" } }, "" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct casualty_filter f;
        casualty_filter_init(&f);
        for (int k = 0; k < 4 && cases[i].filters[k][0]; k++)
            must(casualty_filter_set(&f, cases[i].filters[k][0], cases[i].filters[k][1], &err),
                 &err, cases[i].filters[k][0]);
        json_t *items = json_array();
        char next[CASUALTY_CURSOR_MAX];
        int64_t total = -1;
        must(casualty_list(db, &anon, &f, NULL, 50, items, next, &total, &err), &err, "list");
        char got[256] = "";
        size_t j;
        json_t *rec;
        json_array_foreach(items, j, rec)
        {
            strncat(got, j ? " " : "", sizeof got - strlen(got) - 1);
            strncat(got, str(rec, "casualty_id"), sizeof got - strlen(got) - 1);
        }
        if (strcmp(got, cases[i].want) != 0 || total != (int64_t)json_array_size(items))
            fail_msg("case %zu: expected [%s], got [%s] (total %lld)", i, cases[i].want, got,
                     (long long)total);
        assert_string_equal(next, "");
        json_decref(items);
    }

    /* Pages of two: L-5 L-4 | L-3 L-2 | L-1, each record once, total on every page. */
    struct casualty_filter f;
    casualty_filter_init(&f);
    must(casualty_filter_set(&f, "ytd", "1999-12-31", &err), &err, "ytd");
    char after[CASUALTY_CURSOR_MAX] = "", got[256] = "";
    int pages = 0;
    do {
        json_t *items = json_array();
        char next[CASUALTY_CURSOR_MAX];
        int64_t total = 0;
        must(casualty_list(db, &anon, &f, after, 2, items, next, &total, &err), &err, "page");
        assert_int_equal(total, 5);
        size_t j;
        json_t *rec;
        json_array_foreach(items, j, rec)
        {
            strncat(got, *got ? " " : "", sizeof got - strlen(got) - 1);
            strncat(got, str(rec, "casualty_id"), sizeof got - strlen(got) - 1);
        }
        json_decref(items);
        snprintf(after, sizeof after, "%s", next);
        pages++;
    } while (after[0] && pages < 10);
    assert_int_equal(pages, 3);
    assert_string_equal(got, "L-5 L-4 L-3 L-2 L-1");

    /* Bad values name their parameter. */
    static const char *const bad[][3] = {
        { "from", "1999-13-01", "from" },
        { "to", "yesterday", "to" },
        { "ytd", "2024", "ytd" },
        { "mission", "UN/TSO", "mission" },
        { "nationality", "FRAN", "nationality" },
        { "incident_type", "IED", "incident_type" },
        { "gender", "male", "gender" },
        { "embargoed", "maybe", "embargoed" },
        { "mission", "UNTSO,", "mission" },
        { "colour", "blue", "colour" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        casualty_filter_init(&f);
        memset(&err, 0, sizeof err);
        int rc = casualty_filter_set(&f, bad[i][0], bad[i][1], &err);
        if (rc != BH_EINVALID || strcmp(err.field, bad[i][2]) != 0)
            fail_msg("%s=%s: expected INVALID naming %s, got %s naming '%s'", bad[i][0], bad[i][1],
                     bad[i][2], bh_errname(rc), err.field);
    }
    /* What needs the store is checked when the filter is used. */
    static const char *const unknown[][2] = { { "mission", "ATLANTIS" }, { "nationality", "QQQ" } };
    for (size_t i = 0; i < 2; i++) {
        casualty_filter_init(&f);
        must(casualty_filter_set(&f, unknown[i][0], unknown[i][1], &err), &err, "set");
        json_t *items = json_array();
        char next[CASUALTY_CURSOR_MAX];
        assert_int_equal(casualty_list(db, &anon, &f, NULL, 10, items, next, NULL, &err),
                         BH_EINVALID);
        assert_string_equal(err.field, unknown[i][0]);
        assert_contains(err.message, unknown[i][1]);
        json_decref(items);
    }
    /* ytd with from, to before from, a forged cursor. */
    casualty_filter_init(&f);
    must(casualty_filter_set(&f, "ytd", "1999-12-31", &err), &err, "ytd");
    must(casualty_filter_set(&f, "from", "1999-01-01", &err), &err, "from");
    json_t *items = json_array();
    char next[CASUALTY_CURSOR_MAX];
    assert_int_equal(casualty_list(db, &anon, &f, NULL, 10, items, next, NULL, &err), BH_EINVALID);
    assert_string_equal(err.field, "ytd");
    casualty_filter_init(&f);
    must(casualty_filter_set(&f, "from", "1999-02-01", &err), &err, "from");
    must(casualty_filter_set(&f, "to", "1999-01-01", &err), &err, "to");
    assert_int_equal(casualty_list(db, &anon, &f, NULL, 10, items, next, NULL, &err), BH_EINVALID);
    assert_string_equal(err.field, "to");
    casualty_filter_init(&f);
    assert_int_equal(
        casualty_list(db, &anon, &f, "1999-01-01/nonsense", 10, items, next, NULL, &err),
        BH_EINVALID);
    assert_string_equal(err.field, "cursor");
    json_decref(items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("casualty/create-validation", casualty_create_validation),
        BH_TEST("casualty/create-stored", casualty_create_stored),
        BH_TEST("casualty/embargo-matrix", casualty_embargo_matrix),
        BH_TEST("casualty/release-rules", casualty_release_rules),
        BH_TEST("casualty/admin-reads-audited", casualty_admin_reads_audited),
        BH_TEST("casualty/list-filters-pages", casualty_list_filters_pages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
