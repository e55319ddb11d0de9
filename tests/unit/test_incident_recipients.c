/* Naming the readers of a TLP:RED report must not tell a reporter which usernames exist
 * (issue 9): members cannot list users, so the answer for a name that is no user is, word for
 * word, the answer for a user who may not be named (a disabled account, an auditor, whose role
 * reads no records). An active user whose role reads records is named. docs/incidents.md
 * states the rule. */
#include "support.h"

#include "account/account.h"
#include "db/db.h"
#include "incident/incident.h"
#include "incident/report.h"
#include "org/org.h"
#include "refdata/refdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Bunia patrol base 2023"

static struct db *db;
static struct principal reporter;

static void add_user(const char *username, const char *org, enum role role, struct principal *p)
{
    struct bh_error err;
    struct principal cli;
    principal_cli(&cli);
    struct account_user u;
    must(account_user_add(db, &cli, username, NULL, org, role, PASSWORD, &u, &err), &err, username);
    if (p) {
        memset(p, 0, sizeof *p);
        p->account_id = u.id;
        p->role = role;
        snprintf(p->username, sizeof p->username, "%s", username);
        snprintf(p->org_code, sizeof p->org_code, "%s", org);
    }
}

static int setup(void **state)
{
    (void)state;
    db = test_db_migrated("incident_recipients", NULL);
    struct bh_error err;
    struct refdata_counts n;
    must(refdata_load(db, TEST_ISO_DIR, &n, &err), &err, "refdata_load");
    struct principal cli;
    principal_cli(&cli);
    int64_t fra = 0;
    const char *codes[] = { "FRA", "BRA" };
    for (int i = 0; i < 2; i++) {
        struct org o;
        org_init(&o);
        snprintf(o.code, sizeof o.code, "%s", codes[i]);
        snprintf(o.name, sizeof o.name, "Organization %s", codes[i]);
        o.kind = ORG_MEMBER_STATE;
        must(org_add(db, &cli, &o, &err), &err, "org_add");
        if (i == 0)
            fra = o.id;
    }
    add_user("fra.rep", "FRA", ROLE_REPORTER, &reporter);
    reporter.org_id = fra;
    add_user("bra.fp", "BRA", ROLE_FOCAL_POINT, NULL);
    add_user("bra.auditor", "BRA", ROLE_AUDITOR, NULL);
    add_user("bra.gone", "BRA", ROLE_FOCAL_POINT, NULL);
    must(account_user_set_disabled(db, &cli, "bra.gone", true, &err), &err, "disable");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    return 0;
}

static int64_t rows(void)
{
    return test_query_int(db, "SELECT (SELECT count(*) FROM incident) + (SELECT count(*) FROM "
                              "incident_revision) + (SELECT count(*) FROM audit_log) + (SELECT "
                              "count(*) FROM tlp_recipient)");
}

/* Creates a RED report naming `name`; returns the code, and the message with the name replaced
 * by "NAME" in `msg`. */
static int name_reader(const char *name, char *msg, size_t cap)
{
    json_t *body = json_pack("{s:s, s:s, s:f, s:f, s:s, s:s, s:s, s:s, s:[s]}", "mission",
                             "MINUSMA", "occurred_at", "2024-03-02T06:40:00Z", "latitude", 16.27,
                             "longitude", -0.04, "threat_type", "ied", "target", "convoy",
                             "activity", "logistics_convoy", "tlp", "TLP:RED", "recipients", name);
    struct bh_error err;
    memset(&err, 0, sizeof err);
    int rc = incident_create(db, &reporter, body, NULL, &err);
    json_decref(body);
    const char *at = strstr(err.message, name);
    if (rc && at)
        snprintf(msg, cap, "%s|%.*sNAME%s", err.field, (int)(at - err.message), err.message,
                 at + strlen(name));
    else
        snprintf(msg, cap, "%s|%s", err.field, err.message);
    return rc;
}

/* incident/recipients-no-oracle: the same refusal, to the byte, for a name that is no user,
 * a disabled user and an auditor; each writes nothing. A focal point of another member is
 * named. */
static void recipients_no_oracle(void **state)
{
    (void)state;
    char unknown[1200], disabled[1200], auditor[1200];
    int64_t before = rows();
    assert_int_equal(name_reader("nobody.here", unknown, sizeof unknown), BH_EINVALID);
    assert_int_equal(name_reader("bra.gone", disabled, sizeof disabled), BH_EINVALID);
    assert_int_equal(name_reader("bra.auditor", auditor, sizeof auditor), BH_EINVALID);
    assert_int_equal(rows(), before);
    assert_prefix(unknown, "recipients|recipients[0]: 'NAME' ");
    assert_string_equal(disabled, unknown);
    assert_string_equal(auditor, unknown);
    char ok[1200];
    assert_int_equal(name_reader("bra.fp", ok, sizeof ok), 0);
    assert_int_equal(test_query_int(db, "SELECT count(*) FROM tlp_recipient t JOIN account a ON "
                                        "a.id = t.account_id WHERE t.record_type = 'incident' "
                                        "AND a.username = 'bra.fp'"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("incident/recipients-no-oracle", recipients_no_oracle),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
