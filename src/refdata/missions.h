#ifndef BH_REFDATA_MISSIONS_H
#define BH_REFDATA_MISSIONS_H

#include <stdbool.h>
#include <stddef.h>

/* UN peace operations as reference data written from public facts (UN mission pages, the
 * DPPA/DPO list of operations, IPI's HQ list), corrected where those lists err: swapped
 * latitude/longitude, decimal commas. It covers every operation that appears in the UN
 * peacekeeping fatalities dataset, including the special political missions and offices
 * that appear there, each with its kind. */

enum mission_kind {
    MISSION_PEACEKEEPING, /* a DPO-led peacekeeping operation */
    MISSION_POLITICAL,    /* a special political mission or office (DPPA-led) */
    MISSION_OTHER,        /* UN bodies the fatalities data lists as missions (UNSecretariat) */
};

struct mission_ref {
    const char *acronym; /* as in the UN fatalities data, e.g. "MINUSMA" */
    const char *name;    /* full English name */
    enum mission_kind kind;
    const char *host_iso3; /* ISO 3166-1 alpha-3 of the country holding the HQ */
    const char *hq_city;   /* NULL when no HQ is known */
    bool has_hq_coords;
    double hq_lat; /* WGS 84 degrees, meaningful when has_hq_coords */
    double hq_lon;
    const char *start_date; /* YYYY-MM-DD */
    const char *end_date;   /* YYYY-MM-DD, NULL while the operation is active */
};

/* The table, sorted by acronym. */
extern const struct mission_ref refdata_missions[];
extern const size_t refdata_missions_count;

/* The entry for `acronym` (exact, case-sensitive), or NULL. */
const struct mission_ref *refdata_mission_find(const char *acronym);

/* "peacekeeping", "political" or "other". */
const char *refdata_mission_kind_name(enum mission_kind kind);

#endif
