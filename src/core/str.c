/* msoc_str helpers and the capped msoc_buf. */
#include "str.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mem.h"

bool msoc_str_eq(msoc_str a, msoc_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool msoc_str_eq_c(msoc_str a, const char *cstr)
{
    return msoc_str_eq(a, msoc_str_c(cstr));
}

bool msoc_str_ieq(msoc_str a, msoc_str b)
{
    if (a.len != b.len)
        return false;
    for (size_t i = 0; i < a.len; i++)
        if (msoc_ascii_lower(a.ptr[i]) != msoc_ascii_lower(b.ptr[i]))
            return false;
    return true;
}

bool msoc_str_ieq_c(msoc_str a, const char *cstr)
{
    return msoc_str_ieq(a, msoc_str_c(cstr));
}

int msoc_str_cmp(msoc_str a, msoc_str b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int c = n ? memcmp(a.ptr, b.ptr, n) : 0;
    if (c != 0)
        return c;
    return (a.len > b.len) - (a.len < b.len);
}

bool msoc_str_starts_with(msoc_str s, msoc_str prefix)
{
    return s.len >= prefix.len && (prefix.len == 0 || memcmp(s.ptr, prefix.ptr, prefix.len) == 0);
}

bool msoc_str_ends_with(msoc_str s, msoc_str suffix)
{
    return s.len >= suffix.len &&
           (suffix.len == 0 || memcmp(s.ptr + s.len - suffix.len, suffix.ptr, suffix.len) == 0);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

msoc_str msoc_str_trim(msoc_str s)
{
    while (s.len && is_space(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && is_space(s.ptr[s.len - 1]))
        s.len--;
    return s;
}

msoc_str msoc_str_dup(msoc_arena *a, msoc_str s)
{
    msoc_str out = {msoc_arena_strndup(a, s.ptr, s.len), s.len};
    return out;
}

bool msoc_str_to_i64(msoc_str s, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (s.len == 0)
        return false;
    if (s.ptr[0] == '-' || s.ptr[0] == '+') {
        neg = s.ptr[0] == '-';
        i = 1;
    }
    if (i == s.len)
        return false;
    uint64_t v = 0;
    for (; i < s.len; i++) {
        char c = s.ptr[i];
        if (c < '0' || c > '9')
            return false;
        uint64_t d = (uint64_t)(c - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return false;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return false;
        *out = (int64_t)v;
    }
    return true;
}

bool msoc_str_to_double(msoc_str s, double *out)
{
    char tmp[128];
    if (s.len == 0 || s.len >= sizeof tmp)
        return false;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
            return false;
    }
    memcpy(tmp, s.ptr, s.len);
    tmp[s.len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + s.len)
        return false;
    *out = v;
    return true;
}

/* ---- msoc_buf ---- */

void msoc_buf_init(msoc_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : 1;
    b->is_failed = false;
}

void msoc_buf_fini(msoc_buf *b)
{
    msoc_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void msoc_buf_reset(msoc_buf *b)
{
    b->len = 0;
    b->is_failed = false;
    if (b->data)
        b->data[0] = '\0';
}

char *msoc_buf_reserve(msoc_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra) {
        b->is_failed = true;
        return NULL;
    }
    size_t need = b->len + extra;
    /* Allocate even for extra == 0, so data + len is never NULL + 0 (undefined). */
    if (need > b->cap || b->data == NULL) {
        size_t cap = b->cap ? b->cap : 64;
        if (cap > b->max)
            cap = b->max;
        while (cap < need)
            cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        if (cap > b->max)
            cap = b->max;
        b->data = msoc_realloc(b->data, cap + 1);
        b->cap = cap;
    }
    return b->data + b->len;
}

msoc_status msoc_buf_append(msoc_buf *b, const void *p, size_t len)
{
    char *dst = msoc_buf_reserve(b, len);
    if (dst == NULL)
        return MSOC_TOOBIG;
    if (len)
        memcpy(dst, p, len);
    b->len += len;
    b->data[b->len] = '\0';
    return MSOC_OK;
}

msoc_status msoc_buf_append_str(msoc_buf *b, msoc_str s)
{
    return msoc_buf_append(b, s.ptr, s.len);
}

msoc_status msoc_buf_append_c(msoc_buf *b, const char *cstr)
{
    return msoc_buf_append(b, cstr, strlen(cstr));
}

msoc_status msoc_buf_putc(msoc_buf *b, char c)
{
    return msoc_buf_append(b, &c, 1);
}

msoc_status msoc_buf_appendf(msoc_buf *b, const char *fmt, ...)
{
    va_list ap;
    char small[256];
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return MSOC_INTERNAL;
    if ((size_t)n < sizeof small)
        return msoc_buf_append(b, small, (size_t)n);
    char *dst = msoc_buf_reserve(b, (size_t)n + 1);
    if (dst == NULL)
        return MSOC_TOOBIG;
    va_start(ap, fmt);
    vsnprintf(dst, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return MSOC_OK;
}

msoc_status msoc_buf_append_u64(msoc_buf *b, uint64_t v)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return msoc_buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
}

msoc_status msoc_buf_append_i64(msoc_buf *b, int64_t v)
{
    if (v < 0) {
        if (msoc_buf_putc(b, '-') != MSOC_OK)
            return MSOC_TOOBIG;
        return msoc_buf_append_u64(b, (uint64_t)0 - (uint64_t)v);
    }
    return msoc_buf_append_u64(b, (uint64_t)v);
}

msoc_status msoc_buf_append_double(msoc_buf *b, double v)
{
    char tmp[40];
    if (!isfinite(v))
        return msoc_buf_append_c(b, isnan(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity"));
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (prec == 17 || strtod(tmp, NULL) == v)
            break;
    }
    return msoc_buf_append_c(b, tmp);
}

/* Length of a valid UTF-8 sequence starting at p (at most n bytes), or 0. */
static size_t utf8_seq_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    if (c >= 0xC2 && c <= 0xDF)
        return (n >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && p[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && p[1] >= 0xA0)
            return 0; /* surrogate */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && p[1] < 0x90)
            return 0;
        if (c == 0xF4 && p[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

/* Writes the escaped form of s (without quotes) to o when o is not NULL; returns
 * the number of bytes it takes. */
static size_t json_escape(char *o, const unsigned char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            if (o)
                o[n] = (char)c;
            n++;
            i++;
            continue;
        }
        char esc[6];
        size_t elen;
        const char *src = esc;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            elen = 2;
            i++;
        } else if (c < 0x20) {
            char short_esc = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't'
                           : c == '\b' ? 'b' : c == '\f' ? 'f' : 0;
            esc[0] = '\\';
            if (short_esc) {
                esc[1] = short_esc;
                elen = 2;
            } else {
                esc[1] = 'u';
                esc[2] = '0';
                esc[3] = '0';
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 15];
                elen = 6;
            }
            i++;
        } else {
            size_t ulen = utf8_seq_len(s + i, len - i);
            if (ulen) {
                src = (const char *)s + i;
                elen = ulen;
                i += ulen;
            } else {
                src = "\xEF\xBF\xBD"; /* U+FFFD for an invalid byte */
                elen = 3;
                i++;
            }
        }
        if (o)
            memcpy(o + n, src, elen);
        n += elen;
    }
    return n;
}

msoc_status msoc_buf_append_json_str(msoc_buf *b, const char *p, size_t len)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t need = len <= (SIZE_MAX - 2) / 6 ? len * 6 + 2 : SIZE_MAX;
    char *dst = need != SIZE_MAX ? msoc_buf_reserve(b, need) : NULL;
    if (dst == NULL) {
        /* The worst case does not fit under the cap; the real output may. */
        b->is_failed = false;
        need = json_escape(NULL, s, len) + 2;
        dst = msoc_buf_reserve(b, need);
        if (dst == NULL)
            return MSOC_TOOBIG;
    }
    dst[0] = '"';
    size_t n = json_escape(dst + 1, s, len);
    dst[n + 1] = '"';
    b->len += n + 2;
    b->data[b->len] = '\0';
    return MSOC_OK;
}

msoc_status msoc_buf_check(const msoc_buf *b, const char *what, msoc_error *err)
{
    if (!b->is_failed)
        return MSOC_OK;
    return msoc_fail(err, MSOC_TOOBIG, "%s exceeds its cap of %zu bytes", what, b->max);
}

char *msoc_buf_steal(msoc_buf *b, size_t *len_out)
{
    char *p = b->data;
    if (len_out)
        *len_out = b->len;
    if (p == NULL)
        p = msoc_strndup("", 0);
    b->data = NULL;
    b->len = b->cap = 0;
    b->is_failed = false;
    return p;
}
