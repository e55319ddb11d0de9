/* Placeholder bodies until the spatial module lands; replaced by the real handlers. */
#include "api/api.h"

#include "api/common.h"

void api_incident_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_incident_geojson(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_incident_csv(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_event_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_event_geojson(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

void api_event_csv(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    api_failed(req, rep, bh_fail(&err, BH_EINTERNAL, NULL, "not built yet"), &err);
}

