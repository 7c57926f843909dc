/* Dynamic (JSON) arrays and property bags. */
#include <stdlib.h>
#include <string.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

static json_t *arr_of(xval v)
{
    if (v.t == MSOC_TYPE_DYNAMIC && v.d && json_is_array(v.d))
        return v.d;
    return NULL;
}

static json_t *bag_of(xval v)
{
    if (v.t == MSOC_TYPE_DYNAMIC && v.d && json_is_object(v.d))
        return v.d;
    return NULL;
}

static json_t *new_arr(xq *q)
{
    return msoc_exec__own(q, json_array());
}

ROW(f_array_length)
{
    (void)q, (void)n_args;
    json_t *arr = arr_of(a[0]);
    *out = arr ? xv_long((int64_t)json_array_size(arr)) : xv_null(MSOC_TYPE_LONG);
}

ROW(f_pack)
{
    json_t *o = msoc_exec__own(q, json_object());
    if (o == NULL)
        return;
    for (size_t i = 0; i + 1 < n_args; i += 2) {
        msoc_str k = msoc_exec__to_text(q, a[i]);
        char *key = msoc_arena_strndup(q->arena, k.ptr ? k.ptr : "", k.len);
        if (key == NULL)
            return;
        json_object_set(o, key, msoc_exec__to_json(q, a[i + 1]));
    }
    *out = xv_dyn(o);
}

ROW(f_pack_array)
{
    json_t *arr = new_arr(q);
    for (size_t i = 0; arr && i < n_args; i++)
        json_array_append(arr, msoc_exec__to_json(q, a[i]));
    *out = xv_dyn(arr);
}

static bool arr_contains(const json_t *arr, const json_t *v)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        if (msoc_exec__json_eq(json_array_get(arr, i), v))
            return true;
    return false;
}

ROW(f_set_union)
{
    json_t *r = new_arr(q);
    for (size_t i = 0; r && i < n_args; i++) {
        json_t *arr = arr_of(a[i]);
        if (arr == NULL) {
            *out = xv_null(MSOC_TYPE_DYNAMIC);
            return;
        }
        for (size_t k = 0; k < json_array_size(arr); k++)
            if (!arr_contains(r, json_array_get(arr, k)))
                json_array_append(r, json_array_get(arr, k));
    }
    *out = xv_dyn(r);
}

ROW(f_set_intersect)
{
    json_t *r = new_arr(q);
    json_t *first = arr_of(a[0]);
    if (r == NULL || first == NULL)
        return;
    for (size_t k = 0; k < json_array_size(first); k++) {
        json_t *v = json_array_get(first, k);
        bool is_all = !arr_contains(r, v);
        for (size_t i = 1; is_all && i < n_args; i++) {
            json_t *arr = arr_of(a[i]);
            is_all = arr && arr_contains(arr, v);
        }
        if (is_all)
            json_array_append(r, v);
    }
    *out = xv_dyn(r);
}

ROW(f_set_difference)
{
    json_t *r = new_arr(q);
    json_t *first = arr_of(a[0]);
    if (r == NULL || first == NULL)
        return;
    for (size_t k = 0; k < json_array_size(first); k++) {
        json_t *v = json_array_get(first, k);
        bool is_other = arr_contains(r, v);
        for (size_t i = 1; !is_other && i < n_args; i++) {
            json_t *arr = arr_of(a[i]);
            is_other = arr && arr_contains(arr, v);
        }
        if (!is_other)
            json_array_append(r, v);
    }
    *out = xv_dyn(r);
}

ROW(f_set_has_element)
{
    (void)n_args;
    json_t *arr = arr_of(a[0]);
    *out = xv_bool(arr && arr_contains(arr, msoc_exec__to_json(q, a[1])));
}

ROW(f_array_concat)
{
    json_t *r = new_arr(q);
    for (size_t i = 0; r && i < n_args; i++) {
        json_t *arr = arr_of(a[i]);
        if (arr == NULL) {
            *out = xv_null(MSOC_TYPE_DYNAMIC);
            return;
        }
        json_array_extend(r, arr);
    }
    *out = xv_dyn(r);
}

static int64_t L(xq *q, xval v)
{
    return msoc_exec__convert(q, v, MSOC_TYPE_LONG).i;
}

