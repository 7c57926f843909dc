/* Byte-level codecs: zlib/gzip compression to and from base64, base64 from a byte
 * array, dynamic_to_json (canonical JSON: keys sorted), format_bytes. Compression
 * writes stored (uncompressed) deflate blocks and a gzip header with no name, time
 * 0 and OS 255, because that is the exact output Kusto returns for these functions;
 * any inflater reads it. Decompression output is capped and must be UTF-8.
 * Also estimate_data_size. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

/* Largest decompressed string we hand back (a zip bomb yields ""). */
#define MAX_INFLATED (64u << 20)

static msoc_str T(xq *q, xval v)
{
    if (v.is_null && !xtype_is_str(v.t))
        return MSOC_STR("");
    return msoc_exec__to_text(q, v);
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static msoc_str b64_encode(xq *q, const unsigned char *p, size_t len)
{
    size_t olen = (len + 2) / 3 * 4;
    char *o = msoc_exec__alloc(q, olen + 1);
    if (o == NULL)
        return MSOC_STR("");
    size_t k = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        o[k++] = b64chars[(v >> 18) & 63];
        o[k++] = b64chars[(v >> 12) & 63];
        o[k++] = i + 1 < len ? b64chars[(v >> 6) & 63] : '=';
        o[k++] = i + 2 < len ? b64chars[v & 63] : '=';
    }
    o[k] = 0;
    return msoc_str_make(o, k);
}

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Strict base64 (padding optional); returns the decoded length or -1. */
static long b64_decode(msoc_str s, unsigned char *o)
{
    uint32_t acc = 0;
    int bits = 0;
    long n = 0;
    size_t i = 0;
    for (; i < s.len && s.ptr[i] != '='; i++) {
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
    for (; i < s.len; i++)
        if (s.ptr[i] != '=')
            return -1;
    return n;
}

static bool is_utf8(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (k == 0 || i + k > n)
            return false;
        for (size_t j = 1; j < k; j++)
            if ((p[i + j] & 0xC0) != 0x80)
                return false;
        i += k;
    }
    return true;
}

/* Stored deflate blocks of s (at most 65535 bytes each) into o; returns the length. */
static size_t deflate_stored(const unsigned char *s, size_t len, unsigned char *o)
{
    size_t k = 0, i = 0;
    do {
        size_t chunk = len - i > 65535 ? 65535 : len - i;
        o[k++] = i + chunk == len ? 1 : 0;
        o[k++] = (unsigned char)(chunk & 0xff);
        o[k++] = (unsigned char)(chunk >> 8);
        o[k++] = (unsigned char)(~chunk & 0xff);
        o[k++] = (unsigned char)((~chunk >> 8) & 0xff);
        memcpy(o + k, s + i, chunk);
        k += chunk;
        i += chunk;
    } while (i < len);
    return k;
}

static void compress_b64(xq *q, msoc_str s, bool is_gzip, xval *out)
{
    const unsigned char *p = (const unsigned char *)(s.ptr ? s.ptr : "");
    size_t cap = s.len + 5 * (s.len / 65535 + 1) + 32;
    unsigned char *o = msoc_exec__alloc(q, cap);
    if (o == NULL)
        return;
    size_t k = 0;
    if (is_gzip) {
        static const unsigned char hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
        memcpy(o, hdr, sizeof hdr);
        k = sizeof hdr;
    } else {
        o[k++] = 0x78;
        o[k++] = 0x01;
    }
    k += deflate_stored(p, s.len, o + k);
    if (is_gzip) {
        uLong crc = crc32(0L, p, (uInt)s.len);
        for (int b = 0; b < 4; b++)
            o[k++] = (unsigned char)(crc >> (8 * b));
        for (int b = 0; b < 4; b++)
            o[k++] = (unsigned char)((uint64_t)s.len >> (8 * b));
    } else {
        uLong ad = adler32(1L, p, (uInt)s.len);
        for (int b = 3; b >= 0; b--)
            o[k++] = (unsigned char)(ad >> (8 * b));
    }
    *out = xv_str(b64_encode(q, o, k));
}

