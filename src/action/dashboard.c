/* The coordination dashboards: counts and lists read straight from the tables of migration
 * 0026. Each table is read through its own sharing predicate (record types "action",
 * "commitment", "proposal", "decision", "meeting"), and the predicate is part of the one SQL
 * statement that counts, so a figure can never include a row the reader may not see: there is
 * no second step that could forget to filter. */
#include "action/dashboard.h"

#include "base/timeutil.h"
#include "base/tz.h"
#include "formats/hxl.h"
#include "sharing/sharing.h"

#include <stdio.h>
#include <string.h>

#define DAY_MS 86400000LL

static json_t *instant(int64_t ms)
{
    char s[40];
    time_format_rfc3339(ms, 0, false, s);
    return json_string(s);
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Runs `sql` with `params` (released) and calls `row` for each row. */
typedef void (*row_fn)(struct db_stmt *st, void *ctx);

static int each_row(struct db *db, struct buf *sql, struct db_params *params, row_fn row, void *ctx,
                    struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(sql), params, &st, err);
    buf_cleanup(sql);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW)
        row(st, ctx);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* The status counts of a set of actions: the SELECT list shared by the summary and the
 * implementation table. Its one `?` is now. */
#define STATUS_COUNTS                                                                \
    "count(*), sum(a.status = 'planned'), sum(a.status = 'in_progress'), "           \
    "sum(a.status = 'done'), sum(a.status = 'blocked'), sum(a.status = 'dropped'), " \
    "sum(a.status NOT IN ('done', 'dropped') AND a.due_ms <= ?)"

static const char *const status_names[] = { "total",   "planned", "in_progress", "done",
                                            "blocked", "dropped", "overdue" };

/* Sets the seven counts from columns `col`.. of `st` into `o`. */
static void put_counts(json_t *o, struct db_stmt *st, int col)
{
    for (int i = 0; i < 7; i++)
        json_object_set_new(o, status_names[i], json_integer(db_column_int(st, col + i)));
}

/* ---- summary ---- */

static void proposal_row(struct db_stmt *st, void *ctx)
{
    json_object_set_new(ctx, db_column_text(st, 0), json_integer(db_column_int(st, 1)));
}

static void counts_row(struct db_stmt *st, void *ctx)
{
    put_counts(ctx, st, 0);
}

static void deadline_row(struct db_stmt *st, void *ctx)
{
    json_t **next = ctx;
    *next = json_pack("{s:s, s:s, s:s}", "id", db_column_text(st, 0), "title",
                      db_column_text(st, 1), "deadline", db_column_text(st, 2));
}

static int count_visible(struct db *db, const struct principal *who, const char *table,
                         const char *type, const char *extra, int64_t now_ms, int64_t *n,
                         struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_printf(&sql, "SELECT count(*) FROM %s r WHERE ", table);
    sharing_predicate(who, type, "r", &sql, &params);
    if (extra) {
        buf_puts(&sql, extra);
        db_params_int(&params, now_ms);
    }
    *n = 0;
    int rc = db_exec_params(db, buf_str(&sql), &params, n, NULL, err);
    buf_cleanup(&sql);
    db_params_cleanup(&params);
    return rc;
}

