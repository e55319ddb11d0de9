/* Candidates for a need, and the proposed assignment across everything a reader sees
 * (capacity.h). Nothing here writes: a coordinator confirms the pairs they accept (match.c).
 *
 * The proposal loads the open needs and offers with their remaining amounts in two
 * set-based queries (the sums of confirmed matches are correlated subqueries on the match
 * indexes), the AMBER audiences they need in a third, buckets both sides by (category,
 * capability, unit) so that pairs are only tried where they can match, and hands the
 * candidate pairs to the solver (flow.c). */
#include "capacity/capacity.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/timeutil.h"
#include "capacity/internal.h"

/* A need or an offer as the proposal reads it. Offers leave mission and priority NULL;
 * needs leave for_org_id 0. */
struct side_row {
    int64_t n;
    char *id, *title;
    int64_t org_id, for_org_id, group_id;
    bool amber;
    char *org_code, *org_name, *org_kind;
    char *mission, *priority;
    char *category, *capability, *unit, *starts_on, *ends_on, *languages;
    int64_t amount; /* quantity or capacity */
    int64_t remaining;
    json_t *json; /* the summary in the proposal, built once */
    /* Parsed once for the pairs: the period as day numbers, the languages as a set of
     * indexes of capacity_languages[]. `odd` marks a row whose dates or languages did not
     * parse that way; its pairs take the slow path, capacity_pair_score itself. */
    int64_t day_from, day_to;
    uint64_t languages_set;
    bool odd;
};

struct side_rows {
    struct side_row *v;
    size_t n, cap;
};

static void side_row_free(struct side_row *r)
{
    char *texts[] = { r->id,        r->title,    r->org_code, r->org_name,   r->org_kind,
                      r->mission,   r->priority, r->category, r->capability, r->unit,
                      r->starts_on, r->ends_on,  r->languages };
    for (size_t t = 0; t < sizeof texts / sizeof *texts; t++)
        free(texts[t]);
    json_decref(r->json);
}

static void side_rows_free(struct side_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++)
        side_row_free(&rows->v[i]);
    free(rows->v);
    *rows = (struct side_rows){ 0 };
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* What narrows a load besides the reader's predicate and status 'open'. */
struct load_filter {
    const char *id;
    const char *category, *capability, *unit;
    const char *mission; /* needs only */
    const char *org;     /* needs only: the requesting organization's code */
};

static void filter_sql(const struct load_filter *lf, bool needs, struct buf *sql,
                       struct db_params *params)
{
    const struct {
        const char *value, *column;
        bool needs_only;
    } terms[] = {
        { lf->id, "x.id", false },
        { lf->category, "x.category", false },
        { lf->capability, "x.capability", false },
        { lf->unit, "x.unit", false },
        { lf->mission, "x.mission", true },
        { lf->org, "o.code", true },
    };
    for (size_t t = 0; t < sizeof terms / sizeof *terms; t++) {
        if (!terms[t].value || (terms[t].needs_only && !needs))
            continue;
        buf_printf(sql, " AND %s = ?", terms[t].column);
        db_params_text(params, terms[t].value);
    }
}

/* The open needs (or offers) `who` sees under `lf`, with what they have left, in row order.
 * Rows with nothing left are kept: the caller decides. */
