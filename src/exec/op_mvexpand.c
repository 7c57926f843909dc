/* mv-expand: one output row per element of the expanded dynamic array (or bag:
 * one {key: value} per property). Several columns expand in parallel; the
 * shorter ones are padded with null. */
#include "exec_int.h"

static size_t elem_count(xval v)
{
    if (v.t != MSOC_TYPE_DYNAMIC || v.d == NULL)
        return v.is_null ? 0 : 1;
    if (json_is_array(v.d))
        return json_array_size(v.d);
    if (json_is_object(v.d))
        return json_object_size(v.d);
    return json_is_null(v.d) ? 0 : 1;
}

static xval elem_at(xq *q, xval v, size_t k)
{
    if (v.t != MSOC_TYPE_DYNAMIC || v.d == NULL)
        return v;
    if (json_is_array(v.d))
        return xv_dyn(json_array_get(v.d, k));
    if (json_is_object(v.d)) {
        size_t i = 0;
        const char *key;
        json_t *val;
        json_object_foreach(v.d, key, val)
        {
            if (i++ == k) {
                json_t *o = msoc_exec__own(q, json_object());
                if (o)
                    json_object_set(o, key, val);
                return xv_dyn(o);
            }
        }
        return xv_null(MSOC_TYPE_DYNAMIC);
    }
    return v;
}

msoc_status msoc_exec__op_mvexpand(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                   const msoc_exec_table **out)
{
    size_t rows = in->n_rows;
    size_t *counts = msoc_exec__calloc(q, rows + 1, sizeof *counts);
    if (counts == NULL)
        return q->err->code;
    size_t total = 0;
    int64_t limit = n->limit;
    for (size_t r = 0; r < rows; r++) {
        size_t m = 0;
        for (size_t e = 0; e < n->n_expand; e++) {
            size_t c = elem_count(msoc_exec__col_get(in->cols[n->expand_cols[e]], r));
            if (c > m)
                m = c;
        }
        if (limit >= 0 && m > (size_t)limit)
            m = (size_t)limit;
        counts[r] = m;
        total += m;
    }
    msoc_exec_table *t = msoc_exec__table_new(q, n->n_cols, total);
    if (t == NULL)
        return q->err->code;
    for (size_t c = 0; c < n->n_cols; c++) {
        t->names[c] = n->cols[c].name;
        t->cols[c] = msoc_exec__col_new(q, n->cols[c].type, total);
        if (t->cols[c] == NULL)
            return q->err->code;
    }
    size_t o = 0;
    for (size_t r = 0; r < rows; r++) {
        for (size_t k = 0; k < counts[r]; k++, o++) {
            for (size_t c = 0; c < in->n_cols && c < n->n_cols; c++) {
                int ex = -1;
                for (size_t e = 0; e < n->n_expand; e++)
                    if (n->expand_cols[e] == (int)c)
                        ex = (int)e;
                xval v = msoc_exec__col_get(in->cols[c], r);
                if (ex >= 0) {
                    if (k < elem_count(v))
                        v = elem_at(q, v, k);
                    else
                        v = xv_null(MSOC_TYPE_DYNAMIC);
                    if (n->expand_types && n->expand_types[ex] != MSOC_TYPE_DYNAMIC)
                        v = msoc_exec__convert(q, v, n->expand_types[ex]);
                }
                msoc_exec__col_set(q, t->cols[c], o, v);
            }
            if (n->expand_index_col >= 0)
                msoc_exec__col_set(q, t->cols[n->expand_index_col], o, xv_long((int64_t)k));
        }
    }
    *out = t;
    return q->err->code;
}
