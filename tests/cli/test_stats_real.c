/* The figures of the real UN fatalities file: imported with `bluehelm import un-fatalities`,
 * counted with `bluehelm stats casualties`, and compared with counts of the raw file made
 * here with none of the project's code. Skipped (77) without the shared data. */
#include "support.h"
#include "world.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UN_FILE   BH_SHARED_DATA "/un_fatalities/DPPADPOSS-FATALITIES.csv"
#define OWID_FILE BH_SHARED_DATA "/un_contributions/owid_un_peacekeeping_yearly_1947-2021.csv"

/* Counts of the raw file by a key made of the named columns, every row (the UN's totals count
 * rows, and the import keeps every one), in a small open table. */
struct tally {
    int count[1024];
    char keys[1024][64];
    int n;
};

static void tally_add(struct tally *t, const char *key)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->keys[i], key) == 0) {
            t->count[i]++;
            return;
        }
    if (t->n == 1024)
        fail_msg("too many keys");
    snprintf(t->keys[t->n], sizeof t->keys[0], "%s", key);
    t->count[t->n++] = 1;
}

static int tally_get(const struct tally *t, const char *key)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->keys[i], key) == 0)
            return t->count[i];
    return 0;
}

/* Reads the UN file with none of the project's code and counts it by year and incident type,
 * by mission, and the deaths of 2024 up to 30 June; `*rows` the rows, `*persons` the distinct
 * casualty_ids. */
static void count_file(struct tally *by_year_type, struct tally *by_mission, int *ytd2024,
                       int *rows, int *persons)
{
    size_t len;
    char *text = test_read_file(UN_FILE, &len);
    assert_non_null(text);
    static char seen[5000][32];
    int nseen = 0;
    *ytd2024 = 0;
    *rows = 0;
    char *save = NULL;
    char *line = strtok_r(text, "\n", &save); /* the header */
    while ((line = strtok_r(NULL, "\n", &save))) {
        char *f[12];
        if (test_split_csv(line, f, 12) != 12)
            fail_msg("a row of the file without 12 fields: %s", line);
        bool dup = false;
        for (int i = 0; i < nseen && !dup; i++)
            dup = strcmp(seen[i], f[2]) == 0;
        if (!dup)
            snprintf(seen[nseen++], sizeof seen[0], "%s", f[2]);
        (*rows)++;
        char key[64];
        snprintf(key, sizeof key, "%.4s,%s", f[1], f[8]);
        tally_add(by_year_type, key);
        tally_add(by_mission, f[3]);
        if (strncmp(f[1], "2024-", 5) == 0 && strcmp(f[1], "2024-06-30") <= 0)
            (*ytd2024)++;
    }
    *persons = nseen;
    free(text);
}

/* cli/stats-casualties-real-file: import the UN file with `bluehelm import un-fatalities`,
 * then every count by year and incident type, by mission, and year to date equals the count
 * made here from the raw file, and so does the rate of 2015 per 1,000 deployed against OWID's
 * yearly total. */
