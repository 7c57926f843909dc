/* A small strict JSON scanner for the ingest hot path: it walks one value,
 * validating it fully (RFC 8259, depth-capped), and reports spans instead of
 * building a tree, so a flat row object costs one pass and no allocation.
 * Strings are unescaped (\uXXXX with surrogate pairs to UTF-8) only when they
 * hold escapes, and nested values are re-emitted as compact JSON. */
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__) && !defined(MSOC_INGEST_PORTABLE_SCAN)
#include <emmintrin.h>
#endif

#include "ingest_int.h"

#define MAX_DEPTH 64

static inline const char *skip_ws(const char *p, const char *end)
{
    if (__builtin_expect(p < end && (unsigned char)*p > ' ', 1))
        return p; /* the usual case: no whitespace at all */
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* skip_ws without '\n': whitespace inside one line (the AVX2 row scan's line mode). */
static inline const char *skip_ws_line(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    return p;
}

/* p at the opening quote; returns past the closing quote or NULL. */
static inline __attribute__((always_inline)) const char *
scan_string(const char *p, const char *end, bool *has_esc, const char **why)
{
    p++;
    *has_esc = false;
    for (;;) {
        const char *q = p;
#if defined(__SSE2__) && !defined(MSOC_INGEST_PORTABLE_SCAN)
        /* Sixteen bytes at a time (SSE2 is part of x86-64): stop at the first '"',
         * '\\' or control character (<= 0x1f, unsigned). */
        const __m128i v_qt = _mm_set1_epi8('"'), v_bs = _mm_set1_epi8('\\');
        const __m128i v_ctl = _mm_set1_epi8(0x1f);
        for (;;) {
            if (end - q < 16) {
                while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
                    q++;
                break;
            }
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
            __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, v_qt), _mm_cmpeq_epi8(x, v_bs)),
                                       _mm_cmpeq_epi8(_mm_max_epu8(x, v_ctl), v_ctl));
            unsigned m = (unsigned)_mm_movemask_epi8(hit);
            if (m != 0) {
                q += __builtin_ctz(m);
                break;
            }
            q += 16;
        }
#else
        /* Eight bytes at a time until one may be '"', '\\' or a control character. */
        while (end - q >= 8) {
            uint64_t x;
            memcpy(&x, q, 8);
            uint64_t qt = x ^ 0x2222222222222222ull, bs = x ^ 0x5c5c5c5c5c5c5c5cull;
            uint64_t hit = ((qt - 0x0101010101010101ull) & ~qt) |
                           ((bs - 0x0101010101010101ull) & ~bs) |
                           ((x - 0x2020202020202020ull) & ~x);
            if ((hit & 0x8080808080808080ull) != 0)
                break;
            q += 8;
        }
        while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
            q++;
#endif
        if (q >= end) {
            *why = "unterminated string";
            return NULL;
        }
        if (*q == '"')
            return q + 1;
        if (*q != '\\') {
            *why = "control character in string";
            return NULL;
        }
        *has_esc = true;
        if (q + 1 >= end) {
            *why = "unterminated string";
            return NULL;
        }
        char e = q[1];
        if (e == 'u') {
            if (end - q < 6 || msoc_hex_digit(q[2]) < 0 || msoc_hex_digit(q[3]) < 0 || msoc_hex_digit(q[4]) < 0 ||
                msoc_hex_digit(q[5]) < 0) {
                *why = "bad \\u escape";
                return NULL;
            }
            p = q + 6;
        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                   e == 'r' || e == 't') {
            p = q + 2;
        } else {
            *why = "bad escape";
            return NULL;
        }
    }
}

static const char *scan_number(const char *p, const char *end, bool *is_int)
{
    const char *s = p;
    *is_int = true;
    if (p < end && *p == '-')
        p++;
    if (p >= end)
        return NULL;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    } else {
        return NULL;
    }
    if (p < end && *p == '.') {
        *is_int = false;
        p++;
        const char *d = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return NULL;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        *is_int = false;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        const char *d = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return NULL;
    }
    (void)s;
    return p;
}

