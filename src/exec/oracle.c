/* The oracle comparison (see oracle.h and shared/kql-oracle/README.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "exec_int.h"
#include "oracle.h"

static bool real_eq(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    if (isinf(a) || isinf(b))
        return a == b;
    double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    double tol = 1e-9 * m;
    if (tol < 1e-12)
        tol = 1e-12;
    return fabs(a - b) <= tol;
}

static bool json_num(const json_t *j, double *out)
{
    if (json_is_number(j)) {
        *out = json_number_value(j);
        return true;
    }
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        if (!strcmp(s, "NaN"))
            *out = NAN;
        else if (!strcmp(s, "Infinity"))
            *out = INFINITY;
        else if (!strcmp(s, "-Infinity"))
            *out = -INFINITY;
        else
            return false;
        return true;
    }
    return false;
}

static bool dyn_eq(const json_t *a, const json_t *b, bool is_unordered, int depth);

static bool arr_multiset_eq(const json_t *a, const json_t *b, int depth)
{
    size_t n = json_array_size(a);
    if (n != json_array_size(b))
        return false;
    bool *used = msoc_calloc(n + 1, 1);
    bool is_ok = true;
    for (size_t i = 0; i < n && is_ok; i++) {
        bool is_found = false;
        for (size_t k = 0; k < n && !is_found; k++) {
            if (!used[k] && dyn_eq(json_array_get(a, i), json_array_get(b, k), true, depth + 1)) {
                used[k] = true;
                is_found = true;
            }
        }
        is_ok = is_found;
    }
    msoc_free(used);
    return is_ok;
}

static bool dyn_eq(const json_t *a, const json_t *b, bool is_unordered, int depth)
{
    if (depth > 100)
        return false;
    double x, y;
    if (json_is_number(a) && json_is_number(b)) {
        json_num(a, &x);
        json_num(b, &y);
        return real_eq(x, y);
    }
    if (json_typeof(a) != json_typeof(b))
        return false;
    switch (json_typeof(a)) {
    case JSON_ARRAY:
        if (is_unordered)
            return arr_multiset_eq(a, b, depth);
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++)
            if (!dyn_eq(json_array_get(a, i), json_array_get(b, i), is_unordered, depth + 1))
                return false;
        return true;
    case JSON_OBJECT: {
        if (json_object_size(a) != json_object_size(b))
            return false;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)(uintptr_t)a, k, v)
        {
            json_t *w = json_object_get(b, k);
            if (w == NULL || !dyn_eq(v, w, is_unordered, depth + 1))
                return false;
        }
        return true;
    }
    default: return json_equal((json_t *)(uintptr_t)a, (json_t *)(uintptr_t)b);
    }
}

/* actual cell (our JSON encoding, parsed) vs expected cell */
static bool cell_eq(const char *type, const json_t *act, const json_t *exp, bool is_unordered)
{
    if (!strcmp(type, "string")) {
        const char *a = json_is_null(act) ? "" : json_string_value(act);
        const char *e = json_is_null(exp) ? "" : json_string_value(exp);
        return a && e && strcmp(a, e) == 0;
    }
    if (json_is_null(exp) || json_is_null(act))
        return json_is_null(exp) && json_is_null(act);
    if (!strcmp(type, "real")) {
        double x, y;
        return json_num(act, &x) && json_num(exp, &y) && real_eq(x, y);
    }
    if (!strcmp(type, "decimal")) {
        double x = 0, y = 0;
        if (json_is_string(act))
            x = strtod(json_string_value(act), NULL);
        else
            json_num(act, &x);
        if (json_is_string(exp))
            y = strtod(json_string_value(exp), NULL);
        else
            json_num(exp, &y);
        return real_eq(x, y);
    }
    if (!strcmp(type, "dynamic"))
        return dyn_eq(act, exp, is_unordered, 0);
    if (json_is_integer(act) && json_is_integer(exp))
        return json_integer_value(act) == json_integer_value(exp);
    return json_equal((json_t *)(uintptr_t)act, (json_t *)(uintptr_t)exp);
}

static bool row_eq(const json_t *arow, const json_t *erow, const json_t *cols, bool is_unordered)
{
    for (size_t c = 0; c < json_array_size(cols); c++) {
        const char *type = json_string_value(json_object_get(json_array_get(cols, c), "type"));
        if (!cell_eq(type ? type : "", json_array_get(arow, c), json_array_get(erow, c), is_unordered))
            return false;
    }
    return true;
}

/* Multiset comparison of rows [a0, a1) and [e0, e1). */
static bool multiset_eq(const json_t *act, const json_t *exp, size_t a0, size_t e0, size_t n,
                        const json_t *cols, bool is_unordered, size_t *bad_row)
{
    bool *used = msoc_calloc(n + 1, 1);
    bool is_ok = true;
    for (size_t i = 0; i < n && is_ok; i++) {
        bool is_found = false;
        for (size_t k = 0; k < n && !is_found; k++) {
            if (!used[k] && row_eq(json_array_get(act, a0 + k), json_array_get(exp, e0 + i), cols, is_unordered)) {
                used[k] = true;
                is_found = true;
            }
        }
        if (!is_found) {
            is_ok = false;
            *bad_row = e0 + i;
        }
    }
    msoc_free(used);
    return is_ok;
}

