/* Synthetic incidents for demonstrations and benchmarks (demo.h says what they promise).
 *
 * How a row is drawn: a mission, weighted by the years it ran and by how dangerous it was
 * (the hot list below); a time uniform within the mission's life (never before 1948, never
 * after INCIDENT_DEMO_HORIZON or now); a point scattered around the mission's HQ (gaussian,
 * tens of kilometres, a few rows farther out), on the land of the mission's host country
 * (demo_land.h: a point in the sea or across a border is drawn again); a threat type from the
 * taxonomy, by class weights; a target and an activity that fit the class; casualty counts that are
 * mostly zero with a tail; a status, a marking and an owner. Each row has its own random stream
 * (xoshiro256** seeded by splitmix64 from the seed and the row's number), so row i does not
 * depend on how many rows came before it: that is what makes a larger count of the same
 * seed add only the new rows, and the same count add nothing.
 *
 * Speed: the rows of a million-row load are drawn, formatted and inserted without a heap
 * allocation per row; the store's INSERT is prepared once and reused (incident_store_insert
 * keeps it in the connection's cache); one transaction holds them all; ids are UUIDv7 whose
 * time is the horizon plus the row's number, so they reach the id index in order. */
#include "incident/demo.h"
#include "incident/demo_land.h"

#include "audit/audit.h"
#include "base/mem.h"
#include "base/timeutil.h"
#include "base/uuid.h"
#include "incident/import.h"
#include "incident/incident.h"
#include "taxonomy/taxonomy.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS_PER_DAY  86400000LL
#define MS_PER_HOUR 3600000LL

/* ---- random numbers: splitmix64 seeds xoshiro256** (Blackman and Vigna) ---- */

struct rng {
    uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* The stream of row `i` of `seed`: the seed and the row number go through splitmix64 so
 * that neighbouring rows, and neighbouring seeds, get unrelated states. */
static void rng_row(struct rng *r, uint64_t seed, uint64_t i)
{
    uint64_t x = seed;
    uint64_t k = splitmix64(&x) ^ ((i + 1) * 0xd1b54a32d192ed03ULL);
    for (int j = 0; j < 4; j++)
        r->s[j] = splitmix64(&k);
}

/* Uniform in [0, 1). */
static double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n). */
static uint64_t rng_below(struct rng *r, uint64_t n)
{
    return n ? (uint64_t)(rng_unit(r) * (double)n) % n : 0;
}

/* Standard normal (Box-Muller; the second value is thrown away to keep rows independent of
 * any state beyond their own stream). */
