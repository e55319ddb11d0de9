#ifndef BH_BASE_TZ_H
#define BH_BASE_TZ_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

/* Time zones, by their IANA names ("America/New_York", "Asia/Shanghai", "UTC"), through ICU's
 * calendar (Debian's libicu, tzdata compiled in): the store keeps instants in UTC, and a time
 * zone only says how a wall-clock time was written or is to be shown. Thread-safe. */

#define TZ_NAME_MAX 63 /* longest name accepted, in bytes */

/* Whether `name` is a time zone ICU knows (canonical or an alias: "US/Eastern" is one, "EST5"
 * is not accepted, nor an offset such as "+05:00", nor ""). */
bool tz_valid(const char *name);

/* The instant (ms since the epoch, UTC) of wall-clock time y-m-d h:mi:s in zone `name`. A time
 * that the clocks skip (02:30 on the day summer time starts) is read as the instant the clocks
 * show it after the change (03:30); one they show twice (the autumn hour) is its first
 * showing. BH_EINVALID naming `field` for an unknown zone or a date/time out of range. */
int tz_local_to_utc(const char *name, int y, int mo, int d, int h, int mi, int s, int64_t *ms,
                    const char *field, struct bh_error *err);

/* The wall-clock time in zone `name` of instant `ms`, and the zone's offset from UTC then (in
 * minutes, east positive: +480 in Beijing, -300 or -240 in New York). */
int tz_utc_to_local(const char *name, int64_t ms, int *y, int *mo, int *d, int *h, int *mi, int *s,
                    int *offset_min, struct bh_error *err);

/* An instant as an API client writes it, read in one place for every capability:
 *   - RFC 3339 with "Z" or an offset ("2026-12-10T23:00:00Z", "2026-12-10T18:00:00-05:00"):
 *     that instant, whatever `zone` says;
 *   - a wall-clock time without offset ("2026-12-10T18:00" or "...T18:00:00"): that time in
 *     `zone` (NULL or "" here is an error naming `field`: a time without a zone is no instant).
 * Errors (BH_EINVALID) name `field` and quote the value. */
int tz_parse_instant(const char *text, const char *zone, int64_t *ms, const char *field,
                     struct bh_error *err);

/* Writes instant `ms` as RFC 3339 in zone `name` with its offset ("2026-12-11T07:00:00+08:00";
 * "Z" whenever the offset is zero, UTC itself or London in winter), to the whole second. 0, or
 * BH_EINVALID for an unknown zone. */
int tz_format_local(const char *name, int64_t ms, char out[40], struct bh_error *err);

/* The instant a calendar day ends in zone `name` (the next day's 00:00 there): when something
 * due that day is overdue. "Due 2026-12-10" ends at 2026-12-10T11:00Z in Auckland and at
 * 2026-12-11T05:00Z in New York. */
int tz_end_of_day(const char *name, int y, int mo, int d, int64_t *ms, struct bh_error *err);

/* The calendar day of instant `ms` in zone `name`, as "YYYY-MM-DD". */
int tz_local_date(const char *name, int64_t ms, char out[11], struct bh_error *err);

/* The zone of a place in a country (ISO 3166-1 alpha-3, upper case): "CAF" → "Africa/Bangui".
 * For a country of several zones, the one whose exemplar city is `city` (may be NULL; a
 * mission's headquarters: "CYP" and "Nicosia" → "Asia/Nicosia", not "Asia/Famagusta"; "COD"
 * and "Goma" finds no zone of that name and falls back), else the first canonical zone ICU
 * lists, alphabetical ("COD" → "Africa/Kinshasa"). "UTC" when ICU knows none. Writes into
 * `out`. */
void tz_for_country(const char *iso3, const char *city, char out[TZ_NAME_MAX + 1]);

#endif
