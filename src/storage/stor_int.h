/* Storage internals shared by the module's own .c files only (STYLE.md §3).
 * Formats are described in docs/storage.md. */
#ifndef MSOC_STORAGE_STOR_INT_H
#define MSOC_STORAGE_STOR_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/hashmap.h"
#include "core/str.h"
#include "core/vec.h"
#include "storage/storage.h"

/* ---- fsutil.c ---- */
msoc_status msoc_stor__mkdirs(const char *path, msoc_error *err);
msoc_status msoc_stor__fsync_dir(const char *path, bool is_nosync, msoc_error *err);
msoc_status msoc_stor__write_all(int fd, const void *p, size_t len, const char *path,
                                 msoc_error *err);
/* Writes data to path atomically: path.tmp, fsync, rename, fsync dir. */
msoc_status msoc_stor__write_file_atomic(const char *path, const void *p, size_t len,
                                         bool is_nosync, msoc_error *err);
/* The two halves of write_file_atomic without the directory fsync, so that a
 * caller can write now and make durable later, several files per directory
 * fsync. tmp_write: path.tmp created and written, its writeback started, *fd_out
 * open (removed again on failure). tmp_commit: fsync, close, rename to path
 * (path.tmp removed on failure). tmp_abort: close and remove path.tmp. */
msoc_status msoc_stor__tmp_write(const char *path, const void *p, size_t len, bool is_nosync,
                                 int *fd_out, msoc_error *err);
msoc_status msoc_stor__tmp_commit(const char *path, int fd, bool is_nosync, msoc_error *err);
void msoc_stor__tmp_abort(const char *path, int fd);
/* Reads a whole (small) file; *out owned (msoc_free). MSOC_NOTFOUND when absent. */
msoc_status msoc_stor__read_file(const char *path, size_t max, char **out, size_t *len,
                                 msoc_error *err);
bool msoc_stor__safe_name(const char *s);
/* Heap-allocated "a/b/c" joins (msoc_free). */
char *msoc_stor__path(const char *a, const char *b, const char *c, const char *d);
uint32_t msoc_stor__crc32(const void *p, size_t len);
/* fdatasync unless is_nosync (msoc_stor_options: tests and fuzzing). */
int msoc_stor__fsync(int fd, bool is_nosync);

/* ---- rowset.c: columnar rows (pending batches, memtables, WAL records) ---- */
typedef struct stor_colvec {
    msoc_type type;
    msoc_buf data;    /* fixed-width values, or string bytes */
    msoc_buf offs;    /* strings: u32 offsets, n + 1 entries */
    msoc_buf nulls;   /* one bit per row, LSB first; (n_rows + 7) / 8 bytes when
                       * has_nulls, else all zero and maybe shorter (rowset_add
                       * writes a column's bitmap only once it has a null) */
    bool has_nulls;
} stor_colvec;

typedef struct stor_rowset {
    size_t n_rows;
    size_t n_cols;
    size_t cap_cols;
    stor_colvec *cols;
    msoc_buf ingest;  /* i64 ingestion time per row */
    size_t bytes;     /* approximate value bytes, for the seal threshold */
    /* rowset_add's per-column plan for add_def (one STOR_ADD_* per column). */
    const msoc_stor_table_def *add_def;
    uint8_t *add_kind;
    size_t n_add_kind;
    /* rowset_add's state, valid while is_add_ok (every other change to the columns
     * clears it): every fixed-width, offsets and ingest buffer has room for rows up
     * to add_rows_cap, and null_cols lists the columns with has_nulls (whose bitmaps
     * rowset_add extends a byte every 8 rows). */
    bool is_add_ok;
    size_t add_rows_cap;
    uint32_t *null_cols;
    size_t n_null_cols, cap_null_cols;
    /* Non-NULL: rowset_clear gives the large buffers back to this pool and
     * rowset_add grows from it (msoc_stor_rowpool; a pending row set only). */
    msoc_stor_rowpool *pool;
} stor_rowset;

