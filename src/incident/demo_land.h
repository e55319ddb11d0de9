#ifndef BH_INCIDENT_DEMO_LAND_H
#define BH_INCIDENT_DEMO_LAND_H

#include <stdbool.h>

/* The land of the countries that host a mission, for placing demo incidents (demo.c): Natural
 * Earth's 1:110m outlines, generated into demo_land.c by scripts/gen-demo-land.mjs (which says
 * where from). Coarse (coasts and borders move by kilometres), but the demo's points are
 * checked against exactly these outlines, so none lies in the sea or across a border as the
 * map draws them. */

/* Whether `iso3` ("MLI", "XKX") has an outline. */
bool demo_land_known(const char *iso3);

/* Whether (lat, lon) lies inside the outline of `iso3`; false for an unknown code. */
bool demo_land_contains(const char *iso3, double lat, double lon);

/* A point inside the outline of `iso3`, into *lat, *lon; false for an unknown code. */
bool demo_land_inside_point(const char *iso3, double *lat, double *lon);

#endif
