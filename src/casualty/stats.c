/* Casualty statistics. One GROUP BY over the records the reader may see: casualty_predicate()
 * is in the WHERE of every count, so an embargoed or restricted record is never counted for
 * someone who could not read it (an aggregate is a read, one number at a time). The records
 * are summed from a tally (casualty/tally.h) when one keeps what the query needs: the
 * predicate and the filters then stand in the WHERE of each tally row read, as they would
 * of the records it counts (source_sql()). With `raw` the records are counted: the oracle. */
#include "casualty/stats.h"

#include "base/i18n.h"
#include "casualty/internal.h"
#include "casualty/tally.h"
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

/* The reply's rate_basis, a sentence for people: English here, marked, and given in the
 * reader's language (base/i18n.h); the table names in parentheses are not words. */
#define RATE_YEARLY N_("per 1,000 deployed: the year's world-wide total (deployment_yearly)")
#define RATE_MISSION                                                                  \
    N_("per 1,000 deployed: the average of the mission's monthly totals in the year " \
       "(deployment_monthly)")

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

/* What a count counts: rows, as the UN publishes them; or, with persons, distinct persons
 * (casualty_id), leaving out the records an admin marked as duplicates. */
#define COUNT_ROWS    "count(*)"
#define COUNT_PERSONS "count(DISTINCT CASE WHEN c.duplicate_of IS NULL THEN c.casualty_id END)"

/* ---- where the counts come from ---- */

/* What each dimension and each list filter needs of a tally (the year every tally has). */
static const unsigned dim_needs[CASUALTY_DIM_COUNT] = {
    [CASUALTY_DIM_YEAR] = 0,
    [CASUALTY_DIM_MONTH] = TALLY_MONTH,
    [CASUALTY_DIM_MISSION] = TALLY_MISSION,
    [CASUALTY_DIM_NATIONALITY] = TALLY_NATIONALITY,
    [CASUALTY_DIM_PERSONNEL_TYPE] = TALLY_PERSONNEL_TYPE,
    [CASUALTY_DIM_INCIDENT_TYPE] = TALLY_INCIDENT_TYPE,
    [CASUALTY_DIM_GENDER] = TALLY_GENDER,
    [CASUALTY_DIM_CASUALTY_TYPE] = TALLY_CASUALTY_TYPE,
};

static const unsigned list_needs[CASUALTY_F_LISTS] = {
    [CASUALTY_F_MISSION] = TALLY_MISSION,
    [CASUALTY_F_NATIONALITY] = TALLY_NATIONALITY,
    [CASUALTY_F_CASUALTY_TYPE] = TALLY_CASUALTY_TYPE,
    [CASUALTY_F_PERSONNEL_TYPE] = TALLY_PERSONNEL_TYPE,
    [CASUALTY_F_INCIDENT_TYPE] = TALLY_INCIDENT_TYPE,
    [CASUALTY_F_GENDER] = TALLY_GENDER,
};

/* The smallest tally that keeps `need` and every list filter of `q`; NULL: the records (the
 * oracle, and a count of persons, which no tally can sum). The dates need nothing: the
 * periods a tally cannot split are counted from the records. */
static const struct casualty_tally_cube *cube_for(const struct casualty_stats_query *q,
                                                  unsigned need)
{
    if (q->raw || q->persons)
        return NULL;
    for (int k = 0; k < CASUALTY_F_LISTS; k++)
        if (q->filter.list[k].n)
            need |= list_needs[k];
    for (int i = 0; i < casualty_tally_ncubes; i++)
        if ((casualty_tally_cubes[i].answers & need) == need)
            return &casualty_tally_cubes[i];
    return NULL;
}

static unsigned group_needs(const struct casualty_stats_query *q)
{
    unsigned need = 0;
    for (int i = 0; i < q->nby; i++)
        need |= dim_needs[q->by[i]];
    return need;
}

const char *casualty_stats_plan(const struct casualty_stats_query *q)
{
    const struct casualty_tally_cube *c = cube_for(q, group_needs(q));
    return c ? c->table : "casualty";
}

/* Days in a month of the Gregorian calendar. */
static int month_days(int y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[(m - 1) % 12];
}

/* The first day of the period after the one holding the date `d` (YYYY-MM-DD); "" past the
 * year 9999. */
static void next_period(bool month, const char *d, char out[11])
{
    int y = atoi(d), m = atoi(d + 5);
    if (month && m < 12)
        m++;
    else
        y++, m = 1;
    if (y > 9999)
        out[0] = '\0';
    else
        snprintf(out, 11, "%04u-%02u-01", (unsigned)y % 10000u, (unsigned)m % 100u);
}

