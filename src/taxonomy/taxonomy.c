/* The peacekeeper threat taxonomy and its crosswalks, as constant tables. docs/taxonomy.md is
 * the same content for people; tests/unit/test_taxonomy_docs.c fails when the two differ. */
#include "taxonomy/taxonomy.h"

#include "base/i18n.h"

#include <string.h>
#include <strings.h>

/* Codes are stored in records and used as API filter values: never rename one. Attack codes
 * also serve context events where the source's class is the same kind of act (ACLED's
 * "Remote explosive/landmine/IED" is an IED whoever it hit); the context class holds what has
 * no peacekeeper-incident equivalent. UN type_of_incident follows the UN fatalities dataset's
 * vocabulary: a death in any act of violence counts as "Malicious Act". */
const struct threat_type taxonomy_threats[] = {
    /* Attacks */
    { "ied", N_("Improvised explosive device"), THREAT_ATTACK,
      N_("An improvised explosive device, victim- or command-operated, placed on a route or "
         "near a position."),
      "Malicious Act", "Security", "ied" },
    { "grenade", N_("Grenade attack"), THREAT_ATTACK,
      N_("A hand grenade thrown, or a rifle grenade fired, at close range."), "Malicious Act",
      "Security", "grenade" },
    { "ambush", N_("Ambush"), THREAT_ATTACK,
      N_("A surprise attack from concealed positions on a moving patrol or convoy."),
      "Malicious Act", "Security", "ambush" },
    { "direct_fire", N_("Direct fire"), THREAT_ATTACK,
      N_("Small arms or light weapons fired at a line-of-sight target, including snipers."),
      "Malicious Act", "Security", "direct_fire" },
    { "indirect_fire", N_("Indirect fire"), THREAT_ATTACK,
      N_("Mortars, rockets, artillery or missiles fired at a target the shooter does not see."),
      "Malicious Act", "Security", "indirect_fire" },
    { "complex_attack", N_("Complex attack"), THREAT_ATTACK,
      N_("A coordinated attack combining several means, such as explosives followed by an "
         "assault."),
      "Malicious Act", "Security", "complex_attack" },
    { "suicide_attack", N_("Suicide attack"), THREAT_ATTACK,
      N_("An attack in which the attacker means to die: a suicide vest or vehicle-borne "
         "explosive device."),
      "Malicious Act", "Security", "suicide_attack" },
    { "attack_on_base", N_("Attack on a camp or base"), THREAT_ATTACK,
      N_("An armed assault on, or an attempt to penetrate, a camp, base or fixed position."),
      "Malicious Act", "Security", "attack_base" },
    { "attack_on_aircraft", N_("Attack on an aircraft"), THREAT_ATTACK,
      N_("Fire at a helicopter or aeroplane in flight or on the ground."), "Malicious Act",
      "Security", "attack_aircraft" },
    { "cbrn_attack", N_("Chemical, biological, radiological or nuclear attack"), THREAT_ATTACK,
      N_("The use of a chemical, biological, radiological or nuclear agent as a weapon."),
      "Malicious Act", "CBRNE", "cbrn" },
    { "hostile_crowd", N_("Hostile crowd"), THREAT_ATTACK,
      N_("A crowd that threatens or attacks peacekeepers: stoning, roadblocks, a violent "
         "demonstration against the mission."),
      "Malicious Act", "Security", "hostile_crowd" },
    { "abduction", N_("Abduction"), THREAT_ATTACK,
      N_("Taking a person by force or deception and holding them, including forced "
         "disappearance."),
      "Malicious Act", "Security", "abduction" },
    { "sexual_violence", N_("Sexual violence"), THREAT_ATTACK,
      N_("Rape or another act of sexual violence."), "Malicious Act", "Security",
      "sexual_violence" },
    /* Hazards */
    { "mine_erw", N_("Landmine or explosive remnant of war"), THREAT_HAZARD,
      N_("A landmine, unexploded or abandoned ordnance, or another explosive remnant of war."),
      "Malicious Act", "Safety", "mine_erw" },
    /* Crime */
    { "armed_robbery", N_("Armed robbery or carjacking"), THREAT_CRIME,
      N_("Theft under threat of a weapon, including the seizure of a vehicle."), "Malicious Act",
      "Security", "armed_robbery" },
    { "theft", N_("Theft or burglary"), THREAT_CRIME,
      N_("Theft of mission property or personal belongings without violence against a person."),
      "Malicious Act", "Security", "theft" },
    { "looting", N_("Looting or destruction of property"), THREAT_CRIME,
      N_("Looting, arson or wilful destruction of property by armed men or a crowd."),
      "Malicious Act", "Security", "looting" },
    /* Accidents */
    { "road_accident", N_("Road accident"), THREAT_ACCIDENT,
      N_("A collision, rollover or other accident of a vehicle on the road."), "Accident",
      "Transport", "road_accident" },
    { "air_accident", N_("Air accident"), THREAT_ACCIDENT,
      N_("A crash or mishap of an aircraft not caused by hostile fire."), "Accident", "Transport",
      "air_accident" },
    { "drowning", N_("Drowning"), THREAT_ACCIDENT,
      N_("Death or injury in water: a river crossing, a flood, a boat capsizing."), "Accident",
      "Safety", "drowning" },
    { "weapon_accident", N_("Weapon accident"), THREAT_ACCIDENT,
      N_("A negligent or accidental discharge, or the mishandling of ammunition or explosives."),
      "Accident", "Safety", "weapon_accident" },
    { "other_accident", N_("Other accident"), THREAT_ACCIDENT,
      N_("Any other accident: a fall, fire, electrocution, work or sports injury."), "Accident",
      "Safety", "other_accident" },
    /* Health */
    { "illness", N_("Illness"), THREAT_HEALTH,
      N_("A disease or medical condition of one person, such as malaria or a heart attack."),
      "Illness", "Health", "illness" },
    { "disease_outbreak", N_("Disease outbreak"), THREAT_HEALTH,
      N_("An outbreak affecting many people, such as cholera, Ebola or COVID-19."), "Illness",
      "Health", "disease_outbreak" },
    { "self_inflicted", N_("Self-inflicted harm"), THREAT_HEALTH,
      N_("Suicide or deliberate self-harm."), "Self-Inflicted", "Health", "self_inflicted" },
    /* Context */
    { "armed_clash", N_("Armed clash"), THREAT_CONTEXT,
      N_("Fighting between armed groups, or between an armed group and a state's forces."),
      "Malicious Act", "Security", "armed_clash" },
    { "air_drone_strike", N_("Air or drone strike"), THREAT_CONTEXT,
      N_("A strike by a military aircraft, helicopter or drone."), "Malicious Act", "Security",
      "air_strike" },
    { "violence_against_civilians", N_("Violence against civilians"), THREAT_CONTEXT,
      N_("Deliberate violence by an organized armed group or a state against unarmed civilians."),
      "Malicious Act", "Security", "civilians" },
    { "riot", N_("Riot"), THREAT_CONTEXT,
      N_("A violent demonstration or mob violence not aimed at peacekeepers."), "Malicious Act",
      "Security", "riot" },
    { "protest", N_("Protest"), THREAT_CONTEXT,
      N_("A public demonstration whose participants are not violent."), "To Be Determined",
      "Security", "protest" },
    { "strategic_development", N_("Strategic development"), THREAT_CONTEXT,
      N_("A non-violent event that shapes the security situation: an agreement, arrests, a new "
         "base, a transfer of territory."),
      "To Be Determined", "Security", "strategic" },
    /* Other */
    { "other", N_("Other"), THREAT_OTHER, N_("A known cause that fits no other type."),
      "To Be Determined", "Other", "other" },
    { "unknown", N_("Unknown"), THREAT_OTHER, N_("The cause is not known."), "Unknown", "Other",
      "unknown" },
};
const size_t taxonomy_threats_count = sizeof taxonomy_threats / sizeof taxonomy_threats[0];

