/* The OpenAPI document served at /api/v1/openapi.json against the route table it describes:
 * a route added to a capability's table (in src/api/) without docs/openapi.json makes this test
 * fail. The table is read from the linked core (api_routes), the document from the real server. */
#include "api_helpers.h"

#include "api/api.h"
#include "http/routes.h"
#include "principal/principal.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct test_server server;
static json_t *doc;     /* the served document */
static char *body;      /* its bytes */
static size_t body_len; /* and length */

/* Every row of every capability's table, in search order: the route table as served. */
static struct route routes_all[256];
static size_t nroutes;

static void collect_routes(void)
{
    nroutes = 0;
    for (size_t t = 0; api_routes[t]; t++)
        for (const struct route *r = api_routes[t]; r->method; r++) {
            if (nroutes == sizeof routes_all / sizeof routes_all[0])
                fail_msg("more than %zu routes: raise routes_all", nroutes);
            routes_all[nroutes++] = *r;
        }
}

static int setup(void **state)
{
    collect_routes();
    (void)state;
    char *store = test_init_store("api_openapi");
    test_server_start(&server, store, NULL);
    free(store);

    struct test_response r;
    test_http(server.port, "GET", "/api/v1/openapi.json", NULL, NULL, 0, &r);
    if (r.status != 200)
        fail_msg("GET /api/v1/openapi.json: %d %s", r.status, r.body);
    assert_header(&r, "content-type", "application/json");
    json_error_t jerr;
    doc = json_loadb(r.body, r.body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        fail_msg("the served document is not JSON: line %d: %s", jerr.line, jerr.text);
    body = r.body;
    body_len = r.body_len;
    r.body = NULL;
    test_response_free(&r);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    test_server_shutdown(&server);
    json_decref(doc);
    free(body);
    return 0;
}

/* The operation object for `method` ("GET") at `pattern`, or NULL. */
static json_t *operation(json_t *d, const char *pattern, const char *method)
{
    char lower[16];
    size_t i = 0;
    for (; method[i] && i < sizeof lower - 1; i++)
        lower[i] = (char)tolower((unsigned char)method[i]);
    lower[i] = '\0';
    return json_object_get(json_object_get(json_object_get(d, "paths"), pattern), lower);
}

/* Counts the routes of `routes` missing from `d`, printing each; the checker the tests below
 * use, so the last test can show that it does catch a missing route. */
static int missing_routes(json_t *d, const struct route *routes, size_t n)
{
    int missing = 0;
    for (size_t i = 0; i < n; i++)
        if (!json_is_object(operation(d, routes[i].pattern, routes[i].method))) {
            print_message("route %s %s is not in docs/openapi.json\n", routes[i].method,
                          routes[i].pattern);
            missing++;
        }
    return missing;
}

static const struct route *find_route(const char *pattern, const char *method)
{
    for (size_t i = 0; i < nroutes; i++)
        if (strcmp(routes_all[i].pattern, pattern) == 0 &&
            strcasecmp(routes_all[i].method, method) == 0)
            return &routes_all[i];
    return NULL;
}

/* openapi/every-route-documented: each (method, pattern) of the route table is an operation. */
static void every_route_documented(void **state)
{
    (void)state;
    assert_true(nroutes >= 20); /* the real table is linked */
    assert_int_equal(missing_routes(doc, routes_all, nroutes), 0);
}

/* openapi/no-undocumented-extras: every operation in the document is a route (HEAD is implied
 * by GET and never listed), so the document does not promise what the server lacks. */
static void no_extra_operations(void **state)
{
    (void)state;
    static const char *const methods[] = { "get",     "put",  "post",  "delete",
                                           "options", "head", "patch", "trace" };
    const char *path;
    json_t *item;
    int extra = 0;
    json_object_foreach(json_object_get(doc, "paths"), path, item)
    {
        for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++)
            if (json_object_get(item, methods[m]) && !find_route(path, methods[m])) {
                print_message("%s %s is documented but not in the route table\n", methods[m], path);
                extra++;
            }
    }
    assert_int_equal(extra, 0);
}

/* openapi/version: an OpenAPI 3.1 document of this build. */
static void version(void **state)
{
    (void)state;
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    json_t *info = json_object_get(doc, "info");
    assert_string_equal(json_string_value(json_object_get(info, "version")), BH_VERSION);
    assert_non_null(json_string_value(json_object_get(info, "title")));
    assert_true(json_is_object(json_object_get(doc, "paths")));
}

