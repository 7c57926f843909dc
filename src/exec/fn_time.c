/* Datetime and timespan functions. */
#include <string.h>

#include "exec_int.h"

#define ROW(name) static void name(xq *q, const xval *a, size_t n_args, xval *out)

static xval DT(int64_t t)
{
    return xv_typed_i(MSOC_TYPE_DATETIME, t);
}

static int64_t TS(xq *q, xval v)
{
    return msoc_exec__convert(q, v, MSOC_TYPE_TIMESPAN).i;
}

static int64_t DTV(xq *q, xval v, bool *is_null)
{
    xval c = msoc_exec__convert(q, v, MSOC_TYPE_DATETIME);
    *is_null = c.is_null;
    return c.i;
}

ROW(f_now)
{
    int64_t t = q->opts.now;
    if (n_args > 0 && !a[0].is_null)
        t += TS(q, a[0]);
    *out = DT(t);
}

ROW(f_ago)
{
    (void)n_args;
    int64_t r;
    if (__builtin_sub_overflow(q->opts.now, TS(q, a[0]), &r))
        *out = xv_null(MSOC_TYPE_DATETIME);
    else
        *out = DT(r);
}

static int64_t offset_n(xq *q, const xval *a, size_t n_args)
{
    if (n_args < 2 || a[1].is_null)
        return 0;
    return msoc_exec__convert(q, a[1], MSOC_TYPE_LONG).i;
}

/* The start_of_* helpers answer a day number (days since 0001-01-01 in the
 * proleptic calendar's epoch used by msoc_days_from_civil); the caller turns it
 * into ticks with day_ticks, which refuses days outside KQL's datetime range, so
 * no offset can overflow the tick arithmetic. */
static int64_t start_of_month(int64_t t, int64_t add_months)
{
    msoc_civil c;
    msoc_datetime_to_civil(t, &c);
    int64_t m = (int64_t)c.year * 12 + (c.month - 1) + add_months;
    int y = (int)msoc_floor_div(m, 12);
    int mo = (int)(m - (int64_t)y * 12) + 1;
    return msoc_days_from_civil(y, mo, 1);
}

static int64_t start_of_year(int64_t t, int64_t add)
{
    msoc_civil c;
    msoc_datetime_to_civil(t, &c);
    return msoc_days_from_civil((int)(c.year + add), 1, 1);
}

static int64_t start_of_day(int64_t t, int64_t add)
{
    return msoc_floor_div(t, MSOC_TICKS_PER_DAY) + add;
}

static int64_t start_of_week(int64_t t, int64_t add)
{
    int64_t d = start_of_day(t, 0);
    int wd = msoc_datetime_weekday(t);
    return d - wd + add * 7;
}

/* Ticks of day number d, or MSOC_TIME_NULL when that day is outside the datetime
 * range (one day past the end is allowed: end_of_* subtracts a tick from it). */
static int64_t day_ticks(int64_t d)
{
    if (d < MSOC_DATETIME_MIN / MSOC_TICKS_PER_DAY || d > MSOC_DATETIME_MAX / MSOC_TICKS_PER_DAY + 1)
        return MSOC_TIME_NULL;
    return d * MSOC_TICKS_PER_DAY;
}

/* |offset| beyond this many units leaves the datetime range for every unit (a day
 * is the smallest), and keeps the helpers' arithmetic far from overflow. */
#define STARTOF_MAX_OFFSET 4000000

#define STARTOF(name, fn, end_fn)                                    \
    ROW(name)                                                        \
    {                                                                \
        bool is_null;                                                \
        int64_t t = DTV(q, a[0], &is_null);                          \
        int64_t k = offset_n(q, a, n_args);                          \
        if (is_null || t < MSOC_DATETIME_MIN || t > MSOC_DATETIME_MAX || \
            k > STARTOF_MAX_OFFSET || k < -STARTOF_MAX_OFFSET) {     \
            *out = xv_null(MSOC_TYPE_DATETIME);                      \
            return;                                                  \
        }                                                            \
        int64_t r = day_ticks(fn(t, end_fn ? k + 1 : k));            \
        if (r != MSOC_TIME_NULL && end_fn)                           \
            r--;                                                     \
        *out = r == MSOC_TIME_NULL || r < MSOC_DATETIME_MIN || r > MSOC_DATETIME_MAX \
                   ? xv_null(MSOC_TYPE_DATETIME) : DT(r);            \
    }