static int load_sides(struct db *db, const struct principal *who, bool needs,
                      const struct load_filter *lf, struct side_rows *out, struct bh_error *err)
{
    struct buf sql;
    buf_init(&sql);
    struct db_params params = DB_PARAMS_INIT;
    if (needs)
        buf_puts(&sql, "SELECT x.n, x.id, x.title, x.owner_org_id, 0, "
                       "COALESCE(x.sharing_group_id, 0), x.tlp, o.code, o.name, o.kind, "
                       "x.mission, x.priority, x.category, x.capability, x.unit, x.starts_on, "
                       "x.ends_on, x.languages, x.quantity, x.quantity - COALESCE((SELECT "
                       "SUM(m.quantity) FROM capacity_match m WHERE m.need_n = x.n AND "
                       "m.status = 'confirmed'), 0) FROM capacity_need x JOIN org o ON o.id = "
                       "x.owner_org_id WHERE x.status = 'open' AND ");
    else
        buf_puts(&sql, "SELECT x.n, x.id, x.title, x.owner_org_id, COALESCE(x.for_org_id, 0), "
                       "COALESCE(x.sharing_group_id, 0), x.tlp, o.code, o.name, o.kind, NULL, "
                       "NULL, x.category, x.capability, x.unit, x.starts_on, x.ends_on, "
                       "x.languages, x.capacity, x.capacity - COALESCE((SELECT SUM(m.quantity) "
                       "FROM capacity_match m WHERE m.offer_n = x.n AND m.status = "
                       "'confirmed'), 0) FROM capacity_offer x JOIN org o ON o.id = "
                       "x.owner_org_id WHERE x.status = 'open' AND ");
    if (needs)
        capacity_need_predicate(who, "x", &sql, &params);
    else
        capacity_offer_predicate(who, "x", &sql, &params);
    filter_sql(lf, needs, &sql, &params);
    buf_puts(&sql, " ORDER BY x.n");
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (out->n == out->cap) {
            out->cap = out->cap ? 2 * out->cap : 64;
            out->v = xrealloc(out->v, out->cap * sizeof *out->v);
        }
        const char *tlp = db_column_text(st, 6);
        out->v[out->n++] = (struct side_row){
            .n = db_column_int(st, 0),
            .id = dup_or_null(db_column_text(st, 1)),
            .title = dup_or_null(db_column_text(st, 2)),
            .org_id = db_column_int(st, 3),
            .for_org_id = db_column_int(st, 4),
            .group_id = db_column_int(st, 5),
            .amber = tlp && strcmp(tlp, "AMBER") == 0,
            .org_code = dup_or_null(db_column_text(st, 7)),
            .org_name = dup_or_null(db_column_text(st, 8)),
            .org_kind = dup_or_null(db_column_text(st, 9)),
            .mission = dup_or_null(db_column_text(st, 10)),
            .priority = dup_or_null(db_column_text(st, 11)),
            .category = dup_or_null(db_column_text(st, 12)),
            .capability = dup_or_null(db_column_text(st, 13)),
            .unit = dup_or_null(db_column_text(st, 14)),
            .starts_on = dup_or_null(db_column_text(st, 15)),
            .ends_on = dup_or_null(db_column_text(st, 16)),
            .languages = dup_or_null(db_column_text(st, 17)),
            .amount = db_column_int(st, 18),
            .remaining = db_column_int(st, 19),
        };
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* The set of the space-separated codes `text`; false when one is not a known language. */
static bool languages_set(const char *text, uint64_t *set)
{
    *set = 0;
    for (const char *p = text ? text : ""; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == 0)
            break;
        size_t i = 0;
        while (capacity_languages[i] &&
               !(strlen(capacity_languages[i]) == n && memcmp(capacity_languages[i], p, n) == 0))
            i++;
        if (!capacity_languages[i] || i >= 64)
            return false;
        *set |= UINT64_C(1) << i;
        p += n;
    }
    return true;
}

static void parse_sides(struct side_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++) {
        struct side_row *r = &rows->v[i];
        r->odd = !capacity__day_number(r->starts_on, &r->day_from) ||
                 !capacity__day_number(r->ends_on, &r->day_to) ||
                 !languages_set(r->languages, &r->languages_set);
    }
}

/* ---- who may read whose AMBER records ---- */

/* Rows of sharing_audience: org_id reads owner's AMBER records marked for group. */
struct audience_row {
    int64_t group, owner, org;
};

/* A pair already confirmed: it is not proposed again, since confirming it again returns the
 * existing match (a retried request) rather than adding to it. */
struct done_pair {
    int64_t need, offer;
};

