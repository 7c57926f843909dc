/* Text decoders and encoders: punycode (RFC 3492) and IDNA-style domains,
 * parse_csv (one RFC 4180 record), assert(). All decoders take untrusted text: a
 * malformed input gives "" (or null), never an out-of-bounds access; they are
 * fuzzed through fuzz/scalar_decode. */
#include <string.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

/* Code points of one string, capped. */
#define MAX_CP 4096

static msoc_str T(xq *q, xval v)
{
    if (v.is_null && !xtype_is_str(v.t))
        return MSOC_STR("");
    return msoc_exec__to_text(q, v);
}

/* UTF-8 to code points; false on invalid UTF-8 or more than cap code points. */
static bool utf8_decode(msoc_str s, uint32_t *cp, size_t cap, size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < s.len;) {
        unsigned char c = (unsigned char)s.ptr[i];
        uint32_t v;
        size_t len;
        if (c < 0x80) {
            v = c;
            len = 1;
        } else if ((c >> 5) == 6) {
            v = c & 0x1f;
            len = 2;
        } else if ((c >> 4) == 14) {
            v = c & 0x0f;
            len = 3;
        } else if ((c >> 3) == 30) {
            v = c & 0x07;
            len = 4;
        } else {
            return false;
        }
        if (i + len > s.len || k >= cap)
            return false;
        for (size_t j = 1; j < len; j++) {
            unsigned char cc = (unsigned char)s.ptr[i + j];
            if ((cc & 0xc0) != 0x80)
                return false;
            v = (v << 6) | (cc & 0x3f);
        }
        cp[k++] = v;
        i += len;
    }
    *n = k;
    return true;
}

static msoc_status utf8_put(msoc_buf *b, uint32_t v)
{
    char o[4];
    size_t len;
    if (v < 0x80) {
        o[0] = (char)v;
        len = 1;
    } else if (v < 0x800) {
        o[0] = (char)(0xc0 | (v >> 6));
        o[1] = (char)(0x80 | (v & 0x3f));
        len = 2;
    } else if (v < 0x10000) {
        o[0] = (char)(0xe0 | (v >> 12));
        o[1] = (char)(0x80 | ((v >> 6) & 0x3f));
        o[2] = (char)(0x80 | (v & 0x3f));
        len = 3;
    } else {
        o[0] = (char)(0xf0 | (v >> 18));
        o[1] = (char)(0x80 | ((v >> 12) & 0x3f));
        o[2] = (char)(0x80 | ((v >> 6) & 0x3f));
        o[3] = (char)(0x80 | (v & 0x3f));
        len = 4;
    }
    return msoc_buf_append(b, o, len);
}

/* ---- punycode (RFC 3492 section 6) ---- */
enum { PC_BASE = 36, PC_TMIN = 1, PC_TMAX = 26, PC_SKEW = 38, PC_DAMP = 700, PC_BIAS = 72, PC_N = 128 };

static uint32_t adapt(uint32_t delta, uint32_t n_points, bool is_first)
{
    delta = is_first ? delta / PC_DAMP : delta / 2;
    delta += delta / n_points;
    uint32_t k = 0;
    while (delta > ((PC_BASE - PC_TMIN) * PC_TMAX) / 2) {
        delta /= PC_BASE - PC_TMIN;
        k += PC_BASE;
    }
    return k + (PC_BASE - PC_TMIN + 1) * delta / (delta + PC_SKEW);
}

static char digit_char(uint32_t d)
{
    return (char)(d < 26 ? 'a' + d : '0' + (d - 26));
}

static int digit_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0' + 26;
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    return -1;
}

/* Encodes code points into b; false on overflow. */
static bool punycode_encode(const uint32_t *cp, size_t n_cp, msoc_buf *b)
{
    uint32_t n = PC_N, delta = 0, bias = PC_BIAS;
    size_t h = 0;
    for (size_t i = 0; i < n_cp; i++)
        if (cp[i] < 0x80) {
            msoc_buf_putc(b, (char)cp[i]);
            h++;
        }
    size_t basic = h;
    if (basic > 0 && basic < n_cp)
        msoc_buf_putc(b, '-');
    while (h < n_cp) {
        uint32_t m = UINT32_MAX;
        for (size_t i = 0; i < n_cp; i++)
            if (cp[i] >= n && cp[i] < m)
                m = cp[i];
        if ((uint64_t)(m - n) * (h + 1) > UINT32_MAX - delta)
            return false;
        delta += (m - n) * (uint32_t)(h + 1);
        n = m;
        for (size_t i = 0; i < n_cp; i++) {
            if (cp[i] < n && ++delta == 0)
                return false;
            if (cp[i] != n)
                continue;
            uint32_t qv = delta;
            for (uint32_t k = PC_BASE;; k += PC_BASE) {
                uint32_t t = k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX : k - bias;
                if (qv < t)
                    break;
                msoc_buf_putc(b, digit_char(t + (qv - t) % (PC_BASE - t)));
                qv = (qv - t) / (PC_BASE - t);
            }
            msoc_buf_putc(b, digit_char(qv));
            bias = adapt(delta, (uint32_t)h + 1, h == basic);
            delta = 0;
            h++;
        }
        delta++;
        n++;
    }
    return !b->is_failed;
}

