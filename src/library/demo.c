/* The demo library (`bluehelm demo`): five published documents of the kinds the library holds,
 * written for the demonstration and marked so in their summaries and bodies: the events are
 * illustrative, no real unit or person is meant. They are loaded as an import of each owner's
 * archive would be (library_import_one, import key "demo-..."), so a second run finds them
 * unchanged and adds nothing. Tags are real taxonomy codes and mission acronyms. */
#include "library/library.h"

#include <stdio.h>
#include <string.h>

struct demo_document {
    const char *owner; /* an organization `bluehelm init --seed` makes */
    const char *key;
    const char *text; /* a library file: front matter and Markdown */
};

#define DEMO_NOTE                                                                            \
    "> *Illustrative example written for the Bluehelm demonstration: the events, units and " \
    "figures are invented.*\n\n"

static const struct demo_document demo_documents[] = {
    { "PAK", "demo-ied-convoys",
      "---\n"
      "kind: lesson\n"
      "title: IED threats to logistics convoys on main supply routes\n"
      "summary: Illustrative example. Convoys that kept to fixed timings were targeted; varying "
      "departure times, route clearance ahead of the convoy and culvert checks reduced the "
      "risk.\n"
      "language: en\n"
      "occurred_on: 2019-03-14\n"
      "tlp: GREEN\n"
      "threat: [ied, mine_erw]\n"
      "mission: [MINUSMA]\n"
      "keywords: [convoy, route clearance, culverts]\n"
      "context: |\n"
      "  A fortnightly logistics convoy of 40 vehicles between two camps, 300 km of unpaved\n"
      "  road, with an infantry escort and no dedicated route clearance capability.\n"
      "what_happened: |\n"
      "  The lead vehicle struck a pressure-plate device placed in a culvert 20 km from the\n"
      "  destination. Two peacekeepers were injured. The convoy had left at the same hour on\n"
      "  the same day of the week for three months.\n"
      "what_worked: |\n"
      "  Mine-protected vehicles at the head of the convoy; the casualty evacuation drill was\n"
      "  rehearsed and the injured reached a level 2 hospital within two hours.\n"
      "what_did_not: |\n"
      "  Predictable timings and halts; culverts were not checked; information from the local\n"
      "  population about strangers near the road did not reach the convoy commander.\n"
      "recommendations: |\n"
      "  Vary departure times and halts. Put a route clearance team ahead of every convoy on\n"
      "  routes with recent IED reports. Check every culvert and choke point. Give convoy\n"
      "  commanders the latest incident reports before departure.\n"
      "---\n" DEMO_NOTE "## Why it matters\n\n"
      "Most IED casualties in the mission area were in convoys on a few main supply routes. "
      "Patterns that a patrol sees as routine are what an observer plans an attack on.\n" },
    { "BRA", "demo-camp-perimeter",
      "---\n"
      "kind: best_practice\n"
      "title: Layered perimeter protection for temporary operating bases\n"
      "summary: Illustrative example. A perimeter of three layers (early warning, obstacles, "
      "protected positions) with rehearsed stand-to drills, for company operating bases set up "
      "in less than a week.\n"
      "language: en\n"
      "tlp: CLEAR\n"
      "threat: [attack_on_base, indirect_fire]\n"
      "mission: [MONUSCO]\n"
      "keywords: [force protection, perimeter, stand-to]\n"
      "context: |\n"
      "  Company operating bases set up at short notice near displaced people's sites, with\n"
      "  limited engineering support.\n"
      "recommendations: |\n"
      "  1. Clear fields of observation and fire to 300 m where the ground allows.\n"
      "  2. Build the obstacle belt (wire, ditch) before the bunkers are finished.\n"
      "  3. Rehearse stand-to by day and by night in the first 48 hours.\n"
      "  4. Agree alarm signals with the neighbouring camps and the civilian site.\n"
      "---\n" DEMO_NOTE "## Layers\n\n"
      "- **Early warning**: observation posts, patrols of the surroundings, contact with the "
      "community alert network.\n"
      "- **Obstacles**: wire and a ditch keep an attacker at a distance and channel him.\n"
      "- **Protected positions**: bunkers and shelters with overhead cover for every person in "
      "the base.\n" },
    { "RWA", "demo-casevac-aar",
      "---\n"
      "kind: aar\n"
      "title: After-action review summary of a night CASEVAC from a forward patrol base\n"
      "summary: Illustrative example. A night casualty evacuation by helicopter took 3 hours 10 "
      "minutes against a 1-hour target; the review found delays in the request and in the "
      "night landing site.\n"
      "language: en\n"
      "occurred_on: 2021-08-02\n"
      "tlp: GREEN\n"
      "threat: [ambush, direct_fire]\n"
      "mission: [MINUSCA]\n"
      "keywords: [CASEVAC, 10-1-2, helicopter landing site]\n"
      "what_happened: |\n"
      "  A patrol was ambushed at dusk 60 km from the nearest level 2 hospital; one\n"
      "  peacekeeper was seriously wounded. The request reached the mission's air operations\n"
      "  50 minutes after the injury.\n"
      "what_worked: |\n"
      "  First aid within ten minutes (tourniquet, haemostatic dressing); the aircrew launched\n"
      "  18 minutes after the request was approved.\n"
      "what_did_not: |\n"
      "  The request form was filled in twice by two headquarters; the landing site had no\n"
      "  night marking and the aircraft circled for 25 minutes.\n"
      "recommendations: |\n"
      "  One request, sent directly from the patrol base to the joint operations centre; night\n"
      "  marking kits and a trained landing site team at every forward base; rehearse the\n"
      "  whole chain once a month.\n"
      "---\n" DEMO_NOTE "## Timeline\n\n"
      "| time | event |\n|---|---|\n| H | injury |\n| H+50 min | request received |\n"
      "| H+1 h 40 | aircraft launched |\n| H+3 h 10 | patient at the level 2 hospital |\n" },
    { "IND", "demo-heat-injuries",
      "---\n"
      "kind: case_study\n"
      "title: Heat injuries during long-range foot patrols in the dry season\n"
      "summary: Illustrative example. Eleven heat injuries in one month among newly arrived "
      "troops; acclimatization, patrol timing and water discipline brought them to none the "
      "next month.\n"
      "language: en\n"
      "occurred_on: 2022-04-01\n"
      "tlp: CLEAR\n"
      "threat: [illness]\n"
      "mission: [UNMISS]\n"
      "keywords: [heat, acclimatization, medical]\n"
      "context: |\n"
      "  A battalion rotated in at the height of the dry season, with daytime temperatures of\n"
      "  42 to 45 C, and began long-range foot patrols in its first week.\n"
      "what_happened: |\n"
      "  Eleven heat injuries in the first month, two of them heat stroke needing evacuation.\n"
      "what_worked: |\n"
      "  Two weeks of graduated acclimatization; patrols moved to early morning and evening;\n"
      "  a water and salt plan per patrol; buddy checks every hour.\n"
      "recommendations: |\n"
      "  Plan acclimatization into the rotation; never start long foot patrols in the first\n"
      "  week; train every patrol in the signs of heat stroke and rapid cooling.\n"
      "---\n" DEMO_NOTE
      "Heat injuries are preventable. They also take a patrol out of action: every casualty "
      "needs escorts and, often, an evacuation.\n" },
    { "FRA", "demo-patrouilles-communaute",
      "---\n"
      "kind: lesson\n"
      "title: Patrouilles conjointes et liaison avec les communautés\n"
      "summary: Exemple illustratif. Des patrouilles accompagnées d'assistants de liaison "
      "communautaire ont reçu plus tôt les alertes sur les engins explosifs et les mouvements "
      "de groupes armés.\n"
      "language: fr\n"
      "occurred_on: 2020-10-05\n"
      "tlp: GREEN\n"
      "threat: [ied, hostile_crowd]\n"
      "mission: [UNIFIL]\n"
      "keywords: [liaison communautaire, patrouille, alerte précoce]\n"
      "what_worked: |\n"
      "  Des assistants de liaison communautaire présents à chaque patrouille ; des réunions\n"
      "  régulières avec les chefs de village ; un numéro d'alerte connu de la population.\n"
      "what_did_not: |\n"
      "  La rotation des unités tous les six mois faisait perdre les contacts établis.\n"
      "recommendations: |\n"
      "  Tenir un registre des contacts transmis d'un contingent au suivant ; présenter\n"
      "  le nouveau contingent aux chefs de village avant la relève.\n"
      "---\n" DEMO_NOTE
      "La confiance de la population se construit patrouille après patrouille ; elle se perd "
      "à chaque relève si rien n'est transmis.\n" },
};

