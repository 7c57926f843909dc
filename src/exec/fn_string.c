/* String functions. */
#include <string.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

static msoc_str T(xq *q, xval v)
{
    if (v.is_null && !xtype_is_str(v.t))
        return MSOC_STR("");
    return msoc_exec__to_text(q, v);
}

static char *buf_new(xq *q, size_t len)
{
    return msoc_exec__alloc(q, len + 1);
}

ROW(f_strcat)
{
    size_t total = 0;
    msoc_str parts[64];
    size_t n = n_args < 64 ? n_args : 64;
    for (size_t i = 0; i < n; i++) {
        parts[i] = T(q, a[i]);
        total += parts[i].len;
    }
    char *p = buf_new(q, total);
    if (p == NULL)
        return;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (parts[i].len)
            memcpy(p + o, parts[i].ptr, parts[i].len);
        o += parts[i].len;
    }
    p[o] = 0;
    *out = xv_str(msoc_str_make(p, o));
}

ROW(f_strcat_delim)
{
    msoc_buf b;
    msoc_buf_init(&b, (size_t)1 << 30);
    msoc_buf_reserve(&b, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    msoc_str d = T(q, a[0]);
    for (size_t i = 1; i < n_args; i++) {
        if (i > 1)
            msoc_buf_append_str(&b, d);
        msoc_buf_append_str(&b, T(q, a[i]));
    }
    *out = xv_str(msoc_exec__strdup(q, b.data, b.len));
    msoc_buf_fini(&b);
}

/* Number of UTF-8 code points. */
static size_t u8_len(msoc_str s)
{
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++)
        n += ((unsigned char)s.ptr[i] & 0xC0) != 0x80;
    return n;
}

/* Byte offset of code point cp (clamped to the end). */
static size_t u8_off(msoc_str s, size_t cp)
{
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (((unsigned char)s.ptr[i] & 0xC0) != 0x80) {
            if (n == cp)
                return i;
            n++;
        }
    }
    return s.len;
}

ROW(f_strlen)
{
    (void)n_args;
    *out = xv_long((int64_t)u8_len(T(q, a[0])));
}

ROW(f_substring)
{
    msoc_str s = T(q, a[0]);
    int64_t len = (int64_t)u8_len(s);
    xval st = msoc_exec__convert(q, a[1], MSOC_TYPE_LONG);
    if (st.is_null) {
        *out = xv_str(MSOC_STR(""));
        return;
    }
    int64_t start = st.i, count = len;
    if (n_args > 2) {
        xval c = msoc_exec__convert(q, a[2], MSOC_TYPE_LONG);
        if (!c.is_null)
            count = c.i;
    }
    if (start < 0)
        start += len;
    if (start < 0) {
        count += start;
        start = 0;
    }
    if (start > len || count <= 0) {
        *out = xv_str(MSOC_STR(""));
        return;
    }
    if (start + count > len)
        count = len - start;
    size_t b0 = u8_off(s, (size_t)start), b1 = u8_off(s, (size_t)(start + count));
    *out = xv_str(msoc_str_make(s.ptr + b0, b1 - b0));
}

