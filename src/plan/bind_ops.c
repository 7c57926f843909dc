/* Binding the newer tabular operators: mv-apply and partition (a sub-plan run per
 * group), evaluate plugins, scan, top-nested, top-hitters, make-series, reduce,
 * sample, sample-distinct, parse-kv and invoke. Where an operator is a composition
 * of existing ones (top-hitters, make-series, top-nested levels) it is built from
 * synthetic AST nodes so names and types follow the same rules as summarize.
 * Operators whose output columns depend on the data (bag_unpack, pivot) stop the
 * bind with a REBIND node unless the back end already told us their columns. */
#include <stdio.h>

#include "kql/kql.h"
#include "plan_int.h"

struct site_count {
    const void *site;
    int n;
    struct site_count *next;
};

static msoc_status fail_at(binder *b, const msoc_kql_node *e, msoc_status code, const char *what)
{
    return msoc_fail_pos(b->err, code, e->line, e->col, "%s", what);
}

/* ---- synthetic AST ---- */

/* The AST is read-only for the binder; synthetic nodes only point at parts of it. */
static msoc_kql_node *mut(const msoc_kql_node *p)
{
    return (msoc_kql_node *)(uintptr_t)p;
}

msoc_kql_node *msoc_plan__ast(binder *b, msoc_kql_kind kind, const msoc_kql_node *pos)
{
    msoc_kql_node *n = msoc_plan__alloc(b, sizeof *n);
    if (n == NULL)
        return NULL;
    n->kind = kind;
    if (pos) {
        n->line = pos->line;
        n->col = pos->col;
        n->off = pos->off;
        n->end = pos->end;
    }
    return n;
}

static bool ast_list(binder *b, msoc_kql_list *l, msoc_kql_node *const *items, size_t n)
{
    l->items = msoc_plan__alloc(b, (n + 1) * sizeof *l->items);
    if (l->items == NULL)
        return false;
    for (size_t i = 0; i < n; i++)
        l->items[i] = items[i];
    l->n = (uint32_t)n;
    return true;
}

msoc_kql_node *msoc_plan__ast_name(binder *b, msoc_str name, const msoc_kql_node *pos)
{
    msoc_kql_node *n = msoc_plan__ast(b, MSOC_KQL_NAME, pos);
    if (n)
        n->name = name;
    return n;
}

msoc_kql_node *msoc_plan__ast_call(binder *b, const char *fn, msoc_kql_node *const *args, size_t n_args,
                                  const msoc_kql_node *pos)
{
    msoc_kql_node *n = msoc_plan__ast(b, MSOC_KQL_CALL, pos);
    if (n == NULL || !ast_list(b, &n->args, args, n_args))
        return NULL;
    n->name = msoc_str_c(fn);
    return n;
}

static msoc_kql_node *ast_assign(binder *b, msoc_str name, msoc_kql_node *value, const msoc_kql_node *pos)
{
    msoc_kql_node *n = msoc_plan__ast(b, MSOC_KQL_ASSIGN, pos);
    msoc_kql_node *t = msoc_plan__ast_name(b, name, pos);
    if (n == NULL || t == NULL || !ast_list(b, &n->args, &t, 1))
        return NULL;
    n->a = value;
    return n;
}

static msoc_kql_node *ast_binary(binder *b, msoc_kql_op op, msoc_kql_node *l, msoc_kql_node *r)
{
    msoc_kql_node *n = msoc_plan__ast(b, MSOC_KQL_BINARY, l);
    if (n) {
        n->op = op;
        n->a = l;
        n->b = r;
    }
    return n;
}

static msoc_str fmt(binder *b, const char *a, msoc_str x, const char *c)
{
    char buf[400];
    int len = snprintf(buf, sizeof buf, "%s%.*s%s", a, (int)x.len, x.ptr ? x.ptr : "", c);
    if (len < 0)
        len = 0;
    if ((size_t)len >= sizeof buf)
        len = sizeof buf - 1;
    return msoc_plan__str(b, buf, (size_t)len);
}

static const msoc_kql_node *unnamed(const msoc_kql_node *e)
{
    return e && e->kind == MSOC_KQL_NAMED_ARG ? e->a : e;
}

/* An operator node (not a source such as datatable or print). */
static bool is_operator(const msoc_kql_node *e)
{
    return e->kind >= MSOC_KQL_OP_WHERE && e->kind != MSOC_KQL_OP_DATATABLE &&
           e->kind != MSOC_KQL_OP_PRINT && e->kind != MSOC_KQL_OP_RANGE &&
           e->kind != MSOC_KQL_OP_EXTERNALDATA && e->kind < MSOC_KQL_RESTRICT;
}

/* Binds the operators of a sub-query pipe (PIPE with no source) over in. */
static msoc_status bind_pipe_over(binder *b, const msoc_kql_node *pipe, msoc_plan_node *in,
                                  msoc_plan_node **out)
{
    msoc_plan_node *cur = in;
    if (pipe == NULL) {
        *out = in;
        return MSOC_OK;
    }
    if (is_operator(pipe))
        return msoc_plan__bind_op(b, pipe, in, out);
    if (pipe->kind != MSOC_KQL_PIPE || (pipe->a != NULL && !is_operator(pipe->a)))
        return fail_at(b, pipe, MSOC_SEMANTIC, "expected a sub-query of operators");
    if (pipe->a) {
        msoc_status st = msoc_plan__bind_op(b, pipe->a, cur, &cur);
        if (st != MSOC_OK)
            return st;
    }
    for (uint32_t i = 0; i < pipe->args.n; i++) {
        msoc_plan_node *next;
        msoc_status st = msoc_plan__bind_op(b, pipe->args.items[i], cur, &next);
        if (st != MSOC_OK)
            return st;
        cur = next;
    }
    *out = cur;
    return MSOC_OK;
}

/* Binds a `{ let ...; query }` block or a tabular expression. */
static msoc_status bind_block(binder *b, const msoc_kql_node *e, msoc_plan_node **out)
{
    if (e->kind != MSOC_KQL_BLOCK)
        return msoc_plan__bind_tabular(b, e, out);
    bind_sym *saved = b->syms;
    const msoc_kql_node *res = NULL;
    msoc_status st = msoc_plan__bind_lets(b, e, &res);
    if (st == MSOC_OK)
        st = res ? msoc_plan__bind_tabular(b, res, out) : fail_at(b, e, MSOC_SEMANTIC, "the block has no query");
    b->syms = saved;
    return st;
}

/* ---- mv-apply and partition ---- */

static msoc_plan_node *group_leaf(binder *b, msoc_plan_node *apply, const msoc_plan_node *in)
{
    msoc_plan_node *g = msoc_plan__node(b, MSOC_PLAN_GROUP, NULL, in->n_cols);
    if (g == NULL)
        return NULL;
    memcpy(g->cols, in->cols, in->n_cols * sizeof *g->cols);
    g->apply_id = apply->id;
    return g;
}

static msoc_plan_node *apply_node(binder *b, msoc_plan_node *in)
{
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_APPLY, in, 0);
    if (n == NULL)
        return NULL;
    n->inputs = msoc_plan__alloc(b, 2 * sizeof *n->inputs);
    if (n->inputs == NULL)
        return NULL;
    n->inputs[0] = in;
    n->n_inputs = 1;
    n->apply_part_col = -1;
    return n;
}

static msoc_status bind_mv_apply(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                 msoc_plan_node **out)
{
    msoc_plan_node *n = apply_node(b, in);
    msoc_plan_node *g = n ? group_leaf(b, n, in) : NULL;
    if (g == NULL)
        return b->err->code;
    b->apply_depth++;
    msoc_plan_node *expanded, *sub = NULL;
    msoc_status st = msoc_plan__bind_mv_expand(b, op, g, &expanded);
    if (st == MSOC_OK)
        st = bind_pipe_over(b, op->b, expanded, &sub);
    b->apply_depth--;
    if (st != MSOC_OK)
        return st;
    n->inputs[1] = sub;
    n->n_inputs = 2;
    /* outer columns that were not expanded in place come first (the sub-query's
     * value when it has a column of that name), then the sub-query's other columns */
    size_t cap = in->n_cols + sub->n_cols + 1;
    n->cols = msoc_plan__alloc(b, cap * sizeof *n->cols);
    n->apply_out = msoc_plan__alloc(b, cap * sizeof *n->apply_out);
    bool *used = msoc_plan__alloc(b, sub->n_cols + 1);
    if (n->cols == NULL || n->apply_out == NULL || used == NULL)
        return b->err->code;
    n->n_cols = 0;
    for (size_t c = 0; c < in->n_cols; c++) {
        bool is_expanded = false;
        for (size_t e = 0; e < expanded->n_expand; e++)
            if (expanded->expand_cols[e] == (int)c)
                is_expanded = true;
        if (is_expanded)
            continue;
        int sc = msoc_plan__find_col(sub, in->cols[c].name);
        if (sc >= 0) {
            used[sc] = true;
            n->cols[n->n_cols] = sub->cols[sc];
            n->apply_out[n->n_cols++] = sc;
        } else {
            n->cols[n->n_cols] = in->cols[c];
            n->apply_out[n->n_cols++] = -(int)c - 1;
        }
    }
    for (size_t sc = 0; sc < sub->n_cols; sc++) {
        if (used[sc])
            continue;
        n->cols[n->n_cols] = sub->cols[sc];
        n->apply_out[n->n_cols++] = (int)sc;
    }
    *out = n;
    return MSOC_OK;
}