msoc_exec_oracle_verdict msoc_exec_oracle_compare(const msoc_exec_table *t, const json_t *case_obj,
                                                  char *why, size_t cap)
{
    const json_t *expected = json_object_get(case_obj, "expected");
    const json_t *cols = json_object_get(expected, "columns");
    const json_t *rows = json_object_get(expected, "rows");
    bool is_ordered = json_is_true(json_object_get(case_obj, "ordered"));
    bool is_shape_only = json_is_true(json_object_get(case_obj, "shape_only"));
    bool is_unordered_arrays = json_is_true(json_object_get(case_obj, "unordered_arrays"));
    const json_t *order_keys = json_object_get(case_obj, "order_keys");
    if (json_array_size(cols) != t->n_cols) {
        snprintf(why, cap, "expected %zu columns, got %zu", json_array_size(cols), t->n_cols);
        return MSOC_EXEC_ORACLE_FAIL;
    }
    for (size_t c = 0; c < t->n_cols; c++) {
        const json_t *ec = json_array_get(cols, c);
        const char *name = json_string_value(json_object_get(ec, "name"));
        const char *type = json_string_value(json_object_get(ec, "type"));
        if (name == NULL || strlen(name) != t->names[c].len || memcmp(name, t->names[c].ptr, t->names[c].len)) {
            snprintf(why, cap, "column %zu: expected name '%s', got '%.*s'", c, name ? name : "?",
                     (int)t->names[c].len, t->names[c].ptr);
            return MSOC_EXEC_ORACLE_FAIL;
        }
        const char *got = msoc_type_name(t->cols[c]->type);
        if (type == NULL || strcmp(type, got) != 0) {
            snprintf(why, cap, "column '%s': expected type %s, got %s", name, type ? type : "?", got);
            return MSOC_EXEC_ORACLE_FAIL;
        }
    }
    if (json_array_size(rows) != t->n_rows) {
        snprintf(why, cap, "expected %zu rows, got %zu", json_array_size(rows), t->n_rows);
        return MSOC_EXEC_ORACLE_FAIL;
    }
    if (is_shape_only)
        return MSOC_EXEC_ORACLE_PASS;
    /* our rows as JSON, through the same encoding the oracle uses */
    json_t *act = json_array();
    msoc_buf b;
    msoc_buf_init(&b, (size_t)1 << 30);
    msoc_buf_reserve(&b, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    for (size_t r = 0; r < t->n_rows; r++) {
        msoc_buf_reset(&b);
        msoc_buf_putc(&b, '[');
        for (size_t c = 0; c < t->n_cols; c++) {
            if (c)
                msoc_buf_putc(&b, ',');
            msoc_exec_cell_json(t->cols[c], r, &b);
        }
        msoc_buf_putc(&b, ']');
        json_error_t jerr;
        json_t *row = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
        json_array_append_new(act, row ? row : json_array());
    }
    msoc_buf_fini(&b);
    size_t n = t->n_rows, bad = 0;
    bool is_ok;
    if (!is_ordered) {
        is_ok = multiset_eq(act, rows, 0, 0, n, cols, is_unordered_arrays, &bad);
    } else {
        /* position by position on the key columns, then runs of equal keys as multisets */
        int key_idx[64];
        size_t n_keys = 0;
        for (size_t k = 0; json_is_array(order_keys) && k < json_array_size(order_keys) && n_keys < 64; k++) {
            const char *kn = json_string_value(json_array_get(order_keys, k));
            for (size_t c = 0; kn && c < t->n_cols; c++)
                if (strlen(kn) == t->names[c].len && !memcmp(kn, t->names[c].ptr, t->names[c].len))
                    key_idx[n_keys++] = (int)c;
        }
        is_ok = true;
        if (n_keys == 0) {
            for (size_t r = 0; r < n && is_ok; r++)
                if (!row_eq(json_array_get(act, r), json_array_get(rows, r), cols, is_unordered_arrays)) {
                    is_ok = false;
                    bad = r;
                }
        } else {
            size_t start = 0;
            for (size_t r = 0; r <= n && is_ok; r++) {
                bool is_boundary = r == n;
                if (!is_boundary) {
                    for (size_t k = 0; k < n_keys; k++) {
                        const json_t *ec = json_array_get(cols, (size_t)key_idx[k]);
                        const char *type = json_string_value(json_object_get(ec, "type"));
                        if (!cell_eq(type, json_array_get(json_array_get(act, r), (size_t)key_idx[k]),
                                     json_array_get(json_array_get(rows, r), (size_t)key_idx[k]), false)) {
                            is_ok = false;
                            bad = r;
                        }
                    }
                    if (r > start) {
                        const json_t *prev = json_array_get(rows, r - 1), *cur = json_array_get(rows, r);
                        for (size_t k = 0; k < n_keys; k++) {
                            const json_t *ec = json_array_get(cols, (size_t)key_idx[k]);
                            const char *type = json_string_value(json_object_get(ec, "type"));
                            if (!cell_eq(type, json_array_get(prev, (size_t)key_idx[k]),
                                         json_array_get(cur, (size_t)key_idx[k]), false))
                                is_boundary = true;
                        }
                    }
                }
                if (is_boundary && is_ok && r > start) {
                    is_ok = multiset_eq(act, rows, start, start, r - start, cols, is_unordered_arrays, &bad);
                    start = r;
                }
            }
        }
    }
    if (!is_ok) {
        char *e = json_dumps(json_array_get(rows, bad), JSON_COMPACT | JSON_ENCODE_ANY);
        char *a = bad < n ? json_dumps(json_array_get(act, bad), JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        snprintf(why, cap, "row %zu: expected %.200s, got %.200s%s", bad, e ? e : "?", a ? a : "?",
                 is_ordered ? "" : " (multiset)");
        msoc_free(e);
        msoc_free(a);
    }
    json_decref(act);
    return is_ok ? MSOC_EXEC_ORACLE_PASS : MSOC_EXEC_ORACLE_FAIL;
}
