/* Conditionals, null tests, conversions, IP addresses, URLs. */
#include <stdio.h>
#include <string.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

static int truth(xval v)
{
    if (v.t == MSOC_TYPE_DYNAMIC && !v.is_null)
        v = msoc_exec__from_json(v.d);
    if (v.is_null && !xtype_is_str(v.t))
        return 0;
    if (v.t == MSOC_TYPE_BOOL || xtype_is_int(v.t))
        return v.i != 0;
    return 0;
}

ROW(f_iff)
{
    (void)n_args;
    *out = msoc_exec__convert(q, truth(a[0]) ? a[1] : a[2], out->t);
}

ROW(f_case)
{
    size_t i = 0;
    for (; i + 1 < n_args; i += 2) {
        if (truth(a[i])) {
            *out = msoc_exec__convert(q, a[i + 1], out->t);
            return;
        }
    }
    *out = msoc_exec__convert(q, a[n_args - 1], out->t);
}

static bool is_empty_val(xval v)
{
    if (xtype_is_str(v.t))
        return v.s.len == 0;
    if (v.t == MSOC_TYPE_DYNAMIC)
        return v.is_null || (json_is_string(v.d) && json_string_length(v.d) == 0);
    return v.is_null;
}

ROW(f_coalesce)
{
    for (size_t i = 0; i < n_args; i++) {
        if (!is_empty_val(a[i]) || (xtype_is_str(a[i].t) && i == n_args - 1)) {
            if (xtype_is_str(a[i].t) && a[i].s.len == 0)
                continue;
            *out = msoc_exec__convert(q, a[i], out->t);
            return;
        }
    }
    *out = xv_null(out->t);
}

/* Strings are never null; a guid column keeps its null as "". */
static bool is_null_val(xval v)
{
    if (v.t == MSOC_TYPE_GUID)
        return v.is_null || v.s.len == 0;
    return !xtype_is_str(v.t) && v.is_null;
}
ROW(f_isnull)
{
    (void)q, (void)n_args;
    *out = xv_bool(is_null_val(a[0]));
}
ROW(f_isnotnull)
{
    (void)q, (void)n_args;
    *out = xv_bool(!is_null_val(a[0]));
}
ROW(f_isempty)
{
    (void)q, (void)n_args;
    *out = xv_bool(is_empty_val(a[0]));
}
ROW(f_isnotempty)
{
    (void)q, (void)n_args;
    *out = xv_bool(!is_empty_val(a[0]));
}

static void extreme(xq *q, const xval *a, size_t n_args, int sign, xval *out)
{
    xval best = xv_null(out->t);
    for (size_t i = 0; i < n_args; i++) {
        xval v = msoc_exec__convert(q, a[i], out->t);
        if (v.is_null && !xtype_is_str(v.t))
            continue;
        if (best.is_null || msoc_exec__cmp(v, best) * sign > 0)
            best = v;
    }
    *out = best;
}

ROW(f_max_of) { extreme(q, a, n_args, 1, out); }
ROW(f_min_of) { extreme(q, a, n_args, -1, out); }

static void conv(xq *q, xval v, msoc_type t, xval *out)
{
    *out = msoc_exec__convert(q, v, t);
}

ROW(f_tostring) { (void)n_args; conv(q, a[0], MSOC_TYPE_STRING, out); }
ROW(f_toint) { (void)n_args; conv(q, a[0], MSOC_TYPE_INT, out); }
ROW(f_tolong) { (void)n_args; conv(q, a[0], MSOC_TYPE_LONG, out); }
ROW(f_toreal) { (void)n_args; conv(q, a[0], MSOC_TYPE_REAL, out); }
ROW(f_tobool) { (void)n_args; conv(q, a[0], MSOC_TYPE_BOOL, out); }
ROW(f_todatetime) { (void)n_args; conv(q, a[0], MSOC_TYPE_DATETIME, out); }
ROW(f_totimespan) { (void)n_args; conv(q, a[0], MSOC_TYPE_TIMESPAN, out); }
ROW(f_toguid) { (void)n_args; conv(q, a[0], MSOC_TYPE_GUID, out); }
ROW(f_todecimal) { (void)n_args; conv(q, a[0], MSOC_TYPE_DECIMAL, out); }

ROW(f_todynamic)
{
    (void)n_args;
    if (xtype_is_str(a[0].t))
        *out = xv_dyn(msoc_exec__parse_json(q, a[0].s));
    else
        *out = msoc_exec__convert(q, a[0], MSOC_TYPE_DYNAMIC);
}