static msoc_status bind_partition(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                  msoc_plan_node **out)
{
    const msoc_kql_node *by = op->a;
    if (by == NULL || by->kind != MSOC_KQL_NAME)
        return fail_at(b, op, MSOC_SEMANTIC, "partition needs `by Column`");
    int pc = msoc_plan__find_col(in, by->name);
    if (pc < 0)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, by->line, by->col, "unknown column '%.*s'",
                             (int)by->name.len, by->name.ptr);
    if (op->b == NULL)
        return fail_at(b, op, MSOC_SEMANTIC, "partition needs a sub-query");
    msoc_plan_node *n = apply_node(b, in);
    msoc_plan_node *g = n ? group_leaf(b, n, in) : NULL;
    if (g == NULL)
        return b->err->code;
    n->apply_part_col = pc;
    b->apply_depth++;
    msoc_plan_node *sub = NULL;
    msoc_status st;
    if (op->b->kind == MSOC_KQL_PIPE && op->b->a == NULL) {
        st = bind_pipe_over(b, op->b, g, &sub);
    } else {
        /* { query with its own source }: the partition column names the group's
         * rows (toscalar(Column) is the partition's value) */
        msoc_plan_node *p = msoc_plan__project(b, g, 1);
        bind_sym *s = msoc_plan__alloc(b, sizeof *s);
        msoc_plan_expr *ref = msoc_plan__col_ref(b, g, pc);
        if (p == NULL || s == NULL || ref == NULL) {
            b->apply_depth--;
            return b->err->code;
        }
        p->n_cols = 0;
        msoc_plan__add_col(p, in->cols[pc].name, in->cols[pc].type, ref);
        bind_sym *saved = b->syms;
        s->name = by->name;
        s->kind = SYM_TABLE;
        s->node = p;
        s->next = b->syms;
        b->syms = s;
        st = bind_block(b, op->b, &sub);
        b->syms = saved;
    }
    b->apply_depth--;
    if (st != MSOC_OK)
        return st;
    n->inputs[1] = sub;
    n->n_inputs = 2;
    n->cols = msoc_plan__alloc(b, (sub->n_cols + 1) * sizeof *n->cols);
    n->apply_out = msoc_plan__alloc(b, (sub->n_cols + 1) * sizeof *n->apply_out);
    if (n->cols == NULL || n->apply_out == NULL)
        return b->err->code;
    for (size_t c = 0; c < sub->n_cols; c++) {
        n->cols[c] = sub->cols[c];
        n->apply_out[c] = (int)c;
    }
    n->n_cols = sub->n_cols;
    *out = n;
    return MSOC_OK;
}

/* ---- evaluate ---- */

static msoc_plan_node *eval_node(binder *b, msoc_plan_eval_op op, msoc_plan_node *in, size_t n_cols)
{
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_EVALUATE, in, n_cols);
    if (n == NULL)
        return NULL;
    n->eval_op = op;
    n->n_cols = 0;
    return n;
}

static msoc_status bind_eval_args(binder *b, const msoc_kql_node *call, uint32_t first, uint32_t n_args,
                                  const msoc_plan_node *in, msoc_plan_node *n)
{
    n->eval_args = msoc_plan__alloc(b, (n_args + 1) * sizeof *n->eval_args);
    if (n->eval_args == NULL)
        return b->err->code;
    for (uint32_t i = 0; i < n_args; i++) {
        msoc_status st = msoc_plan__bind_expr(b, unnamed(call->args.items[first + i]), in, &n->eval_args[i]);
        if (st != MSOC_OK)
            return st;
    }
    n->n_eval_args = n_args;
    return MSOC_OK;
}

static const msoc_kql_node *named_arg(const msoc_kql_node *call, const char *name)
{
    for (uint32_t i = 0; i < call->args.n; i++) {
        const msoc_kql_node *a = call->args.items[i];
        if (a->kind == MSOC_KQL_NAMED_ARG && msoc_str_ieq_c(a->name, name))
            return a->a;
    }
    return NULL;
}

static uint32_t n_positional(const msoc_kql_node *call)
{
    uint32_t k = 0;
    while (k < call->args.n && call->args.items[k]->kind != MSOC_KQL_NAMED_ARG)
        k++;
    return k;
}

/* An operator whose output columns depend on the data: use the back end's answer
 * when it gave one, else stop the bind with a REBIND over in. */
static msoc_status dynamic_schema(binder *b, const msoc_kql_node *op, msoc_plan_node *proto,
                                  msoc_plan_node **out)
{
    struct site_count *sc = b->site_counts;
    while (sc && sc->site != op)
        sc = sc->next;
    if (sc == NULL) {
        sc = msoc_plan__alloc(b, sizeof *sc);
        if (sc == NULL)
            return b->err->code;
        sc->site = op;
        sc->next = b->site_counts;
        b->site_counts = sc;
    }
    int ordinal = sc->n++;
    for (const msoc_plan_hint *h = b->hints; h; h = h->next) {
        if (h->site != op || h->ordinal != ordinal)
            continue;
        proto->cols = msoc_plan__alloc(b, (h->n_cols + 1) * sizeof *proto->cols);
        if (proto->cols == NULL)
            return b->err->code;
        memcpy(proto->cols, h->cols, h->n_cols * sizeof *proto->cols);
        proto->n_cols = h->n_cols;
        proto->rebound_table = h->table;
        proto->inputs = NULL; /* the back end already has the rows */
        proto->n_inputs = 0;
        *out = proto;
        return MSOC_OK;
    }
    if (b->apply_depth > 0)
        return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, op->line, op->col,
                             "not supported: %.*s inside mv-apply or partition without an output "
                             "schema (add `: (Column:type, ...)`)",
                             op->a ? (int)op->a->name.len : 8, op->a ? op->a->name.ptr : "evaluate");
    msoc_plan_catalog *cat = msoc_plan__alloc(b, sizeof *cat);
    if (cat == NULL)
        return b->err->code;
    *cat = *b->cat;
    proto->kind = MSOC_PLAN_REBIND;
    proto->rebind_script = b->script;
    proto->rebind_catalog = cat;
    proto->rebind_site = op;
    proto->rebind_ordinal = ordinal;
    proto->rebind_hints = b->hints;
    b->rebind_pending = proto;
    return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, op->line, op->col,
                         "internal: the columns of this operator depend on the data");
}

/* `evaluate plugin(...) : (schema)`: the output columns are given. */
static msoc_status schema_cols(binder *b, const msoc_kql_node *schema, msoc_plan_node *n)
{
    size_t nc = schema->args.n;
    n->cols = msoc_plan__alloc(b, (nc + 1) * sizeof *n->cols);
    if (n->cols == NULL)
        return b->err->code;
    for (size_t c = 0; c < nc; c++) {
        const msoc_kql_node *cd = schema->args.items[c];
        n->cols[c].name = cd->name;
        n->cols[c].type = cd->a ? (msoc_type)cd->a->op : MSOC_TYPE_DYNAMIC;
    }
    n->n_cols = nc;
    return MSOC_OK;
}

static msoc_status bind_bag_unpack(binder *b, const msoc_kql_node *op, const msoc_kql_node *call,
                                   msoc_plan_node *in, msoc_plan_node **out)
{
    uint32_t np = n_positional(call);
    if (np < 1 || np > 3)
        return fail_at(b, call, MSOC_SEMANTIC, "bag_unpack(column [, prefix [, conflict]]) takes a bag column");
    msoc_plan_node *n = eval_node(b, MSOC_PLAN_EV_BAG_UNPACK, in, 0);
    if (n == NULL)
        return b->err->code;
    /* args: the bag, then the ignored properties (or a null) */
    n->eval_args = msoc_plan__alloc(b, 3 * sizeof *n->eval_args);
    if (n->eval_args == NULL)
        return b->err->code;
    msoc_status st = msoc_plan__bind_expr(b, call->args.items[0], in, &n->eval_args[0]);
    if (st != MSOC_OK)
        return st;
    const msoc_kql_node *ign = named_arg(call, "ignoredProperties");
    if (ign) {
        st = msoc_plan__bind_expr(b, ign, NULL, &n->eval_args[1]);
        if (st != MSOC_OK)
            return st;
    } else {
        n->eval_args[1] = msoc_plan__lit_null(b, MSOC_TYPE_DYNAMIC);
    }
    n->n_eval_args = 2;
    const msoc_kql_node *prefix = np >= 2 ? call->args.items[1] : named_arg(call, "OutputColumnPrefix");
    if (prefix) {
        if (prefix->kind != MSOC_KQL_LIT || prefix->lit.type != MSOC_TYPE_STRING)
            return fail_at(b, prefix, MSOC_SEMANTIC, "bag_unpack: the column prefix must be a string literal");
        n->eval_text = prefix->lit.s;
    }
    const msoc_kql_node *conflict = np >= 3 ? call->args.items[2] : named_arg(call, "columnsConflict");
    if (conflict) {
        msoc_str c = conflict->kind == MSOC_KQL_LIT ? conflict->lit.s : conflict->name;
        if (msoc_str_eq_c(c, "keep_source"))
            n->eval_flags = 1;
        else if (msoc_str_eq_c(c, "replace_source"))
            n->eval_flags = 2;
        else if (!msoc_str_eq_c(c, "error"))
            return fail_at(b, conflict, MSOC_SEMANTIC,
                           "bag_unpack: columnsConflict is 'error', 'keep_source' or 'replace_source'");
    }
    if (op->b) {
        st = schema_cols(b, op->b, n);
        *out = n;
        return st;
    }
    return dynamic_schema(b, op, n, out);
}

