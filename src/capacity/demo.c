/* Capacity building's part of `bluehelm demo`: needs of troop contributors across categories
 * and missions, offers of providers, one match a coordinator of the secretariat confirmed, and
 * a course whose completed delivery served a need. Every title starts "(demo)" and every
 * description says the figures are invented. Written once: a store that has the first need
 * gets nothing more. Rows whose organization the store lacks are left out (the demo store has
 * them all: `bluehelm init --seed`). */
#include "capacity/capacity.h"

#include "audit/audit.h"
#include "base/timeutil.h"
#include "base/uuid.h"

#include <stdio.h>
#include <string.h>

#define DEMO_NOTE \
    "Illustrative example written for the Bluehelm demonstration: the figures are invented."

struct demo_need {
    const char *org, *mission, *category, *capability, *unit, *priority;
    int64_t quantity;
    const char *starts_on, *ends_on, *languages, *location, *title;
};

static const struct demo_need demo_needs[] = {
    { "RWA", "MINUSCA", "training", "counter_ied_search", "seats", "critical", 40, "2026-02-01",
      "2026-06-30", "fr en", "Bangui",
      "(demo) Counter-IED search training for a battalion rotating to MINUSCA" },
    { "IND", "UNMISS", "training", "first_responder_casevac", "seats", "high", 30, "2026-01-15",
      "2026-05-31", "en", "Malakal",
      "(demo) First responder and CASEVAC training before rotation" },
    { "PAK", "MONUSCO", "equipment", "mine_protected_vehicles", "units", "high", 12, "2026-03-01",
      "2026-12-31", "", "Beni", "(demo) Mine-protected vehicles for an engineering company" },
    { "EGY", "MINUSCA", "mentoring", "mentoring_staff_officers", "person_days", "medium", 60,
      "2026-04-01", "2026-09-30", "ar fr", "Bangui", "(demo) Mentoring of sector staff officers" },
    { "ETH", "UNISFA", "logistics", "tactical_helicopters", "units", "medium", 200, "2026-01-01",
      "2026-12-31", "", "Abyei", "(demo) Tactical helicopter hours for casualty evacuation" },
    { "IDN", "UNIFIL", "training", "language_training_fr", "seats", "low", 20, "2026-05-01",
      "2026-08-31", "", "Naqoura", "(demo) French language training for liaison officers" },
};

struct demo_offer {
    const char *org, *for_org, *category, *capability, *unit;
    int64_t capacity;
    const char *starts_on, *ends_on, *languages, *location, *title;
};

static const struct demo_offer demo_offers[] = {
    { "DEU", NULL, "training", "counter_ied_search", "seats", 60, "2026-01-01", "2026-12-31",
      "en fr", "Hammelburg", "(demo) Counter-IED search courses, two a year" },
    { "GBR", NULL, "training", "first_responder_casevac", "seats", 20, "2026-01-01", "2026-06-30",
      "en", "Entebbe", "(demo) First responder course at the regional training centre" },
    { "JPN", "PAK", "equipment", "mine_protected_vehicles", "units", 8, "2026-01-01", "2026-12-31",
      "", "", "(demo) Mine-protected vehicles for a contingent in MONUSCO" },
    { "FRA", NULL, "training", "language_training_fr", "seats", 25, "2026-03-01", "2026-10-31",
      "fr", "Paris", "(demo) French language courses for peacekeepers" },
};

/* The confirmed match: the first need takes this much of the first offer. */
#define DEMO_MATCH_SEATS 24
#define DEMO_COURSE      "(demo) First responder and CASEVAC course"

static int insert_need(struct db *db, const struct demo_need *d, const char *id, const char *now,
                       bool *written, struct bh_error *err)
{
    int rc = db_exec_params(
        db,
        "INSERT INTO capacity_need (id, owner_org_id, tlp, mission, category, capability, "
        "quantity, unit, priority, starts_on, ends_on, languages, location, title, description, "
        "created_at, updated_at) SELECT ?, o.id, 'GREEN', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
        "FROM org o WHERE o.code = ?",
        DB_PARAMS(DB_TEXT(id), DB_TEXT(d->mission), DB_TEXT(d->category), DB_TEXT(d->capability),
                  DB_INT(d->quantity), DB_TEXT(d->unit), DB_TEXT(d->priority),
                  DB_TEXT(d->starts_on), DB_TEXT(d->ends_on), DB_TEXT(d->languages),
                  DB_TEXT(d->location), DB_TEXT(d->title), DB_TEXT(DEMO_NOTE), DB_TEXT(now),
                  DB_TEXT(now), DB_TEXT(d->org)),
        NULL, NULL, err);
    *written = !rc && db_changes(db) > 0;
    return rc;
}

