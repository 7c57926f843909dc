/* Time zones from the system's IANA database (/usr/share/zoneinfo, TZif files):
 * datetime_utc_to_local, datetime_local_to_utc, datetime_list_timezones. The TZif
 * reader and the POSIX TZ rule in its footer (used past the last transition) are
 * ours: nothing here touches the process's TZ or localtime, so it is safe on any
 * thread. Zone names are checked before they reach the file system. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec_int.h"

#define ZONEINFO "/usr/share/zoneinfo"
#define MAX_TZIF (1u << 18)
#define MAX_TRANSITIONS 4096

/* One POSIX TZ rule date: Mm.w.d, Jn or n, and the time of day (seconds). */
typedef struct tz_date {
    char kind;     /* 'M', 'J', 'n' */
    int m, w, d;   /* M: month, week 1-5, weekday 0-6; J/n: day in d */
    int32_t time;
} tz_date;

typedef struct tz_rule {
    int32_t std_off, dst_off; /* seconds east of UTC */
    bool has_dst;
    tz_date start, end;
} tz_rule;

typedef struct tz_zone {
    size_t n;                 /* transitions */
    int64_t *at;              /* transition instants, unix seconds */
    int32_t *off;             /* offset in force from at[i] */
    uint8_t *is_dst;
    int32_t off0;             /* before the first transition */
    bool has_rule;
    tz_rule rule;
} tz_zone;

/* ---- file access ---- */

static bool name_ok(msoc_str s)
{
    if (s.len == 0 || s.len > 64 || s.ptr[0] == '/' || s.ptr[0] == '.')
        return false;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        bool is_ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '_' || c == '-' || c == '+' || c == '/';
        if (!is_ok || (c == '/' && i + 1 < s.len && s.ptr[i + 1] == '.'))
            return false;
    }
    /* the database's side trees and helper files are not zones */
    static const char *const skip[] = {"posix/", "right/", "localtime", "posixrules", "Factory", NULL};
    for (const char *const *k = skip; *k; k++)
        if (s.len >= strlen(*k) && memcmp(s.ptr, *k, strlen(*k)) == 0)
            return false;
    return true;
}

/* Reads a whole file of at most MAX_TZIF bytes into q's arena. */
static unsigned char *read_file(xq *q, const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    unsigned char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && (size_t)st.st_size <= MAX_TZIF) {
        buf = msoc_exec__alloc(q, (size_t)st.st_size);
        size_t got = 0;
        while (buf && got < (size_t)st.st_size) {
            ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
            if (r <= 0) {
                buf = NULL;
                break;
            }
            got += (size_t)r;
        }
        *len = got;
    }
    close(fd);
    return buf;
}

/* ---- POSIX TZ strings ("CET-1CEST,M3.5.0,M10.5.0/3") ---- */

static bool rule_name(const char **p, const char *end)
{
    if (*p < end && **p == '<') {
        while (*p < end && **p != '>')
            (*p)++;
        if (*p >= end)
            return false;
        (*p)++;
        return true;
    }
    const char *s = *p;
    while (*p < end && ((**p >= 'A' && **p <= 'Z') || (**p >= 'a' && **p <= 'z')))
        (*p)++;
    return *p - s >= 3;
}

static bool rule_num(const char **p, const char *end, int max_digits, int *v)
{
    int n = 0, d = 0;
    while (*p < end && **p >= '0' && **p <= '9' && d < max_digits) {
        n = n * 10 + (**p - '0');
        (*p)++;
        d++;
    }
    *v = n;
    return d > 0;
}

/* [+-]hh[:mm[:ss]] in seconds; the hour may go to 167 (RFC 8536 extension). */
static bool rule_time(const char **p, const char *end, int32_t *secs)
{
    int sign = 1, h, m = 0, s = 0;
    if (*p < end && (**p == '+' || **p == '-'))
        sign = *(*p)++ == '-' ? -1 : 1;
    if (!rule_num(p, end, 3, &h) || h > 167)
        return false;
    if (*p < end && **p == ':') {
        (*p)++;
        if (!rule_num(p, end, 2, &m) || m > 59)
            return false;
        if (*p < end && **p == ':') {
            (*p)++;
            if (!rule_num(p, end, 2, &s) || s > 59)
                return false;
        }
    }
    *secs = sign * (h * 3600 + m * 60 + s);
    return true;
}

