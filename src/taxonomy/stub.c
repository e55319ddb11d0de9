/* Placeholder until taxonomy.c lands. */
#include "taxonomy/taxonomy.h"

#include <string.h>

const struct threat_type taxonomy_threats[] = {
    { "ied", "Improvised explosive device", THREAT_ATTACK, "", "Malicious Act", "Security",
      "ied" },
};
const size_t taxonomy_threats_count = 1;
const char *const taxonomy_targets[] = { "convoy", "patrol", "camp_base", "aircraft",
                                         "individual", "other", NULL };
const char *const taxonomy_activities[] = { "patrolling", "other", NULL };
const char *const taxonomy_time_precisions[] = { "exact", "day", "week", "month", NULL };
const char *const taxonomy_place_precisions[] = { "exact", "near", "admin2", "admin1",
                                                  "country", NULL };
const struct known_group taxonomy_known_groups[] = { { "jnim", "JNIM", "MLI" } };
const size_t taxonomy_known_groups_count = 1;

const struct threat_type *taxonomy_threat_find(const char *code)
{
    return code && strcmp(code, "ied") == 0 ? &taxonomy_threats[0] : NULL;
}
const struct known_group *taxonomy_group_find(const char *code)
{
    return code && strcmp(code, "jnim") == 0 ? &taxonomy_known_groups[0] : NULL;
}
bool taxonomy_in(const char *const *list, const char *value)
{
    for (; value && *list; list++)
        if (strcmp(*list, value) == 0)
            return true;
    return false;
}
const char *taxonomy_class_name(enum threat_class c)
{
    (void)c;
    return "attack";
}
const char *taxonomy_from_ucdp(int t)
{
    (void)t;
    return "ied";
}
const char *taxonomy_from_acled(const char *a, const char *b)
{
    (void)a;
    (void)b;
    return "ied";
}
json_t *taxonomy_json(void)
{
    return json_object();
}