const struct threat_type *taxonomy_threat_find(const char *code)
{
    if (!code)
        return NULL;
    for (size_t i = 0; i < taxonomy_threats_count; i++)
        if (strcmp(taxonomy_threats[i].code, code) == 0)
            return &taxonomy_threats[i];
    return NULL;
}

static const char *const class_names[] = {
    [THREAT_ATTACK] = "attack",     [THREAT_HAZARD] = "hazard", [THREAT_CRIME] = "crime",
    [THREAT_ACCIDENT] = "accident", [THREAT_HEALTH] = "health", [THREAT_CONTEXT] = "context",
    [THREAT_OTHER] = "other",
};

const char *taxonomy_class_name(enum threat_class c)
{
    return (unsigned)c < sizeof class_names / sizeof class_names[0] ? class_names[c] : "other";
}

const char *const taxonomy_targets[] = { "convoy",     "patrol", "camp_base", "aircraft",
                                         "individual", "other",  NULL };
const char *const taxonomy_activities[] = { "patrolling", "guarding",         "demining",
                                            "medical",    "engineering",      "air_transport",
                                            "escort",     "logistics_convoy", "other",
                                            NULL };
const char *const taxonomy_time_precisions[] = { "exact", "day", "week", "month", NULL };
const char *const taxonomy_place_precisions[] = { "exact",  "near",    "admin2",
                                                  "admin1", "country", NULL };