static void case_map(xq *q, xval v, bool is_upper, xval *out)
{
    msoc_str s = T(q, v);
    char *p = buf_new(q, s.len);
    if (p == NULL)
        return;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (is_upper && c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        else if (!is_upper && c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        p[i] = c;
    }
    p[s.len] = 0;
    *out = xv_str(msoc_str_make(p, s.len));
}

ROW(f_tolower) { (void)n_args; case_map(q, a[0], false, out); }
ROW(f_toupper) { (void)n_args; case_map(q, a[0], true, out); }

/* trim(regex, s): removes leading/trailing matches of regex. */
static void trim_impl(xq *q, const xval *a, bool is_start, bool is_end, xval *out)
{
    msoc_str re_text = T(q, a[0]);
    msoc_str s = T(q, a[1]);
    msoc_buf pat;
    msoc_buf_init(&pat, 1 << 20);
    msoc_buf_reserve(&pat, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    size_t b = 0, e = s.len;
    long g[2];
    if (is_start) {
        msoc_buf_appendf(&pat, "^(?:%.*s)", (int)re_text.len, re_text.ptr ? re_text.ptr : "");
        xregex *re = msoc_exec__regex(q, msoc_str_make(pat.data, pat.len));
        if (re && msoc_exec__regex_match(re, s, 0, g, 1) > 0 && g[0] == 0)
            b = (size_t)g[1];
        msoc_buf_reset(&pat);
    }
    if (is_end) {
        msoc_buf_appendf(&pat, "(?:%.*s)$", (int)re_text.len, re_text.ptr ? re_text.ptr : "");
        xregex *re = msoc_exec__regex(q, msoc_str_make(pat.data, pat.len));
        msoc_str rest = msoc_str_make(s.ptr + b, s.len - b);
        if (re) {
            for (size_t from = 0; from <= rest.len; from++) {
                if (msoc_exec__regex_match(re, rest, from, g, 1) <= 0)
                    break;
                if ((size_t)g[1] == rest.len) {
                    e = b + (size_t)g[0];
                    break;
                }
                from = (size_t)g[0];
            }
        }
    }
    msoc_buf_fini(&pat);
    if (e < b)
        e = b;
    *out = xv_str(msoc_str_make(s.ptr + b, e - b));
}

ROW(f_trim) { (void)n_args; trim_impl(q, a, true, true, out); }
ROW(f_trim_start) { (void)n_args; trim_impl(q, a, true, false, out); }
ROW(f_trim_end) { (void)n_args; trim_impl(q, a, false, true, out); }

ROW(f_split)
{
    msoc_str s = T(q, a[0]);
    msoc_str d = T(q, a[1]);
    json_t *arr = msoc_exec__own(q, json_array());
    if (arr == NULL)
        return;
    size_t start = 0;
    if (d.len == 0) {
        json_array_append_new(arr, json_stringn_nocheck(s.ptr, s.len));
    } else {
        for (size_t i = 0; i + d.len <= s.len;) {
            if (memcmp(s.ptr + i, d.ptr, d.len) == 0) {
                json_array_append_new(arr, json_stringn_nocheck(s.ptr + start, i - start));
                i += d.len;
                start = i;
            } else {
                i++;
            }
        }
        json_array_append_new(arr, json_stringn_nocheck(s.ptr + start, s.len - start));
    }
    if (n_args > 2) {
        xval idx = msoc_exec__convert(q, a[2], MSOC_TYPE_LONG);
        json_t *one = msoc_exec__own(q, json_array());
        if (one == NULL)
            return;
        if (!idx.is_null && idx.i >= 0 && (size_t)idx.i < json_array_size(arr))
            json_array_append(one, json_array_get(arr, (size_t)idx.i));
        arr = one;
    }
    *out = xv_dyn(arr);
}

ROW(f_replace_string)
{
    (void)n_args;
    msoc_str s = T(q, a[0]), f = T(q, a[1]), r = T(q, a[2]);
    if (f.len == 0) {
        *out = xv_str(s);
        return;
    }
    msoc_buf b;
    msoc_buf_init(&b, (size_t)1 << 30);
    msoc_buf_reserve(&b, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    for (size_t i = 0; i < s.len;) {
        if (i + f.len <= s.len && memcmp(s.ptr + i, f.ptr, f.len) == 0) {
            msoc_buf_append_str(&b, r);
            i += f.len;
        } else {
            msoc_buf_putc(&b, s.ptr[i++]);
        }
    }
    *out = xv_str(msoc_exec__strdup(q, b.data, b.len));
    msoc_buf_fini(&b);
}

/* Appends the rewrite with \1 / $1 group references expanded. */
static void append_rewrite(msoc_buf *b, msoc_str rw, msoc_str s, const long *g, int n_g)
{
    for (size_t i = 0; i < rw.len; i++) {
        char c = rw.ptr[i];
        if ((c == '\\' || c == '$') && i + 1 < rw.len && rw.ptr[i + 1] >= '0' && rw.ptr[i + 1] <= '9') {
            int k = rw.ptr[++i] - '0';
            if (k < n_g && g[2 * k] >= 0)
                msoc_buf_append(b, s.ptr + g[2 * k], (size_t)(g[2 * k + 1] - g[2 * k]));
            continue;
        }
        msoc_buf_putc(b, c);
    }
}

ROW(f_replace_regex)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    xregex *re = msoc_exec__regex(q, T(q, a[1]));
    msoc_str rw = T(q, a[2]);
    if (re == NULL)
        return;
    msoc_buf b;
    msoc_buf_init(&b, (size_t)1 << 30);
    msoc_buf_reserve(&b, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    size_t pos = 0;
    long g[20];
    while (pos <= s.len && msoc_exec__regex_match(re, s, pos, g, 10) > 0) {
        msoc_buf_append(&b, s.ptr + pos, (size_t)g[0] - pos);
        append_rewrite(&b, rw, s, g, 10);
        if (g[1] == g[0]) {
            if ((size_t)g[1] < s.len)
                msoc_buf_putc(&b, s.ptr[g[1]]);
            pos = (size_t)g[1] + 1;
        } else {
            pos = (size_t)g[1];
        }
    }
    if (pos < s.len)
        msoc_buf_append(&b, s.ptr + pos, s.len - pos);
    *out = xv_str(msoc_exec__strdup(q, b.data ? b.data : "", b.len));
    msoc_buf_fini(&b);
}

ROW(f_extract)
{
    xregex *re = msoc_exec__regex(q, T(q, a[0]));
    xval gi = xtype_is_str(a[1].t) && re ? xv_long(msoc_exec__regex_group(re, a[1].s))
                                        : msoc_exec__convert(q, a[1], MSOC_TYPE_LONG);
    msoc_str s = T(q, a[2]);
    if (re == NULL || gi.is_null || gi.i < 0 || gi.i > 30)
        return;
    long g[64];
    if (msoc_exec__regex_match(re, s, 0, g, 32) <= 0 || g[2 * gi.i] < 0) {
        if (n_args > 3)
            *out = xv_null(out->t);
        else
            *out = xv_str(MSOC_STR(""));
        return;
    }
    xval r = xv_str(msoc_str_make(s.ptr + g[2 * gi.i], (size_t)(g[2 * gi.i + 1] - g[2 * gi.i])));
    if (n_args > 3 && a[3].t != MSOC_TYPE_STRING)
        r = msoc_exec__convert(q, r, a[3].t);
    *out = r;
}

ROW(f_extract_all)
{
    xregex *re = msoc_exec__regex(q, T(q, a[0]));
    msoc_str s = T(q, a[n_args - 1]);
    if (re == NULL)
        return;
    json_t *arr = msoc_exec__own(q, json_array());
    if (arr == NULL)
        return;
    long g[64];
    size_t pos = 0;
    int n_groups = 0;
    while (pos <= s.len && msoc_exec__regex_match(re, s, pos, g, 32) > 0) {
        if (n_groups == 0) {
            n_groups = 1;
            for (int k = 1; k < 32; k++)
                if (g[2 * k] >= 0)
                    n_groups = k + 1;
        }
        if (n_args == 3 && a[1].t == MSOC_TYPE_DYNAMIC && a[1].d && json_is_array(a[1].d)) {
            json_t *row = json_array();
            for (size_t k = 0; k < json_array_size(a[1].d); k++) {
                json_t *gj = json_array_get(a[1].d, k);
                json_int_t gi = json_is_string(gj)
                                    ? msoc_exec__regex_group(re, msoc_str_make(json_string_value(gj), json_string_length(gj)))
                                    : json_integer_value(gj);
                if (gi >= 0 && gi < 32 && g[2 * gi] >= 0)
                    json_array_append_new(row, json_stringn_nocheck(s.ptr + g[2 * gi], (size_t)(g[2 * gi + 1] - g[2 * gi])));
                else
                    json_array_append_new(row, json_string(""));
            }
            json_array_append_new(arr, row);
        } else if (n_groups <= 2) {
            int k = n_groups == 2 ? 1 : 0;
            if (g[2 * k] >= 0)
                json_array_append_new(arr, json_stringn_nocheck(s.ptr + g[2 * k], (size_t)(g[2 * k + 1] - g[2 * k])));
        } else {
            json_t *row = json_array();
            for (int k = 1; k < n_groups; k++) {
                if (g[2 * k] >= 0)
                    json_array_append_new(row, json_stringn_nocheck(s.ptr + g[2 * k], (size_t)(g[2 * k + 1] - g[2 * k])));
                else
                    json_array_append_new(row, json_string(""));
            }
            json_array_append_new(arr, row);
        }
        pos = g[1] == g[0] ? (size_t)g[1] + 1 : (size_t)g[1];
    }
    if (json_array_size(arr) == 0)
        *out = xv_null(MSOC_TYPE_DYNAMIC);
    else
        *out = xv_dyn(arr);
}

ROW(f_indexof)
{
    msoc_str s = T(q, a[0]), f = T(q, a[1]);
    int64_t len = (int64_t)u8_len(s);
    int64_t start = 0, length = -1, occ = 1;
    if (n_args > 2 && !a[2].is_null)
        start = msoc_exec__convert(q, a[2], MSOC_TYPE_LONG).i;
    if (n_args > 3 && !a[3].is_null)
        length = msoc_exec__convert(q, a[3], MSOC_TYPE_LONG).i;
    if (n_args > 4 && !a[4].is_null)
        occ = msoc_exec__convert(q, a[4], MSOC_TYPE_LONG).i;
    if (start < 0)
        start += len;
    if (start < 0 || start > len || occ <= 0) {
        *out = start > len ? xv_long(-1) : xv_null(MSOC_TYPE_LONG);
        return;
    }
    size_t b0 = u8_off(s, (size_t)start);
    size_t b1 = length < 0 ? s.len : u8_off(s, (size_t)(start + length));
    msoc_str sub = msoc_str_make(s.ptr + b0, b1 - b0);
    size_t from = 0;
    for (;;) {
        long i = -1;
        for (size_t k = from; k + f.len <= sub.len; k++) {
            if (memcmp(sub.ptr + k, f.ptr, f.len) == 0) {
                i = (long)k;
                break;
            }
        }
        if (i < 0) {
            *out = xv_long(-1);
            return;
        }
        if (--occ == 0) {
            *out = xv_long(start + (int64_t)u8_len(msoc_str_make(sub.ptr, (size_t)i)));
            return;
        }
        from = (size_t)i + 1;
    }
}

ROW(f_countof)
{
    msoc_str s = T(q, a[0]), f = T(q, a[1]);
    bool is_regex = n_args > 2 && msoc_str_eq_c(T(q, a[2]), "regex");
    int64_t n = 0;
    if (is_regex) {
        xregex *re = msoc_exec__regex(q, f);
        long g[2];
        size_t pos = 0;
        while (re && pos <= s.len && msoc_exec__regex_match(re, s, pos, g, 1) > 0) {
            n++;
            pos = g[1] == g[0] ? (size_t)g[1] + 1 : (size_t)g[1];
        }
    } else if (f.len > 0) {
        for (size_t i = 0; i + f.len <= s.len;) {
            if (memcmp(s.ptr + i, f.ptr, f.len) == 0) {
                n++;
                i += f.len;
            } else
                i++;
        }
    }
    *out = xv_long(n);
}

ROW(f_reverse)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    char *p = buf_new(q, s.len);
    if (p == NULL)
        return;
    /* reverse by code point */
    size_t o = s.len;
    for (size_t i = 0; i < s.len;) {
        size_t k = i + 1;
        while (k < s.len && ((unsigned char)s.ptr[k] & 0xC0) == 0x80)
            k++;
        o -= k - i;
        memcpy(p + o, s.ptr + i, k - i);
        i = k;
    }
    p[s.len] = 0;
    *out = xv_str(msoc_str_make(p, s.len));
}

ROW(f_strrep)
{
    msoc_str s = T(q, a[0]);
    xval n = msoc_exec__convert(q, a[1], MSOC_TYPE_LONG);
    msoc_str d = n_args > 2 ? T(q, a[2]) : MSOC_STR("");
    if (n.is_null || n.i <= 0) {
        *out = xv_str(MSOC_STR(""));
        return;
    }
    if (n.i > 1000000)
        n.i = 1000000;
    msoc_buf b;
    msoc_buf_init(&b, (size_t)1 << 28);
    msoc_buf_reserve(&b, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    for (int64_t i = 0; i < n.i; i++) {
        if (i)
            msoc_buf_append_str(&b, d);
        msoc_buf_append_str(&b, s);
    }
    *out = xv_str(msoc_exec__strdup(q, b.data ? b.data : "", b.len));
    msoc_buf_fini(&b);
}

ROW(f_strcmp)
{
    (void)n_args;
    int c = msoc_str_cmp(T(q, a[0]), T(q, a[1]));
    *out = xv_typed_i(MSOC_TYPE_INT, c < 0 ? -1 : c > 0);
}

ROW(f_strcat_array)
{
    (void)n_args;
    msoc_buf b;
    msoc_buf_init(&b, (size_t)1 << 30);
    msoc_buf_reserve(&b, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    msoc_str d = T(q, a[1]);
    if (a[0].t == MSOC_TYPE_DYNAMIC && a[0].d && json_is_array(a[0].d)) {
        for (size_t i = 0; i < json_array_size(a[0].d); i++) {
            if (i)
                msoc_buf_append_str(&b, d);
            msoc_exec__val_text(msoc_exec__from_json(json_array_get(a[0].d, i)), &b);
        }
    }
    *out = xv_str(msoc_exec__strdup(q, b.data ? b.data : "", b.len));
    msoc_buf_fini(&b);
}

static bool url_unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

ROW(f_url_encode)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    msoc_buf b;
    msoc_buf_init(&b, (size_t)1 << 30);
    msoc_buf_reserve(&b, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (url_unreserved(c))
            msoc_buf_putc(&b, (char)c);
        else if (c == ' ')
            msoc_buf_putc(&b, '+');
        else
            msoc_buf_appendf(&b, "%%%02x", c);
    }
    *out = xv_str(msoc_exec__strdup(q, b.data ? b.data : "", b.len));
    msoc_buf_fini(&b);
}

ROW(f_url_decode)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    char *p = buf_new(q, s.len);
    if (p == NULL)
        return;
    size_t o = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] == '%' && i + 2 < s.len && msoc_hex_digit(s.ptr[i + 1]) >= 0 && msoc_hex_digit(s.ptr[i + 2]) >= 0) {
            p[o++] = (char)(msoc_hex_digit(s.ptr[i + 1]) * 16 + msoc_hex_digit(s.ptr[i + 2]));
            i += 2;
        } else if (s.ptr[i] == '+') {
            p[o++] = ' ';
        } else {
            p[o++] = s.ptr[i];
        }
    }
    p[o] = 0;
    *out = xv_str(msoc_str_make(p, o));
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

