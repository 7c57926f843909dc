/* Pattern statements: `declare pattern p = (a:string)[path:string] { ("x").["y"] =
 * { query }; ... };` then `p("x").y` (or `.["y"]`) is the query of the rule whose
 * values equal the call's constant arguments and whose path equals the member
 * name. The rule's query binds like any query, over the same authorised catalog. */
#include "plan_int.h"

static bind_sym *pattern_sym(binder *b, const msoc_kql_node *call)
{
    if (call == NULL || call->kind != MSOC_KQL_CALL)
        return NULL;
    bind_sym *s = msoc_plan__lookup(b, call->name);
    return s && s->kind == SYM_PATTERN ? s : NULL;
}

bool msoc_plan__is_pattern_ref(binder *b, const msoc_kql_node *e)
{
    if (e == NULL)
        return false;
    if (e->kind == MSOC_KQL_MEMBER)
        return pattern_sym(b, e->a) != NULL;
    return pattern_sym(b, e) != NULL;
}

/* A constant argument or rule value, bound to a literal; NULL when it is not one. */
static msoc_status const_value(binder *b, const msoc_kql_node *e, const msoc_plan_expr **out)
{
    msoc_plan_expr *x;
    msoc_status st = msoc_plan__bind_expr(b, e, NULL, &x);
    if (st != MSOC_OK)
        return st;
    if (x->kind != MSOC_PLAN_X_LIT)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col,
                             "a pattern's arguments and rule values must be constants");
    *out = x;
    return MSOC_OK;
}

static bool lit_equal(const msoc_plan_expr *x, const msoc_plan_expr *y)
{
    if (x->lit.is_null || y->lit.is_null)
        return x->lit.is_null && y->lit.is_null;
    bool xs = x->type == MSOC_TYPE_STRING || x->type == MSOC_TYPE_GUID;
    bool ys = y->type == MSOC_TYPE_STRING || y->type == MSOC_TYPE_GUID;
    if (xs || ys)
        return xs && ys && msoc_str_eq(x->lit.s, y->lit.s);
    if (x->type == MSOC_TYPE_REAL || y->type == MSOC_TYPE_REAL) {
        double a = x->type == MSOC_TYPE_REAL ? x->lit.r : (double)x->lit.i;
        double c = y->type == MSOC_TYPE_REAL ? y->lit.r : (double)y->lit.i;
        return a == c;
    }
    return x->type == y->type && x->lit.i == y->lit.i;
}

/* Binds a rule's { lets; query } block. */
static msoc_status bind_rule_body(binder *b, const msoc_kql_node *body, msoc_plan_node **out)
{
    bind_sym *saved = b->syms;
    const msoc_kql_node *res = NULL;
    msoc_status st = msoc_plan__bind_lets(b, body, &res);
    if (st == MSOC_OK) {
        if (res == NULL)
            st = msoc_fail_pos(b->err, MSOC_SEMANTIC, body->line, body->col, "a pattern rule has no query");
        else
            st = msoc_plan__bind_tabular(b, res, out);
    }
    b->syms = saved;
    return st;
}

msoc_status msoc_plan__bind_pattern_ref(binder *b, const msoc_kql_node *e, msoc_plan_node **out)
{
    const msoc_kql_node *call = e->kind == MSOC_KQL_MEMBER ? e->a : e;
    bind_sym *sym = pattern_sym(b, call);
    if (sym == NULL)
        return msoc_fail_pos(b->err, MSOC_INTERNAL, e->line, e->col, "not a pattern reference");
    const msoc_kql_node *pat = sym->func;
    if (!(pat->flags & MSOC_KQL_F_BRACES) || pat->args.n == 0)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, call->line, call->col,
                             "pattern '%.*s' is declared without a definition", (int)call->name.len,
                             call->name.ptr);
    bool has_path = pat->keys.n > 0;
    if (has_path != (e->kind == MSOC_KQL_MEMBER))
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col,
                             has_path ? "pattern '%.*s' needs a path: %.*s(...).name"
                                      : "pattern '%.*s' takes no path",
                             (int)call->name.len, call->name.ptr, (int)call->name.len, call->name.ptr);
    if (has_path && msoc_str_eq_c(e->name, "*"))
        return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, e->line, e->col,
                             "not supported: a pattern's path wildcard (.[\"*\"])");
    if (call->args.n != pat->params.n)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, call->line, call->col,
                             "pattern '%.*s' takes %u argument%s, not %u", (int)call->name.len,
                             call->name.ptr, pat->params.n, pat->params.n == 1 ? "" : "s", call->args.n);
    const msoc_plan_expr *argv[64];
    if (call->args.n > 64)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, call->line, call->col, "too many pattern arguments");
    for (uint32_t i = 0; i < call->args.n; i++) {
        msoc_status st = const_value(b, call->args.items[i], &argv[i]);
        if (st != MSOC_OK)
            return st;
    }
    for (uint32_t r = 0; r < pat->args.n; r++) {
        const msoc_kql_node *rule = pat->args.items[r];
        if (rule->args.n != call->args.n || (rule->b != NULL) != has_path)
            continue;
        bool is_match = true;
        for (uint32_t i = 0; i < rule->args.n && is_match; i++) {
            const msoc_plan_expr *v;
            msoc_status st = const_value(b, rule->args.items[i], &v);
            if (st != MSOC_OK)
                return st;
            is_match = lit_equal(v, argv[i]);
        }
        if (is_match && has_path) {
            const msoc_plan_expr *v;
            msoc_status st = const_value(b, rule->b, &v);
            if (st != MSOC_OK)
                return st;
            is_match = (v->type == MSOC_TYPE_STRING) && msoc_str_eq(v->lit.s, e->name);
        }
        if (is_match)
            return bind_rule_body(b, rule->a, out);
    }
    return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col,
                         "pattern '%.*s' has no rule for these arguments", (int)call->name.len,
                         call->name.ptr);
}
