/* One SQL builder for both layers: visibility (sharing_predicate), then each filter, with the
 * index that finds the rows chosen from the data (see enum spatial__driver). */
#include "spatial/internal.h"

#include "audit/audit.h"
#include "sharing/sharing.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The mean radius of the Earth (IUGG), the sphere great-circle distances are measured on. */
#define EARTH_RADIUS_KM 6371.0088
#define DEG             (M_PI / 180.0)

/* Below this many rows every plan is fast, and the R*Tree (or the full-text index) is used
 * whenever a box (or q) is asked for, so small stores behave the same every time. */
#define PROBE_MIN_ROWS 20000
/* An index leads when it hands over fewer than this share of the table: past it, looking
 * each row up by its key costs more than reading the table in order (measured at a million
 * incidents: 800,000 rows through the R*Tree took 2.4 s, the whole table 0.6 s). */
#define PROBE_SHARE 10

/* ---- boxes ---- */

/* A box that does not cross the antimeridian: west <= east. */
struct box {
    double w, s, e, n;
};

/* The bbox as one or two boxes (two when it crosses the antimeridian). */
static int bbox_boxes(const struct spatial_filter *f, struct box out[2])
{
    if (f->west <= f->east) {
        out[0] = (struct box){ f->west, f->south, f->east, f->north };
        return 1;
    }
    out[0] = (struct box){ f->west, f->south, 180, f->north };
    out[1] = (struct box){ -180, f->south, f->east, f->north };
    return 2;
}

/* The boxes around the circle of `near`: the latitudes d/R either side, and the longitudes
 * of the two points where a meridian touches the circle, asin(sin(d/R) / cos(lat)) either
 * side; every longitude when the circle holds a pole. A hair wider than exact, so that
 * rounding never loses a point the great-circle test would keep. */
static int near_boxes(const struct spatial_filter *f, struct box out[2])
{
    const double margin = 1e-7; /* degrees, about a centimetre */
    double ang = f->near_km / EARTH_RADIUS_KM;
    double dlat = ang / DEG + margin;
    double s = f->near_lat - dlat, n = f->near_lat + dlat;
    double x = sin(ang) / cos(f->near_lat * DEG);
    if (s <= -90 || n >= 90 || !(x < 1)) {
        out[0] = (struct box){ -180, fmax(s, -90), 180, fmin(n, 90) };
        return 1;
    }
    double dlon = asin(x) / DEG + margin;
    double w = f->near_lon - dlon, e = f->near_lon + dlon;
    if (w < -180) {
        out[0] = (struct box){ w + 360, s, 180, n };
        out[1] = (struct box){ -180, s, e, n };
        return 2;
    }
    if (e > 180) {
        out[0] = (struct box){ w, s, 180, n };
        out[1] = (struct box){ -180, s, e - 360, n };
        return 2;
    }
    out[0] = (struct box){ w, s, e, n };
    return 1;
}

/* The boxes the rows must lie in: the bbox's, the circle's, or where both overlap. */
static int search_boxes(const struct spatial_filter *f, struct box out[4])
{
    struct box a[2], b[2];
    if (!f->has_near)
        return bbox_boxes(f, out);
    if (!f->has_bbox)
        return near_boxes(f, out);
    int na = bbox_boxes(f, a), nb = near_boxes(f, b), n = 0;
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++) {
            struct box x = { fmax(a[i].w, b[j].w), fmax(a[i].s, b[j].s), fmin(a[i].e, b[j].e),
                             fmin(a[i].n, b[j].n) };
            if (x.w <= x.e && x.s <= x.n)
                out[n++] = x;
        }
    return n;
}

/* "(a.latitude BETWEEN ? AND ? AND a.longitude BETWEEN ? AND ? OR ...)": the exact test of
 * boxes on the stored coordinates (the R*Tree holds 32-bit floats rounded outwards, so it
 * only narrows the search). */
