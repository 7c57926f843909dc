/* evaluate pivot(col, agg, keys...): the input is already `summarize v = agg by
 * keys..., col`; one output row per distinct key tuple and one column per distinct
 * value of col (sorted by its text), holding v. Empty cells are 0 for counting and
 * summing aggregates, null otherwise. With fixed columns (a schema, or the second
 * bind) the value columns are matched by name. */
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"

static int str_cmp(const void *a, const void *b)
{
    return msoc_str_cmp(*(const msoc_str *)a, *(const msoc_str *)b);
}

static bool is_zero_default(msoc_str agg)
{
    static const char *zero[] = {"count", "countif", "dcount", "dcountif", "sum", "sumif", "count_distinct"};
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
        if (msoc_str_eq_c(agg, zero[i]))
            return true;
    return false;
}

msoc_status msoc_exec__op_pivot(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                const msoc_exec_table **out)
{
    size_t nk = (size_t)n->eval_flags, rows = in->n_rows;
    if (in->n_cols != nk + 2)
        return msoc_fail(q->err, MSOC_INTERNAL, "pivot input has %zu columns", in->n_cols);
    const msoc_exec_col *pc = in->cols[nk], *vc = in->cols[nk + 1];
    msoc_str *text = msoc_exec__calloc(q, rows + 1, sizeof *text);
    if (text == NULL)
        return q->err->code;
    for (size_t r = 0; r < rows; r++)
        text[r] = msoc_exec__to_text(q, msoc_exec__col_get(pc, r));
    /* value columns */
    msoc_str *vals;
    size_t n_vals = 0;
    if (n->kind == MSOC_PLAN_REBIND) {
        vals = msoc_exec__calloc(q, rows + 1, sizeof *vals);
        if (vals == NULL)
            return q->err->code;
        memcpy(vals, text, rows * sizeof *vals);
        qsort(vals, rows, sizeof *vals, str_cmp);
        for (size_t r = 0; r < rows; r++)
            if (n_vals == 0 || !msoc_str_eq(vals[n_vals - 1], vals[r]))
                vals[n_vals++] = vals[r];
    } else {
        if (n->n_cols < nk)
            return msoc_fail_pos(q->err, MSOC_SEMANTIC, n->line, n->col_no, "pivot: the output schema lacks the key columns");
        n_vals = n->n_cols - nk;
        vals = msoc_exec__calloc(q, n_vals + 1, sizeof *vals);
        if (vals == NULL)
            return q->err->code;
        for (size_t c = 0; c < n_vals; c++)
            vals[c] = n->cols[nk + c].name;
    }
    /* distinct key tuples, first-appearance order */
    size_t cap = 16;
    while (cap < rows * 2)
        cap <<= 1;
    size_t *slots = msoc_exec__calloc(q, cap, sizeof *slots);
    size_t *first = msoc_exec__calloc(q, rows + 1, sizeof *first);
    size_t *gid = msoc_exec__calloc(q, rows + 1, sizeof *gid);
    if (slots == NULL || first == NULL || gid == NULL)
        return q->err->code;
    msoc_exec_col **keys = in->cols;
    size_t n_groups = 0;
    for (size_t r = 0; r < rows; r++) {
        size_t h = (size_t)msoc_exec__row_hash(keys, nk, r) & (cap - 1);
        while (slots[h] != 0 && !msoc_exec__row_eq(keys, first[slots[h] - 1], keys, r, nk))
            h = (h + 1) & (cap - 1);
        if (slots[h] == 0) {
            first[n_groups] = r;
            slots[h] = ++n_groups;
        }
        gid[r] = slots[h] - 1;
    }
    if (nk == 0 && n_groups == 0 && n_vals > 0)
        n_groups = 0;
    msoc_exec_table *t = msoc_exec__table_new(q, nk + n_vals, n_groups);
    if (t == NULL)
        return q->err->code;
    for (size_t c = 0; c < nk; c++) {
        t->names[c] = in->names[c];
        t->cols[c] = msoc_exec__col_gather(q, in->cols[c], first, n_groups);
        if (t->cols[c] == NULL)
            return q->err->code;
    }
    bool is_zero = is_zero_default(n->eval_text);
    for (size_t v = 0; v < n_vals; v++) {
        msoc_type ty = n->kind == MSOC_PLAN_REBIND ? vc->type : n->cols[nk + v].type;
        t->names[nk + v] = vals[v];
        t->cols[nk + v] = is_zero ? msoc_exec__col_const(q, xv_long(0), ty, n_groups)
                                  : msoc_exec__col_new(q, ty, n_groups);
        if (t->cols[nk + v] == NULL)
            return q->err->code;
        if (!is_zero)
            for (size_t g = 0; g < n_groups; g++)
                msoc_exec__col_set_null(q, t->cols[nk + v], g);
    }
    for (size_t r = 0; r < rows; r++) {
        msoc_str *hit = n->kind == MSOC_PLAN_REBIND ? bsearch(&text[r], vals, n_vals, sizeof *vals, str_cmp) : NULL;
        if (n->kind != MSOC_PLAN_REBIND)
            for (size_t v = 0; v < n_vals && hit == NULL; v++)
                if (msoc_str_eq(vals[v], text[r]))
                    hit = &vals[v];
        if (hit)
            msoc_exec__col_set(q, t->cols[nk + (size_t)(hit - vals)], gid[r], msoc_exec__col_get(vc, r));
    }
    *out = t;
    return q->err->code;
}
