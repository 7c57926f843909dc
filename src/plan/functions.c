/* The function registry (functions.def) and KQL's result-type rules. */
#include <string.h>

#include "plan.h"

static const msoc_plan_fn_info fn_table[] = {
#define MSOC_FN(id, name, min_args, max_args, ret, kind) {name, min_args, max_args, ret, kind},
#include "functions.def"
#undef MSOC_FN
};

const msoc_plan_fn_info *msoc_plan_fn_get(msoc_plan_fn fn)
{
    return (unsigned)fn < MSOC_PLAN__FN_COUNT ? &fn_table[fn] : NULL;
}

bool msoc_plan_fn_find(const char *name, size_t len, msoc_plan_fn_kind want, msoc_plan_fn *out)
{
    for (size_t i = 0; i < MSOC_PLAN__FN_COUNT; i++) {
        const msoc_plan_fn_info *f = &fn_table[i];
        bool kind_ok = (want == MSOC_PLAN_FK_OP) ? f->kind == MSOC_PLAN_FK_OP
                                                 : f->kind != MSOC_PLAN_FK_OP;
        if (kind_ok && strlen(f->name) == len && memcmp(f->name, name, len) == 0) {
            *out = (msoc_plan_fn)i;
            return true;
        }
    }
    return false;
}

static int num_rank(msoc_type t)
{
    switch (t) {
    case MSOC_TYPE_INT: return 1;
    case MSOC_TYPE_LONG: return 2;
    case MSOC_TYPE_REAL: return 3;
    case MSOC_TYPE_DECIMAL: return 4;
    default: return 0;
    }
}

msoc_type msoc_plan_promote(msoc_type a, msoc_type b)
{
    int ra = num_rank(a), rb = num_rank(b);
    if (ra == 0 || rb == 0)
        return MSOC_TYPE_NULL;
    return ra >= rb ? a : b;
}

/* The common type of a set of values (iff branches, coalesce, case). */
static msoc_type common_type(const msoc_type *types, size_t n)
{
    msoc_type t = MSOC_TYPE_NULL;
    for (size_t i = 0; i < n; i++) {
        msoc_type u = types[i];
        if (u == MSOC_TYPE_NULL || u == t)
            continue;
        if (t == MSOC_TYPE_NULL) {
            t = u;
            continue;
        }
        msoc_type p = msoc_plan_promote(t, u);
        if (p != MSOC_TYPE_NULL)
            t = p;
        else if (u == MSOC_TYPE_DYNAMIC || t == MSOC_TYPE_DYNAMIC)
            t = MSOC_TYPE_DYNAMIC;
    }
    return t;
}

/* The result of iff/case branches: their common type, where a dynamic branch
 * takes the type of the others (Kusto converts it: iff(c, d[0], "x") is a string). */
static msoc_type branch_type(const msoc_type *types, size_t n)
{
    msoc_type concrete[64];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 64; i++)
        if (types[i] != MSOC_TYPE_DYNAMIC && types[i] != MSOC_TYPE_NULL)
            concrete[k++] = types[i];
    return k > 0 ? common_type(concrete, k) : common_type(types, n);
}

static msoc_type arith_type(msoc_plan_fn fn, msoc_type a, msoc_type b)
{
    if (a == MSOC_TYPE_DYNAMIC || b == MSOC_TYPE_DYNAMIC)
        return MSOC_TYPE_DYNAMIC;
    if (a == MSOC_TYPE_DATETIME || b == MSOC_TYPE_DATETIME) {
        if (fn == MSOC_PLAN_FN_SUB && a == MSOC_TYPE_DATETIME && b == MSOC_TYPE_DATETIME)
            return MSOC_TYPE_TIMESPAN;
        return MSOC_TYPE_DATETIME;
    }
    if (a == MSOC_TYPE_TIMESPAN || b == MSOC_TYPE_TIMESPAN) {
        if (fn == MSOC_PLAN_FN_DIV && a == MSOC_TYPE_TIMESPAN && b == MSOC_TYPE_TIMESPAN)
            return MSOC_TYPE_REAL;
        if ((fn == MSOC_PLAN_FN_MUL || fn == MSOC_PLAN_FN_DIV) &&
            (a == MSOC_TYPE_REAL || b == MSOC_TYPE_REAL))
            return MSOC_TYPE_TIMESPAN;
        return MSOC_TYPE_TIMESPAN;
    }
    if (a == MSOC_TYPE_NULL && b == MSOC_TYPE_NULL)
        return MSOC_TYPE_LONG;
    if (a == MSOC_TYPE_NULL)
        a = b;
    if (b == MSOC_TYPE_NULL)
        b = a;
    msoc_type p = msoc_plan_promote(a, b);
    if (p == MSOC_TYPE_NULL)
        return MSOC_TYPE_NULL;
    if (p == MSOC_TYPE_INT)
        return MSOC_TYPE_INT;
    return p;
}

