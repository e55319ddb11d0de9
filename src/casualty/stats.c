/* Casualty statistics. One GROUP BY over the records the reader may see: casualty_predicate()
 * is in the WHERE of every count, so an embargoed or restricted record is never counted for
 * someone who could not read it (an aggregate is a read, one number at a time). */
#include "casualty/stats.h"

#include "casualty/internal.h"
#include "formats/hxl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One dimension: the columns it puts in a row (nationality gives two), the SQL that selects,
 * groups and orders them (over alias c), and the HXL hashtag of each column. */
struct dim {
    const char *name;
    const char *columns[2];
    const char *hxl[2];
    const char *select;
    const char *group;
    const char *order;
};

/* Records without an ISO3 code are told apart by the name the source gave them ("Türkiye",
 * "ZZ [Undetermined]"), so they neither vanish into one group nor split the coded ones. The
 * name shown for a code is the UN's when a UN record has it, so figures read as the UN's. */
#define NAT_KEY "CASE WHEN c.nationality_iso3 IS NULL THEN c.nationality ELSE '' END"
#define NAT_NAME \
    "COALESCE(MIN(CASE WHEN c.source = 'un' THEN c.nationality END), MIN(c.nationality))"

static const struct dim dims[CASUALTY_DIM_COUNT] = {
    [CASUALTY_DIM_YEAR] = { "year",
                            { "year" },
                            { "#date+year" },
                            "substr(c.incident_date, 1, 4)",
                            "substr(c.incident_date, 1, 4)",
                            "substr(c.incident_date, 1, 4)" },
    [CASUALTY_DIM_MONTH] = { "month",
                             { "month" },
                             { "#date+month" },
                             "substr(c.incident_date, 1, 7)",
                             "substr(c.incident_date, 1, 7)",
                             "substr(c.incident_date, 1, 7)" },
    [CASUALTY_DIM_MISSION] = { "mission",
                               { "mission" },
                               { "#x_mission" },
                               "c.mission",
                               "c.mission",
                               "c.mission" },
    [CASUALTY_DIM_NATIONALITY] = { "nationality",
                                   { "nationality", "nationality_name" },
                                   { "#country+code+v_iso3", "#country+name" },
                                   "c.nationality_iso3, " NAT_NAME,
                                   "c.nationality_iso3, " NAT_KEY,
                                   "c.nationality_iso3 IS NULL, c.nationality_iso3, " NAT_KEY },
    [CASUALTY_DIM_PERSONNEL_TYPE] = { "personnel_type",
                                      { "personnel_type" },
                                      { "#x_personnel+type" },
                                      "c.personnel_type",
                                      "c.personnel_type",
                                      "c.personnel_type" },
    [CASUALTY_DIM_INCIDENT_TYPE] = { "incident_type",
                                     { "incident_type" },
                                     { "#cause+type" },
                                     "c.incident_type",
                                     "c.incident_type",
                                     "c.incident_type" },
    [CASUALTY_DIM_GENDER] = { "gender",
                              { "gender" },
                              { "#x_gender" },
                              "c.gender",
                              "c.gender",
                              "c.gender" },
    [CASUALTY_DIM_CASUALTY_TYPE] = { "casualty_type",
                                     { "casualty_type" },
                                     { "#impact+type" },
                                     "c.casualty_type",
                                     "c.casualty_type",
                                     "c.casualty_type" },
};

/* The hashtags of the columns every reply may add after the dimensions. The count is of
 * people killed when every counted record is a fatality, else of people affected (the
 * register also holds injuries, missing and abducted). */
#define HXL_KILLED   "#affected+killed"
#define HXL_AFFECTED "#affected"
#define HXL_DEPLOYED "#population+deployed"
#define HXL_RATE     "#indicator+rate"

#define RATE_YEARLY "per 1,000 deployed: the year's world-wide total (deployment_yearly)"
#define RATE_MISSION                                                               \
    "per 1,000 deployed: the average of the mission's monthly totals in the year " \
    "(deployment_monthly)"

const char *casualty_dim_name(enum casualty_dim d)
{
    return d >= 0 && d < CASUALTY_DIM_COUNT ? dims[d].name : NULL;
}

/* The hashtag of a reply column; NULL when unknown. */
static const char *column_tag(const char *column, bool fatalities_only)
{
    for (int d = 0; d < CASUALTY_DIM_COUNT; d++)
        for (int i = 0; i < 2 && dims[d].columns[i]; i++)
            if (strcmp(dims[d].columns[i], column) == 0)
                return dims[d].hxl[i];
    if (strcmp(column, "count") == 0)
        return fatalities_only ? HXL_KILLED : HXL_AFFECTED;
    if (strcmp(column, "deployed") == 0)
        return HXL_DEPLOYED;
    if (strcmp(column, "rate") == 0)
        return HXL_RATE;
    return NULL;
}