static double rng_gauss(struct rng *r)
{
    double u1 = 1.0 - rng_unit(r); /* (0, 1]: log(0) never happens */
    double u2 = rng_unit(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

/* 0 with probability p0, else 1, 2, 3 ... each next one `more` times as likely as staying,
 * capped: casualty counts are mostly zero with a tail. */
static int64_t rng_count(struct rng *r, double p0, double more, int64_t cap)
{
    if (rng_unit(r) < p0)
        return 0;
    int64_t n = 1;
    while (n < cap && rng_unit(r) < more)
        n++;
    return n;
}

/* ---- weighted choices among taxonomy codes ---- */

struct weighted {
    const char *code;
    unsigned weight;
};

/* A code of `choices` that the taxonomy `list` knows, by weight; when it knows none of them
 * (the taxonomy changed), any code of the list. */
static const char *pick_code(struct rng *r, const struct weighted *choices, size_t n,
                             const char *const *list)
{
    unsigned total = 0;
    for (size_t i = 0; i < n; i++)
        if (taxonomy_in(list, choices[i].code))
            total += choices[i].weight;
    if (total) {
        unsigned x = (unsigned)rng_below(r, total);
        for (size_t i = 0; i < n; i++) {
            if (!taxonomy_in(list, choices[i].code))
                continue;
            if (x < choices[i].weight)
                return choices[i].code;
            x -= choices[i].weight;
        }
    }
    size_t len = 0;
    while (list[len])
        len++;
    return len ? list[rng_below(r, len)] : "other";
}

#define W(...)             ((const struct weighted[]){ __VA_ARGS__ })
#define NW(...)            (sizeof((const struct weighted[]){ __VA_ARGS__ }) / sizeof(struct weighted))
#define PICK(r, list, ...) pick_code((r), W(__VA_ARGS__), NW(__VA_ARGS__), (list))

/* What a threat hits: some types say it themselves, the rest go by their class. */
static const char *pick_target(struct rng *r, const struct threat_type *tt)
{
    const char *const *t = taxonomy_targets;
    const char *code = tt->code;
    if (strcmp(code, "attack_on_base") == 0 || strcmp(code, "indirect_fire") == 0)
        return PICK(r, t, { "camp_base", 85 }, { "patrol", 10 }, { "convoy", 5 });
    if (strcmp(code, "attack_on_aircraft") == 0 || strcmp(code, "air_accident") == 0)
        return PICK(r, t, { "aircraft", 100 });
    if (strcmp(code, "ambush") == 0 || strcmp(code, "ied") == 0 || strcmp(code, "mine_erw") == 0)
        return PICK(r, t, { "convoy", 50 }, { "patrol", 45 }, { "individual", 5 });
    if (strcmp(code, "abduction") == 0 || strcmp(code, "sexual_violence") == 0 ||
        strcmp(code, "illness") == 0 || strcmp(code, "self_inflicted") == 0 ||
        strcmp(code, "drowning") == 0)
        return PICK(r, t, { "individual", 100 });
    switch (tt->class) {
    case THREAT_ATTACK:
        return PICK(r, t, { "convoy", 30 }, { "patrol", 35 }, { "camp_base", 25 },
                    { "individual", 10 });
    case THREAT_HAZARD:
        return PICK(r, t, { "convoy", 50 }, { "patrol", 40 }, { "individual", 10 });
    case THREAT_CRIME:
        return PICK(r, t, { "individual", 50 }, { "camp_base", 30 }, { "convoy", 20 });
    case THREAT_ACCIDENT:
        return PICK(r, t, { "convoy", 60 }, { "individual", 25 }, { "other", 15 });
    case THREAT_HEALTH:
        return PICK(r, t, { "individual", 70 }, { "camp_base", 30 });
    default:
        return PICK(r, t, { "other", 40 }, { "individual", 30 }, { "camp_base", 30 });
    }
}

static const char *pick_activity(struct rng *r, const char *target)
{
    const char *const *a = taxonomy_activities;
    if (strcmp(target, "convoy") == 0)
        return PICK(r, a, { "logistics_convoy", 60 }, { "escort", 40 });
    if (strcmp(target, "patrol") == 0)
        return PICK(r, a, { "patrolling", 85 }, { "demining", 15 });
    if (strcmp(target, "camp_base") == 0)
        return PICK(r, a, { "guarding", 70 }, { "engineering", 15 }, { "medical", 15 });
    if (strcmp(target, "aircraft") == 0)
        return PICK(r, a, { "air_transport", 100 });
    if (strcmp(target, "individual") == 0)
        return PICK(r, a, { "other", 40 }, { "medical", 20 }, { "engineering", 20 },
                    { "patrolling", 20 });
    return PICK(r, a, { "other", 100 });
}

struct counts {
    double killed0, injured0, missing0, abducted0; /* chance of none */
};

static const struct counts class_counts[] = {
    [THREAT_ATTACK] = { 0.75, 0.45, 0.97, 0.97 }, [THREAT_HAZARD] = { 0.80, 0.50, 0.99, 0.995 },
    [THREAT_CRIME] = { 0.95, 0.80, 0.98, 0.93 },  [THREAT_ACCIDENT] = { 0.85, 0.40, 0.995, 1.0 },
    [THREAT_HEALTH] = { 0.90, 0.95, 1.0, 1.0 },   [THREAT_CONTEXT] = { 1.0, 1.0, 1.0, 1.0 },
    [THREAT_OTHER] = { 0.95, 0.85, 0.99, 0.99 },
};

/* How often each threat type comes up among incidents against peacekeepers, per thousand:
 * accidents, illness and direct attacks first, as in the UN fatalities data and mission
 * reporting. A type of the taxonomy that is not listed here gets its class's share; context
 * events are not incidents against peacekeepers and are never drawn. */
static const struct {
    const char *code;
    double weight;
} threat_weights[] = {
    { "ied", 90 },
    { "grenade", 15 },
    { "ambush", 60 },
    { "direct_fire", 80 },
    { "indirect_fire", 50 },
    { "complex_attack", 20 },
    { "suicide_attack", 8 },
    { "attack_on_base", 35 },
    { "attack_on_aircraft", 5 },
    { "cbrn_attack", 0.5 },
    { "hostile_crowd", 40 },
    { "abduction", 15 },
    { "sexual_violence", 5 },
    { "mine_erw", 60 },
    { "armed_robbery", 45 },
    { "theft", 50 },
    { "looting", 25 },
    { "road_accident", 110 },
    { "air_accident", 8 },
    { "drowning", 15 },
    { "weapon_accident", 20 },
    { "other_accident", 25 },
    { "illness", 90 },
    { "disease_outbreak", 20 },
    { "self_inflicted", 10 },
    { "other", 20 },
    { "unknown", 25 },
};

static const double class_weight[] = {
    [THREAT_ATTACK] = 20, [THREAT_HAZARD] = 20, [THREAT_CRIME] = 20, [THREAT_ACCIDENT] = 20,
    [THREAT_HEALTH] = 20, [THREAT_CONTEXT] = 0, [THREAT_OTHER] = 10,
};
#define NCLASSES (sizeof class_weight / sizeof class_weight[0])

static double threat_weight(const struct threat_type *t)
{
    if ((size_t)t->class >= NCLASSES || class_weight[t->class] == 0)
        return 0;
    for (size_t i = 0; i < sizeof threat_weights / sizeof threat_weights[0]; i++)
        if (strcmp(threat_weights[i].code, t->code) == 0)
            return threat_weights[i].weight;
    return class_weight[t->class];
}

/* Missions where peacekeepers were hit hardest weigh more than their years alone would
 * make them; the rest weigh their years. */
static const struct {
    const char *acronym;
    double factor;
} hot_missions[] = {
    { "MINUSMA", 10 }, { "MINUSCA", 8 },  { "MONUSCO", 7 },  { "UNOSOM II", 6 },
    { "UNMISS", 5 },   { "UNAMID", 5 },   { "UNPROFOR", 4 }, { "UNIFIL", 3 },
    { "ONUC", 3 },     { "MONUC", 3 },    { "UNAMSIL", 2 },  { "UNMIL", 2 },
    { "UNOCI", 2 },    { "MINUSTAH", 2 }, { "UNISFA", 2 },   { "UNAMA", 2 },
};

/* ---- the plan: what the rows are drawn from, read from the store once ---- */

struct demo_mission {
    char acronym[32];
    char host[4];
    char city[64]; /* "" when the store names none */
    double lat, lon;
    int64_t start_ms, end_ms; /* the span occurred_at is drawn from */
};

struct demo_plan {
    struct demo_mission *missions;
    double *mission_cum; /* cumulative weights, for the draw */
    size_t nmissions;
    int64_t *owners; /* member-state organizations, by code */
    size_t nowners;
    const struct threat_type **threats; /* with a weight above 0 */
    double *threat_cum;                 /* their cumulative weights */
    size_t nthreats;
    int64_t horizon_ms;
    int64_t cap_ms; /* the horizon, or now when earlier */
    char now[40];
};

static void plan_cleanup(struct demo_plan *p)
{
    free(p->missions);
    free(p->mission_cum);
    free(p->owners);
    free(p->threats);
    free(p->threat_cum);
    memset(p, 0, sizeof *p);
}

/* The first (or last) millisecond of a date; INT64_MIN when it is no date. */
static int64_t date_ms(const char *ymd, bool end_of_day)
{
    int y, m, d;
    if (!ymd || time_parse_date(ymd, &y, &m, &d, NULL))
        return INT64_MIN;
    int64_t ms = time_days_from_civil(y, m, d) * MS_PER_DAY;
    return end_of_day ? ms + MS_PER_DAY - 1 : ms;
}

static double mission_factor(const char *acronym, const char *kind)
{
    double f = strcmp(kind, "peacekeeping") == 0 ? 1.0 : strcmp(kind, "political") == 0 ? 0.3 : 0;
    for (size_t i = 0; i < sizeof hot_missions / sizeof hot_missions[0]; i++)
        if (strcmp(hot_missions[i].acronym, acronym) == 0)
            return f * hot_missions[i].factor;
    return f;
}

static int plan_missions(struct db *db, struct demo_plan *p, struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT acronym, kind, host_iso3, hq_city, hq_lat, hq_lon, start_date, "
                        "end_date FROM mission WHERE hq_lat IS NOT NULL AND hq_lon IS NOT NULL "
                        "ORDER BY acronym",
                        &st, err);
    if (rc)
        return rc;
    size_t cap = 0;
    double total = 0;
    int64_t floor_ms = date_ms("1948-01-01", false);
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *acronym = db_column_text(st, 0);
        double factor = mission_factor(acronym, db_column_text(st, 1));
        int64_t start = date_ms(db_column_text(st, 6), false);
        int64_t end = db_column_is_null(st, 7) ? p->cap_ms : date_ms(db_column_text(st, 7), true);
        if (start != INT64_MIN && start < floor_ms)
            start = floor_ms;
        if (end > p->cap_ms)
            end = p->cap_ms;
        /* A mission whose host has no outline could not be placed on land: left out rather
         * than scattered into the sea (scripts/gen-demo-land.mjs outlines every host of the
         * reference table). */
        if (factor <= 0 || start == INT64_MIN || end == INT64_MIN || end <= start ||
            strlen(acronym) >= 32 || !demo_land_known(db_column_text(st, 2)))
            continue;
        if (p->nmissions == cap) {
            cap = cap ? cap * 2 : 128;
            p->missions = xrealloc(p->missions, cap * sizeof *p->missions);
            p->mission_cum = xrealloc(p->mission_cum, cap * sizeof *p->mission_cum);
        }
        struct demo_mission *m = &p->missions[p->nmissions++];
        memset(m, 0, sizeof *m);
        snprintf(m->acronym, sizeof m->acronym, "%s", acronym);
        snprintf(m->host, sizeof m->host, "%s", db_column_text(st, 2));
        const char *city = db_column_text(st, 3);
        snprintf(m->city, sizeof m->city, "%s", city ? city : "");
        m->lat = db_column_double(st, 4);
        m->lon = db_column_double(st, 5);
        m->start_ms = start;
        m->end_ms = end;
        total += factor * (double)(end - start) / (365.25 * MS_PER_DAY);
        p->mission_cum[p->nmissions - 1] = total;
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!p->nmissions)
        return bh_fail(err, BH_ENOTFOUND, "mission",
                       "the store has no mission with HQ coordinates to place demo incidents "
                       "around (`bluehelm init` loads them)");
    return 0;
}

