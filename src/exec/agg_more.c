/* Aggregates beyond the core set of op_agg.c: covariance (sample and population,
 * with -if forms), weighted percentiles (percentilew, percentilesw_array) and
 * percentiles_array. Percentiles use the nearest-rank method as Kusto does: the
 * answer is always one of the input values. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"

static bool is_nullish(xval v)
{
    return v.is_null && !xtype_is_str(v.t);
}

static bool truthy(const msoc_exec_col *c, size_t r)
{
    xval v = msoc_exec__col_get(c, r);
    if (v.t == MSOC_TYPE_DYNAMIC && !v.is_null)
        v = msoc_exec__from_json(v.d);
    return !v.is_null && (v.t == MSOC_TYPE_BOOL || xtype_is_int(v.t)) && v.i != 0;
}

static double real_of(xq *q, xval v, bool *ok)
{
    if (v.t == MSOC_TYPE_DYNAMIC && !v.is_null)
        v = msoc_exec__from_json(v.d);
    if (is_nullish(v) || !(xtype_is_num(v.t) || v.t == MSOC_TYPE_BOOL)) {
        *ok = false;
        return 0;
    }
    *ok = true;
    return msoc_exec__convert(q, v, MSOC_TYPE_REAL).r;
}

static msoc_status covariance(xq *q, const msoc_plan_agg *agg, msoc_exec_col **args, size_t n,
                              const size_t *gid, size_t n_groups, msoc_exec_col *o)
{
    bool is_if = agg->fn == MSOC_PLAN_FN_COVARIANCEIF || agg->fn == MSOC_PLAN_FN_COVARIANCEPIF;
    bool is_pop = agg->fn == MSOC_PLAN_FN_COVARIANCEP || agg->fn == MSOC_PLAN_FN_COVARIANCEPIF;
    double *mx = msoc_exec__calloc(q, n_groups + 1, sizeof *mx);
    double *my = msoc_exec__calloc(q, n_groups + 1, sizeof *my);
    double *cxy = msoc_exec__calloc(q, n_groups + 1, sizeof *cxy);
    int64_t *cnt = msoc_exec__calloc(q, n_groups + 1, sizeof *cnt);
    if (mx == NULL || my == NULL || cxy == NULL || cnt == NULL)
        return q->err->code;
    for (size_t r = 0; r < n; r++) {
        if (is_if && !truthy(args[2], r))
            continue;
        bool okx, oky;
        double x = real_of(q, msoc_exec__col_get(args[0], r), &okx);
        double y = real_of(q, msoc_exec__col_get(args[1], r), &oky);
        if (!okx || !oky)
            continue;
        size_t g = gid[r];
        cnt[g]++;
        /* Welford's co-moment update: stable for large means */
        double dx = x - mx[g];
        mx[g] += dx / (double)cnt[g];
        my[g] += (y - my[g]) / (double)cnt[g];
        cxy[g] += dx * (y - my[g]);
    }
    for (size_t g = 0; g < n_groups; g++) {
        int64_t d = is_pop ? cnt[g] : cnt[g] - 1;
        o->v.r[g] = d > 0 ? cxy[g] / (double)d : 0;
    }
    return MSOC_OK;
}

typedef struct wval {
    xval v;
    double w;
} wval;

static int cmp_wval(const void *x, const void *y)
{
    return msoc_exec__cmp(((const wval *)x)->v, ((const wval *)y)->v);
}

/* The percentile list of a call: constant arguments from `first`, or one dynamic array. */
static msoc_status percent_list(xq *q, const msoc_plan_agg *agg, msoc_exec_col **args, size_t first,
                                double **ps, size_t *n_ps)
{
    size_t cap = agg->n_args > first ? agg->n_args - first : 0;
    json_t *arr = NULL;
    if (cap == 1 && args[first]->type == MSOC_TYPE_DYNAMIC && args[first]->n > 0) {
        xval v = msoc_exec__col_get(args[first], 0);
        if (!v.is_null && json_is_array(v.d)) {
            arr = v.d;
            cap = json_array_size(arr);
        }
    }
    *ps = msoc_exec__calloc(q, cap + 1, sizeof **ps);
    if (*ps == NULL)
        return q->err->code;
    *n_ps = cap;
    for (size_t i = 0; i < cap; i++) {
        xval v = arr ? msoc_exec__from_json(json_array_get(arr, i))
                     : (args[first + i]->n > 0 ? msoc_exec__col_get(args[first + i], 0) : xv_null(MSOC_TYPE_REAL));
        bool ok;
        double p = real_of(q, v, &ok);
        if (!ok || p < 0 || p > 100)
            return msoc_fail(q->err, MSOC_SEMANTIC, "%s(): percentiles must be numbers in 0..100",
                             msoc_plan_fn_get(agg->fn)->name);
        (*ps)[i] = p;
    }
    return MSOC_OK;
}

