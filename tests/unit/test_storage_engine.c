/* The store end to end through storage.h: append and scan (memtable, sealed
 * extents, bulk extents), recovery after reopen and after a torn WAL tail,
 * projection, one-entry tenant dictionaries, time pruning, custom tables,
 * compaction, retention, corrupt extents reported as MSOC_CORRUPT, and bulk
 * commits started and finished apart (ingest's commit pipeline). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/fs.h"
#include "core/mem.h"
#include "core/str.h"
#include "storage/storage.h"

static char g_dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/msoc_stor_test_%d", (int)getpid());
    msoc_remove_tree(g_dir, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    msoc_remove_tree(g_dir, NULL);
    return 0;
}

typedef struct dpe {
    const msoc_stor_table_def *def;
    int ts, dev, file, size, tenant, pid;
} dpe;

static void dpe_init(dpe *d, msoc_stor_db *db)
{
    d->def = msoc_stor_table_find(db, "DeviceProcessEvents", 19);
    assert_non_null(d->def);
    d->ts = msoc_stor_table_col_index(d->def, "Timestamp", 9);
    d->dev = msoc_stor_table_col_index(d->def, "DeviceName", 10);
    d->file = msoc_stor_table_col_index(d->def, "FileName", 8);
    d->size = msoc_stor_table_col_index(d->def, "FileSize", 8);
    d->tenant = msoc_stor_table_col_index(d->def, "TenantId", 8);
    d->pid = msoc_stor_table_col_index(d->def, "ProcessId", 9);
}

/* Row i: Timestamp = base + i seconds, DeviceName "dev<i%7>", FileName "f<i>",
 * FileSize = i (null when i % 5 == 0), ProcessId = i. */
static void add_rows(msoc_stor_appender *ap, const dpe *d, size_t from, size_t n)
{
    msoc_stor_value *v = calloc(d->def->n_cols, sizeof *v);
    char dev[32], file[32];
    for (size_t i = from; i < from + n; i++) {
        memset(v, 0, d->def->n_cols * sizeof *v);
        for (size_t c = 0; c < d->def->n_cols; c++)
            v[c].is_null = true;
        v[d->ts].is_null = false;
        v[d->ts].v.i64 = 1600000000LL * MSOC_TICKS_PER_SECOND + (int64_t)i * MSOC_TICKS_PER_SECOND;
        snprintf(dev, sizeof dev, "dev%zu", i % 7);
        snprintf(file, sizeof file, "f%zu", i);
        v[d->dev] = (msoc_stor_value){.is_null = false, .v.s = {dev, strlen(dev)}};
        v[d->file] = (msoc_stor_value){.is_null = false, .v.s = {file, strlen(file)}};
        v[d->size].is_null = i % 5 == 0;
        v[d->size].v.i64 = (int64_t)i;
        v[d->pid].is_null = false;
        v[d->pid].v.i64 = (int64_t)i;
        msoc_error err;
        msoc_error_clear(&err);
        assert_int_equal(msoc_stor_appender_add_row(ap, v, &err), MSOC_OK);
    }
    free(v);
}

static msoc_str col_str(const msoc_col *c, size_t i)
{
    const msoc_col *s = c->dict_codes != NULL ? c->dict : c;
    size_t k = c->dict_codes != NULL ? c->dict_codes[i] : i;
    return msoc_str_make(s->v.str.bytes + s->v.str.offsets[k],
                         s->v.str.offsets[k + 1] - s->v.str.offsets[k]);
}

/* Scans every row of tenant t and checks each row against its generator; returns
 * the number of rows and counts each ProcessId seen in seen[]. */
