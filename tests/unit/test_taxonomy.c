/* The threat taxonomy as a table: every code unique and well-formed, every crosswalk value in
 * the vocabulary it claims (the UN's incident types the casualty register uses, CAP 1.2's
 * categories, HXL's attribute syntax), ACLED's whole codebook mapped pair by pair, UCDP's
 * three types, the fallbacks, and the JSON the API serves. */
#include "support.h"

#include "casualty/casualty.h"
#include "formats/hxl.h"
#include "taxonomy/taxonomy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const cap_categories[] = { "Geo",   "Met",    "Safety", "Security",  "Rescue",
                                              "Fire",  "Health", "Env",    "Transport", "Infra",
                                              "CBRNE", "Other",  NULL };

/* taxonomy/threats-well-formed */
static void threats_well_formed(void **state)
{
    (void)state;
    assert_true(taxonomy_threats_count >= 20);
    for (size_t i = 0; i < taxonomy_threats_count; i++) {
        const struct threat_type *t = &taxonomy_threats[i];
        for (const char *p = t->code; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
                fail_msg("code '%s' is not lower case letters and underscores", t->code);
        for (size_t j = 0; j < i; j++)
            if (strcmp(taxonomy_threats[j].code, t->code) == 0)
                fail_msg("code '%s' appears twice", t->code);
        assert_ptr_equal(taxonomy_threat_find(t->code), t);
        if (!t->label[0] || !t->description[0])
            fail_msg("%s: label and description are required", t->code);
        size_t n = strlen(t->description);
        if (t->description[n - 1] != '.')
            fail_msg("%s: the description is one sentence ending with a full stop", t->code);
        if (!taxonomy_in(casualty_incident_types, t->un_incident_type))
            fail_msg("%s: '%s' is not a UN type_of_incident", t->code, t->un_incident_type);
        if (!taxonomy_in(cap_categories, t->cap_category))
            fail_msg("%s: '%s' is not a CAP 1.2 category", t->code, t->cap_category);
        char tag[80];
        snprintf(tag, sizeof tag, "#event+type+%s", t->hxl);
        if (!hxl_tag_valid(tag))
            fail_msg("%s: '%s' is not a valid HXL tag", t->code, tag);
    }
    assert_null(taxonomy_threat_find("IED")); /* exact, case and all */
    assert_null(taxonomy_threat_find("shelling"));
    assert_null(taxonomy_threat_find(NULL));
}

/* taxonomy/known-values: the codes other modules and stored records rely on, with the
 * crosswalks a person would check first. */
static void known_values(void **state)
{
    (void)state;
    const struct threat_type *t = taxonomy_threat_find("ied");
    assert_non_null(t);
    assert_int_equal(t->class, THREAT_ATTACK);
    assert_string_equal(t->un_incident_type, "Malicious Act");
    assert_string_equal(t->cap_category, "Security");
    t = taxonomy_threat_find("road_accident");
    assert_non_null(t);
    assert_int_equal(t->class, THREAT_ACCIDENT);
    assert_string_equal(t->un_incident_type, "Accident");
    assert_string_equal(t->cap_category, "Transport");
    t = taxonomy_threat_find("self_inflicted");
    assert_string_equal(t->un_incident_type, "Self-Inflicted");
    assert_string_equal(taxonomy_threat_find("illness")->un_incident_type, "Illness");
    assert_string_equal(taxonomy_threat_find("unknown")->un_incident_type, "Unknown");
    assert_string_equal(taxonomy_threat_find("cbrn_attack")->cap_category, "CBRNE");
    assert_int_equal(taxonomy_threat_find("armed_clash")->class, THREAT_CONTEXT);
    assert_int_equal(taxonomy_threat_find("mine_erw")->class, THREAT_HAZARD);
    assert_int_equal(taxonomy_threat_find("armed_robbery")->class, THREAT_CRIME);
    assert_string_equal(taxonomy_class_name(THREAT_ATTACK), "attack");
    assert_string_equal(taxonomy_class_name(THREAT_CONTEXT), "context");
    assert_string_equal(taxonomy_class_name(THREAT_OTHER), "other");
    /* Every class has at least one type. */
    for (int c = THREAT_ATTACK; c <= THREAT_OTHER; c++) {
        bool found = false;
        for (size_t i = 0; i < taxonomy_threats_count; i++)
            found = found || taxonomy_threats[i].class == (enum threat_class)c;
        if (!found)
            fail_msg("class %s has no threat type", taxonomy_class_name((enum threat_class)c));
    }
}

/* taxonomy/ucdp-crosswalk */
static void ucdp_crosswalk(void **state)
{
    (void)state;
    assert_string_equal(taxonomy_from_ucdp(1), "armed_clash");
    assert_string_equal(taxonomy_from_ucdp(2), "armed_clash");
    assert_string_equal(taxonomy_from_ucdp(3), "violence_against_civilians");
    assert_string_equal(taxonomy_from_ucdp(0), "unknown");
    assert_string_equal(taxonomy_from_ucdp(4), "unknown");
    assert_string_equal(taxonomy_from_ucdp(-1), "unknown");
}

/* ACLED's codebook (2023) as an independent list: every event type with its sub-event types
 * and what each should become. */
static const struct {
    const char *event_type, *sub, *want;
} acled_codebook[] = {
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
    { "Protests", "Excessive force against protesters", "violence_against_civilians" },
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
};

/* taxonomy/acled-crosswalk-codebook */
static void acled_crosswalk_codebook(void **state)
{
    (void)state;
    size_t n = sizeof acled_codebook / sizeof acled_codebook[0];
    for (size_t i = 0; i < n; i++) {
        const char *got = taxonomy_from_acled(acled_codebook[i].event_type, acled_codebook[i].sub);
        if (strcmp(got, acled_codebook[i].want) != 0)
            fail_msg("%s / %s: want %s, got %s", acled_codebook[i].event_type,
                     acled_codebook[i].sub, acled_codebook[i].want, got);
        if (!taxonomy_acled_find(acled_codebook[i].event_type, acled_codebook[i].sub))
            fail_msg("%s / %s is not a codebook row", acled_codebook[i].event_type,
                     acled_codebook[i].sub);
    }
    /* And the table holds nothing else but the fallbacks and the older spelling. */
    size_t rows = 0;
    for (size_t i = 0; i < taxonomy_acled_crosswalk_count; i++) {
        const struct taxonomy_acled_entry *e = &taxonomy_acled_crosswalk[i];
        if (!taxonomy_threat_find(e->threat))
            fail_msg("%s / %s maps to '%s', not a threat code", e->event_type,
                     e->sub_event_type ? e->sub_event_type : "(any)", e->threat);
        if (e->sub_event_type)
            rows++;
    }
    assert_int_equal(rows, n + 1);
}

/* taxonomy/acled-crosswalk-fallbacks */
static void acled_crosswalk_fallbacks(void **state)
{
    (void)state;
    /* Case does not matter: exports have changed capitalization. */
    assert_string_equal(
        taxonomy_from_acled("EXPLOSIONS/REMOTE VIOLENCE", "Remote Explosive/Landmine/IED"), "ied");
    assert_string_equal(taxonomy_from_acled("Protests", "Excessive force against protestors"),
                        "violence_against_civilians");
    /* A sub-type the table does not know takes its event type's fallback... */
    assert_null(taxonomy_acled_find("Battles", "Skirmish"));
    assert_string_equal(taxonomy_from_acled("Battles", "Skirmish"), "armed_clash");
    assert_string_equal(taxonomy_from_acled("Riots", "Looting riot"), "riot");
    assert_string_equal(taxonomy_from_acled("Explosions/Remote violence", "Drone sighting"),
                        "other");
    assert_string_equal(taxonomy_from_acled("Violence against civilians", NULL),
                        "violence_against_civilians");
    /* ...and an unknown event type is unknown. */
    assert_string_equal(taxonomy_from_acled("Natural disaster", "Flood"), "unknown");
    assert_string_equal(taxonomy_from_acled(NULL, NULL), "unknown");
    /* A sub-type under the wrong event type is not the codebook's pair. */
    assert_null(taxonomy_acled_find("Battles", "Grenade"));
    assert_string_equal(taxonomy_from_acled("Battles", "Grenade"), "armed_clash");
}

/* taxonomy/vocabularies */
static void vocabularies(void **state)
{
    (void)state;
    static const char *const targets[] = { "convoy",     "patrol", "camp_base", "aircraft",
                                           "individual", "other",  NULL };
    static const char *const activities[] = { "patrolling", "guarding",         "demining",
                                              "medical",    "engineering",      "air_transport",
                                              "escort",     "logistics_convoy", "other",
                                              NULL };
    for (int i = 0; targets[i]; i++)
        assert_true(taxonomy_in(taxonomy_targets, targets[i]));
    for (int i = 0; activities[i]; i++)
        assert_true(taxonomy_in(taxonomy_activities, activities[i]));
    assert_false(taxonomy_in(taxonomy_targets, "Convoy"));
    assert_false(taxonomy_in(taxonomy_targets, NULL));
    assert_true(taxonomy_in(taxonomy_time_precisions, "week"));
    assert_false(taxonomy_in(taxonomy_time_precisions, "year"));
    assert_true(taxonomy_in(taxonomy_place_precisions, "admin2"));
    /* The labelled lists are the same codes in the same order. */
    const struct {
        const char *const *codes;
        const struct taxonomy_term *terms;
    } pairs[] = {
        { taxonomy_targets, taxonomy_target_terms },
        { taxonomy_activities, taxonomy_activity_terms },
        { taxonomy_time_precisions, taxonomy_time_precision_terms },
        { taxonomy_place_precisions, taxonomy_place_precision_terms },
    };
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        size_t i = 0;
        for (; pairs[p].codes[i]; i++) {
            assert_non_null(pairs[p].terms[i].code);
            assert_string_equal(pairs[p].terms[i].code, pairs[p].codes[i]);
            assert_true(pairs[p].terms[i].label[0] != '\0');
        }
        assert_null(pairs[p].terms[i].code);
    }
    assert_int_equal(sizeof targets / sizeof targets[0] - 1, 6);
}

