/* evaluate rows_near(cond, before [, after]): the rows within `before` rows before
 * and `after` rows after any row where cond holds, in input order. */
#include "exec_int.h"

static msoc_status const_count(xq *q, const msoc_plan_node *n, const msoc_plan_expr *e, int64_t *out)
{
    msoc_exec_col *c;
    msoc_exec_table one = {0};
    one.n_rows = 1;
    msoc_status st = msoc_exec__eval(q, e, &one, &c);
    if (st != MSOC_OK)
        return st;
    xval v = msoc_exec__convert(q, msoc_exec__col_get(c, 0), MSOC_TYPE_LONG);
    if (v.is_null || v.i < 0)
        return msoc_fail_pos(q->err, MSOC_SEMANTIC, n->line, n->col_no, "rows_near: the row counts must be non-negative constants");
    *out = v.i;
    return MSOC_OK;
}

msoc_status msoc_exec__op_rows_near(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                    const msoc_exec_table **out)
{
    int64_t before, after;
    msoc_status st = const_count(q, n, n->eval_args[1], &before);
    if (st != MSOC_OK)
        return st;
    after = before;
    if (n->n_eval_args > 2 && (st = const_count(q, n, n->eval_args[2], &after)) != MSOC_OK)
        return st;
    msoc_exec_col *cond;
    st = msoc_exec__eval(q, n->eval_args[0], in, &cond);
    if (st != MSOC_OK)
        return st;
    size_t rows = in->n_rows;
    uint8_t *keep = msoc_exec__calloc(q, rows + 1, 1);
    size_t *sel = msoc_exec__calloc(q, rows + 1, sizeof *sel);
    if (keep == NULL || sel == NULL)
        return q->err->code;
    for (size_t r = 0; r < rows; r++) {
        xval v = msoc_exec__col_get(cond, r);
        if (v.is_null || !v.i)
            continue;
        size_t lo = (uint64_t)before > r ? 0 : r - (size_t)before;
        size_t hi = (uint64_t)after >= rows - r ? rows - 1 : r + (size_t)after;
        for (size_t k = lo; k <= hi; k++)
            keep[k] = 1;
    }
    size_t m = 0;
    for (size_t r = 0; r < rows; r++)
        if (keep[r])
            sel[m++] = r;
    msoc_exec_table *t = msoc_exec__table_gather(q, in, sel, m);
    if (t == NULL)
        return q->err->code;
    *out = t;
    return MSOC_OK;
}
