/* Sharing groups: the distributions of TLP:AMBER records. Every signed-in user reads them
 * (directory.read); coordinators and admins create them (group.write), and only the owning
 * organization's coordinators and admins change or delete one (the module decides). */
#include "api/api.h"

#include "base/jsonfield.h"
#include "http/page.h"
#include "sharing/sharing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* A group id from the path. Something that is not a positive number names no group: 404. */
static int path_id(struct http_request *req, int64_t *id, struct bh_error *err)
{
    const char *s = req->nparams ? req->params[0] : "";
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v <= 0)
        return bh_fail(err, BH_ENOTFOUND, "id", "no sharing group has the id '%.40s'", s);
    *id = v;
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
    b->json = NULL;
    int rc = jsonfield_parse_object(req->body, req->body_len, &b->json, err);
    if (!rc)
        rc = jsonfield_check_known(b->json, known, err);
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

static void reply_group(struct http_request *req, struct http_reply *rep, struct db *db, int64_t id,
                        int status)
{
    struct bh_error err;
    json_t *g;
    int rc = sharing_group_get(db, id, &g, &err);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return;
    }
    if (status == 201)
        http_reply_header(req, rep, "Location",
                          arena_printf(req->arena, "/api/v1/groups/%lld", (long long)id));
    http_reply_json(req, rep, status, g);
}

void api_group_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct page page;
    struct db *db;
    int64_t after = 0;
    int rc = page_from_request(req, &page, &err);
    if (!rc && page.after[0]) {
        char *end;
        long long v = strtoll(page.after, &end, 10);
        if (*end || v < 0)
            rc = bh_fail(&err, BH_EINVALID, "cursor",
                         "cursor is not one this list issued; start again without it");
        after = v;
    }
    if (!rc)
        rc = http_request_db(req, &db, &err);
    json_t *items = json_array();
    bool more = false;
    int64_t total = 0;
    if (!rc)
        rc = sharing_group_list(db, after, page.limit, items, &more, &total, &err);
    if (rc) {
        json_decref(items);
        http_reply_error(req, rep, rc, &err);
        return;
    }
    const char *next = NULL;
    size_t n = json_array_size(items);
    if (more && n > 0)
        next = arena_printf(
            req->arena, "%lld",
            (long long)json_integer_value(json_object_get(json_array_get(items, n - 1), "id")));
    page_reply(req, rep, items, next, (long long)total);
}

void api_group_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct db *db;
    struct group_body b;
    int64_t id = 0;
    int rc = parse_body(req, true, &b, &err);
    if (!rc)
        rc = http_request_db(req, &db, &err);
    if (!rc)
        rc = sharing_group_create(db, &req->who, b.name, b.description, b.members, b.nmembers, &id,
                                  &err);
    json_decref(b.json);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return;
    }
    reply_group(req, rep, db, id, 201);
}

void api_group_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct db *db;
    int64_t id;
    int rc = path_id(req, &id, &err);
    if (!rc)
        rc = http_request_db(req, &db, &err);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return;
    }
    reply_group(req, rep, db, id, 200);
}

void api_group_update(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct db *db;
    struct group_body b = { 0 };
    int64_t id;
    int rc = path_id(req, &id, &err);
    if (!rc)
        rc = parse_body(req, false, &b, &err);
    if (!rc)
        rc = http_request_db(req, &db, &err);
    if (!rc)
        rc = sharing_group_update(db, &req->who, id, b.name, b.description, b.members, b.nmembers,
                                  b.has_members, &err);
    json_decref(b.json);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return;
    }
    reply_group(req, rep, db, id, 200);
}

void api_group_delete(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct db *db;
    int64_t id;
    int rc = path_id(req, &id, &err);
    if (!rc)
        rc = http_request_db(req, &db, &err);
    if (!rc)
        rc = sharing_group_delete(db, &req->who, id, &err);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return;
    }
    http_reply_empty(rep, 204);
}
