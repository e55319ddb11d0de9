#include "world.h"

#include <stdlib.h>
#include <string.h>

/* Every organization a test world may name: `bluehelm org add CODE --kind KIND --name NAME`.
 * A test that needs another adds a line here. */
static const struct {
    const char *code, *kind, *name;
} catalog[] = {
    { "DPO", "un_entity", "Department of Peace Operations" },
    { "BRA", "member_state", "Brazil" },
    { "CHN", "member_state", "China" },
    { "FRA", "member_state", "France" },
    { "IDN", "member_state", "Indonesia" },
    { "NOR", "member_state", "Norway" },
    { "RWA", "member_state", "Rwanda" },
    { "UNMISS", "mission", "UN Mission in South Sudan" },
};

static void add_org(const char *store, const char *code)
{
    for (size_t i = 0; i < sizeof catalog / sizeof catalog[0]; i++)
        if (strcmp(catalog[i].code, code) == 0) {
            test_add_org(store, code, catalog[i].kind, catalog[i].name);
            return;
        }
    fail_msg("organization %s is not in the test world's catalog (tests/support/world.c)", code);
}

char *test_world_store(const struct test_world *w)
{
    char *store =
        w->seeded ? test_init_seeded_store(w->name, w->password) : test_init_store(w->name);
    for (size_t i = 0; i < w->norgs; i++)
        add_org(store, w->orgs[i]);
    for (size_t i = 0; i < w->nusers; i++) {
        const struct test_user *u = &w->users[i];
        test_add_user(store, u->username, u->org, u->role, w->password);
        if (u->missions)
            test_cli_ok(store, NULL,
                        (const char *[]){ "user", "missions", u->username, u->missions, NULL },
                        NULL);
    }
    return store;
}

void test_world_sign_in(const struct test_world *w, int port)
{
    for (size_t i = 0; i < w->nusers; i++) {
        const struct test_user *u = &w->users[i];
        if (u->session)
            test_sign_in(port, u->username, w->password, u->session, NULL);
    }
}

char *test_world_serve(const struct test_world *w, struct test_server *server,
                       const char *const *extra_args)
{
    char *store = test_world_store(w);
    test_server_start(server, store, extra_args);
    test_world_sign_in(w, server->port);
    return store;
}
