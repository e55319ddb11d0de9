/* The CSV reader (src/formats/csv.c) and the row readers of the UN fatalities file and the
 * deployment layouts, without a store: line numbers through quoted line breaks and CRLF, the
 * strictness that refuses stray quotes, the refusal of binary and non-UTF-8 text, and the
 * quirks each row reader normalizes. */
#include "support.h"

#include "formats/csv.h"
#include "formats/deployments.h"
#include "formats/un_fatalities.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a read saw: each record as "LINE:field|field|..." on its own line. */
struct seen {
    char text[8192];
    int rows;
    int stop_at; /* return an error from this record (1-based); 0: never */
};

static int collect(void *ctx, struct csv_row *row, struct bh_error *err)
{
    struct seen *s = ctx;
    s->rows++;
    if (s->stop_at && s->rows == s->stop_at)
        return bh_fail(err, BH_ECONFLICT, "row", "stopped at record %d", s->rows);
    size_t used = strlen(s->text);
    used += (size_t)snprintf(s->text + used, sizeof s->text - used, "%ld:", row->line);
    for (size_t i = 0; i < row->nfields; i++)
        used += (size_t)snprintf(s->text + used, sizeof s->text - used, "%s%s", i ? "|" : "",
                                 row->fields[i]);
    snprintf(s->text + used, sizeof s->text - used, "\n");
    return 0;
}

static int read_mem(const char *data, size_t len, struct seen *s, struct csv_position *where,
                    struct bh_error *err)
{
    struct csv_reader_opts o = { collect, NULL, s, where };
    return csv_read_mem(data, len, &o, err);
}

#define READ(lit, s, where, err) read_mem((lit), sizeof(lit) - 1, (s), (where), (err))

/* csv/line-numbers: records are numbered by the line they start on, through blank lines,
 * CRLF, CR and line breaks inside quoted fields. */
