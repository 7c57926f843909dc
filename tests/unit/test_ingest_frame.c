/* Framing and streaming (src/ingest/ingest.c): the same input ingested from memory
 * and streamed through a pipe (msoc_ingest_fd, what `multisoc ingest -` uses),
 * with several --batch-rows, must reject the same rows by the same absolute row
 * numbers, store exactly the other rows with their values, and acknowledge
 * batches of exactly batch_rows records (streamed input, CSV; an in-memory or
 * mapped NDJSON input is cut by bytes into batches of about batch_rows lines,
 * the first exactly), reporting each batch's rejections and then its ack
 * strictly in input order. NDJSON lines that end inside an object, carry text
 * after it or whitespace around it must give the same rejections (row and
 * reason) whether their line ends were found by framing (pipe) or by the row
 * scan (memory, file). The inputs are larger than one read
 * buffer (1 MiB), hold a record longer than it, records crossing its boundaries,
 * blank lines, CSV records with quoted newlines, and the pipe is written in odd
 * piece sizes. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/fs.h"
#include "core/str.h"
#include "ingest/ingest.h"
#include "storage/catalog.h"
#include "storage/storage.h"

#define MAX_ROWS 4000

typedef struct ack_rec {
    size_t first, last, n_stored, n_rejected;
} ack_rec;

typedef struct result {
    msoc_status st;
    size_t n_acks_at_rej[64]; /* acks reported before each rejection */
    size_t rej[64];
    char reason[64][160];
    size_t n_rej;
    ack_rec acks[MAX_ROWS + 8];
    size_t n_acks;
    msoc_ingest_stats stats;
    /* Stored rows, by ReportId: their ProcessCommandLine (malloc'd). */
    char *cmd[MAX_ROWS + 1];
    unsigned char n_seen[MAX_ROWS + 1];
} result;

static void on_ack(void *ud, const msoc_ingest_ack *a)
{
    result *r = ud;
    assert_true(r->n_acks < MAX_ROWS + 8);
    ack_rec x = {a->first_row, a->last_row, a->n_stored, a->n_rejected};
    r->acks[r->n_acks++] = x;
}

static void on_reject(void *ud, const msoc_ingest_reject *rj)
{
    result *r = ud;
    assert_true(r->n_rej < 64);
    r->n_acks_at_rej[r->n_rej] = r->n_acks;
    snprintf(r->reason[r->n_rej], sizeof r->reason[0], "%s", rj->reason);
    r->rej[r->n_rej++] = rj->row;
}

typedef struct writer {
    int fd;
    const char *data;
    size_t len;
} writer;

static void *write_all(void *arg)
{
    writer *w = arg;
    size_t off = 0, piece = 4093;
    while (off < w->len) {
        size_t n = w->len - off < piece ? w->len - off : piece;
        ssize_t k = write(w->fd, w->data + off, n);
        if (k <= 0)
            break;
        off += (size_t)k;
        piece = piece * 7 % 150001 + 1; /* odd sizes, some larger than a pipe */
    }
    close(w->fd);
    return NULL;
}