static const char *scan_value(const char *p, const char *end, int depth, ing_jval *v,
                              const char **why)
{
    p = skip_ws(p, end);
    if (p >= end) {
        *why = "unexpected end of input";
        return NULL;
    }
    v->p = p;
    v->has_esc = false;
    const char *q;
    switch (*p) {
    case '"':
        v->kind = ING_J_STR;
        q = scan_string(p, end, &v->has_esc, why);
        if (q == NULL)
            return NULL;
        v->p = p + 1;
        v->len = (size_t)(q - p - 2);
        return q;
    case '{':
    case '[': {
        if (depth >= MAX_DEPTH) {
            *why = "nesting deeper than 64";
            return NULL;
        }
        char close = *p == '{' ? '}' : ']';
        v->kind = *p == '{' ? ING_J_OBJ : ING_J_ARR;
        q = skip_ws(p + 1, end);
        if (q < end && *q == close) {
            v->len = (size_t)(q + 1 - p);
            return q + 1;
        }
        for (;;) {
            ing_jval sub;
            if (close == '}') {
                q = skip_ws(q, end);
                if (q >= end || *q != '"') {
                    *why = "expected a member name";
                    return NULL;
                }
                q = scan_value(q, end, depth + 1, &sub, why);
                if (q == NULL)
                    return NULL;
                q = skip_ws(q, end);
                if (q >= end || *q != ':') {
                    *why = "expected ':'";
                    return NULL;
                }
                q++;
            }
            q = scan_value(q, end, depth + 1, &sub, why);
            if (q == NULL)
                return NULL;
            q = skip_ws(q, end);
            if (q < end && *q == ',') {
                q++;
                continue;
            }
            if (q < end && *q == close) {
                v->len = (size_t)(q + 1 - p);
                return q + 1;
            }
            *why = close == '}' ? "expected ',' or '}'" : "expected ',' or ']'";
            return NULL;
        }
    }
    case 't':
        if (end - p >= 4 && memcmp(p, "true", 4) == 0) {
            v->kind = ING_J_TRUE;
            v->len = 4;
            return p + 4;
        }
        break;
    case 'f':
        if (end - p >= 5 && memcmp(p, "false", 5) == 0) {
            v->kind = ING_J_FALSE;
            v->len = 5;
            return p + 5;
        }
        break;
    case 'n':
        if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
            v->kind = ING_J_NULL;
            v->len = 4;
            return p + 4;
        }
        break;
    default: {
        bool is_int;
        q = scan_number(p, end, &is_int);
        if (q != NULL) {
            v->kind = is_int ? ING_J_INT : ING_J_NUM;
            v->len = (size_t)(q - p);
            return q;
        }
    }
    }
    *why = "unexpected character";
    return NULL;
}

const char *msoc_ingest__json_value(const char *p, const char *end, ing_jval *v,
                                    const char **why)
{
    return scan_value(p, end, 0, v, why);
}

bool msoc_ingest__json_only_ws(const char *p, const char *end)
{
    return skip_ws(p, end) == end;
}

msoc_status msoc_ingest__obj_begin(ing_objit *it, const ing_jval *obj)
{
    it->p = obj->p + 1;
    it->end = obj->p + obj->len - 1;
    it->is_first = true;
    return MSOC_OK;
}

/* The object was validated by scan_value, so members parse without surprises. */
bool msoc_ingest__obj_next(ing_objit *it, ing_jval *key, ing_jval *val)
{
    const char *why;
    const char *p = skip_ws(it->p, it->end);
    if (!it->is_first) {
        if (p >= it->end || *p != ',')
            return false;
        p++;
    }
    p = skip_ws(p, it->end);
    if (p >= it->end)
        return false;
    p = scan_value(p, it->end, 1, key, &why);
    if (p == NULL)
        return false;
    p = skip_ws(p, it->end);
    p++; /* ':' */
    p = scan_value(p, it->end, 1, val, &why);
    if (p == NULL)
        return false;
    it->p = p;
    it->is_first = false;
    return true;
}