int action_dashboard_summary(struct db *db, const struct principal *who, int64_t now_ms,
                             json_t **out, struct bh_error *err)
{
    *out = NULL;
    json_t *proposals = json_pack("{s:i, s:i, s:i, s:i}", "open", 0, "adopted", 0, "not_adopted", 0,
                                  "withdrawn", 0);
    json_t *actions = json_object();
    json_t *next = NULL;
    int64_t commitments = 0, meetings = 0;

    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT p.status, count(*) FROM proposal p WHERE ");
    sharing_predicate(who, "proposal", "p", &sql, &params);
    buf_puts(&sql, " GROUP BY p.status");
    int rc = each_row(db, &sql, &params, proposal_row, proposals, err);

    if (!rc) {
        buf_puts(&sql, "SELECT " STATUS_COUNTS " FROM mission_action a WHERE ");
        db_params_int(&params, now_ms);
        sharing_predicate(who, "action", "a", &sql, &params);
        rc = each_row(db, &sql, &params, counts_row, actions, err);
    }
    if (!rc)
        rc = count_visible(db, who, "commitment", "commitment", NULL, now_ms, &commitments, err);
    if (!rc)
        rc =
            count_visible(db, who, "meeting", "meeting",
                          " AND r.status = 'planned' AND r.starts_ms >= ?", now_ms, &meetings, err);
    if (!rc) {
        buf_puts(&sql, "SELECT p.id, p.title, p.deadline FROM proposal p WHERE p.status = 'open' "
                       "AND p.deadline_ms > ? AND ");
        db_params_int(&params, now_ms);
        sharing_predicate(who, "proposal", "p", &sql, &params);
        buf_puts(&sql, " ORDER BY p.deadline_ms, p.id LIMIT 1");
        rc = each_row(db, &sql, &params, deadline_row, &next, err);
    }
    buf_cleanup(&sql);
    db_params_cleanup(&params);
    if (rc) {
        json_decref(proposals);
        json_decref(actions);
        json_decref(next);
        return rc;
    }
    *out = json_pack("{s:o, s:o, s:I, s:o, s:o, s:I}", "as_of", instant(now_ms), "proposals",
                     proposals, "commitments", (json_int_t)commitments, "actions", actions,
                     "next_deadline", next ? next : json_null(), "meetings_upcoming",
                     (json_int_t)meetings);
    return 0;
}

/* ---- implementation ---- */

static bool one_of(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(v, *list) == 0)
            return true;
    return false;
}

static const char *const sources[] = { "group", "a4p", "ap2017", NULL };
static const char *const a4p_areas[] = { "politics",        "wps",         "protection",
                                         "safety_security", "performance", "peacebuilding",
                                         "partnerships",    "conduct",     NULL };
static const char *const ap2017_areas[] = { "mindsets", "capacities", "footprint", "accountability",
                                            NULL };

static int check_filter(const char *name, const char *v, const char *const *list, const char *names,
                        struct bh_error *err)
{
    if (!v || !*v || one_of(v, list))
        return 0;
    return bh_fail(err, BH_EINVALID, name, "%s '%.40s' is not one of %s", name, v, names);
}

static void impl_row(struct db_stmt *st, void *ctx)
{
    json_t *o = json_object();
    json_object_set_new(o, "key", text_or_null(db_column_text(st, 0)));
    json_object_set_new(o, "label", text_or_null(db_column_text(st, 1)));
    put_counts(o, st, 2);
    int64_t total = db_column_int(st, 2), done = db_column_int(st, 5),
            dropped = db_column_int(st, 7);
    /* Dropped actions are out of the denominator: a commitment whose remaining actions are all
     * done is fully implemented, whatever was abandoned on the way (with its reason). */
    json_object_set_new(o, "done_share",
                        total - dropped > 0 ? json_real((double)done / (double)(total - dropped))
                                            : json_null());
    json_array_append_new(ctx, o);
}

/* The commitment of each action, when its reader may see it (else c.* is NULL), so that a
 * hidden commitment's title never shows and its source never matches a filter. */
static void join_commitment(const struct principal *who, struct buf *sql, struct db_params *params)
{
    buf_puts(sql, " LEFT JOIN commitment c ON c.id = a.commitment_id AND ");
    sharing_predicate(who, "commitment", "c", sql, params);
}

