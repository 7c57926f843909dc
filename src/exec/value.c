/* Values, columns and tables: memory from the query arena, KQL conversions, text
 * and JSON forms, ordering, equality and hashing. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "exec_int.h"

void *msoc_exec__alloc(xq *q, size_t size)
{
    void *p = msoc_arena_alloc(q->arena, size);
    if (p == NULL)
        msoc_arena_fail(q->arena, q->err);
    return p;
}

void *msoc_exec__calloc(xq *q, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        msoc_fail(q->err, MSOC_LIMIT, "allocation of %zu x %zu bytes is too large", n, size);
        return NULL;
    }
    void *p = msoc_arena_calloc(q->arena, n, size);
    if (p == NULL)
        msoc_arena_fail(q->arena, q->err);
    return p;
}

msoc_str msoc_exec__strdup(xq *q, const char *p, size_t len)
{
    char *d = msoc_arena_strndup(q->arena, p ? p : "", p ? len : 0);
    if (d == NULL) {
        msoc_arena_fail(q->arena, q->err);
        return MSOC_STR("");
    }
    return msoc_str_make(d, p ? len : 0);
}

json_t *msoc_exec__own(xq *q, json_t *j)
{
    if (j == NULL)
        return NULL;
    json_t **slot = msoc_vec_push(&q->jsons);
    if (slot == NULL) {
        json_decref(j);
        msoc_fail(q->err, MSOC_LIMIT, "too many dynamic values in one query");
        return NULL;
    }
    *slot = j;
    return j;
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

msoc_status msoc_exec__check(xq *q)
{
    if (q->err->code != MSOC_OK)
        return q->err->code;
    if (atomic_load(&q->is_cancelled))
        return msoc_fail(q->err, MSOC_CANCELLED, "the query was cancelled");
    if (mono_ns() > q->deadline_ns)
        return msoc_fail(q->err, MSOC_TIMEOUT, "the query ran past its time limit of %.0f s",
                         q->opts.timeout_s);
    return MSOC_OK;
}

/* ---- columns ---- */

static size_t elem_size(msoc_type t)
{
    if (xtype_is_str(t))
        return sizeof(msoc_str);
    if (t == MSOC_TYPE_DYNAMIC)
        return sizeof(json_t *);
    return 8;
}

