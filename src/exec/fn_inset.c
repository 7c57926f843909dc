/* `x in (list)`, `!in`, `in~`, `!in~` over a string column against a constant list
 * (literals, a let-bound array, or a subquery such as `in ((T | project c))`):
 * one hash set built per call, then one probe per row. Hunting queries compare
 * millions of rows with subquery lists of thousands, which the generic per-row,
 * per-element scan (fn_ops.c) turns into hours. Anything else falls back to the
 * row function, so the semantics stay those of fn_ops.c. */
#include <string.h>

#include "core/hashmap.h"
#include "exec_int.h"

static bool is_const_arg(const msoc_plan_expr *a)
{
    return a->kind == MSOC_PLAN_X_LIT || a->kind == MSOC_PLAN_X_SUB;
}

/* Adds s to the set (lowercased when is_ci); false when full. */
static bool set_add(xq *q, msoc_hashmap *set, msoc_str s, bool is_ci, char *scratch, size_t cap)
{
    const char *k = s.ptr;
    if (is_ci) {
        if (s.len > cap)
            return false;
        for (size_t i = 0; i < s.len; i++)
            scratch[i] = msoc_ascii_lower(s.ptr[i]);
        k = scratch;
    }
    bool is_new;
    void **slot = msoc_hashmap_upsert(set, k ? k : "", s.len, &is_new);
    if (slot == NULL) {
        msoc_arena_fail(q->arena, q->err);
        return false;
    }
    *slot = (void *)1;
    return true;
}

static bool set_has(const msoc_hashmap *set, msoc_str s, bool is_ci, char *scratch, size_t cap)
{
    const char *k = s.ptr;
    if (is_ci) {
        if (s.len > cap)
            return false; /* longer than every member */
        for (size_t i = 0; i < s.len; i++)
            scratch[i] = msoc_ascii_lower(s.ptr[i]);
        k = scratch;
    }
    return msoc_hashmap_get(set, k ? k : "", s.len) != NULL;
}

/* The generic path: the row function over every row (IN is not null-propagating). */
static msoc_status by_row(xq *q, xrow_fn row, msoc_exec_col **args, size_t n_args, size_t n,
                          msoc_exec_col *out)
{
    xval small[16];
    xval *av = n_args <= 16 ? small : msoc_exec__calloc(q, n_args, sizeof *av);
    if (av == NULL)
        return q->err->code;
    for (size_t r = 0; r < n; r++) {
        for (size_t i = 0; i < n_args; i++)
            av[i] = msoc_exec__col_get(args[i], r);
        xval res = xv_null(out->type);
        row(q, av, n_args, &res);
        msoc_exec__col_set(q, out, r, res);
        msoc_status st;
        if ((r & 0xffff) == 0xffff && (st = msoc_exec__check(q)) != MSOC_OK)
            return st;
    }
    return q->err->code;
}

static msoc_status in_set(xq *q, const msoc_plan_expr *e, msoc_exec_col **args, size_t n_args, size_t n,
                          msoc_exec_col *out, bool is_ci, bool is_neg)
{
    xrow_fn row = msoc_exec__fn_impl(e->fn)->row;
    bool is_fast = n >= 64 && n_args >= 2 && args[0]->type == MSOC_TYPE_STRING && !args[0]->is_absent;
    size_t n_items = 0;
    for (size_t i = 1; is_fast && i < n_args; i++) {
        if (!is_const_arg(e->args[i])) {
            is_fast = false;
            break;
        }
        xval v = msoc_exec__col_get(args[i], 0);
        if (v.t == MSOC_TYPE_DYNAMIC && v.d && json_is_array(v.d)) {
            for (size_t k = 0; k < json_array_size(v.d) && is_fast; k++)
                is_fast = json_is_string(json_array_get(v.d, k));
            n_items += json_array_size(v.d);
        } else {
            is_fast = v.t == MSOC_TYPE_STRING && !v.is_null;
            n_items++;
        }
    }
    if (!is_fast || n_items < 4)
        return by_row(q, row, args, n_args, n, out);
    msoc_hashmap set;
    msoc_hashmap_init(&set, q->arena, 0);
    size_t max_len = 0;
    char scratch[4096];
    bool is_ok = true;
    for (size_t i = 1; is_ok && i < n_args; i++) {
        xval v = msoc_exec__col_get(args[i], 0);
        if (v.t == MSOC_TYPE_DYNAMIC) {
            for (size_t k = 0; is_ok && k < json_array_size(v.d); k++) {
                json_t *j = json_array_get(v.d, k);
                msoc_str s = msoc_str_make(json_string_value(j), json_string_length(j));
                if (s.len > max_len)
                    max_len = s.len;
                is_ok = set_add(q, &set, s, is_ci, scratch, sizeof scratch);
            }
        } else {
            if (v.s.len > max_len)
                max_len = v.s.len;
            is_ok = set_add(q, &set, v.s, is_ci, scratch, sizeof scratch);
        }
    }
    if (!is_ok) {
        msoc_hashmap_fini(&set);
        if (q->err->code != MSOC_OK)
            return q->err->code;
        return by_row(q, row, args, n_args, n, out); /* a member longer than the scratch */
    }
    const msoc_exec_col *x = args[0];
    for (size_t r = 0; r < n; r++) {
        msoc_str s = x->v.s[r];
        bool is_member = s.len <= max_len && set_has(&set, s, is_ci, scratch, sizeof scratch);
        msoc_exec__col_set(q, out, r, xv_bool(is_member != is_neg));
    }
    msoc_hashmap_fini(&set);
    return q->err->code;
}

static msoc_status v_in(xq *q, const msoc_plan_expr *e, msoc_exec_col **a, size_t na, size_t n, msoc_exec_col *o)
{
    return in_set(q, e, a, na, n, o, false, false);
}
static msoc_status v_nin(xq *q, const msoc_plan_expr *e, msoc_exec_col **a, size_t na, size_t n, msoc_exec_col *o)
{
    return in_set(q, e, a, na, n, o, false, true);
}
static msoc_status v_in_ci(xq *q, const msoc_plan_expr *e, msoc_exec_col **a, size_t na, size_t n,
                           msoc_exec_col *o)
{
    return in_set(q, e, a, na, n, o, true, false);
}
static msoc_status v_nin_ci(xq *q, const msoc_plan_expr *e, msoc_exec_col **a, size_t na, size_t n,
                            msoc_exec_col *o)
{
    return in_set(q, e, a, na, n, o, true, true);
}

/* Registered after fn_ops.c, whose row functions stay for the general case. */
void msoc_exec__fn_register_inset(xfn_impl *t)
{
    static const msoc_plan_fn fns[] = {MSOC_PLAN_FN_IN, MSOC_PLAN_FN_NIN, MSOC_PLAN_FN_IN_CI, MSOC_PLAN_FN_NIN_CI};
    static const xvec_fn vecs[] = {v_in, v_nin, v_in_ci, v_nin_ci};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (t[fns[i]].row)
            t[fns[i]].vec = vecs[i];
}
