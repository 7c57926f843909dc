/* The storage pipelines (scan -> where/extend/join probe -> partial summarize, run
 * per chunk on the pool) must give the same results as running the operators one
 * at a time over whole tables, on random data spread over several tenants and
 * many small extent blocks; and dcount's HyperLogLog must be exact for small sets,
 * within its error bound for large ones, and merge to the same sketch however the
 * values were split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/fs.h"
#include "core/datetime.h"
#include "core/pool.h"
#include "core/rng.h"
#include "exec/exec.h"
#include "exec/exec_int.h"
#include "kql/kql.h"
#include "plan/bind.h"
#include "storage/storage.h"

static char g_dir[256];

/* ---- HyperLogLog ---- */

static void test_hll_exact_small(void **state)
{
    (void)state;
    msoc_arena *a = msoc_arena_new(NULL, 0, "hll");
    xhll h;
    msoc_exec__dsk_init(&h, msoc_exec__dsk_precision(1));
    for (uint64_t v = 0; v < 4096; v++) {
        assert_true(msoc_exec__dsk_add(a, &h, msoc_hash_u64(v)));
        assert_true(msoc_exec__dsk_add(a, &h, msoc_hash_u64(v / 2))); /* duplicates */
        assert_int_equal(msoc_exec__dsk_estimate(&h), (int64_t)v + 1);
    }
    msoc_arena_free(a);
}

static void test_hll_accuracy(void **state)
{
    (void)state;
    static const size_t sizes[] = {5000, 20000, 100000, 1000000};
    for (int acc = 0; acc <= 2; acc++) {
        int p = msoc_exec__dsk_precision(acc);
        double se = 1.04 / sqrt((double)((size_t)1 << p));
        for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
            msoc_arena *a = msoc_arena_new(NULL, 0, "hll");
            xhll h;
            msoc_exec__dsk_init(&h, p);
            for (size_t v = 0; v < sizes[k]; v++)
                assert_true(msoc_exec__dsk_add(a, &h, msoc_hash_u64(v * 7919 + (size_t)acc)));
            double est = (double)msoc_exec__dsk_estimate(&h);
            double rel = fabs(est - (double)sizes[k]) / (double)sizes[k];
            if (rel > 4 * se)
                fail_msg("accuracy %d, %zu values: estimate %.0f (error %.4f > %.4f)", acc, sizes[k], est,
                         rel, 4 * se);
            msoc_arena_free(a);
        }
    }
}

static void test_hll_merge_any_split(void **state)
{
    (void)state;
    msoc_rng rng;
    msoc_rng_seed(&rng, 5);
    static const size_t sizes[] = {100, 3000, 5000, 50000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        msoc_arena *a = msoc_arena_new(NULL, 0, "hll");
        xhll whole, parts[7], merged;
        msoc_exec__dsk_init(&whole, 14);
        msoc_exec__dsk_init(&merged, 14);
        for (int i = 0; i < 7; i++)
            msoc_exec__dsk_init(&parts[i], 14);
        for (size_t v = 0; v < sizes[k]; v++) {
            uint64_t h = msoc_hash_u64(v % (sizes[k] / 2 + 1));
            assert_true(msoc_exec__dsk_add(a, &whole, h));
            assert_true(msoc_exec__dsk_add(a, &parts[msoc_rng_below(&rng, 7)], h));
        }
        for (int i = 0; i < 7; i++)
            assert_true(msoc_exec__dsk_merge(a, &merged, &parts[i]));
        assert_int_equal(msoc_exec__dsk_estimate(&merged), msoc_exec__dsk_estimate(&whole));
        msoc_arena_free(a);
    }
}

/* ---- pipelines against the operator-at-a-time path ---- */

typedef struct world {
    msoc_stor_db *db;
    msoc_pool *pool;
    msoc_plan_part parts[5];
} world;

static const char *files[] = {"cmd.exe", "powershell.exe", "svchost.exe", "a.exe", "", "Ärger.exe"};

