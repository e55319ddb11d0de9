/* The visibility matrix of an incident's history and of merges (issue 9): each revision is read
 * under the marking it had when it was written, never the record's current one; a merge never
 * copies text to readers of the target who could not read the duplicate; a merged duplicate
 * does not name a target its reader cannot see; and stores made before revisions had markings
 * are backfilled narrowly. Every check runs for the same principals: a reader of the owning
 * organization, a reader of another organization, a RED recipient, the admin and an anonymous
 * reader (the first two are non-recipients). Expectations are written by hand from
 * docs/sharing.md ("Merging records", "Revisions"). */
#include "support.h"

#include "account/account.h"
#include "account/missions.h"
#include "db/db.h"
#include "db/migrate.h"
#include "incident/incident.h"
#include "incident/report.h"
#include "org/org.h"
#include "refdata/refdata.h"
#include "spatial/spatial.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bunia patrol base 2023"

static struct db *db;

/* BRA owns the reports; FRA is another member; DPO the secretariat. */
enum { BRA, FRA, DPO, NORGS };
static const char *const org_codes[NORGS] = { "BRA", "FRA", "DPO" };
static int64_t org_id[NORGS];

static struct principal bra_rep, bra_end, fra_end, admin;

/* The readers of the matrix, in the order of every expectation row below. */
enum { OWNER_READER, OTHER_READER, RECIPIENT, ADMIN, ANON, NREADERS };
static const char *const reader_names[NREADERS] = { "owner-org reader (BRA analyst)",
                                                    "other-org reader (FRA analyst)",
                                                    "RED recipient (FRA focal point)", "admin",
                                                    "anonymous" };
static struct principal readers[NREADERS];

static void person(struct db *d, const char *username, int org, enum role role, const char *mission,
                   struct principal *p)
{
    test_user_principal(d, username, org_id[org], org_codes[org], role, mission, PASSWORD, p);
}

static int setup(void **state)
{
    (void)state;
    db = test_db_with_orgs("visibility_history", NULL, org_codes, NORGS, DPO, org_id);
    person(db, "bra.rep", BRA, ROLE_REPORTER, NULL, &bra_rep);
    person(db, "bra.end", BRA, ROLE_ENDORSER, "MINUSMA", &bra_end);
    person(db, "fra.end", FRA, ROLE_ENDORSER, "MINUSMA", &fra_end);
    person(db, "bra.analyst", BRA, ROLE_ANALYST, NULL, &readers[OWNER_READER]);
    person(db, "fra.analyst", FRA, ROLE_ANALYST, NULL, &readers[OTHER_READER]);
    person(db, "fra.fp", FRA, ROLE_FOCAL_POINT, NULL, &readers[RECIPIENT]);
    person(db, "secretariat", DPO, ROLE_ADMIN, "MINUSMA", &admin);
    readers[ADMIN] = admin;
    principal_anonymous(&readers[ANON]);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A submitted-or-draft report body with `narrative`, one source `source`, marking `tlp`, and
 * RED recipients `r1`, `r2` (NULL: none). Caller decrefs. */
static json_t *report(const char *when, const char *narrative, const char *source, const char *tlp,
                      const char *r1, const char *r2, bool submit)
{
    json_t *b = json_pack("{s:s, s:s, s:f, s:f, s:s, s:s, s:s, s:s, s:[s], s:s, s:b}", "mission",
                          "MINUSMA", "occurred_at", when, "latitude", 16.2, "longitude", -0.04,
                          "threat_type", "ied", "target", "convoy", "activity", "logistics_convoy",
                          "narrative", narrative, "sources", source, "tlp", tlp, "submit", submit);
    if (r1) {
        json_t *names = json_pack("[s]", r1);
        if (r2)
            json_array_append_new(names, json_string(r2));
        json_object_set_new(b, "recipients", names);
    }
    return b;
}

static void create(const struct principal *who, json_t *body, char id[40])
{
    struct bh_error err;
    json_t *rec = NULL;
    int rc = incident_create(db, who, body, &rec, &err);
    json_decref(body);
    must(rc, &err, "incident_create");
    snprintf(id, 40, "%s", str(rec, "id"));
    json_decref(rec);
}

/* The revision numbers of `id` that `who` sees, as "1,2,5" (or "404" when the record itself
 * is invisible), with the list's total appended as "/total". Fails when total and list
 * disagree: a count must never include what the reader cannot see. */
static const char *revisions_seen(const struct principal *who, const char *id, bool *leaks,
                                  const char *secret)
{
    static char out[128];
    struct bh_error err;
    json_t *items = json_array();
    bool more = false;
    int64_t total = -1;
    int rc = incident_revisions(db, who, id, 0, 100, items, &more, &total, &err);
    if (rc == BH_ENOTFOUND) {
        json_decref(items);
        snprintf(out, sizeof out, "404");
        return out;
    }
    must(rc, &err, "incident_revisions");
    size_t used = 0;
    out[0] = '\0';
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        used += (size_t)snprintf(out + used, sizeof out - used, "%s%lld", i ? "," : "",
                                 (long long)json_integer_value(json_object_get(item, "revision")));
        char *text = json_dumps(item, JSON_COMPACT);
        if (leaks && secret && strstr(text, secret))
            *leaks = true;
        free(text);
    }
    if (total != (int64_t)json_array_size(items))
        fail_msg("%s: total %lld but %zu revisions listed", who->username, (long long)total,
                 json_array_size(items));
    json_decref(items);
    return out;
}

