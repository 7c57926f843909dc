/* Expression evaluation, a column at a time: a function sees whole argument
 * columns (vectorised implementations) or is applied row by row. */
#include <stdio.h>
#include <string.h>

#include "exec_int.h"

static xfn_impl impl_table[MSOC_PLAN__FN_COUNT];
static bool impl_ready;

static void impl_init(void)
{
    /* Idempotent and deterministic: concurrent first calls write the same bytes. */
    if (impl_ready)
        return;
    msoc_exec__fn_register_ops(impl_table);
    msoc_exec__fn_register_string(impl_table);
    msoc_exec__fn_register_math(impl_table);
    msoc_exec__fn_register_time(impl_table);
    msoc_exec__fn_register_dynamic(impl_table);
    msoc_exec__fn_register_misc(impl_table);
    msoc_exec__fn_register_extra(impl_table);
    msoc_exec__fn_register_series(impl_table);
    msoc_exec__fn_register_geo(impl_table);
    msoc_exec__fn_register_geo_s2(impl_table);
    msoc_exec__fn_register_geo_shape(impl_table);
    msoc_exec__fn_register_geo_poly(impl_table);
    msoc_exec__fn_register_hash(impl_table);
    msoc_exec__fn_register_stat(impl_table);
    msoc_exec__fn_register_units(impl_table);
    msoc_exec__fn_register_codec(impl_table);
    msoc_exec__fn_register_ip6(impl_table);
    msoc_exec__fn_register_geo_h3(impl_table);
    msoc_exec__fn_register_text(impl_table);
    msoc_exec__fn_register_series_more(impl_table);
    msoc_exec__fn_register_series_fit(impl_table);
    msoc_exec__fn_register_series_decompose(impl_table);
    msoc_exec__fn_register_tz(impl_table);
    msoc_exec__fn_register_sketch(impl_table);
    msoc_exec__fn_register_inset(impl_table);
    msoc_exec__fn_register_tail(impl_table);
    msoc_exec__fn_register_xml(impl_table);
    msoc_exec__fn_register_useragent(impl_table);
    impl_ready = true;
}

const xfn_impl *msoc_exec__fn_impl(msoc_plan_fn fn)
{
    impl_init();
    if ((unsigned)fn >= MSOC_PLAN__FN_COUNT)
        return NULL;
    const xfn_impl *f = &impl_table[fn];
    return (f->row || f->vec) ? f : NULL;
}

/* The value of subquery e, computed once per query: cached in q->shared under the
 * expression's address; a scan worker reads its parent's cache (filled by
 * msoc_exec__presub before the workers start). */
static msoc_status sub_value(xq *q, const msoc_plan_expr *e, xval *out)
{
    char key[48];
    int klen = snprintf(key, sizeof key, "\x03sub:%p", (const void *)e);
    /* inside mv-apply / partition a subquery may read the current group: no cache */
    bool can_cache = q->groups == NULL;
    for (const xq *c = q; can_cache && c; c = c->parent) {
        void **slot = msoc_hashmap_get(&c->shared, key, (size_t)klen);
        if (slot && *slot) {
            *out = *(const xval *)*slot;
            return MSOC_OK;
        }
    }
    const msoc_exec_table *t;
    msoc_status st = msoc_exec__node(q, e->sub, &t);
    if (st != MSOC_OK)
        return st;
    xval v;
    if (e->is_sub_list) {
        json_t *arr = msoc_exec__own(q, json_array());
        if (arr == NULL)
            return q->err->code;
        for (size_t r = 0; t->n_cols > 0 && r < t->n_rows; r++)
            json_array_append(arr, msoc_exec__to_json(q, msoc_exec__col_get(t->cols[0], r)));
        v = xv_dyn(arr);
        v.is_null = false;
    } else if (t->n_cols == 0 || t->n_rows == 0) {
        v = xv_null(e->type);
    } else {
        v = msoc_exec__col_get(t->cols[0], 0);
    }
    if (!can_cache) {
        *out = v;
        return MSOC_OK;
    }
    xval *keep = msoc_exec__alloc(q, sizeof *keep);
    if (keep == NULL)
        return q->err->code;
    *keep = v;
    if (msoc_hashmap_put(&q->shared, key, (size_t)klen, keep) != MSOC_OK)
        return msoc_fail(q->err, MSOC_LIMIT, "subquery cache is full");
    *out = v;
    return MSOC_OK;
}

static msoc_status eval_sub(xq *q, const msoc_plan_expr *e, size_t n, msoc_exec_col **out)
{
    xval v;
    msoc_status st = sub_value(q, e, &v);
    if (st != MSOC_OK)
        return st;
    *out = msoc_exec__col_const(q, v, e->type, n);
    return *out ? MSOC_OK : q->err->code;
}

