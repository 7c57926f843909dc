/* in / !in / in~ / !in~ against a constant list or a subquery (exec/fn_inset.c, the
 * hash-set path taken from 64 rows and 4 list items) must answer exactly like the
 * row-by-row path of fn_ops.c: both are run here over the same data, below and
 * above the thresholds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exec/exec.h"
#include "kql/kql.h"
#include "plan/bind.h"

static long long count_of(const char *text)
{
    msoc_exec_options o = {0};
    msoc_exec_query *q = msoc_exec_query_new(&o);
    msoc_arena *arena = msoc_exec_query_arena(q);
    msoc_error err;
    msoc_error_clear(&err);
    msoc_kql_node *root;
    msoc_plan_catalog cat = {.now = 1};
    msoc_plan_node *plan = NULL;
    const msoc_exec_table *t = NULL;
    assert_int_equal(msoc_kql_parse(text, strlen(text), arena, &root, &err), MSOC_OK);
    if (msoc_plan_bind(root, &cat, arena, &plan, &err) != MSOC_OK || msoc_plan_optimize(plan, arena, &err) != MSOC_OK ||
        msoc_exec_run(q, plan, &t, &err) != MSOC_OK)
        fail_msg("%s: %s", text, err.msg);
    assert_non_null(t);
    assert_int_equal(t->n_rows, 1);
    long long n = t->cols[0]->v.i[0];
    msoc_exec_query_free(q);
    return n;
}

static void test_inset_matches_row_path(void **state)
{
    (void)state;
    /* n = 10 rows stays on the row path, n = 1000 takes the hash set */
    static const struct {
        const char *pred;
        long long n10, n1000;
    } cases[] = {
        {"s in ('1', '5', '77', '999', 'x')", 2, 4},
        {"s !in ('1', '5', '77', '999', 'x')", 8, 996},
        {"u in~ ('A1', 'a5', 'A77', 'a999', 'zz')", 2, 4},
        {"u !in~ ('A1', 'a5', 'A77', 'a999', 'zz')", 8, 996},
        {"u in ('A1', 'a5', 'A77', 'a999', 'zz')", 1, 2},
        {"s in (dynamic(['2', '3', '4', '500']))", 3, 4},
        {"s in ((range y from 1 to 300 step 3 | project tostring(y)))", 4, 100},
        {"s in ('', '1', '2', '3')", 3, 3},
        {"x in (1, 2, 3, 4)", 4, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char q[512];
        snprintf(q, sizeof q,
                 "range x from 1 to 10 step 1 | extend s = tostring(x), u = strcat('A', x) | where %s | count",
                 cases[i].pred);
        if (count_of(q) != cases[i].n10)
            fail_msg("10 rows, %s: %lld, expected %lld", cases[i].pred, count_of(q), cases[i].n10);
        snprintf(q, sizeof q,
                 "range x from 1 to 1000 step 1 | extend s = tostring(x), u = strcat('A', x) | where %s | count",
                 cases[i].pred);
        if (count_of(q) != cases[i].n1000)
            fail_msg("1000 rows, %s: %lld, expected %lld", cases[i].pred, count_of(q), cases[i].n1000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inset_matches_row_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
