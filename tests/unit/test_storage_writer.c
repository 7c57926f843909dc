/* The extent writer through storage.h: dictionary blocks of near-duplicate
 * strings (values that differ in one byte, at the start, middle or end, for
 * every length the inline comparison treats differently) read back value for
 * value; zone maps of columns without nulls (negative values included) prune
 * time ranges exactly; 64-bit integer columns (packed: frame of reference or
 * delta at 0-8 bytes per value) read back bit for bit whatever their values
 * (full range, wrapping differences, constants, nulls, one-row blocks); a commit of few but wide rows (>= 4 MiB of values)
 * becomes an extent while a small one goes to the WAL; dictionaries built
 * with codes predicted from the neighbouring column are those of plain hashing;
 * and format 3's column references and 0-4 bit dictionary codes read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/fs.h"
#include "core/mem.h"
#include "core/str.h"
#include "storage/storage.h"
#include "storage/stor_int.h"

static char g_dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/msoc_stor_writer_test_%d", (int)getpid());
    msoc_remove_tree(g_dir, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    msoc_remove_tree(g_dir, NULL);
    return 0;
}

static const size_t g_lens[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, 64, 100};
#define N_LENS (sizeof g_lens / sizeof g_lens[0])

/* Variant v of the value set: length g_lens[v % N_LENS], all 'x' except one byte
 * (first, middle or last, by (v / N_LENS) % 3) set to 'a' + v / (3 * N_LENS). */
static size_t variant(size_t v, char *out)
{
    size_t len = g_lens[v % N_LENS];
    memset(out, 'x', len);
    if (len > 0) {
        size_t where = (v / N_LENS) % 3;
        size_t pos = where == 0 ? 0 : where == 1 ? len / 2 : len - 1;
        out[pos] = (char)('a' + v / (3 * N_LENS));
    }
    return len;
}

#define N_VARIANTS (3 * N_LENS * 4)

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* Row i's variant: groups of three rows share one (runs); the length changes
 * every 30 rows, so most neighbours that differ have the same length and differ
 * in one byte only (what the run check and the inline comparison must catch). */
static size_t row_variant(size_t i)
{
    size_t len_idx = (size_t)(mix(i / 30 + 1000) % N_LENS);
    return len_idx + N_LENS * (size_t)(mix(i / 3) % 12);
}

static msoc_str col_str(const msoc_col *c, size_t i)
{
    const msoc_col *s = c->dict_codes != NULL ? c->dict : c;
    size_t k = c->dict_codes != NULL ? c->dict_codes[i] : i;
    return msoc_str_make(s->v.str.bytes + s->v.str.offsets[k],
                         s->v.str.offsets[k + 1] - s->v.str.offsets[k]);
}

static size_t count_files(const char *sub, const char *suffix)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tenants/t1/defender/DeviceProcessEvents/%s", g_dir, sub);
    DIR *d = opendir(path);
    if (d == NULL)
        return 0;
    size_t n = 0, sl = strlen(suffix);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl > sl && strcmp(de->d_name + nl - sl, suffix) == 0)
            n++;
    }
    closedir(d);
    return n;
}

