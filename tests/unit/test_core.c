/* Unit tests for src/core: arena budgets, errors, strings, buffers, vectors, hash
 * map growth, datetime/timespan round trips for every literal form, thread pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "core/fs.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- arena ---- */

static void test_arena_basic(void **state)
{
    (void)state;
    msoc_arena *a = msoc_arena_new(NULL, 0, "t");
    char *p = msoc_arena_alloc(a, 10);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % 16, 0);
    memset(p, 'x', 10);
    char *q = msoc_arena_alloc(a, 100000); /* dedicated large block */
    assert_non_null(q);
    memset(q, 'y', 100000);
    char *r = msoc_arena_alloc(a, 24);
    assert_non_null(r);
    assert_true(r != p);
    assert_true(msoc_arena_used(a) >= 100000);
    char *s = msoc_arena_strndup(a, "hello world", 5);
    assert_string_equal(s, "hello");
    msoc_arena_reset(a);
    assert_true(msoc_arena_used(a) < 100000);
    msoc_arena_free(a);
}

static void test_arena_budget(void **state)
{
    (void)state;
    msoc_arena *a = msoc_arena_new(NULL, 256 * 1024, "query");
    size_t n_ok = 0;
    while (msoc_arena_alloc(a, 1000) != NULL)
        n_ok++;
    /* The budget admits roughly budget/1000 allocations, never more. */
    assert_true(n_ok > 100);
    assert_true(n_ok * 1000 <= 256 * 1024);
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_arena_fail(a, &err), MSOC_LIMIT);
    assert_int_equal(err.code, MSOC_LIMIT);
    assert_non_null(strstr(err.msg, "'query'"));
    assert_non_null(strstr(err.msg, "0.2 MiB"));
    /* After a reset the budget is available again. */
    msoc_arena_reset(a);
    assert_non_null(msoc_arena_alloc(a, 1000));
    msoc_arena_free(a);
}

static void test_arena_nested_budget(void **state)
{
    (void)state;
    msoc_arena *tenant = msoc_arena_new(NULL, 512 * 1024, "tenant");
    msoc_arena *q1 = msoc_arena_new(tenant, 0, "q1");
    msoc_arena *q2 = msoc_arena_new(tenant, 0, "q2");
    assert_non_null(msoc_arena_alloc(q1, 300 * 1024));
    /* q2 has no budget of its own but its parent's applies. */
    assert_null(msoc_arena_alloc(q2, 300 * 1024));
    msoc_error err;
    msoc_error_clear(&err);
    msoc_arena_fail(q2, &err);
    assert_non_null(strstr(err.msg, "'tenant'"));
    assert_int_equal(msoc_arena_n_children(tenant), 2);
    /* Freeing q1 returns its bytes to the tenant. */
    msoc_arena_free(q1);
    assert_int_equal(msoc_arena_n_children(tenant), 1);
    assert_non_null(msoc_arena_alloc(q2, 300 * 1024));
    /* Resetting the parent frees remaining children. */
    msoc_arena_reset(tenant);
    assert_int_equal(msoc_arena_n_children(tenant), 0);
    assert_true(msoc_arena_used(tenant) <= 64 * 1024);
    msoc_arena_free(tenant);
}

static int cleanup_count;
static void count_cleanup(void *arg)
{
    cleanup_count += *(int *)arg;
}

static void test_arena_cleanup_and_realloc(void **state)
{
    (void)state;
    msoc_arena *a = msoc_arena_new(NULL, 0, "t");
    static int one = 1, ten = 10;
    cleanup_count = 0;
    assert_true(msoc_arena_on_reset(a, count_cleanup, &one));
    assert_true(msoc_arena_on_reset(a, count_cleanup, &ten));
    char *p = msoc_arena_alloc(a, 16);
    memcpy(p, "0123456789abcde", 16);
    char *p2 = msoc_arena_realloc(a, p, 16, 64); /* last allocation: grows in place */
    assert_ptr_equal(p, p2);
    char *other = msoc_arena_alloc(a, 8);
    (void)other;
    char *p3 = msoc_arena_realloc(a, p2, 64, 128); /* not last: copies */
    assert_ptr_not_equal(p3, p2);
    assert_memory_equal(p3, "0123456789abcde", 16);
    msoc_arena_reset(a);
    assert_int_equal(cleanup_count, 11);
    msoc_arena_free(a);
    assert_int_equal(cleanup_count, 11); /* callbacks run once */
}