size_t msoc_stor__type_width(msoc_type t); /* 0 for string-like */
bool msoc_stor__is_strlike(msoc_type t);
void msoc_stor__rowset_init(stor_rowset *rs, const msoc_stor_table_def *def);
void msoc_stor__rowset_fini(stor_rowset *rs);
/* Empties the row set. Without a pool its buffers stay; with one (rs->pool), the
 * buffers of at least STOR_POOL_MIN bytes go back to the pool. */
void msoc_stor__rowset_clear(stor_rowset *rs);
#define STOR_POOL_MIN ((size_t)64 << 10)
/* Bytes of buffer capacity the pool holds (tests). */
size_t msoc_stor__rowpool_held(const msoc_stor_rowpool *p);
/* Extends to def's columns (new columns are all-null for existing rows). */
void msoc_stor__rowset_widen(stor_rowset *rs, const msoc_stor_table_def *def);
msoc_status msoc_stor__rowset_add(stor_rowset *rs, const msoc_stor_table_def *def,
                                  const msoc_stor_value *vals, msoc_error *err);
void msoc_stor__rowset_set_ingest(stor_rowset *rs, size_t from, msoc_datetime t);
/* Appends all rows of src (same or fewer columns; missing ones become null). */
void msoc_stor__rowset_append(stor_rowset *dst, const stor_rowset *src);
/* Serialises to / parses from the WAL record payload format. */
void msoc_stor__rowset_encode(const stor_rowset *rs, msoc_buf *out);
msoc_status msoc_stor__rowset_decode(const char *p, size_t len, stor_rowset *rs,
                                     msoc_error *err);
/* msoc_buf_reserve that never returns a null-based pointer for 0 bytes. */
static inline char *stor_reserve(msoc_buf *b, size_t extra)
{
    return msoc_buf_reserve(b, extra ? extra : 1);
}
/* msoc_buf_append that is a no-op for 0 bytes (core's reserve(0) on an empty
 * buffer computes NULL + 0). */
static inline void stor_append(msoc_buf *b, const void *p, size_t len)
{
    if (len > 0)
        msoc_buf_append(b, p, len);
}
/* stor_append with the common case (room left) inlined: the row-at-a-time paths
 * append a few bytes per value. Keeps msoc_buf's NUL after len. */
static inline void stor_append_fast(msoc_buf *b, const void *p, size_t len)
{
    if (b->data != NULL && len <= b->cap - b->len) {
        memcpy(b->data + b->len, p, len);
        b->len += len;
        b->data[b->len] = '\0';
    } else {
        stor_append(b, p, len);
    }
}
static inline bool stor_bit(const uint8_t *bm, size_t i)
{
    return (bm[i >> 3] >> (i & 7)) & 1;
}

/* ---- extent.c ---- */
#define STOR_EXT_MAGIC "MSOCEXT1"
#define STOR_EXT_END   "MSOCEND1"
/* 2: adds ENC_PACK (packed 64-bit integers); 3: dictionary codes at 0-16 bits by
 * dictionary size, and ENC_SAME (a block equal to an earlier column's). The reader
 * also reads versions 1 and 2. */
#define STOR_EXT_VERSION 3u
#define STOR_EXT_VERSION_MIN 1u

typedef struct stor_blockcol {
    uint64_t off;
    uint32_t comp_len, raw_len;
    uint8_t codec, enc;
    bool has_zone;
    int64_t zmin, zmax;  /* REAL: the double's bits */
    uint64_t hash;
} stor_blockcol;

typedef struct stor_extent {
    atomic_int refs;
    bool is_unchecked;            /* verify with MSOC_STOR_VERIFY_NO_CHECKSUMS (fuzzing) */
    uint32_t version;             /* format version of the file */
    char *path;
    const uint8_t *map;
    size_t map_len;
    uint64_t id, wal_upto;
    size_t n_supersedes;
    uint64_t *supersedes;
    size_t n_rows, n_cols, n_blocks;
    char **col_names;
    msoc_type *col_types;
    int time_col;                 /* index into the extent's columns, or -1 */
    msoc_datetime time_min, time_max, ingest_min, ingest_max;
    uint32_t *block_rows;
    stor_blockcol *blocks;        /* n_blocks x (n_cols + 1): the last is ingestion time */
} stor_extent;

