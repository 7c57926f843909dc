/* where: evaluates the predicate over the input columns into a selection vector,
 * then gathers the selected rows. */
#include "exec_int.h"

msoc_status msoc_exec__op_filter(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                 const msoc_exec_table **out)
{
    msoc_exec_col *p;
    msoc_status st = msoc_exec__eval(q, n->pred, in, &p);
    if (st != MSOC_OK)
        return st;
    size_t *sel = msoc_exec__alloc(q, (in->n_rows + 1) * sizeof *sel);
    if (sel == NULL)
        return q->err->code;
    size_t k = 0;
    if (p->type == MSOC_TYPE_BOOL) {
        for (size_t r = 0; r < in->n_rows; r++) {
            sel[k] = r;
            k += (p->v.i[r] != 0) & !(p->nulls && p->nulls[r]);
        }
    } else {
        for (size_t r = 0; r < in->n_rows; r++) {
            xval v = msoc_exec__convert(q, msoc_exec__col_get(p, r), MSOC_TYPE_BOOL);
            if (!v.is_null && v.i)
                sel[k++] = r;
        }
    }
    if (k == in->n_rows) {
        *out = in;
        return MSOC_OK;
    }
    msoc_exec_table *t = msoc_exec__table_gather(q, in, sel, k);
    if (t == NULL)
        return q->err->code;
    *out = t;
    return MSOC_OK;
}
