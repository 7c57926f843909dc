/* Aggregates beyond the core set of op_agg.c: covariance (sample and population,
 * with -if forms), weighted percentiles (percentilew, percentilesw_array),
 * percentiles_array, the sketches tdigest/tdigest_merge and hll/hll_if/hll_merge
 * (layouts in fn_sketch.c) and buildschema. Percentiles use the nearest-rank method as Kusto does: the
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


/* tdigest(x[, w]) and tdigest_merge(digest): per group, a digest of the values. */
static msoc_status tdigest(xq *q, const msoc_plan_agg *agg, msoc_exec_col **args, size_t n,
                           const size_t *gid, size_t n_groups, msoc_exec_col *o)
{
    bool is_merge = agg->fn == MSOC_PLAN_FN_TDIGEST_MERGE;
    size_t *cnt = msoc_exec__calloc(q, n_groups + 1, sizeof *cnt);
    size_t *off = msoc_exec__calloc(q, n_groups + 2, sizeof *off);
    size_t *pos = msoc_exec__calloc(q, n_groups + 1, sizeof *pos);
    if (cnt == NULL || off == NULL || pos == NULL)
        return q->err->code;
    for (size_t r = 0; r < n; r++)
        if (!is_nullish(msoc_exec__col_get(args[0], r)))
            cnt[gid[r]]++;
    for (size_t g = 0; g < n_groups; g++)
        off[g + 1] = off[g] + cnt[g];
    size_t *rows = msoc_exec__calloc(q, n + 1, sizeof *rows);
    if (rows == NULL)
        return q->err->code;
    for (size_t r = 0; r < n; r++)
        if (!is_nullish(msoc_exec__col_get(args[0], r)))
            rows[off[gid[r]] + pos[gid[r]]++] = r;
    for (size_t g = 0; g < n_groups; g++) {
        json_t *res = NULL;
        if (is_merge) {
            json_t **parts = msoc_exec__calloc(q, cnt[g] + 1, sizeof *parts);
            if (parts == NULL)
                return q->err->code;
            size_t k = 0;
            for (size_t i = 0; i < cnt[g]; i++) {
                xval v = msoc_exec__col_get(args[0], rows[off[g] + i]);
                if (v.t == MSOC_TYPE_DYNAMIC && json_is_object(v.d))
                    parts[k++] = v.d;
            }
            /* flatten every part's points, then rebuild */
            size_t total = 0;
            for (size_t i = 0; i < k; i++)
                total += json_array_size(json_object_get(parts[i], "v"));
            json_t **vals = msoc_exec__calloc(q, total + 1, sizeof *vals);
            double *ws = msoc_exec__calloc(q, total + 1, sizeof *ws);
            if (vals == NULL || ws == NULL)
                return q->err->code;
            size_t m = 0;
            for (size_t i = 0; i < k; i++) {
                json_t *arr = json_object_get(parts[i], "v");
                for (size_t j = 0; json_is_array(arr) && j < json_array_size(arr); j++) {
                    json_t *pair = json_array_get(arr, j);
                    if (!json_is_array(pair) || json_array_size(pair) != 2 ||
                        !json_is_number(json_array_get(pair, 1)))
                        continue;
                    vals[m] = json_array_get(pair, 0);
                    ws[m++] = json_number_value(json_array_get(pair, 1));
                }
            }
            res = msoc_exec__tdigest_build(q, vals, ws, m);
        } else {
            json_t **vals = msoc_exec__calloc(q, cnt[g] + 1, sizeof *vals);
            double *ws = msoc_exec__calloc(q, cnt[g] + 1, sizeof *ws);
            if (vals == NULL || ws == NULL)
                return q->err->code;
            size_t m = 0;
            for (size_t i = 0; i < cnt[g]; i++) {
                size_t r = rows[off[g] + i];
                double w = 1;
                if (agg->n_args > 1) {
                    bool ok;
                    w = real_of(q, msoc_exec__col_get(args[1], r), &ok);
                    if (!ok || !(w > 0))
                        continue;
                }
                vals[m] = msoc_exec__to_json(q, msoc_exec__col_get(args[0], r));
                ws[m++] = w;
            }
            res = msoc_exec__tdigest_build(q, vals, ws, m);
        }
        if (q->err->code != MSOC_OK)
            return q->err->code;
        o->v.d[g] = res;
    }
    return q->err->code;
}