/* Decodes punycode text into code points; false when malformed. */
static bool punycode_decode(msoc_str s, uint32_t *out, size_t cap, size_t *n_out)
{
    size_t basic = 0;
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] == '-')
            basic = i;
    size_t k = 0;
    for (size_t i = 0; i < basic; i++) {
        if ((unsigned char)s.ptr[i] >= 0x80 || k >= cap)
            return false;
        out[k++] = (unsigned char)s.ptr[i];
    }
    uint32_t n = PC_N, i = 0, bias = PC_BIAS;
    for (size_t in = basic > 0 ? basic + 1 : 0; in < s.len;) {
        uint32_t old_i = i, w = 1;
        for (uint32_t kk = PC_BASE;; kk += PC_BASE) {
            if (in >= s.len)
                return false;
            int d = digit_val(s.ptr[in++]);
            if (d < 0 || (uint32_t)d > (UINT32_MAX - i) / w)
                return false;
            i += (uint32_t)d * w;
            uint32_t t = kk <= bias ? PC_TMIN : kk >= bias + PC_TMAX ? PC_TMAX : kk - bias;
            if ((uint32_t)d < t)
                break;
            if (w > UINT32_MAX / (PC_BASE - t))
                return false;
            w *= PC_BASE - t;
        }
        bias = adapt(i - old_i, (uint32_t)k + 1, old_i == 0);
        if (i / (k + 1) > UINT32_MAX - n)
            return false;
        n += i / (uint32_t)(k + 1);
        i %= (uint32_t)(k + 1);
        if (k >= cap || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff))
            return false;
        memmove(out + i + 1, out + i, (k - i) * sizeof *out);
        out[i++] = n;
        k++;
    }
    *n_out = k;
    return true;
}

static void str_out(xq *q, msoc_buf *b, xval *out)
{
    if (!b->is_failed)
        *out = xv_str(msoc_exec__strdup(q, b->data ? b->data : "", b->len));
    msoc_buf_fini(b);
}

/* Room for the code points of s (never more than its bytes), capped at MAX_CP. */
static size_t cp_cap(msoc_str s)
{
    return s.len < MAX_CP ? s.len + 1 : MAX_CP;
}

ROW(f_punycode_from_string)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    uint32_t *cp = msoc_exec__alloc(q, cp_cap(s) * sizeof *cp);
    size_t n;
    *out = xv_str(MSOC_STR(""));
    if (cp == NULL || !utf8_decode(s, cp, cp_cap(s), &n))
        return;
    msoc_buf b;
    msoc_buf_init(&b, 1u << 20);
    if (!punycode_encode(cp, n, &b))
        b.is_failed = true;
    str_out(q, &b, out);
}

ROW(f_punycode_to_string)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    uint32_t *cp = msoc_exec__alloc(q, cp_cap(s) * sizeof *cp);
    size_t n;
    *out = xv_str(MSOC_STR(""));
    if (cp == NULL || !punycode_decode(s, cp, cp_cap(s), &n))
        return;
    msoc_buf b;
    msoc_buf_init(&b, 1u << 20);
    for (size_t i = 0; i < n; i++)
        utf8_put(&b, cp[i]);
    str_out(q, &b, out);
}

/* Label separators of IDNA: '.', U+3002, U+FF0E, U+FF61. */
static bool is_label_sep(uint32_t c)
{
    return c == '.' || c == 0x3002 || c == 0xff0e || c == 0xff61;
}

/* Domains label by label: non-ASCII labels are encoded as "xn--" + punycode and,
 * when decoding, "xn--" labels are decoded (Kusto's punycode_domain_to_string
 * also encodes a label that is not ASCII). Labels join with '.'. */
