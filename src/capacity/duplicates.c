/* Duplicated support: two providers paying for the same thing. Two shapes are flagged: a need
 * served by two or more providers (confirmed matches, and training deliveries that were not
 * cancelled and name the need), and offers of one capability made to the same contributor by
 * two or more providers in overlapping periods (still open, so still avoidable). Each is one
 * set-based query; every record read goes through its predicate, so a reader is never shown
 * an item built on a record they may not see. */
#include "capacity/capacity.h"

#include "base/timeutil.h"

#include <stdio.h>
#include <string.h>

static json_t *org_json(struct db_stmt *st, int code, int name)
{
    return json_pack("{s:s, s:s}", "code", db_column_text(st, code), "name",
                     db_column_text(st, name));
}

/* The support each provider gave each need, counted only from what `who` sees: matches
 * whose offer they read (the need is checked by the caller), deliveries of courses they
 * read. */
static void support_cte(const struct principal *who, struct buf *sql, struct db_params *params)
{
    buf_puts(sql, "WITH support (need_n, org_id, via, quantity) AS (SELECT m.need_n, "
                  "ofr.owner_org_id, 'match', sum(m.quantity) FROM capacity_match m JOIN "
                  "capacity_offer ofr ON ofr.n = m.offer_n WHERE m.status = 'confirmed' AND ");
    capacity_offer_predicate(who, "ofr", sql, params);
    buf_puts(sql, " GROUP BY m.need_n, ofr.owner_org_id UNION ALL SELECT tn.need_n, "
                  "c.owner_org_id, 'training', sum(tn.seats) FROM training_need tn JOIN "
                  "training_delivery d ON d.n = tn.delivery_n JOIN training_course c ON c.n = "
                  "d.course_n WHERE d.status <> 'cancelled' AND ");
    capacity_training_predicate(who, "c", sql, params);
    buf_puts(sql, " GROUP BY tn.need_n, c.owner_org_id), "
                  "flagged (need_n) AS (SELECT need_n FROM support GROUP BY need_n "
                  "HAVING count(DISTINCT org_id) >= 2) ");
}

enum {
    S_ID,
    S_TITLE,
    S_CODE,
    S_NAME,
    S_CAPABILITY,
    S_QUANTITY,
    S_UNIT,
    S_PCODE,
    S_PNAME,
    S_VIA,
    S_QTY
};

static int same_need(struct db *db, const struct principal *who, json_t *items,
                     struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    support_cte(who, &sql, &params);
    buf_puts(&sql, "SELECT nd.id, nd.title, nog.code, nog.name, nd.capability, nd.quantity, "
                   "nd.unit, po.code, po.name, s.via, s.quantity FROM flagged f "
                   "JOIN capacity_need nd ON nd.n = f.need_n "
                   "JOIN org nog ON nog.id = nd.owner_org_id "
                   "JOIN support s ON s.need_n = f.need_n JOIN org po ON po.id = s.org_id WHERE ");
    capacity_need_predicate(who, "nd", &sql, &params);
    buf_puts(&sql, " ORDER BY nd.n, po.code, s.via");
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    json_t *item = NULL;
    int64_t total = 0, quantity = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *id = db_column_text(st, S_ID);
        if (!item || strcmp(json_string_value(json_object_get(json_object_get(item, "need"), "id")),
                            id) != 0) {
            quantity = db_column_int(st, S_QUANTITY);
            total = 0;
            item = json_pack("{s:s, s:{s:s, s:s, s:o, s:s, s:I, s:s}, s:[], s:I, s:b}", "kind",
                             "same_need", "need", "id", id, "title", db_column_text(st, S_TITLE),
                             "org", org_json(st, S_CODE, S_NAME), "capability",
                             db_column_text(st, S_CAPABILITY), "quantity", (json_int_t)quantity,
                             "unit", db_column_text(st, S_UNIT), "providers", "total",
                             (json_int_t)0, "over", 0);
            json_array_append_new(items, item);
        }
        int64_t q = db_column_int(st, S_QTY);
        json_array_append_new(json_object_get(item, "providers"),
                              json_pack("{s:s, s:s, s:I, s:s}", "code", db_column_text(st, S_PCODE),
                                        "name", db_column_text(st, S_PNAME), "quantity",
                                        (json_int_t)q, "via", db_column_text(st, S_VIA)));
        total += q;
        json_object_set_new(item, "total", json_integer(total));
        json_object_set_new(item, "over", json_boolean(total > quantity));
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

enum {
    V_FCODE,
    V_FNAME,
    V_CAPABILITY,
    V_ID,
    V_TITLE,
    V_OCODE,
    V_ONAME,
    V_CAPACITY,
    V_UNIT,
    V_STARTS,
    V_ENDS
};

/* Open offers made to one contributor that overlap another provider's offer of the same
 * capability to that contributor; grouped by contributor and capability. */
static int overlapping_offers(struct db *db, const struct principal *who, json_t *items,
                              struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT fo.code, fo.name, a.capability, a.id, a.title, ao.code, ao.name, "
                   "a.capacity, a.unit, a.starts_on, a.ends_on FROM capacity_offer a "
                   "JOIN org fo ON fo.id = a.for_org_id JOIN org ao ON ao.id = a.owner_org_id "
                   "WHERE a.status = 'open' AND ");
    capacity_offer_predicate(who, "a", &sql, &params);
    buf_puts(&sql, " AND EXISTS (SELECT 1 FROM capacity_offer b WHERE b.status = 'open' AND "
                   "b.for_org_id = a.for_org_id AND b.capability = a.capability AND "
                   "b.owner_org_id <> a.owner_org_id AND b.starts_on <= a.ends_on AND "
                   "a.starts_on <= b.ends_on AND ");
    capacity_offer_predicate(who, "b", &sql, &params);
    buf_puts(&sql, ") ORDER BY fo.code, a.capability, a.starts_on, a.n");
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    json_t *item = NULL;
    char key[160] = "";
    while ((rc = db_step(st, err)) == DB_ROW) {
        char this_key[160];
        snprintf(this_key, sizeof this_key, "%s %s", db_column_text(st, V_FCODE),
                 db_column_text(st, V_CAPABILITY));
        if (!item || strcmp(key, this_key) != 0) {
            snprintf(key, sizeof key, "%s", this_key);
            item = json_pack("{s:s, s:o, s:s, s:[]}", "kind", "overlapping_offers", "contributor",
                             org_json(st, V_FCODE, V_FNAME), "capability",
                             db_column_text(st, V_CAPABILITY), "offers");
            json_array_append_new(items, item);
        }
        json_array_append_new(
            json_object_get(item, "offers"),
            json_pack("{s:s, s:s, s:o, s:I, s:s, s:s, s:s}", "id", db_column_text(st, V_ID),
                      "title", db_column_text(st, V_TITLE), "org", org_json(st, V_OCODE, V_ONAME),
                      "capacity", (json_int_t)db_column_int(st, V_CAPACITY), "unit",
                      db_column_text(st, V_UNIT), "starts_on", db_column_text(st, V_STARTS),
                      "ends_on", db_column_text(st, V_ENDS)));
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int capacity_duplicates(struct db *db, const struct principal *who, json_t **out,
                        struct bh_error *err)
{
    *out = NULL;
    json_t *items = json_array();
    int rc = same_need(db, who, items, err);
    if (!rc)
        rc = overlapping_offers(db, who, items, err);
    if (rc) {
        json_decref(items);
        return rc;
    }
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    *out = json_pack("{s:s, s:o}", "as_of", now, "items", items);
    return 0;
}