static void test_dict_near_duplicates(void **state)
{
    (void)state;
    msoc_stor_options o = {.block_rows = 4096, .is_nosync = true};
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    const msoc_stor_table_def *def = msoc_stor_table_find(db, "DeviceProcessEvents", 19);
    assert_non_null(def);
    int ts = msoc_stor_table_col_index(def, "Timestamp", 9);
    int file = msoc_stor_table_col_index(def, "FileName", 8);
    int pid = msoc_stor_table_col_index(def, "ProcessId", 9);
    msoc_stor_appender *ap;
    assert_int_equal(msoc_stor_appender_open(db, "t1", NULL, "DeviceProcessEvents", &ap, &err),
                     MSOC_OK);
    const size_t n = 10000; /* two full blocks and a partial one, in one bulk commit */
    msoc_stor_value *v = calloc(def->n_cols, sizeof *v);
    char buf[128];
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < def->n_cols; c++)
            v[c] = (msoc_stor_value){.is_null = true};
        /* Timestamps around the epoch, so the first block has negative ones. */
        v[ts] = (msoc_stor_value){.is_null = false, .v.i64 = ((int64_t)i - 2000) * 1000};
        v[pid] = (msoc_stor_value){.is_null = false, .v.i64 = (int64_t)i};
        size_t len = variant(row_variant(i), buf);
        v[file] = (msoc_stor_value){.is_null = false, .v.s = {buf, len}};
        assert_int_equal(msoc_stor_appender_add_row(ap, v, &err), MSOC_OK);
    }
    free(v);
    assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
    msoc_stor_appender_close(ap);
    assert_int_equal(count_files("extents", ".ext"), 1);

    for (int pass = 0; pass < 2; pass++) {
        /* pass 0: every row; pass 1: [1000, 5000) ticks, which the zone maps of the
         * three blocks ([-2e6, 2.095e6], [2.096e6, ...], ...) confine to block 0. */
        msoc_datetime lo = pass == 0 ? MSOC_TIME_NULL : 1000;
        msoc_datetime hi = pass == 0 ? MSOC_TIME_NULL : 5000;
        int cols[] = {pid, file, ts};
        msoc_stor_target tg = {"t1", NULL};
        msoc_stor_scan_spec spec = {&tg, 1, "DeviceProcessEvents", cols, 3, lo, hi,
                                    MSOC_TIME_NULL, MSOC_TIME_NULL};
        msoc_stor_scan *s;
        assert_int_equal(msoc_stor_scan_open(db, &spec, &s, &err), MSOC_OK);
        assert_int_equal(msoc_stor_scan_n_chunks(s), pass == 0 ? 3 : 1);
        msoc_arena *a = msoc_arena_new(NULL, 0, "test");
        size_t total = 0, n_dict = 0;
        for (size_t k = 0; k < msoc_stor_scan_n_chunks(s); k++) {
            msoc_batch b;
            msoc_arena_reset(a);
            assert_int_equal(msoc_stor_scan_chunk(s, k, a, &b, &err), MSOC_OK);
            if (b.cols[1].dict_codes != NULL)
                n_dict++;
            for (size_t i = 0; i < b.n_rows; i++) {
                int64_t id = b.cols[0].v.i64[i];
                assert_true(id >= 0 && (size_t)id < n);
                size_t len = variant(row_variant((size_t)id), buf);
                msoc_str got = col_str(&b.cols[1], i);
                assert_int_equal(got.len, len);
                assert_memory_equal(got.ptr, buf, len);
                assert_int_equal(b.cols[2].v.i64[i], (id - 2000) * 1000);
            }
            total += b.n_rows;
        }
        /* The value set is small: every block is dictionary-encoded. */
        assert_int_equal(n_dict, msoc_stor_scan_n_chunks(s));
        assert_int_equal(total, pass == 0 ? n : 4096);
        msoc_arena_free(a);
        msoc_stor_scan_close(s);
    }
    msoc_stor_close(db);
}