/* ---- errors ---- */

static msoc_status inner(msoc_error *err)
{
    return msoc_fail_pos(err, MSOC_SYNTAX, 3, 14, "expected ')' to close 'count(' opened at %d:%d",
                         3, 14);
}

static msoc_status outer(msoc_error *err)
{
    msoc_status st = inner(err);
    if (st != MSOC_OK)
        return st;
    return MSOC_OK;
}

static void test_error_propagation(void **state)
{
    (void)state;
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(outer(&err), MSOC_SYNTAX);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 14);
    assert_string_equal(err.msg, "expected ')' to close 'count(' opened at 3:14");
    /* The first error wins. */
    assert_int_equal(msoc_fail(&err, MSOC_IO, "later"), MSOC_IO);
    assert_int_equal(err.code, MSOC_SYNTAX);
    assert_string_equal(err.msg, "expected ')' to close 'count(' opened at 3:14");
    msoc_error_prefix(&err, "query %s", "q.kql");
    assert_string_equal(err.msg, "query q.kql: expected ')' to close 'count(' opened at 3:14");
    assert_string_equal(msoc_status_str(MSOC_SYNTAX), "syntax_error");
    assert_int_equal(msoc_status_http(MSOC_SYNTAX), 400);
    assert_int_equal(msoc_status_http(MSOC_LIMIT), 422);
    assert_int_equal(msoc_status_from_str("corrupt"), MSOC_CORRUPT);
    assert_int_equal(msoc_status_from_str("nope"), MSOC__STATUS_COUNT);
    assert_int_equal(msoc_fail(NULL, MSOC_IO, "no sink"), MSOC_IO);
}

/* ---- strings and buffers ---- */

static void test_str(void **state)
{
    (void)state;
    assert_true(msoc_str_ieq(MSOC_STR("PowerShell.EXE"), MSOC_STR("powershell.exe")));
    assert_false(msoc_str_eq(MSOC_STR("a"), MSOC_STR("A")));
    assert_true(msoc_str_cmp(MSOC_STR("ab"), MSOC_STR("abc")) < 0);
    msoc_str t = msoc_str_trim(MSOC_STR("  x y \n"));
    assert_true(msoc_str_eq_c(t, "x y"));
    int64_t v;
    assert_true(msoc_str_to_i64(MSOC_STR("-9223372036854775808"), &v));
    assert_true(v == INT64_MIN);
    assert_false(msoc_str_to_i64(MSOC_STR("9223372036854775808"), &v));
    assert_false(msoc_str_to_i64(MSOC_STR("12a"), &v));
    double d;
    assert_true(msoc_str_to_double(MSOC_STR("2.5e3"), &d));
    assert_true(d == 2500.0);
}

static void test_buf_cap_and_json(void **state)
{
    (void)state;
    msoc_buf b;
    msoc_buf_init(&b, 16);
    assert_int_equal(msoc_buf_append_c(&b, "0123456789"), MSOC_OK);
    assert_int_equal(msoc_buf_append_c(&b, "0123456789"), MSOC_TOOBIG);
    assert_int_equal(b.len, 10); /* unchanged by the failed append */
    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_buf_check(&b, "request body", &err), MSOC_TOOBIG);
    assert_non_null(strstr(err.msg, "cap of 16 bytes"));
    msoc_buf_fini(&b);

    msoc_buf_init(&b, 1024);
    msoc_buf_append_json_str(&b, "a\"b\\c\n\x01\xc3\xa9\xff", 10);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\xef\xbf\xbd\"");
    msoc_buf_reset(&b);
    msoc_buf_append_i64(&b, INT64_MIN);
    assert_string_equal(b.data, "-9223372036854775808");
    msoc_buf_reset(&b);
    msoc_buf_append_double(&b, 0.1);
    assert_string_equal(b.data, "0.1");
    msoc_buf_reset(&b);
    msoc_buf_appendf(&b, "%s-%d", "x", 42);
    assert_string_equal(b.data, "x-42");
    msoc_buf_fini(&b);

    /* Reserving nothing on a fresh buffer still yields a real pointer. */
    msoc_buf_init(&b, 8);
    assert_non_null(msoc_buf_reserve(&b, 0));
    msoc_buf_fini(&b);

    /* A JSON string whose worst case exceeds the cap but whose real form fits. */
    msoc_buf_init(&b, 40);
    assert_int_equal(msoc_buf_append_json_str(&b, "abcdefghijklmnop", 16), MSOC_OK);
    assert_string_equal(b.data, "\"abcdefghijklmnop\"");
    msoc_buf_fini(&b);
}