msoc_exec_col *msoc_exec__col_new(xq *q, msoc_type t, size_t n)
{
    if (t == MSOC_TYPE_NULL)
        t = MSOC_TYPE_STRING == t ? t : MSOC_TYPE_DYNAMIC;
    msoc_exec_col *c = msoc_exec__calloc(q, 1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->type = t;
    c->n = n;
    void *data = msoc_exec__calloc(q, n ? n : 1, elem_size(t));
    if (data == NULL)
        return NULL;
    c->v.i = data;
    if (xtype_is_str(t)) {
        for (size_t i = 0; i < n; i++)
            c->v.s[i] = MSOC_STR("");
    }
    return c;
}

msoc_exec_col *msoc_exec__col_new_raw(xq *q, msoc_type t, size_t n)
{
    msoc_exec_col *c = msoc_exec__calloc(q, 1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->type = t;
    c->n = n;
    c->v.i = msoc_exec__alloc(q, (n ? n : 1) * elem_size(t));
    return c->v.i ? c : NULL;
}

void msoc_exec__col_set_null(xq *q, msoc_exec_col *c, size_t row)
{
    if (xtype_is_str(c->type)) {
        c->v.s[row] = MSOC_STR("");
        return;
    }
    if (c->type == MSOC_TYPE_DYNAMIC) {
        c->v.d[row] = NULL;
        return;
    }
    if (c->nulls == NULL) {
        c->nulls = msoc_exec__calloc(q, c->n ? c->n : 1, 1);
        if (c->nulls == NULL)
            return;
    }
    c->nulls[row] = 1;
}

xval msoc_exec__col_get(const msoc_exec_col *c, size_t row)
{
    xval v = {0};
    v.t = c->type;
    if (c->is_absent) {
        v.is_null = true;
        v.s = MSOC_STR("");
        return v;
    }
    if (xtype_is_str(c->type)) {
        v.s = c->v.s[row];
        return v;
    }
    if (c->type == MSOC_TYPE_DYNAMIC) {
        v.d = c->v.d[row];
        v.is_null = v.d == NULL || json_is_null(v.d);
        return v;
    }
    if (xcol_null(c, row)) {
        v.is_null = true;
        return v;
    }
    if (xtype_is_real(c->type))
        v.r = c->v.r[row];
    else
        v.i = c->v.i[row];
    return v;
}

void msoc_exec__col_set(xq *q, msoc_exec_col *c, size_t row, xval v)
{
    if (v.t != c->type)
        v = msoc_exec__convert(q, v, c->type);
    if (v.is_null) {
        msoc_exec__col_set_null(q, c, row);
        return;
    }
    if (c->nulls)
        c->nulls[row] = 0;
    if (xtype_is_str(c->type))
        c->v.s[row] = v.s;
    else if (c->type == MSOC_TYPE_DYNAMIC)
        c->v.d[row] = v.d;
    else if (xtype_is_real(c->type))
        c->v.r[row] = v.r;
    else
        c->v.i[row] = v.i;
}

msoc_exec_col *msoc_exec__col_gather(xq *q, const msoc_exec_col *c, const size_t *sel, size_t n)
{
    msoc_exec_col *o = msoc_exec__calloc(q, 1, sizeof *o);
    if (o == NULL)
        return NULL;
    o->type = c->type;
    o->n = n;
    if (c->is_absent) {
        o->is_absent = true;
        return o;
    }
    size_t es = elem_size(c->type);
    char *data = msoc_exec__alloc(q, (n ? n : 1) * es);
    if (data == NULL)
        return NULL;
    const char *src = (const char *)c->v.i;
    if (sel == NULL) {
        memcpy(data, src, n * es);
    } else if (es == 8) {
        const int64_t *s8 = c->v.i;
        int64_t *d8 = (int64_t *)(void *)data;
        for (size_t i = 0; i < n; i++)
            d8[i] = s8[sel[i]];
    } else {
        for (size_t i = 0; i < n; i++)
            memcpy(data + i * es, src + sel[i] * es, es);
    }
    o->v.i = (int64_t *)(void *)data;
    if (c->nulls) {
        o->nulls = msoc_exec__alloc(q, n ? n : 1);
        if (o->nulls == NULL)
            return NULL;
        for (size_t i = 0; i < n; i++)
            o->nulls[i] = c->nulls[sel ? sel[i] : i];
    }
    return o;
}

msoc_exec_col *msoc_exec__col_const(xq *q, xval v, msoc_type t, size_t n)
{
    msoc_exec_col *c = msoc_exec__col_new(q, t, n);
    if (c == NULL)
        return NULL;
    if (v.t != c->type)
        v = msoc_exec__convert(q, v, c->type);
    for (size_t i = 0; i < n; i++)
        msoc_exec__col_set(q, c, i, v);
    return c;
}

msoc_exec_table *msoc_exec__table_new(xq *q, size_t n_cols, size_t n_rows)
{
    msoc_exec_table *t = msoc_exec__calloc(q, 1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->n_cols = n_cols;
    t->n_rows = n_rows;
    t->names = msoc_exec__calloc(q, n_cols ? n_cols : 1, sizeof *t->names);
    t->cols = msoc_exec__calloc(q, n_cols ? n_cols : 1, sizeof *t->cols);
    if (t->names == NULL || t->cols == NULL)
        return NULL;
    return t;
}

msoc_exec_table *msoc_exec__table_gather(xq *q, const msoc_exec_table *t, const size_t *sel, size_t n)
{
    msoc_exec_table *o = msoc_exec__table_new(q, t->n_cols, n);
    if (o == NULL)
        return NULL;
    for (size_t i = 0; i < t->n_cols; i++) {
        o->names[i] = t->names[i];
        o->cols[i] = msoc_exec__col_gather(q, t->cols[i], sel, n);
        if (o->cols[i] == NULL)
            return NULL;
    }
    return o;
}

/* ---- conversions ---- */

static bool parse_i64_text(msoc_str s, int64_t *out)
{
    s = msoc_str_trim(s);
    if (msoc_str_to_i64(s, out))
        return true;
    double d;
    if (msoc_str_to_double(s, &d) && isfinite(d) && d >= -9.2e18 && d <= 9.2e18) {
        *out = (int64_t)d;
        return true;
    }
    return false;
}

static bool parse_guid(msoc_str s, char out[37])
{
    s = msoc_str_trim(s);
    if (s.len == 38 && s.ptr[0] == '{' && s.ptr[37] == '}')
        s = msoc_str_make(s.ptr + 1, 36);
    if (s.len == 32) {
        size_t j = 0;
        for (size_t i = 0; i < 32; i++) {
            if (i == 8 || i == 12 || i == 16 || i == 20)
                out[j++] = '-';
            char c = msoc_ascii_lower(s.ptr[i]);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                return false;
            out[j++] = c;
        }
        out[36] = 0;
        return true;
    }
    if (s.len != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        char c = msoc_ascii_lower(s.ptr[i]);
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
        out[i] = c;
    }
    out[36] = 0;
    return true;
}

xval msoc_exec__from_json(json_t *j)
{
    if (j == NULL || json_is_null(j))
        return xv_null(MSOC_TYPE_DYNAMIC);
    if (json_is_integer(j))
        return xv_long(json_integer_value(j));
    if (json_is_real(j))
        return xv_real(json_real_value(j));
    if (json_is_boolean(j))
        return xv_bool(json_is_true(j));
    if (json_is_string(j))
        return xv_str(msoc_str_make(json_string_value(j), json_string_length(j)));
    return xv_dyn(j);
}

xval msoc_exec__convert(xq *q, xval v, msoc_type t)
{
    if (v.t == t)
        return v;
    if (t == MSOC_TYPE_NULL)
        return v;
    if (t == MSOC_TYPE_DYNAMIC) {
        if (v.is_null && v.t != MSOC_TYPE_STRING)
            return xv_null(MSOC_TYPE_DYNAMIC);
        return xv_dyn(msoc_exec__to_json(q, v));
    }
    if (xtype_is_str(t) && t == MSOC_TYPE_STRING) {
        if (v.is_null)
            return xv_str(MSOC_STR(""));
        return xv_str(msoc_exec__to_text(q, v));
    }
    if (v.t == MSOC_TYPE_DYNAMIC) {
        if (v.is_null)
            return xv_null(t);
        xval s = msoc_exec__from_json(v.d);
        if (s.t == MSOC_TYPE_DYNAMIC)
            return xv_null(t);
        return msoc_exec__convert(q, s, t);
    }
    xval o = {0};
    o.t = t;
    if (v.is_null && !xtype_is_str(v.t)) {
        o.is_null = true;
        return o;
    }
    switch (t) {
    case MSOC_TYPE_BOOL:
        if (xtype_is_int(v.t))
            o.i = v.i != 0;
        else if (xtype_is_real(v.t))
            o.i = v.r != 0;
        else if (xtype_is_str(v.t)) {
            msoc_str s = msoc_str_trim(v.s);
            int64_t n;
            if (msoc_str_ieq_c(s, "true"))
                o.i = 1;
            else if (msoc_str_ieq_c(s, "false"))
                o.i = 0;
            else if (msoc_str_to_i64(s, &n))
                o.i = n != 0;
            else
                o.is_null = true;
        } else
            o.is_null = true;
        return o;
    case MSOC_TYPE_INT:
    case MSOC_TYPE_LONG:
        if (xtype_is_int(v.t))
            o.i = v.i;
        else if (xtype_is_real(v.t)) {
            if (!isfinite(v.r) || v.r >= 9.3e18 || v.r <= -9.3e18)
                o.is_null = true;
            else
                o.i = (int64_t)v.r;
        } else if (xtype_is_str(v.t)) {
            if (!parse_i64_text(v.s, &o.i))
                o.is_null = true;
        } else
            o.is_null = true;
        if (!o.is_null && t == MSOC_TYPE_INT)
            o.i = (int32_t)(uint32_t)(uint64_t)o.i;
        return o;
    case MSOC_TYPE_REAL:
    case MSOC_TYPE_DECIMAL:
        if (xtype_is_int(v.t))
            o.r = (double)v.i;
        else if (xtype_is_real(v.t))
            o.r = v.r;
        else if (xtype_is_str(v.t)) {
            msoc_str s = msoc_str_trim(v.s);
            if (msoc_str_eq_c(s, "NaN"))
                o.r = NAN;
            else if (msoc_str_eq_c(s, "Infinity") || msoc_str_eq_c(s, "+Infinity"))
                o.r = INFINITY;
            else if (msoc_str_eq_c(s, "-Infinity"))
                o.r = -INFINITY;
            else if (!msoc_str_to_double(s, &o.r))
                o.is_null = true;
        } else
            o.is_null = true;
        return o;
    case MSOC_TYPE_DATETIME:
        if (xtype_is_str(v.t)) {
            if (v.s.len == 0 || !msoc_datetime_parse_fast(v.s.ptr, v.s.len, &o.i) ||
                o.i == MSOC_TIME_NULL)
                o.is_null = true;
        } else if (v.t == MSOC_TYPE_DATETIME)
            o.i = v.i;
        else if (v.t == MSOC_TYPE_LONG || v.t == MSOC_TYPE_INT)
            o.i = v.i;
        else
            o.is_null = true;
        return o;
    case MSOC_TYPE_TIMESPAN:
        if (xtype_is_str(v.t)) {
            if (v.s.len == 0 || !msoc_timespan_parse_fast(v.s.ptr, v.s.len, &o.i) ||
                o.i == MSOC_TIME_NULL)
                o.is_null = true;
        } else if (xtype_is_int(v.t))
            o.i = v.i;
        else if (xtype_is_real(v.t))
            o.i = (int64_t)v.r;
        else
            o.is_null = true;
        return o;
    case MSOC_TYPE_GUID: {
        char g[37];
        if (xtype_is_str(v.t) && parse_guid(v.s, g))
            o.s = msoc_exec__strdup(q, g, 36);
        else
            o.is_null = true;
        if (o.is_null) {
            o.is_null = false;
            o.s = MSOC_STR("");
        }
        return o;
    }
    default:
        o.is_null = true;
        return o;
    }
}

json_t *msoc_exec__to_json(xq *q, xval v)
{
    json_t *j = NULL;
    if (v.t == MSOC_TYPE_DYNAMIC) {
        return v.d ? v.d : msoc_exec__own(q, json_null());
    }
    if (v.is_null && !xtype_is_str(v.t))
        return msoc_exec__own(q, json_null());
    switch (v.t) {
    case MSOC_TYPE_BOOL: j = json_boolean(v.i != 0); break;
    case MSOC_TYPE_INT:
    case MSOC_TYPE_LONG: j = json_integer(v.i); break;
    case MSOC_TYPE_REAL:
    case MSOC_TYPE_DECIMAL: j = json_real(v.r); break;
    case MSOC_TYPE_STRING: j = json_stringn_nocheck(v.s.ptr ? v.s.ptr : "", v.s.len); break;
    case MSOC_TYPE_GUID:
        j = v.s.len ? json_stringn_nocheck(v.s.ptr, v.s.len) : json_null(); /* "" is a null guid */
        break;
    case MSOC_TYPE_DATETIME: {
        char b[MSOC_DATETIME_FMT_CAP];
        size_t len = msoc_datetime_format(v.i, b);
        j = json_stringn(b, len);
        break;
    }
    case MSOC_TYPE_TIMESPAN: {
        char b[MSOC_TIMESPAN_FMT_CAP];
        size_t len = msoc_timespan_format(v.i, b);
        j = json_stringn(b, len);
        break;
    }
    default: j = json_null(); break;
    }
    if (j == NULL) /* json_real(NaN) refuses */
        j = json_null();
    return msoc_exec__own(q, j);
}

msoc_status msoc_exec__real_text(double r, msoc_buf *out)
{
    return msoc_buf_append_double(out, r);
}

static msoc_status json_write_rec(const json_t *j, msoc_buf *out, int depth)
{
    if (depth > 200)
        return msoc_buf_append_c(out, "null");
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        msoc_buf_putc(out, '{');
        const char *key;
        json_t *val;
        bool is_first = true;
        json_object_foreach((json_t *)(uintptr_t)j, key, val)
        {
            if (!is_first)
                msoc_buf_putc(out, ',');
            is_first = false;
            msoc_buf_append_json_str(out, key, strlen(key));
            msoc_buf_putc(out, ':');
            json_write_rec(val, out, depth + 1);
        }
        return msoc_buf_putc(out, '}');
    }
    case JSON_ARRAY: {
        msoc_buf_putc(out, '[');
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i)
                msoc_buf_putc(out, ',');
            json_write_rec(json_array_get(j, i), out, depth + 1);
        }
        return msoc_buf_putc(out, ']');
    }
    case JSON_STRING: return msoc_buf_append_json_str(out, json_string_value(j), json_string_length(j));
    case JSON_INTEGER: return msoc_buf_append_i64(out, json_integer_value(j));
    case JSON_REAL: {
        double r = json_real_value(j);
        if (!isfinite(r))
            return msoc_buf_append_c(out, isnan(r) ? "\"NaN\"" : r > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        size_t before = out->len;
        msoc_buf_append_double(out, r);
        /* keep the real-ness visible: 1 -> 1.0 */
        bool has_dot = false;
        for (size_t i = before; i < out->len; i++)
            if (out->data[i] == '.' || out->data[i] == 'e' || out->data[i] == 'E')
                has_dot = true;
        return has_dot ? MSOC_OK : msoc_buf_append_c(out, ".0");
    }
    case JSON_TRUE: return msoc_buf_append_c(out, "true");
    case JSON_FALSE: return msoc_buf_append_c(out, "false");
    case JSON_NULL: return msoc_buf_append_c(out, "null");
    }
    return MSOC_OK;
}

