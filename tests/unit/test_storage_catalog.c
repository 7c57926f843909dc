/* The built-in catalog: table and column lookups, partition columns, aliases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "storage/catalog.h"

static void test_catalog(void **state)
{
    (void)state;
    assert_int_equal(msoc_stor_builtin_count(), 131);
    const msoc_stor_table_def *t = msoc_stor_builtin_find("DeviceProcessEvents", 19);
    assert_non_null(t);
    assert_int_equal(t->source, MSOC_STOR_SRC_DEFENDER);
    assert_string_equal(t->timestamp_col, "Timestamp");
    int i = msoc_stor_table_col_index(t, "ProcessCommandLine", 18);
    assert_true(i >= 0);
    assert_int_equal(t->cols[i].type, MSOC_TYPE_STRING);
    i = msoc_stor_table_col_index(t, "AdditionalFields", 16);
    assert_int_equal(t->cols[i].type, MSOC_TYPE_STRING);
    assert_int_equal(t->cols[i].la_type, MSOC_TYPE_DYNAMIC);
    i = msoc_stor_table_col_index(t, "TenantId", 8);
    assert_true(i >= 0 && (t->cols[i].flags & MSOC_STOR_COL_TENANT));
    assert_int_equal(msoc_stor_table_col_index(t, "WorkspaceId", 11), -1);
    assert_null(msoc_stor_builtin_find("deviceprocessevents", 19)); /* case-sensitive */

    const msoc_stor_table_def *s = msoc_stor_builtin_find("SigninLogs", 10);
    assert_non_null(s);
    assert_int_equal(s->source, MSOC_STOR_SRC_SENTINEL);
    i = msoc_stor_table_col_index(s, "WorkspaceId", 11);
    assert_true(i >= 0 && (s->cols[i].flags & MSOC_STOR_COL_WORKSPACE));
    i = msoc_stor_table_col_index(s, "_ItemId", 7);
    assert_true(i >= 0 && (s->cols[i].flags & MSOC_STOR_COL_HIDDEN));

    const msoc_stor_table_def *g = msoc_stor_builtin_find("GraphApiAuditEvents", 19);
    assert_non_null(g);
    assert_string_equal(g->name, "GraphAPIAuditEvents");

    /* Every table: unique column names, exactly one TenantId. */
    size_t total = 0;
    for (size_t k = 0; k < msoc_stor_builtin_count(); k++) {
        const msoc_stor_table_def *x = msoc_stor_builtin_at(k);
        assert_true(x->n_cols > 0);
        total += x->n_cols;
        int n_tenant = 0;
        for (size_t c = 0; c < x->n_cols; c++) {
            if (x->cols[c].flags & MSOC_STOR_COL_TENANT)
                n_tenant++;
            assert_int_equal(msoc_stor_table_col_index(x, x->cols[c].name,
                                                       strlen(x->cols[c].name)),
                             (int)c);
        }
        assert_int_equal(n_tenant, 1);
    }
    assert_int_equal(total, 4919);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_catalog)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
