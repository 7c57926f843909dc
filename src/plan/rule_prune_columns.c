/* Rule: projection push-down. Walks the plan top-down with the set of output
 * columns each node's consumers need and marks, on every scan, the columns that
 * must be read; storage leaves the others unread (exec sees them as empty). */
#include "plan_int.h"

static void mark_expr(const msoc_plan_expr *e, bool *need, size_t n_cols, msoc_arena *arena);
static void visit(msoc_plan_node *n, const bool *need, msoc_arena *arena, int depth);

static void visit_all(msoc_plan_node *n, msoc_arena *arena, int depth)
{
    bool *all = msoc_arena_alloc(arena, n->n_cols + 1);
    if (all == NULL)
        return;
    memset(all, 1, n->n_cols + 1);
    visit(n, all, arena, depth);
}

static void mark_expr(const msoc_plan_expr *e, bool *need, size_t n_cols, msoc_arena *arena)
{
    if (e == NULL)
        return;
    if (e->kind == MSOC_PLAN_X_COL && e->col >= 0 && (size_t)e->col < n_cols)
        need[e->col] = true;
    if (e->kind == MSOC_PLAN_X_SUB && e->sub)
        visit_all(e->sub, arena, 0);
    for (size_t i = 0; i < e->n_args; i++)
        mark_expr(e->args[i], need, n_cols, arena);
}

static void visit(msoc_plan_node *n, const bool *need, msoc_arena *arena, int depth)
{
    if (n == NULL || depth > 1000)
        return;
    msoc_plan_node *in = n->n_inputs ? n->inputs[0] : NULL;
    bool *in_need = NULL;
    size_t in_cols = in ? in->n_cols : 0;
    if (in) {
        in_need = msoc_arena_calloc(arena, in_cols + 1, 1);
        if (in_need == NULL)
            return;
    }
    switch (n->kind) {
    case MSOC_PLAN_SCAN: {
        bool *keep = msoc_arena_calloc(arena, n->n_cols + 1, 1);
        if (keep == NULL)
            return;
        for (size_t c = 0; c < n->n_cols; c++)
            keep[c] = need[c] || (n->is_col_needed && n->is_col_needed[c]);
        n->is_col_needed = keep;
        return;
    }
    case MSOC_PLAN_VALUES:
    case MSOC_PLAN_RANGE:
        for (size_t i = 0; i < n->n_exprs; i++)
            mark_expr(n->exprs[i], NULL, 0, arena);
        return;
    case MSOC_PLAN_FILTER:
        memcpy(in_need, need, in_cols);
        mark_expr(n->pred, in_need, in_cols, arena);
        break;
    case MSOC_PLAN_PROJECT:
        for (size_t c = 0; c < n->n_cols; c++)
            if (need[c])
                mark_expr(n->exprs[c], in_need, in_cols, arena);
        break;
    case MSOC_PLAN_AGG:
        for (size_t k = 0; k < n->n_exprs; k++)
            mark_expr(n->exprs[k], in_need, in_cols, arena);
        for (size_t a = 0; a < n->n_aggs; a++)
            for (size_t i = 0; i < n->aggs[a].n_args; i++)
                mark_expr(n->aggs[a].args[i], in_need, in_cols, arena);
        break;
    case MSOC_PLAN_SORT:
        memcpy(in_need, need, in_cols);
        for (size_t k = 0; k < n->n_keys; k++)
            mark_expr(n->keys[k].expr, in_need, in_cols, arena);
        break;
    case MSOC_PLAN_LIMIT:
        memcpy(in_need, need, in_cols);
        break;
    case MSOC_PLAN_MVEXPAND:
        for (size_t c = 0; c < in_cols; c++)
            in_need[c] = need[c];
        for (size_t e = 0; e < n->n_expand; e++)
            in_need[n->expand_cols[e]] = true;
        break;
    case MSOC_PLAN_JOIN: {
        msoc_plan_node *r = n->inputs[1];
        bool *r_need = msoc_arena_calloc(arena, r->n_cols + 1, 1);
        if (r_need == NULL)
            return;
        for (size_t c = 0; c < n->n_cols; c++) {
            if (!need[c])
                continue;
            int src = n->join_out[c];
            if (src >= 0)
                in_need[src] = true;
            else
                r_need[-src - 1] = true;
        }
        for (size_t k = 0; k < n->n_join_keys; k++) {
            in_need[n->left_keys[k]] = true;
            r_need[n->right_keys[k]] = true;
        }
        visit(in, in_need, arena, depth + 1);
        visit(r, r_need, arena, depth + 1);
        return;
    }
    case MSOC_PLAN_UNION:
        for (size_t i = 0; i < n->n_inputs; i++) {
            msoc_plan_node *u = n->inputs[i];
            bool *u_need = msoc_arena_calloc(arena, u->n_cols + 1, 1);
            if (u_need == NULL)
                return;
            for (size_t c = 0; c < u->n_cols; c++) {
                int dst = n->union_map[i][c];
                u_need[c] = dst >= 0 && need[dst];
            }
            visit(u, u_need, arena, depth + 1);
        }
        return;
    case MSOC_PLAN_SHARED:
        memset(in_need, 1, in_cols);
        break;
    case MSOC_PLAN_GROUP:
        return;
    case MSOC_PLAN_APPLY:
    case MSOC_PLAN_EVALUATE:
    case MSOC_PLAN_REBIND:
        /* sub-plans, lookup tables and whole-row operators read every column */
        if (in_need)
            memset(in_need, 1, in_cols);
        for (size_t i = 0; i < n->n_eval_args; i++)
            mark_expr(n->eval_args[i], NULL, 0, arena);
        for (size_t i = 1; i < n->n_inputs; i++)
            visit_all(n->inputs[i], arena, depth + 1);
        break;
    }
    visit(in, in_need, arena, depth + 1);
}

void msoc_plan_rule_prune_columns(msoc_plan_node *root, msoc_arena *arena)
{
    visit_all(root, arena, 0);
}
