#ifndef BH_BASE_ARENA_H
#define BH_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

/* A bump allocator for memory that lives exactly as long as one unit of work (a request, an
 * import batch). Everything allocated from it is released at once by arena_reset() or
 * arena_free(); nothing is freed piece by piece. Not thread-safe: one arena per request. */
struct arena;

struct arena *arena_new(size_t first_block);
void arena_free(struct arena *a);

/* Releases every allocation but keeps the first block for reuse. */
void arena_reset(struct arena *a);

/* Returns `n` bytes aligned for any object type; aborts on out-of-memory. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_calloc(struct arena *a, size_t count, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* Bytes handed out since the last reset, for limits and tests. */
size_t arena_used(const struct arena *a);

#endif
