/* Seasonality and decomposition: series_periods_detect, series_periods_validate,
 * series_seasonal without a period, series_decompose, series_decompose_anomalies,
 * series_decompose_forecast.
 *
 * Period scores: the series (gaps filled linearly) minus its least-squares line,
 * then the autocorrelation at the lag, r(p) = (sum d[t] d[t+p] / (n - p)) /
 * (sum d[t]^2 / n), clipped to [0, 1]. A lag is a candidate when it has at least
 * 4 points, at most half the series (2p < n), and is a local maximum of r;
 * candidates within 20% of a stronger period or of one of its multiples are its
 * side lobes and harmonics, and scores under 0.3 are noise. Kusto documents the
 * contract (periods in bins, scores in [0, 1], 0 for none) but not its estimator:
 * these scores rank periods the same way, they are not Kusto's numbers.
 *
 * Decomposition, as Kusto documents it: the seasonal component is the per-phase
 * median (the period given, or detected with a score of seasonality_threshold at
 * least); the trend is fitted to the series minus its seasonal component
 * ('linefit', the default), its average ('avg') or 0 ('none'); baseline =
 * seasonal + trend; residual = series - baseline. The last test_points points
 * are left out of the fitting and extrapolated. Anomalies are the residual's Tukey
 * scores ('ctukey': 10th/90th percentiles, 'tukey': quartiles) beyond the
 * threshold (1.5 by default). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"
#include "fn_series_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

#define MIN_PERIOD_POINTS 4
#define PERIOD_NOISE 0.3

/* v with gaps filled linearly (ends: nearest value) and its line taken out; NULL
 * when no value is finite. */
static double *detrended(xq *q, const double *v, size_t n)
{
    double *d = msoc_exec__calloc(q, n + 1, sizeof *d);
    if (d == NULL)
        return NULL;
    size_t prev = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        d[i] = v[i];
        for (size_t k = prev == (size_t)-1 ? 0 : prev + 1; k < i; k++)
            d[k] = prev == (size_t)-1 ? v[i]
                                      : v[prev] + (v[i] - v[prev]) * (double)(k - prev) / (double)(i - prev);
        prev = i;
    }
    if (prev == (size_t)-1)
        return NULL;
    for (size_t k = prev + 1; k < n; k++)
        d[k] = v[prev];
    msoc_series_line f;
    msoc_exec__series_fit(d, 0, n, &f);
    for (size_t i = 0; i < n; i++)
        d[i] -= f.interception + f.slope * (double)(i + 1);
    return d;
}

static double acf(const double *d, size_t n, size_t p, double c0)
{
    if (p == 0 || p >= n || c0 <= 0)
        return 0;
    double s = 0;
    for (size_t t = 0; t + p < n; t++)
        s += d[t] * d[t + p];
    return (s / (double)(n - p)) / c0;
}

static double clip01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

typedef struct period_scan {
    const double *d;
    size_t n;
    double c0;
} period_scan;

static bool scan_init(xq *q, const double *v, size_t n, period_scan *s)
{
    s->d = detrended(q, v, n);
    s->n = n;
    s->c0 = 0;
    if (s->d == NULL)
        return false;
    for (size_t i = 0; i < n; i++)
        s->c0 += s->d[i] * s->d[i];
    s->c0 /= (double)n;
    return true;
}

/* The score of period p (rounded to whole bins). */
static double period_score(const period_scan *s, double p)
{
    if (!isfinite(p) || p < MIN_PERIOD_POINTS - 0.5)
        return 0;
    size_t lag = (size_t)llround(p);
    if (2 * lag >= s->n)
        return 0;
    return clip01(acf(s->d, s->n, lag, s->c0));
}

/* Up to k periods in [lo, hi], strongest first, into periods/scores (unused slots
 * 0); the number found. */
