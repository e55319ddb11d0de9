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

/* One user of organization `org` with `role` and the world's password. `missions`
 * ("MINUSMA,MINUSCA"; NULL: none) are set by `bluehelm user missions`. `session`, when not
 * NULL, receives the user signed in over the API once the server runs. */
struct test_user {
    const char *username, *org, *role, *missions;
    struct test_session *session;
};

struct test_world {
    const char *name;        /* the store's folder: BH_TEST_TMP/<name> */
    const char *password;    /* every user's */
    int seeded;              /* `init --seed`: the launch group, and "admin" with `password` */
    const char *const *orgs; /* codes of the catalog in world.c: "DPO", "FRA", "UNMISS" ... */
    size_t norgs;
    const struct test_user *users;
    size_t nusers;
};

/* A table and its length, for the two pairs of struct test_world: `TEST_TABLE(orgs)`. */
#define TEST_TABLE(a) (a), sizeof(a) / sizeof((a)[0])

/* Makes the world's store, organizations, users and missions; returns the store's path
 * (heap). Fails the test, saying which step, when any step fails. */
char *test_world_store(const struct test_world *w);

/* Signs in every user of the world that has a session, on the server at `port`. */
void test_world_sign_in(const struct test_world *w, int port);

/* test_world_store, then the server on that store with `extra_args` (NULL-terminated, may be
 * NULL), then test_world_sign_in: an API test's setup in one call. Returns the store's path
 * (heap). */
char *test_world_serve(const struct test_world *w, struct test_server *server,
                       const char *const *extra_args);

#endif