/* Compares one cell of a matrix, naming the reader and what was checked. */
static void expect(int reader, const char *what, const char *want, const char *got, int *bad)
{
    if (strcmp(want, got) != 0) {
        fprintf(stderr, "  %-34s %-28s expected %-12s got %s\n", reader_names[reader], what, want,
                got);
        (*bad)++;
    }
}

static int64_t audit_reads(const char *id)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'incident.read' AND record_id = '%s'",
             id);
    return test_query_int(db, sql);
}

/* history/downgrade: a RED report returned, redacted and changed to GREEN, then submitted
 * again. Its revisions 1-3 were RED (read by its reporter and the named people, FRA's focal
 * point and BRA's endorser); 4 and 5 are GREEN. Members who read the GREEN report now see only
 * 4 and 5, and no RED narrative; the recipient and the admin see all five, and the admin's read
 * of RED revisions is audited although the record is GREEN now. */
static void history_downgrade(void **state)
{
    (void)state;
    struct bh_error err;
    char id[40];
    create(&bra_rep,
           report("2024-05-01T06:00:00Z", "SECRET-RED informant named Amadou", "RED source",
                  "TLP:RED", "fra.fp", "bra.end", true),
           id);
    must(incident_return(db, &bra_end, id, "Redact the informant before sharing", NULL, &err), &err,
         "return");
    json_t *change = json_pack("{s:s, s:s}", "tlp", "TLP:GREEN", "narrative", "Redacted account");
    must(incident_update(db, &bra_rep, id, change, 0, NULL, &err), &err, "downgrade");
    json_decref(change);
    must(incident_submit(db, &bra_rep, id, NULL, &err), &err, "resubmit");

    /* Revision 1 is the draft the create wrote before its submission: BRA's own then. */
    static const char *const want[NREADERS] = {
        [OWNER_READER] = "4,5", [OTHER_READER] = "4,5", [RECIPIENT] = "2,3,4,5",
        [ADMIN] = "1,2,3,4,5",  [ANON] = "404",
    };
    int bad = 0;
    int64_t audited = audit_reads(id);
    for (int r = 0; r < NREADERS; r++) {
        bool leaks = false;
        char got[160];
        snprintf(got, sizeof got, "%s", revisions_seen(&readers[r], id, &leaks, "SECRET-RED"));
        expect(r, "revisions seen", want[r], got, &bad);
        bool may_read_red = r == RECIPIENT || r == ADMIN;
        if (leaks != may_read_red && strcmp(got, "404") != 0)
            expect(r, "RED narrative in history", may_read_red ? "yes" : "no", leaks ? "yes" : "no",
                   &bad);
    }
    if (bad)
        fail_msg("%d wrong cells in the history of a RED report made GREEN", bad);
    /* The reporter, always a RED reader, sees the whole history too. */
    assert_string_equal(revisions_seen(&bra_rep, id, NULL, NULL), "1,2,3,4,5");
    /* One audited read: the admin's (the record is GREEN, its revisions 1-3 RED). */
    assert_int_equal(audit_reads(id), audited + 1);
    /* The stored markings: what the list decided on. */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT group_concat(r.tlp, ',') FROM (SELECT r.tlp FROM incident_revision r JOIN "
             "incident i ON i.n = r.incident_n WHERE i.id = '%s' ORDER BY r.revision) r",
             id);
    struct db_stmt *st;
    must(db_prepare(db, sql, &st, &err), &err, sql);
    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_string_equal(db_column_text(st, 0), "RED,RED,RED,GREEN,GREEN");
    db_stmt_done(st);
}