static void boxes_on_columns(const char *a, const struct box *b, int nb, struct buf *sql,
                             struct db_params *v)
{
    buf_putc(sql, '(');
    for (int i = 0; i < nb; i++) {
        buf_printf(sql, "%s(%s.latitude BETWEEN ? AND ? AND %s.longitude BETWEEN ? AND ?)",
                   i ? " OR " : "", a, a);
        db_params_double(v, b[i].s);
        db_params_double(v, b[i].n);
        db_params_double(v, b[i].w);
        db_params_double(v, b[i].e);
    }
    buf_putc(sql, ')');
}

/* The R*Tree's rows overlapping the boxes (a point's box is the point, rounded outwards) and
 * the time window, when the filter has one: the tree's third dimension is the julian day of
 * occurred_at (migration 0015), a prefilter that the exact test of occurred_at follows. */
static void boxes_rtree_select(const char *rtree, const struct box *b, int nb,
                               const struct spatial_filter *f, struct buf *sql, struct db_params *v)
{
    for (int i = 0; i < nb; i++) {
        buf_printf(sql,
                   "%sSELECT n FROM %s WHERE max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND "
                   "min_lat <= ?",
                   i ? " UNION ALL " : "", rtree);
        db_params_double(v, b[i].w);
        db_params_double(v, b[i].e);
        db_params_double(v, b[i].s);
        db_params_double(v, b[i].n);
        if (f->from[0]) {
            buf_puts(sql, " AND max_t >= julianday(?)");
            db_params_text(v, f->from);
        }
        if (f->to[0]) {
            buf_puts(sql, " AND min_t <= julianday(?)");
            db_params_text(v, f->to);
        }
    }
}

/* The great-circle distance test (haversine), exact where the boxes were a prefilter. */
static void near_on_columns(const char *a, const struct spatial_filter *f, struct buf *sql,
                            struct db_params *v)
{
    buf_printf(sql,
               "2 * asin(min(1, sqrt(pow(sin((radians(%s.latitude) - ?) / 2), 2) + ? * "
               "cos(radians(%s.latitude)) * pow(sin((radians(%s.longitude) - ?) / 2), 2)))) "
               "<= ?",
               a, a, a);
    db_params_double(v, f->near_lat * DEG);
    db_params_double(v, cos(f->near_lat * DEG));
    db_params_double(v, f->near_lon * DEG);
    db_params_double(v, f->near_km / EARTH_RADIUS_KM);
}

/* ---- lists and words ---- */

/* Copies the list "a,b,c" into `store` as "a\0b\0c" and returns how many values it holds. */
static int split_list(const char *list, char store[SPATIAL_LIST_TEXT])
{
    if (!list[0])
        return 0;
    snprintf(store, SPATIAL_LIST_TEXT, "%s", list);
    int n = 1;
    for (char *p = store; *p; p++)
        if (*p == ',') {
            *p = '\0';
            n++;
        }
    return n;
}

/* "(item, item)", binding the values of a split list. */
static void in_list(const char *item, const char *store, int count, struct buf *sql,
                    struct db_params *v)
{
    buf_putc(sql, '(');
    const char *s = store;
    for (int i = 0; i < count; i++, s += strlen(s) + 1) {
        buf_printf(sql, "%s%s", i ? ", " : "", item);
        db_params_text(v, s);
    }
    buf_putc(sql, ')');
}

static int check_missions(struct db *db, const char *store, int count, struct bh_error *err)
{
    const char *v = store;
    for (int i = 0; i < count; i++, v += strlen(v) + 1) {
        bool found = false;
        int rc = db_exec_params(db, "SELECT 1 FROM mission WHERE upper(acronym) = upper(?)",
                                DB_PARAMS(DB_TEXT(v)), NULL, &found, err);
        if (rc)
            return rc;
        if (!found)
            return bh_fail(err, BH_EINVALID, "mission", "mission '%.40s' is not a known mission",
                           v);
    }
    return 0;
}

/* q as FTS5: every word a quoted string, so that no punctuation or keyword (AND, NEAR, a
 * column name and a colon) is read as query syntax. Every word of two characters or more is
 * a prefix ("Bamb" finds "Bambari", "IED" the IEDs and the "IEDs"), as a search box is read
 * while it is typed; the index keeps prefixes of two and three characters (migration 0018),
 * and longer ones are a range of its terms. A word ending in '*' is a prefix too. The words
 * are ANDed. This and the migrations are the only places that know FTS5. */
