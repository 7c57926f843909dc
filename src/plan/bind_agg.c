/* summarize (and count): keys, aggregates with Kusto's default column names, and
 * aggregates nested in expressions (sum(x) / count()), which become hidden
 * aggregate columns plus a projection on top. */
#include <stdio.h>

#include "kql/kql.h"
#include "plan_int.h"

static bool is_agg_call(const msoc_kql_node *e, msoc_plan_fn *fn)
{
    if (e == NULL || e->kind != MSOC_KQL_CALL)
        return false;
    msoc_plan_fn f;
    if (!msoc_plan_fn_find(e->name.ptr, e->name.len, MSOC_PLAN_FK_AGG, &f))
        return false;
    if (msoc_plan_fn_get(f)->kind != MSOC_PLAN_FK_AGG)
        return false;
    if (fn)
        *fn = f;
    return true;
}

static msoc_str fmt_name(binder *b, const char *prefix, msoc_str x)
{
    char buf[300];
    int len = snprintf(buf, sizeof buf, "%s%.*s", prefix, (int)x.len, x.ptr ? x.ptr : "");
    if (len < 0)
        len = 0;
    if ((size_t)len >= sizeof buf)
        len = sizeof buf - 1;
    return msoc_plan__str(b, buf, (size_t)len);
}

static msoc_str arg_name(binder *b, const msoc_kql_node *a)
{
    msoc_str n = msoc_plan__expr_name(b, a);
    if (n.ptr)
        return n;
    /* f(col, ...) is named after col */
    if (a && a->kind == MSOC_KQL_CALL && a->args.n > 0)
        return arg_name(b, a->args.items[0]);
    return MSOC_STR("");
}

static msoc_str default_agg_name(binder *b, msoc_plan_fn fn, const msoc_kql_node *call)
{
    msoc_str x = call->args.n > 0 ? arg_name(b, call->args.items[0]) : MSOC_STR("");
    switch (fn) {
    case MSOC_PLAN_FN_COUNT: return x.len ? fmt_name(b, "count_", x) : MSOC_STR("count_");
    case MSOC_PLAN_FN_COUNTIF: return MSOC_STR("countif_");
    case MSOC_PLAN_FN_ARG_MAX: return fmt_name(b, "max_", x);
    case MSOC_PLAN_FN_ARG_MIN: return fmt_name(b, "min_", x);
    case MSOC_PLAN_FN_MAKE_SET:
    case MSOC_PLAN_FN_MAKE_SET_IF: return fmt_name(b, "set_", x);
    case MSOC_PLAN_FN_MAKE_LIST:
    case MSOC_PLAN_FN_MAKE_LIST_IF:
    case MSOC_PLAN_FN_MAKE_LIST_WITH_NULLS: return fmt_name(b, "list_", x);
    case MSOC_PLAN_FN_MAKE_BAG:
    case MSOC_PLAN_FN_MAKE_BAG_IF: return fmt_name(b, "bag_", x);
    case MSOC_PLAN_FN_TAKE_ANY:
    case MSOC_PLAN_FN_ANY: return fmt_name(b, "any_", x);
    case MSOC_PLAN_FN_TAKE_ANYIF: return x.len ? x : MSOC_STR("take_anyif_"); /* take_anyif(x, p) keeps x's name */
    case MSOC_PLAN_FN_BUILDSCHEMA: return fmt_name(b, "schema_", x);
    case MSOC_PLAN_FN_PERCENTILES_ARRAY:
    case MSOC_PLAN_FN_PERCENTILESW_ARRAY: return fmt_name(b, "percentiles_", x);
    case MSOC_PLAN_FN_COVARIANCE:
    case MSOC_PLAN_FN_COVARIANCEIF:
    case MSOC_PLAN_FN_COVARIANCEP:
    case MSOC_PLAN_FN_COVARIANCEPIF: {
        /* covariance_x_y: named after both columns */
        msoc_str y = call->args.n > 1 ? arg_name(b, call->args.items[1]) : MSOC_STR("");
        char buf[300];
        int len = snprintf(buf, sizeof buf, "%s_%.*s_%.*s", msoc_plan_fn_get(fn)->name, (int)x.len,
                           x.ptr ? x.ptr : "", (int)y.len, y.ptr ? y.ptr : "");
        if (len < 0)
            len = 0;
        if ((size_t)len >= sizeof buf)
            len = sizeof buf - 1;
        return msoc_plan__str(b, buf, (size_t)len);
    }
    default: {
        const char *fname = msoc_plan_fn_get(fn)->name;
        char buf[300];
        int len = snprintf(buf, sizeof buf, "%s_%.*s", fname, (int)x.len, x.ptr ? x.ptr : "");
        return msoc_plan__str(b, buf, (size_t)(len < 0 ? 0 : len));
    }
    }
}