/* Labels for the form and the docs, in the order of the lists above. */
const struct taxonomy_term taxonomy_target_terms[] = {
    { "convoy", N_("Convoy") },
    { "patrol", N_("Patrol") },
    { "camp_base", N_("Camp or base") },
    { "aircraft", N_("Aircraft") },
    { "individual", N_("Individual") },
    { "other", N_("Other") },
    { NULL, NULL },
};
const struct taxonomy_term taxonomy_activity_terms[] = {
    { "patrolling", N_("Patrolling") },
    { "guarding", N_("Guarding") },
    { "demining", N_("Demining") },
    { "medical", N_("Medical") },
    { "engineering", N_("Engineering") },
    { "air_transport", N_("Air transport") },
    { "escort", N_("Escort") },
    { "logistics_convoy", N_("Logistics convoy") },
    { "other", N_("Other") },
    { NULL, NULL },
};
const struct taxonomy_term taxonomy_time_precision_terms[] = {
    { "exact", N_("Exact time") },
    { "day", N_("Day known") },
    { "week", N_("Week known") },
    { "month", N_("Month known") },
    { NULL, NULL },
};
const struct taxonomy_term taxonomy_place_precision_terms[] = {
    { "exact", N_("Exact location") },
    { "near", N_("Near a named place") },
    { "admin2", N_("Second-level administrative area") },
    { "admin1", N_("First-level administrative area") },
    { "country", N_("Country") },
    { NULL, NULL },
};

/* Groups that have attacked peacekeepers or operate where missions deploy, under the names
 * UCDP and ACLED use for them. */
const struct known_group taxonomy_known_groups[] = {
    { "jnim", "Jama'at Nusrat al-Islam wal-Muslimin", "MLI BFA NER" },
    { "isgs", "Islamic State Sahel Province (Islamic State in the Greater Sahara)", "MLI NER BFA" },
    { "iswap", "Islamic State West Africa Province", "NGA NER TCD CMR" },
    { "adf", "Allied Democratic Forces", "COD UGA" },
    { "m23", "Mouvement du 23 mars", "COD" },
    { "codeco", "Coopérative pour le développement du Congo", "COD" },
    { "fdlr", "Forces démocratiques de libération du Rwanda", "COD" },
    { "3r", "Retour, Réclamation et Réhabilitation", "CAF" },
    { "upc", "Unité pour la paix en Centrafrique", "CAF" },
    { "fprc", "Front populaire pour la renaissance de la Centrafrique", "CAF" },
    { "anti_balaka", "Anti-balaka", "CAF" },
    { "cpc", "Coalition des patriotes pour le changement", "CAF" },
    { "al_shabaab", "Harakat al-Shabaab al-Mujahideen", "SOM KEN" },
    { "spla_io", "Sudan People's Liberation Movement/Army in Opposition", "SSD" },
    { "nas", "National Salvation Front", "SSD" },
    { "rsf", "Rapid Support Forces", "SDN" },
};
const size_t taxonomy_known_groups_count =
    sizeof taxonomy_known_groups / sizeof taxonomy_known_groups[0];

