/* The gap reports: what is still missing per mission and per contributing country, over the
 * open needs the reader sees. The store sums each need's confirmed matches (only those whose
 * offer the reader also sees: an aggregate never counts what its reader could not read); the
 * grouping, the shares and the medians are done here, because a median is not portable SQL. */
#include "capacity/capacity.h"

#include "base/mem.h"
#include "base/timeutil.h"
#include "formats/hxl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000.0

/* One open need as the report counts it. */
struct fact {
    char *key, *name, *category;
    bool critical;
    int64_t quantity, covered; /* covered: capped at the quantity */
    bool matched;
    double days; /* creation to first confirmed match, when matched */
};

/* The figures of one row (or of the totals). */
struct tally {
    int64_t needs, unmet, fully, critical_unmet, matched;
    double share_sum;
    double *days;
    size_t ndays;
    json_t *by_category;
};

static double round_to(double x, double scale)
{
    return round(x * scale) / scale;
}

static void tally_add(struct tally *t, const struct fact *f)
{
    bool unmet = f->covered < f->quantity;
    t->needs++;
    t->unmet += unmet;
    t->fully += !unmet;
    t->critical_unmet += unmet && f->critical;
    t->share_sum += (double)f->covered / (double)f->quantity;
    if (f->matched) {
        t->matched++;
        t->days = xrealloc(t->days, (t->ndays + 1) * sizeof *t->days);
        t->days[t->ndays++] = f->days;
    }
    json_t *c = json_object_get(t->by_category, f->category);
    if (!c) {
        c = json_pack("{s:I, s:I}", "needs", (json_int_t)0, "unmet", (json_int_t)0);
        json_object_set_new(t->by_category, f->category, c);
    }
    json_object_set_new(c, "needs",
                        json_integer(json_integer_value(json_object_get(c, "needs")) + 1));
    json_object_set_new(c, "unmet",
                        json_integer(json_integer_value(json_object_get(c, "unmet")) + unmet));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static json_t *median_json(double *v, size_t n)
{
    if (!n)
        return json_null();
    qsort(v, n, sizeof *v, cmp_double);
    double m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return json_real(round_to(m, 10));
}

/* Sets the figures of `t` on `o` and releases what `t` holds. */
static void tally_finish(struct tally *t, json_t *o)
{
    double share = t->needs ? round_to(t->share_sum / (double)t->needs, 1000) : 0;
    json_object_set_new(o, "needs", json_integer(t->needs));
    json_object_set_new(o, "unmet", json_integer(t->unmet));
    json_object_set_new(o, "covered_share", json_real(share));
    json_object_set_new(o, "fully_covered", json_integer(t->fully));
    json_object_set_new(o, "critical_unmet", json_integer(t->critical_unmet));
    json_object_set_new(o, "matched", json_integer(t->matched));
    json_object_set_new(o, "median_days_to_match", median_json(t->days, t->ndays));
    json_object_set_new(o, "by_category", t->by_category);
    free(t->days);
    memset(t, 0, sizeof *t);
}

/* The sum and the first time of the confirmed matches of need `n` whose offer `who` sees, as
 * SQL over the need's alias `n`; `what` is "COALESCE(SUM(m.quantity), 0)" or
 * "MIN(m.confirmed_at)". */
static void visible_matches(const struct principal *who, const char *what, struct buf *sql,
                            struct db_params *params)
{
    buf_printf(sql,
               "(SELECT %s FROM capacity_match m JOIN capacity_offer f ON f.n = m.offer_n "
               "WHERE m.need_n = n.n AND m.status = 'confirmed' AND ",
               what);
    capacity_offer_predicate(who, "f", sql, params);
    buf_puts(sql, ")");
}

static double days_between(const char *from, const char *to)
{
    int64_t a = 0, b = 0;
    struct bh_error ignored;
    if (!from || !to || time_parse_rfc3339(from, &a, NULL, &ignored) ||
        time_parse_rfc3339(to, &b, NULL, &ignored))
        return 0;
    return (double)(b - a) / DAY_MS;
}

static void facts_free(struct fact *facts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(facts[i].key);
        free(facts[i].name);
        free(facts[i].category);
    }
    free(facts);
}

/* Every open need `who` sees, keyed by mission or organization. */
static int read_facts(struct db *db, const struct principal *who, bool by_mission,
                      struct fact **out, size_t *count, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, by_mission ? "SELECT COALESCE(n.mission, ''), COALESCE(mi.name, ''), "
                              : "SELECT o.code, o.name, ");
    buf_puts(&sql, "n.category, n.priority, n.quantity, n.created_at, ");
    visible_matches(who, "COALESCE(SUM(m.quantity), 0)", &sql, &params);
    buf_puts(&sql, ", ");
    visible_matches(who, "MIN(m.confirmed_at)", &sql, &params);
    buf_puts(&sql, " FROM capacity_need n JOIN org o ON o.id = n.owner_org_id LEFT JOIN mission mi "
                   "ON mi.acronym = n.mission WHERE n.status = 'open' AND ");
    capacity_need_predicate(who, "n", &sql, &params);
    struct db_stmt *st;
    int rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    struct fact *facts = NULL;
    size_t n = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        facts = xrealloc(facts, (n + 1) * sizeof *facts);
        struct fact *f = &facts[n++];
        f->key = xstrdup(db_column_text(st, 0));
        f->name = xstrdup(db_column_text(st, 1));
        f->category = xstrdup(db_column_text(st, 2));
        f->critical = strcmp(db_column_text(st, 3), "critical") == 0;
        f->quantity = db_column_int(st, 4);
        int64_t sum = db_column_int(st, 6);
        f->covered = sum < f->quantity ? sum : f->quantity;
        f->matched = !db_column_is_null(st, 7);
        f->days = f->matched ? days_between(db_column_text(st, 5), db_column_text(st, 7)) : 0;
    }
    db_stmt_done(st);
    if (rc < 0) {
        facts_free(facts, n);
        return rc;
    }
    *out = facts;
    *count = n;
    return 0;
}

