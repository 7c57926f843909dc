/* The long tail of scalar functions (tail helper): rand, new_guid, has_any_index,
 * the extractall alias and the deprecated replace(regex, rewrite, text). rand() and new_guid() draw from OpenSSL's RAND_bytes,
 * which is thread-safe, so storage pipelines may call them from pool workers; each
 * row gets its own value, as in Kusto. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

static bool random_u64(xq *q, uint64_t *out)
{
    unsigned char b[8];
    if (RAND_bytes(b, (int)sizeof b) != 1) {
        msoc_fail(q->err, MSOC_UNAVAILABLE, "the random number generator failed");
        return false;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof b; i++)
        v = (v << 8) | b[i];
    *out = v;
    return true;
}

/* rand(): a real in [0, 1); rand(N): a real from {0.0, 1.0, ..., N - 1} (both real,
 * as documented). N below 1 or null gives null. */
ROW(f_rand)
{
    uint64_t v;
    if (n_args == 0) {
        if (random_u64(q, &v))
            *out = msoc_exec__convert(q, xv_real((double)(v >> 11) * 0x1.0p-53), out->t);
        return;
    }
    xval nv = msoc_exec__convert(q, a[0], MSOC_TYPE_LONG);
    if (nv.is_null || nv.i <= 0)
        return;
    if (!random_u64(q, &v))
        return;
    /* rejection sampling: unbiased for any N */
    uint64_t n = (uint64_t)nv.i, lim = UINT64_MAX - UINT64_MAX % n;
    while (v >= lim)
        if (!random_u64(q, &v))
            return;
    *out = msoc_exec__convert(q, xv_real((double)(v % n)), out->t);
}

/* new_guid(): a random (version 4, RFC 4122 variant) guid. */
ROW(f_new_guid)
{
    (void)a;
    (void)n_args;
    unsigned char b[16];
    if (RAND_bytes(b, (int)sizeof b) != 1) {
        msoc_fail(q->err, MSOC_UNAVAILABLE, "the random number generator failed");
        return;
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    char text[37];
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            text[k++] = '-';
        text[k++] = hex[b[i] >> 4];
        text[k++] = hex[b[i] & 15];
    }
    msoc_str s = msoc_exec__strdup(q, text, 36);
    if (s.ptr == NULL)
        return;
    out->is_null = false;
    out->s = s;
}

/* has_any_index(source, values): the index of the first element of values that
 * source has as a term (has semantics, case-insensitive); -1 when none or empty. */
ROW(f_has_any_index)
{
    (void)n_args;
    out->is_null = false;
    out->i = -1;
    msoc_str hay = msoc_exec__to_text(q, a[0]);
    if (a[1].t != MSOC_TYPE_DYNAMIC || a[1].d == NULL || !json_is_array(a[1].d))
        return;
    for (size_t i = 0; i < json_array_size(a[1].d); i++) {
        json_t *el = json_array_get(a[1].d, i);
        msoc_str term = msoc_exec__to_text(q, msoc_exec__from_json(el));
        if (term.len > 0 && msoc_exec__has_term(hay, term, false)) {
            out->i = (int64_t)i;
            return;
        }
    }
}

/* evaluate dcount_intersect(h1, ..., hk) computes s_j = this of (h1, ..., h(j+1)):
 * the distinct count of the intersection of the hll() sets. Sketches still holding
 * their exact hashes intersect exactly; otherwise inclusion-exclusion over the
 * estimated unions (each a merge of the sketches), clamped to [0, smallest set]. */
static xrow_fn dcount_hll_row;

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static bool hll_exact_hashes(const json_t *h)
{
    return json_is_object(h) && json_object_get(h, "hll") && json_is_array(json_object_get(h, "h"));
}

static int64_t sketch_count(xq *q, json_t *h)
{
    xval in = xv_dyn(h), res = xv_null(MSOC_TYPE_LONG);
    dcount_hll_row(q, &in, 1, &res);
    return res.is_null ? -1 : res.i;
}