static void fts_query(const char *text, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = text; *p;) {
        while (*p && strchr(" \t\r\n\f\v", *p))
            p++;
        size_t len = strcspn(p, " \t\r\n\f\v");
        if (!len)
            break;
        bool star = len > 1 && p[len - 1] == '*';
        size_t wlen = star ? len - 1 : len;
        /* A single letter as a prefix would read every term that starts with it. */
        bool prefix = star || wlen > 1;
        bool keep = false;
        for (size_t i = 0; i < wlen; i++)
            keep |= (p[i] >= '0' && p[i] <= '9') ||
                    ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z') || (unsigned char)p[i] >= 0x80;
        /* A word takes at most twice its length plus four bytes, and `out` holds three times
         * what q may hold, so every word fits. */
        if (keep && n + 2 * wlen + 5 < cap) {
            if (n)
                out[n++] = ' ';
            out[n++] = '"';
            for (size_t i = 0; i < wlen; i++) {
                if (p[i] == '"')
                    out[n++] = '"';
                out[n++] = p[i];
            }
            out[n++] = '"';
            if (prefix)
                out[n++] = '*';
        }
        p += len;
    }
    out[n] = '\0';
}

/* ---- which index leads ---- */

/* A filter an index can serve, as SQL that starts with its column (so that a unary + in front
 * keeps the planner off that index), with its own bound values; and how many rows the index
 * would hand over for it. */
struct part {
    enum spatial__driver index;
    struct buf sql;
    struct db_params params;
    int64_t rows;
};

static struct part *part_new(struct part *parts, int *np, enum spatial__driver index)
{
    struct part *p = &parts[(*np)++];
    p->index = index;
    buf_init(&p->sql);
    p->params = (struct db_params)DB_PARAMS_INIT;
    return p;
}

/* Counts, up to `cap`, the rows the part's index would hand over: the R*Tree's or the
 * full-text index's own rows, or the entries of a table index (which hold the row key, so
 * no row is read). */