/* hll(x[, accuracy]), hll_if(x, pred[, accuracy]), hll_merge(sketch[, accuracy]). */
static msoc_status hll(xq *q, const msoc_plan_agg *agg, msoc_exec_col **args, size_t n,
                       const size_t *gid, size_t n_groups, msoc_exec_col *o)
{
    bool is_if = agg->fn == MSOC_PLAN_FN_HLL_IF;
    bool is_merge = agg->fn == MSOC_PLAN_FN_HLL_MERGE;
    size_t acc_arg = is_if ? 2 : 1;
    int64_t accuracy = 1;
    if (agg->n_args > acc_arg && n > 0) {
        xval v = msoc_exec__col_get(args[acc_arg], 0);
        if (!v.is_null)
            accuracy = msoc_exec__convert(q, v, MSOC_TYPE_LONG).i;
    }
    static const int p_of_accuracy[] = {12, 14, 16, 17, 18}; /* Kusto's levels 0..4 */
    if (accuracy < 0 || accuracy > 4)
        return msoc_fail(q->err, MSOC_INVALID, "%s(): accuracy must be 0..4", msoc_plan_fn_get(agg->fn)->name);
    int p = p_of_accuracy[accuracy];
    size_t *cnt = msoc_exec__calloc(q, n_groups + 1, sizeof *cnt);
    size_t *off = msoc_exec__calloc(q, n_groups + 2, sizeof *off);
    size_t *pos = msoc_exec__calloc(q, n_groups + 1, sizeof *pos);
    size_t *rows = msoc_exec__calloc(q, n + 1, sizeof *rows);
    if (cnt == NULL || off == NULL || pos == NULL || rows == NULL)
        return q->err->code;
    bool *keep = msoc_exec__calloc(q, n + 1, sizeof *keep);
    if (keep == NULL)
        return q->err->code;
    for (size_t r = 0; r < n; r++) {
        if (is_nullish(msoc_exec__col_get(args[0], r)) || (is_if && !truthy(args[1], r)))
            continue;
        keep[r] = true;
        cnt[gid[r]]++;
    }
    for (size_t g = 0; g < n_groups; g++)
        off[g + 1] = off[g] + cnt[g];
    for (size_t r = 0; r < n; r++)
        if (keep[r])
            rows[off[gid[r]] + pos[gid[r]]++] = r;
    for (size_t g = 0; g < n_groups; g++) {
        if (cnt[g] == 0) {
            o->v.d[g] = NULL;
            continue;
        }
        json_t *res = NULL;
        if (is_merge) {
            const json_t **parts = msoc_exec__calloc(q, cnt[g] + 1, sizeof *parts);
            if (parts == NULL)
                return q->err->code;
            size_t k = 0;
            for (size_t i = 0; i < cnt[g]; i++) {
                xval v = msoc_exec__col_get(args[0], rows[off[g] + i]);
                if (v.t == MSOC_TYPE_DYNAMIC && v.d)
                    parts[k++] = v.d;
            }
            if (!msoc_exec__hll_merge(q, parts, k, &res))
                return q->err->code != MSOC_OK
                           ? q->err->code
                           : msoc_fail(q->err, MSOC_INVALID, "hll_merge(): an input is not an hll() sketch");
        } else {
            uint64_t *hs = msoc_exec__alloc(q, (cnt[g] + 1) * sizeof *hs);
            if (hs == NULL)
                return q->err->code;
            for (size_t i = 0; i < cnt[g]; i++)
                hs[i] = msoc_exec__hash(msoc_exec__col_get(args[0], rows[off[g] + i]));
            /* one sparse sketch per row, merged: the merge dedups and densifies */
            json_t *sparse = msoc_exec__hll_value(q, p, hs, cnt[g], NULL);
            const json_t *one[1] = {sparse};
            if (sparse == NULL || !msoc_exec__hll_merge(q, one, 1, &res))
                return q->err->code;
        }
        o->v.d[g] = res;
    }
    return q->err->code;
}

/* ---- buildschema: the union of the shapes of dynamic values ---- */

static const char *scalar_type(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_INTEGER: return "long";
    case JSON_REAL: return "double";
    case JSON_STRING: return "string";
    case JSON_TRUE:
    case JSON_FALSE: return "bool";
    default: return NULL;
    }
}

static json_t *schema_merge(json_t *acc, json_t *add);

