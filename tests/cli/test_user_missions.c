/* `bluehelm user missions NAME M1,M2` as an operator uses it: the real binary on a real store;
 * the set replaced (any case, spaces and repeats ignored), cleared with '', an unknown mission
 * or user named with nothing changed, and every change audited as the operator. */
#include "support.h"
#include "world.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW "blue helmets at dawn"

static char *store;

static struct test_run run(const char *const *args)
{
    return test_cli_db(store, NULL, args);
}

static int64_t query(const char *sql)
{
    struct db *db = test_db_open(store, DB_OPEN_READONLY);
    int64_t v = test_query_int(db, sql);
    db_close(db);
    return v;
}

#define MISSIONS_OF_JOC                                                                   \
    "SELECT count(*) FROM account_mission m JOIN account a ON a.id = m.account_id WHERE " \
    "a.username = 'joc.officer'"

/* cli/user-missions */
static void cli_user_missions(void **state)
{
    (void)state;
    static const char *const orgs[] = { "RWA" };
    static const struct test_user users[] = {
        { "joc.officer", "RWA", "endorser", NULL, NULL, NULL, NULL },
    };
    static const struct test_world world = {
        .name = "cli_user_missions", .password = PW, TEST_ORGS(orgs), TEST_USERS(users)
    };
    store = test_world_store(&world);

    assert_run(run((const char *[]){ "user", "missions", "joc.officer", "minusca, MINUSMA,MINUSCA",
                                     NULL }),
               0, "missions of joc.officer: MINUSCA, MINUSMA", NULL);
    assert_int_equal(query(MISSIONS_OF_JOC), 2);
    assert_int_equal(query(MISSIONS_OF_JOC " AND m.mission = 'MINUSCA'"), 1);
    assert_int_equal(query("SELECT count(*) FROM audit_log WHERE action = 'user.missions' AND "
                           "record_id = 'joc.officer' AND username LIKE 'cli:%' AND "
                           "json_extract(summary, '$.to') = '[\"MINUSCA\",\"MINUSMA\"]'"),
                     1);

    /* An unknown mission is named, the exit status says the command was wrong, and the set
     * stays as it was; so for an unknown user. */
    int64_t audit = query("SELECT count(*) FROM audit_log");
    assert_run(run((const char *[]){ "user", "missions", "joc.officer", "MINUSMA,ATLANTIS", NULL }),
               2, NULL, "unknown mission 'ATLANTIS'");
    assert_run(run((const char *[]){ "user", "missions", "nobody", "MINUSMA", NULL }), 1, NULL,
               "nobody");
    assert_run(run((const char *[]){ "user", "missions", "joc.officer", NULL }), 2, NULL,
               "MISSIONS");
    assert_run(run((const char *[]){ "user", "missions", "joc.officer", "MINUSMA,,UNMISS", NULL }),
               2, NULL, "empty");
    assert_int_equal(query(MISSIONS_OF_JOC), 2);
    assert_int_equal(query("SELECT count(*) FROM audit_log"), audit);

    /* Replacing, then clearing. */
    assert_run(run((const char *[]){ "user", "missions", "joc.officer", "UNMISS", NULL }), 0,
               "missions of joc.officer: UNMISS", NULL);
    assert_int_equal(query(MISSIONS_OF_JOC), 1);
    assert_run(run((const char *[]){ "user", "missions", "joc.officer", "", NULL }), 0,
               "missions of joc.officer: none", NULL);
    assert_int_equal(query(MISSIONS_OF_JOC), 0);
    assert_int_equal(query("SELECT count(*) FROM audit_log"), audit + 2);
    free(store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/user-missions", cli_user_missions),
    };
    return cmocka_run_group_tests_name("cli/user_missions", tests, NULL, NULL);
}
