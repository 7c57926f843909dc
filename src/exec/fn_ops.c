/* Operators: arithmetic with KQL's promotion and time rules, comparisons, logic,
 * the string predicates (has, contains, startswith...), in, between, indexing. */
#include <math.h>
#include <string.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)
#define UNUSED_ARGS (void)q, (void)n_args

static bool is_alnum_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c >= 0x80 || c == '_';
}

/* Case-(in)sensitive search of needle in hay from offset; returns index or -1. */
static long find(msoc_str hay, msoc_str needle, size_t from, bool is_cs)
{
    if (needle.len == 0)
        return (long)from;
    if (hay.len < needle.len)
        return -1;
    size_t last = hay.len - needle.len;
    if (is_cs) {
        for (size_t i = from; i <= last; i++) {
            const char *p = memchr(hay.ptr + i, needle.ptr[0], last - i + 1);
            if (p == NULL)
                return -1;
            i = (size_t)(p - hay.ptr);
            if (memcmp(p, needle.ptr, needle.len) == 0)
                return (long)i;
        }
        return -1;
    }
    char f = msoc_ascii_lower(needle.ptr[0]);
    for (size_t i = from; i <= last; i++) {
        if (msoc_ascii_lower(hay.ptr[i]) != f)
            continue;
        size_t k = 1;
        while (k < needle.len && msoc_ascii_lower(hay.ptr[i + k]) == msoc_ascii_lower(needle.ptr[k]))
            k++;
        if (k == needle.len)
            return (long)i;
    }
    return -1;
}

bool msoc_exec__contains(msoc_str hay, msoc_str needle, bool is_cs)
{
    return find(hay, needle, 0, is_cs) >= 0;
}

/* mode: 0 whole term, 1 prefix of a term, 2 suffix of a term */
static bool has_mode(msoc_str hay, msoc_str term, bool is_cs, int mode)
{
    if (term.len == 0)
        return true;
    bool check_start = mode != 2 && is_alnum_byte((unsigned char)term.ptr[0]);
    bool check_end = mode != 1 && is_alnum_byte((unsigned char)term.ptr[term.len - 1]);
    if (mode == 2)
        check_end = is_alnum_byte((unsigned char)term.ptr[term.len - 1]);
    if (mode == 1)
        check_start = is_alnum_byte((unsigned char)term.ptr[0]);
    size_t from = 0;
    for (;;) {
        long i = find(hay, term, from, is_cs);
        if (i < 0)
            return false;
        size_t s = (size_t)i, e = s + term.len;
        bool ok_start = !check_start || s == 0 || !is_alnum_byte((unsigned char)hay.ptr[s - 1]);
        bool ok_end = !check_end || e == hay.len || !is_alnum_byte((unsigned char)hay.ptr[e]);
        if (mode == 1)
            ok_end = true;
        if (mode == 2)
            ok_start = true;
        if (ok_start && ok_end)
            return true;
        from = s + 1;
    }
}

bool msoc_exec__has_term(msoc_str hay, msoc_str term, bool is_cs)
{
    return has_mode(hay, term, is_cs, 0);
}

static msoc_str text_of(xq *q, xval v)
{
    if (v.is_null && !xtype_is_str(v.t))
        return MSOC_STR("");
    return msoc_exec__to_text(q, v);
}

/* ---- arithmetic ---- */

static xval scalarize(xval v)
{
    if (v.t == MSOC_TYPE_DYNAMIC && !v.is_null) {
        xval s = msoc_exec__from_json(v.d);
        if (s.t != MSOC_TYPE_DYNAMIC)
            return s;
    }
    return v;
}

