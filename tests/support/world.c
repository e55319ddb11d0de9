#include "world.h"

#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every organization a test world may name: `bluehelm org add CODE --kind KIND --name NAME`,
 * then `extra` options (NULL-terminated; NULL: none). China and Brazil are co-chairs, as in
 * the launch group `init --seed` makes. A test that needs another adds a line here. */
static const struct {
    const char *code, *kind, *name;
    const char *const *extra;
} catalog[] = {
    { "DPO", "un_entity", "Department of Peace Operations", NULL },
    { "BRA", "member_state", "Brazil", (const char *const[]){ "--standing", "co_chair", NULL } },
    { "CHN", "member_state", "China",
      (const char *const[]){ "--standing", "co_chair", "--roles", "tcc,pcc,financial", "--joined",
                             "2021-04-27", NULL } },
    { "FRA", "member_state", "France", NULL },
    { "IDN", "member_state", "Indonesia", NULL },
    { "NOR", "member_state", "Norway", NULL },
    { "RWA", "member_state", "Rwanda", NULL },
    { "UNMISS", "mission", "UN Mission in South Sudan", NULL },
};

/* Appends the NULL-terminated `more` to `args` (which holds `n`, room for 24). */
static size_t append(const char **args, size_t n, const char *const *more)
{
    for (; more && *more; more++) {
        if (n + 1 >= 24)
            fail_msg("too many arguments for the test world");
        args[n++] = *more;
    }
    args[n] = NULL;
    return n;
}

static void add_org(const char *store, const char *code)
{
    for (size_t i = 0; i < sizeof catalog / sizeof catalog[0]; i++)
        if (strcmp(catalog[i].code, code) == 0) {
            const char *args[24];
            size_t n = append(args, 0,
                              (const char *const[]){ "org", "add", code, "--kind", catalog[i].kind,
                                                     "--name", catalog[i].name, NULL });
            append(args, n, catalog[i].extra);
            test_cli_ok(store, NULL, args, NULL);
            return;
        }
    fail_msg("organization %s is not in the test world's catalog (tests/support/world.c)", code);
}

static void add_user(const char *store, const struct test_user *u, const char *password)
{
    const char *args[24];
    size_t n = append(args, 0,
                      (const char *const[]){ "user", "add", u->username, "--org", u->org, "--role",
                                             u->role, "--password-stdin", NULL });
    if (u->display_name)
        append(args, n, (const char *const[]){ "--display-name", u->display_name, NULL });
    char input[256];
    snprintf(input, sizeof input, "%s\n", u->password ? u->password : password);
    test_cli_ok(store, input, args, NULL);
    if (u->missions)
        test_cli_ok(store, NULL,
                    (const char *[]){ "user", "missions", u->username, u->missions, NULL }, NULL);
}

/* The organizations and users of `w`'s base, then of `w`; users get `password` unless their
 * row names their own. */
static void populate(const char *store, const struct test_world *w, const char *password)
{
    if (w->base)
        populate(store, w->base, password);
    for (size_t i = 0; i < w->norgs; i++)
        add_org(store, w->orgs[i]);
    for (size_t i = 0; i < w->nusers; i++)
        add_user(store, &w->users[i], password);
}

char *test_world_store(const struct test_world *w)
{
    char *store =
        w->seeded ? test_init_seeded_store(w->name, w->password) : test_init_store(w->name);
    populate(store, w, w->password);
    return store;
}

char *test_world_orgs(const char *name, const char *const *codes)
{
    size_t n = 0;
    while (codes[n])
        n++;
    const struct test_world w = { .name = name, .orgs = codes, .norgs = n };
    return test_world_store(&w);
}

static void sign_in(const struct test_world *w, int port, const char *password)
{
    if (w->base)
        sign_in(w->base, port, password);
    for (size_t i = 0; i < w->nusers; i++) {
        const struct test_user *u = &w->users[i];
        if (u->session)
            test_sign_in(port, u->username, u->password ? u->password : password, u->session, NULL);
    }
}

void test_world_sign_in(const struct test_world *w, int port)
{
    sign_in(w, port, w->password);
}

char *test_world_serve(const struct test_world *w, struct test_server *server,
                       const char *const *extra_args)
{
    char *store = test_world_store(w);
    test_server_start(server, store, extra_args);
    test_world_sign_in(w, server->port);
    return store;
}

struct test_register_cast test_register;