ROW(f_array_slice)
{
    (void)n_args;
    json_t *arr = arr_of(a[0]);
    if (arr == NULL)
        return;
    int64_t n = (int64_t)json_array_size(arr);
    int64_t s = L(q, a[1]), e = L(q, a[2]);
    if (s < 0)
        s += n;
    if (e < 0)
        e += n;
    if (s < 0)
        s = 0;
    if (e >= n)
        e = n - 1;
    json_t *r = new_arr(q);
    for (int64_t i = s; r && i <= e; i++)
        json_array_append(r, json_array_get(arr, (size_t)i));
    *out = xv_dyn(r);
}

ROW(f_array_index_of)
{
    
    json_t *arr = arr_of(a[0]);
    if (arr == NULL)
        return;
    json_t *v = msoc_exec__to_json(q, a[1]);
    int64_t len = (int64_t)json_array_size(arr);
    int64_t start = n_args > 2 ? L(q, a[2]) : 0, count = n_args > 3 ? L(q, a[3]) : -1,
            occ = n_args > 4 ? L(q, a[4]) : 1;
    if (start < 0)
        start += len;
    if (start < 0 || start > len || occ <= 0) {
        *out = xv_null(MSOC_TYPE_LONG);
        return;
    }
    int64_t end = count < 0 || start + count > len ? len : start + count;
    for (int64_t i = start; i < end; i++) {
        if (msoc_exec__json_eq(json_array_get(arr, (size_t)i), v) && --occ == 0) {
            *out = xv_long(i);
            return;
        }
    }
    *out = xv_long(-1);
}

ROW(f_array_reverse)
{
    (void)n_args;
    json_t *arr = arr_of(a[0]);
    if (arr == NULL)
        return;
    json_t *r = new_arr(q);
    for (size_t i = json_array_size(arr); r && i > 0; i--)
        json_array_append(r, json_array_get(arr, i - 1));
    *out = xv_dyn(r);
}

static int cmp_json_asc(const void *x, const void *y)
{
    const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    bool an = json_is_null(a), bn = json_is_null(b);
    if (an || bn)
        return an == bn ? 0 : an ? 1 : -1; /* nulls last */
    return msoc_exec__cmp(msoc_exec__from_json((json_t *)(uintptr_t)a),
                          msoc_exec__from_json((json_t *)(uintptr_t)b));
}

typedef struct sort_item {
    json_t *v;
    size_t idx;   /* position in the input: ties keep their order */
} sort_item;

static int cmp_sort_item(const void *x, const void *y)
{
    const sort_item *a = x, *b = y;
    int c = cmp_json_asc(&a->v, &b->v);
    return c != 0 ? c : (a->idx > b->idx) - (a->idx < b->idx);
}

/* array_sort_asc/desc(array1[, ..., arrayN][, nulls_last]): sorts array1 and
 * reorders the other arrays (same length) the same way. One array gives the
 * sorted array; several give an array of the reordered arrays. */
static void sort_arr(xq *q, const xval *a, size_t n_args, bool is_desc, xval *out)
{
    json_t *arr = arr_of(a[0]);
    if (arr == NULL)
        return;
    bool is_nulls_last = true;
    size_t n_arrays = n_args;
    if (n_args > 1 && a[n_args - 1].t != MSOC_TYPE_DYNAMIC) {
        n_arrays = n_args - 1;
        if (!a[n_args - 1].is_null)
            is_nulls_last = msoc_exec__convert(q, a[n_args - 1], MSOC_TYPE_BOOL).i != 0;
    }
    size_t n = json_array_size(arr);
    for (size_t k = 1; k < n_arrays; k++) {
        json_t *other = arr_of(a[k]);
        if (other == NULL || json_array_size(other) != n)
            return;
    }
    sort_item *items = msoc_exec__calloc(q, n ? n : 1, sizeof *items);
    size_t *order = msoc_exec__calloc(q, n ? n : 1, sizeof *order);
    if (items == NULL || order == NULL)
        return;
    size_t n_null = 0, k = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);
        if (json_is_null(v))
            n_null++;
        else
            items[k++] = (sort_item){v, i};
    }
    qsort(items, k, sizeof *items, cmp_sort_item);
    size_t o = 0;
    if (!is_nulls_last)
        for (size_t i = 0; i < n; i++)
            if (json_is_null(json_array_get(arr, i)))
                order[o++] = i;
    for (size_t i = 0; i < k; i++)
        order[o++] = items[is_desc ? k - 1 - i : i].idx;
    if (is_nulls_last)
        for (size_t i = 0; i < n; i++)
            if (json_is_null(json_array_get(arr, i)))
                order[o++] = i;
    (void)n_null;
    json_t *all = n_arrays > 1 ? new_arr(q) : NULL;
    for (size_t ai = 0; ai < n_arrays; ai++) {
        json_t *src = arr_of(a[ai]);
        json_t *r = new_arr(q);
        if (r == NULL)
            return;
        for (size_t i = 0; i < n; i++)
            json_array_append(r, json_array_get(src, order[i]));
        if (all == NULL) {
            *out = xv_dyn(r);
            return;
        }
        json_array_append(all, r);
    }
    *out = xv_dyn(all);
}

