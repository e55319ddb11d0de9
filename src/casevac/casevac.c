/* CASEVAC timelines: reading a PUT body, checking it against its casualty and the clock, the
 * 10-1-2 computation, and reading and writing the store. Who may see a timeline is the casualty
 * record's business: every read starts with casualty_get(), so a timeline is exactly as
 * visible as its record and an admin's read is audited the same way. */
#include "casevac/casevac.h"

#include "audit/audit.h"
#include "base/jsonfield.h"
#include "base/timeutil.h"
#include "casualty/casualty.h"

#include <stdio.h>
#include <string.h>

const char *const casevac_time_names[CASEVAC_NTIMES] = {
    [CASEVAC_INJURY] = "injury_at",
    [CASEVAC_FIRST_AID] = "first_aid_at",
    [CASEVAC_ADVANCED_CARE] = "advanced_care_at",
    [CASEVAC_SURGERY] = "surgery_at",
    [CASEVAC_EVAC_REQUESTED] = "evac_requested_at",
    [CASEVAC_EVAC_LAUNCHED] = "evac_launched_at",
    [CASEVAC_EVAC_ARRIVED] = "evac_arrived_at",
};

#define MINUTE_MS 60000
#define DAY_MS    86400000

/* ---- reading a body ---- */

/* Characters (code points) of valid UTF-8: every byte but the continuation bytes. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Digits after the decimal point of an RFC 3339 time beyond the third that are not zero: the
 * store keeps milliseconds, and a time silently cut to the millisecond could move across a
 * 10-1-2 boundary (10:00.0004 read as 10:00.000). */
static bool finer_than_ms(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot)
        return false;
    const char *p = dot + 1;
    for (int i = 0; i < 3 && *p >= '0' && *p <= '9'; i++)
        p++;
    for (; *p >= '0' && *p <= '9'; p++)
        if (*p != '0')
            return true;
    return false;
}

int casevac_timeline_from_json(const json_t *obj, struct casevac_timeline *out,
                               struct bh_error *err)
{
    static const char *const known[] = { "injury_at",
                                         "first_aid_at",
                                         "advanced_care_at",
                                         "surgery_at",
                                         "evac_requested_at",
                                         "evac_launched_at",
                                         "evac_arrived_at",
                                         "notes",
                                         NULL };
    memset(out, 0, sizeof *out);
    if (!json_is_object(obj))
        return bh_fail(err, BH_EINVALID, "body",
                       "a CASEVAC timeline must be a JSON object of its times and notes");
    int rc = jsonfield_check_known(obj, known, err);
    if (rc)
        return rc;
    for (int i = 0; i < CASEVAC_NTIMES; i++) {
        const char *name = casevac_time_names[i];
        const json_t *v = json_object_get(obj, name);
        /* PUT replaces the whole timeline, so a client that leaves a time out would erase it;
         * that is far more often a client that thinks PUT merges than one that means it, and
         * a lost time is a wrong record stored. So every time is sent, null to clear it. */
        if (!v)
            return bh_fail(err, BH_EINVALID, name,
                           "%s is missing: PUT replaces the whole timeline, so send every time, "
                           "null for one not known",
                           name);
        if (json_is_null(v))
            continue;
        if (!json_is_string(v))
            return bh_fail(err, BH_EINVALID, name,
                           "%s must be an RFC 3339 date-time string or null", name);
        const char *s = json_string_value(v);
        struct bh_error perr;
        if (strlen(s) > 40)
            return bh_fail(err, BH_EINVALID, name,
                           "%s '%.40s' is not an RFC 3339 date-time with an offset "
                           "(2024-03-10T06:45:00Z)",
                           name, s);
        /* The parser's own words say what is wrong (a leap second, a missing offset). */
        if (time_parse_rfc3339(s, &out->ms[i], NULL, &perr) != 0)
            return bh_fail(err, BH_EINVALID, name,
                           "%s is not an RFC 3339 date-time with an offset "
                           "(2024-03-10T06:45:00Z): %s",
                           name, perr.message);
        if (finer_than_ms(s))
            return bh_fail(err, BH_EINVALID, name,
                           "%s '%.40s' is finer than a millisecond: times are kept to the "
                           "millisecond, give at most three decimals",
                           name, s);
        out->known[i] = true;
    }
    const char *notes = NULL;
    if ((rc = jsonfield_string(obj, "notes", false, 0, &notes, err)))
        return rc;
    if (notes) {
        if (strlen(notes) > CASEVAC_NOTES_MAX_BYTES || utf8_chars(notes) > CASEVAC_NOTES_MAX)
            return bh_fail(err, BH_EINVALID, "notes", "notes are %zu characters; at most %d",
                           utf8_chars(notes), CASEVAC_NOTES_MAX);
        snprintf(out->notes, sizeof out->notes, "%s", notes);
    }
    return 0;
}