static void arith(xq *q, msoc_plan_fn op, xval x, xval y, msoc_type rt, xval *out)
{
    x = scalarize(x);
    y = scalarize(y);
    if (rt == MSOC_TYPE_DYNAMIC) {
        msoc_type t2 = msoc_plan_promote(x.t, y.t);
        if (x.t == MSOC_TYPE_DYNAMIC || y.t == MSOC_TYPE_DYNAMIC || t2 == MSOC_TYPE_NULL) {
            *out = xv_null(MSOC_TYPE_DYNAMIC);
            return;
        }
        xval r;
        arith(q, op, x, y, t2, &r);
        *out = msoc_exec__convert(q, r, MSOC_TYPE_DYNAMIC);
        return;
    }
    if ((x.is_null && !xtype_is_str(x.t)) || (y.is_null && !xtype_is_str(y.t))) {
        *out = xv_null(rt);
        return;
    }
    xval o = {0};
    o.t = rt;
    if (rt == MSOC_TYPE_REAL || rt == MSOC_TYPE_DECIMAL) {
        if (x.t == MSOC_TYPE_TIMESPAN && y.t == MSOC_TYPE_TIMESPAN && op == MSOC_PLAN_FN_DIV) {
            o.r = (double)x.i / (double)y.i;
            *out = o;
            return;
        }
        double a = xtype_is_real(x.t) ? x.r : (double)x.i;
        double b = xtype_is_real(y.t) ? y.r : (double)y.i;
        switch (op) {
        case MSOC_PLAN_FN_ADD: o.r = a + b; break;
        case MSOC_PLAN_FN_SUB: o.r = a - b; break;
        case MSOC_PLAN_FN_MUL: o.r = a * b; break;
        case MSOC_PLAN_FN_DIV: o.r = a / b; break;
        default:
            o.r = fmod(a, b);
            if (o.r < 0)
                o.r += fabs(b);
            break;
        }
        *out = o;
        return;
    }
    if (rt == MSOC_TYPE_TIMESPAN && (xtype_is_real(x.t) || xtype_is_real(y.t))) {
        double a = xtype_is_real(x.t) ? x.r : (double)x.i;
        double b = xtype_is_real(y.t) ? y.r : (double)y.i;
        double r = op == MSOC_PLAN_FN_MUL ? a * b : op == MSOC_PLAN_FN_DIV ? a / b
                 : op == MSOC_PLAN_FN_ADD ? a + b : a - b;
        if (!isfinite(r)) {
            *out = xv_null(rt);
            return;
        }
        o.i = (int64_t)r;
        *out = o;
        return;
    }
    if (!xtype_is_int(x.t) || !xtype_is_int(y.t)) {
        *out = xv_null(rt);
        return;
    }
    uint64_t a = (uint64_t)x.i, b = (uint64_t)y.i;
    switch (op) {
    case MSOC_PLAN_FN_ADD: o.i = (int64_t)(a + b); break;
    case MSOC_PLAN_FN_SUB: o.i = (int64_t)(a - b); break;
    case MSOC_PLAN_FN_MUL: o.i = (int64_t)(a * b); break;
    case MSOC_PLAN_FN_DIV:
        if (y.i == 0 || (x.i == INT64_MIN && y.i == -1)) {
            *out = xv_null(rt);
            return;
        }
        o.i = x.i / y.i;
        break;
    default:
        if (y.i == 0 || y.i == -1) {
            if (y.i == 0) {
                *out = xv_null(rt);
                return;
            }
            o.i = 0;
            break;
        }
        o.i = x.i % y.i;
        if (o.i < 0)
            o.i += y.i < 0 ? -y.i : y.i;
        break;
    }
    if (rt == MSOC_TYPE_INT)
        o.i = (int32_t)(uint32_t)(uint64_t)o.i;
    *out = o;
}

ROW(f_add) { UNUSED_ARGS; arith(q, MSOC_PLAN_FN_ADD, a[0], a[1], out->t, out); }
ROW(f_sub) { UNUSED_ARGS; arith(q, MSOC_PLAN_FN_SUB, a[0], a[1], out->t, out); }
ROW(f_mul) { UNUSED_ARGS; arith(q, MSOC_PLAN_FN_MUL, a[0], a[1], out->t, out); }
ROW(f_div) { UNUSED_ARGS; arith(q, MSOC_PLAN_FN_DIV, a[0], a[1], out->t, out); }
ROW(f_mod) { UNUSED_ARGS; arith(q, MSOC_PLAN_FN_MOD, a[0], a[1], out->t, out); }

ROW(f_neg)
{
    UNUSED_ARGS;
    xval x = scalarize(a[0]);
    if (x.is_null) {
        *out = xv_null(out->t);
        return;
    }
    xval o = {0};
    o.t = out->t;
    if (xtype_is_real(x.t))
        o.r = -x.r;
    else
        o.i = (int64_t)(0 - (uint64_t)x.i);
    if (o.t != x.t)
        o = msoc_exec__convert(q, x.t == o.t ? o : (xtype_is_real(x.t) ? xv_real(o.r) : xv_long(o.i)), out->t);
    *out = o;
}

/* ---- comparison ---- */