static const char *const register_orgs[] = { "DPO", "FRA", "BRA", "UNMISS" };
static const struct test_user register_users[] = {
    { "secretariat", "DPO", "admin", NULL, &test_register.admin, NULL, NULL },
    { "fra.fp", "FRA", "focal_point", NULL, &test_register.fra_fp, NULL, NULL },
    { "fra.rep", "FRA", "reporter", NULL, &test_register.fra_rep, NULL, NULL },
    { "fra.analyst", "FRA", "analyst", NULL, &test_register.fra_analyst, NULL, NULL },
    { "unmiss.rep", "UNMISS", "reporter", NULL, &test_register.unmiss_rep, NULL, NULL },
    { "bra.fp", "BRA", "focal_point", NULL, &test_register.bra_fp, NULL, NULL },
};
const struct test_world test_register_world = { TEST_ORGS(register_orgs),
                                                TEST_USERS(register_users) };

struct test_coordination_cast test_coordination;

static const char *const coordination_orgs[] = { "DPO", "CHN", "BRA", "FRA", "RWA" };
static const struct test_user coordination_users[] = {
    { "secretariat", "DPO", "admin", NULL, &test_coordination.admin, NULL, NULL },
    { "chn.coord", "CHN", "coordinator", NULL, &test_coordination.chn_coord, NULL, NULL },
    { "chn.fp", "CHN", "focal_point", NULL, &test_coordination.chn_fp, NULL, NULL },
    { "chn.rep", "CHN", "reporter", NULL, &test_coordination.chn_rep, NULL, NULL },
    { "chn.analyst", "CHN", "analyst", NULL, &test_coordination.chn_analyst, NULL, NULL },
    { "bra.fp", "BRA", "focal_point", NULL, &test_coordination.bra_fp, NULL, NULL },
    { "bra.coord", "BRA", "coordinator", NULL, &test_coordination.bra_coord, NULL, NULL },
    { "bra.rep", "BRA", "reporter", NULL, &test_coordination.bra_rep, NULL, NULL },
    { "fra.fp", "FRA", "focal_point", NULL, &test_coordination.fra_fp, NULL, NULL },
    { "fra.coord", "FRA", "coordinator", NULL, &test_coordination.fra_coord, NULL, NULL },
    { "fra.rep", "FRA", "reporter", NULL, &test_coordination.fra_rep, NULL, NULL },
    { "rwa.fp", "RWA", "focal_point", NULL, &test_coordination.rwa_fp, NULL, NULL },
};
const struct test_world test_coordination_world = { TEST_ORGS(coordination_orgs),
                                                    TEST_USERS(coordination_users) };

static const struct test_world *used_world;
static struct test_server *used_server;

void test_world_use(const struct test_world *w, struct test_server *server)
{
    used_world = w;
    used_server = server;
}

int test_world_setup(void **state)
{
    (void)state;
    if (!used_world || !used_server)
        fail_msg("test_world_setup without test_world_use");
    free(test_world_serve(used_world, used_server, NULL));
    return 0;
}

int test_world_teardown(void **state)
{
    (void)state;
    test_server_shutdown(used_server);
    return 0;
}

struct db *test_world_db;

int test_world_setup_db(void **state)
{
    (void)state;
    if (!used_world || !used_server)
        fail_msg("test_world_setup_db without test_world_use");
    char *store = test_world_serve(used_world, used_server, NULL);
    test_world_db = test_db_open(store, DB_OPEN_READONLY);
    free(store);
    return 0;
}

int test_world_teardown_db(void **state)
{
    db_close(test_world_db);
    test_world_db = NULL;
    return test_world_teardown(state);
}

void test_world_call(const struct test_session *u, const char *method, const char *path,
                     const char *body, struct test_response *r)
{
    if (!used_server)
        fail_msg("test_world_call without test_world_use");
    test_call(used_server->port, u ? u->headers : NULL, method, path, body, r);
}

int test_world_status(const struct test_session *u, const char *method, const char *path,
                      const char *body)
{
    struct test_response r;
    test_world_call(u, method, path, body, &r);
    int s = r.status;
    test_response_free(&r);
    return s;
}

json_t *test_world_json_at(const struct test_session *u, const char *method, const char *path,
                           const char *body, int status, const char *file, int line)
{
    struct test_response r;
    test_world_call(u, method, path, body, &r);
    if (r.status != status)
        fail_msg("%s:%d: %s %s: expected %d, got %d: %s", file, line, method, path, status,
                 r.status, r.body);
    json_t *j = test_body_json(&r, file, line);
    test_response_free(&r);
    return j;
}

long long test_world_group(const struct test_session *u, const char *name, const char *members)
{
    char body[512];
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"members\":%s}", name, members);
    json_t *g = test_world_json(u, "POST", "/api/v1/groups", body, 201);
    long long id = (long long)json_integer_value(json_object_get(g, "id"));
    json_decref(g);
    return id;
}