/* Writes cp as UTF-8 at d; returns the end. */
static char *put_utf8(char *d, uint32_t cp)
{
    if (cp < 0x80) {
        *d++ = (char)cp;
    } else if (cp < 0x800) {
        *d++ = (char)(0xC0 | (cp >> 6));
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *d++ = (char)(0xE0 | (cp >> 12));
        *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *d++ = (char)(0xF0 | (cp >> 18));
        *d++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    }
    return d;
}

static uint32_t hex4(const char *p)
{
    return (uint32_t)(msoc_hex_digit(p[0]) << 12 | msoc_hex_digit(p[1]) << 8 | msoc_hex_digit(p[2]) << 4 | msoc_hex_digit(p[3]));
}

/* The body of a validated string: every escape is complete. The text never grows
 * (an escape of n bytes yields at most n bytes: \uXXXX 6 -> <= 3, a surrogate pair
 * 12 -> 4), so it is written in place into len bytes reserved at once, plus 16 of
 * slack for the block copy below. */
void msoc_ingest__json_unescape(const char *p, size_t len, msoc_buf *out)
{
    char *d0 = msoc_buf_reserve(out, len + 16);
    if (d0 == NULL)
        return; /* the buffer's sticky failure */
    char *d = d0;
    const char *end = p + len;
#if defined(__SSE2__) && !defined(MSOC_INGEST_PORTABLE_SCAN)
    const char *start = p;
#endif
    while (p < end) {
#if defined(__SSE2__) && !defined(MSOC_INGEST_PORTABLE_SCAN)
        /* Copy 16 bytes at a time up to the next backslash (the stores may run past
         * it into the slack; what lies beyond is overwritten or past len). */
        const __m128i v_bs = _mm_set1_epi8('\\');
        while (end - p >= 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
            _mm_storeu_si128((__m128i *)(void *)d, x);
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, v_bs));
            if (m != 0) {
                unsigned n = (unsigned)__builtin_ctz(m);
                p += n;
                d += n;
                goto escape;
            }
            p += 16;
            d += 16;
        }
        /* The last bytes (under 16): when the string has 16 before its end, one
         * load ending there finds the next backslash, and memcpy copies up to it. */
        if (p < end && end - start >= 16) {
            unsigned r = (unsigned)(end - p);
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(end - 16));
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, v_bs)) >> (16 - r);
            unsigned n = m != 0 ? (unsigned)__builtin_ctz(m) : r;
            memcpy(d, p, n);
            p += n;
            d += n;
            if (p >= end)
                break;
            goto escape;
        }
#endif
        while (p < end && *p != '\\')
            *d++ = *p++;
        if (p >= end)
            break;
#if defined(__SSE2__) && !defined(MSOC_INGEST_PORTABLE_SCAN)
    escape:
#endif
        {
            char e = p[1];
            p += 2;
            switch (e) {
            case 'b': *d++ = '\b'; break;
            case 'f': *d++ = '\f'; break;
            case 'n': *d++ = '\n'; break;
            case 'r': *d++ = '\r'; break;
            case 't': *d++ = '\t'; break;
            case 'u': {
                uint32_t cp = hex4(p);
                p += 4;
                if (cp >= 0xD800 && cp < 0xDC00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                    uint32_t lo = hex4(p + 2);
                    if (lo >= 0xDC00 && lo < 0xE000) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        p += 6;
                    }
                }
                if (cp >= 0xD800 && cp < 0xE000)
                    cp = 0xFFFD; /* a lone surrogate */
                d = put_utf8(d, cp);
                break;
            }
            default: *d++ = e; break;
            }
        }
    }
    out->len += (size_t)(d - d0);
    out->data[out->len] = '\0';
}