static void test_vec(void **state)
{
    (void)state;
    msoc_vec v;
    msoc_vec_init(&v, sizeof(int), 100);
    for (int i = 0; i < 100; i++)
        assert_int_equal(msoc_vec_append(&v, &i), MSOC_OK);
    int x = 5;
    assert_int_equal(msoc_vec_append(&v, &x), MSOC_TOOBIG);
    assert_int_equal(v.n, 100);
    assert_int_equal(MSOC_VEC_AT(&v, int, 99), 99);
    msoc_vec_fini(&v);
}

/* ---- hash map ---- */

static void test_hashmap_growth(void **state)
{
    (void)state;
    msoc_hashmap m;
    msoc_hashmap_init(&m, NULL, 0);
    char key[32];
    for (uintptr_t i = 0; i < 20000; i++) {
        int n = snprintf(key, sizeof key, "key-%lu", (unsigned long)i);
        assert_int_equal(msoc_hashmap_put(&m, key, (size_t)n, (void *)(i + 1)), MSOC_OK);
    }
    assert_int_equal(m.n, 20000);
    assert_true(m.cap >= 20000 * 4 / 3);
    assert_int_equal(m.cap & (m.cap - 1), 0);
    for (uintptr_t i = 0; i < 20000; i++) {
        int n = snprintf(key, sizeof key, "key-%lu", (unsigned long)i);
        void **slot = msoc_hashmap_get(&m, key, (size_t)n);
        assert_non_null(slot);
        assert_true(*slot == (void *)(i + 1));
    }
    assert_null(msoc_hashmap_get(&m, "missing", 7));
    /* Remove every other key; the rest stay reachable (backward shift). */
    for (uintptr_t i = 0; i < 20000; i += 2) {
        int n = snprintf(key, sizeof key, "key-%lu", (unsigned long)i);
        assert_true(msoc_hashmap_remove(&m, key, (size_t)n));
    }
    assert_int_equal(m.n, 10000);
    for (uintptr_t i = 0; i < 20000; i++) {
        int n = snprintf(key, sizeof key, "key-%lu", (unsigned long)i);
        void **slot = msoc_hashmap_get(&m, key, (size_t)n);
        if (i % 2 == 0)
            assert_null(slot);
        else
            assert_true(slot != NULL && *slot == (void *)(i + 1));
    }
    size_t iter = 0, n_seen = 0;
    msoc_str k;
    void *val;
    while (msoc_hashmap_next(&m, &iter, &k, &val))
        n_seen++;
    assert_int_equal(n_seen, 10000);
    /* The empty key is a key like any other. */
    assert_int_equal(msoc_hashmap_put(&m, "", 0, (void *)7), MSOC_OK);
    assert_true(*msoc_hashmap_get(&m, "", 0) == (void *)7);
    msoc_hashmap_fini(&m);
}

