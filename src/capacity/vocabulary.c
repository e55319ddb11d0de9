/* Capacity building's closed lists: the Light Coordination Mechanism's eight categories, the
 * units needs and offers count in, the priorities, the languages of peacekeeping, and the
 * specific capabilities contributors ask for and providers offer. The codes are stored and
 * never change; the words are translated here (gettext) and given to the app through
 * GET /api/v1/vocabulary, so that the app keeps no copy. */
#include "capacity/capacity.h"

#include "base/i18n.h"

#include <string.h>

const char *const capacity_categories[] = {
    "training",  "lessons_learned", "mentoring", "advise_assist", "equipment", "infrastructure",
    "logistics", "financial",       NULL,
};

static const char *const category_labels[] = {
    N_("Training"),  N_("Lessons learned"), N_("Mentoring"), N_("Advise and assist"),
    N_("Equipment"), N_("Infrastructure"),  N_("Logistics"), N_("Financial support"),
};

const char *const capacity_units[] = { "seats", "units", "person_days", "usd", NULL };

static const char *const unit_labels[] = { N_("seats"), N_("units"), N_("person-days"),
                                           N_("US dollars") };

/* Most urgent first; the weights double at each step, so that one critical need outweighs
 * any number of low ones of the same size only up to eight to one, not absolutely: an
 * assignment still covers many medium needs rather than one critical seat. */
const char *const capacity_priorities[] = { "critical", "high", "medium", "low", NULL };

static const char *const priority_labels[] = { N_("Critical"), N_("High"), N_("Medium"),
                                               N_("Low") };
static const int priority_weights[] = { 8, 4, 2, 1 };

/* ISO 639-1 codes of the languages contingents of peacekeeping operations train and work in:
 * the six official languages first, then those of the large troop and police contributors
 * and of host countries. Each is named in itself, as a language menu does, untranslated. */
const char *const capacity_languages[] = {
    "en", "fr", "ar", "zh", "ru", "es", "pt", "sw", "am", "rw", "ur", "hi",
    "bn", "ne", "id", "ms", "tr", "de", "it", "nl", "uk", "pl", "ro", "sr",
    "ko", "ja", "th", "vi", "fa", "so", "ha", "ln", "wo", "mg", NULL,
};

static const char *const language_names[] = {
    "English",       "Français",  "العربية",    "中文",     "Русский",
    "Español",       "Português", "Kiswahili",  "አማርኛ",     "Ikinyarwanda",
    "اردو",          "हिन्दी",     "বাংলা",      "नेपाली",    "Bahasa Indonesia",
    "Bahasa Melayu", "Türkçe",    "Deutsch",    "Italiano", "Nederlands",
    "Українська",    "Polski",    "Română",     "Српски",   "한국어",
    "日本語",        "ไทย",       "Tiếng Việt", "فارسی",    "Soomaali",
    "Hausa",         "Lingála",   "Wolof",      "Malagasy",
};

/* The capabilities, by category. A need or an offer names one; matching requires the same.
 * The default unit is what such a need is usually counted in: seats on a course, units of
 * equipment, person-days of advice, dollars of funding. */