static void decompress_b64(xq *q, msoc_str s, bool is_gzip, xval *out)
{
    *out = xv_str(MSOC_STR(""));
    unsigned char *in = msoc_exec__alloc(q, s.len + 1);
    if (in == NULL)
        return;
    long n = b64_decode(s, in);
    if (n <= 0)
        return;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, is_gzip ? 16 + 15 : 15) != Z_OK)
        return;
    msoc_buf b;
    msoc_buf_init(&b, MAX_INFLATED);
    zs.next_in = in;
    zs.avail_in = (uInt)n;
    int rc = Z_OK;
    unsigned char chunk[16384];
    while (rc == Z_OK) {
        zs.next_out = chunk;
        zs.avail_out = sizeof chunk;
        rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END)
            break;
        size_t got = sizeof chunk - zs.avail_out;
        if (msoc_buf_append(&b, chunk, got) != MSOC_OK) {
            rc = Z_MEM_ERROR;
            break;
        }
        if (rc == Z_OK && got == 0 && zs.avail_in == 0) {
            rc = Z_DATA_ERROR; /* truncated stream */
            break;
        }
    }
    inflateEnd(&zs);
    if (rc == Z_STREAM_END && is_utf8((const unsigned char *)b.data, b.len))
        *out = xv_str(msoc_exec__strdup(q, b.data ? b.data : "", b.len));
    msoc_buf_fini(&b);
}

ROW(f_zlib_compress)
{
    (void)n_args;
    compress_b64(q, T(q, a[0]), false, out);
}

ROW(f_gzip_compress)
{
    (void)n_args;
    compress_b64(q, T(q, a[0]), true, out);
}

ROW(f_zlib_decompress)
{
    (void)n_args;
    decompress_b64(q, T(q, a[0]), false, out);
}

ROW(f_gzip_decompress)
{
    (void)n_args;
    decompress_b64(q, T(q, a[0]), true, out);
}

/* An array of byte values (0..255) to base64; anything else gives null. */
ROW(f_base64_encode_fromarray)
{
    (void)n_args;
    if (a[0].t != MSOC_TYPE_DYNAMIC || a[0].d == NULL || !json_is_array(a[0].d))
        return;
    size_t n = json_array_size(a[0].d);
    unsigned char *p = msoc_exec__alloc(q, n + 1);
    if (p == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(a[0].d, i);
        if (!json_is_integer(e) || json_integer_value(e) < 0 || json_integer_value(e) > 255)
            return;
        p[i] = (unsigned char)json_integer_value(e);
    }
    *out = xv_str(b64_encode(q, p, n));
}

typedef struct kv {
    const char *k;
    json_t *v;
} kv;

static int cmp_kv(const void *x, const void *y)
{
    return strcmp(((const kv *)x)->k, ((const kv *)y)->k);
}

/* Canonical JSON: object keys in ordinal order at every level. */
static msoc_status write_sorted(xq *q, json_t *j, msoc_buf *b, int depth)
{
    if (depth > 256)
        return msoc_fail(q->err, MSOC_LIMIT, "dynamic_to_json: nesting deeper than 256");
    if (json_is_object(j)) {
        size_t n = json_object_size(j), i = 0;
        kv *items = msoc_exec__calloc(q, n + 1, sizeof *items);
        if (items == NULL)
            return q->err->code;
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v)
        {
            items[i].k = k;
            items[i].v = v;
            i++;
        }
        qsort(items, n, sizeof *items, cmp_kv);
        msoc_buf_putc(b, '{');
        for (i = 0; i < n; i++) {
            if (i)
                msoc_buf_putc(b, ',');
            msoc_buf_append_json_str(b, items[i].k, strlen(items[i].k));
            msoc_buf_putc(b, ':');
            msoc_status st = write_sorted(q, items[i].v, b, depth + 1);
            if (st != MSOC_OK)
                return st;
        }
        return msoc_buf_putc(b, '}');
    }
    if (json_is_array(j)) {
        msoc_buf_putc(b, '[');
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i)
                msoc_buf_putc(b, ',');
            msoc_status st = write_sorted(q, json_array_get(j, i), b, depth + 1);
            if (st != MSOC_OK)
                return st;
        }
        return msoc_buf_putc(b, ']');
    }
    return msoc_exec__json_write(j, b);
}

ROW(f_dynamic_to_json)
{
    (void)n_args;
    json_t *j = a[0].t == MSOC_TYPE_DYNAMIC ? a[0].d : msoc_exec__to_json(q, a[0]);
    if (j == NULL) {
        *out = xv_str(MSOC_STR("null"));
        return;
    }
    msoc_buf b;
    msoc_buf_init(&b, 1u << 26);
    if (write_sorted(q, j, &b, 0) == MSOC_OK && msoc_buf_check(&b, "dynamic_to_json", q->err) == MSOC_OK)
        *out = xv_str(msoc_exec__strdup(q, b.data ? b.data : "", b.len));
    msoc_buf_fini(&b);
}