static int plan_owners(struct db *db, struct demo_plan *p, struct bh_error *err)
{
    struct db_stmt *st;
    int rc =
        db_prepare(db, "SELECT id FROM org WHERE kind = 'member_state' ORDER BY code", &st, err);
    if (rc)
        return rc;
    size_t cap = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        if (p->nowners == cap) {
            cap = cap ? cap * 2 : 64;
            p->owners = xrealloc(p->owners, cap * sizeof *p->owners);
        }
        p->owners[p->nowners++] = db_column_int(st, 0);
    }
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (!p->nowners)
        return bh_fail(err, BH_ENOTFOUND, "owner",
                       "the store has no member-state organization to own demo incidents (run "
                       "`bluehelm init --seed`, or add one with `bluehelm org add CODE --kind "
                       "member_state`)");
    return 0;
}

static int plan_threats(struct demo_plan *p, struct bh_error *err)
{
    p->threats = xmalloc((taxonomy_threats_count + 1) * sizeof *p->threats);
    p->threat_cum = xmalloc((taxonomy_threats_count + 1) * sizeof *p->threat_cum);
    double total = 0;
    for (size_t i = 0; i < taxonomy_threats_count; i++) {
        double w = threat_weight(&taxonomy_threats[i]);
        if (w <= 0)
            continue;
        total += w;
        p->threats[p->nthreats] = &taxonomy_threats[i];
        p->threat_cum[p->nthreats++] = total;
    }
    if (!p->nthreats)
        return bh_fail(err, BH_EINTERNAL, "threat_type",
                       "the taxonomy has no threat type for incidents against peacekeepers");
    return 0;
}

