/* Sending an alert: the body checked field by field, the targets resolved to recipient
 * organizations (each of which must be able to read the alert under its marking), the row,
 * its targets and recipients written in one transaction, the recipients told. */
#include "alert/internal.h"

#include "audit/audit.h"
#include "base/i18n.h"
#include "base/jsonfield.h"
#include "base/timeutil.h"
#include "feed/feed.h"
#include "notify/notify.h"
#include "sharing/sharing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INFOS      8
#define MAX_AREAS      32
#define MAX_POINTS     1000
#define MAX_TARGETS    64
#define MAX_RECIPIENTS 64
#define MAX_ORGS       1024

static const char *const statuses[] = { "Actual", "Exercise", "System", "Test", "Draft", NULL };
static const char *const msg_types[] = { "Alert", "Update", "Cancel", NULL };
static const char *const categories[] = { "Geo",   "Met",    "Safety", "Security",  "Rescue",
                                          "Fire",  "Health", "Env",    "Transport", "Infra",
                                          "CBRNE", "Other",  NULL };
static const char *const response_types[] = { "Shelter", "Evacuate", "Prepare",  "Execute", "Avoid",
                                              "Monitor", "Assess",   "AllClear", "None",    NULL };
static const char *const urgencies[] = {
    "Immediate", "Expected", "Future", "Past", "Unknown", NULL
};
static const char *const severities[] = {
    "Extreme", "Severe", "Moderate", "Minor", "Unknown", NULL
};
static const char *const certainties[] = { "Observed", "Likely",  "Possible",
                                           "Unlikely", "Unknown", NULL };

static bool in_list(const char *s, const char *const *list)
{
    for (; s && *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static int one_of(const json_t *obj, const char *key, const char *field, bool required,
                  const char *const *list, const char **out, struct bh_error *err)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            return bh_fail(err, BH_EINVALID, field, "%s is required", field);
        return 0;
    }
    if (!json_is_string(v) || !in_list(json_string_value(v), list))
        return bh_fail(err, BH_EINVALID, field, "%s must be one of the CAP values (%s, ...)", field,
                       list[0]);
    *out = json_string_value(v);
    return 0;
}

static int text(const json_t *obj, const char *key, const char *field, bool required, size_t max,
                const char **out, struct bh_error *err)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
        if (required)
            return bh_fail(err, BH_EINVALID, field, "%s is required", field);
        return 0;
    }
    if (!json_is_string(v))
        return bh_fail(err, BH_EINVALID, field, "%s must be a string", field);
    if (strlen(json_string_value(v)) > max)
        return bh_fail(err, BH_EINVALID, field, "%s is longer than %zu bytes", field, max);
    *out = json_string_value(v);
    return 0;
}

static int check_known(const json_t *obj, const char *const *known, const char *where,
                       struct bh_error *err)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        if (!in_list(key, known))
            return bh_fail(err, BH_EINVALID, where, "%s has an unknown key '%.40s'", where, key);
    }
    return 0;
}

