/* The incident workflow as one table: the transition table of docs/incidents.md must say
 * exactly what steps[] in src/incident/workflow.c holds (people learn the workflow from the
 * docs), and walking it (every step from every status, on a real store) must do what the
 * docs' table says: the step goes and leaves the status its row names, or it is refused with
 * 409 on `status` naming the statuses it goes from; and each kind of person in `who` refuses
 * whom it should. */
#include "support.h"

#include "incident/internal.h"
#include "org/org.h"
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bunia patrol base 2023"

static struct db *db;

/* FRA reports for MINUSMA, BRA is another member. The officer (an endorser of MINUSMA who
 * also reports) files every report here, so the endorser is never its reporter. */
enum { FRA, BRA, NORGS };
static const char *const org_codes[NORGS] = { "FRA", "BRA" };
static int64_t org_id[NORGS];
static struct principal fra_officer, fra_end, fra_minusca, bra_fp;

/* One row of the docs' table, parsed. */
struct doc_row {
    enum incident__step step;
    unsigned from, into;
    char to[32];        /* "" when unchanged */
    char from_text[96]; /* "draft, returned" as the docs write it */
    enum incident__who who;
};
static struct doc_row doc_rows[INCIDENT_STEP_COUNT];

/* "submitted, returned, endorsed" as a set of statuses; "—" is the empty set. */
static unsigned parse_statuses(const char *cell)
{
    if (strcmp(cell, "—") == 0)
        return 0;
    unsigned set = 0;
    char copy[128];
    snprintf(copy, sizeof copy, "%s", cell);
    for (char *save, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        int s = incident__status_parse(t);
        if (s < 0)
            fail_msg("docs status '%s' is not a status", t);
        set |= 1u << s;
    }
    return set;
}

static enum incident__who parse_who(const char *cell)
{
    if (strcmp(cell, "owner") == 0)
        return INCIDENT_WHO_OWNER;
    if (strcmp(cell, "endorser") == 0)
        return INCIDENT_WHO_ENDORSER;
    if (strcmp(cell, "endorser, not the reporter") == 0)
        return INCIDENT_WHO_OTHER_ENDORSER;
    fail_msg("docs 'who' '%s' is none of owner, endorser, endorser, not the reporter", cell);
    return INCIDENT_WHO_OWNER;
}

