/* Series statistics, line fits and outlier scores: series_stats, series_fit_line,
 * series_fit_2lines (and their _dynamic bag forms), series_fit_poly, series_outliers,
 * series_fir, series_pearson_correlation, series_cosine_similarity.
 *
 * series_stats, series_fit_line and series_fit_2lines are R_COLUMNS functions:
 * they return a dynamic array of their results in the order msoc_plan_fn_columns
 * lists, which the plan spreads into columns. Conventions, as Kusto documents and
 * its examples show: x runs 1..n; variances divide by n - 1; rsquare is
 * 1 - SSres/SStot. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"
#include "fn_series_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

json_t *msoc_exec__series_arr(xval v)
{
    return (v.t == MSOC_TYPE_DYNAMIC && v.d && json_is_array(v.d)) ? v.d : NULL;
}

double *msoc_exec__series_values(xq *q, json_t *arr, size_t *n_out)
{
    size_t n = json_array_size(arr);
    double *v = msoc_exec__calloc(q, n + 1, sizeof *v);
    if (v == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(arr, i);
        if (json_is_number(e))
            v[i] = json_number_value(e);
        else if (json_is_boolean(e))
            v[i] = json_is_true(e);
        else
            v[i] = NAN;
    }
    *n_out = n;
    return v;
}

json_t *msoc_exec__series_json(xq *q, const double *v, size_t n)
{
    json_t *r = msoc_exec__own(q, json_array());
    for (size_t i = 0; r && i < n; i++)
        json_array_append_new(r, isfinite(v[i]) ? json_real(v[i]) : json_null());
    return r;
}

static json_t *real_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* ---- series_stats ---- */

typedef struct stats {
    double min, max, avg, stdev, variance;
    size_t min_idx, max_idx, n;
} stats;

/* false when the statistics are null: no finite value, or a non-finite one and
 * !ignore_nonfinite */
static bool series_stats(const double *v, size_t n, bool ignore_nonfinite, stats *s)
{
    memset(s, 0, sizeof *s);
    double mean = 0, m2 = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i])) {
            if (!ignore_nonfinite)
                return false;
            continue;
        }
        if (s->n == 0 || v[i] < s->min) {
            s->min = v[i];
            s->min_idx = i;
        }
        if (s->n == 0 || v[i] > s->max) {
            s->max = v[i];
            s->max_idx = i;
        }
        s->n++;
        double d = v[i] - mean;
        mean += d / (double)s->n;
        m2 += d * (v[i] - mean);
    }
    if (s->n == 0)
        return false;
    s->avg = mean;
    s->variance = s->n > 1 ? m2 / (double)(s->n - 1) : 0;
    s->stdev = sqrt(s->variance);
    return true;
}

ROW(f_series_stats)
{
    json_t *arr = msoc_exec__series_arr(a[0]);
    if (arr == NULL)
        return;
    bool ignore = n_args > 1 && !a[1].is_null && msoc_exec__convert(q, a[1], MSOC_TYPE_BOOL).i != 0;
    size_t n;
    double *v = msoc_exec__series_values(q, arr, &n);
    json_t *r = msoc_exec__own(q, json_array());
    if (v == NULL || r == NULL)
        return;
    stats s;
    bool ok = series_stats(v, n, ignore, &s);
    json_array_append_new(r, ok ? json_real(s.min) : json_null());
    json_array_append_new(r, ok ? json_integer((json_int_t)s.min_idx) : json_null());
    json_array_append_new(r, ok ? json_real(s.max) : json_null());
    json_array_append_new(r, ok ? json_integer((json_int_t)s.max_idx) : json_null());
    json_array_append_new(r, ok ? json_real(s.avg) : json_null());
    json_array_append_new(r, ok ? json_real(s.stdev) : json_null());
    json_array_append_new(r, ok ? json_real(s.variance) : json_null());
    *out = xv_dyn(r);
}

/* ---- line fits ---- */

