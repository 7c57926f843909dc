/* Sketches as dynamic values: tdigest() keeps (value, count) pairs, exact up to
 * MSOC_EXEC_TDIGEST_MAX distinct values and merged into that many centroids
 * beyond; hll() keeps the distinct 64-bit hashes exactly up to 2^p of them and
 * HyperLogLog registers (p bits of index) beyond. The layouts are ours (Kusto's
 * are opaque too): {"tdigest":1,"v":[[x,n],...]} and {"hll":1,"p":P,"h":[...]} /
 * {"hll":1,"p":P,"r":"<base64 registers>"}. Scalar side: merge_tdigest,
 * percentile_tdigest, percentiles_array_tdigest, dcount_hll. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

/* ---- tdigest ---- */

typedef struct td_pt {
    json_t *v; /* borrowed */
    double n;
} td_pt;

static int cmp_pt(const void *x, const void *y)
{
    const td_pt *a = x, *b = y;
    return msoc_exec__cmp(msoc_exec__from_json(a->v), msoc_exec__from_json(b->v));
}

static bool is_tdigest(const json_t *j)
{
    return json_is_object(j) && json_object_get(j, "tdigest") && json_is_array(json_object_get(j, "v"));
}

/* Sorts and merges points into a new digest value (NULL when there are none). */
static json_t *td_build(xq *q, td_pt *pts, size_t n)
{
    if (n == 0)
        return NULL;
    qsort(pts, n, sizeof *pts, cmp_pt);
    json_t *arr = json_array();
    json_t *o = msoc_exec__own(q, json_object());
    if (arr == NULL || o == NULL) {
        json_decref(arr);
        return NULL;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double cnt = 0;
        while (j < n && msoc_exec__json_eq(pts[j].v, pts[i].v))
            cnt += pts[j++].n;
        json_t *pair = json_array();
        json_array_append(pair, pts[i].v);
        json_array_append_new(pair, json_real(cnt));
        json_array_append_new(arr, pair);
        i = j;
    }
    json_object_set_new(o, "tdigest", json_integer(1));
    json_object_set_new(o, "v", arr);
    return o;
}

json_t *msoc_exec__tdigest_build(xq *q, json_t **vals, const double *counts, size_t n)
{
    td_pt *pts = msoc_exec__alloc(q, (n + 1) * sizeof *pts);
    if (pts == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        pts[i] = (td_pt){vals[i], counts ? counts[i] : 1};
    return td_build(q, pts, n);
}

static bool td_collect(xq *q, const json_t *td, td_pt **pts, size_t *n, size_t *cap)
{
    if (!is_tdigest(td))
        return false;
    const json_t *arr = json_object_get(td, "v");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *pair = json_array_get(arr, i);
        if (!json_is_array(pair) || json_array_size(pair) != 2 || !json_is_number(json_array_get(pair, 1)))
            return false;
        if (*n == *cap) {
            size_t nc = *cap ? *cap * 2 : 64;
            td_pt *g = msoc_exec__alloc(q, nc * sizeof *g);
            if (g == NULL)
                return false;
            if (*n)
                memcpy(g, *pts, *n * sizeof *g);
            *pts = g;
            *cap = nc;
        }
        (*pts)[(*n)++] = (td_pt){json_array_get(pair, 0), json_number_value(json_array_get(pair, 1))};
    }
    return true;
}

ROW(f_merge_tdigest)
{
    td_pt *pts = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < n_args; i++) {
        if (a[i].is_null)
            continue;
        if (a[i].t != MSOC_TYPE_DYNAMIC || !td_collect(q, a[i].d, &pts, &n, &cap))
            return;
    }
    json_t *o = td_build(q, pts, n);
    if (o)
        *out = xv_dyn(o);
}

