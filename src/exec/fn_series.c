/* series_*: element-wise math, comparisons, reductions and gap filling over
 * dynamic arrays of numbers (null elements stay null). */
#include <math.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

static json_t *arr_of(xval v)
{
    return (v.t == MSOC_TYPE_DYNAMIC && v.d && json_is_array(v.d)) ? v.d : NULL;
}

static bool num_at(json_t *arr, size_t i, double *out)
{
    json_t *e = json_array_get(arr, i);
    if (e == NULL || !(json_is_number(e) || json_is_boolean(e)))
        return false;
    *out = json_is_boolean(e) ? (double)json_is_true(e) : json_number_value(e);
    return true;
}

static json_t *num_json(double v)
{
    if (!isfinite(v))
        return json_null();
    if (v == floor(v) && fabs(v) < 9e15)
        return json_integer((json_int_t)v);
    return json_real(v);
}

static void unary(xq *q, xval v, double (*f)(double), xval *out)
{
    json_t *arr = arr_of(v);
    if (arr == NULL)
        return;
    json_t *r = msoc_exec__own(q, json_array());
    for (size_t i = 0; r && i < json_array_size(arr); i++) {
        double x;
        json_array_append_new(r, num_at(arr, i, &x) ? json_real(f(x)) : json_null());
        if (json_array_size(r) == i) /* json_real(NaN) refused */
            json_array_append_new(r, json_null());
    }
    *out = xv_dyn(r);
}

static double d_sign(double x) { return x > 0 ? 1 : x < 0 ? -1 : 0; }
static double d_exp10(double x) { return pow(10.0, x); }
ROW(f_series_abs) { (void)n_args; unary(q, a[0], fabs, out); }
ROW(f_series_acos) { (void)n_args; unary(q, a[0], acos, out); }
ROW(f_series_asin) { (void)n_args; unary(q, a[0], asin, out); }
ROW(f_series_atan) { (void)n_args; unary(q, a[0], atan, out); }
ROW(f_series_ceiling) { (void)n_args; unary(q, a[0], ceil, out); }
ROW(f_series_cos) { (void)n_args; unary(q, a[0], cos, out); }
ROW(f_series_exp) { (void)n_args; unary(q, a[0], exp, out); }
ROW(f_series_exp10) { (void)n_args; unary(q, a[0], d_exp10, out); }
ROW(f_series_exp2) { (void)n_args; unary(q, a[0], exp2, out); }
ROW(f_series_floor) { (void)n_args; unary(q, a[0], floor, out); }
ROW(f_series_log) { (void)n_args; unary(q, a[0], log, out); }
ROW(f_series_sign) { (void)n_args; unary(q, a[0], d_sign, out); }
ROW(f_series_sin) { (void)n_args; unary(q, a[0], sin, out); }
ROW(f_series_sqrt) { (void)n_args; unary(q, a[0], sqrt, out); }
ROW(f_series_tan) { (void)n_args; unary(q, a[0], tan, out); }

typedef enum { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_GT, OP_GE, OP_LT, OP_LE, OP_EQ, OP_NE } bop;

