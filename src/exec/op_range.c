/* range x from a to b step s. */
#include "exec_int.h"

#define RANGE_MAX_ROWS 100000000ULL

msoc_status msoc_exec__op_range(xq *q, const msoc_plan_node *n, const msoc_exec_table **out)
{
    msoc_exec_table *one = msoc_exec__table_new(q, 0, 1);
    if (one == NULL)
        return q->err->code;
    xval v[3];
    for (int i = 0; i < 3; i++) {
        msoc_exec_col *c;
        msoc_status st = msoc_exec__eval(q, n->exprs[i], one, &c);
        if (st != MSOC_OK)
            return st;
        v[i] = msoc_exec__col_get(c, 0);
    }
    msoc_type t = n->cols[0].type;
    size_t count = 0;
    if (xtype_is_real(t)) {
        double a = msoc_exec__convert(q, v[0], MSOC_TYPE_REAL).r;
        double b = msoc_exec__convert(q, v[1], MSOC_TYPE_REAL).r;
        double s = msoc_exec__convert(q, v[2], MSOC_TYPE_REAL).r;
        if (s == 0 || v[0].is_null || v[1].is_null)
            count = 0;
        else if ((s > 0 && a <= b) || (s < 0 && a >= b))
            count = (size_t)((b - a) / s + 1e-9) + 1;
        if (count > RANGE_MAX_ROWS)
            return msoc_fail(q->err, MSOC_LIMIT, "range would produce more than %llu rows", RANGE_MAX_ROWS);
        msoc_exec_col *c = msoc_exec__col_new(q, t, count);
        if (c == NULL)
            return q->err->code;
        for (size_t i = 0; i < count; i++)
            c->v.r[i] = a + (double)i * s;
        msoc_exec_table *res = msoc_exec__table_new(q, 1, count);
        if (res == NULL)
            return q->err->code;
        res->names[0] = n->cols[0].name;
        res->cols[0] = c;
        *out = res;
        return MSOC_OK;
    }
    int64_t a = msoc_exec__convert(q, v[0], t).i;
    int64_t b = msoc_exec__convert(q, v[1], t).i;
    int64_t s = msoc_exec__convert(q, v[2], t == MSOC_TYPE_DATETIME ? MSOC_TYPE_TIMESPAN : t).i;
    if (s != 0 && !v[0].is_null && !v[1].is_null) {
        if ((s > 0 && a <= b) || (s < 0 && a >= b)) {
            unsigned long long span = s > 0 ? (unsigned long long)b - (unsigned long long)a
                                            : (unsigned long long)a - (unsigned long long)b;
            unsigned long long step = s > 0 ? (unsigned long long)s : 0ULL - (unsigned long long)s;
            unsigned long long c = span / step + 1;
            if (c > RANGE_MAX_ROWS)
                return msoc_fail(q->err, MSOC_LIMIT, "range would produce more than %llu rows",
                                 RANGE_MAX_ROWS);
            count = (size_t)c;
        }
    }
    msoc_exec_col *c = msoc_exec__col_new(q, t, count);
    msoc_exec_table *res = msoc_exec__table_new(q, 1, count);
    if (c == NULL || res == NULL)
        return q->err->code;
    for (size_t i = 0; i < count; i++)
        c->v.i[i] = a + (int64_t)i * s;
    res->names[0] = n->cols[0].name;
    res->cols[0] = c;
    *out = res;
    return MSOC_OK;
}