static void fill(world *w)
{
    msoc_stor_options o = {.seal_rows = 700, .block_rows = 256, .is_nosync = true};
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_stor_open(g_dir, &o, &w->db, &err), MSOC_OK);
    const msoc_stor_table_def *def = msoc_stor_table_find(w->db, "DeviceProcessEvents", 19);
    assert_non_null(def);
    int ts = msoc_stor_table_col_index(def, "Timestamp", 9);
    int dev = msoc_stor_table_col_index(def, "DeviceId", 8);
    int file = msoc_stor_table_col_index(def, "FileName", 8);
    int pid = msoc_stor_table_col_index(def, "ProcessId", 9);
    int size = msoc_stor_table_col_index(def, "FileSize", 8);
    int sha = msoc_stor_table_col_index(def, "SHA256", 6);
    msoc_rng rng;
    msoc_rng_seed(&rng, 77);
    msoc_stor_value *v = calloc(def->n_cols, sizeof *v);
    static const char *tenants[] = {"ta", "tb", "tc", "td", "te"};
    for (int t = 0; t < 5; t++) {
        w->parts[t].tenant = msoc_str_c(tenants[t]);
        w->parts[t].workspace = MSOC_STR_NULL;
        msoc_stor_appender *ap;
        assert_int_equal(msoc_stor_appender_open(w->db, tenants[t], NULL, "DeviceProcessEvents", &ap, &err),
                         MSOC_OK);
        size_t n = 500 + 700 * (size_t)t;
        for (size_t i = 0; i < n; i++) {
            char dv[32], sh[32];
            snprintf(dv, sizeof dv, "dev-%u", (unsigned)msoc_rng_below(&rng, 40));
            snprintf(sh, sizeof sh, "h%u", (unsigned)msoc_rng_below(&rng, 300));
            const char *f = files[msoc_rng_below(&rng, 6)];
            for (size_t c = 0; c < def->n_cols; c++)
                v[c].is_null = true;
            v[ts] = (msoc_stor_value){.is_null = false,
                                      .v.i64 = 1700000000LL * MSOC_TICKS_PER_SECOND +
                                               (int64_t)msoc_rng_below(&rng, 86400 * 3) * MSOC_TICKS_PER_SECOND};
            v[dev] = (msoc_stor_value){.is_null = false, .v.s = {dv, strlen(dv)}};
            v[file] = (msoc_stor_value){.is_null = false, .v.s = {f, strlen(f)}};
            v[sha] = (msoc_stor_value){.is_null = false, .v.s = {sh, strlen(sh)}};
            v[pid] = (msoc_stor_value){.is_null = false, .v.i64 = (int64_t)msoc_rng_below(&rng, 5000)};
            v[size] = (msoc_stor_value){.is_null = msoc_rng_below(&rng, 4) == 0,
                                        .v.i64 = (int64_t)msoc_rng_below(&rng, 100000)};
            assert_int_equal(msoc_stor_appender_add_row(ap, v, &err), MSOC_OK);
            if (i % 300 == 299)
                assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
        }
        assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
        msoc_stor_appender_close(ap);
    }
    free(v);
    w->pool = msoc_pool_new(2);
}