static void test_bulk_by_bytes(void **state)
{
    (void)state;
    msoc_stor_options o = {.is_nosync = true}; /* block_rows 65536: bulk from 32768 rows */
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    const msoc_stor_table_def *def = msoc_stor_table_find(db, "DeviceProcessEvents", 19);
    int cmd = msoc_stor_table_col_index(def, "ProcessCommandLine", 18);
    int pid = msoc_stor_table_col_index(def, "ProcessId", 9);
    msoc_stor_appender *ap;
    assert_int_equal(msoc_stor_appender_open(db, "t1", NULL, "DeviceProcessEvents", &ap, &err),
                     MSOC_OK);
    const size_t wide = 64 * 1024;
    char *big = malloc(wide);
    msoc_stor_value *v = calloc(def->n_cols, sizeof *v);
    /* 10 narrow rows: a WAL record. */
    for (size_t i = 0; i < 10; i++) {
        for (size_t c = 0; c < def->n_cols; c++)
            v[c] = (msoc_stor_value){.is_null = true};
        v[pid] = (msoc_stor_value){.is_null = false, .v.i64 = (int64_t)i};
        assert_int_equal(msoc_stor_appender_add_row(ap, v, &err), MSOC_OK);
    }
    assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
    assert_int_equal(count_files("wal", ".wal"), 1);
    assert_int_equal(count_files("extents", ".ext"), 0);
    /* 80 rows of 64 KiB (5 MiB of values): an extent of its own. */
    for (size_t i = 10; i < 90; i++) {
        for (size_t c = 0; c < def->n_cols; c++)
            v[c] = (msoc_stor_value){.is_null = true};
        memset(big, (int)('a' + i % 26), wide);
        v[pid] = (msoc_stor_value){.is_null = false, .v.i64 = (int64_t)i};
        v[cmd] = (msoc_stor_value){.is_null = false, .v.s = {big, wide}};
        assert_int_equal(msoc_stor_appender_add_row(ap, v, &err), MSOC_OK);
    }
    assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
    assert_int_equal(count_files("extents", ".ext"), 1);
    msoc_stor_appender_close(ap);
    free(v);
    msoc_stor_close(db);

    /* Reopen (the WAL replays): all 90 rows, each once, wide values intact. */
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    int cols[] = {pid, cmd};
    msoc_stor_target tg = {"t1", NULL};
    msoc_stor_scan_spec spec = {&tg, 1, "DeviceProcessEvents", cols, 2, MSOC_TIME_NULL,
                                MSOC_TIME_NULL, MSOC_TIME_NULL, MSOC_TIME_NULL};
    msoc_stor_scan *s;
    assert_int_equal(msoc_stor_scan_open(db, &spec, &s, &err), MSOC_OK);
    msoc_arena *a = msoc_arena_new(NULL, 0, "test");
    unsigned char seen[90] = {0};
    for (size_t k = 0; k < msoc_stor_scan_n_chunks(s); k++) {
        msoc_batch b;
        msoc_arena_reset(a);
        assert_int_equal(msoc_stor_scan_chunk(s, k, a, &b, &err), MSOC_OK);
        for (size_t i = 0; i < b.n_rows; i++) {
            int64_t id = b.cols[0].v.i64[i];
            assert_true(id >= 0 && id < 90);
            seen[id]++;
            msoc_str got = col_str(&b.cols[1], i);
            if (id < 10) {
                assert_int_equal(got.len, 0);
            } else {
                memset(big, (int)('a' + id % 26), wide);
                assert_int_equal(got.len, wide);
                assert_memory_equal(got.ptr, big, wide);
            }
        }
    }
    for (size_t i = 0; i < 90; i++)
        assert_int_equal(seen[i], 1);
    msoc_arena_free(a);
    msoc_stor_scan_close(s);
    msoc_stor_close(db);
    free(big);
}

/* Row i's value in packed column k: each 512-row block of each column takes one
 * of seven patterns, so every width and both modes (frame of reference, delta)
 * occur, with differences that wrap around 2^64. */
static int64_t packed_val(size_t k, size_t i)
{
    size_t pat = (i / 512 + k) % 7;
    switch (pat) {
    case 0: return (int64_t)mix(i * 31 + k);                       /* full range: width 8 */
    case 1: return (i & 1) ? INT64_MAX : INT64_MIN;                /* wrapping deltas */
    case 2: return 42;                                             /* constant: width 0 */
    case 3: return (int64_t)i * 1000003 + (int64_t)(i / 100) * ((int64_t)1 << 40); /* sorted */
    case 4: return (int64_t)(mix(i + k) % 601) - 300;              /* small, negative */
    case 5: return -(int64_t)i * 3;                                /* decreasing */
    default: return (int64_t)(mix(i) % 200000) + 1000000000000;    /* 3 bytes over a base */
    }
}