/* history/drafts-stay-home: a GREEN report written in two drafts and then submitted. The
 * drafts were BRA's working copies; other members see the history from the submission on. */
static void history_drafts(void **state)
{
    (void)state;
    struct bh_error err;
    char id[40];
    create(&bra_rep,
           report("2024-05-02T06:00:00Z", "DRAFT-ONLY guess about the perpetrator", "JOC",
                  "TLP:GREEN", NULL, NULL, false),
           id);
    json_t *change = json_pack("{s:s}", "narrative", "Checked account");
    must(incident_update(db, &bra_rep, id, change, 0, NULL, &err), &err, "edit draft");
    json_decref(change);
    must(incident_submit(db, &bra_rep, id, NULL, &err), &err, "submit");
    static const char *const want[NREADERS] = {
        [OWNER_READER] = "1,2,3", [OTHER_READER] = "3", [RECIPIENT] = "3",
        [ADMIN] = "1,2,3",        [ANON] = "404",
    };
    int bad = 0;
    for (int r = 0; r < NREADERS; r++) {
        bool leaks = false;
        const char *got = revisions_seen(&readers[r], id, &leaks, "DRAFT-ONLY");
        expect(r, "revisions seen", want[r], got, &bad);
        if (leaks && (r == OTHER_READER || r == RECIPIENT))
            expect(r, "draft narrative in history", "no", "yes", &bad);
    }
    if (bad)
        fail_msg("%d wrong cells in the history of a report written as drafts", bad);
}

/* What `who` reads of incident `id`: "404", or its sources joined by '|', and merged_into
 * ("-" for null), as "sources;merged_into". */
static const char *record_seen(const struct principal *who, const char *id)
{
    static char out[512];
    struct bh_error err;
    json_t *rec = NULL;
    int rc = incident_get(db, who, id, &rec, &err);
    if (rc == BH_ENOTFOUND) {
        snprintf(out, sizeof out, "404");
        return out;
    }
    must(rc, &err, "incident_get");
    size_t used = 0;
    out[0] = '\0';
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(rec, "sources"), i, s)
    {
        used += (size_t)snprintf(out + used, sizeof out - used, "%s%s", i ? "|" : "",
                                 json_string_value(s));
    }
    const char *into = str(rec, "merged_into");
    snprintf(out + used, sizeof out - used, ";%s", into ? "target" : "-");
    json_decref(rec);
    return out;
}

static int append_text(void *ctx, const char *data, size_t len)
{
    struct buf *b = ctx;
    buf_append(b, data, len);
    return 0;
}

/* merged_into of incident `id` as `who` finds it in the map layer's list and in its GeoJSON
 * export: "target", "-" (null or absent), "404" when not listed; "disagree" when the two
 * differ. */