static size_t scan_check(msoc_stor_db *db, const dpe *d, const char *tenant, unsigned char *seen,
                         size_t max_id, msoc_datetime tmin, msoc_datetime tmax)
{
    int cols[] = {d->pid, d->ts, d->dev, d->file, d->size, d->tenant, MSOC_STOR_COL_INGESTION_TIME};
    msoc_stor_target tg = {tenant, NULL};
    msoc_stor_scan_spec spec = {&tg, 1, "DeviceProcessEvents", cols, 7, tmin, tmax,
                                MSOC_TIME_NULL, MSOC_TIME_NULL};
    msoc_stor_scan *s;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_scan_open(db, &spec, &s, &err), MSOC_OK);
    msoc_arena *a = msoc_arena_new(NULL, 0, "test");
    size_t total = 0;
    for (size_t k = 0; k < msoc_stor_scan_n_chunks(s); k++) {
        msoc_batch b;
        msoc_arena_reset(a);
        assert_int_equal(msoc_stor_scan_chunk(s, k, a, &b, &err), MSOC_OK);
        assert_int_equal(b.n_cols, 7);
        for (size_t i = 0; i < b.n_rows; i++) {
            int64_t id = b.cols[0].v.i64[i];
            assert_true(id >= 0 && (size_t)id < max_id);
            seen[id]++;
            assert_int_equal(b.cols[1].v.i64[i],
                             1600000000LL * MSOC_TICKS_PER_SECOND + id * MSOC_TICKS_PER_SECOND);
            char exp[32];
            snprintf(exp, sizeof exp, "dev%d", (int)(id % 7));
            assert_true(msoc_str_eq_c(col_str(&b.cols[2], i), exp));
            snprintf(exp, sizeof exp, "f%d", (int)id);
            assert_true(msoc_str_eq_c(col_str(&b.cols[3], i), exp));
            assert_int_equal(msoc_col_is_null(&b.cols[4], i), id % 5 == 0);
            if (id % 5 != 0)
                assert_int_equal(b.cols[4].v.i64[i], id);
            assert_non_null(b.cols[5].dict_codes);
            assert_true(msoc_str_eq_c(col_str(&b.cols[5], i), tenant));
            assert_true(b.cols[6].v.i64[i] > 1600000000LL * MSOC_TICKS_PER_SECOND);
        }
        total += b.n_rows;
    }
    msoc_arena_free(a);
    msoc_stor_scan_close(s);
    return total;
}