msoc_status msoc_exec__json_write(const json_t *j, msoc_buf *out)
{
    if (j == NULL)
        return msoc_buf_append_c(out, "null");
    return json_write_rec(j, out, 0);
}

msoc_status msoc_exec__val_text(xval v, msoc_buf *out)
{
    if (v.t == MSOC_TYPE_DYNAMIC) {
        if (v.d == NULL || json_is_null(v.d))
            return MSOC_OK;
        if (json_is_string(v.d))
            return json_string_length(v.d) ? msoc_buf_append(out, json_string_value(v.d), json_string_length(v.d)) : MSOC_OK;
        return msoc_exec__json_write(v.d, out);
    }
    if (v.is_null && !xtype_is_str(v.t))
        return MSOC_OK;
    switch (v.t) {
    case MSOC_TYPE_BOOL: return msoc_buf_append_c(out, v.i ? "true" : "false");
    case MSOC_TYPE_INT:
    case MSOC_TYPE_LONG: return msoc_buf_append_i64(out, v.i);
    case MSOC_TYPE_REAL:
    case MSOC_TYPE_DECIMAL: return msoc_exec__real_text(v.r, out);
    case MSOC_TYPE_STRING:
    case MSOC_TYPE_GUID: return v.s.len ? msoc_buf_append(out, v.s.ptr, v.s.len) : MSOC_OK;
    case MSOC_TYPE_DATETIME: {
        char b[MSOC_DATETIME_FMT_CAP];
        size_t len = msoc_datetime_format(v.i, b);
        return msoc_buf_append(out, b, len);
    }
    case MSOC_TYPE_TIMESPAN: {
        char b[MSOC_TIMESPAN_FMT_CAP];
        size_t len = msoc_timespan_format(v.i, b);
        return msoc_buf_append(out, b, len);
    }
    default: return MSOC_OK;
    }
}