static const msoc_stor_table_def *find_table(void *ctx, const char *name, size_t len)
{
    world *w = ctx;
    return msoc_stor_table_find(w->db, name, len);
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs text and returns its rows as sorted CSV lines joined by '\n' (owned). */
static char *run_sorted(world *w, const char *text, bool is_pipeline_off)
{
    msoc_exec_options o = {0};
    o.pool = w->pool;
    o.db = w->db;
    o.now = 1700000000LL * MSOC_TICKS_PER_SECOND + 86400LL * 3 * MSOC_TICKS_PER_SECOND;
    o.max_rows = 1000000;
    o.is_pipeline_off = is_pipeline_off;
    msoc_exec_query *q = msoc_exec_query_new(&o);
    msoc_arena *arena = msoc_exec_query_arena(q);
    msoc_error err;
    msoc_error_clear(&err);
    msoc_kql_node *root;
    msoc_plan_node *plan;
    const msoc_exec_table *t;
    msoc_plan_catalog cat = {.parts = w->parts, .n_parts = 5, .find_table = find_table, .ctx = w, .now = o.now};
    if (msoc_kql_parse(text, strlen(text), arena, &root, &err) != MSOC_OK ||
        msoc_plan_bind(root, &cat, arena, &plan, &err) != MSOC_OK ||
        msoc_plan_optimize(plan, arena, &err) != MSOC_OK || msoc_exec_run(q, plan, &t, &err) != MSOC_OK)
        fail_msg("%s: %s %s", text, msoc_status_str(err.code), err.msg);
    msoc_buf b;
    msoc_buf_init(&b, (size_t)1 << 28);
    assert_int_equal(msoc_exec_table_write(t, MSOC_EXEC_FMT_CSV, &b, &err), MSOC_OK);
    /* sort the data lines (the header stays first) */
    size_t n_lines = 0;
    for (size_t i = 0; i < b.len; i++)
        n_lines += b.data[i] == '\n';
    char **lines = calloc(n_lines + 1, sizeof *lines);
    char *text_copy = malloc(b.len + 1);
    memcpy(text_copy, b.data, b.len);
    text_copy[b.len] = 0;
    size_t k = 0;
    for (char *p = text_copy; *p && k < n_lines;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = 0;
        lines[k++] = p;
        p = nl ? nl + 1 : p + strlen(p);
    }
    if (k > 1)
        qsort(lines + 1, k - 1, sizeof *lines, cmp_line);
    size_t total = 1;
    for (size_t i = 0; i < k; i++)
        total += strlen(lines[i]) + 1;
    char *out = calloc(total, 1);
    for (size_t i = 0; i < k; i++) {
        strncat(out, lines[i], total - strlen(out) - 1);
        strncat(out, "\n", total - strlen(out) - 1);
    }
    free(lines);
    free(text_copy);
    msoc_buf_fini(&b);
    msoc_exec_query_free(q);
    return out;
}

static const char *queries[] = {
    "DeviceProcessEvents | summarize count() by TenantId",
    "DeviceProcessEvents | summarize count(), dcount(DeviceId), sum(ProcessId), sum(FileSize), "
    "avg(FileSize), min(FileName), max(FileName), min(Timestamp), max(FileSize), countif(FileSize > 500), "
    "count(FileSize), sumif(ProcessId, FileName == 'cmd.exe'), maxif(ProcessId, FileName =~ 'A.EXE'), "
    "dcountif(SHA256, ProcessId < 100) by FileName",
    "DeviceProcessEvents | summarize count() by TenantId, bin(Timestamp, 1h)",
    "DeviceProcessEvents | where ProcessId > 4000 | summarize c = count(), d = dcount(SHA256, 0) by TenantId, DeviceId",
    "DeviceProcessEvents | where FileName == 'nothing' | summarize count(), sum(FileSize), avg(FileSize), min(FileName)",
    "DeviceProcessEvents | where FileName == 'nothing' | summarize count() by TenantId",
    "DeviceProcessEvents | summarize dcount(DeviceId), dcount(ProcessId, 2)",
    "DeviceProcessEvents | extend f = tolower(FileName), big = FileSize > 50000 | where big | summarize count() by f",
    "DeviceProcessEvents | where FileName has 'exe' and ProcessId % 7 == 1 | project TenantId, DeviceId, FileName, FileSize",
    "let s = DeviceProcessEvents | where ProcessId < 300 | distinct SHA256; DeviceProcessEvents | join kind=inner (s) on SHA256 "
    "| summarize count() by TenantId",
    "let rare = DeviceProcessEvents | summarize c = count() by SHA256 | where c < 12; DeviceProcessEvents "
    "| join kind=inner (rare) on SHA256 | project TenantId, DeviceId, SHA256, c, FileSize",
    "DeviceProcessEvents | where ProcessId < 200 | join kind=leftouter (DeviceProcessEvents | where ProcessId < 100 "
    "| project ProcessId, F2 = FileName) on ProcessId | project TenantId, ProcessId, F2",
    "DeviceProcessEvents | join kind=leftanti (DeviceProcessEvents | where ProcessId < 2500 | project ProcessId) on "
    "ProcessId | summarize count(), max(ProcessId)",
    "DeviceProcessEvents | join kind=leftsemi (DeviceProcessEvents | where FileName == 'a.exe' | project DeviceId) on "
    "DeviceId | summarize count() by DeviceId",
    "DeviceProcessEvents | where FileName startswith 'p' | take 3 | count",
};

static void test_pipeline_matches_operator_path(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/msoc_exec_pipe_%d", (int)getpid());
    msoc_remove_tree(g_dir, NULL);
    world w = {0};
    fill(&w);
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *a = run_sorted(&w, queries[i], true);
        char *b = run_sorted(&w, queries[i], false);
        if (strcmp(a, b) != 0)
            fail_msg("query %zu differs: %s\n--- one at a time ---\n%.2000s\n--- pipelined ---\n%.2000s", i,
                     queries[i], a, b);
        assert_true(strchr(a, '\n') != NULL);
        free(a);
        free(b);
    }
    msoc_pool_free(w.pool);
    msoc_stor_close(w.db);
    msoc_remove_tree(g_dir, NULL);
}