/* The first day of the period holding `d`. */
static void period_start(bool month, const char *d, char out[11])
{
    memcpy(out, d, 10);
    memcpy(out + (month ? 7 : 4), month ? "-01" : "-01-01", month ? 3 : 6);
    out[10] = '\0';
}

/* The first day of the first period that starts on or after the date `d`. */
static void period_ceil(bool month, const char *d, char out[11])
{
    period_start(month, d, out);
    if (strcmp(out, d) != 0)
        next_period(month, d, out);
}

/* The first day of the period holding the day after `d`: every period starting before it
 * ends on or before `d`. "" when there is no such day (after 9999-12-31). */
static void period_after(bool month, const char *d, char out[11])
{
    int y = atoi(d), m = atoi(d + 5), day = atoi(d + 8);
    bool last = day >= month_days(y, m) && (month || m == 12);
    if (last)
        next_period(month, d, out);
    else
        period_start(month, d, out);
}

/* One SELECT of the union (`first` or after a UNION ALL): `cols` and `n` from `table` c,
 * where the reader's predicate and `filter` hold, and `extra`, with the values `a` and `b`
 * for its ?s when given. */
static void branch(struct buf *sql, struct db_params *params, bool first, const char *cols,
                   const char *n, const char *table, const struct buf *pred,
                   const struct db_params *pred_params, const struct buf *filter,
                   const struct db_params *filter_params, const char *extra, const char *a,
                   const char *b)
{
    buf_printf(sql, "%sSELECT %s, %s AS n FROM %s c WHERE %s%s%s", first ? "" : " UNION ALL ", cols,
               n, table, buf_str(pred), buf_str(filter), extra);
    db_params_append(params, pred_params);
    db_params_append(params, filter_params);
    if (a)
        db_params_text(params, a);
    if (b)
        db_params_text(params, b);
}

/* Appends the FROM (and WHERE) of a count over the records `who` may see that match `q`'s
 * filter: the records themselves when `cube` is NULL; else, as alias c with a count c.n per
 * row, the union of the tally's rows for the whole periods within the dates, the records of
 * the partial periods at either end, and the RED records (never tallied). The predicate and
 * the filter are in each part, so a tally row is counted exactly when the records it counts
 * would be: they agree on every column both read. */
