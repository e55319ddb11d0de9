/* The signed-in user's API tokens (token.own). A token of someone else is answered 404, as
 * if it did not exist. */
#include "api/api.h"
#include "http/routes.h"

#include "account/account.h"
#include "api/common.h"
#include "base/jsonfield.h"

#include <string.h>

static void api_token_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *items = json_array();
    int rc = account_token_list(req->db, req->who.username, items, &err);
    if (api_failed(req, rep, rc, &err)) {
        json_decref(items);
        return;
    }
    http_reply_json(req, rep, 200, json_pack("{s:o}", "items", items));
}

static void api_token_create(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "name", NULL };
    struct bh_error err;
    json_t *body = NULL;
    const char *name = NULL;
    char token[ACCOUNT_TOKEN_MAX];
    struct account_token t;
    int rc = api_json_body(req, known, &body, &err);
    if (!rc)
        rc = jsonfield_string(body, "name", true, 100, &name, &err);
    if (!rc)
        rc = account_token_create(req->db, &req->who, req->who.username, name, token, &t, &err);
    json_decref(body);
    if (api_failed(req, rep, rc, &err))
        return;
    json_t *j = account_token_json(&t);
    json_object_del(j, "last_used_at");
    json_object_del(j, "revoked_at");
    json_object_set_new(j, "token", json_string(token));
    memset(token, 0, sizeof token);
    http_reply_json(req, rep, 201, j);
    /* The token is shown once: a retried request (Idempotency-Key) replays this reply with
     * "token": null, and the stored copy never holds it. */
    rep->secret_field = "token";
}

static void api_token_delete(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    const char *text = req->params[0];
    int64_t id;
    int rc = 0;
    /* An id that is not a number names no token: 404, like an id of someone else's. */
    if (!api_parse_int(text, 1, &id))
        rc = bh_fail(&err, BH_ENOTFOUND, "id", "no API token %.40s", text);
    if (!rc)
        rc = account_token_revoke(req->db, &req->who, req->who.username, id, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_empty(rep, 204);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_tokens_routes[] = {
    { "GET", "/api/v1/tokens", api_token_list, 0, PERM_TOKEN_OWN, 0, "List my API tokens" },
    { "POST", "/api/v1/tokens", api_token_create, ROUTE_JSON | ROUTE_IDEMPOTENT, PERM_TOKEN_OWN, 0,
      "Create an API token (its text is shown once)" },
    { "DELETE", "/api/v1/tokens/{id}", api_token_delete, 0, PERM_TOKEN_OWN, 0,
      "Revoke one of my API tokens" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
