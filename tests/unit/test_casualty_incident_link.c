/* A casualty record names the incident it belongs to (incident_id) only to readers who may see
 * that incident (issue 9): a record released to every member may belong to an incident only
 * its owner reads, and the incident's id would tell the others that it exists. Checked in the
 * get, the list and the JSON export, for the owner's reader, another member's reader and the
 * admin, against an AMBER+STRICT incident, a GREEN draft (its organization's own until
 * submitted) and a GREEN submitted one (whose id everyone may see). Expectations are written by
 * hand from docs/incidents.md and docs/casualties.md. */
#include "support.h"

#include "casualty/casualty.h"
#include "casualty/export.h"
#include "db/db.h"
#include "incident/incident.h"
#include "org/org.h"
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;

enum { FRA, BRA, DPO, NORGS };
static const char *const org_codes[NORGS] = { "FRA", "BRA", "DPO" };
static int64_t org_id[NORGS];

#define STRICT_INCIDENT "0190a000-0000-7000-8000-0000000000a1"
#define DRAFT_INCIDENT  "0190a000-0000-7000-8000-0000000000a2"
#define OPEN_INCIDENT   "0190a000-0000-7000-8000-0000000000a3"

static const char *const incidents[] = { STRICT_INCIDENT, DRAFT_INCIDENT, OPEN_INCIDENT };
#define NINC 3

static struct principal fra_fp, bra_analyst, admin;

static void user(int org, enum role role, int64_t account, struct principal *p)
{
    test_principal(p, account, org_id[org], org_codes[org], role, "%s.%s", org_codes[org],
                   role_name(role));
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("casualty_incident_link", NULL, org_codes, NORGS, DPO, org_id);
    struct bh_error err;
    user(FRA, ROLE_FOCAL_POINT, 101, &fra_fp);
    user(BRA, ROLE_ANALYST, 202, &bra_analyst);
    user(DPO, ROLE_ADMIN, 303, &admin);
    /* FRA's incidents: one for FRA only, one still a draft, one shared with every member. */
    static const struct {
        const char *tlp, *status;
    } kinds[NINC] = { { "AMBER+STRICT", "endorsed" },
                      { "GREEN", "draft" },
                      { "GREEN", "submitted" } };
    for (int i = 0; i < NINC; i++) {
        struct incident_row inc = {
            .id = incidents[i],
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
            .status = kinds[i].status,
            .owner_org_id = org_id[FRA],
            .reporter = "FRA.reporter",
            .tlp = kinds[i].tlp,
            .source = "member",
        };
        must(incident_store_insert(db, &inc, NULL, NULL, &err), &err, "incident");
    }
    /* One GREEN casualty record per incident, created and released by FRA: every member reads
     * them. */
    for (int i = 0; i < NINC; i++) {
        struct casualty_new in = {
            .incident_date = "2024-03-10",
            .mission = "UNMISS",
            .casualty_type = "Injury",
            .gender = "M",
            .nationality = "FRA",
            .personnel_type = "Military",
            .incident_type = "Malicious Act",
            .incident_id = incidents[i],
            .tlp = "TLP:GREEN",
        };
        json_t *rec = NULL;
        must(casualty_create(db, &fra_fp, &in, &rec, &err), &err, "casualty_create");
        must(casualty_release(db, &fra_fp, json_string_value(json_object_get(rec, "id")), NULL,
                              &err),
             &err, "release");
        json_decref(rec);
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* "S" when `text` names the AMBER+STRICT incident, "D" the draft, "O" the open one; "-" for
 * none: what a reader learns of the three. */
static const char *named(const char *text)
{
    static char out[8];
    size_t k = 0;
    static const char letters[NINC] = { 'S', 'D', 'O' };
    for (int i = 0; i < NINC; i++)
        if (text && strstr(text, incidents[i]))
            out[k++] = letters[i];
    if (!k)
        out[k++] = '-';
    out[k] = '\0';
    return out;
}

static const char *named_json(const json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT);
    static char out[8];
    snprintf(out, sizeof out, "%s", named(text));
    free(text);
    return out;
}

static int sink(void *ctx, const char *data, size_t len)
{
    struct buf *b = ctx;
    buf_append(b, data, len);
    return 0;
}

/* casualty/incident-link-hidden: the list, each get and the JSON export name only the incidents
 * the reader may see, and a hidden link is null (the field stays, as for a record with no
 * incident). */
static void incident_link_hidden(void **state)
{
    (void)state;
    static const struct {
        const struct principal *who;
        const char *want; /* incidents named, in S D O order */
    } cases[] = {
        { &fra_fp, "SDO" },
        { &bra_analyst, "O" },
        { &admin, "SDO" },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const struct principal *who = cases[c].who;
        struct bh_error err;
        struct casualty_filter f;
        casualty_filter_init(&f);
        json_t *items = json_array();
        char next[CASUALTY_CURSOR_MAX];
        int64_t total = 0;
        must(casualty_list(db, who, &f, NULL, 100, items, next, &total, &err), &err, "list");
        assert_int_equal(json_array_size(items), NINC);
        if (strcmp(named_json(items), cases[c].want) != 0)
            fail_msg("%s: the list names incidents %s, expected %s", who->username,
                     named_json(items), cases[c].want);
        size_t i;
        json_t *item;
        int nulls = 0;
        json_array_foreach(items, i, item)
        {
            json_t *link = json_object_get(item, "incident_id");
            assert_non_null(link); /* the field is there, null or the id */
            nulls += json_is_null(link);
            json_t *one = NULL;
            must(casualty_get(db, who, json_string_value(json_object_get(item, "id")), &one, &err),
                 &err, "get");
            if (!json_equal(json_object_get(one, "incident_id"), link))
                fail_msg("%s: get and list disagree on incident_id", who->username);
            json_decref(one);
        }
        assert_int_equal(nulls, NINC - (int)strlen(cases[c].want));
        json_decref(items);

        struct buf out = BUF_INIT;
        int64_t rows = 0;
        must(casualty_export(db, who, &f, CASUALTY_EXPORT_JSON, sink, &out, &rows, &err), &err,
             "export");
        assert_int_equal(rows, NINC);
        if (strcmp(named(buf_str(&out)), cases[c].want) != 0)
            fail_msg("%s: the export names incidents %s, expected %s", who->username,
                     named(buf_str(&out)), cases[c].want);
        buf_cleanup(&out);
    }
}

/* casualty/incident-link-follows: the link is read through the incident's visibility as it is
 * now: once the draft is submitted, the other member sees its id. */
static void incident_link_follows(void **state)
{
    (void)state;
    test_exec(db, "UPDATE incident SET status = 'submitted' WHERE id = '" DRAFT_INCIDENT "'");
    struct bh_error err;
    struct casualty_filter f;
    casualty_filter_init(&f);
    json_t *items = json_array();
    char next[CASUALTY_CURSOR_MAX];
    must(casualty_list(db, &bra_analyst, &f, NULL, 100, items, next, NULL, &err), &err, "list");
    assert_string_equal(named_json(items), "DO");
    json_decref(items);
    test_exec(db, "UPDATE incident SET status = 'draft' WHERE id = '" DRAFT_INCIDENT "'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("casualty/incident-link-hidden", incident_link_hidden),
        BH_TEST("casualty/incident-link-follows", incident_link_follows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