/* Whether segments p1-p2 and p3-p4 cross (touching at a shared end does not count). */
static double cross(const double *o, const double *a, const double *b)
{
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

static bool segments_cross(const double *p1, const double *p2, const double *p3, const double *p4)
{
    double d1 = cross(p3, p4, p1), d2 = cross(p3, p4, p2);
    double d3 = cross(p1, p2, p3), d4 = cross(p1, p2, p4);
    return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/* A polygon [[lat, lon], ...]: closed, at least four points, in range, not crossing itself.
 * `pts` receives the points (at most MAX_POINTS). */
static int check_polygon(const json_t *poly, const char *field, double (*pts)[2], size_t *n,
                         struct bh_error *err)
{
    if (!json_is_array(poly))
        return bh_fail(err, BH_EINVALID, field, "%s must be a list of [lat, lon] points", field);
    *n = json_array_size(poly);
    if (*n < 4)
        return bh_fail(err, BH_EINVALID, field,
                       "%s has fewer than 4 points (a closed ring needs 4, the last the first)",
                       field);
    if (*n > MAX_POINTS)
        return bh_fail(err, BH_EINVALID, field, "%s has more than %d points", field, MAX_POINTS);
    for (size_t i = 0; i < *n; i++) {
        const json_t *pt = json_array_get(poly, i);
        if (!json_is_array(pt) || json_array_size(pt) != 2 ||
            !json_is_number(json_array_get(pt, 0)) || !json_is_number(json_array_get(pt, 1)))
            return bh_fail(err, BH_EINVALID, field, "%s[%zu] must be [lat, lon]", field, i);
        pts[i][0] = json_number_value(json_array_get(pt, 0));
        pts[i][1] = json_number_value(json_array_get(pt, 1));
        if (!(pts[i][0] >= -90 && pts[i][0] <= 90 && pts[i][1] >= -180 && pts[i][1] <= 180))
            return bh_fail(err, BH_EINVALID, field,
                           "%s[%zu] is out of range (lat -90..90, lon "
                           "-180..180)",
                           field, i);
    }
    if (pts[0][0] != pts[*n - 1][0] || pts[0][1] != pts[*n - 1][1])
        return bh_fail(err, BH_EINVALID, field,
                       "%s is not closed: its last point must be its first", field);
    size_t edges = *n - 1;
    for (size_t i = 0; i < edges; i++)
        for (size_t j = i + 1; j < edges; j++) {
            if (j == i + 1 || (i == 0 && j == edges - 1))
                continue; /* neighbours share a point */
            if (segments_cross(pts[i], pts[i + 1], pts[j], pts[j + 1]))
                return bh_fail(err, BH_EINVALID, field, "%s crosses itself (edges %zu and %zu)",
                               field, i, j);
        }
    return 0;
}

static bool point_in_polygon(double lat, double lon, double (*pts)[2], size_t n)
{
    bool in = false;
    for (size_t i = 0, j = n - 1; i < n; j = i++)
        if ((pts[i][0] > lat) != (pts[j][0] > lat) &&
            lon < (pts[j][1] - pts[i][1]) * (lat - pts[i][0]) / (pts[j][0] - pts[i][0]) + pts[i][1])
            in = !in;
    return in;
}

static double km_between(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0, d = M_PI / 180.0;
    double a =
        sin((lat2 - lat1) * d / 2) * sin((lat2 - lat1) * d / 2) +
        cos(lat1 * d) * cos(lat2 * d) * sin((lon2 - lon1) * d / 2) * sin((lon2 - lon1) * d / 2);
    return 2 * r * atan2(sqrt(a), sqrt(1 - a));
}

/* What the targets resolve to: recipient organization ids (no repeats). */
struct recipients {
    int64_t ids[MAX_ORGS];
    size_t n;
};

static void add_org(struct recipients *r, int64_t id)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->ids[i] == id)
            return;
    if (r->n < MAX_ORGS)
        r->ids[r->n++] = id;
}

