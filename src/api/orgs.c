/* The member directory: organizations with their standing and contributor roles. Every
 * signed-in user reads it (directory.read); admins add organizations (org.write). */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "org/org.h"

/* Reads an enum filter from the query string: -1 when absent, else its value; a value that
 * is not a known name is a 400 naming the parameter. */
static int query_enum(struct http_request *req, const char *name, int (*parse)(const char *),
                      int *out, struct bh_error *err)
{
    const char *v = http_request_query(req, name);
    *out = -1;
    if (!v || !*v)
        return 0;
    *out = parse(v);
    if (*out < 0)
        return bh_fail(err, BH_EINVALID, name, "unknown %s '%.40s'", name, v);
    return 0;
}

static void api_org_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int kind, standing;
    int rc = api_list_begin(req, &l, &err);
    if (!rc)
        rc = query_enum(req, "kind", org_kind_parse, &kind, &err);
    if (!rc)
        rc = query_enum(req, "standing", org_standing_parse, &standing, &err);
    if (!rc)
        rc = org_list(req->db, l.page.after, l.page.limit, kind, standing, l.items, &l.more,
                      &l.total, &err);
    api_list_reply(req, rep, rc, &err, &l, "code");
}

static void api_org_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct org o;
    int rc = org_get(req->db, req->params[0], &o, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, org_to_json(&o));
}

static void api_org_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct org o;
    json_t *body = NULL;
    /* org_from_json() knows the fields of an organization and refuses the others. */
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = org_from_json(body, &o, &err);
    json_decref(body);
    if (!rc)
        rc = org_add(req->db, &req->who, &o, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_header(req, rep, "Location", arena_printf(req->arena, "/api/v1/orgs/%s", o.code));
    http_reply_json(req, rep, 201, org_to_json(&o));
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_orgs_routes[] = {
    { "GET", "/api/v1/orgs", api_org_list, 0, PERM_DIRECTORY_READ, 0, "The member directory" },
    { "POST", "/api/v1/orgs", api_org_create, ROUTE_JSON | ROUTE_IDEMPOTENT, PERM_ORG_WRITE, 0,
      "Add an organization" },
    { "GET", "/api/v1/orgs/{code}", api_org_get, 0, PERM_DIRECTORY_READ, 0, "One organization" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