msoc_str msoc_exec__to_text(xq *q, xval v)
{
    if (xtype_is_str(v.t))
        return v.s;
    if (v.t == MSOC_TYPE_DYNAMIC && v.d && json_is_string(v.d))
        return msoc_str_make(json_string_value(v.d), json_string_length(v.d));
    msoc_buf b;
    msoc_buf_init(&b, (size_t)1 << 30);
    msoc_buf_reserve(&b, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    msoc_exec__val_text(v, &b);
    msoc_str s = msoc_exec__strdup(q, b.data ? b.data : "", b.len);
    msoc_buf_fini(&b);
    return s;
}

json_t *msoc_exec__parse_json(xq *q, msoc_str s)
{
    json_error_t jerr;
    json_t *j = json_loadb(s.ptr ? s.ptr : "", s.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (j == NULL)
        j = json_stringn_nocheck(s.ptr ? s.ptr : "", s.len);
    return msoc_exec__own(q, j);
}

const char *msoc_exec__json_type(const json_t *j)
{
    if (j == NULL)
        return "null";
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "dictionary";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: {
        json_int_t v = json_integer_value(j);
        return (v >= INT32_MIN && v <= INT32_MAX) ? "int" : "long";
    }
    case JSON_REAL: return "real";
    case JSON_TRUE:
    case JSON_FALSE: return "bool";
    case JSON_NULL: return "null";
    }
    return "null";
}

/* ---- ordering, equality, hashing ---- */

static int cmp_num(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) ? (isnan(b) ? 0 : -1) : 1;
    return a < b ? -1 : a > b ? 1 : 0;
}