static void cli_stats_casualties_real_file(void **state)
{
    (void)state;
    test_require_path(UN_FILE, "the UN fatalities file");
    char *db = test_world_orgs("cli_stats_real", (const char *const[]){ "DPO", NULL });
    test_cli_ok(db, NULL, (const char *[]){ "import", "un-fatalities", UN_FILE, NULL }, NULL);

    static struct tally by_year_type, by_mission;
    int ytd2024, rows, persons;
    count_file(&by_year_type, &by_mission, &ytd2024, &rows, &persons);
    assert_int_equal(rows, 4429);
    assert_int_equal(persons, 4423); /* 6 persons listed twice under one casualty_id */

    char *out = NULL;
    test_cli_ok(db, NULL,
                (const char *[]){ "stats", "casualties", "--by", "year,incident_type", "--format",
                                  "csv", "--published", NULL },
                &out);
    int lines = 0, sum = 0, wrong = 0;
    char *save = NULL;
    for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (lines++ < 2)
            continue;
        char *f[3];
        assert_int_equal(test_split_csv(line, f, 3), 3);
        char key[64];
        snprintf(key, sizeof key, "%s,%s", f[0], f[1]);
        int want = tally_get(&by_year_type, key), got = atoi(f[2]);
        sum += got;
        if (want != got) {
            fprintf(stderr, "MISMATCH year,incident_type %s: file %d, stats %d\n", key, want, got);
            wrong++;
        }
    }
    assert_int_equal(lines - 2, by_year_type.n);
    assert_int_equal(sum, rows);
    assert_int_equal(wrong, 0);
    free(out);

    test_cli_ok(
        db, NULL,
        (const char *[]){ "stats", "casualties", "--by", "mission", "--format", "csv", NULL },
        &out);
    lines = 0;
    for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (lines++ < 2)
            continue;
        char *f[2];
        assert_int_equal(test_split_csv(line, f, 2), 2);
        if (tally_get(&by_mission, f[0]) != atoi(f[1])) {
            fprintf(stderr, "MISMATCH mission %s: file %d, stats %s\n", f[0],
                    tally_get(&by_mission, f[0]), f[1]);
            wrong++;
        }
    }
    assert_int_equal(lines - 2, by_mission.n);
    assert_int_equal(wrong, 0);
    free(out);

    test_cli_ok(db, NULL,
                (const char *[]){ "stats", "casualties", "--ytd", "2024-06-30", "--distinct",
                                  "--format", "json", NULL },
                &out);
    json_error_t jerr;
    json_t *j = json_loads(out, 0, &jerr);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), ytd2024);
    assert_true(ytd2024 > 0);
    json_decref(j);
    free(out);

    /* The rate of 2015 per 1,000 deployed: that year's deaths over OWID's world total, read
     * here from the OWID file itself. */
    test_cli_ok(db, NULL, (const char *[]){ "import", "deployments", OWID_FILE, NULL }, NULL);
    size_t len;
    char *owid = test_read_file(OWID_FILE, &len);
    assert_non_null(owid);
    long deployed2015 = 0;
    for (char *line = strtok_r(owid, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[4];
        if (test_split_csv(line, f, 4) >= 4 && strcmp(f[1], "2015") == 0)
            deployed2015 = atol(f[3]);
    }
    free(owid);
    assert_int_equal(deployed2015, 107088);
    int deaths2015 = 0;
    for (int i = 0; i < by_year_type.n; i++)
        if (strncmp(by_year_type.keys[i], "2015,", 5) == 0)
            deaths2015 += by_year_type.count[i];
    test_cli_ok(db, NULL,
                (const char *[]){ "stats", "casualties", "--by", "year", "--rate", "--ytd",
                                  "2015-12-31", "--format", "json", NULL },
                &out);
    j = json_loads(out, 0, &jerr);
    json_t *row = json_array_get(json_object_get(j, "rows"), 0);
    assert_int_equal(json_integer_value(json_object_get(row, "count")), deaths2015);
    assert_int_equal(json_integer_value(json_object_get(row, "deployed")), deployed2015);
    double want = (double)(long long)(deaths2015 * 1000.0 / deployed2015 * 10000 + 0.5) / 10000;
    if (json_real_value(json_object_get(row, "rate")) != want)
        fail_msg("rate of 2015: expected %.4f, got %s", want, out);
    json_decref(j);
    free(out);

    /* Every mission of the file is distinct once. */
    test_cli_ok(db, NULL,
                (const char *[]){ "stats", "casualties", "--distinct", "--format", "json", NULL },
                &out);
    j = json_loads(out, 0, &jerr);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(j, "distinct"), "missions")),
        by_mission.n);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), rows);
    json_decref(j);
    free(out);

    /* Distinct persons on request: each casualty_id once. */
    test_cli_ok(db, NULL,
                (const char *[]){ "stats", "casualties", "--persons", "--format", "json", NULL },
                &out);
    j = json_loads(out, 0, &jerr);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), persons);
    json_decref(j);
    free(out);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("cli/stats-casualties-real-file", cli_stats_casualties_real_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
