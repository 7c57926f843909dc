/* Graph Timespan (ISO-8601) and .ingest inline CSV parsing. */
#include "kusto_parse.h"

#include <string.h>

#include "core/datetime.h"

#define TICKS_PER_SECOND INT64_C(10000000)
#define TICKS_PER_DAY (INT64_C(86400) * TICKS_PER_SECOND)
/* Far enough for any window (about 29,000 years) and far from overflow. */
#define WINDOW_MAX_TICKS (TICKS_PER_DAY * INT64_C(10000000))

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

msoc_status kusto_iso_duration(const char *s, size_t len, int64_t *ticks, msoc_error *err)
{
    size_t i = 0;
    if (len == 0 || s[0] != 'P')
        return msoc_fail(err, MSOC_INVALID, "'%.*s' is not an ISO-8601 duration (expected P...)",
                         (int)(len > 64 ? 64 : len), s);
    i = 1;
    bool is_time = false, any = false, last = false;
    int stage = 0; /* order of units: Y M W D | H M S */
    double total = 0; /* seconds; double keeps fractions and cannot overflow here */
    while (i < len) {
        if (s[i] == 'T') {
            if (is_time)
                return msoc_fail(err, MSOC_INVALID, "ISO-8601 duration: a second 'T' at offset %zu", i);
            is_time = true;
            stage = 4;
            i++;
            if (i == len)
                return msoc_fail(err, MSOC_INVALID, "ISO-8601 duration: nothing after 'T'");
            continue;
        }
        if (last)
            return msoc_fail(err, MSOC_INVALID, "ISO-8601 duration: only the last unit may have a fraction");
        size_t start = i;
        double v = 0;
        int n_digits = 0;
        while (i < len && is_digit(s[i]) && n_digits < 15) {
            v = v * 10 + (s[i] - '0');
            i++;
            n_digits++;
        }
        if (i < len && is_digit(s[i]))
            return msoc_fail(err, MSOC_INVALID, "ISO-8601 duration: number too long at offset %zu", start);
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            i++;
            double scale = 0.1;
            int n_frac = 0;
            while (i < len && is_digit(s[i])) {
                if (n_frac < 9)
                    v += (s[i] - '0') * scale;
                scale /= 10;
                i++;
                n_frac++;
            }
            if (n_frac == 0)
                return msoc_fail(err, MSOC_INVALID, "ISO-8601 duration: digits must follow the decimal mark");
            last = true;
        }
        if (n_digits == 0 || i >= len)
            return msoc_fail(err, MSOC_INVALID, "ISO-8601 duration: expected a number and a unit at offset %zu",
                             start);
        char u = s[i++];
        static const char date_units[] = "YMWD", time_units[] = "HMS";
        static const double date_secs[] = {365.0 * 86400, 30.0 * 86400, 7.0 * 86400, 86400};
        static const double time_secs[] = {3600, 60, 1};
        const char *units = is_time ? time_units : date_units;
        const char *hit = strchr(units, u);
        if (u == 0 || hit == NULL)
            return msoc_fail(err, MSOC_INVALID, "ISO-8601 duration: unknown unit '%c' at offset %zu", u, i - 1);
        int idx = (int)(hit - units) + (is_time ? 4 : 0);
        if (idx < stage)
            return msoc_fail(err, MSOC_INVALID, "ISO-8601 duration: unit '%c' out of order", u);
        stage = idx + 1;
        total += v * (is_time ? time_secs[idx - 4] : date_secs[idx]);
        any = true;
    }
    if (!any)
        return msoc_fail(err, MSOC_INVALID, "ISO-8601 duration: no value in '%.*s'", (int)(len > 64 ? 64 : len), s);
    if (total * (double)TICKS_PER_SECOND >= (double)WINDOW_MAX_TICKS)
        return msoc_fail(err, MSOC_INVALID, "ISO-8601 duration: too long");
    *ticks = (int64_t)(total * (double)TICKS_PER_SECOND + 0.5);
    return MSOC_OK;
}

static msoc_status instant(const char *s, size_t len, int64_t *out, msoc_error *err)
{
    msoc_datetime dt;
    msoc_error e2;
    msoc_error_clear(&e2);
    if (len == 0 || msoc_datetime_parse(s, len, &dt, &e2) != MSOC_OK || dt == MSOC_TIME_NULL)
        return msoc_fail(err, MSOC_INVALID, "Timespan: '%.*s' is neither an ISO-8601 date-time nor a duration",
                         (int)(len > 64 ? 64 : len), s);
    *out = dt;
    return MSOC_OK;
}