ROW(f_base64_encode)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    size_t olen = (s.len + 2) / 3 * 4;
    char *p = buf_new(q, olen);
    if (p == NULL)
        return;
    size_t o = 0;
    for (size_t i = 0; i < s.len; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)s.ptr[i] << 16;
        if (i + 1 < s.len)
            v |= (uint32_t)(unsigned char)s.ptr[i + 1] << 8;
        if (i + 2 < s.len)
            v |= (unsigned char)s.ptr[i + 2];
        p[o++] = b64chars[(v >> 18) & 63];
        p[o++] = b64chars[(v >> 12) & 63];
        p[o++] = i + 1 < s.len ? b64chars[(v >> 6) & 63] : '=';
        p[o++] = i + 2 < s.len ? b64chars[v & 63] : '=';
    }
    p[o] = 0;
    *out = xv_str(msoc_str_make(p, o));
}

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

/* Decodes base64; returns the length or -1 when invalid. */
static long b64_decode(msoc_str s, unsigned char *o)
{
    if (s.len % 4 != 0)
        return -1; /* .NET's decoder (and so Kusto) wants whole 4-character groups */
    uint32_t acc = 0;
    int bits = 0;
    long n = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] == '=')
            break;
        int v = b64val(s.ptr[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[n++] = (unsigned char)(acc >> bits);
        }
    }
    return n;
}