/* taxonomy/known-groups */
static void known_groups(void **state)
{
    (void)state;
    assert_true(taxonomy_known_groups_count >= 15);
    const struct known_group *g = taxonomy_group_find("jnim");
    assert_non_null(g);
    assert_contains(g->where, "MLI");
    assert_string_equal(taxonomy_group_find("m23")->where, "COD");
    assert_string_equal(taxonomy_group_find("3r")->where, "CAF");
    assert_contains(taxonomy_group_find("al_shabaab")->where, "SOM");
    assert_null(taxonomy_group_find("JNIM"));
    assert_null(taxonomy_group_find("lra-x"));
    for (size_t i = 0; i < taxonomy_known_groups_count; i++) {
        g = &taxonomy_known_groups[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(taxonomy_known_groups[j].code, g->code) == 0)
                fail_msg("group '%s' appears twice", g->code);
        /* Countries: ISO3 codes separated by single spaces. */
        size_t n = strlen(g->where);
        if (n == 0 || (n + 1) % 4 != 0)
            fail_msg("group %s: countries '%s' are not ISO3 codes", g->code, g->where);
        for (size_t k = 0; k < n; k++)
            if ((k % 4 == 3) ? g->where[k] != ' ' : !(g->where[k] >= 'A' && g->where[k] <= 'Z'))
                fail_msg("group %s: countries '%s' are not ISO3 codes", g->code, g->where);
    }
}