typedef struct agg_build {
    msoc_plan_node *n;      /* the AGG node being built */
    size_t cap;
    int hidden;
} agg_build;

/* Adds one aggregate call; its outputs get names[] (or defaults). Returns the
 * index of its first output column. */
static msoc_status add_agg(binder *b, agg_build *ab, const msoc_kql_node *call, msoc_plan_fn fn,
                           msoc_plan_node *in, const msoc_str *names, size_t n_names, int *first_col)
{
    msoc_plan_node *n = ab->n;
    const msoc_plan_fn_info *info = msoc_plan_fn_get(fn);
    uint32_t na = call->args.n;
    if ((int)na < info->min_args || (info->max_args >= 0 && (int)na > info->max_args))
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, call->line, call->col,
                             "%s() takes %d argument%s, not %u", info->name, info->min_args,
                             info->min_args == 1 ? "" : "s", na);
    bool deprecated_any = fn == MSOC_PLAN_FN_ANY; /* named any_x, unlike take_any */
    fn = msoc_plan_fn_canonical(fn);
    msoc_plan_agg *agg = &n->aggs[n->n_aggs];
    agg->fn = fn;
    /* arg_max(x, *) / take_any(*): expand the star */
    size_t cap_args = na + in->n_cols + 1;
    agg->args = msoc_plan__alloc(b, cap_args * sizeof *agg->args);
    msoc_str *out_names = msoc_plan__alloc(b, cap_args * sizeof *out_names);
    if (agg->args == NULL || out_names == NULL)
        return b->err->code;
    size_t k = 0;
    bool is_arg = fn == MSOC_PLAN_FN_ARG_MAX || fn == MSOC_PLAN_FN_ARG_MIN;
    bool is_any = fn == MSOC_PLAN_FN_TAKE_ANY || fn == MSOC_PLAN_FN_ANY;
    bool has_star = false;
    for (uint32_t i = 0; i < na; i++) {
        const msoc_kql_node *a = call->args.items[i];
        if (a->kind == MSOC_KQL_STAR) {
            if (fn == MSOC_PLAN_FN_COUNT)
                continue;
            has_star = true;
            for (size_t c = 0; c < in->n_cols; c++) {
                /* skip the arg column itself and the group keys */
                if (is_arg && k > 0 && agg->args[0]->kind == MSOC_PLAN_X_COL && agg->args[0]->col == (int)c)
                    continue;
                bool is_key = false;
                for (size_t kk = 0; kk < n->n_exprs; kk++)
                    if (msoc_str_eq(n->cols[kk].name, in->cols[c].name))
                        is_key = true;
                if (is_key)
                    continue;
                agg->args[k] = msoc_plan__col_ref(b, in, (int)c);
                out_names[k] = in->cols[c].name;
                k++;
            }
            continue;
        }
        if (a->kind == MSOC_KQL_NAMED_ARG && (is_arg || is_any) && a->a != NULL) {
            /* arg_max(Name = expr, Other = col): the name is the output column's */
            msoc_status st = msoc_plan__bind_expr(b, a->a, in, &agg->args[k]);
            if (st != MSOC_OK)
                return st;
            out_names[k] = a->name;
            k++;
            continue;
        }
        /* other aggregates: percentiles(D = expr, 50) binds expr and is named percentile_D_50 */
        msoc_status st = msoc_plan__bind_expr(b, a->kind == MSOC_KQL_NAMED_ARG ? a->a : a, in, &agg->args[k]);
        if (st != MSOC_OK)
            return st;
        msoc_str an = msoc_plan__expr_name(b, a);
        out_names[k] = an.ptr ? an : MSOC_STR("");
        k++;
    }
    agg->n_args = k;
    if (fn == MSOC_PLAN_FN_COUNT && k == 0)
        agg->n_args = 0;
    size_t n_out = 1;
    if (is_arg)
        n_out = k;
    else if (is_any)
        n_out = k;
    else if (fn == MSOC_PLAN_FN_PERCENTILES)
        n_out = k > 1 ? k - 1 : 1;
    if (n_out == 0)
        n_out = 1;
    agg->n_out = n_out;
    if (n->n_cols + n_out > ab->cap)
        return msoc_fail(b->err, MSOC_INTERNAL, "summarize: too many output columns");
    *first_col = (int)n->n_cols;
    for (size_t o = 0; o < n_out; o++) {
        msoc_str name = o < n_names ? names[o] : MSOC_STR_NULL;
        msoc_type t;
        if (o == 0) {
            msoc_type types[64];
            size_t nt = agg->n_args < 64 ? agg->n_args : 64;
            for (size_t i = 0; i < nt; i++)
                types[i] = agg->args[i]->type;
            t = msoc_plan_fn_result(fn, types, nt);
            if (fn == MSOC_PLAN_FN_AVG || fn == MSOC_PLAN_FN_AVGIF)
                t = MSOC_TYPE_REAL;
            if ((fn == MSOC_PLAN_FN_PERCENTILE || fn == MSOC_PLAN_FN_PERCENTILES) && t == MSOC_TYPE_INT)
                t = MSOC_TYPE_LONG;
        } else {
            t = agg->args[is_arg || is_any ? o : 0]->type;
        }
        if (t == MSOC_TYPE_NULL)
            t = MSOC_TYPE_DYNAMIC;
        if (name.ptr == NULL) {
            if (o == 0 && !(is_arg && has_star && n_names == 0 && false)) {
                /* take_any(x) keeps x's name; the deprecated any(x) is any_x */
                if (is_any && !deprecated_any && out_names[0].len)
                    name = out_names[0];
                else
                    name = default_agg_name(b, fn, call);
                /* arg_max(Timestamp, ...) keeps the name Timestamp, with or without * */
                if (is_arg && out_names[0].len && n_names == 0)
                    name = out_names[0];
            } else if (fn == MSOC_PLAN_FN_PERCENTILES) {
                msoc_str x = call->args.n > 0 ? arg_name(b, call->args.items[0]) : MSOC_STR("");
                char buf[300];
                const msoc_plan_expr *p = agg->args[o + 1];
                int len;
                if (p->type == MSOC_TYPE_REAL) {
                    char num[40];
                    snprintf(num, sizeof num, "%g", p->lit.r);
                    for (char *c = num; *c; c++)
                        if (*c == '.')
                            *c = '_';
                    len = snprintf(buf, sizeof buf, "percentile_%.*s_%s", (int)x.len, x.ptr, num);
                } else {
                    len = snprintf(buf, sizeof buf, "percentile_%.*s_%lld", (int)x.len, x.ptr, (long long)p->lit.i);
                }
                name = msoc_plan__str(b, buf, (size_t)(len < 0 ? 0 : len));
            } else if (deprecated_any) {
                name = fmt_name(b, "any_", out_names[o]);
            } else {
                name = out_names[o];
            }
        }
        if (o == 0 && fn == MSOC_PLAN_FN_PERCENTILES && names == NULL) {
            msoc_str x = call->args.n > 0 ? arg_name(b, call->args.items[0]) : MSOC_STR("");
            char buf[300];
            const msoc_plan_expr *p = k > 1 ? agg->args[1] : NULL;
            int len = p && p->type == MSOC_TYPE_REAL
                          ? snprintf(buf, sizeof buf, "percentile_%.*s_%g", (int)x.len, x.ptr, p->lit.r)
                          : snprintf(buf, sizeof buf, "percentile_%.*s_%lld", (int)x.len, x.ptr,
                                     (long long)(p ? p->lit.i : 0));
            for (int c = 0; c < len && c < (int)sizeof buf; c++)
                if (buf[c] == '.')
                    buf[c] = '_';
            name = msoc_plan__str(b, buf, (size_t)(len < 0 ? 0 : len));
        }
        if (fn == MSOC_PLAN_FN_PERCENTILE && names == NULL) {
            msoc_str x = call->args.n > 0 ? arg_name(b, call->args.items[0]) : MSOC_STR("");
            char buf[300];
            const msoc_plan_expr *p = k > 1 ? agg->args[1] : NULL;
            int len = p && p->type == MSOC_TYPE_REAL
                          ? snprintf(buf, sizeof buf, "percentile_%.*s_%g", (int)x.len, x.ptr, p->lit.r)
                          : snprintf(buf, sizeof buf, "percentile_%.*s_%lld", (int)x.len, x.ptr,
                                     (long long)(p ? p->lit.i : 0));
            for (int c = 0; c < len && c < (int)sizeof buf; c++)
                if (buf[c] == '.')
                    buf[c] = '_';
            name = msoc_plan__str(b, buf, (size_t)(len < 0 ? 0 : len));
        }
        for (int suffix = 1; suffix < 100; suffix++) {
            bool is_dup = false;
            for (size_t ci = 0; ci < n->n_cols; ci++)
                is_dup |= msoc_str_eq(n->cols[ci].name, name);
            if (!is_dup)
                break;
            char buf[300];
            int len = snprintf(buf, sizeof buf, "%.*s%d", (int)name.len, name.ptr, suffix);
            msoc_str cand = msoc_plan__str(b, buf, (size_t)(len < 0 ? 0 : len));
            bool is_taken = false;
            for (size_t ci = 0; ci < n->n_cols; ci++)
                is_taken |= msoc_str_eq(n->cols[ci].name, cand);
            if (!is_taken) {
                name = cand;
                break;
            }
        }
        n->cols[n->n_cols].name = name;
        n->cols[n->n_cols].type = t;
        n->n_cols++;
    }
    n->n_aggs++;
    return MSOC_OK;
}