static const char *listed_merged_into(const struct principal *who, const char *id)
{
    struct spatial_filter f;
    spatial_filter_init(&f);
    struct bh_error err;
    json_t *items = json_array();
    char next[SPATIAL_CURSOR_MAX];
    must(spatial_list(db, who, &spatial_incidents, &f, NULL, 500, items, next, NULL, &err), &err,
         "spatial_list");
    const char *listed = "404";
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        if (strcmp(str(item, "id"), id) == 0)
            listed = str(item, "merged_into") ? "target" : "-";
    }
    json_decref(items);
    struct buf out = BUF_INIT;
    int64_t count = 0;
    must(spatial_export(db, who, &spatial_incidents, &f, SPATIAL_GEOJSON, append_text, &out, &count,
                        &err),
         &err, "spatial_export");
    json_t *fc = json_loads(buf_str(&out), 0, NULL);
    buf_cleanup(&out);
    assert_non_null(fc);
    const char *exported = "404";
    json_array_foreach(json_object_get(fc, "features"), i, item)
    {
        json_t *props = json_object_get(item, "properties");
        const char *fid = str(props, "id") ? str(props, "id") : str(item, "id");
        if (fid && strcmp(fid, id) == 0)
            exported = str(props, "merged_into") ? "target" : "-";
    }
    json_decref(fc);
    return strcmp(listed, exported) == 0 ? listed : "disagree";
}

/* history/merge: the case first: FRA's endorser, a recipient of Brazil's RED report,
 * merges it into a GREEN one: refused (409 naming both markings), and no reader of the GREEN
 * report finds the RED source in it. Then the other way round is allowed: a GREEN report merged
 * into a RED one, whose readers (its reporter and BRA's endorser) gain the GREEN source; the
 * members who read the GREEN duplicate see it merged, but not into what; its merge revision
 * does not name the target to them either; and the RED target's merge revision is its own
 * readers'. */
