#ifndef BH_FORMATS_UN_FATALITIES_H
#define BH_FORMATS_UN_FATALITIES_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "formats/csv.h"

/* The UN peacekeeping fatalities dataset (DPPA/DPO, id DPPADPOSS-FATALITIES) as published:
 * one row per person. This reads its rows into values and normalizes the file's quirks
 * (docs/formats.md lists each); whether a value belongs to a vocabulary, a mission or a
 * country is the casualty module's decision, not the reader's. */

#define UN_FATALITIES_NCOLS 12

/* The header, in order: id, incident_date, casualty_id, mission_acronym, type_of_casualty,
 * gender, casualty_nationality, casualty_personnel_type, type_of_incident, m49_code,
 * isocode3, last_update. */
extern const char *const un_fatalities_columns[UN_FATALITIES_NCOLS];

/* Checks the header row (names trimmed, exact, in this order). On a mismatch returns
 * BH_EINVALID and names the first problem: a missing column, a column we do not know, or one
 * out of place. */
int un_fatalities_check_header(struct csv_row *row, struct bh_error *err);

/* One row. Strings are borrowed from the row (trimmed in place) until the next row. */
struct un_fatality {
    bool has_un_id;
    int64_t un_id;             /* the file's `id` */
    const char *incident_date; /* YYYY-MM-DD, checked against the calendar */
    const char *casualty_id;   /* as given, never empty */
    const char *mission;       /* as given, never empty */
    const char *casualty_type; /* as given; the vocabulary is checked by the caller */
    char gender;               /* 'M', 'F', or 'U' (the file leaves it empty) */
    const char *nationality;   /* as given; "" when the file leaves it empty */
    const char *personnel_type;
    const char *incident_type;
    bool has_m49;
    int m49;                 /* "250.0" reads as 250 */
    const char *iso3;        /* three capital letters, or "" */
    const char *last_update; /* YYYY-MM-DD or "" */
};

/* Reads one data row. Every field is trimmed first (the file writes "Local " for "Local").
 * Returns 0, or BH_EINVALID with err->field the column at fault and err->message the reason
 * (without the line, which the caller knows). */
int un_fatality_parse(struct csv_row *row, struct un_fatality *out, struct bh_error *err);

/* Whether `s` is a YYYY-MM-DD date on the calendar. */
bool un_date_valid(const char *s);

#endif
