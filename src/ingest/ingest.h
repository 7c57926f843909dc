/* Ingest: input formats -> rows for storage. NDJSON rows, the Defender streaming
 * API envelope, Log Analytics JSON arrays and CSV with a header, each routed to a
 * tenant/workspace/table and appended through storage.h in batches.
 *
 * Batch semantics (docs/storage.md, "Ingest"): the input is cut into batches of
 * consecutive records. A bad record (malformed, wrong type, wrong tenant) is
 * rejected with its record number and reason and the rest of its batch is
 * applied; a record is stored whole or not at all. A batch is acknowledged (on_ack)
 * once every row of it is durable; a batch's rejections and then its ack are
 * reported after those of every earlier batch (input order). A malformed
 * document (an LA array or envelope that does not parse) is rejected as a whole
 * before anything is stored. */
#ifndef MSOC_INGEST_INGEST_H
#define MSOC_INGEST_INGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "storage/storage.h"

typedef enum msoc_ingest_format {
    MSOC_INGEST_AUTO = 0,  /* by file extension and first byte */
    MSOC_INGEST_NDJSON,    /* one JSON object per line */
    MSOC_INGEST_DEFENDER,  /* {"records":[{time, tenantId, category, properties}]}, one or more */
    MSOC_INGEST_LA_JSON,   /* a JSON array of row objects (Log Analytics export) */
    MSOC_INGEST_CSV,       /* RFC 4180 with a header line */
} msoc_ingest_format;

/* "ndjson", "defender", "la-json", "csv", "auto". */
bool msoc_ingest_format_parse(const char *s, msoc_ingest_format *out);
const char *msoc_ingest_format_name(msoc_ingest_format f);

/* One durable batch: records first_row..last_row (1-based, inclusive) of source
 * are settled: n_stored of them are durable, n_rejected were rejected. */
typedef struct msoc_ingest_ack {
    const char *source;
    size_t first_row, last_row;
    size_t n_stored, n_rejected;
} msoc_ingest_ack;

typedef struct msoc_ingest_reject {
    const char *source;
    size_t row;          /* 1-based record number (CSV: data row, not counting the header) */
    const char *reason;
} msoc_ingest_reject;

typedef struct msoc_ingest_opts {
    const char *tenant;     /* NULL: each row's TenantId (or envelope tenantId) */
    const char *workspace;  /* for Sentinel/custom tables; NULL: each row's WorkspaceId */
    const char *table;      /* NULL: the row's Type field, or the envelope category */
    msoc_ingest_format format;
    size_t batch_rows;      /* records per batch (default 32768; a quarter at the end of
                               an in-memory or mapped input when >= 4096). In-memory or
                               mapped NDJSON is cut by bytes: the first batch has exactly
                               batch_rows lines, each later one about as many (batch_rows
                               x the average line parsed so far, to the next line end) */
    unsigned n_threads;     /* parallel batches (0: one per CPU) */
    /* Callbacks, serialised by the library (never two at once), from worker
     * threads. Strings are valid during the call only. May be NULL. */
    void (*on_ack)(void *ud, const msoc_ingest_ack *ack);
    void (*on_reject)(void *ud, const msoc_ingest_reject *rej);
    void *ud;
} msoc_ingest_opts;

typedef struct msoc_ingest_stats {
    size_t n_rows;      /* records seen */
    size_t n_stored;
    size_t n_rejected;
    size_t n_bytes;
} msoc_ingest_stats;

/* Ingests data (len bytes, borrowed) named source. stats accumulates (caller
 * zeroes it). Errors: MSOC_BADDATA (the document as a whole does not parse;
 * nothing stored), MSOC_INVALID (options), MSOC_IO and MSOC_CORRUPT from storage
 * (batches acknowledged before the failure stay durable). Thread-safe. */
msoc_status msoc_ingest_buffer(msoc_stor_db *db, const msoc_ingest_opts *opts, const char *source,
                               const char *data, size_t len, msoc_ingest_stats *stats,
                               msoc_error *err);
/* The same over what fd yields (not closed), read as it is framed: memory stays
 * about threads x one batch's bytes, however long the input. NDJSON and CSV
 * stream; an LA array or envelope document is read whole first (it is validated
 * whole before anything is stored). Errors also MSOC_IO (a failed read: batches
 * acknowledged before stay durable). */
msoc_status msoc_ingest_fd(msoc_stor_db *db, const msoc_ingest_opts *opts, const char *source,
                           int fd, msoc_ingest_stats *stats, msoc_error *err);
/* The same over a file: a regular file is mapped read-only and framed batch by
 * batch just ahead of the workers (with readahead); "-" (stdin), a pipe or a
 * device is streamed as by msoc_ingest_fd. */
msoc_status msoc_ingest_file(msoc_stor_db *db, const msoc_ingest_opts *opts, const char *path,
                             msoc_ingest_stats *stats, msoc_error *err);

#endif
