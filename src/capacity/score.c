/* The fit of an offer to a need (capacity.h, capacity_pair_score): whether the pair is a
 * candidate at all, and how well the offer serves the need. The rules that need the store
 * (each organization able to read the other's record) are propose.c's; everything here reads
 * the two sides only, so the proposal can score a million pairs without a query. */
#include "capacity/capacity.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "base/timeutil.h"
#include "capacity/internal.h"

static bool same_text(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static int two_digits(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* The day number of a calendar date YYYY-MM-DD; false for anything else. Written out rather
 * than time_parse_date() because the proposal parses a few million dates and wants no error
 * text for them. */
bool capacity__day_number(const char *s, int64_t *out)
{
    static const int month_days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int hi = two_digits(s), lo = two_digits(s + 2), m = two_digits(s + 5), d = two_digits(s + 8);
    if (hi < 0 || lo < 0 || m < 1 || m > 12 || d < 1 || d > month_days[m - 1])
        return false;
    int y = hi * 100 + lo;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m == 2 && d == 29 && !leap)
        return false;
    *out = time_days_from_civil(y, m, d);
    return true;
}

/* Whether the space-separated list `list` holds the code s[0..len). */
static bool list_has(const char *list, const char *s, size_t len)
{
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n == len && n > 0 && memcmp(p, s, n) == 0)
            return true;
        p += n;
    }
    return false;
}

/* How many of the need's languages the offer speaks, and how many the need names (repeated
 * codes count once). */
static void languages_shared(const char *need, const char *offer, int *shared, int *named)
{
    *shared = *named = 0;
    for (const char *p = need; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        /* Count a code only at its first occurrence. */
        bool repeated = false;
        for (const char *q = need; q < p;) {
            while (*q == ' ')
                q++;
            size_t m = strcspn(q, " ");
            if (q < p && m == n && n > 0 && memcmp(q, p, n) == 0)
                repeated = true;
            q += m;
        }
        if (n > 0 && !repeated) {
            (*named)++;
            if (list_has(offer, p, n))
                (*shared)++;
        }
        p += n;
    }
}

int capacity_pair_score(const struct capacity_side *need, const struct capacity_side *offer)
{
    if (!need || !offer)
        return 0;
    if (!same_text(need->category, offer->category) ||
        !same_text(need->capability, offer->capability) || !same_text(need->unit, offer->unit))
        return 0;
    /* Nobody supports itself through the mechanism: that is not a match but a budget line. */
    if (need->org_id == offer->org_id)
        return 0;
    if (offer->for_org_id != 0 && offer->for_org_id != need->org_id)
        return 0;
    int64_t ns, ne, os, oe;
    if (!capacity__day_number(need->starts_on, &ns) || !capacity__day_number(need->ends_on, &ne) ||
        !capacity__day_number(offer->starts_on, &os) ||
        !capacity__day_number(offer->ends_on, &oe) || ne < ns || oe < os)
        return 0;
    int64_t from = ns > os ? ns : os, to = ne < oe ? ne : oe;
    if (to < from)
        return 0;
    const char *nl = need->languages ? need->languages : "";
    const char *ol = offer->languages ? offer->languages : "";
    int shared, named, offered_shared, offered;
    languages_shared(nl, ol, &shared, &named);
    languages_shared(ol, ol, &offered_shared, &offered);
    /* Both name languages and none is common: the course would be given in a language the
     * trainees do not work in. An offer that names none is a candidate, but earns no
     * language points: it promises nothing. */
    if (named > 0 && offered > 0 && shared == 0)
        return 0;

    return capacity__score_parts(ne - ns + 1, to - from + 1, named, shared, need->remaining,
                                 offer->remaining);
}

int capacity__score_parts(int64_t need_days, int64_t common_days, int need_languages,
                          int shared_languages, int64_t need_remaining, int64_t offer_remaining)
{
    double period = need_days > 0 ? (double)common_days / (double)need_days : 0.0;
    double languages = need_languages == 0 ? 1.0 : (double)shared_languages / need_languages;
    double amount;
    if (offer_remaining <= 0)
        amount = 0.0;
    else if (need_remaining <= 0 || offer_remaining >= need_remaining)
        amount = 1.0;
    else
        amount = (double)offer_remaining / (double)need_remaining;
    long score = lround(50.0 + 20.0 * period + 15.0 * languages + 15.0 * amount);
    return score < 1 ? 1 : score > 100 ? 100 : (int)score;
}
