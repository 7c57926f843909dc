/* sort / order by / top: a stable merge sort of row indices over evaluated key
 * columns; with a limit (top) only the first rows are gathered. Kusto's default
 * is descending with nulls last; ascending puts nulls first. */
#include <string.h>

#include "exec_int.h"

typedef struct sort_ctx {
    msoc_exec_col **keys;
    const msoc_plan_sort_key *spec;
    size_t n_keys;
} sort_ctx;

static int row_cmp(const sort_ctx *s, size_t a, size_t b)
{
    for (size_t k = 0; k < s->n_keys; k++) {
        xval x = msoc_exec__col_get(s->keys[k], a), y = msoc_exec__col_get(s->keys[k], b);
        bool xn = x.is_null && !xtype_is_str(x.t), yn = y.is_null && !xtype_is_str(y.t);
        int c;
        if (xn || yn) {
            if (xn == yn)
                continue;
            c = xn ? -1 : 1;
            if (!s->spec[k].is_nulls_first)
                c = -c;
            return c;
        }
        c = msoc_exec__cmp(x, y);
        if (c != 0)
            return s->spec[k].is_desc ? -c : c;
    }
    return 0;
}

static void merge_sort(const sort_ctx *s, size_t *v, size_t *tmp, size_t n)
{
    if (n < 2)
        return;
    if (n <= 16) {
        for (size_t i = 1; i < n; i++) {
            size_t x = v[i], j = i;
            while (j > 0 && row_cmp(s, v[j - 1], x) > 0) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        return;
    }
    size_t h = n / 2;
    merge_sort(s, v, tmp, h);
    merge_sort(s, v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = row_cmp(s, v[j], v[i]) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

msoc_status msoc_exec__op_sort(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                               const msoc_exec_table **out)
{
    size_t rows = in->n_rows;
    sort_ctx s = {0};
    s.n_keys = n->n_keys;
    s.spec = n->keys;
    s.keys = msoc_exec__calloc(q, n->n_keys + 1, sizeof *s.keys);
    size_t *idx = msoc_exec__alloc(q, (rows + 1) * sizeof *idx);
    size_t *tmp = msoc_exec__alloc(q, (rows + 1) * sizeof *tmp);
    if (s.keys == NULL || idx == NULL || tmp == NULL)
        return q->err->code;
    for (size_t k = 0; k < n->n_keys; k++) {
        msoc_status st = msoc_exec__eval(q, n->keys[k].expr, in, &s.keys[k]);
        if (st != MSOC_OK)
            return st;
    }
    for (size_t r = 0; r < rows; r++)
        idx[r] = r;
    merge_sort(&s, idx, tmp, rows);
    size_t keep = rows;
    if (n->limit >= 0 && (size_t)n->limit < keep)
        keep = (size_t)n->limit;
    msoc_exec_table *t = msoc_exec__table_gather(q, in, idx, keep);
    if (t == NULL)
        return q->err->code;
    *out = t;
    return MSOC_OK;
}
