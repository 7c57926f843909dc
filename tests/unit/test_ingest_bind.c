/* Binding JSON rows to columns (ingest.c's bind_row, convert, the datetime fast
 * path) against the general paths: rows whose key layout repeats (the hinted
 * path) store exactly what the same rows with the layout changing every row
 * store; a row refused mid-way leaves nothing behind and is reported with its
 * number; the datetime fast path agrees with core's parser on every text it
 * accepts. Values are read back through a scan and rendered as text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/datetime.h"
#include "core/fs.h"
#include "core/mem.h"
#include "core/str.h"
#include "ingest/ingest.h"
#include "storage/storage.h"

static char g_dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/msoc_ingest_bind_test_%d", (int)getpid());
    msoc_remove_tree(g_dir, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    msoc_remove_tree(g_dir, NULL);
    return 0;
}

typedef struct rejects {
    size_t n;
    size_t rows[64];
    char reasons[64][160];
} rejects;

static void on_reject(void *ud, const msoc_ingest_reject *r)
{
    rejects *rj = ud;
    if (rj->n < 64) {
        rj->rows[rj->n] = r->row;
        snprintf(rj->reasons[rj->n], sizeof rj->reasons[0], "%s", r->reason);
    }
    rj->n++;
}

static msoc_stor_db *open_db(void)
{
    msoc_stor_options o = {.is_nosync = true};
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, &o, &db, &err), MSOC_OK);
    return db;
}

static void ingest(msoc_stor_db *db, const msoc_buf *text, rejects *rj, size_t *n_stored)
{
    msoc_ingest_opts o = {0};
    o.table = "DeviceProcessEvents";
    o.format = MSOC_INGEST_NDJSON;
    o.n_threads = 1;
    o.batch_rows = 64; /* several batches, so several commits */
    o.on_reject = on_reject;
    o.ud = rj;
    msoc_ingest_stats st = {0};
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_ingest_buffer(db, &o, "test", text->data, text->len, &st, &err), MSOC_OK);
    *n_stored = st.n_stored;
}

static msoc_str col_str(const msoc_col *c, size_t i)
{
    const msoc_col *s = c->dict_codes != NULL ? c->dict : c;
    size_t k = c->dict_codes != NULL ? c->dict_codes[i] : i;
    return msoc_str_make(s->v.str.bytes + s->v.str.offsets[k],
                         s->v.str.offsets[k + 1] - s->v.str.offsets[k]);
}

/* Every column of every row of tenant's DeviceProcessEvents, as text in scan
 * order ("~" for null), one line per row. */
static void dump(msoc_stor_db *db, const char *tenant, msoc_buf *out)
{
    const msoc_stor_table_def *def = msoc_stor_table_find(db, "DeviceProcessEvents", 19);
    assert_non_null(def);
    int *cols = msoc_malloc(def->n_cols * sizeof *cols);
    for (size_t c = 0; c < def->n_cols; c++)
        cols[c] = (int)c;
    msoc_stor_target tg = {tenant, NULL};
    msoc_stor_scan_spec spec = {&tg, 1, "DeviceProcessEvents", cols, def->n_cols, MSOC_TIME_NULL,
                                MSOC_TIME_NULL, MSOC_TIME_NULL, MSOC_TIME_NULL};
    msoc_stor_scan *s;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_scan_open(db, &spec, &s, &err), MSOC_OK);
    msoc_arena *a = msoc_arena_new(NULL, 0, "test");
    msoc_buf_init(out, (size_t)1 << 30);
    for (size_t k = 0; k < msoc_stor_scan_n_chunks(s); k++) {
        msoc_batch b;
        msoc_arena_reset(a);
        assert_int_equal(msoc_stor_scan_chunk(s, k, a, &b, &err), MSOC_OK);
        for (size_t r = 0; r < b.n_rows; r++) {
            for (size_t c = 0; c < b.n_cols; c++) {
                const msoc_col *col = &b.cols[c];
                /* The partition columns differ by test tenant. */
                if (def->cols[c].flags & (MSOC_STOR_COL_TENANT | MSOC_STOR_COL_WORKSPACE))
                    continue;
                if (msoc_col_is_null(col, r)) {
                    msoc_buf_append_c(out, "~|");
                    continue;
                }
                switch (col->type) {
                case MSOC_TYPE_BOOL: msoc_buf_appendf(out, "%d|", col->v.u8[r]); break;
                case MSOC_TYPE_INT: msoc_buf_appendf(out, "%d|", (int)col->v.i32[r]); break;
                case MSOC_TYPE_LONG:
                case MSOC_TYPE_DATETIME:
                case MSOC_TYPE_TIMESPAN:
                    msoc_buf_appendf(out, "%lld|", (long long)col->v.i64[r]);
                    break;
                case MSOC_TYPE_REAL: msoc_buf_appendf(out, "%.17g|", col->v.f64[r]); break;
                default: {
                    msoc_str v = col_str(col, r);
                    msoc_buf_appendf(out, "'%.*s'|", (int)v.len, v.ptr);
                }
                }
            }
            msoc_buf_putc(out, '\n');
        }
    }
    msoc_arena_free(a);
    msoc_stor_scan_close(s);
    msoc_free(cols);
}