/* Bytes of the extents of the test table. */
static size_t extent_bytes(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tenants/t1/defender/DeviceProcessEvents/extents", g_dir);
    DIR *d = opendir(path);
    if (d == NULL)
        return 0;
    size_t total = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        char f[1024];
        struct stat st;
        snprintf(f, sizeof f, "%s/%s", path, de->d_name);
        if (de->d_name[0] != '.' && stat(f, &st) == 0)
            total += (size_t)st.st_size;
    }
    closedir(d);
    return total;
}

/* Commits ap's rows (tenant t1's DeviceProcessEvents) into one extent, closes ap
 * and opens a scan of the six columns cols. */
static msoc_stor_scan *commit_one_extent(msoc_stor_db *db, msoc_stor_appender *ap, int *cols)
{
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
    msoc_stor_appender_close(ap);
    assert_int_equal(count_files("extents", ".ext"), 1);
    msoc_stor_target tg = {"t1", NULL};
    msoc_stor_scan_spec spec = {&tg, 1, "DeviceProcessEvents", cols, 6, MSOC_TIME_NULL,
                                MSOC_TIME_NULL, MSOC_TIME_NULL, MSOC_TIME_NULL};
    msoc_stor_scan *s;
    assert_int_equal(msoc_stor_scan_open(db, &spec, &s, &err), MSOC_OK);
    return s;
}

/* Writes and reads back the packed columns with int_codec (the codec of packed
 * integer blocks); returns the extent's size. */
static size_t packed_roundtrip(int int_codec)
{
    msoc_remove_tree(g_dir, NULL);
    msoc_stor_options o = {.block_rows = 512, .is_nosync = true, .int_codec = int_codec};
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    const msoc_stor_table_def *def = msoc_stor_table_find(db, "DeviceProcessEvents", 19);
    const char *names[] = {"ReportId", "FileSize", "LogonId", "InitiatingProcessId", "Timestamp"};
    int cols[6];
    for (size_t k = 0; k < 5; k++) {
        cols[k] = msoc_stor_table_col_index(def, names[k], strlen(names[k]));
        assert_true(cols[k] >= 0);
    }
    cols[5] = msoc_stor_table_col_index(def, "ProcessId", 9); /* the row number */
    msoc_stor_appender *ap;
    assert_int_equal(msoc_stor_appender_open(db, "t1", NULL, "DeviceProcessEvents", &ap, &err),
                     MSOC_OK);
    const size_t n = 512 * 7 * 2 + 1; /* every pattern in every column; a last block of one row */
    msoc_stor_value *v = calloc(def->n_cols, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < def->n_cols; c++)
            v[c] = (msoc_stor_value){.is_null = true};
        for (size_t k = 0; k < 5; k++)
            v[cols[k]] = (msoc_stor_value){.is_null = k == 1 && i % 5 == 0 && i < 512 * 7,
                                           .v.i64 = packed_val(k, i)};
        v[cols[5]] = (msoc_stor_value){.is_null = false, .v.i64 = (int64_t)i};
        assert_int_equal(msoc_stor_appender_add_row(ap, v, &err), MSOC_OK);
    }
    free(v);
    msoc_stor_scan *s = commit_one_extent(db, ap, cols);
    msoc_arena *a = msoc_arena_new(NULL, 0, "test");
    size_t next = 0;
    for (size_t ch = 0; ch < msoc_stor_scan_n_chunks(s); ch++) {
        msoc_batch b;
        msoc_arena_reset(a);
        assert_int_equal(msoc_stor_scan_chunk(s, ch, a, &b, &err), MSOC_OK);
        for (size_t i = 0; i < b.n_rows; i++, next++) {
            assert_int_equal(b.cols[5].v.i64[i], (int64_t)next);
            for (size_t k = 0; k < 5; k++) {
                bool is_null = k == 1 && next % 5 == 0 && next < 512 * 7;
                assert_int_equal(msoc_col_is_null(&b.cols[k], i), is_null);
                if (!is_null)
                    assert_true(b.cols[k].v.i64[i] == packed_val(k, next));
            }
        }
    }
    assert_int_equal(next, n);
    msoc_arena_free(a);
    msoc_stor_scan_close(s);
    msoc_stor_close(db);
    return extent_bytes();
}

