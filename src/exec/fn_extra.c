/* More scalar functions: legacy aliases, byte sizes, regex quoting, URL query
 * parsing, IPv4 search in text, xxhash64, extractjson. */
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

static msoc_str T(xq *q, xval v)
{
    if (v.is_null && !xtype_is_str(v.t))
        return MSOC_STR("");
    return msoc_exec__to_text(q, v);
}

ROW(f_string_size)
{
    (void)n_args;
    *out = xv_long((int64_t)T(q, a[0]).len);
}

ROW(f_regex_quote)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    msoc_buf b;
    msoc_buf_init(&b, 1 << 24);
    msoc_buf_reserve(&b, 1);
    for (size_t i = 0; i < s.len; i++) {
        if (strchr("\\^$.|?*+()[]{}", s.ptr[i]) && s.ptr[i])
            msoc_buf_putc(&b, '\\');
        msoc_buf_putc(&b, s.ptr[i]);
    }
    *out = xv_str(msoc_exec__strdup(q, b.data, b.len));
    msoc_buf_fini(&b);
}

ROW(f_url_encode_component)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    msoc_buf b;
    msoc_buf_init(&b, 1 << 24);
    msoc_buf_reserve(&b, 1);
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '_' || c == '.' || c == '~')
            msoc_buf_putc(&b, (char)c);
        else
            msoc_buf_appendf(&b, "%%%02x", c);
    }
    *out = xv_str(msoc_exec__strdup(q, b.data, b.len));
    msoc_buf_fini(&b);
}

ROW(f_unix_us)
{
    (void)n_args;
    xval v = msoc_exec__convert(q, a[0], MSOC_TYPE_REAL);
    *out = v.is_null ? xv_null(MSOC_TYPE_DATETIME) : xv_typed_i(MSOC_TYPE_DATETIME, (int64_t)(v.r * 10));
}

ROW(f_unix_ns)
{
    (void)n_args;
    xval v = msoc_exec__convert(q, a[0], MSOC_TYPE_REAL);
    *out = v.is_null ? xv_null(MSOC_TYPE_DATETIME) : xv_typed_i(MSOC_TYPE_DATETIME, (int64_t)(v.r / 100));
}

ROW(f_bitset_count_ones)
{
    (void)n_args;
    uint64_t v = (uint64_t)msoc_exec__convert(q, a[0], MSOC_TYPE_LONG).i;
    int n = 0;
    while (v) {
        v &= v - 1;
        n++;
    }
    *out = xv_long(n);
}

/* .NET ticks at 1970-01-01: Kusto hashes a datetime's DateTime.Ticks. */
#define NET_TICKS_AT_UNIX_EPOCH 621355968000000000LL

static uint64_t xx_of(xq *q, xval v)
{
    if (xtype_is_int(v.t) && v.t != MSOC_TYPE_BOOL) {
        int64_t x = v.t == MSOC_TYPE_DATETIME ? (int64_t)((uint64_t)v.i + NET_TICKS_AT_UNIX_EPOCH) : v.i;
        return XXH64(&x, sizeof x, 0);
    }
    if (xtype_is_real(v.t)) {
        double d = v.r;
        return XXH64(&d, sizeof d, 0);
    }
    msoc_str s = T(q, v);
    return XXH64(s.ptr ? s.ptr : "", s.len, 0);
}

ROW(f_hash)
{
    uint64_t h = xx_of(q, a[0]);
    if (n_args > 1) {
        int64_t m = msoc_exec__convert(q, a[1], MSOC_TYPE_LONG).i;
        if (m <= 0) {
            *out = xv_null(MSOC_TYPE_LONG);
            return;
        }
        *out = xv_long((int64_t)(h % (uint64_t)m));
        return;
    }
    *out = xv_long((int64_t)h);
}