static void test_append_scan_recover(void **state)
{
    (void)state;
    msoc_stor_options o = {.seal_rows = 3000, .block_rows = 1024};
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    dpe d;
    dpe_init(&d, db);
    msoc_stor_appender *ap;
    assert_int_equal(msoc_stor_appender_open(db, "t1", NULL, "DeviceProcessEvents", &ap, &err),
                     MSOC_OK);
    /* Small commits (WAL + memtable; the 3000-row threshold seals), then a bulk one. */
    for (size_t i = 0; i < 10; i++) {
        add_rows(ap, &d, i * 400, 400);
        assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
    }
    add_rows(ap, &d, 4000, 2000);
    assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
    msoc_stor_appender_close(ap);
    unsigned char *seen = calloc(6000, 1);
    assert_int_equal(scan_check(db, &d, "t1", seen, 6000, MSOC_TIME_NULL, MSOC_TIME_NULL), 6000);
    for (size_t i = 0; i < 6000; i++)
        assert_int_equal(seen[i], 1);
    /* Another tenant sees nothing of t1. */
    memset(seen, 0, 6000);
    assert_int_equal(scan_check(db, &d, "t2", seen, 6000, MSOC_TIME_NULL, MSOC_TIME_NULL), 0);
    /* Time pruning skips chunks wholly outside the range. */
    msoc_datetime lo = 1600000000LL * MSOC_TICKS_PER_SECOND + 5000LL * MSOC_TICKS_PER_SECOND;
    size_t n = scan_check(db, &d, "t1", seen, 6000, lo, MSOC_TIME_NULL);
    assert_true(n >= 1000 && n < 6000);
    msoc_stor_close(db);

    /* Reopen: the memtable rows come back from the WAL, exactly once. */
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    memset(seen, 0, 6000);
    assert_int_equal(scan_check(db, &d, "t1", seen, 6000, MSOC_TIME_NULL, MSOC_TIME_NULL), 6000);
    for (size_t i = 0; i < 6000; i++)
        assert_int_equal(seen[i], 1);
    /* Compaction merges the small extents; contents unchanged. */
    size_t merged = 0;
    assert_int_equal(msoc_stor_flush(db, true, &err), MSOC_OK);
    assert_int_equal(msoc_stor_compact(db, &merged, &err), MSOC_OK);
    assert_true(merged >= 2);
    memset(seen, 0, 6000);
    assert_int_equal(scan_check(db, &d, "t1", seen, 6000, MSOC_TIME_NULL, MSOC_TIME_NULL), 6000);
    for (size_t i = 0; i < 6000; i++)
        assert_int_equal(seen[i], 1);
    msoc_stor_close(db);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    memset(seen, 0, 6000);
    assert_int_equal(scan_check(db, &d, "t1", seen, 6000, MSOC_TIME_NULL, MSOC_TIME_NULL), 6000);
    /* Retention: everything is from 2020, so a 180-day retention drops it all. */
    size_t ne = 0, nr = 0;
    assert_int_equal(msoc_stor_retention_set(db, "t1", "DeviceProcessEvents", 30, &err), MSOC_OK);
    assert_int_equal(msoc_stor_retention_get(db, "t1", "DeviceProcessEvents"), 30);
    assert_int_equal(msoc_stor_retention_get(db, "t1", "SigninLogs"), 180);
    assert_int_equal(msoc_stor_retention_run(db, msoc_datetime_now(), &ne, &nr, &err), MSOC_OK);
    assert_true(ne >= 1);
    assert_int_equal(nr, 6000);
    memset(seen, 0, 6000);
    assert_int_equal(scan_check(db, &d, "t1", seen, 6000, MSOC_TIME_NULL, MSOC_TIME_NULL), 0);
    msoc_stor_close(db);
    free(seen);
}

static void test_torn_wal_tail(void **state)
{
    (void)state;
    msoc_stor_options o = {.seal_rows = 100000};
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    dpe d;
    dpe_init(&d, db);
    msoc_stor_appender *ap;
    assert_int_equal(msoc_stor_appender_open(db, "t1", NULL, "DeviceProcessEvents", &ap, &err),
                     MSOC_OK);
    add_rows(ap, &d, 0, 100);
    assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
    add_rows(ap, &d, 100, 100);
    assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
    msoc_stor_appender_close(ap);
    msoc_stor_close(db);
    /* Tear the last record: cut 10 bytes off the only segment. */
    char wal[512];
    snprintf(wal, sizeof wal, "%s/tenants/t1/defender/DeviceProcessEvents/wal", g_dir);
    DIR *dd = opendir(wal);
    assert_non_null(dd);
    struct dirent *de;
    char seg[1024] = "";
    while ((de = readdir(dd)) != NULL)
        if (strstr(de->d_name, ".wal") != NULL)
            snprintf(seg, sizeof seg, "%s/%s", wal, de->d_name);
    closedir(dd);
    struct stat st;
    assert_int_equal(stat(seg, &st), 0);
    assert_int_equal(truncate(seg, st.st_size - 10), 0);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    unsigned char *seen = calloc(200, 1);
    assert_int_equal(scan_check(db, &d, "t1", seen, 200, MSOC_TIME_NULL, MSOC_TIME_NULL), 100);
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(seen[i], 1);
    /* Appending after recovery works and survives another reopen. */
    assert_int_equal(msoc_stor_appender_open(db, "t1", NULL, "DeviceProcessEvents", &ap, &err),
                     MSOC_OK);
    add_rows(ap, &d, 100, 100);
    assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
    msoc_stor_appender_close(ap);
    msoc_stor_close(db);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    memset(seen, 0, 200);
    assert_int_equal(scan_check(db, &d, "t1", seen, 200, MSOC_TIME_NULL, MSOC_TIME_NULL), 200);
    for (size_t i = 0; i < 200; i++)
        assert_int_equal(seen[i], 1);
    msoc_stor_close(db);
    free(seen);
}