/* ---- checks against the casualty and the clock ---- */

/* `ms` as RFC 3339 UTC, with milliseconds only when it has some. */
static void format_time(int64_t ms, char out[40])
{
    time_format_rfc3339(ms, 0, ms % 1000 != 0, out);
}

/* A time that must not come before another one: fails naming `later`. */
static int not_before(const struct casevac_timeline *t, int later, int earlier,
                      struct bh_error *err)
{
    if (!t->known[later] || !t->known[earlier] || t->ms[later] >= t->ms[earlier])
        return 0;
    char a[40], b[40];
    format_time(t->ms[later], a);
    format_time(t->ms[earlier], b);
    return bh_fail(err, BH_EINVALID, casevac_time_names[later], "%s %s is before %s %s",
                   casevac_time_names[later], a, casevac_time_names[earlier], b);
}

int casevac_timeline_check(const struct casevac_timeline *t, const char *incident_date,
                           int64_t now_ms, struct bh_error *err)
{
    int y, m, d;
    struct bh_error perr;
    if (!incident_date || time_parse_date(incident_date, &y, &m, &d, &perr) != 0)
        return bh_fail(err, BH_ESTORE, NULL, "the casualty's incident_date '%.20s' is not a date",
                       incident_date ? incident_date : "");
    /* The day before the incident date, from midnight UTC: the date is the one the record
     * gives, which may be local to a mission many hours from UTC, and an injury late in the
     * evening may be recorded on the next day's date. */
    int64_t earliest = time_days_from_civil(y, m, d) * DAY_MS - DAY_MS;
    for (int i = 0; i < CASEVAC_NTIMES; i++) {
        if (!t->known[i])
            continue;
        const char *name = casevac_time_names[i];
        char s[40], bound[40];
        format_time(t->ms[i], s);
        if (t->ms[i] > now_ms + CASEVAC_CLOCK_SKEW_MS)
            return bh_fail(err, BH_EINVALID, name, "%s %s is in the future", name, s);
        if (t->ms[i] < earliest) {
            format_time(earliest, bound);
            return bh_fail(err, BH_EINVALID, name,
                           "%s %s is before %s, the day before the casualty's incident date %s",
                           name, s, bound, incident_date);
        }
    }
    int rc;
    for (int i = CASEVAC_INJURY + 1; i < CASEVAC_NTIMES; i++)
        if ((rc = not_before(t, i, CASEVAC_INJURY, err)))
            return rc;
    if ((rc = not_before(t, CASEVAC_EVAC_LAUNCHED, CASEVAC_EVAC_REQUESTED, err)) ||
        (rc = not_before(t, CASEVAC_EVAC_ARRIVED, CASEVAC_EVAC_LAUNCHED, err)))
        return rc;
    return 0;
}

/* ---- 10-1-2 ---- */

/* Whole minutes, rounded up: a minute begun counts. With this rounding "met" and "minutes
 * <= target" say the same thing, so a reader of the reply never sees 10 minutes missed. */
