/* UCDP and ACLED files into context_event: the rules in import.h, the mapping in
 * docs/events.md. */
#include "event/import.h"

#include "audit/audit.h"
#include "base/arena.h"
#include "base/hashmap.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "event/country.h"
#include "event/event.h"
#include "formats/acled.h"
#include "formats/ucdp.h"
#include "taxonomy/taxonomy.h"

#include <stdlib.h>
#include <string.h>

/* ---- report ---- */

void event_import_options_init(struct event_import_options *o)
{
    memset(o, 0, sizeof *o);
    o->tlp = TLP_GREEN;
}

json_t *event_import_report_json(const struct import_report *r)
{
    json_t *rej = json_array(), *warnings = json_array();
    for (size_t i = 0; i < r->nrejections; i++)
        json_array_append_new(rej, json_pack("{s:s, s:s}", "where", r->rejections[i].label,
                                             "reason", r->rejections[i].reason));
    for (size_t i = 0; i < r->nwarnings; i++)
        json_array_append_new(warnings, json_pack("{s:s, s:s}", "where", r->warnings[i].label,
                                                  "warning", r->warnings[i].reason));
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o}", "source",
                     r->source ? r->source : "", "format", r->format ? r->format : "", "rows",
                     (json_int_t)r->rows, "events", (json_int_t)r->events, "added",
                     (json_int_t)r->added, "updated", (json_int_t)r->updated, "unchanged",
                     (json_int_t)r->unchanged, "rejected", (json_int_t)r->rejected, "fallback",
                     (json_int_t)r->fallback, "rejections", rej, "warnings", warnings);
}

/* ---- the run both imports share ---- */

struct run {
    struct db *db;
    const struct principal *who;
    const struct event_import_options *opt;
    struct import_report *rep;
    int64_t owner_org_id;
    char owner_code[32];
    const char *tlp; /* column form */
    int64_t group_id;
    struct event_countries *countries;
    char today[11];
    char now[40];
    struct hashmap seen; /* source id -> a line, a feature index or a pending ACLED event */
    struct arena *arena; /* pending ACLED events */
    bool began;          /* the transaction is open: roll it back on failure */
};

static int resolve_owner(struct run *r, struct bh_error *err)
{
    const char *code = r->opt->owner_org ? r->opt->owner_org : EVENT_IMPORT_DEFAULT_ORG;
    struct db_stmt *st;
    int rc = db_prepare(r->db, "SELECT id, code FROM org WHERE code = ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, code);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        r->owner_org_id = db_column_int(st, 0);
        snprintf(r->owner_code, sizeof r->owner_code, "%s", db_column_text(st, 1));
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!r->owner_org_id)
        return bh_fail(err, BH_ENOTFOUND, "org",
                       "the organization %.40s (owner of the imported events) is not in the "
                       "store: name another with --org, or run `bluehelm init --seed`",
                       code);
    return 0;
}

static int resolve_group(struct run *r, struct bh_error *err)
{
    const char *g = r->opt->sharing_group;
    if (!g || !*g)
        return 0;
    struct db_stmt *st;
    int rc = db_prepare(
        r->db, "SELECT id FROM sharing_group WHERE name = ?1 OR CAST(id AS TEXT) = ?1", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, g);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        r->group_id = db_column_int(st, 0);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!r->group_id)
        return bh_fail(err, BH_EINVALID, "sharing_group",
                       "no sharing group is named or numbered '%.60s'", g);
    return 0;
}

/* The marking every event of the import gets, checked as if the owner organization created
 * the records: AMBER needs a group that lists the owner. */
static int check_marking(struct run *r, const char *source, struct bh_error *err)
{
    enum tlp t = r->opt->tlp;
    if (t == TLP_RED)
        return bh_fail(err, BH_EINVALID, "tlp",
                       "TLP:RED names its readers one by one, which an import cannot: use "
                       "AMBER+STRICT (the owner organization only)");
    /* ACLED's terms of use allow sharing inside an organization and with partners, not
     * publication: CLEAR would show the events to anyone, signed in or not. */
    if (t == TLP_CLEAR && strcmp(source, "acled") == 0)
        return bh_fail(err, BH_EINVALID, "tlp",
                       "ACLED's terms of use forbid public redistribution, so its events cannot "
                       "be TLP:CLEAR; GREEN (the default) shares them with signed-in members");
    int rc = resolve_group(r, err);
    if (rc)
        return rc;
    struct principal as = *r->who;
    as.org_id = r->owner_org_id;
    snprintf(as.org_code, sizeof as.org_code, "%s", r->owner_code);
    if ((rc = sharing_check_marking(r->db, &as, t, r->group_id, err)))
        return rc;
    r->tlp = tlp_column_value(t);
    return 0;
}

