#ifndef BH_TEST_API_HELPERS_H
#define BH_TEST_API_HELPERS_H

/* What the API tests say to the server and check of its replies: JSON bodies, problem+json,
 * headers, signing in, requests as a signed-in user. Each fails the test at the caller's line
 * with what was expected and what came. */

#include "http_client.h"
#include "support.h"

#include "account/account.h"

#include <jansson.h>
#include <stdbool.h>

#define TEST_JSON_CT "Content-Type: application/json\r\n"

/* The body of `r` parsed as JSON (the caller decrefs); fails, showing the body, when it is
 * not JSON. */
#define body_json(r) test_body_json((r), __FILE__, __LINE__)
json_t *test_body_json(const struct test_response *r, const char *file, int line);

/* Fails unless the response header `name` (lowercase) is there with exactly `want`. */
#define assert_header(r, name, want) test_assert_header((r), (name), (want), __FILE__, __LINE__)
void test_assert_header(const struct test_response *r, const char *name, const char *want,
                        const char *file, int line);

/* Fails unless `r` is an application/problem+json reply with `status`, the same status in
 * its body, and `field` in its "field" (NULL: the reply names no field). */
#define assert_problem(r, status, field) \
    test_assert_problem((r), (status), (field), __FILE__, __LINE__)
void test_assert_problem(const struct test_response *r, int status, const char *field,
                         const char *file, int line);

/* The string member `key` of `o` (NULL when it is not a string). */
const char *test_str(const json_t *o, const char *key);

/* Whether one of `items` (a JSON array of objects) has the "id" `id`: a visibility matrix's
 * "this reader's list shows it". */
bool test_listed(const json_t *items, const char *id);

/* GETs `path` with `headers` (raw lines, may be NULL); fails unless the reply has `status`;
 * returns its body parsed as JSON (the caller decrefs). */
#define test_get_json(port, headers, path, status) \
    test_get_json_at((port), (headers), (path), (status), __FILE__, __LINE__)
json_t *test_get_json_at(int port, const char *headers, const char *path, int status,
                         const char *file, int line);

/* Sends one request with `headers` (raw lines: a session's, a Bearer line; may be NULL) and
 * `body` (may be NULL), which goes as JSON with its content type. */
void test_call(int port, const char *headers, const char *method, const char *path,
               const char *body, struct test_response *r);

/* A signed-in user of the browser app. */
struct test_session {
    char cookie[ACCOUNT_TOKEN_MAX]; /* the bh_session cookie's value */
    char csrf[ACCOUNT_TOKEN_MAX];   /* the X-CSRF-Token its writes carry */
    char headers[320];              /* "Cookie: bh_session=...\r\nX-CSRF-Token: ...\r\n" */
};

/* Signs in over POST /api/v1/session; fails unless the reply is 201 with a bh_session cookie
 * and a CSRF token. The reply body goes to *reply (the caller decrefs) when `reply` is not
 * NULL. */
#define test_sign_in(port, username, password, s, reply) \
    test_sign_in_at((port), (username), (password), (s), (reply), __FILE__, __LINE__)
void test_sign_in_at(int port, const char *username, const char *password, struct test_session *s,
                     json_t **reply, const char *file, int line);

/* "Authorization: Bearer TOKEN\r\n" into `out`. */
void test_bearer(char *out, size_t cap, const char *token);

/* A new API token of `user` named `name`, made with the CLI on the store `db`
 * (test_create_token), as an "Authorization: Bearer TOKEN\r\n" line into `out`. */
void test_bearer_for(const char *db, const char *user, const char *name, char *out, size_t cap);

/* A GET of `path` is 200 with an ETag, and the same GET with If-None-Match: that ETag is 304
 * without a body (a browser revalidating its copy on a slow link). */
#define assert_not_modified(port, path) test_assert_not_modified((port), (path), __FILE__, __LINE__)
void test_assert_not_modified(int port, const char *path, const char *file, int line);

#endif