static void test_corrupt_extent(void **state)
{
    (void)state;
    msoc_stor_options o = {.block_rows = 256};
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    dpe d;
    dpe_init(&d, db);
    msoc_stor_appender *ap;
    assert_int_equal(msoc_stor_appender_open(db, "t1", NULL, "DeviceProcessEvents", &ap, &err),
                     MSOC_OK);
    add_rows(ap, &d, 0, 1000);
    assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK); /* bulk: an extent */
    msoc_stor_appender_close(ap);
    msoc_stor_close(db);
    char ext[512];
    snprintf(ext, sizeof ext, "%s/tenants/t1/defender/DeviceProcessEvents/extents", g_dir);
    DIR *dd = opendir(ext);
    struct dirent *de;
    char file[1024] = "";
    while ((de = readdir(dd)) != NULL)
        if (strstr(de->d_name, ".ext") != NULL)
            snprintf(file, sizeof file, "%s/%s", ext, de->d_name);
    closedir(dd);
    assert_true(file[0] != '\0');
    /* Flip a byte in the first data block: the open succeeds, the read says corrupt. */
    int fd = open(file, O_RDWR);
    assert_true(fd >= 0);
    unsigned char c;
    assert_int_equal(pread(fd, &c, 1, 40), 1);
    c ^= 0xff;
    assert_int_equal(pwrite(fd, &c, 1, 40), 1);
    close(fd);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    int cols[] = {d.pid, d.ts, d.dev, d.file, d.size};
    msoc_stor_target tg = {"t1", NULL};
    msoc_stor_scan_spec spec = {&tg, 1, "DeviceProcessEvents", cols, 5, MSOC_TIME_NULL,
                                MSOC_TIME_NULL, MSOC_TIME_NULL, MSOC_TIME_NULL};
    msoc_stor_scan *s;
    assert_int_equal(msoc_stor_scan_open(db, &spec, &s, &err), MSOC_OK);
    msoc_arena *a = msoc_arena_new(NULL, 0, "test");
    msoc_status worst = MSOC_OK;
    for (size_t k = 0; k < msoc_stor_scan_n_chunks(s); k++) {
        msoc_batch b;
        msoc_error e2;
        msoc_error_clear(&e2);
        msoc_status st = msoc_stor_scan_chunk(s, k, a, &b, &e2);
        if (st != MSOC_OK) {
            worst = st;
            assert_non_null(strstr(e2.msg, file));
        }
    }
    assert_int_equal(worst, MSOC_CORRUPT);
    msoc_arena_free(a);
    msoc_stor_scan_close(s);
    msoc_stor_close(db);
    /* A truncated file fails at open, naming the file. */
    assert_int_equal(truncate(file, 100), 0);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_scan_open(db, &spec, &s, &err), MSOC_CORRUPT);
    assert_non_null(strstr(err.msg, file));
    msoc_stor_close(db);
}