static int compare_for_op(xq *q, xval x, xval y, bool *is_null)
{
    x = scalarize(x);
    y = scalarize(y);
    *is_null = false;
    bool xn = x.is_null && !xtype_is_str(x.t), yn = y.is_null && !xtype_is_str(y.t);
    if (xn || yn) {
        *is_null = true;
        return 0;
    }
    if (xtype_is_str(x.t) != xtype_is_str(y.t)) {
        /* compare a string with a non-string by text (datetime(...) == "..." style) */
        if (xtype_is_str(x.t) && y.t != MSOC_TYPE_DYNAMIC) {
            xval c = msoc_exec__convert(q, x, y.t);
            if (!c.is_null)
                return msoc_exec__cmp(c, y);
        } else if (xtype_is_str(y.t) && x.t != MSOC_TYPE_DYNAMIC) {
            xval c = msoc_exec__convert(q, y, x.t);
            if (!c.is_null)
                return msoc_exec__cmp(x, c);
        }
    }
    return msoc_exec__cmp(x, y);
}

#define CMP_ROW(name, expr)                                     \
    ROW(name)                                                   \
    {                                                           \
        UNUSED_ARGS;                                            \
        bool is_null;                                           \
        int c = compare_for_op(q, a[0], a[1], &is_null);        \
        if (is_null) {                                          \
            *out = xv_null(MSOC_TYPE_BOOL);                     \
            return;                                             \
        }                                                       \
        *out = xv_bool(expr);                                   \
    }
CMP_ROW(f_lt, c < 0)
CMP_ROW(f_le, c <= 0)
CMP_ROW(f_gt, c > 0)
CMP_ROW(f_ge, c >= 0)

static bool val_equal(xq *q, xval x, xval y, bool *is_null)
{
    if (x.t == MSOC_TYPE_DYNAMIC && y.t == MSOC_TYPE_DYNAMIC) {
        *is_null = x.is_null || y.is_null;
        return msoc_exec__json_eq(x.d, y.d);
    }
    return compare_for_op(q, x, y, is_null) == 0;
}

ROW(f_eq)
{
    UNUSED_ARGS;
    bool is_null;
    bool e = val_equal(q, a[0], a[1], &is_null);
    *out = is_null ? xv_null(MSOC_TYPE_BOOL) : xv_bool(e);
}

ROW(f_ne)
{
    UNUSED_ARGS;
    bool is_null;
    bool e = val_equal(q, a[0], a[1], &is_null);
    *out = is_null ? xv_null(MSOC_TYPE_BOOL) : xv_bool(!e);
}

static bool str_ieq(msoc_str x, msoc_str y)
{
    return msoc_str_ieq(x, y);
}

ROW(f_ieq) { UNUSED_ARGS; *out = xv_bool(str_ieq(text_of(q, a[0]), text_of(q, a[1]))); }
ROW(f_ine) { UNUSED_ARGS; *out = xv_bool(!str_ieq(text_of(q, a[0]), text_of(q, a[1]))); }

/* ---- logic (three-valued) ---- */

static int tri(xval v)
{
    v = scalarize(v);
    if (v.is_null)
        return -1;
    if (xtype_is_str(v.t))
        return msoc_str_ieq_c(v.s, "true") ? 1 : 0;
    if (xtype_is_real(v.t))
        return v.r != 0;
    return v.i != 0;
}

ROW(f_and)
{
    UNUSED_ARGS;
    int x = tri(a[0]), y = tri(a[1]);
    if (x == 0 || y == 0)
        *out = xv_bool(false);
    else if (x < 0 || y < 0)
        *out = xv_null(MSOC_TYPE_BOOL);
    else
        *out = xv_bool(true);
}

ROW(f_or)
{
    UNUSED_ARGS;
    int x = tri(a[0]), y = tri(a[1]);
    if (x == 1 || y == 1)
        *out = xv_bool(true);
    else if (x < 0 || y < 0)
        *out = xv_null(MSOC_TYPE_BOOL);
    else
        *out = xv_bool(false);
}

ROW(f_not)
{
    UNUSED_ARGS;
    int x = tri(a[0]);
    *out = x < 0 ? xv_null(MSOC_TYPE_BOOL) : xv_bool(!x);
}

/* ---- string predicates ---- */

static bool starts(msoc_str h, msoc_str n, bool is_cs)
{
    if (n.len > h.len)
        return false;
    return is_cs ? memcmp(h.ptr, n.ptr, n.len) == 0
                 : msoc_str_ieq(msoc_str_make(h.ptr, n.len), n);
}