static int json_cmp(const json_t *a, const json_t *b);

int msoc_exec__cmp(xval a, xval b)
{
    bool an = a.is_null && !xtype_is_str(a.t), bn = b.is_null && !xtype_is_str(b.t);
    if (an || bn)
        return an == bn ? 0 : an ? -1 : 1;
    if (a.t == MSOC_TYPE_DYNAMIC || b.t == MSOC_TYPE_DYNAMIC) {
        if (a.t == MSOC_TYPE_DYNAMIC && b.t == MSOC_TYPE_DYNAMIC)
            return json_cmp(a.d, b.d);
        if (a.t == MSOC_TYPE_DYNAMIC) {
            xval s = msoc_exec__from_json(a.d);
            if (s.t == MSOC_TYPE_DYNAMIC)
                return 1;
            return msoc_exec__cmp(s, b);
        }
        return -msoc_exec__cmp(b, a);
    }
    if (xtype_is_str(a.t) && xtype_is_str(b.t)) {
        size_t n = a.s.len < b.s.len ? a.s.len : b.s.len;
        int c = n ? memcmp(a.s.ptr, b.s.ptr, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return a.s.len < b.s.len ? -1 : a.s.len > b.s.len ? 1 : 0;
    }
    if (xtype_is_real(a.t) || xtype_is_real(b.t)) {
        double x = xtype_is_real(a.t) ? a.r : (double)a.i;
        double y = xtype_is_real(b.t) ? b.r : (double)b.i;
        if (xtype_is_str(a.t) || xtype_is_str(b.t))
            return xtype_is_str(a.t) ? 1 : -1;
        return cmp_num(x, y);
    }
    if (xtype_is_int(a.t) && xtype_is_int(b.t))
        return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
    return (int)a.t - (int)b.t;
}

static int json_rank(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_NULL: return 0;
    case JSON_TRUE:
    case JSON_FALSE: return 1;
    case JSON_INTEGER:
    case JSON_REAL: return 2;
    case JSON_STRING: return 3;
    case JSON_ARRAY: return 4;
    case JSON_OBJECT: return 5;
    }
    return 6;
}