/* IPv4 addresses in text: dotted quads not adjacent to other digits, dots or letters. */
static bool ipv4_at(msoc_str s, size_t i, size_t *end, uint32_t *ip)
{
    uint32_t v = 0;
    size_t p = i;
    for (int part = 0; part < 4; part++) {
        size_t d = 0;
        uint32_t n = 0;
        while (p < s.len && s.ptr[p] >= '0' && s.ptr[p] <= '9' && d < 4) {
            n = n * 10 + (uint32_t)(s.ptr[p] - '0');
            p++;
            d++;
        }
        if (d == 0 || d > 3 || n > 255)
            return false;
        v = (v << 8) | n;
        if (part < 3) {
            if (p >= s.len || s.ptr[p] != '.')
                return false;
            p++;
        }
    }
    if (p < s.len && ((s.ptr[p] >= '0' && s.ptr[p] <= '9') || s.ptr[p] == '.'))
        return false;
    *end = p;
    *ip = v;
    return true;
}

static bool text_has_ip(msoc_str s, msoc_str want, bool is_prefix)
{
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            continue;
        if (i > 0) {
            char c = s.ptr[i - 1];
            if ((c >= '0' && c <= '9') || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
                continue;
        }
        size_t end;
        uint32_t ip;
        if (!ipv4_at(s, i, &end, &ip))
            continue;
        msoc_str found = msoc_str_make(s.ptr + i, end - i);
        /* a prefix is a whole address or ends with a dot ("10.", "10.0."): "127.0"
         * is neither, so it matches nothing */
        bool is_dotted = want.len > 0 && want.ptr[want.len - 1] == '.';
        if (is_prefix && is_dotted ? msoc_str_starts_with(found, want) : msoc_str_eq(found, want))
            return true;
        i = end - 1;
    }
    return false;
}

static void has_ip_any(xq *q, const xval *a, size_t n_args, bool is_prefix, xval *out)
{
    msoc_str s = T(q, a[0]);
    for (size_t i = 1; i < n_args; i++) {
        json_t *arr = (a[i].t == MSOC_TYPE_DYNAMIC && a[i].d && json_is_array(a[i].d)) ? a[i].d : NULL;
        size_t cnt = arr ? json_array_size(arr) : 1;
        for (size_t k = 0; k < cnt; k++) {
            msoc_str w = arr ? T(q, msoc_exec__from_json(json_array_get(arr, k))) : T(q, a[i]);
            if (text_has_ip(s, w, is_prefix)) {
                *out = xv_bool(true);
                return;
            }
        }
    }
    *out = xv_bool(false);
}

ROW(f_has_ipv4) { has_ip_any(q, a, n_args, false, out); }
ROW(f_has_ipv4_prefix) { has_ip_any(q, a, n_args, true, out); }

ROW(f_parse_urlquery)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    const char *qm = memchr(s.ptr ? s.ptr : "", '?', s.len);
    msoc_str query = qm ? msoc_str_make(qm + 1, s.len - (size_t)(qm + 1 - s.ptr)) : s;
    json_t *o = msoc_exec__own(q, json_object());
    json_t *params = json_object();
    for (size_t i = 0; i < query.len;) {
        size_t j = i;
        while (j < query.len && query.ptr[j] != '&')
            j++;
        const char *eq = memchr(query.ptr + i, '=', j - i);
        char key[256];
        size_t kl = eq ? (size_t)(eq - (query.ptr + i)) : j - i;
        if (kl >= sizeof key)
            kl = sizeof key - 1;
        memcpy(key, query.ptr + i, kl);
        key[kl] = 0;
        if (kl > 0)
            json_object_set_new(params, key,
                                eq ? json_stringn_nocheck(eq + 1, (size_t)(query.ptr + j - eq - 1)) : json_string(""));
        i = j + 1;
    }
    if (o)
        json_object_set_new(o, "Query Parameters", params);
    else
        json_decref(params);
    *out = xv_dyn(o);
}