/* Reads the transition table of docs/incidents.md into doc_rows. */
static void read_doc_table(void)
{
    char *doc = test_read_file(BH_SOURCE_DIR "/docs/incidents.md", NULL);
    assert_non_null(doc);
    char *start = strstr(doc, "| step | from | to | who | into |");
    assert_non_null(start);
    char *save;
    char *line = strtok_r(start, "\n", &save);
    strtok_r(NULL, "\n", &save); /* the |---| line */
    bool seen[INCIDENT_STEP_COUNT] = { false };
    char *cells[8];
    while ((line = strtok_r(NULL, "\n", &save)) && line[0] == '|') {
        assert_int_equal(test_md_cells(line, cells, 8), 5);
        int step = -1;
        for (int s = 0; s < INCIDENT_STEP_COUNT; s++)
            if (strcmp(incident__step((enum incident__step)s)->name, cells[0]) == 0)
                step = s;
        if (step < 0)
            fail_msg("docs row '%s' is not a step of the code's table", cells[0]);
        if (seen[step])
            fail_msg("docs row '%s' twice", cells[0]);
        seen[step] = true;
        struct doc_row *r = &doc_rows[step];
        r->step = (enum incident__step)step;
        r->from = parse_statuses(cells[1]);
        snprintf(r->from_text, sizeof r->from_text, "%s", cells[1]);
        snprintf(r->to, sizeof r->to, "%s", strcmp(cells[2], "(unchanged)") ? cells[2] : "");
        r->who = parse_who(cells[3]);
        r->into = parse_statuses(cells[4]);
    }
    for (int s = 0; s < INCIDENT_STEP_COUNT; s++)
        if (!seen[s])
            fail_msg("the code's step '%s' is not in the docs' table",
                     incident__step((enum incident__step)s)->name);
    free(doc);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("incident_workflow", NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    struct principal cli;
    principal_cli(&cli);
    for (int i = 0; i < NORGS; i++) {
        struct org o;
        org_init(&o);
        snprintf(o.code, sizeof o.code, "%s", org_codes[i]);
        snprintf(o.name, sizeof o.name, "Organization %s", org_codes[i]);
        o.kind = ORG_MEMBER_STATE;
        must(org_add(db, &cli, &o, &err), &err, "org_add");
        org_id[i] = o.id;
    }
    test_user_principal(db, "fra.officer", org_id[FRA], "FRA", ROLE_ENDORSER, "MINUSMA", PASSWORD,
                        &fra_officer);
    test_user_principal(db, "fra.end", org_id[FRA], "FRA", ROLE_ENDORSER, "MINUSMA", PASSWORD,
                        &fra_end);
    test_user_principal(db, "fra.minusca", org_id[FRA], "FRA", ROLE_ENDORSER, "MINUSCA", PASSWORD,
                        &fra_minusca);
    test_user_principal(db, "bra.fp", org_id[BRA], "BRA", ROLE_FOCAL_POINT, NULL, PASSWORD,
                        &bra_fp);
    read_doc_table();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

/* incident/workflow-docs-table-matches-code */
static void workflow_docs_table_matches_code(void **state)
{
    (void)state;
    for (int s = 0; s < INCIDENT_STEP_COUNT; s++) {
        const struct incident__step_row *code = incident__step((enum incident__step)s);
        const struct doc_row *doc = &doc_rows[s];
        if (doc->from != code->from)
            fail_msg("%s: docs go from %#x, code from %#x", code->name, doc->from, code->from);
        if (strcmp(doc->to, code->to ? code->to : "") != 0)
            fail_msg("%s: docs go to '%s', code to '%s'", code->name, doc->to,
                     code->to ? code->to : "(unchanged)");
        if (doc->who != code->who)
            fail_msg("%s: docs and code name different people", code->name);
        if (doc->into != code->into)
            fail_msg("%s: docs go into %#x, code into %#x", code->name, doc->into, code->into);
    }
}

/* A new report of MINUSMA by the officer, TLP:GREEN, as a draft; its id goes to `id`. */
static void create_draft(char id[40])
{
    json_t *body = json_pack(
        "{s:s, s:s, s:f, s:f, s:s, s:s, s:s, s:s, s:[s]}", "mission", "MINUSMA", "occurred_at",
        "2024-03-02T06:40:00Z", "latitude", 16.2666, "longitude", -0.04, "threat_type", "ied",
        "target", "convoy", "activity", "logistics_convoy", "narrative",
        "IED strike on a logistics convoy north of Gao", "sources", "JOC flash report 17");
    struct bh_error err;
    json_t *rec = NULL;
    must(incident_create(db, &fra_officer, body, &rec, &err), &err, "create");
    snprintf(id, 40, "%s", json_string_value(json_object_get(rec, "id")));
    json_decref(rec);
    json_decref(body);
}

/* Takes `step` on report `id` as `who` (a merge goes into a fresh submitted report). */
static int take(enum incident__step step, const struct principal *who, const char *id,
                struct bh_error *err)
{
    char target[40];
    json_t *change = NULL;
    int rc;
    switch (step) {
    case INCIDENT_STEP_CHANGE:
        change = json_pack("{s:s}", "place_name", "Gao");
        rc = incident_update(db, who, id, change, 0, NULL, err);
        json_decref(change);
        return rc;
    case INCIDENT_STEP_SUBMIT:
        return incident_submit(db, who, id, NULL, err);
    case INCIDENT_STEP_ENDORSE:
        return incident_endorse(db, who, id, NULL, err);
    case INCIDENT_STEP_RETURN:
        return incident_return(db, who, id, "Give the grid reference.", NULL, err);
    case INCIDENT_STEP_MERGE:
        create_draft(target);
        must(incident_submit(db, &fra_officer, target, NULL, err), err, "submit the target");
        return incident_merge(db, who, id, target, NULL, err);
    default:
        fail_msg("no step %d", (int)step);
        return -1;
    }
}

/* A report of MINUSMA with status `status`, brought there through the workflow. */
static void report_in(enum incident__status status, char id[40])
{
    struct bh_error err;
    create_draft(id);
    if (status == INCIDENT_STATUS_DRAFT)
        return;
    must(take(INCIDENT_STEP_SUBMIT, &fra_officer, id, &err), &err, "submit");
    if (status == INCIDENT_STATUS_RETURNED)
        must(take(INCIDENT_STEP_RETURN, &fra_end, id, &err), &err, "return");
    else if (status == INCIDENT_STATUS_ENDORSED)
        must(take(INCIDENT_STEP_ENDORSE, &fra_end, id, &err), &err, "endorse");
    else if (status == INCIDENT_STATUS_MERGED)
        must(take(INCIDENT_STEP_MERGE, &fra_end, id, &err), &err, "merge");
}

static bool status_is(const char *id, const char *status)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM incident WHERE id = '%s' AND status = '%s'", id,
             status);
    return test_query_int(db, sql) == 1;
}

