#ifndef BH_EVENT_COUNTRY_H
#define BH_EVENT_COUNTRY_H

#include "base/err.h"
#include "db/db.h"

/* The country an external event happened in, as an ISO 3166 alpha-3 code from the country
 * table. UCDP and ACLED name countries their own way ("DR Congo (Zaire)", "Democratic
 * Republic of Congo", "Ivory Coast"), so a name is looked up as the table's name or official
 * name, then as one of the sources' spellings known here (docs/events.md lists them), then
 * without a trailing parenthesis ("Russia (Soviet Union)"). */
struct event_countries;

/* Reads the country table. The caller frees the result with event_countries_free(). */
int event_countries_load(struct db *db, struct event_countries **out, struct bh_error *err);
void event_countries_free(struct event_countries *c);

/* The alpha-3 code for ISO numeric code `numeric` (when >= 0 and known) or else for `name`;
 * NULL when neither names a country of the table. Borrowed from `c`. */
const char *event_country_iso3(struct event_countries *c, int numeric, const char *name);

#endif