static bool mentions(const msoc_kql_node *e, msoc_str name)
{
    if (e == NULL)
        return false;
    if (e->kind == MSOC_KQL_NAME && msoc_str_eq(e->name, name))
        return true;
    if (mentions(e->a, name) || mentions(e->b, name) || mentions(e->c, name))
        return true;
    for (uint32_t i = 0; i < e->args.n; i++)
        if (mentions(e->args.items[i], name))
            return true;
    return false;
}

/* pivot(col [, agg(x)] [, key...]): summarize agg by key..., col, then one output
 * column per distinct value of col (worked out from the data). */
static msoc_status bind_pivot(binder *b, const msoc_kql_node *op, const msoc_kql_node *call,
                              msoc_plan_node *in, msoc_plan_node **out)
{
    uint32_t na = call->args.n;
    if (na < 1)
        return fail_at(b, call, MSOC_SEMANTIC, "pivot(column [, aggregation [, key...]])");
    msoc_kql_node *sum = msoc_plan__ast(b, MSOC_KQL_OP_SUMMARIZE, op);
    msoc_kql_node *agg = na >= 2 ? mut(unnamed(call->args.items[1])) : msoc_plan__ast_call(b, "count", NULL, 0, op);
    msoc_kql_node **keys = msoc_plan__alloc(b, (na + 1) * sizeof *keys);
    if (sum == NULL || agg == NULL || keys == NULL)
        return b->err->code;
    msoc_kql_node *agg_item = ast_assign(b, MSOC_STR("$pivot_value"), agg, agg);
    if (agg_item == NULL || !ast_list(b, &sum->args, &agg_item, 1))
        return b->err->code;
    size_t nk = 0;
    for (uint32_t i = 2; i < na; i++)
        keys[nk++] = mut(unnamed(call->args.items[i]));
    if (na <= 2) {
        /* default keys: every column but the pivot column and the aggregated ones */
        keys = msoc_plan__alloc(b, (in->n_cols + 2) * sizeof *keys);
        if (keys == NULL)
            return b->err->code;
        const msoc_kql_node *pv = unnamed(call->args.items[0]);
        for (size_t c = 0; c < in->n_cols; c++) {
            msoc_str cn = in->cols[c].name;
            if (msoc_plan_col_is_hidden(cn) || (pv->kind == MSOC_KQL_NAME && msoc_str_eq(pv->name, cn)) ||
                mentions(agg, cn))
                continue;
            keys[nk] = msoc_plan__ast_name(b, cn, op);
            if (keys[nk++] == NULL)
                return b->err->code;
        }
    }
    keys[nk++] = mut(unnamed(call->args.items[0]));
    if (!ast_list(b, &sum->keys, keys, nk))
        return b->err->code;
    msoc_plan_node *grouped;
    msoc_status st = msoc_plan__bind_summarize(b, sum, in, &grouped);
    if (st != MSOC_OK)
        return st;
    msoc_plan_node *n = eval_node(b, MSOC_PLAN_EV_PIVOT, grouped, 0);
    if (n == NULL)
        return b->err->code;
    /* eval_flags: the number of keys; eval_text: the aggregate (for empty cells) */
    n->eval_flags = (int)(nk - 1);
    n->eval_text = agg->kind == MSOC_KQL_CALL ? agg->name : MSOC_STR("");
    if (op->b) {
        st = schema_cols(b, op->b, n);
        *out = n;
        return st;
    }
    return dynamic_schema(b, op, n, out);
}

static msoc_status bind_narrow(binder *b, msoc_plan_node *in, msoc_plan_node **out)
{
    msoc_plan_node *n = eval_node(b, MSOC_PLAN_EV_NARROW, in, 3);
    if (n == NULL)
        return b->err->code;
    static const char *names[] = {"Row", "Column", "Value"};
    static const msoc_type types[] = {MSOC_TYPE_LONG, MSOC_TYPE_STRING, MSOC_TYPE_STRING};
    for (int i = 0; i < 3; i++) {
        n->cols[i].name = msoc_str_c(names[i]);
        n->cols[i].type = types[i];
    }
    n->n_cols = 3;
    *out = n;
    return MSOC_OK;
}

static msoc_status same_cols(binder *b, msoc_plan_node *n, const msoc_plan_node *in)
{
    n->cols = msoc_plan__alloc(b, (in->n_cols + 2) * sizeof *n->cols);
    if (n->cols == NULL)
        return b->err->code;
    memcpy(n->cols, in->cols, in->n_cols * sizeof *n->cols);
    n->n_cols = in->n_cols;
    return MSOC_OK;
}

static msoc_status bind_rows_near(binder *b, const msoc_kql_node *call, msoc_plan_node *in,
                                  msoc_plan_node **out)
{
    uint32_t np = n_positional(call);
    if (np < 2 || np > 3)
        return fail_at(b, call, MSOC_SEMANTIC, "rows_near(condition, before [, after])");
    msoc_plan_node *n = eval_node(b, MSOC_PLAN_EV_ROWS_NEAR, in, 0);
    if (n == NULL)
        return b->err->code;
    msoc_status st = bind_eval_args(b, call, 0, np, in, n);
    if (st == MSOC_OK)
        st = same_cols(b, n, in);
    *out = n;
    return st;
}

/* ipv4_lookup(LookupTable, SourceIPKey, IPRangeKey [, return_unmatched]) */
static msoc_status bind_ip_lookup(binder *b, const msoc_kql_node *call, msoc_plan_node *in, bool is_v6,
                                  msoc_plan_node **out)
{
    uint32_t np = n_positional(call);
    if (np < 3)
        return fail_at(b, call, MSOC_SEMANTIC, "ipv4_lookup(LookupTable, SourceIPKey, IPRangeKey [, return_unmatched])");
    msoc_plan_node *lk;
    msoc_status st = msoc_plan__bind_tabular(b, call->args.items[0], &lk);
    if (st != MSOC_OK)
        return st;
    const msoc_kql_node *src = call->args.items[1], *rk = call->args.items[2];
    if (src->kind != MSOC_KQL_NAME || rk->kind != MSOC_KQL_NAME)
        return fail_at(b, call, MSOC_SEMANTIC, "ip lookup keys must be column names");
    int sc = msoc_plan__find_col(in, src->name), rc = msoc_plan__find_col(lk, rk->name);
    if (sc < 0 || rc < 0)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, call->line, call->col, "unknown column '%.*s'",
                             sc < 0 ? (int)src->name.len : (int)rk->name.len,
                             sc < 0 ? src->name.ptr : rk->name.ptr);
    msoc_plan_node *n = eval_node(b, MSOC_PLAN_EV_IP_LOOKUP, in, in->n_cols + lk->n_cols);
    if (n == NULL)
        return b->err->code;
    n->inputs = msoc_plan__alloc(b, 2 * sizeof *n->inputs);
    n->eval_args = msoc_plan__alloc(b, 2 * sizeof *n->eval_args);
    if (n->inputs == NULL || n->eval_args == NULL)
        return b->err->code;
    n->inputs[0] = in;
    n->inputs[1] = lk;
    n->n_inputs = 2;
    n->eval_args[0] = msoc_plan__col_ref(b, in, sc);
    n->eval_args[1] = msoc_plan__col_ref(b, lk, rc);
    n->n_eval_args = 2;
    const msoc_kql_node *ru = np >= 4 ? call->args.items[3] : named_arg(call, "return_unmatched");
    if (ru) {
        msoc_plan_expr *x;
        st = msoc_plan__bind_expr(b, ru, NULL, &x);
        if (st != MSOC_OK)
            return st;
        if (x->kind == MSOC_PLAN_X_LIT && !x->lit.is_null && x->lit.i)
            n->eval_flags |= 1;
    }
    if (is_v6)
        n->eval_flags |= 2;
    /* the source's columns, then the lookup table's (same names are not repeated);
     * ipv6_lookup puts the lookup table's first, as Kusto does */
    if (is_v6)
        for (size_t c = 0; c < lk->n_cols; c++)
            if (msoc_plan__find_col(in, lk->cols[c].name) < 0)
                n->cols[n->n_cols++] = lk->cols[c];
    for (size_t c = 0; c < in->n_cols; c++)
        if (!msoc_plan_col_is_hidden(in->cols[c].name))
            n->cols[n->n_cols++] = in->cols[c];
    if (!is_v6)
        for (size_t c = 0; c < lk->n_cols; c++)
            if (msoc_plan__find_col(in, lk->cols[c].name) < 0)
                n->cols[n->n_cols++] = lk->cols[c];
    *out = n;
    return MSOC_OK;
}

