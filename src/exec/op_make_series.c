/* make-series: the input is `summarize aggs by keys, $bin` (bind_ops.c); one output
 * row per key tuple holds one array per aggregate over the bins [from, to) of the
 * axis (empty bins get the aggregate's default, 0 unless given) and the axis array.
 * Without from/to the range is that of the data. kind=nonempty gives one row of
 * defaults when there are no rows and no keys. */
#include <math.h>

#include "exec_int.h"

/* Bins are kept apart: at most this many per series. */
#define MAX_BINS 1000000

static xval lit_val(xq *q, const msoc_plan_expr *e)
{
    msoc_exec_table one = {0};
    one.n_rows = 1;
    msoc_exec_col *c;
    if (e == NULL || msoc_exec__eval(q, e, &one, &c) != MSOC_OK)
        return xv_null(MSOC_TYPE_NULL);
    return msoc_exec__col_get(c, 0);
}

static bool is_real_axis(msoc_type t)
{
    return t == MSOC_TYPE_REAL || t == MSOC_TYPE_DECIMAL;
}

static double as_num(xval v)
{
    return xtype_is_real(v.t) ? v.r : (double)v.i;
}

msoc_status msoc_exec__op_make_series(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                      const msoc_exec_table **out)
{
    const msoc_plan_make_series *ms = n->eval_data;
    size_t nk = ms->n_keys, na = ms->n_aggs, rows = in->n_rows;
    const msoc_exec_col *bc = in->cols[nk];
    msoc_type axis_t = bc->type;
    xval stepv = lit_val(q, ms->step);
    if (q->err->code != MSOC_OK)
        return q->err->code;
    bool is_real = is_real_axis(axis_t) || xtype_is_real(stepv.t);
    double step = as_num(stepv);
    if (stepv.is_null || !(step > 0))
        return msoc_fail_pos(q->err, MSOC_SEMANTIC, n->line, n->col_no, "make-series: the step must be positive");
    /* range: given, or that of the data */
    double lo = 0, hi = 0;
    bool has_lo = false, has_hi = false;
    if (ms->from) {
        xval v = lit_val(q, ms->from);
        if (!v.is_null) {
            lo = as_num(v);
            has_lo = true;
        }
    }
    if (ms->to) {
        xval v = lit_val(q, ms->to);
        if (!v.is_null) {
            hi = as_num(v);
            has_hi = true;
        }
    }
    if (!has_lo || !has_hi) {
        bool has_any = false;
        double mn = 0, mx = 0;
        for (size_t r = 0; r < rows; r++) {
            xval v = msoc_exec__col_get(bc, r);
            if (v.is_null)
                continue;
            double x = as_num(v);
            if (!has_any || x < mn)
                mn = x;
            if (!has_any || x > mx)
                mx = x;
            has_any = true;
        }
        if (!has_any && (!has_lo || !has_hi)) {
            msoc_exec_table *t = msoc_exec__table_for(q, n, 0);
            if (t == NULL)
                return q->err->code;
            *out = t;
            return MSOC_OK;
        }
        if (!has_lo)
            lo = mn;
        if (!has_hi)
            hi = mx + step;
    }
    double span = ceil((hi - lo) / step);
    if (!(span >= 0))
        span = 0;
    if (span > MAX_BINS)
        return msoc_fail_pos(q->err, MSOC_LIMIT, n->line, n->col_no,
                             "make-series: %.0f bins exceed the limit of %d", span, MAX_BINS);
    size_t n_bins = (size_t)span;
    /* groups by key tuple */
    size_t cap = 16;
    while (cap < rows * 2)
        cap <<= 1;
    size_t *slots = msoc_exec__calloc(q, cap, sizeof *slots);
    size_t *first = msoc_exec__calloc(q, rows + 2, sizeof *first);
    size_t *gid = msoc_exec__calloc(q, rows + 1, sizeof *gid);
    if (slots == NULL || first == NULL || gid == NULL)
        return q->err->code;
    size_t n_groups = 0;
    for (size_t r = 0; r < rows; r++) {
        size_t h = (size_t)msoc_exec__row_hash(in->cols, nk, r) & (cap - 1);
        while (slots[h] != 0 && !msoc_exec__row_eq(in->cols, first[slots[h] - 1], in->cols, r, nk))
            h = (h + 1) & (cap - 1);
        if (slots[h] == 0) {
            first[n_groups] = r;
            slots[h] = ++n_groups;
        }
        gid[r] = slots[h] - 1;
    }
    bool is_default_row = n_groups == 0 && nk == 0 && ms->is_nonempty;
    size_t out_rows = is_default_row ? 1 : n_groups;
    msoc_exec_table *t = msoc_exec__table_for(q, n, out_rows);
    if (t == NULL)
        return q->err->code;
    for (size_t c = 0; c < nk; c++) {
        t->cols[c] = msoc_exec__col_gather(q, in->cols[c], first, n_groups);
        if (t->cols[c] == NULL)
            return q->err->code;
    }
    /* the axis array, shared by every row */
    json_t *axis = msoc_exec__own(q, json_array());
    if (axis == NULL)
        return q->err->code;
    for (size_t k = 0; k < n_bins; k++) {
        double x = lo + (double)k * step;
        xval v = is_real ? xv_real(x) : xv_typed_i(axis_t == MSOC_TYPE_INT ? MSOC_TYPE_LONG : axis_t, (int64_t)llround(x));
        json_array_append(axis, msoc_exec__to_json(q, v));
    }
    for (size_t a = 0; a < na; a++) {
        const msoc_exec_col *ac = in->cols[nk + 1 + a];
        xval def = ms->defaults[a] ? lit_val(q, ms->defaults[a]) : xv_long(0);
        if (!def.is_null || ac->type != MSOC_TYPE_DYNAMIC)
            def = msoc_exec__convert(q, def, ac->type);
        json_t **arrs = msoc_exec__calloc(q, out_rows + 1, sizeof *arrs);
        if (arrs == NULL)
            return q->err->code;
        for (size_t g = 0; g < out_rows; g++) {
            arrs[g] = msoc_exec__own(q, json_array());
            if (arrs[g] == NULL)
                return q->err->code;
            for (size_t k = 0; k < n_bins; k++)
                json_array_append(arrs[g], msoc_exec__to_json(q, def));
        }
        for (size_t r = 0; r < rows; r++) {
            xval bv = msoc_exec__col_get(bc, r);
            if (bv.is_null)
                continue;
            double idx = floor((as_num(bv) - lo) / step + 1e-9);
            if (idx < 0 || idx >= (double)n_bins)
                continue;
            xval v = msoc_exec__col_get(ac, r);
            json_array_set(arrs[gid[r]], (size_t)idx, msoc_exec__to_json(q, v));
        }
        for (size_t g = 0; g < out_rows; g++)
            msoc_exec__col_set(q, t->cols[nk + a], g, xv_dyn(arrs[g]));
    }
    for (size_t g = 0; g < out_rows; g++)
        msoc_exec__col_set(q, t->cols[nk + na], g, xv_dyn(axis));
    *out = t;
    return q->err->code;
}
