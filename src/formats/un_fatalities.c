#include "formats/un_fatalities.h"

#include "base/timeutil.h"

#include <stdio.h>
#include <string.h>

const char *const un_fatalities_columns[UN_FATALITIES_NCOLS] = {
    "id",
    "incident_date",
    "casualty_id",
    "mission_acronym",
    "type_of_casualty",
    "gender",
    "casualty_nationality",
    "casualty_personnel_type",
    "type_of_incident",
    "m49_code",
    "isocode3",
    "last_update",
};

enum {
    COL_ID,
    COL_DATE,
    COL_CASUALTY_ID,
    COL_MISSION,
    COL_TYPE,
    COL_GENDER,
    COL_NATIONALITY,
    COL_PERSONNEL,
    COL_INCIDENT,
    COL_M49,
    COL_ISO3,
    COL_LAST_UPDATE,
};

static int column_index(const char *name)
{
    for (int i = 0; i < UN_FATALITIES_NCOLS; i++)
        if (strcmp(name, un_fatalities_columns[i]) == 0)
            return i;
    return -1;
}

int un_fatalities_check_header(struct csv_row *row, struct bh_error *err)
{
    for (size_t i = 0; i < row->nfields; i++)
        csv_trim(row, i);
    /* Name the most useful problem first: a column that is not there at all, then one we do
     * not know, then one in the wrong place. */
    for (int want = 0; want < UN_FATALITIES_NCOLS; want++) {
        int found = 0;
        for (size_t i = 0; i < row->nfields && !found; i++)
            found = strcmp(row->fields[i], un_fatalities_columns[want]) == 0;
        if (!found)
            return bh_fail(err, BH_EINVALID, un_fatalities_columns[want],
                           "the header has no column '%s': this is not the UN fatalities file "
                           "(expected id,incident_date,casualty_id,mission_acronym,"
                           "type_of_casualty,gender,casualty_nationality,casualty_personnel_type,"
                           "type_of_incident,m49_code,isocode3,last_update)",
                           un_fatalities_columns[want]);
    }
    for (size_t i = 0; i < row->nfields; i++)
        if (column_index(row->fields[i]) < 0)
            return bh_fail(err, BH_EINVALID, "header",
                           "column %zu of the header, '%.60s', is not a column of the UN "
                           "fatalities file",
                           i + 1, row->fields[i]);
    if (row->nfields != UN_FATALITIES_NCOLS)
        return bh_fail(err, BH_EINVALID, "header",
                       "the header has %zu columns; the UN fatalities file has %d, each once",
                       row->nfields, UN_FATALITIES_NCOLS);
    for (size_t i = 0; i < row->nfields; i++)
        if (strcmp(row->fields[i], un_fatalities_columns[i]) != 0)
            return bh_fail(err, BH_EINVALID, row->fields[i],
                           "column %zu of the header is '%s' where the UN fatalities file has "
                           "'%s'",
                           i + 1, row->fields[i], un_fatalities_columns[i]);
    return 0;
}

bool un_date_valid(const char *s)
{
    int y, m, d;
    struct bh_error scratch;
    return strlen(s) == 10 && time_parse_date(s, &y, &m, &d, &scratch) == 0;
}

/* A whole number written as an integer or as a float with a zero fraction ("250", "250.0",
 * "250.00"): pandas writes integer columns with gaps as floats. */
static bool parse_whole(const char *s, int64_t max, int64_t *out)
{
    int64_t v = 0;
    const char *p = s;
    if (*p < '0' || *p > '9')
        return false;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        if (v > max)
            return false;
        p++;
    }
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p == '0')
            p++;
    }
    if (*p)
        return false;
    *out = v;
    return true;
}

static bool is_iso3(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    return s[3] == '\0';
}

int un_fatality_parse(struct csv_row *row, struct un_fatality *out, struct bh_error *err)
{
    if (row->nfields != UN_FATALITIES_NCOLS)
        return bh_fail(err, BH_EINVALID, NULL, "the row has %zu fields where the header has %d",
                       row->nfields, UN_FATALITIES_NCOLS);
    /* Trimmed first: the guard against formulas is the first byte our export wrote. */
    for (size_t i = 0; i < UN_FATALITIES_NCOLS; i++) {
        csv_trim(row, i);
        csv_unguard(row, i);
    }
    char *const *f = row->fields;
    memset(out, 0, sizeof *out);

    if (*f[COL_ID]) {
        if (!parse_whole(f[COL_ID], INT64_MAX / 10, &out->un_id))
            return bh_fail(err, BH_EINVALID, "id", "id '%.40s' is not a whole number", f[COL_ID]);
        out->has_un_id = true;
    }
    if (!un_date_valid(f[COL_DATE]))
        return bh_fail(err, BH_EINVALID, "incident_date",
                       "incident_date '%.40s' is not a date (YYYY-MM-DD)", f[COL_DATE]);
    out->incident_date = f[COL_DATE];
    if (!*f[COL_CASUALTY_ID])
        return bh_fail(err, BH_EINVALID, "casualty_id", "casualty_id is empty");
    if (row->lens[COL_CASUALTY_ID] > 64)
        return bh_fail(err, BH_EINVALID, "casualty_id",
                       "casualty_id '%.40s...' is longer than 64 characters", f[COL_CASUALTY_ID]);
    out->casualty_id = f[COL_CASUALTY_ID];
    if (!*f[COL_MISSION])
        return bh_fail(err, BH_EINVALID, "mission_acronym", "mission_acronym is empty");
    out->mission = f[COL_MISSION];
    out->casualty_type = f[COL_TYPE];

    const char *g = f[COL_GENDER];
    if (!*g)
        out->gender = 'U';
    else if ((g[0] == 'M' || g[0] == 'F' || g[0] == 'U') && !g[1])
        out->gender = g[0];
    else
        return bh_fail(err, BH_EINVALID, "gender", "gender '%.40s' is not M, F or empty", g);

    out->nationality = f[COL_NATIONALITY];
    out->personnel_type = f[COL_PERSONNEL];
    out->incident_type = f[COL_INCIDENT];

    if (*f[COL_M49]) {
        int64_t m49;
        if (!parse_whole(f[COL_M49], 999, &m49))
            return bh_fail(err, BH_EINVALID, "m49_code",
                           "m49_code '%.40s' is not a UN M49 country code (0 to 999)", f[COL_M49]);
        out->has_m49 = true;
        out->m49 = (int)m49;
    }
    if (*f[COL_ISO3] && !is_iso3(f[COL_ISO3]))
        return bh_fail(err, BH_EINVALID, "isocode3",
                       "isocode3 '%.40s' is not three capital letters (ISO 3166 alpha-3)",
                       f[COL_ISO3]);
    out->iso3 = f[COL_ISO3];
    if (*f[COL_LAST_UPDATE] && !un_date_valid(f[COL_LAST_UPDATE]))
        return bh_fail(err, BH_EINVALID, "last_update",
                       "last_update '%.40s' is not a date (YYYY-MM-DD)", f[COL_LAST_UPDATE]);
    out->last_update = f[COL_LAST_UPDATE];
    return 0;
}
