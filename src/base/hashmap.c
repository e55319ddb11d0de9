#include "base/hashmap.h"

#include "base/arena.h"
#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

#define FNV_PRIME 0x100000001b3ULL

uint64_t hash_mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = HASH_SEED;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= FNV_PRIME;
    }
    return hash_mix64(h);
}

uint64_t hash_chain_str(uint64_t h, const char *s)
{
    if (!s) {
        h ^= 0xff;
        h *= FNV_PRIME;
    }
    for (; s && *s; s++) {
        h ^= (unsigned char)*s;
        h *= FNV_PRIME;
    }
    h ^= 0x1f;
    return h * FNV_PRIME;
}

uint64_t hash_chain_int(uint64_t h, int64_t v)
{
    return hash_mix64(h ^ (uint64_t)v) * FNV_PRIME;
}

/* A table is never smaller than this: a map of a handful of keys costs one small block. */
#define HASHMAP_MIN_CAP 16

void hashmap_init(struct hashmap *m, size_t value_size, size_t expect)
{
    memset(m, 0, sizeof *m);
    /* A set still has one byte per slot, so that every key has a distinct value address for
     * hashmap_key() to find it by. */
    m->value_size = value_size ? value_size : 1;
    m->cap = HASHMAP_MIN_CAP;
    while (m->cap * 7 < expect * 10)
        m->cap *= 2;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    m->values = xcalloc(m->cap, m->value_size);
    m->keys = arena_new(expect > 4096 ? 256 * 1024 : 4096);
}

void hashmap_cleanup(struct hashmap *m)
{
    free(m->slots);
    free(m->values);
    arena_free(m->keys);
    memset(m, 0, sizeof *m);
}

/* The slot of `key`, or the empty slot where it would go. */
static size_t find_slot(const struct hashmap_slot *slots, size_t cap, const char *key, size_t len,
                        uint64_t h)
{
    for (size_t i = (size_t)h & (cap - 1);; i = (i + 1) & (cap - 1)) {
        const struct hashmap_slot *s = &slots[i];
        if (!s->key || (s->hash == h && strncmp(s->key, key, len) == 0 && s->key[len] == '\0'))
            return i;
    }
}

void *hashmap_getn(const struct hashmap *m, const char *key, size_t len)
{
    if (!m->cap)
        return NULL;
    size_t i = find_slot(m->slots, m->cap, key, len, hash_bytes(key, len));
    return m->slots[i].key ? m->values + i * m->value_size : NULL;
}

void *hashmap_get(const struct hashmap *m, const char *key)
{
    return hashmap_getn(m, key, strlen(key));
}

static void grow(struct hashmap *m)
{
    size_t cap = m->cap * 2;
    struct hashmap_slot *slots = xcalloc(cap, sizeof *slots);
    unsigned char *values = xcalloc(cap, m->value_size);
    for (size_t i = 0; i < m->cap; i++) {
        const struct hashmap_slot *s = &m->slots[i];
        if (!s->key)
            continue;
        size_t j = find_slot(slots, cap, s->key, strlen(s->key), s->hash);
        slots[j] = *s;
        memcpy(values + j * m->value_size, m->values + i * m->value_size, m->value_size);
    }
    free(m->slots);
    free(m->values);
    m->slots = slots;
    m->values = values;
    m->cap = cap;
}

void *hashmap_putn(struct hashmap *m, const char *key, size_t len, bool *added)
{
    uint64_t h = hash_bytes(key, len);
    size_t i = find_slot(m->slots, m->cap, key, len, h);
    if (m->slots[i].key) {
        if (added)
            *added = false;
        return m->values + i * m->value_size;
    }
    if ((m->count + 1) * 10 > m->cap * 7) {
        grow(m);
        i = find_slot(m->slots, m->cap, key, len, h);
    }
    m->slots[i].key = arena_strndup(m->keys, key, len);
    m->slots[i].hash = h;
    m->count++;
    if (added)
        *added = true;
    return m->values + i * m->value_size; /* zeroed by xcalloc, never written before */
}

void *hashmap_put(struct hashmap *m, const char *key, bool *added)
{
    return hashmap_putn(m, key, strlen(key), added);
}

const char *hashmap_key(const struct hashmap *m, const void *value)
{
    size_t i = (size_t)((const unsigned char *)value - m->values) / m->value_size;
    return m->slots[i].key;
}

const char *hashmap_intern(struct hashmap *m, const char *key)
{
    return hashmap_key(m, hashmap_put(m, key, NULL));
}

char *hashmap_strdup(struct hashmap *m, const char *s)
{
    return arena_strdup(m->keys, s);
}

void *hashmap_next(const struct hashmap *m, size_t *at)
{
    for (; *at < m->cap; (*at)++)
        if (m->slots[*at].key)
            return m->values + (*at)++ * m->value_size;
    return NULL;
}
