#include "api/api.h"

#include "audit/audit.h"
#include "http/page.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* GET /api/v1/audit: the log for auditors and administrators (PERM_AUDIT_READ, checked by the
 * dispatcher). Filters are query parameters; the cursor is the last sequence number seen. */
void api_audit_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct page page;
    int rc = page_from_request(req, &page, &err);
    if (rc) {
        http_reply_error(req, rep, rc, &err);
        return;
    }
    struct audit_filter f = {
        .from = http_request_query(req, "from"),
        .to = http_request_query(req, "to"),
        .username = http_request_query(req, "user"),
        .org_code = http_request_query(req, "org"),
        .action = http_request_query(req, "action"),
        .record_type = http_request_query(req, "record_type"),
        .record_id = http_request_query(req, "record_id"),
        .limit = page.limit,
    };
    if (page.after[0]) {
        char *end;
        errno = 0;
        long long seq = strtoll(page.after, &end, 10);
        if (errno || *end || seq < 0) {
            rc = bh_fail(&err, BH_EINVALID, "cursor", "cursor is not an audit log position");
            http_reply_error(req, rep, rc, &err);
            return;
        }
        f.after_seq = seq;
    }

    struct db *db;
    json_t *items = json_array();
    bool more = false;
    int64_t total = 0;
    if ((rc = http_request_db(req, &db, &err)) ||
        (rc = audit_list(db, &f, items, &more, &total, &err))) {
        json_decref(items);
        http_reply_error(req, rep, rc, &err);
        return;
    }
    char next[24];
    if (more) {
        json_t *last = json_array_get(items, json_array_size(items) - 1);
        snprintf(next, sizeof next, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(last, "seq")));
    }
    page_reply(req, rep, items, more ? next : NULL, (long long)total);
}