static int probe(struct db *db, const struct spatial__query *q, struct part *p,
                 const char *rtree_select, int64_t cap, struct bh_error *err)
{
    const struct spatial_layer *l = q->layer;
    struct buf sql = BUF_INIT;
    if (p->index == SPATIAL__RTREE)
        buf_printf(&sql, "SELECT count(*) FROM (%s LIMIT ?)", rtree_select);
    else if (p->index == SPATIAL__FTS)
        buf_printf(&sql, "SELECT count(*) FROM (SELECT rowid FROM %s WHERE %s MATCH ? LIMIT ?)",
                   l->fts, l->fts);
    else
        buf_printf(&sql, "SELECT count(*) FROM (SELECT 1 FROM %s %s WHERE %s LIMIT ?)", l->table,
                   l->alias, buf_str(&p->sql));
    struct db_stmt *st;
    int rc = db_prepare(db, buf_str(&sql), &st, err);
    buf_cleanup(&sql);
    if (rc)
        return rc;
    db_bind_int(st, db_params_bind(st, &p->params), cap);
    rc = db_step(st, err);
    p->rows = rc == DB_ROW ? db_column_int(st, 0) : cap;
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* Sets q->driver to the index that hands over the fewest rows, if one hands over fewer than
 * a tenth of the table. Each probe stops counting at that tenth, so asking costs little next
 * to a wrong plan. */
static int choose_driver(struct db *db, struct spatial__query *q, struct part *parts, int np,
                         const char *rtree_select, struct bh_error *err)
{
    q->driver = SPATIAL__PLAIN;
    if (np == 0)
        return 0;
    char sql[160];
    int64_t rows = 0;
    snprintf(sql, sizeof sql, "SELECT max(n) FROM %s", q->layer->table);
    int rc = db_query_int(db, sql, 0, &rows, err);
    if (rc)
        return rc;
    if (rows < PROBE_MIN_ROWS) {
        for (int i = 0; i < np; i++)
            if (parts[i].index == SPATIAL__RTREE ||
                (parts[i].index == SPATIAL__FTS && q->driver == SPATIAL__PLAIN))
                q->driver = parts[i].index;
        return 0;
    }
    int64_t best = rows / PROBE_SHARE;
    for (int i = 0; i < np; i++) {
        if ((rc = probe(db, q, &parts[i], rtree_select, best, err)))
            return rc;
        if (parts[i].rows < best) {
            best = parts[i].rows;
            q->driver = parts[i].index;
        }
    }
    return 0;
}

/* ---- the WHERE clause ---- */

/* Appends " AND <sql>" to both clauses, its values `v` to the query's, and a unary + in front
 * where its index must not be used: in the page, every index but the leading one, except
 * that the time index stays free when none leads (the page is read in time order); in the
 * count, every index but the leading one (with none leading, one pass over the table costs
 * less than a walk through any index that holds a tenth of it or more). */
static void add(struct spatial__query *q, enum spatial__driver index, const char *sql,
                const struct db_params *v)
{
    bool in_rows = index == q->driver || (index == SPATIAL__TIME && q->driver == SPATIAL__PLAIN);
    bool in_count = index == q->driver;
    bool indexed = index != SPATIAL__PLAIN;
    buf_printf(&q->where, " AND %s%s", indexed && !in_rows ? "+" : "", sql);
    buf_printf(&q->count_where, " AND %s%s", indexed && !in_count ? "+" : "", sql);
    db_params_append(&q->params, v);
}

int spatial__query_build(struct db *db, const struct principal *who,
                         const struct spatial_layer *layer, const struct spatial_filter *f,
                         struct spatial__query *q, struct bh_error *err)
{
    memset(q, 0, sizeof *q);
    q->layer = layer;
    if (f->status[0] && !layer->status_column)
        return bh_fail(err, BH_EINVALID, "status", "status does not apply to %s", layer->name);
    if (f->mine && !layer->reporter_column)
        return bh_fail(err, BH_EINVALID, "mine", "mine does not apply to %s", layer->name);
    if (f->from[0] && f->to[0] && strcmp(f->from, f->to) > 0)
        return bh_fail(err, BH_EINVALID, "to", "to (%s) is before from (%s)", f->to, f->from);
    int nmission = split_list(f->mission, q->lists[0]);
    int ntype = split_list(f->type, q->lists[1]);
    int nstatus = split_list(f->status, q->lists[2]);
    int rc = check_missions(db, q->lists[0], nmission, err);
    if (rc)
        return rc;
    if (f->q[0])
        fts_query(f->q, q->fts, sizeof q->fts);

    const char *a = layer->alias;
    struct box boxes[4];
    bool spatial = f->has_bbox || f->has_near;
    int nboxes = spatial ? search_boxes(f, boxes) : 0;

    /* The filters an index can serve, each as a part. */
    struct part parts[5];
    int np = 0;
    struct buf rtree_select = BUF_INIT;
    if (nboxes > 0) {
        struct part *p = part_new(parts, &np, SPATIAL__RTREE);
        boxes_rtree_select(layer->rtree, boxes, nboxes, f, &rtree_select, &p->params);
        buf_printf(&p->sql, "%s.n IN (%s)", a, buf_str(&rtree_select));
    }
    if (f->from[0] || f->to[0]) {
        /* An open end is a bound no time passes, so both ends make one range. */
        struct part *p = part_new(parts, &np, SPATIAL__TIME);
        buf_printf(&p->sql, "%s.occurred_at BETWEEN ? AND ?", a);
        db_params_text(&p->params, f->from[0] ? f->from : "0000");
        db_params_text(&p->params, f->to[0] ? f->to : "9999");
    }
    if (q->fts[0]) {
        struct part *p = part_new(parts, &np, SPATIAL__FTS);
        buf_printf(&p->sql, "%s.n IN (SELECT rowid FROM %s WHERE %s MATCH ?)", a, layer->fts,
                   layer->fts);
        db_params_text(&p->params, q->fts);
    }
    if (nmission) {
        /* Acronyms match without case ("unmiss"), through the mission table so the index on
         * the stored column still serves. A layer without a mission column (context events)
         * takes the missions' host countries. */
        struct part *p = part_new(parts, &np, SPATIAL__MISSION);
        buf_printf(&p->sql, "%s.%s IN (SELECT m.%s FROM mission m WHERE upper(m.acronym) IN ", a,
                   layer->mission_column ? layer->mission_column : layer->country_column,
                   layer->mission_column ? "acronym" : "host_iso3");
        in_list("upper(?)", q->lists[0], nmission, &p->sql, &p->params);
        buf_putc(&p->sql, ')');
    }
    if (nstatus) {
        struct part *p = part_new(parts, &np, SPATIAL__STATUS);
        buf_printf(&p->sql, "%s.%s IN ", a, layer->status_column);
        in_list("?", q->lists[2], nstatus, &p->sql, &p->params);
    }
    rc = choose_driver(db, q, parts, np, buf_str(&rtree_select), err);
    buf_cleanup(&rtree_select);

    /* The predicate's values go first: its text comes first in both clauses. */
    buf_puts(&q->where, " WHERE ");
    layer->visible(who, a, &q->where, &q->params);
    buf_puts(&q->count_where, buf_str(&q->where));
    for (int i = 0; !rc && i < np; i++) {
        /* The R*Tree narrows the search only when it leads; the exact test is below. */
        if (parts[i].index != SPATIAL__RTREE || q->driver == SPATIAL__RTREE)
            add(q, parts[i].index, buf_str(&parts[i].sql), &parts[i].params);
    }
    for (int i = 0; i < np; i++) {
        buf_cleanup(&parts[i].sql);
        db_params_cleanup(&parts[i].params);
    }
    if (rc)
        return rc;

    /* What no index serves, tested on each row. */
    struct db_params v = DB_PARAMS_INIT;
    struct buf sql = BUF_INIT;
    if (spatial && nboxes == 0)
        add(q, SPATIAL__PLAIN, "1 = 0", NULL); /* the bbox and the circle do not meet */
    if (spatial && nboxes > 0 && f->has_bbox) {
        struct box bb[2];
        boxes_on_columns(a, bb, bbox_boxes(f, bb), &sql, &v);
        add(q, SPATIAL__PLAIN, buf_str(&sql), &v);
    }
    if (spatial && nboxes > 0 && f->has_near) {
        struct box nb[2];
        buf_reset(&sql);
        db_params_cleanup(&v);
        boxes_on_columns(a, nb, near_boxes(f, nb), &sql, &v);
        buf_puts(&sql, " AND ");
        near_on_columns(a, f, &sql, &v);
        add(q, SPATIAL__PLAIN, buf_str(&sql), &v);
    }
    if (ntype) {
        buf_reset(&sql);
        db_params_cleanup(&v);
        buf_printf(&sql, "%s.threat_type IN ", a);
        in_list("?", q->lists[1], ntype, &sql, &v);
        add(q, SPATIAL__PLAIN, buf_str(&sql), &v);
    }
    if (f->synthetic != SPATIAL_SYNTHETIC_ALL) {
        /* A layer without the column holds real records only. */
        bool only = f->synthetic == SPATIAL_SYNTHETIC_ONLY;
        buf_reset(&sql);
        db_params_cleanup(&v);
        if (layer->synthetic_column)
            buf_printf(&sql, "%s.%s = %d", a, layer->synthetic_column, only ? 1 : 0);
        else
            buf_puts(&sql, only ? "1 = 0" : "1 = 1");
        add(q, SPATIAL__PLAIN, buf_str(&sql), &v);
    }
    if (f->mine) {
        /* The reader's own reports: the visibility predicate above still applies, so mine
         * narrows what the reader may see and never widens it. A reader without an account
         * (the command line, a token of no user) reported nothing through the API. */
        buf_reset(&sql);
        db_params_cleanup(&v);
        buf_printf(&sql, "%s.%s = ?", a, layer->reporter_column);
        db_params_int(&v, who->account_id > 0 ? who->account_id : -1);
        add(q, SPATIAL__PLAIN, buf_str(&sql), &v);
    }
    buf_cleanup(&sql);
    db_params_cleanup(&v);
    if (q->params.n > SPATIAL__MAX_BINDS)
        return bh_fail(err, BH_EINVALID, NULL, "too many filter values");
    return 0;
}

void spatial__query_cleanup(struct spatial__query *q)
{
    buf_cleanup(&q->where);
    buf_cleanup(&q->count_where);
    db_params_cleanup(&q->params);
}

void spatial__rows_sql(const struct spatial__query *q, bool ascending, bool keyset, bool limit,
                       struct buf *sql)
{
    const char *a = q->layer->alias;
    /* The cursor's bound is on the time index too, which only the time order may use. */
    const char *hold = q->driver == SPATIAL__TIME || q->driver == SPATIAL__PLAIN ? "" : "+";
    buf_printf(sql, "SELECT %s FROM %s%s", q->layer->columns, q->layer->from, buf_str(&q->where));
    if (keyset)
        buf_printf(sql, " AND (%s%s.occurred_at %c ? OR (%s%s.occurred_at = ? AND %s.n %c ?))",
                   hold, a, ascending ? '>' : '<', hold, a, a, ascending ? '>' : '<');
    buf_printf(sql, " ORDER BY %s.occurred_at %s, %s.n %s", a, ascending ? "ASC" : "DESC", a,
               ascending ? "ASC" : "DESC");
    if (limit)
        buf_puts(sql, " LIMIT ?");
}

/* ---- audit of the secretariat's reads ---- */

int spatial__audit_read(struct db *db, const struct principal *who,
                        const struct spatial_layer *layer, json_t *summary, struct bh_error *err)
{
    return audit_read(db, who, layer->record_type, NULL, summary, err);
}

/* ---- the cursor: "d:<occurred_at>/<n>" (or "a:" when oldest first) ---- */

static int parse_cursor(const char *after, bool ascending, char ts[40], int64_t *n,
                        struct bh_error *err)
{
    const char *slash = strrchr(after, '/');
    char *end = NULL;
    if ((after[0] != 'a' && after[0] != 'd') || after[1] != ':' || !slash ||
        slash - after - 2 <= 0 || slash - after - 2 >= 40)
        return bh_fail(err, BH_EINVALID, "cursor",
                       "cursor is not one this list issued; start again without it");
    if ((after[0] == 'a') != ascending)
        return bh_fail(err, BH_EINVALID, "cursor",
                       "cursor belongs to a list in the other sort order; start again without "
                       "it");
    *n = strtoll(slash + 1, &end, 10);
    if (!slash[1] || *end || *n < 0)
        return bh_fail(err, BH_EINVALID, "cursor", "cursor is damaged; start again without it");
    memcpy(ts, after + 2, (size_t)(slash - after - 2));
    ts[slash - after - 2] = '\0';
    return 0;
}

/* One row through row_json and the layer's redact; noted for the audit when `who` reads it
 * so. The item goes to `items`, or, as text, to `text`. */
static int list_item(struct db *db, const struct principal *who, const struct spatial_layer *layer,
                     struct db_stmt *st, json_t *items, struct buf *text, json_t *audited,
                     char last_ts[40], struct bh_error *err)
{
    json_t *item = layer->row_json(st, 0);
    int rc = layer->redact ? layer->redact(db, who, item, err) : 0;
    if (rc) {
        json_decref(item);
        return rc;
    }
    if (audit_read_needed(who, json_string_value(json_object_get(item, "tlp"))))
        json_array_append(audited, json_object_get(item, "id"));
    snprintf(last_ts, 40, "%s", json_string_value(json_object_get(item, "occurred_at")));
    if (text) {
        char *s = json_dumps(item, JSON_COMPACT | JSON_REAL_PRECISION(15));
        if (!s)
            abort(); /* jansson fails here only when out of memory */
        buf_puts(text, s);
        free(s);
        json_decref(item);
    } else {
        json_array_append_new(items, item);
    }
    return 0;
}

/* spatial_list and spatial_list_text: the items go to `items` or to `text`. */
static int list_page(struct db *db, const struct principal *who, const struct spatial_layer *layer,
                     const struct spatial_filter *f, const char *after, int limit, json_t *items,
                     struct buf *text, char next[SPATIAL_CURSOR_MAX], int64_t *total,
                     struct bh_error *err)
{
    next[0] = '\0';
    char ts[40] = "";
    int64_t an = 0;
    int rc = 0;
    if (limit < 1)
        return bh_fail(err, BH_EINVALID, "limit", "limit must be at least 1");
    if (after && *after && (rc = parse_cursor(after, f->ascending, ts, &an, err)))
        return rc;
    struct spatial__query q;
    rc = spatial__query_build(db, who, layer, f, &q, err);
    if (!rc && total)
        rc = spatial__total(db, &q, total, err);
    /* Rows are written straight from the store unless an admin reads: which of their reads
     * are audited depends on each item (audit_read_needed). */
    bool direct = text && layer->row_write && !audit_read_needed(who, "RED");
    json_t *audited = json_array();
    size_t text_start = text ? text->len : 0;
    if (!rc) {
        struct buf sql = BUF_INIT;
        spatial__rows_sql(&q, f->ascending, ts[0] != '\0', true, &sql);
        struct db_stmt *st;
        rc = db_prepare(db, buf_str(&sql), &st, err);
        buf_cleanup(&sql);
        if (!rc) {
            int k = db_params_bind(st, &q.params);
            if (ts[0]) {
                db_bind_text(st, k++, ts);
                db_bind_text(st, k++, ts);
                db_bind_int(st, k++, an);
            }
            /* One row more than the page tells whether another page follows. */
            db_bind_int(st, k, (int64_t)limit + 1);
            int n = 0;
            int64_t last_n = 0;
            char last_ts[40] = "";
            while ((rc = db_step(st, err)) == DB_ROW) {
                if (n++ == limit) {
                    snprintf(next, SPATIAL_CURSOR_MAX, "%c:%s/%" PRId64, f->ascending ? 'a' : 'd',
                             last_ts, last_n);
                    break;
                }
                last_n = db_column_int(st, 0);
                if (text && n > 1)
                    buf_putc(text, ',');
                if (direct && layer->row_write(st, 0, text)) {
                    const char *at = db_column_text(st, layer->occurred_column);
                    snprintf(last_ts, sizeof last_ts, "%s", at ? at : "");
                    continue;
                }
                if ((rc = list_item(db, who, layer, st, items, text, audited, last_ts, err)))
                    break;
            }
            db_stmt_done(st);
            rc = rc < 0 ? rc : 0;
        }
    }
    spatial__query_cleanup(&q);
    if (!rc && json_array_size(audited) > 0) {
        json_t *summary = json_pack("{s:s, s:O}", "via", "list", "ids", audited);
        rc = spatial__audit_read(db, who, layer, summary, err);
        json_decref(summary);
    }
    json_decref(audited);
    if (rc) {
        if (items)
            json_array_clear(items);
        if (text && text->data) {
            text->len = text_start;
            text->data[text_start] = '\0';
        }
        next[0] = '\0';
    }
    return rc;
}

int spatial_list(struct db *db, const struct principal *who, const struct spatial_layer *layer,
                 const struct spatial_filter *f, const char *after, int limit, json_t *items,
                 char next[SPATIAL_CURSOR_MAX], int64_t *total, struct bh_error *err)
{
    return list_page(db, who, layer, f, after, limit, items, NULL, next, total, err);
}

int spatial_list_text(struct db *db, const struct principal *who, const struct spatial_layer *layer,
                      const struct spatial_filter *f, const char *after, int limit,
                      struct buf *items, char next[SPATIAL_CURSOR_MAX], int64_t *total,
                      struct bh_error *err)
{
    return list_page(db, who, layer, f, after, limit, NULL, items, next, total, err);
}

int spatial_count(struct db *db, const struct principal *who, const struct spatial_layer *layer,
                  const struct spatial_filter *f, int64_t *total, struct bh_error *err)
{
    struct spatial__query q;
    int rc = spatial__query_build(db, who, layer, f, &q, err);
    if (!rc)
        rc = spatial__total(db, &q, total, err);
    spatial__query_cleanup(&q);
    return rc;
}