static void test_hashmap_limits(void **state)
{
    (void)state;
    msoc_hashmap m;
    msoc_hashmap_init(&m, NULL, 3);
    assert_int_equal(msoc_hashmap_put(&m, "a", 1, NULL), MSOC_OK);
    assert_int_equal(msoc_hashmap_put(&m, "b", 1, NULL), MSOC_OK);
    assert_int_equal(msoc_hashmap_put(&m, "c", 1, NULL), MSOC_OK);
    assert_int_equal(msoc_hashmap_put(&m, "d", 1, NULL), MSOC_LIMIT);
    assert_int_equal(msoc_hashmap_put(&m, "a", 1, (void *)1), MSOC_OK); /* replace is fine */
    msoc_hashmap_fini(&m);

    /* In a budgeted arena, growth stops at the budget with MSOC_LIMIT. */
    msoc_arena *a = msoc_arena_new(NULL, 128 * 1024, "map");
    msoc_hashmap_init(&m, a, 0);
    msoc_status st = MSOC_OK;
    char key[16];
    for (int i = 0; i < 100000 && st == MSOC_OK; i++) {
        int n = snprintf(key, sizeof key, "%d", i);
        st = msoc_hashmap_put(&m, key, (size_t)n, NULL);
    }
    assert_int_equal(st, MSOC_LIMIT);
    assert_true(msoc_arena_used(a) <= 128 * 1024);
    msoc_hashmap_fini(&m);
    msoc_arena_free(a);
}

/* ---- datetime and timespan ---- */

static msoc_datetime dt(const char *s)
{
    msoc_datetime v = 12345;
    msoc_error err;
    msoc_error_clear(&err);
    msoc_status st = msoc_datetime_parse(s, strlen(s), &v, &err);
    if (st != MSOC_OK)
        fail_msg("datetime '%s' did not parse: %s", s, err.msg);
    return v;
}

static const char *dt_str(const char *s, char *buf)
{
    msoc_datetime_format(dt(s), buf);
    return buf;
}

static void test_datetime_forms(void **state)
{
    (void)state;
    char b[MSOC_DATETIME_FMT_CAP];
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"datetime(2024-01-01)", "2024-01-01T00:00:00.0000000Z"},
        {"2014-05-25T08:20:03.123456Z", "2014-05-25T08:20:03.1234560Z"},
        {"2014-05-25T08:20:03.123456", "2014-05-25T08:20:03.1234560Z"},
        {"2014-05-25T08:20", "2014-05-25T08:20:00.0000000Z"},
        {"2014-11-08 15:55:55.123456Z", "2014-11-08T15:55:55.1234560Z"},
        {"2014-11-08 15:55:55", "2014-11-08T15:55:55.0000000Z"},
        {"2014-11-08 15:55", "2014-11-08T15:55:00.0000000Z"},
        {"2014-11-08", "2014-11-08T00:00:00.0000000Z"},
        {"2015-12-31 23:59:59.9", "2015-12-31T23:59:59.9000000Z"},
        {"2017-01-01T00:00:00.0000000Z", "2017-01-01T00:00:00.0000000Z"},
        {"2024-03-10T12:00:00+01:00", "2024-03-10T11:00:00.0000000Z"},
        {"2024-03-10T12:00:00-0530", "2024-03-10T17:30:00.0000000Z"},
        {"2024-03-10T12:00:00.123456789Z", "2024-03-10T12:00:00.1234567Z"},
        /* RFC 822 */
        {"Sat, 8 Nov 14 15:05:02 GMT", "2014-11-08T15:05:02.0000000Z"},
        {"Sat, 8 Nov 14 15:05:02", "2014-11-08T15:05:02.0000000Z"},
        {"Sat, 8 Nov 14 15:05", "2014-11-08T15:05:00.0000000Z"},
        {"Sat, 8 Nov 14 15:05 GMT", "2014-11-08T15:05:00.0000000Z"},
        {"8 Nov 14 15:05:02 GMT", "2014-11-08T15:05:02.0000000Z"},
        {"8 Nov 14 15:05:02", "2014-11-08T15:05:02.0000000Z"},
        {"8 Nov 14 15:05", "2014-11-08T15:05:00.0000000Z"},
        {"8 Nov 14 15:05 GMT", "2014-11-08T15:05:00.0000000Z"},
        {"Sat, 8 Nov 2014 15:05:02 EST", "2014-11-08T20:05:02.0000000Z"},
        {"8 Nov 2014 15:05:02 +0100", "2014-11-08T14:05:02.0000000Z"},
        {"8 Nov 14 15:05:02 Z", "2014-11-08T15:05:02.0000000Z"},
        /* RFC 850 */
        {"Saturday, 08-Nov-14 15:05:02 GMT", "2014-11-08T15:05:02.0000000Z"},
        {"Saturday, 08-Nov-14 15:05:02", "2014-11-08T15:05:02.0000000Z"},
        {"Saturday, 08-Nov-14 15:05 GMT", "2014-11-08T15:05:00.0000000Z"},
        {"08-Nov-14 15:05:02 GMT", "2014-11-08T15:05:02.0000000Z"},
        {"08-Nov-14 15:05", "2014-11-08T15:05:00.0000000Z"},
        /* US order, as .NET's invariant culture prints it */
        {"10/19/2020 3:04:05 PM", "2020-10-19T15:04:05.0000000Z"},
        {"1/2/2020", "2020-01-02T00:00:00.0000000Z"},
        /* range ends and leap days */
        {"0001-01-01", "0001-01-01T00:00:00.0000000Z"},
        {"9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z"},
        {"2024-02-29", "2024-02-29T00:00:00.0000000Z"},
        {"1969-12-31T23:59:59.9999999Z", "1969-12-31T23:59:59.9999999Z"},
        {"  datetime( 2024-01-01 )  ", "2024-01-01T00:00:00.0000000Z"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = dt_str(cases[i].in, b);
        if (strcmp(got, cases[i].out) != 0)
            fail_msg("'%s' -> '%s', expected '%s'", cases[i].in, got, cases[i].out);
        /* Round trip: the printed form parses back to the same ticks. */
        assert_true(dt(got) == dt(cases[i].in));
    }
    assert_true(dt("datetime(null)") == MSOC_TIME_NULL);
    assert_true(dt("1970-01-01") == 0);
    assert_true(dt("1970-01-01T00:00:00.0000001Z") == 1);
}