void msoc_ingest__json_compact(const char *p, size_t len, msoc_buf *out)
{
    const char *end = p + len;
    while (p < end) {
        const char *q = p;
        while (q < end && *q != '"' && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
            q++;
        if (q > p)
            msoc_buf_append(out, p, (size_t)(q - p));
        if (q >= end)
            return;
        if (*q == '"') {
            bool has_esc;
            const char *why;
            const char *s = scan_string(q, end, &has_esc, &why);
            if (s == NULL)
                s = end;
            msoc_buf_append(out, q, (size_t)(s - q));
            p = s;
        } else {
            p = q + 1;
        }
    }
}

/* A member value that starts with a digit or '-' (q): an integer
 * (-?(0|[1-9][0-9]*)) is taken here, as scan_number would take it; anything else
 * (a fraction, an exponent, a bare '-') goes to scan_value. Returns past the
 * value, or NULL with *why. */
static inline __attribute__((always_inline)) const char *
scan_num_member(const char *q, const char *end, ing_jval *v, const char **why)
{
    const char *d = q + (*q == '-'), *x = d;
    if (x < end && *x == '0')
        x++;
    else
        while (x < end && (unsigned)(*x - '0') < 10u)
            x++;
    if (x > d && (x >= end || (*x != '.' && *x != 'e' && *x != 'E'))) {
        v->kind = ING_J_INT;
        v->p = q;
        v->len = (size_t)(x - q);
        v->has_esc = false;
        return x;
    }
    return scan_value(q, end, 1, v, why);
}

/* n bytes at a equal n bytes at b (short keys: no libc call). */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        uint64_t x, y;
        for (size_t i = 0; i + 8 <= n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* same_bytes for n >= 1 when both a and b may be read up to the next multiple of
 * 16 bytes (the caller checks that room): 16 bytes per step, the last step masked. */
static inline bool same_bytes_padded(const char *a, const char *b, size_t n)
{
#if defined(__SSE2__) && !defined(MSOC_INGEST_PORTABLE_SCAN)
    for (;;) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)a);
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)b);
        unsigned diff = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) ^ 0xffffu;
        if (n <= 16)
            return (diff & ((1u << n) - 1u)) == 0;
        if (diff != 0)
            return false;
        a += 16;
        b += 16;
        n -= 16;
    }
#else
    return same_bytes(a, b, n);
#endif
}

/* The reference scanner: one pass, byte by byte between 16-byte string steps.
 * Every error reason comes from here (the two-stage walk below falls back to it). */
static const char *json_object_ref(const char *p, const char *end, msoc_vec *fields,
                                   const ing_field *hint, size_t n_hint, const char *read_end,
                                   ing_jval *obj, bool *is_same_layout, const char **why)
{
    msoc_vec_clear(fields);
    size_t n_same = 0;
    *is_same_layout = false;
    p = skip_ws(p, end);
    if (p >= end || *p != '{') {
        *why = "a row must be a JSON object";
        return NULL;
    }
    obj->kind = ING_J_OBJ;
    obj->p = p;
    obj->has_esc = false;
    const char *q = skip_ws(p + 1, end);
    if (q < end && *q == '}') {
        obj->len = (size_t)(q + 1 - p);
        *is_same_layout = n_hint == 0;
        return q + 1;
    }
    for (;;) {
        ing_field *f;
        if (fields->n < fields->cap) {
            f = (ing_field *)fields->data + fields->n++;
            f->is_same_key = false;
        } else {
            f = msoc_vec_push(fields);
        }
        if (f == NULL) {
            *why = "too many fields";
            return NULL;
        }
        q = skip_ws(q, end);
        if (q >= end || *q != '"') {
            *why = "expected a member name";
            return NULL;
        }
        size_t i = fields->n - 1;
        if (i < n_hint) {
            /* The hint's key is a valid string body, so '"' body '"' here is
             * exactly that string (same value, same escapes). */
            const ing_jval *hk = &hint[i].key;
            size_t kl = hk->len;
            /* The hint's body is followed by its closing quote: comparing kl + 1
             * bytes checks this key's quote too. */
            bool is_same;
            if (read_end != NULL && (size_t)(read_end - q) > kl + 17)
                is_same = same_bytes_padded(q + 1, hk->p, kl + 1);
            else
                is_same = (size_t)(end - q) > kl + 1 && q[kl + 1] == '"' && same_bytes(q + 1, hk->p, kl);
            if (is_same) {
                f->key = *hk;
                f->key.p = q + 1;
                f->is_same_key = true;
                n_same++;
                q += kl + 2;
            }
        }
        if (!f->is_same_key) {
            q = scan_value(q, end, 1, &f->key, why);
            if (q == NULL)
                return NULL;
        }
        q = skip_ws(q, end);
        if (q >= end || *q != ':') {
            *why = "expected ':'";
            return NULL;
        }
        q++;
        if (q < end && *q == '"') {
            /* A string member (most of them): scanned here, without the call. */
            f->val.kind = ING_J_STR;
            const char *e = scan_string(q, end, &f->val.has_esc, why);
            if (e == NULL)
                return NULL;
            f->val.p = q + 1;
            f->val.len = (size_t)(e - q - 2);
            q = e;
        } else if (q < end && ((unsigned)(*q - '0') < 10u || *q == '-')) {
            q = scan_num_member(q, end, &f->val, why);
            if (q == NULL)
                return NULL;
        } else {
            q = scan_value(q, end, 1, &f->val, why);
            if (q == NULL)
                return NULL;
        }
        q = skip_ws(q, end);
        if (q < end && *q == ',') {
            q++;
            continue;
        }
        if (q < end && *q == '}') {
            obj->len = (size_t)(q + 1 - p);
            *is_same_layout = n_same == n_hint && fields->n == n_hint;
            return q + 1;
        }
        *why = "expected ',' or '}'";
        return NULL;
    }
}

