/* evaluate plugins and whole-table operators (MSOC_PLAN_EVALUATE): dispatch to one
 * op_*.c per operator. A node rebound after a REBIND carries its result already. */
#include "exec_int.h"

msoc_exec_table *msoc_exec__table_for(xq *q, const msoc_plan_node *n, size_t n_rows)
{
    msoc_exec_table *t = msoc_exec__table_new(q, n->n_cols, n_rows);
    if (t == NULL)
        return NULL;
    for (size_t c = 0; c < n->n_cols; c++) {
        t->names[c] = n->cols[c].name;
        t->cols[c] = msoc_exec__col_new(q, n->cols[c].type, n_rows);
        if (t->cols[c] == NULL)
            return NULL;
    }
    return t;
}

msoc_status msoc_exec__op_evaluate(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                   const msoc_exec_table **out)
{
    if (n->rebound_table) {
        *out = n->rebound_table;
        return MSOC_OK;
    }
    switch (n->eval_op) {
    case MSOC_PLAN_EV_BAG_UNPACK: return msoc_exec__op_bag_unpack(q, n, in, out);
    case MSOC_PLAN_EV_PIVOT: return msoc_exec__op_pivot(q, n, in, out);
    case MSOC_PLAN_EV_NARROW: return msoc_exec__op_narrow(q, n, in, out);
    case MSOC_PLAN_EV_ROWS_NEAR: return msoc_exec__op_rows_near(q, n, in, out);
    case MSOC_PLAN_EV_ACTIVITY_COUNTS:
    case MSOC_PLAN_EV_SLIDING_COUNTS:
    case MSOC_PLAN_EV_ACTIVE_USERS:
    case MSOC_PLAN_EV_ROLLING_PCT: return msoc_exec__op_activity(q, n, in, out);
    case MSOC_PLAN_EV_IP_LOOKUP: return msoc_exec__op_ip_lookup(q, n, in, out);
    case MSOC_PLAN_EV_TOP_NESTED: return msoc_exec__op_top_nested(q, n, in, out);
    case MSOC_PLAN_EV_REDUCE: return msoc_exec__op_reduce(q, n, in, out);
    case MSOC_PLAN_EV_PARSE_KV: return msoc_exec__op_parse_kv(q, n, in, out);
    case MSOC_PLAN_EV_SCAN: return msoc_exec__op_scan_steps(q, n, in, out);
    case MSOC_PLAN_EV_MAKE_SERIES: return msoc_exec__op_make_series(q, n, in, out);
    case MSOC_PLAN_EV_SAMPLE:
    case MSOC_PLAN_EV_SAMPLE_DISTINCT: return msoc_exec__op_sample(q, n, in, out);
    case MSOC_PLAN_EV_GEO_LOOKUP: return msoc_exec__op_geo_lookup(q, n, in, out);
    default: break;
    }
    return msoc_fail(q->err, MSOC_UNSUPPORTED, "not supported: evaluate operator %d", (int)n->eval_op);
}
