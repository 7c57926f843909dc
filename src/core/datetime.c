/* Datetime and timespan parsing and printing (see time.h for the accepted forms). */
#include "datetime.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "str.h"

int64_t msoc_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t msoc_days_from_civil(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = msoc_floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t mp = (month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void msoc_civil_from_days(int64_t z, int *year, int *month, int *day)
{
    z += 719468;
    int64_t era = msoc_floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(y + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

static int days_in_month(int year, int month)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return dim[month - 1];
}

bool msoc_civil_valid(const msoc_civil *c)
{
    return c->year >= 1 && c->year <= 9999 && c->month >= 1 && c->month <= 12 && c->day >= 1 &&
           c->day <= days_in_month(c->year, c->month) && c->hour >= 0 && c->hour <= 23 &&
           c->minute >= 0 && c->minute <= 59 && c->second >= 0 && c->second <= 59 &&
           c->ticks >= 0 && c->ticks < MSOC_TICKS_PER_SECOND;
}

msoc_datetime msoc_datetime_from_civil(const msoc_civil *c)
{
    int64_t days = msoc_days_from_civil(c->year, c->month, c->day);
    return days * MSOC_TICKS_PER_DAY + c->hour * MSOC_TICKS_PER_HOUR +
           c->minute * MSOC_TICKS_PER_MINUTE + c->second * MSOC_TICKS_PER_SECOND + c->ticks;
}

void msoc_datetime_to_civil(msoc_datetime dt, msoc_civil *c)
{
    int64_t days = msoc_floor_div(dt, MSOC_TICKS_PER_DAY);
    int64_t rem = dt - days * MSOC_TICKS_PER_DAY;
    msoc_civil_from_days(days, &c->year, &c->month, &c->day);
    c->hour = (int)(rem / MSOC_TICKS_PER_HOUR);
    rem %= MSOC_TICKS_PER_HOUR;
    c->minute = (int)(rem / MSOC_TICKS_PER_MINUTE);
    rem %= MSOC_TICKS_PER_MINUTE;
    c->second = (int)(rem / MSOC_TICKS_PER_SECOND);
    c->ticks = rem % MSOC_TICKS_PER_SECOND;
}

int msoc_datetime_weekday(msoc_datetime dt)
{
    int64_t days = msoc_floor_div(dt, MSOC_TICKS_PER_DAY);
    /* 1970-01-01 was a Thursday (4). */
    int64_t w = (days + 4) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

msoc_datetime msoc_datetime_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * MSOC_TICKS_PER_SECOND + ts.tv_nsec / 100;
}

/* ---- a tiny cursor over the literal text ---- */

typedef struct cur {
    const char *p, *end;
} cur;

static bool at_end(const cur *c)
{
    return c->p >= c->end;
}

static char peek(const cur *c)
{
    return c->p < c->end ? *c->p : '\0';
}

static void skip_ws(cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_alpha(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* Reads 1..max_digits digits; returns the count read (0 if none). */
static int read_uint(cur *c, int max_digits, int64_t *v)
{
    int n = 0;
    int64_t x = 0;
    while (n < max_digits && c->p < c->end && is_digit(*c->p)) {
        x = x * 10 + (*c->p - '0');
        c->p++;
        n++;
    }
    *v = x;
    return n;
}

static bool eat(cur *c, char ch)
{
    if (peek(c) == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* Reads a run of letters into a lower-case word. */
static size_t read_word(cur *c, char *buf, size_t cap)
{
    size_t n = 0;
    while (c->p < c->end && is_alpha(*c->p)) {
        if (n + 1 < cap)
            buf[n++] = msoc_ascii_lower(*c->p);
        c->p++;
    }
    buf[n < cap ? n : cap - 1] = '\0';
    return n;
}

/* Fraction digits after '.', to ticks (7 digits; more are truncated). */
static int64_t read_fraction(cur *c)
{
    int64_t ticks = 0;
    int n = 0;
    while (c->p < c->end && is_digit(*c->p)) {
        if (n < 7) {
            ticks = ticks * 10 + (*c->p - '0');
            n++;
        }
        c->p++;
    }
    for (; n < 7; n++)
        ticks *= 10;
    return ticks;
}

static int month_from_name(const char *w)
{
    static const char *names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                  "jul", "aug", "sep", "oct", "nov", "dec"};
    static const char *full[] = {"january", "february", "march",     "april",   "may",      "june",
                                 "july",    "august",   "september", "october", "november", "december"};
    for (int i = 0; i < 12; i++)
        if (strcmp(w, names[i]) == 0 || strcmp(w, full[i]) == 0)
            return i + 1;
    return 0;
}

static bool is_weekday_name(const char *w)
{
    static const char *names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat",
                                  "sunday", "monday", "tuesday", "wednesday", "thursday",
                                  "friday", "saturday"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(w, names[i]) == 0)
            return true;
    return false;
}

/* Two-digit years follow .NET's invariant rule: 00-29 -> 20xx, 30-99 -> 19xx. */
static int expand_year(int64_t y, int digits)
{
    if (digits <= 2)
        return (int)(y < 30 ? 2000 + y : 1900 + y);
    return (int)y;
}

/* Optional time zone designator; *offset_ticks is added to local time to get UTC. */
static bool parse_zone(cur *c, int64_t *offset_ticks)
{
    *offset_ticks = 0;
    skip_ws(c);
    if (at_end(c))
        return true;
    char ch = peek(c);
    if (ch == '+' || ch == '-') {
        int sign = ch == '-' ? -1 : 1;
        c->p++;
        int64_t hh, mm = 0;
        int n = read_uint(c, 2, &hh);
        if (n == 0)
            return false;
        if (eat(c, ':')) {
            if (read_uint(c, 2, &mm) != 2)
                return false;
        } else if (n == 2 && is_digit(peek(c))) {
            if (read_uint(c, 2, &mm) != 2)
                return false;
        }
        if (hh > 14 || mm > 59)
            return false;
        *offset_ticks = -sign * (hh * MSOC_TICKS_PER_HOUR + mm * MSOC_TICKS_PER_MINUTE);
        return true;
    }
    if (!is_alpha(ch))
        return false;
    char w[8];
    size_t n = read_word(c, w, sizeof w);
    static const struct {
        const char *name;
        int hours;
    } zones[] = {{"z", 0},    {"ut", 0},   {"utc", 0},  {"gmt", 0},  {"est", -5},
                 {"edt", -4}, {"cst", -6}, {"cdt", -5}, {"mst", -7}, {"mdt", -6},
                 {"pst", -8}, {"pdt", -7}};
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        if (strcmp(w, zones[i].name) == 0) {
            *offset_ticks = -(int64_t)zones[i].hours * MSOC_TICKS_PER_HOUR;
            return true;
        }
    }
    if (n == 1 && w[0] != 'j') {
        /* RFC 822 military zones: A-I = -1..-9, K-M = -10..-12, N-Y = +1..+12. */
        int h;
        if (w[0] >= 'a' && w[0] <= 'i')
            h = -(w[0] - 'a' + 1);
        else if (w[0] >= 'k' && w[0] <= 'm')
            h = -(w[0] - 'k' + 10);
        else
            h = w[0] - 'n' + 1;
        *offset_ticks = -(int64_t)h * MSOC_TICKS_PER_HOUR;
        return true;
    }
    return false;
}

/* hh:mm[:ss[.fffffff]] [AM|PM] */
static bool parse_clock(cur *c, msoc_civil *cv, bool allow_ampm)
{
    int64_t hh, mm, ss = 0;
    if (read_uint(c, 2, &hh) == 0 || !eat(c, ':') || read_uint(c, 2, &mm) != 2)
        return false;
    if (eat(c, ':')) {
        if (read_uint(c, 2, &ss) != 2)
            return false;
        if (eat(c, '.') || eat(c, ','))
            cv->ticks = read_fraction(c);
    }
    if (allow_ampm) {
        const char *save = c->p;
        skip_ws(c);
        char w[4];
        if (is_alpha(peek(c))) {
            read_word(c, w, sizeof w);
            if (strcmp(w, "am") == 0 || strcmp(w, "pm") == 0) {
                if (hh < 1 || hh > 12)
                    return false;
                hh = (hh % 12) + (w[0] == 'p' ? 12 : 0);
            } else {
                c->p = save;
            }
        } else {
            c->p = save;
        }
    }
    cv->hour = (int)hh;
    cv->minute = (int)mm;
    cv->second = (int)ss;
    return true;
}

/* YYYY-MM-DD[(T| )hh[:mm[:ss[.f]]]][zone] and YYYY/MM/DD. */
static bool parse_iso(cur *c, msoc_civil *cv, int64_t *offset)
{
    int64_t y, mo, d;
    if (read_uint(c, 4, &y) != 4)
        return false;
    char sep = peek(c);
    if (sep != '-' && sep != '/' && sep != ',')
        return false;
    c->p++;
    if (sep == ',') /* "2025, 6, 14", as .NET's DateTime.Parse reads it */
        skip_ws(c);
    if (read_uint(c, 2, &mo) == 0 || !eat(c, sep))
        return false;
    if (sep == ',')
        skip_ws(c);
    if (read_uint(c, 2, &d) == 0)
        return false;
    cv->year = (int)y;
    cv->month = (int)mo;
    cv->day = (int)d;
    *offset = 0;
    if (at_end(c))
        return true;
    if (peek(c) == 'T' || peek(c) == 't' || peek(c) == ' ') {
        c->p++;
        skip_ws(c);
        if (at_end(c))
            return true;
        int64_t hh, mm = 0, ss = 0;
        if (read_uint(c, 2, &hh) == 0)
            return false;
        if (eat(c, ':')) {
            if (read_uint(c, 2, &mm) != 2)
                return false;
            if (eat(c, ':')) {
                if (read_uint(c, 2, &ss) != 2)
                    return false;
                if (eat(c, '.') || eat(c, ','))
                    cv->ticks = read_fraction(c);
            }
        }
        cv->hour = (int)hh;
        cv->minute = (int)mm;
        cv->second = (int)ss;
    }
    return parse_zone(c, offset);
}

/* M/D/YYYY or M-D-YYYY [h:mm[:ss] [AM|PM]] (invariant culture's US order). */
static bool parse_us(cur *c, msoc_civil *cv, int64_t *offset)
{
    int64_t mo, d, y;
    if (read_uint(c, 2, &mo) == 0)
        return false;
    char sep = peek(c);
    if ((sep != '/' && sep != '-') || !eat(c, sep) || read_uint(c, 2, &d) == 0 || !eat(c, sep))
        return false;
    int yd = read_uint(c, 4, &y);
    if (yd != 4 && yd != 2)
        return false;
    cv->year = expand_year(y, yd);
    cv->month = (int)mo;
    cv->day = (int)d;
    skip_ws(c);
    if (!at_end(c) && is_digit(peek(c)) && !parse_clock(c, cv, true))
        return false;
    return parse_zone(c, offset);
}

/* RFC 822: [Ddd, ]D Mon YY[YY] hh:mm[:ss] [zone]
 * RFC 850: [Dddd, ]DD-Mon-YY hh:mm:ss [zone] */
static bool parse_rfc(cur *c, msoc_civil *cv, int64_t *offset)
{
    char w[16];
    if (is_alpha(peek(c))) {
        read_word(c, w, sizeof w);
        if (!is_weekday_name(w))
            return false;
        eat(c, ',');
        skip_ws(c);
    }
    int64_t d, y;
    if (read_uint(c, 2, &d) == 0)
        return false;
    bool dashed = eat(c, '-');
    if (!dashed)
        skip_ws(c);
    read_word(c, w, sizeof w);
    int mo = month_from_name(w);
    if (mo == 0)
        return false;
    if (dashed) {
        if (!eat(c, '-'))
            return false;
    } else {
        skip_ws(c);
    }
    int yd = read_uint(c, 4, &y);
    if (yd != 2 && yd != 4)
        return false;
    cv->year = expand_year(y, yd);
    cv->month = mo;
    cv->day = (int)d;
    skip_ws(c);
    if (!at_end(c) && is_digit(peek(c)) && !parse_clock(c, cv, false))
        return false;
    return parse_zone(c, offset);
}

/* Strips an optional "name(" ... ")" wrapper and surrounding whitespace. */
static msoc_str unwrap(msoc_str s, const char *const *names)
{
    s = msoc_str_trim(s);
    for (const char *const *n = names; *n; n++) {
        size_t nl = strlen(*n);
        if (s.len > nl + 1 && s.ptr[s.len - 1] == ')') {
            msoc_str head = {s.ptr, nl};
            msoc_str rest = msoc_str_trim(msoc_str_make(s.ptr + nl, s.len - nl));
            if (msoc_str_ieq_c(head, *n) && rest.len >= 2 && rest.ptr[0] == '(')
                return msoc_str_trim(msoc_str_make(rest.ptr + 1, rest.len - 2));
        }
    }
    return s;
}

bool msoc_datetime_parse_fast(const char *s, size_t len, msoc_datetime *out)
{
    static const char *const wrappers[] = {"datetime", "todatetime", NULL};
    msoc_str t = unwrap(msoc_str_make(s, len), wrappers);
    if (t.len >= 2 && (t.ptr[0] == '"' || t.ptr[0] == '\'') && t.ptr[t.len - 1] == t.ptr[0])
        t = msoc_str_trim(msoc_str_make(t.ptr + 1, t.len - 2));
    if (msoc_str_ieq_c(t, "null")) {
        *out = MSOC_TIME_NULL;
        return true;
    }
    if (t.len == 0)
        return false;
    msoc_civil cv = {0};
    int64_t offset = 0;
    cur c = {t.ptr, t.ptr + t.len};
    bool ok;
    /* M-D-YYYY: a dash followed by a digit within the first 3 characters (RFC 850
     * has a month name there: 17-Feb-16) */
    bool is_us_dash = false;
    for (size_t i = 1; i < 3 && i + 1 < t.len; i++)
        if (t.ptr[i] == '-' && is_digit(t.ptr[i + 1]))
            is_us_dash = true;
    if (t.len >= 5 && is_digit(t.ptr[0]) && is_digit(t.ptr[1]) && is_digit(t.ptr[2]) &&
        is_digit(t.ptr[3]) && (t.ptr[4] == '-' || t.ptr[4] == '/' || t.ptr[4] == ',')) {
        ok = parse_iso(&c, &cv, &offset);
    } else if (is_digit(t.ptr[0]) && (memchr(t.ptr, '/', t.len < 3 ? t.len : 3) || is_us_dash)) {
        ok = parse_us(&c, &cv, &offset);
    } else {
        ok = parse_rfc(&c, &cv, &offset);
    }
    skip_ws(&c);
    if (!ok || !at_end(&c) || !msoc_civil_valid(&cv))
        return false;
    msoc_datetime dt = msoc_datetime_from_civil(&cv) + offset;
    if (dt < MSOC_DATETIME_MIN || dt > MSOC_DATETIME_MAX)
        return false;
    *out = dt;
    return true;
}

msoc_status msoc_datetime_parse(const char *s, size_t len, msoc_datetime *out, msoc_error *err)
{
    if (msoc_datetime_parse_fast(s, len, out))
        return MSOC_OK;
    int shown = len > 64 ? 64 : (int)len;
    return msoc_fail(err, MSOC_INVALID,
                     "'%.*s%s' is not a datetime (expected e.g. 2024-01-31, "
                     "2024-01-31T08:00:00Z or Wed, 31 Jan 2024 08:00:00 GMT)",
                     shown, s, len > 64 ? "..." : "");
}

static void put2(char *o, int v)
{
    o[0] = (char)('0' + v / 10);
    o[1] = (char)('0' + v % 10);
}

size_t msoc_datetime_format(msoc_datetime dt, char *out)
{
    if (dt == MSOC_TIME_NULL) {
        out[0] = '\0';
        return 0;
    }
    msoc_civil c;
    msoc_datetime_to_civil(dt, &c);
    int y = c.year;
    if (y < 0 || y > 9999) {
        /* Outside KQL's range: still print something unambiguous. */
        size_t n = (size_t)snprintf(out, MSOC_DATETIME_FMT_CAP, "%+d-%02d-%02dT%02d:%02d:%02dZ", y,
                                    c.month, c.day, c.hour, c.minute, c.second);
        return n;
    }
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    put2(out + 5, c.month);
    out[7] = '-';
    put2(out + 8, c.day);
    out[10] = 'T';
    put2(out + 11, c.hour);
    out[13] = ':';
    put2(out + 14, c.minute);
    out[16] = ':';
    put2(out + 17, c.second);
    out[19] = '.';
    int64_t t = c.ticks;
    for (int i = 26; i >= 20; i--) {
        out[i] = (char)('0' + t % 10);
        t /= 10;
    }
    out[27] = 'Z';
    out[28] = '\0';
    return 28;
}

/* ---- timespan ---- */

static int64_t unit_ticks(const char *w)
{
    static const struct {
        const char *name;
        int64_t ticks;
    } units[] = {
        {"d", MSOC_TICKS_PER_DAY},           {"day", MSOC_TICKS_PER_DAY},
        {"days", MSOC_TICKS_PER_DAY},        {"h", MSOC_TICKS_PER_HOUR},
        {"hr", MSOC_TICKS_PER_HOUR},         {"hrs", MSOC_TICKS_PER_HOUR},
        {"hour", MSOC_TICKS_PER_HOUR},       {"hours", MSOC_TICKS_PER_HOUR},
        {"m", MSOC_TICKS_PER_MINUTE},        {"min", MSOC_TICKS_PER_MINUTE},
        {"mins", MSOC_TICKS_PER_MINUTE},     {"minute", MSOC_TICKS_PER_MINUTE},
        {"minutes", MSOC_TICKS_PER_MINUTE},  {"s", MSOC_TICKS_PER_SECOND},
        {"sec", MSOC_TICKS_PER_SECOND},      {"secs", MSOC_TICKS_PER_SECOND},
        {"second", MSOC_TICKS_PER_SECOND},   {"seconds", MSOC_TICKS_PER_SECOND},
        {"ms", MSOC_TICKS_PER_MILLISECOND},  {"milli", MSOC_TICKS_PER_MILLISECOND},
        {"millis", MSOC_TICKS_PER_MILLISECOND}, {"millisecond", MSOC_TICKS_PER_MILLISECOND},
        {"milliseconds", MSOC_TICKS_PER_MILLISECOND},
        {"microsecond", MSOC_TICKS_PER_MICROSECOND},
        {"microseconds", MSOC_TICKS_PER_MICROSECOND},
        {"tick", 1},                         {"ticks", 1},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(w, units[i].name) == 0)
            return units[i].ticks;
    return 0;
}

/* [-][d.]hh:mm[:ss[.fffffff]] */
static bool parse_clock_span(cur *c, int64_t *out)
{
    int64_t a, b, ss = 0, frac = 0, days = 0;
    if (read_uint(c, 8, &a) == 0)
        return false;
    if (eat(c, '.')) {
        days = a;
        if (read_uint(c, 2, &a) == 0)
            return false;
    }
    if (!eat(c, ':') || read_uint(c, 2, &b) == 0)
        return false;
    if (eat(c, ':')) {
        if (read_uint(c, 2, &ss) == 0)
            return false;
        if (eat(c, '.'))
            frac = read_fraction(c);
    }
    if (a > 23 || b > 59 || ss > 59)
        return false;
    *out = days * MSOC_TICKS_PER_DAY + a * MSOC_TICKS_PER_HOUR + b * MSOC_TICKS_PER_MINUTE +
           ss * MSOC_TICKS_PER_SECOND + frac;
    return true;
}

bool msoc_timespan_parse_fast(const char *s, size_t len, msoc_timespan *out)
{
    static const char *const wrappers[] = {"timespan", "time", "totimespan", NULL};
    msoc_str t = unwrap(msoc_str_make(s, len), wrappers);
    if (t.len >= 2 && (t.ptr[0] == '"' || t.ptr[0] == '\'') && t.ptr[t.len - 1] == t.ptr[0])
        t = msoc_str_trim(msoc_str_make(t.ptr + 1, t.len - 2));
    if (msoc_str_ieq_c(t, "null")) {
        *out = MSOC_TIME_NULL;
        return true;
    }
    cur c = {t.ptr, t.ptr + t.len};
    int sign = 1;
    if (eat(&c, '-'))
        sign = -1;
    else
        eat(&c, '+');
    if (at_end(&c))
        return false;
    int64_t ticks;
    if (memchr(c.p, ':', (size_t)(c.end - c.p)) != NULL) {
        if (!parse_clock_span(&c, &ticks) || !at_end(&c))
            return false;
        *out = sign * ticks;
        return true;
    }
    /* number [unit]; a bare number means days (as time(2) does in KQL). */
    const char *num_start = c.p;
    int64_t ip = 0;
    int nd = read_uint(&c, 18, &ip);
    double frac = 0;
    if (eat(&c, '.')) {
        double scale = 0.1;
        while (!at_end(&c) && is_digit(peek(&c))) {
            frac += (*c.p - '0') * scale;
            scale /= 10;
            c.p++;
            nd++;
        }
    }
    if (nd == 0 || c.p == num_start)
        return false;
    skip_ws(&c);
    int64_t unit = MSOC_TICKS_PER_DAY;
    if (!at_end(&c)) {
        char w[16];
        if (read_word(&c, w, sizeof w) >= sizeof w)
            return false;
        unit = unit_ticks(w);
        if (unit == 0)
            return false;
    }
    skip_ws(&c);
    if (!at_end(&c))
        return false;
    if (ip > INT64_MAX / unit)
        return false;
    ticks = ip * unit + (int64_t)llround(frac * (double)unit);
    *out = sign * ticks;
    return true;
}

msoc_status msoc_timespan_parse(const char *s, size_t len, msoc_timespan *out, msoc_error *err)
{
    if (msoc_timespan_parse_fast(s, len, out))
        return MSOC_OK;
    int shown = len > 64 ? 64 : (int)len;
    return msoc_fail(err, MSOC_INVALID,
                     "'%.*s%s' is not a timespan (expected e.g. 1d, 2.5h, 30m, 100ms, 1tick "
                     "or 1.02:03:04)",
                     shown, s, len > 64 ? "..." : "");
}

size_t msoc_timespan_format(msoc_timespan ts, char *out)
{
    if (ts == MSOC_TIME_NULL) {
        out[0] = '\0';
        return 0;
    }
    char *o = out;
    uint64_t v;
    if (ts < 0) {
        *o++ = '-';
        v = (uint64_t)0 - (uint64_t)ts;
    } else {
        v = (uint64_t)ts;
    }
    uint64_t days = v / MSOC_TICKS_PER_DAY;
    v %= MSOC_TICKS_PER_DAY;
    int hh = (int)(v / MSOC_TICKS_PER_HOUR);
    v %= MSOC_TICKS_PER_HOUR;
    int mm = (int)(v / MSOC_TICKS_PER_MINUTE);
    v %= MSOC_TICKS_PER_MINUTE;
    int ss = (int)(v / MSOC_TICKS_PER_SECOND);
    uint64_t frac = v % MSOC_TICKS_PER_SECOND;
    if (days)
        o += snprintf(o, 24, "%llu.", (unsigned long long)days);
    put2(o, hh);
    o[2] = ':';
    put2(o + 3, mm);
    o[5] = ':';
    put2(o + 6, ss);
    o += 8;
    if (frac) {
        *o++ = '.';
        for (int i = 6; i >= 0; i--) {
            o[i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        o += 7;
    }
    *o = '\0';
    return (size_t)(o - out);
}
