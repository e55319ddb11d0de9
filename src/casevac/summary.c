/* 10-1-2 compliance per mission and month of injury. Each timeline's compliance is computed by
 * casevac_compute(), the same function a single casualty's reply uses, so the summary and the
 * timelines it counts can never disagree; the store only selects the rows, through the
 * casualty predicate, so a figure never counts a record its reader could not see. */
#include "casevac/casevac.h"

#include "base/buf.h"
#include "base/list.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "casualty/casualty.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void casevac_summary_init(struct casevac_summary_query *q)
{
    memset(q, 0, sizeof *q);
}

/* A month YYYY-MM with a month from 01 to 12. */
static int check_month(const char *name, const char *value, char out[8], struct bh_error *err)
{
    bool ok = strlen(value) == 7 && value[4] == '-';
    for (int i = 0; ok && i < 7; i++)
        ok = i == 4 || isdigit((unsigned char)value[i]);
    int m = ok ? (value[5] - '0') * 10 + (value[6] - '0') : 0;
    if (!ok || m < 1 || m > 12)
        return bh_fail(err, BH_EINVALID, name, "%s '%.40s' is not a month (YYYY-MM)", name, value);
    memcpy(out, value, 8);
    return 0;
}

int casevac_summary_set(struct casevac_summary_query *q, const char *name, const char *value,
                        struct bh_error *err)
{
    if (!value)
        value = "";
    if (strcmp(name, "from") == 0)
        return check_month(name, value, q->from, err);
    if (strcmp(name, "to") == 0)
        return check_month(name, value, q->to, err);
    if (strcmp(name, "mission") != 0)
        return bh_fail(err, BH_EINVALID, name, "unknown parameter '%.40s'", name);
    q->nmissions = 0;
    const char *rest = value, *p;
    size_t len;
    while (list_next(&rest, &p, &len)) {
        if (len == 0)
            return bh_fail(err, BH_EINVALID, "mission", "mission has an empty value");
        if (len >= sizeof q->missions[0])
            return bh_fail(err, BH_EINVALID, "mission", "mission '%.40s' is too long", p);
        for (size_t i = 0; i < len; i++)
            if (!isalnum((unsigned char)p[i]) && p[i] != ' ' && p[i] != '-')
                return bh_fail(err, BH_EINVALID, "mission", "mission '%.*s' is not an acronym",
                               (int)(len > 40 ? 40 : len), p);
        if (q->nmissions == CASEVAC_SUMMARY_MISSIONS)
            return bh_fail(err, BH_EINVALID, "mission", "mission takes at most %d values",
                           CASEVAC_SUMMARY_MISSIONS);
        memcpy(q->missions[q->nmissions], p, len);
        q->missions[q->nmissions][len] = '\0';
        q->nmissions++;
    }
    return 0;
}

/* A mission named in the query must exist: a typo is an error, not an empty answer. */
static int mission_exists(struct db *db, const char *acronym, struct bh_error *err)
{
    bool found = false;
    int rc = db_exec_params(db, "SELECT 1 FROM mission WHERE upper(acronym) = upper(?)",
                            DB_PARAMS(DB_TEXT(acronym)), NULL, &found, err);
    if (rc == 0 && !found)
        return bh_fail(err, BH_EINVALID, "mission", "no UN mission has the acronym '%.40s'",
                       acronym);
    return rc;
}

/* ---- one group's tally ---- */

/* Whole-minute values, for a median. */
struct values {
    int64_t *v;
    size_t n, cap;
};

static void values_add(struct values *a, int64_t v)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->v = xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = v;
}

static int cmp_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The median, the mean of the two middle values for an even count; an integer when whole. */
static json_t *values_median(struct values *a)
{
    if (a->n == 0)
        return json_null();
    qsort(a->v, a->n, sizeof *a->v, cmp_int64);
    if (a->n % 2)
        return json_integer(a->v[a->n / 2]);
    int64_t lo = a->v[a->n / 2 - 1], hi = a->v[a->n / 2];
    if ((lo + hi) % 2 == 0)
        return json_integer((lo + hi) / 2);
    return json_real((double)(lo + hi) / 2.0);
}

enum { K_FIRST_AID, K_ADVANCED_CARE, K_SURGERY, K_ALL, K_COUNT };
enum { M_FIRST_AID, M_ADVANCED_CARE, M_SURGERY, M_REQUEST_TO_LAUNCH, M_LAUNCH_TO_ARRIVAL, M_COUNT };

static const char *const k_names[K_COUNT] = { "first_aid", "advanced_care", "surgery", "all_met" };
static const char *const m_names[M_COUNT] = {
    "median_first_aid_minutes",         "median_advanced_care_minutes",
    "median_surgery_minutes",           "median_request_to_launch_minutes",
    "median_launch_to_arrival_minutes",
};

struct tally {
    char mission[32], month[8];
    int64_t casualties;
    int64_t met[K_COUNT], missed[K_COUNT], unknown[K_COUNT];
    struct values minutes[M_COUNT];
};

static void tally_reset(struct tally *g, const char *mission, const char *month)
{
    for (int i = 0; i < M_COUNT; i++)
        free(g->minutes[i].v);
    memset(g, 0, sizeof *g);
    snprintf(g->mission, sizeof g->mission, "%s", mission);
    snprintf(g->month, sizeof g->month, "%s", month);
}

static void count(struct tally *g, int k, int met)
{
    if (met > 0)
        g->met[k]++;
    else if (met == 0)
        g->missed[k]++;
    else
        g->unknown[k]++;
}