/* The schema of one value (new reference), or NULL for null. */
static json_t *schema_of(const json_t *j, int depth)
{
    if (j == NULL || json_is_null(j) || depth > 64)
        return NULL;
    if (json_is_object(j)) {
        json_t *o = json_object();
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)(uintptr_t)j, k, v)
        {
            json_t *s = schema_of(v, depth + 1);
            if (s)
                json_object_set_new(o, k, s);
        }
        return o;
    }
    if (json_is_array(j)) {
        json_t *el = NULL;
        for (size_t i = 0; i < json_array_size(j); i++)
            el = schema_merge(el, schema_of(json_array_get(j, i), depth + 1));
        json_t *o = json_object();
        if (el)
            json_object_set_new(o, "`indexer`", el);
        return o;
    }
    const char *t = scalar_type(j);
    return t ? json_string(t) : NULL;
}

/* Adds alternative add (consumed) to the list alts: objects merge into the list's
 * object, scalar types are kept once, objects first. */
static void alts_add(json_t *alts, json_t *add)
{
    for (size_t i = 0; i < json_array_size(alts); i++) {
        json_t *a = json_array_get(alts, i);
        if (json_is_object(a) && json_is_object(add)) {
            json_array_set_new(alts, i, schema_merge(json_incref(a), add));
            return;
        }
        if (json_is_string(a) && json_is_string(add) && strcmp(json_string_value(a), json_string_value(add)) == 0) {
            json_decref(add);
            return;
        }
    }
    if (json_is_object(add))
        json_array_insert_new(alts, 0, add);
    else
        json_array_append_new(alts, add);
}

/* Merges two schemas (both consumed; either may be NULL). */
static json_t *schema_merge(json_t *acc, json_t *add)
{
    if (acc == NULL)
        return add;
    if (add == NULL)
        return acc;
    if (json_is_object(acc) && json_is_object(add)) {
        json_t *o = json_deep_copy(acc);
        const char *k;
        json_t *v;
        json_object_foreach(add, k, v)
        {
            json_t *cur = json_object_get(o, k);
            json_object_set_new(o, k, schema_merge(cur ? json_incref(cur) : NULL, json_incref(v)));
        }
        json_decref(acc);
        json_decref(add);
        return o;
    }
    if (json_is_string(acc) && json_is_string(add) && strcmp(json_string_value(acc), json_string_value(add)) == 0) {
        json_decref(add);
        return acc;
    }
    json_t *alts = json_array();
    if (json_is_array(acc)) {
        for (size_t i = 0; i < json_array_size(acc); i++)
            alts_add(alts, json_incref(json_array_get(acc, i)));
        json_decref(acc);
    } else {
        alts_add(alts, acc);
    }
    if (json_is_array(add)) {
        for (size_t i = 0; i < json_array_size(add); i++)
            alts_add(alts, json_incref(json_array_get(add, i)));
        json_decref(add);
    } else {
        alts_add(alts, add);
    }
    return alts;
}

static msoc_status buildschema(xq *q, msoc_exec_col **args, size_t n, const size_t *gid, size_t n_groups,
                               msoc_exec_col *o)
{
    for (size_t g = 0; g < n_groups; g++)
        o->v.d[g] = NULL;
    for (size_t r = 0; r < n; r++) {
        xval v = msoc_exec__col_get(args[0], r);
        if (v.t != MSOC_TYPE_DYNAMIC || v.is_null)
            continue;
        size_t g = gid[r];
        json_t *prev = o->v.d[g];
        json_t *merged = schema_merge(prev ? json_incref(prev) : NULL, schema_of(v.d, 0));
        o->v.d[g] = merged ? msoc_exec__own(q, merged) : NULL;
        if ((r & 0xffff) == 0xffff && msoc_exec__check(q) != MSOC_OK)
            return q->err->code;
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
    case MSOC_PLAN_FN_TDIGEST:
    case MSOC_PLAN_FN_TDIGEST_MERGE: return tdigest(q, agg, args, n, gid, n_groups, outs[0]);
    case MSOC_PLAN_FN_HLL:
    case MSOC_PLAN_FN_HLL_IF:
    case MSOC_PLAN_FN_HLL_MERGE: return hll(q, agg, args, n, gid, n_groups, outs[0]);
    case MSOC_PLAN_FN_BUILDSCHEMA: return buildschema(q, args, n, gid, n_groups, outs[0]);
    default:
        return msoc_fail(q->err, MSOC_UNSUPPORTED, "not supported: aggregate %s()",
                         msoc_plan_fn_get(agg->fn)->name);
    }
}
