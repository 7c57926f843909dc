/* Math and numeric functions: bin/floor with KQL's rounding toward -inf, round,
 * the usual elementary functions, bitwise functions. */
#include <math.h>

#include "exec_int.h"

#ifndef M_PI
#    define M_PI 3.14159265358979323846
#endif

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

static double R(xq *q, xval v)
{
    return msoc_exec__convert(q, v, MSOC_TYPE_REAL).r;
}

ROW(f_abs)
{
    (void)n_args;
    xval v = a[0];
    if (xtype_is_real(v.t))
        *out = msoc_exec__convert(q, xv_real(fabs(v.r)), out->t);
    else if (xtype_is_int(v.t)) {
        xval o = xv_typed_i(out->t, v.i < 0 ? (int64_t)(0 - (uint64_t)v.i) : v.i);
        *out = o;
    } else
        *out = msoc_exec__convert(q, xv_real(fabs(R(q, v))), out->t);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return msoc_floor_div(a, b);
}

static void bin_impl(xq *q, xval v, xval size, xval at, bool has_at, xval *out)
{
    if (size.is_null || v.is_null) {
        *out = xv_null(out->t);
        return;
    }
    if (xtype_is_real(v.t) || xtype_is_real(size.t) || out->t == MSOC_TYPE_REAL) {
        double x = R(q, v), s = R(q, size), o = has_at ? R(q, at) : 0;
        if (s <= 0) {
            *out = xv_null(out->t);
            return;
        }
        *out = msoc_exec__convert(q, xv_real(floor((x - o) / s) * s + o), out->t);
        return;
    }
    int64_t x = v.i, s = size.i, o = has_at ? at.i : 0;
    if (s <= 0) {
        *out = xv_null(out->t);
        return;
    }
    int64_t diff, m, r;
    if (__builtin_sub_overflow(x, o, &diff) || __builtin_mul_overflow(floor_div(diff, s), s, &m) ||
        __builtin_add_overflow(m, o, &r)) {
        *out = xv_null(out->t);
        return;
    }
    *out = xv_typed_i(out->t, r);
}

ROW(f_bin)
{
    (void)n_args;
    bin_impl(q, a[0], a[1], a[0], false, out);
}

ROW(f_bin_at)
{
    (void)n_args;
    bin_impl(q, a[0], a[1], a[2], true, out);
}

ROW(f_round)
{
    double x = R(q, a[0]);
    int64_t prec = n_args > 1 ? msoc_exec__convert(q, a[1], MSOC_TYPE_LONG).i : 0;
    double m = pow(10.0, (double)prec);
    double r = round(x * m) / m;
    if (prec == 0)
        r = round(x);
    *out = msoc_exec__convert(q, xv_real(r), out->t);
}

ROW(f_ceiling)
{
    (void)n_args;
    if (xtype_is_int(a[0].t))
        *out = a[0];
    else
        *out = msoc_exec__convert(q, xv_real(ceil(R(q, a[0]))), out->t);
}

#define MATH1(name, expr)                          \
    ROW(name)                                      \
    {                                              \
        (void)n_args;                              \
        double x = R(q, a[0]);                     \
        *out = xv_real(expr);                      \
    }
MATH1(f_sqrt, sqrt(x))
MATH1(f_exp, exp(x))
MATH1(f_exp2, exp2(x))
MATH1(f_exp10, pow(10.0, x))
MATH1(f_log, log(x))
MATH1(f_log2, log2(x))
MATH1(f_log10, log10(x))
MATH1(f_degrees, x * 180.0 / M_PI)
MATH1(f_radians, x * M_PI / 180.0)
MATH1(f_sin, sin(x))
MATH1(f_cos, cos(x))
MATH1(f_tan, tan(x))
MATH1(f_atan, atan(x))

ROW(f_pow)
{
    (void)n_args;
    *out = xv_real(pow(R(q, a[0]), R(q, a[1])));
}

ROW(f_atan2)
{
    (void)n_args;
    *out = xv_real(atan2(R(q, a[0]), R(q, a[1])));
}

ROW(f_pi)
{
    (void)q, (void)a, (void)n_args;
    *out = xv_real(M_PI);
}

ROW(f_sign)
{
    (void)n_args;
    {
        double x = R(q, a[0]);
        *out = msoc_exec__convert(q, xv_real(x > 0 ? 1 : x < 0 ? -1 : 0), out->t);
    }
}

ROW(f_isnan) { (void)n_args; *out = xv_bool(isnan(R(q, a[0]))); }
ROW(f_isinf) { (void)n_args; *out = xv_bool(isinf(R(q, a[0]))); }
ROW(f_isfinite) { (void)n_args; *out = xv_bool(isfinite(R(q, a[0]))); }

static int64_t L(xq *q, xval v)
{
    return msoc_exec__convert(q, v, MSOC_TYPE_LONG).i;
}

ROW(f_band) { (void)n_args; *out = xv_long(L(q, a[0]) & L(q, a[1])); }
ROW(f_bor) { (void)n_args; *out = xv_long(L(q, a[0]) | L(q, a[1])); }
ROW(f_bxor) { (void)n_args; *out = xv_long(L(q, a[0]) ^ L(q, a[1])); }
ROW(f_bnot) { (void)n_args; *out = xv_long(~L(q, a[0])); }
ROW(f_bshl)
{
    (void)n_args;
    int64_t s = L(q, a[1]);
    *out = (s < 0 || s > 63) ? xv_null(MSOC_TYPE_LONG) : xv_long((int64_t)((uint64_t)L(q, a[0]) << s));
}
ROW(f_bshr)
{
    (void)n_args;
    int64_t s = L(q, a[1]);
    *out = (s < 0 || s > 63) ? xv_null(MSOC_TYPE_LONG) : xv_long(L(q, a[0]) >> s);
}

void msoc_exec__fn_register_math(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, true}
    REG(ABS, f_abs);
    REG(BIN, f_bin);
    REG(FLOOR, f_bin);
    REG(BIN_AT, f_bin_at);
    REG(ROUND, f_round);
    REG(CEILING, f_ceiling);
    REG(SQRT, f_sqrt);
    REG(POW, f_pow);
    REG(EXP, f_exp);
    REG(EXP2, f_exp2);
    REG(EXP10, f_exp10);
    REG(LOG, f_log);
    REG(LOG2, f_log2);
    REG(LOG10, f_log10);
    REG(SIGN, f_sign);
    REG(PI, f_pi);
    REG(DEGREES, f_degrees);
    REG(RADIANS, f_radians);
    REG(SIN, f_sin);
    REG(COS, f_cos);
    REG(TAN, f_tan);
    REG(ATAN, f_atan);
    REG(ATAN2, f_atan2);
    REG(ISNAN, f_isnan);
    REG(ISINF, f_isinf);
    REG(ISFINITE, f_isfinite);
    REG(BINARY_AND, f_band);
    REG(BINARY_OR, f_bor);
    REG(BINARY_XOR, f_bxor);
    REG(BINARY_NOT, f_bnot);
    REG(BINARY_SHIFT_LEFT, f_bshl);
    REG(BINARY_SHIFT_RIGHT, f_bshr);
#undef REG
}
