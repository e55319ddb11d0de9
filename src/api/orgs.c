/* Placeholder until its owner lands the real handlers: answers 501. */
#include "api/api.h"

void api_org_list(struct http_request *req, struct http_reply *rep)
{
    http_reply_problem(req, rep, 501, "INTERNAL", "not implemented yet", NULL);
}

void api_org_get(struct http_request *req, struct http_reply *rep)
{
    http_reply_problem(req, rep, 501, "INTERNAL", "not implemented yet", NULL);
}

void api_org_create(struct http_request *req, struct http_reply *rep)
{
    http_reply_problem(req, rep, 501, "INTERNAL", "not implemented yet", NULL);
}