/* geo_polygon_lookup(LookupTable, PolygonKey, lng, lat [, return_unmatched [, radius
 * [, return_lookup_key]]]) and geo_line_lookup(LookupTable, LineKey, lng, lat, radius
 * [, return_unmatched [, return_lookup_key]]): the lookup rows whose shape holds (or
 * lies within radius metres of) each input point. */
static msoc_status bind_geo_lookup(binder *b, const msoc_kql_node *call, msoc_plan_node *in, bool is_line,
                                   msoc_plan_node **out)
{
    uint32_t np = n_positional(call), min_np = is_line ? 5 : 4;
    if (np < min_np)
        return fail_at(b, call, MSOC_SEMANTIC,
                       is_line ? "geo_line_lookup(LookupTable, LineKey, Longitude, Latitude, radius [, return_unmatched [, return_lookup_key]])"
                               : "geo_polygon_lookup(LookupTable, PolygonKey, Longitude, Latitude [, return_unmatched [, radius [, return_lookup_key]]])");
    msoc_plan_node *lk;
    msoc_status st = msoc_plan__bind_tabular(b, call->args.items[0], &lk);
    if (st != MSOC_OK)
        return st;
    const msoc_kql_node *key = call->args.items[1];
    if (key->kind != MSOC_KQL_NAME)
        return fail_at(b, call, MSOC_SEMANTIC, "the lookup key must be a column of the lookup table");
    int kc = msoc_plan__find_col(lk, key->name);
    if (kc < 0)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, key->line, key->col, "unknown column '%.*s'", (int)key->name.len,
                             key->name.ptr);
    msoc_plan_node *n = eval_node(b, MSOC_PLAN_EV_GEO_LOOKUP, in, in->n_cols + lk->n_cols);
    if (n == NULL)
        return b->err->code;
    n->inputs = msoc_plan__alloc(b, 2 * sizeof *n->inputs);
    n->eval_args = msoc_plan__alloc(b, 4 * sizeof *n->eval_args);
    if (n->inputs == NULL || n->eval_args == NULL)
        return b->err->code;
    n->inputs[0] = in;
    n->inputs[1] = lk;
    n->n_inputs = 2;
    n->eval_args[0] = msoc_plan__col_ref(b, lk, kc);
    n->n_eval_args = 3;
    for (uint32_t i = 2; i < 4 && st == MSOC_OK; i++)
        st = msoc_plan__bind_expr(b, call->args.items[i], in, &n->eval_args[i - 1]);
    if (st == MSOC_OK && is_line) {
        st = msoc_plan__bind_expr(b, call->args.items[4], in, &n->eval_args[3]);
        n->n_eval_args = 4;
    }
    if (st != MSOC_OK)
        return st;
    /* positional flags after the required arguments, or the named forms */
    const char *names[3] = {"return_unmatched", is_line ? "return_lookup_key" : "lookup_area_radius",
                            is_line ? NULL : "return_lookup_key"};
    for (uint32_t k = 0; k < 3; k++) {
        if (names[k] == NULL)
            continue;
        const msoc_kql_node *arg = min_np + k < np ? call->args.items[min_np + k] : named_arg(call, names[k]);
        if (arg == NULL)
            continue;
        msoc_plan_expr *x;
        st = msoc_plan__bind_expr(b, arg, NULL, &x);
        if (st != MSOC_OK)
            return st;
        if (!is_line && k == 1) { /* lookup_area_radius */
            if (!(x->kind == MSOC_PLAN_X_LIT && x->lit.is_null))
                return fail_at(b, call, MSOC_UNSUPPORTED, "not supported: geo_polygon_lookup with lookup_area_radius");
            continue;
        }
        if (x->kind != MSOC_PLAN_X_LIT)
            return msoc_fail_pos(b->err, MSOC_SEMANTIC, arg->line, arg->col, "%s must be a constant bool", names[k]);
        if (!x->lit.is_null && x->lit.i)
            n->eval_flags |= k == 0 ? 1 : 4;
    }
    if (is_line)
        n->eval_flags |= 2;
    for (size_t c = 0; c < in->n_cols; c++)
        n->cols[n->n_cols++] = in->cols[c];
    for (size_t c = 0; c < lk->n_cols; c++)
        if (((int)c != kc || (n->eval_flags & 4)) && msoc_plan__find_col(in, lk->cols[c].name) < 0)
            n->cols[n->n_cols++] = lk->cols[c];
    *out = n;
    return MSOC_OK;
}

/* The activity plugins: positional arguments bound over the input, fixed output. */
static msoc_status bind_activity(binder *b, const msoc_kql_node *call, msoc_plan_node *in,
                                 msoc_plan_eval_op op, uint32_t min_args, msoc_plan_node **out)
{
    uint32_t np = n_positional(call);
    if (np < min_args)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, call->line, call->col, "%.*s() takes at least %u arguments",
                             (int)call->name.len, call->name.ptr, min_args);
    msoc_plan_node *n = eval_node(b, op, in, 8 + np);
    if (n == NULL)
        return b->err->code;
    msoc_status st = bind_eval_args(b, call, 0, np, in, n);
    if (st != MSOC_OK)
        return st;
    msoc_type tt = n->eval_args[op == MSOC_PLAN_EV_ROLLING_PCT ? 2 : 1]->type;
    msoc_plan_col *c = n->cols;
    size_t k = 0;
    /* time column named after the argument */
    const msoc_kql_node *targ = unnamed(call->args.items[op == MSOC_PLAN_EV_ROLLING_PCT ? 2 : 1]);
    msoc_str tname = msoc_plan__expr_name(b, targ);
    c[k].name = tname.ptr ? tname : MSOC_STR("Timestamp");
    c[k++].type = tt;
    uint32_t first_dim = 0;
    switch (op) {
    case MSOC_PLAN_EV_ACTIVITY_COUNTS:
        first_dim = 5;
        break;
    case MSOC_PLAN_EV_SLIDING_COUNTS:
        first_dim = 6;
        break;
    case MSOC_PLAN_EV_ACTIVE_USERS:
        first_dim = 8;
        break;
    case MSOC_PLAN_EV_ROLLING_PCT:
        first_dim = 5;
        break;
    default: break;
    }
    for (uint32_t i = first_dim; i < np && k < 8 + np; i++) {
        msoc_str dn = msoc_plan__expr_name(b, unnamed(call->args.items[i]));
        c[k].name = dn.ptr ? dn : fmt(b, "Column", MSOC_STR(""), "");
        c[k++].type = n->eval_args[i]->type;
    }
    switch (op) {
    case MSOC_PLAN_EV_ACTIVITY_COUNTS: {
        static const char *names[] = {"count", "dcount", "new_dcount", "aggregated_dcount"};
        for (int i = 0; i < 4; i++) {
            c[k].name = msoc_str_c(names[i]);
            c[k++].type = MSOC_TYPE_LONG;
        }
        break;
    }
    case MSOC_PLAN_EV_SLIDING_COUNTS:
        c[k].name = MSOC_STR("Count");
        c[k++].type = MSOC_TYPE_LONG;
        c[k].name = MSOC_STR("Dcount");
        c[k++].type = MSOC_TYPE_LONG;
        break;
    case MSOC_PLAN_EV_ACTIVE_USERS:
        c[k].name = MSOC_STR("dcount");
        c[k++].type = MSOC_TYPE_LONG;
        break;
    case MSOC_PLAN_EV_ROLLING_PCT: {
        /* rolling_<window>_percentile_<value>_<pct> */
        const msoc_plan_expr *w = n->eval_args[4], *p = n->eval_args[1];
        if (w->kind != MSOC_PLAN_X_LIT || p->kind != MSOC_PLAN_X_LIT)
            return fail_at(b, call, MSOC_UNSUPPORTED, "not supported: rolling_percentile with a non-constant window or percentile");
        msoc_str vn = msoc_plan__expr_name(b, unnamed(call->args.items[0]));
        char buf[300];
        double pv = p->type == MSOC_TYPE_REAL ? p->lit.r : (double)p->lit.i;
        int len = snprintf(buf, sizeof buf, "rolling_%lld_percentile_%.*s_%g", (long long)w->lit.i,
                           (int)vn.len, vn.ptr ? vn.ptr : "", pv);
        c[k].name = msoc_plan__str(b, buf, (size_t)(len < 0 ? 0 : len));
        c[k++].type = n->eval_args[0]->type == MSOC_TYPE_INT ? MSOC_TYPE_LONG : n->eval_args[0]->type;
        /* the timestamp column comes before the dimensions: already so */
        break;
    }
    default: break;
    }
    n->n_cols = k;
    *out = n;
    return MSOC_OK;
}