static int run_begin(struct run *r, struct db *db, const struct principal *who,
                     const struct event_import_options *opt, struct import_report *rep,
                     const char *source, struct bh_error *err)
{
    memset(r, 0, sizeof *r);
    r->db = db;
    r->who = who;
    r->opt = opt;
    r->rep = rep;
    r->arena = arena_new(64 * 1024);
    hashmap_init(&r->seen, sizeof(long), 1024);
    rep->source = source;
    int64_t now = time_now_ms();
    time_format_rfc3339(now, 0, false, r->now);
    memcpy(r->today, r->now, 10);
    r->today[10] = '\0';
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    r->began = true;
    if ((rc = resolve_owner(r, err)) || (rc = check_marking(r, source, err)) ||
        (rc = event_countries_load(db, &r->countries, err)))
        return rc;
    return 0;
}

/* Commits (with the audit entry) when `rc` is 0 and the strict rule holds, else rolls back. */
static int run_end(struct run *r, int rc, const struct import_input *in, struct bh_error *err)
{
    struct import_report *rep = r->rep;
    if (!rc && r->opt->strict && rep->rejected)
        rc = bh_fail(err, BH_EINVALID, "file",
                     "rows rejected: %lld, so nothing was imported (strict): the first, %s: %s",
                     (long long)rep->rejected, rep->rejections[0].label, rep->rejections[0].reason);
    if (!rc) {
        json_t *summary =
            json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:s}", "file",
                      in->name ? in->name : "the file", "source", rep->source, "format",
                      rep->format ? rep->format : "", "rows", (json_int_t)rep->rows, "events",
                      (json_int_t)rep->events, "added", (json_int_t)rep->added, "updated",
                      (json_int_t)rep->updated, "unchanged", (json_int_t)rep->unchanged, "rejected",
                      (json_int_t)rep->rejected, "fallback", (json_int_t)rep->fallback, "tlp",
                      r->tlp, "owner", r->owner_code);
        rc = audit_append(r->db, r->who, "event.import", "event", NULL, summary, err);
        json_decref(summary);
    }
    /* When not even the transaction began, there is nothing to end and nothing was counted. */
    if (r->began)
        rc = import_end(r->db, rc, rep, err);
    event_countries_free(r->countries);
    hashmap_cleanup(&r->seen);
    arena_free(r->arena);
    return rc;
}

/* The number the file's key `id` maps to (see struct run), or -1 when the file had no such
 * key yet. */
static long seen_get(const struct run *r, const char *id)
{
    const long *v = hashmap_get(&r->seen, id);
    return v ? *v : -1;
}

static void seen_put(struct run *r, const char *id, long value)
{
    *(long *)hashmap_put(&r->seen, id, NULL) = value;
}

/* Dates the store refuses although the source could hold them. */
static int check_dates(const struct run *r, const char *field, const char *start,
                       const char *end_field, const char *end, struct bh_error *problem)
{
    if (strcmp(start, EVENT_IMPORT_EARLIEST) < 0)
        return bh_fail(problem, BH_EINVALID, field, "%s %s is before %s", field, start,
                       EVENT_IMPORT_EARLIEST);
    if (strcmp(start, r->today) > 0)
        return bh_fail(problem, BH_EINVALID, field, "%s %s is in the future", field, start);
    if (end && *end && strcmp(end, r->today) > 0)
        return bh_fail(problem, BH_EINVALID, end_field, "%s %s is in the future", end_field, end);
    return 0;
}

/* Writes one mapped event unless the store already holds it as it is, and counts it. */
static int write_event(struct run *r, struct event_row *row, struct bh_error *err)
{
    row->owner_org_id = r->owner_org_id;
    row->tlp = r->tlp;
    row->sharing_group_id = r->group_id;
    row->imported_at = r->now;
    enum event_stored state;
    int rc = event_store_compare(r->db, row, &state, err);
    if (rc)
        return rc;
    r->rep->events++;
    if (state == EVENT_SAME) {
        r->rep->unchanged++;
        return 0;
    }
    if ((rc = event_store_upsert(r->db, row, NULL, err)))
        return rc;
    if (state == EVENT_ABSENT)
        r->rep->added++;
    else
        r->rep->updated++;
    return 0;
}

