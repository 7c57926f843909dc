/* More series functions: series_iir (an IIR filter), series_seasonal (the
 * per-phase median for a given period), series_stats_dynamic. Elements that are
 * not numbers count as 0 in filters and are skipped by the statistics. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"
#include "fn_series_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

static json_t *arr_of(xval v)
{
    return (v.t == MSOC_TYPE_DYNAMIC && v.d && json_is_array(v.d)) ? v.d : NULL;
}

static double num_or_zero(const json_t *e)
{
    return json_is_number(e) ? json_number_value(e) : 0;
}

/* y[i] = (sum_k b[k] x[i-k] - sum_{k>=1} a[k] y[i-k]) / a[0] */
ROW(f_series_iir)
{
    (void)n_args;
    json_t *x = arr_of(a[0]), *bj = arr_of(a[1]), *aj = arr_of(a[2]);
    if (x == NULL || bj == NULL || aj == NULL || json_array_size(aj) == 0 || json_array_size(bj) == 0)
        return;
    double a0 = num_or_zero(json_array_get(aj, 0));
    if (a0 == 0)
        return;
    size_t n = json_array_size(x), nb = json_array_size(bj), na = json_array_size(aj);
    double *y = msoc_exec__calloc(q, n + 1, sizeof *y);
    json_t *r = msoc_exec__own(q, json_array());
    if (y == NULL || r == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        double acc = 0;
        for (size_t k = 0; k < nb && k <= i; k++)
            acc += num_or_zero(json_array_get(bj, k)) * num_or_zero(json_array_get(x, i - k));
        for (size_t k = 1; k < na && k <= i; k++)
            acc -= num_or_zero(json_array_get(aj, k)) * y[i - k];
        y[i] = acc / a0;
        json_array_append_new(r, json_real(y[i]));
    }
    *out = xv_dyn(r);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* series_seasonal(series[, period]): each point is the median of the points at
 * the same phase. No period (or -1) detects it (fn_series_decompose.c); zeros
 * when there is none. */
ROW(f_series_seasonal)
{
    json_t *s = arr_of(a[0]);
    if (s == NULL)
        return;
    int64_t period = -1;
    if (n_args > 1 && !a[1].is_null)
        period = msoc_exec__convert(q, a[1], MSOC_TYPE_LONG).i;
    if (period < 0) {
        size_t detected;
        if (!msoc_exec__series_auto_period(q, s, &detected))
            return;
        period = (int64_t)detected;
    }
    size_t n = json_array_size(s);
    json_t *r = msoc_exec__own(q, json_array());
    double *vals = msoc_exec__calloc(q, n + 1, sizeof *vals);
    double *phase_med = msoc_exec__calloc(q, (size_t)(period > 0 ? period : 1) + 1, sizeof *phase_med);
    if (r == NULL || vals == NULL || phase_med == NULL)
        return;
    if (period <= 1 || (size_t)period > n) {
        /* no seasonality to take out */
        for (size_t i = 0; i < n; i++)
            json_array_append_new(r, json_real(0));
        *out = xv_dyn(r);
        return;
    }
    for (int64_t p = 0; p < period; p++) {
        size_t k = 0;
        for (size_t i = (size_t)p; i < n; i += (size_t)period)
            if (json_is_number(json_array_get(s, i)))
                vals[k++] = json_number_value(json_array_get(s, i));
        if (k == 0) {
            phase_med[p] = 0;
            continue;
        }
        qsort(vals, k, sizeof *vals, cmp_double);
        phase_med[p] = k % 2 ? vals[k / 2] : (vals[k / 2 - 1] + vals[k / 2]) / 2;
    }
    for (size_t i = 0; i < n; i++)
        json_array_append_new(r, json_real(phase_med[i % (size_t)period]));
    *out = xv_dyn(r);
}

/* series_stats_dynamic(x): a bag of min, min_idx, max, max_idx, avg, stdev, variance. */
ROW(f_series_stats_dynamic)
{
    (void)n_args;
    json_t *s = arr_of(a[0]);
    if (s == NULL)
        return;
    size_t n = json_array_size(s), cnt = 0, min_idx = 0, max_idx = 0;
    double mn = 0, mx = 0, mean = 0, m2 = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(s, i);
        if (!json_is_number(e))
            continue;
        double v = json_number_value(e);
        if (cnt == 0 || v < mn) {
            mn = v;
            min_idx = i;
        }
        if (cnt == 0 || v > mx) {
            mx = v;
            max_idx = i;
        }
        cnt++;
        double d = v - mean;
        mean += d / (double)cnt;
        m2 += d * (v - mean);
    }
    json_t *o = msoc_exec__own(q, json_object());
    if (o == NULL)
        return;
    double var = cnt > 1 ? m2 / (double)(cnt - 1) : 0;
    json_object_set_new(o, "min", cnt ? json_real(mn) : json_null());
    json_object_set_new(o, "min_idx", cnt ? json_integer((json_int_t)min_idx) : json_null());
    json_object_set_new(o, "max", cnt ? json_real(mx) : json_null());
    json_object_set_new(o, "max_idx", cnt ? json_integer((json_int_t)max_idx) : json_null());
    json_object_set_new(o, "avg", cnt ? json_real(mean) : json_null());
    json_object_set_new(o, "stdev", cnt ? json_real(sqrt(var)) : json_null());
    json_object_set_new(o, "variance", cnt ? json_real(var) : json_null());
    *out = xv_dyn(o);
}

void msoc_exec__fn_register_series_more(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, false}
    REG(SERIES_IIR, f_series_iir);
    REG(SERIES_SEASONAL, f_series_seasonal);
    REG(SERIES_STATS_DYNAMIC, f_series_stats_dynamic);
#undef REG
}
