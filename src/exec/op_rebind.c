/* REBIND: an operator whose output columns depend on the data (bag_unpack, pivot).
 * Runs it over its input, hands the columns it found (and its result) to the
 * binder, which binds the whole query again, and runs that plan. The new plan uses
 * the same catalog, so it reads only the authorised partitions. */
#include "exec_int.h"
#include "plan/bind.h"

msoc_status msoc_exec__op_rebind(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                 const msoc_exec_table **out)
{
    const msoc_exec_table *res;
    msoc_status st;
    switch (n->eval_op) {
    case MSOC_PLAN_EV_BAG_UNPACK: st = msoc_exec__op_bag_unpack(q, n, in, &res); break;
    case MSOC_PLAN_EV_PIVOT: st = msoc_exec__op_pivot(q, n, in, &res); break;
    default: return msoc_fail(q->err, MSOC_INTERNAL, "rebind of operator %d", (int)n->eval_op);
    }
    if (st != MSOC_OK)
        return st;
    msoc_plan_col *cols = msoc_exec__calloc(q, res->n_cols + 1, sizeof *cols);
    msoc_plan_hint *hint = msoc_exec__calloc(q, 1, sizeof *hint);
    if (cols == NULL || hint == NULL)
        return q->err->code;
    for (size_t c = 0; c < res->n_cols; c++) {
        cols[c].name = res->names[c];
        cols[c].type = res->cols[c]->type;
    }
    hint->site = n->rebind_site;
    hint->ordinal = n->rebind_ordinal;
    hint->cols = cols;
    hint->n_cols = res->n_cols;
    hint->table = res;
    hint->next = n->rebind_hints;
    msoc_plan_node *plan;
    st = msoc_plan_rebind(n, hint, q->arena, &plan, q->err);
    if (st != MSOC_OK)
        return st;
    if (q->opts.on_rebind && (st = q->opts.on_rebind(q->opts.on_rebind_ud, plan, q->arena, q->err)) != MSOC_OK)
        return st;
    st = msoc_plan_optimize(plan, q->arena, q->err);
    if (st != MSOC_OK)
        return st;
    return msoc_exec__node(q, plan, out);
}