/* ---- UCDP ---- */

/* GED's type_of_violence as the stored source_type: the code and its name, so that both the
 * number and its meaning survive. */
static const char *ucdp_source_type(int t)
{
    switch (t) {
    case 1:
        return "1 state-based";
    case 2:
        return "2 non-state";
    default:
        return "3 one-sided";
    }
}

static void ucdp_where(const struct ucdp_where *at, char *out, size_t cap)
{
    if (at->feature >= 0)
        snprintf(out, cap, "feature %ld", at->feature);
    else
        snprintf(out, cap, "line %ld", at->line);
    if (at->id) {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, " (id %.24s)", at->id);
    }
}

static int on_ucdp(void *ctx, const struct ucdp_event *ev, const struct ucdp_where *at,
                   const struct bh_error *problem, struct bh_error *err)
{
    struct run *r = ctx;
    r->rep->rows++;
    char where[64];
    ucdp_where(at, where, sizeof where);
    if (!ev) {
        import_reject(r->rep, at->line, at->feature, where, problem->field, "%s", problem->message);
        return 0;
    }
    struct bh_error bad;
    if (check_dates(r, "date_start", ev->date_start, "date_end", ev->date_end, &bad)) {
        import_reject(r->rep, at->line, at->feature, where, bad.field, "%s", bad.message);
        return 0;
    }
    long first = seen_get(r, ev->id);
    if (first >= 0) {
        char text[160];
        snprintf(text, sizeof text, "id %.24s appears again (first at %s %ld); the first is kept",
                 ev->id, at->feature >= 0 ? "feature" : "line", first);
        import_reject(r->rep, at->line, at->feature, where, "id", "%s", text);
        return 0;
    }
    seen_put(r, ev->id, at->feature >= 0 ? at->feature : at->line);

    char occurred[40], notes_buf[4096];
    snprintf(occurred, sizeof occurred, "%sT00:00:00Z", ev->date_start);
    /* GED has no narrative: where the place is, and which report it was coded from, are what
     * a reader of the map wants to know next. */
    const char *notes = ev->where_description;
    if (ev->where_description && ev->source_article) {
        snprintf(notes_buf, sizeof notes_buf, "%s. Source: %s", ev->where_description,
                 ev->source_article);
        notes = notes_buf;
    } else if (ev->source_article) {
        snprintf(notes_buf, sizeof notes_buf, "Source: %s", ev->source_article);
        notes = notes_buf;
    }
    struct event_row row = {
        .source = "ucdp",
        .source_id = ev->id,
        .occurred_at = occurred,
        .date_end = ev->date_end[0] ? ev->date_end : NULL,
        .date_precision = ev->date_prec,
        .latitude = ev->latitude,
        .longitude = ev->longitude,
        .geo_precision = ev->where_prec,
        .country = ev->country,
        .country_iso3 = event_country_iso3(r->countries, -1, ev->country),
        .admin1 = ev->adm_1,
        .admin2 = ev->adm_2,
        .place_name = ev->where_coordinates,
        .threat_type = taxonomy_from_ucdp(ev->type_of_violence),
        .source_type = ucdp_source_type(ev->type_of_violence),
        .actor1 = ev->side_a,
        .actor2 = ev->side_b,
        .fatalities = ev->best,
        .has_low_high = ev->low >= 0 && ev->high >= 0,
        .fatalities_low = ev->low,
        .fatalities_high = ev->high,
        .notes = notes,
    };
    return write_event(r, &row, err);
}

int event_import_ucdp(struct db *db, const struct principal *who, const struct import_input *in,
                      const struct event_import_options *opt, struct import_report *rep,
                      struct bh_error *err)
{
    struct run r;
    int rc = run_begin(&r, db, who, opt, rep, "ucdp", err);
    if (!rc) {
        struct ucdp_read_info info = { NULL, 0 };
        rc = in->file ? ucdp_read_file(in->file, on_ucdp, &r, &info, err)
                      : ucdp_read_mem(in->data ? in->data : "", in->len, on_ucdp, &r, &info, err);
        rep->format = info.format;
    }
    return run_end(&r, rc, in, err);
}

/* ---- ACLED ---- */

/* An event gathered from its one (dyadic) or two (monadic) rows, written after the last row
 * because the second row of a monadic event may come anywhere in the file. */