ROW(f_gettype)
{
    (void)n_args;
    const char *name;
    if (a[0].t == MSOC_TYPE_DYNAMIC)
        name = a[0].d ? msoc_exec__json_type(a[0].d) : "null";
    else if (a[0].t == MSOC_TYPE_BOOL)
        name = "bool";
    else if (a[0].t == MSOC_TYPE_GUID)
        name = "guid";
    else
        name = msoc_type_name(a[0].t);
    if (!strcmp(name, "dictionary"))
        name = "dictionary";
    *out = xv_str(msoc_str_c(name));
    (void)q;
}

ROW(f_tohex)
{
    xval v = msoc_exec__convert(q, a[0], MSOC_TYPE_LONG);
    if (v.is_null) {
        *out = xv_str(MSOC_STR(""));
        return;
    }
    char b[40];
    int w = n_args > 1 ? (int)msoc_exec__convert(q, a[1], MSOC_TYPE_LONG).i : 0;
    if (w < 0 || w > 32)
        w = 0;
    unsigned long long u = a[0].t == MSOC_TYPE_INT ? (unsigned long long)(uint32_t)v.i
                                                   : (unsigned long long)v.i;
    snprintf(b, sizeof b, "%0*llx", w, u);
    *out = xv_str(msoc_exec__strdup(q, b, strlen(b)));
}

/* ---- IPv4 ---- */

static bool parse_ip4(msoc_str s, uint32_t *ip, int *prefix)
{
    uint32_t v = 0;
    size_t i = 0;
    *prefix = 32;
    for (int part = 0; part < 4; part++) {
        if (i >= s.len || s.ptr[i] < '0' || s.ptr[i] > '9')
            return false;
        uint32_t n = 0;
        size_t digits = 0;
        while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9' && digits < 4) {
            n = n * 10 + (uint32_t)(s.ptr[i] - '0');
            i++;
            digits++;
        }
        if (n > 255)
            return false;
        v = (v << 8) | n;
        if (part < 3) {
            if (i >= s.len || s.ptr[i] != '.')
                return false;
            i++;
        }
    }
    if (i < s.len && s.ptr[i] == '/') {
        i++;
        int p = 0;
        size_t digits = 0;
        while (i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9' && digits < 3) {
            p = p * 10 + (s.ptr[i] - '0');
            i++;
            digits++;
        }
        if (digits == 0 || p > 32)
            return false;
        *prefix = p;
    }
    if (i != s.len)
        return false;
    *ip = v;
    return true;
}