static void history_merge(void **state)
{
    (void)state;
    struct bh_error err;
    char red[40], green[40], dup[40], target[40];
    create(&bra_rep,
           report("2024-06-01T05:00:00Z", "IED on the Gao road", "RED-SOURCE informant", "TLP:RED",
                  "fra.end", "fra.fp", true),
           red);
    create(&fra_end,
           report("2024-06-01T06:00:00Z", "IED on the Gao road", "GREEN-TARGET flash", "TLP:GREEN",
                  NULL, NULL, true),
           green);
    int rc = incident_merge(db, &fra_end, red, green, NULL, &err);
    if (rc != BH_ECONFLICT || strcmp(err.field, "into") != 0 || !strstr(err.message, "TLP:RED") ||
        !strstr(err.message, "TLP:GREEN"))
        fail_msg("RED into GREEN: expected CONFLICT on 'into' naming TLP:RED and TLP:GREEN, got "
                 "%s on '%s': %s",
                 bh_errname(rc), err.field, err.message);
    static const char *const refused[NREADERS] = {
        [OWNER_READER] = "GREEN-TARGET flash;-",
        [OTHER_READER] = "GREEN-TARGET flash;-",
        [RECIPIENT] = "GREEN-TARGET flash;-",
        [ADMIN] = "GREEN-TARGET flash;-",
        [ANON] = "404",
    };
    int bad = 0;
    for (int r = 0; r < NREADERS; r++)
        expect(r, "GREEN target after refusal", refused[r], record_seen(&readers[r], green), &bad);
    /* The RED report is untouched: still submitted, still its recipients' only. */
    json_t *rec = NULL;
    must(incident_get(db, &readers[RECIPIENT], red, &rec, &err), &err, "RED after refusal");
    assert_string_equal(str(rec, "status"), "submitted");
    json_decref(rec);

    create(&bra_rep,
           report("2024-06-02T05:00:00Z", "Camp shelled at dawn", "GREEN-DUP patrol log",
                  "TLP:GREEN", NULL, NULL, true),
           dup);
    create(&bra_rep,
           report("2024-06-02T05:30:00Z", "Camp shelled at dawn", "RED-TARGET source", "TLP:RED",
                  "bra.end", NULL, true),
           target);
    must(incident_merge(db, &bra_end, dup, target, NULL, &err), &err, "GREEN into RED");
    static const char *const tgt[NREADERS] = {
        [OWNER_READER] = "404", [OTHER_READER] = "404",
        [RECIPIENT] = "404",    [ADMIN] = "RED-TARGET source|GREEN-DUP patrol log;-",
        [ANON] = "404",
    };
    static const char *const dupseen[NREADERS] = {
        [OWNER_READER] = "GREEN-DUP patrol log;-",
        [OTHER_READER] = "GREEN-DUP patrol log;-",
        [RECIPIENT] = "GREEN-DUP patrol log;-",
        [ADMIN] = "GREEN-DUP patrol log;target",
        [ANON] = "404",
    };
    for (int r = 0; r < NREADERS; r++) {
        expect(r, "RED target after merge", tgt[r], record_seen(&readers[r], target), &bad);
        expect(r, "GREEN duplicate after merge", dupseen[r], record_seen(&readers[r], dup), &bad);
    }
    /* Lists and exports (the map layer) name the target only to who may see it too. */
    for (int r = 0; r < NREADERS; r++)
        expect(r, "merged_into in the list and the export",
               r == ADMIN  ? "target"
               : r == ANON ? "404"
                           : "-",
               listed_merged_into(&readers[r], dup), &bad);
    /* The target's own readers. */
    assert_string_equal(record_seen(&bra_end, target), "RED-TARGET source|GREEN-DUP patrol log;-");
    assert_string_equal(record_seen(&bra_rep, dup), "GREEN-DUP patrol log;target");
    /* Histories: the duplicate's merge revision (3) is GREEN, read by every member, but names
     * the target only to who may see it; the target's (3) is RED. */
    static const char *const duphist[NREADERS] = {
        [OWNER_READER] = "1,2,3", [OTHER_READER] = "2,3", [RECIPIENT] = "2,3",
        [ADMIN] = "1,2,3",        [ANON] = "404",
    };
    static const char *const tgthist[NREADERS] = {
        [OWNER_READER] = "404", [OTHER_READER] = "404", [RECIPIENT] = "404",
        [ADMIN] = "1,2,3",      [ANON] = "404",
    };
    for (int r = 0; r < NREADERS; r++) {
        bool names_target = false;
        expect(r, "duplicate's revisions", duphist[r],
               revisions_seen(&readers[r], dup, &names_target, target), &bad);
        if (names_target != (r == ADMIN) && r != ANON)
            expect(r, "target id in duplicate's history", r == ADMIN ? "yes" : "no",
                   names_target ? "yes" : "no", &bad);
        expect(r, "target's revisions", tgthist[r], revisions_seen(&readers[r], target, NULL, NULL),
               &bad);
    }
    assert_string_equal(revisions_seen(&bra_end, target, NULL, NULL), "1,2,3");
    if (bad)
        fail_msg("%d wrong cells after merges", bad);
}

/* history/backfill: a store made before revisions had markings (migrations up to the one
 * that adds them) with revisions GREEN, RED and AMBER of a group since deleted, migrated:
 * each revision takes its snapshot's marking (the AMBER one narrowed to AMBER+STRICT); a RED
 * one is read by the reporter and its actor and by no one else, not even today's
 * recipients of the record. */