/* Copies e with every aggregate call replaced by a reference to a hidden column. */
static msoc_status rewrite(binder *b, agg_build *ab, const msoc_kql_node *e, msoc_plan_node *in,
                           msoc_kql_node **out)
{
    if (e == NULL) {
        *out = NULL;
        return MSOC_OK;
    }
    msoc_plan_fn fn;
    if (is_agg_call(e, &fn)) {
        char buf[32];
        int len = snprintf(buf, sizeof buf, "__agg%d", ab->hidden++);
        msoc_str name = msoc_plan__str(b, buf, (size_t)len);
        int first;
        msoc_status st = add_agg(b, ab, e, fn, in, &name, 1, &first);
        if (st != MSOC_OK)
            return st;
        msoc_kql_node *ref = msoc_plan__alloc(b, sizeof *ref);
        if (ref == NULL)
            return b->err->code;
        ref->kind = MSOC_KQL_NAME;
        ref->line = e->line;
        ref->col = e->col;
        ref->name = name;
        *out = ref;
        return MSOC_OK;
    }
    msoc_kql_node *c = msoc_plan__alloc(b, sizeof *c);
    if (c == NULL)
        return b->err->code;
    *c = *e;
    msoc_kql_node **slots[5] = {&c->a, &c->b, &c->c, &c->d, &c->e};
    const msoc_kql_node *orig[5] = {e->a, e->b, e->c, e->d, e->e};
    for (int i = 0; i < 5; i++) {
        msoc_status st = rewrite(b, ab, orig[i], in, slots[i]);
        if (st != MSOC_OK)
            return st;
    }
    if (e->args.n) {
        c->args.items = msoc_plan__alloc(b, e->args.n * sizeof *c->args.items);
        if (c->args.items == NULL)
            return b->err->code;
        for (uint32_t i = 0; i < e->args.n; i++) {
            msoc_status st = rewrite(b, ab, e->args.items[i], in, &c->args.items[i]);
            if (st != MSOC_OK)
                return st;
        }
    }
    *out = c;
    return MSOC_OK;
}

