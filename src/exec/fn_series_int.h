/* Shared by fn_series_fit.c and fn_series_decompose.c: series as double arrays
 * (missing values are NaN), least-squares lines, Tukey scores. */
#ifndef MSOC_EXEC_FN_SERIES_INT_H
#define MSOC_EXEC_FN_SERIES_INT_H

#include "exec_int.h"

typedef struct msoc_series_line {
    double slope, interception, rsquare, variance, rvariance, ssr, sst;
    size_t n; /* points fitted */
} msoc_series_line;

/* v's array, or NULL when v is not a dynamic array. */
json_t *msoc_exec__series_arr(xval v);
/* The elements as doubles (non-numbers NaN), from the query arena. */
double *msoc_exec__series_values(xq *q, json_t *arr, size_t *n_out);
/* A JSON array of reals (non-finite as null), owned by the query. */
json_t *msoc_exec__series_json(xq *q, const double *v, size_t n);
/* The least-squares line through the finite v[i], i in [lo, hi), at x = i + 1. */
void msoc_exec__series_fit(const double *v, size_t lo, size_t hi, msoc_series_line *f);
/* Percentile p (0-100) of sorted s[0..n), interpolated between ranks. */
double msoc_exec__series_percentile(const double *s, size_t n, double p);
/* Tukey outlier scores over the [p_lo, p_hi] percentile range; false on no memory. */
bool msoc_exec__series_outliers(xq *q, const double *v, size_t n, double p_lo, double p_hi, double *score);
/* The dominant period of arr (series_seasonal without a period), 0 when none
 * scores 0.7; false on no memory. */
bool msoc_exec__series_auto_period(xq *q, json_t *arr, size_t *period);

#endif