#define N_KEYS 14

/* Member j of row k as "key":value text (with its comma-free JSON value). */
static void member(size_t k, size_t j, const char *tenant, msoc_buf *out)
{
    static const char *const dts[] = {
        "2026-10-30T00:06:06.0000000Z", "2026-10-30T00:06:06.9000000Z", "2026-10-30T23:59:59Z",
        "2026-10-31T01:02:03.123Z", "2024-02-29 12:00:00.1234567", "2026-10-30T00:06:06.12345678Z"};
    switch (j) {
    case 0: msoc_buf_appendf(out, "\"Timestamp\":\"%s\"", dts[k % 6]); break;
    case 1: msoc_buf_appendf(out, "\"DeviceName\":\"host-%zu.example\"", k % 7); break;
    case 2: /* escapes; null (stored "") from row 150 on, every 4th row */
        if (k >= 150 && k % 4 == 0)
            msoc_buf_append_c(out, "\"FolderPath\":null");
        else
            msoc_buf_appendf(out, "\"FolderPath\":\"C:\\\\Windows\\\\x%zu\\\"q\\u00e9\"", k);
        break;
    case 3: /* an INT column whose first null comes late */
        if (k >= 200 && k % 3 == 0)
            msoc_buf_append_c(out, "\"ProcessId\":null");
        else
            msoc_buf_appendf(out, "\"ProcessId\":%zu", 1000 + k);
        break;
    case 4: msoc_buf_appendf(out, "\"FileSize\":%lld", (long long)k * 1000003 - 5); break;
    case 5: msoc_buf_appendf(out, "\"IsProcessRemoteSession\":%s", k % 2 ? "true" : "false"); break;
    case 6: msoc_buf_appendf(out, "\"AdditionalFields\":{ \"a\" : [1, 2], \"k\": %zu }", k); break;
    case 7: msoc_buf_appendf(out, "\"ReportId\":%zu", k); break;
    case 8: msoc_buf_appendf(out, "\"TenantId\":\"%s\"", tenant); break;
    case 9: msoc_buf_appendf(out, "\"SHA1\":\"%040zx\"", k * 7919); break;
    case 10: /* a datetime column that is sometimes empty (null) */
        msoc_buf_appendf(out, "\"ProcessCreationTime\":\"%s\"", k % 5 ? dts[(k + 1) % 6] : "");
        break;
    case 11: msoc_buf_appendf(out, "\"NotAColumn\":\"ignored %zu\"", k); break;
    case 12: msoc_buf_appendf(out, "\"ProcessCommandLine\":\"cmd.exe /c %zu\"", k); break;
    default: msoc_buf_appendf(out, "\"InitiatingProcessId\":\"%zu\"", k % 97); break;
    }
}

/* n rows; rotate: the members' order changes every row. FileName comes first and
 * last (the last wins) in every row. skip: a row number (1-based) to leave out. */
static void append_rows(size_t k0, size_t n, bool rotate, const char *tenant, size_t skip,
                        msoc_buf *out)
{
    for (size_t k = k0; k < k0 + n; k++) {
        if (k + 1 == skip)
            continue;
        msoc_buf_appendf(out, "{\"FileName\":\"first%zu\"", k);
        size_t rot = rotate ? (k * 5) % N_KEYS : 0;
        for (size_t j = 0; j < N_KEYS; j++) {
            msoc_buf_putc(out, ',');
            member(k, (j + rot) % N_KEYS, tenant, out);
        }
        msoc_buf_appendf(out, ",\"FileName\":\"last%zu.exe\"}\n", k);
    }
}

static void make_rows(size_t n, bool rotate, const char *tenant, size_t skip, msoc_buf *out)
{
    msoc_buf_init(out, (size_t)1 << 30);
    append_rows(0, n, rotate, tenant, skip, out);
}