static void binary(xq *q, xval x, xval y, bop op, xval *out)
{
    json_t *ax = arr_of(x), *ay = arr_of(y);
    if (ax == NULL && ay == NULL)
        return;
    double sx = 0, sy = 0;
    bool has_sx = ax == NULL && !x.is_null, has_sy = ay == NULL && !y.is_null;
    if (has_sx)
        sx = msoc_exec__convert(q, x, MSOC_TYPE_REAL).r;
    if (has_sy)
        sy = msoc_exec__convert(q, y, MSOC_TYPE_REAL).r;
    size_t n = ax && ay ? (json_array_size(ax) > json_array_size(ay) ? json_array_size(ax) : json_array_size(ay))
                        : json_array_size(ax ? ax : ay);
    json_t *r = msoc_exec__own(q, json_array());
    for (size_t i = 0; r && i < n; i++) {
        double u, v;
        bool ok_u = ax ? num_at(ax, i, &u) : (u = sx, has_sx);
        bool ok_v = ay ? num_at(ay, i, &v) : (v = sy, has_sy);
        if (!ok_u || !ok_v) {
            json_array_append_new(r, json_null());
            continue;
        }
        switch (op) {
        case OP_ADD: json_array_append_new(r, num_json(u + v)); break;
        case OP_SUB: json_array_append_new(r, num_json(u - v)); break;
        case OP_MUL: json_array_append_new(r, num_json(u * v)); break;
        case OP_DIV: {
            json_t *j = json_real(u / v);
            json_array_append_new(r, j ? j : json_null());
            break;
        }
        case OP_POW: {
            json_t *j = json_real(pow(u, v));
            json_array_append_new(r, j ? j : json_null());
            break;
        }
        case OP_GT: json_array_append_new(r, json_boolean(u > v)); break;
        case OP_GE: json_array_append_new(r, json_boolean(u >= v)); break;
        case OP_LT: json_array_append_new(r, json_boolean(u < v)); break;
        case OP_LE: json_array_append_new(r, json_boolean(u <= v)); break;
        case OP_EQ: json_array_append_new(r, json_boolean(u == v)); break;
        case OP_NE: json_array_append_new(r, json_boolean(u != v)); break;
        }
    }
    *out = xv_dyn(r);
}
ROW(f_series_add) { (void)n_args; binary(q, a[0], a[1], OP_ADD, out); }
ROW(f_series_subtract) { (void)n_args; binary(q, a[0], a[1], OP_SUB, out); }
ROW(f_series_multiply) { (void)n_args; binary(q, a[0], a[1], OP_MUL, out); }
ROW(f_series_divide) { (void)n_args; binary(q, a[0], a[1], OP_DIV, out); }
ROW(f_series_pow) { (void)n_args; binary(q, a[0], a[1], OP_POW, out); }
ROW(f_series_greater) { (void)n_args; binary(q, a[0], a[1], OP_GT, out); }
ROW(f_series_greater_equals) { (void)n_args; binary(q, a[0], a[1], OP_GE, out); }
ROW(f_series_less) { (void)n_args; binary(q, a[0], a[1], OP_LT, out); }
ROW(f_series_less_equals) { (void)n_args; binary(q, a[0], a[1], OP_LE, out); }
ROW(f_series_equals) { (void)n_args; binary(q, a[0], a[1], OP_EQ, out); }
ROW(f_series_not_equals) { (void)n_args; binary(q, a[0], a[1], OP_NE, out); }

static void reduce(xval v, int kind, xval *out)
{
    json_t *arr = arr_of(v);
    if (arr == NULL)
        return;
    double acc = kind == 1 ? 1 : 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        double x;
        if (!num_at(arr, i, &x))
            continue;
        if (kind == 0)
            acc += x;
        else if (kind == 1)
            acc *= x;
        else
            acc += x * x;
    }
    *out = xv_real(kind == 2 ? sqrt(acc) : acc);
}

ROW(f_series_sum) { (void)q, (void)n_args; reduce(a[0], 0, out); }
ROW(f_series_product) { (void)q, (void)n_args; reduce(a[0], 1, out); }
ROW(f_series_magnitude) { (void)q, (void)n_args; reduce(a[0], 2, out); }

ROW(f_series_dot_product)
{
    (void)n_args;
    xval prod = xv_null(MSOC_TYPE_DYNAMIC);
    binary(q, a[0], a[1], OP_MUL, &prod);
    reduce(prod, 0, out);
}

static bool is_missing(json_t *e, xval missing)
{
    if (e == NULL || json_is_null(e))
        return true;
    if (missing.t == MSOC_TYPE_DYNAMIC || missing.is_null)
        return false;
    double m = xtype_is_real(missing.t) ? missing.r : (double)missing.i;
    return json_is_number(e) && json_number_value(e) == m;
}