const struct known_group *taxonomy_group_find(const char *code)
{
    if (!code)
        return NULL;
    for (size_t i = 0; i < taxonomy_known_groups_count; i++)
        if (strcmp(taxonomy_known_groups[i].code, code) == 0)
            return &taxonomy_known_groups[i];
    return NULL;
}

bool taxonomy_in(const char *const *list, const char *value)
{
    for (; value && *list; list++)
        if (strcmp(*list, value) == 0)
            return true;
    return false;
}

/* UCDP GED codes only the kind of conflict, not how the violence was done, so state-based and
 * non-state events both become armed clashes; the stored source_type keeps the difference. */
const struct taxonomy_ucdp_entry taxonomy_ucdp_crosswalk[] = {
    { 1, N_("state-based"), "armed_clash" },
    { 2, N_("non-state"), "armed_clash" },
    { 3, N_("one-sided"), "violence_against_civilians" },
};
const size_t taxonomy_ucdp_crosswalk_count =
    sizeof taxonomy_ucdp_crosswalk / sizeof taxonomy_ucdp_crosswalk[0];

const char *taxonomy_from_ucdp(int type_of_violence)
{
    for (size_t i = 0; i < taxonomy_ucdp_crosswalk_count; i++)
        if (taxonomy_ucdp_crosswalk[i].type_of_violence == type_of_violence)
            return taxonomy_ucdp_crosswalk[i].threat;
    return "unknown";
}

/* ACLED's codebook (2023): every event_type with its sub_event_types. A row with a NULL
 * sub_event_type is the event type's fallback, for a sub-type this table does not know yet
 * (ACLED adds and renames them between codebook versions). */
const struct taxonomy_acled_entry taxonomy_acled_crosswalk[] = {
    { "Battles", "Armed clash", "armed_clash" },
    { "Battles", "Government regains territory", "armed_clash" },
    { "Battles", "Non-state actor overtakes territory", "armed_clash" },
    { "Explosions/Remote violence", "Chemical weapon", "cbrn_attack" },
    { "Explosions/Remote violence", "Air/drone strike", "air_drone_strike" },
    { "Explosions/Remote violence", "Suicide bomb", "suicide_attack" },
    { "Explosions/Remote violence", "Shelling/artillery/missile attack", "indirect_fire" },
    { "Explosions/Remote violence", "Remote explosive/landmine/IED", "ied" },
    { "Explosions/Remote violence", "Grenade", "grenade" },
    { "Violence against civilians", "Sexual violence", "sexual_violence" },
    { "Violence against civilians", "Attack", "violence_against_civilians" },
    { "Violence against civilians", "Abduction/forced disappearance", "abduction" },
    { "Protests", "Peaceful protest", "protest" },
    { "Protests", "Protest with intervention", "protest" },
    /* Force used on protesters is violence by the state against unarmed people, the same
     * threat to the population as ACLED's "Attack", though ACLED files it under Protests. */
    { "Protests", "Excessive force against protesters", "violence_against_civilians" },
    /* The spelling of ACLED's codebooks before 2023 and of some API versions. */
    { "Protests", "Excessive force against protestors", "violence_against_civilians" },
    { "Riots", "Violent demonstration", "riot" },
    { "Riots", "Mob violence", "riot" },
    { "Strategic developments", "Agreement", "strategic_development" },
    { "Strategic developments", "Arrests", "strategic_development" },
    { "Strategic developments", "Change to group/activity", "strategic_development" },
    { "Strategic developments", "Disrupted weapons use", "strategic_development" },
    { "Strategic developments", "Headquarters or base established", "strategic_development" },
    { "Strategic developments", "Looting/property destruction", "looting" },
    { "Strategic developments", "Non-violent transfer of territory", "strategic_development" },
    { "Strategic developments", "Other", "strategic_development" },
    { "Battles", NULL, "armed_clash" },
    { "Explosions/Remote violence", NULL, "other" },
    { "Violence against civilians", NULL, "violence_against_civilians" },
    { "Protests", NULL, "protest" },
    { "Riots", NULL, "riot" },
    { "Strategic developments", NULL, "strategic_development" },
};
const size_t taxonomy_acled_crosswalk_count =
    sizeof taxonomy_acled_crosswalk / sizeof taxonomy_acled_crosswalk[0];

