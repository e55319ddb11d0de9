/* The proposed assignment's solver (src/capacity/flow.c), with no store: a fixture where the
 * first-come baseline loses what the optimum keeps, random small problems checked against
 * an independent min-cost flow (successive shortest paths by Bellman-Ford), the capacities
 * respected on every one of them, and malformed problems refused without a write. */
#include "support.h"

#include "capacity/capacity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the reference: maximum weight by successive shortest paths ---- */

#define REF_MAX 18 /* source, 8 offers, 8 needs, sink */

/* The most weighted flow, by min-cost flow with cost -weight on each need's sink arc:
 * augment along cheapest paths while they are negative. Dense matrices: at most 18 nodes,
 * and the network's arcs never run both ways between two nodes. */
static int64_t reference_weighted(const struct capacity_problem *p)
{
    int64_t cap[REF_MAX][REF_MAX] = { { 0 } }, cost[REF_MAX][REF_MAX] = { { 0 } };
    int nodes = (int)(2 + p->noffers + p->nneeds), s = 0, t = nodes - 1;
    for (size_t j = 0; j < p->noffers; j++)
        cap[s][1 + j] = p->offer_capacity[j];
    for (size_t i = 0; i < p->nneeds; i++) {
        int v = (int)(1 + p->noffers + i);
        cap[v][t] = p->need_quantity[i];
        cost[v][t] = -p->need_weight[i];
        cost[t][v] = p->need_weight[i];
    }
    for (size_t k = 0; k < p->npairs; k++)
        cap[1 + p->pair_offer[k]][1 + p->noffers + p->pair_need[k]] += 1000;
    int64_t total = 0;
    for (;;) {
        int64_t dist[REF_MAX];
        int prev[REF_MAX];
        for (int v = 0; v < nodes; v++) {
            dist[v] = INT64_MAX / 4;
            prev[v] = -1;
        }
        dist[s] = 0;
        for (int round = 0; round < nodes; round++)
            for (int u = 0; u < nodes; u++)
                for (int v = 0; v < nodes; v++)
                    if (cap[u][v] > 0 && dist[u] + cost[u][v] < dist[v]) {
                        dist[v] = dist[u] + cost[u][v];
                        prev[v] = u;
                    }
        if (prev[t] < 0 || dist[t] >= 0)
            return total;
        int64_t f = INT64_MAX;
        for (int v = t; v != s; v = prev[v])
            if (cap[prev[v]][v] < f)
                f = cap[prev[v]][v];
        for (int v = t; v != s; v = prev[v]) {
            cap[prev[v]][v] -= f;
            cap[v][prev[v]] += f;
        }
        total += -dist[t] * f;
    }
}

/* Fails unless `flow` respects every need's quantity and every offer's capacity, and the
 * totals are the flow's. */
static void assert_feasible(const struct capacity_problem *p, const int64_t *flow, int64_t weighted,
                            int64_t covered)
{
    int64_t need_sum[8] = { 0 }, offer_sum[8] = { 0 }, w = 0, c = 0;
    for (size_t k = 0; k < p->npairs; k++) {
        assert_true(flow[k] >= 0);
        need_sum[p->pair_need[k]] += flow[k];
        offer_sum[p->pair_offer[k]] += flow[k];
        w += flow[k] * p->need_weight[p->pair_need[k]];
        c += flow[k];
    }
    for (size_t i = 0; i < p->nneeds; i++)
        if (need_sum[i] > p->need_quantity[i])
            fail_msg("need %zu gets %lld over its quantity %lld", i, (long long)need_sum[i],
                     (long long)p->need_quantity[i]);
    for (size_t j = 0; j < p->noffers; j++)
        if (offer_sum[j] > p->offer_capacity[j])
            fail_msg("offer %zu gives %lld over its capacity %lld", j, (long long)offer_sum[j],
                     (long long)p->offer_capacity[j]);
    assert_int_equal(weighted, w);
    assert_int_equal(covered, c);
}

/* ---- the fixture where first come loses ---- */

