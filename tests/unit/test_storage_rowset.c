/* Row sets built a row at a time (msoc_stor__rowset_add, the appender's path)
 * against the same rows built one row set per row and appended
 * (msoc_stor__rowset_append, the memtable's path): identical WAL encodings, so
 * add's shortcuts (room made a chunk of rows ahead, bitmaps written only once a
 * column has a null, a refused row taken back) store exactly what the general
 * path stores. Plus direct checks of the values, bits and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/mem.h"
#include "storage/stor_int.h"

enum { C_S, C_L, C_I, C_B, C_R, C_D, C_G, C_T, C_TEN, N_COLS };

static const msoc_stor_column g_cols[N_COLS] = {
    {"s", MSOC_TYPE_STRING, MSOC_TYPE_STRING, 0},
    {"l", MSOC_TYPE_LONG, MSOC_TYPE_LONG, 0},
    {"i", MSOC_TYPE_INT, MSOC_TYPE_INT, 0},
    {"b", MSOC_TYPE_BOOL, MSOC_TYPE_BOOL, 0},
    {"r", MSOC_TYPE_REAL, MSOC_TYPE_REAL, 0},
    {"d", MSOC_TYPE_DYNAMIC, MSOC_TYPE_DYNAMIC, 0},
    {"g", MSOC_TYPE_GUID, MSOC_TYPE_GUID, 0},
    {"t", MSOC_TYPE_DATETIME, MSOC_TYPE_DATETIME, 0},
    {"TenantId", MSOC_TYPE_STRING, MSOC_TYPE_STRING, MSOC_STOR_COL_TENANT},
};
/* The same table before it was widened: its first 4 columns. */
static const msoc_stor_table_def g_def_narrow = {"T_CL", MSOC_STOR_SRC_CUSTOM, "", 0, g_cols, 4};
static const msoc_stor_table_def g_def = {"T_CL", MSOC_STOR_SRC_CUSTOM, "", 0, g_cols, N_COLS};

static char g_text[64][80];

/* Row k's values. Column c is null from row null_from[c] on, every third row
 * (never before: nulls that first appear after many non-null rows). */
static void make_row(size_t k, const size_t *null_from, msoc_stor_value *v)
{
    memset(v, 0, N_COLS * sizeof *v);
    char *txt = g_text[k % 64];
    int n = snprintf(txt, sizeof g_text[0], "row-%zu-%.*s", k, (int)(k % 50),
                     "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
    v[C_S].v.s.ptr = txt;
    v[C_S].v.s.len = (size_t)n;
    v[C_L].v.i64 = (int64_t)k * 1000003 - 7;
    v[C_I].v.i64 = (int32_t)(k * 31) - 100;
    v[C_B].v.b = (k & 1) != 0;
    v[C_R].v.f64 = (double)k / 8.0;
    v[C_D].v.s.ptr = "{\"a\":1}";
    v[C_D].v.s.len = 7;
    v[C_G].v.s.ptr = "0f8fad5b-d9cb-469f-a165-70867728950e";
    v[C_G].v.s.len = 36;
    v[C_T].v.i64 = 638000000000000000 + (int64_t)k;
    v[C_TEN].v.s.ptr = "ignored";
    v[C_TEN].v.s.len = 7;
    for (size_t c = 0; c < N_COLS; c++)
        if (k >= null_from[c] && k % 3 == 0)
            v[c].is_null = true;
}

static void encode(const stor_rowset *rs, msoc_buf *out)
{
    msoc_buf_init(out, (size_t)1 << 30);
    msoc_stor__rowset_encode(rs, out);
}

static void assert_same(const stor_rowset *a, const stor_rowset *b)
{
    assert_int_equal(a->n_rows, b->n_rows);
    assert_int_equal(a->n_cols, b->n_cols);
    for (size_t c = 0; c < a->n_cols; c++) {
        assert_int_equal(a->cols[c].has_nulls, b->cols[c].has_nulls);
        /* A bitmap in use covers exactly the rows (extent_write and scans read it). */
        if (a->cols[c].has_nulls)
            assert_int_equal(a->cols[c].nulls.len, (a->n_rows + 7) / 8);
    }
    msoc_buf ea, eb;
    encode(a, &ea);
    encode(b, &eb);
    assert_int_equal(ea.len, eb.len);
    assert_memory_equal(ea.data, eb.data, ea.len);
    msoc_buf_fini(&ea);
    msoc_buf_fini(&eb);
}

/* Appends row vals (with def) to ref the general way: a row set of its own. */
static void ref_add(stor_rowset *ref, const msoc_stor_table_def *def, const msoc_stor_value *vals)
{
    stor_rowset one;
    msoc_stor__rowset_init(&one, def);
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor__rowset_add(&one, def, vals, &err), MSOC_OK);
    msoc_stor__rowset_append(ref, &one);
    msoc_stor__rowset_fini(&one);
}