/* The index of the entry of `cum` (n increasing cumulative weights) that `x` falls in. */
static size_t pick_cum(const double *cum, size_t n, double x)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static int plan_init(struct db *db, struct demo_plan *p, struct bh_error *err)
{
    memset(p, 0, sizeof *p);
    int64_t now = time_now_ms();
    time_format_rfc3339(now, 0, false, p->now);
    time_parse_rfc3339(INCIDENT_DEMO_HORIZON, &p->horizon_ms, NULL, NULL);
    p->cap_ms = now < p->horizon_ms ? now : p->horizon_ms;
    int rc;
    if ((rc = plan_threats(p, err)) || (rc = plan_missions(db, p, err)) ||
        (rc = plan_owners(db, p, err)))
        plan_cleanup(p);
    return rc;
}

/* ---- one row ---- */

/* The texts a row points at, so that drawing a row allocates nothing. */
struct demo_texts {
    char id[UUID_STR_LEN + 1];
    char occurred[40], reported[40], endorsed[40];
    char place[128];
    char groups[48];
    char narrative[640];
    char source_ref[64];
};

static const char *const compass[] = { "N", "NE", "E", "SE", "S", "SW", "W", "NW" };

/* Words for the narrative; a code the table does not know reads as itself. */
static const char *target_words(const char *code)
{
    static const char *const words[][2] = {
        { "convoy", "convoy" },     { "patrol", "patrol" },          { "camp_base", "camp" },
        { "aircraft", "aircraft" }, { "individual", "peacekeeper" }, { "other", "unit" },
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i][0], code) == 0)
            return words[i][1];
    return code;
}