/* Least squares over points i in [lo, hi) at x = i + 1; missing values are skipped. */
void msoc_exec__series_fit(const double *v, size_t lo, size_t hi, msoc_series_line *f)
{
    double sx = 0, sy = 0;
    size_t k = 0;
    for (size_t i = lo; i < hi; i++)
        if (isfinite(v[i])) {
            sx += (double)(i + 1);
            sy += v[i];
            k++;
        }
    memset(f, 0, sizeof *f);
    f->n = k;
    if (k == 0)
        return;
    double mx = sx / (double)k, my = sy / (double)k, sxx = 0, sxy = 0, syy = 0;
    for (size_t i = lo; i < hi; i++)
        if (isfinite(v[i])) {
            double dx = (double)(i + 1) - mx, dy = v[i] - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
    f->slope = sxx > 0 ? sxy / sxx : 0;
    f->interception = my - f->slope * mx;
    double ssr = 0;
    for (size_t i = lo; i < hi; i++)
        if (isfinite(v[i])) {
            double r = v[i] - (f->interception + f->slope * (double)(i + 1));
            ssr += r * r;
        }
    f->ssr = ssr;
    f->sst = syy;
    f->variance = k > 1 ? syy / (double)(k - 1) : 0;
    f->rvariance = k > 1 ? ssr / (double)(k - 1) : 0;
    f->rsquare = syy > 0 ? 1 - ssr / syy : 1;
}

static json_t *line_json(xq *q, const msoc_series_line *f, size_t lo, size_t hi, json_t *into)
{
    json_t *r = into ? into : msoc_exec__own(q, json_array());
    for (size_t i = lo; r && i < hi; i++)
        json_array_append_new(r, json_real(f->interception + f->slope * (double)(i + 1)));
    return r;
}

static bool fit_line(xq *q, xval x, msoc_series_line *f, json_t **line)
{
    json_t *arr = msoc_exec__series_arr(x);
    size_t n;
    double *v = arr ? msoc_exec__series_values(q, arr, &n) : NULL;
    if (v == NULL)
        return false;
    msoc_exec__series_fit(v, 0, n, f);
    *line = line_json(q, f, 0, n, NULL);
    return *line != NULL && f->n > 0;
}

ROW(f_series_fit_line)
{
    (void)n_args;
    msoc_series_line f;
    json_t *line;
    if (!fit_line(q, a[0], &f, &line))
        return;
    json_t *r = msoc_exec__own(q, json_array());
    if (r == NULL)
        return;
    json_array_append_new(r, real_or_null(f.rsquare));
    json_array_append_new(r, real_or_null(f.slope));
    json_array_append_new(r, real_or_null(f.variance));
    json_array_append_new(r, real_or_null(f.rvariance));
    json_array_append_new(r, real_or_null(f.interception));
    json_array_append(r, line);
    *out = xv_dyn(r);
}

ROW(f_series_fit_line_dynamic)
{
    (void)n_args;
    msoc_series_line f;
    json_t *line;
    if (!fit_line(q, a[0], &f, &line))
        return;
    json_t *o = msoc_exec__own(q, json_object());
    if (o == NULL)
        return;
    json_object_set_new(o, "rsquare", real_or_null(f.rsquare));
    json_object_set_new(o, "slope", real_or_null(f.slope));
    json_object_set_new(o, "variance", real_or_null(f.variance));
    json_object_set_new(o, "rvariance", real_or_null(f.rvariance));
    json_object_set_new(o, "interception", real_or_null(f.interception));
    json_object_set(o, "line_fit", line);
    *out = xv_dyn(o);
}

/* Two segments: every split s (left [0, s), right [s, n), two points at least on
 * each side) is fitted; the one with the least total residual (largest rsquare)
 * wins. */
typedef struct fit2 {
    size_t split;
    double rsquare, variance, rvariance;
    msoc_series_line left, right;
    json_t *line;
} fit2;

static bool fit_2lines(xq *q, xval x, fit2 *o)
{
    json_t *arr = msoc_exec__series_arr(x);
    size_t n;
    double *v = arr ? msoc_exec__series_values(q, arr, &n) : NULL;
    if (v == NULL || n < 4)
        return false;
    msoc_series_line all;
    msoc_exec__series_fit(v, 0, n, &all);
    if (all.n < 4)
        return false;
    double best = INFINITY;
    for (size_t s = 2; s + 2 <= n; s++) {
        msoc_series_line l, r;
        msoc_exec__series_fit(v, 0, s, &l);
        msoc_exec__series_fit(v, s, n, &r);
        if (l.n < 2 || r.n < 2 || !(l.ssr + r.ssr < best))
            continue;
        best = l.ssr + r.ssr;
        o->split = s;
        o->left = l;
        o->right = r;
    }
    if (!isfinite(best))
        return false;
    o->variance = all.variance;
    o->rvariance = all.n > 1 ? best / (double)(all.n - 1) : 0;
    o->rsquare = all.sst > 0 ? 1 - best / all.sst : 1;
    o->line = line_json(q, &o->left, 0, o->split, NULL);
    return o->line && line_json(q, &o->right, o->split, n, o->line);
}

ROW(f_series_fit_2lines)
{
    (void)n_args;
    fit2 f;
    if (!fit_2lines(q, a[0], &f))
        return;
    json_t *r = msoc_exec__own(q, json_array());
    if (r == NULL)
        return;
    json_array_append_new(r, real_or_null(f.rsquare));
    json_array_append_new(r, json_integer((json_int_t)f.split));
    json_array_append_new(r, real_or_null(f.variance));
    json_array_append_new(r, real_or_null(f.rvariance));
    json_array_append(r, f.line);
    const msoc_series_line *side[2] = {&f.right, &f.left};
    for (int k = 0; k < 2; k++) {
        json_array_append_new(r, real_or_null(side[k]->rsquare));
        json_array_append_new(r, real_or_null(side[k]->slope));
        json_array_append_new(r, real_or_null(side[k]->interception));
        json_array_append_new(r, real_or_null(side[k]->variance));
        json_array_append_new(r, real_or_null(side[k]->rvariance));
    }
    *out = xv_dyn(r);
}

ROW(f_series_fit_2lines_dynamic)
{
    (void)n_args;
    fit2 f;
    if (!fit_2lines(q, a[0], &f))
        return;
    json_t *o = msoc_exec__own(q, json_object());
    if (o == NULL)
        return;
    json_object_set_new(o, "rsquare", real_or_null(f.rsquare));
    json_object_set_new(o, "split_idx", json_integer((json_int_t)f.split));
    json_object_set_new(o, "variance", real_or_null(f.variance));
    json_object_set_new(o, "rvariance", real_or_null(f.rvariance));
    json_object_set(o, "line_fit", f.line);
    const msoc_series_line *side[2] = {&f.right, &f.left};
    const char *names[2] = {"right", "left"};
    for (int k = 0; k < 2; k++) {
        json_t *b = json_object();
        json_object_set_new(b, "rsquare", real_or_null(side[k]->rsquare));
        json_object_set_new(b, "slope", real_or_null(side[k]->slope));
        json_object_set_new(b, "interception", real_or_null(side[k]->interception));
        json_object_set_new(b, "variance", real_or_null(side[k]->variance));
        json_object_set_new(b, "rvariance", real_or_null(side[k]->rvariance));
        json_object_set_new(o, names[k], b);
    }
    *out = xv_dyn(o);
}

/* ---- outliers ---- */

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Percentile p (0-100) of sorted s[0..n) with linear interpolation between ranks. */
double msoc_exec__series_percentile(const double *s, size_t n, double p)
{
    if (n == 0)
        return NAN;
    double pos = p / 100.0 * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    if (lo + 1 >= n)
        return s[n - 1];
    double frac = pos - (double)lo;
    return s[lo] + (s[lo + 1] - s[lo]) * frac;
}

/* Tukey scores of v[0..n) into score: (x - Q_hi) / IQR above the upper quantile,
 * (x - Q_lo) / IQR below the lower one, else 0; missing values score 0. A score
 * beyond +-1.5 is Tukey's fence. */
bool msoc_exec__series_outliers(xq *q, const double *v, size_t n, double p_lo, double p_hi, double *score)
{
    double *s = msoc_exec__calloc(q, n + 1, sizeof *s);
    if (s == NULL)
        return false;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i]))
            s[k++] = v[i];
    qsort(s, k, sizeof *s, cmp_double);
    double qlo = msoc_exec__series_percentile(s, k, p_lo), qhi = msoc_exec__series_percentile(s, k, p_hi);
    double iqr = qhi - qlo;
    for (size_t i = 0; i < n; i++) {
        score[i] = 0;
        if (!isfinite(v[i]) || k == 0)
            continue;
        double d = v[i] > qhi ? v[i] - qhi : v[i] < qlo ? v[i] - qlo : 0;
        if (d != 0)
            score[i] = iqr > 0 ? d / iqr : (d > 0 ? INFINITY : -INFINITY);
    }
    return true;
}

