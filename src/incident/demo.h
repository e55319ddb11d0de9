#ifndef BH_INCIDENT_DEMO_H
#define BH_INCIDENT_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "db/db.h"
#include "principal/principal.h"

/* Demo data: a synthetic incident history around the headquarters of real UN missions, for
 * demonstrations, the map and the benchmarks. Every row says what it is: synthetic = 1,
 * source "demo", reporter "demo", a narrative that starts with INCIDENT_DEMO_MARK, and
 * source_ref "demo:<seed>:<i>". docs/demo.md describes the distributions.
 *
 * Row i of a seed is a pure function of (seed, i) and the store's missions, member-state
 * organizations and taxonomy: it draws from its own random stream, so the same seed gives
 * the same rows whatever the count, and loading N then M > N rows of one seed adds only
 * rows N..M-1. Running the same command twice adds nothing the second time. */

#define INCIDENT_DEMO_MARK "[SYNTHETIC]"

/* The most rows one call generates: a billion-row demo is not a demo. */
#define INCIDENT_DEMO_MAX 100000000

/* The history ends here (or now, if the clock is earlier) so that a seed gives the same rows
 * whatever day it runs: no row is in the future, and none moves with the calendar. */
#define INCIDENT_DEMO_HORIZON "2026-11-01T00:00:00Z"

struct incident_demo_report {
    int64_t requested; /* rows 0..requested-1 of the seed */
    int64_t added;     /* written by this call */
    int64_t existing;  /* already in the store from an earlier call with this seed */
    int64_t missions;  /* missions the rows were spread over */
};

/* Called now and then with the rows handled so far. */
typedef void (*incident_demo_progress)(void *ctx, int64_t done, int64_t total);

/* Adds rows 0..count-1 of `seed` that the store does not hold yet, in one transaction with
 * one audit entry (demo.load, record type incident, summary {seed, requested, added,
 * existing}) as `who`. Owners are the member-state organizations in turn (BH_ENOTFOUND when
 * the store has none: `bluehelm init --seed` makes them). When `validate`, every row goes
 * through incident_validate() first and the first refusal stops the load, naming row and
 * field (a generator bug, never the user's input); debug builds always validate, and the
 * command line always asks to (it costs a few per cent). count must
 * be 1..INCIDENT_DEMO_MAX (BH_EINVALID naming "incidents"). `progress` may be NULL. */
int incident_demo_load(struct db *db, const struct principal *who, int64_t count, uint64_t seed,
                       bool validate, incident_demo_progress progress, void *progress_ctx,
                       struct incident_demo_report *report, struct bh_error *err);

#endif
