/* The newer operators through whole queries: what must be refused and how
 * (externaldata, network plugins, data-dependent columns where they cannot be
 * worked out), and that a data-dependent operator (bag_unpack) reads its input
 * once even though the query is bound twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "exec/exec.h"
#include "kql/kql.h"
#include "plan/bind.h"

typedef struct counting_src {
    int n_scans;
} counting_src;

/* Two rows of any table, every column null except dynamic columns, which hold a
 * bag {"k": <row>}. */
static msoc_status count_scan(void *vctx, const msoc_plan_node *node, msoc_arena *arena,
                              msoc_exec_table *out, msoc_error *err)
{
    (void)err;
    counting_src *ctx = vctx;
    ctx->n_scans++;
    size_t rows = 2;
    out->n_rows = rows;
    out->n_cols = node->n_cols;
    out->names = msoc_arena_calloc(arena, node->n_cols + 1, sizeof *out->names);
    out->cols = msoc_arena_calloc(arena, node->n_cols + 1, sizeof *out->cols);
    for (size_t c = 0; c < node->n_cols; c++) {
        msoc_exec_col *col = msoc_arena_calloc(arena, 1, sizeof *col);
        col->type = node->cols[c].type;
        col->n = rows;
        col->nulls = msoc_arena_calloc(arena, rows, 1);
        memset(col->nulls, 1, rows);
        col->v.i = msoc_arena_calloc(arena, rows + 1, 16);
        out->names[c] = node->cols[c].name;
        out->cols[c] = col;
    }
    return MSOC_OK;
}

static msoc_status run(const char *text, counting_src *src_ctx, size_t *n_rows, msoc_error *err)
{
    msoc_exec_source src = {src_ctx, count_scan};
    msoc_exec_options o = {0};
    o.now = 1;
    o.source = &src;
    msoc_exec_query *q = msoc_exec_query_new(&o);
    msoc_arena *arena = msoc_exec_query_arena(q);
    msoc_error_clear(err);
    msoc_kql_node *root;
    msoc_plan_node *plan;
    const msoc_exec_table *t;
    msoc_plan_part part = {MSOC_STR("t1"), MSOC_STR_NULL};
    msoc_plan_catalog cat = {.parts = &part, .n_parts = 1, .now = 1};
    msoc_status st = msoc_kql_parse(text, strlen(text), arena, &root, err);
    if (st == MSOC_OK)
        st = msoc_plan_bind(root, &cat, arena, &plan, err);
    if (st == MSOC_OK)
        st = msoc_plan_optimize(plan, arena, err);
    if (st == MSOC_OK)
        st = msoc_exec_run(q, plan, &t, err);
    if (st == MSOC_OK && n_rows)
        *n_rows = t->n_rows;
    msoc_exec_query_free(q);
    return st;
}

static void expect_refused(const char *text, msoc_status code, const char *msg_part)
{
    counting_src ctx = {0};
    msoc_error err;
    msoc_status st = run(text, &ctx, NULL, &err);
    if (st != code || strstr(err.msg, msg_part) == NULL)
        fail_msg("%s\n  expected %s containing '%s'\n  got %s: %s", text, msoc_status_str(code), msg_part,
                 msoc_status_str(st), err.msg);
    if (err.line == 0)
        fail_msg("%s: error without a position: %s", text, err.msg);
}