static void test_datetime_rejects(void **state)
{
    (void)state;
    static const char *bad[] = {"", "2024-13-01", "2023-02-29", "2024-01-32", "2024-01-01T25:00",
                                "2024-01-01T10:61", "yesterday", "2024-01-01 junk",
                                "10000-01-01", "Sat, 8 Foo 14 15:05:02",
                                "2024-01-01T10:00:00+15:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msoc_datetime v;
        msoc_error err;
        msoc_error_clear(&err);
        if (msoc_datetime_parse(bad[i], strlen(bad[i]), &v, &err) == MSOC_OK)
            fail_msg("'%s' should not parse", bad[i]);
        assert_int_equal(err.code, MSOC_INVALID);
        assert_non_null(strstr(err.msg, "is not a datetime"));
    }
}

static msoc_timespan ts(const char *s)
{
    msoc_timespan v = 12345;
    msoc_error err;
    msoc_error_clear(&err);
    if (msoc_timespan_parse(s, strlen(s), &v, &err) != MSOC_OK)
        fail_msg("timespan '%s' did not parse: %s", s, err.msg);
    return v;
}

static void test_timespan_forms(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int64_t ticks;
        const char *out;
    } cases[] = {
        {"2d", 2 * MSOC_TICKS_PER_DAY, "2.00:00:00"},
        {"1d", MSOC_TICKS_PER_DAY, "1.00:00:00"},
        {"1.5h", 90 * MSOC_TICKS_PER_MINUTE, "01:30:00"},
        {"2.5h", 150 * MSOC_TICKS_PER_MINUTE, "02:30:00"},
        {"2h", 2 * MSOC_TICKS_PER_HOUR, "02:00:00"},
        {"30m", 30 * MSOC_TICKS_PER_MINUTE, "00:30:00"},
        {"10s", 10 * MSOC_TICKS_PER_SECOND, "00:00:10"},
        {"0.1s", MSOC_TICKS_PER_SECOND / 10, "00:00:00.1000000"},
        {"100ms", 100 * MSOC_TICKS_PER_MILLISECOND, "00:00:00.1000000"},
        {"10microsecond", 100, "00:00:00.0000100"},
        {"10microseconds", 100, "00:00:00.0000100"},
        {"1tick", 1, "00:00:00.0000001"},
        {"3ticks", 3, "00:00:00.0000003"},
        {"2days", 2 * MSOC_TICKS_PER_DAY, "2.00:00:00"},
        {"1hour", MSOC_TICKS_PER_HOUR, "01:00:00"},
        {"5minutes", 5 * MSOC_TICKS_PER_MINUTE, "00:05:00"},
        {"1min", MSOC_TICKS_PER_MINUTE, "00:01:00"},
        {"7seconds", 7 * MSOC_TICKS_PER_SECOND, "00:00:07"},
        {"2milliseconds", 2 * MSOC_TICKS_PER_MILLISECOND, "00:00:00.0020000"},
        {"time(15 seconds)", 15 * MSOC_TICKS_PER_SECOND, "00:00:15"},
        {"time(2)", 2 * MSOC_TICKS_PER_DAY, "2.00:00:00"},
        {"time(0.12:34:56.7)", 12 * MSOC_TICKS_PER_HOUR + 34 * MSOC_TICKS_PER_MINUTE +
                                   567 * MSOC_TICKS_PER_SECOND / 10, "12:34:56.7000000"},
        {"time(1.02:03:04)", MSOC_TICKS_PER_DAY + 2 * MSOC_TICKS_PER_HOUR +
                                 3 * MSOC_TICKS_PER_MINUTE + 4 * MSOC_TICKS_PER_SECOND,
         "1.02:03:04"},
        {"time(2h)", 2 * MSOC_TICKS_PER_HOUR, "02:00:00"},
        {"timespan(1d)", MSOC_TICKS_PER_DAY, "1.00:00:00"},
        {"00:30:00", 30 * MSOC_TICKS_PER_MINUTE, "00:30:00"},
        {"-12:00:00", -12 * MSOC_TICKS_PER_HOUR, "-12:00:00"},
        {"14.00:00:00", 14 * MSOC_TICKS_PER_DAY, "14.00:00:00"},
        {"1.12:30:55.1230000", MSOC_TICKS_PER_DAY + 12 * MSOC_TICKS_PER_HOUR +
                                   30 * MSOC_TICKS_PER_MINUTE + 55 * MSOC_TICKS_PER_SECOND +
                                   1230000, "1.12:30:55.1230000"},
        {"-1d", -MSOC_TICKS_PER_DAY, "-1.00:00:00"},
        {"0s", 0, "00:00:00"},
    };
    char b[MSOC_TIMESPAN_FMT_CAP];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        msoc_timespan v = ts(cases[i].in);
        if (v != cases[i].ticks)
            fail_msg("'%s' -> %lld ticks, expected %lld", cases[i].in, (long long)v,
                     (long long)cases[i].ticks);
        msoc_timespan_format(v, b);
        if (strcmp(b, cases[i].out) != 0)
            fail_msg("'%s' printed as '%s', expected '%s'", cases[i].in, b, cases[i].out);
        assert_true(ts(b) == v); /* printed form parses back */
    }
    assert_true(ts("time(null)") == MSOC_TIME_NULL);
    static const char *bad[] = {"", "1x", "d", "1.2.3h", "25:00:00", "10:61", "1d 2h", "-"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msoc_timespan v;
        if (msoc_timespan_parse_fast(bad[i], strlen(bad[i]), &v))
            fail_msg("'%s' should not parse", bad[i]);
    }
}

