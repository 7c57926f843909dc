/* Rule: `where TenantId == "t"` / `in ("t", ...)` directly over a scan narrows the
 * scan's partition list. It only ever removes partitions (never adds one), so it
 * cannot widen what the catalog authorised. */
#include "plan_int.h"

static bool is_tenant_col(const msoc_plan_node *scan, const msoc_plan_expr *e)
{
    if (e->kind != MSOC_PLAN_X_COL || e->col < 0 || (size_t)e->col >= scan->n_cols)
        return false;
    const msoc_stor_table_def *t = scan->table_def;
    int sc = scan->scan_cols[e->col];
    return t && sc >= 0 && (size_t)sc < t->n_cols && (t->cols[sc].flags & MSOC_STOR_COL_TENANT);
}

/* Collects the tenants a predicate term allows; false when the term says nothing. */
static bool term_tenants(const msoc_plan_node *scan, const msoc_plan_expr *e, msoc_plan_expr *const **lits,
                         size_t *n_lits)
{
    if (e->kind != MSOC_PLAN_X_CALL)
        return false;
    if (e->fn != MSOC_PLAN_FN_EQ && e->fn != MSOC_PLAN_FN_IN)
        return false;
    if (e->n_args < 2 || !is_tenant_col(scan, e->args[0]))
        return false;
    for (size_t i = 1; i < e->n_args; i++)
        if (e->args[i]->kind != MSOC_PLAN_X_LIT || e->args[i]->type != MSOC_TYPE_STRING)
            return false;
    *lits = e->args + 1;
    *n_lits = e->n_args - 1;
    return true;
}

static void narrow(msoc_plan_node *scan, const msoc_plan_expr *pred)
{
    if (pred->kind == MSOC_PLAN_X_CALL && pred->fn == MSOC_PLAN_FN_AND) {
        narrow(scan, pred->args[0]);
        narrow(scan, pred->args[1]);
        return;
    }
    msoc_plan_expr *const *lits;
    size_t n_lits;
    if (!term_tenants(scan, pred, &lits, &n_lits))
        return;
    msoc_plan_part *parts = (msoc_plan_part *)(uintptr_t)scan->parts;
    size_t k = 0;
    for (size_t i = 0; i < scan->n_parts; i++) {
        bool is_kept = false;
        for (size_t j = 0; j < n_lits; j++)
            if (msoc_str_eq(parts[i].tenant, lits[j]->lit.s))
                is_kept = true;
        if (is_kept)
            parts[k++] = parts[i];
    }
    scan->n_parts = k;
}

static void visit(msoc_plan_node *n, int depth)
{
    if (n == NULL || depth > 1000)
        return;
    if (n->kind == MSOC_PLAN_FILTER) {
        msoc_plan_node *below = n->inputs[0];
        while (below && below->kind == MSOC_PLAN_FILTER)
            below = below->inputs[0];
        if (below && below->kind == MSOC_PLAN_SCAN)
            narrow(below, n->pred);
    }
    for (size_t i = 0; i < n->n_inputs; i++)
        visit(n->inputs[i], depth + 1);
}

void msoc_plan_rule_tenant_prune(msoc_plan_node *root)
{
    visit(root, 0);
}