/* Who may be paired with whom: the AMBER audiences, and the pairs confirmed already. */
struct audience {
    struct audience_row *v;
    size_t n;
    struct done_pair *done;
    size_t ndone;
};

static int audience_cmp(const void *a, const void *b)
{
    const struct audience_row *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->owner != y->owner)
        return x->owner < y->owner ? -1 : 1;
    return (x->org > y->org) - (x->org < y->org);
}

/* The audience rows of every (group, owner) an open AMBER need or offer is marked for, in
 * one query, sorted for lookup. */
static int audience_load(struct db *db, struct audience *a, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(
        db,
        "SELECT a.group_id, a.owner_org_id, a.org_id FROM sharing_audience a WHERE "
        "(a.group_id, a.owner_org_id) IN (SELECT sharing_group_id, owner_org_id FROM "
        "capacity_need WHERE tlp = 'AMBER' AND status = 'open' UNION SELECT sharing_group_id, "
        "owner_org_id FROM capacity_offer WHERE tlp = 'AMBER' AND status = 'open')",
        &st, err);
    if (rc)
        return rc;
    size_t cap = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (a->n == cap) {
            cap = cap ? 2 * cap : 64;
            a->v = xrealloc(a->v, cap * sizeof *a->v);
        }
        a->v[a->n++] = (struct audience_row){ db_column_int(st, 0), db_column_int(st, 1),
                                              db_column_int(st, 2) };
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (a->n)
        qsort(a->v, a->n, sizeof *a->v, audience_cmp);
    return 0;
}

static int done_cmp(const void *a, const void *b)
{
    const struct done_pair *x = a, *y = b;
    if (x->need != y->need)
        return x->need < y->need ? -1 : 1;
    return (x->offer > y->offer) - (x->offer < y->offer);
}

/* The confirmed pairs, sorted for lookup. */
static int done_load(struct db *db, struct audience *a, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT need_n, offer_n FROM capacity_match WHERE status = 'confirmed'",
                        &st, err);
    if (rc)
        return rc;
    size_t cap = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (a->ndone == cap) {
            cap = cap ? 2 * cap : 64;
            a->done = xrealloc(a->done, cap * sizeof *a->done);
        }
        a->done[a->ndone++] = (struct done_pair){ db_column_int(st, 0), db_column_int(st, 1) };
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (a->ndone)
        qsort(a->done, a->ndone, sizeof *a->done, done_cmp);
    return 0;
}

static bool done_has(const struct audience *a, int64_t need, int64_t offer)
{
    struct done_pair key = { need, offer };
    return a->ndone && bsearch(&key, a->done, a->ndone, sizeof *a->done, done_cmp) != NULL;
}

/* Whether organization `org` may read record `r`: CLEAR and GREEN are read by every member,
 * AMBER by its owner and the audience its owner accepted for the group (migration 0011). */
static bool org_reads(const struct audience *a, int64_t org, const struct side_row *r)
{
    if (!r->amber || r->org_id == org)
        return true;
    struct audience_row key = { r->group_id, r->org_id, org };
    return a->n && bsearch(&key, a->v, a->n, sizeof *a->v, audience_cmp) != NULL;
}

static struct capacity_side side_of(const struct side_row *r)
{
    return (struct capacity_side){
        .org_id = r->org_id,
        .for_org_id = r->for_org_id,
        .category = r->category,
        .capability = r->capability,
        .unit = r->unit,
        .starts_on = r->starts_on,
        .ends_on = r->ends_on,
        .languages = r->languages ? r->languages : "",
        .remaining = r->remaining,
    };
}

/* The score of a pair of one bucket (the same category, capability and unit), 0 when it is
 * not a candidate: capacity_pair_score's rules on the parsed rows, and the organizations'
 * reading each other's records. The cheap rules come first: most pairs of a bucket fail on
 * the period or the organizations. */
