/* evaluate bag_unpack(bag [, prefix] [, columnsConflict=...] [, ignoredProperties=...]):
 * one column per property of the bags, the input's other columns kept. Without an
 * output schema the columns are found in the data (a REBIND node): properties
 * sorted by name, each typed long/real/string/bool when all its values agree,
 * else dynamic. With a schema (or on the second bind) the node's columns are
 * filled by name from the input columns or the bag's properties. */
#include <string.h>

#include "exec_int.h"

typedef struct prop {
    const char *key;
    unsigned kinds;   /* bit per JSON kind seen (non-null values) */
} prop;

enum { K_INT = 1, K_REAL = 2, K_STR = 4, K_BOOL = 8, K_OTHER = 16 };

static unsigned json_kind(const json_t *j)
{
    if (json_is_integer(j))
        return K_INT;
    if (json_is_real(j))
        return K_REAL;
    if (json_is_string(j))
        return K_STR;
    if (json_is_boolean(j))
        return K_BOOL;
    return json_is_null(j) ? 0 : K_OTHER;
}

static msoc_type kinds_type(unsigned k)
{
    switch (k) {
    case K_INT: return MSOC_TYPE_LONG;
    case K_REAL:
    case K_INT | K_REAL: return MSOC_TYPE_REAL;
    case K_STR: return MSOC_TYPE_STRING;
    case K_BOOL: return MSOC_TYPE_BOOL;
    default: return MSOC_TYPE_DYNAMIC;
    }
}

static int prop_cmp(const void *a, const void *b)
{
    return strcmp(((const prop *)a)->key, ((const prop *)b)->key);
}

static bool is_ignored(const json_t *ignored, const char *key)
{
    if (!json_is_array(ignored))
        return false;
    size_t i;
    json_t *v;
    json_array_foreach(ignored, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), key) == 0)
            return true;
    }
    return false;
}

/* The input column the bag comes from (dropped from the output), or -1. */
static int bag_col(const msoc_plan_node *n)
{
    const msoc_plan_expr *e = n->eval_args[0];
    return e->kind == MSOC_PLAN_X_COL ? e->col : -1;
}

static msoc_status with_prefix(xq *q, const msoc_plan_node *n, const char *key, msoc_str *out)
{
    size_t kl = strlen(key);
    char *p = msoc_exec__alloc(q, n->eval_text.len + kl + 1);
    if (p == NULL)
        return q->err->code;
    if (n->eval_text.len)
        memcpy(p, n->eval_text.ptr, n->eval_text.len);
    memcpy(p + n->eval_text.len, key, kl + 1);
    *out = msoc_str_make(p, n->eval_text.len + kl);
    return MSOC_OK;
}

