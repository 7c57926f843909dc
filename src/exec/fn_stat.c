/* Special functions and statistics: cot, erf, erfc, gamma, loggamma, the beta
 * distribution (pdf, cdf, inverse), Welch's t-test, the Jaccard index. The
 * incomplete beta uses the continued fraction of Numerical Recipes (Lentz), which
 * is also what decides Kusto's answers at the edges (alpha < 0 gives cdf 1). */
#include <math.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

static double R(xq *q, xval v)
{
    return msoc_exec__convert(q, v, MSOC_TYPE_REAL).r;
}

/* ln|Gamma(x)| (Lanczos, g = 7, 9 terms; reflection below 0.5). Our own because
 * lgamma() writes the global signgam, a data race between query threads. */
static double log_gamma(double x)
{
    static const double c[9] = {0.99999999999980993,  676.5203681218851,     -1259.1392167224028,
                                771.32342877765313,   -176.61502916214059,   12.507343278686905,
                                -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
    if (isnan(x))
        return x;
    if (x <= 0 && floor(x) == x)
        return INFINITY;
    if (x < 0.5) {
        const double pi = 3.14159265358979323846;
        return log(pi / fabs(sin(pi * x))) - log_gamma(1 - x);
    }
    x -= 1;
    double s = c[0];
    double t = x + 7.5;
    for (int i = 1; i < 9; i++)
        s += c[i] / (x + i);
    return 0.91893853320467274178 + (x + 0.5) * log(t) - t + log(s);
}

ROW(f_cot)
{
    (void)n_args;
    *out = xv_real(1.0 / tan(R(q, a[0])));
}

ROW(f_erf)
{
    (void)n_args;
    *out = xv_real(erf(R(q, a[0])));
}

ROW(f_erfc)
{
    (void)n_args;
    *out = xv_real(erfc(R(q, a[0])));
}

ROW(f_gamma)
{
    (void)n_args;
    *out = xv_real(tgamma(R(q, a[0])));
}

ROW(f_loggamma)
{
    (void)n_args;
    *out = xv_real(log_gamma(R(q, a[0])));
}

/* Continued fraction for the incomplete beta function (modified Lentz). */
static double beta_cf(double a, double b, double x)
{
    const double tiny = 1e-300, eps = 1e-16;
    double qab = a + b, qap = a + 1, qam = a - 1;
    double c = 1, d = 1 - qab * x / qap;
    if (fabs(d) < tiny)
        d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 1000; m++) {
        int m2 = 2 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1 + aa * d;
        if (fabs(d) < tiny)
            d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny)
            c = tiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < eps)
            break;
    }
    return h;
}

/* The regularized incomplete beta I_x(a, b). */
static double beta_inc(double a, double b, double x)
{
    if (x < 0 || x > 1)
        return NAN;
    if (x == 0 || x == 1)
        return x;
    double bt = exp(log_gamma(a + b) - log_gamma(a) - log_gamma(b) + a * log(x) + b * log(1 - x));
    if (x < (a + 1) / (a + b + 2))
        return bt * beta_cf(a, b, x) / a;
    return 1 - bt * beta_cf(b, a, 1 - x) / b;
}

ROW(f_beta_cdf)
{
    (void)n_args;
    *out = xv_real(beta_inc(R(q, a[1]), R(q, a[2]), R(q, a[0])));
}

ROW(f_beta_pdf)
{
    (void)n_args;
    double x = R(q, a[0]), al = R(q, a[1]), be = R(q, a[2]);
    if (!(x >= 0 && x <= 1) || !(al > 0) || !(be > 0)) {
        *out = xv_real(NAN);
        return;
    }
    double lp = log_gamma(al + be) - log_gamma(al) - log_gamma(be) + (al - 1) * log(x) +
                (be - 1) * log1p(-x);
    *out = xv_real(exp(lp));
}

ROW(f_beta_inv)
{
    (void)n_args;
    double p = R(q, a[0]), al = R(q, a[1]), be = R(q, a[2]);
    if (!(p >= 0 && p <= 1))
        return; /* null, as Kusto answers */
    if (!(al > 0) || !(be > 0)) {
        *out = xv_real(NAN);
        return;
    }
    double lo = 0, hi = 1;
    for (int i = 0; i < 200 && hi - lo > 1e-17; i++) {
        double mid = (lo + hi) / 2;
        if (beta_inc(al, be, mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    *out = xv_real((lo + hi) / 2);
}

/* Two-sided p-value of Welch's t-test from the two samples' mean, variance and count. */
ROW(f_welch_test)
{
    (void)n_args;
    double m1 = R(q, a[0]), v1 = R(q, a[1]), c1 = R(q, a[2]);
    double m2 = R(q, a[3]), v2 = R(q, a[4]), c2 = R(q, a[5]);
    double s1 = v1 / c1, s2 = v2 / c2;
    double t = (m1 - m2) / sqrt(s1 + s2);
    double df = (s1 + s2) * (s1 + s2) / (s1 * s1 / (c1 - 1) + s2 * s2 / (c2 - 1));
    if (!isfinite(t) || !isfinite(df) || df <= 0) {
        *out = xv_real(NAN);
        return;
    }
    *out = xv_real(beta_inc(df / 2, 0.5, df / (df + t * t)));
}

static bool json_in(const json_t *arr, size_t n, const json_t *v)
{
    for (size_t i = 0; i < n; i++)
        if (msoc_exec__json_eq(json_array_get(arr, i), v))
            return true;
    return false;
}

/* |A n B| / |A u B| over the distinct elements of two arrays. */
ROW(f_jaccard_index)
{
    (void)q;
    (void)n_args;
    if (a[0].t != MSOC_TYPE_DYNAMIC || a[1].t != MSOC_TYPE_DYNAMIC || !json_is_array(a[0].d) ||
        !json_is_array(a[1].d))
        return;
    const json_t *x = a[0].d, *y = a[1].d;
    size_t nx = json_array_size(x), ny = json_array_size(y);
    size_t n_union = 0, n_inter = 0;
    for (size_t i = 0; i < nx; i++) {
        const json_t *v = json_array_get(x, i);
        if (json_in(x, i, v))
            continue;
        n_union++;
        if (json_in(y, ny, v))
            n_inter++;
    }
    for (size_t i = 0; i < ny; i++) {
        const json_t *v = json_array_get(y, i);
        if (!json_in(y, i, v) && !json_in(x, nx, v))
            n_union++;
    }
    *out = xv_real(n_union == 0 ? NAN : (double)n_inter / (double)n_union);
}

void msoc_exec__fn_register_stat(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, true}
    REG(COT, f_cot);
    REG(ERF, f_erf);
    REG(ERFC, f_erfc);
    REG(GAMMA, f_gamma);
    REG(LOGGAMMA, f_loggamma);
    REG(BETA_CDF, f_beta_cdf);
    REG(BETA_PDF, f_beta_pdf);
    REG(BETA_INV, f_beta_inv);
    REG(WELCH_TEST, f_welch_test);
    REG(JACCARD_INDEX, f_jaccard_index);
#undef REG
}
