#ifndef BH_CAPACITY_INTERNAL_H
#define BH_CAPACITY_INTERNAL_H

/* What the files of src/capacity/ share and nothing else includes: the readers of the body
 * members every record of the module has (languages, dates, the organization, the marking),
 * and the sums of confirmed matches. Implemented in need.c (the readers) and offer.c (the
 * sums); named capacity__* (DESIGN.md: module-private). */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"
#include "sharing/marking.h"

#include "capacity/capacity.h"

/* Reads `v` (a JSON array of codes of capacity_languages[], at most CAPACITY_LANGUAGES_MAX,
 * no duplicates; null or absent: empty) into `out` as the stored text, the codes separated by
 * one space ("fr ar"), which the caller's buf receives (reset first). Errors name `field`
 * ("languages") or one element ("languages[1]"). */
int capacity__languages_read(const json_t *v, const char *field, struct buf *out,
                             struct bh_error *err);

/* The stored text "fr ar" as a JSON array ["fr", "ar"]; [] for NULL or "". */
json_t *capacity__languages_json(const char *text);

/* Reads `member` of `body` as a date YYYY-MM-DD (a real calendar day) into `out`. Absent or
 * null: out[0] = '\0', an error (naming `member`) only when `required`. */
int capacity__date_read(const json_t *body, const char *member, char out[11], bool required,
                        struct bh_error *err);

/* Whether `s` is a date YYYY-MM-DD of the calendar. */
bool capacity__date_valid(const char *s);

/* Fails naming `field` ("ends_on") when ends_on < starts_on, saying both. */
int capacity__period_check(const char *starts_on, const char *ends_on, const char *field,
                           struct bh_error *err);

/* The organization `org_id` as {"code", "name", "kind"}; JSON null when there is none. */
json_t *capacity__org_json(struct db *db, int64_t org_id);

/* The id of the organization whose code is `code`; BH_EINVALID naming `field` when unknown. */
int capacity__org_id(struct db *db, const char *code, const char *field, int64_t *id,
                     struct bh_error *err);

/* Whether mission `acronym` exists; BH_EINVALID naming `field` when not. */
int capacity__mission_check(struct db *db, const char *acronym, const char *field,
                            struct bh_error *err);

/* Reads "tlp" and "sharing_group" of `body` into `m` (which holds the defaults: GREEN for a
 * new record, the stored marking on an update) and checks them for a record of `who`'s
 * organization: only CLEAR, GREEN and AMBER, whose group must exist and include that
 * organization (which could not read its own record otherwise). RED, AMBER+STRICT and
 * "recipients" are BH_EINVALID naming the member, because a record others may not read can
 * never be met. `what` names the record in messages ("need"). */
int capacity__marking_read(struct db *db, const struct principal *who, const json_t *body,
                           struct sharing_marking *m, const char *what, struct bh_error *err);

/* The same for a record owned by `owner_org_id`, which differs from `who`'s organization when
 * an admin writes for another: the group must include the owner. */
int capacity__marking_read_owned(struct db *db, const struct principal *who, int64_t owner_org_id,
                                 const json_t *body, struct sharing_marking *m, const char *what,
                                 struct bh_error *err);

/* The sums of confirmed capacity_match quantities of need row `need_n` / offer row `offer_n`
 * (0 when none; -1 on a store error, which the callers treat as 0 for display only). *count,
 * when not NULL, gets the number of confirmed matches. */
int64_t capacity__need_covered(struct db *db, int64_t need_n, int64_t *count);
int64_t capacity__offer_committed(struct db *db, int64_t offer_n, int64_t *count);

/* Reads text member `member` of `body`: a string of at most `max_chars` characters (UTF-8
 * code points, as the tables' length() checks count). Absent or null: *out = NULL, an error
 * only when `required`; with `required` an empty or blank text is refused too. */
int capacity__text_read(const json_t *body, const char *member, bool required, size_t max_chars,
                        const char **out, struct bh_error *err);

/* Fails (BH_EDENIED) unless `who` is signed in with an organization and holds `perm`. */
int capacity__may(const struct principal *who, const struct permission *perm, struct bh_error *err);

/* Whether `who` may change a record of `owner_org_id` under `perm`: holds it and is of that
 * organization, or an admin. */
bool capacity__may_edit(const struct principal *who, const struct permission *perm,
                        int64_t owner_org_id);

/* Checks category/capability/unit together: known codes, the capability of that category
 * (naming the one it belongs to otherwise). Errors name "category", "capability", "unit". */
int capacity__kind_check(const char *category, const char *capability, const char *unit,
                         struct bh_error *err);

/* score.c: the parts of capacity_pair_score, for the proposal (propose.c), which parses each
 * side once and scores up to a million pairs. capacity__day_number: the day number of a
 * calendar date YYYY-MM-DD, false for anything else. capacity__score_parts: the score of a
 * candidate from the need's days, the days in common, the need's languages and how many the
 * offer speaks, and both remainings. */
bool capacity__day_number(const char *ymd, int64_t *day);
int capacity__score_parts(int64_t need_days, int64_t common_days, int need_languages,
                          int shared_languages, int64_t need_remaining, int64_t offer_remaining);

/* ---- list.c: what the lists of needs and offers share ---- */

/* Whether `code` is one of the NULL-terminated `list` (false for NULL). */
bool capacity__known(const char *const *list, const char *code);

/* The filters of a list of needs or offers: status, category, capability, priority, limit
 * and after, each BH_EINVALID naming itself. */
int capacity__list_filter_check(const struct capacity_filter *f, struct bh_error *err);

/* A list's table and row: `select` reads the row from `table` under `alias` (its column
 * `n_column` is the row's n, the cursor), `row` turns a row into its JSON. */
struct capacity__list {
    const char *table, *alias, *select;
    int n_column;
    json_t *(*row)(struct db *db, const struct principal *who, struct db_stmt *st);
};

/* One page of a list, newest first, of the rows matching `where` (a WHERE clause without
 * the keyword, with its values in `wparams`): {"items", "total", "next", "as_of"}. */
int capacity__list_page(struct db *db, const struct principal *who, const struct capacity_filter *f,
                        const struct capacity__list *l, const char *where,
                        const struct db_params *wparams, json_t **out, struct bh_error *err);

#endif
