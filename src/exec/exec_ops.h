/* exec internals for the newer operators (mv-apply, partition, evaluate plugins,
 * scan, top-nested, make-series, ...): included at the end of exec_int.h. */
#ifndef MSOC_EXEC_EXEC_OPS_H
#define MSOC_EXEC_EXEC_OPS_H

/* mv-apply / partition (op_apply.c): the group an APPLY is running its sub-plan on. */
typedef struct xgroup {
    int apply_id;
    const msoc_exec_table *t;
    const struct xgroup *outer;
} xgroup;
msoc_status msoc_exec__op_apply(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                const msoc_exec_table **out);
msoc_status msoc_exec__op_group(xq *q, const msoc_plan_node *n, const msoc_exec_table **out);
/* evaluate plugins and whole-table operators (op_evaluate.c dispatches to op_*.c) */
msoc_status msoc_exec__op_evaluate(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                   const msoc_exec_table **out);
/* REBIND (op_rebind.c): runs the data-dependent operator, binds the query again. */
msoc_status msoc_exec__op_rebind(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                 const msoc_exec_table **out);
msoc_status msoc_exec__op_bag_unpack(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                     const msoc_exec_table **out);
msoc_status msoc_exec__op_pivot(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                const msoc_exec_table **out);
msoc_status msoc_exec__op_narrow(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                 const msoc_exec_table **out);
msoc_status msoc_exec__op_rows_near(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                    const msoc_exec_table **out);
msoc_status msoc_exec__op_ip_lookup(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                    const msoc_exec_table **out);
msoc_status msoc_exec__op_activity(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                   const msoc_exec_table **out);
msoc_status msoc_exec__op_scan_steps(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                     const msoc_exec_table **out);
msoc_status msoc_exec__op_top_nested(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                     const msoc_exec_table **out);
msoc_status msoc_exec__op_reduce(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                 const msoc_exec_table **out);
msoc_status msoc_exec__op_make_series(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                      const msoc_exec_table **out);
msoc_status msoc_exec__op_sample(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                 const msoc_exec_table **out);
msoc_status msoc_exec__op_parse_kv(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                   const msoc_exec_table **out);
msoc_status msoc_exec__op_geo_lookup(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                    const msoc_exec_table **out);
/* A table of n_cols typed like the node's output columns, n_rows rows (all null). */
msoc_exec_table *msoc_exec__table_for(xq *q, const msoc_plan_node *n, size_t n_rows);

#endif