/* ---- The AVX2 object scan ----
 *
 * json_object_ref's work with 32-byte steps and less per member, for CPUs with
 * AVX2 (chosen at run time; the build stays x86-64 baseline). Per member it
 * compares the key with the hint's 32 bytes at a time (the last step masked; the
 * closing quote included), scans a string value 32 bytes at a time to its first
 * '"', '\\' or control character, and keeps the fields array's count in a
 * register. Where the caller gives read_end, string steps may read past the
 * record's end up to it (a stop found at or past end means the string is
 * unterminated); else the last 31 bytes before end are read 16 bytes or one byte
 * at a time.
 *
 * It takes no decision the reference scanner would take differently: when it
 * meets anything but a well-formed member of the usual shape (a control
 * character in a string, a bad escape, a structural error, an unterminated
 * string) it gives up and json_object_ref scans the record from the start, so
 * errors, their reasons and what is accepted come from one place. Values that
 * are not strings or plain integers go to scan_value as in json_object_ref.
 *
 * (A two-stage design -- bitmasks of quotes, backslashes and control characters
 * for the whole record 64 bytes at a time, then a walk over them -- measured
 * slower here: 1.5-2.0 us per 3.2 KB row against the reference's 0.82-0.89, and
 * ~19k instructions against ~11k. It reads every byte of the keys, which the
 * key hints let this scanner skip, and the data's string ends are predictable
 * enough that the reference runs at high IPC; see git history of json5.) */

#if (defined(__x86_64__) || defined(__i386__)) && defined(__SSE2__) && \
    !defined(MSOC_INGEST_PORTABLE_SCAN) && (defined(__GNUC__) || defined(__clang__))
#define FAST_X86 1
#include <immintrin.h>
#define FAST_TARGET __attribute__((target("avx2,bmi,bmi2")))

static bool cpu_has_avx2(void)
{
#ifdef __AVX2__
    return true;
#else
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
           __builtin_cpu_supports("bmi2");
#endif
}

/* Bit i: q[i] is '"', '\\' or a control character (32 bytes at q are readable). */
static inline __attribute__((always_inline)) FAST_TARGET uint32_t stops32(const char *q)
{
    const __m256i vq = _mm256_set1_epi8('"'), vb = _mm256_set1_epi8('\\');
    const __m256i vc = _mm256_set1_epi8(0x1f);
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)q);
    __m256i hit = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(x, vq), _mm256_cmpeq_epi8(x, vb)),
                                  _mm256_cmpeq_epi8(_mm256_max_epu8(x, vc), vc));
    return (uint32_t)_mm256_movemask_epi8(hit);
}

static inline __attribute__((always_inline)) FAST_TARGET uint32_t stops16(const char *q)
{
    const __m128i vq = _mm_set1_epi8('"'), vb = _mm_set1_epi8('\\'), vc = _mm_set1_epi8(0x1f);
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vb)),
                               _mm_cmpeq_epi8(_mm_max_epu8(x, vc), vc));
    return (uint32_t)_mm_movemask_epi8(hit);
}

