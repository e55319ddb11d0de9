/* The benchmarks' seeded generator (splitmix64): the same seed gives the same data on every
 * machine, which rand() does not promise. Header-only, for the bench programs that are
 * compiled one file each by their scripts. */
#ifndef BH_BENCH_SEEDED_H
#define BH_BENCH_SEEDED_H

#include <stdint.h>

/* The state; a program mixes its seed in with `seeded_state ^= seed`. */
static uint64_t seeded_state = 0x9e3779b97f4a7c15ULL;

static inline uint64_t seeded_next(void)
{
    uint64_t z = (seeded_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* 0 .. n-1 (n > 0). */
static inline int seeded_below(int n)
{
    return (int)(seeded_next() % (uint64_t)n);
}

/* [0, 1), with 53 bits. */
static inline double seeded_unit(void)
{
    return (double)(seeded_next() >> 11) / 9007199254740992.0;
}

#endif