static void fill(xq *q, const xval *a, size_t n_args, int mode, xval *out)
{
    json_t *arr = arr_of(a[0]);
    if (arr == NULL)
        return;
    size_t n = json_array_size(arr);
    xval missing = xv_null(MSOC_TYPE_DYNAMIC);
    if (mode == 2 && n_args > 2)
        missing = a[2];
    else if (mode != 2 && n_args > 1)
        missing = a[1];
    json_t *r = msoc_exec__own(q, json_array());
    if (r == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        json_array_append(r, json_array_get(arr, i));
    if (mode == 0) { /* forward */
        json_t *last = NULL;
        for (size_t i = 0; i < n; i++) {
            json_t *e = json_array_get(r, i);
            if (is_missing(e, missing)) {
                if (last)
                    json_array_set(r, i, last);
            } else {
                last = e;
            }
        }
    } else if (mode == 1) { /* backward */
        json_t *next = NULL;
        for (size_t i = n; i-- > 0;) {
            json_t *e = json_array_get(r, i);
            if (is_missing(e, missing)) {
                if (next)
                    json_array_set(r, i, next);
            } else {
                next = e;
            }
        }
    } else if (mode == 2) { /* constant */
        json_t *c = n_args > 1 ? msoc_exec__to_json(q, a[1]) : NULL;
        for (size_t i = 0; i < n; i++)
            if (is_missing(json_array_get(r, i), missing))
                json_array_set_new(r, i, c ? json_incref(c) : json_integer(0));
    } else { /* linear: series_fill_linear(x, missing, fill_edges = true, constant = 0) */
        bool is_fill_edges = true;
        if (n_args > 2 && !a[2].is_null)
            is_fill_edges = msoc_exec__convert(q, a[2], MSOC_TYPE_BOOL).i != 0;
        double constant = 0;
        if (n_args > 3 && !a[3].is_null)
            constant = msoc_exec__convert(q, a[3], MSOC_TYPE_REAL).r;
        /* integer input stays integer (interpolated values truncated) */
        bool is_int = true;
        long first = -1, last = -1;
        for (size_t i = 0; i < n; i++) {
            json_t *e = json_array_get(r, i);
            if (is_missing(e, missing))
                continue;
            if (!json_is_integer(e))
                is_int = false;
            if (first < 0)
                first = (long)i;
            last = (long)i;
        }
        if (first < 0) {
            for (size_t i = 0; i < n; i++)
                json_array_set_new(r, i, json_real(constant));
        } else {
            long prev = first;
            for (size_t i = (size_t)first + 1; i <= (size_t)last; i++) {
                json_t *e = json_array_get(r, i);
                if (is_missing(e, missing))
                    continue;
                double x0 = json_number_value(json_array_get(r, (size_t)prev)), x1 = json_number_value(e);
                for (size_t k = (size_t)prev + 1; k < i; k++) {
                    double v = x0 + (x1 - x0) * (double)(k - (size_t)prev) / (double)(i - (size_t)prev);
                    json_array_set_new(r, k, is_int ? json_integer((json_int_t)v) : json_real(v));
                }
                prev = (long)i;
            }
            if (is_fill_edges) {
                json_t *head = json_array_get(r, (size_t)first), *tail = json_array_get(r, (size_t)last);
                for (size_t i = 0; i < (size_t)first; i++)
                    json_array_set(r, i, head);
                for (size_t i = (size_t)last + 1; i < n; i++)
                    json_array_set(r, i, tail);
            }
        }
    }
    *out = xv_dyn(r);
}

ROW(f_series_fill_forward) { fill(q, a, n_args, 0, out); }
ROW(f_series_fill_backward) { fill(q, a, n_args, 1, out); }
ROW(f_series_fill_const) { fill(q, a, n_args, 2, out); }
ROW(f_series_fill_linear) { fill(q, a, n_args, 3, out); }

void msoc_exec__fn_register_series(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, false}
    REG(SERIES_ABS, f_series_abs);
    REG(SERIES_ACOS, f_series_acos);
    REG(SERIES_ASIN, f_series_asin);
    REG(SERIES_ATAN, f_series_atan);
    REG(SERIES_CEILING, f_series_ceiling);
    REG(SERIES_COS, f_series_cos);
    REG(SERIES_EXP, f_series_exp);
    REG(SERIES_EXP10, f_series_exp10);
    REG(SERIES_EXP2, f_series_exp2);
    REG(SERIES_FLOOR, f_series_floor);
    REG(SERIES_LOG, f_series_log);
    REG(SERIES_SIGN, f_series_sign);
    REG(SERIES_SIN, f_series_sin);
    REG(SERIES_SQRT, f_series_sqrt);
    REG(SERIES_TAN, f_series_tan);
    REG(SERIES_ADD, f_series_add);
    REG(SERIES_SUBTRACT, f_series_subtract);
    REG(SERIES_MULTIPLY, f_series_multiply);
    REG(SERIES_DIVIDE, f_series_divide);
    REG(SERIES_POW, f_series_pow);
    REG(SERIES_GREATER, f_series_greater);
    REG(SERIES_GREATER_EQUALS, f_series_greater_equals);
    REG(SERIES_LESS, f_series_less);
    REG(SERIES_LESS_EQUALS, f_series_less_equals);
    REG(SERIES_EQUALS, f_series_equals);
    REG(SERIES_NOT_EQUALS, f_series_not_equals);
    REG(SERIES_SUM, f_series_sum);
    REG(SERIES_PRODUCT, f_series_product);
    REG(SERIES_MAGNITUDE, f_series_magnitude);
    REG(SERIES_DOT_PRODUCT, f_series_dot_product);
    REG(SERIES_FILL_FORWARD, f_series_fill_forward);
    REG(SERIES_FILL_BACKWARD, f_series_fill_backward);
    REG(SERIES_FILL_CONST, f_series_fill_const);
    REG(SERIES_FILL_LINEAR, f_series_fill_linear);
#undef REG
}