STARTOF(f_startofday, start_of_day, false)
STARTOF(f_startofweek, start_of_week, false)
STARTOF(f_startofmonth, start_of_month, false)
STARTOF(f_startofyear, start_of_year, false)
STARTOF(f_endofday, start_of_day, true)
STARTOF(f_endofweek, start_of_week, true)
STARTOF(f_endofmonth, start_of_month, true)
STARTOF(f_endofyear, start_of_year, true)

ROW(f_dayofweek)
{
    (void)n_args;
    bool is_null;
    int64_t t = DTV(q, a[0], &is_null);
    *out = is_null ? xv_null(MSOC_TYPE_TIMESPAN)
                   : xv_typed_i(MSOC_TYPE_TIMESPAN, msoc_datetime_weekday(t) * MSOC_TICKS_PER_DAY);
}

static int part(int64_t t, const char *what)
{
    msoc_civil c;
    msoc_datetime_to_civil(t, &c);
    if (!strcmp(what, "year"))
        return c.year;
    if (!strcmp(what, "month"))
        return c.month;
    if (!strcmp(what, "day"))
        return c.day;
    if (!strcmp(what, "hour"))
        return c.hour;
    if (!strcmp(what, "minute"))
        return c.minute;
    if (!strcmp(what, "second"))
        return c.second;
    if (!strcmp(what, "millisecond"))
        return (int)(c.ticks / 10000);
    if (!strcmp(what, "microsecond"))
        return (int)(c.ticks / 10);
    if (!strcmp(what, "nanosecond"))
        return (int)(c.ticks * 100);
    if (!strcmp(what, "quarter"))
        return (c.month - 1) / 3 + 1;
    if (!strcmp(what, "dayofyear"))
        return (int)(msoc_floor_div(t, MSOC_TICKS_PER_DAY) - msoc_days_from_civil(c.year, 1, 1)) + 1;
    if (!strcmp(what, "week_of_year") || !strcmp(what, "weekofyear")) {
        /* ISO 8601 week number */
        int64_t days = msoc_floor_div(t, MSOC_TICKS_PER_DAY);
        int wd = (msoc_datetime_weekday(t) + 6) % 7; /* Monday = 0 */
        int64_t thursday = days - wd + 3;
        int y, m, d;
        msoc_civil_from_days(thursday, &y, &m, &d);
        return (int)((thursday - msoc_days_from_civil(y, 1, 1)) / 7) + 1;
    }
    return -1;
}

#define PART(name, what)                                             \
    ROW(name)                                                        \
    {                                                                \
        (void)n_args;                                                \
        bool is_null;                                                \
        int64_t t = DTV(q, a[0], &is_null);                          \
        *out = is_null ? xv_null(out->t)                             \
                       : xv_typed_i(out->t, part(t, what));          \
    }
PART(f_dayofmonth, "day")
PART(f_dayofyear, "dayofyear")
PART(f_getyear, "year")
PART(f_getmonth, "month")
PART(f_hourofday, "hour")
PART(f_week_of_year, "week_of_year")

static void lower_name(xq *q, xval v, char *buf, size_t cap)
{
    msoc_str s = msoc_exec__to_text(q, v);
    size_t n = s.len < cap - 1 ? s.len : cap - 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = msoc_ascii_lower(s.ptr[i]);
    buf[n] = 0;
    /* plural and aliases */
    if (n > 1 && buf[n - 1] == 's' && strcmp(buf, "ms") != 0)
        buf[n - 1] = 0;
}

ROW(f_datetime_part)
{
    (void)n_args;
    char what[32];
    lower_name(q, a[0], what, sizeof what);
    bool is_null;
    int64_t t = DTV(q, a[1], &is_null);
    int v = is_null ? -1 : part(t, what);
    *out = v < 0 ? xv_null(out->t) : xv_typed_i(out->t, v);
}

static int64_t unit_ticks(const char *u)
{
    if (!strcmp(u, "week"))
        return 7 * MSOC_TICKS_PER_DAY;
    if (!strcmp(u, "day"))
        return MSOC_TICKS_PER_DAY;
    if (!strcmp(u, "hour"))
        return MSOC_TICKS_PER_HOUR;
    if (!strcmp(u, "minute"))
        return MSOC_TICKS_PER_MINUTE;
    if (!strcmp(u, "second"))
        return MSOC_TICKS_PER_SECOND;
    if (!strcmp(u, "millisecond"))
        return MSOC_TICKS_PER_MILLISECOND;
    if (!strcmp(u, "microsecond"))
        return 10;
    if (!strcmp(u, "nanosecond"))
        return 1;
    return 0;
}