static int json_cmp(const json_t *a, const json_t *b)
{
    if (a == NULL || b == NULL)
        return (a == NULL) == (b == NULL) ? 0 : a == NULL ? -1 : 1;
    int ra = json_rank(a), rb = json_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    switch (ra) {
    case 1: return (int)json_is_true(a) - (int)json_is_true(b);
    case 2:
        if (json_is_integer(a) && json_is_integer(b)) {
            json_int_t x = json_integer_value(a), y = json_integer_value(b);
            return x < y ? -1 : x > y;
        }
        return cmp_num(json_number_value(a), json_number_value(b));
    case 3: {
        size_t la = json_string_length(a), lb = json_string_length(b);
        int c = memcmp(json_string_value(a), json_string_value(b), la < lb ? la : lb);
        if (c)
            return c < 0 ? -1 : 1;
        return la < lb ? -1 : la > lb;
    }
    case 4: {
        size_t la = json_array_size(a), lb = json_array_size(b);
        for (size_t i = 0; i < la && i < lb; i++) {
            int c = json_cmp(json_array_get(a, i), json_array_get(b, i));
            if (c)
                return c;
        }
        return la < lb ? -1 : la > lb;
    }
    default:
        return json_equal((json_t *)(uintptr_t)a, (json_t *)(uintptr_t)b) ? 0 : (a < b ? -1 : 1);
    }
}