/* The default compresses packed integer blocks with lz4 (the rest with zstd);
 * int_codec = ZSTD compresses them with zstd. Both read back bit for bit, and
 * the option takes effect (the files differ in size). */
static void test_packed_i64(void **state)
{
    (void)state;
    size_t lz4 = packed_roundtrip(0);
    size_t zstd = packed_roundtrip(MSOC_STOR_CODEC_ZSTD);
    assert_true(lz4 > 0 && zstd > 0);
    assert_true(lz4 != zstd);
}

/* Row i's value of the dictionary test's columns (k: 0 DeviceId, 1 DeviceName,
 * 2 FileName, 3 FolderPath, 4 ProcessCommandLine). DeviceName follows DeviceId
 * (700 devices: codes above 255) except every 97th row; FolderPath follows
 * FileName except every 13th row, where the same file name has another folder
 * (so a code predicted from the neighbouring column is often wrong); the command
 * line is distinct on every row of block 0 and one of 9 values after it. */
#define DP_BLOCK 4096
static size_t dp_val(size_t k, size_t i, char *out, size_t cap)
{
    int n = 0;
    size_t dev = (size_t)(mix(i) % 700), file = (size_t)(mix(i + 77) % 40);
    switch (k) {
    case 0: n = snprintf(out, cap, "dev-%zu", dev); break;
    case 1:
        n = i % 97 == 0 ? snprintf(out, cap, "odd-%zu", i % 5)
                        : snprintf(out, cap, "host-%zu.example.org", dev);
        break;
    case 2: n = snprintf(out, cap, "f%zu.exe", file); break;
    case 3:
        n = snprintf(out, cap, "C:\\dir%zu\\f%zu.exe", i % 13 == 0 ? file + 1 : file, file);
        break;
    default:
        n = snprintf(out, cap, "cmd.exe /c job %zu", i < DP_BLOCK ? i : i % 9);
        break;
    }
    return (size_t)n;
}

/* Dictionary building predicts a column's codes from the previous dictionary
 * column's (values that go together), hashing only when the prediction fails.
 * The blocks must be exactly those of plain hashing: every value read back, one
 * dictionary entry per distinct value, in first-appearance order; and a column
 * that is all distinct in one block (plain) still gets its dictionary in the
 * next one, where it has few values. */
