/* Sharing groups: the distributions of TLP:AMBER records. Every signed-in user reads them
 * (directory.read); coordinators and admins create them (group.write), and only the owning
 * organization's coordinators and admins change or delete one (the module decides). */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "base/jsonfield.h"
#include "sharing/sharing.h"

/* A group id from the path. Something that is not a positive number names no group: 404. */
static int path_id(struct http_request *req, int64_t *id, struct bh_error *err)
{
    const char *s = req->nparams ? req->params[0] : "";
    if (!api_parse_int(s, 1, id))
        return bh_fail(err, BH_ENOTFOUND, "id", "no sharing group has the id '%.40s'", s);
    return 0;
}

/* The body of a create or update: {name, description, members}. */
struct group_body {
    json_t *json;
    const char *name;
    const char *description;
    const char *members[SHARING_GROUP_MAX_ORGS];
    size_t nmembers;
    bool has_members;
};

static int parse_body(struct http_request *req, bool create, struct group_body *b,
                      struct bh_error *err)
{
    static const char *const known[] = { "name", "description", "members", NULL };
    int rc = api_json_body(req, known, &b->json, err);
    if (!rc)
        rc = jsonfield_string(b->json, "name", create, SHARING_GROUP_NAME_MAX, &b->name, err);
    if (!rc)
        rc = jsonfield_string(b->json, "description", false, SHARING_GROUP_DESC_MAX,
                              &b->description, err);
    if (!rc)
        rc = jsonfield_strings(b->json, "members", false, b->members, SHARING_GROUP_MAX_ORGS,
                               &b->nmembers, &b->has_members, err);
    return rc;
}

/* Answers a create, a read or an update: the problem for `rc`, else the group as stored. */
static void reply_group(struct http_request *req, struct http_reply *rep, int rc,
                        struct bh_error *err, int64_t id, int status)
{
    json_t *g = NULL;
    if (!rc)
        rc = sharing_group_get(req->db, id, &g, err);
    if (api_failed(req, rep, rc, err))
        return;
    if (status == 201)
        http_reply_header(req, rep, "Location",
                          arena_printf(req->arena, "/api/v1/groups/%lld", (long long)id));
    http_reply_json(req, rep, status, g);
}

static void api_group_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int64_t after = 0;
    int rc = api_list_begin(req, &l, &err);
    if (!rc && l.page.after[0] && !api_parse_int(l.page.after, 0, &after))
        rc = bh_fail(&err, BH_EINVALID, "cursor",
                     "cursor is not one this list issued; start again without it");
    if (!rc)
        rc = sharing_group_list(req->db, after, l.page.limit, l.items, &l.more, &l.total, &err);
    api_list_reply(req, rep, rc, &err, &l, "id");
}

static void api_group_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct group_body b;
    int64_t id = 0;
    int rc = parse_body(req, true, &b, &err);
    if (!rc)
        rc = sharing_group_create(req->db, &req->who, b.name, b.description, b.members, b.nmembers,
                                  &id, &err);
    json_decref(b.json);
    reply_group(req, rep, rc, &err, id, 201);
}

static void api_group_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int64_t id = 0;
    int rc = path_id(req, &id, &err);
    reply_group(req, rep, rc, &err, id, 200);
}

static void api_group_update(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct group_body b = { 0 };
    int64_t id = 0;
    int rc = path_id(req, &id, &err);
    if (!rc)
        rc = parse_body(req, false, &b, &err);
    if (!rc)
        rc = sharing_group_update(req->db, &req->who, id, b.name, b.description, b.members,
                                  b.nmembers, b.has_members, &err);
    json_decref(b.json);
    reply_group(req, rep, rc, &err, id, 200);
}

static void api_group_delete(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    int64_t id;
    int rc = path_id(req, &id, &err);
    if (!rc)
        rc = sharing_group_delete(req->db, &req->who, id, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_empty(rep, 204);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_groups_routes[] = {
    { "GET", "/api/v1/groups", api_group_list, 0, PERM_DIRECTORY_READ, 0, "List sharing groups" },
    { "POST", "/api/v1/groups", api_group_create, ROUTE_JSON | ROUTE_IDEMPOTENT, PERM_GROUP_WRITE,
      0, "Create a sharing group" },
    { "GET", "/api/v1/groups/{id}", api_group_get, 0, PERM_DIRECTORY_READ, 0, "One sharing group" },
    { "PATCH", "/api/v1/groups/{id}", api_group_update, ROUTE_JSON, PERM_GROUP_WRITE, 0,
      "Rename a sharing group or change its members" },
    { "DELETE", "/api/v1/groups/{id}", api_group_delete, 0, PERM_GROUP_WRITE, 0,
      "Delete a sharing group" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
