/* Placeholder bodies until the incident module lands; replaced by the real handlers. */
#include "api/api.h"

#include "api/common.h"

void api_incident_create(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_incident_get(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_incident_update(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_incident_submit(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_incident_endorse(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_incident_return(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_incident_merge(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_incident_revisions(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_incident_duplicates(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_user_missions_set(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