static double num_arg(xq *q, const xval *a, size_t n_args, size_t i, double dflt)
{
    if (i >= n_args || a[i].is_null)
        return dflt;
    return msoc_exec__convert(q, a[i], MSOC_TYPE_REAL).r;
}

/* series_outliers(series[, kind][, ignore_val][, min_percentile][, max_percentile]) */
ROW(f_series_outliers)
{
    json_t *arr = msoc_exec__series_arr(a[0]);
    if (arr == NULL)
        return;
    bool is_tukey = false;
    if (n_args > 1 && !a[1].is_null) {
        xval k = msoc_exec__convert(q, a[1], MSOC_TYPE_STRING);
        if (msoc_str_eq_c(k.s, "tukey"))
            is_tukey = true;
        else if (!msoc_str_eq_c(k.s, "ctukey")) {
            msoc_fail(q->err, MSOC_INVALID, "series_outliers(): kind must be 'tukey' or 'ctukey'");
            return;
        }
    }
    double lo = is_tukey ? 25 : num_arg(q, a, n_args, 3, 10);
    double hi = is_tukey ? 75 : num_arg(q, a, n_args, 4, 90);
    if (!(lo >= 2 && hi <= 98 && lo < hi)) {
        msoc_fail(q->err, MSOC_INVALID, "series_outliers(): percentiles must satisfy 2 <= min < max <= 98");
        return;
    }
    size_t n;
    double *v = msoc_exec__series_values(q, arr, &n);
    double *score = msoc_exec__calloc(q, n + 1, sizeof *score);
    if (v == NULL || score == NULL)
        return;
    if (n_args > 2 && !a[2].is_null) {
        double ign = msoc_exec__convert(q, a[2], MSOC_TYPE_REAL).r;
        for (size_t i = 0; i < n; i++)
            if (v[i] == ign)
                v[i] = NAN;
    }
    if (!msoc_exec__series_outliers(q, v, n, lo, hi, score))
        return;
    json_t *r = msoc_exec__own(q, json_array());
    for (size_t i = 0; r && i < n; i++)
        json_array_append_new(r, isfinite(score[i]) ? json_real(score[i]) : json_null());
    *out = r ? xv_dyn(r) : *out;
}