/* q just past a string's opening quote; returns past its closing quote, or NULL
 * for anything json_object_ref must report. Loads of 32 bytes while they end at
 * or before lim (>= end). */
static inline __attribute__((always_inline)) FAST_TARGET const char *
fast_string(const char *q, const char *end, const char *lim, bool *has_esc)
{
    *has_esc = false;
    for (;;) {
        for (;;) {
            if (__builtin_expect(lim - q >= 32, 1)) {
                uint32_t m = stops32(q);
                if (m != 0) {
                    q += __builtin_ctz(m);
                    break;
                }
                q += 32;
            } else if (end - q >= 16) {
                uint32_t m = stops16(q);
                if (m != 0) {
                    q += __builtin_ctz(m);
                    break;
                }
                q += 16;
            } else {
                while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
                    q++;
                break;
            }
        }
        if (q >= end)
            return NULL; /* unterminated (a stop past end is the next record's) */
        if (__builtin_expect(*q == '"', 1))
            return q + 1;
        if (*q != '\\' || end - q < 2)
            return NULL;
        *has_esc = true;
        char e = q[1];
        if (e == '\\' || e == '"' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
            e == 't') {
            q += 2;
        } else if (e == 'u' && end - q >= 6 && msoc_hex_digit(q[2]) >= 0 && msoc_hex_digit(q[3]) >= 0 &&
                   msoc_hex_digit(q[4]) >= 0 && msoc_hex_digit(q[5]) >= 0) {
            q += 6;
        } else {
            return NULL;
        }
    }
}

/* The n >= 1 bytes at a and b are equal; 32 bytes at a time, the last step
 * masked (the caller checks that both may be read to the next multiple of 32). */
static inline __attribute__((always_inline)) FAST_TARGET bool same32(const char *a, const char *b,
                                                                     size_t n)
{
    for (;;) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)a);
        __m256i y = _mm256_loadu_si256((const __m256i *)(const void *)b);
        uint32_t diff = ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(x, y));
        if (n <= 32)
            return _bzhi_u32(diff, (unsigned)n) == 0;
        if (diff != 0)
            return false;
        a += 32;
        b += 32;
        n -= 32;
    }
}

/* is_line: the object should be the whole of its line, and end may lie past the
 * line (NDJSON before its line end is known): whitespace between tokens must not
 * hold '\n' (a nested value that does is given up), so on success no byte of
 * [p, result) is a '\n' and the result equals the scan of the line alone.
 * Line mode also needs end[-1] == '\n': that byte stops every step of the member
 * loop (no token, key or string body holds a '\n', and the hint and length
 * shortcuts only pass bytes they compared), so q < end holds there without being
 * tested (IN). */
#define SKIP_WS(x) (is_line ? skip_ws_line((x), end) : skip_ws((x), end))
#define IN(x) (is_line || (x) < end)