/* Offers X and Y of 10 each. Need A (critical, weight 8, 10) fits X (score 90) and Y (score
 * 50); need B (high, weight 4, 10) fits only X. The baseline serves A first from its best
 * offer X and leaves B nothing: 8 x 10 = 80. The optimum serves A from Y and B from X:
 * 80 + 40 = 120. */
static void greedy_loses(void **state)
{
    (void)state;
    const int64_t quantity[] = { 10, 10 }, capacity[] = { 10, 10 };
    const int weight[] = { 8, 4 }, score[] = { 90, 50, 80 };
    const uint32_t pn[] = { 0, 0, 1 }, po[] = { 0, 1, 0 };
    struct capacity_problem p = { 2, 2, 3, quantity, weight, capacity, pn, po, score };
    int64_t flow[3], weighted = -1, covered = -1;
    struct bh_error err;

    must(capacity_solve_greedy(&p, flow, &weighted, &covered, &err), &err, "greedy");
    assert_int_equal(weighted, 80);
    assert_int_equal(covered, 10);
    assert_int_equal(flow[0], 10);
    assert_int_equal(flow[1], 0);
    assert_int_equal(flow[2], 0);

    must(capacity_solve(&p, flow, &weighted, &covered, &err), &err, "solve");
    assert_int_equal(weighted, 120);
    assert_int_equal(covered, 20);
    assert_int_equal(flow[0], 0);  /* A from X: none, X goes to B */
    assert_int_equal(flow[1], 10); /* A from Y */
    assert_int_equal(flow[2], 10); /* B from X */
    assert_int_equal(reference_weighted(&p), 120);
}

/* A heavier need keeps what it got even when a lighter one could use more in total: one
 * offer of 10, a critical need of 4 and a low need of 10. Maximum flow alone would give
 * the low need all 10; the weighted optimum is 8 x 4 + 1 x 6 = 38. */
static void weight_before_volume(void **state)
{
    (void)state;
    const int64_t quantity[] = { 10, 4 }, capacity[] = { 10 };
    const int weight[] = { 1, 8 };
    const uint32_t pn[] = { 0, 1 }, po[] = { 0, 0 };
    struct capacity_problem p = { 2, 1, 2, quantity, weight, capacity, pn, po, NULL };
    int64_t flow[2], weighted, covered;
    struct bh_error err;
    must(capacity_solve(&p, flow, &weighted, &covered, &err), &err, "solve");
    assert_int_equal(flow[1], 4);
    assert_int_equal(flow[0], 6);
    assert_int_equal(weighted, 38);
    assert_int_equal(covered, 10);
}

/* Among optimal answers the higher score is preferred: one need of 5, two offers of 5 that
 * fit it, scored 40 and 90. */
static void prefers_higher_score(void **state)
{
    (void)state;
    const int64_t quantity[] = { 5 }, capacity[] = { 5, 5 };
    const int weight[] = { 2 }, score[] = { 40, 90 };
    const uint32_t pn[] = { 0, 0 }, po[] = { 0, 1 };
    struct capacity_problem p = { 1, 2, 2, quantity, weight, capacity, pn, po, score };
    int64_t flow[2], weighted, covered;
    struct bh_error err;
    must(capacity_solve(&p, flow, &weighted, &covered, &err), &err, "solve");
    assert_int_equal(flow[0], 0);
    assert_int_equal(flow[1], 5);
    assert_int_equal(weighted, 10);
}

/* An empty problem is solved with nothing. */
static void empty_problem(void **state)
{
    (void)state;
    struct capacity_problem p = { 0 };
    int64_t flow[1] = { 99 }, weighted = -1, covered = -1;
    struct bh_error err;
    must(capacity_solve(&p, flow, &weighted, &covered, &err), &err, "solve");
    assert_int_equal(weighted, 0);
    assert_int_equal(covered, 0);
    must(capacity_solve_greedy(&p, flow, &weighted, &covered, &err), &err, "greedy");
    assert_int_equal(weighted, 0);
}

/* ---- random small problems ---- */

