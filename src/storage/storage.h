/* The per-tenant columnar store: open a data directory, append rows durably
 * (per-table WAL with group commit, memtable, sealed extents), and scan
 * (tenants x table) as msoc_batch chunks with projection and time pruning.
 * Design and on-disk formats: docs/storage.md.
 *
 * Ownership rule for this header: every handle returned by a _open/_new call is
 * owned by the caller and released by the matching _close/_free; every pointer
 * reached through a handle (table defs, batches, names) is borrowed and valid
 * until the call named in its comment. Thread-safety is stated per function. */
#ifndef MSOC_STORAGE_STORAGE_H
#define MSOC_STORAGE_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/error.h"
#include "storage/catalog.h"
#include "storage/column.h"

typedef struct msoc_stor_db msoc_stor_db;

/* Tuning; zero fields take the defaults shown. */
typedef struct msoc_stor_options {
    size_t seal_rows;        /* seal a memtable at this many rows (default 131072) */
    size_t seal_bytes;       /* ... or at this many bytes of values (default 64 MiB) */
    int64_t seal_age_ms;     /* ... or when its oldest row is older (default 60000) */
    size_t block_rows;       /* rows per extent block (default 65536) */
    int codec;               /* MSOC_STOR_CODEC_* for new extents; 0 = ZSTD, -1 = NONE */
    int zstd_level;          /* default 1 (docs/storage.md, extent format) */
    int int_codec;           /* packed 64-bit integer blocks when codec is ZSTD: 0 = LZ4,
                              * MSOC_STOR_CODEC_ZSTD = zstd like the rest */
    int retention_days;      /* default retention (default 180) */
    bool is_readonly;        /* no recovery writes, no seals (inspection tools) */
    bool is_nosync;          /* skip fsync (tests and fuzzing only: nothing is durable) */
} msoc_stor_options;

#define MSOC_STOR_CODEC_NONE 0
#define MSOC_STOR_CODEC_ZSTD 1
#define MSOC_STOR_CODEC_LZ4  2

/* Opens (creating when absent) the data directory dir: loads the custom-table
 * catalog and, lazily per table on first use, recovers each table (replays its
 * WAL, drops a torn tail, removes extents superseded by compaction). opts may be
 * NULL. Returns an owned handle. Errors: MSOC_IO, MSOC_CORRUPT (catalog file).
 * Thread-safety: the handle may be used from many threads at once. */
msoc_status msoc_stor_open(const char *dir, const msoc_stor_options *opts, msoc_stor_db **out,
                           msoc_error *err);
/* Seals nothing; flushes nothing that is not already durable (every acknowledged
 * row is in a WAL), unmaps extents and frees. Scans must be closed first.
 * Accepts NULL. */
void msoc_stor_close(msoc_stor_db *db);
/* Only one process writes a data directory (an fcntl lock on DATA/.lock, taken at
 * open). A store opened while another process holds it is read-only: scans work,
 * appenders fail with MSOC_CONFLICT. Returns whether this handle may write; when
 * not because of another process, *other_pid gets its pid (-1 if unknown). Within
 * one process, open one writable handle per directory (POSIX record locks are
 * per process). */
bool msoc_stor_is_writable(const msoc_stor_db *db, long *other_pid);
const char *msoc_stor_dir(const msoc_stor_db *db);

/* True when s may name a tenant, workspace or table directory:
 * [A-Za-z0-9._-]{1,200}, not "." or "..". */
bool msoc_stor_name_is_safe(const char *s);

/* ---- Catalog: built-in plus custom tables ---------------------------------- */

/* A table by name (built-in, alias, or custom). The definition is borrowed and
 * valid until msoc_stor_close; custom definitions only ever gain columns at the
 * end, and a def pointer stays valid (a newer version may be returned by a later
 * call after columns are added). NULL when unknown. Thread-safe. */
