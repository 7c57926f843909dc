/* sample N (N random rows, kept in input order) and sample-distinct N of x (up to
 * N distinct values of x). The generator is seeded from the query's now(), so a
 * query is repeatable within one run. */
#include "core/rng.h"
#include "exec_int.h"

static msoc_status sample_distinct(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                   const msoc_exec_table **out)
{
    msoc_exec_col *v;
    msoc_status st = msoc_exec__eval(q, n->eval_args[0], in, &v);
    if (st != MSOC_OK)
        return st;
    size_t rows = in->n_rows, want = (size_t)n->limit;
    size_t cap = 16;
    while (cap < rows * 2)
        cap <<= 1;
    size_t *slots = msoc_exec__calloc(q, cap, sizeof *slots);
    size_t *sel = msoc_exec__calloc(q, rows + 1, sizeof *sel);
    if (slots == NULL || sel == NULL)
        return q->err->code;
    size_t m = 0;
    for (size_t r = 0; r < rows && m < want; r++) {
        xval x = msoc_exec__col_get(v, r);
        size_t h = (size_t)msoc_exec__hash(x) & (cap - 1);
        while (slots[h] != 0 && !msoc_exec__eq(msoc_exec__col_get(v, sel[slots[h] - 1]), x))
            h = (h + 1) & (cap - 1);
        if (slots[h] == 0) {
            sel[m] = r;
            slots[h] = ++m;
        }
    }
    msoc_exec_table *t = msoc_exec__table_new(q, 1, m);
    if (t == NULL)
        return q->err->code;
    t->names[0] = n->cols[0].name;
    t->cols[0] = msoc_exec__col_gather(q, v, sel, m);
    if (t->cols[0] == NULL)
        return q->err->code;
    *out = t;
    return MSOC_OK;
}

msoc_status msoc_exec__op_sample(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                 const msoc_exec_table **out)
{
    if (n->eval_op == MSOC_PLAN_EV_SAMPLE_DISTINCT)
        return sample_distinct(q, n, in, out);
    size_t rows = in->n_rows, want = (size_t)n->limit;
    if (want >= rows) {
        *out = in;
        return MSOC_OK;
    }
    size_t *idx = msoc_exec__calloc(q, rows + 1, sizeof *idx);
    uint8_t *pick = msoc_exec__calloc(q, rows + 1, 1);
    if (idx == NULL || pick == NULL)
        return q->err->code;
    for (size_t r = 0; r < rows; r++)
        idx[r] = r;
    msoc_rng rng;
    msoc_rng_seed(&rng, (uint64_t)q->opts.now ^ (uint64_t)n->id);
    for (size_t k = 0; k < want; k++) {
        size_t j = k + (size_t)msoc_rng_below(&rng, rows - k);
        size_t tmp = idx[k];
        idx[k] = idx[j];
        idx[j] = tmp;
        pick[idx[k]] = 1;
    }
    size_t m = 0;
    for (size_t r = 0; r < rows; r++)
        if (pick[r])
            idx[m++] = r;
    msoc_exec_table *t = msoc_exec__table_gather(q, in, idx, m);
    if (t == NULL)
        return q->err->code;
    *out = t;
    return MSOC_OK;
}