/* Adds the organizations of rows of `sql` (one integer column) run with `params`. */
static int add_orgs_sql(struct db *db, struct recipients *r, const char *sql,
                        const struct db_params *params, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    db_params_bind(st, params);
    while ((rc = db_step(st, err)) == DB_ROW)
        add_org(r, db_column_int(st, 0));
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* A mission's recipients: the organizations with an enabled account working for it, and the
 * mission's own organization when there is one. */
static int add_mission(struct db *db, struct recipients *r, const char *mission, const char *field,
                       struct bh_error *err)
{
    bool found = false;
    int rc = db_exec_params(db, "SELECT 1 FROM mission WHERE acronym = ?",
                            DB_PARAMS(DB_TEXT(mission)), NULL, &found, err);
    if (rc)
        return rc;
    if (!found)
        return bh_fail(err, BH_EINVALID, field, "%s: no mission '%.40s'", field, mission);
    return add_orgs_sql(db, r,
                        "SELECT DISTINCT a.org_id FROM account a JOIN account_mission m ON "
                        "m.account_id = a.id WHERE m.mission = ? AND a.disabled = 0 UNION "
                        "SELECT id FROM org WHERE mission_acronym = ?",
                        DB_PARAMS(DB_TEXT(mission), DB_TEXT(mission)), err);
}

/* The missions whose headquarters lie in the area (a polygon or a circle). */
static int add_area(struct db *db, struct recipients *r, double (*pts)[2], size_t npts,
                    const json_t *circle, json_t *targets_missions, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT acronym, hq_lat, hq_lon FROM mission WHERE hq_lat IS NOT NULL "
                        "AND hq_lon IS NOT NULL ORDER BY acronym",
                        &st, err);
    if (rc)
        return rc;
    while ((rc = db_step(st, err)) == DB_ROW) {
        double lat = db_column_double(st, 1), lon = db_column_double(st, 2);
        bool in = npts && point_in_polygon(lat, lon, pts, npts);
        if (!in && circle)
            in = km_between(lat, lon, json_number_value(json_object_get(circle, "lat")),
                            json_number_value(json_object_get(circle, "lon"))) <=
                 json_number_value(json_object_get(circle, "radius_km"));
        if (in)
            json_array_append_new(targets_missions, json_string(db_column_text(st, 0)));
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    size_t i;
    json_t *m;
    json_array_foreach(targets_missions, i, m)
    {
        if ((rc = add_mission(db, r, json_string_value(m), "targets", err)))
            return rc;
    }
    json_array_clear(targets_missions);
    return 0;
}

/* One info block of the body, checked, as the normalized JSON stored. */
static int check_info(struct db *db, const json_t *in, size_t idx, struct recipients *rcpt,
                      json_t *area_targets, json_t **out, struct bh_error *err)
{
    static const char *const known[] = { "language",    "category",    "event",         "urgency",
                                         "severity",    "certainty",   "response_type", "headline",
                                         "description", "instruction", "effective",     "onset",
                                         "expires",     "areas",       "audience",      "web",
                                         "contact",     NULL };
    char f[128];
    snprintf(f, sizeof f, "info[%zu]", idx);
    if (!json_is_object(in))
        return bh_fail(err, BH_EINVALID, f, "%s must be an object", f);
    int rc = check_known(in, known, f, err);
    if (rc)
        return rc;
    json_t *o = json_object();
    *out = o;
    const char *s;
#define FIELD(k) (snprintf(f, sizeof f, "info[%zu].%s", idx, (k)), f)
    if ((rc = text(in, "language", FIELD("language"), false, 35, &s, err)))
        return rc;
    json_object_set_new(o, "language", json_string(s ? s : "en"));
    const json_t *cats = json_object_get(in, "category");
    FIELD("category");
    if (!json_is_array(cats) || json_array_size(cats) == 0)
        return bh_fail(err, BH_EINVALID, f,
                       "%s must list one or more CAP categories (Safety, "
                       "Security, ...)",
                       f);
    size_t i;
    json_t *v;
    json_array_foreach(cats, i, v)
    {
        if (!json_is_string(v) || !in_list(json_string_value(v), categories))
            return bh_fail(err, BH_EINVALID, f, "%s[%zu] is not a CAP category", f, i);
    }
    json_object_set(o, "category", (json_t *)cats);
    if ((rc = text(in, "event", FIELD("event"), true, 200, &s, err)))
        return rc;
    json_object_set_new(o, "event", json_string(s));
    const json_t *rts = json_object_get(in, "response_type");
    if (rts && !json_is_null(rts)) {
        FIELD("response_type");
        if (!json_is_array(rts))
            return bh_fail(err, BH_EINVALID, f, "%s must be a list", f);
        json_array_foreach(rts, i, v)
        {
            if (!json_is_string(v) || !in_list(json_string_value(v), response_types))
                return bh_fail(err, BH_EINVALID, f, "%s[%zu] is not a CAP response type", f, i);
        }
        json_object_set(o, "response_type", (json_t *)rts);
    } else
        json_object_set_new(o, "response_type", json_array());
    if ((rc = one_of(in, "urgency", FIELD("urgency"), true, urgencies, &s, err)))
        return rc;
    json_object_set_new(o, "urgency", json_string(s));
    if ((rc = one_of(in, "severity", FIELD("severity"), true, severities, &s, err)))
        return rc;
    json_object_set_new(o, "severity", json_string(s));
    if ((rc = one_of(in, "certainty", FIELD("certainty"), true, certainties, &s, err)))
        return rc;
    json_object_set_new(o, "certainty", json_string(s));
    static const struct {
        const char *key;
        size_t max;
    } texts[] = { { "headline", 200 }, { "description", 8000 }, { "instruction", 4000 },
                  { "audience", 500 }, { "web", 1000 },         { "contact", 500 } };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        if ((rc = text(in, texts[t].key, FIELD(texts[t].key), false, texts[t].max, &s, err)))
            return rc;
        if (s)
            json_object_set_new(o, texts[t].key, json_string(s));
    }
    int64_t times[3] = { -1, -1, -1 };
    static const char *const tkeys[] = { "effective", "onset", "expires" };
    for (int t = 0; t < 3; t++) {
        if ((rc = text(in, tkeys[t], FIELD(tkeys[t]), false, 64, &s, err)))
            return rc;
        if (!s)
            continue;
        char norm[40];
        if ((rc = alert__norm_time(s, f, norm, err)))
            return rc;
        json_object_set_new(o, tkeys[t], json_string(norm));
        time_parse_rfc3339(norm, &times[t], NULL, err);
    }
    if (times[2] >= 0 && times[0] >= 0 && times[2] <= times[0])
        return bh_fail(err, BH_EINVALID, FIELD("expires"), "%s is not after effective", f);
    const json_t *areas = json_object_get(in, "areas");
    json_t *oareas = json_array();
    json_object_set_new(o, "areas", oareas);
    if (areas && !json_is_null(areas)) {
        FIELD("areas");
        if (!json_is_array(areas))
            return bh_fail(err, BH_EINVALID, f, "%s must be a list", f);
        if (json_array_size(areas) > MAX_AREAS)
            return bh_fail(err, BH_EINVALID, f, "%s has more than %d areas", f, MAX_AREAS);
        static const char *const akeys[] = { "area_desc", "polygon", "circle", "mission", NULL };
        static double pts[MAX_POINTS][2];
        json_t *area;
        json_array_foreach(areas, i, area)
        {
            char af[64];
            snprintf(af, sizeof af, "info[%zu].areas[%zu]", idx, i);
            if (!json_is_object(area))
                return bh_fail(err, BH_EINVALID, af, "%s must be an object", af);
            if ((rc = check_known(area, akeys, af, err)))
                return rc;
            json_t *oa = json_object();
            json_array_append_new(oareas, oa);
            snprintf(f, sizeof f, "%s.area_desc", af);
            if ((rc = text(area, "area_desc", f, true, 500, &s, err)))
                return rc;
            json_object_set_new(oa, "area_desc", json_string(s));
            size_t npts = 0;
            const json_t *poly = json_object_get(area, "polygon");
            if (poly && !json_is_null(poly)) {
                snprintf(f, sizeof f, "%s.polygon", af);
                if ((rc = check_polygon(poly, f, pts, &npts, err)))
                    return rc;
                /* Numbers as reals, as an imported polygon reads back. */
                json_t *np = json_array();
                for (size_t q = 0; q < npts; q++)
                    json_array_append_new(np, json_pack("[f, f]", pts[q][0], pts[q][1]));
                json_object_set_new(oa, "polygon", np);
            }
            const json_t *circle = json_object_get(area, "circle");
            if (circle && !json_is_null(circle)) {
                snprintf(f, sizeof f, "%s.circle", af);
                const json_t *la = json_object_get(circle, "lat"),
                             *lo = json_object_get(circle, "lon"),
                             *ra = json_object_get(circle, "radius_km");
                if (!json_is_object(circle) || !json_is_number(la) || !json_is_number(lo) ||
                    !json_is_number(ra) || json_object_size(circle) != 3)
                    return bh_fail(err, BH_EINVALID, f,
                                   "%s must be {\"lat\", \"lon\", \"radius_km\"} numbers", f);
                if (fabs(json_number_value(la)) > 90 || fabs(json_number_value(lo)) > 180 ||
                    json_number_value(ra) < 0 || json_number_value(ra) > 20000)
                    return bh_fail(err, BH_EINVALID, f,
                                   "%s is out of range (lat -90..90, lon -180..180, radius_km "
                                   "0..20000)",
                                   f);
                json_object_set_new(oa, "circle",
                                    json_pack("{s:f, s:f, s:f}", "lat", json_number_value(la),
                                              "lon", json_number_value(lo), "radius_km",
                                              json_number_value(ra)));
            } else
                circle = NULL;
            snprintf(f, sizeof f, "%s.mission", af);
            if ((rc = text(area, "mission", f, false, 32, &s, err)))
                return rc;
            if (s) {
                if ((rc = add_mission(db, rcpt, s, f, err)))
                    return rc;
                json_object_set_new(oa, "mission", json_string(s));
            }
            if (npts || circle) {
                json_t *found = json_array();
                rc = add_area(db, rcpt, pts, npts, circle, found, err);
                json_decref(found);
                if (rc)
                    return rc;
            }
            json_array_append_new(area_targets,
                                  json_string(json_string_value(json_object_get(oa, "area_desc"))));
        }
    }
#undef FIELD
    return 0;
}