/* format_bytes(size [, precision [, unit [, base]]]): "564 Bytes", "19.08 MB". */
ROW(f_format_bytes)
{
    static const char *const units[] = {"Bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
    xval sz = msoc_exec__convert(q, a[0], MSOC_TYPE_REAL);
    if (sz.is_null)
        return;
    int64_t prec = 0;
    if (n_args > 1 && !a[1].is_null)
        prec = msoc_exec__convert(q, a[1], MSOC_TYPE_LONG).i;
    if (prec < 0 || prec > 15)
        prec = prec < 0 ? 0 : 15;
    double base = 1024;
    if (n_args > 3 && !a[3].is_null) {
        int64_t bs = msoc_exec__convert(q, a[3], MSOC_TYPE_LONG).i;
        if (bs == 10)
            base = 1000;
        else if (bs != 2)
            return;
    }
    int u = -1;
    if (n_args > 2) {
        msoc_str want = T(q, a[2]);
        for (int i = 0; want.len && i < 7; i++)
            if (msoc_str_ieq_c(want, units[i]) || (i == 0 && msoc_str_ieq_c(want, "B")))
                u = i;
        if (want.len && u < 0)
            return;
    }
    double v = sz.r;
    if (u < 0) {
        u = 0;
        while (u < 6 && fabs(v) >= base) {
            v /= base;
            u++;
        }
    } else {
        v /= pow(base, u);
    }
    char buf[128];
    int len = snprintf(buf, sizeof buf, "%.*f %s", (int)prec, v, units[u]);
    if (len > 0 && (size_t)len < sizeof buf)
        *out = xv_str(msoc_exec__strdup(q, buf, (size_t)len));
}

/* estimate_data_size(cols...): the bytes the values take: 8 for long, real,
 * datetime and timespan, 4 for int, 1 for bool, 16 for guid, the UTF-8 length of
 * a string and of a dynamic value's JSON text; null counts 0. */
ROW(f_estimate_data_size)
{
    int64_t total = 0;
    for (size_t i = 0; i < n_args; i++) {
        xval v = a[i];
        switch (v.t) {
        case MSOC_TYPE_STRING: total += (int64_t)v.s.len; break;
        case MSOC_TYPE_GUID: total += v.s.len ? 16 : 0; break;
        case MSOC_TYPE_BOOL: total += v.is_null ? 0 : 1; break;
        case MSOC_TYPE_INT: total += v.is_null ? 0 : 4; break;
        case MSOC_TYPE_DYNAMIC:
            if (!v.is_null) {
                msoc_buf b;
                msoc_buf_init(&b, 1u << 26);
                if (msoc_exec__json_write(v.d, &b) == MSOC_OK)
                    total += (int64_t)b.len;
                msoc_buf_fini(&b);
            }
            break;
        default: total += v.is_null ? 0 : 8; break;
        }
    }
    (void)q;
    *out = xv_long(total);
}

void msoc_exec__fn_register_codec(xfn_impl *t)
{
    t[MSOC_PLAN_FN_ZLIB_COMPRESS_TO_BASE64] = (xfn_impl){f_zlib_compress, NULL, false};
    t[MSOC_PLAN_FN_GZIP_COMPRESS_TO_BASE64] = (xfn_impl){f_gzip_compress, NULL, false};
    t[MSOC_PLAN_FN_ZLIB_DECOMPRESS_FROM_BASE64] = (xfn_impl){f_zlib_decompress, NULL, false};
    t[MSOC_PLAN_FN_GZIP_DECOMPRESS_FROM_BASE64] = (xfn_impl){f_gzip_decompress, NULL, false};
    t[MSOC_PLAN_FN_BASE64_ENCODE_FROMARRAY] = (xfn_impl){f_base64_encode_fromarray, NULL, false};
    t[MSOC_PLAN_FN_DYNAMIC_TO_JSON] = (xfn_impl){f_dynamic_to_json, NULL, false};
    t[MSOC_PLAN_FN_FORMAT_BYTES] = (xfn_impl){f_format_bytes, NULL, false};
    t[MSOC_PLAN_FN_ESTIMATE_DATA_SIZE] = (xfn_impl){f_estimate_data_size, NULL, false};
}
