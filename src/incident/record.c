/* Incident reports: the one list of rules a stored incident obeys (incident_validate(), for
 * every writer: reports, imports, demo data), and creating, reading and changing reports.
 * Each rule fails naming the API's field, so one message serves the report form, the API
 * and an import's line report. */
#include "incident/internal.h"

#include "audit/audit.h"
#include "base/buf.h"
#include "base/timeutil.h"
#include "sharing/sharing.h"
#include "taxonomy/taxonomy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reports are about peacekeeping, which began in 1948 (UNTSO): an earlier date is a typo. */
#define EARLIEST_YEAR 1948

/* Clocks of field laptops drift: a report stamped a few minutes ahead of the server is not a
 * report from the future. Anything beyond this is. */
#define CLOCK_SKEW_MS (5 * 60 * 1000LL)

/* Limits that keep one record a record, not a document store. */
#define TEXT_MAX      200   /* place_name, admin1, admin2 */
#define PERP_MAX      500   /* perpetrator */
#define NARRATIVE_MAX 32768 /* narrative */
#define SOURCE_MAX    2000  /* one source */
#define SOURCES_MAX   50
#define GROUPS_MAX    20
#define COUNT_MAX     100000 /* killed, injured, ...: larger is a typo */

static const char *const statuses[] = {
    "draft", "submitted", "endorsed", "returned", "merged", NULL
};
static const char *const sources[] = { "member", "import", "demo", NULL };

/* "a, b, c" of a NULL-terminated list, for messages that say what is allowed. */
static const char *list_text(const char *const *list, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (; *list && used < cap; list++) {
        int n = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", *list);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return out;
}

static int one_of(const char *const *list, const char *field, const char *value,
                  struct bh_error *err)
{
    char known[256];
    if (!value || !*value)
        return bh_fail(err, BH_EINVALID, field, "%s is required (one of %s)", field,
                       list_text(list, known, sizeof known));
    if (!taxonomy_in(list, value))
        return bh_fail(err, BH_EINVALID, field, "unknown %s '%.40s' (known: %s)", field, value,
                       list_text(list, known, sizeof known));
    return 0;
}

/* Whether `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF),
 * checked in place: an import validates a million narratives, so no copy per field. */
static bool utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int n;
        unsigned min;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, min = 0x80, c &= 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, min = 0x800, c &= 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, min = 0x10000, c &= 0x07;
        } else {
            return false;
        }
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            c = (c << 6) | (p[i] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

/* Free text a person typed: at most `max` bytes, valid UTF-8, no control characters but line
 * breaks and tabs where `multiline`. NULL is fine. */
static int check_text(const char *field, const char *s, size_t max, bool multiline,
                      struct bh_error *err)
{
    if (!s)
        return 0;
    if (strlen(s) > max)
        return bh_fail(err, BH_EINVALID, field, "%s is longer than %zu bytes", field, max);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t' || *p == '\r'))) || *p == 0x7f)
            return bh_fail(err, BH_EINVALID, field, "%s must not contain control characters",
                           field);
    if (!utf8_valid(s))
        return bh_fail(err, BH_EINVALID, field, "%s is not valid UTF-8", field);
    return 0;
}

/* A time as the register stores it. *ms gets the instant. */
static int check_time(const char *field, const char *s, int64_t now, int64_t *ms,
                      struct bh_error *err)
{
    struct bh_error perr;
    if (!s || !*s)
        return bh_fail(err, BH_EINVALID, field,
                       "%s is required (RFC 3339, e.g. "
                       "2024-03-02T06:40:00Z)",
                       field);
    if (time_parse_rfc3339(s, ms, NULL, &perr) != 0)
        return bh_fail(err, BH_EINVALID, field,
                       "%s '%.40s' is not an RFC 3339 time (e.g. 2024-03-02T06:40:00Z): %s", field,
                       s, perr.message);
    if (*ms > now + CLOCK_SKEW_MS)
        return bh_fail(err, BH_EINVALID, field, "%s %.40s is in the future", field, s);
    if (*ms < time_days_from_civil(EARLIEST_YEAR, 1, 1) * 86400000LL)
        return bh_fail(err, BH_EINVALID, field, "%s %.40s is before %d: peacekeeping began in 1948",
                       field, s, EARLIEST_YEAR);
    return 0;
}

/* A JSON array text of strings, each checked by `each` (NULL: any string up to SOURCE_MAX). */
static int check_string_array(const char *field, const char *text, size_t max_items,
                              int (*each)(const char *field, size_t i, const char *s,
                                          struct bh_error *err),
                              struct bh_error *err)
{
    if (!text || strcmp(text, "[]") == 0)
        return 0;
    json_t *a = json_loads(text, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
    int rc = 0;
    if (!json_is_array(a))
        rc = bh_fail(err, BH_EINVALID, field, "%s must be a list of strings", field);
    else if (json_array_size(a) > max_items)
        rc = bh_fail(err, BH_EINVALID, field, "%s has more than %zu entries", field, max_items);
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        if (rc)
            break;
        if (!json_is_string(v))
            rc = bh_fail(err, BH_EINVALID, field, "%s[%zu] must be a string", field, i);
        else if (each)
            rc = each(field, i, json_string_value(v), err);
    }
    json_decref(a);
    return rc;
}

static int check_group(const char *field, size_t i, const char *s, struct bh_error *err)
{
    if (taxonomy_group_find(s))
        return 0;
    return bh_fail(err, BH_EINVALID, field,
                   "%s[%zu] '%.40s' is not a known group code (GET /api/v1/taxonomy lists them; "
                   "name others in perpetrator)",
                   field, i, s);
}

static int check_source(const char *field, size_t i, const char *s, struct bh_error *err)
{
    if (!*s)
        return bh_fail(err, BH_EINVALID, field, "%s[%zu] is empty", field, i);
    if (strlen(s) > SOURCE_MAX)
        return bh_fail(err, BH_EINVALID, field, "%s[%zu] is longer than %d bytes", field, i,
                       SOURCE_MAX);
    return check_text(field, s, SOURCE_MAX, false, err);
}

static int check_count(const char *field, int64_t n, struct bh_error *err)
{
    if (n < 0)
        return bh_fail(err, BH_EINVALID, field, "%s must not be negative (got %lld)", field,
                       (long long)n);
    if (n > COUNT_MAX)
        return bh_fail(err, BH_EINVALID, field, "%s %lld is more than %d", field, (long long)n,
                       COUNT_MAX);
    return 0;
}

/* What the store must confirm: that the mission exists (spelled as stored) and the owner's
 * organization code. One statement for both, because an import asks a million times. */
static int look_up(struct db *db, const struct incident_row *r, char org_code[32],
                   struct bh_error *err)
{
    if (!r->mission || !*r->mission)
        return bh_fail(err, BH_EINVALID, "mission", "mission is required (an acronym: MINUSMA)");
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT EXISTS (SELECT 1 FROM mission WHERE acronym = ?), "
                        "(SELECT code FROM org WHERE id = ?)",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, r->mission);
    db_bind_int(st, 2, r->owner_org_id);
    rc = db_step(st, err);
    bool mission = false;
    org_code[0] = '\0';
    if (rc == DB_ROW) {
        mission = db_column_int(st, 0) != 0;
        if (!db_column_is_null(st, 1))
            snprintf(org_code, 32, "%s", db_column_text(st, 1));
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!mission)
        return bh_fail(err, BH_EINVALID, "mission", "unknown mission '%.40s'", r->mission);
    return 0;
}

