/* Small parsers of the hunting routes, kept apart so they can be fuzzed alone:
 * Graph's runHuntingQuery "Timespan" (ISO-8601 durations and intervals) and the
 * CSV payload of `.ingest inline`. Pure functions over bytes; reentrant. */
#ifndef MSOC_API_KUSTO_PARSE_H
#define MSOC_API_KUSTO_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/str.h"

/* A time window [lo, hi) in ticks. */
typedef struct kusto_window {
    bool is_set;
    int64_t lo, hi;
} kusto_window;

/* An ISO-8601 duration: PnYnMnWnDTnHnMnS (fractions on the last unit; a year is
 * 365 days and a month 30, as .NET's XmlConvert). MSOC_INVALID when malformed. */
msoc_status kusto_iso_duration(const char *s, size_t len, int64_t *ticks, msoc_error *err);

/* Graph's Timespan forms, relative to now (ticks):
 *   "P30D"                      the 30 days before now
 *   "2024-02-01T08:00:00Z"      from then until now
 *   "A/B"                       from A to B
 *   "P30D/B"                    the 30 days before B
 *   "A/P30D"                    30 days from A
 * MSOC_INVALID with a clear message otherwise, or when the window is empty. */
msoc_status kusto_window_parse(const char *s, size_t len, int64_t now, kusto_window *out,
                               msoc_error *err);

/* A reader of RFC 4180 CSV records (quotes double themselves; CR LF or LF end a
 * record; a blank line is skipped). */
typedef struct kusto_csv {
    const char *p, *end;
    uint32_t line; /* 1-based line of the record being read */
} kusto_csv;

void kusto_csv_init(kusto_csv *c, const char *text, size_t len);
/* Reads the next record into *fields (n_out entries, in a). Returns MSOC_OK with
 * *n_out 0 at the end. MSOC_BADDATA (with the line) for an unterminated quote or a
 * quote inside an unquoted field; MSOC_TOOBIG past max_fields. */
msoc_status kusto_csv_next(kusto_csv *c, msoc_arena *a, size_t max_fields, msoc_str **fields,
                           size_t *n_out, msoc_error *err);

#endif