static inline __attribute__((always_inline)) FAST_TARGET const char *
json_object_avx2_body(const char *p, const char *end, msoc_vec *fields, const ing_field *hint,
                      size_t n_hint, const char *read_end, ing_jval *obj, bool *is_same_layout,
                      bool is_line)
{
    const char *why;
    const char *lim = read_end != NULL && read_end > end ? read_end : end;
    size_t n_same = 0;
    *is_same_layout = false;
    p = SKIP_WS(p);
    if (p >= end || *p != '{')
        return NULL;
    obj->kind = ING_J_OBJ;
    obj->p = p;
    obj->has_esc = false;
    const char *q = SKIP_WS(p + 1);
    if (q < end && *q == '}') {
        fields->n = 0;
        obj->len = (size_t)(q + 1 - p);
        *is_same_layout = n_hint == 0;
        return q + 1;
    }
    ing_field *fd = fields->data;
    size_t n = 0, cap = fields->cap;
    /* Members that may have a hint: min(cap, n_hint) go without the push test. */
    size_t n_easy = n_hint < cap ? n_hint : cap;
    /* A key step reads to q + 1 + round_up(kl + 1, 32) <= q + kl + 33: q + kl < rlim
     * (without read_end, rlim = q: never). */
    const char *rlim = read_end != NULL && read_end - q > 33 ? read_end - 33 : q;
    /* A value's length shortcut reads q + 1 .. q + 32 and needs its quote before end. */
    const char *qs = end - q > 33 ? end - 33 : q;
    for (;;) {
        ing_field *f;
        bool has_hint = n < n_easy;
        if (__builtin_expect(has_hint, 1)) {
            f = fd + n++;
        } else if (n < cap) {
            has_hint = n < n_hint;
            f = fd + n++;
        } else {
            fields->n = n;
            f = msoc_vec_push(fields);
            if (f == NULL)
                return NULL;
            fd = fields->data;
            cap = fields->cap;
            has_hint = n < n_hint;
            n++;
        }
        f->is_same_key = false;
        if (__builtin_expect(!IN(q) || *q != '"', 0)) {
            q = SKIP_WS(q); /* after ", " */
            if (q >= end || *q != '"')
                return NULL;
        }
        size_t L = 32; /* the hint row's string value length here, when it applies */
        if (has_hint) {
            const ing_jval *hk = &hint[n - 1].key;
            size_t kl = hk->len;
            bool is_same;
            /* Room for the steps: read_end may be read up to from q and from the
             * hint key on (the hint key is usually behind q: one test covers both). */
            if (rlim - q > (ptrdiff_t)kl && (hk->p <= q || rlim - hk->p > (ptrdiff_t)kl))
                is_same = same32(q + 1, hk->p, kl + 1);
            else
                is_same = (size_t)(end - q) > kl + 1 && q[kl + 1] == '"' && same_bytes(q + 1, hk->p, kl);
            if (is_same) {
                f->key = *hk;
                f->key.p = q + 1;
                f->is_same_key = true;
                n_same++;
                q += kl + 2;
                const ing_jval *hv = &hint[n - 1].val;
                L = hv->kind == ING_J_STR ? hv->len : 32;
            }
        }
        if (!f->is_same_key) {
            const char *e = fast_string(q + 1, end, lim, &f->key.has_esc);
            if (e == NULL)
                return NULL;
            f->key.kind = ING_J_STR;
            f->key.p = q + 1;
            f->key.len = (size_t)(e - q - 2);
            q = e;
        }
        if (__builtin_expect(IN(q) && *q == ':', 1)) {
            q++;
        } else {
            q = SKIP_WS(q);
            if (q >= end || *q != ':')
                return NULL;
            q++;
        }
        if (__builtin_expect(IN(q) && *q == '"', 1)) {
            /* Where the previous row's value at this key had the same length and
             * no escapes, one step confirms it, and the next position follows
             * from that length rather than from the scan. */
            const char *e;
            if (L < 32 && q < qs &&
                __builtin_expect(L == 0 ? q[1] == '"'
                                        : _bzhi_u32(stops32(q + 1), (unsigned)L + 1) == 1u << L &&
                                              q[L + 1] == '"',
                                 1)) {
                e = q + L + 2;
                f->val.has_esc = false;
            } else {
                e = fast_string(q + 1, end, lim, &f->val.has_esc);
            }
            if (e == NULL)
                return NULL;
            f->val.kind = ING_J_STR;
            f->val.p = q + 1;
            f->val.len = (size_t)(e - q - 2);
            q = e;
        } else if (IN(q) && ((unsigned)(*q - '0') < 10u || *q == '-')) {
            q = scan_num_member(q, end, &f->val, &why);
            if (q == NULL)
                return NULL;
        } else {
            if (q < end && (unsigned char)*q <= ' ') {
                q = SKIP_WS(q); /* "key": value (scan_value takes it from here) */
                /* Line mode: a '\n' here would be skipped by scan_value. */
                if (is_line && q < end && (unsigned char)*q <= ' ')
                    return NULL;
            }
            const char *v0 = q;
            q = scan_value(q, end, 1, &f->val, &why);
            if (q == NULL)
                return NULL;
            /* A nested value may hold whitespace (a string or literal cannot). */
            if (is_line && (f->val.kind == ING_J_OBJ || f->val.kind == ING_J_ARR) &&
                memchr(v0, '\n', (size_t)(q - v0)) != NULL)
                return NULL;
        }
        if (__builtin_expect(IN(q) && *q == ',', 1)) {
            q++; /* whitespace after it: at the next key */
            continue;
        }
        q = SKIP_WS(q);
        if (q < end && *q == ',') {
            q = SKIP_WS(q + 1);
            continue;
        }
        if (q < end && *q == '}') {
            fields->n = n;
            obj->len = (size_t)(q + 1 - p);
            *is_same_layout = n_same == n_hint && n == n_hint;
            return q + 1;
        }
        return NULL;
    }
}
#undef SKIP_WS
#undef IN

