/* Placeholder bodies until the casevac module lands; replaced by the real handlers. */
#include "api/api.h"

#include "api/common.h"

void api_casevac_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_casevac_put(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_stats_casevac(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

