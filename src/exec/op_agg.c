/* summarize: hash aggregation. Keys and aggregate arguments are evaluated as
 * columns, rows are mapped to group ids through an open-addressing table keyed by
 * the row hash, then each aggregate folds its argument columns per group. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"

static bool truthy(const msoc_exec_col *c, size_t r)
{
    xval v = msoc_exec__col_get(c, r);
    if (v.t == MSOC_TYPE_DYNAMIC && !v.is_null)
        v = msoc_exec__from_json(v.d);
    return !v.is_null && (v.t == MSOC_TYPE_BOOL || xtype_is_int(v.t)) && v.i != 0;
}

static bool is_nullish(xval v)
{
    return v.is_null && !xtype_is_str(v.t);
}

typedef struct dset_entry {
    uint64_t h;
    size_t g;
} dset_entry;

static int cmp_xval_ptr(const void *x, const void *y)
{
    return msoc_exec__cmp(*(const xval *)x, *(const xval *)y);
}

/* Fills out columns outs[0..agg->n_out) for every group. */
static msoc_status run_agg(xq *q, const msoc_plan_agg *agg, msoc_exec_col **args, size_t n,
                           const size_t *gid, size_t n_groups, msoc_exec_col **outs)
{
    msoc_exec_col *o = outs[0];
    switch (agg->fn) {
    case MSOC_PLAN_FN_BINARY_ALL_AND:
    case MSOC_PLAN_FN_BINARY_ALL_OR:
    case MSOC_PLAN_FN_BINARY_ALL_XOR: {
        uint8_t *seen = msoc_exec__calloc(q, n_groups + 1, 1);
        if (seen == NULL)
            return q->err->code;
        for (size_t r = 0; r < n; r++) {
            xval v = msoc_exec__col_get(args[0], r);
            if (is_nullish(v))
                continue;
            int64_t x = msoc_exec__convert(q, v, MSOC_TYPE_LONG).i;
            size_t g = gid[r];
            if (!seen[g])
                o->v.i[g] = x;
            else if (agg->fn == MSOC_PLAN_FN_BINARY_ALL_AND)
                o->v.i[g] &= x;
            else if (agg->fn == MSOC_PLAN_FN_BINARY_ALL_OR)
                o->v.i[g] |= x;
            else
                o->v.i[g] ^= x;
            seen[g] = 1;
        }
        for (size_t g = 0; g < n_groups; g++)
            if (!seen[g])
                msoc_exec__col_set_null(q, o, g);
        return q->err->code;
    }
    case MSOC_PLAN_FN_COUNT:
    case MSOC_PLAN_FN_COUNTIF: {
        for (size_t r = 0; r < n; r++) {
            if (agg->fn == MSOC_PLAN_FN_COUNTIF && !truthy(args[0], r))
                continue;
            /* count(x) counts rows, nulls included: Kusto's count() takes no
             * argument and names the column after it (count_x) */
            o->v.i[gid[r]]++;
        }
        return MSOC_OK;
    }
    case MSOC_PLAN_FN_SUM:
    case MSOC_PLAN_FN_SUMIF:
    case MSOC_PLAN_FN_AVG:
    case MSOC_PLAN_FN_AVGIF: {
        bool is_if = agg->fn == MSOC_PLAN_FN_SUMIF || agg->fn == MSOC_PLAN_FN_AVGIF;
        bool is_avg = agg->fn == MSOC_PLAN_FN_AVG || agg->fn == MSOC_PLAN_FN_AVGIF;
        double *rs = msoc_exec__calloc(q, n_groups + 1, sizeof *rs);
        int64_t *is = msoc_exec__calloc(q, n_groups + 1, sizeof *is);
        int64_t *cnt = msoc_exec__calloc(q, n_groups + 1, sizeof *cnt);
        if (rs == NULL || is == NULL || cnt == NULL)
            return q->err->code;
        for (size_t r = 0; r < n; r++) {
            if (is_if && !truthy(args[1], r))
                continue;
            xval v = msoc_exec__col_get(args[0], r);
            if (v.t == MSOC_TYPE_DYNAMIC && !v.is_null)
                v = msoc_exec__from_json(v.d);
            if (is_nullish(v) || xtype_is_str(v.t) || v.t == MSOC_TYPE_DYNAMIC)
                continue;
            size_t g = gid[r];
            if (xtype_is_real(v.t))
                rs[g] += v.r;
            else {
                is[g] += v.i;
                rs[g] += (double)v.i;
            }
            cnt[g]++;
        }
        for (size_t g = 0; g < n_groups; g++) {
            if (is_avg) {
                if (cnt[g] == 0 && n == 0 && xtype_is_real(o->type))
                    o->v.r[g] = NAN; /* avg over no rows at all: 0/0, as Kusto answers */
                else if (cnt[g] == 0)
                    msoc_exec__col_set_null(q, o, g);
                else if (o->type == MSOC_TYPE_TIMESPAN)
                    o->v.i[g] = (int64_t)(rs[g] / (double)cnt[g]);
                else
                    o->v.r[g] = rs[g] / (double)cnt[g];
            } else if (cnt[g] == 0 && xtype_is_real(o->type)) {
                o->v.r[g] = 0;
                if (n_groups == 1 && n == 0)
                    msoc_exec__col_set_null(q, o, g);
            } else if (xtype_is_real(o->type)) {
                o->v.r[g] = rs[g];
            } else {
                o->v.i[g] = is[g];
            }
        }
        return q->err->code;
    }
    case MSOC_PLAN_FN_MIN:
    case MSOC_PLAN_FN_MAX:
    case MSOC_PLAN_FN_MINIF:
    case MSOC_PLAN_FN_MAXIF:
    case MSOC_PLAN_FN_ARG_MIN:
    case MSOC_PLAN_FN_ARG_MAX: {
        int sign = (agg->fn == MSOC_PLAN_FN_MAX || agg->fn == MSOC_PLAN_FN_MAXIF ||
                    agg->fn == MSOC_PLAN_FN_ARG_MAX) ? 1 : -1;
        bool is_if = agg->fn == MSOC_PLAN_FN_MINIF || agg->fn == MSOC_PLAN_FN_MAXIF;
        bool is_arg = agg->fn == MSOC_PLAN_FN_ARG_MIN || agg->fn == MSOC_PLAN_FN_ARG_MAX;
        int64_t *best = msoc_exec__calloc(q, n_groups + 1, sizeof *best);
        if (best == NULL)
            return q->err->code;
        for (size_t g = 0; g < n_groups; g++)
            best[g] = -1;
        for (size_t r = 0; r < n; r++) {
            if (is_if && !truthy(args[1], r))
                continue;
            xval v = msoc_exec__col_get(args[0], r);
            size_t g = gid[r];
            if (is_nullish(v) || (v.t == MSOC_TYPE_STRING && v.s.len == 0 && !is_arg)) {
                if (is_arg && best[g] == -1)
                    best[g] = -(int64_t)r - 2; /* remember a row for all-null groups */
                continue;
            }
            if (best[g] < 0 || msoc_exec__cmp(v, msoc_exec__col_get(args[0], (size_t)best[g])) * sign > 0)
                best[g] = (int64_t)r;
        }
        for (size_t g = 0; g < n_groups; g++) {
            int64_t b = best[g];
            if (b < 0 && !(is_arg && b < -1)) {
                for (size_t k = 0; k < agg->n_out; k++)
                    msoc_exec__col_set_null(q, outs[k], g);
                continue;
            }
            if (b < -1) {
                b = -b - 2;
                msoc_exec__col_set_null(q, outs[0], g);
            } else {
                msoc_exec__col_set(q, outs[0], g, msoc_exec__col_get(args[0], (size_t)b));
            }
            for (size_t k = 1; is_arg && k < agg->n_out; k++)
                msoc_exec__col_set(q, outs[k], g, msoc_exec__col_get(args[k], (size_t)b));
        }
        return q->err->code;
    }
    case MSOC_PLAN_FN_DCOUNT:
    case MSOC_PLAN_FN_DCOUNTIF: {
        /* Kusto's dcount is a HyperLogLog estimate (exact for small sets) */
        bool is_if = agg->fn == MSOC_PLAN_FN_DCOUNTIF;
        size_t acc_arg = is_if ? 2 : 1;
        int64_t accuracy = 1;
        if (agg->n_args > acc_arg && n > 0) {
            xval a = msoc_exec__col_get(args[acc_arg], 0);
            if (!a.is_null)
                accuracy = msoc_exec__convert(q, a, MSOC_TYPE_LONG).i;
        }
        int p = msoc_exec__dsk_precision(accuracy);
        xhll *sk = msoc_exec__calloc(q, n_groups + 1, sizeof *sk);
        uint64_t *hv = msoc_exec__alloc(q, (n + 1) * sizeof *hv);
        if (sk == NULL || hv == NULL)
            return q->err->code;
        for (size_t g = 0; g < n_groups; g++)
            msoc_exec__dsk_init(&sk[g], p);
        msoc_exec__hash_keys(&args[0], 1, n, hv);
        bool may_be_null = args[0]->nulls || args[0]->is_absent || args[0]->type == MSOC_TYPE_DYNAMIC;
        for (size_t r = 0; r < n; r++) {
            if (is_if && !truthy(args[1], r))
                continue;
            if (may_be_null && is_nullish(msoc_exec__col_get(args[0], r)))
                continue;
            if (!msoc_exec__dsk_add(q->arena, &sk[gid[r]], hv[r]))
                return msoc_arena_fail(q->arena, q->err);
        }
        for (size_t g = 0; g < n_groups; g++)
            o->v.i[g] = msoc_exec__dsk_estimate(&sk[g]);
        return MSOC_OK;
    }
    case MSOC_PLAN_FN_COUNT_DISTINCT: {
        bool is_if = false;
        size_t cap = 16;
        while (cap < n * 2)
            cap <<= 1;
        dset_entry *set = msoc_exec__calloc(q, cap, sizeof *set);
        uint8_t *used = msoc_exec__calloc(q, cap, 1);
        if (set == NULL || used == NULL)
            return q->err->code;
        uint64_t *hv = msoc_exec__alloc(q, (n + 1) * sizeof *hv);
        if (hv == NULL)
            return q->err->code;
        msoc_exec__hash_keys(&args[0], 1, n, hv);
        bool may_be_null = args[0]->nulls || args[0]->is_absent || args[0]->type == MSOC_TYPE_DYNAMIC;
        for (size_t r = 0; r < n; r++) {
            if (is_if && !truthy(args[1], r))
                continue;
            if (may_be_null && is_nullish(msoc_exec__col_get(args[0], r)))
                continue;
            uint64_t h = hv[r];
            size_t g = gid[r];
            size_t s = (size_t)(h ^ msoc_hash_u64(g)) & (cap - 1);
            while (used[s] && !(set[s].h == h && set[s].g == g))
                s = (s + 1) & (cap - 1);
            if (!used[s]) {
                used[s] = 1;
                set[s].h = h;
                set[s].g = g;
                o->v.i[g]++;
            }
        }
        return MSOC_OK;
    }
    case MSOC_PLAN_FN_MAKE_SET:
    case MSOC_PLAN_FN_MAKE_SET_IF:
    case MSOC_PLAN_FN_MAKE_LIST:
    case MSOC_PLAN_FN_MAKE_LIST_IF:
    case MSOC_PLAN_FN_MAKE_LIST_WITH_NULLS:
    case MSOC_PLAN_FN_MAKE_BAG:
    case MSOC_PLAN_FN_MAKE_BAG_IF: {
        bool is_if = agg->fn == MSOC_PLAN_FN_MAKE_SET_IF || agg->fn == MSOC_PLAN_FN_MAKE_LIST_IF ||
                     agg->fn == MSOC_PLAN_FN_MAKE_BAG_IF;
        bool is_set = agg->fn == MSOC_PLAN_FN_MAKE_SET || agg->fn == MSOC_PLAN_FN_MAKE_SET_IF;
        bool is_bag = agg->fn == MSOC_PLAN_FN_MAKE_BAG || agg->fn == MSOC_PLAN_FN_MAKE_BAG_IF;
        size_t max_arg = is_if ? 2 : 1;
        int64_t max = 1048576;
        if (agg->n_args > max_arg && n > 0) {
            xval m = msoc_exec__col_get(args[max_arg], 0);
            if (!m.is_null)
                max = msoc_exec__convert(q, m, MSOC_TYPE_LONG).i;
        }
        for (size_t g = 0; g < n_groups; g++) {
            json_t *j = msoc_exec__own(q, is_bag ? json_object() : json_array());
            if (j == NULL)
                return q->err->code;
            o->v.d[g] = j;
        }
        for (size_t r = 0; r < n; r++) {
            if (is_if && !truthy(args[1], r))
                continue;
            xval v = msoc_exec__col_get(args[0], r);
            json_t *acc = o->v.d[gid[r]];
            if (is_bag) {
                if (v.t == MSOC_TYPE_DYNAMIC && v.d && json_is_object(v.d) &&
                    (int64_t)json_object_size(acc) < max) {
                    const char *k;
                    json_t *val;
                    json_object_foreach(v.d, k, val)
                    {
                        if (json_object_get(acc, k) == NULL)
                            json_object_set(acc, k, val);
                    }
                }
                continue;
            }
            if (is_nullish(v) && agg->fn != MSOC_PLAN_FN_MAKE_LIST_WITH_NULLS)
                continue;
            if ((int64_t)json_array_size(acc) >= max)
                continue;
            json_t *jv = msoc_exec__to_json(q, v);
            if (is_set) {
                /* an array input contributes its elements */
                bool is_arr = json_is_array(jv);
                size_t n_el = is_arr ? json_array_size(jv) : 1;
                for (size_t e = 0; e < n_el && (int64_t)json_array_size(acc) < max; e++) {
                    json_t *el = is_arr ? json_array_get(jv, e) : jv;
                    bool is_dup = false;
                    for (size_t k = 0; k < json_array_size(acc) && !is_dup; k++)
                        is_dup = msoc_exec__json_eq(json_array_get(acc, k), el);
                    if (!is_dup)
                        json_array_append(acc, el);
                }
                continue;
            }
            /* Kusto's make_list flattens an array input one level, as make_set does */
            if (json_is_array(jv) && agg->fn != MSOC_PLAN_FN_MAKE_LIST_WITH_NULLS) {
                for (size_t e = 0; e < json_array_size(jv) && (int64_t)json_array_size(acc) < max; e++)
                    json_array_append(acc, json_array_get(jv, e));
                continue;
            }
            json_array_append(acc, jv);
        }
        return q->err->code;
    }
    case MSOC_PLAN_FN_TAKE_ANYIF: {
        uint8_t *seen = msoc_exec__calloc(q, n_groups + 1, 1);
        if (seen == NULL)
            return q->err->code;
        for (size_t g = 0; g < n_groups; g++)
            msoc_exec__col_set_null(q, o, g);
        for (size_t r = 0; r < n; r++) {
            size_t g = gid[r];
            if (seen[g] || !truthy(args[1], r))
                continue;
            seen[g] = 1;
            msoc_exec__col_set(q, o, g, msoc_exec__col_get(args[0], r));
        }
        return q->err->code;
    }
    case MSOC_PLAN_FN_TAKE_ANY:
    case MSOC_PLAN_FN_ANY: {
        uint8_t *seen = msoc_exec__calloc(q, n_groups + 1, 1);
        if (seen == NULL)
            return q->err->code;
        for (size_t g = 0; g < n_groups; g++)
            for (size_t k = 0; k < agg->n_out; k++)
                msoc_exec__col_set_null(q, outs[k], g);
        for (size_t r = 0; r < n; r++) {
            size_t g = gid[r];
            if (seen[g])
                continue;
            seen[g] = 1;
            for (size_t k = 0; k < agg->n_out && k < agg->n_args; k++)
                msoc_exec__col_set(q, outs[k], g, msoc_exec__col_get(args[k], r));
        }
        return q->err->code;
    }
    case MSOC_PLAN_FN_PERCENTILE:
    case MSOC_PLAN_FN_PERCENTILES: {
        size_t *cnt = msoc_exec__calloc(q, n_groups + 1, sizeof *cnt);
        size_t *off = msoc_exec__calloc(q, n_groups + 2, sizeof *off);
        xval *vals = msoc_exec__calloc(q, n + 1, sizeof *vals);
        if (cnt == NULL || off == NULL || vals == NULL)
            return q->err->code;
        for (size_t r = 0; r < n; r++)
            if (!is_nullish(msoc_exec__col_get(args[0], r)))
                cnt[gid[r]]++;
        for (size_t g = 0; g < n_groups; g++)
            off[g + 1] = off[g] + cnt[g];
        size_t *pos = msoc_exec__calloc(q, n_groups + 1, sizeof *pos);
        if (pos == NULL)
            return q->err->code;
        for (size_t r = 0; r < n; r++) {
            xval v = msoc_exec__col_get(args[0], r);
            if (is_nullish(v))
                continue;
            size_t g = gid[r];
            vals[off[g] + pos[g]++] = v;
        }
        for (size_t g = 0; g < n_groups; g++) {
            qsort(vals + off[g], cnt[g], sizeof *vals, cmp_xval_ptr);
            for (size_t k = 0; k < agg->n_out; k++) {
                if (cnt[g] == 0) {
                    msoc_exec__col_set_null(q, outs[k], g);
                    continue;
                }
                double p = msoc_exec__convert(q, msoc_exec__col_get(args[k + 1], 0), MSOC_TYPE_REAL).r;
                /* nearest rank */
                double rank = ceil(p / 100.0 * (double)cnt[g]);
                size_t idx = rank < 1 ? 0 : (size_t)rank - 1;
                if (idx >= cnt[g])
                    idx = cnt[g] - 1;
                msoc_exec__col_set(q, outs[k], g, vals[off[g] + idx]);
            }
        }
        return q->err->code;
    }
    case MSOC_PLAN_FN_STDEV:
    case MSOC_PLAN_FN_STDEVP:
    case MSOC_PLAN_FN_STDEVIF:
    case MSOC_PLAN_FN_VARIANCE:
    case MSOC_PLAN_FN_VARIANCEIF:
    case MSOC_PLAN_FN_VARIANCEPIF:
    case MSOC_PLAN_FN_STDEVPIF:
    case MSOC_PLAN_FN_VARIANCEP: {
        bool is_if = agg->fn == MSOC_PLAN_FN_STDEVIF || agg->fn == MSOC_PLAN_FN_VARIANCEIF ||
                     agg->fn == MSOC_PLAN_FN_VARIANCEPIF || agg->fn == MSOC_PLAN_FN_STDEVPIF;
        double *mean = msoc_exec__calloc(q, n_groups + 1, sizeof *mean);
        double *m2 = msoc_exec__calloc(q, n_groups + 1, sizeof *m2);
        int64_t *cnt = msoc_exec__calloc(q, n_groups + 1, sizeof *cnt);
        if (mean == NULL || m2 == NULL || cnt == NULL)
            return q->err->code;
        for (size_t r = 0; r < n; r++) {
            if (is_if && !truthy(args[1], r))
                continue;
            xval v = msoc_exec__col_get(args[0], r);
            if (is_nullish(v))
                continue;
            double x = msoc_exec__convert(q, v, MSOC_TYPE_REAL).r;
            size_t g = gid[r];
            cnt[g]++;
            double d = x - mean[g];
            mean[g] += d / (double)cnt[g];
            m2[g] += d * (x - mean[g]);
        }
        bool is_pop = agg->fn == MSOC_PLAN_FN_STDEVP || agg->fn == MSOC_PLAN_FN_VARIANCEP ||
                      agg->fn == MSOC_PLAN_FN_VARIANCEPIF || agg->fn == MSOC_PLAN_FN_STDEVPIF;
        bool is_sd = agg->fn == MSOC_PLAN_FN_STDEV || agg->fn == MSOC_PLAN_FN_STDEVP ||
                     agg->fn == MSOC_PLAN_FN_STDEVIF || agg->fn == MSOC_PLAN_FN_STDEVPIF;
        for (size_t g = 0; g < n_groups; g++) {
            double var;
            if (cnt[g] == 0) {
                var = 0;
            } else if (is_pop) {
                var = m2[g] / (double)cnt[g];
            } else {
                var = cnt[g] > 1 ? m2[g] / (double)(cnt[g] - 1) : 0;
            }
            o->v.r[g] = is_sd ? sqrt(var) : var;
        }
        return MSOC_OK;
    }
    default:
        /* the long tail (covariance, weighted percentiles, ...) lives in agg_more.c */
        return msoc_exec__agg_more(q, agg, args, n, gid, n_groups, outs);
    }
}