static const char *activity_words(const char *code)
{
    static const char *const words[][2] = {
        { "patrolling", "on patrol" },
        { "guarding", "on guard duty" },
        { "demining", "clearing mines" },
        { "medical", "on a medical task" },
        { "engineering", "on an engineering task" },
        { "air_transport", "in flight" },
        { "escort", "on escort duty" },
        { "logistics_convoy", "moving supplies" },
        { "other", "on duty" },
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i][0], code) == 0)
            return words[i][1];
    return code;
}

/* Templates: {T} the threat's label, {t} the same in lower case, {G} the target, {M} the
 * mission, {P} the place ("12 km NE of Gao", "in Gao"), {A} the activity, {C} the
 * casualties. */
static const char *const templates[] = {
    "{T} against a {G} of {M} {P} while {A}. {C}",
    "A {G} of {M} reported {t} {P} while {A}. {C}",
    "{M}: {t} involving a {G} {P}, while {A}. {C}",
    "{T} {P} ({G}, {A}). {C}",
};

struct narrative_args {
    const char *label, *target, *mission, *place, *activity, *casualties;
};

static void put(char **o, const char *end, const char *s, bool lower_first)
{
    for (bool first = true; *s && *o < end; s++, first = false)
        *(*o)++ = (char)(lower_first && first && *s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
}

static void narrative(char *out, size_t cap, const char *tpl, const struct narrative_args *a)
{
    char *o = out, *end = out + cap - 1;
    put(&o, end, INCIDENT_DEMO_MARK " ", false);
    for (const char *s = tpl; *s && o < end; s++) {
        if (s[0] != '{' || !s[1] || s[2] != '}') {
            *o++ = *s;
            continue;
        }
        switch (s[1]) {
        case 'T':
            put(&o, end, a->label, false);
            break;
        case 't':
            put(&o, end, a->label, true);
            break;
        case 'G':
            put(&o, end, a->target, false);
            break;
        case 'M':
            put(&o, end, a->mission, false);
            break;
        case 'P':
            put(&o, end, a->place, false);
            break;
        case 'A':
            put(&o, end, a->activity, false);
            break;
        case 'C':
            put(&o, end, a->casualties, false);
            break;
        default:
            break;
        }
        s += 2;
    }
    *o = '\0';
}

static void casualty_words(char *out, size_t cap, const struct incident_row *row)
{
    const struct {
        int64_t n;
        const char *what;
    } parts[] = {
        { row->killed, "killed" },
        { row->injured, "injured" },
        { row->missing, "missing" },
        { row->abducted, "abducted" },
    };
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < 4; i++)
        if (parts[i].n && len < cap)
            len += (size_t)snprintf(out + len, cap - len, "%s%" PRId64 " %s", len ? ", " : "",
                                    parts[i].n, parts[i].what);
    if (len == 0)
        snprintf(out, cap, "No casualties.");
    else if (len + 1 < cap)
        strcat(out, ".");
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Moves a point `north_km` and `east_km` from (lat, lon), keeping it a valid coordinate:
 * latitude clamped to the poles, longitude wrapped across the antimeridian. */
static void offset_point(double lat, double lon, double north_km, double east_km, double *lat_out,
                         double *lon_out)
{
    double la = lat + north_km / 111.32;
    double c = cos(lat * M_PI / 180.0);
    double lo = lon + east_km / (111.32 * (c < 0.01 ? 0.01 : c));
    if (la > 90)
        la = 90;
    if (la < -90)
        la = -90;
    while (lo > 180)
        lo -= 360;
    while (lo < -180)
        lo += 360;
    /* Six decimals (about 10 cm) is more than any report gives, and keeps exports short. */
    *lat_out = round(la * 1e6) / 1e6;
    *lon_out = round(lo * 1e6) / 1e6;
}

/* Puts the point `north_km`, `east_km` from the HQ of `m` on the land of its host country:
 * kept when it is there; else drawn again around the HQ, up to 48 times, from a stream of its
 * own (so the row's other values stay what they were) and ever closer; else the HQ itself, or,
 * when the HQ falls outside the coarse outline (a harbour city), a point inside the country.
 * The offsets are then the final point's from the HQ, for the place's name ("12 km NE of
 * Gao"). */
static void place_on_land(const struct demo_mission *m, uint64_t seed, int64_t i, double sigma,
                          double *north, double *east, double *lat, double *lon)
{
    offset_point(m->lat, m->lon, *north, *east, lat, lon);
    if (demo_land_contains(m->host, *lat, *lon))
        return;
    struct rng r;
    rng_row(&r, seed ^ 0x6c616e64u /* "land" */, (uint64_t)i);
    bool found = false;
    for (int k = 0; k < 48 && !found; k++) {
        double s = sigma * (1.0 - k / 64.0);
        offset_point(m->lat, m->lon, rng_gauss(&r) * s, rng_gauss(&r) * s, lat, lon);
        found = demo_land_contains(m->host, *lat, *lon);
    }
    if (!found) {
        offset_point(m->lat, m->lon, 0, 0, lat, lon);
        double ilat, ilon;
        if (!demo_land_contains(m->host, *lat, *lon) &&
            demo_land_inside_point(m->host, &ilat, &ilon))
            offset_point(ilat, ilon, 0, 0, lat, lon);
    }
    double dlon = *lon - m->lon;
    if (dlon > 180)
        dlon -= 360;
    if (dlon < -180)
        dlon += 360;
    *north = (*lat - m->lat) * 111.32;
    *east = dlon * 111.32 * cos(m->lat * M_PI / 180.0);
}

/* Draws row `i` of `seed` into `row`, its texts in `tx`. */
static void demo_row(const struct demo_plan *p, uint64_t seed, int64_t i, struct incident_row *row,
                     struct demo_texts *tx)
{
    struct rng r;
    rng_row(&r, seed, (uint64_t)i);
    memset(row, 0, sizeof *row);

    /* The mission, by weight. */
    const struct demo_mission *m = &p->missions[pick_cum(
        p->mission_cum, p->nmissions, rng_unit(&r) * p->mission_cum[p->nmissions - 1])];
    row->mission = m->acronym;

    /* When, and how precisely it is known: the period's start for a coarser precision,
     * unless that start falls before the mission did (then the day). */
    int64_t at = m->start_ms + (int64_t)(rng_unit(&r) * (double)(m->end_ms - m->start_ms));
    at -= at % 60000; /* reports give minutes */
    double u = rng_unit(&r);
    int64_t day = floor_div(at, MS_PER_DAY);
    int64_t occurred = at;
    row->occurred_precision = "exact";
    if (u >= 0.70) {
        int64_t start = day;
        if (u >= 0.95) {
            int y, mo, d;
            time_civil_from_days(day, &y, &mo, &d);
            start = time_days_from_civil(y, mo, 1);
            row->occurred_precision = "month";
        } else if (u >= 0.88) {
            start = day - ((day + 3) % 7 + 7) % 7; /* the Monday: 1970-01-01 was a Thursday */
            row->occurred_precision = "week";
        } else {
            row->occurred_precision = "day";
        }
        if (start * MS_PER_DAY < m->start_ms) {
            start = day;
            row->occurred_precision = "day";
        }
        occurred = start * MS_PER_DAY;
    }
    time_format_rfc3339(occurred, 0, false, tx->occurred);
    row->occurred_at = tx->occurred;

    /* Reported minutes to hours after an exact time, days after a vaguer one. */
    int64_t lag = strcmp(row->occurred_precision, "exact") == 0
                      ? (int64_t)(-log(1.0 - rng_unit(&r)) * 6 * MS_PER_HOUR)
                      : (int64_t)((1 + rng_unit(&r) * 20) * MS_PER_DAY);
    int64_t reported = at + 60000 + lag;
    if (reported > p->cap_ms)
        reported = p->cap_ms > at ? p->cap_ms : at;
    reported -= reported % 1000;
    time_format_rfc3339(reported, 0, false, tx->reported);
    row->reported_at = tx->reported;

    /* Where: around the HQ, a tenth of the rows farther out (long-range patrols, supply
     * routes). */
    double sigma = rng_unit(&r) < 0.9 ? 30.0 : 120.0;
    double north = rng_gauss(&r) * sigma, east = rng_gauss(&r) * sigma;
    place_on_land(m, seed, i, sigma, &north, &east, &row->latitude, &row->longitude);
    double km = sqrt(north * north + east * east);
    double bearing = atan2(east, north) * 180.0 / M_PI;
    const char *dir = compass[(int)floor((bearing < 0 ? bearing + 360 : bearing) / 45.0 + 0.5) % 8];
    const char *city = m->city[0] ? m->city : "the mission HQ";
    char place_phrase[128];
    if (km < 2) {
        snprintf(tx->place, sizeof tx->place, "%s", m->city[0] ? m->city : m->acronym);
        snprintf(place_phrase, sizeof place_phrase, "in %s", city);
    } else {
        snprintf(tx->place, sizeof tx->place, "%d km %s of %s", (int)(km + 0.5), dir, city);
        snprintf(place_phrase, sizeof place_phrase, "%s", tx->place);
    }
    row->place_name = tx->place;
    u = rng_unit(&r);
    row->location_precision = u < 0.55   ? "exact"
                              : u < 0.85 ? "near"
                              : u < 0.95 ? "admin2"
                                         : "admin1";

    /* What. */
    const struct threat_type *t = p->threats[pick_cum(
        p->threat_cum, p->nthreats, rng_unit(&r) * p->threat_cum[p->nthreats - 1])];
    row->threat_type = t->code;
    row->target = pick_target(&r, t);
    row->activity = pick_activity(&r, row->target);

    /* By whom: only malicious acts have perpetrators, sometimes a known group active in the
     * host country. */
    tx->groups[0] = '\0';
    if (t->class == THREAT_ATTACK || t->class == THREAT_HAZARD || t->class == THREAT_CRIME) {
        static const char *const who[] = { "unidentified armed men", "suspected armed group",
                                           "unknown assailants", "armed bandits" };
        row->perpetrator = who[t->class == THREAT_CRIME ? 3 : rng_below(&r, 3)];
        if (rng_unit(&r) < 0.4) {
            size_t found = 0, pick = 0;
            for (size_t g = 0; g < taxonomy_known_groups_count; g++)
                if (taxonomy_known_groups[g].where &&
                    strstr(taxonomy_known_groups[g].where, m->host))
                    found++;
            if (found) {
                pick = rng_below(&r, found);
                for (size_t g = 0; g < taxonomy_known_groups_count; g++) {
                    const struct known_group *kg = &taxonomy_known_groups[g];
                    if (!kg->where || !strstr(kg->where, m->host))
                        continue;
                    if (pick-- == 0) {
                        if (strlen(kg->code) + 5 < sizeof tx->groups)
                            snprintf(tx->groups, sizeof tx->groups, "[\"%s\"]", kg->code);
                        break;
                    }
                }
            }
        }
    }
    row->perpetrator_groups = tx->groups[0] ? tx->groups : NULL;

    /* The toll. */
    const struct counts *k = &class_counts[t->class];
    row->killed = rng_count(&r, k->killed0, 0.45, 60);
    row->injured = rng_count(&r, k->injured0, 0.55, 80);
    row->missing = rng_count(&r, k->missing0, 0.3, 20);
    row->abducted = rng_count(&r, strcmp(t->code, "abduction") == 0 ? 0 : k->abducted0, 0.4, 30);

    char casualties[96];
    casualty_words(casualties, sizeof casualties, row);
    struct narrative_args na = { t->label,     target_words(row->target),     m->acronym,
                                 place_phrase, activity_words(row->activity), casualties };
    narrative(tx->narrative, sizeof tx->narrative,
              templates[rng_below(&r, sizeof templates / sizeof templates[0])], &na);
    row->narrative = tx->narrative;
    row->sources = "[\"bluehelm demo generator (synthetic)\"]";

    /* The workflow: most reports endorsed a few hours to days after they came in. */
    u = rng_unit(&r);
    row->status = u < 0.05 ? "draft" : u < 0.12 ? "submitted" : "endorsed";
    if (strcmp(row->status, "endorsed") == 0) {
        int64_t e = reported + (int64_t)((1 + rng_unit(&r) * 71) * MS_PER_HOUR);
        if (e > p->cap_ms)
            e = reported;
        e -= e % 1000;
        time_format_rfc3339(e, 0, false, tx->endorsed);
        row->endorsed_by = "demo";
        row->endorsed_at = tx->endorsed;
    }

    /* Sharing: mostly every member, some published, a few for the owner only. */
    u = rng_unit(&r);
    row->tlp = u < 0.85 ? "GREEN" : u < 0.95 ? "CLEAR" : "AMBER+STRICT";
    row->owner_org_id = p->owners[(uint64_t)i % p->nowners];
    row->reporter = "demo";
    row->synthetic = true;
    row->source = "demo";
    snprintf(tx->source_ref, sizeof tx->source_ref, "demo:%" PRIu64 ":%" PRId64, seed, i);
    row->source_ref = tx->source_ref;
    row->created_at = p->now;
    row->updated_at = p->now;

    /* The id: UUIDv7 at the horizon plus i milliseconds, random bits from the row's stream,
     * so it is the same every time and ids reach the index in row order. */
    uint8_t rnd[10];
    uint64_t a = rng_next(&r), b = rng_next(&r);
    memcpy(rnd, &a, 8);
    memcpy(rnd + 8, &b, 2);
    struct uuid id;
    uuid_v7_from(&id, p->horizon_ms + i, rnd);
    uuid_format(&id, tx->id);
    row->id = tx->id;
}

/* ---- the load ---- */

/* Marks in `have` the rows of this seed below `count` that the store already holds. */
static int existing_rows(struct db *db, uint64_t seed, int64_t count, uint8_t *have, int64_t *n_out,
                         struct bh_error *err)
{
    char lo[48], hi[48];
    int plen = snprintf(lo, sizeof lo, "demo:%" PRIu64 ":", seed);
    snprintf(hi, sizeof hi, "demo:%" PRIu64 ";", seed); /* ';' follows ':' */
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT source_ref FROM incident WHERE source = 'demo' AND "
                        "source_ref >= ? AND source_ref < ?",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, lo);
    db_bind_text(st, 2, hi);
    int64_t n = 0;
    while ((rc = db_step(st, err)) == DB_ROW) {
        const char *ref = db_column_text(st, 0);
        char *end;
        long long i = strtoll(ref + plen, &end, 10);
        if (*end || i < 0 || i >= count || (have[i / 8] & (1u << (i % 8))))
            continue;
        have[i / 8] |= (uint8_t)(1u << (i % 8));
        n++;
    }
    db_stmt_done(st);
    *n_out = n;
    return rc < 0 ? rc : 0;
}

