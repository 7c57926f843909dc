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
#define msoc_ingest__json_object_impl portable_json_object_impl
#define msoc_ingest__json_row_line portable_json_row_line
#define msoc_ingest__json_scan_has portable_json_scan_has
#define msoc_ingest__json_only_ws portable_json_only_ws
#define msoc_ingest__obj_begin portable_obj_begin
#define msoc_ingest__obj_next portable_obj_next
#define msoc_ingest__json_unescape portable_json_unescape
#define msoc_ingest__json_compact portable_json_compact
#include "ingest/json.c"
#undef msoc_ingest__json_value
#undef msoc_ingest__json_unescape

/* The library's copy (SSE2 on x86-64). */
const char *msoc_ingest__json_value(const char *p, const char *end, ing_jval *v,
                                    const char **why);
void msoc_ingest__json_unescape(const char *p, size_t len, msoc_buf *out);

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

/* Unescaping (block copy up to each backslash, in place into reserved room) must
 * give the same bytes as the escapes spell out, on both paths, for every length
 * and every position of an escape, with the input ending right after the body. */
static void check_unescape(const char *body, size_t n, const char *want, size_t want_len)
{
    char *in = malloc(n ? n : 1); /* exact size: no over-read */
    assert_non_null(in);
    memcpy(in, body, n);
    msoc_buf a, b;
    msoc_buf_init(&a, 1 << 20);
    msoc_buf_init(&b, 1 << 20);
    msoc_buf_append(&a, "x", 1); /* appends after what is there */
    msoc_buf_append(&b, "x", 1);
    msoc_ingest__json_unescape(in, n, &a);
    portable_json_unescape(in, n, &b);
    assert_int_equal(a.len, want_len + 1);
    assert_int_equal(b.len, want_len + 1);
    assert_memory_equal(a.data + 1, want, want_len);
    assert_memory_equal(b.data + 1, want, want_len);
    assert_int_equal(a.data[a.len], '\0');
    assert_int_equal(b.data[b.len], '\0');
    msoc_buf_fini(&a);
    msoc_buf_fini(&b);
    free(in);
}

static void test_unescape(void **state)
{
    (void)state;
    static const struct {
        const char *esc, *out;
    } escs[] = {
        {"\\\\", "\\"}, {"\\n", "\n"}, {"\\\"", "\""}, {"\\/", "/"}, {"\\t", "\t"},
        {"\\u00e9", "\xc3\xa9"}, {"\\u20ac", "\xe2\x82\xac"}, {"\\u0000", "\0"},
        {"\\ud83d\\ude00", "\xf0\x9f\x98\x80"}, {"\\ud800", "\xef\xbf\xbd"},
        {"\\udc00x", "\xef\xbf\xbdx"}, {"\\ud800\\u0041", "\xef\xbf\xbd" "A"},
    };
    char body[256], want[256];
    for (size_t len = 0; len <= 40; len++) {
        for (size_t pos = 0; pos <= len; pos++) {
            for (size_t k = 0; k < sizeof escs / sizeof escs[0]; k++) {
                for (int twice = 0; twice < 2; twice++) {
                    size_t n = 0, m = 0;
                    for (size_t i = 0; i < len; i++) {
                        if (i == pos || (twice && i == len - 1)) {
                            size_t el = strlen(escs[k].esc);
                            size_t ol = escs[k].out[0] == '\0' ? 1 : strlen(escs[k].out);
                            memcpy(body + n, escs[k].esc, el);
                            memcpy(want + m, escs[k].out, ol);
                            n += el;
                            m += ol;
                        }
                        body[n++] = (char)('a' + i % 26);
                        want[m++] = (char)('a' + i % 26);
                    }
                    check_unescape(body, n, want, m);
                }
            }
        }
    }
    /* no escape at all, and nothing */
    check_unescape("plain text that is longer than sixteen", 38,
                   "plain text that is longer than sixteen", 38);
    check_unescape("", 0, "", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_scan),
        cmocka_unit_test(test_unescape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
