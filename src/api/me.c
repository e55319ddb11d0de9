/* PATCH /api/v1/me: what signed-in users set for themselves. Today their language
 * (docs/i18n.md): the app's words and the API's problem texts come in it when a request's
 * Accept-Language names none of the six; the app itself sends the one chosen in its header
 * switch. GET /api/v1/session shows the setting as user.language. */
#include "api/api.h"
#include "http/routes.h"

#include "account/account.h"
#include "api/common.h"
#include "base/jsonfield.h"

#include <jansson.h>

static void api_me_update(struct http_request *req, struct http_reply *rep)
{
    static const char *const known[] = { "language", NULL };
    struct bh_error err;
    json_t *body = NULL;
    const char *language = NULL;
    int rc = api_json_body(req, known, &body, &err);
    /* The field must be there: null says "follow the browser", absent says nothing. */
    if (!rc && !json_object_get(body, "language"))
        rc = bh_fail(&err, BH_EINVALID, "language",
                     "language is required: one of en, fr, ar, zh, ru, es, or null");
    if (!rc)
        rc = jsonfield_string(body, "language", false, 8, &language, &err);
    if (!rc)
        rc = account_language_set(req->db, &req->who, language, &err);
    json_t *reply = rc ? NULL : json_pack("{s:s?}", "language", language);
    json_decref(body);
    if (api_failed(req, rep, rc, &err))
        return;
    http_reply_json(req, rep, 200, reply);
}

/* This capability's endpoints (collected in api/routes.c through api.h's registry).
 * docs/openapi.json describes the row (api/openapi checks). */
const struct route api_me_routes[] = {
    { "PATCH", "/api/v1/me", api_me_update, ROUTE_JSON, PERM_NONE, 0,
      "Change the signed-in user's own settings (language)" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
