/* KQL datetime and timespan: 100-nanosecond ticks in int64. The one parser and
 * printer for every literal form the KQL docs show (ARCHITECTURE.md invariant 6):
 * ISO 8601 (with 'T' or space, offsets, 0-7 fraction digits), RFC 822, RFC 850,
 * US "M/D/YYYY h:mm:ss AM"; timespans as 1d, 2.5h, 30m, 10s, 100ms,
 * 10microsecond, 1tick, 15 seconds, [-][d.]hh:mm[:ss[.fffffff]], each optionally
 * wrapped in datetime(...), time(...) or timespan(...). Pure functions; thread-safe. */
#ifndef MSOC_CORE_DATETIME_H
#define MSOC_CORE_DATETIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef int64_t msoc_datetime; /* ticks since 1970-01-01T00:00:00Z (may be negative) */
typedef int64_t msoc_timespan; /* ticks */

#define MSOC_TICKS_PER_MICROSECOND 10LL
#define MSOC_TICKS_PER_MILLISECOND 10000LL
#define MSOC_TICKS_PER_SECOND      10000000LL
#define MSOC_TICKS_PER_MINUTE      (60LL * MSOC_TICKS_PER_SECOND)
#define MSOC_TICKS_PER_HOUR        (60LL * MSOC_TICKS_PER_MINUTE)
#define MSOC_TICKS_PER_DAY         (24LL * MSOC_TICKS_PER_HOUR)

/* The null datetime/timespan (KQL null). */
#define MSOC_TIME_NULL INT64_MIN
/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.9999999Z, KQL's range. */
#define MSOC_DATETIME_MIN (-621355968000000000LL)
#define MSOC_DATETIME_MAX (2534023008000000000LL - 1)

/* Broken-down UTC time. */
typedef struct msoc_civil {
    int year, month, day;      /* month 1-12, day 1-31 */
    int hour, minute, second;
    int64_t ticks;             /* sub-second ticks, 0..9999999 */
} msoc_civil;

/* Days since 1970-01-01 for a proleptic Gregorian date, and back. */
int64_t msoc_days_from_civil(int year, int month, int day);
void msoc_civil_from_days(int64_t days, int *year, int *month, int *day);
bool msoc_civil_valid(const msoc_civil *c);
msoc_datetime msoc_datetime_from_civil(const msoc_civil *c);
void msoc_datetime_to_civil(msoc_datetime dt, msoc_civil *c);
/* 0 = Sunday .. 6 = Saturday. */
int msoc_datetime_weekday(msoc_datetime dt);
/* Floor division helpers that round toward negative infinity. */
int64_t msoc_floor_div(int64_t a, int64_t b);

/* Current wall-clock time. */
msoc_datetime msoc_datetime_now(void);

/* Parses a datetime in any supported form; "null" gives MSOC_TIME_NULL. Returns
 * MSOC_INVALID with a message naming the text when it does not parse or is out of
 * range. */
msoc_status msoc_datetime_parse(const char *s, size_t len, msoc_datetime *out, msoc_error *err);
/* Same without an error message (for hot ingest paths); false when invalid. */
bool msoc_datetime_parse_fast(const char *s, size_t len, msoc_datetime *out);

/* Writes "YYYY-MM-DDTHH:MM:SS.fffffffZ" (28 chars) plus a NUL; returns 28. For
 * MSOC_TIME_NULL writes "" and returns 0. out must hold MSOC_DATETIME_FMT_CAP. */
#define MSOC_DATETIME_FMT_CAP 32
size_t msoc_datetime_format(msoc_datetime dt, char *out);

/* Parses a timespan in any supported form; "null" gives MSOC_TIME_NULL. */
msoc_status msoc_timespan_parse(const char *s, size_t len, msoc_timespan *out, msoc_error *err);
bool msoc_timespan_parse_fast(const char *s, size_t len, msoc_timespan *out);

/* Writes "[-][d.]hh:mm:ss[.fffffff]" plus a NUL: days only when non-zero, the
 * fraction only when non-zero (then 7 digits). Returns the length. */
#define MSOC_TIMESPAN_FMT_CAP 40
size_t msoc_timespan_format(msoc_timespan ts, char *out);

#endif