static size_t count_nodes_upper_bound(const msoc_kql_node *e)
{
    if (e == NULL)
        return 0;
    size_t n = 1;
    n += count_nodes_upper_bound(e->a) + count_nodes_upper_bound(e->b) + count_nodes_upper_bound(e->c);
    for (uint32_t i = 0; i < e->args.n; i++)
        n += count_nodes_upper_bound(e->args.items[i]);
    return n;
}

msoc_status msoc_plan__bind_summarize(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                      msoc_plan_node **out)
{
    bool is_count = op->kind == MSOC_KQL_OP_COUNT;
    size_t nk = is_count ? 0 : op->keys.n;
    size_t cap = nk + 8 + in->n_cols;
    for (uint32_t i = 0; !is_count && i < op->args.n; i++)
        cap += count_nodes_upper_bound(op->args.items[i]) + in->n_cols;
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_AGG, in, cap);
    if (n == NULL)
        return b->err->code;
    n->n_cols = 0;
    n->exprs = msoc_plan__alloc(b, (nk + 1) * sizeof *n->exprs);
    n->aggs = msoc_plan__alloc(b, cap * sizeof *n->aggs);
    if (n->exprs == NULL || n->aggs == NULL)
        return b->err->code;
    agg_build ab = {n, cap, 0};
    size_t unnamed = 0;
    for (size_t k = 0; k < nk; k++) {
        const msoc_kql_node *it = op->keys.items[k];
        msoc_str name = MSOC_STR_NULL;
        const msoc_kql_node *ex = it;
        if (it->kind == MSOC_KQL_ASSIGN) {
            name = it->args.items[0]->name;
            ex = it->a;
        }
        msoc_status st = msoc_plan__bind_expr(b, ex, in, &n->exprs[k]);
        if (st != MSOC_OK)
            return st;
        if (name.ptr == NULL && ex->kind == MSOC_KQL_CALL && n->exprs[k]->kind == MSOC_PLAN_X_COL &&
            (msoc_str_eq_c(ex->name, "column_ifexists") || msoc_str_eq_c(ex->name, "columnifexists")))
            name = in->cols[n->exprs[k]->col].name; /* the column it names */
        if (name.ptr == NULL) {
            name = arg_name(b, ex);
            if (name.len == 0) {
                char buf[32];
                int len = snprintf(buf, sizeof buf, "Column%zu", ++unnamed);
                name = msoc_plan__str(b, buf, (size_t)len);
            }
        }
        n->cols[k].name = name;
        n->cols[k].type = n->exprs[k]->type == MSOC_TYPE_NULL ? MSOC_TYPE_STRING : n->exprs[k]->type;
        n->n_cols++;
    }
    n->n_exprs = nk;
    if (is_count) {
        msoc_kql_node call = {0};
        call.kind = MSOC_KQL_CALL;
        call.name = MSOC_STR("count");
        call.line = op->line;
        call.col = op->col;
        msoc_str name = op->args.n > 0 ? op->args.items[0]->name : MSOC_STR("Count");
        int first;
        msoc_status st = add_agg(b, &ab, &call, MSOC_PLAN_FN_COUNT, in, &name, 1, &first);
        if (st != MSOC_OK)
            return st;
        *out = n;
        return MSOC_OK;
    }
    /* aggregates: direct ones first-class, nested ones through a projection */
    bool needs_project = false;
    typedef struct item_info {
        msoc_str names[64];
        size_t n_names;
        const msoc_kql_node *ex;
        int first_col;
        bool is_direct;
    } item_info;
    item_info *items = msoc_plan__alloc(b, (op->args.n + 1) * sizeof *items);
    if (items == NULL)
        return b->err->code;
    for (uint32_t i = 0; i < op->args.n; i++) {
        const msoc_kql_node *it = op->args.items[i];
        item_info *ii = &items[i];
        ii->ex = it;
        if (it->kind == MSOC_KQL_ASSIGN) {
            for (uint32_t k = 0; k < it->args.n && k < 64; k++)
                ii->names[ii->n_names++] = it->args.items[k]->name;
            ii->ex = it->a;
        }
        msoc_plan_fn fn;
        if (is_agg_call(ii->ex, &fn)) {
            ii->is_direct = true;
            msoc_status st = add_agg(b, &ab, ii->ex, fn, in, ii->n_names ? ii->names : NULL,
                                     ii->n_names, &ii->first_col);
            if (st != MSOC_OK)
                return st;
        } else {
            needs_project = true;
            msoc_kql_node *rw;
            msoc_status st = rewrite(b, &ab, ii->ex, in, &rw);
            if (st != MSOC_OK)
                return st;
            if (ii->n_names == 0) {
                /* f(agg(x), ...) is named like agg(x): tostring(make_set(x)) -> set_x */
                const msoc_kql_node *c = ii->ex;
                msoc_plan_fn afn;
                while (c && c->kind == MSOC_KQL_CALL && c->args.n > 0 && !is_agg_call(c, &afn))
                    c = c->args.items[0];
                if (c && is_agg_call(c, &afn)) {
                    ii->names[0] = default_agg_name(b, msoc_plan_fn_canonical(afn), c);
                    ii->n_names = 1;
                }
            }
            ii->ex = rw;
            if (ii->n_names == 0) {
                char buf[32];
                int len = snprintf(buf, sizeof buf, "Column%zu", ++unnamed);
                ii->names[0] = msoc_plan__str(b, buf, (size_t)len);
                ii->n_names = 1;
            }
        }
    }
    if (!needs_project) {
        *out = n;
        return MSOC_OK;
    }
    /* keys, then each item in order: direct outputs by reference, others computed */
    msoc_plan_node *p = msoc_plan__node(b, MSOC_PLAN_PROJECT, n, n->n_cols + op->args.n + 1);
    if (p == NULL)
        return b->err->code;
    p->exprs = msoc_plan__alloc(b, (n->n_cols + op->args.n + 1) * sizeof *p->exprs);
    if (p->exprs == NULL)
        return b->err->code;
    p->n_cols = 0;
    for (size_t k = 0; k < nk; k++) {
        p->cols[p->n_cols] = n->cols[k];
        p->exprs[p->n_cols++] = msoc_plan__col_ref(b, n, (int)k);
    }
    for (uint32_t i = 0; i < op->args.n; i++) {
        item_info *ii = &items[i];
        if (ii->is_direct) {
            const msoc_plan_agg *agg = NULL;
            size_t col = (size_t)ii->first_col;
            for (size_t a = 0; a < n->n_aggs; a++) {
                (void)a;
            }
            (void)agg;
            /* outputs of this aggregate: from first_col while names are not hidden */
            size_t n_out = 1;
            for (size_t a = 0, c = nk; a < n->n_aggs; c += n->aggs[a].n_out, a++)
                if (c == col)
                    n_out = n->aggs[a].n_out;
            for (size_t o = 0; o < n_out; o++) {
                p->cols[p->n_cols] = n->cols[col + o];
                p->exprs[p->n_cols++] = msoc_plan__col_ref(b, n, (int)(col + o));
            }
            continue;
        }
        msoc_plan_expr *e;
        msoc_status st = msoc_plan__bind_expr(b, ii->ex, n, &e);
        if (st != MSOC_OK)
            return st;
        p->cols[p->n_cols].name = ii->names[0];
        p->cols[p->n_cols].type = e->type == MSOC_TYPE_NULL ? MSOC_TYPE_DYNAMIC : e->type;
        p->exprs[p->n_cols++] = e;
    }
    p->n_exprs = p->n_cols;
    *out = p;
    return MSOC_OK;
}
