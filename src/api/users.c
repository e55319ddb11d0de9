/* User administration (user.admin): list, create, read and change users. */
#include "api/api.h"

#include "account/account.h"
#include "base/jsonfield.h"
#include "http/page.h"

#include <string.h>

void api_user_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct page page;
    struct db *db;
    json_t *items = json_array();
    bool more = false;
    int64_t total = 0;
    int rc = page_from_request(req, &page, &err);
    if (!rc)
        rc = http_request_db(req, &db, &err);
    if (!rc)
        rc = account_user_list(db, page.after, page.limit, items, &more, &total, &err);
    if (rc) {
        json_decref(items);
        http_reply_error(req, rep, rc, &err);
        return;
    }
    const char *next = NULL;
    size_t n = json_array_size(items);
    if (more && n > 0)
        next = arena_strdup(req->arena, json_string_value(json_object_get(
                                            json_array_get(items, n - 1), "username")));
    page_reply(req, rep, items, next, (long long)total);
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

void api_user_create(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = {
        "username", "password", "org", "role", "display_name", NULL
    };
    struct bh_error err;
    struct db *db;
    json_t *body = NULL;
    const char *username = NULL, *password = NULL, *org = NULL, *display_name = NULL;
    enum role role = ROLE_NONE;
    bool has_role;
    struct account_user u;
    int rc = jsonfield_parse_object(req->body, req->body_len, &body, &err);
    if (!rc)
        rc = jsonfield_check_known(body, known, &err);
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
        rc = http_request_db(req, &db, &err);
    if (!rc)
        rc = account_user_add(db, &req->who, username, display_name, org, role, password, &u, &err);
    json_decref(body);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return;
    }
    http_reply_header(req, rep, "Location",
                      arena_printf(req->arena, "/api/v1/users/%s", u.username));
    http_reply_json(req, rep, 201, account_user_json(&u));
}

void api_user_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct db *db;
    struct account_user u;
    int rc = http_request_db(req, &db, &err);
    if (!rc)
        rc = account_user_get(db, req->params[0], &u, &err);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return;
    }
    http_reply_json(req, rep, 200, account_user_json(&u));
}

void api_user_update(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "role", "disabled", "password", "display_name", NULL };
    struct bh_error err;
    struct db *db;
    json_t *body = NULL;
    struct account_user_change ch;
    struct account_user u;
    memset(&ch, 0, sizeof ch);
    int rc = jsonfield_parse_object(req->body, req->body_len, &body, &err);
    if (!rc)
        rc = jsonfield_check_known(body, known, &err);
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
        rc = http_request_db(req, &db, &err);
    if (!rc)
        rc = account_user_update(db, &req->who, req->params[0], &ch, &u, &err);
    json_decref(body);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return;
    }
    http_reply_json(req, rep, 200, account_user_json(&u));
}