static void history_backfill(void **state)
{
    (void)state;
    struct bh_error err;
    char *path = test_store_path("visibility_history_backfill");
    struct db *old = test_db_open(path, DB_OPEN_CREATE);
    free(path);
    size_t upto = 0;
    while (upto < migrations_builtin_count &&
           strcmp(migrations_builtin[upto].name, "incident_history_marking") != 0)
        upto++;
    assert_true(upto < migrations_builtin_count);
    must(migrate_apply(old, migrations_builtin, upto, NULL, &err), &err, "old schema");
    test_db_add_orgs(old, org_codes, NORGS, DPO, org_id);
    struct principal rep, end, fp;
    (void)end;
    person(old, "old.rep", BRA, ROLE_REPORTER, NULL, &rep);
    person(old, "old.end", BRA, ROLE_ENDORSER, "MINUSMA", &end);
    person(old, "old.fp", FRA, ROLE_FOCAL_POINT, NULL, &fp);
    char sql[2048];
    snprintf(sql, sizeof sql,
             "INSERT INTO incident (n, id, mission, occurred_at, occurred_precision, reported_at, "
             "latitude, longitude, location_precision, threat_type, target, activity, status, "
             "owner_org_id, reporter_id, reporter, tlp, revision, source, created_at, "
             "updated_at) VALUES (1, '0190a000-0000-7000-8000-000000000001', 'MINUSMA', "
             "'2024-01-01T00:00:00Z', 'exact', '2024-01-01T00:00:00Z', 16, 0, 'exact', 'ied', "
             "'convoy', 'patrolling', 'submitted', %lld, %lld, 'old.rep', 'RED', 4, 'member', "
             "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');"
             "INSERT INTO tlp_recipient VALUES ('incident', "
             "'0190a000-0000-7000-8000-000000000001', %lld);"
             "INSERT INTO incident_revision (incident_n, revision, at, actor, action, reason, "
             "snapshot) VALUES "
             "(1, 1, 'x', 'old.rep', 'create', NULL, '{\"tlp\":\"TLP:GREEN\",\"owner\":\"BRA\","
             "\"status\":\"draft\"}'),"
             "(1, 2, 'x', 'old.rep', 'update', NULL, '{\"tlp\":\"TLP:AMBER\",\"owner\":\"BRA\","
             "\"status\":\"draft\",\"sharing_group\":999}'),"
             "(1, 3, 'x', 'old.end', 'update', NULL, '{\"tlp\":\"TLP:RED\",\"owner\":\"BRA\","
             "\"status\":\"returned\"}'),"
             "(1, 4, 'x', 'cli:root', 'submit', NULL, 'not json');",
             (long long)org_id[BRA], (long long)rep.account_id, (long long)fp.account_id);
    test_exec(old, sql);
    must(migrate_apply(old, migrations_builtin, migrations_builtin_count, NULL, &err), &err,
         "migrate");
    struct db_stmt *st;
    must(db_prepare(old,
                    "SELECT r.revision, r.id, r.tlp, coalesce(r.sharing_group_id, 0), r.status, "
                    "(SELECT group_concat(a.username, ',') FROM (SELECT a.username FROM "
                    "tlp_recipient t JOIN account a ON a.id = t.account_id WHERE t.record_type = "
                    "'incident_revision' AND t.record_id = r.id ORDER BY a.username) a) FROM "
                    "incident_revision r ORDER BY r.revision",
                    &st, &err),
         &err, "read back");
    static const char *const want[] = {
        "1 0190a000-0000-7000-8000-000000000001/1 GREEN 0 draft -",
        "2 0190a000-0000-7000-8000-000000000001/2 AMBER+STRICT 0 draft -",
        "3 0190a000-0000-7000-8000-000000000001/3 RED 0 returned old.end,old.rep",
        "4 0190a000-0000-7000-8000-000000000001/4 RED 0 draft old.rep",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(db_step(st, &err), DB_ROW);
        char got[256];
        const char *names = db_column_text(st, 5);
        snprintf(got, sizeof got, "%lld %s %s %lld %s %s", (long long)db_column_int(st, 0),
                 db_column_text(st, 1), db_column_text(st, 2), (long long)db_column_int(st, 3),
                 db_column_text(st, 4), names ? names : "-");
        assert_string_equal(got, want[i]);
    }
    assert_int_equal(db_step(st, &err), DB_DONE);
    db_stmt_done(st);
    /* Today's recipient (FRA's focal point) reads the record, and of its history only what was
     * not RED then and not a draft: nothing here. */
    json_t *items = json_array();
    bool more;
    int64_t total = -1;
    must(incident_revisions(old, &fp, "0190a000-0000-7000-8000-000000000001", 0, 10, items, &more,
                            &total, &err),
         &err, "recipient's history");
    assert_int_equal(total, 0);
    assert_int_equal(json_array_size(items), 0);
    json_decref(items);
    db_close(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("history/downgrade", history_downgrade),
        BH_TEST("history/drafts-stay-home", history_drafts),
        BH_TEST("history/merge", history_merge),
        BH_TEST("history/backfill", history_backfill),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
