#include "db/secret.h"

#include <sodium.h>
#include <string.h>

int db_secret(struct db *db, const char *name, unsigned char *out, size_t len, struct bh_error *err)
{
    if (len == 0 || len > DB_SECRET_MAX)
        return bh_fail(err, BH_EINTERNAL, NULL, "a store secret has 1 to %d bytes, not %zu",
                       DB_SECRET_MAX, len);
    unsigned char fresh[DB_SECRET_MAX];
    char hex[2 * DB_SECRET_MAX + 1];
    randombytes_buf(fresh, len);
    sodium_bin2hex(hex, sizeof hex, fresh, len);
    sodium_memzero(fresh, sizeof fresh);
    struct db_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO store_secret (name, value) VALUES (?, ?) "
                        "ON CONFLICT (name) DO NOTHING",
                        &st, err);
    if (rc)
        return rc;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, hex);
    rc = db_step(st, err);
    db_stmt_done(st);
    sodium_memzero(hex, sizeof hex);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, "SELECT value FROM store_secret WHERE name = ?", &st, err)))
        return rc;
    db_bind_text(st, 1, name);
    rc = db_step(st, err);
    size_t got = 0;
    const char *stored = rc == DB_ROW ? db_column_text(st, 0) : NULL;
    int bad = !stored || sodium_hex2bin(out, len, stored, strlen(stored), NULL, &got, NULL) != 0 ||
              got != len;
    db_stmt_done(st);
    if (rc < 0)
        return rc;
    if (bad)
        return bh_fail(err, BH_ESTORE, "store_secret",
                       "the store's secret '%s' is missing or damaged", name);
    return 0;
}
