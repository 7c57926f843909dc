/* Window functions over the serialized row order: row_number, prev, next,
 * row_cumsum, row_rank_dense, row_rank_min, row_window_session. They see whole
 * columns, so they are naturally vectorised. */
#include "exec_int.h"

static bool restart_at(const msoc_exec_col *c, size_t row)
{
    if (c == NULL)
        return false;
    xval v = msoc_exec__col_get(c, row);
    return !v.is_null && v.i != 0;
}

msoc_status msoc_exec__window(xq *q, const msoc_plan_expr *e, msoc_exec_col **args,
                              size_t n_args, size_t n, msoc_exec_col *out)
{
    switch (e->fn) {
    case MSOC_PLAN_FN_ROW_NUMBER: {
        int64_t start = 1;
        if (n_args > 0 && n > 0)
            start = msoc_exec__convert(q, msoc_exec__col_get(args[0], 0), MSOC_TYPE_LONG).i;
        int64_t k = start;
        for (size_t r = 0; r < n; r++) {
            if (r > 0 && n_args > 1 && restart_at(args[1], r))
                k = start;
            out->v.i[r] = k++;
        }
        return MSOC_OK;
    }
    case MSOC_PLAN_FN_PREV:
    case MSOC_PLAN_FN_NEXT: {
        int64_t off = 1;
        if (n_args > 1 && n > 0)
            off = msoc_exec__convert(q, msoc_exec__col_get(args[1], 0), MSOC_TYPE_LONG).i;
        for (size_t r = 0; r < n; r++) {
            int64_t src = e->fn == MSOC_PLAN_FN_PREV ? (int64_t)r - off : (int64_t)r + off;
            if (src >= 0 && src < (int64_t)n)
                msoc_exec__col_set(q, out, r, msoc_exec__col_get(args[0], (size_t)src));
            else if (n_args > 2)
                msoc_exec__col_set(q, out, r, msoc_exec__col_get(args[2], r));
            else
                msoc_exec__col_set_null(q, out, r);
        }
        return q->err->code;
    }
    case MSOC_PLAN_FN_ROW_CUMSUM: {
        double rs = 0;
        int64_t is = 0;
        for (size_t r = 0; r < n; r++) {
            if (n_args > 1 && restart_at(args[1], r)) {
                rs = 0;
                is = 0;
            }
            xval v = msoc_exec__col_get(args[0], r);
            if (xtype_is_real(out->type)) {
                if (!v.is_null)
                    rs += msoc_exec__convert(q, v, MSOC_TYPE_REAL).r;
                out->v.r[r] = rs;
            } else {
                if (!v.is_null)
                    is += msoc_exec__convert(q, v, MSOC_TYPE_LONG).i;
                out->v.i[r] = is;
            }
        }
        return MSOC_OK;
    }
    case MSOC_PLAN_FN_ROW_RANK_DENSE:
    case MSOC_PLAN_FN_ROW_RANK_MIN: {
        int64_t rank = 0, rows_in = 0;
        for (size_t r = 0; r < n; r++) {
            bool is_restart = r == 0 || (n_args > 1 && restart_at(args[1], r));
            if (is_restart) {
                rank = 1;
                rows_in = 1;
            } else {
                rows_in++;
                if (!msoc_exec__eq(msoc_exec__col_get(args[0], r), msoc_exec__col_get(args[0], r - 1)))
                    rank = e->fn == MSOC_PLAN_FN_ROW_RANK_DENSE ? rank + 1 : rows_in;
            }
            out->v.i[r] = rank;
        }
        return MSOC_OK;
    }
    case MSOC_PLAN_FN_ROW_WINDOW_SESSION: {
        /* row_window_session(x, max_from_first, max_between_neighbours[, restart]):
         * the first x of the session each row belongs to; a session ends when the
         * gap to the previous row or the span from its first row grows too big */
        if (n_args < 3 || n == 0)
            return MSOC_OK;
        int64_t max_first = msoc_exec__convert(q, msoc_exec__col_get(args[1], 0), MSOC_TYPE_LONG).i;
        int64_t max_gap = msoc_exec__convert(q, msoc_exec__col_get(args[2], 0), MSOC_TYPE_LONG).i;
        bool has_start = false;
        int64_t start = 0, prev = 0;
        for (size_t r = 0; r < n; r++) {
            xval v = msoc_exec__col_get(args[0], r);
            if (v.is_null || !xtype_is_int(v.t)) {
                msoc_exec__col_set_null(q, out, r);
                has_start = false;
                continue;
            }
            bool is_new = !has_start || (n_args > 3 && restart_at(args[3], r)) ||
                          (uint64_t)v.i - (uint64_t)start > (uint64_t)max_first ||
                          (uint64_t)v.i - (uint64_t)prev > (uint64_t)max_gap || v.i < prev;
            if (is_new) {
                start = v.i;
                has_start = true;
            }
            prev = v.i;
            msoc_exec__col_set(q, out, r, xv_typed_i(out->type, start));
        }
        return q->err->code;
    }
    default:
        return msoc_fail_pos(q->err, MSOC_UNSUPPORTED, e->line, e->col_no, "not supported: %s()",
                             msoc_plan_fn_get(e->fn)->name);
    }
}