ROW(f_base64_decode_tostring)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    unsigned char *p = (unsigned char *)buf_new(q, s.len);
    if (p == NULL)
        return;
    long n = b64_decode(s, p);
    if (n < 0) {
        *out = xv_str(MSOC_STR(""));
        return;
    }
    p[n] = 0;
    /* bytes that are not valid UTF-8 give "" (as Kusto does) */
    for (long i = 0; i < n;) {
        unsigned char c = p[i];
        long k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (k == 0 || i + k > n) {
            *out = xv_str(MSOC_STR(""));
            return;
        }
        for (long j = 1; j < k; j++) {
            if ((p[i + j] & 0xC0) != 0x80) {
                *out = xv_str(MSOC_STR(""));
                return;
            }
        }
        i += k;
    }
    *out = xv_str(msoc_str_make((char *)p, (size_t)n));
}

ROW(f_base64_decode_toarray)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    unsigned char *p = (unsigned char *)buf_new(q, s.len);
    if (p == NULL)
        return;
    long n = b64_decode(s, p);
    if (n < 0)
        return;
    json_t *arr = msoc_exec__own(q, json_array());
    for (long i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_integer(p[i]));
    *out = xv_dyn(arr);
}

ROW(f_codepoints_to_string)
{
    msoc_buf b;
    msoc_buf_init(&b, 1 << 24);
    msoc_buf_reserve(&b, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    for (size_t i = 0; i < n_args; i++) {
        json_t *arr = NULL;
        if (a[i].t == MSOC_TYPE_DYNAMIC && a[i].d && json_is_array(a[i].d))
            arr = a[i].d;
        size_t cnt = arr ? json_array_size(arr) : 1;
        for (size_t k = 0; k < cnt; k++) {
            int64_t cp = arr ? json_integer_value(json_array_get(arr, k))
                             : msoc_exec__convert(q, a[i], MSOC_TYPE_LONG).i;
            if (cp < 0x80)
                msoc_buf_putc(&b, (char)cp);
            else if (cp < 0x800) {
                msoc_buf_putc(&b, (char)(0xC0 | (cp >> 6)));
                msoc_buf_putc(&b, (char)(0x80 | (cp & 63)));
            } else if (cp < 0x10000) {
                msoc_buf_putc(&b, (char)(0xE0 | (cp >> 12)));
                msoc_buf_putc(&b, (char)(0x80 | ((cp >> 6) & 63)));
                msoc_buf_putc(&b, (char)(0x80 | (cp & 63)));
            } else {
                msoc_buf_putc(&b, (char)(0xF0 | (cp >> 18)));
                msoc_buf_putc(&b, (char)(0x80 | ((cp >> 12) & 63)));
                msoc_buf_putc(&b, (char)(0x80 | ((cp >> 6) & 63)));
                msoc_buf_putc(&b, (char)(0x80 | (cp & 63)));
            }
        }
    }
    *out = xv_str(msoc_exec__strdup(q, b.data ? b.data : "", b.len));
    msoc_buf_fini(&b);
}

ROW(f_codepoints_from_string)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    json_t *arr = msoc_exec__own(q, json_array());
    for (size_t i = 0; arr && i < s.len;) {
        unsigned char c = (unsigned char)s.ptr[i];
        int64_t cp = c;
        size_t k = 1;
        if (c >= 0xF0) {
            cp = c & 7;
            k = 4;
        } else if (c >= 0xE0) {
            cp = c & 15;
            k = 3;
        } else if (c >= 0xC0) {
            cp = c & 31;
            k = 2;
        }
        for (size_t j = 1; j < k && i + j < s.len; j++)
            cp = (cp << 6) | ((unsigned char)s.ptr[i + j] & 63);
        json_array_append_new(arr, json_integer(cp));
        i += k;
    }
    *out = xv_dyn(arr);
}

