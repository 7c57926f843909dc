/* The tail of a large in-memory or mapped input is cut in quarter batches
 * (src/ingest/ingest.c, frame_next): once less than one full batch per worker is
 * left, batches of about batch_rows / 4 records follow, so no worker parses the
 * last full batch alone while the others idle. Acks must still cover every row
 * once, in input order; batches below 4096 records are never split. (NDJSON in
 * memory is cut by bytes: the first batch has exactly batch_rows lines, the
 * others about as many, from the average line so far; the rows here differ in
 * length by a few bytes.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/fs.h"
#include "core/str.h"
#include "ingest/ingest.h"
#include "storage/storage.h"

#define N_ACKS_MAX 256

typedef struct acks {
    size_t first[N_ACKS_MAX], last[N_ACKS_MAX], stored[N_ACKS_MAX];
    size_t n;
} acks;

static void on_ack(void *ud, const msoc_ingest_ack *a)
{
    acks *r = ud;
    assert_true(r->n < N_ACKS_MAX);
    r->first[r->n] = a->first_row;
    r->last[r->n] = a->last_row;
    r->stored[r->n] = a->n_stored;
    r->n++;
}

static char *make_rows(size_t n, size_t *len)
{
    msoc_buf b;
    msoc_buf_init(&b, (size_t)1 << 30);
    for (size_t i = 1; i <= n; i++)
        msoc_buf_appendf(&b, "{\"Timestamp\":\"2026-11-27T10:00:00Z\",\"ReportId\":%zu,"
                             "\"ProcessCommandLine\":\"cmd %zu\"}\n", i, i * 7919 % 100003);
    return msoc_buf_steal(&b, len);
}

static void ingest(const char *data, size_t len, size_t per, acks *r, msoc_ingest_stats *stats)
{
    memset(r, 0, sizeof *r);
    memset(stats, 0, sizeof *stats);
    char dir[] = "/tmp/msoc_test_tail_XXXXXX";
    assert_non_null(mkdtemp(dir));
    msoc_stor_options so = {.is_nosync = true};
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_db *db;
    assert_int_equal(msoc_stor_open(dir, &so, &db, &err), MSOC_OK);
    msoc_ingest_opts o = {0};
    o.tenant = "t1";
    o.table = "DeviceProcessEvents";
    o.format = MSOC_INGEST_NDJSON;
    o.batch_rows = per;
    o.n_threads = 2;
    o.on_ack = on_ack;
    o.ud = r;
    assert_int_equal(msoc_ingest_buffer(db, &o, "mem", data, len, stats, &err), MSOC_OK);
    msoc_stor_close(db);
    assert_int_equal(msoc_remove_tree(dir, NULL), MSOC_OK);
}

/* Acks in input order, contiguous from row 1 to n, every row stored. */
static void check_cover(const acks *r, size_t n, const msoc_ingest_stats *stats)
{
    size_t next = 1, stored = 0;
    for (size_t i = 0; i < r->n; i++) {
        assert_int_equal(r->first[i], next);
        assert_true(r->last[i] >= r->first[i]);
        next = r->last[i] + 1;
        stored += r->stored[i];
    }
    assert_int_equal(next, n + 1);
    assert_int_equal(stored, n);
    assert_int_equal(stats->n_stored, n);
}

static void test_tail_in_quarters(void **state)
{
    (void)state;
    size_t n = 20000, len;
    char *data = make_rows(n, &len);
    acks r;
    msoc_ingest_stats st;
    ingest(data, len, 4096, &r, &st);
    check_cover(&r, n, &st);
    /* Full batches first (the first exactly 4096 rows, the others within 5%),
     * then only quarter batches (the last may be shorter): 20,000 rows of about
     * equal size leave less than 2 x 4096 after 3 full ones. */
    assert_int_equal(r.last[0] - r.first[0] + 1, 4096);
    size_t i = 0;
    while (i < r.n && r.last[i] - r.first[i] + 1 > 2048) {
        size_t k = r.last[i] - r.first[i] + 1;
        assert_true(k >= 4096 * 95 / 100 && k <= 4096 * 105 / 100);
        i++;
    }
    assert_int_equal(i, 3);
    size_t n_quarter = 0;
    for (; i < r.n; i++) {
        size_t k = r.last[i] - r.first[i] + 1;
        assert_true(k <= 1024 * 105 / 100);
        if (k >= 1024 * 95 / 100)
            n_quarter++;
        else
            assert_int_equal(i, r.n - 1); /* only the very last is short */
    }
    assert_true(n_quarter >= 6 && n_quarter <= 8);
    free(data);
}

static void test_small_batches_not_split(void **state)
{
    (void)state;
    size_t n = 9000, len;
    char *data = make_rows(n, &len);
    acks r;
    msoc_ingest_stats st;
    ingest(data, len, 1000, &r, &st);
    check_cover(&r, n, &st);
    /* About 1000 rows each (the first exactly), never a quarter. */
    assert_true(r.n >= 8 && r.n <= 10);
    assert_int_equal(r.last[0] - r.first[0] + 1, 1000);
    for (size_t i = 0; i + 1 < r.n; i++) {
        size_t k = r.last[i] - r.first[i] + 1;
        assert_true(k >= 950 && k <= 1050);
    }
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tail_in_quarters),
        cmocka_unit_test(test_small_batches_not_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
