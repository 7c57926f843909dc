/* The hunting routes' small parsers: Graph Timespan (ISO-8601) and inline CSV. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/datetime.h"
#include "api/kusto_parse.h"

#define SEC INT64_C(10000000)
#define DAY (INT64_C(86400) * SEC)

static int64_t dur(const char *s, msoc_status want)
{
    msoc_error err;
    msoc_error_clear(&err);
    int64_t t = -1;
    assert_int_equal(kusto_iso_duration(s, strlen(s), &t, &err), want);
    return t;
}

static void test_durations(void **state)
{
    (void)state;
    assert_true(dur("P30D", MSOC_OK) == 30 * DAY);
    assert_true(dur("PT1H30M", MSOC_OK) == 5400 * SEC);
    assert_true(dur("P1W", MSOC_OK) == 7 * DAY);
    assert_true(dur("P1DT2H3M4.5S", MSOC_OK) == DAY + (2 * 3600 + 3 * 60 + 4) * SEC + SEC / 2);
    assert_true(dur("P1Y", MSOC_OK) == 365 * DAY);
    assert_true(dur("PT0.5S", MSOC_OK) == SEC / 2);
    dur("", MSOC_INVALID);
    dur("30D", MSOC_INVALID);
    dur("P", MSOC_INVALID);
    dur("PT", MSOC_INVALID);
    dur("P1H", MSOC_INVALID);          /* H needs T */
    dur("PT1D", MSOC_INVALID);         /* D is not a time unit */
    dur("P1D2W", MSOC_INVALID);        /* out of order */
    dur("P1.5D2H", MSOC_INVALID);      /* a fraction only on the last unit */
    dur("P99999999999999999D", MSOC_INVALID);
    dur("P1X", MSOC_INVALID);
}

static void test_windows(void **state)
{
    (void)state;
    msoc_error err;
    msoc_error_clear(&err);
    msoc_datetime now, a, b;
    const char *ns = "2024-02-15T08:00:00Z";
    assert_int_equal(msoc_datetime_parse(ns, strlen(ns), &now, &err), MSOC_OK);
    assert_int_equal(msoc_datetime_parse("2024-02-01T08:00:00Z", 20, &a, &err), MSOC_OK);
    b = now;
    kusto_window w;
    const char *s = "P14D";
    assert_int_equal(kusto_window_parse(s, strlen(s), now, &w, &err), MSOC_OK);
    assert_true(w.is_set && w.lo == a && w.hi == now);
    s = "2024-02-01T08:00:00Z/2024-02-15T08:00:00Z";
    assert_int_equal(kusto_window_parse(s, strlen(s), 0, &w, &err), MSOC_OK);
    assert_true(w.lo == a && w.hi == b);
    s = "P14D/2024-02-15T08:00:00Z";
    assert_int_equal(kusto_window_parse(s, strlen(s), 0, &w, &err), MSOC_OK);
    assert_true(w.lo == a && w.hi == b);
    s = "2024-02-01T08:00:00Z/P14D";
    assert_int_equal(kusto_window_parse(s, strlen(s), 0, &w, &err), MSOC_OK);
    assert_true(w.lo == a && w.hi == b);
    s = "2024-02-01T08:00:00Z";
    assert_int_equal(kusto_window_parse(s, strlen(s), now, &w, &err), MSOC_OK);
    assert_true(w.lo == a && w.hi == now);
    const char *bad[] = {"P1D/P2D", "yesterday", "2024-02-15T08:00:00Z/2024-02-01T08:00:00Z", "/", "P0D", "", NULL};
    for (int i = 0; bad[i]; i++) {
        msoc_error_clear(&err);
        assert_int_equal(kusto_window_parse(bad[i], strlen(bad[i]), now, &w, &err), MSOC_INVALID);
        assert_true(err.msg[0] != 0);
    }
}

static void test_csv(void **state)
{
    (void)state;
    msoc_arena *a = msoc_arena_new(NULL, 1 << 20, "t");
    msoc_error err;
    msoc_error_clear(&err);
    const char *text = "a,\"b,\"\"c\"\"\",\r\n\n\"multi\nline\",x\nlast";
    kusto_csv c;
    kusto_csv_init(&c, text, strlen(text));
    msoc_str *f;
    size_t n;
    assert_int_equal(kusto_csv_next(&c, a, 100, &f, &n, &err), MSOC_OK);
    assert_int_equal(n, 3);
    assert_true(msoc_str_eq_c(f[0], "a") && msoc_str_eq_c(f[1], "b,\"c\"") && f[2].len == 0);
    assert_int_equal(kusto_csv_next(&c, a, 100, &f, &n, &err), MSOC_OK);
    assert_int_equal(n, 2);
    assert_true(msoc_str_eq_c(f[0], "multi\nline") && msoc_str_eq_c(f[1], "x"));
    assert_int_equal(kusto_csv_next(&c, a, 100, &f, &n, &err), MSOC_OK);
    assert_int_equal(n, 1);
    assert_true(msoc_str_eq_c(f[0], "last"));
    assert_int_equal(kusto_csv_next(&c, a, 100, &f, &n, &err), MSOC_OK);
    assert_int_equal(n, 0);

    const char *bad[] = {"\"open", "a\"b", "\"x\"y", NULL};
    for (int i = 0; bad[i]; i++) {
        kusto_csv_init(&c, bad[i], strlen(bad[i]));
        assert_int_equal(kusto_csv_next(&c, a, 100, &f, &n, &err), MSOC_BADDATA);
    }
    kusto_csv_init(&c, "1,2,3", 5);
    assert_int_equal(kusto_csv_next(&c, a, 2, &f, &n, &err), MSOC_TOOBIG);
    msoc_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