static void test_layout_repeated_vs_changing(void **state)
{
    (void)state;
    msoc_stor_db *db = open_db();
    msoc_buf same, rotated, dump_same, dump_rot;
    make_rows(400, false, "tsame", 0, &same);
    make_rows(400, true, "trot", 0, &rotated);
    rejects rj = {0};
    size_t n1, n2;
    ingest(db, &same, &rj, &n1);
    ingest(db, &rotated, &rj, &n2);
    assert_int_equal(rj.n, 0);
    assert_int_equal(n1, 400);
    assert_int_equal(n2, 400);
    dump(db, "tsame", &dump_same);
    dump(db, "trot", &dump_rot);
    assert_int_equal(dump_same.len, dump_rot.len);
    assert_memory_equal(dump_same.data, dump_rot.data, dump_same.len);
    /* And the values are the ones written: row 0's FileName is the last one,
     * FolderPath unescaped, the nested object compact. */
    assert_non_null(strstr(dump_same.data, "'last0.exe'"));
    assert_null(strstr(dump_same.data, "'first0'"));
    assert_non_null(strstr(dump_same.data, "'C:\\Windows\\x1\"q\xc3\xa9'"));
    assert_non_null(strstr(dump_same.data, "'{\"a\":[1,2],\"k\":3}'"));
    msoc_buf_fini(&same);
    msoc_buf_fini(&rotated);
    msoc_buf_fini(&dump_same);
    msoc_buf_fini(&dump_rot);
    msoc_stor_close(db);
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* dump's lines sorted (commits of one tenant may land in extents and in the
 * memtable, which a scan reads in its own order). */
static void dump_sorted(msoc_stor_db *db, const char *tenant, msoc_buf *out)
{
    msoc_buf d;
    dump(db, tenant, &d);
    size_t n = 0;
    for (size_t i = 0; i < d.len; i++)
        n += d.data[i] == '\n';
    char **lines = msoc_malloc((n + 1) * sizeof *lines);
    size_t k = 0;
    for (char *p = d.data; k < n; k++) {
        char *e = strchr(p, '\n');
        *e = '\0';
        lines[k] = p;
        p = e + 1;
    }
    qsort(lines, n, sizeof *lines, cmp_line);
    msoc_buf_init(out, (size_t)1 << 30);
    for (k = 0; k < n; k++) {
        msoc_buf_append_c(out, lines[k]);
        msoc_buf_putc(out, '\n');
    }
    msoc_free(lines);
    msoc_buf_fini(&d);
}

/* A file sorted by tenant: a worker's groups take turns with the same row
 * buffers (msoc_stor_rowpool), each group growing into buffers another filled a
 * batch before. Nothing of those bytes, lengths or nulls may show: each tenant
 * reads back exactly what the same rows store when ingested on their own in
 * small batches (whose buffers stay below the pool's size). The large batches
 * are bulk commits (extents), the small ones WAL commits. */
static void test_tenant_runs_share_buffers(void **state)
{
    (void)state;
    msoc_stor_options so = {.is_nosync = true, .block_rows = 4096};
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, &so, &db, &err), MSOC_OK);
    /* pa: rows 0..12000 and 24000..29000 (fewer: the buffers it takes back hold
     * pb's longer tail); pb in between with its members in changing order. */
    msoc_buf mixed, ref_a, ref_b;
    msoc_buf_init(&mixed, (size_t)1 << 30);
    append_rows(0, 12000, false, "pa", 0, &mixed);
    append_rows(12000, 12000, true, "pb", 0, &mixed);
    append_rows(24000, 5000, false, "pa", 0, &mixed);
    msoc_buf_init(&ref_a, (size_t)1 << 30);
    append_rows(0, 12000, false, "ra", 0, &ref_a);
    append_rows(24000, 5000, false, "ra", 0, &ref_a);
    msoc_buf_init(&ref_b, (size_t)1 << 30);
    append_rows(12000, 12000, true, "rb", 0, &ref_b);
    rejects rj = {0};
    msoc_ingest_opts o = {0};
    o.format = MSOC_INGEST_NDJSON;
    o.table = "DeviceProcessEvents";
    o.n_threads = 1;
    o.on_reject = on_reject;
    o.ud = &rj;
    msoc_ingest_stats st = {0};
    o.batch_rows = 8192;
    assert_int_equal(msoc_ingest_buffer(db, &o, "mixed", mixed.data, mixed.len, &st, &err), MSOC_OK);
    o.batch_rows = 64;
    assert_int_equal(msoc_ingest_buffer(db, &o, "a", ref_a.data, ref_a.len, &st, &err), MSOC_OK);
    assert_int_equal(msoc_ingest_buffer(db, &o, "b", ref_b.data, ref_b.len, &st, &err), MSOC_OK);
    assert_int_equal(rj.n, 0);
    assert_int_equal(st.n_stored, 2 * 29000);
    const char *pairs[2][2] = {{"pa", "ra"}, {"pb", "rb"}};
    for (size_t i = 0; i < 2; i++) {
        msoc_buf got, want;
        dump_sorted(db, pairs[i][0], &got);
        dump_sorted(db, pairs[i][1], &want);
        assert_true(got.len > 1000);
        assert_int_equal(got.len, want.len);
        assert_memory_equal(got.data, want.data, got.len);
        msoc_buf_fini(&got);
        msoc_buf_fini(&want);
    }
    msoc_buf_fini(&mixed);
    msoc_buf_fini(&ref_a);
    msoc_buf_fini(&ref_b);
    msoc_stor_close(db);
}

