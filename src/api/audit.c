#include "api/api.h"

#include "api/common.h"
#include "audit/audit.h"

/* GET /api/v1/audit: the log for auditors and administrators (PERM_AUDIT_READ, checked by the
 * dispatcher). Filters are query parameters; the cursor is the last sequence number seen. */
void api_audit_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct api_list l;
    struct db *db;
    int rc = api_list_begin(req, &l, &err);
    struct audit_filter f = {
        .reader = &req->who,
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
        rc = http_request_db(req, &db, &err);
    if (!rc)
        rc = audit_list(db, &f, l.items, &l.more, &l.total, &err);
    api_list_reply(req, rep, rc, &err, &l, "seq");
}
