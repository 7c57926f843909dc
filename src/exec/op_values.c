/* datatable and print: rows of constant expressions. */
#include "exec_int.h"

msoc_status msoc_exec__op_values(xq *q, const msoc_plan_node *n, const msoc_exec_table **out)
{
    msoc_exec_table *t = msoc_exec__table_new(q, n->n_cols, n->n_rows);
    msoc_exec_table *one = msoc_exec__table_new(q, 0, 1);
    if (t == NULL || one == NULL)
        return q->err->code;
    for (size_t c = 0; c < n->n_cols; c++) {
        t->names[c] = n->cols[c].name;
        t->cols[c] = msoc_exec__col_new(q, n->cols[c].type, n->n_rows);
        if (t->cols[c] == NULL)
            return q->err->code;
    }
    for (size_t r = 0; r < n->n_rows; r++) {
        for (size_t c = 0; c < n->n_cols; c++) {
            msoc_exec_col *v;
            msoc_status st = msoc_exec__eval(q, n->exprs[r * n->n_cols + c], one, &v);
            if (st != MSOC_OK)
                return st;
            msoc_exec__col_set(q, t->cols[c], r, msoc_exec__col_get(v, 0));
        }
    }
    *out = t;
    return q->err->code;
}