static void test_refused_rows_leave_nothing(void **state)
{
    (void)state;
    msoc_stor_db *db = open_db();
    msoc_buf good, bad, d_good, d_bad;
    /* Rows 70 and 130 are refused after most of their members were bound: a bad
     * INT late in the row, a bad datetime; the rest must match rows without them. */
    make_rows(300, false, "tbad", 0, &bad);
    msoc_buf_init(&good, (size_t)1 << 30);
    msoc_buf tmp;
    make_rows(300, false, "tgood", 70, &tmp);
    /* Drop row 130 too (line 129 of tmp, 0-based, after 70 went). */
    size_t line = 0;
    for (size_t i = 0; i < tmp.len; i++) {
        if (line != 128)
            msoc_buf_putc(&good, tmp.data[i]);
        if (tmp.data[i] == '\n')
            line++;
    }
    msoc_buf_fini(&tmp);
    /* Corrupt rows 70 and 130 of bad. */
    msoc_buf fixed;
    msoc_buf_init(&fixed, (size_t)1 << 30);
    line = 0;
    for (size_t i = 0; i < bad.len;) {
        const char *e = memchr(bad.data + i, '\n', bad.len - i);
        size_t l = (size_t)(e - (bad.data + i)) + 1;
        msoc_str ln = msoc_str_make(bad.data + i, l);
        line++;
        if (line == 70) {
            const char *p = strstr(ln.ptr, "\"InitiatingProcessId\":\"");
            assert_non_null(p);
            size_t at = (size_t)(p - ln.ptr) + 23;
            msoc_buf_append(&fixed, ln.ptr, at);
            msoc_buf_append_c(&fixed, "x");
            msoc_buf_append(&fixed, ln.ptr + at, l - at);
        } else if (line == 130) {
            const char *p = strstr(ln.ptr, "\"Timestamp\":\"");
            assert_non_null(p);
            size_t at = (size_t)(p - ln.ptr) + 13;
            msoc_buf_append(&fixed, ln.ptr, at);
            msoc_buf_append_c(&fixed, "2026-13-");
            msoc_buf_append(&fixed, ln.ptr + at + 8, l - at - 8);
        } else {
            msoc_buf_append(&fixed, ln.ptr, l);
        }
        i += l;
    }
    rejects rj = {0};
    size_t n_bad, n_good;
    ingest(db, &fixed, &rj, &n_bad);
    assert_int_equal(rj.n, 2);
    assert_int_equal(rj.rows[0], 70);
    assert_int_equal(rj.rows[1], 130);
    assert_non_null(strstr(rj.reasons[0], "column InitiatingProcessId"));
    assert_non_null(strstr(rj.reasons[1], "column Timestamp"));
    assert_int_equal(n_bad, 298);
    rejects rj2 = {0};
    ingest(db, &good, &rj2, &n_good);
    assert_int_equal(rj2.n, 0);
    assert_int_equal(n_good, 298);
    dump(db, "tbad", &d_bad);
    dump(db, "tgood", &d_good);
    assert_int_equal(d_bad.len, d_good.len);
    assert_memory_equal(d_bad.data, d_good.data, d_bad.len);
    msoc_buf_fini(&fixed);
    msoc_buf_fini(&bad);
    msoc_buf_fini(&good);
    msoc_buf_fini(&d_bad);
    msoc_buf_fini(&d_good);
    msoc_stor_close(db);
}

/* The datetime fast path (8 bytes at a time, the 7-digit fraction at once) gives
 * core's parser's value for every text it accepts, and refuses what neither takes. */