/* Whether organization `org` can read an alert with this marking (the recipients rule). */
static int org_can_read(struct db *db, int64_t org, int64_t owner, const char *tlp, int64_t group,
                        const int64_t *red, size_t nred, bool *ok, struct bh_error *err)
{
    *ok = false;
    if (strcmp(tlp, "CLEAR") == 0 || strcmp(tlp, "GREEN") == 0) {
        *ok = true;
        return 0;
    }
    if (strcmp(tlp, "AMBER+STRICT") == 0) {
        *ok = org == owner;
        return 0;
    }
    if (strcmp(tlp, "AMBER") == 0) {
        *ok = org == owner;
        return *ok ? 0
                   : db_exec_params(db,
                                    "SELECT 1 FROM sharing_group_member WHERE group_id = ? AND "
                                    "org_id = ?",
                                    DB_PARAMS(DB_INT(group), DB_INT(org)), NULL, ok, err);
    }
    /* RED: one of its named readers works there. */
    for (size_t i = 0; i < nred && !*ok; i++) {
        int rc = db_exec_params(db, "SELECT 1 FROM account WHERE id = ? AND org_id = ?",
                                DB_PARAMS(DB_INT(red[i]), DB_INT(org)), NULL, ok, err);
        if (rc)
            return rc;
    }
    return 0;
}

