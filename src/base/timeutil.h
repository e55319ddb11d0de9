#ifndef BH_BASE_TIMEUTIL_H
#define BH_BASE_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

/* Time as milliseconds since the Unix epoch (UTC) plus, where it matters, the offset the
 * writer used. Dates and times cross the API as RFC 3339 text. */

/* Wall-clock now, in ms since the epoch. */
int64_t time_now_ms(void);

/* Makes time_now_ms() return what `fn` returns (NULL: the system clock again), so a test can
 * hold the clock still or step it instead of sleeping. Set it before other threads read the
 * clock, not while they do. */
void time_set_clock(int64_t (*fn)(void));

/* Monotonic clock in ms, for durations and deadlines (never goes back). */
int64_t time_mono_ms(void);

/* Monotonic clock in microseconds, for request durations. */
int64_t time_mono_us(void);

/* Parses an RFC 3339 date-time ("2024-06-01T08:30:00Z", "2024-06-01T10:30:00.250+02:00"),
 * accepting 't'/' ' for 'T' and 'z' for 'Z' as RFC 3339 §5.6 allows. A leap second (:60) is
 * refused: the instants kept are POSIX time, which has none. Stores the instant in `*ms` and the
 * offset in minutes east of UTC in
 * `*offset_min` (may be NULL). Returns 0 or BH_EINVALID with `err` saying what is wrong. */
int time_parse_rfc3339(const char *s, int64_t *ms, int *offset_min, struct bh_error *err);

/* Parses a full date "YYYY-MM-DD" (checked against the calendar) into its parts. */
int time_parse_date(const char *s, int *year, int *month, int *day, struct bh_error *err);

/* Writes `ms` as RFC 3339 in the given offset into `out` (at least 40 bytes), with
 * milliseconds when `with_ms`. Returns the length. */
int time_format_rfc3339(int64_t ms, int offset_min, bool with_ms, char out[40]);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t time_days_from_civil(int year, int month, int day);
void time_civil_from_days(int64_t days, int *year, int *month, int *day);

#endif