/* ---- polynomial fit, FIR filter, similarity ---- */

#define MAX_POLY_DEGREE 16

/* series_fit_poly(y[, x, degree]): least squares by modified Gram-Schmidt over
 * the columns x^degree .. x^0 (finite pairs only); coefficients highest power
 * first. */
ROW(f_series_fit_poly)
{
    json_t *ya = msoc_exec__series_arr(a[0]);
    if (ya == NULL)
        return;
    size_t n, nx = 0;
    double *yv = msoc_exec__series_values(q, ya, &n);
    double *xv = NULL;
    if (n_args > 1 && !a[1].is_null) {
        json_t *xa = msoc_exec__series_arr(a[1]);
        if (xa == NULL)
            return;
        xv = msoc_exec__series_values(q, xa, &nx);
        if (xv == NULL || nx != n)
            return;
    }
    int64_t deg = 1;
    if (n_args > 2 && !a[2].is_null)
        deg = msoc_exec__convert(q, a[2], MSOC_TYPE_LONG).i;
    if (deg < 1 || deg > MAX_POLY_DEGREE) {
        msoc_fail(q->err, MSOC_INVALID, "series_fit_poly(): degree must be in [1, %d]", MAX_POLY_DEGREE);
        return;
    }
    size_t m = (size_t)deg + 1, k = 0;
    if (yv == NULL)
        return;
    double *xs = msoc_exec__calloc(q, n + 1, sizeof *xs), *ys = msoc_exec__calloc(q, n + 1, sizeof *ys);
    if (xs == NULL || ys == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        double x = xv ? xv[i] : (double)(i + 1);
        if (isfinite(x) && isfinite(yv[i])) {
            xs[k] = x;
            ys[k++] = yv[i];
        }
    }
    if (k < m)
        return;
    /* A = [x^deg ... x^0] (k x m), column-major; Q overwrites A */
    double *qa = msoc_exec__calloc(q, k * m + 1, sizeof *qa), *r = msoc_exec__calloc(q, m * m + 1, sizeof *r);
    double *c = msoc_exec__calloc(q, m + 1, sizeof *c);
    if (qa == NULL || r == NULL || c == NULL)
        return;
    for (size_t j = 0; j < m; j++)
        for (size_t i = 0; i < k; i++)
            qa[j * k + i] = pow(xs[i], (double)(m - 1 - j));
    for (size_t j = 0; j < m; j++) {
        double *qj = qa + j * k;
        for (size_t l = 0; l < j; l++) {
            double dot = 0, *ql = qa + l * k;
            for (size_t i = 0; i < k; i++)
                dot += ql[i] * qj[i];
            r[l * m + j] = dot;
            for (size_t i = 0; i < k; i++)
                qj[i] -= dot * ql[i];
        }
        double norm = 0;
        for (size_t i = 0; i < k; i++)
            norm += qj[i] * qj[i];
        norm = sqrt(norm);
        r[j * m + j] = norm;
        for (size_t i = 0; norm > 0 && i < k; i++)
            qj[i] /= norm;
    }
    for (size_t jj = m; jj-- > 0;) {
        double dot = 0, *qj = qa + jj * k;
        for (size_t i = 0; i < k; i++)
            dot += qj[i] * ys[i];
        for (size_t l = jj + 1; l < m; l++)
            dot -= r[jj * m + l] * c[l];
        c[jj] = r[jj * m + jj] > 0 ? dot / r[jj * m + jj] : 0;
    }
    double my = 0, sst = 0, ssr = 0;
    for (size_t i = 0; i < k; i++)
        my += ys[i] / (double)k;
    json_t *fit = msoc_exec__own(q, json_array()), *coef = msoc_exec__own(q, json_array());
    json_t *res = msoc_exec__own(q, json_array());
    if (fit == NULL || coef == NULL || res == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        double x = xv ? xv[i] : (double)(i + 1), f = 0;
        for (size_t j = 0; j < m; j++)
            f = f * x + c[j];
        json_array_append_new(fit, isfinite(f) ? json_real(f) : json_null());
        if (isfinite(f) && isfinite(yv[i])) {
            sst += (yv[i] - my) * (yv[i] - my);
            ssr += (yv[i] - f) * (yv[i] - f);
        }
    }
    for (size_t j = 0; j < m; j++)
        json_array_append_new(coef, real_or_null(c[j]));
    json_array_append_new(res, real_or_null(sst > 0 ? 1 - ssr / sst : 1));
    json_array_append(res, coef);
    json_array_append_new(res, real_or_null(k > 1 ? sst / (double)(k - 1) : 0));
    json_array_append_new(res, real_or_null(k > 1 ? ssr / (double)(k - 1) : 0));
    json_array_append(res, fit);
    *out = xv_dyn(res);
}