/* RED readers by username: active accounts whose role reads records (sharing_red_reader(),
 * the rule of incidents and bulletins too). */
static int resolve_red(struct db *db, const json_t *names, int64_t *ids, size_t *n,
                       struct bh_error *err)
{
    *n = 0;
    if (!names || json_is_null(names))
        return 0;
    if (!json_is_array(names) || json_array_size(names) > MAX_RECIPIENTS)
        return bh_fail(err, BH_EINVALID, "recipients",
                       "recipients must be a list of at most %d usernames", MAX_RECIPIENTS);
    size_t i;
    json_t *v;
    json_array_foreach(names, i, v)
    {
        int64_t acc;
        int rc = sharing_red_reader(db, json_is_string(v) ? json_string_value(v) : "", &acc, err);
        if (rc)
            return rc;
        if (!acc)
            return bh_fail(err, BH_EINVALID, "recipients",
                           "recipients[%zu]: '%.60s' cannot be named as a reader of this alert "
                           "(give the username of an active user whose role reads records)",
                           i, json_is_string(v) ? json_string_value(v) : "");
        ids[(*n)++] = acc;
    }
    return 0;
}

static int insert_target(struct db *db, const char *id, const char *kind, const char *value,
                         struct bh_error *err)
{
    return db_exec_params(db,
                          "INSERT OR IGNORE INTO alert_target (alert_id, kind, value) VALUES "
                          "(?, ?, ?)",
                          DB_PARAMS(DB_TEXT(id), DB_TEXT(kind), DB_TEXT(value)), NULL, NULL, err);
}