static size_t detect_periods(xq *q, const double *v, size_t n, double lo, double hi, size_t k,
                             double *periods, double *scores)
{
    for (size_t i = 0; i < k; i++)
        periods[i] = scores[i] = 0;
    period_scan s;
    if (k == 0 || n < 2 * MIN_PERIOD_POINTS + 1 || !scan_init(q, v, n, &s))
        return 0;
    size_t p_lo = lo > MIN_PERIOD_POINTS ? (size_t)ceil(lo) : MIN_PERIOD_POINTS;
    size_t p_hi = (n - 1) / 2;
    if (isfinite(hi) && hi < (double)p_hi)
        p_hi = hi < 0 ? 0 : (size_t)floor(hi);
    if (p_lo > p_hi)
        return 0;
    double *r = msoc_exec__calloc(q, p_hi + 2, sizeof *r);
    if (r == NULL)
        return 0;
    for (size_t p = p_lo > 1 ? p_lo - 1 : 1; p <= p_hi + 1 && p < n; p++)
        r[p] = acf(s.d, n, p, s.c0);
    size_t found = 0;
    for (;;) {
        size_t best = 0;
        for (size_t p = p_lo; p <= p_hi; p++) {
            if (r[p] < PERIOD_NOISE || r[p] < r[p - 1] || (p + 1 < n && r[p] < r[p + 1]))
                continue;
            bool is_lobe = false;
            for (size_t j = 0; j < found && !is_lobe; j++) {
                double m = (double)p / periods[j];
                double mult = floor(m + 0.5);
                is_lobe = mult >= 1 && fabs(m - mult) <= 0.2 * mult;
            }
            if (!is_lobe && (best == 0 || r[p] > r[best]))
                best = p;
        }
        if (best == 0 || found == k)
            break;
        periods[found] = (double)best;
        scores[found] = clip01(r[best]);
        found++;
    }
    return found;
}

/* The dominant period of v[0..n) scoring threshold at least, or 0. */
static size_t auto_period(xq *q, const double *v, size_t n, double threshold)
{
    double p, sc;
    if (detect_periods(q, v, n, MIN_PERIOD_POINTS, INFINITY, 1, &p, &sc) == 0 || sc < threshold)
        return 0;
    return (size_t)p;
}

static double real_arg(xq *q, const xval *a, size_t n_args, size_t i, double dflt)
{
    if (i >= n_args || a[i].is_null)
        return dflt;
    return msoc_exec__convert(q, a[i], MSOC_TYPE_REAL).r;
}

static json_t *reals_json(const double *v, size_t n)
{
    json_t *r = json_array();
    for (size_t i = 0; r && i < n; i++)
        json_array_append_new(r, json_real(v[i]));
    return r;
}

/* series_periods_detect(series, min_period, max_period, num_periods) */
ROW(f_series_periods_detect)
{
    (void)n_args;
    json_t *arr = msoc_exec__series_arr(a[0]);
    if (arr == NULL || a[3].is_null)
        return;
    int64_t k = msoc_exec__convert(q, a[3], MSOC_TYPE_LONG).i;
    if (k < 0 || k > 1024) {
        msoc_fail(q->err, MSOC_INVALID, "series_periods_detect(): num_periods must be in [0, 1024]");
        return;
    }
    size_t n;
    double *v = msoc_exec__series_values(q, arr, &n);
    double *periods = msoc_exec__calloc(q, (size_t)k + 1, sizeof *periods);
    double *scores = msoc_exec__calloc(q, (size_t)k + 1, sizeof *scores);
    json_t *r = msoc_exec__own(q, json_array());
    if (v == NULL || periods == NULL || scores == NULL || r == NULL)
        return;
    detect_periods(q, v, n, real_arg(q, a, 4, 1, 0), real_arg(q, a, 4, 2, INFINITY), (size_t)k, periods,
                   scores);
    json_array_append_new(r, reals_json(periods, (size_t)k));
    json_array_append_new(r, reals_json(scores, (size_t)k));
    *out = xv_dyn(r);
}