static uint32_t mask_of(int prefix)
{
    return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

ROW(f_ipv4_is_private)
{
    (void)n_args;
    uint32_t ip;
    int p;
    if (!parse_ip4(msoc_str_trim(msoc_exec__to_text(q, a[0])), &ip, &p)) {
        *out = xv_null(MSOC_TYPE_BOOL);
        return;
    }
    ip &= mask_of(p);
    bool is_priv = (ip >> 24) == 10 || (ip >> 20) == ((172u << 4) | 1) ||
                   (ip >> 16) == ((192u << 8) | 168);
    *out = xv_bool(is_priv);
}

ROW(f_ipv4_is_in_range)
{
    (void)n_args;
    uint32_t ip, net;
    int p1, p2;
    if (!parse_ip4(msoc_str_trim(msoc_exec__to_text(q, a[0])), &ip, &p1) ||
        !parse_ip4(msoc_str_trim(msoc_exec__to_text(q, a[1])), &net, &p2)) {
        *out = xv_null(MSOC_TYPE_BOOL);
        return;
    }
    uint32_t m = mask_of(p2);
    *out = xv_bool((ip & m) == (net & m));
}

ROW(f_ipv4_is_in_any_range)
{
    uint32_t ip, net;
    int p1, p2;
    if (!parse_ip4(msoc_str_trim(msoc_exec__to_text(q, a[0])), &ip, &p1)) {
        *out = xv_null(MSOC_TYPE_BOOL);
        return;
    }
    for (size_t i = 1; i < n_args; i++) {
        json_t *arr = (a[i].t == MSOC_TYPE_DYNAMIC && a[i].d && json_is_array(a[i].d)) ? a[i].d : NULL;
        size_t cnt = arr ? json_array_size(arr) : 1;
        for (size_t k = 0; k < cnt; k++) {
            msoc_str s = arr ? msoc_exec__to_text(q, msoc_exec__from_json(json_array_get(arr, k)))
                             : msoc_exec__to_text(q, a[i]);
            if (parse_ip4(msoc_str_trim(s), &net, &p2) && (ip & mask_of(p2)) == (net & mask_of(p2))) {
                *out = xv_bool(true);
                return;
            }
        }
    }
    *out = xv_bool(false);
}

static bool ip_pair(xq *q, const xval *a, size_t n_args, uint32_t *x, uint32_t *y)
{
    int p1, p2;
    if (!parse_ip4(msoc_str_trim(msoc_exec__to_text(q, a[0])), x, &p1) ||
        !parse_ip4(msoc_str_trim(msoc_exec__to_text(q, a[1])), y, &p2))
        return false;
    int p = p1 < p2 ? p1 : p2;
    if (n_args > 2) {
        int pa = (int)msoc_exec__convert(q, a[2], MSOC_TYPE_LONG).i;
        if (pa < p)
            p = pa;
    }
    *x &= mask_of(p);
    *y &= mask_of(p);
    return true;
}

ROW(f_ipv4_is_match)
{
    uint32_t x, y;
    *out = ip_pair(q, a, n_args, &x, &y) ? xv_bool(x == y) : xv_null(MSOC_TYPE_BOOL);
}

ROW(f_ipv4_compare)
{
    uint32_t x, y;
    *out = ip_pair(q, a, n_args, &x, &y) ? xv_typed_i(out->t, x < y ? -1 : x > y)
                                         : xv_null(out->t);
}

ROW(f_parse_ipv4)
{
    (void)n_args;
    uint32_t ip;
    int p;
    if (!parse_ip4(msoc_str_trim(msoc_exec__to_text(q, a[0])), &ip, &p)) {
        *out = xv_null(MSOC_TYPE_LONG);
        return;
    }
    *out = xv_long((int64_t)(ip & mask_of(p)));
}

ROW(f_format_ipv4)
{
    uint32_t ip;
    int p = 32;
    xval v = a[0];
    if (xtype_is_str(v.t)) {
        if (!parse_ip4(msoc_str_trim(v.s), &ip, &p)) {
            *out = xv_str(MSOC_STR(""));
            return;
        }
    } else {
        ip = (uint32_t)msoc_exec__convert(q, v, MSOC_TYPE_LONG).i;
    }
    if (n_args > 1) {
        /* the mask must be 0..32; a prefix in the text narrows it further */
        int64_t m = msoc_exec__convert(q, a[1], MSOC_TYPE_LONG).i;
        if (m < 0 || m > 32) {
            *out = xv_str(MSOC_STR(""));
            return;
        }
        if (m < p)
            p = (int)m;
    }
    ip &= mask_of(p);
    char b[20];
    snprintf(b, sizeof b, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
    *out = xv_str(msoc_exec__strdup(q, b, strlen(b)));
}

/* ---- URLs and paths ---- */

static json_t *jstr(msoc_str s)
{
    return json_stringn_nocheck(s.ptr ? s.ptr : "", s.len);
}

ROW(f_parse_url)
{
    (void)n_args;
    msoc_str s = msoc_exec__to_text(q, a[0]);
    json_t *o = msoc_exec__own(q, json_object());
    if (o == NULL)
        return;
    msoc_str scheme = MSOC_STR(""), host = MSOC_STR(""), port = MSOC_STR(""), path = MSOC_STR(""),
             user = MSOC_STR(""), pass = MSOC_STR(""), frag = MSOC_STR(""), query = MSOC_STR("");
    const char *p = s.ptr ? s.ptr : "", *end = p + s.len;
    const char *colon = NULL;
    for (const char *c = p; c + 2 < end; c++) {
        if (c[0] == ':' && c[1] == '/' && c[2] == '/') {
            colon = c;
            break;
        }
        if (c[0] == '/' || c[0] == '?')
            break;
    }
    if (colon) {
        scheme = msoc_str_make(p, (size_t)(colon - p));
        const char *auth = colon + 3;
        const char *ae = auth;
        while (ae < end && *ae != '/' && *ae != '?' && *ae != '#')
            ae++;
        const char *at = NULL;
        for (const char *c = auth; c < ae; c++)
            if (*c == '@')
                at = c;
        const char *hs = auth;
        if (at) {
            const char *uc = memchr(auth, ':', (size_t)(at - auth));
            if (uc) {
                user = msoc_str_make(auth, (size_t)(uc - auth));
                pass = msoc_str_make(uc + 1, (size_t)(at - uc - 1));
            } else {
                user = msoc_str_make(auth, (size_t)(at - auth));
            }
            hs = at + 1;
        }
        const char *pc = memchr(hs, ':', (size_t)(ae - hs));
        if (pc) {
            host = msoc_str_make(hs, (size_t)(pc - hs));
            port = msoc_str_make(pc + 1, (size_t)(ae - pc - 1));
        } else {
            host = msoc_str_make(hs, (size_t)(ae - hs));
        }
        const char *ps = ae, *pe = ps;
        while (pe < end && *pe != '?' && *pe != '#')
            pe++;
        path = msoc_str_make(ps, (size_t)(pe - ps));
        if (pe < end && *pe == '?') {
            const char *qs = pe + 1, *qe = qs;
            while (qe < end && *qe != '#')
                qe++;
            query = msoc_str_make(qs, (size_t)(qe - qs));
            pe = qe;
        }
        if (pe < end && *pe == '#')
            frag = msoc_str_make(pe + 1, (size_t)(end - pe - 1));
    }
    json_object_set_new(o, "Scheme", jstr(scheme));
    json_object_set_new(o, "Host", jstr(host));
    json_object_set_new(o, "Port", jstr(port));
    json_object_set_new(o, "Path", jstr(path));
    json_object_set_new(o, "Username", jstr(user));
    json_object_set_new(o, "Password", jstr(pass));
    json_t *qp = json_object();
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
        if (eq)
            json_object_set_new(qp, key, json_stringn_nocheck(eq + 1, (size_t)(query.ptr + j - eq - 1)));
        else
            json_object_set_new(qp, key, json_string(""));
        i = j + 1;
    }
    json_object_set_new(o, "Query Parameters", qp);
    json_object_set_new(o, "Fragment", jstr(frag));
    *out = xv_dyn(o);
}

ROW(f_parse_path)
{
    (void)n_args;
    msoc_str s = msoc_exec__to_text(q, a[0]);
    json_t *o = msoc_exec__own(q, json_object());
    if (o == NULL)
        return;
    size_t last = s.len;
    for (size_t i = s.len; i > 0; i--) {
        if (s.ptr[i - 1] == '\\' || s.ptr[i - 1] == '/') {
            last = i - 1;
            break;
        }
    }
    msoc_str dir = last < s.len ? msoc_str_make(s.ptr, last) : MSOC_STR("");
    msoc_str file = last < s.len ? msoc_str_make(s.ptr + last + 1, s.len - last - 1) : s;
    msoc_str ext = MSOC_STR("");
    for (size_t i = file.len; i > 0; i--) {
        if (file.ptr[i - 1] == '.') {
            ext = msoc_str_make(file.ptr + i, file.len - i);
            break;
        }
    }
    msoc_str drive = MSOC_STR("");
    if (s.len >= 2 && s.ptr[1] == ':')
        drive = msoc_str_make(s.ptr, 1);
    json_object_set_new(o, "Scheme", json_string(""));
    json_object_set_new(o, "RootPath", jstr(drive.len ? msoc_str_make(s.ptr, 2) : MSOC_STR("")));
    json_object_set_new(o, "DirectoryPath", jstr(dir));
    json_object_set_new(o, "DirectoryName", jstr(dir));
    json_object_set_new(o, "Filename", jstr(file));
    json_object_set_new(o, "Extension", jstr(ext));
    json_object_set_new(o, "AlternateDataStreamName", json_string(""));
    *out = xv_dyn(o);
}

void msoc_exec__fn_register_misc(xfn_impl *t)
{
#define REG(id, fn, np) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, np}
    REG(IFF, f_iff, false);
    REG(IIF, f_iff, false);
    REG(CASE, f_case, false);
    REG(COALESCE, f_coalesce, false);
    REG(ISNULL, f_isnull, false);
    REG(ISNOTNULL, f_isnotnull, false);
    REG(NOTNULL, f_isnotnull, false);
    REG(ISEMPTY, f_isempty, false);
    REG(ISNOTEMPTY, f_isnotempty, false);
    REG(NOTEMPTY, f_isnotempty, false);
    REG(MAX_OF, f_max_of, false);
    REG(MIN_OF, f_min_of, false);
    REG(TOSTRING, f_tostring, false);
    REG(TOINT, f_toint, false);
    REG(TOLONG, f_tolong, false);
    REG(TOREAL, f_toreal, false);
    REG(TODOUBLE, f_toreal, false);
    REG(TOBOOL, f_tobool, false);
    REG(TOBOOLEAN, f_tobool, false);
    REG(TODATETIME, f_todatetime, false);
    REG(TOTIMESPAN, f_totimespan, false);
    REG(TOGUID, f_toguid, false);
    REG(TODECIMAL, f_todecimal, false);
    REG(TODYNAMIC, f_todynamic, false);
    REG(PARSE_JSON, f_todynamic, false);
    REG(TYPEOF, f_gettype, false);
    REG(TOHEX, f_tohex, false);
    REG(IPV4_IS_PRIVATE, f_ipv4_is_private, false);
    REG(IPV4_IS_IN_RANGE, f_ipv4_is_in_range, false);
    REG(IPV4_IS_IN_ANY_RANGE, f_ipv4_is_in_any_range, false);
    REG(IPV4_IS_MATCH, f_ipv4_is_match, false);
    REG(IPV4_COMPARE, f_ipv4_compare, false);
    REG(PARSE_IPV4, f_parse_ipv4, false);
    REG(FORMAT_IPV4, f_format_ipv4, false);
    REG(PARSE_URL, f_parse_url, false);
    REG(PARSE_PATH, f_parse_path, false);
#undef REG
}