msoc_status msoc_exec__op_bag_unpack(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                     const msoc_exec_table **out)
{
    msoc_exec_col *bag;
    msoc_status st = msoc_exec__eval(q, n->eval_args[0], in, &bag);
    if (st != MSOC_OK)
        return st;
    msoc_exec_table one = {0};
    one.n_rows = 1;
    msoc_exec_col *ign_col;
    st = msoc_exec__eval(q, n->eval_args[1], &one, &ign_col);
    if (st != MSOC_OK)
        return st;
    xval ign_v = msoc_exec__col_get(ign_col, 0);
    const json_t *ignored = ign_v.t == MSOC_TYPE_DYNAMIC ? ign_v.d : NULL;
    int bc = bag_col(n);
    size_t rows = in->n_rows;

    /* output columns: name, type, and where the values come from */
    size_t cap;
    msoc_str *names;
    msoc_type *types;
    int *src_col;            /* input column, or -1 */
    const char **src_key;    /* bag property, or NULL */
    size_t n_out = 0;
    if (n->kind == MSOC_PLAN_REBIND) {
        /* distinct properties over every row */
        msoc_hashmap seen;
        msoc_hashmap_init(&seen, q->arena, 0);
        msoc_vec props;
        msoc_vec_init(&props, sizeof(prop), (size_t)1 << 20);
        for (size_t r = 0; r < rows; r++) {
            xval v = msoc_exec__col_get(bag, r);
            if (v.t != MSOC_TYPE_DYNAMIC || !json_is_object(v.d))
                continue;
            const char *key;
            json_t *val;
            json_object_foreach(v.d, key, val)
            {
                if (is_ignored(ignored, key))
                    continue;
                size_t kl = strlen(key);
                void **slot = msoc_hashmap_get(&seen, key, kl);
                prop *p;
                if (slot) {
                    p = &MSOC_VEC_AT(&props, prop, (size_t)(uintptr_t)*slot - 1);
                } else {
                    p = msoc_vec_push(&props);
                    if (p == NULL) {
                        msoc_vec_fini(&props);
                        msoc_hashmap_fini(&seen);
                        return msoc_fail(q->err, MSOC_LIMIT, "bag_unpack: too many distinct properties");
                    }
                    msoc_str k = msoc_exec__strdup(q, key, kl);
                    p->key = k.ptr;
                    p->kinds = 0;
                    if (msoc_hashmap_put(&seen, k.ptr, kl, (void *)(uintptr_t)props.n) != MSOC_OK) {
                        msoc_vec_fini(&props);
                        msoc_hashmap_fini(&seen);
                        return msoc_fail(q->err, MSOC_LIMIT, "bag_unpack: too many distinct properties");
                    }
                }
                p->kinds |= json_kind(val);
            }
        }
        size_t n_props = props.n;
        prop *ps = msoc_exec__calloc(q, n_props + 1, sizeof *ps);
        if (ps == NULL) {
            msoc_vec_fini(&props);
            msoc_hashmap_fini(&seen);
            return q->err->code;
        }
        if (n_props)
            memcpy(ps, props.data, n_props * sizeof *ps);
        msoc_vec_fini(&props);
        msoc_hashmap_fini(&seen);
        qsort(ps, n_props, sizeof *ps, prop_cmp);
        cap = in->n_cols + n_props + 1;
        names = msoc_exec__calloc(q, cap, sizeof *names);
        types = msoc_exec__calloc(q, cap, sizeof *types);
        src_col = msoc_exec__calloc(q, cap, sizeof *src_col);
        src_key = msoc_exec__calloc(q, cap, sizeof *src_key);
        bool *is_used = msoc_exec__calloc(q, n_props + 1, sizeof *is_used);
        if (names == NULL || types == NULL || src_col == NULL || src_key == NULL || is_used == NULL)
            return q->err->code;
        for (size_t c = 0; c < in->n_cols; c++) {
            if ((int)c == bc)
                continue;
            names[n_out] = in->names[c];
            types[n_out] = in->cols[c]->type;
            src_col[n_out] = (int)c;
            for (size_t k = 0; k < n_props; k++) {
                msoc_str full;
                if (with_prefix(q, n, ps[k].key, &full) != MSOC_OK)
                    return q->err->code;
                if (!msoc_str_eq(full, in->names[c]))
                    continue;
                if (n->eval_flags == 0 && !msoc_plan_col_is_hidden(in->names[c]))
                    return msoc_fail_pos(q->err, MSOC_SEMANTIC, n->line, n->col_no,
                                     "bag_unpack: the property '%s' clashes with the column of that name "
                                     "(columnsConflict='keep_source' or 'replace_source')",
                                     ps[k].key);
                is_used[k] = true;
                if (n->eval_flags == 2) {
                    types[n_out] = kinds_type(ps[k].kinds);
                    src_col[n_out] = -1;
                    src_key[n_out] = ps[k].key;
                }
            }
            n_out++;
        }
        for (size_t k = 0; k < n_props; k++) {
            if (is_used[k])
                continue;
            if (with_prefix(q, n, ps[k].key, &names[n_out]) != MSOC_OK)
                return q->err->code;
            types[n_out] = kinds_type(ps[k].kinds);
            src_col[n_out] = -1;
            src_key[n_out] = ps[k].key;
            n_out++;
        }
    } else {
        /* the node's columns: by name from the input, else from the bag */
        cap = n->n_cols + 1;
        names = msoc_exec__calloc(q, cap, sizeof *names);
        types = msoc_exec__calloc(q, cap, sizeof *types);
        src_col = msoc_exec__calloc(q, cap, sizeof *src_col);
        src_key = msoc_exec__calloc(q, cap, sizeof *src_key);
        if (names == NULL || types == NULL || src_col == NULL || src_key == NULL)
            return q->err->code;
        for (size_t c = 0; c < n->n_cols; c++) {
            names[c] = n->cols[c].name;
            types[c] = n->cols[c].type;
            src_col[c] = -1;
            for (size_t ic = 0; ic < in->n_cols; ic++)
                if ((int)ic != bc && msoc_str_eq(in->names[ic], names[c]))
                    src_col[c] = (int)ic;
            if (src_col[c] < 0) {
                msoc_str k = names[c];
                if (n->eval_text.len && k.len >= n->eval_text.len &&
                    memcmp(k.ptr, n->eval_text.ptr, n->eval_text.len) == 0) {
                    k.ptr += n->eval_text.len;
                    k.len -= n->eval_text.len;
                }
                src_key[c] = msoc_exec__strdup(q, k.ptr, k.len).ptr;
            }
        }
        n_out = n->n_cols;
    }
    msoc_exec_table *t = msoc_exec__table_new(q, n_out, rows);
    if (t == NULL)
        return q->err->code;
    for (size_t c = 0; c < n_out; c++) {
        t->names[c] = names[c];
        if (src_col[c] >= 0 && in->cols[src_col[c]]->type == types[c]) {
            t->cols[c] = in->cols[src_col[c]];
            continue;
        }
        t->cols[c] = msoc_exec__col_new(q, types[c], rows);
        if (t->cols[c] == NULL)
            return q->err->code;
        for (size_t r = 0; r < rows; r++) {
            xval v;
            if (src_col[c] >= 0) {
                v = msoc_exec__col_get(in->cols[src_col[c]], r);
            } else {
                xval b = msoc_exec__col_get(bag, r);
                json_t *j = b.t == MSOC_TYPE_DYNAMIC && json_is_object(b.d) ? json_object_get(b.d, src_key[c]) : NULL;
                if (j == NULL || json_is_null(j))
                    v = xv_null(types[c]);
                else if (types[c] == MSOC_TYPE_DYNAMIC)
                    v = xv_dyn(j);
                else
                    v = msoc_exec__convert(q, msoc_exec__from_json(j), types[c]);
            }
            msoc_exec__col_set(q, t->cols[c], r, v);
        }
    }
    *out = t;
    return q->err->code;
}
