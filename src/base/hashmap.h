#ifndef BH_BASE_HASHMAP_H
#define BH_BASE_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A map from byte-string keys to fixed-size values, for the lookups an import makes per row
 * (keys already in the store, organizations, missions, countries) and that must cost no
 * query and no allocation per row.
 *
 * Open addressing with linear probing over a power-of-two table. Growth: the table doubles
 * when an insertion would fill more than 70% of it, so a lookup probes about two slots on
 * average; `expect` at init sizes it for that many keys up front, so a map loaded from a
 * table of known size is never rebuilt while it fills. Entries are never removed (no import
 * needs it, and tombstones would cost every probe).
 *
 * Keys are copied into an arena the map owns; values live in one array beside the slots, each
 * `value_size` bytes, zeroed when their key is added. A value pointer stays valid until the
 * next hashmap_put() that adds a key (growth moves the values); a key pointer (the map's copy)
 * stays valid until hashmap_cleanup(). */
struct arena;

struct hashmap_slot {
    const char *key; /* NULL: an empty slot */
    uint64_t hash;
};

struct hashmap {
    struct hashmap_slot *slots;
    unsigned char *values;
    size_t cap, count, value_size;
    struct arena *keys;
};

/* An empty map of values of `value_size` bytes (0 for a set) with room for `expect` keys. */
void hashmap_init(struct hashmap *m, size_t value_size, size_t expect);

/* Frees the slots, the values and the keys; the map may be initialized again. */
void hashmap_cleanup(struct hashmap *m);

/* The value of the key `len` bytes at `key` (no NUL needed), or NULL when absent. */
void *hashmap_getn(const struct hashmap *m, const char *key, size_t len);

/* The same for a NUL-terminated key. */
void *hashmap_get(const struct hashmap *m, const char *key);

/* The value of `key`, added (zeroed) when absent; *added (may be NULL) says which. */
void *hashmap_putn(struct hashmap *m, const char *key, size_t len, bool *added);
void *hashmap_put(struct hashmap *m, const char *key, bool *added);

/* The map's own copy of the key of `value` (a pointer hashmap_get or hashmap_put returned):
 * NUL-terminated, alive until hashmap_cleanup(). */
const char *hashmap_key(const struct hashmap *m, const void *value);

/* The map's copy of `key` (added when absent): one copy of a text repeated on many rows. */
const char *hashmap_intern(struct hashmap *m, const char *key);

/* A copy of `s` that lives as long as the map's keys, for values that point at text. */
char *hashmap_strdup(struct hashmap *m, const char *s);

/* Iteration: `*at` starts at 0; returns the next value (its key through hashmap_key) or NULL
 * at the end. Order is the table's, not the insertion's. */
void *hashmap_next(const struct hashmap *m, size_t *at);

/* ---- the hash ---- */

/* FNV-1a over `len` bytes, finished with MurmurHash3's 64-bit mixer so that keys differing
 * in their last byte spread over the whole table. */
uint64_t hash_bytes(const char *s, size_t len);

/* MurmurHash3's finalizer. */
uint64_t hash_mix64(uint64_t h);

/* Fingerprints: a value's fields chained into one 64-bit hash, to tell "changed" from "the
 * same" without keeping the values. Start from HASH_SEED, chain each field, finish with
 * hash_mix64. A text is followed by a separator, so ("ab","c") and ("a","bc") differ, and NULL
 * differs from "". Stored keys derive from these (incident import's "row:" keys), so the
 * arithmetic must never change. */
#define HASH_SEED 0xcbf29ce484222325ULL
uint64_t hash_chain_str(uint64_t h, const char *s);
uint64_t hash_chain_int(uint64_t h, int64_t v);

#endif