static void csv_line_numbers(void **state)
{
    (void)state;
    struct seen s = { "", 0, 0 };
    struct bh_error err;
    int rc = READ("a,b\r\n\r\n\"x\r\ny\",z\n\nc,\"d\"\re,f\n  \ng,h", &s, NULL, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(s.text, "1:a|b\n3:x\r\ny|z\n6:c|d\n7:e|f\n9:g|h\n");
}

/* csv/bom-skipped: a UTF-8 byte order mark (Excel writes one) is not part of the first name. */
static void csv_bom_skipped(void **state)
{
    (void)state;
    struct seen s = { "", 0, 0 };
    struct bh_error err;
    assert_int_equal(READ("\xef\xbb\xbfid,date\n1,2\n", &s, NULL, &err), 0);
    assert_string_equal(s.text, "1:id|date\n2:1|2\n");
}

/* csv/spaces: unquoted fields lose their outer spaces (libcsv's rule), quoted ones keep them,
 * and csv_trim() removes them from quoted ones too. */
static void csv_spaces(void **state)
{
    (void)state;
    struct seen s = { "", 0, 0 };
    struct bh_error err;
    assert_int_equal(READ(" a ,\"Local \", \"b\" \n", &s, NULL, &err), 0);
    assert_string_equal(s.text, "1:a|Local |b\n");

    char f1[] = "  x \t", f2[] = "", f3[] = "\r\n";
    char *fields[] = { f1, f2, f3 };
    size_t lens[] = { strlen(f1), 0, 2 };
    struct csv_row row = { fields, lens, 3, 1 };
    for (size_t i = 0; i < 3; i++)
        csv_trim(&row, i);
    assert_string_equal(row.fields[0], "x");
    assert_int_equal(row.lens[0], 1);
    assert_string_equal(row.fields[1], "");
    assert_string_equal(row.fields[2], "");
}

/* csv/stray-quote-line-column: strict quoting; the error names the line and the column of
 * the offending character, and no record after it is read. */
static void csv_stray_quote(void **state)
{
    (void)state;
    struct seen s = { "", 0, 0 };
    struct bh_error err;
    struct csv_position where;
    int rc = READ("a,b\nc,d\"e\nf,g\n", &s, &where, &err);
    assert_int_equal(rc, BH_EINVALID);
    assert_int_equal(where.line, 2);
    assert_int_equal(where.column, 4);
    assert_contains(err.message, "line 2, column 4");
    assert_contains(err.message, "quote inside an unquoted field");
    assert_string_equal(s.text, "1:a|b\n");

    memset(&s, 0, sizeof s);
    rc = READ("x\n\"ab\"c,d\n", &s, &where, &err);
    assert_int_equal(rc, BH_EINVALID);
    assert_int_equal(where.line, 2);
    assert_int_equal(where.column, 5);
    assert_contains(err.message, "text after the closing quote");
}

/* csv/unterminated-quote: a quoted field still open at the end of the file. */
static void csv_unterminated(void **state)
{
    (void)state;
    struct seen s = { "", 0, 0 };
    struct bh_error err;
    struct csv_position where;
    int rc = READ("a,b\nc,\"d\ne\n", &s, &where, &err);
    assert_int_equal(rc, BH_EINVALID);
    assert_int_equal(where.line, 2);
    assert_contains(err.message, "never closed");
}

/* csv/binary-refused: a NUL byte anywhere is a binary file, named with its line. */
static void csv_binary_refused(void **state)
{
    (void)state;
    struct seen s = { "", 0, 0 };
    struct bh_error err;
    struct csv_position where;
    static const char data[] = "a,b\nc,d\x00x\n";
    int rc = read_mem(data, sizeof data - 1, &s, &where, &err);
    assert_int_equal(rc, BH_EINVALID);
    assert_int_equal(where.line, 2);
    assert_contains(err.message, "NUL byte");
    assert_contains(err.message, "line 2");
}

/* csv/utf8-checked: valid UTF-8 of every length passes; invalid bytes, overlong forms,
 * surrogates, code points above U+10FFFF and truncated sequences are refused. */
static void csv_utf8_checked(void **state)
{
    (void)state;
    struct seen s = { "", 0, 0 };
    struct bh_error err;
    assert_int_equal(READ("C\xc3\xb4te,\xe2\x82\xac,\xf0\x9f\x98\x80\n", &s, NULL, &err), 0);
    assert_string_equal(s.text, "1:C\xc3\xb4te|\xe2\x82\xac|\xf0\x9f\x98\x80\n");
    static const char *const bad[] = {
        "C\xf4te\n",          /* Latin-1 */
        "\xc0\x80\n",         /* overlong NUL */
        "\xe0\x80\xaf\n",     /* overlong '/' */
        "\xed\xa0\x80\n",     /* a surrogate */
        "\xf4\x90\x80\x80\n", /* above U+10FFFF */
        "ok\n\xe2\x82\n",     /* truncated, on line 2 */
        "\x80\n",             /* a lone continuation byte */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&s, 0, sizeof s);
        struct csv_position where;
        int rc = read_mem(bad[i], strlen(bad[i]), &s, &where, &err);
        if (rc != BH_EINVALID || !strstr(err.message, "not valid UTF-8"))
            fail_msg("case %zu: rc %d, %s", i, rc, err.message);
        assert_int_equal(where.line, i == 5 ? 2 : 1);
    }
}

/* csv/callback-stops-read: a callback's error ends the read and is its result. */
static void csv_callback_stops(void **state)
{
    (void)state;
    struct seen s = { "", 0, 2 };
    struct bh_error err;
    int rc = READ("a\nb\nc\nd\n", &s, NULL, &err);
    assert_int_equal(rc, BH_ECONFLICT);
    assert_string_equal(err.message, "stopped at record 2");
    assert_int_equal(s.rows, 2);
}

/* A digest of a whole read: the records, the sum of their lines, and a hash of every field
 * with its record's line, so two reads can be compared without keeping them. */
struct digest {
    int rows;
    long line_sum;
    long last_line;
    unsigned long long hash;
};

static int digest_row(void *ctx, struct csv_row *row, struct bh_error *err)
{
    (void)err;
    struct digest *d = ctx;
    d->rows++;
    d->line_sum += row->line;
    d->last_line = row->line;
    d->hash = d->hash * 31 + (unsigned long long)row->line;
    for (size_t i = 0; i < row->nfields; i++)
        for (const char *p = row->fields[i]; *p; p++)
            d->hash = d->hash * 131 + (unsigned char)*p;
    return 0;
}

/* A read's records and its progress, through one context (the digest first, so digest_row
 * reads it). */
struct prog {
    struct digest d;
    uint64_t done;
    int calls;
};

static void progress_count(void *ctx, uint64_t done)
{
    struct prog *p = ctx;
    if (done < p->done)
        fail_msg("progress went back from %llu to %llu", (unsigned long long)p->done,
                 (unsigned long long)done);
    p->done = done;
    p->calls++;
}

/* csv/blocks-file-and-memory: a file read in 256 KiB blocks gives the same records and lines
 * as the same bytes in memory, with records and quoted line breaks across block edges; the
 * progress callback ends at the file's size. */
