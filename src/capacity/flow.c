/* The proposed assignment of offers to needs, computed optimally.
 *
 * The problem (capacity.h, struct capacity_problem) is a transportation problem: offers j
 * supply at most capacity_j, needs i take at most quantity_i, a candidate pair k carries
 * flow from its offer to its need, and the objective is the sum of flow times the weight of
 * the receiving need. We solve it as maximum flow on the network
 *     source -> offer j (capacity_j) -> need i (pair k) -> sink (quantity_i)
 * taken in phases: the sink arcs of the heaviest needs are opened first and maximum flow is
 * pushed, then those of the next weight, and so on.
 *
 * Why that is optimal. For a set S of needs, the most flow that can reach S is a submodular,
 * monotone function of S (a cut function of the network), so the vectors of coverage the
 * needs can receive together form a polymatroid. On a polymatroid, maximizing a non-negative
 * weighted sum is solved by the greedy algorithm (Edmonds 1970): raise the elements one at a
 * time in order of decreasing weight, each as far as the polymatroid allows without lowering
 * the earlier ones. Elements of equal weight are interchangeable, so a whole class may be
 * raised at once by maximizing its total. Maximum flow does exactly that, provided it never
 * takes back what a heavier need received: an augmenting path runs from the source to the
 * sink, ends through a forward arc need -> sink, and never passes the sink in its middle, so
 * the flow on a need's sink arc only ever grows. After the phase of weight w, the needs of
 * weight >= w receive together the most any flow can give them, which is the greedy vector.
 *
 * This rests on the weights sitting on the needs only. A cost that depends on the pair (the
 * distance, the score as a term of the objective) breaks the polymatroid structure; that
 * would need a real min-cost flow (successive shortest paths or network simplex).
 *
 * Among optimal assignments we prefer pairs of higher score: each offer's arcs are laid out
 * in order of decreasing score, the offers are left from the source in order of their best
 * score, and the search tries arcs in that order. That is a preference of the search, not a
 * guarantee of the best total score among optimal solutions (which would need a min-cost
 * circulation over the optimal flows).
 *
 * The maximum flow is Dinic's algorithm on a compact adjacency (CSR arrays, 64-bit
 * capacities, one allocation per array, an explicit stack instead of recursion): ten thousand
 * needs and offers with a million candidate pairs fit in a few tens of megabytes. The phases
 * are as many as the distinct weights (four priorities). */
#include "capacity/capacity.h"

#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

/* The residual network. Arcs out of node v are arc[first[v] .. first[v + 1]); arc e's
 * reverse is rev[e]. */
struct net {
    uint32_t nnodes, narcs;
    uint32_t *first; /* nnodes + 1 */
    uint32_t *to;    /* narcs */
    uint32_t *rev;   /* narcs */
    int64_t *cap;    /* narcs: residual capacity */
    int32_t *level;  /* nnodes */
    uint32_t *next;  /* nnodes: Dinic's current arc */
    uint32_t *queue; /* nnodes: the BFS queue, then the DFS path's arcs */
};

/* Nodes: the source, the offers, the needs, the sink. */
static uint32_t offer_node(size_t j)
{
    return (uint32_t)(1 + j);
}

static uint32_t need_node(const struct capacity_problem *p, size_t i)
{
    return (uint32_t)(1 + p->noffers + i);
}

static int check_problem(const struct capacity_problem *p, struct bh_error *err)
{
    if (!p)
        return bh_fail(err, BH_EINVALID, "problem", "no problem given");
    /* Node and arc numbers are 32-bit: 2 arcs per pair, offer and need. */
    if (p->nneeds > 100000000 || p->noffers > 100000000 || p->npairs > 1000000000)
        return bh_fail(err, BH_EINVALID, "npairs", "the problem is too large");
    if ((p->nneeds && (!p->need_quantity || !p->need_weight)) ||
        (p->noffers && !p->offer_capacity) || (p->npairs && (!p->pair_need || !p->pair_offer)))
        return bh_fail(err, BH_EINVALID, "problem", "an array of the problem is missing");
    /* The objective is at most the sum of quantity x weight over the needs, and every flow
     * at most the sum of the quantities: when that sum fits 64 bits, nothing overflows. */
    int64_t most = 0;
    for (size_t i = 0; i < p->nneeds; i++) {
        if (p->need_quantity[i] <= 0 || p->need_quantity[i] > CAPACITY_QUANTITY_MAX)
            return bh_fail(err, BH_EINVALID, "need_quantity", "need %zu has quantity %lld", i,
                           (long long)p->need_quantity[i]);
        if (p->need_weight[i] <= 0 || p->need_weight[i] > 1000000)
            return bh_fail(err, BH_EINVALID, "need_weight", "need %zu has weight %d", i,
                           p->need_weight[i]);
        int64_t term;
        if (__builtin_mul_overflow(p->need_quantity[i], (int64_t)p->need_weight[i], &term) ||
            __builtin_add_overflow(most, term, &most))
            return bh_fail(err, BH_EINVALID, "need_quantity",
                           "the needs add up to more than 64 bits can count");
    }
    for (size_t j = 0; j < p->noffers; j++)
        if (p->offer_capacity[j] <= 0 || p->offer_capacity[j] > CAPACITY_QUANTITY_MAX)
            return bh_fail(err, BH_EINVALID, "offer_capacity", "offer %zu has capacity %lld", j,
                           (long long)p->offer_capacity[j]);
    for (size_t k = 0; k < p->npairs; k++) {
        if (p->pair_need[k] >= p->nneeds)
            return bh_fail(err, BH_EINVALID, "pair_need", "pair %zu names need %u of %zu", k,
                           p->pair_need[k], p->nneeds);
        if (p->pair_offer[k] >= p->noffers)
            return bh_fail(err, BH_EINVALID, "pair_offer", "pair %zu names offer %u of %zu", k,
                           p->pair_offer[k], p->noffers);
        if (p->pair_score && (p->pair_score[k] < 1 || p->pair_score[k] > 100))
            return bh_fail(err, BH_EINVALID, "pair_score", "pair %zu has score %d", k,
                           p->pair_score[k]);
    }
    return 0;
}