static bool is_external_plugin(msoc_str name)
{
    static const char *external[] = {
        "python", "r", "http_request", "http_request_post", "sql_request", "cosmosdb_sql_request",
        "mysql_request", "postgresql_request", "azure_digital_twins_query_request",
        "ai_embeddings", "ai_chat_completion", "ai_chat_completion_prompt", "infer_storage_schema",
        "infer_storage_schema_with_suggestions", "external_data", "externaldata",
    };
    for (size_t i = 0; i < sizeof external / sizeof external[0]; i++)
        if (msoc_str_ieq_c(name, external[i]))
            return true;
    return false;
}

/* evaluate dcount_intersect(h1, ..., hn): per row, s0 .. s(n-1), where s(j) is the
 * distinct count of h1 n ... n h(j+1) (hll() sketches); the input columns stay. */
static msoc_status bind_dcount_intersect(binder *b, const msoc_kql_node *call, msoc_plan_node *in,
                                         msoc_plan_node **out)
{
    size_t n = call->args.n;
    if (n < 2 || n > 16)
        return fail_at(b, call, MSOC_SEMANTIC, "dcount_intersect takes 2 to 16 hll() values");
    msoc_plan_expr **args = msoc_plan__alloc(b, n * sizeof *args);
    msoc_plan_node *p = msoc_plan__identity(b, in, n);
    if (args == NULL || p == NULL)
        return b->err->code;
    for (size_t i = 0; i < n; i++) {
        msoc_status st = msoc_plan__bind_expr(b, call->args.items[i], in, &args[i]);
        if (st != MSOC_OK)
            return st;
        if (args[i]->type != MSOC_TYPE_DYNAMIC)
            return fail_at(b, call->args.items[i], MSOC_SEMANTIC,
                           "dcount_intersect takes hll() values (dynamic)");
    }
    for (size_t i = 0; i < n; i++) {
        char nm[8];
        int len = snprintf(nm, sizeof nm, "s%zu", i);
        msoc_plan_expr *e = msoc_plan__call(b, MSOC_PLAN_FN_DCOUNT_INTERSECT, args, i + 1, call);
        if (e == NULL)
            return b->err->code;
        msoc_str name = msoc_plan__str(b, nm, (size_t)len);
        int existing = msoc_plan__find_col(p, name);
        if (existing >= 0) {
            p->exprs[existing] = e;
            p->cols[existing].type = MSOC_TYPE_LONG;
        } else {
            msoc_plan__add_col(p, name, MSOC_TYPE_LONG, e);
        }
    }
    *out = p;
    return MSOC_OK;
}

static msoc_status bind_evaluate(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                 msoc_plan_node **out)
{
    const msoc_kql_node *call = op->a;
    if (call == NULL || call->kind != MSOC_KQL_CALL)
        return fail_at(b, op, MSOC_SEMANTIC, "evaluate needs a plugin call");
    msoc_str name = call->name;
    if (is_external_plugin(name))
        return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, call->line, call->col,
                             "not supported: evaluate %.*s (no network access or external code from queries)",
                             (int)name.len, name.ptr);
    if (msoc_str_eq_c(name, "bag_unpack"))
        return bind_bag_unpack(b, op, call, in, out);
    if (msoc_str_eq_c(name, "pivot"))
        return bind_pivot(b, op, call, in, out);
    if (msoc_str_eq_c(name, "narrow"))
        return bind_narrow(b, in, out);
    if (msoc_str_eq_c(name, "rows_near"))
        return bind_rows_near(b, call, in, out);
    if (msoc_str_eq_c(name, "ipv4_lookup"))
        return bind_ip_lookup(b, call, in, false, out);
    if (msoc_str_eq_c(name, "ipv6_lookup"))
        return bind_ip_lookup(b, call, in, true, out);
    if (msoc_str_eq_c(name, "geo_polygon_lookup"))
        return bind_geo_lookup(b, call, in, false, out);
    if (msoc_str_eq_c(name, "geo_line_lookup"))
        return bind_geo_lookup(b, call, in, true, out);
    if (msoc_str_eq_c(name, "activity_counts_metrics"))
        return bind_activity(b, call, in, MSOC_PLAN_EV_ACTIVITY_COUNTS, 5, out);
    if (msoc_str_eq_c(name, "sliding_window_counts"))
        return bind_activity(b, call, in, MSOC_PLAN_EV_SLIDING_COUNTS, 6, out);
    if (msoc_str_eq_c(name, "active_users_count"))
        return bind_activity(b, call, in, MSOC_PLAN_EV_ACTIVE_USERS, 8, out);
    if (msoc_str_eq_c(name, "dcount_intersect"))
        return bind_dcount_intersect(b, call, in, out);
    if (msoc_str_eq_c(name, "rolling_percentile"))
        return bind_activity(b, call, in, MSOC_PLAN_EV_ROLLING_PCT, 5, out);
    return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, call->line, call->col, "not supported: evaluate %.*s",
                         (int)name.len, name.ptr);
}

/* ---- sample, sample-distinct, top-hitters ---- */

static msoc_status bind_sample(binder *b, const msoc_kql_node *op, msoc_plan_node *in, bool is_distinct,
                               msoc_plan_node **out)
{
    int64_t lim;
    msoc_status st = msoc_plan__const_long(b, op->a, &lim);
    if (st != MSOC_OK)
        return st;
    msoc_plan_node *n = eval_node(b, is_distinct ? MSOC_PLAN_EV_SAMPLE_DISTINCT : MSOC_PLAN_EV_SAMPLE, in, 1);
    if (n == NULL)
        return b->err->code;
    n->limit = lim < 0 ? 0 : lim;
    if (!is_distinct)
        return same_cols(b, n, in) == MSOC_OK ? (*out = n, MSOC_OK) : b->err->code;
    if (op->b == NULL)
        return fail_at(b, op, MSOC_SEMANTIC, "sample-distinct needs `of Column`");
    n->eval_args = msoc_plan__alloc(b, sizeof *n->eval_args);
    if (n->eval_args == NULL)
        return b->err->code;
    st = msoc_plan__bind_expr(b, op->b, in, &n->eval_args[0]);
    if (st != MSOC_OK)
        return st;
    n->n_eval_args = 1;
    msoc_str nm = msoc_plan__expr_name(b, op->b);
    n->cols[0].name = nm.ptr ? nm : MSOC_STR("Column1");
    n->cols[0].type = n->eval_args[0]->type;
    n->n_cols = 1;
    *out = n;
    return MSOC_OK;
}

/* top-hitters N of x [by y]: summarize approximate_count_x = count() (or
 * approximate_sum_y = sum(y)) by x | top N by it. The counts here are exact. */
static msoc_status bind_top_hitters(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                    msoc_plan_node **out)
{
    if (op->b == NULL)
        return fail_at(b, op, MSOC_SEMANTIC, "top-hitters needs `of Column`");
    msoc_str of_name = msoc_plan__expr_name(b, op->b);
    msoc_kql_node *agg;
    msoc_str agg_name;
    if (op->c) {
        msoc_kql_node *arg = mut(op->c);
        agg = msoc_plan__ast_call(b, "sum", &arg, 1, op);
        msoc_str by_name = msoc_plan__expr_name(b, op->c);
        agg_name = fmt(b, "approximate_sum_", by_name, "");
    } else {
        agg = msoc_plan__ast_call(b, "count", NULL, 0, op);
        agg_name = fmt(b, "approximate_count_", of_name, "");
    }
    msoc_kql_node *sum = msoc_plan__ast(b, MSOC_KQL_OP_SUMMARIZE, op);
    msoc_kql_node *item = agg ? ast_assign(b, agg_name, agg, op) : NULL;
    msoc_kql_node *key = mut(op->b);
    if (sum == NULL || item == NULL || !ast_list(b, &sum->args, &item, 1) || !ast_list(b, &sum->keys, &key, 1))
        return b->err->code;
    msoc_plan_node *grouped;
    msoc_status st = msoc_plan__bind_summarize(b, sum, in, &grouped);
    if (st != MSOC_OK)
        return st;
    msoc_kql_node *top = msoc_plan__ast(b, MSOC_KQL_OP_TOP, op);
    msoc_kql_node *sk = msoc_plan__ast(b, MSOC_KQL_SORT_KEY, op);
    if (top == NULL || sk == NULL)
        return b->err->code;
    sk->a = msoc_plan__ast_name(b, agg_name, op);
    sk->flags = MSOC_KQL_F_DESC;
    top->a = mut(op->a);
    if (sk->a == NULL || !ast_list(b, &top->args, &sk, 1))
        return b->err->code;
    return msoc_plan__bind_op(b, top, grouped, out);
}

