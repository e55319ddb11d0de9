#include "base/jsonfield.h"

#include <string.h>

int jsonfield_check_known(const json_t *obj, const char *const *known, struct bh_error *err)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        (void)value;
        bool found = false;
        for (const char *const *k = known; *k && !found; k++)
            found = strcmp(*k, key) == 0;
        if (!found)
            return bh_fail(err, BH_EINVALID, key, "unknown field '%s'", key);
    }
    return 0;
}

/* The value of `key`, or NULL when it is absent or null (an error only when `required`). */
static int field_value(const json_t *obj, const char *key, bool required, json_t **v,
                       struct bh_error *err)
{
    *v = json_object_get(obj, key);
    if (*v && json_is_null(*v))
        *v = NULL;
    if (!*v && required)
        return bh_fail(err, BH_EINVALID, key, "'%s' is required", key);
    return 0;
}

int jsonfield_string(const json_t *obj, const char *key, bool required, size_t max_len,
                     const char **out, struct bh_error *err)
{
    *out = NULL;
    json_t *v;
    int rc = field_value(obj, key, required, &v, err);
    if (rc || !v)
        return rc;
    if (!json_is_string(v))
        return bh_fail(err, BH_EINVALID, key, "'%s' must be a string", key);
    size_t len = json_string_length(v);
    const char *s = json_string_value(v);
    if (strlen(s) != len)
        return bh_fail(err, BH_EINVALID, key, "'%s' must not contain NUL characters", key);
    if (required && len == 0)
        return bh_fail(err, BH_EINVALID, key, "'%s' must not be empty", key);
    if (max_len && len > max_len)
        return bh_fail(err, BH_EINVALID, key, "'%s' is longer than %zu bytes", key, max_len);
    *out = s;
    return 0;
}

int jsonfield_int(const json_t *obj, const char *key, bool required, int64_t min, int64_t max,
                  int64_t *out, bool *present, struct bh_error *err)
{
    if (present)
        *present = false;
    json_t *v;
    int rc = field_value(obj, key, required, &v, err);
    if (rc || !v)
        return rc;
    if (!json_is_integer(v))
        return bh_fail(err, BH_EINVALID, key, "'%s' must be a whole number", key);
    json_int_t n = json_integer_value(v);
    if (n < min || n > max)
        return bh_fail(err, BH_EINVALID, key, "'%s' must be between %lld and %lld", key,
                       (long long)min, (long long)max);
    *out = n;
    if (present)
        *present = true;
    return 0;
}

int jsonfield_bool(const json_t *obj, const char *key, bool required, bool *out, bool *present,
                   struct bh_error *err)
{
    if (present)
        *present = false;
    json_t *v;
    int rc = field_value(obj, key, required, &v, err);
    if (rc || !v)
        return rc;
    if (!json_is_boolean(v))
        return bh_fail(err, BH_EINVALID, key, "'%s' must be true or false", key);
    *out = json_is_true(v);
    if (present)
        *present = true;
    return 0;
}

int jsonfield_strings(const json_t *obj, const char *key, bool required, const char **out,
                      size_t max, size_t *n, bool *present, struct bh_error *err)
{
    *n = 0;
    if (present)
        *present = false;
    json_t *v;
    int rc = field_value(obj, key, required, &v, err);
    if (rc || !v)
        return rc;
    if (!json_is_array(v))
        return bh_fail(err, BH_EINVALID, key, "'%s' must be a list of strings", key);
    if (json_array_size(v) > max)
        return bh_fail(err, BH_EINVALID, key, "'%s' has more than %zu entries", key, max);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        if (!json_is_string(item))
            return bh_fail(err, BH_EINVALID, key, "'%s'[%zu] must be a string", key, i);
        out[i] = json_string_value(item);
    }
    *n = json_array_size(v);
    if (present)
        *present = true;
    return 0;
}

int jsonfield_parse_object(const char *body, size_t len, json_t **out, struct bh_error *err)
{
    json_error_t jerr;
    *out = NULL;
    if (len == 0)
        return bh_fail(err, BH_EINVALID, "body",
                       "the request body is empty; a JSON object "
                       "is expected");
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return bh_fail(err, BH_EINVALID, "body", "invalid JSON at line %d, column %d: %s",
                       jerr.line, jerr.column, jerr.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return bh_fail(err, BH_EINVALID, "body", "the request body must be a JSON object");
    }
    *out = root;
    return 0;
}

json_t *jsonfield_keys(const json_t *obj)
{
    json_t *keys = json_array();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) json_array_append_new(keys, json_string(k));
    return keys;
}