/* The marking must be one the owner could give: sharing_check_marking() judges a principal,
 * so the owner organization stands in for whoever wrote the row. */
static int check_marking(struct db *db, const struct incident_row *r, const char *org_code,
                         struct bh_error *err)
{
    int t = tlp_parse(r->tlp);
    if (t < 0)
        return bh_fail(err, BH_EINVALID, "tlp",
                       "unknown marking '%.40s' (TLP:CLEAR, TLP:GREEN, TLP:AMBER, "
                       "TLP:AMBER+STRICT, TLP:RED)",
                       r->tlp ? r->tlp : "");
    if (!*org_code)
        return bh_fail(err, BH_EINVALID, "owner", "no organization has the id %lld",
                       (long long)r->owner_org_id);
    struct principal owner;
    principal_anonymous(&owner);
    owner.org_id = r->owner_org_id;
    owner.role = ROLE_REPORTER;
    snprintf(owner.org_code, sizeof owner.org_code, "%s", org_code);
    return sharing_check_marking(db, &owner, (enum tlp)t, r->sharing_group_id, err);
}

int incident_validate(struct db *db, const struct incident_row *r, struct bh_error *err)
{
    int rc;
    int64_t now = time_now_ms(), occurred, reported;
    char org_code[32];
    if ((rc = look_up(db, r, org_code, err)) ||
        (rc = check_time("occurred_at", r->occurred_at, now, &occurred, err)) ||
        (rc = one_of(taxonomy_time_precisions, "occurred_precision", r->occurred_precision, err)) ||
        (rc = check_time("reported_at", r->reported_at, now, &reported, err)))
        return rc;
    if (reported < occurred)
        return bh_fail(err, BH_EINVALID, "reported_at",
                       "reported_at %.40s is before occurred_at %.40s", r->reported_at,
                       r->occurred_at);
    if (!isfinite(r->latitude) || r->latitude < -90 || r->latitude > 90)
        return bh_fail(err, BH_EINVALID, "latitude",
                       "latitude %g is out of range (-90 to 90, decimal degrees)", r->latitude);
    if (!isfinite(r->longitude) || r->longitude < -180 || r->longitude > 180)
        return bh_fail(err, BH_EINVALID, "longitude",
                       "longitude %g is out of range (-180 to 180, decimal degrees)", r->longitude);
    if ((rc =
             one_of(taxonomy_place_precisions, "location_precision", r->location_precision, err)) ||
        (rc = check_text("place_name", r->place_name, TEXT_MAX, false, err)) ||
        (rc = check_text("admin1", r->admin1, TEXT_MAX, false, err)) ||
        (rc = check_text("admin2", r->admin2, TEXT_MAX, false, err)))
        return rc;
    if (!r->threat_type || !*r->threat_type)
        return bh_fail(err, BH_EINVALID, "threat_type",
                       "threat_type is required (GET /api/v1/taxonomy lists the codes)");
    if (!taxonomy_threat_find(r->threat_type))
        return bh_fail(err, BH_EINVALID, "threat_type",
                       "unknown threat_type '%.40s' (GET /api/v1/taxonomy lists the codes)",
                       r->threat_type);
    if ((rc = one_of(taxonomy_targets, "target", r->target, err)) ||
        (rc = one_of(taxonomy_activities, "activity", r->activity, err)) ||
        (rc = check_text("perpetrator", r->perpetrator, PERP_MAX, false, err)) ||
        (rc = check_string_array("perpetrator_groups", r->perpetrator_groups, GROUPS_MAX,
                                 check_group, err)) ||
        (rc = check_count("killed", r->killed, err)) ||
        (rc = check_count("injured", r->injured, err)) ||
        (rc = check_count("missing", r->missing, err)) ||
        (rc = check_count("abducted", r->abducted, err)) ||
        (rc = check_text("narrative", r->narrative, NARRATIVE_MAX, true, err)) ||
        (rc = check_string_array("sources", r->sources, SOURCES_MAX, check_source, err)) ||
        (rc = one_of(statuses, "status", r->status, err)) ||
        (rc = one_of(sources, "source", r->source, err)))
        return rc;
    if (!r->reporter || !*r->reporter)
        return bh_fail(err, BH_EINVALID, "reporter", "reporter is required");
    return check_marking(db, r, org_code, err);
}