static void test_custom_tables(void **state)
{
    (void)state;
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, NULL, &db, &err), MSOC_OK);
    const msoc_stor_table_def *t;
    const char *spec = ".create table App_CL (Name:string, Count:long)";
    assert_int_equal(msoc_stor_table_create(db, spec, strlen(spec), &t, &err), MSOC_OK);
    assert_int_equal(t->n_cols, 5); /* TenantId, WorkspaceId, TimeGenerated + 2 */
    assert_true(t->cols[0].flags & MSOC_STOR_COL_TENANT);
    assert_string_equal(t->timestamp_col, "TimeGenerated");
    const char *bad = "App_CL (Count:string)";
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_table_create(db, bad, strlen(bad), &t, &err), MSOC_CONFLICT);
    const char *more = "App_CL (Extra:dynamic)";
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_table_create(db, more, strlen(more), &t, &err), MSOC_OK);
    assert_int_equal(t->n_cols, 6);
    const char *syn = "App_CL (Extra dynamic)";
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_table_create(db, syn, strlen(syn), &t, &err), MSOC_SYNTAX);
    const char *bi = "SigninLogs (X:string)";
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_table_create(db, bi, strlen(bi), &t, &err), MSOC_CONFLICT);
    msoc_stor_close(db);
    assert_int_equal(msoc_stor_open(g_dir, NULL, &db, &err), MSOC_OK);
    t = msoc_stor_table_find(db, "App_CL", 6);
    assert_non_null(t);
    assert_int_equal(t->n_cols, 6);
    assert_int_equal(t->cols[5].type, MSOC_TYPE_DYNAMIC);
    assert_int_equal(msoc_stor_custom_count(db), 1);
    /* Unsafe partition names are refused. */
    msoc_stor_appender *ap;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_appender_open(db, "../x", "w", "App_CL", &ap, &err), MSOC_INVALID);
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_appender_open(db, "t", NULL, "App_CL", &ap, &err), MSOC_INVALID);
    msoc_stor_close(db);
}

/* One writing process per data directory: a second process gets a read-only store. */
static void test_writer_lock(void **state)
{
    (void)state;
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_db *db;
    assert_int_equal(msoc_stor_open(g_dir, NULL, &db, &err), MSOC_OK);
    msoc_stor_close(db);
    int to_child[2], to_parent[2];
    assert_int_equal(pipe(to_child), 0);
    assert_int_equal(pipe(to_parent), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        msoc_stor_db *cdb;
        msoc_error cerr;
        msoc_error_clear(&cerr);
        char c = msoc_stor_open(g_dir, NULL, &cdb, &cerr) == MSOC_OK &&
                         msoc_stor_is_writable(cdb, NULL)
                     ? 'w'
                     : 'x';
        if (write(to_parent[1], &c, 1) != 1 || read(to_child[0], &c, 1) != 1)
            _exit(1);
        msoc_stor_close(cdb);
        _exit(0);
    }
    char c = 0;
    assert_int_equal(read(to_parent[0], &c, 1), 1);
    assert_int_equal(c, 'w');
    assert_int_equal(msoc_stor_open(g_dir, NULL, &db, &err), MSOC_OK);
    long other = 0;
    assert_false(msoc_stor_is_writable(db, &other));
    assert_int_equal(other, (long)pid);
    msoc_stor_appender *ap;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_appender_open(db, "t1", NULL, "DeviceProcessEvents", &ap, &err),
                     MSOC_CONFLICT);
    msoc_stor_close(db);
    assert_int_equal(write(to_child[1], "x", 1), 1);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(msoc_stor_open(g_dir, NULL, &db, &err), MSOC_OK);
    assert_true(msoc_stor_is_writable(db, NULL));
    msoc_stor_close(db);
    close(to_child[0]);
    close(to_child[1]);
    close(to_parent[0]);
    close(to_parent[1]);
}

/* The writer dictionary-encodes a string block of a few thousand distinct values (file
 * hashes, paths) and leaves nearly-unique values plain; both read back exactly. */