/* series_periods_validate(series, period1[, period2, ...]) */
ROW(f_series_periods_validate)
{
    json_t *arr = msoc_exec__series_arr(a[0]);
    if (arr == NULL)
        return;
    size_t n, k = n_args - 1;
    double *v = msoc_exec__series_values(q, arr, &n);
    double *periods = msoc_exec__calloc(q, k + 1, sizeof *periods);
    double *scores = msoc_exec__calloc(q, k + 1, sizeof *scores);
    json_t *r = msoc_exec__own(q, json_array());
    if (v == NULL || periods == NULL || scores == NULL || r == NULL)
        return;
    period_scan s;
    bool ok = n >= 2 * MIN_PERIOD_POINTS + 1 && scan_init(q, v, n, &s);
    for (size_t i = 0; i < k; i++) {
        periods[i] = real_arg(q, a, n_args, i + 1, NAN);
        scores[i] = ok ? period_score(&s, periods[i]) : 0;
        if (!isfinite(periods[i]))
            periods[i] = 0;
    }
    json_array_append_new(r, reals_json(periods, k));
    json_array_append_new(r, reals_json(scores, k));
    *out = xv_dyn(r);
}

/* ---- decomposition ---- */

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* seasonal[i] = the median of the finite v[j], j < m, j = i (mod period); 0 when
 * period < 2. */
static bool seasonal_of(xq *q, const double *v, size_t n, size_t m, size_t period, double *seasonal)
{
    for (size_t i = 0; i < n; i++)
        seasonal[i] = 0;
    if (period < 2 || period > m)
        return true;
    double *vals = msoc_exec__calloc(q, m / period + 2, sizeof *vals);
    if (vals == NULL)
        return false;
    for (size_t p = 0; p < period; p++) {
        size_t k = 0;
        for (size_t i = p; i < m; i += period)
            if (isfinite(v[i]))
                vals[k++] = v[i];
        double med = 0;
        if (k > 0) {
            qsort(vals, k, sizeof *vals, cmp_double);
            med = k % 2 ? vals[k / 2] : (vals[k / 2 - 1] + vals[k / 2]) / 2;
        }
        for (size_t i = p; i < n; i += period)
            seasonal[i] = med;
    }
    return true;
}

typedef enum trend_kind { TREND_LINEFIT, TREND_AVG, TREND_NONE } trend_kind;

typedef struct decomposition {
    size_t n;
    double *baseline, *seasonal, *trend, *residual;
    size_t m; /* points learnt from (n - test_points) */
} decomposition;

typedef struct decompose_args {
    int64_t seasonality; /* -1: detect, 0: none, else the period */
    trend_kind trend;
    int64_t test_points;
    double threshold; /* seasonality score needed when detecting */
} decompose_args;

static bool decompose(xq *q, const double *v, size_t n, const decompose_args *da, decomposition *d)
{
    d->n = n;
    d->m = da->test_points > 0 && (size_t)da->test_points < n ? n - (size_t)da->test_points : n;
    d->baseline = msoc_exec__calloc(q, n + 1, sizeof(double));
    d->seasonal = msoc_exec__calloc(q, n + 1, sizeof(double));
    d->trend = msoc_exec__calloc(q, n + 1, sizeof(double));
    d->residual = msoc_exec__calloc(q, n + 1, sizeof(double));
    double *deseason = msoc_exec__calloc(q, n + 1, sizeof(double));
    if (d->baseline == NULL || d->seasonal == NULL || d->trend == NULL || d->residual == NULL || deseason == NULL)
        return false;
    size_t period = da->seasonality > 0 ? (size_t)da->seasonality : 0;
    if (da->seasonality < 0)
        period = auto_period(q, v, d->m, da->threshold);
    if (!seasonal_of(q, v, n, d->m, period, d->seasonal))
        return false;
    for (size_t i = 0; i < n; i++)
        deseason[i] = v[i] - d->seasonal[i];
    if (da->trend == TREND_LINEFIT) {
        msoc_series_line f;
        msoc_exec__series_fit(deseason, 0, d->m, &f);
        for (size_t i = 0; i < n; i++)
            d->trend[i] = f.interception + f.slope * (double)(i + 1);
    } else if (da->trend == TREND_AVG) {
        double s = 0;
        size_t k = 0;
        for (size_t i = 0; i < d->m; i++)
            if (isfinite(deseason[i])) {
                s += deseason[i];
                k++;
            }
        for (size_t i = 0; i < n; i++)
            d->trend[i] = k ? s / (double)k : 0;
    }
    for (size_t i = 0; i < n; i++) {
        d->baseline[i] = d->seasonal[i] + d->trend[i];
        d->residual[i] = v[i] - d->baseline[i];
    }
    return true;
}

