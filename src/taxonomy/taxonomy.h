#ifndef BH_TAXONOMY_TAXONOMY_H
#define BH_TAXONOMY_TAXONOMY_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* The peacekeeper threat taxonomy: what hit peacekeepers (or happened around them), in one
 * table with its crosswalks to the vocabularies others use. docs/taxonomy.md is the same table
 * for people; a test fails when the two differ. Codes are stable: they are stored in records
 * and used as API filter values. */

/* The broad class of a threat type: attacks and hazards are malicious or man-made dangers;
 * accidents and health are the rest of what kills peacekeepers; context is for conflict
 * events around a mission that are not incidents against peacekeepers. */
enum threat_class {
    THREAT_ATTACK,
    THREAT_HAZARD,
    THREAT_CRIME,
    THREAT_ACCIDENT,
    THREAT_HEALTH,
    THREAT_CONTEXT,
    THREAT_OTHER,
};

struct threat_type {
    const char *code;  /* "ied", "indirect_fire": stored, and the API's `type` value */
    const char *label; /* N_("Improvised explosive device"): English, marked for translation */
    enum threat_class class;
    const char *description;      /* one sentence for the report form and the docs */
    const char *un_incident_type; /* the UN fatalities type_of_incident it counts as
                                   * ("Malicious Act", "Accident", "Illness", ...) */
    const char *cap_category;     /* CAP 1.2 <category>: "Security", "Safety", "Health", ... */
    const char *hxl;              /* HXL attribute for #event+type (without '+'): "ied" */
};

/* The table, in display order. */
extern const struct threat_type taxonomy_threats[];
extern const size_t taxonomy_threats_count;

/* The entry for `code` (exact), or NULL. */
const struct threat_type *taxonomy_threat_find(const char *code);

/* "attack", "hazard", ... */
const char *taxonomy_class_name(enum threat_class c);

/* Targets (convoy, patrol, camp_base, aircraft, individual, other), activities at the time
 * (patrolling, guarding, demining, medical, engineering, air_transport, escort,
 * logistics_convoy, other), the known armed groups a perpetrator can be linked to (codes such
 * as "jnim", "isgs", "adf", "m23"), precisions of time (exact, day, week, month) and of
 * place (exact, near, admin2, admin1, country): NULL-terminated lists of codes. */
extern const char *const taxonomy_targets[];
extern const char *const taxonomy_activities[];
extern const char *const taxonomy_time_precisions[];
extern const char *const taxonomy_place_precisions[];

struct known_group {
    const char *code;  /* "jnim" */
    const char *name;  /* "Jama'at Nusrat al-Islam wal-Muslimin" */
    const char *where; /* ISO3 codes of the countries it is active in, space-separated */
};
extern const struct known_group taxonomy_known_groups[];
extern const size_t taxonomy_known_groups_count;
const struct known_group *taxonomy_group_find(const char *code);

/* Whether `value` is one of the NULL-terminated `list`. */
bool taxonomy_in(const char *const *list, const char *value);

/* Crosswalks into the taxonomy; each returns a threat code, never NULL (a catch-all code for
 * values it does not know). */
const char *taxonomy_from_ucdp(int type_of_violence); /* 1 state-based, 2 non-state,
                                                       * 3 one-sided */
const char *taxonomy_from_acled(const char *event_type, const char *sub_event_type);

/* The crosswalk tables the two functions above read, for the docs test and taxonomy_json().
 * UCDP: one row per type_of_violence. ACLED: one row per (event_type, sub_event_type) of the
 * codebook, then one row per event_type with sub_event_type NULL: the code for a sub-type the
 * table does not know; an unknown event_type maps to "unknown". */
struct taxonomy_ucdp_entry {
    int type_of_violence;
    const char *label;  /* "state-based" */
    const char *threat; /* taxonomy code */
};
extern const struct taxonomy_ucdp_entry taxonomy_ucdp_crosswalk[];
extern const size_t taxonomy_ucdp_crosswalk_count;

struct taxonomy_acled_entry {
    const char *event_type;     /* "Explosions/Remote violence" */
    const char *sub_event_type; /* "Remote explosive/landmine/IED"; NULL: the fallback */
    const char *threat;
};
extern const struct taxonomy_acled_entry taxonomy_acled_crosswalk[];
extern const size_t taxonomy_acled_crosswalk_count;

/* The codebook row for this exact pair (case-insensitive), or NULL when the pair is not in
 * ACLED's codebook as this table knows it (taxonomy_from_acled() then falls back). */
const struct taxonomy_acled_entry *taxonomy_acled_find(const char *event_type,
                                                       const char *sub_event_type);

/* Code and label of each vocabulary above, same order, ending with { NULL, NULL }. */
struct taxonomy_term {
    const char *code;
    const char *label;
};
extern const struct taxonomy_term taxonomy_target_terms[];
extern const struct taxonomy_term taxonomy_activity_terms[];
extern const struct taxonomy_term taxonomy_time_precision_terms[];
extern const struct taxonomy_term taxonomy_place_precision_terms[];

/* Everything above as one JSON object, for GET /api/v1/taxonomy and the report form: codes as
 * they are; the labels and descriptions (English in the tables, marked with N_()) in the calling
 * thread's language (base/i18n.h). The crosswalks' source vocabularies (ACLED's event types, the
 * UN's type_of_incident, CAP's categories), HXL attributes and the armed groups' names stay as
 * their sources spell them. */
json_t *taxonomy_json(void);

#endif
