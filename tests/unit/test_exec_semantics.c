/* Kusto semantics the engine must keep, checked through whole queries: has (whole
 * terms, case-insensitive) vs contains (substring), the vectorised string kernels
 * agreeing with the row-at-a-time path, null rules, int/long/real promotion,
 * modulo, innerunique as the default join, summarize naming. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/rng.h"
#include "exec/exec.h"
#include "kql/kql.h"
#include "plan/bind.h"

/* Runs text; returns the first cell as text in buf (or "ERR <code>"). */
static void run1(const char *text, char *buf, size_t cap)
{
    msoc_exec_options o = {0};
    o.now = 1;
    msoc_exec_query *q = msoc_exec_query_new(&o);
    msoc_arena *arena = msoc_exec_query_arena(q);
    msoc_error err;
    msoc_error_clear(&err);
    msoc_kql_node *root;
    msoc_plan_node *plan;
    const msoc_exec_table *t;
    msoc_plan_catalog cat = {.now = 1};
    if (msoc_kql_parse(text, strlen(text), arena, &root, &err) != MSOC_OK ||
        msoc_plan_bind(root, &cat, arena, &plan, &err) != MSOC_OK ||
        msoc_plan_optimize(plan, arena, &err) != MSOC_OK || msoc_exec_run(q, plan, &t, &err) != MSOC_OK) {
        snprintf(buf, cap, "ERR %s %s", msoc_status_str(err.code), err.msg);
    } else if (t->n_rows == 0 || t->n_cols == 0) {
        snprintf(buf, cap, "EMPTY");
    } else {
        msoc_buf b;
        msoc_buf_init(&b, 1 << 20);
        msoc_buf_reserve(&b, 1);
        msoc_exec_cell_text(t->cols[0], 0, &b);
        snprintf(buf, cap, "%.*s", (int)b.len, b.data);
        msoc_buf_fini(&b);
    }
    msoc_exec_query_free(q);
}

static void expect(const char *text, const char *want)
{
    char got[600];
    run1(text, got, sizeof got);
    if (strcmp(got, want) != 0)
        fail_msg("%s\n  expected %s\n  got      %s", text, want, got);
}

static void test_has_vs_contains(void **state)
{
    (void)state;
    expect("print 'Run MIMIKATZ.exe now' has 'mimikatz'", "true");
    expect("print 'Run MIMIKATZ.exe now' contains 'mimik'", "true");
    expect("print 'Run MIMIKATZ.exe now' has 'mimik'", "false");
    expect("print 'powershell -enc AAA' has '-enc'", "true");
    expect("print 'powershell -encodedcommand AAA' has '-enc'", "false");
    expect("print 'abc' has_cs 'ABC'", "false");
    expect("print 'abc' contains_cs 'b'", "true");
    expect("print 'Hello' startswith 'he'", "true");
    expect("print 'Hello' == 'hello'", "false");
    expect("print 'Hello' =~ 'hello'", "true");
}

/* The vectorised kernels (constant needle) must agree with the row path
 * (needle computed by strcat, which the kernels do not take). */
static void test_kernels_match_row_path(void **state)
{
    (void)state;
    static const char *hays[] = {"", "a", "abc", "ABC def", "x-enc y", "x -enc", "-enc", "mimikatz",
                                 "MiMiKaTz.exe", "c:\\\\windows\\\\system32", "aaa", "ab ab ab", "über straße"};
    static const char *needles[] = {"", "a", "abc", "b", "-enc", "enc", "MIMIKATZ", "exe", "ab", "über",
                                    "\\\\", "aa"};
    static const char *ops[] = {"has", "!has", "contains", "!contains", "startswith", "endswith", "==",
                                "=~", "!=", "has_cs", "contains_cs", "hasprefix", "hassuffix"};
    char text[512], fast[600], slow[600];
    for (size_t h = 0; h < sizeof hays / sizeof hays[0]; h++)
        for (size_t n = 0; n < sizeof needles / sizeof needles[0]; n++)
            for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
                snprintf(text, sizeof text, "datatable(s:string)['%s'] | project s %s '%s'", hays[h], ops[o],
                         needles[n]);
                run1(text, fast, sizeof fast);
                snprintf(text, sizeof text, "datatable(s:string)['%s'] | project s %s strcat('%s', '')", hays[h],
                         ops[o], needles[n]);
                run1(text, slow, sizeof slow);
                if (strcmp(fast, slow) != 0)
                    fail_msg("'%s' %s '%s': kernel %s, row path %s", hays[h], ops[o], needles[n], fast, slow);
            }
}

static void test_nulls_and_types(void **state)
{
    (void)state;
    expect("print isnull(int(null) + 1)", "true");
    expect("print gettype(1 + 1.5)", "real");
    expect("print gettype(toint(1) + toint(2))", "int");
    expect("print gettype(toint(1) + 2)", "long");
    expect("print -14 % 12", "10");
    expect("print 7 / 2", "3");
    expect("print 7.0 / 2", "3.5");
    expect("print datetime(2024-01-01) + 1d", "2024-01-02T00:00:00.0000000Z");
    expect("print datetime(2024-01-02) - datetime(2024-01-01)", "1.00:00:00");
    expect("print bin(-1, 10)", "-10");
    expect("print strlen('über')", "4");
    expect("print isempty('')", "true");
    expect("print tostring(dynamic({'a':[1,2.5]}))", "{\"a\":[1,2.5]}");
}

static void test_join_and_summarize(void **state)
{
    (void)state;
    /* innerunique (the default) keeps one left row per key */
    expect("let L = datatable(k:long, v:string)[1,'a',1,'b',2,'c']; let R = datatable(k:long)[1,1,2];"
           " L | join R on k | count",
           "3");
    expect("let L = datatable(k:long, v:string)[1,'a',1,'b',2,'c']; let R = datatable(k:long)[1,1,2];"
           " L | join kind=inner R on k | count",
           "5");
    expect("let L = datatable(k:long)[1,2,3]; let R = datatable(k:long)[2]; L | join kind=leftanti R on k | count",
           "2");
    expect("range x from 1 to 10 step 1 | summarize count() by bin(x, 5) | count", "3");
    expect("range x from 1 to 4 step 1 | summarize avg(x)", "2.5");
    expect("datatable(x:long)[] | summarize count()", "0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_has_vs_contains),
        cmocka_unit_test(test_kernels_match_row_path),
        cmocka_unit_test(test_nulls_and_types),
        cmocka_unit_test(test_join_and_summarize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