ROW(f_replace_strings)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    json_t *from = a[1].t == MSOC_TYPE_DYNAMIC && a[1].d && json_is_array(a[1].d) ? a[1].d : NULL;
    json_t *to = a[2].t == MSOC_TYPE_DYNAMIC && a[2].d && json_is_array(a[2].d) ? a[2].d : NULL;
    if (from == NULL || to == NULL) {
        *out = xv_str(s);
        return;
    }
    msoc_buf b;
    msoc_buf_init(&b, 1 << 26);
    msoc_buf_reserve(&b, 1);
    for (size_t i = 0; i < s.len;) {
        size_t best = (size_t)-1, best_len = 0;
        for (size_t k = 0; k < json_array_size(from); k++) {
            json_t *f = json_array_get(from, k);
            size_t fl = json_is_string(f) ? json_string_length(f) : 0;
            if (fl && fl > best_len && i + fl <= s.len && memcmp(s.ptr + i, json_string_value(f), fl) == 0) {
                best = k;
                best_len = fl;
            }
        }
        if (best == (size_t)-1) {
            msoc_buf_putc(&b, s.ptr[i++]);
            continue;
        }
        json_t *r = json_array_get(to, best);
        if (json_is_string(r))
            msoc_buf_append(&b, json_string_value(r), json_string_length(r));
        else /* a non-string replacement leaves the match as it was */
            msoc_buf_append(&b, s.ptr + i, best_len);
        i += best_len;
    }
    *out = xv_str(msoc_exec__strdup(q, b.data, b.len));
    msoc_buf_fini(&b);
}

/* extractjson("$.a.b[0]", text[, typeof(t)]) */
ROW(f_extractjson)
{
    msoc_str path = T(q, a[0]);
    json_t *cur = msoc_exec__parse_json(q, T(q, a[1]));
    size_t i = 0;
    if (path.len && path.ptr[0] == '$')
        i = 1;
    while (cur && i < path.len) {
        char part[256];
        size_t n = 0;
        if (path.ptr[i] == '.') {
            i++;
            while (i < path.len && path.ptr[i] != '.' && path.ptr[i] != '[' && n + 1 < sizeof part)
                part[n++] = path.ptr[i++];
            part[n] = 0;
            cur = json_is_object(cur) ? json_object_get(cur, part) : NULL;
        } else if (path.ptr[i] == '[') {
            i++;
            bool is_quoted = i < path.len && (path.ptr[i] == '\'' || path.ptr[i] == '"');
            if (is_quoted)
                i++;
            while (i < path.len && path.ptr[i] != ']' && path.ptr[i] != '\'' && path.ptr[i] != '"' && n + 1 < sizeof part)
                part[n++] = path.ptr[i++];
            part[n] = 0;
            while (i < path.len && path.ptr[i] != ']')
                i++;
            i++;
            if (is_quoted) {
                cur = json_is_object(cur) ? json_object_get(cur, part) : NULL;
            } else {
                int64_t k;
                cur = (json_is_array(cur) && msoc_str_to_i64(msoc_str_make(part, n), &k) && k >= 0)
                          ? json_array_get(cur, (size_t)k)
                          : NULL;
            }
        } else {
            cur = NULL;
        }
    }
    xval v = cur ? msoc_exec__from_json(cur) : xv_null(MSOC_TYPE_DYNAMIC);
    if (cur && v.t == MSOC_TYPE_DYNAMIC)
        v = xv_str(msoc_exec__to_text(q, xv_dyn(cur)));
    *out = msoc_exec__convert(q, v, n_args > 2 ? a[2].t : MSOC_TYPE_STRING);
}

/* parse_command_line(cmd, "windows"): CommandLineToArgvW's rules — whitespace
 * separates, double quotes group, 2n backslashes before a quote give n and the
 * quote toggles, 2n+1 give n and a literal quote. */
ROW(f_parse_command_line)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    json_t *arr = msoc_exec__own(q, json_array());
    msoc_buf b;
    msoc_buf_init(&b, 1 << 24);
    msoc_buf_reserve(&b, 1);
    size_t i = 0;
    while (arr && i < s.len) {
        while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '\t'))
            i++;
        if (i >= s.len)
            break;
        msoc_buf_reset(&b);
        bool is_quoted = false;
        while (i < s.len && (is_quoted || (s.ptr[i] != ' ' && s.ptr[i] != '\t'))) {
            if (s.ptr[i] == '\\') {
                size_t n_bs = 0;
                while (i < s.len && s.ptr[i] == '\\') {
                    n_bs++;
                    i++;
                }
                if (i < s.len && s.ptr[i] == '"') {
                    for (size_t k = 0; k < n_bs / 2; k++)
                        msoc_buf_putc(&b, '\\');
                    if (n_bs % 2) {
                        msoc_buf_putc(&b, '"');
                        i++;
                    }
                } else {
                    for (size_t k = 0; k < n_bs; k++)
                        msoc_buf_putc(&b, '\\');
                }
            } else if (s.ptr[i] == '"') {
                if (is_quoted && i + 1 < s.len && s.ptr[i + 1] == '"') {
                    msoc_buf_putc(&b, '"');
                    i += 2;
                    continue;
                }
                is_quoted = !is_quoted;
                i++;
            } else {
                msoc_buf_putc(&b, s.ptr[i++]);
            }
        }
        json_array_append_new(arr, json_stringn_nocheck(b.data, b.len));
    }
    msoc_buf_fini(&b);
    *out = xv_dyn(arr);
}