ROW(f_array_sort_asc) { sort_arr(q, a, n_args, false, out); }
ROW(f_array_sort_desc) { sort_arr(q, a, n_args, true, out); }

ROW(f_array_sum)
{
    (void)q, (void)n_args;
    json_t *arr = arr_of(a[0]);
    if (arr == NULL)
        return;
    double s = 0;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_number(v)) {
            *out = xv_null(MSOC_TYPE_REAL);
            return;
        }
        s += json_number_value(v);
    }
    *out = xv_real(s);
}

ROW(f_array_iff)
{
    (void)n_args;
    json_t *c = arr_of(a[0]), *x = arr_of(a[1]), *y = arr_of(a[2]);
    if (c == NULL)
        return;
    json_t *r = new_arr(q);
    for (size_t i = 0; r && i < json_array_size(c); i++) {
        json_t *cv = json_array_get(c, i);
        json_t *pick;
        if (json_is_null(cv) || !(json_is_boolean(cv) || json_is_number(cv))) {
            json_array_append_new(r, json_null());
            continue;
        }
        bool is_true = json_is_boolean(cv) ? json_is_true(cv) : json_number_value(cv) != 0;
        json_t *src = is_true ? x : y;
        xval sv = is_true ? a[1] : a[2];
        if (src)
            pick = json_array_get(src, i);
        else
            pick = msoc_exec__to_json(q, sv);
        json_array_append(r, pick ? pick : json_null());
    }
    *out = xv_dyn(r);
}

static void rotate(xq *q, const xval *a, int64_t k, xval *out)
{
    json_t *arr = arr_of(a[0]);
    if (arr == NULL)
        return;
    int64_t n = (int64_t)json_array_size(arr);
    json_t *r = new_arr(q);
    for (int64_t i = 0; r && i < n; i++) {
        int64_t src = ((i + k) % n + n) % n;
        json_array_append(r, json_array_get(arr, (size_t)src));
    }
    *out = xv_dyn(r);
}

ROW(f_rot_left) { (void)n_args; rotate(q, a, L(q, a[1]), out); }
ROW(f_rot_right) { (void)n_args; rotate(q, a, -L(q, a[1]), out); }

static void shift(xq *q, const xval *a, size_t n_args, int64_t k, xval *out)
{
    json_t *arr = arr_of(a[0]);
    if (arr == NULL)
        return;
    int64_t n = (int64_t)json_array_size(arr);
    json_t *r = new_arr(q);
    for (int64_t i = 0; r && i < n; i++) {
        int64_t src = i + k;
        if (src >= 0 && src < n)
            json_array_append(r, json_array_get(arr, (size_t)src));
        else if (n_args > 2)
            json_array_append(r, msoc_exec__to_json(q, a[2]));
        else
            json_array_append_new(r, json_null());
    }
    *out = xv_dyn(r);
}

ROW(f_shift_left) { shift(q, a, n_args, L(q, a[1]), out); }
ROW(f_shift_right) { shift(q, a, n_args, -L(q, a[1]), out); }