static bool ends(msoc_str h, msoc_str n, bool is_cs)
{
    if (n.len > h.len)
        return false;
    msoc_str t = msoc_str_make(h.ptr + h.len - n.len, n.len);
    return is_cs ? memcmp(t.ptr, n.ptr, n.len) == 0 : msoc_str_ieq(t, n);
}

#define STRPRED(name, expr, neg)                         \
    ROW(name)                                            \
    {                                                    \
        UNUSED_ARGS;                                     \
        msoc_str h = text_of(q, a[0]);                   \
        msoc_str n = text_of(q, a[1]);                   \
        bool r = (expr);                                 \
        *out = xv_bool(neg ? !r : r);                    \
    }
STRPRED(f_has, has_mode(h, n, false, 0), false)
STRPRED(f_nhas, has_mode(h, n, false, 0), true)
STRPRED(f_has_cs, has_mode(h, n, true, 0), false)
STRPRED(f_nhas_cs, has_mode(h, n, true, 0), true)
STRPRED(f_hasprefix, has_mode(h, n, false, 1), false)
STRPRED(f_nhasprefix, has_mode(h, n, false, 1), true)
STRPRED(f_hasprefix_cs, has_mode(h, n, true, 1), false)
STRPRED(f_hassuffix, has_mode(h, n, false, 2), false)
STRPRED(f_nhassuffix, has_mode(h, n, false, 2), true)
STRPRED(f_hassuffix_cs, has_mode(h, n, true, 2), false)
STRPRED(f_contains, find(h, n, 0, false) >= 0, false)
STRPRED(f_ncontains, find(h, n, 0, false) >= 0, true)
STRPRED(f_contains_cs, find(h, n, 0, true) >= 0, false)
STRPRED(f_ncontains_cs, find(h, n, 0, true) >= 0, true)
STRPRED(f_startswith, starts(h, n, false), false)
STRPRED(f_nstartswith, starts(h, n, false), true)
STRPRED(f_startswith_cs, starts(h, n, true), false)
STRPRED(f_nstartswith_cs, starts(h, n, true), true)
STRPRED(f_endswith, ends(h, n, false), false)
STRPRED(f_nendswith, ends(h, n, false), true)
STRPRED(f_endswith_cs, ends(h, n, true), false)
STRPRED(f_nendswith_cs, ends(h, n, true), true)

ROW(f_matches)
{
    UNUSED_ARGS;
    xregex *re = msoc_exec__regex(q, text_of(q, a[1]));
    if (re == NULL) {
        *out = xv_null(MSOC_TYPE_BOOL);
        return;
    }
    long g[2];
    *out = xv_bool(msoc_exec__regex_match(re, text_of(q, a[0]), 0, g, 1) > 0);
}

/* ---- in, has_any, between ---- */

typedef bool (*elem_pred)(xq *q, xval x, xval e);

static bool pred_eq(xq *q, xval x, xval e)
{
    bool is_null;
    bool r = val_equal(q, x, e, &is_null);
    return !is_null && r;
}
static bool pred_ieq(xq *q, xval x, xval e) { return str_ieq(text_of(q, x), text_of(q, e)); }
static bool pred_has(xq *q, xval x, xval e)
{
    return has_mode(text_of(q, x), text_of(q, e), false, 0);
}

static bool any_elem(xq *q, const xval *a, size_t n_args, elem_pred pred, bool want_all)
{
    for (size_t i = 1; i < n_args; i++) {
        xval e = a[i];
        if (e.t == MSOC_TYPE_DYNAMIC && e.d && json_is_array(e.d)) {
            for (size_t k = 0; k < json_array_size(e.d); k++) {
                bool m = pred(q, a[0], msoc_exec__from_json(json_array_get(e.d, k)));
                if (m && !want_all)
                    return true;
                if (!m && want_all)
                    return false;
            }
            continue;
        }
        bool m = pred(q, a[0], e);
        if (m && !want_all)
            return true;
        if (!m && want_all)
            return false;
    }
    return want_all;
}

ROW(f_in) { *out = xv_bool(any_elem(q, a, n_args, pred_eq, false)); }
ROW(f_nin) { *out = xv_bool(!any_elem(q, a, n_args, pred_eq, false)); }
ROW(f_in_ci) { *out = xv_bool(any_elem(q, a, n_args, pred_ieq, false)); }
ROW(f_nin_ci) { *out = xv_bool(!any_elem(q, a, n_args, pred_ieq, false)); }
ROW(f_has_any) { *out = xv_bool(any_elem(q, a, n_args, pred_has, false)); }
ROW(f_has_all) { *out = xv_bool(any_elem(q, a, n_args, pred_has, true)); }

