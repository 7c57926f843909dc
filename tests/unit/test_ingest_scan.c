/* The JSON scanner's string scan: the SSE2 path (what x86-64 builds use) and the
 * portable SWAR path (other targets) must agree with each other and with a plain
 * byte loop, for every length and every position of a stop byte, with the buffer
 * ending right after the string (ASan catches an over-read). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* A second copy of the scanner, built with the portable path and renamed. */
#define MSOC_INGEST_PORTABLE_SCAN 1
#define msoc_ingest__json_value portable_json_value
#define msoc_ingest__json_object portable_json_object
#define msoc_ingest__json_only_ws portable_json_only_ws
#define msoc_ingest__obj_begin portable_obj_begin
#define msoc_ingest__obj_next portable_obj_next
#define msoc_ingest__json_unescape portable_json_unescape
#define msoc_ingest__json_compact portable_json_compact
#include "ingest/json.c"
#undef msoc_ingest__json_value

/* The library's copy (SSE2 on x86-64). */
const char *msoc_ingest__json_value(const char *p, const char *end, ing_jval *v,
                                    const char **why);

/* What a string body with one special byte at pos should scan to: the end offset
 * (past the closing quote) or 0 for an error. */
static size_t expect_end(const unsigned char *s, size_t n, bool *has_esc)
{
    *has_esc = false;
    for (size_t i = 1; i < n; i++) {
        if (s[i] == '"')
            return i + 1;
        if (s[i] == '\\') {
            if (i + 1 >= n)
                return 0;
            if (s[i + 1] != 'n' && s[i + 1] != '"' && s[i + 1] != '\\')
                return 0;
            *has_esc = true;
            i++;
            continue;
        }
        if (s[i] < 0x20)
            return 0;
    }
    return 0;
}

static void check_one(const unsigned char *src, size_t n)
{
    char *buf = malloc(n); /* exact size: the scan must not read past it */
    assert_non_null(buf);
    memcpy(buf, src, n);
    bool exp_esc;
    size_t exp = expect_end(src, n, &exp_esc);
    ing_jval a, b;
    const char *wa = NULL, *wb = NULL;
    const char *ea = msoc_ingest__json_value(buf, buf + n, &a, &wa);
    const char *eb = portable_json_value(buf, buf + n, &b, &wb);
    if (exp == 0) {
        assert_null(ea);
        assert_null(eb);
        assert_string_equal(wa, wb);
    } else {
        assert_non_null(ea);
        assert_non_null(eb);
        assert_int_equal(ea - buf, exp);
        assert_int_equal(eb - buf, exp);
        assert_int_equal(a.len, exp - 2);
        assert_int_equal(b.len, exp - 2);
        assert_int_equal(a.has_esc, exp_esc);
        assert_int_equal(b.has_esc, exp_esc);
    }
    free(buf);
}

static void test_string_scan(void **state)
{
    (void)state;
    static const unsigned char specials[] = {'"', '\\', 0x01, 0x1f, 0x20, 0x7f, 0x80, 0xff, 'a'};
    unsigned char s[128];
    for (size_t len = 0; len <= 70; len++) {
        for (size_t pos = 0; pos <= len; pos++) {
            for (size_t k = 0; k < sizeof specials; k++) {
                for (int tail = 0; tail < 2; tail++) {
                    size_t n = 0;
                    s[n++] = '"';
                    for (size_t i = 0; i < len; i++)
                        s[n++] = (unsigned char)('A' + i % 26);
                    if (pos < len)
                        s[1 + pos] = specials[k];
                    s[n++] = '"';
                    if (tail)
                        for (int t = 0; t < 17; t++)
                            s[n++] = ',';
                    check_one(s, n);
                    /* the same with a valid escape just before the special byte */
                    if (pos >= 2 && pos < len) {
                        s[pos - 1] = '\\';
                        s[pos] = 'n';
                        check_one(s, n);
                    }
                    /* unterminated: the closing quote cut off */
                    if (!tail)
                        check_one(s, n - 1);
                }
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
