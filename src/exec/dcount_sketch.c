/* dcount's HyperLogLog sketch. Like Kusto's (HLL with a sparse form for small sets),
 * a sketch first keeps the exact set of 64-bit value hashes, so small cardinalities
 * (up to a quarter of the register count: 4,096 at the default accuracy) are counted
 * exactly; past that it switches to 2^p one-byte registers and estimates with Ertl's
 * improved estimator ("New cardinality estimation algorithms for HyperLogLog
 * sketches", 2017), which needs no empirical bias tables. Both forms merge, and the
 * final form depends only on the set of values added, never on the order or on how
 * the rows were split across partial aggregates. */
#include <math.h>
#include <string.h>

#include "exec_int.h"

int msoc_exec__dsk_precision(int64_t accuracy)
{
    /* Kusto's accuracy levels 0..4: 1.6 %, 0.8 % (default), 0.4 %, 0.28 %, 0.2 % */
    static const int p[] = {12, 14, 16, 17, 18};
    if (accuracy < 0 || accuracy > 4)
        accuracy = 1;
    return p[accuracy];
}

void msoc_exec__dsk_init(xhll *h, int p)
{
    memset(h, 0, sizeof *h);
    h->p = (uint8_t)p;
}

static uint64_t mix(uint64_t x)
{
    /* splitmix64's finaliser: the value hashes of small integers are not
     * uniform enough in their top bits for the register index */
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x ? x : 1; /* 0 marks an empty slot of the exact set */
}

static void reg_add(uint8_t *regs, int p, uint64_t x)
{
    size_t idx = (size_t)(x >> (64 - p));
    uint64_t w = x << p;
    uint8_t rho = w == 0 ? (uint8_t)(64 - p + 1) : (uint8_t)(__builtin_clzll(w) + 1);
    if (rho > regs[idx])
        regs[idx] = rho;
}

static bool to_dense(msoc_arena *a, xhll *h)
{
    size_t m = (size_t)1 << h->p;
    uint8_t *regs = msoc_arena_calloc(a, m, 1);
    if (regs == NULL)
        return false;
    for (size_t i = 0; i < h->cap; i++)
        if (h->set[i])
            reg_add(regs, h->p, h->set[i]);
    h->regs = regs;
    h->set = NULL;
    h->cap = 0;
    h->n_exact = 0;
    return true;
}

static bool set_insert(msoc_arena *a, xhll *h, uint64_t x);

static bool set_grow(msoc_arena *a, xhll *h)
{
    uint32_t nc = h->cap ? h->cap * 2 : 8;
    uint64_t *ns = msoc_arena_calloc(a, nc, sizeof *ns);
    if (ns == NULL)
        return false;
    uint64_t *old = h->set;
    uint32_t oc = h->cap;
    h->set = ns;
    h->cap = nc;
    h->n_exact = 0;
    for (uint32_t i = 0; i < oc; i++)
        if (old[i])
            set_insert(a, h, old[i]);
    return true;
}

/* x is already mixed and non-zero. */
static bool set_insert(msoc_arena *a, xhll *h, uint64_t x)
{
    if (h->regs) {
        reg_add(h->regs, h->p, x);
        return true;
    }
    if ((h->n_exact + 1) * 2 > h->cap && !set_grow(a, h))
        return false;
    uint32_t mask = h->cap - 1;
    uint32_t s = (uint32_t)x & mask;
    while (h->set[s] != 0) {
        if (h->set[s] == x)
            return true;
        s = (s + 1) & mask;
    }
    h->set[s] = x;
    h->n_exact++;
    if (h->n_exact > ((uint32_t)1 << h->p) / 4)
        return to_dense(a, h);
    return true;
}

bool msoc_exec__dsk_add(msoc_arena *a, xhll *h, uint64_t hash)
{
    return set_insert(a, h, mix(hash));
}

bool msoc_exec__dsk_merge(msoc_arena *a, xhll *dst, const xhll *src)
{
    if (src->regs) {
        if (dst->regs == NULL && !to_dense(a, dst))
            return false;
        size_t m = (size_t)1 << dst->p;
        if (src->p == dst->p) {
            for (size_t i = 0; i < m; i++)
                if (src->regs[i] > dst->regs[i])
                    dst->regs[i] = src->regs[i];
        }
        return true;
    }
    for (uint32_t i = 0; i < src->cap; i++)
        if (src->set[i] && !set_insert(a, dst, src->set[i]))
            return false;
    return true;
}

static double sigma(double x)
{
    if (x == 1.0)
        return INFINITY;
    double y = 1, z = x, zp;
    do {
        x *= x;
        zp = z;
        z += x * y;
        y += y;
    } while (z != zp);
    return z;
}

static double tau(double x)
{
    if (x == 0.0 || x == 1.0)
        return 0;
    double y = 1, z = 1 - x, zp;
    do {
        x = sqrt(x);
        zp = z;
        y *= 0.5;
        z -= (1 - x) * (1 - x) * y;
    } while (z != zp);
    return z / 3;
}

int64_t msoc_exec__dsk_estimate(const xhll *h)
{
    if (h->regs == NULL)
        return (int64_t)h->n_exact;
    int p = h->p;
    int qb = 64 - p; /* register values run 0..qb+1 */
    double c[66] = {0};
    size_t m = (size_t)1 << p;
    for (size_t i = 0; i < m; i++)
        c[h->regs[i]] += 1;
    double dm = (double)m;
    double z = dm * tau(1.0 - c[qb + 1] / dm);
    for (int k = qb; k >= 1; k--)
        z = 0.5 * (z + c[k]);
    z += dm * sigma(c[0] / dm);
    double est = dm * dm / (2.0 * log(2.0) * z);
    return (int64_t)llround(est);
}
