/* Account hardening of issue 9: the sign-in throttle holds against parallel attempts (each on
 * its own connection, as the server's threads are), and the password policy refuses
 * passwords of a few repeated characters and the common ones. The wall clock is held still,
 * so a lock never runs out while the test is looking at it. */
#include "support.h"

#include "account/account.h"
#include "base/timeutil.h"
#include "db/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PW_TESS "Tessalit convoy 2013"

/* More attempts than the free ones, all at once. */
#define BURST 12

static int64_t frozen_clock(void)
{
    return 1717230600000LL; /* 2024-06-01T08:30:00Z */
}

struct attempt {
    const char *path;
    const char *password;
    pthread_barrier_t *start;
    int rc;
};

/* One sign-in on a connection of its own, started together with the others. */
static void *attempt_run(void *arg)
{
    struct attempt *a = arg;
    struct db *db = test_db_open(a->path, 0);
    struct account_sign_in s;
    struct bh_error err;
    pthread_barrier_wait(a->start);
    a->rc = account_sign_in(db, "tess", a->password, "198.51.100.7", &s, &err);
    db_close(db);
    return NULL;
}

/* Runs BURST parallel sign-ins as tess with `password`; counts the answers by code. */
static void burst(const char *path, const char *password, int *unauth, int *throttled, int *ok)
{
    pthread_t th[BURST];
    struct attempt a[BURST];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, BURST);
    for (int i = 0; i < BURST; i++) {
        a[i] = (struct attempt){ path, password, &start, 1 };
        assert_int_equal(pthread_create(&th[i], NULL, attempt_run, &a[i]), 0);
    }
    *unauth = *throttled = *ok = 0;
    for (int i = 0; i < BURST; i++) {
        pthread_join(th[i], NULL);
        if (a[i].rc == BH_EUNAUTH)
            ++*unauth;
        else if (a[i].rc == BH_ETHROTTLED)
            ++*throttled;
        else if (a[i].rc == 0)
            ++*ok;
        else
            fail_msg("attempt %d: unexpected code %d", i, a[i].rc);
    }
    pthread_barrier_destroy(&start);
}

static struct db *store_with_tess(const char *name, char **path)
{
    struct db *db = test_db_migrated(name, path);
    test_exec(db, "INSERT INTO org (code, kind, name, standing, created_at) VALUES "
                  "('MINUSMA', 'mission', 'MINUSMA', 'none', '2021-04-27T00:00:00Z')");
    struct principal cli;
    principal_cli(&cli);
    struct bh_error err;
    if (account_user_add(db, &cli, "tess", NULL, "MINUSMA", ROLE_REPORTER, PW_TESS, NULL, &err))
        fail_msg("account_user_add: %s", err.message);
    return db;
}

/* account/sign-in-throttle-parallel: a burst of wrong guesses gets exactly as many password
 * checks as a sequence does (the free failures), every other attempt a 429; the counter
 * holds exactly the checked ones. */
static void account_sign_in_throttle_parallel(void **state)
{
    (void)state;
    char *path;
    struct db *db = store_with_tess("account_throttle_parallel", &path);
    time_set_clock(frozen_clock);
    int unauth, throttled, ok;
    burst(path, "wrong guess, in parallel", &unauth, &throttled, &ok);
    if (unauth != ACCOUNT_THROTTLE_FREE_FAILURES)
        fail_msg("%d password checks in a burst of %d, expected %d (429s: %d)", unauth, BURST,
                 ACCOUNT_THROTTLE_FREE_FAILURES, throttled);
    assert_int_equal(throttled, BURST - ACCOUNT_THROTTLE_FREE_FAILURES);
    assert_int_equal(ok, 0);
    assert_int_equal(
        test_query_int(db, "SELECT failures FROM login_attempt WHERE throttle_key = 'user:tess'"),
        ACCOUNT_THROTTLE_FREE_FAILURES);
    /* Locked now: the right password is not even checked. */
    struct account_sign_in s;
    struct bh_error err;
    assert_int_equal(account_sign_in(db, "tess", PW_TESS, "198.51.100.7", &s, &err), BH_ETHROTTLED);
    assert_int_equal(s.retry_after_s, 1);
    time_set_clock(NULL);
    db_close(db);
    free(path);
}