static void test_datetime_texts(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "2026-10-30T00:06:06.0000000Z", "2026-10-30T00:06:06.9999999Z", "2026-10-30T00:06:06.1234567",
        "2026-10-30T00:06:06.123456Z", "2026-10-30T00:06:06.12345678Z", "2026-10-30T00:06:06.1Z",
        "2026-10-30T00:06:06Z", "2026-10-30T00:06:06", "2026-10-30 00:06:06.5000000Z",
        "2024-02-29T23:59:59.0000001Z", "2023-02-29T00:00:00Z", "2026-10-30T24:00:00Z",
        "2026-10-30T23:60:00Z", "2026-10-30T23:59:60Z", "2026-1a-30T00:00:00Z",
        "2026-10-30T00:0:06.0000000Z", "2026-10-30X00:06:06Z", "2026/10/30T00:06:06Z",
        "2026-10-30T00:06:06.Z", "2026-10-30T00:06:06.000000aZ", "2026-10-30T00:06:06.0000000ZZ",
        "2026-10-30T00:06:06.0000000+00:00", "2026-10-30", "1601-01-01T00:00:00.0000000Z",
        "9999-12-31T23:59:59.9999999Z", "2026-10-30T0:06:06Z", "2026-10-30T00:06:06.0000000z",
        "2026-10-30T00:06:06.00000:0Z", "2026-10-30T00:06:06.0000000 ", " 2026-10-30T00:06:06Z",
    };
    size_t n = sizeof texts / sizeof texts[0];
    msoc_stor_db *db = open_db();
    msoc_buf in;
    msoc_buf_init(&in, (size_t)1 << 20);
    for (size_t k = 0; k < n; k++)
        msoc_buf_appendf(&in, "{\"ReportId\":%zu,\"TenantId\":\"tdt\",\"Timestamp\":\"%s\"}\n", k,
                         texts[k]);
    rejects rj = {0};
    size_t n_stored;
    ingest(db, &in, &rj, &n_stored);
    const msoc_stor_table_def *def = msoc_stor_table_find(db, "DeviceProcessEvents", 19);
    int cols[2] = {msoc_stor_table_col_index(def, "ReportId", 8),
                   msoc_stor_table_col_index(def, "Timestamp", 9)};
    msoc_stor_target tg = {"tdt", NULL};
    msoc_stor_scan_spec spec = {&tg, 1, "DeviceProcessEvents", cols, 2, MSOC_TIME_NULL,
                                MSOC_TIME_NULL, MSOC_TIME_NULL, MSOC_TIME_NULL};
    msoc_stor_scan *s;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_scan_open(db, &spec, &s, &err), MSOC_OK);
    msoc_arena *a = msoc_arena_new(NULL, 0, "test");
    bool seen[64] = {false};
    for (size_t c = 0; c < msoc_stor_scan_n_chunks(s); c++) {
        msoc_batch b;
        msoc_arena_reset(a);
        assert_int_equal(msoc_stor_scan_chunk(s, c, a, &b, &err), MSOC_OK);
        for (size_t r = 0; r < b.n_rows; r++) {
            size_t k = (size_t)b.cols[0].v.i64[r];
            assert_true(k < n);
            seen[k] = true;
            msoc_datetime want;
            /* A trimmed text: the ingest path trims blanks around a datetime. */
            msoc_str t = msoc_str_trim(msoc_str_c(texts[k]));
            assert_true(msoc_datetime_parse_fast(t.ptr, t.len, &want));
            assert_false(msoc_col_is_null(&b.cols[1], r));
            assert_int_equal(b.cols[1].v.i64[r], want);
        }
    }
    for (size_t k = 0; k < n; k++) {
        if (seen[k])
            continue;
        /* Refused: core's parser refuses it too. */
        msoc_datetime x;
        msoc_str t = msoc_str_trim(msoc_str_c(texts[k]));
        bool ok = msoc_datetime_parse_fast(t.ptr, t.len, &x) && x != MSOC_TIME_NULL;
        if (ok)
            fail_msg("text %zu (%s) refused but core parses it", k, texts[k]);
    }
    assert_int_equal(n_stored + rj.n, n);
    assert_true(n_stored >= 15); /* most of the list is valid */
    msoc_arena_free(a);
    msoc_stor_scan_close(s);
    msoc_buf_fini(&in);
    msoc_stor_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layout_repeated_vs_changing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_rows_leave_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tenant_runs_share_buffers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_datetime_texts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