static void test_dict_predicted(void **state)
{
    (void)state;
    msoc_stor_options o = {.block_rows = DP_BLOCK, .is_nosync = true};
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    const msoc_stor_table_def *def = msoc_stor_table_find(db, "DeviceProcessEvents", 19);
    const char *names[] = {"DeviceId", "DeviceName", "FileName", "FolderPath",
                           "ProcessCommandLine", "ProcessId"};
    int cols[6];
    for (size_t k = 0; k < 6; k++) {
        cols[k] = msoc_stor_table_col_index(def, names[k], strlen(names[k]));
        assert_true(cols[k] >= 0);
    }
    msoc_stor_appender *ap;
    assert_int_equal(msoc_stor_appender_open(db, "t1", NULL, "DeviceProcessEvents", &ap, &err),
                     MSOC_OK);
    const size_t n = 3 * DP_BLOCK;
    msoc_stor_value *v = calloc(def->n_cols, sizeof *v);
    char buf[5][64];
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < def->n_cols; c++)
            v[c] = (msoc_stor_value){.is_null = true};
        for (size_t k = 0; k < 5; k++) {
            size_t len = dp_val(k, i, buf[k], sizeof buf[k]);
            v[cols[k]] = (msoc_stor_value){.is_null = false, .v.s = {buf[k], len}};
        }
        v[cols[5]] = (msoc_stor_value){.is_null = false, .v.i64 = (int64_t)i};
        assert_int_equal(msoc_stor_appender_add_row(ap, v, &err), MSOC_OK);
    }
    free(v);
    msoc_stor_scan *s = commit_one_extent(db, ap, cols);
    assert_int_equal(msoc_stor_scan_n_chunks(s), 3);
    msoc_arena *a = msoc_arena_new(NULL, 0, "test");
    size_t next = 0;
    for (size_t ch = 0; ch < 3; ch++) {
        msoc_batch b;
        msoc_arena_reset(a);
        assert_int_equal(msoc_stor_scan_chunk(s, ch, a, &b, &err), MSOC_OK);
        assert_int_equal(b.n_rows, DP_BLOCK);
        for (size_t k = 0; k < 5; k++) {
            const msoc_col *c = &b.cols[k];
            /* The command line is plain in block 0 (all distinct), a dictionary after. */
            bool want_dict = !(k == 4 && ch == 0);
            assert_int_equal(c->dict_codes != NULL, want_dict);
            uint32_t seen = 0; /* codes first appear in order 0, 1, 2, ... */
            for (size_t i = 0; i < b.n_rows; i++) {
                size_t row = next + i;
                assert_int_equal(b.cols[5].v.i64[i], (int64_t)row);
                char want[64];
                size_t len = dp_val(k, row, want, sizeof want);
                msoc_str got = col_str(c, i);
                assert_int_equal(got.len, len);
                assert_memory_equal(got.ptr, want, len);
                if (want_dict) {
                    assert_true(c->dict_codes[i] <= seen);
                    if (c->dict_codes[i] == seen)
                        seen++;
                }
            }
            if (want_dict) {
                /* Every entry used, none twice. */
                assert_int_equal(seen, c->dict->n);
                for (size_t x = 0; x < c->dict->n; x++) {
                    const uint32_t *off = c->dict->v.str.offsets;
                    for (size_t y = x + 1; y < c->dict->n; y++)
                        assert_false(off[x + 1] - off[x] == off[y + 1] - off[y] &&
                                     memcmp(c->dict->v.str.bytes + off[x],
                                            c->dict->v.str.bytes + off[y], off[x + 1] - off[x]) == 0);
                }
            }
        }
        /* 700 devices (u16 codes; the odd names add 5), 40 files, 9 command lines. */
        assert_true(b.cols[0].dict->n > 256 && b.cols[0].dict->n <= 700);
        assert_true(b.cols[2].dict->n <= 40);
        if (ch > 0)
            assert_int_equal(b.cols[4].dict->n, 9);
        next += b.n_rows;
    }
    assert_int_equal(next, n);
    msoc_arena_free(a);
    msoc_stor_scan_close(s);
    msoc_stor_close(db);
}

/* Opens the test table's only extent (internal reader) into *out. */
static void open_only_extent(stor_extent **out)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/tenants/t1/defender/DeviceProcessEvents/extents", g_dir);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    char path[1024] = "";
    while ((de = readdir(d)) != NULL)
        if (strstr(de->d_name, ".ext") != NULL)
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    closedir(d);
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor__extent_open(path, out, &err), MSOC_OK);
}

/* Format 3: a fixed-width block with the values and nulls of an earlier column of
 * its type is stored as a reference to it (ENC_SAME); dictionary codes take 0, 1,
 * 2 or 4 bits for dictionaries of up to 1, 2, 4 or 16 entries. Blocks of 1000 rows
 * and a last one of 203 (codes that end mid-byte). Columns (rows i):
 *   Timestamp            t(i)
 *   ProcessCreationTime  t(i), except row 1999 in block 1     -> its own block there
 *   TimeGenerated        t(i), except null at row 2100 (block 2) -> its own block there
 *   InitiatingProcessParentCreationTime  t(i) + 1             -> never a reference
 *   ReportId (long)      t(i)'s bits: another type           -> never a reference
 *   string columns with 1, 2, 3, 4, 5, 16 and 17 distinct values. */
