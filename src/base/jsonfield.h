#ifndef BH_BASE_JSONFIELD_H
#define BH_BASE_JSONFIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

/* Strict reading of JSON request objects: every failure names the field, so a client (or a
 * person at 2 a.m.) knows what to fix. Strings are borrowed from the object. */

/* Fails (BH_EINVALID, field = the unknown key) when `obj` has a key not in `known`
 * (NULL-terminated). Unknown fields are refused rather than ignored: a misspelled optional
 * field silently ignored is a wrong record stored. */
int jsonfield_check_known(const json_t *obj, const char *const *known, struct bh_error *err);

/* A string field of at most `max_len` bytes (0: no limit). Absent or null: *out = NULL, and
 * an error only when `required`. Empty strings count as absent for required fields. */
int jsonfield_string(const json_t *obj, const char *key, bool required, size_t max_len,
                     const char **out, struct bh_error *err);

/* An integer field; absent leaves *out unchanged (error when required). */
int jsonfield_int(const json_t *obj, const char *key, bool required, int64_t min, int64_t max,
                  int64_t *out, bool *present, struct bh_error *err);

/* A boolean field; absent leaves *out unchanged (error when required). */
int jsonfield_bool(const json_t *obj, const char *key, bool required, bool *out, bool *present,
                   struct bh_error *err);

/* An array of strings; *out points to `max` borrowed strings at most, *n their count.
 * Absent: *n = 0, *present = false. */
int jsonfield_strings(const json_t *obj, const char *key, bool required, const char **out,
                      size_t max, size_t *n, bool *present, struct bh_error *err);

/* The member names of `obj` as a new array, in its order: what an update changed, for its
 * audit entry. */
json_t *jsonfield_keys(const json_t *obj);

/* Parses a request body that must be one JSON object: rejects duplicate keys, invalid
 * UTF-8 and trailing data; on failure the message gives jansson's line and column. */
int jsonfield_parse_object(const char *body, size_t len, json_t **out, struct bh_error *err);

#endif