msoc_status kusto_window_parse(const char *s, size_t len, int64_t now, kusto_window *out, msoc_error *err)
{
    memset(out, 0, sizeof *out);
    const char *slash = memchr(s, '/', len);
    int64_t lo, hi, d;
    if (!slash) {
        if (len > 0 && s[0] == 'P') {
            if (kusto_iso_duration(s, len, &d, err) != MSOC_OK)
                return err->code;
            hi = now;
            lo = now - d;
        } else {
            if (instant(s, len, &lo, err) != MSOC_OK)
                return err->code;
            hi = now;
        }
    } else {
        const char *b = slash + 1;
        size_t la = (size_t)(slash - s), lb = len - la - 1;
        bool a_dur = la > 0 && s[0] == 'P', b_dur = lb > 0 && b[0] == 'P';
        if (a_dur && b_dur)
            return msoc_fail(err, MSOC_INVALID, "Timespan: both sides of '/' are durations");
        if (a_dur) {
            if (kusto_iso_duration(s, la, &d, err) != MSOC_OK || instant(b, lb, &hi, err) != MSOC_OK)
                return err->code;
            lo = hi - d;
        } else if (b_dur) {
            if (instant(s, la, &lo, err) != MSOC_OK || kusto_iso_duration(b, lb, &d, err) != MSOC_OK)
                return err->code;
            hi = lo + d;
        } else {
            if (instant(s, la, &lo, err) != MSOC_OK || instant(b, lb, &hi, err) != MSOC_OK)
                return err->code;
        }
    }
    if (hi <= lo)
        return msoc_fail(err, MSOC_INVALID, "Timespan: the window is empty (its end is not after its start)");
    out->is_set = true;
    out->lo = lo;
    out->hi = hi;
    return MSOC_OK;
}

void kusto_csv_init(kusto_csv *c, const char *text, size_t len)
{
    c->p = text;
    c->end = text + len;
    c->line = 1;
}

msoc_status kusto_csv_next(kusto_csv *c, msoc_arena *a, size_t max_fields, msoc_str **fields,
                           size_t *n_out, msoc_error *err)
{
    *n_out = 0;
    *fields = NULL;
    /* Skip blank lines. */
    while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
        if (*c->p == '\n')
            c->line++;
        c->p++;
    }
    if (c->p >= c->end)
        return MSOC_OK;
    size_t cap = 16, n = 0;
    msoc_str *f = msoc_arena_alloc(a, cap * sizeof *f);
    if (!f)
        return msoc_arena_fail(a, err);
    uint32_t start_line = c->line;
    for (;;) {
        if (n == max_fields)
            return msoc_fail(err, MSOC_TOOBIG, "CSV line %u: more than %zu fields", start_line, max_fields);
        if (n == cap) {
            f = msoc_arena_realloc(a, f, cap * sizeof *f, cap * 2 * sizeof *f);
            if (!f)
                return msoc_arena_fail(a, err);
            cap *= 2;
        }
        const char *p = c->p;
        if (p < c->end && *p == '"') {
            /* Quoted: copy, undoubling quotes. */
            p++;
            size_t len = 0;
            const char *q = p;
            for (;;) {
                if (q >= c->end)
                    return msoc_fail(err, MSOC_BADDATA, "CSV line %u: a quoted field is not closed", start_line);
                if (*q == '"') {
                    if (q + 1 < c->end && q[1] == '"') {
                        q += 2;
                        len++;
                        continue;
                    }
                    break;
                }
                if (*q == '\n')
                    c->line++;
                q++;
                len++;
            }
            char *dst = msoc_arena_alloc(a, len + 1);
            if (!dst)
                return msoc_arena_fail(a, err);
            size_t k = 0;
            for (const char *s = p; s < q; s++) {
                dst[k++] = *s;
                if (*s == '"')
                    s++;
            }
            dst[k] = 0;
            f[n++] = msoc_str_make(dst, k);
            p = q + 1;
            if (p < c->end && *p != ',' && *p != '\n' && *p != '\r')
                return msoc_fail(err, MSOC_BADDATA, "CSV line %u: text after a closing quote", start_line);
        } else {
            const char *q = p;
            while (q < c->end && *q != ',' && *q != '\n' && *q != '\r') {
                if (*q == '"')
                    return msoc_fail(err, MSOC_BADDATA,
                                     "CSV line %u: a quote inside an unquoted field (quote the whole field)",
                                     start_line);
                q++;
            }
            f[n++] = msoc_str_make(p, (size_t)(q - p));
            p = q;
        }
        if (p < c->end && *p == ',') {
            c->p = p + 1;
            continue;
        }
        if (p < c->end && *p == '\r')
            p++;
        if (p < c->end && *p == '\n') {
            p++;
            c->line++;
        }
        c->p = p;
        break;
    }
    *fields = f;
    *n_out = n;
    return MSOC_OK;
}