ROW(f_isascii)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    bool ok = true;
    for (size_t i = 0; i < s.len && ok; i++)
        ok = (unsigned char)s.ptr[i] < 0x80;
    *out = xv_bool(ok);
}

ROW(f_isutf8)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    size_t i = 0;
    bool ok = true;
    while (i < s.len && ok) {
        unsigned char c = (unsigned char)s.ptr[i];
        size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (k == 0 || i + k > s.len) {
            ok = false;
            break;
        }
        for (size_t j = 1; j < k; j++)
            if (((unsigned char)s.ptr[i + j] & 0xC0) != 0x80)
                ok = false;
        i += k;
    }
    *out = xv_bool(ok);
}

ROW(f_indexof_regex)
{
    msoc_str s = T(q, a[0]);
    xregex *re = msoc_exec__regex(q, T(q, a[1]));
    if (re == NULL)
        return;
    int64_t start = n_args > 2 ? msoc_exec__convert(q, a[2], MSOC_TYPE_LONG).i : 0;
    int64_t length = n_args > 3 ? msoc_exec__convert(q, a[3], MSOC_TYPE_LONG).i : -1;
    int64_t occ = n_args > 4 ? msoc_exec__convert(q, a[4], MSOC_TYPE_LONG).i : 1;
    if (start < 0 || occ <= 0 || (size_t)start > s.len) {
        *out = xv_null(MSOC_TYPE_LONG);
        return;
    }
    msoc_str sub = msoc_str_make(s.ptr + start, length >= 0 && (size_t)(start + length) <= s.len ? (size_t)length
                                                                                                  : s.len - (size_t)start);
    size_t pos = 0;
    long g[2];
    while (pos <= sub.len && msoc_exec__regex_match(re, sub, pos, g, 1) > 0) {
        if (--occ == 0) {
            *out = xv_long(start + g[0]);
            return;
        }
        pos = g[1] == g[0] ? (size_t)g[1] + 1 : (size_t)g[1];
    }
    *out = xv_long(-1);
}

static int b64v(char c)
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

/* 16 decoded bytes in .NET Guid order: the first three fields little-endian. */
ROW(f_base64_decode_toguid)
{
    (void)n_args;
    msoc_str s = T(q, a[0]);
    unsigned char b[64];
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < s.len && s.ptr[i] != '=' && n < sizeof b; i++) {
        int v = b64v(s.ptr[i]);
        if (v < 0)
            return;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            b[n++] = (unsigned char)(acc >> bits);
        }
    }
    if (n != 16)
        return;
    char g[40];
    snprintf(g, sizeof g, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[3], b[2], b[1],
             b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    xval r = xv_str(msoc_exec__strdup(q, g, 36));
    r.t = MSOC_TYPE_GUID;
    *out = r;
}

static bool ip4(msoc_str s, uint32_t *ip, int *prefix)
{
    uint32_t v = 0;
    size_t i = 0;
    *prefix = 32;
    for (int part = 0; part < 4; part++) {
        uint32_t x = 0;
        size_t d = 0;
        while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9' && d < 4) {
            x = x * 10 + (uint32_t)(s.ptr[i++] - '0');
            d++;
        }
        if (d == 0 || x > 255)
            return false;
        v = (v << 8) | x;
        if (part < 3 && (i >= s.len || s.ptr[i++] != '.'))
            return false;
    }
    if (i < s.len && s.ptr[i] == '/') {
        int p = 0;
        i++;
        size_t d = 0;
        while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9' && d < 3) {
            p = p * 10 + (s.ptr[i++] - '0');
            d++;
        }
        if (d == 0 || p > 32)
            return false;
        *prefix = p;
    }
    *ip = v;
    return i == s.len;
}