static int pair_fit(const struct audience *a, const struct side_row *need,
                    const struct side_row *offer)
{
    if (need->org_id == offer->org_id ||
        (offer->for_org_id != 0 && offer->for_org_id != need->org_id) ||
        done_has(a, need->n, offer->n))
        return 0;
    if (need->odd || offer->odd) {
        if (!org_reads(a, offer->org_id, need) || !org_reads(a, need->org_id, offer))
            return 0;
        struct capacity_side ns = side_of(need), os = side_of(offer);
        return capacity_pair_score(&ns, &os);
    }
    int64_t from = need->day_from > offer->day_from ? need->day_from : offer->day_from;
    int64_t to = need->day_to < offer->day_to ? need->day_to : offer->day_to;
    if (to < from || need->day_to < need->day_from)
        return 0;
    uint64_t common = need->languages_set & offer->languages_set;
    if (need->languages_set && offer->languages_set && !common)
        return 0;
    if (!org_reads(a, offer->org_id, need) || !org_reads(a, need->org_id, offer))
        return 0;
    return capacity__score_parts(need->day_to - need->day_from + 1, to - from + 1,
                                 __builtin_popcountll(need->languages_set),
                                 __builtin_popcountll(common), need->remaining, offer->remaining);
}

/* ---- the JSON of the proposal ---- */

/* The organizations' summaries, one object per organization shared by every entry that
 * names it: open addressing over a table far larger than the number of organizations. */
#define ORG_CACHE_SLOTS 4096

struct org_cache {
    int64_t id[ORG_CACHE_SLOTS];
    json_t *json[ORG_CACHE_SLOTS];
};

static json_t *org_summary(struct org_cache *c, const struct side_row *r)
{
    size_t slot = (size_t)r->org_id % ORG_CACHE_SLOTS;
    for (size_t probe = 0; probe < ORG_CACHE_SLOTS; probe++, slot = (slot + 1) % ORG_CACHE_SLOTS) {
        if (c->json[slot] && c->id[slot] == r->org_id)
            return json_incref(c->json[slot]);
        if (!c->json[slot]) {
            c->id[slot] = r->org_id;
            c->json[slot] = json_pack("{s:s?, s:s?, s:s?}", "code", r->org_code, "name",
                                      r->org_name, "kind", r->org_kind);
            return json_incref(c->json[slot]);
        }
    }
    return json_pack("{s:s?, s:s?, s:s?}", "code", r->org_code, "name", r->org_name, "kind",
                     r->org_kind);
}

static void org_cache_free(struct org_cache *c)
{
    for (size_t slot = 0; slot < ORG_CACHE_SLOTS; slot++)
        json_decref(c->json[slot]);
    free(c);
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *need_summary(struct org_cache *c, const struct side_row *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(r->id));
    json_object_set_new(o, "title", json_string(r->title));
    json_object_set_new(o, "org", org_summary(c, r));
    json_object_set_new(o, "mission", text_or_null(r->mission));
    json_object_set_new(o, "capability", json_string(r->capability));
    json_object_set_new(o, "priority", json_string(r->priority));
    json_object_set_new(o, "quantity", json_integer(r->amount));
    json_object_set_new(o, "remaining", json_integer(r->remaining));
    json_object_set_new(o, "unit", json_string(r->unit));
    return o;
}

static json_t *offer_summary(struct org_cache *c, const struct side_row *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(r->id));
    json_object_set_new(o, "title", json_string(r->title));
    json_object_set_new(o, "org", org_summary(c, r));
    json_object_set_new(o, "capacity", json_integer(r->amount));
    json_object_set_new(o, "remaining", json_integer(r->remaining));
    json_object_set_new(o, "unit", json_string(r->unit));
    return o;
}

static json_t *instant(int64_t ms)
{
    char s[40];
    time_format_rfc3339(ms, 0, false, s);
    return json_string(s);
}

/* ---- the proposal ---- */