/* seasonality, trend, test_points, threshold from the arguments at these
 * positions (SIZE_MAX: absent). */
static bool decompose_args_of(xq *q, const char *fn, const xval *a, size_t n_args, size_t i_season,
                              size_t i_trend, size_t i_test, size_t i_thr, decompose_args *da)
{
    da->seasonality = -1;
    da->trend = TREND_LINEFIT;
    da->test_points = 0;
    da->threshold = 0.6;
    if (i_season < n_args && !a[i_season].is_null)
        da->seasonality = msoc_exec__convert(q, a[i_season], MSOC_TYPE_LONG).i;
    if (da->seasonality < -1) {
        msoc_fail(q->err, MSOC_INVALID, "%s(): seasonality must be -1 (detect), 0 (none) or a period", fn);
        return false;
    }
    if (i_trend < n_args && !a[i_trend].is_null) {
        msoc_str t = msoc_exec__convert(q, a[i_trend], MSOC_TYPE_STRING).s;
        if (msoc_str_eq_c(t, "avg"))
            da->trend = TREND_AVG;
        else if (msoc_str_eq_c(t, "none"))
            da->trend = TREND_NONE;
        else if (!msoc_str_eq_c(t, "linefit")) {
            msoc_fail(q->err, MSOC_INVALID, "%s(): trend must be 'avg', 'linefit' or 'none'", fn);
            return false;
        }
    }
    if (i_test < n_args && !a[i_test].is_null)
        da->test_points = msoc_exec__convert(q, a[i_test], MSOC_TYPE_LONG).i;
    if (da->test_points < 0) {
        msoc_fail(q->err, MSOC_INVALID, "%s(): test_points must not be negative", fn);
        return false;
    }
    if (i_thr < n_args && !a[i_thr].is_null)
        da->threshold = msoc_exec__convert(q, a[i_thr], MSOC_TYPE_REAL).r;
    return true;
}

/* series_decompose(series[, seasonality, trend, test_points, seasonality_threshold]) */
ROW(f_series_decompose)
{
    json_t *arr = msoc_exec__series_arr(a[0]);
    decompose_args da;
    if (arr == NULL || !decompose_args_of(q, "series_decompose", a, n_args, 1, 2, 3, 4, &da))
        return;
    size_t n;
    double *v = msoc_exec__series_values(q, arr, &n);
    decomposition d;
    json_t *r = msoc_exec__own(q, json_array());
    if (v == NULL || r == NULL || !decompose(q, v, n, &da, &d))
        return;
    double *parts[4] = {d.baseline, d.seasonal, d.trend, d.residual};
    for (int k = 0; k < 4; k++)
        json_array_append(r, msoc_exec__series_json(q, parts[k], n));
    *out = xv_dyn(r);
}

/* series_decompose_anomalies(series[, threshold, seasonality, trend, test_points,
 * ad_method, seasonality_threshold]): [ad_flag, ad_score, baseline] */