ROW(f_array_split)
{
    (void)n_args;
    json_t *arr = arr_of(a[0]);
    if (arr == NULL)
        return;
    int64_t n = (int64_t)json_array_size(arr);
    int64_t idx[256];
    size_t n_idx = 0;
    json_t *ia = arr_of(a[1]);
    if (ia) {
        for (size_t i = 0; i < json_array_size(ia) && n_idx < 256; i++)
            idx[n_idx++] = json_integer_value(json_array_get(ia, i));
    } else {
        idx[n_idx++] = L(q, a[1]);
    }
    json_t *r = new_arr(q);
    int64_t start = 0;
    for (size_t k = 0; r && k <= n_idx; k++) {
        int64_t end = k < n_idx ? idx[k] : n;
        if (end < 0)
            end += n;
        if (end > n)
            end = n;
        if (end < start)
            end = start;
        json_t *part = json_array();
        for (int64_t i = start; i < end; i++)
            json_array_append(part, json_array_get(arr, (size_t)i));
        json_array_append_new(r, part);
        start = end;
    }
    *out = xv_dyn(r);
}

ROW(f_bag_keys)
{
    (void)n_args;
    json_t *b = bag_of(a[0]);
    if (b == NULL)
        return;
    json_t *r = new_arr(q);
    const char *k;
    json_t *v;
    json_object_foreach(b, k, v)
    {
        (void)v;
        json_array_append_new(r, json_string(k));
    }
    *out = xv_dyn(r);
}

ROW(f_bag_has_key)
{
    (void)n_args;
    json_t *b = bag_of(a[0]);
    msoc_str k = msoc_exec__to_text(q, a[1]);
    char *key = msoc_arena_strndup(q->arena, k.ptr ? k.ptr : "", k.len);
    if (b && key && key[0] == '$') {
        /* $.a.b or $['a'] paths */
        json_t *cur = b;
        char *p = key + 1;
        while (cur && *p) {
            char part[256];
            size_t n = 0;
            if (*p == '.') {
                p++;
                while (*p && *p != '.' && *p != '[' && n + 1 < sizeof part)
                    part[n++] = *p++;
            } else if (*p == '[') {
                p++;
                if (*p == '\'' || *p == '"')
                    p++;
                while (*p && *p != ']' && *p != '\'' && *p != '"' && n + 1 < sizeof part)
                    part[n++] = *p++;
                while (*p && *p != ']')
                    p++;
                if (*p)
                    p++;
            } else {
                break;
            }
            part[n] = 0;
            cur = json_is_object(cur) ? json_object_get(cur, part) : NULL;
        }
        *out = xv_bool(cur != NULL && *p == 0);
        return;
    }
    *out = xv_bool(b && key && json_object_get(b, key) != NULL);
}

ROW(f_bag_merge)
{
    json_t *r = msoc_exec__own(q, json_object());
    for (size_t i = 0; r && i < n_args; i++) {
        json_t *b = bag_of(a[i]);
        const char *k;
        json_t *v;
        if (b == NULL)
            continue;
        json_object_foreach(b, k, v)
        {
            if (json_object_get(r, k) == NULL)
                json_object_set(r, k, v);
        }
    }
    *out = xv_dyn(r);
}

ROW(f_bag_remove_keys)
{
    (void)n_args;
    json_t *b = bag_of(a[0]), *keys = arr_of(a[1]);
    if (b == NULL)
        return;
    json_t *r = msoc_exec__own(q, json_deep_copy(b));
    for (size_t i = 0; r && keys && i < json_array_size(keys); i++) {
        json_t *k = json_array_get(keys, i);
        if (json_is_string(k))
            json_object_del(r, json_string_value(k));
    }
    *out = xv_dyn(r);
}

ROW(f_bag_zip)
{
    (void)n_args;
    json_t *k = arr_of(a[0]), *v = arr_of(a[1]);
    if (k == NULL)
        return;
    if (v == NULL)
        v = msoc_exec__own(q, json_array());
    json_t *r = msoc_exec__own(q, json_object());
    for (size_t i = 0; r && i < json_array_size(k); i++) {
        json_t *key = json_array_get(k, i);
        if (!json_is_string(key))
            continue;
        json_t *val = i < json_array_size(v) ? json_array_get(v, i) : json_null();
        json_object_set(r, json_string_value(key), val);
        if (i >= json_array_size(v))
            json_decref(val);
    }
    *out = xv_dyn(r);
}