/* Scratch reused across extent writes (dictionary tables, buffers, zstd
 * context); not thread-safe: one per appender or per call. */
typedef struct stor_extent_writer stor_extent_writer;
stor_extent_writer *msoc_stor__extent_writer_new(void);
void msoc_stor__extent_writer_free(stor_extent_writer *w);

typedef struct stor_extent_params {
    stor_extent_writer *writer; /* NULL: a temporary one */
    int codec, zstd_level;
    int int_codec;              /* for packed integer blocks when codec is ZSTD (0: ZSTD) */
    size_t block_rows;
    bool is_nosync;
    uint64_t id, wal_upto;
    const uint64_t *supersedes;
    size_t n_supersedes;
    int *tmp_fd;                /* non-NULL: only write <name>.tmp (msoc_stor__tmp_write) */
} stor_extent_params;

/* Writes rs as an extent to dir/<name> (temp file, fsync, rename, fsync dir); with
 * ep->tmp_fd, only the temp file (*path_out still names the final file). */
msoc_status msoc_stor__extent_write(const char *dir, const stor_rowset *rs,
                                    const msoc_stor_table_def *def,
                                    const stor_extent_params *ep, char **path_out,
                                    msoc_error *err);
/* Maps and validates header, trailer and footer (not block contents). */
msoc_status msoc_stor__extent_open(const char *path, stor_extent **out, msoc_error *err);
/* Same over a caller-owned buffer (the fuzz target); path only names it. */
msoc_status msoc_stor__extent_open_mem(const char *path, const uint8_t *p, size_t len,
                                       stor_extent **out, msoc_error *err);
void msoc_stor__extent_ref(stor_extent *e);
void msoc_stor__extent_unref(stor_extent *e);
/* Decodes block b of extent column c (c == n_cols: ingestion time) into out, with
 * n rows; memory from arena. Verifies the checksum. */
msoc_status msoc_stor__extent_read_col(const stor_extent *e, size_t b, size_t c,
                                       msoc_arena *arena, msoc_col *out, msoc_error *err);
/* Reads a whole extent back into a rowset with def's columns (compaction). */
msoc_status msoc_stor__extent_to_rowset(const stor_extent *e, const msoc_stor_table_def *def,
                                        stor_rowset *rs, msoc_error *err);

/* ---- custom.c ---- */
typedef struct stor_custom {
    pthread_mutex_t mu;
    msoc_hashmap by_name;          /* name -> latest msoc_stor_table_def * */
    msoc_vec order;                /* latest defs, creation order */
    msoc_vec all;                  /* every def ever made (freed at close) */
} stor_custom;
msoc_status msoc_stor__custom_load(msoc_stor_db *db, msoc_error *err);
void msoc_stor__custom_fini(stor_custom *c);

/* ---- db / tables ---- */
typedef struct stor_table stor_table;

struct msoc_stor_db {
    char *dir;
    msoc_stor_options opts;
    pthread_mutex_t mu;
    msoc_hashmap tables;           /* "tenant/workspace/table" -> stor_table * */
    stor_custom custom;
    pthread_mutex_t ret_mu;
    int lock_fd;                   /* DATA/.lock, holding a write lock unless is_readonly */
    long other_writer_pid;         /* another process held the lock at open (0: none) */
};

/* The extent parameters the store's options give (codec, levels, block rows,
 * sync) for extent id written with wr (NULL: a temporary writer); callers add
 * what is theirs (wal_upto, supersedes, tmp_fd). */
stor_extent_params msoc_stor__extent_params(const msoc_stor_db *db, stor_extent_writer *wr,
                                            uint64_t id);

#endif
