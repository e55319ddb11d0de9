/* Placeholder until its owner lands the real handlers: answers 501. */
#include "api/api.h"

void api_audit_list(struct http_request *req, struct http_reply *rep)
{
    http_reply_problem(req, rep, 501, "INTERNAL", "not implemented yet", NULL);
}