msoc_type msoc_plan_fn_result(msoc_plan_fn fn, const msoc_type *arg_types, size_t n_args)
{
    const msoc_plan_fn_info *f = msoc_plan_fn_get(fn);
    msoc_type a0 = n_args > 0 ? arg_types[0] : MSOC_TYPE_NULL;
    switch (f->ret) {
    case MSOC_PLAN_R_BOOL: return MSOC_TYPE_BOOL;
    case MSOC_PLAN_R_INT: return MSOC_TYPE_INT;
    case MSOC_PLAN_R_LONG: return MSOC_TYPE_LONG;
    case MSOC_PLAN_R_REAL: return MSOC_TYPE_REAL;
    case MSOC_PLAN_R_STRING: return MSOC_TYPE_STRING;
    case MSOC_PLAN_R_DATETIME: return MSOC_TYPE_DATETIME;
    case MSOC_PLAN_R_TIMESPAN: return MSOC_TYPE_TIMESPAN;
    case MSOC_PLAN_R_GUID: return MSOC_TYPE_GUID;
    case MSOC_PLAN_R_DYNAMIC: return MSOC_TYPE_DYNAMIC;
    case MSOC_PLAN_R_DECIMAL: return MSOC_TYPE_DECIMAL;
    case MSOC_PLAN_R_ARG0: return a0;
    case MSOC_PLAN_R_ARG1: {
        if (n_args < 3)
            return n_args > 1 ? arg_types[1] : MSOC_TYPE_NULL;
        return branch_type(arg_types + 1, 2);
    }
    case MSOC_PLAN_R_COMMON: return common_type(arg_types, n_args);
    case MSOC_PLAN_R_ARITH:
        return n_args == 2 ? arith_type(fn, arg_types[0], arg_types[1]) : MSOC_TYPE_NULL;
    case MSOC_PLAN_R_SUM:
        if (a0 == MSOC_TYPE_INT || a0 == MSOC_TYPE_LONG || a0 == MSOC_TYPE_BOOL)
            return MSOC_TYPE_LONG;
        if (a0 == MSOC_TYPE_TIMESPAN || a0 == MSOC_TYPE_DECIMAL)
            return a0;
        return MSOC_TYPE_REAL;
    case MSOC_PLAN_R_CASE: {
        msoc_type vals[64];
        size_t n = 0;
        for (size_t i = 1; i < n_args && n < 64; i += 2)
            vals[n++] = arg_types[i];
        if (n_args % 2 == 1 && n < 64)
            vals[n++] = arg_types[n_args - 1];
        return branch_type(vals, n);
    }
    case MSOC_PLAN_R_BIN:
        if (a0 == MSOC_TYPE_INT)
            return MSOC_TYPE_LONG;
        return a0;
    case MSOC_PLAN_R_NUMARG0: return a0 == MSOC_TYPE_NULL ? MSOC_TYPE_LONG : a0;
    case MSOC_PLAN_R_COLUMNS: return MSOC_TYPE_DYNAMIC;
    }
    return MSOC_TYPE_NULL;
}