/* The candidate pairs of a proposal, and the problem built over them. */
struct proposal {
    struct side_rows needs, offers; /* only rows with something left */
    struct audience audience;
    size_t npairs, cap;
    uint32_t *pair_need, *pair_offer;
    int *pair_score;
    int64_t *need_quantity, *offer_capacity;
    int *need_weight;
};

static void proposal_free(struct proposal *p)
{
    side_rows_free(&p->needs);
    side_rows_free(&p->offers);
    free(p->audience.v);
    free(p->audience.done);
    free(p->pair_need);
    free(p->pair_offer);
    free(p->pair_score);
    free(p->need_quantity);
    free(p->offer_capacity);
    free(p->need_weight);
}

static void keep_remaining(struct side_rows *rows)
{
    size_t kept = 0;
    for (size_t i = 0; i < rows->n; i++) {
        if (rows->v[i].remaining > 0) {
            rows->v[kept++] = rows->v[i];
            continue;
        }
        side_row_free(&rows->v[i]);
    }
    rows->n = kept;
}

static int bucket_cmp(const struct side_row *x, const struct side_row *y)
{
    int c = strcmp(x->category, y->category);
    if (!c)
        c = strcmp(x->capability, y->capability);
    if (!c)
        c = strcmp(x->unit, y->unit);
    return c;
}

/* qsort over indices needs a context; the rows being sorted are set just before. */
static _Thread_local const struct side_row *sort_rows;

static int index_bucket_cmp(const void *a, const void *b)
{
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    int c = bucket_cmp(&sort_rows[i], &sort_rows[j]);
    return c ? c : (i > j) - (i < j);
}

static uint32_t *bucket_order(const struct side_rows *rows)
{
    uint32_t *order = xmalloc((rows->n ? rows->n : 1) * sizeof *order);
    for (size_t i = 0; i < rows->n; i++)
        order[i] = (uint32_t)i;
    sort_rows = rows->v;
    qsort(order, rows->n, sizeof *order, index_bucket_cmp);
    return order;
}

static void pair_add(struct proposal *p, uint32_t i, uint32_t j, int score)
{
    if (p->npairs == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 256;
        p->pair_need = xrealloc(p->pair_need, p->cap * sizeof *p->pair_need);
        p->pair_offer = xrealloc(p->pair_offer, p->cap * sizeof *p->pair_offer);
        p->pair_score = xrealloc(p->pair_score, p->cap * sizeof *p->pair_score);
    }
    p->pair_need[p->npairs] = i;
    p->pair_offer[p->npairs] = j;
    p->pair_score[p->npairs] = score;
    p->npairs++;
}

/* Every candidate pair, tried only within a (category, capability, unit) bucket: both sides
 * sorted by that key and walked together. */
static void find_pairs(struct proposal *p)
{
    uint32_t *no = bucket_order(&p->needs), *oo = bucket_order(&p->offers);
    size_t a = 0, b = 0;
    while (a < p->needs.n && b < p->offers.n) {
        int c = bucket_cmp(&p->needs.v[no[a]], &p->offers.v[oo[b]]);
        if (c < 0) {
            a++;
            continue;
        }
        if (c > 0) {
            b++;
            continue;
        }
        size_t a_end = a, b_end = b;
        while (a_end < p->needs.n && bucket_cmp(&p->needs.v[no[a_end]], &p->needs.v[no[a]]) == 0)
            a_end++;
        while (b_end < p->offers.n && bucket_cmp(&p->offers.v[oo[b_end]], &p->offers.v[oo[b]]) == 0)
            b_end++;
        for (size_t x = a; x < a_end; x++)
            for (size_t y = b; y < b_end; y++) {
                int score = pair_fit(&p->audience, &p->needs.v[no[x]], &p->offers.v[oo[y]]);
                if (score > 0)
                    pair_add(p, no[x], oo[y], score);
            }
        a = a_end;
        b = b_end;
    }
    free(no);
    free(oo);
}

/* A filter naming something that does not exist is a mistake to report, not an empty
 * proposal. */
