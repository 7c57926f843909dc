/* IPv6 functions (ipv6_compare, ipv6_is_match, ipv6_is_in_range,
 * ipv6_is_in_any_range, parse_ipv6, parse_ipv6_mask) and the IPv4 helpers
 * format_ipv4_mask and ipv4_range_to_cidr_list. An IPv4 address is compared as
 * its IPv4-mapped IPv6 form (::ffff:a.b.c.d); a /N suffix on text with a dotted
 * quad is an IPv4 prefix (96 + N bits). */
#include <stdio.h>
#include <string.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

typedef struct ip6 {
    uint8_t b[16];
    int prefix;      /* 0..128 */
    bool has_quad;   /* written with a dotted quad */
} ip6;

static bool parse_quad(const char *p, size_t len, uint8_t out[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        unsigned n = 0;
        size_t d = 0;
        while (i < len && p[i] >= '0' && p[i] <= '9' && d < 3) {
            n = n * 10 + (unsigned)(p[i] - '0');
            i++;
            d++;
        }
        if (d == 0 || n > 255)
            return false;
        out[part] = (uint8_t)n;
        if (part < 3) {
            if (i >= len || p[i] != '.')
                return false;
            i++;
        }
    }
    return i == len;
}

/* The address part (no prefix) of an IPv6 text, with an optional trailing quad. */
static bool parse_addr6(const char *p, size_t len, ip6 *ip)
{
    uint16_t groups[8];
    int n_groups = 0, gap = -1;
    size_t i = 0;
    if (len >= 2 && p[0] == ':' && p[1] == ':') {
        gap = 0;
        i = 2;
    } else if (len >= 1 && p[0] == ':') {
        return false;
    }
    while (i < len) {
        size_t start = i;
        unsigned v = 0;
        int d = 0;
        while (i < len && msoc_hex_digit(p[i]) >= 0 && d < 5) {
            v = v * 16 + (unsigned)msoc_hex_digit(p[i]);
            i++;
            d++;
        }
        if (i < len && p[i] == '.') {
            /* a trailing dotted quad takes two groups */
            uint8_t quad[4];
            if (n_groups > 6 || !parse_quad(p + start, len - start, quad))
                return false;
            groups[n_groups++] = (uint16_t)(quad[0] << 8 | quad[1]);
            groups[n_groups++] = (uint16_t)(quad[2] << 8 | quad[3]);
            ip->has_quad = true;
            i = len;
            break;
        }
        if (d == 0 || d > 4 || n_groups >= 8)
            return false;
        groups[n_groups++] = (uint16_t)v;
        if (i == len)
            break;
        if (p[i] != ':')
            return false;
        i++;
        if (i < len && p[i] == ':') {
            if (gap >= 0)
                return false;
            gap = n_groups;
            i++;
        } else if (i == len) {
            return false;
        }
    }
    if (gap < 0 && n_groups != 8)
        return false;
    if (gap >= 0 && n_groups > 7)
        return false;
    memset(ip->b, 0, 16);
    int tail = gap < 0 ? 0 : n_groups - gap;
    int head = gap < 0 ? n_groups : gap;
    for (int g = 0; g < head; g++) {
        ip->b[2 * g] = (uint8_t)(groups[g] >> 8);
        ip->b[2 * g + 1] = (uint8_t)groups[g];
    }
    for (int g = 0; g < tail; g++) {
        int at = 8 - tail + g;
        ip->b[2 * at] = (uint8_t)(groups[head + g] >> 8);
        ip->b[2 * at + 1] = (uint8_t)groups[head + g];
    }
    return true;
}

/* An IPv6 or IPv4 text with an optional /prefix. */
static bool parse_ip6(msoc_str s, ip6 *ip)
{
    s = msoc_str_trim(s);
    memset(ip, 0, sizeof *ip);
    size_t slash = s.len;
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] == '/') {
            slash = i;
            break;
        }
    if (slash == 0 || s.len > 128)
        return false;
    bool is_v4 = memchr(s.ptr, ':', slash) == NULL;
    if (is_v4) {
        uint8_t quad[4];
        if (!parse_quad(s.ptr, slash, quad))
            return false;
        ip->b[10] = ip->b[11] = 0xff;
        memcpy(ip->b + 12, quad, 4);
        ip->has_quad = true;
    } else if (!parse_addr6(s.ptr, slash, ip)) {
        return false;
    }
    ip->prefix = 128;
    if (slash < s.len) {
        int p = 0;
        size_t d = 0;
        for (size_t i = slash + 1; i < s.len; i++, d++) {
            if (s.ptr[i] < '0' || s.ptr[i] > '9' || d >= 3)
                return false;
            p = p * 10 + (s.ptr[i] - '0');
        }
        if (d == 0)
            return false;
        if (ip->has_quad)
            p += 96;
        if (p > 128)
            return false;
        ip->prefix = p;
    }
    return true;
}