static int source_sql(struct db *db, const struct principal *who,
                      const struct casualty_stats_query *q, const struct casualty_tally_cube *cube,
                      struct buf *sql, struct db_params *params, struct bh_error *err)
{
    struct buf pred = BUF_INIT, filter = BUF_INIT, whole = BUF_INIT;
    struct db_params pp = DB_PARAMS_INIT, fp = DB_PARAMS_INIT, wp = DB_PARAMS_INIT;
    casualty_predicate(who, "c", &pred, &pp);
    int rc = casualty__filter_sql(db, &q->filter, &filter, &fp, err);
    if (!rc && !cube) {
        buf_printf(sql, " FROM casualty c WHERE %s%s", buf_str(&pred), buf_str(&filter));
        db_params_append(params, &pp);
        db_params_append(params, &fp);
    }
    if (!rc && cube) {
        /* The tally's filter: the lists and the embargo; the dates as whole periods. */
        struct casualty_filter f = q->filter;
        f.from[0] = f.to[0] = f.ytd[0] = '\0';
        rc = casualty__filter_sql(db, &f, &whole, &wp, err);
        char lo[11] = "", hi[11] = "", w0[11] = "", w1[11] = "";
        if (q->filter.ytd[0]) {
            snprintf(lo, sizeof lo, "%.4s-01-01", q->filter.ytd);
            memcpy(hi, q->filter.ytd, sizeof hi);
        } else {
            memcpy(lo, q->filter.from, sizeof lo);
            memcpy(hi, q->filter.to, sizeof hi);
        }
        if (lo[0])
            period_ceil(cube->month, lo, w0);
        if (hi[0])
            period_after(cube->month, hi, w1);
        /* The tally answers for [w0, w1): none when a date has no whole period after
         * (w0 "") or the two ends meet. Then the records are counted. */
        bool tally = !(lo[0] && !w0[0]) && !(w0[0] && w1[0] && strcmp(w0, w1) >= 0);
        struct buf cols = BUF_INIT;
        buf_puts(&cols, "c.incident_date AS incident_date");
        for (int i = 0; cube->columns[i]; i++)
            buf_printf(&cols, ", c.%s AS %s", cube->columns[i], cube->columns[i]);
        const char *cs = buf_str(&cols);
        struct buf u = BUF_INIT;
        struct db_params up = DB_PARAMS_INIT;
        if (!rc && tally) {
            const char *ext = w0[0] && w1[0] ? " AND c.incident_date >= ? AND c.incident_date < ?"
                              : w0[0]        ? " AND c.incident_date >= ?"
                              : w1[0]        ? " AND c.incident_date < ?"
                                             : "";
            branch(&u, &up, true, cs, "c.n", cube->table, &pred, &pp, &whole, &wp, ext,
                   w0[0] ? w0 : (w1[0] ? w1 : NULL), w0[0] && w1[0] ? w1 : NULL);
            if (lo[0] && strcmp(lo, w0) < 0)
                branch(&u, &up, false, cs, "1", "casualty", &pred, &pp, &filter, &fp,
                       " AND c.tlp <> 'RED' AND c.incident_date < ?", w0, NULL);
            if (hi[0] && w1[0] && strcmp(w1, hi) <= 0)
                branch(&u, &up, false, cs, "1", "casualty", &pred, &pp, &filter, &fp,
                       " AND c.tlp <> 'RED' AND c.incident_date >= ?", w1, NULL);
        } else if (!rc) {
            branch(&u, &up, true, cs, "1", "casualty", &pred, &pp, &filter, &fp,
                   " AND c.tlp <> 'RED'", NULL, NULL);
        }
        if (!rc) {
            branch(&u, &up, false, cs, "1", "casualty", &pred, &pp, &filter, &fp,
                   " AND c.tlp = 'RED'", NULL, NULL);
            buf_printf(sql, " FROM (%s) c", buf_str(&u));
            db_params_append(params, &up);
        }
        buf_cleanup(&cols);
        buf_cleanup(&u);
        db_params_cleanup(&up);
    }
    buf_cleanup(&pred);
    buf_cleanup(&filter);
    buf_cleanup(&whole);
    db_params_cleanup(&pp);
    db_params_cleanup(&fp);
    db_params_cleanup(&wp);
    return rc;
}

/* What a group counts: the records (or persons), or the sum of the tally rows' counts. */
static const char *count_expr(const struct casualty_stats_query *q,
                              const struct casualty_tally_cube *cube)
{
    return cube ? "sum(c.n)" : q->persons ? COUNT_PERSONS : COUNT_ROWS;
}

/* Runs `SELECT <what> <source>` for one row of `nout` integers (a NULL sum reads as 0).
 * `what` is a format taking the count expression, then what one row counts. */
static int one_row(struct db *db, const struct principal *who, const struct casualty_stats_query *q,
                   const struct casualty_tally_cube *cube, const char *what, int64_t *out, int nout,
                   struct bh_error *err)
{
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT ");
    buf_printf(&sql, what, count_expr(q, cube), cube ? "c.n" : "1");
    int rc = source_sql(db, who, q, cube, &sql, &params, err);
    struct db_stmt *st = NULL;
    if (!rc)
        rc = db_prepare(db, buf_str(&sql), &st, err);
    buf_cleanup(&sql);
    if (!rc) {
        db_params_bind(st, &params);
        rc = db_step(st, err);
        for (int i = 0; i < nout; i++)
            out[i] = rc == DB_ROW ? db_column_int(st, i) : 0;
        db_stmt_done(st);
        rc = rc < 0 ? rc : 0;
    }
    db_params_cleanup(&params);
    return rc;
}

/* The count, the non-fatalities, and when asked the distinct nationalities (ISO3 codes) and
 * missions, which only the tally by nationality keeps together. */
static int totals(struct db *db, const struct principal *who, const struct casualty_stats_query *q,
                  int64_t out[4], struct bh_error *err)
{
    int rc =
        one_row(db, who, q, cube_for(q, TALLY_CASUALTY_TYPE),
                "%s, sum(CASE WHEN c.casualty_type = 'Fatality' THEN 0 ELSE %s END)", out, 2, err);
    if (!rc && q->distinct)
        rc = one_row(db, who, q, cube_for(q, TALLY_NATIONALITY | TALLY_MISSION),
                     "count(DISTINCT c.nationality_iso3), count(DISTINCT c.mission)%.0s%.0s",
                     out + 2, 2, err);
    return rc;
}