static int64_t same_t(size_t i)
{
    return 1700000000 * (int64_t)10000000 + (int64_t)(mix(i) % 1000000);
}

static void test_same_and_code_widths(void **state)
{
    (void)state;
    msoc_stor_options o = {.block_rows = 1000, .is_nosync = true};
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    const msoc_stor_table_def *def = msoc_stor_table_find(db, "DeviceProcessEvents", 19);
    const char *names[] = {"Timestamp", "ProcessCreationTime", "TimeGenerated",
                           "InitiatingProcessParentCreationTime", "ReportId", "ProcessId",
                           "AccountDomain", "AccountName", "AccountSid", "AccountUpn",
                           "AccountObjectId", "ProcessIntegrityLevel", "ProcessTokenElevation"};
    static const size_t n_vals[] = {1, 2, 3, 4, 5, 16, 17};
    enum { N_COLS = 13, N_STR = 7 };
    int cols[N_COLS];
    for (size_t k = 0; k < N_COLS; k++) {
        cols[k] = msoc_stor_table_col_index(def, names[k], strlen(names[k]));
        assert_true(cols[k] >= 0);
    }
    msoc_stor_appender *ap;
    assert_int_equal(msoc_stor_appender_open(db, "t1", NULL, "DeviceProcessEvents", &ap, &err),
                     MSOC_OK);
    const size_t n = 2203;
    msoc_stor_value *v = calloc(def->n_cols, sizeof *v);
    char sbuf[N_STR][32];
    for (size_t i = 0; i < n; i++) {
        for (size_t c = 0; c < def->n_cols; c++)
            v[c] = (msoc_stor_value){.is_null = true};
        int64_t t = same_t(i);
        v[cols[0]] = (msoc_stor_value){.v.i64 = t};
        v[cols[1]] = (msoc_stor_value){.v.i64 = i == 1999 ? t + 1 : t};
        v[cols[2]] = (msoc_stor_value){.is_null = i == 2100, .v.i64 = t};
        v[cols[3]] = (msoc_stor_value){.v.i64 = t + 1};
        v[cols[4]] = (msoc_stor_value){.v.i64 = t};
        v[cols[5]] = (msoc_stor_value){.v.i64 = (int64_t)i};
        for (size_t k = 0; k < N_STR; k++) {
            int len = snprintf(sbuf[k], sizeof sbuf[k], "v%u", (unsigned)(mix(i * 7 + k) % n_vals[k]));
            v[cols[6 + k]] = (msoc_stor_value){.v.s = {sbuf[k], (size_t)len}};
        }
        assert_int_equal(msoc_stor_appender_add_row(ap, v, &err), MSOC_OK);
    }
    free(v);
    assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
    msoc_stor_appender_close(ap);
    assert_int_equal(count_files("extents", ".ext"), 1);

    /* Which blocks are references (the writer's choice, read from the footer). */
    stor_extent *e;
    open_only_extent(&e);
    assert_int_equal(e->version, 3);
    assert_int_equal(e->n_blocks, 3);
    for (size_t b = 0; b < 3; b++) {
        const stor_blockcol *row = &e->blocks[b * (e->n_cols + 1)];
        assert_int_not_equal(row[cols[0]].enc & 0x7f, 4);
        assert_int_equal((row[cols[1]].enc & 0x7f) == 4, b != 1);
        assert_int_equal((row[cols[2]].enc & 0x7f) == 4, b != 2);
        assert_int_not_equal(row[cols[3]].enc & 0x7f, 4);
        assert_int_not_equal(row[cols[4]].enc & 0x7f, 4);
        /* A reference keeps the zone map, which time pruning reads. */
        assert_true(row[cols[2]].has_zone);
        assert_true(row[cols[2]].zmin == row[cols[0]].zmin);
    }
    msoc_stor__extent_unref(e);

    msoc_stor_target tg = {"t1", NULL};
    msoc_stor_scan_spec spec = {&tg, 1, "DeviceProcessEvents", cols, N_COLS, MSOC_TIME_NULL,
                                MSOC_TIME_NULL, MSOC_TIME_NULL, MSOC_TIME_NULL};
    msoc_stor_scan *s;
    assert_int_equal(msoc_stor_scan_open(db, &spec, &s, &err), MSOC_OK);
    msoc_arena *a = msoc_arena_new(NULL, 0, "test");
    size_t next = 0;
    for (size_t ch = 0; ch < msoc_stor_scan_n_chunks(s); ch++) {
        msoc_batch b;
        msoc_arena_reset(a);
        assert_int_equal(msoc_stor_scan_chunk(s, ch, a, &b, &err), MSOC_OK);
        assert_int_equal(b.cols[4].type, MSOC_TYPE_LONG);
        assert_int_equal(b.cols[2].type, MSOC_TYPE_DATETIME);
        for (size_t i = 0; i < b.n_rows; i++, next++) {
            int64_t t = same_t(next);
            assert_int_equal(b.cols[5].v.i64[i], (int64_t)next);
            assert_true(b.cols[0].v.i64[i] == t);
            assert_true(b.cols[1].v.i64[i] == (next == 1999 ? t + 1 : t));
            assert_int_equal(msoc_col_is_null(&b.cols[2], i), next == 2100);
            if (next != 2100)
                assert_true(b.cols[2].v.i64[i] == t);
            assert_false(msoc_col_is_null(&b.cols[0], i));
            assert_true(b.cols[3].v.i64[i] == t + 1);
            assert_true(b.cols[4].v.i64[i] == t);
            for (size_t k = 0; k < N_STR; k++) {
                const msoc_col *c = &b.cols[6 + k];
                assert_non_null(c->dict_codes);
                assert_true(c->dict->n <= n_vals[k]);
                char want[32];
                int len = snprintf(want, sizeof want, "v%u", (unsigned)(mix(next * 7 + k) % n_vals[k]));
                msoc_str got = col_str(c, i);
                assert_int_equal(got.len, (size_t)len);
                assert_memory_equal(got.ptr, want, got.len);
            }
        }
    }
    assert_int_equal(next, n);
    msoc_arena_free(a);
    msoc_stor_scan_close(s);
    msoc_stor_close(db);
}