msoc_status msoc_exec__group_by_keys(xq *q, const msoc_plan_node *node, const msoc_exec_table *in,
                                     msoc_exec_col ***keys_out, xgroups *g)
{
    size_t n_keys = node->n_exprs;
    msoc_exec_col **keys = msoc_exec__calloc(q, n_keys + 1, sizeof *keys);
    if (keys == NULL)
        return q->err->code;
    for (size_t k = 0; k < n_keys; k++) {
        msoc_status st = msoc_exec__eval(q, node->exprs[k], in, &keys[k]);
        if (st != MSOC_OK)
            return st;
    }
    *keys_out = keys;
    return msoc_exec__group_rows(q, keys, n_keys, in->n_rows, g);
}

msoc_status msoc_exec__op_agg(xq *q, const msoc_plan_node *node, const msoc_exec_table *in,
                              const msoc_exec_table **out)
{
    size_t n = in->n_rows;
    size_t n_keys = node->n_exprs;
    msoc_exec_col **keys = NULL;
    xgroups gt = {0};
    msoc_status st = msoc_exec__group_by_keys(q, node, in, &keys, &gt);
    if (st != MSOC_OK)
        return st;
    const size_t *gid = gt.gid;
    size_t n_groups = gt.n_groups;
    bool is_global = n_keys == 0;
    if (is_global && n_groups == 0)
        n_groups = 1; /* summarize without by: one row even over no input */
    msoc_exec_table *t = msoc_exec__table_new(q, node->n_cols, n_groups);
    if (t == NULL)
        return q->err->code;
    for (size_t c = 0; c < node->n_cols; c++) {
        t->names[c] = node->cols[c].name;
        t->cols[c] = msoc_exec__col_new(q, node->cols[c].type, n_groups);
        if (t->cols[c] == NULL)
            return q->err->code;
    }
    for (size_t k = 0; k < n_keys; k++) {
        for (size_t g = 0; g < gt.n_groups; g++)
            msoc_exec__col_set(q, t->cols[k], g, msoc_exec__col_get(keys[k], gt.first_row[g]));
    }
    size_t out_col = n_keys;
    for (size_t a = 0; a < node->n_aggs; a++) {
        const msoc_plan_agg *agg = &node->aggs[a];
        msoc_exec_col **args = msoc_exec__calloc(q, agg->n_args + 1, sizeof *args);
        if (args == NULL)
            return q->err->code;
        for (size_t i = 0; i < agg->n_args; i++) {
            st = msoc_exec__eval(q, agg->args[i], in, &args[i]);
            if (st != MSOC_OK)
                return st;
        }
        if (out_col + agg->n_out > t->n_cols)
            return msoc_fail(q->err, MSOC_INTERNAL, "summarize output columns out of range");
        st = run_agg(q, agg, args, n, gid, n_groups, &t->cols[out_col]);
        if (st != MSOC_OK)
            return st;
        out_col += agg->n_out;
    }
    *out = t;
    return q->err->code;
}
