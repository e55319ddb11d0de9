/* Placeholder bodies until the taxonomy lands; replaced by the real handlers. */
#include "api/api.h"

#include "api/common.h"

void api_taxonomy(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