static void tally_add(struct tally *g, const struct casevac_compliance *c)
{
    g->casualties++;
    count(g, K_FIRST_AID, c->first_aid.met);
    count(g, K_ADVANCED_CARE, c->advanced_care.met);
    count(g, K_SURGERY, c->surgery.met);
    count(g, K_ALL, c->all_met);
    const struct casevac_step *steps[] = { &c->first_aid, &c->advanced_care, &c->surgery };
    for (int i = 0; i < 3; i++)
        if (steps[i]->known)
            values_add(&g->minutes[i], steps[i]->minutes);
    if (c->request_to_launch.known)
        values_add(&g->minutes[M_REQUEST_TO_LAUNCH], c->request_to_launch.minutes);
    if (c->launch_to_arrival.known)
        values_add(&g->minutes[M_LAUNCH_TO_ARRIVAL], c->launch_to_arrival.minutes);
}

static json_t *tally_json(struct tally *g)
{
    json_t *o = json_object();
    json_object_set_new(o, "mission", json_string(g->mission));
    json_object_set_new(o, "month", json_string(g->month));
    json_object_set_new(o, "casualties", json_integer(g->casualties));
    for (int k = 0; k < K_COUNT; k++) {
        int64_t decided = g->met[k] + g->missed[k];
        /* The rate is over the casualties whose step is known: an unknown time is missing
         * data, not a failure, and counting it either way would make the figure lie. The
         * unknown count says how much the rate rests on. */
        json_t *r =
            json_pack("{s:I, s:I, s:I, s:o}", "met", (json_int_t)g->met[k], "missed",
                      (json_int_t)g->missed[k], "unknown", (json_int_t)g->unknown[k], "rate",
                      decided ? json_real((double)g->met[k] / (double)decided) : json_null());
        json_object_set_new(o, k_names[k], r);
    }
    for (int i = 0; i < M_COUNT; i++)
        json_object_set_new(o, m_names[i], values_median(&g->minutes[i]));
    return o;
}

/* ---- the query ---- */

int casevac_summary(struct db *db, const struct principal *who,
                    const struct casevac_summary_query *q, json_t **out, struct bh_error *err)
{
    *out = NULL;
    if (q->from[0] && q->to[0] && strcmp(q->from, q->to) > 0)
        return bh_fail(err, BH_EINVALID, "to", "to %s is before from %s", q->to, q->from);
    int rc;
    for (int i = 0; i < q->nmissions; i++)
        if ((rc = mission_exists(db, q->missions[i], err)))
            return rc;

    /* Timelines are stored in UTC, so the first seven characters of injury_at are its month
     * in UTC. */
    struct buf sql = BUF_INIT;
    struct db_params params = DB_PARAMS_INIT;
    buf_puts(&sql, "SELECT c.mission, substr(v.injury_at, 1, 7), v.injury_at, v.first_aid_at, "
                   "v.advanced_care_at, v.surgery_at, v.evac_requested_at, v.evac_launched_at, "
                   "v.evac_arrived_at FROM casevac v JOIN casualty c ON c.id = v.casualty_id "
                   "WHERE v.injury_at IS NOT NULL AND ");
    casualty_predicate(who, "c", &sql, &params);
    if (q->nmissions) {
        buf_puts(&sql, " AND c.mission IN (SELECT m.acronym FROM mission m WHERE "
                       "upper(m.acronym) IN (");
        for (int i = 0; i < q->nmissions; i++) {
            buf_puts(&sql, i ? ", upper(?)" : "upper(?)");
            db_params_text(&params, q->missions[i]);
        }
        buf_puts(&sql, "))");
    }
    if (q->from[0]) {
        buf_puts(&sql, " AND substr(v.injury_at, 1, 7) >= ?");
        db_params_text(&params, q->from);
    }
    if (q->to[0]) {
        buf_puts(&sql, " AND substr(v.injury_at, 1, 7) <= ?");
        db_params_text(&params, q->to);
    }
    buf_puts(&sql, " ORDER BY c.mission, 2");
    struct db_stmt *st;
    rc = db_prepare_bound(db, buf_str(&sql), &params, &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;

    json_t *items = json_array();
    struct tally g;
    memset(&g, 0, sizeof g);
    bool open = false;
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *mission = db_column_text(st, 0), *month = db_column_text(st, 1);
        if (!open || strcmp(g.mission, mission) != 0 || strcmp(g.month, month) != 0) {
            if (open)
                json_array_append_new(items, tally_json(&g));
            tally_reset(&g, mission, month);
            open = true;
        }
        struct casevac_timeline t;
        memset(&t, 0, sizeof t);
        for (int i = 0; i < CASEVAC_NTIMES; i++) {
            const char *v = db_column_text(st, 2 + i);
            struct bh_error perr;
            if (!v)
                continue;
            if (time_parse_rfc3339(v, &t.ms[i], NULL, &perr) != 0) {
                rc = bh_fail(err, BH_ESTORE, casevac_time_names[i],
                             "a stored %s, '%.40s', is not a date-time", casevac_time_names[i], v);
                break;
            }
            t.known[i] = true;
        }
        if (rc < 0)
            break;
        struct casevac_compliance c;
        casevac_compute(&t, &c);
        tally_add(&g, &c);
    }
    db_stmt_done(st);
    if (rc >= 0 && open)
        json_array_append_new(items, tally_json(&g));
    tally_reset(&g, "", "");
    if (rc < 0) {
        json_decref(items);
        return rc;
    }
    *out = json_pack("{s:o}", "items", items);
    return 0;
}
