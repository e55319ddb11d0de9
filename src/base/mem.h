#ifndef BH_BASE_MEM_H
#define BH_BASE_MEM_H

#include <stddef.h>

/* Allocation that never returns NULL: running out of memory is not a condition Bluehelm
 * can serve through, so these print one line and abort (as Redis's zmalloc does). */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Prints "out of memory allocating N bytes" and aborts. */
_Noreturn void bh_oom(size_t n);

#endif