/* series_fir(x, filter[, normalize = true, center = false]):
 * y[i] = sum_k f[k] x[i + off - k], off = (len - 1) / 2 when centred, else 0;
 * points outside the series and non-numbers count as 0. */
ROW(f_series_fir)
{
    json_t *xa = msoc_exec__series_arr(a[0]), *fa = msoc_exec__series_arr(a[1]);
    if (xa == NULL || fa == NULL || json_array_size(fa) == 0)
        return;
    bool is_norm = n_args <= 2 || a[2].is_null || msoc_exec__convert(q, a[2], MSOC_TYPE_BOOL).i != 0;
    bool is_center = n_args > 3 && !a[3].is_null && msoc_exec__convert(q, a[3], MSOC_TYPE_BOOL).i != 0;
    size_t n, nf;
    double *x = msoc_exec__series_values(q, xa, &n), *f = msoc_exec__series_values(q, fa, &nf);
    if (x == NULL || f == NULL)
        return;
    double sum = 0;
    for (size_t k = 0; k < nf; k++) {
        if (!isfinite(f[k]))
            f[k] = 0;
        sum += f[k];
    }
    if (is_norm && sum == 0)
        return;
    size_t off = is_center ? (nf - 1) / 2 : 0;
    double *y = msoc_exec__calloc(q, n + 1, sizeof *y);
    if (y == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        double acc = 0;
        for (size_t k = 0; k < nf; k++) {
            if (i + off < k || i + off - k >= n)
                continue;
            double v = x[i + off - k];
            acc += f[k] * (isfinite(v) ? v : 0);
        }
        y[i] = is_norm ? acc / sum : acc;
    }
    json_t *r = msoc_exec__series_json(q, y, n);
    if (r)
        *out = xv_dyn(r);
}