static int col_of(const msoc_stor_table_def *def, const char *name)
{
    for (size_t i = 0; i < def->n_cols; i++)
        if (strcmp(def->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

static msoc_str col_str(const msoc_col *c, size_t row)
{
    if (c->dict_codes != NULL)
        return col_str(c->dict, c->dict_codes[row]);
    return msoc_str_make(c->v.str.bytes + c->v.str.offsets[row],
                         c->v.str.offsets[row + 1] - c->v.str.offsets[row]);
}

/* Ingests data (from memory, or through a pipe) into a fresh store and reads the
 * stored rows back. */
enum { VIA_MEMORY, VIA_PIPE, VIA_FILE };

static void run(const char *data, size_t len, msoc_ingest_format fmt, size_t per, int via,
                result *r)
{
    bool via_pipe = via == VIA_PIPE;
    memset(r, 0, sizeof *r);
    char dir[] = "/tmp/msoc_test_frame_XXXXXX";
    assert_non_null(mkdtemp(dir));
    msoc_stor_options so = {.is_nosync = true, .seal_rows = 500};
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_db *db;
    assert_int_equal(msoc_stor_open(dir, &so, &db, &err), MSOC_OK);
    msoc_ingest_opts o = {0};
    o.tenant = "t1";
    o.table = "DeviceProcessEvents";
    o.format = fmt;
    o.batch_rows = per;
    o.n_threads = 2;
    o.on_ack = on_ack;
    o.on_reject = on_reject;
    o.ud = r;
    if (via_pipe) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        writer w = {fds[1], data, len};
        pthread_t th;
        assert_int_equal(pthread_create(&th, NULL, write_all, &w), 0);
        r->st = msoc_ingest_fd(db, &o, "stdin", fds[0], &r->stats, &err);
        /* The reader may stop early (bad document): let the writer finish. */
        char sink[65536];
        while (read(fds[0], sink, sizeof sink) > 0) {
        }
        pthread_join(th, NULL);
        close(fds[0]);
    } else if (via == VIA_FILE) {
        /* A mapped file (larger than one prefetch chunk: the readahead thread runs). */
        char path[64];
        snprintf(path, sizeof path, "%s.in", dir);
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
        r->st = msoc_ingest_file(db, &o, path, &r->stats, &err);
        unlink(path);
    } else {
        r->st = msoc_ingest_buffer(db, &o, "stdin", data, len, &r->stats, &err);
    }
    /* Reported in input order: each batch's rejections, then its ack. */
    for (size_t i = 1; i < r->n_rej; i++)
        assert_true(r->rej[i - 1] < r->rej[i]);
    for (size_t i = 1; i < r->n_acks; i++)
        assert_true(r->acks[i - 1].last < r->acks[i].first);
    /* Read back ReportId and ProcessCommandLine. */
    const msoc_stor_table_def *def = msoc_stor_table_find(db, "DeviceProcessEvents", 19);
    assert_non_null(def);
    int cols[2] = {col_of(def, "ReportId"), col_of(def, "ProcessCommandLine")};
    msoc_stor_target tg = {"t1", "defender"};
    msoc_stor_scan_spec spec = {&tg, 1, "DeviceProcessEvents", cols, 2, INT64_MIN, INT64_MIN,
                                INT64_MIN, INT64_MIN};
    msoc_stor_scan *s;
    if (msoc_stor_scan_open(db, &spec, &s, &err) == MSOC_OK) {
        msoc_arena *a = msoc_arena_new(NULL, 0, "test");
        for (size_t k = 0; k < msoc_stor_scan_n_chunks(s); k++) {
            msoc_batch b;
            msoc_arena_reset(a);
            assert_int_equal(msoc_stor_scan_chunk(s, k, a, &b, &err), MSOC_OK);
            for (size_t i = 0; i < b.n_rows; i++) {
                int64_t id = b.cols[0].v.i64[i];
                assert_true(id >= 1 && id <= MAX_ROWS);
                r->n_seen[id]++;
                msoc_str c = col_str(&b.cols[1], i);
                free(r->cmd[id]);
                r->cmd[id] = strndup(c.ptr, c.len);
            }
        }
        msoc_arena_free(a);
        msoc_stor_scan_close(s);
    }
    msoc_stor_close(db);
    assert_int_equal(msoc_remove_tree(dir, NULL), MSOC_OK);
}

static void free_result(result *r)
{
    for (size_t i = 0; i <= MAX_ROWS; i++)
        free(r->cmd[i]);
}

/* Acks cut by bytes (in-memory or mapped NDJSON): about per lines each, the first
 * exactly per, in order without overlap, each stored/rejected count matching the
 * rejects inside it (reported just before it), every row but blank ones (is_blank)
 * inside exactly one. */
static void check_acks_about(const result *r, size_t per, size_t n_records,
                             bool (*is_blank)(size_t))
{
    size_t total_stored = 0, total_rej = 0;
    assert_true(r->n_acks > 0);
    assert_int_equal(r->acks[0].first, 1);
    if (n_records > per && (is_blank == NULL || !is_blank(per)))
        assert_int_equal(r->acks[0].last, per);
    if (n_records > 4 * per)
        assert_true(r->n_acks >= 2); /* the row numbers of later batches are fixed up */
    for (size_t i = 0; i < r->n_acks; i++) {
        const ack_rec *a = &r->acks[i];
        assert_true(a->last >= a->first && a->last <= n_records);
        if (i > 0)
            assert_true(a->first > r->acks[i - 1].last);
        size_t n_rej = 0;
        for (size_t k = 0; k < r->n_rej; k++) {
            if (r->rej[k] >= a->first && r->rej[k] <= a->last) {
                n_rej++;
                assert_int_equal(r->n_acks_at_rej[k], i);
            }
        }
        assert_int_equal(a->n_rejected, n_rej);
        total_stored += a->n_stored;
        total_rej += a->n_rejected;
    }
    for (size_t row = 1; row <= n_records; row++) {
        if (is_blank != NULL && is_blank(row))
            continue;
        size_t n_in = 0;
        for (size_t i = 0; i < r->n_acks; i++)
            n_in += row >= r->acks[i].first && row <= r->acks[i].last;
        assert_int_equal(n_in, 1);
    }
    assert_int_equal(total_stored, r->stats.n_stored);
    assert_int_equal(total_rej, r->n_rej);
}

/* Acks: batches of exactly per records starting at 1 + k * per (rows = records),
 * each stored/rejected count matching the rejects inside it, together covering
 * rows 1..n_rows (a batch of blank lines only, is_blank, has nothing to ack). */
static void check_acks(const result *r, size_t per, size_t n_records, bool (*is_blank)(size_t))
{
    size_t total_stored = 0, total_rej = 0;
    unsigned char *seen = calloc(n_records / per + 2, 1);
    for (size_t i = 0; i < r->n_acks; i++) {
        const ack_rec *a = &r->acks[i];
        assert_int_equal((a->first - 1) % per, 0);
        assert_true(a->last >= a->first && a->last < a->first + per && a->last <= n_records);
        assert_int_equal(seen[(a->first - 1) / per], 0);
        seen[(a->first - 1) / per] = 1;
        size_t n_rej = 0;
        for (size_t k = 0; k < r->n_rej; k++)
            n_rej += r->rej[k] >= a->first && r->rej[k] <= a->last;
        assert_int_equal(a->n_rejected, n_rej);
        /* ... and were reported just before this ack, after the earlier ones. */
        for (size_t k = 0; k < r->n_rej; k++)
            if (r->rej[k] >= a->first && r->rej[k] <= a->last)
                assert_int_equal(r->n_acks_at_rej[k], i);
        total_stored += a->n_stored;
        total_rej += a->n_rejected;
    }
    for (size_t b = 0; b < (n_records + per - 1) / per; b++) {
        bool is_all_blank = is_blank != NULL;
        for (size_t i = b * per + 1; i <= (b + 1) * per && i <= n_records; i++)
            is_all_blank = is_all_blank && is_blank(i);
        if (is_all_blank)
            continue;
        if (seen[b] != 1)
            fprintf(stderr, "batch %zu of %zu records (batch_rows %zu) not acknowledged\n", b,
                    n_records, per);
        assert_int_equal(seen[b], 1);
    }
    free(seen);
    assert_int_equal(total_stored, r->stats.n_stored);
    assert_int_equal(total_rej, r->n_rej);
}

/* ---- NDJSON ---- */

static void cmd_text(size_t i, msoc_buf *b)
{
    msoc_buf_reset(b);
    msoc_buf_appendf(b, "cmd.exe /c row %zu ", i);
    for (size_t k = 0; k < (i * 37) % 900; k++)
        msoc_buf_putc(b, (char)('a' + (i + k) % 26));
}

#define ND_ROWS 3000
#define ND_BIG_ROW 1500 /* a line longer than the 1 MiB read buffer */

static char *make_ndjson(size_t *len)
{
    msoc_buf b, c;
    msoc_buf_init(&b, (size_t)1 << 30);
    msoc_buf_init(&c, (size_t)1 << 20);
    for (size_t i = 1; i <= ND_ROWS; i++) {
        if (i == 100 || i == 101) {
            msoc_buf_append_c(&b, i == 100 ? "\n" : "   \r\n"); /* blank lines */
            continue;
        }
        if (i == 250) {
            msoc_buf_append_c(&b, "{\"ReportId\":250,\"DeviceName\":\n"); /* malformed */
            continue;
        }
        cmd_text(i, &c);
        msoc_buf_appendf(&b, "{\"Timestamp\":\"2026-11-27T10:00:00Z\",\"DeviceName\":\"h%zu\",",
                         i % 7);
        if (i == 777)
            msoc_buf_append_c(&b, "\"ReportId\":\"not a number\","); /* rejected */
        else
            msoc_buf_appendf(&b, "\"ReportId\":%zu,", i);
        if (i == ND_BIG_ROW) {
            msoc_buf_append_c(&b, "\"Pad\":\"");
            for (size_t k = 0; k < ((size_t)7 << 19); k++)
                msoc_buf_putc(&b, (char)('a' + k % 26));
            msoc_buf_append_c(&b, "\",");
        }
        msoc_buf_appendf(&b, "\"ProcessCommandLine\":\"%s\"}", c.data);
        if (i < ND_ROWS)
            msoc_buf_putc(&b, '\n'); /* the last line has no line end */
    }
    msoc_buf_fini(&c);
    return msoc_buf_steal(&b, len);
}

static bool is_nd_blank(size_t i)
{
    return i == 100 || i == 101;
}

static bool is_nd_stored(size_t i)
{
    return i != 100 && i != 101 && i != 250 && i != 777;
}

static void check_ndjson(const result *r, size_t per, bool is_cut_by_bytes)
{
    assert_int_equal(r->st, MSOC_OK);
    assert_int_equal(r->n_rej, 2);
    assert_int_equal(r->rej[0], 250);
    assert_int_equal(r->rej[1], 777);
    assert_int_equal(r->stats.n_rows, ND_ROWS - 2);
    assert_int_equal(r->stats.n_stored, ND_ROWS - 4);
    msoc_buf c;
    msoc_buf_init(&c, (size_t)1 << 20);
    for (size_t i = 1; i <= ND_ROWS; i++) {
        assert_int_equal(r->n_seen[i], is_nd_stored(i) ? 1 : 0);
        if (!is_nd_stored(i))
            continue;
        cmd_text(i, &c);
        assert_string_equal(r->cmd[i], c.data);
    }
    msoc_buf_fini(&c);
    if (is_cut_by_bytes)
        check_acks_about(r, per, ND_ROWS, is_nd_blank);
    else
        check_acks(r, per, ND_ROWS, is_nd_blank);
}

static void test_ndjson_buffer_and_pipe(void **state)
{
    (void)state;
    size_t len;
    char *data = make_ndjson(&len);
    assert_true(len > ((size_t)5 << 20)); /* several read buffers and prefetch chunks */
    static const size_t pers[] = {97, 1, 1000, 100000};
    for (size_t k = 0; k < sizeof pers / sizeof pers[0]; k++) {
        for (int via = VIA_MEMORY; via <= VIA_FILE; via++) {
            if (pers[k] == 1 && via == VIA_FILE)
                continue; /* the same framing code as memory; keep the test fast */
            result *r = calloc(1, sizeof *r);
            run(data, len, MSOC_INGEST_NDJSON, pers[k], via, r);
            check_ndjson(r, pers[k], via != VIA_PIPE);
            free_result(r);
            free(r);
        }
    }
    free(data);
}

/* Lines whose end the row scan must not miss or misplace: an object broken over
 * two lines (in the whitespace before a value, after a comma, inside a nested
 * value), text or a second object after it, whitespace and CR around it, blank
 * lines of spaces, and a last line without a line end. Valid rows around them
 * share one key layout (key hints run across the odd lines). '@': the ReportId. */
static const char *const odd_lines[] = {
    "{\"ReportId\":@,\"DeviceName\":\n\"h\"}",
    "{\"ReportId\":@,\n\"DeviceName\":\"h\"}",
    "{\"ReportId\":@,\"AdditionalFields\":{\"a\":\n1}}",
    "{\"ReportId\":@,\"AdditionalFields\":[1,\n2],\"DeviceName\":\"h\"}",
    "{\"ReportId\":@}x",
    "{\"ReportId\":@}{\"ReportId\":1}",
    "  {\"ReportId\": @, \"DeviceName\": \"h\"}  \r",
    "{\"ReportId\":@,\"DeviceName\":\"h\"}\t",
    "   \r",
    "{\"ReportId\":@,\"DeviceName\":\"h\x01\"}",
    "{\"ReportId\":@,\"DeviceName\":\"h\",}",
    "[{\"ReportId\":@}]",
};

static bool odd_blank[1024]; /* by line number: a line of whitespace only */
static size_t odd_n_lines;

static bool is_odd_blank(size_t i)
{
    return odd_blank[i];
}

static char *make_odd_ndjson(size_t *len)
{
    msoc_buf b;
    msoc_buf_init(&b, (size_t)1 << 30);
    size_t n_odd = sizeof odd_lines / sizeof odd_lines[0];
    for (size_t i = 1; i <= 400; i++) {
        if (i % 13 == 0) {
            for (const char *o = odd_lines[(i / 13) % n_odd]; *o != '\0'; o++) {
                if (*o == '@')
                    msoc_buf_appendf(&b, "%zu", i);
                else
                    msoc_buf_putc(&b, *o);
            }
        } else
            msoc_buf_appendf(&b, "{\"Timestamp\":\"2026-11-27T10:00:00Z\",\"ReportId\":%zu,"
                                 "\"DeviceName\":\"host-%zu\",\"ProcessCommandLine\":\"c %zu\"}",
                             i, i % 5, i * 31);
        if (i < 400)
            msoc_buf_putc(&b, '\n');
    }
    /* Line numbers (the odd lines broken in two shift them), and the blank ones. */
    memset(odd_blank, 0, sizeof odd_blank);
    odd_n_lines = 0;
    for (size_t at = 0; at < b.len;) {
        const char *nl = memchr(b.data + at, '\n', b.len - at);
        size_t end = nl != NULL ? (size_t)(nl - b.data) : b.len;
        odd_n_lines++;
        assert_true(odd_n_lines < 1024);
        odd_blank[odd_n_lines] = strspn(b.data + at, " \r") >= end - at;
        at = end + 1;
    }
    return msoc_buf_steal(&b, len);
}

static void test_ndjson_odd_lines(void **state)
{
    (void)state;
    size_t len;
    char *data = make_odd_ndjson(&len);
    static const size_t pers[] = {1, 3, 50, 1000};
    for (size_t k = 0; k < sizeof pers / sizeof pers[0]; k++) {
        result *r[3];
        for (int via = VIA_MEMORY; via <= VIA_FILE; via++) {
            r[via] = calloc(1, sizeof *r[via]);
            run(data, len, MSOC_INGEST_NDJSON, pers[k], via, r[via]);
            assert_int_equal(r[via]->st, MSOC_OK);
        }
        /* The pipe frames every line first: the reference. */
        const result *ref = r[VIA_PIPE];
        assert_true(ref->n_rej >= 10);
        for (int via = VIA_MEMORY; via <= VIA_FILE; via += 2) {
            assert_int_equal(r[via]->n_rej, ref->n_rej);
            for (size_t i = 0; i < ref->n_rej; i++) {
                assert_int_equal(r[via]->rej[i], ref->rej[i]);
                assert_string_equal(r[via]->reason[i], ref->reason[i]);
            }
            assert_int_equal(r[via]->stats.n_rows, ref->stats.n_rows);
            assert_int_equal(r[via]->stats.n_stored, ref->stats.n_stored);
            assert_memory_equal(r[via]->n_seen, ref->n_seen, sizeof ref->n_seen);
            check_acks_about(r[via], pers[k], odd_n_lines, is_odd_blank);
        }
        for (int via = VIA_MEMORY; via <= VIA_FILE; via++) {
            free_result(r[via]);
            free(r[via]);
        }
    }
    free(data);
}

/* ---- CSV ---- */

#define CSV_ROWS 2500
#define CSV_BAD 300 /* a record with a missing field: in the 4th batch of 97 */

/* A command line with a quoted newline and doubled quotes in every 3rd row. */
static void csv_cmd(size_t i, msoc_buf *b)
{
    cmd_text(i, b);
    if (i % 3 == 0)
        msoc_buf_appendf(b, "\nsecond \"line\" %zu", i);
}

static char *make_csv(size_t *len)
{
    msoc_buf b, c;
    msoc_buf_init(&b, (size_t)1 << 30);
    msoc_buf_init(&c, (size_t)1 << 20);
    msoc_buf_append_c(&b, "\xEF\xBB\xBFTimestamp,DeviceName,ReportId,ProcessCommandLine\r\n");
    for (size_t i = 1; i <= CSV_ROWS; i++) {
        if (i % 500 == 7)
            msoc_buf_append_c(&b, "\r\n\n"); /* empty lines: not records */
        if (i == CSV_BAD) {
            msoc_buf_appendf(&b, "2026-11-27T10:00:00Z,h1,%zu\r\n", i);
            continue;
        }
        csv_cmd(i, &c);
        msoc_buf_appendf(&b, "2026-11-27T10:00:00Z,h%zu,%zu,\"", i % 5, i);
        for (size_t k = 0; k < c.len; k++) {
            if (c.data[k] == '"')
                msoc_buf_putc(&b, '"');
            msoc_buf_putc(&b, c.data[k]);
        }
        msoc_buf_append_c(&b, "\"\r\n");
    }
    msoc_buf_fini(&c);
    return msoc_buf_steal(&b, len);
}

static void check_csv(const result *r, size_t per)
{
    assert_int_equal(r->st, MSOC_OK);
    assert_int_equal(r->n_rej, 1);
    assert_int_equal(r->rej[0], CSV_BAD);
    assert_int_equal(r->stats.n_rows, CSV_ROWS);
    assert_int_equal(r->stats.n_stored, CSV_ROWS - 1);
    msoc_buf c;
    msoc_buf_init(&c, (size_t)1 << 20);
    for (size_t i = 1; i <= CSV_ROWS; i++) {
        assert_int_equal(r->n_seen[i], i == CSV_BAD ? 0 : 1);
        if (i == CSV_BAD)
            continue;
        csv_cmd(i, &c);
        assert_string_equal(r->cmd[i], c.data);
    }
    msoc_buf_fini(&c);
    check_acks(r, per, CSV_ROWS, NULL);
}

static void test_csv_buffer_and_pipe(void **state)
{
    (void)state;
    size_t len;
    char *data = make_csv(&len);
    assert_true(len > ((size_t)1 << 20));
    static const size_t pers[] = {97, 1000, 100000};
    for (size_t k = 0; k < sizeof pers / sizeof pers[0]; k++) {
        for (int via = VIA_MEMORY; via <= VIA_PIPE; via++) {
            result *r = calloc(1, sizeof *r);
            run(data, len, MSOC_INGEST_CSV, pers[k], via, r);
            check_csv(r, pers[k]);
            free_result(r);
            free(r);
        }
    }
    free(data);
}

/* ---- documents and empty input through a pipe ---- */

static void test_docs_and_empty_pipe(void **state)
{
    (void)state;
    static const char good[] =
        "[{\"Timestamp\":\"2026-11-27T10:00:00Z\",\"ReportId\":1,\"ProcessCommandLine\":\"a\"},\n"
        " {\"Timestamp\":\"2026-11-27T10:00:00Z\",\"ReportId\":2,\"ProcessCommandLine\":\"b\"}]\n";
    static const char bad[] =
        "[{\"Timestamp\":\"2026-11-27T10:00:00Z\",\"ReportId\":1,\"ProcessCommandLine\":\"a\"},\n"
        " {\"Timestamp\":\"2026-11-27T10:00:00Z\",\"ReportId\":2,\"ProcessCommandLine\":\"b\"}\n";
    result *r = calloc(1, sizeof *r);
    run(good, sizeof good - 1, MSOC_INGEST_AUTO, 1, VIA_PIPE, r);
    assert_int_equal(r->st, MSOC_OK);
    assert_int_equal(r->stats.n_stored, 2);
    assert_int_equal(r->n_seen[1] + r->n_seen[2], 2);
    assert_string_equal(r->cmd[2], "b");
    assert_int_equal(r->n_acks, 2);
    free_result(r);
    run(bad, sizeof bad - 1, MSOC_INGEST_LA_JSON, 1, VIA_PIPE, r);
    assert_int_equal(r->st, MSOC_BADDATA);
    assert_int_equal(r->stats.n_stored, 0);
    assert_int_equal(r->n_seen[1] + r->n_seen[2], 0); /* nothing stored */
    free_result(r);
    run("", 0, MSOC_INGEST_CSV, 10, VIA_PIPE, r);
    assert_int_equal(r->st, MSOC_BADDATA); /* no header */
    free_result(r);
    run("", 0, MSOC_INGEST_NDJSON, 10, VIA_PIPE, r);
    assert_int_equal(r->st, MSOC_OK);
    assert_int_equal(r->stats.n_rows, 0);
    assert_int_equal(r->n_acks, 0);
    free_result(r);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ndjson_buffer_and_pipe),
        cmocka_unit_test(test_ndjson_odd_lines),
        cmocka_unit_test(test_csv_buffer_and_pipe),
        cmocka_unit_test(test_docs_and_empty_pipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