msoc_status msoc_exec__presub(xq *q, const msoc_plan_expr *e)
{
    if (e == NULL)
        return MSOC_OK;
    if (e->kind == MSOC_PLAN_X_SUB) {
        if (q->groups)
            return MSOC_OK; /* per group: the workers evaluate it (sub_value) */
        xval v;
        return sub_value(q, e, &v);
    }
    for (size_t i = 0; i < e->n_args; i++) {
        msoc_status st = msoc_exec__presub(q, e->args[i]);
        if (st != MSOC_OK)
            return st;
    }
    return MSOC_OK;
}

msoc_status msoc_exec__eval(xq *q, const msoc_plan_expr *e, const msoc_exec_table *in,
                            msoc_exec_col **out)
{
    size_t n = in->n_rows;
    msoc_status st;
    switch (e->kind) {
    case MSOC_PLAN_X_COL:
        if (e->col < 0 || (size_t)e->col >= in->n_cols)
            return msoc_fail(q->err, MSOC_INTERNAL, "column %d out of range", e->col);
        *out = in->cols[e->col];
        return MSOC_OK;
    case MSOC_PLAN_X_LIT: {
        xval v = {0};
        v.t = e->lit.type;
        v.is_null = e->lit.is_null;
        v.i = e->lit.i;
        v.r = e->lit.r;
        v.s = e->lit.s;
        if (v.t == MSOC_TYPE_DYNAMIC)
            v = xv_dyn(v.is_null ? NULL : msoc_exec__parse_json(q, e->lit.s));
        *out = msoc_exec__col_const(q, v, e->type, n);
        return *out ? MSOC_OK : q->err->code;
    }
    case MSOC_PLAN_X_SUB: return eval_sub(q, e, n, out);
    case MSOC_PLAN_X_CAST: {
        msoc_exec_col *a;
        st = msoc_exec__eval(q, e->args[0], in, &a);
        if (st != MSOC_OK)
            return st;
        if (a->type == e->type) {
            *out = a;
            return MSOC_OK;
        }
        msoc_exec_col *o = msoc_exec__col_new(q, e->type, n);
        if (o == NULL)
            return q->err->code;
        for (size_t r = 0; r < n; r++)
            msoc_exec__col_set(q, o, r, msoc_exec__convert(q, msoc_exec__col_get(a, r), e->type));
        *out = o;
        return q->err->code;
    }
    case MSOC_PLAN_X_CALL: break;
    }
    const msoc_plan_fn_info *info = msoc_plan_fn_get(e->fn);
    msoc_exec_col *argv_small[16];
    msoc_exec_col **args = argv_small;
    if (e->n_args > 16) {
        args = msoc_exec__calloc(q, e->n_args, sizeof *args);
        if (args == NULL)
            return q->err->code;
    }
    for (size_t i = 0; i < e->n_args; i++) {
        st = msoc_exec__eval(q, e->args[i], in, &args[i]);
        if (st != MSOC_OK)
            return st;
    }
    msoc_exec_col *o = msoc_exec__col_new(q, e->type, n);
    if (o == NULL)
        return q->err->code;
    if (info->kind == MSOC_PLAN_FK_WINDOW) {
        st = msoc_exec__window(q, e, args, e->n_args, n, o);
        *out = o;
        return st;
    }
    if (msoc_exec__fast(q, e, args, n, o)) {
        *out = o;
        return q->err->code;
    }
    const xfn_impl *f = msoc_exec__fn_impl(e->fn);
    if (f == NULL)
        return msoc_fail_pos(q->err, MSOC_UNSUPPORTED, e->line, e->col_no,
                             "not supported: %s()", info->name);
    if (f->vec) {
        st = f->vec(q, e, args, e->n_args, n, o);
        *out = o;
        return st != MSOC_OK ? st : q->err->code;
    }
    xval avals_small[16];
    xval *avals = avals_small;
    if (e->n_args > 16) {
        avals = msoc_exec__calloc(q, e->n_args, sizeof *avals);
        if (avals == NULL)
            return q->err->code;
    }
    for (size_t r = 0; r < n; r++) {
        bool has_null = false;
        for (size_t i = 0; i < e->n_args; i++) {
            avals[i] = msoc_exec__col_get(args[i], r);
            if (avals[i].is_null && !xtype_is_str(avals[i].t))
                has_null = true;
        }
        xval res;
        if (has_null && f->is_null_propagating) {
            res = xv_null(e->type);
        } else {
            res = xv_null(e->type);
            f->row(q, avals, e->n_args, &res);
        }
        msoc_exec__col_set(q, o, r, res);
        if ((r & 0xffff) == 0xffff && (st = msoc_exec__check(q)) != MSOC_OK)
            return st;
    }
    *out = o;
    return q->err->code;
}

bool msoc_exec_fn_is_implemented(msoc_plan_fn fn)
{
    const msoc_plan_fn_info *info = msoc_plan_fn_get(fn);
    if (info == NULL)
        return false;
    if (info->kind == MSOC_PLAN_FK_WINDOW || info->kind == MSOC_PLAN_FK_AGG)
        return true; /* fn_window.c / op_agg.c handle every listed one or fail by name */
    return msoc_exec__fn_impl(fn) != NULL;
}