static void mask6(uint8_t b[16], int prefix)
{
    for (int i = 0; i < 16; i++) {
        int bits = prefix - 8 * i;
        if (bits >= 8)
            continue;
        b[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
    }
}

/* For comparisons, ::a.b.c.d (IPv4-compatible text) is the IPv4 address a.b.c.d. */
static void as_mapped(ip6 *ip)
{
    static const uint8_t zeros[10] = {0};
    if (ip->has_quad && memcmp(ip->b, zeros, 10) == 0)
        ip->b[10] = ip->b[11] = 0xff;
}

static bool ip_arg(xq *q, xval v, ip6 *ip)
{
    if (v.is_null && !xtype_is_str(v.t))
        return false;
    return parse_ip6(msoc_exec__to_text(q, v), ip);
}

/* -1, 0, 1 comparing the first prefix bits; false when either does not parse. */
static bool compare6(xq *q, const xval *a, size_t n_args, int *res)
{
    ip6 x, y;
    if (!ip_arg(q, a[0], &x) || !ip_arg(q, a[1], &y))
        return false;
    as_mapped(&x);
    as_mapped(&y);
    int p = x.prefix < y.prefix ? x.prefix : y.prefix;
    if (n_args > 2) {
        xval pv = msoc_exec__convert(q, a[2], MSOC_TYPE_LONG);
        if (pv.is_null || pv.i < 0 || pv.i > 128)
            return false;
        if (pv.i < p)
            p = (int)pv.i;
    }
    mask6(x.b, p);
    mask6(y.b, p);
    int c = memcmp(x.b, y.b, 16);
    *res = c < 0 ? -1 : c > 0;
    return true;
}

ROW(f_ipv6_compare)
{
    int c;
    if (compare6(q, a, n_args, &c))
        *out = xv_long(c);
}

ROW(f_ipv6_is_match)
{
    int c;
    if (compare6(q, a, n_args, &c))
        *out = xv_bool(c == 0);
}

static bool in_range(ip6 ip, ip6 net)
{
    as_mapped(&ip);
    as_mapped(&net);
    mask6(ip.b, net.prefix);
    mask6(net.b, net.prefix);
    return memcmp(ip.b, net.b, 16) == 0;
}

ROW(f_ipv6_is_in_range)
{
    (void)n_args;
    ip6 ip, net;
    if (ip_arg(q, a[0], &ip) && ip_arg(q, a[1], &net))
        *out = xv_bool(in_range(ip, net));
}

ROW(f_ipv6_is_in_any_range)
{
    ip6 ip, net;
    if (!ip_arg(q, a[0], &ip))
        return;
    for (size_t i = 1; i < n_args; i++) {
        json_t *arr = (a[i].t == MSOC_TYPE_DYNAMIC && a[i].d && json_is_array(a[i].d)) ? a[i].d : NULL;
        size_t cnt = arr ? json_array_size(arr) : 1;
        for (size_t k = 0; k < cnt; k++) {
            xval r = arr ? msoc_exec__from_json(json_array_get(arr, k)) : a[i];
            if (ip_arg(q, r, &net) && in_range(ip, net)) {
                *out = xv_bool(true);
                return;
            }
        }
    }
    *out = xv_bool(false);
}

static void format6(xq *q, const uint8_t b[16], xval *out)
{
    char buf[40];
    int k = 0;
    for (int g = 0; g < 8; g++)
        k += snprintf(buf + k, sizeof buf - (size_t)k, g ? ":%02x%02x" : "%02x%02x", b[2 * g], b[2 * g + 1]);
    *out = xv_str(msoc_exec__strdup(q, buf, (size_t)k));
}

ROW(f_parse_ipv6)
{
    (void)n_args;
    ip6 ip;
    if (!ip_arg(q, a[0], &ip))
        return;
    mask6(ip.b, ip.prefix);
    format6(q, ip.b, out);
}

ROW(f_parse_ipv6_mask)
{
    (void)n_args;
    ip6 ip;
    xval m = msoc_exec__convert(q, a[1], MSOC_TYPE_LONG);
    if (!ip_arg(q, a[0], &ip) || m.is_null || m.i < 0 || m.i > 128)
        return;
    mask6(ip.b, m.i < ip.prefix ? (int)m.i : ip.prefix);
    format6(q, ip.b, out);
}

static bool ip4_text(msoc_str s, uint32_t *ip, int *prefix)
{
    ip6 v;
    s = msoc_str_trim(s);
    if (memchr(s.ptr ? s.ptr : "", ':', s.len) != NULL || !parse_ip6(s, &v))
        return false;
    *ip = (uint32_t)v.b[12] << 24 | (uint32_t)v.b[13] << 16 | (uint32_t)v.b[14] << 8 | v.b[15];
    *prefix = v.prefix - 96;
    return true;
}

static uint32_t mask4(int prefix)
{
    return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

/* format_ipv4_mask(ip [, prefix]): "a.b.c.d/N" of the masked address, "" when invalid. */
ROW(f_format_ipv4_mask)
{
    uint32_t ip;
    int p = 32;
    *out = xv_str(MSOC_STR(""));
    if (xtype_is_str(a[0].t)) {
        if (!ip4_text(a[0].s, &ip, &p))
            return;
    } else {
        xval v = msoc_exec__convert(q, a[0], MSOC_TYPE_LONG);
        if (v.is_null || v.i < 0 || v.i > 0xffffffffLL)
            return;
        ip = (uint32_t)v.i;
    }
    if (n_args > 1) {
        xval m = msoc_exec__convert(q, a[1], MSOC_TYPE_LONG);
        if (m.is_null || m.i < 0 || m.i > 32)
            return;
        if (m.i < p)
            p = (int)m.i;
    }
    ip &= mask4(p);
    char b[24];
    int len = snprintf(b, sizeof b, "%u.%u.%u.%u/%d", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
                       ip & 255, p);
    *out = xv_str(msoc_exec__strdup(q, b, (size_t)len));
}

/* The smallest list of CIDR blocks covering [start, end]. */
ROW(f_ipv4_range_to_cidr_list)
{
    (void)n_args;
    uint32_t lo, hi;
    int p1, p2;
    if (!xtype_is_str(a[0].t) || !xtype_is_str(a[1].t) || !ip4_text(a[0].s, &lo, &p1) ||
        !ip4_text(a[1].s, &hi, &p2) || lo > hi)
        return;
    json_t *arr = msoc_exec__own(q, json_array());
    if (arr == NULL)
        return;
    uint64_t cur = lo, end = hi;
    while (cur <= end) {
        int size = 32;
        /* grow the block while it stays aligned and inside the range */
        while (size > 0) {
            uint64_t block = 1ull << (32 - (size - 1));
            if ((cur & (block - 1)) != 0 || cur + block - 1 > end)
                break;
            size--;
        }
        uint32_t c = (uint32_t)cur;
        char b[24];
        int len = snprintf(b, sizeof b, "%u.%u.%u.%u/%d", c >> 24, (c >> 16) & 255, (c >> 8) & 255,
                           c & 255, size);
        json_array_append_new(arr, json_stringn(b, (size_t)len));
        cur += 1ull << (32 - size);
    }
    *out = xv_dyn(arr);
}

void msoc_exec__fn_register_ip6(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, false}
    REG(IPV6_COMPARE, f_ipv6_compare);
    REG(IPV6_IS_MATCH, f_ipv6_is_match);
    REG(IPV6_IS_IN_RANGE, f_ipv6_is_in_range);
    REG(IPV6_IS_IN_ANY_RANGE, f_ipv6_is_in_any_range);
    REG(PARSE_IPV6, f_parse_ipv6);
    REG(PARSE_IPV6_MASK, f_parse_ipv6_mask);
    REG(FORMAT_IPV4_MASK, f_format_ipv4_mask);
    REG(IPV4_RANGE_TO_CIDR_LIST, f_ipv4_range_to_cidr_list);
#undef REG
}