static bool rule_date(const char **p, const char *end, tz_date *d)
{
    d->time = 7200;
    if (*p < end && **p == 'M') {
        (*p)++;
        d->kind = 'M';
        if (!rule_num(p, end, 2, &d->m) || d->m < 1 || d->m > 12 || *p >= end || *(*p)++ != '.' ||
            !rule_num(p, end, 1, &d->w) || d->w < 1 || d->w > 5 || *p >= end || *(*p)++ != '.' ||
            !rule_num(p, end, 1, &d->d) || d->d > 6)
            return false;
    } else if (*p < end && **p == 'J') {
        (*p)++;
        d->kind = 'J';
        if (!rule_num(p, end, 3, &d->d) || d->d < 1 || d->d > 365)
            return false;
    } else {
        d->kind = 'n';
        if (!rule_num(p, end, 3, &d->d) || d->d > 365)
            return false;
    }
    if (*p < end && **p == '/') {
        (*p)++;
        return rule_time(p, end, &d->time);
    }
    return true;
}

static bool parse_rule(const char *p, const char *end, tz_rule *r)
{
    int32_t t;
    if (!rule_name(&p, end) || !rule_time(&p, end, &t))
        return false;
    r->std_off = -t; /* POSIX offsets are west of UTC */
    r->has_dst = false;
    if (p == end)
        return true;
    if (!rule_name(&p, end))
        return false;
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (p < end && *p != ',') {
        if (!rule_time(&p, end, &t))
            return false;
        r->dst_off = -t;
    }
    if (p >= end || *p++ != ',' || !rule_date(&p, end, &r->start) || p >= end || *p++ != ',' ||
        !rule_date(&p, end, &r->end))
        return false;
    return p == end;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Unix seconds of a rule date in year y, in local time of the offset in force. */
static int64_t rule_at(const tz_date *d, int64_t y, int32_t off)
{
    int64_t day;
    if (d->kind == 'M') {
        int64_t first = msoc_days_from_civil((int)y, d->m, 1);
        int wd0 = (int)((first % 7 + 11) % 7); /* 1970-01-01 was a Thursday (4) */
        int64_t dd = first + (d->d - wd0 + 7) % 7 + 7 * (d->w - 1);
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int dim = mdays[d->m - 1] + (d->m == 2 && is_leap(y));
        while (dd >= first + dim)
            dd -= 7;
        day = dd;
    } else if (d->kind == 'J') {
        int n = d->d;
        if (is_leap(y) && n >= 60)
            n++;
        day = msoc_days_from_civil((int)y, 1, 1) + n - 1;
    } else {
        day = msoc_days_from_civil((int)y, 1, 1) + d->d;
    }
    return day * 86400 + d->time - off;
}

static void rule_offset(const tz_rule *r, int64_t t, int32_t *off, bool *is_dst)
{
    *off = r->std_off;
    *is_dst = false;
    if (!r->has_dst)
        return;
    int y;
    int mo, dd;
    msoc_civil_from_days(msoc_floor_div(t + r->std_off, 86400), &y, &mo, &dd);
    int64_t s = rule_at(&r->start, y, r->std_off), e = rule_at(&r->end, y, r->dst_off);
    bool in_dst = s < e ? (t >= s && t < e) : !(t >= e && t < s);
    if (in_dst) {
        *off = r->dst_off;
        *is_dst = true;
    }
}

/* ---- TZif ---- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool load_zone(xq *q, msoc_str name, tz_zone *z)
{
    memset(z, 0, sizeof *z);
    if (!name_ok(name))
        return false;
    char path[128];
    int pl = snprintf(path, sizeof path, "%s/%.*s", ZONEINFO, (int)name.len, name.ptr);
    if (pl < 0 || (size_t)pl >= sizeof path)
        return false;
    size_t len = 0;
    const unsigned char *f = read_file(q, path, &len);
    if (f == NULL || len < 44 || memcmp(f, "TZif", 4) != 0)
        return false;
    /* skip the version 1 block to the 64-bit one when there is one */
    size_t pos = 0;
    int time_size = 4;
    for (int pass = 0; pass < 2; pass++) {
        if (pos + 44 > len || memcmp(f + pos, "TZif", 4) != 0)
            return false;
        uint32_t isut = be32(f + pos + 20), isstd = be32(f + pos + 24), leap = be32(f + pos + 28);
        uint32_t timecnt = be32(f + pos + 32), typecnt = be32(f + pos + 36), charcnt = be32(f + pos + 40);
        if (timecnt > MAX_TRANSITIONS || typecnt == 0 || typecnt > 256 || charcnt > 4096 || leap > 1024 ||
            isut > typecnt || isstd > typecnt)
            return false;
        size_t body = (size_t)timecnt * (size_t)time_size + timecnt + typecnt * 6 + charcnt +
                      (size_t)leap * (size_t)(time_size + 4) + isstd + isut;
        if (pass == 0 && f[4] >= '2') {
            pos += 44 + body;
            time_size = 8;
            continue;
        }
        const unsigned char *p = f + pos + 44;
        if (pos + 44 + body > len)
            return false;
        const unsigned char *idx = p + (size_t)timecnt * (size_t)time_size;
        const unsigned char *types = idx + timecnt;
        z->n = timecnt;
        z->at = msoc_exec__calloc(q, timecnt + 1, sizeof *z->at);
        z->off = msoc_exec__calloc(q, timecnt + 1, sizeof *z->off);
        z->is_dst = msoc_exec__calloc(q, timecnt + 1, 1);
        if (z->at == NULL || z->off == NULL || z->is_dst == NULL)
            return false;
        for (uint32_t i = 0; i < timecnt; i++) {
            const unsigned char *t = p + (size_t)i * (size_t)time_size;
            z->at[i] = time_size == 8 ? (int64_t)((uint64_t)be32(t) << 32 | be32(t + 4)) : (int32_t)be32(t);
            uint8_t ti = idx[i];
            if (ti >= typecnt)
                return false;
            z->off[i] = (int32_t)be32(types + 6 * ti);
            z->is_dst[i] = types[6 * ti + 4];
        }
        /* before the first transition: the first non-DST type (RFC 8536) */
        z->off0 = (int32_t)be32(types);
        for (uint32_t ti = 0; ti < typecnt; ti++)
            if (!types[6 * ti + 4]) {
                z->off0 = (int32_t)be32(types + 6 * ti);
                break;
            }
        pos += 44 + body;
        if (time_size == 8 && pos < len && f[pos] == '\n') {
            const char *fs = (const char *)f + pos + 1;
            const char *fe = memchr(fs, '\n', len - pos - 1);
            if (fe && fe > fs)
                z->has_rule = parse_rule(fs, fe, &z->rule);
        }
        return true;
    }
    return false;
}