msoc_plan_fn msoc_plan_fn_canonical(msoc_plan_fn fn)
{
    switch (fn) {
    case MSOC_PLAN_FN_MAKESET: return MSOC_PLAN_FN_MAKE_SET;
    case MSOC_PLAN_FN_MAKELIST: return MSOC_PLAN_FN_MAKE_LIST;
    case MSOC_PLAN_FN_ARGMIN: return MSOC_PLAN_FN_ARG_MIN;
    case MSOC_PLAN_FN_ARGMAX: return MSOC_PLAN_FN_ARG_MAX;
    case MSOC_PLAN_FN_ANY: return MSOC_PLAN_FN_TAKE_ANY;
    default: return fn;
    }
}

/* ---- functions whose result is several columns (R_COLUMNS) ---- */

#define R MSOC_TYPE_REAL
#define L MSOC_TYPE_LONG
#define D MSOC_TYPE_DYNAMIC
static const msoc_plan_fn_col cols_stats[] = {
    {"min", R}, {"min_idx", L}, {"max", R}, {"max_idx", L}, {"avg", R}, {"stdev", R}, {"variance", R},
};
static const msoc_plan_fn_col cols_fit_line[] = {
    {"rsquare", R}, {"slope", R}, {"variance", R}, {"rvariance", R}, {"interception", R}, {"line_fit", D},
};
static const msoc_plan_fn_col cols_fit_2lines[] = {
    {"rsquare", R}, {"split_idx", L}, {"variance", R}, {"rvariance", R}, {"line_fit", D},
    {"right_rsquare", R}, {"right_slope", R}, {"right_interception", R}, {"right_variance", R},
    {"right_rvariance", R}, {"left_rsquare", R}, {"left_slope", R}, {"left_interception", R},
    {"left_variance", R}, {"left_rvariance", R},
};
static const msoc_plan_fn_col cols_decompose[] = {
    {"baseline", D}, {"seasonal", D}, {"trend", D}, {"residual", D},
};
static const msoc_plan_fn_col cols_anomalies[] = {{"ad_flag", D}, {"ad_score", D}, {"baseline", D}};
static const msoc_plan_fn_col cols_periods[] = {{"periods", D}, {"scores", D}};
static const msoc_plan_fn_col cols_fit_poly[] = {
    {"rsquare", R}, {"coefficients", D}, {"variance", R}, {"rvariance", R}, {"poly_fit", D},
};
static const msoc_plan_fn_col cols_sorted[] = {{"sorted", D}};
#undef R
#undef L
#undef D

msoc_plan_fn_cols msoc_plan_fn_columns(msoc_plan_fn fn, const msoc_type *arg_types, size_t n_args)
{
#define SPEC(arr) (msoc_plan_fn_cols){arr, sizeof arr / sizeof arr[0], false}
    switch (fn) {
    case MSOC_PLAN_FN_SERIES_STATS: return SPEC(cols_stats);
    case MSOC_PLAN_FN_SERIES_FIT_LINE: return SPEC(cols_fit_line);
    case MSOC_PLAN_FN_SERIES_FIT_2LINES: return SPEC(cols_fit_2lines);
    case MSOC_PLAN_FN_SERIES_FIT_POLY: return SPEC(cols_fit_poly);
    case MSOC_PLAN_FN_SERIES_DECOMPOSE: return SPEC(cols_decompose);
    case MSOC_PLAN_FN_SERIES_DECOMPOSE_ANOMALIES: return SPEC(cols_anomalies);
    case MSOC_PLAN_FN_SERIES_PERIODS_DETECT:
    case MSOC_PLAN_FN_SERIES_PERIODS_VALIDATE: return SPEC(cols_periods);
    case MSOC_PLAN_FN_ARRAY_SORT_ASC:
    case MSOC_PLAN_FN_ARRAY_SORT_DESC: {
        /* one column per array; a trailing non-array argument is nulls_last */
        size_t n = n_args;
        if (n > 1 && arg_types[n - 1] != MSOC_TYPE_DYNAMIC)
            n--;
        return (msoc_plan_fn_cols){cols_sorted, n, true};
    }
    default: return (msoc_plan_fn_cols){NULL, 1, false};
    }
#undef SPEC
}
