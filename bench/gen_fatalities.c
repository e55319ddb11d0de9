/* gen_fatalities: writes a synthetic UN peacekeeping fatalities file (the
 * DPPADPOSS-FATALITIES.csv layout) of any size, for the import and statistics benchmarks.
 *
 *   gen_fatalities REAL.csv ROWS SEED > OUT.csv
 *
 * Every value comes from the real file, so the synthetic rows speak the UN's vocabulary and
 * carry its quirks (float M49 codes, "Local " with its trailing space, empty genders): each
 * row takes the mission, year and month, gender, personnel type, incident type and
 * last_update of one real row drawn at random, a day within that month, and the nationality
 * of another real row drawn among those with an ISO3 and M49 code, so that no synthetic row
 * depends on how an importer resolves an undetermined country. The casualty_id keeps the
 * UN's shape (MISSION-YYYY-MM-NNNNN) and is unique: NNNNN counts the rows of that mission and
 * month. The same REAL.csv, ROWS and SEED give the same bytes.
 *
 * Built by bench/run with the system compiler; not part of the bluehelm binary. */

#define _POSIX_C_SOURCE 200809L /* strdup */

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NFIELDS 12

enum {
    F_ID,
    F_DATE,
    F_CASUALTY_ID,
    F_MISSION,
    F_CASUALTY_TYPE,
    F_GENDER,
    F_NATIONALITY,
    F_PERSONNEL_TYPE,
    F_INCIDENT_TYPE,
    F_M49,
    F_ISO3,
    F_LAST_UPDATE
};

static const char header[] = "id,incident_date,casualty_id,mission_acronym,type_of_casualty,"
                             "gender,casualty_nationality,casualty_personnel_type,"
                             "type_of_incident,m49_code,isocode3,last_update";

struct row {
    char *field[NFIELDS];
    int year, month;
    int mission; /* index into missions[] */
};

static struct row *rows;
static size_t nrows;
static size_t *coded; /* indexes of rows with an ISO3 and an M49 code */
static size_t ncoded;
static const char **missions;
static int nmissions;
static int min_year, max_year;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gen_fatalities: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p)
        die("out of memory");
    return p;
}

/* splitmix64: small, fast and the same on every machine, which is all a benchmark's data
 * needs. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A number in [0, n), n < 2^32, by Lemire's multiply-shift (bias below 2^-32). */
static uint32_t rng_below(uint32_t n)
{
    return (uint32_t)(((rng_next() >> 32) * (uint64_t)n) >> 32);
}

static int mission_index(const char *acronym)
{
    for (int i = 0; i < nmissions; i++)
        if (strcmp(missions[i], acronym) == 0)
            return i;
    missions = xrealloc(missions, (size_t)(nmissions + 1) * sizeof *missions);
    missions[nmissions] = acronym;
    return nmissions++;
}

static int is_iso3(const char *s)
{
    return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
           s[2] >= 'A' && s[2] <= 'Z';
}

static void load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("%s: %s", path, strerror(errno));
    char line[4096];
    long lineno = 0;
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == 0 || line[len - 1] != '\n')
            die("%s: line %ld is too long or not terminated", path, lineno);
        line[--len] = '\0';
        if (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (lineno == 1) {
            if (strcmp(line, header) != 0)
                die("%s: line %ld is not the UN fatalities header", path, lineno);
            continue;
        }
        if (strchr(line, '"'))
            die("%s: line %ld has a quoted field; this generator reads plain fields only", path,
                lineno);
        if (nrows == cap) {
            cap = cap ? cap * 2 : 8192;
            rows = xrealloc(rows, cap * sizeof *rows);
        }
        struct row *r = &rows[nrows];
        char *p = line;
        for (int i = 0; i < NFIELDS; i++) {
            char *comma = strchr(p, ',');
            if ((i < NFIELDS - 1) != (comma != NULL))
                die("%s: line %ld does not have 12 fields", path, lineno);
            if (comma)
                *comma = '\0';
            r->field[i] = strdup(p);
            if (!r->field[i])
                die("out of memory");
            p = comma + 1;
        }
        if (sscanf(r->field[F_DATE], "%4d-%2d", &r->year, &r->month) != 2 || r->year < 1900 ||
            r->month < 1 || r->month > 12)
            die("%s: line %ld has a bad incident_date", path, lineno);
        r->mission = mission_index(r->field[F_MISSION]);
        if (nrows == 0 || r->year < min_year)
            min_year = r->year;
        if (nrows == 0 || r->year > max_year)
            max_year = r->year;
        nrows++;
    }
    fclose(f);
    if (nrows == 0)
        die("%s: no rows after line %ld", path, lineno);
    coded = xrealloc(NULL, nrows * sizeof *coded);
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].field[F_M49][0] != '\0' && is_iso3(rows[i].field[F_ISO3]))
            coded[ncoded++] = i;
    if (ncoded == 0)
        die("%s: none of %zu rows has an ISO3 and M49 code", path, nrows);
}

static int days_in_month(int year, int month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fputs("usage: gen_fatalities REAL.csv ROWS SEED > OUT.csv\n", stderr);
        return 2;
    }
    char *end;
    long long count = strtoll(argv[2], &end, 10);
    if (*end != '\0' || count < 1 || count > 100000000)
        die("ROWS must be 1..100000000, not %s", argv[2]);
    unsigned long long seed = strtoull(argv[3], &end, 10);
    if (*end != '\0')
        die("SEED must be a number, not %s", argv[3]);
    rng_state = seed;
    load(argv[1]);

    /* Rows per mission, year and month, numbering the casualty_ids. */
    int years = max_year - min_year + 1;
    unsigned *serial = xrealloc(NULL, (size_t)nmissions * (size_t)years * 12 * sizeof *serial);
    memset(serial, 0, (size_t)nmissions * (size_t)years * 12 * sizeof *serial);

    static char out[1 << 20];
    setvbuf(stdout, out, _IOFBF, sizeof out);
    printf("%s\n", header);
    for (long long n = 1; n <= count; n++) {
        const struct row *r = &rows[rng_below((uint32_t)nrows)];
        const struct row *nat = &rows[coded[rng_below((uint32_t)ncoded)]];
        int day = 1 + (int)rng_below((uint32_t)days_in_month(r->year, r->month));
        unsigned *s =
            &serial[((size_t)r->mission * (size_t)years + (size_t)(r->year - min_year)) * 12 +
                    (size_t)(r->month - 1)];
        ++*s;
        printf("%lld,%04d-%02d-%02d,%s-%04d-%02d-%05u,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", n, r->year,
               r->month, day, r->field[F_MISSION], r->year, r->month, *s, r->field[F_MISSION],
               r->field[F_CASUALTY_TYPE], r->field[F_GENDER], nat->field[F_NATIONALITY],
               r->field[F_PERSONNEL_TYPE], r->field[F_INCIDENT_TYPE], nat->field[F_M49],
               nat->field[F_ISO3], r->field[F_LAST_UPDATE]);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        die("writing the output: %s", strerror(errno));
    return 0;
}
