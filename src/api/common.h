#ifndef BH_API_COMMON_H
#define BH_API_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "audit/audit.h"
#include "http/page.h"
#include "http/request.h"

/* What the handlers would otherwise each repeat. A handler runs its steps as a chain of
 * `if (!rc) rc = step(..., &err);` and answers once at the end rather than returning early
 * at each step: the strings read from the body are borrowed from it by the module call, so
 * one exit that releases the body is simpler than an early return that must remember to. */

/* Reads the request body as one JSON object (no duplicate keys, valid UTF-8, nothing after
 * it) whose keys are all in `known` (NULL-terminated; NULL when the module checks them).
 * *out is a new reference the caller releases, or NULL on failure. */
int api_json_body(struct http_request *req, const char *const *known, json_t **out,
                  struct bh_error *err);

/* When `rc` is a failure, replies the problem for it and returns true. */
bool api_failed(struct http_request *req, struct http_reply *rep, int rc,
                const struct bh_error *err);

/* Path parameter `i` of the matched route, "" when the route has fewer. */
const char *api_path_param(struct http_request *req, size_t i);

/* The If-Match header of a PATCH: the revision the client read ("3", or 3) in *rev, 0 when
 * the header is absent (the change then applies to whatever is stored). Anything else is
 * BH_EINVALID naming "If-Match". */
int api_if_match(struct http_request *req, int64_t *rev, struct bh_error *err);

/* `rc` as a PATCH with If-Match answers it: a stale revision (the module's BH_ECONFLICT naming
 * "If-Match") is the precondition failing (RFC 9110 §13.1.1), BH_EPRECONDITION, not a
 * conflict; `err` is changed to match. Any other `rc` is returned as it is. */
int api_if_match_result(int rc, struct bh_error *err);

/* Answers a call that reads, creates or changes one record: the problem for `rc` (releasing
 * `o`), or `status` with `o` (stolen). With `location` (a path such as "/api/v1/meetings"),
 * a Location header "<location>/<id>" names the record by its member "id". */
void api_reply_record(struct http_request *req, struct http_reply *rep, int rc,
                      const struct bh_error *err, json_t *o, int status, const char *location);

/* Whether `s` is a whole decimal number from `min` up that fits 64 bits; *out gets it. */
bool api_parse_int(const char *s, int64_t min, int64_t *out);

/* One page of a list being answered: the page asked for and what the module gave. */
struct api_list {
    struct page page;
    json_t *items; /* a new array, filled by the module */
    bool more;     /* more items follow this page */
    int64_t total; /* items in every page together */
};

/* Reads the page (?limit, ?cursor) and makes the empty array. `l->items` is made even on
 * failure; api_list_reply() releases it. */
int api_list_begin(struct http_request *req, struct api_list *l, struct bh_error *err);

/* Answers a list: the problem for `rc`, or 200 with the page whose next cursor (when more
 * follow) is member `key` of the last item, a string or an integer. Releases l->items. */
void api_list_reply(struct http_request *req, struct http_reply *rep, int rc,
                    const struct bh_error *err, struct api_list *l, const char *key);

/* The kinds of shareable record with their tables and visibility predicates
 * (api/record_kinds.c), NULL-terminated: one line per shareable capability. */
extern const struct audit_record_kind api_record_kinds[];

#endif