/* ---- make-series ---- */

/* make-series aggs [default=v] on axis [from f] [to t] step s [by keys]:
 * where axis >= f and axis < t | summarize aggs by keys, $bin = bin_at(axis, s, f)
 * | EVALUATE make_series (arrays over the axis, defaults in empty bins). */
static msoc_status bind_make_series(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                    msoc_plan_node **out)
{
    const msoc_kql_node *axis = op->b, *from = op->c, *to = op->d, *step = op->e;
    if (axis && axis->kind == MSOC_KQL_IN && axis->args.n == 1 && axis->args.items[0]->kind == MSOC_KQL_CALL &&
        msoc_str_eq_c(axis->args.items[0]->name, "range") && axis->args.items[0]->args.n == 3) {
        /* `on x in range(from, to, step)`: the older spelling of from/to/step */
        const msoc_kql_node *r = axis->args.items[0];
        from = r->args.items[0];
        to = r->args.items[1];
        step = r->args.items[2];
        axis = axis->a;
    }
    if (axis == NULL || step == NULL)
        return fail_at(b, op, MSOC_SEMANTIC, "make-series needs `on Axis ... step Step`");
    msoc_plan_node *cur = in;
    msoc_status st;
    /* the range filter (it also lets the optimiser prune by time) */
    msoc_kql_node *pred = NULL;
    if (from)
        pred = ast_binary(b, MSOC_KQL_OP_GE, mut(axis), mut(from));
    if (to) {
        msoc_kql_node *lt = ast_binary(b, MSOC_KQL_OP_LT, mut(axis), mut(to));
        pred = pred ? ast_binary(b, MSOC_KQL_OP_AND, pred, lt) : lt;
    }
    if (pred) {
        msoc_kql_node *w = msoc_plan__ast(b, MSOC_KQL_OP_WHERE, op);
        if (w == NULL)
            return b->err->code;
        w->a = pred;
        st = msoc_plan__bind_op(b, w, cur, &cur);
        if (st != MSOC_OK)
            return st;
    }
    uint32_t na = op->args.n, nk = op->keys.n;
    msoc_kql_node **items = msoc_plan__alloc(b, (na + 1) * sizeof *items);
    msoc_kql_node **keys = msoc_plan__alloc(b, (nk + 2) * sizeof *keys);
    const msoc_kql_node **defaults = msoc_plan__alloc(b, (na + 1) * sizeof *defaults);
    msoc_kql_node *sum = msoc_plan__ast(b, MSOC_KQL_OP_SUMMARIZE, op);
    if (items == NULL || keys == NULL || defaults == NULL || sum == NULL)
        return b->err->code;
    for (uint32_t i = 0; i < na; i++) {
        const msoc_kql_node *it = op->args.items[i];
        if (it->kind == MSOC_KQL_DEFAULT) {
            defaults[i] = it->b;
            it = it->a;
        }
        items[i] = mut(it);
    }
    for (uint32_t i = 0; i < nk; i++)
        keys[i] = mut(op->keys.items[i]);
    msoc_kql_node *bin_args[3] = {mut(axis), mut(step), mut(from)};
    msoc_kql_node *binc = msoc_plan__ast_call(b, from ? "bin_at" : "bin", bin_args, from ? 3 : 2, op);
    keys[nk] = binc ? ast_assign(b, MSOC_STR("$series_bin"), binc, op) : NULL;
    if (keys[nk] == NULL || !ast_list(b, &sum->args, items, na) || !ast_list(b, &sum->keys, keys, nk + 1))
        return b->err->code;
    msoc_plan_node *grouped;
    st = msoc_plan__bind_summarize(b, sum, cur, &grouped);
    if (st != MSOC_OK)
        return st;
    if (grouped->n_cols != nk + 1 + na)
        return fail_at(b, op, MSOC_UNSUPPORTED, "not supported: make-series aggregates with several outputs");
    msoc_plan_make_series *ms = msoc_plan__alloc(b, sizeof *ms);
    msoc_plan_node *n = eval_node(b, MSOC_PLAN_EV_MAKE_SERIES, grouped, nk + na + 1);
    if (ms == NULL || n == NULL)
        return b->err->code;
    ms->n_keys = nk;
    ms->n_aggs = na;
    ms->defaults = msoc_plan__alloc(b, (na + 1) * sizeof *ms->defaults);
    if (ms->defaults == NULL)
        return b->err->code;
    for (uint32_t i = 0; i < na; i++) {
        if (defaults[i] == NULL)
            continue;
        st = msoc_plan__bind_expr(b, defaults[i], NULL, &ms->defaults[i]);
        if (st != MSOC_OK)
            return st;
    }
    const msoc_kql_node *ends[3] = {from, to, step};
    msoc_plan_expr **dst[3] = {&ms->from, &ms->to, &ms->step};
    for (int i = 0; i < 3; i++) {
        if (ends[i] == NULL)
            continue;
        st = msoc_plan__bind_expr(b, ends[i], NULL, dst[i]);
        if (st != MSOC_OK)
            return st;

    }
    const msoc_kql_node *kind = msoc_plan__param(op, "kind");
    ms->is_nonempty = kind && msoc_str_eq_c(kind->name.ptr ? kind->name : kind->lit.s, "nonempty");
    n->eval_data = ms;
    for (uint32_t i = 0; i < nk; i++)
        n->cols[n->n_cols++] = grouped->cols[i];
    for (uint32_t i = 0; i < na; i++) {
        n->cols[n->n_cols].name = grouped->cols[nk + 1 + i].name;
        n->cols[n->n_cols++].type = MSOC_TYPE_DYNAMIC;
    }
    const msoc_kql_node *ax = axis->kind == MSOC_KQL_ASSIGN ? axis->args.items[0] : axis;
    msoc_str an = msoc_plan__expr_name(b, ax);
    n->cols[n->n_cols].name = an.ptr ? an : MSOC_STR("Column1");
    n->cols[n->n_cols++].type = MSOC_TYPE_DYNAMIC;
    *out = n;
    return MSOC_OK;
}

/* ---- scan ---- */

/* A copy of e where step.col (MEMBER over a step name) is the NAME "step.col". */
static msoc_kql_node *scan_rewrite(binder *b, const msoc_kql_node *e, const msoc_kql_node *op, int depth)
{
    if (e == NULL || depth > 200)
        return mut(e);
    if (e->kind == MSOC_KQL_MEMBER && e->a && e->a->kind == MSOC_KQL_NAME) {
        for (uint32_t k = 0; k < op->args.n; k++) {
            if (!msoc_str_eq(op->args.items[k]->name, e->a->name))
                continue;
            msoc_str nm = fmt(b, "", e->a->name, ".");
            return msoc_plan__ast_name(b, fmt(b, nm.ptr, e->name, ""), e);
        }
    }
    msoc_kql_node *c = msoc_plan__ast(b, e->kind, e);
    if (c == NULL)
        return NULL;
    *c = *e;
    msoc_kql_node **slots[5] = {&c->a, &c->b, &c->c, &c->d, &c->e};
    for (int i = 0; i < 5; i++)
        if (*slots[i])
            *slots[i] = scan_rewrite(b, *slots[i], op, depth + 1);
    if (e->args.n) {
        msoc_kql_node **items = msoc_plan__alloc(b, (e->args.n + 1) * sizeof *items);
        if (items == NULL)
            return NULL;
        for (uint32_t i = 0; i < e->args.n; i++)
            items[i] = scan_rewrite(b, e->args.items[i], op, depth + 1);
        c->args.items = items;
    }
    return c;
}