const msoc_stor_table_def *msoc_stor_table_find(msoc_stor_db *db, const char *name, size_t len);
/* Custom tables, in creation order (built-ins via msoc_stor_builtin_at). */
size_t msoc_stor_custom_count(msoc_stor_db *db);
const msoc_stor_table_def *msoc_stor_custom_at(msoc_stor_db *db, size_t idx);
/* `.create table` semantics: spec is "Name (col:type, ...)". TenantId (TENANT),
 * WorkspaceId (WORKSPACE) and TimeGenerated (datetime, the time column) are added
 * when absent. Persisted in DATA/custom_tables.kql before returning. Creating an
 * existing custom table with the same columns is a no-op; with other columns it
 * adds the new ones (never drops or retypes: MSOC_CONFLICT). A built-in name is
 * MSOC_CONFLICT. Errors: MSOC_SYNTAX (spec), MSOC_CONFLICT, MSOC_IO. Thread-safe. */
msoc_status msoc_stor_table_create(msoc_stor_db *db, const char *spec, size_t len,
                                   const msoc_stor_table_def **out, msoc_error *err);

/* ---- Write path -------------------------------------------------------------- */

/* One value of a row being appended. For STRING/GUID/DECIMAL/DYNAMIC, s points to
 * the text (DYNAMIC: compact JSON); it is copied during add_row. is_null on a
 * string-like column other than DYNAMIC stores "". */
typedef struct msoc_stor_value {
    bool is_null;
    union {
        bool b;
        int64_t i64;   /* INT, LONG, DATETIME, TIMESPAN */
        double f64;
        struct {
            const char *ptr;
            size_t len;
        } s;
    } v;
} msoc_stor_value;

/* An appender of rows to one tenant/workspace/table. Rows accumulate in the
 * appender until commit; none are visible or durable before it. Not thread-safe
 * (one appender per thread); many appenders on the same table may commit
 * concurrently (their WAL fsyncs are grouped). */
typedef struct msoc_stor_appender msoc_stor_appender;

/* workspace: MSOC_STOR_DEFENDER_WORKSPACE for Defender tables (NULL picks it for
 * them); required for Sentinel and custom tables. tenant and workspace must be
 * safe path components ([A-Za-z0-9._-], not "." or ".."): MSOC_INVALID otherwise.
 * table: a name known to msoc_stor_table_find (MSOC_NOTFOUND otherwise). */
msoc_status msoc_stor_appender_open(msoc_stor_db *db, const char *tenant, const char *workspace,
                                    const char *table, msoc_stor_appender **out, msoc_error *err);
/* The table definition the appender writes: vals passed to add_row have exactly
 * def->n_cols entries in this order. Borrowed until the appender is closed. */
const msoc_stor_table_def *msoc_stor_appender_def(const msoc_stor_appender *ap);
/* Adds one row. Values for TENANT/WORKSPACE columns are ignored (the partition
 * supplies them; the caller validates a row's TenantId). Values must match the
 * column types; MSOC_TOOBIG when a string exceeds 16 MiB or the pending batch
 * exceeds its cap. A failed add_row leaves no part of the row pending. */
msoc_status msoc_stor_appender_add_row(msoc_stor_appender *ap, const msoc_stor_value *vals,
                                       msoc_error *err);
size_t msoc_stor_appender_pending(const msoc_stor_appender *ap);
/* Makes the pending rows durable (one WAL record, fsynced, possibly in a group
 * with other committers) and visible to scans, stamping them with one ingestion
 * time. On MSOC_OK every pending row is acknowledged; on failure none is (the
 * record may or may not survive a crash, but is never half-applied). Then
 * seals the memtable when a threshold is passed. Errors: MSOC_IO. */
msoc_status msoc_stor_appender_commit(msoc_stor_appender *ap, msoc_error *err);
/* A commit whose data is written but not yet durable (msoc_stor_appender_commit_start). */
typedef struct msoc_stor_pending msoc_stor_pending;
/* The first half of msoc_stor_appender_commit, so the caller can go on while the
 * data reaches the disk: a bulk commit (an extent of its own) is encoded and
 * written to its temp file and returned in *out, neither durable nor visible; a
 * commit that goes to the WAL is made durable as by msoc_stor_appender_commit and
 * *out is NULL. Either way the appender's pending rows are consumed. */
msoc_status msoc_stor_appender_commit_start(msoc_stor_appender *ap, msoc_stor_pending **out,
                                            msoc_error *err);