ROW(f_ipv4_netmask_suffix)
{
    (void)n_args;
    uint32_t ip;
    int p;
    *out = ip4(msoc_str_trim(T(q, a[0])), &ip, &p) ? xv_long(p) : xv_null(MSOC_TYPE_LONG);
}

ROW(f_parse_ipv4_mask)
{
    (void)n_args;
    uint32_t ip;
    int p;
    int64_t m = msoc_exec__convert(q, a[1], MSOC_TYPE_LONG).i;
    if (!ip4(msoc_str_trim(T(q, a[0])), &ip, &p) || m < 0 || m > 32) {
        *out = xv_null(MSOC_TYPE_LONG);
        return;
    }
    if (m < p)
        p = (int)m;
    uint32_t mask = p == 0 ? 0 : 0xffffffffu << (32 - p);
    *out = xv_long((int64_t)(ip & mask));
}

void msoc_exec__fn_register_extra(xfn_impl *t)
{
    t[MSOC_PLAN_FN_ISASCII] = (xfn_impl){f_isascii, NULL, false};
    t[MSOC_PLAN_FN_ISUTF8] = (xfn_impl){f_isutf8, NULL, false};
    t[MSOC_PLAN_FN_INDEXOF_REGEX] = (xfn_impl){f_indexof_regex, NULL, true};
    t[MSOC_PLAN_FN_BASE64_DECODE_TOGUID] = (xfn_impl){f_base64_decode_toguid, NULL, false};
    t[MSOC_PLAN_FN_IPV4_NETMASK_SUFFIX] = (xfn_impl){f_ipv4_netmask_suffix, NULL, false};
    t[MSOC_PLAN_FN_PARSE_IPV4_MASK] = (xfn_impl){f_parse_ipv4_mask, NULL, true};
    t[MSOC_PLAN_FN_PARSE_COMMAND_LINE] = (xfn_impl){f_parse_command_line, NULL, false};
#define REG(id, fn, np) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, np}
    REG(STRING_SIZE, f_string_size, false);
    REG(REGEX_QUOTE, f_regex_quote, false);
    REG(URL_ENCODE_COMPONENT, f_url_encode_component, false);
    REG(UNIXTIME_MICROSECONDS_TODATETIME, f_unix_us, true);
    REG(UNIXTIME_NANOSECONDS_TODATETIME, f_unix_ns, true);
    REG(BITSET_COUNT_ONES, f_bitset_count_ones, true);
    REG(HASH_XXHASH64, f_hash, false);
    REG(HASH, f_hash, false);
    REG(HAS_IPV4, f_has_ipv4, false);
    REG(HAS_IPV4_PREFIX, f_has_ipv4_prefix, false);
    REG(HAS_ANY_IPV4, f_has_ipv4, false);
    REG(HAS_ANY_IPV4_PREFIX, f_has_ipv4_prefix, false);
    REG(PARSE_URLQUERY, f_parse_urlquery, false);
    REG(REPLACE_STRINGS, f_replace_strings, false);
    REG(JSON_EXTRACT, f_extractjson, false);
    /* aliases */
    t[MSOC_PLAN_FN_PARSEJSON] = t[MSOC_PLAN_FN_PARSE_JSON];
    t[MSOC_PLAN_FN_TODATE] = t[MSOC_PLAN_FN_TODATETIME];
    t[MSOC_PLAN_FN_TOTIME] = t[MSOC_PLAN_FN_TOTIMESPAN];
    t[MSOC_PLAN_FN_PACK_DICTIONARY] = t[MSOC_PLAN_FN_PACK];
    t[MSOC_PLAN_FN_BASE64_DECODESTRING] = t[MSOC_PLAN_FN_BASE64_DECODE_TOSTRING];
    t[MSOC_PLAN_FN_BASE64_ENCODESTRING] = t[MSOC_PLAN_FN_BASE64_ENCODE_TOSTRING];
    /* replace (regex, rewrite, text) is registered by fn_tail.c */
#undef REG
}