/* Extents written by earlier versions (the fuzz corpus: format 1, format 2, format 2
 * with lz4 integer blocks) still decode in full. */
static void test_old_versions_read(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        size_t rows;
    } files[] = {{"dpe_zstd.ext", 120},    {"dpe_lz4.ext", 120},     {"signin.ext", 86},
                 {"dpe_v2_zstd.ext", 300}, {"dpe_v2_none.ext", 300}, {"dpe_v2_zstd_lz4ints.ext", 200}};
    char root[512];
    snprintf(root, sizeof root, "%s", __FILE__);
    char *cut = strstr(root, "/tests/unit/");
    if (cut == NULL)
        skip(); /* a relative __FILE__: the corpus cannot be found from here */
    *cut = '\0';
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/fuzz/extent_decode/corpus/%s", root, files[k].name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        static char buf[1 << 20];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        assert_true(len > 64 && len < sizeof buf);
        uint32_t ver;
        memcpy(&ver, buf + 8, 4);
        assert_true(ver < 3);
        msoc_error err;
        msoc_error_clear(&err);
        size_t n_rows = 0;
        assert_int_equal(msoc_stor_extent_verify(path, buf, len, 0, &n_rows, &err), MSOC_OK);
        assert_int_equal(n_rows, files[k].rows);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dict_near_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_by_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_packed_i64, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dict_predicted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_and_code_widths, setup, teardown),
        cmocka_unit_test(test_old_versions_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
