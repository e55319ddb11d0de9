/* Capacity building over HTTP (docs/capacity.md): needs and offers, the candidates of a need,
 * the proposed assignment, confirmed matches, duplicated support, training records and the gap
 * reports. Every read is the module's, through the sharing predicates: a need, offer, course or
 * match someone may not see is a 404 for them, and the aggregates count only what they see.
 * The handlers read the request, call one function of capacity/ and write the reply. */
#include "api/api.h"
#include "http/routes.h"

#include "api/common.h"
#include "base/buf.h"
#include "base/timeutil.h"
#include "capacity/capacity.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CAPACITY_LIMIT_MAX 500

static const char *const need_statuses[] = { "open", "closed", "withdrawn", "any", NULL };
static const char *const match_statuses[] = { "confirmed", "cancelled", "any", NULL };
static const char *const gap_groupings[] = { "mission", "org", NULL };

static bool listed(const char *const *codes, const char *s)
{
    for (size_t i = 0; codes[i]; i++)
        if (strcmp(codes[i], s) == 0)
            return true;
    return false;
}

/* An optional query parameter that must be one of `codes` (`words` lists them for the
 * message): NULL when absent. */
static int query_code(struct http_request *req, const char *name, const char *const *codes,
                      const char *words, const char **out, struct bh_error *err)
{
    const char *s = http_request_query(req, name);
    *out = NULL;
    if (!s)
        return 0;
    if (!listed(codes, s))
        return bh_fail(err, BH_EINVALID, name, "%s '%.20s' is not %s", name, s, words);
    *out = s;
    return 0;
}

/* ?unmet=1 (or true) keeps the needs with something remaining; 0, false or nothing does not
 * filter. */
static int query_flag(struct http_request *req, const char *name, bool *out, struct bh_error *err)
{
    const char *s = http_request_query(req, name);
    *out = false;
    if (!s || strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
        return 0;
    if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0) {
        *out = true;
        return 0;
    }
    return bh_fail(err, BH_EINVALID, name, "%s '%.20s' is not 1 or 0", name, s);
}

/* ?limit from 1 to 500; 0 (the module's default of 50) when absent. */
static int query_limit(struct http_request *req, int *out, struct bh_error *err)
{
    const char *s = http_request_query(req, "limit");
    int64_t v;
    *out = 0;
    if (!s)
        return 0;
    if (!api_parse_int(s, 1, &v) || v > CAPACITY_LIMIT_MAX)
        return bh_fail(err, BH_EINVALID, "limit", "limit '%.20s' is not a number from 1 to %d", s,
                       CAPACITY_LIMIT_MAX);
    *out = (int)v;
    return 0;
}

/* The filters every list shares; `statuses` NULL when the list takes no ?status. The module
 * judges the codes of category, capability, mission, org and priority against its own lists
 * and the store. */
static int filter_read(struct http_request *req, const char *const *statuses,
                       const char *status_words, struct capacity_filter *f, struct bh_error *err)
{
    memset(f, 0, sizeof *f);
    f->category = http_request_query(req, "category");
    f->capability = http_request_query(req, "capability");
    f->mission = http_request_query(req, "mission");
    f->org = http_request_query(req, "org");
    f->priority = http_request_query(req, "priority");
    f->after = http_request_query(req, "after");
    int rc = statuses ? query_code(req, "status", statuses, status_words, &f->status, err) : 0;
    if (!rc)
        rc = query_flag(req, "unmet", &f->unmet, err);
    if (!rc)
        rc = query_limit(req, &f->limit, err);
    return rc;
}

/* Every list says when it was read, so a page of it can say "as of"; a module list that does
 * not is given the time it was answered. */
static void reply_list(struct http_request *req, struct http_reply *rep, int rc,
                       const struct bh_error *err, json_t *o)
{
    if (!rc && !json_object_get(o, "as_of")) {
        char when[40];
        time_format_rfc3339(time_now_ms(), 0, false, when);
        json_object_set_new(o, "as_of", json_string(when));
    }
    api_reply_record(req, rep, rc, err, o, 200, NULL);
}

/* The shapes most handlers take: read one record by the path's id, create one from the
 * body (201 with its Location under `collection`), change one (with an optional If-Match:
 * the version the client read; a stale one is 412), or act on one with a body. */
typedef int (*read_fn)(struct db *, const struct principal *, const char *, json_t **,
                       struct bh_error *);
typedef int (*create_fn)(struct db *, const struct principal *, const json_t *, json_t **,
                         struct bh_error *);