static msoc_status bind_scan(binder *b, const msoc_kql_node *op, msoc_plan_node *in, msoc_plan_node **out)
{
    size_t n_in = in->n_cols, n_decl = op->keys.n, n_steps = op->args.n;
    if (n_steps == 0)
        return fail_at(b, op, MSOC_SEMANTIC, "scan needs at least one step");
    size_t w = n_in + n_decl;
    /* the row every step expression sees: input, declared, then each step's state */
    msoc_plan_node *v = msoc_plan__node(b, MSOC_PLAN_VALUES, NULL, w * (1 + n_steps));
    msoc_plan_scan *sc = msoc_plan__alloc(b, sizeof *sc);
    if (v == NULL || sc == NULL)
        return b->err->code;
    sc->n_in = n_in;
    sc->n_decl = n_decl;
    sc->n_steps = n_steps;
    sc->decl_defaults = msoc_plan__alloc(b, (n_decl + 1) * sizeof *sc->decl_defaults);
    sc->steps = msoc_plan__alloc(b, (n_steps + 1) * sizeof *sc->steps);
    if (sc->decl_defaults == NULL || sc->steps == NULL)
        return b->err->code;
    for (size_t c = 0; c < n_in; c++)
        v->cols[c] = in->cols[c];
    for (size_t d = 0; d < n_decl; d++) {
        const msoc_kql_node *cd = op->keys.items[d];
        msoc_type t = cd->a ? (msoc_type)cd->a->op : MSOC_TYPE_STRING;
        if (msoc_plan__find_col(in, cd->name) >= 0)
            return msoc_fail_pos(b->err, MSOC_SEMANTIC, cd->line, cd->col,
                                 "scan declares '%.*s', which the input already has", (int)cd->name.len, cd->name.ptr);
        v->cols[n_in + d].name = cd->name;
        v->cols[n_in + d].type = t;
        msoc_plan_expr *def;
        msoc_status st = cd->b ? msoc_plan__bind_expr(b, cd->b, NULL, &def) : MSOC_OK;
        if (st != MSOC_OK)
            return st;
        if (cd->b == NULL)
            def = msoc_plan__lit_null(b, t);
        if (def == NULL)
            return b->err->code;
        sc->decl_defaults[d] = def;
    }
    for (size_t k = 0; k < n_steps; k++) {
        msoc_str sn = op->args.items[k]->name;
        for (size_t c = 0; c < w; c++) {
            msoc_str pre = fmt(b, "", sn, ".");
            v->cols[w * (1 + k) + c].name = fmt(b, pre.ptr, v->cols[c].name, "");
            v->cols[w * (1 + k) + c].type = v->cols[c].type;
        }
    }
    for (size_t k = 0; k < n_steps; k++) {
        const msoc_kql_node *st_ast = op->args.items[k];
        msoc_plan_scan_step *step = &sc->steps[k];
        for (size_t j = 0; j < k; j++)
            if (msoc_str_eq(op->args.items[j]->name, st_ast->name))
                return fail_at(b, st_ast, MSOC_SEMANTIC, "scan step names must be unique");
        const msoc_kql_node *cond = scan_rewrite(b, st_ast->a, op, 0);
        if (cond == NULL)
            return b->err->code;
        msoc_status st = msoc_plan__bind_expr(b, cond, v, &step->cond);
        if (st != MSOC_OK)
            return st;
        step->n_assign = st_ast->args.n;
        step->assign = msoc_plan__alloc(b, (step->n_assign + 1) * sizeof *step->assign);
        step->assign_cols = msoc_plan__alloc(b, (step->n_assign + 1) * sizeof *step->assign_cols);
        if (step->assign == NULL || step->assign_cols == NULL)
            return b->err->code;
        for (size_t i = 0; i < step->n_assign; i++) {
            const msoc_kql_node *as = st_ast->args.items[i];
            if (as->kind != MSOC_KQL_ASSIGN || as->args.n != 1)
                return fail_at(b, as, MSOC_SEMANTIC, "scan step assignments are Column = expression");
            msoc_str target = as->args.items[0]->name;
            int dc = -1;
            for (size_t d = 0; d < n_decl; d++)
                if (msoc_str_eq(op->keys.items[d]->name, target))
                    dc = (int)d;
            if (dc < 0)
                return msoc_fail_pos(b->err, MSOC_SEMANTIC, as->line, as->col,
                                     "scan assigns '%.*s', which is not declared", (int)target.len, target.ptr);
            const msoc_kql_node *val = scan_rewrite(b, as->a, op, 0);
            if (val == NULL)
                return b->err->code;
            st = msoc_plan__bind_expr(b, val, v, &step->assign[i]);
            if (st != MSOC_OK)
                return st;
            step->assign_cols[i] = dc;
        }
        const msoc_kql_node *o = msoc_plan__param(st_ast, "output");
        msoc_str os = o ? (o->name.ptr ? o->name : o->lit.s) : MSOC_STR("all");
        step->output = msoc_str_eq_c(os, "last") ? 1 : msoc_str_eq_c(os, "none") ? 2 : 0;
        step->is_optional = (st_ast->flags & MSOC_KQL_F_OPTIONAL) != 0;
    }
    const msoc_kql_node *mid = msoc_plan__param(op, "with_match_id");
    sc->has_match_id = mid != NULL;
    msoc_plan_node *n = eval_node(b, MSOC_PLAN_EV_SCAN, in, w + 1);
    if (n == NULL)
        return b->err->code;
    for (size_t c = 0; c < w; c++)
        n->cols[n->n_cols++] = v->cols[c];
    if (mid) {
        n->cols[n->n_cols].name = mid->name.ptr ? mid->name : mid->lit.s;
        n->cols[n->n_cols++].type = MSOC_TYPE_LONG;
    }
    n->eval_data = sc;
    *out = n;
    return MSOC_OK;
}

/* ---- top-nested ---- */

/* Level i is `summarize agg_i by of_0..of_i` over the (materialized) input; the
 * EVALUATE node walks the levels, keeping the top n of each under its parent. */
static msoc_status bind_top_nested(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                   msoc_plan_node **out)
{
    size_t nl = op->args.n;
    if (nl == 0)
        return fail_at(b, op, MSOC_SEMANTIC, "top-nested needs a level");
    msoc_plan_node *shared = msoc_plan__node(b, MSOC_PLAN_SHARED, in, in->n_cols);
    msoc_plan_top_nested *tn = msoc_plan__alloc(b, sizeof *tn);
    msoc_kql_node **keys = msoc_plan__alloc(b, (nl + 1) * sizeof *keys);
    msoc_plan_node **levels = msoc_plan__alloc(b, (nl + 1) * sizeof *levels);
    msoc_plan_node *n = eval_node(b, MSOC_PLAN_EV_TOP_NESTED, NULL, 2 * nl);
    if (shared == NULL || tn == NULL || keys == NULL || levels == NULL || n == NULL)
        return b->err->code;
    memcpy(shared->cols, in->cols, in->n_cols * sizeof *shared->cols);
    tn->n_levels = nl;
    tn->levels = msoc_plan__alloc(b, (nl + 1) * sizeof *tn->levels);
    if (tn->levels == NULL)
        return b->err->code;
    for (size_t i = 0; i < nl; i++) {
        const msoc_kql_node *lv = op->args.items[i];
        msoc_plan_top_level *L = &tn->levels[i];
        if (lv->b == NULL || lv->c == NULL)
            return fail_at(b, lv, MSOC_SEMANTIC, "top-nested levels are `[N] of Expr by Aggregate`");
        msoc_str of_name = lv->b->kind == MSOC_KQL_ASSIGN ? lv->b->args.items[0]->name : msoc_plan__expr_name(b, lv->b);
        if (of_name.ptr == NULL) {
            char buf[32];
            int len = snprintf(buf, sizeof buf, "Column%zu", i + 1);
            of_name = msoc_plan__str(b, buf, (size_t)(len < 0 ? 0 : len));
        }
        keys[i] = lv->b->kind == MSOC_KQL_ASSIGN ? mut(lv->b) : ast_assign(b, of_name, mut(lv->b), lv->b);
        const msoc_kql_node *aggx = lv->c->kind == MSOC_KQL_ASSIGN ? lv->c->a : lv->c;
        msoc_kql_node *agg = lv->c->kind == MSOC_KQL_ASSIGN ? mut(lv->c)
                                                            : ast_assign(b, fmt(b, "aggregated_", of_name, ""), mut(lv->c), lv->c);
        msoc_kql_node *sum = msoc_plan__ast(b, MSOC_KQL_OP_SUMMARIZE, lv);
        if (keys[i] == NULL || agg == NULL || sum == NULL || !ast_list(b, &sum->args, &agg, 1) ||
            !ast_list(b, &sum->keys, keys, i + 1))
            return b->err->code;
        msoc_status st = msoc_plan__bind_summarize(b, sum, shared, &levels[i]);
        if (st != MSOC_OK)
            return st;
        if (levels[i]->n_cols != i + 2)
            return fail_at(b, lv, MSOC_UNSUPPORTED, "not supported: a top-nested aggregate with several outputs");
        L->n = -1;
        if (lv->a) {
            st = msoc_plan__const_long(b, lv->a, &L->n);
            if (st != MSOC_OK)
                return st;
        }
        L->is_asc = (lv->flags & MSOC_KQL_F_ASC) != 0;
        L->agg = MSOC_PLAN_FN_COUNT;
        if (aggx->kind == MSOC_KQL_CALL)
            msoc_plan_fn_find(aggx->name.ptr, aggx->name.len, MSOC_PLAN_FK_AGG, &L->agg);
        if (lv->d) {
            L->has_others = true;
            st = msoc_plan__bind_expr(b, lv->d, NULL, &L->others);
            if (st != MSOC_OK)
                return st;
        }
        n->cols[2 * i] = levels[i]->cols[i];
        n->cols[2 * i + 1] = levels[i]->cols[i + 1];
    }
    n->n_cols = 2 * nl;
    n->inputs = levels;
    n->n_inputs = nl;
    n->eval_data = tn;
    *out = n;
    return MSOC_OK;
}

/* ---- reduce, parse-kv ---- */

