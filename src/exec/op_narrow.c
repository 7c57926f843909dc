/* evaluate narrow(): one row per cell (Row, Column, Value as text). */
#include "exec_int.h"

msoc_status msoc_exec__op_narrow(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                 const msoc_exec_table **out)
{
    size_t n_vis = 0;
    for (size_t c = 0; c < in->n_cols; c++)
        n_vis += !msoc_plan_col_is_hidden(in->names[c]);
    if (n_vis && in->n_rows > SIZE_MAX / n_vis)
        return msoc_fail(q->err, MSOC_LIMIT, "narrow: too many cells");
    msoc_exec_table *t = msoc_exec__table_for(q, n, in->n_rows * n_vis);
    if (t == NULL)
        return q->err->code;
    size_t o = 0;
    for (size_t r = 0; r < in->n_rows; r++) {
        for (size_t c = 0; c < in->n_cols; c++) {
            if (msoc_plan_col_is_hidden(in->names[c]))
                continue;
            msoc_exec__col_set(q, t->cols[0], o, xv_long((int64_t)r));
            msoc_exec__col_set(q, t->cols[1], o, xv_str(in->names[c]));
            xval v = msoc_exec__col_get(in->cols[c], r);
            msoc_exec__col_set(q, t->cols[2], o, xv_str(msoc_exec__to_text(q, v)));
            o++;
        }
    }
    *out = t;
    return q->err->code;
}