/* The checks and writes of alert_send, inside its transaction. */
static int send_in_tx(struct db *db, const struct principal *who, const json_t *body,
                      struct recipients *rcpt, char id[37], json_t **headline, struct bh_error *err)
{
    static const char *const known[] = { "status",        "msg_type",   "references", "tlp",
                                         "sharing_group", "recipients", "targets",    "info",
                                         "note",          NULL };
    int rc = check_known(body, known, "body", err);
    if (rc)
        return rc;
    if (!who->org_id)
        return bh_fail(err, BH_EDENIED, NULL, "an alert is sent by a member organization");
    const char *status, *msg_type, *references, *tlp_text;
    if ((rc = one_of(body, "status", "status", true, statuses, &status, err)) ||
        (rc = one_of(body, "msg_type", "msg_type", false, msg_types, &msg_type, err)) ||
        (rc = text(body, "references", "references", false, 64, &references, err)) ||
        (rc = text(body, "tlp", "tlp", true, 32, &tlp_text, err)))
        return rc;
    if (!msg_type)
        msg_type = "Alert";
    int t = tlp_parse(tlp_text);
    if (t < 0)
        return bh_fail(err, BH_EINVALID, "tlp", "'%.32s' is not a TLP 2.0 marking", tlp_text);
    int64_t group = 0;
    const json_t *g = json_object_get(body, "sharing_group");
    if (g && !json_is_null(g)) {
        if (!json_is_integer(g) || json_integer_value(g) <= 0)
            return bh_fail(err, BH_EINVALID, "sharing_group", "sharing_group must be a group id");
        group = json_integer_value(g);
    }
    if ((rc = sharing_check_marking(db, who, (enum tlp)t, group, err)))
        return rc;
    const char *tlp = tlp_column_value((enum tlp)t);
    int64_t red[MAX_RECIPIENTS];
    size_t nred = 0;
    const json_t *names = json_object_get(body, "recipients");
    if (t != TLP_RED && names && !json_is_null(names) && json_array_size(names))
        return bh_fail(err, BH_EINVALID, "recipients",
                       "only a TLP:RED alert names recipients; this one is TLP:%s", tlp);
    if ((rc = resolve_red(db, names, red, &nred, err)))
        return rc;
    if (t == TLP_RED && nred == 0)
        return bh_fail(err, BH_EINVALID, "recipients",
                       "a TLP:RED alert names its readers in recipients");
    /* The alert an Update or Cancel replaces: one of this organization's. */
    char ref_text[256] = "";
    char ref_id[40] = "";
    if (strcmp(msg_type, "Alert") != 0) {
        if (!references)
            return bh_fail(err, BH_EINVALID, "references",
                           "an %s names the alert it replaces in references", msg_type);
        struct db_stmt *st;
        if ((rc = db_prepare(db,
                             "SELECT id, sender, identifier, sent FROM alert WHERE id = ? AND "
                             "owner_org_id = ?",
                             &st, err)))
            return rc;
        db_bind_text(st, 1, references);
        db_bind_int(st, 2, who->org_id);
        rc = db_step(st, err);
        if (rc == DB_ROW) {
            snprintf(ref_id, sizeof ref_id, "%s", db_column_text(st, 0));
            snprintf(ref_text, sizeof ref_text, "%s,%s,%s", db_column_text(st, 1),
                     db_column_text(st, 2), db_column_text(st, 3));
        }
        db_stmt_done(st);
        if (rc < 0)
            return rc;
        if (!ref_id[0])
            return bh_fail(err, BH_EINVALID, "references",
                           "references: no alert '%.40s' of your organization", references);
    } else if (references)
        return bh_fail(err, BH_EINVALID, "references",
                       "only an Update or a Cancel names references");
    /* Info blocks (the areas among them add recipients). */
    const json_t *infos = json_object_get(body, "info");
    if (!json_is_array(infos) || json_array_size(infos) == 0)
        return bh_fail(err, BH_EINVALID, "info", "info must list one or more info blocks");
    if (json_array_size(infos) > MAX_INFOS)
        return bh_fail(err, BH_EINVALID, "info", "info has more than %d blocks", MAX_INFOS);
    json_t *norm = json_array(), *area_targets = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(infos, i, v)
    {
        json_t *o = NULL;
        rc = check_info(db, v, i, rcpt, area_targets, &o, err);
        if (o)
            json_array_append_new(norm, o);
        if (rc)
            break;
    }
    /* Explicit targets. */
    const json_t *targets = json_object_get(body, "targets");
    static const char *const tkeys[] = { "orgs", "missions", "groups", NULL };
    if (!rc && targets && !json_is_null(targets)) {
        if (!json_is_object(targets))
            rc = bh_fail(err, BH_EINVALID, "targets",
                         "targets must be {\"orgs\", \"missions\", \"groups\"}");
        else
            rc = check_known(targets, tkeys, "targets", err);
        for (int k = 0; !rc && k < 3; k++) {
            const json_t *list = json_object_get(targets, tkeys[k]);
            if (!list || json_is_null(list))
                continue;
            char f[64];
            snprintf(f, sizeof f, "targets.%s", tkeys[k]);
            if (!json_is_array(list) || json_array_size(list) > MAX_TARGETS) {
                rc =
                    bh_fail(err, BH_EINVALID, f, "%s must be a list of at most %d", f, MAX_TARGETS);
                break;
            }
            json_array_foreach(list, i, v)
            {
                snprintf(f, sizeof f, "targets.%s[%zu]", tkeys[k], i);
                if (k == 2 ? !json_is_integer(v) : !json_is_string(v)) {
                    rc = bh_fail(err, BH_EINVALID, f, "%s must be %s", f,
                                 k == 2 ? "a group id" : "a code");
                    break;
                }
                if (k == 0) {
                    int64_t oid = -1;
                    rc = db_exec_params(db, "SELECT id FROM org WHERE code = ?",
                                        DB_PARAMS(DB_TEXT(json_string_value(v))), &oid, NULL, err);
                    if (!rc && oid < 0)
                        rc = bh_fail(err, BH_EINVALID, f, "%s: no organization '%.40s'", f,
                                     json_string_value(v));
                    if (!rc)
                        add_org(rcpt, oid);
                } else if (k == 1)
                    rc = add_mission(db, rcpt, json_string_value(v), f, err);
                else {
                    bool found = false;
                    rc =
                        db_exec_params(db, "SELECT 1 FROM sharing_group WHERE id = ?",
                                       DB_PARAMS(DB_INT(json_integer_value(v))), NULL, &found, err);
                    if (!rc && !found)
                        rc = bh_fail(err, BH_EINVALID, f, "%s: no sharing group %lld", f,
                                     (long long)json_integer_value(v));
                    if (!rc)
                        rc = add_orgs_sql(db, rcpt,
                                          "SELECT org_id FROM sharing_group_member WHERE "
                                          "group_id = ?",
                                          DB_PARAMS(DB_INT(json_integer_value(v))), err);
                }
                if (rc)
                    break;
            }
        }
    }
    /* Every recipient must be able to read it; the sender is not its own recipient. */
    size_t kept = 0;
    for (size_t r = 0; !rc && r < rcpt->n; r++) {
        if (rcpt->ids[r] == who->org_id)
            continue;
        bool ok = false;
        rc = org_can_read(db, rcpt->ids[r], who->org_id, tlp, group, red, nred, &ok, err);
        if (!rc && !ok) {
            char code[32] = "";
            struct db_stmt *st;
            if (!db_prepare(db, "SELECT code FROM org WHERE id = ?", &st, err)) {
                db_bind_int(st, 1, rcpt->ids[r]);
                if (db_step(st, err) == DB_ROW)
                    snprintf(code, sizeof code, "%s", db_column_text(st, 0));
                db_stmt_done(st);
            }
            rc = bh_fail(err, BH_EINVALID, "targets",
                         "targets: organization %s cannot read a TLP:%s alert; mark it so that "
                         "it may, or leave it out",
                         code, tlp);
        }
        rcpt->ids[kept++] = rcpt->ids[r];
    }
    rcpt->n = kept;
    char sender[96];
    snprintf(sender, sizeof sender, "%s@bluehelm", who->org_code[0] ? who->org_code : "org");
    if (!rc) {
        struct alert__row row = { .owner_org_id = who->org_id,
                                  .tlp = tlp,
                                  .sharing_group_id = group,
                                  .sender = sender,
                                  .status = status,
                                  .msg_type = msg_type,
                                  .references_text = ref_text[0] ? ref_text : NULL,
                                  .infos = norm,
                                  .origin = "local",
                                  .created_by = who->account_id };
        rc = alert__insert(db, &row, id, err);
    }
    for (size_t r = 0; !rc && r < nred; r++)
        rc = db_exec_params(db,
                            "INSERT OR IGNORE INTO tlp_recipient (record_type, record_id, "
                            "account_id) VALUES ('alert', ?, ?)",
                            DB_PARAMS(DB_TEXT(id), DB_INT(red[r])), NULL, NULL, err);
    /* The author of a RED alert reads it (docs/sharing.md: not by owning it). */
    if (!rc && t == TLP_RED && who->account_id)
        rc = db_exec_params(db,
                            "INSERT OR IGNORE INTO tlp_recipient (record_type, record_id, "
                            "account_id) VALUES ('alert', ?, ?)",
                            DB_PARAMS(DB_TEXT(id), DB_INT(who->account_id)), NULL, NULL, err);
    for (int k = 0; !rc && targets && k < 3; k++)
        json_array_foreach(json_object_get(targets, tkeys[k]), i, v)
        {
            char num[32];
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            static const char *const kinds[] = { "org", "mission", "group" };
            if ((rc = insert_target(db, id, kinds[k], k == 2 ? num : json_string_value(v), err)))
                break;
        }
    json_array_foreach(area_targets, i, v)
    {
        if (rc || (rc = insert_target(db, id, "area", json_string_value(v), err)))
            break;
    }
    for (size_t r = 0; !rc && r < rcpt->n; r++)
        rc = db_exec_params(
            db, "INSERT OR IGNORE INTO alert_recipient (alert_id, org_id) VALUES (?, ?)",
            DB_PARAMS(DB_TEXT(id), DB_INT(rcpt->ids[r])), NULL, NULL, err);
    if (!rc && ref_id[0])
        rc = alert__set_state(db, ref_id, strcmp(msg_type, "Cancel") == 0 ? "cancelled" : "updated",
                              err);
    if (!rc)
        rc = feed_publish(db, "alert", "created", id, 0, NULL, err);
    if (!rc) {
        const json_t *first = json_array_get(norm, 0);
        const char *h = json_string_value(json_object_get(first, "headline"));
        *headline = json_pack("{s:s}", "headline",
                              h ? h : json_string_value(json_object_get(first, "event")));
        char *ptxt = json_dumps(*headline, JSON_COMPACT);
        char link[64];
        snprintf(link, sizeof link, "/alerts/%s", id);
        for (size_t r = 0; !rc && r < rcpt->n; r++)
            rc = notify_org(db, rcpt->ids[r], "alert.received", "alert", id, ptxt, link, err);
        free(ptxt);
    }
    if (!rc) {
        json_t *sum = json_pack("{s:s, s:s, s:s, s:I}", "msg_type", msg_type, "status", status,
                                "tlp", tlp, "recipients", (json_int_t)rcpt->n);
        rc = audit_append(db, who, "alert.send", "alert", id, sum, err);
        json_decref(sum);
    }
    json_decref(norm);
    json_decref(area_targets);
    return rc;
}

int alert_send(struct db *db, const struct principal *who, const json_t *body, json_t **out,
               struct bh_error *err)
{
    *out = NULL;
    if (!json_is_object(body))
        return bh_fail(err, BH_EINVALID, NULL, "the body must be a JSON object");
    struct recipients *rcpt = calloc(1, sizeof *rcpt);
    if (!rcpt)
        return bh_fail(err, BH_ENOMEM, NULL, "out of memory");
    char id[37] = "";
    json_t *headline = NULL;
    int rc = db_begin(db, err);
    if (!rc) {
        rc = send_in_tx(db, who, body, rcpt, id, &headline, err);
        if (!rc)
            rc = db_commit(db, err);
        else
            db_rollback(db);
    }
    free(rcpt);
    json_decref(headline);
    if (rc)
        return rc;
    feed_notify();
    return alert__load(db, who, id, out, NULL, NULL, err);
}