static int cmp_fact_key(const void *a, const void *b)
{
    return strcmp(((const struct fact *)a)->key, ((const struct fact *)b)->key);
}

static int cmp_row(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int64_t ux = json_integer_value(json_object_get(x, "unmet"));
    int64_t uy = json_integer_value(json_object_get(y, "unmet"));
    if (ux != uy)
        return ux > uy ? -1 : 1;
    return strcmp(json_string_value(json_object_get(x, "key")),
                  json_string_value(json_object_get(y, "key")));
}

/* The rows, one per key, sorted by unmet descending then key, and the totals. */
static void build_rows(struct fact *facts, size_t n, json_t *rows, json_t *totals)
{
    if (n) /* qsort may not be given NULL, even for nothing */
        qsort(facts, n, sizeof *facts, cmp_fact_key);
    struct tally all = { .by_category = json_object() };
    json_t **list = xmalloc((n ? n : 1) * sizeof *list);
    size_t nrows = 0;
    for (size_t i = 0; i < n;) {
        struct tally t = { .by_category = json_object() };
        size_t j = i;
        for (; j < n && strcmp(facts[j].key, facts[i].key) == 0; j++) {
            tally_add(&t, &facts[j]);
            tally_add(&all, &facts[j]);
        }
        json_t *row = json_pack("{s:s, s:s}", "key", facts[i].key, "name", facts[i].name);
        tally_finish(&t, row);
        list[nrows++] = row;
        i = j;
    }
    qsort(list, nrows, sizeof *list, cmp_row);
    for (size_t i = 0; i < nrows; i++)
        json_array_append_new(rows, list[i]);
    free(list);
    tally_finish(&all, totals);
}

int capacity_gaps(struct db *db, const struct principal *who, const char *by, int64_t now_ms,
                  json_t **out, struct bh_error *err)
{
    *out = NULL;
    if (!by || !*by)
        by = "mission";
    bool by_mission = strcmp(by, "mission") == 0;
    if (!by_mission && strcmp(by, "org") != 0)
        return bh_fail(err, BH_EINVALID, "by", "by must be mission or org, not '%.40s'", by);
    struct fact *facts = NULL;
    size_t n = 0;
    int rc = read_facts(db, who, by_mission, &facts, &n, err);
    if (rc)
        return rc;
    char as_of[40];
    time_format_rfc3339(now_ms, 0, false, as_of);
    json_t *rows = json_array(), *totals = json_object();
    build_rows(facts, n, rows, totals);
    facts_free(facts, n);
    *out =
        json_pack("{s:s, s:s, s:o, s:o}", "by", by, "as_of", as_of, "rows", rows, "totals", totals);
    return 0;
}

/* ---- CSV ---- */

static void csv_int(struct buf *out, const json_t *o, const char *member)
{
    char s[32];
    snprintf(s, sizeof s, "%lld", (long long)json_integer_value(json_object_get(o, member)));
    hxl_csv_field(out, s, false);
}

/* One row: its key and name, then the figures in the header's order. */
static void csv_row(struct buf *out, const char *key, const char *name, const json_t *o)
{
    char s[32];
    hxl_csv_field(out, key, true);
    hxl_csv_field(out, name, false);
    csv_int(out, o, "needs");
    csv_int(out, o, "unmet");
    snprintf(s, sizeof s, "%.3f", json_number_value(json_object_get(o, "covered_share")));
    hxl_csv_field(out, s, false);
    csv_int(out, o, "fully_covered");
    csv_int(out, o, "critical_unmet");
    csv_int(out, o, "matched");
    const json_t *median = json_object_get(o, "median_days_to_match");
    if (json_is_number(median)) {
        snprintf(s, sizeof s, "%.1f", json_number_value(median));
        hxl_csv_field(out, s, false);
    } else {
        hxl_csv_field(out, "", false);
    }
    const json_t *cats = json_object_get(o, "by_category");
    for (size_t i = 0; capacity_categories[i]; i++) {
        const json_t *c = json_object_get(cats, capacity_categories[i]);
        snprintf(s, sizeof s, "%lld", (long long)json_integer_value(json_object_get(c, "needs")));
        hxl_csv_field(out, s, false);
        snprintf(s, sizeof s, "%lld", (long long)json_integer_value(json_object_get(c, "unmet")));
        hxl_csv_field(out, s, false);
    }
    hxl_csv_end_row(out);
}

void capacity_gaps_csv(const json_t *report, struct buf *out)
{
    static const char *const head[] = { "key",
                                        "name",
                                        "needs",
                                        "unmet",
                                        "covered_share",
                                        "fully_covered",
                                        "critical_unmet",
                                        "matched",
                                        "median_days_to_match",
                                        NULL };
    for (size_t i = 0; head[i]; i++)
        hxl_csv_field(out, head[i], i == 0);
    char col[64];
    for (size_t i = 0; capacity_categories[i]; i++) {
        snprintf(col, sizeof col, "%s_needs", capacity_categories[i]);
        hxl_csv_field(out, col, false);
        snprintf(col, sizeof col, "%s_unmet", capacity_categories[i]);
        hxl_csv_field(out, col, false);
    }
    hxl_csv_end_row(out);
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(report, "rows"), i, row)
    {
        csv_row(out, json_string_value(json_object_get(row, "key")),
                json_string_value(json_object_get(row, "name")), row);
    }
    csv_row(out, "total", "", json_object_get(report, "totals"));
}