/* Finite pairs of two equal-length series; false when they differ in length. */
static bool pairs(xq *q, xval a, xval b, double **x, double **y, size_t *n)
{
    json_t *aa = msoc_exec__series_arr(a), *ba = msoc_exec__series_arr(b);
    size_t na, nb;
    if (aa == NULL || ba == NULL || (*x = msoc_exec__series_values(q, aa, &na)) == NULL ||
        (*y = msoc_exec__series_values(q, ba, &nb)) == NULL || na != nb)
        return false;
    size_t k = 0;
    for (size_t i = 0; i < na; i++)
        if (isfinite((*x)[i]) && isfinite((*y)[i])) {
            (*x)[k] = (*x)[i];
            (*y)[k++] = (*y)[i];
        }
    *n = k;
    return true;
}

ROW(f_series_pearson_correlation)
{
    (void)n_args;
    double *x, *y;
    size_t n;
    if (!pairs(q, a[0], a[1], &x, &y, &n) || n == 0)
        return;
    double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i] / (double)n;
        my += y[i] / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    double r = sxy / sqrt(sxx * syy);
    if (isfinite(r))
        *out = xv_real(r);
}

/* series_cosine_similarity(a, b[, |a|, |b|]) */
ROW(f_series_cosine_similarity)
{
    double *x, *y;
    size_t n;
    if (!pairs(q, a[0], a[1], &x, &y, &n))
        return;
    double dot = 0, xx = 0, yy = 0;
    for (size_t i = 0; i < n; i++) {
        dot += x[i] * y[i];
        xx += x[i] * x[i];
        yy += y[i] * y[i];
    }
    double m1 = n_args > 2 && !a[2].is_null ? msoc_exec__convert(q, a[2], MSOC_TYPE_REAL).r : sqrt(xx);
    double m2 = n_args > 3 && !a[3].is_null ? msoc_exec__convert(q, a[3], MSOC_TYPE_REAL).r : sqrt(yy);
    double r = dot / (m1 * m2);
    if (isfinite(r))
        *out = xv_real(r);
}

void msoc_exec__fn_register_series_fit(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, false}
    REG(SERIES_STATS, f_series_stats);
    REG(SERIES_FIT_LINE, f_series_fit_line);
    REG(SERIES_FIT_LINE_DYNAMIC, f_series_fit_line_dynamic);
    REG(SERIES_FIT_2LINES, f_series_fit_2lines);
    REG(SERIES_FIT_2LINES_DYNAMIC, f_series_fit_2lines_dynamic);
    REG(SERIES_OUTLIERS, f_series_outliers);
    REG(SERIES_FIT_POLY, f_series_fit_poly);
    REG(SERIES_FIR, f_series_fir);
    REG(SERIES_PEARSON_CORRELATION, f_series_pearson_correlation);
    REG(SERIES_COSINE_SIMILARITY, f_series_cosine_similarity);
#undef REG
}
