/* union: stacks its inputs; the binder computed the output schema (outer union of
 * columns by name and type) and each input's column mapping. */
#include "exec_int.h"

msoc_status msoc_exec__op_union(xq *q, const msoc_plan_node *n, const msoc_exec_table **ins,
                                const msoc_exec_table **out)
{
    size_t total = 0;
    for (size_t i = 0; i < n->n_inputs; i++)
        total += ins[i]->n_rows;
    /* a wide outer union (search or union over every table: hundreds of columns)
     * can need far more than its inputs; refuse it up front, by name, when the
     * cells alone would not fit the query's budget */
    size_t n_read = 0;
    for (size_t c = 0; c < n->n_cols; c++) {
        bool is_read = (int)c == n->withsource;
        for (size_t i = 0; !is_read && i < n->n_inputs; i++)
            for (size_t k = 0; k < ins[i]->n_cols && !is_read; k++)
                is_read = n->union_map[i][k] == (int)c && !ins[i]->cols[k]->is_absent && ins[i]->n_rows > 0;
        n_read += is_read;
    }
    size_t budget = msoc_arena_budget(q->arena), used = msoc_arena_used(q->arena);
    double need = (double)total * (double)n_read * 8.0;
    if (budget > 0 && need > (double)(budget > used ? budget - used : 0))
        return msoc_fail(q->err, MSOC_LIMIT,
                         "%s of %zu inputs needs about %.0f MiB (%zu rows x %zu columns), over what is left "
                         "of the query's memory budget of %.0f MiB: filter or project the columns you need first",
                         n->withsource >= 0 && n->n_cols > 0 && msoc_str_eq_c(n->cols[n->withsource].name, MSOC_PLAN_SEARCH_TABLE_COL)
                             ? "search"
                             : "union",
                         n->n_inputs, need / 1048576.0, total, n_read, (double)budget / 1048576.0);
    msoc_exec_table *t = msoc_exec__table_new(q, n->n_cols, total);
    if (t == NULL)
        return q->err->code;
    for (size_t c = 0; c < n->n_cols; c++) {
        t->names[c] = n->cols[c].name;
        /* a column no input reads (projection push-down left it absent everywhere)
         * stays absent: `union *` has thousands of such columns */
        bool is_read = (int)c == n->withsource;
        for (size_t i = 0; !is_read && i < n->n_inputs; i++)
            for (size_t k = 0; k < ins[i]->n_cols && !is_read; k++)
                is_read = n->union_map[i][k] == (int)c && !ins[i]->cols[k]->is_absent && ins[i]->n_rows > 0;
        if (!is_read) {
            msoc_exec_col *col = msoc_exec__calloc(q, 1, sizeof *col);
            if (col == NULL)
                return q->err->code;
            col->type = n->cols[c].type;
            col->n = total;
            col->is_absent = true;
            t->cols[c] = col;
            continue;
        }
        t->cols[c] = msoc_exec__col_new(q, n->cols[c].type, total);
        if (t->cols[c] == NULL)
            return q->err->code;
        for (size_t r = 0; r < total; r++)
            msoc_exec__col_set_null(q, t->cols[c], r);
    }
    size_t base = 0;
    for (size_t i = 0; i < n->n_inputs; i++) {
        const msoc_exec_table *in = ins[i];
        for (size_t c = 0; c < in->n_cols; c++) {
            int dst = n->union_map[i][c];
            if (dst < 0 || t->cols[dst]->is_absent)
                continue;
            for (size_t r = 0; r < in->n_rows; r++)
                msoc_exec__col_set(q, t->cols[dst], base + r, msoc_exec__col_get(in->cols[c], r));
        }
        if (n->withsource >= 0) {
            for (size_t r = 0; r < in->n_rows; r++)
                msoc_exec__col_set(q, t->cols[n->withsource], base + r, xv_str(n->source_names[i]));
        }
        base += in->n_rows;
    }
    *out = t;
    return q->err->code;
}