static int check_filter(struct db *db, const struct capacity_filter *f, struct bh_error *err)
{
    if (f->category && !capacity__known(capacity_categories, f->category))
        return bh_fail(err, BH_EINVALID, "category", "unknown category %s", f->category);
    if (f->capability && !capacity_capability_find(f->capability))
        return bh_fail(err, BH_EINVALID, "capability", "unknown capability %s", f->capability);
    bool found = true;
    int rc = 0;
    if (f->mission &&
        (rc = db_exec_params(db, "SELECT 1 FROM mission WHERE acronym = ?",
                             DB_PARAMS(DB_TEXT(f->mission)), NULL, &found, err)) == 0 &&
        !found)
        return bh_fail(err, BH_EINVALID, "mission", "unknown mission %s", f->mission);
    if (rc)
        return rc;
    if (f->org &&
        (rc = db_exec_params(db, "SELECT 1 FROM org WHERE code = ?", DB_PARAMS(DB_TEXT(f->org)),
                             NULL, &found, err)) == 0 &&
        !found)
        return bh_fail(err, BH_EINVALID, "org", "unknown organization %s", f->org);
    return rc;
}

/* Loads the sides, the audiences and the candidate pairs, and fills the problem's arrays. */
static int proposal_load(struct db *db, const struct principal *who,
                         const struct capacity_filter *f, struct proposal *p, struct bh_error *err)
{
    struct load_filter need_filter = {
        .category = f->category,
        .capability = f->capability,
        .mission = f->mission,
        .org = f->org,
    };
    struct load_filter offer_filter = { .category = f->category, .capability = f->capability };
    int rc = load_sides(db, who, true, &need_filter, &p->needs, err);
    if (!rc)
        rc = load_sides(db, who, false, &offer_filter, &p->offers, err);
    if (!rc)
        rc = audience_load(db, &p->audience, err);
    if (!rc)
        rc = done_load(db, &p->audience, err);
    if (rc)
        return rc;
    keep_remaining(&p->needs);
    keep_remaining(&p->offers);
    parse_sides(&p->needs);
    parse_sides(&p->offers);
    find_pairs(p);
    p->need_quantity = xmalloc((p->needs.n ? p->needs.n : 1) * sizeof *p->need_quantity);
    p->need_weight = xmalloc((p->needs.n ? p->needs.n : 1) * sizeof *p->need_weight);
    for (size_t i = 0; i < p->needs.n; i++) {
        p->need_quantity[i] = p->needs.v[i].remaining;
        int w = capacity_priority_weight(p->needs.v[i].priority);
        p->need_weight[i] = w > 0 ? w : 1;
    }
    p->offer_capacity = xmalloc((p->offers.n ? p->offers.n : 1) * sizeof *p->offer_capacity);
    for (size_t j = 0; j < p->offers.n; j++)
        p->offer_capacity[j] = p->offers.v[j].remaining;
    return 0;
}

static struct capacity_problem problem_of(const struct proposal *p)
{
    return (struct capacity_problem){
        .nneeds = p->needs.n,
        .noffers = p->offers.n,
        .npairs = p->npairs,
        .need_quantity = p->need_quantity,
        .need_weight = p->need_weight,
        .offer_capacity = p->offer_capacity,
        .pair_need = p->pair_need,
        .pair_offer = p->pair_offer,
        .pair_score = p->pair_score,
    };
}

/* The order of the assignments: by the need's priority (heaviest first), then the need (its
 * row order), then the pair's score. */
static _Thread_local const struct proposal *sort_proposal;

static int assignment_cmp(const void *a, const void *b)
{
    const struct proposal *p = sort_proposal;
    uint32_t k = *(const uint32_t *)a, l = *(const uint32_t *)b;
    uint32_t i = p->pair_need[k], j = p->pair_need[l];
    if (p->need_weight[i] != p->need_weight[j])
        return p->need_weight[i] > p->need_weight[j] ? -1 : 1;
    if (i != j)
        return i < j ? -1 : 1;
    if (p->pair_score[k] != p->pair_score[l])
        return p->pair_score[k] > p->pair_score[l] ? -1 : 1;
    return (k > l) - (k < l);
}