bool msoc_exec__json_eq(const json_t *a, const json_t *b)
{
    if (a == NULL || b == NULL)
        return (a == NULL || json_is_null(a)) && (b == NULL || json_is_null(b));
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    return json_equal((json_t *)(uintptr_t)a, (json_t *)(uintptr_t)b);
}

bool msoc_exec__eq(xval a, xval b)
{
    bool an = a.is_null && !xtype_is_str(a.t), bn = b.is_null && !xtype_is_str(b.t);
    if (an || bn)
        return an && bn;
    if (a.t == MSOC_TYPE_DYNAMIC && b.t == MSOC_TYPE_DYNAMIC)
        return msoc_exec__json_eq(a.d, b.d);
    return msoc_exec__cmp(a, b) == 0;
}

static uint64_t json_hash(const json_t *j, int depth)
{
    if (j == NULL || depth > 50)
        return 0;
    switch (json_typeof(j)) {
    case JSON_STRING: return msoc_hash_bytes(json_string_value(j), json_string_length(j));
    case JSON_INTEGER: {
        double d = (double)json_integer_value(j);
        return msoc_hash_bytes(&d, sizeof d);
    }
    case JSON_REAL: {
        double d = json_real_value(j);
        return msoc_hash_bytes(&d, sizeof d);
    }
    case JSON_ARRAY: {
        uint64_t h = 7;
        for (size_t i = 0; i < json_array_size(j); i++)
            h = h * 31 + json_hash(json_array_get(j, i), depth + 1);
        return h;
    }
    case JSON_OBJECT: {
        uint64_t h = 11;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)(uintptr_t)j, k, v)
        {
            h ^= msoc_hash_bytes(k, strlen(k)) * 3 + json_hash(v, depth + 1);
        }
        return h;
    }
    default: return (uint64_t)json_typeof(j);
    }
}

