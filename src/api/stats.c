/* Statistics over HTTP. The casualty figures are public: an anonymous caller gets the
 * published ones (released, TLP:CLEAR), which is what casualty_predicate() lets the anonymous
 * principal count; a signed-in member counts whatever they may read. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "base/buf.h"
#include "casualty/stats.h"

#include <string.h>

static const char *query(void *ctx, const char *name)
{
    return http_request_query(ctx, name);
}

/* A yes/no parameter: 1, true, yes / 0, false, no; absent is no. */
static int flag(struct http_request *req, const char *name, bool *out, struct bh_error *err)
{
    const char *v = http_request_query(req, name);
    *out = false;
    if (!v || strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "no") == 0)
        return 0;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || !*v) {
        *out = true;
        return 0;
    }
    return bh_fail(err, BH_EINVALID, name, "%s '%.40s' must be 1 or 0", name, v);
}

/* GET /api/v1/stats/casualties?by=year,incident_type&from=...&to=... */
static void api_stats_casualties(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct casualty_stats_query q;
    casualty_stats_init(&q);
    const char *top = http_request_query(req, "top");
    const char *format = http_request_query(req, "format");
    bool csv = format && strcmp(format, "csv") == 0;
    int rc = 0;
    if (format && !csv && strcmp(format, "json") != 0)
        rc = bh_fail(&err, BH_EINVALID, "format", "format '%.40s' is not one of json, csv", format);
    if (!rc)
        rc = casualty_stats_parse_by(&q, http_request_query(req, "by"), &err);
    if (!rc)
        rc = casualty_filter_read(&q.filter, query, req, &err);
    if (!rc && top && !api_parse_int(top, 1, &q.top))
        rc = bh_fail(&err, BH_EINVALID, "top", "top '%.40s' must be a whole number from 1", top);
    if (!rc)
        rc = flag(req, "rate", &q.rate, &err);
    if (!rc)
        rc = flag(req, "distinct", &q.distinct, &err);
    json_t *res = NULL;
    if (!rc)
        rc = casualty_stats(req->db, &req->who, &q, &res, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    if (!csv) {
        http_reply_json(req, rep, 200, res);
        return;
    }
    struct buf out = BUF_INIT;
    casualty_stats_csv(res, &out);
    json_decref(res);
    http_reply_buf(rep, 200, "text/csv; charset=utf-8", &out);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_stats_routes[] = {
    { "GET", "/api/v1/stats/casualties", api_stats_casualties, ROUTE_PUBLIC, PERM_NONE, 0,
      "Casualty counts grouped by year, mission, nationality, type ...; public figures for "
      "anonymous callers" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