void casualty_stats_init(struct casualty_stats_query *q)
{
    memset(q, 0, sizeof *q);
    casualty_filter_init(&q->filter);
}

int casualty_stats_parse_by(struct casualty_stats_query *q, const char *list, struct bh_error *err)
{
    q->nby = 0;
    if (!list || !*list)
        return 0;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        int found = -1;
        for (int d = 0; d < CASUALTY_DIM_COUNT && found < 0; d++)
            if (strlen(dims[d].name) == len && strncmp(dims[d].name, p, len) == 0)
                found = d;
        if (found < 0)
            return bh_fail(err, BH_EINVALID, "by",
                           "cannot group by '%.*s' (year, month, mission, nationality, "
                           "personnel_type, incident_type, gender, casualty_type)",
                           (int)(len > 40 ? 40 : len), p);
        for (int i = 0; i < q->nby; i++)
            if (q->by[i] == (enum casualty_dim)found)
                return bh_fail(err, BH_EINVALID, "by", "'%s' is named twice in by",
                               dims[found].name);
        q->by[q->nby++] = (enum casualty_dim)found;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

/* Which rate the grouping allows: 1 by year, 2 by mission and year, 0 none. */
static int rate_kind(const struct casualty_stats_query *q)
{
    if (q->nby == 1 && q->by[0] == CASUALTY_DIM_YEAR)
        return 1;
    if (q->nby == 2 && ((q->by[0] == CASUALTY_DIM_YEAR && q->by[1] == CASUALTY_DIM_MISSION) ||
                        (q->by[0] == CASUALTY_DIM_MISSION && q->by[1] == CASUALTY_DIM_YEAR)))
        return 2;
    return 0;
}

/* Rounds a positive rate to 4 decimals: more is noise for a count of deaths. */
static double round4(double x)
{
    return (double)(long long)(x * 10000.0 + 0.5) / 10000.0;
}

/* Personnel deployed for the row: the year's world total, or the average of the mission's
 * monthly totals in that year. < 0 when the store has no figure. */
static int deployed_for(struct db *db, int kind, const char *year, const char *mission, double *out,
                        struct bh_error *err)
{
    struct db_stmt *st;
    int rc;
    *out = -1;
    if (kind == 1) {
        rc = db_prepare(db, "SELECT total FROM deployment_yearly WHERE year = ?", &st, err);
        if (rc)
            return rc;
        db_bind_int(st, 1, atoll(year));
    } else {
        char lo[8], hi[8];
        snprintf(lo, sizeof lo, "%.4s-01", year);
        snprintf(hi, sizeof hi, "%.4s-12", year);
        rc = db_prepare(db,
                        "SELECT avg(total) FROM deployment_monthly WHERE mission = ? AND "
                        "month >= ? AND month <= ?",
                        &st, err);
        if (rc)
            return rc;
        db_bind_text(st, 1, mission);
        db_bind_text(st, 2, lo);
        db_bind_text(st, 3, hi);
    }
    rc = db_step(st, err);
    if (rc == DB_ROW && !db_column_is_null(st, 0))
        *out = db_column_double(st, 0);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int add_rate(struct db *db, int kind, json_t *row, struct bh_error *err)
{
    const char *year = json_string_value(json_object_get(row, "year"));
    const char *mission = json_string_value(json_object_get(row, "mission"));
    double deployed;
    int rc = deployed_for(db, kind, year ? year : "0", mission ? mission : "", &deployed, err);
    if (rc)
        return rc;
    if (deployed <= 0) {
        json_object_set_new(row, "deployed", json_null());
        json_object_set_new(row, "rate", json_null());
        return 0;
    }
    double count = (double)json_integer_value(json_object_get(row, "count"));
    /* Deployed is shown in whole persons; the rate uses the unrounded average. */
    json_object_set_new(row, "deployed", json_integer((json_int_t)(deployed + 0.5)));
    json_object_set_new(row, "rate", json_real(round4(count * 1000.0 / deployed)));
    return 0;
}

/* count(*), non-fatalities, distinct nationalities (ISO3 codes), distinct missions. */
static int totals(struct db *db, const char *where, const struct db_params *params, int64_t out[4],
                  struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    buf_printf(&sql,
               "SELECT count(*), sum(CASE WHEN c.casualty_type = 'Fatality' THEN 0 ELSE 1 END), "
               "count(DISTINCT c.nationality_iso3), count(DISTINCT c.mission) FROM casualty c%s",
               where);
    struct db_stmt *st;
    int rc = db_prepare(db, buf_str(&sql), &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    db_params_bind(st, params);
    rc = db_step(st, err);
    for (int i = 0; i < 4; i++)
        out[i] = rc == DB_ROW ? db_column_int(st, i) : 0; /* a NULL sum reads as 0 */
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static int groups(struct db *db, const struct casualty_stats_query *q, const char *where,
                  const struct db_params *params, json_t *rows, struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    buf_puts(&sql, "SELECT ");
    for (int i = 0; i < q->nby; i++)
        buf_printf(&sql, "%s, ", dims[q->by[i]].select);
    buf_printf(&sql, "count(*) FROM casualty c%s", where);
    if (q->nby) {
        buf_puts(&sql, " GROUP BY ");
        for (int i = 0; i < q->nby; i++)
            buf_printf(&sql, "%s%s", i ? ", " : "", dims[q->by[i]].group);
        buf_puts(&sql, " ORDER BY ");
        if (q->top)
            buf_puts(&sql, "count(*) DESC, ");
        for (int i = 0; i < q->nby; i++)
            buf_printf(&sql, "%s%s", i ? ", " : "", dims[q->by[i]].order);
        if (q->top)
            buf_puts(&sql, " LIMIT ?");
    }
    struct db_stmt *st;
    int rc = db_prepare(db, buf_str(&sql), &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    int next = db_params_bind(st, params);
    if (q->nby && q->top)
        db_bind_int(st, next, q->top);
    while ((rc = db_step(st, err)) == DB_ROW) {
        json_t *row = json_object();
        int col = 0;
        for (int i = 0; i < q->nby; i++) {
            const struct dim *d = &dims[q->by[i]];
            for (int k = 0; k < 2 && d->columns[k]; k++, col++) {
                const char *v = db_column_text(st, col);
                json_object_set_new(row, d->columns[k], v ? json_string(v) : json_null());
            }
        }
        json_object_set_new(row, "count", json_integer(db_column_int(st, col)));
        json_array_append_new(rows, row);
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int casualty_stats(struct db *db, const struct principal *who, const struct casualty_stats_query *q,
                   json_t **out, struct bh_error *err)
{
    *out = NULL;
    int kind = rate_kind(q);
    if (q->rate && !kind)
        return bh_fail(err, BH_EINVALID, "rate",
                       "rates per 1,000 deployed need the grouping by=year or by=mission,year");
    if (q->top < 0)
        return bh_fail(err, BH_EINVALID, "top", "top must be a positive number");
    struct buf where = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&where, " WHERE ");
    casualty_predicate(who, "c", &where, &params);
    int rc = casualty__filter_sql(db, &q->filter, &where, &params, err);
    int64_t t[4] = { 0, 0, 0, 0 };
    json_t *rows = json_array();
    if (!rc)
        rc = totals(db, buf_str(&where), &params, t, err);
    if (!rc)
        rc = groups(db, q, buf_str(&where), &params, rows, err);
    buf_cleanup(&where);
    db_params_cleanup(&params);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (!rc && q->rate)
            rc = add_rate(db, kind, row, err);
    }
    if (rc) {
        json_decref(rows);
        return rc;
    }
    json_t *by = json_array();
    for (int k = 0; k < q->nby; k++)
        json_array_append_new(by, json_string(dims[q->by[k]].name));
    json_t *res = json_object();
    json_object_set_new(res, "by", by);
    json_object_set_new(res, "rows", rows);
    json_object_set_new(res, "total", json_integer(t[0]));
    json_object_set_new(res, "fatalities_only", json_boolean(t[1] == 0));
    const struct casualty_filter *f = &q->filter;
    if (f->ytd[0]) {
        char from[11];
        snprintf(from, sizeof from, "%.4s-01-01", f->ytd);
        json_object_set_new(res, "from", json_string(from));
        json_object_set_new(res, "to", json_string(f->ytd));
    } else {
        if (f->from[0])
            json_object_set_new(res, "from", json_string(f->from));
        if (f->to[0])
            json_object_set_new(res, "to", json_string(f->to));
    }
    if (q->distinct)
        json_object_set_new(res, "distinct",
                            json_pack("{s:I, s:I}", "nationalities", (json_int_t)t[2], "missions",
                                      (json_int_t)t[3]));
    if (q->rate)
        json_object_set_new(res, "rate_basis", json_string(kind == 1 ? RATE_YEARLY : RATE_MISSION));
    *out = res;
    return 0;
}

/* ---- formats ---- */

/* The columns of a reply, in order: each dimension's, then count, then deployed and rate. */
static size_t reply_columns(const json_t *result, const char **cols, size_t cap)
{
    size_t n = 0, i;
    json_t *name;
    json_array_foreach(json_object_get(result, "by"), i, name)
    {
        for (int d = 0; d < CASUALTY_DIM_COUNT; d++)
            if (strcmp(dims[d].name, json_string_value(name)) == 0)
                for (int k = 0; k < 2 && dims[d].columns[k] && n < cap; k++)
                    cols[n++] = dims[d].columns[k];
    }
    if (n < cap)
        cols[n++] = "count";
    if (json_object_get(result, "rate_basis") && n + 2 <= cap) {
        cols[n++] = "deployed";
        cols[n++] = "rate";
    }
    return n;
}

/* A cell as text: strings as they are, numbers in full, null as `null_text`. */
static const char *cell(const json_t *v, char *tmp, size_t cap, const char *null_text, int decimals)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(tmp, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return tmp;
    }
    if (json_is_real(v)) {
        if (decimals >= 0)
            snprintf(tmp, cap, "%.*f", decimals, json_real_value(v));
        else
            snprintf(tmp, cap, "%.15g", json_real_value(v));
        return tmp;
    }
    return null_text;
}

void casualty_stats_csv(const json_t *result, struct buf *out)
{
    const char *cols[2 * CASUALTY_DIM_COUNT + 3];
    size_t n = reply_columns(result, cols, sizeof cols / sizeof cols[0]);
    bool killed = json_is_true(json_object_get(result, "fatalities_only"));
    for (size_t i = 0; i < n; i++)
        hxl_csv_field(out, cols[i], i == 0);
    hxl_csv_end_row(out);
    for (size_t i = 0; i < n; i++)
        hxl_csv_field(out, column_tag(cols[i], killed), i == 0);
    hxl_csv_end_row(out);
    size_t r;
    json_t *row;
    json_array_foreach(json_object_get(result, "rows"), r, row)
    {
        for (size_t i = 0; i < n; i++) {
            char tmp[64];
            hxl_csv_field(out, cell(json_object_get(row, cols[i]), tmp, sizeof tmp, "", -1),
                          i == 0);
        }
        hxl_csv_end_row(out);
    }
}

/* Characters on a terminal: UTF-8 continuation bytes take no column ("Côte d'Ivoire"). */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void pad(struct buf *out, size_t n)
{
    while (n--)
        buf_putc(out, ' ');
}

void casualty_stats_table(const json_t *result, struct buf *out)
{
    enum { MAXC = 2 * CASUALTY_DIM_COUNT + 3 };
    const char *cols[MAXC];
    size_t n = reply_columns(result, cols, MAXC);
    size_t width[MAXC];
    bool numeric[MAXC];
    char header[MAXC][32];
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        for (; cols[i][k] && k < sizeof header[i] - 1; k++)
            header[i][k] =
                (char)(cols[i][k] >= 'a' && cols[i][k] <= 'z' ? cols[i][k] - 32 : cols[i][k]);
        header[i][k] = '\0';
        if (strcmp(cols[i], "nationality_name") == 0)
            snprintf(header[i], sizeof header[i], "NAME");
        width[i] = display_width(header[i]);
        numeric[i] = strcmp(cols[i], "count") == 0 || strcmp(cols[i], "deployed") == 0 ||
                     strcmp(cols[i], "rate") == 0;
    }
    json_t *rows = json_object_get(result, "rows");
    size_t r;
    json_t *row;
    json_array_foreach(rows, r, row)
    {
        for (size_t i = 0; i < n; i++) {
            char tmp[64];
            size_t w = display_width(cell(json_object_get(row, cols[i]), tmp, sizeof tmp, "-", 3));
            if (w > width[i])
                width[i] = w;
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t w = display_width(header[i]);
        if (numeric[i])
            pad(out, width[i] - w);
        buf_puts(out, header[i]);
        if (i + 1 < n)
            pad(out, numeric[i] ? 2 : width[i] - w + 2);
    }
    buf_putc(out, '\n');
    json_array_foreach(rows, r, row)
    {
        for (size_t i = 0; i < n; i++) {
            char tmp[64];
            const char *s = cell(json_object_get(row, cols[i]), tmp, sizeof tmp, "-", 3);
            size_t w = display_width(s);
            if (numeric[i])
                pad(out, width[i] - w);
            buf_puts(out, s);
            if (i + 1 < n)
                pad(out, numeric[i] ? 2 : width[i] - w + 2);
        }
        buf_putc(out, '\n');
    }
    buf_printf(out, "total: %" JSON_INTEGER_FORMAT "\n",
               json_integer_value(json_object_get(result, "total")));
    json_t *distinct = json_object_get(result, "distinct");
    if (distinct)
        buf_printf(out,
                   "distinct nationalities: %" JSON_INTEGER_FORMAT
                   ", missions: %" JSON_INTEGER_FORMAT "\n",
                   json_integer_value(json_object_get(distinct, "nationalities")),
                   json_integer_value(json_object_get(distinct, "missions")));
    const char *rate = json_string_value(json_object_get(result, "rate_basis"));
    if (rate)
        buf_printf(out, "rate: %s\n", rate);
}
