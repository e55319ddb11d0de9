#ifndef BH_BASE_UUID_H
#define BH_BASE_UUID_H

#include <stdint.h>

#include "base/err.h"

/* UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Identifiers made in
 * time order sort in time order, so inserts land at the right edge of the primary-key B-tree
 * instead of scattering across it as UUIDv4 would. */

#define UUID_STR_LEN 36 /* without the NUL */

struct uuid {
    uint8_t b[16];
};

/* A new UUIDv7 for now. Within one millisecond of one thread, values still increase: the
 * 12-bit rand_a field is a counter seeded randomly (RFC 9562 §6.2, method 1). */
void uuid_v7(struct uuid *out);

/* A UUIDv7 for a given time with the given random bits, for tests and imports that must be
 * reproducible. */
void uuid_v7_from(struct uuid *out, int64_t unix_ms, const uint8_t random10[10]);

/* Writes the canonical lowercase 8-4-4-4-12 form into `out` (37 bytes with the NUL). */
void uuid_format(const struct uuid *u, char out[UUID_STR_LEN + 1]);

/* Parses the 8-4-4-4-12 form (either case). Returns 0 or BH_EINVALID. */
int uuid_parse(const char *s, struct uuid *out, struct bh_error *err);

/* The version nibble (7 for ours) and the embedded Unix milliseconds of a v7. */
int uuid_version(const struct uuid *u);
int64_t uuid_v7_time_ms(const struct uuid *u);

#endif