/* Case-insensitive because ACLED's exports have changed capitalization between versions
 * ("Remote explosive/landmine/IED" was once "Remote Explosive/Landmine/IED"). */
static bool same(const char *a, const char *b)
{
    return a && b && strcasecmp(a, b) == 0;
}

const struct taxonomy_acled_entry *taxonomy_acled_find(const char *event_type,
                                                       const char *sub_event_type)
{
    for (size_t i = 0; i < taxonomy_acled_crosswalk_count; i++) {
        const struct taxonomy_acled_entry *e = &taxonomy_acled_crosswalk[i];
        if (e->sub_event_type && same(e->event_type, event_type) &&
            same(e->sub_event_type, sub_event_type))
            return e;
    }
    return NULL;
}

const char *taxonomy_from_acled(const char *event_type, const char *sub_event_type)
{
    const struct taxonomy_acled_entry *e = taxonomy_acled_find(event_type, sub_event_type);
    if (e)
        return e->threat;
    for (size_t i = 0; i < taxonomy_acled_crosswalk_count; i++) {
        e = &taxonomy_acled_crosswalk[i];
        if (!e->sub_event_type && same(e->event_type, event_type))
            return e->threat;
    }
    return "unknown";
}

static json_t *terms_json(const struct taxonomy_term *t)
{
    json_t *a = json_array();
    for (; t->code; t++)
        json_array_append_new(a, json_pack("{s:s, s:s}", "code", t->code, "label", _(t->label)));
    return a;
}

static json_t *countries_json(const char *where)
{
    json_t *a = json_array();
    for (const char *p = where; *p;) {
        size_t n = strcspn(p, " ");
        if (n)
            json_array_append_new(a, json_stringn(p, n));
        p += n;
        p += strspn(p, " ");
    }
    return a;
}

json_t *taxonomy_json(void)
{
    json_t *threats = json_array();
    for (size_t i = 0; i < taxonomy_threats_count; i++) {
        const struct threat_type *t = &taxonomy_threats[i];
        json_array_append_new(
            threats, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "code", t->code, "label",
                               _(t->label), "class", taxonomy_class_name(t->class), "description",
                               _(t->description), "un_incident_type", t->un_incident_type,
                               "cap_category", t->cap_category, "hxl", t->hxl));
    }
    json_t *classes = json_array();
    for (size_t c = 0; c < sizeof class_names / sizeof class_names[0]; c++)
        json_array_append_new(classes, json_string(class_names[c]));
    json_t *groups = json_array();
    for (size_t i = 0; i < taxonomy_known_groups_count; i++) {
        const struct known_group *g = &taxonomy_known_groups[i];
        json_array_append_new(groups, json_pack("{s:s, s:s, s:o}", "code", g->code, "name", g->name,
                                                "countries", countries_json(g->where)));
    }
    json_t *ucdp = json_array();
    for (size_t i = 0; i < taxonomy_ucdp_crosswalk_count; i++) {
        const struct taxonomy_ucdp_entry *u = &taxonomy_ucdp_crosswalk[i];
        json_array_append_new(ucdp,
                              json_pack("{s:i, s:s, s:s}", "type_of_violence", u->type_of_violence,
                                        "label", _(u->label), "threat_type", u->threat));
    }
    json_t *acled = json_array();
    for (size_t i = 0; i < taxonomy_acled_crosswalk_count; i++) {
        const struct taxonomy_acled_entry *e = &taxonomy_acled_crosswalk[i];
        json_array_append_new(acled, json_pack("{s:s, s:s?, s:s}", "event_type", e->event_type,
                                               "sub_event_type", e->sub_event_type, "threat_type",
                                               e->threat));
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:s}}", "threat_types",
                     threats, "classes", classes, "targets", terms_json(taxonomy_target_terms),
                     "activities", terms_json(taxonomy_activity_terms), "time_precisions",
                     terms_json(taxonomy_time_precision_terms), "place_precisions",
                     terms_json(taxonomy_place_precision_terms), "known_groups", groups,
                     "crosswalks", "ucdp", ucdp, "acled", acled, "fallback", "unknown");
}