static void test_civil(void **state)
{
    (void)state;
    /* Every day over four centuries round-trips through the civil conversions. */
    for (int64_t d = -146097 * 2; d < 146097 * 2; d += 7) {
        int y, m, dd;
        msoc_civil_from_days(d, &y, &m, &dd);
        assert_true(msoc_days_from_civil(y, m, dd) == d);
    }
    assert_int_equal(msoc_datetime_weekday(dt("2024-01-01")), 1); /* a Monday */
    assert_int_equal(msoc_datetime_weekday(dt("1969-12-28")), 0); /* a Sunday */
    assert_true(msoc_floor_div(-1, 10) == -1);
    assert_true(msoc_floor_div(10, 10) == 1);
}

/* ---- thread pool and rng ---- */

typedef struct sum_job {
    _Atomic long long total;
    int hits[1000];
} sum_job;

static void add_idx(void *arg, size_t idx)
{
    sum_job *j = arg;
    j->total += (long long)idx;
    j->hits[idx]++;
}

static void test_pool(void **state)
{
    (void)state;
    msoc_pool *p = msoc_pool_new(3);
    assert_int_equal(msoc_pool_size(p), 3);
    for (int round = 0; round < 20; round++) {
        sum_job j;
        memset(&j, 0, sizeof j);
        msoc_pool_run(p, 1000, add_idx, &j);
        assert_true(j.total == 999LL * 1000 / 2);
        for (int i = 0; i < 1000; i++)
            assert_int_equal(j.hits[i], 1);
    }
    msoc_pool_free(p);
    sum_job j;
    memset(&j, 0, sizeof j);
    msoc_pool_run(NULL, 10, add_idx, &j); /* serial fallback */
    assert_true(j.total == 45);
}