static int groups(struct db *db, const struct principal *who, const struct casualty_stats_query *q,
                  json_t *rows, struct bh_error *err)
{
    const struct casualty_tally_cube *cube = cube_for(q, group_needs(q));
    const char *count = count_expr(q, cube);
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT ");
    for (int i = 0; i < q->nby; i++)
        buf_printf(&sql, "%s, ", dims[q->by[i]].select);
    buf_puts(&sql, count);
    int rc = source_sql(db, who, q, cube, &sql, &params, err);
    if (q->nby) {
        buf_puts(&sql, " GROUP BY ");
        for (int i = 0; i < q->nby; i++)
            buf_printf(&sql, "%s%s", i ? ", " : "", dims[q->by[i]].group);
        buf_puts(&sql, " ORDER BY ");
        if (q->top)
            buf_printf(&sql, "%s DESC, ", count);
        for (int i = 0; i < q->nby; i++)
            buf_printf(&sql, "%s%s", i ? ", " : "", dims[q->by[i]].order);
        if (q->top) {
            buf_puts(&sql, " LIMIT ?");
            db_params_int(&params, q->top);
        }
    }
    struct db_stmt *st = NULL;
    if (!rc)
        rc = db_prepare(db, buf_str(&sql), &st, err);
    buf_cleanup(&sql);
    if (!rc) {
        db_params_bind(st, &params);
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
        rc = rc < 0 ? rc : 0;
    }
    db_params_cleanup(&params);
    return rc;
}

/* How current the imported figures are (stats.h). A figure drawn from
 * an import is only as recent as the file: the UN publishes months after the events, so a
 * reader who sees "0 this year" must be able to tell "nothing happened" from "not published
 * yet". last_record is the newest incident date of the UN records the reader may see (the
 * predicate, as for every count; the date index is walked backwards, so one row is read);
 * updated the newest of the file's own last_update; imported_at the time of the last UN
 * import run, which the import records in the audit log (casualty.import, import_run.c) in
 * the same transaction as its rows, a re-import that changed nothing included. */
int casualty_stats_as_of(struct db *db, const struct principal *who, json_t **out,
                         struct bh_error *err)
{
    *out = NULL;
    struct buf sql = BUF_INIT, pred = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    casualty_predicate(who, "c", &pred, &params);
    buf_printf(&sql,
               "SELECT (SELECT c.incident_date FROM casualty c WHERE c.source = 'un' AND %s "
               "ORDER BY c.incident_date DESC LIMIT 1), "
               "(SELECT max(c.source_updated) FROM casualty c WHERE c.source = 'un' AND %s), "
               "(SELECT at FROM audit_log WHERE action = 'casualty.import' "
               "ORDER BY seq DESC LIMIT 1)",
               buf_str(&pred), buf_str(&pred));
    /* The predicate stands twice: its values twice, in order. */
    struct db_params twice = DB_PARAMS_INIT;
    db_params_append(&twice, &params);
    db_params_append(&twice, &params);
    struct db_stmt *st = NULL;
    int rc = db_prepare_bound(db, buf_str(&sql), &twice, &st, err);
    buf_cleanup(&sql);
    buf_cleanup(&pred);
    db_params_cleanup(&params);
    if (rc)
        return rc;
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        const char *last = db_column_text(st, 0), *updated = db_column_text(st, 1),
                   *at = db_column_text(st, 2);
        if (last || at) {
            json_t *o = json_object();
            json_object_set_new(o, "last_record", last ? json_string(last) : json_null());
            json_object_set_new(o, "updated", updated ? json_string(updated) : json_null());
            json_object_set_new(o, "imported_at", at ? json_string(at) : json_null());
            *out = o;
        }
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
    int64_t t[4] = { 0, 0, 0, 0 };
    json_t *rows = json_array();
    int rc = totals(db, who, q, t, err);
    if (!rc)
        rc = groups(db, who, q, rows, err);
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
        json_object_set_new(res, "rate_basis",
                            json_string(_(kind == 1 ? RATE_YEARLY : RATE_MISSION)));
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
    buf_printf(out, _("total: %lld\n"),
               (long long)json_integer_value(json_object_get(result, "total")));
    json_t *distinct = json_object_get(result, "distinct");
    if (distinct)
        buf_printf(out, _("distinct nationalities: %lld, missions: %lld\n"),
                   (long long)json_integer_value(json_object_get(distinct, "nationalities")),
                   (long long)json_integer_value(json_object_get(distinct, "missions")));
    const char *rate = json_string_value(json_object_get(result, "rate_basis"));
    if (rate)
        buf_printf(out, _("rate: %s\n"), rate);
}