/* Nearest rank over the digest's counts. */
static const json_t *td_percentile(const json_t *td, double p)
{
    const json_t *arr = json_object_get(td, "v");
    double total = 0;
    for (size_t i = 0; i < json_array_size(arr); i++)
        total += json_number_value(json_array_get(json_array_get(arr, i), 1));
    if (total <= 0)
        return NULL;
    double want = p / 100.0 * total, acc = 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        acc += json_number_value(json_array_get(json_array_get(arr, i), 1));
        if (acc >= want && acc > 0)
            return json_array_get(json_array_get(arr, i), 0);
    }
    return json_array_get(json_array_get(arr, json_array_size(arr) - 1), 0);
}

ROW(f_percentile_tdigest)
{
    (void)n_args;
    if (a[0].t != MSOC_TYPE_DYNAMIC || !is_tdigest(a[0].d))
        return;
    xval p = msoc_exec__convert(q, a[1], MSOC_TYPE_REAL);
    if (p.is_null || p.r < 0 || p.r > 100)
        return;
    const json_t *v = td_percentile(a[0].d, p.r);
    if (v)
        *out = msoc_exec__convert(q, msoc_exec__from_json((json_t *)(uintptr_t)v), out->t);
}

ROW(f_percentiles_array_tdigest)
{
    if (a[0].t != MSOC_TYPE_DYNAMIC || !is_tdigest(a[0].d))
        return;
    json_t *r = msoc_exec__own(q, json_array());
    if (r == NULL)
        return;
    for (size_t i = 1; i < n_args; i++) {
        json_t *list = a[i].t == MSOC_TYPE_DYNAMIC && json_is_array(a[i].d) ? a[i].d : NULL;
        size_t cnt = list ? json_array_size(list) : 1;
        for (size_t k = 0; k < cnt; k++) {
            xval pv = list ? msoc_exec__from_json(json_array_get(list, k)) : a[i];
            xval p = msoc_exec__convert(q, pv, MSOC_TYPE_REAL);
            const json_t *v = p.is_null ? NULL : td_percentile(a[0].d, p.r);
            json_array_append_new(r, v ? json_incref((json_t *)(uintptr_t)v) : json_null());
        }
    }
    *out = xv_dyn(r);
}

/* ---- hll ---- */

static bool hll_p(const json_t *h, int *p)
{
    const json_t *pj = json_object_get(h, "p");
    if (!json_is_object(h) || !json_object_get(h, "hll") || !json_is_integer(pj))
        return false;
    *p = (int)json_integer_value(pj);
    return *p >= 4 && *p <= 18;
}

/* Registers of a dense sketch, or NULL. */
static uint8_t *hll_regs(xq *q, const json_t *h, int p)
{
    const json_t *r = json_object_get(h, "r");
    size_t m = (size_t)1 << p;
    if (!json_is_string(r) || json_string_length(r) != m * 2)
        return NULL;
    uint8_t *regs = msoc_exec__alloc(q, m);
    if (regs == NULL)
        return NULL;
    const char *s = json_string_value(r);
    for (size_t i = 0; i < m; i++) {
        int hi = s[2 * i] - 'a', lo = s[2 * i + 1] - 'a';
        if (hi < 0 || hi > 15 || lo < 0 || lo > 15)
            return NULL;
        regs[i] = (uint8_t)(hi << 4 | lo);
    }
    return regs;
}

void msoc_exec__hll_add(uint8_t *regs, int p, uint64_t h)
{
    size_t idx = (size_t)(h >> (64 - p));
    uint64_t rest = (h << p) | ((uint64_t)1 << (p - 1));
    uint8_t rank = 1;
    while (!(rest & 0x8000000000000000ULL)) {
        rank++;
        rest <<= 1;
    }
    if (rank > regs[idx])
        regs[idx] = rank;
}

static double hll_estimate(const uint8_t *regs, int p)
{
    size_t m = (size_t)1 << p;
    double sum = 0;
    size_t zeros = 0;
    for (size_t i = 0; i < m; i++) {
        sum += ldexp(1.0, -regs[i]);
        zeros += regs[i] == 0;
    }
    double alpha = 0.7213 / (1 + 1.079 / (double)m);
    double e = alpha * (double)m * (double)m / sum;
    if (e <= 2.5 * (double)m && zeros)
        e = (double)m * log((double)m / (double)zeros);
    return e;
}