int incident_demo_load(struct db *db, const struct principal *who, int64_t count, uint64_t seed,
                       bool validate, incident_demo_progress progress, void *progress_ctx,
                       struct incident_demo_report *rep, struct bh_error *err)
{
    memset(rep, 0, sizeof *rep);
    if (count < 1 || count > INCIDENT_DEMO_MAX)
        return bh_fail(err, BH_EINVALID, "incidents",
                       "the number of incidents must be 1 to %d, not %lld", INCIDENT_DEMO_MAX,
                       (long long)count);
#ifndef NDEBUG
    validate = true; /* debug builds (and so the tests) check every generated row */
#endif
    rep->requested = count;
    struct demo_plan plan;
    int rc = db_prepare_for_bulk_load(db, err);
    if (!rc)
        rc = db_begin(db, err);
    if (rc)
        return rc;
    if ((rc = plan_init(db, &plan, err))) {
        db_rollback(db);
        return rc;
    }
    rep->missions = (int64_t)plan.nmissions;

    uint8_t *have = xcalloc((size_t)(count / 8 + 1), 1);
    rc = existing_rows(db, seed, count, have, &rep->existing, err);

    struct incident_row row;
    struct demo_texts tx;
    struct incident_bulk *bulk = incident_bulk_new(db);
    if (!rc)
        rc = incident_bulk_expect(bulk, count - rep->existing, err);
    for (int64_t i = 0; i < count && !rc; i++) {
        if (have[i / 8] & (1u << (i % 8)))
            continue;
        demo_row(&plan, seed, i, &row, &tx);
        if (validate && (rc = incident_validate(db, &row, err))) {
            char why[sizeof err->message];
            snprintf(why, sizeof why, "%s", err->message);
            rc = bh_fail(err, BH_EINTERNAL, err->field,
                         "demo row %lld of seed %llu fails validation (%s): %s", (long long)i,
                         (unsigned long long)seed, err->field, why);
            break;
        }
        if ((rc = incident_bulk_add(bulk, &row, err)))
            break;
        rep->added++;
        if (progress && (i & 0x3fff) == 0x3fff)
            progress(progress_ctx, i + 1, count);
    }
    if (!rc)
        rc = incident_bulk_finish(bulk, NULL, err);
    free(have);
    plan_cleanup(&plan);
    if (!rc) {
        json_t *summary =
            json_pack("{s:s, s:I, s:I, s:I, s:I}", "seed", "", "requested", (json_int_t)count,
                      "added", (json_int_t)rep->added, "existing", (json_int_t)rep->existing,
                      "missions", (json_int_t)rep->missions);
        /* The seed is an unsigned 64-bit number, more than JSON integers promise to hold. */
        char s[24];
        snprintf(s, sizeof s, "%" PRIu64, seed);
        json_object_set_new(summary, "seed", json_string(s));
        rc = audit_append(db, who, "demo.load", "incident", NULL, summary, err);
        json_decref(summary);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc) {
        db_rollback(db);
        rep->added = 0;
    }
    incident_bulk_free(bulk);
    if (!rc && progress)
        progress(progress_ctx, count, count);
    return rc;
}