static void test_refusals(void **state)
{
    (void)state;
    expect_refused("externaldata (a:string) ['https://example.com/x.csv']", MSOC_UNSUPPORTED,
                   "not supported: externaldata");
    expect_refused("DeviceInfo | evaluate http_request('https://example.com')", MSOC_UNSUPPORTED,
                   "not supported: evaluate http_request");
    expect_refused("DeviceInfo | evaluate python(typeof(*), 'result = df')", MSOC_UNSUPPORTED,
                   "not supported: evaluate python");
    expect_refused("DeviceInfo | evaluate sql_request('Server=x', 'select 1')", MSOC_UNSUPPORTED,
                   "not supported: evaluate sql_request");
    expect_refused("DeviceInfo | evaluate no_such_plugin()", MSOC_UNSUPPORTED, "not supported: evaluate no_such_plugin");
    expect_refused("print d = dynamic([{\"a\":1}]) | mv-apply d on (evaluate bag_unpack(d))", MSOC_UNSUPPORTED,
                   "output schema");
    expect_refused("datatable(a:long, d:dynamic)[1, dynamic({\"a\":2})] | evaluate bag_unpack(d)",
                   MSOC_SEMANTIC, "columnsConflict");
    expect_refused("print x = 1 | partition by nosuch (take 1)", MSOC_SEMANTIC, "unknown column");
    /* a function nobody defines is Kusto's semantic error; one Kusto, Defender or
     * Sentinel provides but the engine lacks is refused by name */
    expect_refused("print x = 1 | invoke nosuch()", MSOC_SEMANTIC, "unknown function 'nosuch'");
    expect_refused("nosuch() | take 1", MSOC_SEMANTIC, "unknown function 'nosuch'");
    expect_refused("print x = 1 | join (nosuch(1)) on x", MSOC_SEMANTIC, "unknown function 'nosuch'");
    expect_refused("let f = (t:(x:long)) { t }; print x = 1 | invoke g()", MSOC_SEMANTIC, "unknown function 'g'");
    {
        counting_src ctx = {0};
        msoc_error err;
        assert_int_equal(run("let a = 1;\nlet b = a + 1;", &ctx, NULL, &err), MSOC_SEMANTIC);
        assert_non_null(strstr(err.msg, "no tabular expression statement found"));
    }
    expect_refused("print x = 1 | invoke SeenBy()", MSOC_UNSUPPORTED, "not supported: invoke SeenBy()");
    expect_refused("imAuthentication() | take 1", MSOC_UNSUPPORTED, "not supported: imAuthentication() as a table");
    expect_refused("_Im_Dns(starttime=ago(1d)) | take 1", MSOC_UNSUPPORTED, "not supported: _Im_Dns()");
    expect_refused("print x = 1 | fork (take 1) (count)", MSOC_UNSUPPORTED, "not supported: fork");
    expect_refused("print x = 1 | scan with (step a: x > 0 => y = 1;)", MSOC_SEMANTIC, "not declared");
    expect_refused("print x = 1 | make-series count() on x step 0", MSOC_SEMANTIC, "step must be positive");
    expect_refused("print x = 1 | make-series count() on x from 0 to 100000000 step 1", MSOC_LIMIT, "exceed");
    expect_refused("print u = 'a', t = now() | evaluate sliding_window_counts(u, t, datetime(null), now(), 1d, 1d)",
                   MSOC_SEMANTIC, "constants");
}

static void test_rebind_reads_once(void **state)
{
    (void)state;
    counting_src ctx = {0};
    msoc_error err;
    size_t n = 0;
    /* DeviceInfo has dynamic columns (e.g. MachineGroup is a string; use pack) */
    msoc_status st = run("DeviceInfo | project b = bag_pack('k', 1, 'TenantId2', TenantId) "
                         "| evaluate bag_unpack(b) | where k == 1 | project k",
                         &ctx, &n, &err);
    if (st != MSOC_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(n, 2);
    assert_int_equal(ctx.n_scans, 1);
    /* two data-dependent operators: two rebinds, still one scan each input */
    ctx.n_scans = 0;
    st = run("DeviceInfo | project b = bag_pack('k', 1, 'c', 'x') | evaluate bag_unpack(b) "
             "| evaluate pivot(c, sum(k)) | project x",
             &ctx, &n, &err);
    if (st != MSOC_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(n, 1);
    assert_int_equal(ctx.n_scans, 1);
}

/* table(name) with the name a function's string parameter or a let constant, as in
 * the table() docs' `let f = (tableName:string) { table(tableName) | ... }`. */
static void test_table_of_a_name(void **state)
{
    (void)state;
    const char *ok[] = {
        "let f = (tn:string) { table(tn) | project DeviceId };\nf('DeviceInfo')",
        "let t = 'DeviceInfo';\ntable(t) | project DeviceId",
        "let f = (tn:string) { table(tn) };\nunion f('DeviceInfo'), f('DeviceInfo') | project DeviceId",
    };
    const size_t want[] = {2, 2, 4};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        counting_src ctx = {0};
        msoc_error err;
        size_t n = 0;
        if (run(ok[i], &ctx, &n, &err) != MSOC_OK)
            fail_msg("%s: %s", ok[i], err.msg);
        assert_int_equal(n, want[i]);
    }
    /* an unknown table by name is refused like a scan of it */
    expect_refused("let f = (tn:string) { table(tn) };\nf('NoSuchTable')", MSOC_SEMANTIC,
                   "unknown table 'NoSuchTable'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_table_of_a_name),
        cmocka_unit_test(test_rebind_reads_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