int action_dashboard_implementation(struct db *db, const struct principal *who, int64_t now_ms,
                                    const struct action_dashboard_query *q, json_t **out,
                                    struct bh_error *err)
{
    *out = NULL;
    const char *by = q->by ? q->by : "commitment";
    static const char *const bys[] = { "commitment", "mission", "org", NULL };
    if (!one_of(by, bys))
        return bh_fail(err, BH_EINVALID, "by", "by '%.40s' is not one of commitment, mission, org",
                       by);
    int rc = check_filter("source", q->source, sources, "group, a4p, ap2017", err);
    if (!rc)
        rc = check_filter("a4p_area", q->a4p_area, a4p_areas,
                          "politics, wps, protection, safety_security, performance, "
                          "peacebuilding, partnerships, conduct",
                          err);
    if (!rc)
        rc = check_filter("ap2017_area", q->ap2017_area, ap2017_areas,
                          "mindsets, capacities, footprint, accountability", err);
    if (rc)
        return rc;

    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    const char *key = strcmp(by, "commitment") == 0 ? "c.id, c.title"
                      : strcmp(by, "mission") == 0  ? "a.mission, m.name"
                                                    : "o.code, o.name";
    buf_printf(&sql, "SELECT %s, " STATUS_COUNTS " FROM mission_action a", key);
    db_params_int(&params, now_ms);
    join_commitment(who, &sql, &params);
    buf_puts(&sql, " JOIN mission m ON m.acronym = a.mission"
                   " JOIN org o ON o.id = a.responsible_org_id WHERE ");
    sharing_predicate(who, "action", "a", &sql, &params);
    const char *cols[] = { "source", "a4p_area", "ap2017_area" };
    const char *vals[] = { q->source, q->a4p_area, q->ap2017_area };
    for (int i = 0; i < 3; i++)
        if (vals[i] && *vals[i]) {
            buf_printf(&sql, " AND c.%s = ?", cols[i]);
            db_params_text(&params, vals[i]);
        }
    buf_printf(&sql, " GROUP BY 1 ORDER BY 2 IS NULL, 2, 1");
    json_t *rows = json_array();
    rc = each_row(db, &sql, &params, impl_row, rows, err);
    if (rc) {
        json_decref(rows);
        return rc;
    }
    *out = json_pack("{s:o, s:s, s:o}", "as_of", instant(now_ms), "by", by, "rows", rows);
    return 0;
}

/* ---- overdue ---- */

struct overdue_ctx {
    json_t *items;
    int64_t now_ms;
};

static void overdue_row(struct db_stmt *st, void *ctx)
{
    struct overdue_ctx *c = ctx;
    int64_t due = db_column_int(st, 8);
    json_t *commitment =
        db_column_is_null(st, 2)
            ? json_null()
            : json_pack("{s:s, s:s}", "id", db_column_text(st, 2), "title", db_column_text(st, 3));
    /* The due instant as the action's own zone writes it; a zone ICU does not know (never
     * stored by the module, which checks it) gives null rather than a wrong offset. */
    char local[40];
    struct bh_error zerr;
    const char *zone = db_column_text(st, 7);
    json_t *due_local =
        tz_format_local(zone, due, local, &zerr) == 0 ? json_string(local) : json_null();
    json_t *o = json_pack(
        "{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:o, s:o, s:I, s:s}", "id", db_column_text(st, 0),
        "title", db_column_text(st, 1), "commitment", commitment, "mission", db_column_text(st, 4),
        "responsible_org", db_column_text(st, 5), "due_date", db_column_text(st, 6), "time_zone",
        zone, "due_at", instant(due), "due_at_local", due_local, "days_overdue",
        (json_int_t)((c->now_ms - due) / DAY_MS), "status", db_column_text(st, 9));
    json_array_append_new(c->items, o);
}

int action_dashboard_overdue(struct db *db, const struct principal *who, int64_t now_ms,
                             const char *mission, const char *responsible_org, json_t **out,
                             struct bh_error *err)
{
    *out = NULL;
    bool found = true;
    int rc = 0;
    /* A filter naming nothing known is a mistake to point out, not an empty list to trust. */
    if (mission && *mission) {
        rc = db_exec_params(db, "SELECT 1 FROM mission WHERE acronym = ?",
                            DB_PARAMS(DB_TEXT(mission)), NULL, &found, err);
        if (!rc && !found)
            return bh_fail(err, BH_EINVALID, "mission", "no UN mission has the acronym '%.40s'",
                           mission);
    }
    if (!rc && responsible_org && *responsible_org) {
        rc = db_exec_params(db, "SELECT 1 FROM org WHERE code = ?",
                            DB_PARAMS(DB_TEXT(responsible_org)), NULL, &found, err);
        if (!rc && !found)
            return bh_fail(err, BH_EINVALID, "responsible_org",
                           "no organization has the code '%.40s'", responsible_org);
    }
    if (rc)
        return rc;

    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT a.id, a.title, c.id, c.title, a.mission, o.code, a.due_date, "
                   "a.time_zone, a.due_ms, a.status FROM mission_action a");
    join_commitment(who, &sql, &params);
    buf_puts(&sql, " JOIN org o ON o.id = a.responsible_org_id WHERE a.status NOT IN ('done', "
                   "'dropped') AND a.due_ms <= ? AND ");
    db_params_int(&params, now_ms);
    sharing_predicate(who, "action", "a", &sql, &params);
    if (mission && *mission) {
        buf_puts(&sql, " AND a.mission = ?");
        db_params_text(&params, mission);
    }
    if (responsible_org && *responsible_org) {
        buf_puts(&sql, " AND o.code = ?");
        db_params_text(&params, responsible_org);
    }
    buf_puts(&sql, " ORDER BY a.due_ms, a.id");
    struct overdue_ctx c = { json_array(), now_ms };
    rc = each_row(db, &sql, &params, overdue_row, &c, err);
    if (rc) {
        json_decref(c.items);
        return rc;
    }
    *out = json_pack("{s:o, s:o}", "as_of", instant(now_ms), "items", c.items);
    return 0;
}