static void test_nulls_first_late(void **state)
{
    (void)state;
    /* l gets its first null at row 1500 (past the first room chunk), i at 9 (inside
     * a bitmap byte), b at 16 (on a byte boundary), d at 3000; s (STRING) stores ""
     * and never has nulls; g and t never null. */
    size_t null_from[N_COLS] = {40, 1500, 9, 16, 2049, 3000, SIZE_MAX, SIZE_MAX, SIZE_MAX};
    stor_rowset rs, ref;
    msoc_stor__rowset_init(&rs, &g_def);
    msoc_stor__rowset_init(&ref, &g_def);
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_value v[N_COLS];
    for (size_t k = 0; k < 5000; k++) {
        make_row(k, null_from, v);
        assert_int_equal(msoc_stor__rowset_add(&rs, &g_def, v, &err), MSOC_OK);
        ref_add(&ref, &g_def, v);
    }
    assert_same(&rs, &ref);
    /* Direct checks: the bits and the values. */
    assert_false(rs.cols[C_S].has_nulls);
    assert_false(rs.cols[C_G].has_nulls);
    assert_true(rs.cols[C_L].has_nulls);
    const uint8_t *bm = (const uint8_t *)rs.cols[C_L].nulls.data;
    assert_int_equal(rs.cols[C_L].nulls.len, (5000 + 7) / 8);
    for (size_t k = 0; k < 5000; k++)
        assert_int_equal(stor_bit(bm, k), k >= 1500 && k % 3 == 0);
    int64_t l;
    memcpy(&l, rs.cols[C_L].data.data + 8 * 1501, 8);
    assert_int_equal(l, (int64_t)1501 * 1000003 - 7);
    memcpy(&l, rs.cols[C_L].data.data + 8 * 1500, 8);
    assert_int_equal(l, 0);
    const uint32_t *off = (const uint32_t *)(const void *)rs.cols[C_S].offs.data;
    assert_int_equal(off[43] - off[42], 0);             /* 42 % 3 == 0: null, "" */
    assert_memory_equal(rs.cols[C_S].data.data + off[41], "row-41-", 7);
    off = (const uint32_t *)(const void *)rs.cols[C_TEN].offs.data;
    assert_int_equal(off[5000], 0);                     /* TenantId: never stored */
    /* The WAL record reads back as the same rows. */
    msoc_buf e;
    encode(&rs, &e);
    stor_rowset back;
    assert_int_equal(msoc_stor__rowset_decode(e.data, e.len, &back, &err), MSOC_OK);
    assert_same(&back, &rs);
    msoc_stor__rowset_fini(&back);
    msoc_buf_fini(&e);
    /* Refilled after a clear (the appender's next batch): nulls start over. */
    msoc_stor__rowset_clear(&rs);
    msoc_stor__rowset_fini(&ref);
    msoc_stor__rowset_init(&ref, &g_def);
    size_t later[N_COLS] = {SIZE_MAX, 700, SIZE_MAX, 0, SIZE_MAX, SIZE_MAX, 5, SIZE_MAX, 0};
    for (size_t k = 0; k < 1200; k++) {
        make_row(k, later, v);
        assert_int_equal(msoc_stor__rowset_add(&rs, &g_def, v, &err), MSOC_OK);
        ref_add(&ref, &g_def, v);
    }
    assert_same(&rs, &ref);
    assert_false(rs.cols[C_I].has_nulls);
    msoc_stor__rowset_fini(&rs);
    msoc_stor__rowset_fini(&ref);
}