/* The pairs in order of decreasing score, then index: a counting sort, since scores are
 * 1..100. */
static uint32_t *pairs_by_score(const struct capacity_problem *p)
{
    uint32_t *order = xmalloc((p->npairs ? p->npairs : 1) * sizeof *order);
    if (!p->pair_score) {
        for (size_t k = 0; k < p->npairs; k++)
            order[k] = (uint32_t)k;
        return order;
    }
    size_t start[102] = { 0 };
    for (size_t k = 0; k < p->npairs; k++)
        start[101 - p->pair_score[k]]++;
    size_t sum = 0;
    for (int s = 0; s < 102; s++) {
        size_t c = start[s];
        start[s] = sum;
        sum += c;
    }
    for (size_t k = 0; k < p->npairs; k++)
        order[start[101 - p->pair_score[k]]++] = (uint32_t)k;
    return order;
}

/* The offers in order of their best pair's score, then index: the search leaves the source
 * through them in that order, so a need reached from two offers tends to get the better one
 * first. */
static uint32_t *offers_by_best_score(const struct capacity_problem *p)
{
    uint32_t *order = xmalloc((p->noffers ? p->noffers : 1) * sizeof *order);
    int *best = xcalloc(p->noffers ? p->noffers : 1, sizeof *best);
    if (p->pair_score)
        for (size_t k = 0; k < p->npairs; k++)
            if (p->pair_score[k] > best[p->pair_offer[k]])
                best[p->pair_offer[k]] = p->pair_score[k];
    size_t start[102] = { 0 };
    for (size_t j = 0; j < p->noffers; j++)
        start[101 - best[j]]++;
    size_t sum = 0;
    for (int s = 0; s < 102; s++) {
        size_t c = start[s];
        start[s] = sum;
        sum += c;
    }
    for (size_t j = 0; j < p->noffers; j++)
        order[start[101 - best[j]]++] = (uint32_t)j;
    free(best);
    return order;
}

static void net_free(struct net *g)
{
    free(g->first);
    free(g->to);
    free(g->rev);
    free(g->cap);
    free(g->level);
    free(g->next);
    free(g->queue);
}

/* Places arc u -> v of capacity c and its reverse, using fill[] as each node's next free
 * slot; returns the forward arc. */
static uint32_t net_arc(struct net *g, uint32_t *fill, uint32_t u, uint32_t v, int64_t c)
{
    uint32_t e = fill[u]++, r = fill[v]++;
    g->to[e] = v;
    g->cap[e] = c;
    g->rev[e] = r;
    g->to[r] = u;
    g->cap[r] = 0;
    g->rev[r] = e;
    return e;
}

/* Builds the network with every sink arc closed (capacity 0). sink_arc[i] and pair_arc[k]
 * get the arcs of need i and pair k. At a need, the sink arc comes first, so the search
 * finishes a path as soon as it can; at an offer, the pairs come by decreasing score. */