/* ---- timeline ---- */

/* The first instant of day `s` (YYYY-MM-DD) in UTC. */
static int day_start(const char *name, const char *s, int64_t *ms, struct bh_error *err)
{
    int y, m, d;
    struct bh_error perr;
    if (strlen(s) != 10 || time_parse_date(s, &y, &m, &d, &perr) != 0)
        return bh_fail(err, BH_EINVALID, name, "%s '%.40s' is not a date (YYYY-MM-DD)", name, s);
    *ms = time_days_from_civil(y, m, d) * DAY_MS;
    return 0;
}

/* `ms`'s UTC day moved by `months` months, as YYYY-MM-DD (the day kept, clamped to 28 so it
 * exists in every month). */
static void month_shift(int64_t ms, int months, char out[40])
{
    int y, m, d;
    time_civil_from_days(ms / DAY_MS, &y, &m, &d);
    int total = y * 12 + (m - 1) + months;
    snprintf(out, 40, "%04d-%02d-%02d", total / 12, total % 12 + 1, d > 28 ? 28 : d);
}

struct timeline_ctx {
    json_t *items;
    int n;
};

static const char *const links[] = { "meeting",     "/meetings/", "proposal",
                                     "/proposals/", "decision",   "/decisions/",
                                     "action",      "/actions/",  NULL };

static void timeline_row(struct db_stmt *st, void *ctx)
{
    struct timeline_ctx *c = ctx;
    if (++c->n > ACTION_DASHBOARD_TIMELINE_MAX)
        return;
    const char *kind = db_column_text(st, 1), *id = db_column_text(st, 3);
    const char *prefix = "";
    for (int i = 0; links[i]; i += 2)
        if (strncmp(kind, links[i], strlen(links[i])) == 0)
            prefix = links[i + 1];
    char link[128];
    snprintf(link, sizeof link, "%s%s", prefix, id);
    json_array_append_new(c->items, json_pack("{s:o, s:s, s:s, s:s, s:s}", "at",
                                              instant(db_column_int(st, 0)), "kind", kind, "title",
                                              db_column_text(st, 2), "id", id, "link", link));
}