/* A tiny deterministic generator (xorshift), so a failure reproduces from its seed. */
static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static void random_against_reference(void **state)
{
    (void)state;
    static const int weights[] = { 1, 2, 4, 8 };
    int beaten = 0;
    for (int seed = 1; seed <= 400; seed++) {
        rng_state = 0x9E3779B97F4A7C15ULL * (uint64_t)seed;
        size_t nn = 1 + rnd(8), no = 1 + rnd(8), np = 0;
        int64_t quantity[8], capacity[8], flow[64], greedy[64];
        int weight[8], score[64];
        uint32_t pn[64], po[64];
        for (size_t i = 0; i < nn; i++) {
            quantity[i] = 1 + rnd(20);
            weight[i] = weights[rnd(4)];
        }
        for (size_t j = 0; j < no; j++)
            capacity[j] = 1 + rnd(20);
        uint32_t density = 2 + rnd(7); /* pairs kept with probability 2/10 .. 8/10 */
        for (size_t i = 0; i < nn; i++)
            for (size_t j = 0; j < no; j++)
                if (rnd(10) < density) {
                    pn[np] = (uint32_t)i;
                    po[np] = (uint32_t)j;
                    score[np] = 1 + (int)rnd(100);
                    np++;
                }
        struct capacity_problem p = { nn,       no,     np,
                                      quantity, weight, capacity,
                                      pn,       po,     seed % 3 ? score : NULL };
        int64_t weighted, covered, gw, gc;
        struct bh_error err;
        must(capacity_solve(&p, flow, &weighted, &covered, &err), &err, "solve");
        assert_feasible(&p, flow, weighted, covered);
        int64_t want = reference_weighted(&p);
        if (weighted != want)
            fail_msg("seed %d: solve gives %lld, the reference %lld", seed, (long long)weighted,
                     (long long)want);
        must(capacity_solve_greedy(&p, greedy, &gw, &gc, &err), &err, "greedy");
        assert_feasible(&p, greedy, gw, gc);
        if (gw > weighted)
            fail_msg("seed %d: greedy %lld beats the optimum %lld", seed, (long long)gw,
                     (long long)weighted);
        beaten += gw < weighted;
    }
    /* The random problems must include some where first come loses, or they prove little. */
    assert_true(beaten > 10);
}

/* ---- malformed problems ---- */

static void malformed_refused(void **state)
{
    (void)state;
    struct {
        int64_t quantity, capacity;
        int weight, score;
        uint32_t need, offer;
        const char *field;
    } cases[] = {
        { 0, 5, 1, 50, 0, 0, "need_quantity" },  { -3, 5, 1, 50, 0, 0, "need_quantity" },
        { 5, 0, 1, 50, 0, 0, "offer_capacity" }, { 5, -1, 1, 50, 0, 0, "offer_capacity" },
        { 5, 5, 0, 50, 0, 0, "need_weight" },    { 5, 5, 1, 50, 1, 0, "pair_need" },
        { 5, 5, 1, 50, 0, 7, "pair_offer" },     { 5, 5, 1, 0, 0, 0, "pair_score" },
        { 5, 5, 1, 101, 0, 0, "pair_score" },
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        struct capacity_problem p = { 1,
                                      1,
                                      1,
                                      &cases[c].quantity,
                                      &cases[c].weight,
                                      &cases[c].capacity,
                                      &cases[c].need,
                                      &cases[c].offer,
                                      &cases[c].score };
        int64_t flow[1] = { 77 }, weighted = -1, covered = -1;
        struct bh_error err;
        assert_int_equal(capacity_solve(&p, flow, &weighted, &covered, &err), BH_EINVALID);
        assert_string_equal(err.field, cases[c].field);
        assert_int_equal(capacity_solve_greedy(&p, flow, &weighted, &covered, &err), BH_EINVALID);
        assert_string_equal(err.field, cases[c].field);
        /* Nothing written. */
        assert_int_equal(flow[0], 77);
        assert_int_equal(weighted, -1);
        assert_int_equal(covered, -1);
    }
    int64_t flow[1];
    struct bh_error err;
    assert_int_equal(capacity_solve(NULL, flow, NULL, NULL, &err), BH_EINVALID);
    /* Pairs without their arrays. */
    const int64_t one[] = { 1 };
    const int w[] = { 1 };
    struct capacity_problem p = { 1, 1, 1, one, w, one, NULL, NULL, NULL };
    assert_int_equal(capacity_solve(&p, flow, NULL, NULL, &err), BH_EINVALID);
    /* Needs whose quantity x weight add up past 64 bits: 10,000 of a trillion at weight a
     * million. Each is within its own bounds; their sum is not, and is refused, not wrapped. */
    enum { BIG = 10000 };
    static int64_t big_q[BIG];
    static int big_w[BIG];
    for (size_t i = 0; i < BIG; i++) {
        big_q[i] = CAPACITY_QUANTITY_MAX;
        big_w[i] = 1000000;
    }
    struct capacity_problem big = { BIG, 1, 0, big_q, big_w, one, NULL, NULL, NULL };
    assert_int_equal(capacity_solve(&big, flow, NULL, NULL, &err), BH_EINVALID);
    assert_string_equal(err.field, "need_quantity");
}