ROW(f_dcount_intersect)
{
    if (n_args > 16 || dcount_hll_row == NULL)
        return;
    bool is_exact = true;
    for (size_t i = 0; i < n_args; i++) {
        if (a[i].t != MSOC_TYPE_DYNAMIC || a[i].is_null)
            return;
        is_exact = is_exact && hll_exact_hashes(a[i].d);
    }
    if (is_exact) {
        /* the hashes of the first set that every other set has (binary search in
         * sorted copies of the others) */
        uint64_t *sorted[16];
        size_t n_sorted[16];
        for (size_t i = 1; i < n_args; i++) {
            const json_t *hi = json_object_get(a[i].d, "h");
            n_sorted[i] = json_array_size(hi);
            if ((sorted[i] = msoc_exec__alloc(q, (n_sorted[i] + 1) * sizeof *sorted[i])) == NULL)
                return;
            for (size_t k = 0; k < n_sorted[i]; k++)
                sorted[i][k] = (uint64_t)json_integer_value(json_array_get(hi, k));
            qsort(sorted[i], n_sorted[i], sizeof *sorted[i], cmp_u64);
        }
        const json_t *h0 = json_object_get(a[0].d, "h");
        int64_t n = 0;
        for (size_t j = 0; j < json_array_size(h0); j++) {
            uint64_t v = (uint64_t)json_integer_value(json_array_get(h0, j));
            bool is_in_all = true;
            for (size_t i = 1; i < n_args && is_in_all; i++)
                is_in_all = bsearch(&v, sorted[i], n_sorted[i], sizeof v, cmp_u64) != NULL;
            n += is_in_all;
        }
        *out = xv_long(n);
        return;
    }
    /* |A1 n ... n Ak| = sum over non-empty subsets T of (-1)^(|T|+1) |union of T| */
    double total = 0;
    int64_t smallest = INT64_MAX;
    const json_t *parts[16];
    for (uint32_t mask = 1; mask < (1u << n_args); mask++) {
        size_t k = 0;
        for (size_t i = 0; i < n_args; i++)
            if (mask & (1u << i))
                parts[k++] = a[i].d;
        json_t *u = NULL;
        if (!msoc_exec__hll_merge(q, parts, k, &u) || u == NULL)
            return;
        int64_t c = sketch_count(q, u);
        if (c < 0)
            return;
        if (k == 1 && c < smallest)
            smallest = c;
        total += (k % 2 ? 1.0 : -1.0) * (double)c;
    }
    if (total < 0)
        total = 0;
    int64_t r = (int64_t)(total + 0.5);
    *out = xv_long(r < smallest ? r : smallest);
}

/* replace(regex, rewrite, text): the deprecated function, whose arguments come in
 * that order (replace_regex takes the text first). */
static xrow_fn replace_regex_row;

ROW(f_replace_deprecated)
{
    (void)n_args;
    xval r[3] = {a[2], a[0], a[1]};
    replace_regex_row(q, r, 3, out);
}

void msoc_exec__fn_register_tail(xfn_impl *t)
{
    dcount_hll_row = t[MSOC_PLAN_FN_DCOUNT_HLL].row;
    t[MSOC_PLAN_FN_DCOUNT_INTERSECT] = (xfn_impl){f_dcount_intersect, NULL, false};
    replace_regex_row = t[MSOC_PLAN_FN_REPLACE_REGEX].row;
    if (replace_regex_row != NULL)
        t[MSOC_PLAN_FN_REPLACE] = (xfn_impl){f_replace_deprecated, NULL, false};
    t[MSOC_PLAN_FN_RAND] = (xfn_impl){f_rand, NULL, false};
    t[MSOC_PLAN_FN_NEW_GUID] = (xfn_impl){f_new_guid, NULL, false};
    t[MSOC_PLAN_FN_HAS_ANY_INDEX] = (xfn_impl){f_has_any_index, NULL, false};
    t[MSOC_PLAN_FN_EXTRACTALL] = t[MSOC_PLAN_FN_EXTRACT_ALL]; /* the deprecated name */
}