static void zone_offset(const tz_zone *z, int64_t t, int32_t *off, bool *is_dst)
{
    if (z->n == 0 || t >= z->at[z->n - 1]) {
        if (z->has_rule) {
            rule_offset(&z->rule, t, off, is_dst);
            return;
        }
        *off = z->n ? z->off[z->n - 1] : z->off0;
        *is_dst = z->n ? z->is_dst[z->n - 1] : false;
        return;
    }
    if (t < z->at[0]) {
        *off = z->off0;
        *is_dst = false;
        return;
    }
    size_t lo = 0, hi = z->n - 1; /* at[lo] <= t < at[hi] */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (z->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    *off = z->off[lo];
    *is_dst = z->is_dst[lo];
}

/* ---- functions ---- */

static int64_t ticks_to_secs(int64_t ticks)
{
    return msoc_floor_div(ticks, MSOC_TICKS_PER_SECOND);
}

/* Local wall time to UTC. A time in a spring-forward gap takes the offset after the
 * change; an ambiguous time in a fall-back overlap takes standard time. */
static int64_t local_to_utc(const tz_zone *z, int64_t local_ticks)
{
    int64_t ls = ticks_to_secs(local_ticks);
    int32_t o1, o2;
    bool d1, d2;
    zone_offset(z, ls - 86400, &o1, &d1);
    zone_offset(z, ls + 86400, &o2, &d2);
    int32_t cand[2] = {o1, o2};
    int32_t pick = 0;
    bool found = false, found_dst = false;
    for (int i = 0; i < 2; i++) {
        int32_t o;
        bool dst;
        zone_offset(z, ls - cand[i], &o, &dst);
        if (o != cand[i])
            continue;
        if (!found || (found_dst && !dst)) {
            pick = o;
            found_dst = dst;
        }
        found = true;
    }
    if (!found) {
        bool dst;
        zone_offset(z, ls - o1, &pick, &dst);
    }
    return local_ticks - (int64_t)pick * MSOC_TICKS_PER_SECOND;
}

static msoc_status tz_convert(xq *q, msoc_exec_col **args, size_t n, msoc_exec_col *out, bool is_to_local)
{
    tz_zone z;
    msoc_str loaded = MSOC_STR_NULL;
    bool have = false, ok = false;
    for (size_t r = 0; r < n; r++) {
        xval t = msoc_exec__col_get(args[0], r);
        xval name = msoc_exec__col_get(args[1], r);
        msoc_str nm = xtype_is_str(name.t) ? name.s : MSOC_STR("");
        if (!have || !msoc_str_eq(nm, loaded)) {
            ok = load_zone(q, nm, &z);
            if (q->err->code != MSOC_OK)
                return q->err->code;
            loaded = nm;
            have = true;
        }
        t = msoc_exec__convert(q, t, MSOC_TYPE_DATETIME);
        if (!ok || t.is_null) {
            msoc_exec__col_set_null(q, out, r);
            continue;
        }
        int64_t res;
        if (is_to_local) {
            int32_t off;
            bool dst;
            zone_offset(&z, ticks_to_secs(t.i), &off, &dst);
            res = t.i + (int64_t)off * MSOC_TICKS_PER_SECOND;
        } else {
            res = local_to_utc(&z, t.i);
        }
        if (res < MSOC_DATETIME_MIN || res > MSOC_DATETIME_MAX)
            msoc_exec__col_set_null(q, out, r);
        else
            msoc_exec__col_set(q, out, r, xv_typed_i(MSOC_TYPE_DATETIME, res));
    }
    return MSOC_OK;
}

static msoc_status v_utc_to_local(xq *q, const msoc_plan_expr *e, msoc_exec_col **args, size_t n_args,
                                  size_t n, msoc_exec_col *out)
{
    (void)e, (void)n_args;
    return tz_convert(q, args, n, out, true);
}

static msoc_status v_local_to_utc(xq *q, const msoc_plan_expr *e, msoc_exec_col **args, size_t n_args,
                                  size_t n, msoc_exec_col *out)
{
    (void)e, (void)n_args;
    return tz_convert(q, args, n, out, false);
}

typedef struct name_list {
    char **items;
    size_t n, cap;
} name_list;

static int cmp_cstr(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Walks the database: every TZif file outside the helper trees is a zone. */
static void walk(xq *q, const char *rel, int depth, name_list *out)
{
    char dir[160];
    int dl = snprintf(dir, sizeof dir, "%s%s%s", ZONEINFO, rel[0] ? "/" : "", rel);
    if (dl < 0 || (size_t)dl >= sizeof dir || depth > 3 || q->err->code != MSOC_OK)
        return;
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char name[128];
        int nl = snprintf(name, sizeof name, "%s%s%s", rel, rel[0] ? "/" : "", de->d_name);
        if (nl < 0 || (size_t)nl >= sizeof name || !name_ok(msoc_str_make(name, (size_t)nl)))
            continue;
        char path[200];
        int pl = snprintf(path, sizeof path, "%s/%s", ZONEINFO, name);
        struct stat st;
        if (pl < 0 || (size_t)pl >= sizeof path || stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(q, name, depth + 1, out);
            continue;
        }
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        char magic[4];
        bool is_tzif = fd >= 0 && read(fd, magic, 4) == 4 && memcmp(magic, "TZif", 4) == 0;
        if (fd >= 0)
            close(fd);
        if (!is_tzif || out->n >= 4096)
            continue;
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 256;
            char **grown = msoc_exec__alloc(q, cap * sizeof *grown);
            if (grown == NULL)
                break;
            if (out->n)
                memcpy(grown, out->items, out->n * sizeof *grown);
            out->items = grown;
            out->cap = cap;
        }
        msoc_str copy = msoc_exec__strdup(q, name, (size_t)nl);
        out->items[out->n++] = (char *)(uintptr_t)copy.ptr;
    }
    closedir(d);
}

