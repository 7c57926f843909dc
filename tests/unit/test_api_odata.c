/* src/api OData: $filter trees (precedence, in, not, strings with '' escapes,
 * bare literals) and positioned syntax errors; $orderby. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "api/odata.h"

static msoc_soc_expr *parse(msoc_arena *a, const char *s, msoc_status want, msoc_error *err)
{
    msoc_soc_expr *e = NULL;
    msoc_error_clear(err);
    assert_int_equal(msoc_api_odata_filter_parse(s, strlen(s), a, &e, err), want);
    return e;
}

static void test_filter(void **state)
{
    (void)state;
    msoc_arena *a = msoc_arena_new(NULL, 0, "t");
    msoc_error err;
    /* and binds tighter than or */
    msoc_soc_expr *e = parse(a, "status eq 'active' or severity eq 'high' and assignedTo ne null", MSOC_OK, &err);
    assert_int_equal(e->kind, MSOC_SOC_EXPR_OR);
    assert_int_equal(e->lhs->kind, MSOC_SOC_EXPR_CMP);
    assert_string_equal(e->lhs->field, "status");
    assert_int_equal(e->rhs->kind, MSOC_SOC_EXPR_AND);
    assert_int_equal(e->rhs->rhs->cmp, MSOC_SOC_CMP_NE);
    assert_false(e->rhs->rhs->values[0].is_string);
    assert_string_equal(e->rhs->rhs->values[0].text, "null");
    /* parentheses, not, in, escapes, datetimes */
    e = parse(a, "not (displayName eq 'it''s') and createdDateTime ge 2024-01-31T08:00:00Z and"
                 " severity in ('low', 'high')", MSOC_OK, &err);
    assert_int_equal(e->kind, MSOC_SOC_EXPR_AND);
    assert_int_equal(e->lhs->kind, MSOC_SOC_EXPR_AND);
    assert_int_equal(e->lhs->lhs->kind, MSOC_SOC_EXPR_NOT);
    assert_string_equal(e->lhs->lhs->lhs->values[0].text, "it's");
    assert_int_equal(e->lhs->lhs->lhs->values[0].len, 4);
    assert_string_equal(e->lhs->rhs->values[0].text, "2024-01-31T08:00:00Z");
    assert_int_equal(e->rhs->kind, MSOC_SOC_EXPR_IN);
    assert_int_equal(e->rhs->n_values, 2);
    assert_string_equal(e->rhs->values[1].text, "high");
    /* errors carry a column */
    parse(a, "status eq", MSOC_SYNTAX, &err);
    assert_int_equal(err.col, 10);
    parse(a, "status eq 'x", MSOC_SYNTAX, &err);
    assert_non_null(strstr(err.msg, "unterminated"));
    parse(a, "status xx 'a'", MSOC_SYNTAX, &err);
    assert_int_equal(err.col, 8);
    parse(a, "(status eq 'a'", MSOC_SYNTAX, &err);
    parse(a, "status eq 'a' status", MSOC_SYNTAX, &err);
    parse(a, "severity in ('a',)", MSOC_SYNTAX, &err);
    parse(a, "", MSOC_SYNTAX, &err);
    /* nesting is capped */
    char deep[200];
    memset(deep, '(', 100);
    memcpy(deep + 100, "a eq 1", 7);
    parse(a, deep, MSOC_SYNTAX, &err);
    assert_non_null(strstr(err.msg, "deeply"));
    /* orderby */
    const char *f;
    bool is_desc;
    assert_int_equal(msoc_api_odata_orderby_parse("createdDateTime desc", a, &f, &is_desc, &err), MSOC_OK);
    assert_string_equal(f, "createdDateTime");
    assert_true(is_desc);
    assert_int_equal(msoc_api_odata_orderby_parse("id", a, &f, &is_desc, &err), MSOC_OK);
    assert_false(is_desc);
    assert_int_equal(msoc_api_odata_orderby_parse("id up", a, &f, &is_desc, &err), MSOC_SYNTAX);
    msoc_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