/* The organization `code`, else the first one the store has; 0 when it has none. */
static int demo_owner(struct db *db, const char *code, int64_t *id, char out[32],
                      struct bh_error *err)
{
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "SELECT id, code FROM org ORDER BY CASE WHEN code = ? THEN 0 ELSE 1 END, "
                        "id LIMIT 1",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, code);
    *id = 0;
    if ((rc = db_step(st, err)) == DB_ROW) {
        *id = db_column_int(st, 0);
        snprintf(out, 32, "%s", db_column_text(st, 1));
    }
    db_stmt_done(st);
    return rc < 0 ? rc : 0;
}

int library_demo(struct db *db, struct bh_error *err)
{
    const struct library_import_options opt = { .org = NULL,
                                                .tlp = "GREEN",
                                                .status = "published" };
    int rc = db_begin(db, err);
    for (size_t i = 0; !rc && i < sizeof demo_documents / sizeof demo_documents[0]; i++) {
        const struct demo_document *d = &demo_documents[i];
        int64_t org_id;
        char org_code[32];
        if ((rc = demo_owner(db, d->owner, &org_id, org_code, err)) || !org_id)
            break; /* no organization: nothing can own them */
        json_t *parsed = NULL;
        int outcome;
        if (!(rc = library_front_matter_parse(d->text, strlen(d->text), &parsed, err)))
            rc = library_import_one(db, org_id, org_code, d->key, parsed, &opt,
                                    "Demonstration document", &outcome, err);
        json_decref(parsed);
    }
    if (!rc)
        rc = db_commit(db, err);
    if (rc)
        db_rollback(db);
    return rc;
}