/* ---- the JSON body of a report ---- */

enum ftype {
    F_TEXT,    /* a string; "" counts as absent */
    F_NUMBER,  /* a JSON number */
    F_COUNT,   /* a whole number */
    F_STRINGS, /* a list of strings; null is [] */
    F_GROUP,   /* a sharing group id, or null */
};

/* The fields of a report as the API names them (the incident JSON's keys). `required` fields
 * cannot be null; `max` bounds codes here so that a megabyte of junk is not quoted back (free
 * text is bounded by incident_validate()). */
static const struct field {
    const char *name;
    enum ftype type;
    bool required;
    size_t max;
} fields[] = {
    { "mission", F_TEXT, true, 64 },
    { "occurred_at", F_TEXT, true, 64 },
    { "occurred_precision", F_TEXT, true, 32 },
    { "reported_at", F_TEXT, true, 64 },
    { "latitude", F_NUMBER, true, 0 },
    { "longitude", F_NUMBER, true, 0 },
    { "location_precision", F_TEXT, true, 32 },
    { "place_name", F_TEXT, false, 0 },
    { "admin1", F_TEXT, false, 0 },
    { "admin2", F_TEXT, false, 0 },
    { "threat_type", F_TEXT, true, 64 },
    { "target", F_TEXT, true, 64 },
    { "activity", F_TEXT, true, 64 },
    { "perpetrator", F_TEXT, false, 0 },
    { "perpetrator_groups", F_STRINGS, false, 0 },
    { "killed", F_COUNT, true, 0 },
    { "injured", F_COUNT, true, 0 },
    { "missing", F_COUNT, true, 0 },
    { "abducted", F_COUNT, true, 0 },
    { "narrative", F_TEXT, false, 0 },
    { "sources", F_STRINGS, false, 0 },
    { "tlp", F_TEXT, true, 32 },
    { "sharing_group", F_GROUP, false, 0 },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

#define RECIPIENTS_MAX 100

/* Checks the shape of a create (`create`) or change body: known keys only, each of its type.
 * The values are judged later, on the whole record, by incident_validate(). */
static int check_body(const json_t *body, bool create, struct bh_error *err)
{
    if (!json_is_object(body))
        return bh_fail(err, BH_EINVALID, "body", "a report must be a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)body, key, v)
    {
        const struct field *f = NULL;
        for (size_t i = 0; i < NFIELDS && !f; i++)
            if (strcmp(fields[i].name, key) == 0)
                f = &fields[i];
        if (strcmp(key, "recipients") == 0) {
            if (json_is_null(v))
                continue;
            if (!json_is_array(v))
                return bh_fail(err, BH_EINVALID, key, "'recipients' must be a list of usernames");
            if (json_array_size(v) > RECIPIENTS_MAX)
                return bh_fail(err, BH_EINVALID, key, "'recipients' has more than %d entries",
                               RECIPIENTS_MAX);
            size_t i;
            json_t *u;
            json_array_foreach(v, i, u)
            {
                if (!json_is_string(u))
                    return bh_fail(err, BH_EINVALID, key,
                                   "'recipients'[%zu] must be a username (a string)", i);
            }
            continue;
        }
        if (create && strcmp(key, "submit") == 0) {
            if (!json_is_boolean(v))
                return bh_fail(err, BH_EINVALID, key, "'submit' must be true or false");
            continue;
        }
        if (!f)
            return bh_fail(err, BH_EINVALID, key, "unknown field '%.60s'", key);
        if (json_is_null(v)) {
            if (f->required && f->type != F_TEXT)
                return bh_fail(err, BH_EINVALID, key, "'%s' is required", key);
            continue; /* a required text null is "required", said by incident_validate() */
        }
        switch (f->type) {
        case F_TEXT:
            if (!json_is_string(v))
                return bh_fail(err, BH_EINVALID, key, "'%s' must be a string", key);
            if (strlen(json_string_value(v)) != json_string_length(v))
                return bh_fail(err, BH_EINVALID, key, "'%s' must not contain NUL characters", key);
            if (f->max && json_string_length(v) > f->max)
                return bh_fail(err, BH_EINVALID, key, "'%s' is longer than %zu bytes", key, f->max);
            break;
        case F_NUMBER:
            if (!json_is_number(v))
                return bh_fail(err, BH_EINVALID, key, "'%s' must be a number (decimal degrees)",
                               key);
            break;
        case F_COUNT:
            if (!json_is_integer(v))
                return bh_fail(err, BH_EINVALID, key, "'%s' must be a whole number", key);
            break;
        case F_STRINGS: {
            if (!json_is_array(v))
                return bh_fail(err, BH_EINVALID, key, "'%s' must be a list of strings", key);
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item)
            {
                if (!json_is_string(item))
                    return bh_fail(err, BH_EINVALID, key, "'%s'[%zu] must be a string", key, i);
            }
            break;
        }
        case F_GROUP:
            if (!json_is_integer(v) || json_integer_value(v) < 1)
                return bh_fail(err, BH_EINVALID, key,
                               "'sharing_group' must be a sharing group's id (or null)");
            break;
        }
    }
    return 0;
}

/* Lays the report fields of `body` over `rec` (the record as it is, or the defaults). */
static void overlay(json_t *rec, const json_t *body)
{
    for (size_t i = 0; i < NFIELDS; i++) {
        json_t *v = json_object_get(body, fields[i].name);
        if (!v)
            continue;
        if (json_is_null(v) && fields[i].type == F_STRINGS)
            json_object_set_new(rec, fields[i].name, json_array());
        else if (fields[i].type == F_TEXT && !fields[i].required && json_is_string(v) &&
                 json_string_length(v) == 0)
            json_object_set_new(rec, fields[i].name, json_null());
        else
            json_object_set(rec, fields[i].name, v);
    }
}

/* A time in the register's one form (UTC, seconds, 'Z'), so that text order is time order
 * for every reader (lists, duplicates). An unreadable time is left for the validator to
 * name. */
static void normalize_time(json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));
    int64_t ms;
    struct bh_error perr;
    if (!s || time_parse_rfc3339(s, &ms, NULL, &perr) != 0)
        return;
    char out[40];
    time_format_rfc3339(ms, 0, ms % 1000 != 0, out);
    json_object_set_new(rec, key, json_string(out));
}