static void test_refused_row_leaves_nothing(void **state)
{
    (void)state;
    size_t null_from[N_COLS] = {SIZE_MAX, 5, 100, 60, 20, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX};
    size_t big_len = ((size_t)16 << 20) + 1;
    char *big = msoc_malloc(big_len);
    memset(big, 'x', big_len);
    stor_rowset rs, ref;
    msoc_stor__rowset_init(&rs, &g_def);
    msoc_stor__rowset_init(&ref, &g_def);
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_value v[N_COLS];
    size_t n_refused = 0;
    for (size_t k = 0; k < 3000; k++) {
        make_row(k, null_from, v);
        /* Refuse rows on and off bitmap byte boundaries, rows that hold some
         * earlier column's first null (r at 21, b at 60 and then 63, i at 102),
         * and the row that would start a new room chunk. */
        bool is_refused = k == 8 || k == 21 || k == 60 || k == 63 || k == 99 || k == 102 ||
                          k == 1024 || k % 97 == 0;
        if (is_refused) {
            /* A later column too long: the earlier ones were already written. */
            v[C_G].is_null = false;
            v[C_G].v.s.ptr = big;
            v[C_G].v.s.len = big_len;
            msoc_buf before;
            encode(&rs, &before);
            bool had[N_COLS];
            for (size_t c = 0; c < N_COLS; c++)
                had[c] = rs.cols[c].has_nulls;
            assert_int_equal(msoc_stor__rowset_add(&rs, &g_def, v, &err), MSOC_TOOBIG);
            assert_non_null(strstr(err.msg, "column g"));
            msoc_error_clear(&err);
            msoc_buf after;
            encode(&rs, &after);
            assert_int_equal(before.len, after.len);
            assert_memory_equal(before.data, after.data, before.len);
            for (size_t c = 0; c < N_COLS; c++)
                assert_int_equal(had[c], rs.cols[c].has_nulls);
            msoc_buf_fini(&before);
            msoc_buf_fini(&after);
            n_refused++;
            continue;
        }
        assert_int_equal(msoc_stor__rowset_add(&rs, &g_def, v, &err), MSOC_OK);
        ref_add(&ref, &g_def, v);
    }
    assert_true(n_refused > 30);
    assert_int_equal(rs.n_rows, 3000 - n_refused);
    assert_same(&rs, &ref);
    msoc_free(big);
    msoc_stor__rowset_fini(&rs);
    msoc_stor__rowset_fini(&ref);
}

/* A custom table widened while rows are pending: rows of the narrower def get
 * nulls ("" for strings) in the new columns, rows before the widening too. */
static void test_widen_and_narrow_rows(void **state)
{
    (void)state;
    size_t null_from[N_COLS] = {SIZE_MAX, 50, SIZE_MAX, 10, SIZE_MAX, SIZE_MAX, SIZE_MAX,
                                SIZE_MAX, SIZE_MAX};
    stor_rowset rs, ref;
    msoc_stor__rowset_init(&rs, &g_def_narrow);
    msoc_stor__rowset_init(&ref, &g_def_narrow);
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_value v[N_COLS];
    for (size_t k = 0; k < 2500; k++) {
        make_row(k, null_from, v);
        /* Narrow rows first, then wide ones with narrow ones in between. */
        const msoc_stor_table_def *def = k < 777 || k % 5 == 0 ? &g_def_narrow : &g_def;
        assert_int_equal(msoc_stor__rowset_add(&rs, def, v, &err), MSOC_OK);
        if (def->n_cols > ref.n_cols)
            msoc_stor__rowset_widen(&ref, def);
        ref_add(&ref, def, v);
    }
    assert_int_equal(rs.n_cols, N_COLS);
    assert_same(&rs, &ref);
    /* Column d (DYNAMIC) was null for the narrow rows, from row 0 on. */
    assert_true(rs.cols[C_D].has_nulls);
    assert_true(stor_bit((const uint8_t *)rs.cols[C_D].nulls.data, 0));
    assert_true(stor_bit((const uint8_t *)rs.cols[C_D].nulls.data, 780));
    assert_false(stor_bit((const uint8_t *)rs.cols[C_D].nulls.data, 781));
    assert_false(rs.cols[C_S].has_nulls);
    msoc_stor__rowset_fini(&rs);
    msoc_stor__rowset_fini(&ref);
}