static msoc_status v_list_timezones(xq *q, const msoc_plan_expr *e, msoc_exec_col **args, size_t n_args,
                                    size_t n, msoc_exec_col *out)
{
    (void)e, (void)args, (void)n_args;
    name_list names = {0};
    walk(q, "", 0, &names);
    if (q->err->code != MSOC_OK)
        return q->err->code;
    if (names.n)
        qsort(names.items, names.n, sizeof *names.items, cmp_cstr);
    json_t *arr = msoc_exec__own(q, json_array());
    if (arr == NULL)
        return q->err->code;
    for (size_t i = 0; i < names.n; i++)
        json_array_append_new(arr, json_string(names.items[i]));
    for (size_t r = 0; r < n; r++)
        out->v.d[r] = arr;
    return MSOC_OK;
}

void msoc_exec__fn_register_tz(xfn_impl *t)
{
    t[MSOC_PLAN_FN_DATETIME_UTC_TO_LOCAL] = (xfn_impl){NULL, v_utc_to_local, false};
    t[MSOC_PLAN_FN_DATETIME_LOCAL_TO_UTC] = (xfn_impl){NULL, v_local_to_utc, false};
    t[MSOC_PLAN_FN_DATETIME_LIST_TIMEZONES] = (xfn_impl){NULL, v_list_timezones, false};
}
