#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "audit/audit.h"

/* GET /api/v1/audit: the log for auditors and administrators (PERM_AUDIT_READ, checked by the
 * dispatcher). Filters are query parameters; the cursor is the last sequence number seen. */
static void api_audit_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    int rc = api_list_begin(req, &l, &err);
    struct audit_filter f = {
        .reader = &req->who,
        .kinds = api_record_kinds,
        .from = http_request_query(req, "from"),
        .to = http_request_query(req, "to"),
        .username = http_request_query(req, "user"),
        .org_code = http_request_query(req, "org"),
        .action = http_request_query(req, "action"),
        .record_type = http_request_query(req, "record_type"),
        .record_id = http_request_query(req, "record_id"),
        .limit = l.page.limit,
    };
    if (!rc && l.page.after[0] && !api_parse_int(l.page.after, 0, &f.after_seq))
        rc = bh_fail(&err, BH_EINVALID, "cursor", "cursor is not an audit log position");
    if (!rc)
        rc = audit_list(req->db, &f, l.items, &l.more, &l.total, &err);
    api_list_reply(req, rep, rc, &err, &l, "seq");
}

/* GET /api/v1/audit/verify: what `bluehelm audit verify` prints, as JSON: {ok, entries (rows
 * checked), first_bad_seq (null when intact), reason (null when intact), last_hash (null when
 * broken)}. It recomputes the hash of every row, so it is marked expensive; it answers for the
 * whole chain, whoever asks, because a chain checked in part proves nothing. An auditor who
 * sees only their organization's entries thus learns how many entries the log holds and where
 * it breaks, never what another organization's entries say. */
static void api_audit_verify(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct audit_verify_result res;
    int rc = audit_verify(req->db, &res, &err);
    if (api_failed(req, rep, rc, &err))
        return;
    json_t *reply =
        json_pack("{s:b, s:I, s:o, s:o, s:o}", "ok", res.ok, "entries", (json_int_t)res.rows,
                  "first_bad_seq", res.ok ? json_null() : json_integer(res.bad_seq), "reason",
                  res.ok ? json_null() : json_string(res.reason), "last_hash",
                  res.ok ? json_string(res.last_hash) : json_null());
    http_reply_json(req, rep, 200, reply);
}

/* This capability's endpoints, one row each (collected, one line per capability, in
 * api/routes.c). docs/openapi.json must describe every row (api/openapi checks). */
const struct route api_audit_routes[] = {
    { "GET", "/api/v1/audit", api_audit_list, 0, PERM_AUDIT_READ, 0, "The audit log, filtered" },
    { "GET", "/api/v1/audit/verify", api_audit_verify, ROUTE_EXPENSIVE, PERM_AUDIT_READ, 0,
      "Check the audit log's hash chain, as `bluehelm audit verify` does" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
