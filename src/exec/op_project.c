/* project / extend / project-away / -rename / -keep / -reorder: the binder turns
 * each into a list of output expressions, mostly plain column references. */
#include "exec_int.h"

msoc_status msoc_exec__op_project(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                  const msoc_exec_table **out)
{
    msoc_exec_table *t = msoc_exec__table_new(q, n->n_cols, in->n_rows);
    if (t == NULL)
        return q->err->code;
    for (size_t c = 0; c < n->n_cols; c++) {
        msoc_exec_col *v;
        msoc_status st = msoc_exec__eval(q, n->exprs[c], in, &v);
        if (st != MSOC_OK)
            return st;
        if (v->type != n->cols[c].type) {
            msoc_exec_col *cv = msoc_exec__col_new(q, n->cols[c].type, in->n_rows);
            if (cv == NULL)
                return q->err->code;
            for (size_t r = 0; r < in->n_rows; r++)
                msoc_exec__col_set(q, cv, r, msoc_exec__col_get(v, r));
            v = cv;
        }
        t->names[c] = n->cols[c].name;
        t->cols[c] = v;
    }
    *out = t;
    return q->err->code;
}
