/* Column vectors: the contract between storage (which fills them from extents and
 * memtables) and exec (which computes over them). A batch holds up to a few hundred
 * thousand rows of one tenant/workspace/table; all pointers are borrowed from the
 * batch's owner (an extent mapping or an arena) and stay valid until it is
 * released. Read-only for consumers. */
#ifndef MSOC_STORAGE_COLUMN_H
#define MSOC_STORAGE_COLUMN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/types.h"

/* Physical layouts by KQL type:
 *   BOOL                      u8[n]      0 or 1
 *   INT                       i32[n]
 *   LONG, DATETIME, TIMESPAN  i64[n]     datetime/timespan in ticks (core/datetime.h)
 *   REAL                      f64[n]
 *   STRING, DYNAMIC, GUID,    str: offsets[n+1] (u32) into one contiguous bytes buffer,
 *   DECIMAL                   so a predicate can scan the whole column in one pass.
 *                             DYNAMIC holds compact JSON text, GUID the lower-case
 *                             canonical text, DECIMAL its exact digits.
 * A string-like column may instead be dictionary-encoded: codes[n] index the entries of
 * dict (itself a plain string column), so predicates can run once per distinct value.
 * A column whose every row has the same value (TenantId, WorkspaceId of a batch) is a
 * dictionary of one entry.
 * Nulls: bit i of nulls (LSB first) set means row i is null; nulls == NULL means no
 * nulls. KQL strings are never null: an absent string is "" (nulls is NULL for them). */
typedef struct msoc_col {
    msoc_type type;
    size_t n;                       /* rows */
    const uint8_t *nulls;           /* bitmap of (n + 7) / 8 bytes, or NULL */
    union {
        const uint8_t *u8;          /* BOOL */
        const int32_t *i32;         /* INT */
        const int64_t *i64;         /* LONG, DATETIME, TIMESPAN */
        const double *f64;          /* REAL */
        struct {
            const uint32_t *offsets; /* n + 1 entries; row i is bytes[offsets[i], offsets[i+1]) */
            const char *bytes;
        } str;                      /* STRING, DYNAMIC, GUID, DECIMAL (plain) */
    } v;
    const uint32_t *dict_codes;     /* non-NULL: dictionary-encoded; v is unused */
    const struct msoc_col *dict;    /* the distinct values (plain, no nulls unless a code marks one) */
} msoc_col;

static inline bool msoc_col_is_null(const msoc_col *c, size_t row)
{
    return c->nulls != NULL && (c->nulls[row >> 3] >> (row & 7)) & 1;
}

/* A batch: n_cols columns of n_rows rows each, in the order the scan asked for. */
typedef struct msoc_batch {
    size_t n_rows;
    size_t n_cols;
    const msoc_col *cols;
} msoc_batch;

#endif