static int insert_offer(struct db *db, const struct demo_offer *d, const char *id, const char *now,
                        bool *written, struct bh_error *err)
{
    int rc = db_exec_params(
        db,
        "INSERT INTO capacity_offer (id, owner_org_id, tlp, category, capability, capacity, "
        "unit, starts_on, ends_on, languages, for_org_id, location, title, conditions, "
        "created_at, updated_at) SELECT ?, o.id, 'GREEN', ?, ?, ?, ?, ?, ?, ?, "
        "(SELECT id FROM org WHERE code = ?), ?, ?, ?, ?, ? FROM org o WHERE o.code = ?",
        DB_PARAMS(DB_TEXT(id), DB_TEXT(d->category), DB_TEXT(d->capability), DB_INT(d->capacity),
                  DB_TEXT(d->unit), DB_TEXT(d->starts_on), DB_TEXT(d->ends_on),
                  DB_TEXT(d->languages), DB_TEXT(d->for_org), DB_TEXT(d->location),
                  DB_TEXT(d->title), DB_TEXT(DEMO_NOTE), DB_TEXT(now), DB_TEXT(now),
                  DB_TEXT(d->org)),
        NULL, NULL, err);
    *written = !rc && db_changes(db) > 0;
    return rc;
}

/* The secretariat (DPO) confirmed the first need's match with the first offer. */
static int insert_match(struct db *db, const char *need_id, const char *offer_id, const char *now,
                        char id[UUID_STR_LEN + 1], bool *written, struct bh_error *err)
{
    const struct demo_need *n = &demo_needs[0];
    const struct demo_offer *o = &demo_offers[0];
    struct capacity_side ns = { .category = n->category,
                                .capability = n->capability,
                                .unit = n->unit,
                                .starts_on = n->starts_on,
                                .ends_on = n->ends_on,
                                .languages = n->languages,
                                .remaining = n->quantity,
                                .org_id = 1 };
    struct capacity_side os = { .category = o->category,
                                .capability = o->capability,
                                .unit = o->unit,
                                .starts_on = o->starts_on,
                                .ends_on = o->ends_on,
                                .languages = o->languages,
                                .remaining = o->capacity,
                                .org_id = 2 };
    int score = capacity_pair_score(&ns, &os);
    score = score < 0 ? 0 : score > 100 ? 100 : score;
    struct uuid u;
    uuid_v7(&u);
    uuid_format(&u, id);
    int rc = db_exec_params(
        db,
        "INSERT INTO capacity_match (id, need_n, offer_n, quantity, score, note, "
        "coordinator_org_id, confirmed_at) SELECT ?, nd.n, ofr.n, ?, ?, ?, c.id, ? "
        "FROM capacity_need nd, capacity_offer ofr, org c WHERE nd.id = ? AND ofr.id = ? AND "
        "c.code = 'DPO'",
        DB_PARAMS(DB_TEXT(id), DB_INT(DEMO_MATCH_SEATS), DB_INT(score),
                  DB_TEXT("(demo) Two courses of 12 seats each."), DB_TEXT(now), DB_TEXT(need_id),
                  DB_TEXT(offer_id)),
        NULL, NULL, err);
    *written = !rc && db_changes(db) > 0;
    return rc;
}

