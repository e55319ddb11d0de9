/* Confirmed matches: a coordinator of the Light Coordination Mechanism says that so much of an
 * offer goes to a need. Confirming is one transaction (BEGIN IMMEDIATE) that re-reads what
 * the need still lacks and what the offer has left, so two coordinators confirming at once
 * cannot promise the same seats twice; the partial unique index capacity_match_pair makes a
 * retried confirmation find the match it made the first time. Both organizations are told. */
#include "capacity/capacity.h"

#include "audit/audit.h"
#include "base/i18n.h"
#include "base/jsonfield.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "feed/feed.h"
#include "notify/notify.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One side of a match as the confirming transaction reads it: the need or the offer. */
struct side {
    int64_t n, org_id, for_org_id;
    int64_t amount;    /* the need's quantity, the offer's capacity */
    int64_t remaining; /* amount minus the confirmed matches, never below 0 */
    char id[64], org_code[32], status[16], category[32], capability[64], unit[16];
    char starts_on[11], ends_on[11], languages[64], title[CAPACITY_TITLE_MAX + 1];
};

static void copy_text(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* The need (`offer` false) or offer `id` as `who` sees it, with what is left of it. */
static int side_load(struct db *db, const struct principal *who, bool offer, const char *id,
                     struct side *s, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    if (offer)
        buf_puts(&sql, "SELECT x.n, x.owner_org_id, coalesce(x.for_org_id, 0), x.capacity, "
                       "x.capacity - coalesce((SELECT sum(m.quantity) FROM capacity_match m "
                       "WHERE m.offer_n = x.n AND m.status = 'confirmed'), 0), ");
    else
        buf_puts(&sql, "SELECT x.n, x.owner_org_id, 0, x.quantity, "
                       "x.quantity - coalesce((SELECT sum(m.quantity) FROM capacity_match m "
                       "WHERE m.need_n = x.n AND m.status = 'confirmed'), 0), ");
    buf_printf(&sql,
               "x.id, o.code, x.status, x.category, x.capability, x.unit, x.starts_on, "
               "x.ends_on, x.languages, x.title FROM %s x JOIN org o ON o.id = x.owner_org_id "
               "WHERE x.id = ? AND ",
               offer ? "capacity_offer" : "capacity_need");
    db_params_text(&params, id);
    (offer ? capacity_offer_predicate : capacity_need_predicate)(who, "x", &sql, &params);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        s->n = db_column_int(st, 0);
        s->org_id = db_column_int(st, 1);
        s->for_org_id = db_column_int(st, 2);
        s->amount = db_column_int(st, 3);
        s->remaining = db_column_int(st, 4);
        if (s->remaining < 0)
            s->remaining = 0;
        copy_text(s->id, sizeof s->id, db_column_text(st, 5));
        copy_text(s->org_code, sizeof s->org_code, db_column_text(st, 6));
        copy_text(s->status, sizeof s->status, db_column_text(st, 7));
        copy_text(s->category, sizeof s->category, db_column_text(st, 8));
        copy_text(s->capability, sizeof s->capability, db_column_text(st, 9));
        copy_text(s->unit, sizeof s->unit, db_column_text(st, 10));
        copy_text(s->starts_on, sizeof s->starts_on, db_column_text(st, 11));
        copy_text(s->ends_on, sizeof s->ends_on, db_column_text(st, 12));
        copy_text(s->languages, sizeof s->languages, db_column_text(st, 13));
        copy_text(s->title, sizeof s->title, db_column_text(st, 14));
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (rc == DB_ROW)
        return 0;
    return bh_fail(err, BH_ENOTFOUND, offer ? "offer" : "need", "no %s '%.40s'",
                   offer ? "offer" : "need", id);
}

/* Whether organization `org_id` may read row `n` of `table` (record type `type`): what any
 * of its members who read records would see. A need its provider cannot read, or an offer its
 * contributor cannot, is no agreement between them. */
static int org_reads(struct db *db, int64_t org_id, const char *type, const char *table, int64_t n,
                     bool *reads, struct bh_error *err)
{
    struct principal member = { .org_id = org_id, .role = ROLE_FOCAL_POINT };
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_printf(&sql, "SELECT 1 FROM %s x WHERE x.n = ? AND ", table);
    db_params_int(&params, n);
    sharing_predicate(&member, type, "x", &sql, &params);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    *reads = rc == DB_ROW;
    return 0;
}

static bool languages_meet(const char *a, const char *b)
{
    if (!*a || !*b)
        return true;
    char copy[64];
    copy_text(copy, sizeof copy, a);
    char *save = NULL;
    for (char *code = strtok_r(copy, " ", &save); code; code = strtok_r(NULL, " ", &save)) {
        size_t len = strlen(code);
        for (const char *p = strstr(b, code); p; p = strstr(p + 1, code))
            if ((p == b || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
                return true;
    }
    return false;
}

/* Says which rule of a candidate pair (capacity.h, capacity_pair_score) fails, naming
 * "offer"; 0 when none does. The score itself is score.c's. */
static int candidate_check(struct db *db, const struct side *need, const struct side *offer,
                           struct bh_error *err)
{
    if (strcmp(need->category, offer->category) != 0)
        return bh_fail(err, BH_EINVALID, "offer", "the offer is of category %s, the need of %s",
                       offer->category, need->category);
    if (strcmp(need->capability, offer->capability) != 0)
        return bh_fail(err, BH_EINVALID, "offer", "the offer is of capability %s, the need of %s",
                       offer->capability, need->capability);
    if (strcmp(need->unit, offer->unit) != 0)
        return bh_fail(err, BH_EINVALID, "offer", "the offer counts in %s, the need in %s",
                       offer->unit, need->unit);
    if (strcmp(offer->starts_on, need->ends_on) > 0 || strcmp(offer->ends_on, need->starts_on) < 0)
        return bh_fail(err, BH_EINVALID, "offer",
                       "the offer's period %s to %s does not meet the need's, %s to %s",
                       offer->starts_on, offer->ends_on, need->starts_on, need->ends_on);
    if (!languages_meet(need->languages, offer->languages))
        return bh_fail(err, BH_EINVALID, "offer",
                       "the offer is given in %s, none of the need's languages (%s)",
                       offer->languages, need->languages);
    if (need->org_id == offer->org_id)
        return bh_fail(err, BH_EINVALID, "offer", "the offer and the need are both %s's",
                       need->org_code);
    if (offer->for_org_id && offer->for_org_id != need->org_id)
        return bh_fail(err, BH_EINVALID, "offer",
                       "the offer is made to another contributor than %s", need->org_code);
    bool reads = false;
    int rc = org_reads(db, need->org_id, "offer", "capacity_offer", offer->n, &reads, err);
    if (!rc && !reads)
        return bh_fail(err, BH_EINVALID, "offer", "%s may not read the offer", need->org_code);
    if (!rc)
        rc = org_reads(db, offer->org_id, "need", "capacity_need", need->n, &reads, err);
    if (!rc && !reads)
        return bh_fail(err, BH_EINVALID, "offer", "%s may not read the need", offer->org_code);
    return rc;
}

static struct capacity_side side_of(const struct side *s)
{
    return (struct capacity_side){ .org_id = s->org_id,
                                   .for_org_id = s->for_org_id,
                                   .category = s->category,
                                   .capability = s->capability,
                                   .unit = s->unit,
                                   .starts_on = s->starts_on,
                                   .ends_on = s->ends_on,
                                   .languages = s->languages,
                                   .remaining = s->remaining };
}

/* Nobody confirms a match for their own organization: the mechanism's point is a third party
 * vouching that the support is real and not duplicated. */
static int own_org_check(const struct principal *who, const struct side *need,
                         const struct side *offer, struct bh_error *err)
{
    if (who->org_id == need->org_id || who->org_id == offer->org_id)
        return bh_fail(err, BH_EDENIED, "coordinator",
                       "a coordinator of %s may not confirm or cancel a match of %s's %s",
                       who->org_code, who->org_code,
                       who->org_id == need->org_id ? "need" : "offer");
    return 0;
}

static int coordinator_check(const struct principal *who, struct bh_error *err)
{
    if (!who || who->org_id <= 0 || !role_can(who->role, &perm_capacity_coordinate))
        return bh_fail(err, BH_EDENIED, NULL, "the %s role may not confirm or cancel matches",
                       who && role_name(who->role) ? role_name(who->role) : "anonymous");
    return 0;
}

static int status_open(const struct side *s, const char *what, struct bh_error *err)
{
    if (strcmp(s->status, "open") == 0)
        return 0;
    return bh_fail(err, BH_ECONFLICT, what, "the %s is %s, not open", what, s->status);
}

/* The quantity to confirm: the body's, or what both still have, within both. */
static int quantity_check(const struct side *need, const struct side *offer, bool given,
                          int64_t *quantity, struct bh_error *err)
{
    if (!given)
        *quantity = need->remaining < offer->remaining ? need->remaining : offer->remaining;
    if (*quantity > need->remaining)
        return bh_fail(err, BH_ECONFLICT, "quantity",
                       "%lld is more than the %lld %s the need still lacks", (long long)*quantity,
                       (long long)need->remaining, need->unit);
    if (*quantity > offer->remaining)
        return bh_fail(err, BH_ECONFLICT, "quantity",
                       "%lld is more than the %lld %s the offer has left", (long long)*quantity,
                       (long long)offer->remaining, offer->unit);
    if (*quantity <= 0)
        return bh_fail(err, BH_ECONFLICT, "quantity", "the need or the offer has nothing left");
    return 0;
}

/* The match already confirmed for the pair, if any: its id into `id` ("" when none). */
static int existing_match(struct db *db, int64_t need_n, int64_t offer_n, char id[64],
                          struct bh_error *err)
{
    struct db_stmt *st;
    id[0] = '\0';
    int rc = db_prepare(db,
                        "SELECT id FROM capacity_match WHERE need_n = ? AND offer_n = ? AND "
                        "status = 'confirmed'",
                        &st, err);
    if (rc)
        return rc;
    db_bind_int(st, 1, need_n);
    db_bind_int(st, 2, offer_n);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        copy_text(id, 64, db_column_text(st, 0));
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* Tells the requester (record "need") and the provider (record "offer"). */
static int notify_both(struct db *db, const char *kind, const struct side *need,
                       const struct side *offer, int64_t quantity, struct bh_error *err)
{
    json_t *p = json_pack("{s:s, s:s, s:s, s:s}", "need", need->title, "offer", offer->title,
                          "from", offer->org_code, "to", need->org_code);
    if (quantity > 0) {
        json_object_set_new(p, "quantity", json_integer(quantity));
        json_object_set_new(p, "unit", json_string(need->unit));
    }
    char *params = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(p);
    char link[128];
    snprintf(link, sizeof link, "/capacity/needs/%s", need->id);
    int rc = notify_org(db, need->org_id, kind, "need", need->id, params, link, err);
    snprintf(link, sizeof link, "/capacity/offers/%s", offer->id);
    if (!rc)
        rc = notify_org(db, offer->org_id, kind, "offer", offer->id, params, link, err);
    free(params);
    return rc;
}

static int insert_match(struct db *db, const struct principal *who, const struct side *need,
                        const struct side *offer, int64_t quantity, int score, const char *note,
                        char id[64], struct bh_error *err)
{
    struct uuid u;
    uuid_v7(&u);
    uuid_format(&u, id);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    return db_exec_params(
        db,
        "INSERT INTO capacity_match (id, need_n, offer_n, quantity, score, status, note, "
        "confirmed_by, coordinator_org_id, confirmed_at) VALUES (?, ?, ?, ?, ?, 'confirmed', ?, "
        "?, ?, ?)",
        DB_PARAMS(DB_TEXT(id), DB_INT(need->n), DB_INT(offer->n), DB_INT(quantity), DB_INT(score),
                  DB_TEXT(note ? note : ""),
                  who->account_id > 0 ? DB_INT(who->account_id) : DB_TEXT(NULL),
                  DB_INT(who->org_id), DB_TEXT(now)),
        NULL, NULL, err);
}

struct confirm_input {
    const char *need, *offer, *note;
    int64_t quantity;
    bool quantity_given;
};

static int read_confirm(const json_t *body, struct confirm_input *in, struct bh_error *err)
{
    static const char *const known[] = { "need", "offer", "quantity", "note", NULL };
    if (!json_is_object(body))
        return bh_fail(err, BH_EINVALID, NULL, "the match must be a JSON object");
    int rc = jsonfield_check_known(body, known, err);
    if (!rc)
        rc = jsonfield_string(body, "need", true, 64, &in->need, err);
    if (!rc)
        rc = jsonfield_string(body, "offer", true, 64, &in->offer, err);
    if (!rc)
        rc = jsonfield_int(body, "quantity", false, 1, CAPACITY_QUANTITY_MAX, &in->quantity,
                           &in->quantity_given, err);
    if (!rc)
        rc = jsonfield_string(body, "note", false, CAPACITY_NOTE_MAX, &in->note, err);
    return rc;
}

/* Everything the confirming transaction does before its commit; `id` gets the match's. */
static int confirm_in_transaction(struct db *db, const struct principal *who,
                                  const struct confirm_input *in, char id[64], bool *created,
                                  struct bh_error *err)
{
    struct side need = { 0 }, offer = { 0 };
    int rc = side_load(db, who, false, in->need, &need, err);
    if (!rc)
        rc = side_load(db, who, true, in->offer, &offer, err);
    if (!rc)
        rc = own_org_check(who, &need, &offer, err);
    if (!rc)
        rc = existing_match(db, need.n, offer.n, id, err);
    if (rc || id[0])
        return rc; /* a retried request: the match it made, nothing written */
    if (!rc)
        rc = status_open(&need, "need", err);
    if (!rc)
        rc = status_open(&offer, "offer", err);
    if (!rc)
        rc = candidate_check(db, &need, &offer, err);
    struct capacity_side ns = side_of(&need), os = side_of(&offer);
    int score = rc ? 0 : capacity_pair_score(&ns, &os);
    if (!rc && score <= 0)
        rc = bh_fail(err, BH_EINVALID, "offer", "the offer is not a candidate for this need");
    int64_t quantity = in->quantity;
    if (!rc)
        rc = quantity_check(&need, &offer, in->quantity_given, &quantity, err);
    if (!rc)
        rc = insert_match(db, who, &need, &offer, quantity, score > 100 ? 100 : score, in->note, id,
                          err);
    if (!rc) {
        json_t *summary = json_pack("{s:s, s:s, s:I, s:i}", "need", need.id, "offer", offer.id,
                                    "quantity", (json_int_t)quantity, "score", score);
        rc = audit_append(db, who, "match.confirm", "match", id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = notify_both(db, "capacity.matched", &need, &offer, quantity, err);
    if (!rc)
        *created = true;
    return rc;
}

int capacity_match_confirm(struct db *db, const struct principal *who, const json_t *body,
                           json_t **out, bool *created, struct bh_error *err)
{
    *out = NULL;
    *created = false;
    struct confirm_input in = { 0 };
    int rc = coordinator_check(who, err);
    if (!rc)
        rc = read_confirm(body, &in, err);
    if (rc || (rc = db_begin(db, err)))
        return rc;
    char id[64] = "";
    rc = confirm_in_transaction(db, who, &in, id, created, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        *created = false;
        return rc;
    }
    if (*created)
        feed_notify();
    return capacity_match_get(db, who, id, out, err);
}

/* ---- reading ---- */

#define MATCH_COLUMNS                                                                             \
    "SELECT m.id, m.quantity, m.score, m.status, m.note, m.confirmed_at, m.cancelled_at, "        \
    "m.cancel_reason, nd.id, nd.title, nog.code, nog.name, nog.kind, nd.mission, nd.capability, " \
    "nd.quantity, nd.unit, ofr.id, ofr.title, oo.code, oo.name, oo.kind, ofr.capacity, "          \
    "ofr.unit, co.code, co.name, m.n FROM capacity_match m "                                      \
    "JOIN capacity_need nd ON nd.n = m.need_n JOIN org nog ON nog.id = nd.owner_org_id "          \
    "JOIN capacity_offer ofr ON ofr.n = m.offer_n JOIN org oo ON oo.id = ofr.owner_org_id "       \
    "JOIN org co ON co.id = m.coordinator_org_id "
enum {
    M_ID,
    M_QUANTITY,
    M_SCORE,
    M_STATUS,
    M_NOTE,
    M_CONFIRMED_AT,
    M_CANCELLED_AT,
    M_REASON,
    N_ID,
    N_TITLE,
    N_ORG_CODE,
    N_ORG_NAME,
    N_ORG_KIND,
    N_MISSION,
    N_CAPABILITY,
    N_QUANTITY,
    N_UNIT,
    O_ID,
    O_TITLE,
    O_ORG_CODE,
    O_ORG_NAME,
    O_ORG_KIND,
    O_CAPACITY,
    O_UNIT,
    C_CODE,
    C_NAME,
    M_N
};

static json_t *text_or_null(struct db_stmt *st, int col)
{
    const char *s = db_column_text(st, col);
    return s ? json_string(s) : json_null();
}

static json_t *match_json(struct db_stmt *st)
{
    json_t *need = json_pack(
        "{s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:s, s:I, s:s}", "id", db_column_text(st, N_ID),
        "title", db_column_text(st, N_TITLE), "org", "code", db_column_text(st, N_ORG_CODE), "name",
        db_column_text(st, N_ORG_NAME), "kind", db_column_text(st, N_ORG_KIND), "mission",
        text_or_null(st, N_MISSION), "capability", db_column_text(st, N_CAPABILITY), "quantity",
        (json_int_t)db_column_int(st, N_QUANTITY), "unit", db_column_text(st, N_UNIT));
    json_t *offer = json_pack(
        "{s:s, s:s, s:{s:s, s:s, s:s}, s:I, s:s}", "id", db_column_text(st, O_ID), "title",
        db_column_text(st, O_TITLE), "org", "code", db_column_text(st, O_ORG_CODE), "name",
        db_column_text(st, O_ORG_NAME), "kind", db_column_text(st, O_ORG_KIND), "capacity",
        (json_int_t)db_column_int(st, O_CAPACITY), "unit", db_column_text(st, O_UNIT));
    return json_pack("{s:s, s:o, s:o, s:I, s:I, s:s, s:s, s:{s:s, s:s}, s:s, s:o, s:o}", "id",
                     db_column_text(st, M_ID), "need", need, "offer", offer, "quantity",
                     (json_int_t)db_column_int(st, M_QUANTITY), "score",
                     (json_int_t)db_column_int(st, M_SCORE), "status", db_column_text(st, M_STATUS),
                     "note", db_column_text(st, M_NOTE), "coordinator", "code",
                     db_column_text(st, C_CODE), "name", db_column_text(st, C_NAME), "confirmed_at",
                     db_column_text(st, M_CONFIRMED_AT), "cancelled_at",
                     text_or_null(st, M_CANCELLED_AT), "cancel_reason", text_or_null(st, M_REASON));
}

/* A match is read by whoever reads both its need and its offer. */
static void both_sides_visible(const struct principal *who, struct buf *sql,
                               struct db_params *params)
{
    capacity_need_predicate(who, "nd", sql, params);
    buf_puts(sql, " AND ");
    capacity_offer_predicate(who, "ofr", sql, params);
}

int capacity_match_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                       struct bh_error *err)
{
    *out = NULL;
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, MATCH_COLUMNS "WHERE m.id = ? AND ");
    db_params_text(&params, id ? id : "");
    both_sides_visible(who, &sql, &params);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *out = match_json(st);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    return *out ? 0 : bh_fail(err, BH_ENOTFOUND, "id", "no match '%.40s'", id ? id : "");
}

/* The WHERE clause of a list, without the cursor. */
static int list_where(const struct principal *who, const char *need_id, const char *offer_id,
                      const struct capacity_filter *f, struct buf *sql, struct db_params *params,
                      struct bh_error *err)
{
    const char *status = f && f->status ? f->status : "confirmed";
    if (strcmp(status, "confirmed") != 0 && strcmp(status, "cancelled") != 0 &&
        strcmp(status, "any") != 0)
        return bh_fail(err, BH_EINVALID, "status",
                       "unknown status '%.20s' (confirmed, cancelled or any)", status);
    buf_puts(sql, "WHERE ");
    both_sides_visible(who, sql, params);
    if (strcmp(status, "any") != 0) {
        buf_puts(sql, " AND m.status = ?");
        db_params_text(params, status);
    }
    if (need_id) {
        buf_puts(sql, " AND nd.id = ?");
        db_params_text(params, need_id);
    }
    if (offer_id) {
        buf_puts(sql, " AND ofr.id = ?");
        db_params_text(params, offer_id);
    }
    if (f && f->org) {
        buf_puts(sql, " AND (nog.code = ? OR oo.code = ?)");
        db_params_text(params, f->org);
        db_params_text(params, f->org);
    }
    return 0;
}

static int count_matches(struct db *db, const char *where, const struct db_params *wparams,
                         int64_t *total, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT count(*) FROM capacity_match m JOIN capacity_need nd ON nd.n = "
                   "m.need_n JOIN org nog ON nog.id = nd.owner_org_id JOIN capacity_offer ofr ON "
                   "ofr.n = m.offer_n JOIN org oo ON oo.id = ofr.owner_org_id ");
    buf_puts(&sql, where);
    db_params_append(&params, wparams);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW)
        *total = db_column_int(st, 0);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int capacity_match_list(struct db *db, const struct principal *who, const char *need_id,
                        const char *offer_id, const struct capacity_filter *f, json_t **out,
                        struct bh_error *err)
{
    *out = NULL;
    int limit = f && f->limit ? f->limit : 50;
    if (limit < 1 || limit > 500)
        return bh_fail(err, BH_EINVALID, "limit", "limit %d is not between 1 and 500", limit);
    struct buf where = BUF_INIT;
    struct db_params wparams = DB_PARAMS_INIT;
    int rc = list_where(who, need_id, offer_id, f, &where, &wparams, err);
    int64_t total = 0;
    if (!rc)
        rc = count_matches(db, buf_str(&where), &wparams, &total, err);
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, MATCH_COLUMNS);
    buf_puts(&sql, buf_str(&where));
    db_params_append(&params, &wparams);
    db_params_cleanup(&wparams);
    buf_cleanup(&where);
    if (f && f->after) {
        /* The cursor is the last match of the previous page: newest first, by row order. */
        buf_puts(&sql, " AND m.n < coalesce((SELECT n FROM capacity_match WHERE id = ?), 0)");
        db_params_text(&params, f->after);
    }
    buf_printf(&sql, " ORDER BY m.n DESC LIMIT %d", limit + 1);
    struct db_stmt *st = NULL;
    if (!rc)
        rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    else
        db_params_cleanup(&params);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    json_t *items = json_array();
    json_t *next = json_null();
    while ((rc = db_step(st, err)) == DB_ROW) {
        if ((int)json_array_size(items) == limit) {
            json_t *last = json_array_get(items, json_array_size(items) - 1);
            json_decref(next);
            next = json_incref(json_object_get(last, "id"));
            break;
        }
        json_array_append_new(items, match_json(st));
    }
    db_stmt_done(st);
    if (rc < 0) {
        json_decref(items);
        json_decref(next);
        return rc;
    }
    *out = json_pack("{s:o, s:I, s:o}", "items", items, "total", (json_int_t)total, "next", next);
    return 0;
}

/* ---- cancelling ---- */

/* The sides of match `id` that `who` sees (both, or BH_ENOTFOUND), and its status. */
static int match_sides(struct db *db, const struct principal *who, const char *id,
                       struct side *need, struct side *offer, char status[16], struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT nd.id, ofr.id, m.status FROM capacity_match m "
                   "JOIN capacity_need nd ON nd.n = m.need_n "
                   "JOIN capacity_offer ofr ON ofr.n = m.offer_n WHERE m.id = ? AND ");
    db_params_text(&params, id);
    both_sides_visible(who, &sql, &params);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    char need_id[64] = "", offer_id[64] = "";
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        copy_text(need_id, sizeof need_id, db_column_text(st, 0));
        copy_text(offer_id, sizeof offer_id, db_column_text(st, 1));
        copy_text(status, 16, db_column_text(st, 2));
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (rc != DB_ROW)
        return bh_fail(err, BH_ENOTFOUND, "id", "no match '%.40s'", id);
    rc = side_load(db, who, false, need_id, need, err);
    return rc ? rc : side_load(db, who, true, offer_id, offer, err);
}

static int cancel_in_transaction(struct db *db, const struct principal *who, const char *id,
                                 const char *reason, struct bh_error *err)
{
    struct side need = { 0 }, offer = { 0 };
    char status[16] = "";
    int rc = match_sides(db, who, id, &need, &offer, status, err);
    if (!rc)
        rc = own_org_check(who, &need, &offer, err);
    if (!rc && strcmp(status, "confirmed") != 0)
        rc = bh_fail(err, BH_ECONFLICT, "status", "the match is already %s", status);
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if (!rc)
        rc = db_exec_params(db,
                            "UPDATE capacity_match SET status = 'cancelled', cancelled_at = ?, "
                            "cancel_reason = ? WHERE id = ? AND status = 'confirmed'",
                            DB_PARAMS(DB_TEXT(now), DB_TEXT(reason), DB_TEXT(id)), NULL, NULL, err);
    if (!rc) {
        json_t *summary =
            json_pack("{s:s, s:s, s:s}", "need", need.id, "offer", offer.id, "reason", reason);
        rc = audit_append(db, who, "match.cancel", "match", id, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = notify_both(db, "capacity.cancelled", &need, &offer, 0, err);
    return rc;
}

static bool blank(const char *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return false;
    return true;
}

int capacity_match_cancel(struct db *db, const struct principal *who, const char *id,
                          const json_t *body, json_t **out, struct bh_error *err)
{
    *out = NULL;
    static const char *const known[] = { "reason", NULL };
    const char *reason = NULL;
    int rc = coordinator_check(who, err);
    if (!rc && !json_is_object(body))
        rc = bh_fail(err, BH_EINVALID, NULL, "the cancellation must be a JSON object");
    if (!rc)
        rc = jsonfield_check_known(body, known, err);
    if (!rc)
        rc = jsonfield_string(body, "reason", true, CAPACITY_NOTE_MAX, &reason, err);
    if (!rc && blank(reason))
        rc = bh_fail(err, BH_EINVALID, "reason", "a cancellation needs a reason");
    if (rc || (rc = db_begin(db, err)))
        return rc;
    rc = cancel_in_transaction(db, who, id ? id : "", reason, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    feed_notify();
    return capacity_match_get(db, who, id, out, err);
}
