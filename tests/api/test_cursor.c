/* Page cursors are signed (issue 9, info): a client follows `next` as it was given, across a
 * server restart, but cannot forge a position it was not given (another row number, another
 * code) nor replay the old unsigned format. */
#include "api_helpers.h"
#include "world.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "Timbuktu airfield 2017"

static struct test_server server;
static struct test_session admin;
static char *store;

static const char *const orgs[] = { "DPO", "BRA", "CHN", "FRA", "IDN", "RWA" };
static const struct test_user users[] = { { "secretariat", "DPO", "admin", NULL, &admin, NULL,
                                            NULL } };
static const struct test_world world = {
    .name = "api_cursor", .password = PASSWORD, TEST_ORGS(orgs), TEST_USERS(users)
};

static int setup(void **state)
{
    (void)state;
    store = test_world_serve(&world, &server, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    free(store);
    return 0;
}

/* The first page of /api/v1/orgs?limit=2 and its `next` cursor (heap). */
static char *first_next(void)
{
    json_t *j = test_get_json(server.port, admin.headers, "/api/v1/orgs?limit=2", 200);
    const char *next = json_string_value(json_object_get(j, "next"));
    assert_non_null(next);
    char *copy = strdup(next);
    json_decref(j);
    return copy;
}

static int status_for_cursor(const char *cursor)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/orgs?limit=2&cursor=%s", cursor);
    struct test_response r;
    test_http(server.port, "GET", path, admin.headers, NULL, 0, &r);
    int status = r.status;
    if (status != 200)
        assert_problem(&r, 400, "cursor");
    test_response_free(&r);
    return status;
}

static char *b64(const unsigned char *raw, size_t n)
{
    size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = malloc(cap);
    sodium_bin2base64(out, cap, raw, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

/* api/cursor-signed */
static void api_cursor_signed(void **state)
{
    (void)state;
    char *next = first_next();
    assert_int_equal(status_for_cursor(next), 200);

    /* The position changed in place (its MAC left as it was): refused. */
    unsigned char raw[256];
    size_t len = 0;
    assert_int_equal(sodium_base642bin(raw, sizeof raw, next, strlen(next), NULL, &len, NULL,
                                       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     0);
    assert_memory_equal(raw, "v2:", 3);
    raw[3] ^= 0x01;
    char *forged = b64(raw, len);
    assert_int_equal(status_for_cursor(forged), 400);
    free(forged);

    /* The unsigned format of before: a bare position anyone could write. */
    const char plain[] = "v1:FRA";
    char *old = b64((const unsigned char *)plain, strlen(plain));
    assert_int_equal(status_for_cursor(old), 400);
    free(old);

    /* A cursor outlives the process that issued it: the key is the store's. */
    test_server_shutdown(&server);
    test_server_start(&server, store, NULL);
    test_sign_in(server.port, "secretariat", PASSWORD, &admin, NULL);
    assert_int_equal(status_for_cursor(next), 200);
    char *again = first_next();
    assert_string_equal(again, next);
    free(again);
    free(next);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("api/cursor-signed", api_cursor_signed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