const struct capacity_capability capacity_capabilities[] = {
    /* training: courses, counted in seats */
    { "counter_ied_search", "training", "seats", N_("Counter-IED search") },
    { "eod", "training", "seats", N_("Explosive ordnance disposal (EOD)") },
    { "first_responder_casevac", "training", "seats",
      N_("First responder and casualty evacuation (CASEVAC)") },
    { "combat_lifesaver", "training", "seats", N_("Combat lifesaver") },
    { "field_medical", "training", "seats", N_("Field medical training") },
    { "language_training_fr", "training", "seats", N_("French language training") },
    { "language_training_en", "training", "seats", N_("English language training") },
    { "peacekeeping_intelligence", "training", "seats", N_("Peacekeeping intelligence") },
    { "protection_of_civilians", "training", "seats", N_("Protection of civilians") },
    { "sexual_exploitation_prevention", "training", "seats",
      N_("Prevention of sexual exploitation and abuse") },
    { "convoy_security", "training", "seats", N_("Convoy security") },
    { "aviation_safety", "training", "seats", N_("Aviation safety") },
    { "pre_deployment_training", "training", "seats", N_("Pre-deployment training") },
    { "crowd_management", "training", "seats", N_("Crowd management (formed police units)") },
    /* lessons learned */
    { "lessons_learned_cell", "lessons_learned", "person_days",
      N_("Setting up a lessons learned cell") },
    { "after_action_review", "lessons_learned", "person_days", N_("After-action reviews") },
    /* mentoring */
    { "mentoring_staff_officers", "mentoring", "person_days", N_("Mentoring of staff officers") },
    { "mentoring_military_observers", "mentoring", "person_days",
      N_("Mentoring of military observers") },
    { "mentoring_medical_staff", "mentoring", "person_days", N_("Mentoring of medical staff") },
    /* advise and assist */
    { "advise_assist_joc", "advise_assist", "person_days",
      N_("Advice to a joint operations centre (JOC)") },
    { "advise_assist_logistics_planning", "advise_assist", "person_days",
      N_("Advice on logistics planning") },
    { "advise_assist_engineering", "advise_assist", "person_days",
      N_("Advice on field engineering") },
    /* equipment */
    { "armoured_vehicles", "equipment", "units", N_("Armoured personnel carriers") },
    { "mine_protected_vehicles", "equipment", "units", N_("Mine-protected vehicles") },
    { "level1_hospital_equipment", "equipment", "units", N_("Level 1 hospital equipment") },
    { "night_vision", "equipment", "units", N_("Night vision devices") },
    { "drones_uas", "equipment", "units", N_("Unmanned aerial systems (drones)") },
    { "communications_equipment", "equipment", "units", N_("Communications equipment") },
    { "counter_ied_equipment", "equipment", "units", N_("Counter-IED equipment") },
    { "generators", "equipment", "units", N_("Generators") },
    /* infrastructure */
    { "camp_protection", "infrastructure", "units", N_("Camp protection (walls, bunkers)") },
    { "force_protection_engineering", "infrastructure", "person_days",
      N_("Force protection engineering") },
    { "water_purification", "infrastructure", "units", N_("Water purification units") },
    { "prefabricated_accommodation", "infrastructure", "units", N_("Prefabricated accommodation") },
    /* logistics */
    { "strategic_airlift", "logistics", "units", N_("Strategic airlift (flights)") },
    { "sealift", "logistics", "units", N_("Sealift (containers)") },
    { "tactical_helicopters", "logistics", "units", N_("Tactical helicopter hours") },
    /* financial */
    { "pre_deployment_training_funding", "financial", "usd",
      N_("Funding of pre-deployment training") },
    { "equipment_funding", "financial", "usd", N_("Funding of equipment") },
    { "deployment_costs_funding", "financial", "usd", N_("Funding of deployment costs") },
    { NULL, NULL, NULL, NULL },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
_Static_assert(COUNT(category_labels) + 1 == COUNT(capacity_categories), "a label per category");
_Static_assert(COUNT(unit_labels) + 1 == COUNT(capacity_units), "a label per unit");
_Static_assert(COUNT(priority_labels) + 1 == COUNT(capacity_priorities), "a label per priority");
_Static_assert(COUNT(priority_weights) + 1 == COUNT(capacity_priorities), "a weight per priority");
_Static_assert(COUNT(language_names) + 1 == COUNT(capacity_languages), "a name per language");

/* The position of `code` in the NULL-terminated `list`, -1 when absent. */
static int index_of(const char *const *list, const char *code)
{
    for (int i = 0; code && list[i]; i++)
        if (strcmp(list[i], code) == 0)
            return i;
    return -1;
}

const struct capacity_capability *capacity_capability_find(const char *code)
{
    for (const struct capacity_capability *c = capacity_capabilities; code && c->code; c++)
        if (strcmp(c->code, code) == 0)
            return c;
    return NULL;
}

int capacity_priority_weight(const char *priority)
{
    int i = index_of(capacity_priorities, priority);
    return i < 0 ? 0 : priority_weights[i];
}

/* {code: label} of a list whose labels are marked N_() in the same order. */
static json_t *labels_json(const char *const *codes, const char *const *labels, bool translate)
{
    json_t *o = json_object();
    for (size_t i = 0; codes[i]; i++)
        json_object_set_new(o, codes[i], json_string(translate ? _(labels[i]) : labels[i]));
    return o;
}

json_t *capacity_vocabulary_json(void)
{
    json_t *caps = json_object();
    for (const struct capacity_capability *c = capacity_capabilities; c->code; c++)
        json_object_set_new(caps, c->code,
                            json_pack("{s:s, s:s, s:s}", "label", _(c->label), "category",
                                      c->category, "unit", c->unit));
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "categories",
                     labels_json(capacity_categories, category_labels, true), "capabilities", caps,
                     "units", labels_json(capacity_units, unit_labels, true), "priorities",
                     labels_json(capacity_priorities, priority_labels, true), "languages",
                     labels_json(capacity_languages, language_names, false));
}