static void test_dict_choice(void **state)
{
    (void)state;
    msoc_stor_options o = {.seal_rows = 65536, .block_rows = 65536, .is_nosync = true};
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    dpe d;
    dpe_init(&d, db);
    msoc_stor_appender *ap;
    assert_int_equal(msoc_stor_appender_open(db, "t1", NULL, "DeviceProcessEvents", &ap, &err), MSOC_OK);
    msoc_stor_value *v = calloc(d.def->n_cols, sizeof *v);
    char dev[32], file[32];
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < 65536; i++) {
        for (size_t c = 0; c < d.def->n_cols; c++)
            v[c].is_null = true;
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64: values in random order */
        snprintf(file, sizeof file, "h%04u", (unsigned)(x % 2500));
        snprintf(dev, sizeof dev, "u%zu", i);
        v[d.ts] = (msoc_stor_value){.is_null = false, .v.i64 = 1600000000LL * MSOC_TICKS_PER_SECOND};
        v[d.file] = (msoc_stor_value){.is_null = false, .v.s = {file, strlen(file)}};
        v[d.dev] = (msoc_stor_value){.is_null = false, .v.s = {dev, strlen(dev)}};
        v[d.pid] = (msoc_stor_value){.is_null = false, .v.i64 = (int64_t)(x % 2500)};
        assert_int_equal(msoc_stor_appender_add_row(ap, v, &err), MSOC_OK);
    }
    free(v);
    assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
    msoc_stor_appender_close(ap);
    assert_int_equal(msoc_stor_flush(db, true, &err), MSOC_OK);
    int cols[] = {d.file, d.dev, d.pid};
    msoc_stor_target tg = {"t1", NULL};
    msoc_stor_scan_spec spec = {&tg, 1, "DeviceProcessEvents", cols, 3, MSOC_TIME_NULL, MSOC_TIME_NULL,
                                MSOC_TIME_NULL, MSOC_TIME_NULL};
    msoc_stor_scan *sc;
    assert_int_equal(msoc_stor_scan_open(db, &spec, &sc, &err), MSOC_OK);
    msoc_arena *a = msoc_arena_new(NULL, 0, "test");
    size_t total = 0;
    for (size_t k = 0; k < msoc_stor_scan_n_chunks(sc); k++) {
        msoc_batch b;
        msoc_arena_reset(a);
        assert_int_equal(msoc_stor_scan_chunk(sc, k, a, &b, &err), MSOC_OK);
        if (b.n_rows == 0)
            continue;
        assert_non_null(b.cols[0].dict_codes);
        assert_null(b.cols[1].dict_codes);
        for (size_t i = 0; i < b.n_rows; i++) {
            snprintf(file, sizeof file, "h%04u", (unsigned)b.cols[2].v.i64[i]);
            assert_true(msoc_str_eq_c(col_str(&b.cols[0], i), file));
            assert_true(col_str(&b.cols[1], i).len > 1);
        }
        total += b.n_rows;
    }
    assert_int_equal(total, 65536);
    msoc_arena_free(a);
    msoc_stor_scan_close(sc);
    msoc_stor_close(db);
}

static size_t count_suffix(const char *tenant, const char *suffix)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tenants/%s/defender/DeviceProcessEvents/extents", g_dir,
             tenant);
    DIR *dd = opendir(path);
    if (dd == NULL)
        return 0;
    size_t n = 0, sl = strlen(suffix);
    struct dirent *de;
    while ((de = readdir(dd)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl > sl && strcmp(de->d_name + nl - sl, suffix) == 0)
            n++;
    }
    closedir(dd);
    return n;
}

/* commit_start / pending_finish (ingest's commit pipeline): a bulk commit is
 * written but neither visible nor renamed until finished; one finish makes several
 * tables' extents durable and visible; a WAL commit is durable at once; an aborted
 * or never finished (process gone) commit leaves no rows and no temp file after
 * recovery. */