static void domain_map(xq *q, msoc_str s, bool is_decode, xval *out)
{
    size_t cap = cp_cap(s);
    uint32_t *cp = msoc_exec__alloc(q, 2 * cap * sizeof *cp);
    size_t n;
    *out = xv_str(MSOC_STR(""));
    if (cp == NULL || !utf8_decode(s, cp, cap, &n))
        return;
    uint32_t *tmp = cp + cap;
    msoc_buf b;
    msoc_buf_init(&b, 1u << 20);
    for (size_t start = 0; start <= n;) {
        size_t end = start;
        while (end < n && !is_label_sep(cp[end]))
            end++;
        bool is_ascii = true;
        for (size_t i = start; i < end; i++)
            is_ascii &= cp[i] < 0x80;
        bool is_ace = is_ascii && end - start >= 4 && (cp[start] | 0x20) == 'x' &&
                      (cp[start + 1] | 0x20) == 'n' && cp[start + 2] == '-' && cp[start + 3] == '-';
        if (is_decode && is_ace) {
            char lab[MAX_CP];
            size_t ll = 0;
            for (size_t i = start + 4; i < end; i++)
                lab[ll++] = (char)cp[i];
            size_t nd;
            if (!punycode_decode(msoc_str_make(lab, ll), tmp, cap, &nd)) {
                msoc_buf_fini(&b);
                return;
            }
            for (size_t i = 0; i < nd; i++)
                utf8_put(&b, tmp[i]);
        } else if (!is_ascii) {
            msoc_buf_append_c(&b, "xn--");
            if (!punycode_encode(cp + start, end - start, &b)) {
                msoc_buf_fini(&b);
                return;
            }
        } else {
            for (size_t i = start; i < end; i++)
                msoc_buf_putc(&b, (char)cp[i]);
        }
        if (end >= n)
            break;
        msoc_buf_putc(&b, '.');
        start = end + 1;
    }
    str_out(q, &b, out);
}

ROW(f_punycode_domain_from_string)
{
    (void)n_args;
    domain_map(q, T(q, a[0]), false, out);
}

ROW(f_punycode_domain_to_string)
{
    (void)n_args;
    domain_map(q, T(q, a[0]), true, out);
}

/* ---- parse_csv: one record; "" escapes a quote; quoted fields may hold commas
 * and line breaks ---- */
ROW(f_parse_csv)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    json_t *arr = msoc_exec__own(q, json_array());
    if (arr == NULL)
        return;
    msoc_buf f;
    msoc_buf_init(&f, 1u << 26);
    size_t i = 0;
    for (;;) {
        msoc_buf_reset(&f);
        if (i < s.len && s.ptr[i] == '"') {
            i++;
            for (; i < s.len; i++) {
                if (s.ptr[i] == '"') {
                    if (i + 1 < s.len && s.ptr[i + 1] == '"') {
                        msoc_buf_putc(&f, '"');
                        i++;
                        continue;
                    }
                    i++;
                    break;
                }
                msoc_buf_putc(&f, s.ptr[i]);
            }
            /* text after the closing quote belongs to the field */
            for (; i < s.len && s.ptr[i] != ','; i++)
                msoc_buf_putc(&f, s.ptr[i]);
        } else {
            for (; i < s.len && s.ptr[i] != ','; i++)
                msoc_buf_putc(&f, s.ptr[i]);
        }
        if (f.is_failed) {
            msoc_fail(q->err, MSOC_LIMIT, "parse_csv: field larger than 64 MiB");
            break;
        }
        json_array_append_new(arr, json_stringn_nocheck(f.data ? f.data : "", f.len));
        if (i >= s.len)
            break;
        i++; /* the comma */
    }
    msoc_buf_fini(&f);
    *out = xv_dyn(arr);
}

/* assert(condition, message): true, or the query fails with the message. */
ROW(f_assert)
{
    (void)n_args;
    xval c = msoc_exec__convert(q, a[0], MSOC_TYPE_BOOL);
    if (c.is_null || c.i == 0) {
        msoc_str m = T(q, a[1]);
        msoc_fail(q->err, MSOC_INVALID, "assertion failed: %.*s", (int)(m.len > 200 ? 200 : m.len),
                  m.ptr ? m.ptr : "");
        return;
    }
    *out = xv_bool(true);
}

void msoc_exec__fn_register_text(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, false}
    REG(PUNYCODE_FROM_STRING, f_punycode_from_string);
    REG(PUNYCODE_TO_STRING, f_punycode_to_string);
    REG(PUNYCODE_DOMAIN_FROM_STRING, f_punycode_domain_from_string);
    REG(PUNYCODE_DOMAIN_TO_STRING, f_punycode_domain_to_string);
    REG(PARSE_CSV, f_parse_csv);
    REG(ASSERT, f_assert);
#undef REG
}