/* account/sign-in-success-takes-back-its-count: an attempt is counted before its password
 * is checked; a success clears the account's counter and takes its own attempt back from the
 * address's, lock included, so people signing in from one address do not lock it. */
static void account_sign_in_success_uncounted(void **state)
{
    (void)state;
    char *path;
    struct db *db = store_with_tess("account_throttle_success", &path);
    time_set_clock(frozen_clock);
    struct account_sign_in s;
    struct bh_error err;
    for (int i = 0; i < ACCOUNT_THROTTLE_FREE_FAILURES - 1; i++)
        assert_int_equal(account_sign_in(db, "tess", "wrong guess", "198.51.100.7", &s, &err),
                         BH_EUNAUTH);
    /* The fifth attempt is admitted and counted (which locks both keys), then succeeds. */
    assert_int_equal(account_sign_in(db, "tess", PW_TESS, "198.51.100.7", &s, &err), 0);
    assert_int_equal(test_query_int(db, "SELECT COUNT(*) FROM login_attempt "
                                        "WHERE throttle_key = 'user:tess'"),
                     0);
    assert_int_equal(test_query_int(db, "SELECT failures FROM login_attempt "
                                        "WHERE throttle_key = 'addr:198.51.100.7'"),
                     ACCOUNT_THROTTLE_FREE_FAILURES - 1);
    assert_int_equal(test_query_int(db, "SELECT locked_until_ms FROM login_attempt "
                                        "WHERE throttle_key = 'addr:198.51.100.7'"),
                     0);
    /* So the next sign-in from that address goes through. */
    assert_int_equal(account_sign_in(db, "tess", PW_TESS, "198.51.100.7", &s, &err), 0);
    time_set_clock(NULL);
    db_close(db);
    free(path);
}

static void assert_weak(const char *password, const char *why)
{
    struct bh_error err;
    bh_error_clear(&err);
    int rc = account_password_check("amina", password, &err);
    if (rc != BH_EINVALID)
        fail_msg("password '%s' accepted (rc %d), expected it refused: %s", password, rc, why);
    assert_string_equal(err.field, "password");
    assert_contains(err.message, why);
}

/* account/password-policy-distinct-and-common */
static void account_password_distinct_and_common(void **state)
{
    (void)state;
    assert_weak("            ", "too few different characters (1); it needs at least 5");
    assert_weak("aaaaaaaaaaaa", "too few different characters (1)");
    assert_weak("AAAAAAAAAAAAAAAAAAAAAAAA", "too few different characters (1)");
    assert_weak("abababababab", "too few different characters (2)");
    assert_weak("abcdabcdabcd", "too few different characters (4)");
    assert_weak("éééééééééééé", "too few different characters (1)");
    /* Four characters, one of them two bytes long, are still four. */
    assert_weak("éaébécéaébéc", "too few different characters (4)");
    assert_weak("qwertyuiopas", "common passwords");
    assert_weak("Password2024", "common passwords");
    assert_weak("PEACEKEEPING", "common passwords");
    assert_weak("1q2w3e4r5t6y", "common passwords");
    struct bh_error err;
    /* Five different characters are enough for this rule; case counts as a difference. */
    assert_int_equal(account_password_check("amina", "abcdeabcdeab", &err), 0);
    assert_int_equal(account_password_check("amina", "aAbBcaAbBcaA", &err), 0);
    assert_int_equal(account_password_check("amina", "àéèêëîïôöùûü", &err), 0);
    assert_int_equal(account_password_check("amina", "convoy at dawn", &err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("account/sign-in-throttle-parallel", account_sign_in_throttle_parallel),
        BH_TEST("account/sign-in-success-takes-back-its-count", account_sign_in_success_uncounted),
        BH_TEST("account/password-policy-distinct-and-common",
                account_password_distinct_and_common),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