/* Pending row sets sharing a pool (the appenders of one ingest worker): a cleared
 * row set's large buffers, still holding its bytes, go to the pool and the next
 * row set to fill grows into them. Nothing of the earlier batch may show through:
 * every refill stores exactly what a fresh row set stores. */
static void fill(stor_rowset *rs, const msoc_stor_table_def *def, size_t n, size_t k0,
                 const size_t *null_from)
{
    stor_rowset ref;
    msoc_stor__rowset_init(&ref, rs->n_cols > def->n_cols ? &g_def : def);
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_value v[N_COLS];
    for (size_t k = k0; k < k0 + n; k++) {
        make_row(k, null_from, v);
        assert_int_equal(msoc_stor__rowset_add(rs, def, v, &err), MSOC_OK);
        ref_add(&ref, def, v);
    }
    assert_same(rs, &ref);
    msoc_stor__rowset_fini(&ref);
}

static void test_pool_reuse_across_batches(void **state)
{
    (void)state;
    msoc_stor_rowpool *pool = msoc_stor_rowpool_new();
    stor_rowset a, b;
    msoc_stor__rowset_init(&a, &g_def);
    msoc_stor__rowset_init(&b, &g_def);
    a.pool = b.pool = pool;
    /* Batch 1 in a: many nulls, long strings (rows 30000..: 50-char tails). */
    size_t many[N_COLS] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    fill(&a, &g_def, 20000, 49, many);
    size_t a_data_cap = a.cols[C_S].data.cap, a_l_cap = a.cols[C_L].data.cap;
    assert_true(a_data_cap >= STOR_POOL_MIN);
    assert_true(a_l_cap >= STOR_POOL_MIN);
    assert_int_equal(msoc_stor__rowpool_held(pool), 0);
    msoc_stor__rowset_clear(&a);
    size_t held = msoc_stor__rowpool_held(pool);
    assert_true(held >= a_data_cap + a_l_cap);
    assert_true(a.cols[C_S].data.cap < STOR_POOL_MIN); /* gone to the pool */
    assert_int_equal(a.n_rows, 0);
    /* Batch 2 in b (another tenant, same table): no nulls, shorter strings, and
     * fewer rows; it takes a's buffers with a's bytes still in them. */
    size_t none[N_COLS] = {SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX,
                           SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX};
    fill(&b, &g_def, 7000, 0, none);
    assert_true(msoc_stor__rowpool_held(pool) < held);
    for (size_t c = 0; c < N_COLS; c++)
        assert_false(b.cols[c].has_nulls);
    /* Batch 3 back in a, nulls only from late rows on, while b holds its rows. */
    size_t late[N_COLS] = {SIZE_MAX, 6000, 3, 6001, SIZE_MAX, 0, SIZE_MAX, 5000, SIZE_MAX};
    fill(&a, &g_def, 9000, 100, late);
    msoc_stor__rowset_clear(&b);
    msoc_stor__rowset_clear(&a);
    /* Batch 4: the narrower def (another table's plan) grows from any buffer. */
    fill(&b, &g_def_narrow, 12000, 5, many);
    assert_int_equal(b.n_cols, N_COLS); /* b was made for g_def: the rest is null */
    msoc_stor__rowset_clear(&b);
    /* Trimming: a period keeps what it or the one before gave back. */
    msoc_stor_rowpool_trim(pool);
    size_t after = msoc_stor__rowpool_held(pool);
    assert_true(after > 0);
    fill(&a, &g_def, 100, 0, none); /* a small batch: buffers below the pool's size */
    msoc_stor__rowset_clear(&a);
    msoc_stor_rowpool_trim(pool);   /* the previous period still counts */
    assert_true(msoc_stor__rowpool_held(pool) > 0);
    msoc_stor_rowpool_trim(pool);   /* two small periods: the large buffers go */
    assert_int_equal(msoc_stor__rowpool_held(pool), 0);
    /* And the row sets still work without any pooled memory. */
    fill(&a, &g_def, 3000, 7, late);
    msoc_stor__rowset_fini(&a);
    msoc_stor__rowset_fini(&b);
    msoc_stor_rowpool_free(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nulls_first_late),
        cmocka_unit_test(test_refused_row_leaves_nothing),
        cmocka_unit_test(test_widen_and_narrow_rows),
        cmocka_unit_test(test_pool_reuse_across_batches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