static int64_t minutes_up(int64_t ms)
{
    if (ms >= 0)
        return (ms + MINUTE_MS - 1) / MINUTE_MS;
    return -((-ms) / MINUTE_MS);
}

static void interval(const struct casevac_timeline *t, int from, int to,
                     struct casevac_interval *out)
{
    memset(out, 0, sizeof *out);
    out->known = t->known[from] && t->known[to];
    if (out->known) {
        out->elapsed_ms = t->ms[to] - t->ms[from];
        out->minutes = minutes_up(out->elapsed_ms);
    }
}

static void step(const struct casevac_timeline *t, int which, int target, struct casevac_step *out)
{
    struct casevac_interval iv;
    interval(t, CASEVAC_INJURY, which, &iv);
    out->known = iv.known;
    out->elapsed_ms = iv.elapsed_ms;
    out->minutes = iv.minutes;
    out->target = target;
    /* At most the target, to the millisecond: exactly 10:00 is within 10 minutes. */
    out->met = !iv.known ? -1 : iv.elapsed_ms <= (int64_t)target * MINUTE_MS;
}

void casevac_compute(const struct casevac_timeline *t, struct casevac_compliance *out)
{
    memset(out, 0, sizeof *out);
    step(t, CASEVAC_FIRST_AID, CASEVAC_TARGET_FIRST_AID, &out->first_aid);
    step(t, CASEVAC_ADVANCED_CARE, CASEVAC_TARGET_ADVANCED_CARE, &out->advanced_care);
    step(t, CASEVAC_SURGERY, CASEVAC_TARGET_SURGERY, &out->surgery);
    const struct casevac_step *steps[] = { &out->first_aid, &out->advanced_care, &out->surgery };
    /* One missed step fails the chain whatever the others were; only three steps known and
     * met make it met. */
    out->all_met = 1;
    for (int i = 0; i < 3; i++)
        if (steps[i]->met == 0)
            out->all_met = 0;
        else if (steps[i]->met < 0 && out->all_met == 1)
            out->all_met = -1;
    interval(t, CASEVAC_EVAC_REQUESTED, CASEVAC_EVAC_LAUNCHED, &out->request_to_launch);
    interval(t, CASEVAC_EVAC_LAUNCHED, CASEVAC_EVAC_ARRIVED, &out->launch_to_arrival);
}

static json_t *tristate(int v)
{
    return v < 0 ? json_null() : json_boolean(v);
}

static json_t *step_json(const struct casevac_step *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "minutes", s->known ? json_integer(s->minutes) : json_null());
    /* The exact time too, so that a reader can see why 10 minutes 1 second was missed. */
    json_object_set_new(o, "seconds",
                        s->known ? json_real((double)s->elapsed_ms / 1000.0) : json_null());
    json_object_set_new(o, "target", json_integer(s->target));
    json_object_set_new(o, "met", tristate(s->met));
    return o;
}

json_t *casevac_compliance_json(const struct casevac_compliance *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "first_aid", step_json(&c->first_aid));
    json_object_set_new(o, "advanced_care", step_json(&c->advanced_care));
    json_object_set_new(o, "surgery", step_json(&c->surgery));
    json_object_set_new(o, "all_met", tristate(c->all_met));
    return o;
}

json_t *casevac_evacuation_json(const struct casevac_compliance *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "request_to_launch_minutes",
                        c->request_to_launch.known ? json_integer(c->request_to_launch.minutes)
                                                   : json_null());
    json_object_set_new(o, "launch_to_arrival_minutes",
                        c->launch_to_arrival.known ? json_integer(c->launch_to_arrival.minutes)
                                                   : json_null());
    return o;
}

/* ---- the store ---- */

/* A timeline as stored, with who last wrote it. */
struct stored {
    bool exists;
    struct casevac_timeline t;
    char updated_at[40];
    char updated_by[64];
};