size_t msoc_stor_pending_rows(const msoc_stor_pending *p);
/* Makes the n pending commits durable (fsync of each file, rename, one fsync per
 * directory for all of them: a group commit) and visible to scans, and frees
 * them (ps[i] set to NULL). On MSOC_OK every one is acknowledged; on failure none
 * may be acknowledged (some may survive a crash). Thread-safe for distinct ps. */
msoc_status msoc_stor_pending_finish(msoc_stor_pending **ps, size_t n, msoc_error *err);
/* Drops a pending commit (its temp file is removed). Accepts NULL. */
void msoc_stor_pending_abort(msoc_stor_pending *p);
/* Drops pending rows. */
void msoc_stor_appender_discard(msoc_stor_appender *ap);
/* Memory for the pending rows of the appenders of one thread. A commit gives an
 * appender's large buffers back to the pool (they are free once the rows are
 * written: a bulk commit's temp file, or the WAL and memtable); whichever
 * appender fills next grows into them, so a thread that writes one tenant after
 * another reuses memory already faulted in, and the appenders together hold only
 * what one batch needs, not one batch's worth each. Not thread-safe. */
typedef struct msoc_stor_rowpool msoc_stor_rowpool;
msoc_stor_rowpool *msoc_stor_rowpool_new(void);
/* Frees the pool; the appenders that use it must be closed first. Accepts NULL. */
void msoc_stor_rowpool_free(msoc_stor_rowpool *p);
/* Ends a period (e.g. a batch of commits): keeps at most twice the bytes the
 * rows of this period or of the previous one used, freeing the largest buffers
 * first, so one unusually large batch does not keep its memory. */
void msoc_stor_rowpool_trim(msoc_stor_rowpool *p);
/* Makes ap's pending rows use pool (NULL: their own buffers). The pool must
 * outlive ap, and only ap's thread may use either. */
void msoc_stor_appender_set_pool(msoc_stor_appender *ap, msoc_stor_rowpool *pool);
/* Discards pending rows and frees. Accepts NULL. */
void msoc_stor_appender_close(msoc_stor_appender *ap);

/* Seals every memtable with rows older than its age threshold (or all when
 * is_force), e.g. from a background timer or at shutdown. Thread-safe. */
msoc_status msoc_stor_flush(msoc_stor_db *db, bool is_force, msoc_error *err);

/* ---- Scan -------------------------------------------------------------------- */

/* One partition to read. workspace NULL: every workspace directory of the tenant
 * that holds the table. */
typedef struct msoc_stor_target {
    const char *tenant;
    const char *workspace;
} msoc_stor_target;

/* The projection may name this pseudo column index: the row's ingestion time
 * (DATETIME), for ingestion_time(). */
#define MSOC_STOR_COL_INGESTION_TIME (-1)

typedef struct msoc_stor_scan_spec {
    const msoc_stor_target *targets; /* borrowed for the duration of scan_open */
    size_t n_targets;
    const char *table;
    const int *cols;                 /* column indices into the table def, or
                                        MSOC_STOR_COL_INGESTION_TIME */
    size_t n_cols;
    /* Time pruning on the table's timestamp column: chunks whose zone map lies
     * wholly outside [t_min, t_max] are skipped. MSOC_TIME_NULL = unbounded.
     * Pruning is by chunk only: a chunk may still hold rows outside the range, so
     * exec must still apply its predicate. */
    msoc_datetime t_min, t_max;
    /* Same for ingestion time (for ingestion_time() predicates). */
    msoc_datetime ingest_min, ingest_max;
} msoc_stor_scan_spec;

/* A consistent snapshot: the extents present at open (held by reference, so
 * sealing, compaction or retention never pulls data from under a scan) and a
 * copy of the memtable rows committed before open. Rows committed later are not
 * seen. */
typedef struct msoc_stor_scan msoc_stor_scan;

/* Errors: MSOC_NOTFOUND (unknown table), MSOC_INVALID (column index out of
 * range), MSOC_CORRUPT (an extent fails its header/footer checks; the message
 * names the file), MSOC_IO. Unknown tenants/workspaces simply give no chunks.
 * Thread-safe. */