uint64_t msoc_exec__hash(xval v)
{
    if (v.is_null && !xtype_is_str(v.t))
        return 0x9e3779b97f4a7c15ULL;
    if (xtype_is_str(v.t))
        return msoc_hash_bytes(v.s.ptr ? v.s.ptr : "", v.s.len);
    if (v.t == MSOC_TYPE_DYNAMIC)
        return json_hash(v.d, 0);
    if (xtype_is_real(v.t)) {
        double d = v.r;
        if (d == 0)
            d = 0;
        return msoc_hash_bytes(&d, sizeof d);
    }
    return msoc_hash_u64((uint64_t)v.i);
}

uint64_t msoc_exec__row_hash(msoc_exec_col **cols, size_t n_cols, size_t row)
{
    uint64_t h = 0x12345;
    for (size_t i = 0; i < n_cols; i++)
        h = (h ^ msoc_exec__hash(msoc_exec__col_get(cols[i], row))) * 0x100000001b3ULL;
    return h;
}

bool msoc_exec__row_eq(msoc_exec_col **a, size_t ra, msoc_exec_col **b, size_t rb, size_t n_cols)
{
    for (size_t i = 0; i < n_cols; i++) {
        if (!msoc_exec__eq(msoc_exec__col_get(a[i], ra), msoc_exec__col_get(b[i], rb)))
            return false;
    }
    return true;
}

void msoc_exec__hash_cols(msoc_exec_col **cols, size_t n_cols, size_t n, uint64_t *h)
{
    for (size_t r = 0; r < n; r++)
        h[r] = 0x12345;
    for (size_t i = 0; i < n_cols; i++) {
        const msoc_exec_col *c = cols[i];
        if (c->is_absent || c->type == MSOC_TYPE_DYNAMIC || xtype_is_real(c->type)) {
            for (size_t r = 0; r < n; r++)
                h[r] = (h[r] ^ msoc_exec__hash(msoc_exec__col_get(c, r))) * 0x100000001b3ULL;
        } else if (xtype_is_str(c->type)) {
            const msoc_str *s = c->v.s;
            const char *pp = NULL;
            size_t pl = (size_t)-1;
            uint64_t ph = 0;
            for (size_t r = 0; r < n; r++) {
                if (s[r].ptr != pp || s[r].len != pl) {
                    pp = s[r].ptr;
                    pl = s[r].len;
                    ph = msoc_hash_bytes(pp ? pp : "", pl);
                }
                h[r] = (h[r] ^ ph) * 0x100000001b3ULL;
            }
        } else {
            const int64_t *x = c->v.i;
            for (size_t r = 0; r < n; r++) {
                uint64_t v = (c->nulls && c->nulls[r]) ? 0x9e3779b97f4a7c15ULL : msoc_hash_u64((uint64_t)x[r]);
                h[r] = (h[r] ^ v) * 0x100000001b3ULL;
            }
        }
    }
}

bool msoc_exec__key_eq(msoc_exec_col **a, size_t ra, msoc_exec_col **b, size_t rb, size_t n_cols)
{
    for (size_t i = 0; i < n_cols; i++) {
        const msoc_exec_col *x = a[i], *y = b[i];
        if (x->type == y->type && !x->is_absent && !y->is_absent) {
            if (xtype_is_str(x->type)) {
                msoc_str p = x->v.s[ra], q2 = y->v.s[rb];
                if (p.len != q2.len || (p.len && p.ptr != q2.ptr && memcmp(p.ptr, q2.ptr, p.len) != 0))
                    return false;
                continue;
            }
            if (xtype_is_int(x->type)) {
                bool xn = x->nulls && x->nulls[ra], yn = y->nulls && y->nulls[rb];
                if (xn != yn || (!xn && x->v.i[ra] != y->v.i[rb]))
                    return false;
                continue;
            }
        }
        if (!msoc_exec__eq(msoc_exec__col_get(x, ra), msoc_exec__col_get(y, rb)))
            return false;
    }
    return true;
}