/* A sketch value from a set of hashes (sparse) or registers (dense). */
json_t *msoc_exec__hll_value(xq *q, int p, const uint64_t *hs, size_t n, const uint8_t *regs)
{
    json_t *o = msoc_exec__own(q, json_object());
    if (o == NULL)
        return NULL;
    json_object_set_new(o, "hll", json_integer(1));
    json_object_set_new(o, "p", json_integer(p));
    if (regs == NULL) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_integer((json_int_t)hs[i]));
        json_object_set_new(o, "h", arr);
        return o;
    }
    size_t m = (size_t)1 << p;
    char *s = msoc_exec__alloc(q, 2 * m + 1);
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < m; i++) {
        s[2 * i] = (char)('a' + (regs[i] >> 4));
        s[2 * i + 1] = (char)('a' + (regs[i] & 15));
    }
    json_object_set_new(o, "r", json_stringn(s, 2 * m));
    return o;
}

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* Merges sketches (same p) into one; false when one is not a sketch. */
bool msoc_exec__hll_merge(xq *q, const json_t *const *hs, size_t n_hs, json_t **out)
{
    int p = 0;
    size_t total = 0;
    bool is_dense = false;
    for (size_t i = 0; i < n_hs; i++) {
        int pi;
        if (!hll_p(hs[i], &pi) || (p && pi != p))
            return false;
        p = pi;
        const json_t *h = json_object_get(hs[i], "h");
        if (json_is_array(h))
            total += json_array_size(h);
        else
            is_dense = true;
    }
    if (p == 0) {
        *out = NULL;
        return true;
    }
    size_t m = (size_t)1 << p;
    uint64_t *all = msoc_exec__alloc(q, (total + 1) * sizeof *all);
    if (all == NULL)
        return false;
    size_t k = 0;
    for (size_t i = 0; i < n_hs; i++) {
        const json_t *h = json_object_get(hs[i], "h");
        for (size_t j = 0; json_is_array(h) && j < json_array_size(h); j++)
            all[k++] = (uint64_t)json_integer_value(json_array_get(h, j));
    }
    qsort(all, k, sizeof *all, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || all[u - 1] != all[i])
            all[u++] = all[i];
    if (!is_dense && u <= m) {
        *out = msoc_exec__hll_value(q, p, all, u, NULL);
        return *out != NULL;
    }
    uint8_t *regs = msoc_exec__calloc(q, m, 1);
    if (regs == NULL)
        return false;
    for (size_t i = 0; i < u; i++)
        msoc_exec__hll_add(regs, p, all[i]);
    for (size_t i = 0; i < n_hs; i++) {
        if (json_is_array(json_object_get(hs[i], "h")))
            continue;
        uint8_t *r = hll_regs(q, hs[i], p);
        if (r == NULL)
            return false;
        for (size_t j = 0; j < m; j++)
            if (r[j] > regs[j])
                regs[j] = r[j];
    }
    *out = msoc_exec__hll_value(q, p, NULL, 0, regs);
    return *out != NULL;
}

ROW(f_dcount_hll)
{
    (void)n_args;
    int p;
    if (a[0].t != MSOC_TYPE_DYNAMIC || !hll_p(a[0].d, &p))
        return;
    const json_t *h = json_object_get(a[0].d, "h");
    if (json_is_array(h)) {
        *out = xv_long((int64_t)json_array_size(h));
        return;
    }
    uint8_t *regs = hll_regs(q, a[0].d, p);
    if (regs)
        *out = xv_long((int64_t)llround(hll_estimate(regs, p)));
}

void msoc_exec__fn_register_sketch(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, false}
    REG(MERGE_TDIGEST, f_merge_tdigest);
    REG(PERCENTILE_TDIGEST, f_percentile_tdigest);
    REG(PERCENTILES_ARRAY_TDIGEST, f_percentiles_array_tdigest);
    REG(DCOUNT_HLL, f_dcount_hll);
#undef REG
}