/* Whether operation `op` lists a parameter `name` in `where`, following $refs into
 * components/parameters. */
static json_t *parameter(json_t *op, const char *name, const char *where)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(op, "parameters"), i, p)
    {
        const char *ref = json_string_value(json_object_get(p, "$ref"));
        if (ref && strncmp(ref, "#/components/parameters/", 24) == 0)
            p = json_object_get(json_object_get(json_object_get(doc, "components"), "parameters"),
                                ref + 24);
        const char *n = json_string_value(json_object_get(p, "name"));
        const char *in = json_string_value(json_object_get(p, "in"));
        if (n && in && strcasecmp(n, name) == 0 && strcmp(in, where) == 0)
            return p;
    }
    return NULL;
}

/* openapi/operations-match-table: each operation says what its route row says: the summary,
 * the permission, public or not, a JSON body or none, Idempotency-Key, CSRF on writes, its
 * path parameters, and at least one success reply. */
static void operations_match_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < nroutes; i++) {
        const struct route *r = &routes_all[i];
        json_t *op = operation(doc, r->pattern, r->method);
        if (!op)
            fail_msg("%s %s is missing", r->method, r->pattern);
        const char *summary = json_string_value(json_object_get(op, "summary"));
        if (!summary || strcmp(summary, r->summary) != 0)
            fail_msg("%s %s: summary \"%s\" differs from the route table's \"%s\"", r->method,
                     r->pattern, summary ? summary : "(none)", r->summary);
        const char *perm = json_string_value(json_object_get(op, "x-permission"));
        if (!perm || strcmp(perm, permission_name(r->perm)) != 0)
            fail_msg("%s %s: x-permission %s, the route checks %s", r->method, r->pattern,
                     perm ? perm : "(none)", permission_name(r->perm));
        json_t *security = json_object_get(op, "security");
        bool public_doc = json_is_array(security) && json_array_size(security) == 0;
        if (public_doc != ((r->flags & ROUTE_PUBLIC) != 0))
            fail_msg("%s %s: documented as %s", r->method, r->pattern,
                     public_doc ? "public" : "authenticated");
        json_t *body_schema = json_object_get(
            json_object_get(json_object_get(json_object_get(op, "requestBody"), "content"),
                            "application/json"),
            "schema");
        if ((body_schema != NULL) != ((r->flags & ROUTE_JSON) != 0))
            fail_msg("%s %s: JSON request body %s", r->method, r->pattern,
                     body_schema ? "documented but not taken" : "taken but not documented");
        if ((parameter(op, "Idempotency-Key", "header") != NULL) !=
            ((r->flags & ROUTE_IDEMPOTENT) != 0))
            fail_msg("%s %s: Idempotency-Key documented wrongly", r->method, r->pattern);
        bool write = strcmp(r->method, "GET") != 0;
        bool csrf = write && !(r->flags & ROUTE_PUBLIC) && !(r->flags & ROUTE_NO_CSRF);
        if ((parameter(op, "X-CSRF-Token", "header") != NULL) != csrf)
            fail_msg("%s %s: X-CSRF-Token documented wrongly", r->method, r->pattern);
        for (const char *p = strchr(r->pattern, '{'); p; p = strchr(p + 1, '{')) {
            char name[64];
            size_t len = strcspn(p + 1, "}");
            snprintf(name, sizeof name, "%.*s", (int)len, p + 1);
            json_t *param = parameter(op, name, "path");
            if (!param || !json_is_true(json_object_get(param, "required")))
                fail_msg("%s %s: path parameter {%s} not documented as required", r->method,
                         r->pattern, name);
        }
        const char *status;
        json_t *reply;
        int success = 0;
        json_object_foreach(json_object_get(op, "responses"), status, reply)
        {
            success += status[0] == '2';
        }
        if (success == 0)
            fail_msg("%s %s: no 2xx response documented", r->method, r->pattern);
    }
}

/* Resolves a local JSON pointer ("#/components/schemas/Problem"); NULL when it names nothing. */
static json_t *resolve(const char *ref)
{
    if (strncmp(ref, "#/", 2) != 0)
        return NULL;
    json_t *node = doc;
    char part[256];
    for (const char *p = ref + 2; node && *p;) {
        size_t len = strcspn(p, "/");
        if (len >= sizeof part)
            return NULL;
        snprintf(part, sizeof part, "%.*s", (int)len, p);
        node = json_object_get(node, part);
        p += len;
        if (*p == '/')
            p++;
    }
    return node;
}