static void csv_blocks(void **state)
{
    (void)state;
    size_t cap = 700 * 1024, used = 0;
    char *data = malloc(cap);
    int n = 0;
    long lines = 0;
    while (used < cap - 200) {
        n++;
        bool two = n % 97 == 0;
        used += (size_t)snprintf(data + used, cap - used,
                                 two ? "%d,\"two\nlines, %d\",x\r\n" : "%d,f%d,y\n", n, n);
        lines += two ? 2 : 1;
    }
    const char *dir = test_tmpdir("csv_blocks");
    char *path = test_path(dir, "big.csv");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, used, f), used);
    fclose(f);

    struct digest a = { 0, 0, 0, 0 };
    struct prog b = { { 0, 0, 0, 0 }, 0, 0 };
    struct bh_error err;
    struct csv_reader_opts oa = { digest_row, NULL, &a, NULL };
    assert_int_equal(csv_read_mem(data, used, &oa, &err), 0);
    struct csv_reader_opts ob = { digest_row, progress_count, &b, NULL };
    f = fopen(path, "rb");
    assert_int_equal(csv_read_file(f, &ob, &err), 0);
    fclose(f);
    assert_int_equal(a.rows, n);
    assert_int_equal(a.last_line, lines); /* the last record starts on the last line */
    assert_int_equal(b.d.rows, a.rows);
    assert_int_equal(b.d.line_sum, a.line_sum);
    assert_true(b.d.hash == a.hash);
    assert_int_equal(b.calls, 3); /* 700 KiB in 256 KiB blocks */
    assert_int_equal(b.done, used);
    free(path);
    free(data);
}

/* ---- the UN fatalities rows ---- */

static struct csv_row *make_row(const char *line)
{
    /* One record from a literal split at its commas (no quoting), in static storage. */
    static char text[2048];
    static char *fields[32];
    static size_t lens[32];
    static struct csv_row row;
    snprintf(text, sizeof text, "%s", line);
    size_t n = 0;
    char *p = text;
    for (;;) {
        fields[n] = p;
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        lens[n] = strlen(p);
        n++;
        if (!comma || n == 32)
            break;
        p = comma + 1;
    }
    row.fields = fields;
    row.lens = lens;
    row.nfields = n;
    row.line = 2;
    return &row;
}

static const char UN_HEADER[] = "id,incident_date,casualty_id,mission_acronym,type_of_casualty,"
                                "gender,casualty_nationality,casualty_personnel_type,"
                                "type_of_incident,m49_code,isocode3,last_update";

/* un/header: the exact header passes (spaces around names allowed); a missing, unknown,
 * repeated or misplaced column is named. */