static int need_order_cmp(const void *a, const void *b)
{
    const struct proposal *p = sort_proposal;
    uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
    if (p->need_weight[i] != p->need_weight[j])
        return p->need_weight[i] > p->need_weight[j] ? -1 : 1;
    return (i > j) - (i < j);
}

static json_t *need_json_of(struct proposal *p, struct org_cache *c, uint32_t i)
{
    struct side_row *r = &p->needs.v[i];
    if (!r->json)
        r->json = need_summary(c, r);
    return json_incref(r->json);
}

static json_t *offer_json_of(struct proposal *p, struct org_cache *c, uint32_t j)
{
    struct side_row *r = &p->offers.v[j];
    if (!r->json)
        r->json = offer_summary(c, r);
    return json_incref(r->json);
}

/* The assignments and the unmet needs. A need's summary is built once and shared by its
 * entries (jansson counts references), which keeps ten thousand entries cheap. */
static void proposal_lists(struct proposal *p, const int64_t *flow, json_t *assignments,
                           json_t *unmet)
{
    uint32_t *order = xmalloc((p->npairs ? p->npairs : 1) * sizeof *order);
    size_t n = 0;
    int64_t *left = xmalloc((p->needs.n ? p->needs.n : 1) * sizeof *left);
    memcpy(left, p->need_quantity, p->needs.n * sizeof *left);
    for (size_t k = 0; k < p->npairs; k++)
        if (flow[k] > 0) {
            order[n++] = (uint32_t)k;
            left[p->pair_need[k]] -= flow[k];
        }
    sort_proposal = p;
    qsort(order, n, sizeof *order, assignment_cmp);
    struct org_cache *orgs = xcalloc(1, sizeof *orgs);
    for (size_t o = 0; o < n; o++) {
        uint32_t k = order[o];
        json_t *a = json_object();
        json_object_set_new(a, "need", need_json_of(p, orgs, p->pair_need[k]));
        json_object_set_new(a, "offer", offer_json_of(p, orgs, p->pair_offer[k]));
        json_object_set_new(a, "quantity", json_integer(flow[k]));
        json_object_set_new(a, "score", json_integer(p->pair_score[k]));
        json_array_append_new(assignments, a);
    }
    free(order);
    uint32_t *needs = xmalloc((p->needs.n ? p->needs.n : 1) * sizeof *needs);
    n = 0;
    for (size_t i = 0; i < p->needs.n; i++)
        if (left[i] > 0)
            needs[n++] = (uint32_t)i;
    qsort(needs, n, sizeof *needs, need_order_cmp);
    for (size_t o = 0; o < n; o++)
        json_array_append_new(unmet,
                              json_pack("{s:o, s:I}", "need", need_json_of(p, orgs, needs[o]),
                                        "remaining", (json_int_t)left[needs[o]]));
    org_cache_free(orgs);
    free(left);
    free(needs);
}

int capacity_propose(struct db *db, const struct principal *who, const struct capacity_filter *f,
                     json_t **out, struct bh_error *err)
{
    static const struct capacity_filter none = { 0 };
    if (!f)
        f = &none;
    *out = NULL;
    int rc = check_filter(db, f, err);
    if (rc)
        return rc;
    struct proposal p = { 0 };
    if ((rc = proposal_load(db, who, f, &p, err))) {
        proposal_free(&p);
        return rc;
    }
    struct capacity_problem problem = problem_of(&p);
    size_t np = p.npairs ? p.npairs : 1;
    int64_t *flow = xmalloc(np * sizeof *flow), *greedy = xmalloc(np * sizeof *greedy);
    int64_t weighted = 0, greedy_weighted = 0;
    rc = capacity_solve(&problem, flow, &weighted, NULL, err);
    if (!rc)
        rc = capacity_solve_greedy(&problem, greedy, &greedy_weighted, NULL, err);
    free(greedy);
    if (rc) {
        free(flow);
        proposal_free(&p);
        return rc;
    }
    json_t *assignments = json_array(), *unmet = json_array();
    proposal_lists(&p, flow, assignments, unmet);
    *out = json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "as_of", instant(time_now_ms()),
                     "needs", (json_int_t)p.needs.n, "offers", (json_int_t)p.offers.n, "pairs",
                     (json_int_t)p.npairs, "weighted", (json_int_t)weighted, "greedy_weighted",
                     (json_int_t)greedy_weighted, "assignments", assignments, "unmet", unmet);
    free(flow);
    proposal_free(&p);
    return 0;
}