/* A larger problem, still checked for feasibility and against the baseline: 300 needs and
 * 300 offers with about 9,000 pairs, so Dinic's phases, its dead-end pruning and the
 * retreat after a saturated arc all run many times. */
static void larger_problem_feasible(void **state)
{
    (void)state;
    enum { N = 300, O = 300 };
    static int64_t quantity[N], capacity[O], flow[N * O], greedy[N * O];
    static int weight[N], score[N * O];
    static uint32_t pn[N * O], po[N * O];
    static const int weights[] = { 1, 2, 4, 8 };
    rng_state = 12345;
    size_t np = 0;
    for (size_t i = 0; i < N; i++) {
        quantity[i] = 1 + rnd(50);
        weight[i] = weights[rnd(4)];
    }
    for (size_t j = 0; j < O; j++)
        capacity[j] = 1 + rnd(40);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < O; j++)
            if (rnd(100) < 10) {
                pn[np] = (uint32_t)i;
                po[np] = (uint32_t)j;
                score[np++] = 1 + (int)rnd(100);
            }
    struct capacity_problem p = { N, O, np, quantity, weight, capacity, pn, po, score };
    int64_t weighted, covered, gw, gc;
    struct bh_error err;
    must(capacity_solve(&p, flow, &weighted, &covered, &err), &err, "solve");
    must(capacity_solve_greedy(&p, greedy, &gw, &gc, &err), &err, "greedy");
    int64_t need_sum[N] = { 0 }, offer_sum[O] = { 0 };
    for (size_t k = 0; k < np; k++) {
        need_sum[pn[k]] += flow[k];
        offer_sum[po[k]] += flow[k];
    }
    for (size_t i = 0; i < N; i++)
        assert_true(need_sum[i] <= quantity[i]);
    for (size_t j = 0; j < O; j++)
        assert_true(offer_sum[j] <= capacity[j]);
    assert_true(weighted >= gw);
    /* The weighted optimum is also a maximum flow (greedy on a polymatroid ends on a base):
     * with every weight equal the solver covers exactly as much. */
    static int same[N];
    for (size_t i = 0; i < N; i++)
        same[i] = 1;
    struct capacity_problem flat = p;
    flat.need_weight = same;
    int64_t fw, fc;
    must(capacity_solve(&flat, greedy, &fw, &fc, &err), &err, "flat");
    assert_int_equal(covered, fc);
    assert_true(covered > gc || weighted > gw || (covered == gc && weighted == gw));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        BH_TEST("unit/capacity-flow-greedy-loses", greedy_loses),
        BH_TEST("unit/capacity-flow-weight-before-volume", weight_before_volume),
        BH_TEST("unit/capacity-flow-prefers-higher-score", prefers_higher_score),
        BH_TEST("unit/capacity-flow-empty", empty_problem),
        BH_TEST("unit/capacity-flow-random-vs-reference", random_against_reference),
        BH_TEST("unit/capacity-flow-malformed-refused", malformed_refused),
        BH_TEST("unit/capacity-flow-larger-feasible", larger_problem_feasible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