/* GBR's course, delivered in Entebbe to 12 of IND's peacekeepers, serving IND's need. */
static int insert_course(struct db *db, const char *need_id, const char *offer_id, const char *now,
                         bool *written, struct bh_error *err)
{
    char course[UUID_STR_LEN + 1], delivery[UUID_STR_LEN + 1];
    struct uuid u;
    uuid_v7(&u);
    uuid_format(&u, course);
    uuid_v7(&u);
    uuid_format(&u, delivery);
    int rc = db_exec_params(
        db,
        "INSERT INTO training_course (id, owner_org_id, tlp, category, capability, title, "
        "languages, description, offer_n, created_at, updated_at) SELECT ?, o.id, 'GREEN', "
        "'training', 'first_responder_casevac', ?, 'en', ?, (SELECT n FROM capacity_offer "
        "WHERE id = ?), ?, ? FROM org o WHERE o.code = 'GBR'",
        DB_PARAMS(DB_TEXT(course), DB_TEXT(DEMO_COURSE), DB_TEXT(DEMO_NOTE), DB_TEXT(offer_id),
                  DB_TEXT(now), DB_TEXT(now)),
        NULL, NULL, err);
    *written = !rc && db_changes(db) > 0;
    if (rc || !*written)
        return rc;
    rc = db_exec_params(db,
                        "INSERT INTO training_delivery (id, course_n, status, starts_on, ends_on, "
                        "location, mission, created_at, updated_at) SELECT ?, n, 'completed', "
                        "'2026-03-02', '2026-03-13', 'Entebbe', 'UNMISS', ?, ? "
                        "FROM training_course WHERE id = ?",
                        DB_PARAMS(DB_TEXT(delivery), DB_TEXT(now), DB_TEXT(now), DB_TEXT(course)),
                        NULL, NULL, err);
    if (!rc)
        rc = db_exec_params(db,
                            "INSERT INTO training_participant (delivery_n, org_id, enrolled, "
                            "completed) SELECT d.n, o.id, 12, 11 FROM training_delivery d, org o "
                            "WHERE d.id = ? AND o.code = 'IND'",
                            DB_PARAMS(DB_TEXT(delivery)), NULL, NULL, err);
    if (!rc)
        rc = db_exec_params(db,
                            "INSERT INTO training_need (delivery_n, need_n, seats) SELECT d.n, "
                            "nd.n, 12 FROM training_delivery d, capacity_need nd WHERE d.id = ? "
                            "AND nd.id = ?",
                            DB_PARAMS(DB_TEXT(delivery), DB_TEXT(need_id)), NULL, NULL, err);
    if (!rc) {
        struct principal who;
        principal_cli(&who);
        rc = audit_append(db, &who, "training.create", "training", course, NULL, err);
    }
    return rc;
}

#define NNEEDS  (sizeof demo_needs / sizeof demo_needs[0])
#define NOFFERS (sizeof demo_offers / sizeof demo_offers[0])

static int write_demo(struct db *db, const char *now, struct bh_error *err)
{
    struct principal who;
    principal_cli(&who);
    char need_ids[NNEEDS][UUID_STR_LEN + 1], offer_ids[NOFFERS][UUID_STR_LEN + 1];
    bool need_ok[NNEEDS] = { 0 }, offer_ok[NOFFERS] = { 0 };
    int rc = 0;
    for (size_t i = 0; !rc && i < NNEEDS; i++) {
        struct uuid u;
        uuid_v7(&u);
        uuid_format(&u, need_ids[i]);
        rc = insert_need(db, &demo_needs[i], need_ids[i], now, &need_ok[i], err);
        if (!rc && need_ok[i])
            rc = audit_append(db, &who, "need.create", "need", need_ids[i], NULL, err);
    }
    for (size_t i = 0; !rc && i < NOFFERS; i++) {
        struct uuid u;
        uuid_v7(&u);
        uuid_format(&u, offer_ids[i]);
        rc = insert_offer(db, &demo_offers[i], offer_ids[i], now, &offer_ok[i], err);
        if (!rc && offer_ok[i])
            rc = audit_append(db, &who, "offer.create", "offer", offer_ids[i], NULL, err);
    }
    bool written = false;
    char match_id[UUID_STR_LEN + 1];
    if (!rc && need_ok[0] && offer_ok[0])
        rc = insert_match(db, need_ids[0], offer_ids[0], now, match_id, &written, err);
    if (!rc && written)
        rc = audit_append(db, &who, "match.confirm", "match", match_id, NULL, err);
    if (!rc && need_ok[1] && offer_ok[1])
        rc = insert_course(db, need_ids[1], offer_ids[1], now, &written, err);
    return rc;
}

int capacity_demo(struct db *db, struct bh_error *err)
{
    bool found = false;
    int rc = db_exec_params(db, "SELECT 1 FROM capacity_need WHERE title = ?",
                            DB_PARAMS(DB_TEXT(demo_needs[0].title)), NULL, &found, err);
    if (rc || found)
        return rc;
    char now[40];
    time_format_rfc3339(time_now_ms(), 0, false, now);
    if ((rc = db_begin(db, err)))
        return rc;
    rc = write_demo(db, now, err);
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}