ROW(f_between)
{
    UNUSED_ARGS;
    bool n1, n2;
    int c1 = compare_for_op(q, a[0], a[1], &n1);
    int c2 = compare_for_op(q, a[0], a[2], &n2);
    if (n1 || n2)
        *out = xv_null(MSOC_TYPE_BOOL);
    else
        *out = xv_bool(c1 >= 0 && c2 <= 0);
}

ROW(f_nbetween)
{
    f_between(q, a, n_args, out);
    if (!out->is_null)
        out->i = !out->i;
}

/* d[i], d["key"], d.key */
ROW(f_index)
{
    UNUSED_ARGS;
    xval base = a[0];
    json_t *d = base.t == MSOC_TYPE_DYNAMIC ? base.d : NULL;
    if (d == NULL && xtype_is_str(base.t))
        d = msoc_exec__parse_json(q, base.s);
    if (d == NULL) {
        *out = xv_null(MSOC_TYPE_DYNAMIC);
        return;
    }
    xval k = scalarize(a[1]);
    json_t *r = NULL;
    if (json_is_array(d) && xtype_is_int(k.t) && !k.is_null) {
        int64_t i = k.i;
        int64_t len = (int64_t)json_array_size(d);
        if (i < 0)
            i += len;
        if (i >= 0 && i < len)
            r = json_array_get(d, (size_t)i);
    } else if (json_is_object(d) && xtype_is_str(k.t)) {
        char *key = msoc_arena_strndup(q->arena, k.s.ptr ? k.s.ptr : "", k.s.len);
        if (key)
            r = json_object_get(d, key);
    }
    *out = xv_dyn(r);
}

void msoc_exec__fn_register_ops(xfn_impl *t)
{
#define R(id, fn, np) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, np}
    R(ADD, f_add, true);
    R(SUB, f_sub, true);
    R(MUL, f_mul, true);
    R(DIV, f_div, true);
    R(MOD, f_mod, true);
    R(NEG, f_neg, true);
    R(EQ, f_eq, false);
    R(NE, f_ne, false);
    R(LT, f_lt, false);
    R(LE, f_le, false);
    R(GT, f_gt, false);
    R(GE, f_ge, false);
    R(AND, f_and, false);
    R(OR, f_or, false);
    R(NOT, f_not, false);
    R(IEQ, f_ieq, false);
    R(INE, f_ine, false);
    R(HAS, f_has, false);
    R(NHAS, f_nhas, false);
    R(HAS_CS, f_has_cs, false);
    R(NHAS_CS, f_nhas_cs, false);
    R(HASPREFIX, f_hasprefix, false);
    R(NHASPREFIX, f_nhasprefix, false);
    R(HASPREFIX_CS, f_hasprefix_cs, false);
    R(HASSUFFIX, f_hassuffix, false);
    R(NHASSUFFIX, f_nhassuffix, false);
    R(HASSUFFIX_CS, f_hassuffix_cs, false);
    R(CONTAINS, f_contains, false);
    R(NCONTAINS, f_ncontains, false);
    R(CONTAINS_CS, f_contains_cs, false);
    R(NCONTAINS_CS, f_ncontains_cs, false);
    R(STARTSWITH, f_startswith, false);
    R(NSTARTSWITH, f_nstartswith, false);
    R(STARTSWITH_CS, f_startswith_cs, false);
    R(NSTARTSWITH_CS, f_nstartswith_cs, false);
    R(ENDSWITH, f_endswith, false);
    R(NENDSWITH, f_nendswith, false);
    R(ENDSWITH_CS, f_endswith_cs, false);
    R(NENDSWITH_CS, f_nendswith_cs, false);
    R(MATCHES_REGEX, f_matches, false);
    R(IN, f_in, false);
    R(NIN, f_nin, false);
    R(IN_CI, f_in_ci, false);
    R(NIN_CI, f_nin_ci, false);
    R(HAS_ANY, f_has_any, false);
    R(HAS_ALL, f_has_all, false);
    R(BETWEEN, f_between, false);
    R(NBETWEEN, f_nbetween, false);
    R(INDEX, f_index, true);
    R(MEMBER, f_index, true);
#undef R
}