static int bad_refs(json_t *node)
{
    int bad = 0;
    if (json_is_object(node)) {
        const char *key;
        json_t *v;
        json_object_foreach(node, key, v)
        {
            if (strcmp(key, "$ref") == 0 && json_is_string(v) && !resolve(json_string_value(v))) {
                print_message("$ref %s names nothing\n", json_string_value(v));
                bad++;
            } else {
                bad += bad_refs(v);
            }
        }
    } else if (json_is_array(node)) {
        size_t i;
        json_t *v;
        json_array_foreach(node, i, v)
        {
            bad += bad_refs(v);
        }
    }
    return bad;
}

/* openapi/refs-resolve: every $ref points into the document. */
static void refs_resolve(void **state)
{
    (void)state;
    assert_int_equal(bad_refs(doc), 0);
}

/* openapi/components: the problem shape, both ways to authenticate, the two headers. */
static void components(void **state)
{
    (void)state;
    json_t *problem = resolve("#/components/schemas/Problem");
    assert_non_null(problem);
    json_t *props = json_object_get(problem, "properties");
    static const char *const fields[] = { "type",     "title", "status", "detail",
                                          "instance", "code",  "field" };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!json_object_get(props, fields[i]))
            fail_msg("Problem lacks the property %s", fields[i]);

    json_t *cookie = resolve("#/components/securitySchemes/cookieAuth");
    assert_string_equal(json_string_value(json_object_get(cookie, "type")), "apiKey");
    assert_string_equal(json_string_value(json_object_get(cookie, "in")), "cookie");
    assert_string_equal(json_string_value(json_object_get(cookie, "name")), "bh_session");
    json_t *bearer = resolve("#/components/securitySchemes/bearerAuth");
    assert_string_equal(json_string_value(json_object_get(bearer, "type")), "http");
    assert_string_equal(json_string_value(json_object_get(bearer, "scheme")), "bearer");

    json_t *csrf = resolve("#/components/parameters/CsrfToken");
    assert_string_equal(json_string_value(json_object_get(csrf, "name")), "X-CSRF-Token");
    assert_string_equal(json_string_value(json_object_get(csrf, "in")), "header");
    json_t *idem = resolve("#/components/parameters/IdempotencyKey");
    assert_string_equal(json_string_value(json_object_get(idem, "name")), "Idempotency-Key");
    assert_string_equal(json_string_value(json_object_get(idem, "in")), "header");

    /* Errors are problem+json wherever a 4xx is documented. */
    json_t *notfound = resolve("#/components/responses/NotFound/content");
    assert_non_null(json_object_get(notfound, "application/problem+json"));
}

/* openapi/served-is-docs-file: the binary serves docs/openapi.json as it is in the tree, so
 * the file a reader opens is the document a client gets. */
static void served_is_docs_file(void **state)
{
    (void)state;
    assert_file_bytes(BH_SOURCE_DIR "/docs/openapi.json", body, body_len);
}

/* openapi/missing-route-fails: the checker above reports a route the document lacks, so a
 * row added to the route table without the document fails every-route-documented. */
static void missing_route_fails(void **state)
{
    (void)state;
    json_t *copy = json_deep_copy(doc);
    json_t *paths = json_object_get(copy, "paths");
    json_object_del(json_object_get(paths, "/api/v1/audit"), "get");
    const struct route extra[] = {
        { "GET", "/api/v1/audit", NULL, 0, PERM_AUDIT_READ, 0, "The audit log, filtered" },
        { "POST", "/api/v1/not-yet", NULL, ROUTE_JSON, PERM_NONE, 0, "A route nobody wrote up" },
        { "GET", "/healthz", NULL, ROUTE_PUBLIC, PERM_NONE, 0, "documented" },
    };
    assert_int_equal(missing_routes(copy, extra, 3), 2);
    json_decref(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("openapi/every-route-documented", every_route_documented),
        BH_TEST("openapi/no-undocumented-extras", no_extra_operations),
        BH_TEST("openapi/version", version),
        BH_TEST("openapi/operations-match-table", operations_match_table),
        BH_TEST("openapi/refs-resolve", refs_resolve),
        BH_TEST("openapi/components", components),
        BH_TEST("openapi/served-is-docs-file", served_is_docs_file),
        BH_TEST("openapi/missing-route-fails", missing_route_fails),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