static int load(struct db *db, const char *casualty_uuid, struct stored *s, struct bh_error *err)
{
    memset(s, 0, sizeof *s);
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT injury_at, first_aid_at, advanced_care_at, surgery_at, "
                        "evac_requested_at, evac_launched_at, evac_arrived_at, notes, updated_at, "
                        "updated_by FROM casevac WHERE casualty_id = ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, casualty_uuid);
    rc = db_step(st, err);
    if (rc == DB_ROW) {
        s->exists = true;
        for (int i = 0; i < CASEVAC_NTIMES && rc == DB_ROW; i++) {
            const char *v = db_column_text(st, i);
            struct bh_error perr;
            if (!v)
                continue;
            if (time_parse_rfc3339(v, &s->t.ms[i], NULL, &perr) != 0)
                rc = bh_fail(err, BH_ESTORE, casevac_time_names[i],
                             "the stored %s of casualty %s, '%.40s', is not a date-time",
                             casevac_time_names[i], casualty_uuid, v);
            s->t.known[i] = true;
        }
        const char *notes = db_column_text(st, 7);
        snprintf(s->t.notes, sizeof s->t.notes, "%s", notes ? notes : "");
        snprintf(s->updated_at, sizeof s->updated_at, "%s", db_column_text(st, 8));
        snprintf(s->updated_by, sizeof s->updated_by, "%s", db_column_text(st, 9));
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

static json_t *times_json(const struct casevac_timeline *t)
{
    json_t *o = json_object();
    for (int i = 0; i < CASEVAC_NTIMES; i++) {
        char s[40];
        if (t->known[i])
            format_time(t->ms[i], s);
        json_object_set_new(o, casevac_time_names[i], t->known[i] ? json_string(s) : json_null());
    }
    return o;
}

/* The reply for the casualty record `rec` (casualty_get's JSON) and its stored timeline. */
static json_t *reply_json(const json_t *rec, const struct stored *s)
{
    struct casevac_compliance c;
    casevac_compute(&s->t, &c);
    json_t *o = json_object();
    json_object_set(o, "casualty_id", json_object_get(rec, "id"));
    json_object_set(o, "casualty_ref", json_object_get(rec, "casualty_id"));
    json_object_set(o, "mission", json_object_get(rec, "mission"));
    json_object_set(o, "incident_date", json_object_get(rec, "incident_date"));
    json_object_set_new(o, "times", times_json(&s->t));
    json_object_set_new(o, "compliance", casevac_compliance_json(&c));
    json_object_set_new(o, "evacuation", casevac_evacuation_json(&c));
    json_object_set_new(o, "notes", s->t.notes[0] ? json_string(s->t.notes) : json_null());
    json_object_set_new(o, "updated_at", s->exists ? json_string(s->updated_at) : json_null());
    json_object_set_new(o, "updated_by", s->exists ? json_string(s->updated_by) : json_null());
    return o;
}

int casevac_get(struct db *db, const struct principal *who, const char *id, json_t **out,
                struct bh_error *err)
{
    *out = NULL;
    json_t *rec = NULL;
    int rc = casualty_get(db, who, id, &rec, err);
    if (rc)
        return rc;
    struct stored s;
    rc = load(db, json_string_value(json_object_get(rec, "id")), &s, err);
    if (!rc)
        *out = reply_json(rec, &s);
    json_decref(rec);
    return rc;
}

/* The writer of a timeline: the organization that owns the casualty record (the contributing
 * state, whose medical officers know what happened to its people), or the secretariat. The
 * mission's organization sees embargoed records but does not write another state's. */
static int may_write(struct db *db, const struct principal *who, const json_t *rec,
                     struct bh_error *err)
{
    if (who->role == ROLE_ADMIN)
        return 0;
    struct db_stmt *st;
    int rc = db_prepare(db, "SELECT owner_org_id FROM casualty WHERE id = ?", &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, json_string_value(json_object_get(rec, "id")));
    rc = db_step(st, err);
    int64_t owner = rc == DB_ROW ? db_column_int(st, 0) : 0;
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (owner == 0 || owner != who->org_id)
        return bh_fail(err, BH_EDENIED, "id",
                       "only the owning organization (%s) or an admin may write the CASEVAC "
                       "timeline of casualty %s",
                       json_string_value(json_object_get(rec, "owner")),
                       json_string_value(json_object_get(rec, "casualty_id")));
    return 0;
}

static bool same(const struct casevac_timeline *a, const struct casevac_timeline *b)
{
    for (int i = 0; i < CASEVAC_NTIMES; i++)
        if (a->known[i] != b->known[i] || (a->known[i] && a->ms[i] != b->ms[i]))
            return false;
    return strcmp(a->notes, b->notes) == 0;
}

static int write_row(struct db *db, const char *uuid, const struct casevac_timeline *t,
                     const char *now, const char *by, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO casevac (casualty_id, injury_at, first_aid_at, "
                        "advanced_care_at, surgery_at, evac_requested_at, evac_launched_at, "
                        "evac_arrived_at, notes, updated_at, updated_by) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (casualty_id) DO UPDATE SET injury_at = excluded.injury_at, "
                        "first_aid_at = excluded.first_aid_at, "
                        "advanced_care_at = excluded.advanced_care_at, "
                        "surgery_at = excluded.surgery_at, "
                        "evac_requested_at = excluded.evac_requested_at, "
                        "evac_launched_at = excluded.evac_launched_at, "
                        "evac_arrived_at = excluded.evac_arrived_at, notes = excluded.notes, "
                        "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, uuid);
    for (int i = 0; i < CASEVAC_NTIMES; i++) {
        char s[40];
        if (t->known[i])
            format_time(t->ms[i], s);
        db_bind_text(st, 2 + i, t->known[i] ? s : NULL);
    }
    db_bind_text(st, 9, t->notes[0] ? t->notes : NULL);
    db_bind_text(st, 10, now);
    db_bind_text(st, 11, by);
    rc = db_step(st, err);
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int casevac_put(struct db *db, const struct principal *who, const char *id,
                const struct casevac_timeline *t, json_t **out, struct bh_error *err)
{
    if (out)
        *out = NULL;
    /* The write lock first: the old times the audit entry records are then the ones this
     * write replaces, even when two writers race. */
    int rc = db_begin(db, err);
    if (rc)
        return rc;
    json_t *rec = NULL;
    struct stored old, now_s;
    rc = casualty_get(db, who, id, &rec, err);
    if (!rc)
        rc = may_write(db, who, rec, err);
    int64_t now_ms = time_now_ms();
    if (!rc)
        rc = casevac_timeline_check(t, json_string_value(json_object_get(rec, "incident_date")),
                                    now_ms, err);
    const char *uuid = rec ? json_string_value(json_object_get(rec, "id")) : NULL;
    if (!rc)
        rc = load(db, uuid, &old, err);
    bool changed = !rc && (!old.exists || !same(&old.t, t));
    if (changed) {
        char now[40];
        time_format_rfc3339(now_ms, 0, false, now);
        rc = write_row(db, uuid, t, now, who->username, err);
        if (!rc) {
            json_t *summary = json_object();
            json_object_set(summary, "casualty_ref", json_object_get(rec, "casualty_id"));
            json_object_set_new(summary, "old", old.exists ? times_json(&old.t) : json_null());
            json_object_set_new(summary, "new", times_json(t));
            /* The notes themselves stay out of the log: they may hold medical detail, and
             * the log is read by auditors who may not see the record. */
            json_object_set_new(summary, "notes_changed",
                                json_boolean(strcmp(old.t.notes, t->notes) != 0));
            rc = audit_append(db, who, "casevac.update", "casevac", uuid, summary, err);
            json_decref(summary);
        }
    }
    if (!rc)
        rc = load(db, uuid, &now_s, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        json_decref(rec);
        return rc;
    }
    if (out)
        *out = reply_json(rec, &now_s);
    json_decref(rec);
    return 0;
}
