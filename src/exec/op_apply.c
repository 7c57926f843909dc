/* mv-apply and partition: the APPLY node's sub-plan (inputs[1]) runs once per
 * group of its input: each row (mv-apply, whose sub-plan starts with the
 * mv-expand of that row) or each distinct value of the partition column. The
 * sub-plan's GROUP leaf reads the current group from q->groups. Results are
 * stacked in group order. */
#include "exec_int.h"

typedef struct piece {
    const msoc_exec_table *t;
    size_t outer_row;
} piece;

msoc_status msoc_exec__op_group(xq *q, const msoc_plan_node *n, const msoc_exec_table **out)
{
    for (const xgroup *g = q->groups; g; g = g->outer) {
        if (g->apply_id == n->apply_id) {
            *out = g->t;
            return MSOC_OK;
        }
    }
    return msoc_fail(q->err, MSOC_INTERNAL, "group input outside its apply");
}

static msoc_status run_group(xq *q, const msoc_plan_node *n, const msoc_exec_table *g,
                             const msoc_exec_table **res)
{
    xgroup frame = {n->id, g, q->groups};
    const xgroup *saved = q->groups;
    q->groups = &frame;
    msoc_status st = msoc_exec__node(q, n->inputs[1], res);
    q->groups = saved;
    return st;
}

msoc_status msoc_exec__op_apply(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                const msoc_exec_table **out)
{
    size_t rows = in->n_rows;
    size_t n_groups = rows;
    size_t *order = NULL, *starts = NULL;
    if (n->apply_part_col >= 0) {
        /* group rows by the partition value, groups in order of first appearance */
        const msoc_exec_col *kc = in->cols[n->apply_part_col];
        size_t cap = 16;
        while (cap < rows * 2)
            cap <<= 1;
        size_t *slots = msoc_exec__calloc(q, cap, sizeof *slots); /* group id + 1 */
        size_t *first = msoc_exec__calloc(q, rows + 1, sizeof *first);
        size_t *gid = msoc_exec__calloc(q, rows + 1, sizeof *gid);
        size_t *count = msoc_exec__calloc(q, rows + 2, sizeof *count);
        order = msoc_exec__calloc(q, rows + 1, sizeof *order);
        starts = msoc_exec__calloc(q, rows + 2, sizeof *starts);
        if (slots == NULL || first == NULL || gid == NULL || count == NULL || order == NULL || starts == NULL)
            return q->err->code;
        n_groups = 0;
        for (size_t r = 0; r < rows; r++) {
            xval v = msoc_exec__col_get(kc, r);
            size_t h = (size_t)msoc_exec__hash(v) & (cap - 1);
            while (slots[h] != 0 && !msoc_exec__eq(msoc_exec__col_get(kc, first[slots[h] - 1]), v))
                h = (h + 1) & (cap - 1);
            if (slots[h] == 0) {
                first[n_groups] = r;
                slots[h] = ++n_groups;
            }
            gid[r] = slots[h] - 1;
            count[gid[r]]++;
        }
        for (size_t k = 0; k < n_groups; k++)
            starts[k + 1] = starts[k] + count[k];
        for (size_t k = 0; k <= n_groups; k++)
            count[k] = starts[k];
        for (size_t r = 0; r < rows; r++)
            order[count[gid[r]]++] = r;
    }
    piece *pieces = msoc_exec__calloc(q, n_groups + 1, sizeof *pieces);
    if (pieces == NULL)
        return q->err->code;
    size_t total = 0;
    for (size_t k = 0; k < n_groups; k++) {
        const msoc_exec_table *g;
        size_t one = k;
        if (order)
            g = msoc_exec__table_gather(q, in, order + starts[k], starts[k + 1] - starts[k]);
        else
            g = msoc_exec__table_gather(q, in, &one, 1);
        if (g == NULL)
            return q->err->code;
        const msoc_exec_table *res;
        msoc_status st = run_group(q, n, g, &res);
        if (st != MSOC_OK)
            return st;
        pieces[k].t = res;
        pieces[k].outer_row = k;
        total += res->n_rows;
        if ((k & 0xff) == 0xff && (st = msoc_exec__check(q)) != MSOC_OK)
            return st;
    }
    msoc_exec_table *t = msoc_exec__table_for(q, n, total);
    if (t == NULL)
        return q->err->code;
    size_t o = 0;
    for (size_t k = 0; k < n_groups; k++) {
        const msoc_exec_table *res = pieces[k].t;
        for (size_t r = 0; r < res->n_rows; r++, o++) {
            for (size_t c = 0; c < n->n_cols; c++) {
                int src = n->apply_out[c];
                xval v = src >= 0 ? ((size_t)src < res->n_cols ? msoc_exec__col_get(res->cols[src], r)
                                                                : xv_null(n->cols[c].type))
                                  : msoc_exec__col_get(in->cols[-src - 1], pieces[k].outer_row);
                msoc_exec__col_set(q, t->cols[c], o, v);
            }
        }
    }
    *out = t;
    return q->err->code;
}