typedef int (*update_fn)(struct db *, const struct principal *, const char *, const json_t *,
                         int64_t, json_t **, struct bh_error *);
typedef int (*act_fn)(struct db *, const struct principal *, const char *, const json_t *,
                      json_t **, struct bh_error *);

static void reply_read(struct http_request *req, struct http_reply *rep, read_fn read)
{
    struct bh_error err;
    json_t *o = NULL;
    int rc = read(req->db, &req->who, api_path_param(req, 0), &o, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

static void reply_create(struct http_request *req, struct http_reply *rep, create_fn create,
                         const char *collection)
{
    struct bh_error err;
    json_t *body = NULL, *o = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = create(req->db, &req->who, body, &o, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, o, 201, collection);
}

static void reply_update(struct http_request *req, struct http_reply *rep, update_fn update)
{
    struct bh_error err;
    json_t *body = NULL, *o = NULL;
    int64_t version = 0;
    int rc = api_if_match(req, &version, &err);
    if (!rc)
        rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = update(req->db, &req->who, api_path_param(req, 0), body, version, &o, &err);
    json_decref(body);
    rc = api_if_match_result(rc, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

static void reply_act(struct http_request *req, struct http_reply *rep, act_fn act, int status)
{
    struct bh_error err;
    json_t *body = NULL, *o = NULL;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = act(req->db, &req->who, api_path_param(req, 0), body, &o, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, o, status, NULL);
}

/* ---- needs ---- */

static void api_need_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct capacity_filter f;
    json_t *o = NULL;
    int rc = filter_read(req, need_statuses, "open, closed, withdrawn or any", &f, &err);
    if (!rc)
        rc = capacity_need_list(req->db, &req->who, &f, &o, &err);
    reply_list(req, rep, rc, &err, o);
}

static void api_need_create(struct http_request *req, struct http_reply *rep)
{
    reply_create(req, rep, capacity_need_create, "/api/v1/capacity/needs");
}

static void api_need_get(struct http_request *req, struct http_reply *rep)
{
    reply_read(req, rep, capacity_need_get);
}

static void api_need_update(struct http_request *req, struct http_reply *rep)
{
    reply_update(req, rep, capacity_need_update);
}

static void api_need_candidates(struct http_request *req, struct http_reply *rep)
{
    reply_read(req, rep, capacity_candidates);
}

/* ---- offers ---- */

static void api_offer_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct capacity_filter f;
    json_t *o = NULL;
    int rc = filter_read(req, need_statuses, "open, closed, withdrawn or any", &f, &err);
    if (!rc)
        rc = capacity_offer_list(req->db, &req->who, &f, &o, &err);
    reply_list(req, rep, rc, &err, o);
}

static void api_offer_create(struct http_request *req, struct http_reply *rep)
{
    reply_create(req, rep, capacity_offer_create, "/api/v1/capacity/offers");
}

static void api_offer_get(struct http_request *req, struct http_reply *rep)
{
    reply_read(req, rep, capacity_offer_get);
}

static void api_offer_update(struct http_request *req, struct http_reply *rep)
{
    reply_update(req, rep, capacity_offer_update);
}

/* ---- the proposal, matches and duplicates ---- */

static void api_proposal(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct capacity_filter f;
    json_t *o = NULL;
    int rc = filter_read(req, NULL, NULL, &f, &err);
    if (!rc)
        rc = capacity_propose(req->db, &req->who, &f, &o, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

static void api_match_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct capacity_filter f;
    json_t *o = NULL;
    int rc = filter_read(req, match_statuses, "confirmed, cancelled or any", &f, &err);
    if (!rc)
        rc = capacity_match_list(req->db, &req->who, http_request_query(req, "need"),
                                 http_request_query(req, "offer"), &f, &o, &err);
    reply_list(req, rep, rc, &err, o);
}

/* A confirmation retried (the same pair again) is the match already made: 200 with it, and
 * no second match; a new one is 201 with its Location. */
static void api_match_confirm(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *body = NULL, *o = NULL;
    bool created = false;
    int rc = api_json_body(req, NULL, &body, &err);
    if (!rc)
        rc = capacity_match_confirm(req->db, &req->who, body, &o, &created, &err);
    json_decref(body);
    api_reply_record(req, rep, rc, &err, o, created ? 201 : 200,
                     created ? "/api/v1/capacity/matches" : NULL);
}

static void api_match_get(struct http_request *req, struct http_reply *rep)
{
    reply_read(req, rep, capacity_match_get);
}

static void api_match_cancel(struct http_request *req, struct http_reply *rep)
{
    reply_act(req, rep, capacity_match_cancel, 200);
}

static void api_duplicates(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *o = NULL;
    int rc = capacity_duplicates(req->db, &req->who, &o, &err);
    api_reply_record(req, rep, rc, &err, o, 200, NULL);
}

/* ---- training ---- */

static void api_course_list(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    struct capacity_filter f;
    json_t *o = NULL;
    int rc = filter_read(req, NULL, NULL, &f, &err);
    if (!rc)
        rc = capacity_course_list(req->db, &req->who, &f, &o, &err);
    reply_list(req, rep, rc, &err, o);
}

static void api_course_create(struct http_request *req, struct http_reply *rep)
{
    reply_create(req, rep, capacity_course_create, "/api/v1/capacity/training");
}

static void api_course_get(struct http_request *req, struct http_reply *rep)
{
    reply_read(req, rep, capacity_course_get);
}

static void api_course_update(struct http_request *req, struct http_reply *rep)
{
    reply_update(req, rep, capacity_course_update);
}

/* A delivery has no page of its own: the reply is its course, which lists it. */
static void api_delivery_add(struct http_request *req, struct http_reply *rep)
{
    reply_act(req, rep, capacity_delivery_add, 201);
}

static void api_delivery_update(struct http_request *req, struct http_reply *rep)
{
    reply_act(req, rep, capacity_delivery_update, 200);
}

/* ---- the gap reports ---- */

/* Whether the reply is the CSV file: ?format=csv, or no ?format and an Accept that names
 * text/csv (a spreadsheet's download link). */
static int gaps_wants_csv(struct http_request *req, bool *csv, struct bh_error *err)
{
    const char *format = http_request_query(req, "format");
    *csv = false;
    if (format) {
        if (strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
            return bh_fail(err, BH_EINVALID, "format", "format '%.20s' is not json or csv", format);
        *csv = strcmp(format, "csv") == 0;
        return 0;
    }
    const char *accept = http_request_header(req, "Accept");
    for (const char *a = accept; a && *a && !*csv; a++)
        *csv = strncasecmp(a, "text/csv", 8) == 0;
    return 0;
}

/* The file's name says what it holds and the day it was read:
 * bluehelm-gaps-mission-2031-04-02.csv. */
static const char *gaps_disposition(struct http_request *req, const char *by)
{
    int y, m, d;
    int64_t ms = time_now_ms();
    time_civil_from_days(ms / 86400000, &y, &m, &d);
    return arena_printf(req->arena, "attachment; filename=\"bluehelm-gaps-%s-%04d-%02d-%02d.csv\"",
                        by, y, m, d);
}

static void api_gaps(struct http_request *req, struct http_reply *rep)
{
    struct bh_error err;
    json_t *o = NULL;
    const char *by = NULL;
    bool csv = false;
    int rc = query_code(req, "by", gap_groupings, "mission or org", &by, &err);
    if (!by)
        by = "mission";
    if (!rc)
        rc = gaps_wants_csv(req, &csv, &err);
    if (!rc)
        rc = capacity_gaps(req->db, &req->who, by, time_now_ms(), &o, &err);
    /* The same URL answers JSON or CSV by Accept: a cache must keep them apart. */
    if (!http_request_query(req, "format"))
        http_reply_header(req, rep, "Vary", "Accept");
    if (rc || !csv) {
        api_reply_record(req, rep, rc, &err, o, 200, NULL);
        return;
    }
    struct buf b = BUF_INIT;
    capacity_gaps_csv(o, &b);
    json_decref(o);
    http_reply_buf(rep, 200, "text/csv; charset=utf-8", &b);
    http_reply_header(req, rep, "Content-Disposition", gaps_disposition(req, by));
}

/* docs/openapi.json describes every row (api/openapi checks). The proposal, the duplicates and
 * the gap report read every open record the reader sees: ROUTE_EXPENSIVE (rate-limited for
 * anonymous readers, never on every worker at once). */
const struct route api_capacity_routes[] = {
    { "GET", "/api/v1/capacity/needs", api_need_list, ROUTE_PUBLIC, PERM_NONE, 0,
      "The needs the reader may see, newest first (?status, category, capability, mission, org, "
      "priority, unmet, after, limit)" },
    { "POST", "/api/v1/capacity/needs", api_need_create, ROUTE_JSON | ROUTE_IDEMPOTENT,
      &perm_capacity_request, 0, "Post a need of your organization" },
    { "GET", "/api/v1/capacity/needs/{id}", api_need_get, ROUTE_PUBLIC, PERM_NONE, 0,
      "One need with what covers it" },
    { "PATCH", "/api/v1/capacity/needs/{id}", api_need_update, ROUTE_JSON, &perm_capacity_request,
      0, "Change, close, withdraw or reopen a need of your organization (If-Match: its version)" },
    { "GET", "/api/v1/capacity/needs/{id}/candidates", api_need_candidates, ROUTE_PUBLIC, PERM_NONE,
      0, "The offers that could meet a need, best first, with their scores" },
    { "GET", "/api/v1/capacity/offers", api_offer_list, ROUTE_PUBLIC, PERM_NONE, 0,
      "The offers the reader may see, newest first (?status, category, capability, org, after, "
      "limit)" },
    { "POST", "/api/v1/capacity/offers", api_offer_create, ROUTE_JSON | ROUTE_IDEMPOTENT,
      &perm_capacity_offer, 0, "Post an offer of support of your organization" },
    { "GET", "/api/v1/capacity/offers/{id}", api_offer_get, ROUTE_PUBLIC, PERM_NONE, 0,
      "One offer with what is committed of it" },
    { "PATCH", "/api/v1/capacity/offers/{id}", api_offer_update, ROUTE_JSON, &perm_capacity_offer,
      0,
      "Change, close, withdraw or reopen an offer of your organization (If-Match: its version)" },
    { "GET", "/api/v1/capacity/proposal", api_proposal, ROUTE_EXPENSIVE, PERM_RECORD_READ, 0,
      "The proposed assignment of offers to needs (?category, capability, mission, org); "
      "nothing is stored" },
    { "GET", "/api/v1/capacity/matches", api_match_list, ROUTE_PUBLIC, PERM_NONE, 0,
      "The matches the reader may see, newest first (?need, offer, org, status, after, limit)" },
    { "POST", "/api/v1/capacity/matches", api_match_confirm, ROUTE_JSON | ROUTE_IDEMPOTENT,
      &perm_capacity_coordinate, 0,
      "Confirm a match of an offer to a need (201; 200 with the match when that pair is already "
      "confirmed)" },
    { "GET", "/api/v1/capacity/matches/{id}", api_match_get, ROUTE_PUBLIC, PERM_NONE, 0,
      "One match" },
    { "POST", "/api/v1/capacity/matches/{id}/cancel", api_match_cancel, ROUTE_JSON,
      &perm_capacity_coordinate, 0, "Cancel a confirmed match, with a reason" },
    { "GET", "/api/v1/capacity/duplicates", api_duplicates, ROUTE_EXPENSIVE, PERM_RECORD_READ, 0,
      "Needs supported by several providers, and overlapping offers made to one contributor" },
    { "GET", "/api/v1/capacity/training", api_course_list, ROUTE_PUBLIC, PERM_NONE, 0,
      "The courses the reader may see with their deliveries (?capability, org, mission, after, "
      "limit)" },
    { "POST", "/api/v1/capacity/training", api_course_create, ROUTE_JSON | ROUTE_IDEMPOTENT,
      &perm_capacity_train, 0, "Record a course of your organization" },
    { "GET", "/api/v1/capacity/training/{id}", api_course_get, ROUTE_PUBLIC, PERM_NONE, 0,
      "One course with its deliveries" },
    { "PATCH", "/api/v1/capacity/training/{id}", api_course_update, ROUTE_JSON,
      &perm_capacity_train, 0, "Change a course of your organization (If-Match: its version)" },
    { "POST", "/api/v1/capacity/training/{id}/deliveries", api_delivery_add,
      ROUTE_JSON | ROUTE_IDEMPOTENT, &perm_capacity_train, 0,
      "Add a delivery to a course of your organization; the reply is the course" },
    { "PATCH", "/api/v1/capacity/deliveries/{id}", api_delivery_update, ROUTE_JSON,
      &perm_capacity_train, 0,
      "Change a delivery (status, participants, needs served); the reply is its course" },
    { "GET", "/api/v1/capacity/gaps", api_gaps, ROUTE_PUBLIC | ROUTE_EXPENSIVE, PERM_NONE, 0,
      "What is missing per mission or per contributing organization (?by, format=json|csv)" },
    { NULL, NULL, NULL, 0, PERM_NONE, 0, NULL },
};