static void net_build(struct net *g, const struct capacity_problem *p, uint32_t *sink_arc,
                      uint32_t *pair_arc)
{
    uint32_t source = 0, sink = (uint32_t)(1 + p->noffers + p->nneeds);
    g->nnodes = sink + 1;
    g->narcs = (uint32_t)(2 * (p->noffers + p->nneeds + p->npairs));
    g->first = xcalloc((size_t)g->nnodes + 1, sizeof *g->first);
    size_t na = g->narcs ? g->narcs : 1;
    g->to = xmalloc(na * sizeof *g->to);
    g->rev = xmalloc(na * sizeof *g->rev);
    g->cap = xmalloc(na * sizeof *g->cap);
    g->level = xmalloc(g->nnodes * sizeof *g->level);
    g->next = xmalloc(g->nnodes * sizeof *g->next);
    g->queue = xmalloc(g->nnodes * sizeof *g->queue);

    /* Degrees, then each node's first slot. */
    uint32_t *deg = g->first + 1;
    deg[source] += (uint32_t)p->noffers;
    deg[sink] += (uint32_t)p->nneeds;
    for (size_t j = 0; j < p->noffers; j++)
        deg[offer_node(j)]++;
    for (size_t i = 0; i < p->nneeds; i++)
        deg[need_node(p, i)]++;
    for (size_t k = 0; k < p->npairs; k++) {
        deg[offer_node(p->pair_offer[k])]++;
        deg[need_node(p, p->pair_need[k])]++;
    }
    for (uint32_t v = 0; v < g->nnodes; v++)
        g->first[v + 1] += g->first[v];
    uint32_t *fill = xmalloc(g->nnodes * sizeof *fill);
    memcpy(fill, g->first, g->nnodes * sizeof *fill);

    for (size_t i = 0; i < p->nneeds; i++)
        sink_arc[i] = net_arc(g, fill, need_node(p, i), sink, 0);
    uint32_t *offers = offers_by_best_score(p);
    for (size_t o = 0; o < p->noffers; o++)
        net_arc(g, fill, source, offer_node(offers[o]), p->offer_capacity[offers[o]]);
    free(offers);
    uint32_t *order = pairs_by_score(p);
    for (size_t o = 0; o < p->npairs; o++) {
        uint32_t k = order[o];
        int64_t q = p->need_quantity[p->pair_need[k]], c = p->offer_capacity[p->pair_offer[k]];
        pair_arc[k] = net_arc(g, fill, offer_node(p->pair_offer[k]), need_node(p, p->pair_need[k]),
                              q < c ? q : c);
    }
    free(order);
    free(fill);
}

/* Levels by breadth from the source; the sink is never expanded, so no path passes it.
 * Returns whether the sink is reachable. */
static bool net_levels(struct net *g, uint32_t source, uint32_t sink)
{
    for (uint32_t v = 0; v < g->nnodes; v++)
        g->level[v] = -1;
    uint32_t head = 0, tail = 0;
    g->level[source] = 0;
    g->queue[tail++] = source;
    while (head < tail) {
        uint32_t u = g->queue[head++];
        if (u == sink || (g->level[sink] >= 0 && g->level[u] >= g->level[sink]))
            continue;
        for (uint32_t e = g->first[u]; e < g->first[u + 1]; e++) {
            uint32_t v = g->to[e];
            if (g->cap[e] > 0 && g->level[v] < 0) {
                g->level[v] = g->level[u] + 1;
                g->queue[tail++] = v;
            }
        }
    }
    return g->level[sink] >= 0;
}

/* Blocking flow in the level graph, by an explicit path stack (queue[] holds the path's
 * arcs). Returns the flow added. */
static int64_t net_block(struct net *g, uint32_t source, uint32_t sink)
{
    int64_t total = 0;
    uint32_t *path = g->queue, depth = 0, v = source;
    for (uint32_t u = 0; u < g->nnodes; u++)
        g->next[u] = g->first[u];
    for (;;) {
        if (v == sink) {
            int64_t f = INT64_MAX;
            for (uint32_t d = 0; d < depth; d++)
                if (g->cap[path[d]] < f)
                    f = g->cap[path[d]];
            uint32_t back = depth;
            for (uint32_t d = 0; d < depth; d++) {
                g->cap[path[d]] -= f;
                g->cap[g->rev[path[d]]] += f;
                if (g->cap[path[d]] == 0 && back == depth)
                    back = d;
            }
            total += f;
            /* Resume at the tail of the first saturated arc. */
            depth = back;
            v = depth ? g->to[path[depth - 1]] : source;
            continue;
        }
        uint32_t end = g->first[v + 1];
        uint32_t e = g->next[v];
        while (e < end && !(g->cap[e] > 0 && g->level[g->to[e]] == g->level[v] + 1))
            e++;
        g->next[v] = e;
        if (e < end) {
            path[depth++] = e;
            v = g->to[e];
            continue;
        }
        /* A dead end: nothing more passes v in this level graph. */
        if (v == source)
            return total;
        g->level[v] = -1;
        depth--;
        v = depth ? g->to[path[depth - 1]] : source;
        g->next[v]++;
    }
}

static int by_weight_desc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x < y) - (x > y);
}

