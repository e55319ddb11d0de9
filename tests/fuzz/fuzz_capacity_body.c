/* libFuzzer target: a request body, as arbitrary bytes, given to capacity_need_create and
 * capacity_offer_create (capacity/need.c, offer.c) on a real store with the seeded
 * organizations, as a focal point of RWA and as the secretariat's admin. Whatever the input:
 * no crash and no sanitizer report; a refusal returns nothing, names a member (unless the body
 * is no object at all; the key "" is named as "") and writes nothing; an accepted need or offer
 * comes back with a quantity in range, a period that ends after it starts, a title and its owner's
 * code. Run by tests/fuzz/run.sh. */
#include "base/jsonfield.h"
#include "base/log.h"
#include "capacity/capacity.h"
#include "db/db.h"
#include "store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *db;
static struct principal focal_point, admin;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_capacity_body: %s: %s\n", what, detail);
    abort();
}

static void check(int rc, const struct bh_error *err, const char *what)
{
    if (rc)
        die(what, err->message);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    db = fuzz_store_open("fuzz_capacity_body");
    focal_point = (struct principal){ .account_id = 0,
                                      .org_id = fuzz_store_org(db, "RWA"),
                                      .role = ROLE_FOCAL_POINT };
    snprintf(focal_point.org_code, sizeof focal_point.org_code, "RWA");
    snprintf(focal_point.username, sizeof focal_point.username, "rwa.fp");
    admin = (struct principal){ .account_id = 0,
                                .org_id = fuzz_store_org(db, "DPO"),
                                .role = ROLE_ADMIN };
    snprintf(admin.org_code, sizeof admin.org_code, "DPO");
    snprintf(admin.username, sizeof admin.username, "admin");
    return 0;
}

static int64_t rows(const char *table_sql)
{
    int64_t n = -1;
    struct bh_error err;
    check(db_query_int(db, table_sql, -1, &n, &err), &err, "count");
    return n;
}

typedef int (*create_fn)(struct db *, const struct principal *, const json_t *, json_t **,
                         struct bh_error *);

static void try_create(create_fn fn, const char *count_sql, const char *amount,
                       const struct principal *who, const json_t *body)
{
    int64_t before = rows(count_sql);
    json_t *out = NULL;
    struct bh_error err = { 0 };
    int rc = fn(db, who, body, &out, &err);
    if (rc) {
        if (out)
            die("a refusal returned a record", err.message);
        if (rows(count_sql) != before)
            die("a refusal wrote a row", err.message);
        /* The one member whose name is empty is the key "" itself, refused as unknown. */
        if (rc == BH_EINVALID && json_is_object(body) && !err.field[0] &&
            !json_object_get(body, ""))
            die("a refusal named no member", err.message);
        return;
    }
    if (!out)
        die("an acceptance returned nothing", amount);
    json_int_t q = json_integer_value(json_object_get(out, amount));
    const char *starts = json_string_value(json_object_get(out, "starts_on"));
    const char *ends = json_string_value(json_object_get(out, "ends_on"));
    const char *title = json_string_value(json_object_get(out, "title"));
    const char *owner = json_string_value(json_object_get(json_object_get(out, "org"), "code"));
    if (q < 1 || q > CAPACITY_QUANTITY_MAX || !starts || !ends || strcmp(ends, starts) < 0 ||
        !title || !*title || !owner || rows(count_sql) != before + 1)
        die("an accepted record breaks a rule", title ? title : "(no title)");
    json_decref(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *body =
        json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    if (!body)
        return 0;
    const struct principal *who = size > 0 && (data[size - 1] & 1) ? &admin : &focal_point;
    try_create(capacity_need_create, "SELECT count(*) FROM capacity_need", "quantity", who, body);
    try_create(capacity_offer_create, "SELECT count(*) FROM capacity_offer", "capacity", who, body);
    json_decref(body);
    return 0;
}