static void test_rng(void **state)
{
    (void)state;
    msoc_rng a, b;
    msoc_rng_seed(&a, 42);
    msoc_rng_seed(&b, 42);
    for (int i = 0; i < 100; i++)
        assert_true(msoc_rng_next(&a) == msoc_rng_next(&b));
    int counts[10] = {0};
    for (int i = 0; i < 100000; i++)
        counts[msoc_rng_below(&a, 10)]++;
    for (int i = 0; i < 10; i++)
        assert_true(counts[i] > 9000 && counts[i] < 11000);
    double x = msoc_rng_double(&a);
    assert_true(x >= 0 && x < 1);
}

/* msoc_remove_tree removes nested directories and files, never follows a symbolic
 * link out of the tree, and treats a missing path as already removed. */
static void test_remove_tree(void **state)
{
    (void)state;
    char root[] = "/tmp/msoc-core-rmtree-XXXXXX";
    assert_non_null(mkdtemp(root));
    char outside[] = "/tmp/msoc-core-keep-XXXXXX";
    int fd = mkstemp(outside);
    assert_true(fd >= 0);
    close(fd);
    char p[256];
    snprintf(p, sizeof p, "%s/a", root);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/a/b", root);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/a/b/f.txt", root);
    fd = open(p, O_CREAT | O_WRONLY, 0600);
    assert_true(fd >= 0);
    close(fd);
    snprintf(p, sizeof p, "%s/a/link", root);
    assert_int_equal(symlink(outside, p), 0);

    msoc_error err;
    msoc_error_clear(&err);
    assert_int_equal(msoc_remove_tree(root, &err), MSOC_OK);
    struct stat sb;
    assert_int_not_equal(lstat(root, &sb), 0);
    assert_int_equal(lstat(outside, &sb), 0); /* the link's target survives */
    assert_int_equal(msoc_remove_tree(root, &err), MSOC_OK); /* already gone */
    assert_int_equal(unlink(outside), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_basic),
        cmocka_unit_test(test_arena_budget),
        cmocka_unit_test(test_arena_nested_budget),
        cmocka_unit_test(test_arena_cleanup_and_realloc),
        cmocka_unit_test(test_error_propagation),
        cmocka_unit_test(test_str),
        cmocka_unit_test(test_buf_cap_and_json),
        cmocka_unit_test(test_vec),
        cmocka_unit_test(test_hashmap_growth),
        cmocka_unit_test(test_hashmap_limits),
        cmocka_unit_test(test_datetime_forms),
        cmocka_unit_test(test_datetime_rejects),
        cmocka_unit_test(test_timespan_forms),
        cmocka_unit_test(test_civil),
        cmocka_unit_test(test_pool),
        cmocka_unit_test(test_rng),
        cmocka_unit_test(test_remove_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