static msoc_status bind_reduce(binder *b, const msoc_kql_node *op, msoc_plan_node *in, msoc_plan_node **out)
{
    if (op->a == NULL)
        return fail_at(b, op, MSOC_SEMANTIC, "reduce needs `by Expression`");
    msoc_plan_node *n = eval_node(b, MSOC_PLAN_EV_REDUCE, in, 3);
    if (n == NULL)
        return b->err->code;
    n->eval_args = msoc_plan__alloc(b, 3 * sizeof *n->eval_args);
    if (n->eval_args == NULL)
        return b->err->code;
    msoc_status st = msoc_plan__bind_expr(b, op->a, in, &n->eval_args[0]);
    if (st != MSOC_OK)
        return st;
    const msoc_kql_node *th = msoc_plan__param(op, "threshold");
    if (th) {
        st = msoc_plan__bind_expr(b, th, NULL, &n->eval_args[1]);
        if (st != MSOC_OK)
            return st;
    } else {
        n->eval_args[1] = msoc_plan__lit_null(b, MSOC_TYPE_REAL);
    }
    n->n_eval_args = 2;
    const msoc_kql_node *ch = msoc_plan__param(op, "characters");
    if (ch) {
        if (ch->kind != MSOC_KQL_LIT || ch->lit.type != MSOC_TYPE_STRING)
            return fail_at(b, ch, MSOC_SEMANTIC, "reduce: characters must be a string literal");
        n->eval_text = ch->lit.s;
        n->eval_flags = 1;
    }
    static const char *names[] = {"Pattern", "Count", "Representative"};
    static const msoc_type types[] = {MSOC_TYPE_STRING, MSOC_TYPE_LONG, MSOC_TYPE_STRING};
    for (int i = 0; i < 3; i++) {
        n->cols[i].name = msoc_str_c(names[i]);
        n->cols[i].type = types[i];
    }
    n->n_cols = 3;
    *out = n;
    return MSOC_OK;
}

static msoc_status kv_param(binder *b, const msoc_kql_node *op, const char *name, msoc_str *out)
{
    const msoc_kql_node *p = msoc_plan__param(op, name);
    if (p == NULL)
        return MSOC_OK;
    if (p->kind != MSOC_KQL_LIT || p->lit.type != MSOC_TYPE_STRING)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, p->line, p->col, "parse-kv: %s must be a string literal", name);
    *out = p->lit.s;
    return MSOC_OK;
}

static msoc_status bind_parse_kv(binder *b, const msoc_kql_node *op, msoc_plan_node *in, msoc_plan_node **out)
{
    if (op->a == NULL || op->b == NULL)
        return fail_at(b, op, MSOC_SEMANTIC, "parse-kv needs `Expression as (Key:type, ...)`");
    size_t nk = op->b->args.n;
    msoc_plan_node *n = eval_node(b, MSOC_PLAN_EV_PARSE_KV, in, in->n_cols + nk);
    msoc_plan_parse_kv *kv = msoc_plan__alloc(b, sizeof *kv);
    if (n == NULL || kv == NULL)
        return b->err->code;
    n->eval_args = msoc_plan__alloc(b, sizeof *n->eval_args);
    if (n->eval_args == NULL)
        return b->err->code;
    msoc_status st = msoc_plan__bind_expr(b, op->a, in, &n->eval_args[0]);
    if (st != MSOC_OK)
        return st;
    n->n_eval_args = 1;
    if ((st = kv_param(b, op, "pair_delimiter", &kv->pair_delim)) != MSOC_OK ||
        (st = kv_param(b, op, "kv_delimiter", &kv->kv_delim)) != MSOC_OK ||
        (st = kv_param(b, op, "quote", &kv->quote)) != MSOC_OK ||
        (st = kv_param(b, op, "escape", &kv->escape)) != MSOC_OK ||
        (st = kv_param(b, op, "regex", &kv->regex)) != MSOC_OK)
        return st;
    kv->has_regex = kv->regex.len > 0;
    const msoc_kql_node *g = msoc_plan__param(op, "greedy");
    kv->is_greedy = g && ((g->kind == MSOC_KQL_LIT && g->lit.v.b) || msoc_str_eq_c(g->name, "true"));
    for (size_t c = 0; c < in->n_cols; c++)
        n->cols[n->n_cols++] = in->cols[c];
    kv->first_col = n->n_cols;
    kv->n_keys = nk;
    for (size_t k = 0; k < nk; k++) {
        const msoc_kql_node *cd = op->b->args.items[k];
        if (msoc_plan__find_col(in, cd->name) >= 0)
            return msoc_fail_pos(b->err, MSOC_SEMANTIC, cd->line, cd->col, "parse-kv: column '%.*s' already exists",
                                 (int)cd->name.len, cd->name.ptr);
        n->cols[n->n_cols].name = cd->name;
        n->cols[n->n_cols++].type = cd->a ? (msoc_type)cd->a->op : MSOC_TYPE_STRING;
    }
    n->eval_data = kv;
    *out = n;
    return MSOC_OK;
}

/* ---- invoke ---- */

static msoc_status bind_invoke(binder *b, const msoc_kql_node *op, msoc_plan_node *in, msoc_plan_node **out)
{
    const msoc_kql_node *call = op->a;
    if (call == NULL || call->kind != MSOC_KQL_CALL)
        return fail_at(b, op, MSOC_SEMANTIC, "invoke needs a function call");
    if (msoc_plan__is_builtin_invoke(call->name)) /* FileProfile(), DeviceFromIP() */
        return msoc_plan__bind_builtin_invoke(b, op, in, out);
    bind_sym *f = msoc_plan__lookup(b, call->name);
    if (f == NULL || f->kind != SYM_FUNC)
        return msoc_plan__unknown_tabular_fn(b, call, "invoke ",
                                             " (only functions defined with let or stored, FileProfile and DeviceFromIP)");
    /* f(T, args...) with T bound to the piped input under a name no query can spell */
    bind_sym *s = msoc_plan__alloc(b, sizeof *s);
    msoc_kql_node *c2 = msoc_plan__ast(b, MSOC_KQL_CALL, call);
    msoc_kql_node **args = msoc_plan__alloc(b, (call->args.n + 2) * sizeof *args);
    if (s == NULL || c2 == NULL || args == NULL)
        return b->err->code;
    s->name = MSOC_STR("$invoke input");
    s->kind = SYM_TABLE;
    s->node = in;
    s->next = b->syms;
    args[0] = msoc_plan__ast_name(b, s->name, call);
    for (uint32_t i = 0; i < call->args.n; i++)
        args[i + 1] = call->args.items[i];
    if (args[0] == NULL || !ast_list(b, &c2->args, args, call->args.n + 1))
        return b->err->code;
    c2->name = call->name;
    bind_sym *saved = b->syms;
    b->syms = s;
    msoc_status st = msoc_plan__bind_tabular(b, c2, out);
    b->syms = saved;
    return st;
}

static msoc_status bind_op_ext(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                               msoc_plan_node **out)
{
    switch (op->kind) {
    case MSOC_KQL_OP_MV_APPLY: return bind_mv_apply(b, op, in, out);
    case MSOC_KQL_OP_PARTITION: return bind_partition(b, op, in, out);
    case MSOC_KQL_OP_EVALUATE: return bind_evaluate(b, op, in, out);
    case MSOC_KQL_OP_SAMPLE: return bind_sample(b, op, in, false, out);
    case MSOC_KQL_OP_SAMPLE_DISTINCT: return bind_sample(b, op, in, true, out);
    case MSOC_KQL_OP_TOP_HITTERS: return bind_top_hitters(b, op, in, out);
    case MSOC_KQL_OP_INVOKE: return bind_invoke(b, op, in, out);
    case MSOC_KQL_OP_MAKE_SERIES: return bind_make_series(b, op, in, out);
    case MSOC_KQL_OP_SCAN: return bind_scan(b, op, in, out);
    case MSOC_KQL_OP_TOP_NESTED: return bind_top_nested(b, op, in, out);
    case MSOC_KQL_OP_REDUCE: return bind_reduce(b, op, in, out);
    case MSOC_KQL_OP_PARSE_KV: return bind_parse_kv(b, op, in, out);
    case MSOC_KQL_OP_FORK:
    case MSOC_KQL_OP_FACET:
        return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, op->line, op->col,
                             "not supported: %s (a query with several result tables)",
                             op->kind == MSOC_KQL_OP_FORK ? "fork" : "facet");
    default:
        return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, op->line, op->col, "not supported: %s",
                             msoc_kql_kind_name(op->kind));
    }
}

msoc_status msoc_plan__bind_op_ext(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                   msoc_plan_node **out)
{
    msoc_status st = bind_op_ext(b, op, in, out);
    if (st == MSOC_OK && (*out)->line == 0) {
        (*out)->line = op->line;
        (*out)->col_no = op->col;
    }
    if (b->rebind_pending && b->rebind_pending->line == 0) {
        b->rebind_pending->line = op->line;
        b->rebind_pending->col_no = op->col;
    }
    return st;
}