/* taxonomy/json */
static void taxonomy_json_shape(void **state)
{
    (void)state;
    json_t *j = taxonomy_json();
    assert_non_null(j);
    json_t *threats = json_object_get(j, "threat_types");
    assert_int_equal(json_array_size(threats), taxonomy_threats_count);
    json_t *first = json_array_get(threats, 0);
    assert_string_equal(json_string_value(json_object_get(first, "code")), "ied");
    assert_string_equal(json_string_value(json_object_get(first, "class")), "attack");
    assert_string_equal(json_string_value(json_object_get(first, "un_incident_type")),
                        "Malicious Act");
    assert_int_equal(json_array_size(json_object_get(j, "targets")), 6);
    assert_int_equal(json_array_size(json_object_get(j, "activities")), 9);
    assert_int_equal(json_array_size(json_object_get(j, "known_groups")),
                     taxonomy_known_groups_count);
    json_t *jnim = json_array_get(json_object_get(j, "known_groups"), 0);
    assert_string_equal(json_string_value(json_object_get(jnim, "code")), "jnim");
    assert_int_equal(json_array_size(json_object_get(jnim, "countries")), 3);
    json_t *cw = json_object_get(j, "crosswalks");
    assert_int_equal(json_array_size(json_object_get(cw, "acled")), taxonomy_acled_crosswalk_count);
    assert_int_equal(json_array_size(json_object_get(cw, "ucdp")), 3);
    json_t *fallback =
        json_array_get(json_object_get(cw, "acled"), taxonomy_acled_crosswalk_count - 1);
    assert_true(json_is_null(json_object_get(fallback, "sub_event_type")));
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("taxonomy/threats-well-formed", threats_well_formed),
        BH_TEST("taxonomy/known-values", known_values),
        BH_TEST("taxonomy/ucdp-crosswalk", ucdp_crosswalk),
        BH_TEST("taxonomy/acled-crosswalk-codebook", acled_crosswalk_codebook),
        BH_TEST("taxonomy/acled-crosswalk-fallbacks", acled_crosswalk_fallbacks),
        BH_TEST("taxonomy/vocabularies", vocabularies),
        BH_TEST("taxonomy/known-groups", known_groups),
        BH_TEST("taxonomy/json", taxonomy_json_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