static FAST_TARGET const char *json_object_avx2(const char *p, const char *end, msoc_vec *fields,
                                                const ing_field *hint, size_t n_hint,
                                                const char *read_end, ing_jval *obj,
                                                bool *is_same_layout)
{
    return json_object_avx2_body(p, end, fields, hint, n_hint, read_end, obj, is_same_layout,
                                 false);
}

static FAST_TARGET const char *json_row_line_avx2(const char *p, const char *end,
                                                  msoc_vec *fields, const ing_field *hint,
                                                  size_t n_hint, const char *read_end,
                                                  ing_jval *obj, bool *is_same_layout,
                                                  const char **line_end)
{
    if (end - p < 2 || end[-1] != '\n')
        return NULL; /* no line end to stop at: the caller scans the line */
    const char *e = json_object_avx2_body(p, end, fields, hint, n_hint, read_end, obj,
                                          is_same_layout, true);
    if (e == NULL)
        return NULL;
    const char *t = skip_ws_line(e, end);
    if (t < end && *t != '\n')
        return NULL; /* text after the object: the line scan reports it */
    *line_end = t;
    return e;
}
#endif

bool msoc_ingest__json_scan_has(ing_scan_impl impl)
{
    switch (impl) {
    case ING_SCAN_REF:
    case ING_SCAN_BEST:
        return true;
#ifdef FAST_X86
    case ING_SCAN_AVX2:
        return cpu_has_avx2();
#endif
    default:
        return false;
    }
}

const char *msoc_ingest__json_object_impl(ing_scan_impl impl, const char *p, const char *end,
                                          msoc_vec *fields, const ing_field *hint, size_t n_hint,
                                          const char *read_end, ing_jval *obj,
                                          bool *is_same_layout, bool *is_fast, const char **why)
{
    if (is_fast != NULL)
        *is_fast = false;
#ifdef FAST_X86
    if (impl != ING_SCAN_REF && cpu_has_avx2()) {
        const char *r = json_object_avx2(p, end, fields, hint, n_hint, read_end, obj, is_same_layout);
        if (r != NULL) {
            if (is_fast != NULL)
                *is_fast = true;
            return r;
        }
    }
#else
    (void)impl;
#endif
    return json_object_ref(p, end, fields, hint, n_hint, read_end, obj, is_same_layout, why);
}

const char *msoc_ingest__json_row_line(const char *p, const char *end, msoc_vec *fields,
                                       const ing_field *hint, size_t n_hint,
                                       const char *read_end, ing_jval *obj, bool *is_same_layout,
                                       const char **line_end)
{
#ifdef FAST_X86
    if (cpu_has_avx2())
        return json_row_line_avx2(p, end, fields, hint, n_hint, read_end, obj, is_same_layout,
                                  line_end);
#else
    (void)p, (void)end, (void)fields, (void)hint, (void)n_hint, (void)read_end, (void)obj;
    (void)is_same_layout, (void)line_end;
#endif
    return NULL;
}

const char *msoc_ingest__json_object(const char *p, const char *end, msoc_vec *fields,
                                     const ing_field *hint, size_t n_hint, const char *read_end,
                                     ing_jval *obj, bool *is_same_layout, const char **why)
{
    return msoc_ingest__json_object_impl(ING_SCAN_BEST, p, end, fields, hint, n_hint, read_end, obj,
                                         is_same_layout, NULL, why);
}