static void un_header(void **state)
{
    (void)state;
    struct bh_error err;
    assert_int_equal(un_fatalities_check_header(make_row(UN_HEADER), &err), 0);
    assert_int_equal(un_fatalities_check_header(
                         make_row(" id ,incident_date,casualty_id,mission_acronym,type_of_casualty,"
                                  "gender,casualty_nationality,casualty_personnel_type,"
                                  "type_of_incident,m49_code,isocode3,last_update"),
                         &err),
                     0);
    static const struct {
        const char *header;
        const char *field;
        const char *says;
    } bad[] = {
        { "id,incident_date,casualty_id,mission_acronym,type_of_casualty,gender,"
          "casualty_nationality,casualty_personnel_type,type_of_incident,m49_code,isocode3",
          "last_update", "no column 'last_update'" },
        { "id,incident_date,casualty_id,mission_acronym,type_of_casualty,gender,"
          "nationality,casualty_personnel_type,type_of_incident,m49_code,isocode3,last_update",
          "casualty_nationality", "no column 'casualty_nationality'" },
        { "id,incident_date,casualty_id,mission_acronym,type_of_casualty,gender,"
          "casualty_nationality,casualty_personnel_type,type_of_incident,m49_code,isocode3,"
          "last_update,notes",
          "header", "column 13 of the header, 'notes'" },
        { "id,incident_date,casualty_id,mission_acronym,type_of_casualty,gender,"
          "casualty_nationality,casualty_personnel_type,type_of_incident,m49_code,isocode3,"
          "last_update,gender",
          "header", "the header has 13 columns" },
        { "incident_date,id,casualty_id,mission_acronym,type_of_casualty,gender,"
          "casualty_nationality,casualty_personnel_type,type_of_incident,m49_code,isocode3,"
          "last_update",
          "incident_date",
          "column 1 of the header is 'incident_date' where the UN fatalities "
          "file has 'id'" },
        { "Date,Mission,Troops", "id", "no column 'id'" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        int rc = un_fatalities_check_header(make_row(bad[i].header), &err);
        if (rc != BH_EINVALID || strcmp(err.field, bad[i].field) != 0 ||
            !strstr(err.message, bad[i].says))
            fail_msg("case %zu: rc %d field '%s' message '%s'; expected field '%s' and '%s'", i, rc,
                     err.field, err.message, bad[i].field, bad[i].says);
    }
}

/* un/parse-quirks: M49 codes written as floats, trimmed fields ("Local "), an empty gender,
 * empty codes and dates; the values come out as the casualty module stores them. */
static void un_parse_quirks(void **state)
{
    (void)state;
    struct un_fatality f;
    struct bh_error err;
    assert_int_equal(un_fatality_parse(make_row("1,1948-07-06,UNTSO-1948-07-02408,UNTSO,Fatality,"
                                                "M,France,Military,Malicious Act,250.0,FRA,"
                                                "2025-04-04"),
                                       &f, &err),
                     0);
    assert_true(f.has_un_id);
    assert_int_equal(f.un_id, 1);
    assert_string_equal(f.incident_date, "1948-07-06");
    assert_string_equal(f.casualty_id, "UNTSO-1948-07-02408");
    assert_int_equal(f.gender, 'M');
    assert_true(f.has_m49);
    assert_int_equal(f.m49, 250);
    assert_string_equal(f.iso3, "FRA");

    assert_int_equal(un_fatality_parse(make_row("3479,2016-03-13,UNOCI-2016-03-09647,UNOCI,"
                                                "Fatality,, ,Local ,Malicious Act,,,"),
                                       &f, &err),
                     0);
    assert_int_equal(f.gender, 'U');
    assert_string_equal(f.nationality, "");
    assert_string_equal(f.personnel_type, "Local");
    assert_false(f.has_m49);
    assert_string_equal(f.iso3, "");
    assert_string_equal(f.last_update, "");

    static const struct {
        const char *m49;
        int ok;
        int value;
    } m49s[] = {
        { "4", 1, 4 },  { "4.0", 1, 4 }, { "004.00", 1, 4 }, { "890.0", 1, 890 }, { "4.5", 0, 0 },
        { "4.", 0, 0 }, { "-4", 0, 0 },  { "1000", 0, 0 },   { "4e2", 0, 0 },     { "four", 0, 0 },
    };
    for (size_t i = 0; i < sizeof m49s / sizeof m49s[0]; i++) {
        char line[256];
        snprintf(line, sizeof line,
                 "1,2000-01-01,X-1,UNTSO,Fatality,M,France,Military,Accident,%s,FRA,", m49s[i].m49);
        int rc = un_fatality_parse(make_row(line), &f, &err);
        if ((rc == 0) != m49s[i].ok || (rc == 0 && f.m49 != m49s[i].value))
            fail_msg("m49 '%s': rc %d value %d", m49s[i].m49, rc, f.m49);
        if (rc)
            assert_string_equal(err.field, "m49_code");
    }
}

/* un/parse-refuses: each refusal names its column. */
static void un_parse_refuses(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        const char *field;
    } bad[] = {
        { "1,2021-02-29,X-1,UNTSO,Fatality,M,France,Military,Accident,250.0,FRA,2025-04-04",
          "incident_date" },
        { "1,06/07/1948,X-1,UNTSO,Fatality,M,France,Military,Accident,250.0,FRA,2025-04-04",
          "incident_date" },
        { "1,1948-07-06,,UNTSO,Fatality,M,France,Military,Accident,250.0,FRA,2025-04-04",
          "casualty_id" },
        { "1,1948-07-06,X-1,,Fatality,M,France,Military,Accident,250.0,FRA,2025-04-04",
          "mission_acronym" },
        { "1,1948-07-06,X-1,UNTSO,Fatality,Male,France,Military,Accident,250.0,FRA,2025-04-04",
          "gender" },
        { "1,1948-07-06,X-1,UNTSO,Fatality,M,France,Military,Accident,250.0,fra,2025-04-04",
          "isocode3" },
        { "1,1948-07-06,X-1,UNTSO,Fatality,M,France,Military,Accident,250.0,FRA,04/04/2025",
          "last_update" },
        { "one,1948-07-06,X-1,UNTSO,Fatality,M,France,Military,Accident,250.0,FRA,2025-04-04",
          "id" },
        { "1,1948-07-06,X-1,UNTSO,Fatality,M,France,Military,Accident,250.0,FRA", "" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct un_fatality f;
        struct bh_error err;
        memset(&err, 0, sizeof err);
        int rc = un_fatality_parse(make_row(bad[i].line), &f, &err);
        if (rc != BH_EINVALID || strcmp(err.field, bad[i].field) != 0)
            fail_msg("case %zu: rc %d field '%s' (%s), expected '%s'", i, rc, err.field,
                     err.message, bad[i].field);
    }
}

/* deploy/header-recognized: the two layouts by their first names, their columns found by
 * name wherever they are; other files are refused, saying what was expected. */
static void deploy_header(void **state)
{
    (void)state;
    struct deploy_layout l;
    struct bh_error err;
    assert_int_equal(
        deploy_layout_from_header(
            make_row("Date,Mission,Country of Mission,Troops,Police,Observers,Total"), &l, &err),
        0);
    assert_int_equal(l.format, DEPLOY_IPI_MONTHLY);
    assert_int_equal(l.col[5], 6); /* Total */
    assert_int_equal(deploy_layout_from_header(
                         make_row("Entity,Year,Troops (peacekeepers) (United Nations "
                                  "Peacekeeping),Number of peacekeeping missions (United Nations "
                                  "Peacekeeping),Size of total peacekeeping force (United Nations "
                                  "Peacekeeping),Civilian police (peacekeepers) (United Nations "
                                  "Peacekeeping),Military Observers and staff officers "
                                  "(peacekeepers) (United Nations Peacekeeping)"),
                         &l, &err),
                     0);
    assert_int_equal(l.format, DEPLOY_OWID_YEARLY);
    assert_int_equal(l.col[6], 2); /* troops */

    assert_int_equal(
        deploy_layout_from_header(make_row("Date,Mission,Troops,Police,Observers"), &l, &err),
        BH_EINVALID);
    assert_string_equal(err.field, "Total");
    assert_int_equal(deploy_layout_from_header(make_row("Date,Contributor,Troops"), &l, &err),
                     BH_EINVALID);
    assert_contains(err.message, "not a deployments file we read");
}

/* deploy/counts: NA and empty are absent; fractions, negatives and words are refused. */
static void deploy_counts(void **state)
{
    (void)state;
    struct deploy_layout l;
    struct bh_error err;
    assert_int_equal(
        deploy_layout_from_header(make_row("Date,Mission,Troops,Police,Observers,Total"), &l, &err),
        0);
    struct deploy_monthly m;
    assert_int_equal(deploy_monthly_parse(&l, make_row("2017-03-31,UNMOGIP,NA,,41,41"), &m, &err),
                     0);
    assert_string_equal(m.month, "2017-03");
    assert_string_equal(m.mission, "UNMOGIP");
    assert_false(m.troops.present);
    assert_false(m.police.present);
    assert_true(m.observers.present);
    assert_int_equal(m.observers.n, 41);
    assert_int_equal(m.total, 41);
    static const char *const bad[] = {
        "2017-03-31,UNMOGIP,1.5,NA,41,41", "2017-03-31,UNMOGIP,-1,NA,41,41",
        "2017-03-31,UNMOGIP,NA,NA,41,NA",  "2017-02-30,UNMOGIP,NA,NA,41,41",
        "2017-03-31,,NA,NA,41,41",         "2017-03-31,UNMOGIP,NA,NA,41",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (deploy_monthly_parse(&l, make_row(bad[i]), &m, &err) != BH_EINVALID)
            fail_msg("accepted %s", bad[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("csv/line-numbers", csv_line_numbers),
        BH_TEST("csv/bom-skipped", csv_bom_skipped),
        BH_TEST("csv/spaces", csv_spaces),
        BH_TEST("csv/stray-quote-line-column", csv_stray_quote),
        BH_TEST("csv/unterminated-quote", csv_unterminated),
        BH_TEST("csv/binary-refused", csv_binary_refused),
        BH_TEST("csv/utf8-checked", csv_utf8_checked),
        BH_TEST("csv/callback-stops-read", csv_callback_stops),
        BH_TEST("csv/blocks-file-and-memory", csv_blocks),
        BH_TEST("un/header", un_header),
        BH_TEST("un/parse-quirks", un_parse_quirks),
        BH_TEST("un/parse-refuses", un_parse_refuses),
        BH_TEST("deploy/header-recognized", deploy_header),
        BH_TEST("deploy/counts", deploy_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
