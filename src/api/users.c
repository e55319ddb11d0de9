/* User administration (user.admin): list, create, read and change users. */
#include "api/api.h"
#include "http/routes.h"

#include "account/account.h"
#include "account/missions.h"
#include "api/common.h"
#include "base/jsonfield.h"

static void api_user_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int rc = api_list_begin(req, &l, &err);
    if (!rc)
        rc = account_user_list(req->db, l.page.after, l.page.limit, l.items, &l.more, &l.total,
                               &err);
    size_t i;
    json_t *u;
    json_array_foreach(l.items, i, u)
    {
        api_permissions_attach(u);
        if (!rc)
            rc = account_missions_attach(req->db, u, &err);
    }
    api_list_reply(req, rep, rc, &err, &l, "username");
}

/* Reads "role" when present; an unknown name is a 400 naming it. */
static int role_field(const json_t *body, bool required, bool *present, enum role *out,
                      struct bh_error *err)
{
    const char *v;
    int rc = jsonfield_string(body, "role", required, 32, &v, err);
    *present = v != NULL;
    if (rc || !v)
        return rc;
    return account_role_parse(v, out, err);
}

/* The user JSON with their permissions and the missions they work for (docs/incidents.md). */
static void reply_user(struct http_request *req, struct http_reply *rep,
                       const struct account_user *u, int status)
{
    struct bh_error err;
    json_t *j = account_user_json(u);
    api_permissions_attach(j);
    int rc = account_missions_attach(req->db, j, &err);
    if (api_failed(req, rep, rc, &err)) {
        json_decref(j);
        return;
    }
    http_reply_json(req, rep, status, j);
}

static void api_user_create(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = {
        "username", "password", "org", "role", "display_name", NULL
    };
    struct bh_error err;
    json_t *body = NULL;
    const char *username = NULL, *password = NULL, *org = NULL, *display_name = NULL;
    enum role role = ROLE_NONE;
    bool has_role;
    struct account_user u;
    int rc = api_json_body(req, known, &body, &err);
    if (!rc)
        rc = jsonfield_string(body, "username", true, 63, &username, &err);
    if (!rc)
        rc = jsonfield_string(body, "password", true, ACCOUNT_PASSWORD_MAX, &password, &err);
    if (!rc)
        rc = jsonfield_string(body, "org", true, 31, &org, &err);
    if (!rc)
        rc = role_field(body, true, &has_role, &role, &err);
    if (!rc)
        rc = jsonfield_string(body, "display_name", false, 127, &display_name, &err);
    if (!rc)
        rc = account_user_add(req->db, &req->who, username, display_name, org, role, password, &u,
                              &err);
    json_decref(body);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_header(req, rep, "Location",
                      arena_printf(req->arena, "/api/v1/users/%s", u.username));
    reply_user(req, rep, &u, 201);
}

static void api_user_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct account_user u;
    int rc = account_user_get(req->db, req->params[0], &u, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    reply_user(req, rep, &u, 200);
}

static void api_user_update(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "role", "disabled", "password", "display_name", NULL };
    struct bh_error err;
    json_t *body = NULL;
    struct account_user_change ch = { 0 };
    struct account_user u;
    int rc = api_json_body(req, known, &body, &err);
    if (!rc)
        rc = role_field(body, false, &ch.set_role, &ch.role, &err);
    if (!rc)
        rc = jsonfield_bool(body, "disabled", false, &ch.disabled, &ch.set_disabled, &err);
    if (!rc)
        rc = jsonfield_string(body, "password", false, ACCOUNT_PASSWORD_MAX, &ch.password, &err);
    if (!rc && ch.password && !*ch.password)
        rc = bh_fail(&err, BH_EINVALID, "password", "the password is empty");
    if (!rc)
        rc = jsonfield_string(body, "display_name", false, 127, &ch.display_name, &err);
    if (!rc)
        rc = account_user_update(req->db, &req->who, req->params[0], &ch, &u, &err);
    json_decref(body);
    if (api_failed(req, rep, rc, &err))
        return;
    reply_user(req, rep, &u, 200);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_users_routes[] = {
    { "GET", "/api/v1/users", api_user_list, 0, PERM_USER_ADMIN, 0, "List users" },
    { "POST", "/api/v1/users", api_user_create, ROUTE_JSON | ROUTE_IDEMPOTENT, PERM_USER_ADMIN, 0,
      "Create a user" },
    { "GET", "/api/v1/users/{username}", api_user_get, 0, PERM_USER_ADMIN, 0, "One user" },
    { "PATCH", "/api/v1/users/{username}", api_user_update, ROUTE_JSON, PERM_USER_ADMIN, 0,
      "Change a user's role, password or disabled state" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