ROW(f_datetime_add)
{
    (void)n_args;
    char u[32];
    lower_name(q, a[0], u, sizeof u);
    int64_t k = msoc_exec__convert(q, a[1], MSOC_TYPE_LONG).i;
    bool is_null;
    int64_t t = DTV(q, a[2], &is_null);
    if (is_null) {
        *out = xv_null(MSOC_TYPE_DATETIME);
        return;
    }
    if (!strcmp(u, "month") || !strcmp(u, "quarter") || !strcmp(u, "year")) {
        int64_t months = !strcmp(u, "month") ? k : !strcmp(u, "quarter") ? 3 * k : 12 * k;
        msoc_civil c;
        msoc_datetime_to_civil(t, &c);
        int64_t m = (int64_t)c.year * 12 + (c.month - 1) + months;
        c.year = (int)msoc_floor_div(m, 12);
        c.month = (int)(m - (int64_t)c.year * 12) + 1;
        static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int md = mdays[c.month - 1];
        if (c.month == 2 && ((c.year % 4 == 0 && c.year % 100 != 0) || c.year % 400 == 0))
            md = 29;
        if (c.day > md)
            c.day = md;
        *out = DT(msoc_datetime_from_civil(&c));
        return;
    }
    int64_t ut = unit_ticks(u), d, r;
    if (ut == 0 || __builtin_mul_overflow(k, ut, &d) || __builtin_add_overflow(t, d, &r) ||
        r < MSOC_DATETIME_MIN || r > MSOC_DATETIME_MAX) {
        *out = xv_null(MSOC_TYPE_DATETIME);
        return;
    }
    *out = DT(r);
}

ROW(f_datetime_diff)
{
    (void)n_args;
    char u[32];
    lower_name(q, a[0], u, sizeof u);
    bool n1, n2;
    int64_t t1 = DTV(q, a[1], &n1), t2 = DTV(q, a[2], &n2);
    if (n1 || n2) {
        *out = xv_null(MSOC_TYPE_LONG);
        return;
    }
    msoc_civil c1, c2;
    msoc_datetime_to_civil(t1, &c1);
    msoc_datetime_to_civil(t2, &c2);
    int64_t r;
    if (!strcmp(u, "year"))
        r = c1.year - c2.year;
    else if (!strcmp(u, "quarter"))
        r = ((int64_t)c1.year * 4 + (c1.month - 1) / 3) - ((int64_t)c2.year * 4 + (c2.month - 1) / 3);
    else if (!strcmp(u, "month"))
        r = ((int64_t)c1.year * 12 + c1.month) - ((int64_t)c2.year * 12 + c2.month);
    else if (!strcmp(u, "week"))
        r = msoc_floor_div(start_of_week(t1, 0), 7) - msoc_floor_div(start_of_week(t2, 0), 7);
    else {
        int64_t ut = unit_ticks(u);
        if (ut == 0) {
            *out = xv_null(MSOC_TYPE_LONG);
            return;
        }
        r = (int64_t)((uint64_t)msoc_floor_div(t1, ut) - (uint64_t)msoc_floor_div(t2, ut));
    }
    *out = xv_long(r);
}

/* format_datetime with .NET-style specifiers. */
static void fmt_dt(msoc_buf *b, int64_t t, msoc_str f)
{
    msoc_civil c;
    msoc_datetime_to_civil(t, &c);
    for (size_t i = 0; i < f.len;) {
        char ch = f.ptr[i];
        size_t run = 1;
        while (i + run < f.len && f.ptr[i + run] == ch)
            run++;
        switch (ch) {
        case 'y':
            if (run == 2)
                msoc_buf_appendf(b, "%02d", c.year % 100);
            else if (run == 1)
                msoc_buf_appendf(b, "%d", c.year % 100);
            else
                msoc_buf_appendf(b, "%0*d", (int)run, c.year);
            break;
        case 'M': msoc_buf_appendf(b, "%0*d", (int)(run > 2 ? 2 : run), c.month); break;
        case 'd': msoc_buf_appendf(b, "%0*d", (int)(run > 2 ? 2 : run), c.day); break;
        case 'H': msoc_buf_appendf(b, "%0*d", (int)(run > 2 ? 2 : run), c.hour); break;
        case 'h': msoc_buf_appendf(b, "%0*d", (int)(run > 2 ? 2 : run), c.hour % 12 == 0 ? 12 : c.hour % 12); break;
        case 'm': msoc_buf_appendf(b, "%0*d", (int)(run > 2 ? 2 : run), c.minute); break;
        case 's': msoc_buf_appendf(b, "%0*d", (int)(run > 2 ? 2 : run), c.second); break;
        case 'f':
        case 'F': {
            char digits[8];
            int64_t v = c.ticks;
            for (int k = 6; k >= 0; k--) {
                digits[k] = (char)('0' + v % 10);
                v /= 10;
            }
            size_t nd = run > 7 ? 7 : run;
            if (ch == 'F') {
                while (nd > 0 && digits[nd - 1] == '0')
                    nd--;
            }
            msoc_buf_append(b, digits, nd);
            break;
        }
        case 't': msoc_buf_append_c(b, run == 1 ? (c.hour < 12 ? "A" : "P") : (c.hour < 12 ? "AM" : "PM")); break;
        default: msoc_buf_append(b, f.ptr + i, run); break;
        }
        i += run;
    }
}