struct acled_event {
    const char *id;
    char event_date[11];
    int time_precision, geo_precision, iso;
    const char *event_type, *sub_event_type, *actor1, *actor2;
    const char *country, *admin1, *admin2, *location, *notes;
    double latitude, longitude;
    int64_t fatalities;
    long line;       /* of its first row */
    int rows;        /* 1 or 2 */
    long dropped;    /* the line of a rejected row of this event (not imported); else 0 */
    bool own_actor2; /* actor2 came from its first row's actor2 column */
};

struct acled_run {
    struct run base;
    struct acled_event *events;
    size_t n, cap;
};

static const char *dup(struct arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

static bool same_opt(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The second row of a monadic event: the same event seen from its other actor. Returns the
 * column in which it disagrees with the first row, or NULL. */
static const char *acled_differs(const struct acled_event *e, const struct acled_row *row)
{
    if (strcmp(e->event_date, row->event_date) != 0)
        return "event_date";
    if (strcmp(e->event_type, row->event_type) != 0)
        return "event_type";
    if (strcmp(e->sub_event_type, row->sub_event_type) != 0)
        return "sub_event_type";
    if (e->latitude != row->latitude)
        return "latitude";
    if (e->longitude != row->longitude)
        return "longitude";
    if (e->fatalities != row->fatalities)
        return "fatalities";
    if (!same_opt(e->country, row->country))
        return "country";
    return NULL;
}

static void acled_second_row(struct acled_run *a, struct acled_event *e,
                             const struct acled_row *row, long line, const char *where)
{
    char text[320];
    const char *field = acled_differs(e, row);
    if (e->rows >= 2) {
        snprintf(text, sizeof text,
                 "event_id_cnty %.32s appears a third time (first on line %ld): a monadic file "
                 "has one row per actor and an event has two actors at most",
                 e->id, e->line);
    } else if (field) {
        snprintf(text, sizeof text,
                 "event_id_cnty %.32s appears again (first on line %ld) with another %s: the "
                 "rows of one event must agree; the first is kept",
                 e->id, e->line, field);
    } else if (e->own_actor2 && strcmp(e->actor2, row->actor1) != 0) {
        /* A second row of a monadic event names the other actor in actor1. One that names
         * someone else is a repeated row, not the other side of the event. */
        snprintf(text, sizeof text,
                 "event_id_cnty %.32s appears again (first on line %ld), and its actor1 "
                 "'%.60s' is not that row's actor2 '%.60s'; the first is kept",
                 e->id, e->line, row->actor1, e->actor2);
    } else {
        if (!e->actor2)
            e->actor2 = dup(a->base.arena, row->actor1);
        e->rows = 2;
        return;
    }
    import_reject(a->base.rep, line, -1, where, "event_id_cnty", "%s", text);
}

/* A rejected row takes its event with it: the rows of a monadic event are one event, and
 * half of one (the wrong actors, say) would be a wrong event. The map remembers a rejected
 * first row as -(line + 1); a rejected later row marks the gathered event as dropped. */
static void acled_rejected(struct acled_run *a, const char *id, long line)
{
    if (!id)
        return;
    long k = seen_get(&a->base, id);
    if (k >= 0 && !a->events[k].dropped)
        a->events[k].dropped = line;
    else if (k == -1)
        seen_put(&a->base, id, -(line + 1));
}

static int on_acled(void *ctx, const struct acled_row *row, long line, const char *id,
                    const struct bh_error *problem, struct bh_error *err)
{
    (void)err;
    struct acled_run *a = ctx;
    struct run *r = &a->base;
    r->rep->rows++;
    char where[64];
    if (id)
        snprintf(where, sizeof where, "line %ld (%.32s)", line, id);
    else
        snprintf(where, sizeof where, "line %ld", line);
    if (!row) {
        import_reject(r->rep, line, -1, where, problem->field, "%s", problem->message);
        acled_rejected(a, id, line);
        return 0;
    }
    struct bh_error bad;
    if (check_dates(r, "event_date", row->event_date, NULL, NULL, &bad)) {
        import_reject(r->rep, line, -1, where, bad.field, "%s", bad.message);
        acled_rejected(a, id, line);
        return 0;
    }
    long k = seen_get(r, row->event_id_cnty);
    if (k < -1) {
        char text[200];
        snprintf(text, sizeof text,
                 "event_id_cnty %.32s: its row on line %ld was rejected, so this row of the same "
                 "event is too",
                 row->event_id_cnty, -k - 1);
        import_reject(r->rep, line, -1, where, "event_id_cnty", "%s", text);
        return 0;
    }
    if (k >= 0) {
        acled_second_row(a, &a->events[k], row, line, where);
        return 0;
    }
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 256;
        a->events = xrealloc(a->events, a->cap * sizeof *a->events);
    }
    struct acled_event *e = &a->events[a->n];
    memset(e, 0, sizeof *e);
    struct arena *ar = r->arena;
    e->id = dup(ar, row->event_id_cnty);
    memcpy(e->event_date, row->event_date, sizeof e->event_date);
    e->time_precision = row->time_precision;
    e->geo_precision = row->geo_precision;
    e->iso = row->iso;
    e->event_type = dup(ar, row->event_type);
    e->sub_event_type = dup(ar, row->sub_event_type);
    e->actor1 = dup(ar, row->actor1);
    e->actor2 = dup(ar, row->actor2);
    e->own_actor2 = row->actor2 != NULL;
    e->country = dup(ar, row->country);
    e->admin1 = dup(ar, row->admin1);
    e->admin2 = dup(ar, row->admin2);
    e->location = dup(ar, row->location);
    e->notes = dup(ar, row->notes);
    e->latitude = row->latitude;
    e->longitude = row->longitude;
    e->fatalities = row->fatalities;
    e->line = line;
    e->rows = 1;
    seen_put(r, e->id, (long)a->n);
    a->n++;
    return 0;
}

static int acled_write(struct acled_run *a, struct bh_error *err)
{
    struct run *r = &a->base;
    for (size_t i = 0; i < a->n; i++) {
        const struct acled_event *e = &a->events[i];
        if (e->dropped) {
            char where[64], text[200];
            snprintf(where, sizeof where, "line %ld (%.32s)", e->line, e->id);
            snprintf(text, sizeof text,
                     "event_id_cnty %.32s: its row on line %ld was rejected, so this row of the "
                     "same event is too",
                     e->id, e->dropped);
            import_reject(r->rep, e->line, -1, where, "event_id_cnty", "%s", text);
            continue;
        }
        const char *threat = taxonomy_from_acled(e->event_type, e->sub_event_type);
        if (!taxonomy_acled_find(e->event_type, e->sub_event_type)) {
            char where[64], text[320];
            snprintf(where, sizeof where, "line %ld (%.32s)", e->line, e->id);
            snprintf(text, sizeof text,
                     "event_type '%.60s' with sub_event_type '%.60s' is not in ACLED's codebook "
                     "as this version knows it: stored as threat type '%s'",
                     e->event_type, e->sub_event_type, threat);
            import_warn(r->rep, e->line, -1, where, "event_type", "%s", text);
            r->rep->fallback++;
        }
        char occurred[40], source_type[160];
        snprintf(occurred, sizeof occurred, "%sT00:00:00Z", e->event_date);
        snprintf(source_type, sizeof source_type, "%s: %s", e->event_type, e->sub_event_type);
        struct event_row row = {
            .source = "acled",
            .source_id = e->id,
            .occurred_at = occurred,
            .date_precision = e->time_precision,
            .latitude = e->latitude,
            .longitude = e->longitude,
            .geo_precision = e->geo_precision,
            .country = e->country,
            .country_iso3 = event_country_iso3(r->countries, e->iso, e->country),
            .admin1 = e->admin1,
            .admin2 = e->admin2,
            .place_name = e->location,
            .threat_type = threat,
            .source_type = source_type,
            .actor1 = e->actor1,
            .actor2 = e->actor2,
            .fatalities = e->fatalities,
            .notes = e->notes,
        };
        int rc = write_event(r, &row, err);
        if (rc)
            return rc;
    }
    return 0;
}

int event_import_acled(struct db *db, const struct principal *who, const struct import_input *in,
                       const struct event_import_options *opt, struct import_report *rep,
                       struct bh_error *err)
{
    struct acled_run a = { 0 };
    int rc = run_begin(&a.base, db, who, opt, rep, "acled", err);
    if (!rc) {
        struct acled_read_info info = { false, 0 };
        rc = in->file ? acled_read_file(in->file, on_acled, &a, &info, NULL, err)
                      : acled_read_mem(in->data ? in->data : "", in->len, on_acled, &a, &info, NULL,
                                       err);
        bool monadic = false;
        for (size_t i = 0; i < a.n && !monadic; i++)
            monadic = a.events[i].rows > 1;
        rep->format = monadic || !info.has_actor2 ? "monadic" : "dyadic";
        if (!rc)
            rc = acled_write(&a, err);
    }
    free(a.events);
    return run_end(&a.base, rc, in, err);
}