/* Joins on one string key memoise each bucket walk by view identity (op_join.c): rows
 * of a dictionary-encoded column (FileName, DeviceId here) share views. Each join is
 * checked against an answer computed without a join probe over the same rows (in /
 * !in set lookups, and products of per-key counts), with keys that repeat on the right
 * (several matches per left row) and the empty string as a key. */
static const char *join_pairs[][2] = {
    {"DeviceProcessEvents | where ProcessId < 400 | join kind=inner (DeviceProcessEvents | where ProcessId > 4600 "
     "| project FileName, P2 = ProcessId) on FileName | count",
     "let l = DeviceProcessEvents | where ProcessId < 400 | summarize n = count() by FileName; "
     "let r = DeviceProcessEvents | where ProcessId > 4600 | summarize m = count() by FileName; "
     "l | join kind=inner (r) on FileName | summarize Count = sum(n * m)"},
    {"DeviceProcessEvents | where ProcessId < 400 | join kind=leftouter (DeviceProcessEvents | where ProcessId > 4600 "
     "and FileName != 'cmd.exe' | project FileName, P2 = ProcessId) on FileName | count",
     "let l = DeviceProcessEvents | where ProcessId < 400 | summarize n = count() by FileName; "
     "let r = DeviceProcessEvents | where ProcessId > 4600 and FileName != 'cmd.exe' | summarize m = count() by FileName; "
     "l | join kind=leftouter (r) on FileName | summarize Count = sum(iff(isnull(m), n, n * m))"},
    {"DeviceProcessEvents | join kind=leftsemi (DeviceProcessEvents | where ProcessId < 30 | project DeviceId) "
     "on DeviceId | count",
     "DeviceProcessEvents | where DeviceId in ((DeviceProcessEvents | where ProcessId < 30 | project DeviceId)) | count"},
    {"DeviceProcessEvents | join kind=leftanti (DeviceProcessEvents | where ProcessId < 30 | project DeviceId) "
     "on DeviceId | count",
     "DeviceProcessEvents | where DeviceId !in ((DeviceProcessEvents | where ProcessId < 30 | project DeviceId)) | count"},
    {"DeviceProcessEvents | join kind=leftsemi (DeviceProcessEvents | where FileName == '' | take 1 | project FileName) "
     "on FileName | count",
     "DeviceProcessEvents | where FileName == '' | count"},
    {"DeviceProcessEvents | join kind=inner (DeviceProcessEvents | where ProcessId < 100 | distinct SHA256) on SHA256 "
     "| count",
     "DeviceProcessEvents | where SHA256 in ((DeviceProcessEvents | where ProcessId < 100 | distinct SHA256)) | count"},
};

static void test_string_key_join_memo(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/msoc_exec_pipe_%d", (int)getpid());
    msoc_remove_tree(g_dir, NULL);
    world w = {0};
    fill(&w);
    for (size_t i = 0; i < sizeof join_pairs / sizeof join_pairs[0]; i++) {
        for (int off = 0; off <= 1; off++) {
            char *a = run_sorted(&w, join_pairs[i][0], off);
            char *b = run_sorted(&w, join_pairs[i][1], off);
            /* the count line, after the header */
            const char *na = strchr(a, '\n'), *nb = strchr(b, '\n');
            assert_non_null(na);
            assert_non_null(nb);
            if (strcmp(na, nb) != 0)
                fail_msg("join %zu (pipeline %s): %s gives %s, without a join probe %s", i, off ? "off" : "on",
                         join_pairs[i][0], na + 1, nb + 1);
            if (strcmp(na, "\n0\n") == 0)
                fail_msg("join %zu: an empty answer tests nothing", i);
            free(a);
            free(b);
        }
    }
    msoc_pool_free(w.pool);
    msoc_stor_close(w.db);
    msoc_remove_tree(g_dir, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hll_exact_small),
        cmocka_unit_test(test_hll_accuracy),
        cmocka_unit_test(test_hll_merge_any_split),
        cmocka_unit_test(test_pipeline_matches_operator_path),
        cmocka_unit_test(test_string_key_join_memo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