int action_dashboard_timeline(struct db *db, const struct principal *who, int64_t now_ms,
                              const char *from, const char *to, json_t **out, struct bh_error *err)
{
    *out = NULL;
    char dfrom[40], dto[40];
    month_shift(now_ms, -12, dfrom);
    month_shift(now_ms, 6, dto);
    if (from && *from)
        snprintf(dfrom, sizeof dfrom, "%.10s", from);
    if (to && *to)
        snprintf(dto, sizeof dto, "%.10s", to);
    int64_t lo = 0, hi = 0;
    int rc = day_start("from", from && *from ? from : dfrom, &lo, err);
    if (!rc)
        rc = day_start("to", to && *to ? to : dto, &hi, err);
    if (rc)
        return rc;
    hi += DAY_MS; /* through the end of day `to` */
    if (hi <= lo)
        return bh_fail(err, BH_EINVALID, "to", "to %s is before from %s", dto, dfrom);

    /* One statement for every kind, so SQLite orders and cuts the whole timeline: each part
     * carries its own table's predicate. */
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT at_ms, kind, title, id FROM (SELECT r.starts_ms AS at_ms, 'meeting' AS "
                   "kind, r.title AS title, r.id AS id FROM meeting r WHERE r.status <> "
                   "'cancelled' AND r.starts_ms >= ? AND r.starts_ms < ? AND ");
    db_params_int(&params, lo);
    db_params_int(&params, hi);
    sharing_predicate(who, "meeting", "r", &sql, &params);
    buf_puts(&sql, " UNION ALL SELECT e.at_ms, 'proposal_' || e.kind, r.title, r.id FROM "
                   "proposal_event e JOIN proposal r ON r.id = e.proposal_id WHERE e.kind IN "
                   "('opened', 'adopted', 'not_adopted', 'withdrawn') AND e.at_ms >= ? AND "
                   "e.at_ms < ? AND ");
    db_params_int(&params, lo);
    db_params_int(&params, hi);
    sharing_predicate(who, "proposal", "r", &sql, &params);
    buf_puts(&sql, " UNION ALL SELECT r.decided_ms, 'decision', r.title, r.id FROM decision r "
                   "WHERE r.decided_ms >= ? AND r.decided_ms < ? AND ");
    db_params_int(&params, lo);
    db_params_int(&params, hi);
    sharing_predicate(who, "decision", "r", &sql, &params);
    buf_puts(&sql, " UNION ALL SELECT r.due_ms, 'action_due', r.title, r.id FROM mission_action "
                   "r WHERE r.status <> 'dropped' AND r.due_ms >= ? AND r.due_ms < ? AND ");
    db_params_int(&params, lo);
    db_params_int(&params, hi);
    sharing_predicate(who, "action", "r", &sql, &params);
    buf_puts(&sql, " UNION ALL SELECT r.done_ms, 'action_done', r.title, r.id FROM mission_action "
                   "r WHERE r.status = 'done' AND r.done_ms >= ? AND r.done_ms < ? AND ");
    db_params_int(&params, lo);
    db_params_int(&params, hi);
    sharing_predicate(who, "action", "r", &sql, &params);
    buf_printf(&sql, ") ORDER BY at_ms, kind, id LIMIT %d", ACTION_DASHBOARD_TIMELINE_MAX + 1);
    struct timeline_ctx c = { json_array(), 0 };
    rc = each_row(db, &sql, &params, timeline_row, &c, err);
    if (rc) {
        json_decref(c.items);
        return rc;
    }
    *out = json_pack("{s:o, s:s, s:s, s:b, s:o}", "as_of", instant(now_ms), "from", dfrom, "to",
                     dto, "truncated", c.n > ACTION_DASHBOARD_TIMELINE_MAX, "items", c.items);
    return 0;
}

/* ---- CSV ---- */

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void csv_int(struct buf *out, const json_t *o, const char *key)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)json_integer_value(json_object_get(o, key)));
    hxl_csv_field(out, s, false);
}

void action_dashboard_implementation_csv(const json_t *res, struct buf *out)
{
    buf_puts(out,
             "key,label,total,planned,in_progress,done,blocked,dropped,overdue,done_share\r\n");
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(res, "rows"), i, row)
    {
        hxl_csv_field(out, str(row, "key"), true);
        hxl_csv_field(out, str(row, "label"), false);
        for (int k = 0; k < 7; k++)
            csv_int(out, row, status_names[k]);
        const json_t *share = json_object_get(row, "done_share");
        char s[32] = "";
        if (json_is_number(share))
            snprintf(s, sizeof s, "%.4g", json_number_value(share));
        hxl_csv_field(out, s, false);
        buf_puts(out, "\r\n");
    }
}

void action_dashboard_overdue_csv(const json_t *res, struct buf *out)
{
    buf_puts(out, "id,title,commitment_id,commitment_title,mission,responsible_org,due_date,"
                  "time_zone,due_at,due_at_local,days_overdue,status\r\n");
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(res, "items"), i, row)
    {
        const json_t *c = json_object_get(row, "commitment");
        hxl_csv_field(out, str(row, "id"), true);
        hxl_csv_field(out, str(row, "title"), false);
        hxl_csv_field(out, str(c, "id"), false);
        hxl_csv_field(out, str(c, "title"), false);
        static const char *const keys[] = { "mission",   "responsible_org", "due_date",
                                            "time_zone", "due_at",          "due_at_local" };
        for (int k = 0; k < 6; k++)
            hxl_csv_field(out, str(row, keys[k]), false);
        csv_int(out, row, "days_overdue");
        hxl_csv_field(out, str(row, "status"), false);
        buf_puts(out, "\r\n");
    }
}