ROW(f_translate)
{
    (void)n_args;
    msoc_str from = T(q, a[0]), to = T(q, a[1]), s = T(q, a[2]);
    char *p = buf_new(q, s.len);
    if (p == NULL)
        return;
    size_t o = 0;
    for (size_t i = 0; i < s.len; i++) {
        const char *f = from.len ? memchr(from.ptr, s.ptr[i], from.len) : NULL;
        if (f == NULL) {
            p[o++] = s.ptr[i];
            continue;
        }
        size_t k = (size_t)(f - from.ptr);
        if (to.len == 0)
            continue;
        p[o++] = k < to.len ? to.ptr[k] : to.ptr[to.len - 1];
    }
    p[o] = 0;
    *out = xv_str(msoc_str_make(p, o));
}

void msoc_exec__fn_register_string(xfn_impl *t)
{
#define R(id, fn, np) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, np}
    R(STRCAT, f_strcat, false);
    R(STRCAT_DELIM, f_strcat_delim, false);
    R(STRLEN, f_strlen, false);
    R(SUBSTRING, f_substring, false);
    R(TOLOWER, f_tolower, false);
    R(TOUPPER, f_toupper, false);
    R(TRIM, f_trim, false);
    R(TRIM_START, f_trim_start, false);
    R(TRIM_END, f_trim_end, false);
    R(SPLIT, f_split, false);
    R(REPLACE_STRING, f_replace_string, false);
    R(REPLACE_REGEX, f_replace_regex, false);
    R(EXTRACT, f_extract, false);
    R(EXTRACT_ALL, f_extract_all, false);
    R(INDEXOF, f_indexof, false);
    R(COUNTOF, f_countof, false);
    R(REVERSE, f_reverse, false);
    R(STRREP, f_strrep, false);
    R(STRCMP, f_strcmp, false);
    R(STRCAT_ARRAY, f_strcat_array, false);
    R(URL_ENCODE, f_url_encode, false);
    R(URL_DECODE, f_url_decode, false);
    R(BASE64_ENCODE_TOSTRING, f_base64_encode, false);
    R(BASE64_DECODE_TOSTRING, f_base64_decode_tostring, false);
    R(BASE64_DECODE_TOARRAY, f_base64_decode_toarray, false);
    R(UNICODE_CODEPOINTS_TO_STRING, f_codepoints_to_string, false);
    R(UNICODE_CODEPOINTS_FROM_STRING, f_codepoints_from_string, false);
    R(MAKE_STRING, f_codepoints_to_string, false);
    R(TRANSLATE, f_translate, false);
#undef R
}