/* Missions are typed in any case ("minusma"); the store keeps the mission table's spelling. */
static int normalize_mission(struct db *db, json_t *rec, struct bh_error *err)
{
    const char *m = json_string_value(json_object_get(rec, "mission"));
    if (!m || !*m)
        return 0;
    struct db_stmt *st;
    int rc =
        db_prepare(db, "SELECT acronym FROM mission WHERE upper(acronym) = upper(?)", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, m);
    rc = db_step(st, err);
    if (rc == DB_ROW)
        json_object_set_new(rec, "mission", json_string(db_column_text(st, 0)));
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

/* An incident_row over the values of `rec` (borrowed from it); the two JSON array texts are
 * made here and released by built_cleanup(). */
struct built {
    struct incident_row row;
    char *groups, *sources;
};

static void built_cleanup(struct built *b)
{
    free(b->groups);
    free(b->sources);
}

static const char *text_of(const json_t *rec, const char *key)
{
    return json_string_value(json_object_get(rec, key));
}

static void build_row(const json_t *rec, struct built *b)
{
    memset(b, 0, sizeof *b);
    struct incident_row *r = &b->row;
    r->id = text_of(rec, "id");
    r->mission = text_of(rec, "mission");
    r->occurred_at = text_of(rec, "occurred_at");
    r->occurred_precision = text_of(rec, "occurred_precision");
    r->reported_at = text_of(rec, "reported_at");
    r->latitude = json_number_value(json_object_get(rec, "latitude"));
    r->longitude = json_number_value(json_object_get(rec, "longitude"));
    r->location_precision = text_of(rec, "location_precision");
    r->place_name = text_of(rec, "place_name");
    r->admin1 = text_of(rec, "admin1");
    r->admin2 = text_of(rec, "admin2");
    r->threat_type = text_of(rec, "threat_type");
    r->target = text_of(rec, "target");
    r->activity = text_of(rec, "activity");
    r->perpetrator = text_of(rec, "perpetrator");
    b->groups = json_dumps(json_object_get(rec, "perpetrator_groups"), JSON_COMPACT);
    r->perpetrator_groups = b->groups;
    r->killed = json_integer_value(json_object_get(rec, "killed"));
    r->injured = json_integer_value(json_object_get(rec, "injured"));
    r->missing = json_integer_value(json_object_get(rec, "missing"));
    r->abducted = json_integer_value(json_object_get(rec, "abducted"));
    r->narrative = text_of(rec, "narrative");
    b->sources = json_dumps(json_object_get(rec, "sources"), JSON_COMPACT);
    r->sources = b->sources;
    r->status = text_of(rec, "status");
    r->return_reason = text_of(rec, "return_reason");
    r->endorsed_by = text_of(rec, "endorsed_by");
    r->endorsed_at = text_of(rec, "endorsed_at");
    r->merged_into = text_of(rec, "merged_into");
    r->synthetic = json_is_true(json_object_get(rec, "synthetic"));
    r->reporter = text_of(rec, "reporter");
    const char *tlp = text_of(rec, "tlp");
    int t = tlp_parse(tlp);
    r->tlp = t >= 0 ? tlp_column_value((enum tlp)t) : tlp;
    json_t *g = json_object_get(rec, "sharing_group");
    r->sharing_group_id = json_is_integer(g) ? json_integer_value(g) : 0;
    r->source = text_of(rec, "source");
    r->source_ref = text_of(rec, "source_ref");
}

/* The account ids of the usernames in `names` (a JSON array of strings), into `ids` (at
 * most RECIPIENTS_MAX). A report names as its RED readers the users who could read it: active
 * accounts whose role reads records. Anyone else (no such user, a disabled account, an auditor)
 * is refused with one message that does not say which of these it is: members cannot list
 * users, so a different answer for "no such user" would let any reporter test names one by one
 * (docs/incidents.md). BH_EINVALID naming "recipients". */
static int resolve_recipients(struct db *db, const json_t *names, int64_t *ids, size_t *n,
                              struct bh_error *err)
{
    *n = 0;
    size_t i;
    json_t *v;
    json_array_foreach(names, i, v)
    {
        int64_t acc;
        int rc = sharing_red_reader(db, json_string_value(v), &acc, err);
        if (rc)
            return rc;
        if (!acc)
            return bh_fail(err, BH_EINVALID, "recipients",
                           "recipients[%zu]: '%.60s' cannot be named as a reader of this report "
                           "(give the username of an active user whose role reads records)",
                           i, json_string_value(v));
        ids[(*n)++] = acc;
    }
    return 0;
}

/* Replaces the RED readers of incident `id` with `ids` plus the accounts in `keep` (the
 * reporter, the writer; 0 entries are skipped). Called with n = 0 and no keep to clear them
 * when a record leaves RED. */
static int set_recipients(struct db *db, const char *id, const int64_t *ids, size_t n,
                          const int64_t keep[2], struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "DELETE FROM tlp_recipient WHERE record_type = 'incident' AND "
                        "record_id = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, id);
    rc = db_step(st, err);
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n + 2; i++) {
        int64_t acc = i < n ? ids[i] : keep ? keep[i - n] : 0;
        if (acc == 0)
            continue;
        if ((rc = db_prepare(db,
                             "INSERT OR IGNORE INTO tlp_recipient (record_type, record_id, "
                             "account_id) VALUES ('incident', ?, ?)",
                             &st, err)))
            return rc;
        db_bind_text(st, 1, id);
        db_bind_int(st, 2, acc);
        rc = db_step(st, err);
        db_stmt_done(st);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The record as a writer's reply and a reader's page show it: incident JSON and how many
 * likely duplicates there are. The casualty records linked to it are composed above both
 * registers, by the API (api/incidents.c), so neither register includes the other. */
static int decorate(struct db *db, const struct principal *who, const struct incident__loaded *l,
                    json_t *rec, struct bh_error *err)
{
    /* A duplicate may be read more widely than the report it went into (a merge only needs
     * the target's readers to read the duplicate): to the others the target does not exist,
     * so neither does its id. */
    const char *into = json_string_value(json_object_get(rec, "merged_into"));
    bool visible = true;
    int rc = into ? incident_visible_to(db, who, into, &visible, err) : 0;
    if (rc)
        return rc;
    if (!visible)
        json_object_set_new(rec, "merged_into", json_null());
    int64_t dups = 0;
    rc = incident__duplicate_count(db, who, l, &dups, err);
    json_object_set_new(rec, "duplicate_candidates", json_integer(dups));
    return rc;
}

int incident__reply(struct db *db, const struct principal *who, const char *id, json_t **out,
                    struct bh_error *err)
{
    struct incident__loaded l;
    *out = NULL;
    int rc = incident__load(db, who, id, "id", &l, err);
    if (!rc)
        rc = decorate(db, who, &l, l.json, err);
    if (!rc) {
        *out = l.json;
        l.json = NULL;
    }
    incident__loaded_cleanup(&l);
    return rc;
}

/* ---- create ---- */

/* A new report's values before the body is laid over them. */
static json_t *defaults(const struct principal *who)
{
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    return json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:[], s:[], s:s, s:n, s:s, s:s, "
                     "s:s, s:b}",
                     "occurred_precision", "exact", "location_precision", "exact", "reported_at",
                     now, "tlp", "TLP:GREEN", "killed", 0, "injured", 0, "missing", 0, "abducted",
                     0, "perpetrator_groups", "sources", "narrative", "", "sharing_group", "status",
                     "draft", "source", "member", "reporter",
                     who->username[0] ? who->username : "unknown", "synthetic", 0);
}

/* The checks every write of a member makes on the values, after the body's shape: the
 * record's rules, and who reads a RED one. `names` is the body's recipients (may be NULL). */
static int check_values(struct db *db, const struct built *b, const json_t *names, int64_t *ids,
                        size_t *nids, struct bh_error *err)
{
    int rc = incident_validate(db, &b->row, err);
    if (rc)
        return rc;
    *nids = 0;
    bool red = strcmp(b->row.tlp, "RED") == 0;
    if (names && json_array_size(names) > 0 && !red)
        return bh_fail(err, BH_EINVALID, "recipients",
                       "only a TLP:RED report names recipients; this one is TLP:%s", b->row.tlp);
    if (names && (rc = resolve_recipients(db, names, ids, nids, err)))
        return rc;
    return 0;
}

static int may_write(const struct principal *who, struct bh_error *err)
{
    if (!who || !role_can(who->role, PERM_RECORD_WRITE))
        return bh_fail(err, BH_EDENIED, NULL, "the %s role may not report incidents",
                       who && role_name(who->role) ? role_name(who->role) : "anonymous");
    return 0;
}

static int set_status(struct db *db, int64_t n, const char *status, const char *now,
                      struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "UPDATE incident SET status = ?, return_reason = NULL, "
                        "revision = revision + 1, updated_at = ? WHERE n = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, status);
    db_bind_text(st, 2, now);
    db_bind_int(st, 3, n);
    rc = db_step(st, err);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int incident_create(struct db *db, const struct principal *who, const json_t *body, json_t **out,
                    struct bh_error *err)
{
    if (out)
        *out = NULL;
    int rc = may_write(who, err);
    if (!rc)
        rc = check_body(body, true, err);
    if (rc)
        return rc;
    bool submit = json_is_true(json_object_get(body, "submit"));
    const json_t *names = json_object_get(body, "recipients");
    json_t *rec = defaults(who);
    overlay(rec, body);
    normalize_time(rec, "occurred_at");
    normalize_time(rec, "reported_at");
    struct built b;
    int64_t ids[RECIPIENTS_MAX];
    size_t nids = 0;
    char id[UUID_STR_LEN + 1] = "", now[40];
    int64_t n = 0;
    time_format_rfc3339(time_now_ms(), 0, false, now);
    rc = normalize_mission(db, rec, err);
    build_row(rec, &b);
    b.row.owner_org_id = who->org_id;
    b.row.reporter_id = who->account_id;
    b.row.created_at = b.row.updated_at = now;
    if (!rc)
        rc = check_values(db, &b, json_is_array(names) ? names : NULL, ids, &nids, err);
    if (!rc)
        rc = db_begin(db, err);
    if (rc) {
        built_cleanup(&b);
        json_decref(rec);
        return rc;
    }
    rc = incident_store_insert(db, &b.row, &n, id, err);
    /* A RED report is read by the people it names; its reporter is the first of them. */
    if (!rc && strcmp(b.row.tlp, "RED") == 0)
        rc = set_recipients(db, id, ids, nids, (const int64_t[2]){ who->account_id, 0 }, err);
    if (!rc)
        rc = incident__revision_add(db, n, 1, who, "create", NULL, err);
    if (!rc) {
        json_t *summary = json_pack("{s:s, s:s, s:s, s:s, s:s}", "mission", b.row.mission,
                                    "threat_type", b.row.threat_type, "occurred_at",
                                    b.row.occurred_at, "status", "draft", "tlp", b.row.tlp);
        rc = audit_append(db, who, "incident.create", "incident", id, summary, err);
        json_decref(summary);
    }
    if (!rc && submit) {
        rc = set_status(db, n, "submitted", now, err);
        if (!rc)
            rc = incident__revision_add(db, n, 2, who, "submit", NULL, err);
        if (!rc) {
            json_t *summary = json_pack("{s:s, s:s}", "from", "draft", "to", "submitted");
            rc = audit_append(db, who, "incident.submit", "incident", id, summary, err);
            json_decref(summary);
        }
    }
    built_cleanup(&b);
    json_decref(rec);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return out ? incident__reply(db, who, id, out, err) : 0;
}

/* ---- get ---- */

int incident_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                 struct bh_error *err)
{
    struct incident__loaded l;
    *out = NULL;
    int rc = incident__load(db, who, id, "id", &l, err);
    if (rc)
        return rc;
    rc = decorate(db, who, &l, l.json, err);
    if (!rc && incident__read_audited(who, l.tlp)) {
        json_t *summary =
            json_pack("{s:s, s:s, s:s}", "mission", l.mission, "status", l.status, "tlp", l.tlp);
        rc = incident__audit_read(db, who, l.id, summary, err);
        json_decref(summary);
    }
    if (!rc) {
        *out = l.json;
        l.json = NULL;
    }
    incident__loaded_cleanup(&l);
    return rc;
}

/* ---- update ---- */

int incident__may_change(const struct principal *who, const struct incident__loaded *l,
                         const char *what, struct bh_error *err)
{
    if (who->role == ROLE_ADMIN)
        return 0;
    if (!role_can(who->role, PERM_RECORD_WRITE))
        return bh_fail(err, BH_EDENIED, "id", "the %s role may not %s reports",
                       role_name(who->role) ? role_name(who->role) : "anonymous", what);
    if (who->org_id != l->owner_org_id)
        return bh_fail(err, BH_EDENIED, "id",
                       "only users of the organization that owns this report (%s), or an admin, "
                       "may %s it",
                       json_string_value(json_object_get(l->json, "owner")), what);
    return 0;
}

int incident_update(struct db *db, const struct principal *who, const char *id, const json_t *body,
                    int64_t if_revision, json_t **out, struct bh_error *err)
{
    if (out)
        *out = NULL;
    int rc = check_body(body, false, err);
    if (rc)
        return rc;
    /* The write lock first: the checks below read the state this change replaces. */
    if ((rc = db_begin(db, err)))
        return rc;
    struct incident__loaded l;
    json_t *rec = NULL, *changed = json_array();
    struct built b;
    memset(&b, 0, sizeof b);
    rc = incident__load(db, who, id, "id", &l, err);
    if (!rc)
        rc = incident__step_check(db, who, INCIDENT_STEP_CHANGE, &l, err);
    if (!rc && if_revision > 0 && if_revision != l.revision)
        rc = bh_fail(err, BH_ECONFLICT, "If-Match",
                     "the report is at revision %lld, not %lld: someone changed it since you "
                     "read it; read it again",
                     (long long)l.revision, (long long)if_revision);
    const json_t *names = json_object_get(body, "recipients");
    int64_t ids[RECIPIENTS_MAX];
    size_t nids = 0;
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if (!rc) {
        rec = json_deep_copy(l.json);
        overlay(rec, body);
        normalize_time(rec, "occurred_at");
        normalize_time(rec, "reported_at");
        rc = normalize_mission(db, rec, err);
        build_row(rec, &b);
        b.row.owner_org_id = l.owner_org_id;
    }
    if (!rc)
        rc = check_values(db, &b, json_is_array(names) ? names : NULL, ids, &nids, err);
    if (!rc) {
        for (size_t i = 0; i < NFIELDS; i++)
            if (!json_equal(json_object_get(rec, fields[i].name),
                            json_object_get(l.json, fields[i].name)))
                json_array_append_new(changed, json_string(fields[i].name));
        /* Naming the readers of a RED report is a change even when nothing else is. */
        if (json_is_array(names) && strcmp(b.row.tlp, "RED") == 0)
            json_array_append_new(changed, json_string("recipients"));
    }
    if (!rc && json_array_size(changed) > 0) {
        struct db_stmt *st;
        /* The content columns as "col = ?" pairs, in INCIDENT_CONTENT_COLUMNS's order; the
         * text is the same every time, so the statement cache keeps one statement. */
        struct buf sql = BUF_INIT;
        buf_puts(&sql, "UPDATE incident SET ");
        for (const char *c = INCIDENT_CONTENT_COLUMNS; *c;) {
            size_t len = strcspn(c, ",");
            buf_printf(&sql, "%.*s = ?, ", (int)len, c);
            c += len;
            c += strspn(c, ", ");
        }
        buf_puts(&sql, "tlp = ?, sharing_group_id = ?, revision = revision + 1, updated_at = ? "
                       "WHERE n = ?");
        rc = db_prepare(db, buf_str(&sql), &st, err);
        buf_cleanup(&sql);
        if (!rc) {
            const struct incident_row *r = &b.row;
            int k = incident_store_bind_content(st, 1, r);
            db_bind_text(st, k++, r->tlp);
            if (r->sharing_group_id)
                db_bind_int(st, k++, r->sharing_group_id);
            else
                db_bind_null(st, k++);
            db_bind_text(st, k++, now);
            db_bind_int(st, k++, l.n);
            rc = db_step(st, err);
            db_stmt_done(st);
            rc = rc < 0 ? rc : 0;
        }
        /* RED readers: the reporter and whoever makes it RED stay readers, so a change never
         * locks its own writer out; leaving RED drops the list. */
        if (!rc && strcmp(b.row.tlp, "RED") == 0) {
            if (json_is_array(names) || strcmp(l.tlp, "RED") != 0)
                rc = set_recipients(db, l.id, ids, nids,
                                    (const int64_t[2]){ l.reporter_id, who->account_id }, err);
        } else if (!rc && strcmp(l.tlp, "RED") == 0) {
            rc = set_recipients(db, l.id, NULL, 0, NULL, err);
        }
        if (!rc)
            rc = incident__revision_add(db, l.n, l.revision + 1, who, "update", NULL, err);
        if (!rc) {
            json_t *summary = json_pack("{s:O, s:I}", "changed", changed, "revision",
                                        (json_int_t)(l.revision + 1));
            rc = audit_append(db, who, "incident.update", "incident", l.id, summary, err);
            json_decref(summary);
        }
    }
    built_cleanup(&b);
    json_decref(rec);
    json_decref(changed);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        incident__loaded_cleanup(&l);
        return rc;
    }
    char rid[UUID_STR_LEN + 1];
    memcpy(rid, l.id, sizeof rid);
    incident__loaded_cleanup(&l);
    return out ? incident__reply(db, who, rid, out, err) : 0;
}