/* "submitted, returned, endorsed" as a message lists it: "submitted, returned or endorsed". */
static void as_message(const char *cell, char *out, size_t cap)
{
    snprintf(out, cap, "%s", cell);
    char *last = strrchr(out, ',');
    if (last) {
        char tail[96];
        snprintf(tail, sizeof tail, " or%s", last + 1);
        snprintf(last, cap - (size_t)(last - out), "%s", tail);
    }
}

/* incident/workflow-every-step-from-every-status */
static void workflow_every_step_from_every_status(void **state)
{
    (void)state;
    for (int s = 0; s < INCIDENT_STEP_COUNT; s++) {
        const struct doc_row *row = &doc_rows[s];
        const char *name = incident__step((enum incident__step)s)->name;
        /* The officer owns every report; fra.end endorses what the officer reported. */
        const struct principal *actor = row->who == INCIDENT_WHO_OWNER ? &fra_officer : &fra_end;
        for (int st = 0; st < INCIDENT_STATUS_COUNT; st++) {
            const char *status = incident__status_name((enum incident__status)st);
            char id[40];
            report_in((enum incident__status)st, id);
            struct bh_error err;
            int rc = take((enum incident__step)s, actor, id, &err);
            if (row->from & (1u << st)) {
                if (rc)
                    fail_msg("%s from %s: the docs allow it, the code says %s (%s)", name, status,
                             bh_errname(rc), err.message);
                const char *want = row->to[0] ? row->to : status;
                if (!status_is(id, want))
                    fail_msg("%s from %s did not leave the report %s", name, status, want);
                continue;
            }
            if (rc != BH_ECONFLICT || strcmp(err.field, "status") != 0)
                fail_msg("%s from %s: the docs refuse it with 409 on status, the code says %s "
                         "on '%s' (%s)",
                         name, status, bh_errname(rc), err.field, rc ? err.message : "");
            char allowed[96], want[256];
            as_message(row->from_text, allowed, sizeof allowed);
            snprintf(want, sizeof want, "the report is %s; only a %s report can be %s", status,
                     allowed, incident__step((enum incident__step)s)->done);
            assert_string_equal(err.message, want);
            assert_true(status_is(id, status));
        }
    }
}

/* incident/workflow-who-may-take-each-step */
static void workflow_who_may_take_each_step(void **state)
{
    (void)state;
    for (int s = 0; s < INCIDENT_STEP_COUNT; s++) {
        const struct doc_row *row = &doc_rows[s];
        const char *name = incident__step((enum incident__step)s)->name;
        int first = __builtin_ctz(row->from); /* a status the step goes from */
        char id[40];
        struct bh_error err;
        /* Someone of another organization, an endorser of another mission, and the reporter
         * (an endorser of the mission): who of them may take the step. */
        const struct principal *who[3] = { &bra_fp, &fra_minusca, &fra_officer };
        const char *refused_on[3] = { "id", "mission", "reporter" };
        bool allowed[3] = { false, false, true };
        if (row->who == INCIDENT_WHO_OWNER)
            allowed[1] = true; /* fra.minusca works for FRA and holds record.write */
        else
            refused_on[0] = ""; /* a focal point's role lacks record.endorse: no field */
        if (row->who == INCIDENT_WHO_OTHER_ENDORSER)
            allowed[2] = false;
        for (int w = 0; w < 3; w++) {
            report_in((enum incident__status)first, id);
            int rc = take((enum incident__step)s, who[w], id, &err);
            if (allowed[w] && rc)
                fail_msg("%s by %s: refused (%s)", name, who[w]->username, err.message);
            if (allowed[w])
                continue;
            /* Another member's user who cannot see the draft gets 404, not 403. */
            if (rc == BH_ENOTFOUND && w == 0 && first == INCIDENT_STATUS_DRAFT)
                continue;
            if (rc != BH_EDENIED || strcmp(err.field, refused_on[w]) != 0)
                fail_msg("%s by %s: expected 403 on %s, got %s on '%s' (%s)", name,
                         who[w]->username, refused_on[w], bh_errname(rc), err.field,
                         rc ? err.message : "");
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("incident/workflow-docs-table-matches-code", workflow_docs_table_matches_code),
        BH_TEST("incident/workflow-every-step-from-every-status",
                workflow_every_step_from_every_status),
        BH_TEST("incident/workflow-who-may-take-each-step", workflow_who_may_take_each_step),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