msoc_status msoc_stor_scan_open(msoc_stor_db *db, const msoc_stor_scan_spec *spec,
                                msoc_stor_scan **out, msoc_error *err);
/* Chunks are independent units of work (one extent block, or one memtable
 * snapshot) that may be read in any order from any thread. */
size_t msoc_stor_scan_n_chunks(const msoc_stor_scan *scan);

/* What is known about a chunk without reading it. Strings borrowed until
 * scan_close. time_min/time_max: the timestamp zone map (MSOC_TIME_NULL when the
 * table has no time column or the chunk only holds nulls). */
typedef struct msoc_stor_chunk_info {
    const char *tenant;
    const char *workspace;
    size_t n_rows;
    msoc_datetime time_min, time_max;
    msoc_datetime ingest_min, ingest_max;
    bool is_memtable;
} msoc_stor_chunk_info;
void msoc_stor_scan_chunk_info(const msoc_stor_scan *scan, size_t idx, msoc_stor_chunk_info *out);
/* Per-block min/max of a numeric, datetime or timespan column (the zone map), for
 * predicate pruning beyond time. Returns false when unknown (string columns,
 * all-null, column absent from the chunk). */
bool msoc_stor_scan_chunk_zone(const msoc_stor_scan *scan, size_t idx, int col, int64_t *min_i64,
                               int64_t *max_i64, double *min_f64, double *max_f64);

/* Reads chunk idx into out: n_cols columns in the spec's order, in the
 * column.h layout. TENANT/WORKSPACE columns come as one-entry dictionaries; a
 * column the chunk's extent predates comes as all-null ("" for strings). All
 * memory (decompressed blocks, the msoc_col array) comes from arena and is valid
 * until it is reset; uncompressed blocks may point into the extent mapping, which
 * lives until scan_close. Errors: MSOC_CORRUPT naming the extent file (checksum
 * or format), MSOC_LIMIT (arena budget). Thread-safe for distinct or equal idx. */
msoc_status msoc_stor_scan_chunk(msoc_stor_scan *scan, size_t idx, msoc_arena *arena,
                                 msoc_batch *out, msoc_error *err);
/* Releases the snapshot. Accepts NULL. */
void msoc_stor_scan_close(msoc_stor_scan *scan);

/* Decodes every block of an extent held in memory (p, len borrowed; name only
 * labels errors): the same checks a scan makes. *n_rows gets its row count.
 * Errors: MSOC_CORRUPT naming name. For verification tools and the fuzz target. */
#define MSOC_STOR_VERIFY_NO_CHECKSUMS 1u /* fuzzing: reach the decoders behind the checksums */
msoc_status msoc_stor_extent_verify(const char *name, const void *p, size_t len, unsigned flags,
                                    size_t *n_rows, msoc_error *err);

/* ---- Partitions, retention, compaction ------------------------------------- */

/* Calls fn for every tenant/workspace directory holding table (table NULL: any
 * table), in name order. Strings are valid during the call only. */
msoc_status msoc_stor_list_partitions(msoc_stor_db *db, const char *table,
                                      void (*fn)(void *arg, const char *tenant,
                                                 const char *workspace, const char *table),
                                      void *arg, msoc_error *err);

/* Retention in days for one tenant and table (table NULL: the tenant's default);
 * persisted in DATA/tenants/<tenant>/retention.conf. days 0 restores the default. */
msoc_status msoc_stor_retention_set(msoc_stor_db *db, const char *tenant, const char *table,
                                    int days, msoc_error *err);
int msoc_stor_retention_get(msoc_stor_db *db, const char *tenant, const char *table);
/* Drops whole extents whose newest row (timestamp column, else ingestion time) is
 * older than now minus the retention; counts dropped extents and rows.
 * Thread-safe; open scans keep their snapshot. */
msoc_status msoc_stor_retention_run(msoc_stor_db *db, msoc_datetime now, size_t *n_extents,
                                    size_t *n_rows, msoc_error *err);
/* Merges small extents of each table partition into larger ones (crash-safe: the
 * new extent names the ones it supersedes). Thread-safe. */
msoc_status msoc_stor_compact(msoc_stor_db *db, size_t *n_merged, msoc_error *err);

#endif