static void test_pending_commit(void **state)
{
    (void)state;
    msoc_stor_options o = {.block_rows = 1024};
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    dpe d;
    dpe_init(&d, db);
    msoc_stor_appender *a1, *a2;
    assert_int_equal(msoc_stor_appender_open(db, "t1", NULL, "DeviceProcessEvents", &a1, &err),
                     MSOC_OK);
    assert_int_equal(msoc_stor_appender_open(db, "t2", NULL, "DeviceProcessEvents", &a2, &err),
                     MSOC_OK);
    unsigned char *seen = calloc(8000, 1);
    msoc_stor_pending *ps[2] = {NULL, NULL};
    add_rows(a1, &d, 0, 2000);
    assert_int_equal(msoc_stor_appender_commit_start(a1, &ps[0], &err), MSOC_OK);
    assert_non_null(ps[0]);
    assert_int_equal(msoc_stor_pending_rows(ps[0]), 2000);
    assert_int_equal(msoc_stor_appender_pending(a1), 0);
    add_rows(a2, &d, 2000, 1500);
    assert_int_equal(msoc_stor_appender_commit_start(a2, &ps[1], &err), MSOC_OK);
    assert_non_null(ps[1]);
    /* Written, not published. */
    assert_int_equal(count_suffix("t1", ".tmp"), 1);
    assert_int_equal(count_suffix("t1", ".ext"), 0);
    assert_int_equal(scan_check(db, &d, "t1", seen, 8000, MSOC_TIME_NULL, MSOC_TIME_NULL), 0);
    assert_int_equal(scan_check(db, &d, "t2", seen, 8000, MSOC_TIME_NULL, MSOC_TIME_NULL), 0);
    assert_int_equal(msoc_stor_pending_finish(ps, 2, &err), MSOC_OK);
    assert_null(ps[0]);
    assert_null(ps[1]);
    assert_int_equal(count_suffix("t1", ".tmp"), 0);
    assert_int_equal(count_suffix("t1", ".ext"), 1);
    assert_int_equal(count_suffix("t2", ".ext"), 1);
    assert_int_equal(scan_check(db, &d, "t1", seen, 8000, MSOC_TIME_NULL, MSOC_TIME_NULL), 2000);
    assert_int_equal(scan_check(db, &d, "t2", seen, 8000, MSOC_TIME_NULL, MSOC_TIME_NULL), 1500);
    /* A small commit goes to the WAL: durable on return, nothing pending. */
    msoc_stor_pending *p = NULL;
    add_rows(a1, &d, 3500, 100);
    assert_int_equal(msoc_stor_appender_commit_start(a1, &p, &err), MSOC_OK);
    assert_null(p);
    /* An aborted one: no rows, no temp file. */
    add_rows(a1, &d, 3600, 2000);
    assert_int_equal(msoc_stor_appender_commit_start(a1, &p, &err), MSOC_OK);
    assert_non_null(p);
    msoc_stor_pending_abort(p);
    assert_int_equal(count_suffix("t1", ".tmp"), 0);
    msoc_stor_appender_close(a1);
    msoc_stor_appender_close(a2);
    msoc_stor_close(db);

    /* A process that started a bulk commit and died before finishing it. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        msoc_stor_db *cdb;
        msoc_stor_appender *ap;
        msoc_stor_pending *cp = NULL;
        msoc_error cerr;
        msoc_error_clear(&cerr);
        if (msoc_stor_open(g_dir, &o, &cdb, &cerr) != MSOC_OK ||
            msoc_stor_appender_open(cdb, "t1", NULL, "DeviceProcessEvents", &ap, &cerr) != MSOC_OK)
            _exit(1);
        add_rows(ap, &d, 5600, 2000);
        if (msoc_stor_appender_commit_start(ap, &cp, &cerr) != MSOC_OK || cp == NULL)
            _exit(2);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(count_suffix("t1", ".tmp"), 1);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    memset(seen, 0, 8000);
    assert_int_equal(scan_check(db, &d, "t1", seen, 8000, MSOC_TIME_NULL, MSOC_TIME_NULL), 2100);
    for (size_t i = 0; i < 8000; i++)
        assert_int_equal(seen[i], i < 2000 || (i >= 3500 && i < 3600) ? 1 : 0);
    assert_int_equal(count_suffix("t1", ".tmp"), 0);
    msoc_stor_close(db);
    free(seen);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append_scan_recover, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_wal_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_extent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writer_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dict_choice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_commit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