ROW(f_zip)
{
    size_t max = 0;
    for (size_t i = 0; i < n_args; i++) {
        json_t *arr = arr_of(a[i]);
        if (arr == NULL)
            return;
        if (json_array_size(arr) > max)
            max = json_array_size(arr);
    }
    json_t *r = new_arr(q);
    for (size_t k = 0; r && k < max; k++) {
        json_t *row = json_array();
        for (size_t i = 0; i < n_args; i++) {
            json_t *v = json_array_get(a[i].d, k);
            json_array_append_new(row, v ? json_incref(v) : json_null());
        }
        json_array_append_new(r, row);
    }
    *out = xv_dyn(r);
}

ROW(f_repeat)
{
    (void)n_args;
    int64_t n = L(q, a[1]);
    if (n < 0)
        return;
    if (n > 1000000)
        n = 1000000;
    json_t *r = new_arr(q);
    json_t *v = msoc_exec__to_json(q, a[0]);
    for (int64_t i = 0; r && i < n; i++)
        json_array_append(r, v);
    *out = xv_dyn(r);
}

ROW(f_range)
{
    json_t *r = new_arr(q);
    if (r == NULL)
        return;
    xval s = a[0], e = a[1];
    if (s.t == MSOC_TYPE_DATETIME || s.t == MSOC_TYPE_TIMESPAN) {
        int64_t step = n_args > 2 ? msoc_exec__convert(q, a[2], MSOC_TYPE_TIMESPAN).i : MSOC_TICKS_PER_HOUR;
        if (step <= 0)
            return;
        for (int64_t t = s.i, k = 0; t <= e.i && k < 1048576; t += step, k++)
            json_array_append(r, msoc_exec__to_json(q, xv_typed_i(s.t, t)));
    } else if (xtype_is_real(s.t) || xtype_is_real(e.t) || (n_args > 2 && xtype_is_real(a[2].t))) {
        double x = msoc_exec__convert(q, s, MSOC_TYPE_REAL).r, y = msoc_exec__convert(q, e, MSOC_TYPE_REAL).r;
        double st = n_args > 2 ? msoc_exec__convert(q, a[2], MSOC_TYPE_REAL).r : 1;
        if (st == 0)
            return;
        for (int k = 0; (st > 0 ? x <= y : x >= y) && k < 1048576; x += st, k++)
            json_array_append_new(r, json_real(x));
    } else {
        int64_t x = L(q, s), y = L(q, e), st = n_args > 2 ? L(q, a[2]) : 1;
        if (st == 0)
            return;
        for (int k = 0; (st > 0 ? x <= y : x >= y) && k < 1048576; x += st, k++)
            json_array_append_new(r, json_integer(x));
    }
    *out = xv_dyn(r);
}

void msoc_exec__fn_register_dynamic(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, false}
    REG(ARRAY_LENGTH, f_array_length);
    REG(PACK, f_pack);
    REG(BAG_PACK, f_pack);
    REG(PACK_ARRAY, f_pack_array);
    REG(SET_UNION, f_set_union);
    REG(SET_INTERSECT, f_set_intersect);
    REG(SET_DIFFERENCE, f_set_difference);
    REG(SET_HAS_ELEMENT, f_set_has_element);
    REG(ARRAY_CONCAT, f_array_concat);
    REG(ARRAY_SLICE, f_array_slice);
    REG(ARRAY_INDEX_OF, f_array_index_of);
    REG(ARRAY_REVERSE, f_array_reverse);
    REG(ARRAY_SORT_ASC, f_array_sort_asc);
    REG(ARRAY_SORT_DESC, f_array_sort_desc);
    REG(ARRAY_SUM, f_array_sum);
    REG(ARRAY_IFF, f_array_iff);
    REG(ARRAY_ROTATE_LEFT, f_rot_left);
    REG(ARRAY_ROTATE_RIGHT, f_rot_right);
    REG(ARRAY_SHIFT_LEFT, f_shift_left);
    REG(ARRAY_SHIFT_RIGHT, f_shift_right);
    REG(ARRAY_SPLIT, f_array_split);
    REG(BAG_KEYS, f_bag_keys);
    REG(BAG_HAS_KEY, f_bag_has_key);
    REG(BAG_MERGE, f_bag_merge);
    REG(BAG_REMOVE_KEYS, f_bag_remove_keys);
    REG(BAG_ZIP, f_bag_zip);
    REG(ZIP, f_zip);
    REG(REPEAT, f_repeat);
    REG(RANGE_FN, f_range);
#undef REG
}