/* ---- candidates for one need ---- */

struct candidate {
    uint32_t offer;
    int score;
    int64_t quantity, n;
};

static int candidate_cmp(const void *a, const void *b)
{
    const struct candidate *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return (x->n > y->n) - (x->n < y->n);
}

/* The candidates' items, best first, each with its offer as capacity_offer_get gives it: a
 * need has few candidates, so one read per offer keeps the offer's JSON in one place. */
static int candidate_items(struct db *db, const struct principal *who, const struct side_row *need,
                           const struct side_rows *offers, const struct audience *a, json_t *items,
                           struct bh_error *err)
{
    struct candidate *c = xmalloc((offers->n ? offers->n : 1) * sizeof *c);
    size_t n = 0;
    for (size_t j = 0; j < offers->n; j++) {
        const struct side_row *o = &offers->v[j];
        int score = o->remaining > 0 ? pair_fit(a, need, o) : 0;
        if (score > 0)
            c[n++] =
                (struct candidate){ (uint32_t)j, score,
                                    o->remaining < need->remaining ? o->remaining : need->remaining,
                                    o->n };
    }
    qsort(c, n, sizeof *c, candidate_cmp);
    int rc = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        json_t *offer = NULL;
        if ((rc = capacity_offer_get(db, who, offers->v[c[k].offer].id, &offer, err)))
            break;
        json_array_append_new(items, json_pack("{s:o, s:i, s:I}", "offer", offer, "score",
                                               c[k].score, "quantity", (json_int_t)c[k].quantity));
    }
    free(c);
    return rc;
}

int capacity_candidates(struct db *db, const struct principal *who, const char *need_id,
                        json_t **out, struct bh_error *err)
{
    *out = NULL;
    if (!need_id || !*need_id)
        return bh_fail(err, BH_ENOTFOUND, "need", "no need id given");
    json_t *need = NULL;
    int rc = capacity_need_get(db, who, need_id, &need, err);
    if (rc)
        return rc;
    struct side_rows needs = { 0 }, offers = { 0 };
    struct audience audience = { 0 };
    json_t *items = json_array();
    struct load_filter need_filter = { .id = need_id };
    rc = load_sides(db, who, true, &need_filter, &needs, err);
    /* A need that is closed, withdrawn or fully covered has no candidates. */
    if (!rc && needs.n == 1 && needs.v[0].remaining > 0) {
        const struct side_row *r = &needs.v[0];
        struct load_filter offer_filter = {
            .category = r->category,
            .capability = r->capability,
            .unit = r->unit,
        };
        rc = load_sides(db, who, false, &offer_filter, &offers, err);
        if (!rc)
            rc = audience_load(db, &audience, err);
        if (!rc)
            rc = done_load(db, &audience, err);
        parse_sides(&needs);
        parse_sides(&offers);
        if (!rc)
            rc = candidate_items(db, who, r, &offers, &audience, items, err);
    }
    side_rows_free(&needs);
    side_rows_free(&offers);
    free(audience.v);
    free(audience.done);
    if (rc) {
        json_decref(need);
        json_decref(items);
        return rc;
    }
    *out = json_pack("{s:o, s:o}", "need", need, "items", items);
    return 0;
}
