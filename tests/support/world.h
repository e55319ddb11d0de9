#ifndef BH_TEST_WORLD_H
#define BH_TEST_WORLD_H

/* A test's world, declared as tables and made by one call: a store, its organizations, its
 * users with their roles and missions, and (API tests) the server with each user signed in.
 * Everything is made through the real binary (`bluehelm init`, `org add`, `user add`,
 * `user missions`), in table order, so ids come out the same on every run. Organizations are
 * named by code from one catalog (world.c), so every test's France is the same France. */

#include "api_helpers.h"
#include "http_client.h"

#include <stddef.h>

/* One user of organization `org` with `role` and `password` (NULL: the world's). `missions`
 * ("MINUSMA,MINUSCA"; NULL: none) are set by `bluehelm user missions`; `display_name` (NULL:
 * none) by `user add --display-name`. `session`, when not NULL, receives the user signed in
 * over the API once the server runs. */
struct test_user {
    const char *username, *org, *role, *missions;
    struct test_session *session;
    const char *password, *display_name;
};

/* Written with designated initializers: `{ .name = "api_x", .password = PW, TEST_ORGS(orgs),
 * TEST_USERS(users) }`; what is left out is zero. */
struct test_world {
    const char *name;        /* the store's folder: BH_TEST_TMP/<name> */
    const char *password;    /* every user's that names none */
    int seeded;              /* `init --seed`: the launch group, and "admin" with `password` */
    const char *const *orgs; /* codes of the catalog in world.c: "DPO", "FRA", "UNMISS" ... */
    size_t norgs;
    const struct test_user *users;
    size_t nusers;
    /* A world this one adds to (NULL: none): its organizations and users are made first, with
     * this world's password; its name, seeding and own base are not used. */
    const struct test_world *base;
};

/* A world's organizations or users from a table: `TEST_ORGS(orgs)`, `TEST_USERS(users)`. */
#define TEST_ORGS(a)  .orgs = (a), .norgs = sizeof(a) / sizeof((a)[0])
#define TEST_USERS(a) .users = (a), .nusers = sizeof(a) / sizeof((a)[0])

/* The casualty register's cast, which the casualty and CASEVAC API tests share as the base
 * of their worlds: DPO, FRA, BRA and UNMISS; the secretariat's admin, FRA's focal point,
 * reporter and analyst, UNMISS's reporter and BRA's focal point, each signed in here. */
struct test_register_cast {
    struct test_session admin, fra_fp, fra_rep, fra_analyst, unmiss_rep, bra_fp;
};
extern struct test_register_cast test_register;
extern const struct test_world test_register_world;

/* The cast of issue 15's coordination tests (meetings, proposals, commitments, actions and
 * their dashboards), the base of their worlds: DPO, CHN, BRA, FRA and RWA; the secretariat's
 * admin and a focal point, coordinator, reporter (and CHN's analyst) of the troop
 * contributors, each signed in here. Each test adds its own standings, time zones and data. */
struct test_coordination_cast {
    struct test_session admin, chn_coord, chn_fp, chn_rep, chn_analyst, bra_fp, bra_coord, bra_rep,
        fra_fp, fra_coord, fra_rep, rwa_fp;
};
extern struct test_coordination_cast test_coordination;
extern const struct test_world test_coordination_world;

/* Makes the world's store, organizations, users and missions; returns the store's path
 * (heap). Fails the test, saying which step, when any step fails. */
char *test_world_store(const struct test_world *w);

/* A store with the catalog's organizations `codes` (NULL-terminated) and no users: the world of
 * a command-line test that needs nothing more, in BH_TEST_TMP/<name>. Returns its path (heap). */
char *test_world_orgs(const char *name, const char *const *codes);

/* Signs in every user of the world that has a session, on the server at `port`. */
void test_world_sign_in(const struct test_world *w, int port);

/* test_world_store, then the server on that store with `extra_args` (NULL-terminated, may be
 * NULL), then test_world_sign_in: an API test's setup in one call. Returns the store's path
 * (heap). */
char *test_world_serve(const struct test_world *w, struct test_server *server,
                       const char *const *extra_args);

/* A cmocka group setup and teardown for an API test program that needs nothing but its world
 * served: main() names the world and its server with test_world_use, then runs its tests with
 * test_world_setup (test_world_serve, the store's path freed) and test_world_teardown (the
 * server shut down). */
void test_world_use(const struct test_world *w, struct test_server *server);
int test_world_setup(void **state);
int test_world_teardown(void **state);

/* The same, with the served store also open read-only in test_world_db for a test that checks
 * the rows the API wrote; test_world_teardown_db closes it and shuts the server down. */
extern struct db *test_world_db;
int test_world_setup_db(void **state);
int test_world_teardown_db(void **state);

/* test_call on the server given to test_world_use, as `u` (NULL: nobody). */
void test_world_call(const struct test_session *u, const char *method, const char *path,
                     const char *body, struct test_response *r);

/* The same, for the reply's status alone. */
int test_world_status(const struct test_session *u, const char *method, const char *path,
                      const char *body);

/* Sends a JSON request as `u` (NULL: nobody) to the server given to test_world_use and
 * fails at the caller's line unless it answers `status`; returns the body (the caller
 * decrefs). */
#define test_world_json(u, method, path, body, status) \
    test_world_json_at((u), (method), (path), (body), (status), __FILE__, __LINE__)
json_t *test_world_json_at(const struct test_session *u, const char *method, const char *path,
                           const char *body, int status, const char *file, int line);

/* A sharing group named `name` made by `u` with the organizations `members` (a JSON array
 * of codes: "[\"BRA\"]"); its id. */
long long test_world_group(const struct test_session *u, const char *name, const char *members);

#endif