static msoc_status percentiles(xq *q, const msoc_plan_agg *agg, msoc_exec_col **args, size_t n,
                               const size_t *gid, size_t n_groups, msoc_exec_col **outs)
{
    bool is_weighted = agg->fn == MSOC_PLAN_FN_PERCENTILEW || agg->fn == MSOC_PLAN_FN_PERCENTILESW_ARRAY;
    bool is_array = agg->fn != MSOC_PLAN_FN_PERCENTILEW;
    size_t first = is_weighted ? 2 : 1;
    double *ps;
    size_t n_ps;
    msoc_status st = percent_list(q, agg, args, first, &ps, &n_ps);
    if (st != MSOC_OK)
        return st;
    size_t *cnt = msoc_exec__calloc(q, n_groups + 1, sizeof *cnt);
    size_t *off = msoc_exec__calloc(q, n_groups + 2, sizeof *off);
    size_t *pos = msoc_exec__calloc(q, n_groups + 1, sizeof *pos);
    wval *vals = msoc_exec__calloc(q, n + 1, sizeof *vals);
    bool *keep = msoc_exec__calloc(q, n + 1, sizeof *keep);
    double *wts = msoc_exec__calloc(q, n + 1, sizeof *wts);
    if (cnt == NULL || off == NULL || pos == NULL || vals == NULL || keep == NULL || wts == NULL)
        return q->err->code;
    for (size_t r = 0; r < n; r++) {
        if (is_nullish(msoc_exec__col_get(args[0], r)))
            continue;
        double w = 1;
        if (is_weighted) {
            bool ok;
            w = real_of(q, msoc_exec__col_get(args[1], r), &ok);
            if (!ok || !(w > 0))
                continue;
        }
        keep[r] = true;
        wts[r] = w;
        cnt[gid[r]]++;
    }
    for (size_t g = 0; g < n_groups; g++)
        off[g + 1] = off[g] + cnt[g];
    for (size_t r = 0; r < n; r++) {
        if (!keep[r])
            continue;
        size_t g = gid[r];
        vals[off[g] + pos[g]++] = (wval){msoc_exec__col_get(args[0], r), wts[r]};
    }
    for (size_t g = 0; g < n_groups; g++) {
        wval *gv = vals + off[g];
        qsort(gv, cnt[g], sizeof *gv, cmp_wval);
        double total = 0;
        for (size_t i = 0; i < cnt[g]; i++)
            total += gv[i].w;
        json_t *arr = NULL;
        if (is_array) {
            arr = msoc_exec__own(q, json_array());
            if (arr == NULL)
                return q->err->code;
        }
        for (size_t k = 0; k < n_ps; k++) {
            if (cnt[g] == 0) {
                if (arr)
                    json_array_append_new(arr, json_null());
                continue;
            }
            /* nearest rank: the first value whose cumulative weight reaches p% */
            double want = ps[k] / 100.0 * total, acc = 0;
            size_t idx = cnt[g] - 1;
            for (size_t i = 0; i < cnt[g]; i++) {
                acc += gv[i].w;
                if (acc >= want && acc > 0) {
                    idx = i;
                    break;
                }
            }
            if (arr)
                json_array_append(arr, msoc_exec__to_json(q, gv[idx].v));
            else
                msoc_exec__col_set(q, outs[0], g, gv[idx].v);
        }
        if (arr)
            outs[0]->v.d[g] = cnt[g] == 0 ? NULL : arr;
        else if (cnt[g] == 0)
            msoc_exec__col_set_null(q, outs[0], g);
    }
    return q->err->code;
}

msoc_status msoc_exec__agg_more(xq *q, const msoc_plan_agg *agg, msoc_exec_col **args, size_t n,
                                const size_t *gid, size_t n_groups, msoc_exec_col **outs)
{
    switch (agg->fn) {
    case MSOC_PLAN_FN_COVARIANCE:
    case MSOC_PLAN_FN_COVARIANCEIF:
    case MSOC_PLAN_FN_COVARIANCEP:
    case MSOC_PLAN_FN_COVARIANCEPIF: return covariance(q, agg, args, n, gid, n_groups, outs[0]);
    case MSOC_PLAN_FN_PERCENTILEW:
    case MSOC_PLAN_FN_PERCENTILES_ARRAY:
    case MSOC_PLAN_FN_PERCENTILESW_ARRAY: return percentiles(q, agg, args, n, gid, n_groups, outs);
    default:
        return msoc_fail(q->err, MSOC_UNSUPPORTED, "not supported: aggregate %s()",
                         msoc_plan_fn_get(agg->fn)->name);
    }
}