ROW(f_format_datetime)
{
    (void)n_args;
    bool is_null;
    int64_t t = DTV(q, a[0], &is_null);
    if (is_null) {
        *out = xv_str(MSOC_STR(""));
        return;
    }
    msoc_buf b;
    msoc_buf_init(&b, 1 << 16);
    msoc_buf_reserve(&b, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    fmt_dt(&b, t, msoc_exec__to_text(q, a[1]));
    *out = xv_str(msoc_exec__strdup(q, b.data ? b.data : "", b.len));
    msoc_buf_fini(&b);
}

ROW(f_format_timespan)
{
    (void)n_args;
    xval v = msoc_exec__convert(q, a[0], MSOC_TYPE_TIMESPAN);
    if (v.is_null) {
        *out = xv_str(MSOC_STR(""));
        return;
    }
    int64_t t = v.i;
    bool is_neg = t < 0;
    if (is_neg)
        t = -t;
    int64_t days = t / MSOC_TICKS_PER_DAY, rem = t % MSOC_TICKS_PER_DAY;
    int hh = (int)(rem / MSOC_TICKS_PER_HOUR), mm = (int)(rem / MSOC_TICKS_PER_MINUTE % 60),
        ss = (int)(rem / MSOC_TICKS_PER_SECOND % 60);
    int64_t frac = rem % MSOC_TICKS_PER_SECOND;
    msoc_str f = msoc_exec__to_text(q, a[1]);
    msoc_buf b;
    msoc_buf_init(&b, 1 << 16);
    msoc_buf_reserve(&b, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    if (is_neg)
        msoc_buf_putc(&b, '-');
    for (size_t i = 0; i < f.len;) {
        char ch = f.ptr[i];
        size_t run = 1;
        while (i + run < f.len && f.ptr[i + run] == ch)
            run++;
        switch (ch) {
        case 'd': msoc_buf_appendf(&b, "%0*lld", (int)run, (long long)days); break;
        case 'h':
        case 'H': msoc_buf_appendf(&b, "%0*d", (int)(run > 2 ? 2 : run), hh); break;
        case 'm': msoc_buf_appendf(&b, "%0*d", (int)(run > 2 ? 2 : run), mm); break;
        case 's': msoc_buf_appendf(&b, "%0*d", (int)(run > 2 ? 2 : run), ss); break;
        case 'f':
        case 'F': {
            char digits[8];
            int64_t v2 = frac;
            for (int k = 6; k >= 0; k--) {
                digits[k] = (char)('0' + v2 % 10);
                v2 /= 10;
            }
            size_t nd = run > 7 ? 7 : run;
            if (ch == 'F')
                while (nd > 0 && digits[nd - 1] == '0')
                    nd--;
            msoc_buf_append(&b, digits, nd);
            break;
        }
        case '\\':
            if (i + 1 < f.len)
                msoc_buf_putc(&b, f.ptr[i + 1]);
            i += 2;
            continue;
        default: msoc_buf_append(&b, f.ptr + i, run); break;
        }
        i += run;
    }
    *out = xv_str(msoc_exec__strdup(q, b.data ? b.data : "", b.len));
    msoc_buf_fini(&b);
}

ROW(f_make_datetime)
{
    msoc_civil c = {0};
    c.month = 1;
    c.day = 1;
    int64_t v[7] = {0, 1, 1, 0, 0, 0, 0};
    for (size_t i = 0; i < n_args && i < 6; i++) {
        if (a[i].is_null) {
            *out = xv_null(MSOC_TYPE_DATETIME);
            return;
        }
        v[i] = msoc_exec__convert(q, a[i], MSOC_TYPE_LONG).i;
    }
    double sec = n_args >= 6 ? msoc_exec__convert(q, a[5], MSOC_TYPE_REAL).r : 0;
    c.year = (int)v[0];
    c.month = (int)v[1];
    c.day = (int)v[2];
    c.hour = (int)v[3];
    c.minute = (int)v[4];
    c.second = (int)sec;
    c.ticks = (int64_t)((sec - (double)c.second) * 1e7 + 0.5);
    if (c.ticks >= MSOC_TICKS_PER_SECOND)
        c.ticks = MSOC_TICKS_PER_SECOND - 1;
    if (!msoc_civil_valid(&c)) {
        *out = xv_null(MSOC_TYPE_DATETIME);
        return;
    }
    *out = DT(msoc_datetime_from_civil(&c));
}

ROW(f_make_timespan)
{
    int64_t t = 0;
    if (n_args == 1) {
        t = msoc_exec__convert(q, a[0], MSOC_TYPE_LONG).i * MSOC_TICKS_PER_HOUR;
    } else {
        /* (d?, h, m, s) */
        size_t base = n_args >= 4 ? 1 : 0;
        if (n_args >= 4)
            t += msoc_exec__convert(q, a[0], MSOC_TYPE_LONG).i * MSOC_TICKS_PER_DAY;
        t += msoc_exec__convert(q, a[base], MSOC_TYPE_LONG).i * MSOC_TICKS_PER_HOUR;
        t += msoc_exec__convert(q, a[base + 1], MSOC_TYPE_LONG).i * MSOC_TICKS_PER_MINUTE;
        if (n_args > base + 2)
            t += (int64_t)(msoc_exec__convert(q, a[base + 2], MSOC_TYPE_REAL).r * 1e7);
    }
    *out = xv_typed_i(MSOC_TYPE_TIMESPAN, t);
}

ROW(f_unix_s)
{
    (void)n_args;
    double s = msoc_exec__convert(q, a[0], MSOC_TYPE_REAL).r;
    *out = DT((int64_t)(s * 1e7));
}

ROW(f_unix_ms)
{
    (void)n_args;
    double s = msoc_exec__convert(q, a[0], MSOC_TYPE_REAL).r;
    *out = DT((int64_t)(s * 1e4));
}

ROW(f_to_unix)
{
    (void)n_args;
    bool is_null;
    int64_t t = DTV(q, a[0], &is_null);
    *out = is_null ? xv_null(MSOC_TYPE_LONG) : xv_long(msoc_floor_div(t, MSOC_TICKS_PER_SECOND));
}

void msoc_exec__fn_register_time(xfn_impl *t)
{
#define REG(id, fn) t[MSOC_PLAN_FN_##id] = (xfn_impl){fn, NULL, true}
    t[MSOC_PLAN_FN_NOW] = (xfn_impl){f_now, NULL, false};
    REG(AGO, f_ago);
    REG(STARTOFDAY, f_startofday);
    REG(STARTOFWEEK, f_startofweek);
    REG(STARTOFMONTH, f_startofmonth);
    REG(STARTOFYEAR, f_startofyear);
    REG(ENDOFDAY, f_endofday);
    REG(ENDOFWEEK, f_endofweek);
    REG(ENDOFMONTH, f_endofmonth);
    REG(ENDOFYEAR, f_endofyear);
    REG(DAYOFWEEK, f_dayofweek);
    REG(DAYOFMONTH, f_dayofmonth);
    REG(DAYOFYEAR, f_dayofyear);
    REG(GETYEAR, f_getyear);
    REG(GETMONTH, f_getmonth);
    REG(MONTHOFYEAR, f_getmonth);
    REG(HOUROFDAY, f_hourofday);
    REG(WEEK_OF_YEAR, f_week_of_year);
    REG(DATETIME_ADD, f_datetime_add);
    REG(DATETIME_DIFF, f_datetime_diff);
    REG(DATETIME_PART, f_datetime_part);
    t[MSOC_PLAN_FN_FORMAT_DATETIME] = (xfn_impl){f_format_datetime, NULL, false};
    t[MSOC_PLAN_FN_FORMAT_TIMESPAN] = (xfn_impl){f_format_timespan, NULL, false};
    REG(MAKE_DATETIME, f_make_datetime);
    REG(MAKE_TIMESPAN, f_make_timespan);
    REG(UNIXTIME_SECONDS_TODATETIME, f_unix_s);
    REG(UNIXTIME_MILLISECONDS_TODATETIME, f_unix_ms);
    REG(DATETIME_TO_UNIX, f_to_unix);
#undef REG
}