static void objective(const struct capacity_problem *p, const int64_t *flow, int64_t *weighted,
                      int64_t *covered)
{
    int64_t w = 0, c = 0;
    for (size_t k = 0; k < p->npairs; k++) {
        w += flow[k] * p->need_weight[p->pair_need[k]];
        c += flow[k];
    }
    if (weighted)
        *weighted = w;
    if (covered)
        *covered = c;
}

int capacity_solve(const struct capacity_problem *p, int64_t *flow, int64_t *weighted,
                   int64_t *covered, struct bh_error *err)
{
    int rc = check_problem(p, err);
    if (rc)
        return rc;
    struct net g = { 0 };
    uint32_t *sink_arc = xmalloc((p->nneeds ? p->nneeds : 1) * sizeof *sink_arc);
    uint32_t *pair_arc = xmalloc((p->npairs ? p->npairs : 1) * sizeof *pair_arc);
    net_build(&g, p, sink_arc, pair_arc);
    uint32_t source = 0, sink = g.nnodes - 1;

    /* The distinct weights, heaviest first. */
    int *weights = xmalloc((p->nneeds ? p->nneeds : 1) * sizeof *weights);
    /* memcpy and qsort may not be given NULL, even for nothing: an empty problem has none. */
    if (p->nneeds) {
        memcpy(weights, p->need_weight, p->nneeds * sizeof *weights);
        qsort(weights, p->nneeds, sizeof *weights, by_weight_desc);
    }
    for (size_t w = 0; w < p->nneeds; w++) {
        if (w > 0 && weights[w] == weights[w - 1])
            continue;
        for (size_t i = 0; i < p->nneeds; i++)
            if (p->need_weight[i] == weights[w])
                g.cap[sink_arc[i]] = p->need_quantity[i];
        while (net_levels(&g, source, sink))
            net_block(&g, source, sink);
    }

    for (size_t k = 0; k < p->npairs; k++) {
        int64_t q = p->need_quantity[p->pair_need[k]], c = p->offer_capacity[p->pair_offer[k]];
        flow[k] = (q < c ? q : c) - g.cap[pair_arc[k]];
    }
    objective(p, flow, weighted, covered);
    free(weights);
    free(sink_arc);
    free(pair_arc);
    net_free(&g);
    return 0;
}

/* ---- the first-come baseline ---- */

struct greedy_need {
    int weight;
    uint32_t index;
};

static int greedy_need_cmp(const void *a, const void *b)
{
    const struct greedy_need *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

int capacity_solve_greedy(const struct capacity_problem *p, int64_t *flow, int64_t *weighted,
                          int64_t *covered, struct bh_error *err)
{
    int rc = check_problem(p, err);
    if (rc)
        return rc;
    /* Each need's pairs, by decreasing score then index: the score order, bucketed by need
     * (stable). */
    uint32_t *order = pairs_by_score(p);
    size_t *start = xcalloc(p->nneeds + 1, sizeof *start);
    for (size_t k = 0; k < p->npairs; k++)
        start[p->pair_need[k] + 1]++;
    for (size_t i = 0; i < p->nneeds; i++)
        start[i + 1] += start[i];
    size_t *fill = xmalloc((p->nneeds ? p->nneeds : 1) * sizeof *fill);
    if (p->nneeds)
        memcpy(fill, start, p->nneeds * sizeof *fill);
    uint32_t *by_need = xmalloc((p->npairs ? p->npairs : 1) * sizeof *by_need);
    for (size_t o = 0; o < p->npairs; o++)
        by_need[fill[p->pair_need[order[o]]]++] = order[o];

    struct greedy_need *needs = xmalloc((p->nneeds ? p->nneeds : 1) * sizeof *needs);
    for (size_t i = 0; i < p->nneeds; i++)
        needs[i] = (struct greedy_need){ p->need_weight[i], (uint32_t)i };
    if (p->nneeds)
        qsort(needs, p->nneeds, sizeof *needs, greedy_need_cmp);

    int64_t *left = xmalloc((p->noffers ? p->noffers : 1) * sizeof *left);
    if (p->noffers) /* an empty problem may have NULL arrays, which memcpy may not take */
        memcpy(left, p->offer_capacity, p->noffers * sizeof *left);
    if (p->npairs)
        memset(flow, 0, p->npairs * sizeof *flow);
    for (size_t n = 0; n < p->nneeds; n++) {
        uint32_t i = needs[n].index;
        int64_t want = p->need_quantity[i];
        for (size_t o = start[i]; o < start[i + 1] && want > 0; o++) {
            uint32_t k = by_need[o], j = p->pair_offer[k];
            int64_t give = left[j] < want ? left[j] : want;
            flow[k] += give;
            left[j] -= give;
            want -= give;
        }
    }
    objective(p, flow, weighted, covered);
    free(left);
    free(needs);
    free(by_need);
    free(fill);
    free(start);
    free(order);
    return 0;
}