ROW(f_series_decompose_anomalies)
{
    json_t *arr = msoc_exec__series_arr(a[0]);
    decompose_args da;
    if (arr == NULL || !decompose_args_of(q, "series_decompose_anomalies", a, n_args, 2, 3, 4, 6, &da))
        return;
    double threshold = real_arg(q, a, n_args, 1, 1.5);
    double p_lo = 10, p_hi = 90;
    if (n_args > 5 && !a[5].is_null) {
        msoc_str m = msoc_exec__convert(q, a[5], MSOC_TYPE_STRING).s;
        if (msoc_str_eq_c(m, "tukey")) {
            p_lo = 25;
            p_hi = 75;
        } else if (!msoc_str_eq_c(m, "ctukey")) {
            msoc_fail(q->err, MSOC_INVALID, "series_decompose_anomalies(): ad_method must be 'ctukey' or 'tukey'");
            return;
        }
    }
    size_t n;
    double *v = msoc_exec__series_values(q, arr, &n);
    decomposition d;
    json_t *r = msoc_exec__own(q, json_array());
    if (v == NULL || r == NULL || !decompose(q, v, n, &da, &d))
        return;
    /* the fences come from the learnt points; every point is scored against them */
    double *score = msoc_exec__calloc(q, n + 1, sizeof *score);
    if (score == NULL || !msoc_exec__series_outliers(q, d.residual, d.m, p_lo, p_hi, score))
        return;
    if (d.m < n) {
        /* the test points are scored against the learnt points' fences */
        double *sorted = msoc_exec__calloc(q, d.m + 1, sizeof *sorted);
        if (sorted == NULL)
            return;
        size_t k = 0;
        for (size_t i = 0; i < d.m; i++)
            if (isfinite(d.residual[i]))
                sorted[k++] = d.residual[i];
        qsort(sorted, k, sizeof *sorted, cmp_double);
        double ql = msoc_exec__series_percentile(sorted, k, p_lo), qh = msoc_exec__series_percentile(sorted, k, p_hi);
        for (size_t i = d.m; i < n; i++) {
            double x = d.residual[i], dd = x > qh ? x - qh : x < ql ? x - ql : 0;
            score[i] = !isfinite(x) || dd == 0 ? 0 : qh > ql ? dd / (qh - ql) : (dd > 0 ? INFINITY : -INFINITY);
        }
    }
    json_t *flags = json_array(), *scores = json_array();
    for (size_t i = 0; flags && scores && i < n; i++) {
        int flag = score[i] > threshold ? 1 : score[i] < -threshold ? -1 : 0;
        json_array_append_new(flags, json_integer(flag));
        double sc = isfinite(score[i]) ? score[i] : (score[i] > 0 ? 1e308 : -1e308);
        json_array_append_new(scores, json_real(sc));
    }
    json_array_append_new(r, flags);
    json_array_append_new(r, scores);
    json_array_append(r, msoc_exec__series_json(q, d.baseline, n));
    *out = xv_dyn(r);
}

/* series_decompose_forecast(series, points[, seasonality, trend,
 * seasonality_threshold]): the baseline, learnt without the last points and
 * extrapolated over them. */
ROW(f_series_decompose_forecast)
{
    json_t *arr = msoc_exec__series_arr(a[0]);
    decompose_args da;
    if (arr == NULL || a[1].is_null ||
        !decompose_args_of(q, "series_decompose_forecast", a, n_args, 2, 3, SIZE_MAX, 4, &da))
        return;
    da.test_points = msoc_exec__convert(q, a[1], MSOC_TYPE_LONG).i;
    if (da.test_points < 0) {
        msoc_fail(q->err, MSOC_INVALID, "series_decompose_forecast(): points must not be negative");
        return;
    }
    size_t n;
    double *v = msoc_exec__series_values(q, arr, &n);
    decomposition d;
    if (v == NULL || !decompose(q, v, n, &da, &d))
        return;
    json_t *r = msoc_exec__series_json(q, d.baseline, n);
    if (r)
        *out = xv_dyn(r);
}

/* series_seasonal(series) / series_seasonal(series, -1): the period detected with
 * a score of 0.7 at least (zeros when none); other periods go to fn_series_more.c. */
bool msoc_exec__series_auto_period(xq *q, json_t *arr, size_t *period)
{
    size_t n;
    double *v = msoc_exec__series_values(q, arr, &n);
    if (v == NULL)
        return false;
    *period = auto_period(q, v, n, 0.7);
    return true;
}

void msoc_exec__fn_register_series_decompose(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, false}
    REG(SERIES_PERIODS_DETECT, f_series_periods_detect);
    REG(SERIES_PERIODS_VALIDATE, f_series_periods_validate);
    REG(SERIES_DECOMPOSE, f_series_decompose);
    REG(SERIES_DECOMPOSE_ANOMALIES, f_series_decompose_anomalies);
    REG(SERIES_DECOMPOSE_FORECAST, f_series_decompose_forecast);
#undef REG
}
