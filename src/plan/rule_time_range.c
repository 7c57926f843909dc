/* Rule: comparisons of the table's timestamp column with constants in filters
 * directly over a scan become the scan's [time_lo, time_hi] range, so storage can
 * skip chunks by their zone maps. The filter stays (the range is only a hint). */
#include "plan_int.h"

static bool const_time(const msoc_plan_expr *e, int64_t *v)
{
    if (e->kind != MSOC_PLAN_X_LIT || e->lit.is_null || e->type != MSOC_TYPE_DATETIME)
        return false;
    *v = e->lit.i;
    return true;
}

static void apply(msoc_plan_node *scan, const msoc_plan_expr *p)
{
    if (p->kind != MSOC_PLAN_X_CALL)
        return;
    if (p->fn == MSOC_PLAN_FN_AND) {
        apply(scan, p->args[0]);
        apply(scan, p->args[1]);
        return;
    }
    if (p->n_args < 2)
        return;
    const msoc_plan_expr *l = p->args[0], *r = p->args[1];
    int64_t v;
    bool is_col_left = l->kind == MSOC_PLAN_X_COL && l->col == scan->time_col;
    bool is_col_right = r->kind == MSOC_PLAN_X_COL && r->col == scan->time_col;
    if (p->fn == MSOC_PLAN_FN_BETWEEN && is_col_left && p->n_args == 3) {
        int64_t lo, hi;
        if (const_time(p->args[1], &lo) && const_time(p->args[2], &hi)) {
            if (lo > scan->time_lo)
                scan->time_lo = lo;
            if (hi < scan->time_hi)
                scan->time_hi = hi;
        }
        return;
    }
    msoc_plan_fn fn = p->fn;
    if (is_col_right && !is_col_left) {
        /* constant op column: mirror */
        const msoc_plan_expr *t = l;
        l = r;
        r = t;
        fn = fn == MSOC_PLAN_FN_GT ? MSOC_PLAN_FN_LT : fn == MSOC_PLAN_FN_GE ? MSOC_PLAN_FN_LE
           : fn == MSOC_PLAN_FN_LT ? MSOC_PLAN_FN_GT : fn == MSOC_PLAN_FN_LE ? MSOC_PLAN_FN_GE : fn;
        is_col_left = true;
    }
    if (!is_col_left || !const_time(r, &v))
        return;
    switch (fn) {
    case MSOC_PLAN_FN_GT:
    case MSOC_PLAN_FN_GE:
        if (v > scan->time_lo)
            scan->time_lo = v;
        break;
    case MSOC_PLAN_FN_LT:
    case MSOC_PLAN_FN_LE:
        if (v < scan->time_hi)
            scan->time_hi = v;
        break;
    case MSOC_PLAN_FN_EQ:
        if (v > scan->time_lo)
            scan->time_lo = v;
        if (v < scan->time_hi)
            scan->time_hi = v;
        break;
    default: break;
    }
}

static void visit(msoc_plan_node *n, int depth)
{
    if (n == NULL || depth > 1000)
        return;
    if (n->kind == MSOC_PLAN_FILTER) {
        msoc_plan_node *below = n->inputs[0];
        while (below && below->kind == MSOC_PLAN_FILTER)
            below = below->inputs[0];
        if (below && below->kind == MSOC_PLAN_SCAN && below->time_col >= 0)
            apply(below, n->pred);
    }
    for (size_t i = 0; i < n->n_inputs; i++)
        visit(n->inputs[i], depth + 1);
}

void msoc_plan_rule_time_range(msoc_plan_node *root)
{
    visit(root, 0);
}
