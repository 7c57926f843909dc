/* The ingest JSON object scanner: the AVX2 scan (ING_SCAN_AVX2, what
 * msoc_ingest__json_object uses on CPUs with AVX2) must give exactly the reference
 * scanner's result (ING_SCAN_REF) on every record: the same accept/reject, the
 * same reason, the same end, and the same members (kinds, spans, has_esc,
 * is_same_key), with the same key hints. Records are generated (escapes, escaped
 * quotes and backslash runs at 16/32-byte step edges, strings ending at step
 * edges, control characters, UTF-8, short records, nested values, whitespace)
 * and then damaged; each sits at the very end of an exact-size allocation (ASan
 * catches any read past it) and is scanned both with and without read_end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/rng.h"
#include "ingest/ingest_int.h"

typedef struct gen {
    msoc_rng rng;
    char *buf;
    size_t len, cap;
} gen;

static void put(gen *g, const char *s, size_t n)
{
    if (g->len + n + 1 > g->cap) {
        g->cap = (g->len + n + 1) * 2;
        g->buf = realloc(g->buf, g->cap);
        assert_non_null(g->buf);
    }
    memcpy(g->buf + g->len, s, n);
    g->len += n;
}

static void puts_(gen *g, const char *s)
{
    put(g, s, strlen(s));
}

static unsigned pick(gen *g, unsigned n)
{
    return (unsigned)(msoc_rng_next(&g->rng) % n);
}

/* A string body of about len bytes (escapes and UTF-8 mixed in when rich). */
static void gen_body(gen *g, size_t len, bool rich)
{
    static const char *const escs[] = {"\\\\", "\\\"", "\\n", "\\t", "\\/", "\\u00e9", "\\ud83d\\ude00",
                                       "\\\\\\\\", "\\\\\\\"", "\\b", "\\f", "\\r", "\\u0041"};
    static const char *const utf8[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc2\xae"};
    size_t n = 0;
    while (n < len) {
        unsigned r = pick(g, 100);
        if (rich && r < 12) {
            const char *e = escs[pick(g, sizeof escs / sizeof escs[0])];
            puts_(g, e);
            n += strlen(e);
        } else if (rich && r < 16) {
            const char *u = utf8[pick(g, sizeof utf8 / sizeof utf8[0])];
            puts_(g, u);
            n += strlen(u);
        } else {
            char c = (char)('a' + pick(g, 26));
            if (r < 25)
                c = (char)('0' + pick(g, 10));
            else if (r < 28)
                c = ' ';
            put(g, &c, 1);
            n++;
        }
    }
}

/* A body padded so that its closing quote lands at offset target mod 32 from the
 * record start (a step edge, or one off it). */
static void gen_edge_body(gen *g, size_t start, unsigned target)
{
    size_t here = g->len - start;
    size_t want = (here + 32 - target % 32) % 32 + 32 * pick(g, 3);
    if (pick(g, 2)) {
        /* a run of backslashes that crosses the edge: 2k of them stay literal,
         * an odd run escapes the quote after it */
        size_t run = 1 + pick(g, 6);
        if (run > want)
            run = want;
        for (size_t i = 0; i + run < want; i++)
            put(g, "x", 1);
        for (size_t i = 0; i < run; i++)
            put(g, "\\", 1);
        if (run % 2)
            put(g, "\"", 1); /* an escaped quote: the string goes on */
        return;
    }
    gen_body(g, want, false);
}

static void gen_value(gen *g, size_t start, int depth, bool rich);

static void gen_string(gen *g, size_t start, bool rich)
{
    put(g, "\"", 1);
    unsigned r = pick(g, 10);
    if (r < 3)
        gen_edge_body(g, start, pick(g, 4) - 1 + 32);
    else if (r < 4)
        ; /* empty */
    else
        gen_body(g, pick(g, r < 8 ? 20 : 90), rich);
    put(g, "\"", 1);
}

static void ws(gen *g, bool rich)
{
    if (rich && pick(g, 8) == 0) {
        static const char *const w[] = {" ", "\t", "\r\n", "  \n "};
        puts_(g, w[pick(g, 4)]);
    }
}

static void gen_value(gen *g, size_t start, int depth, bool rich)
{
    unsigned r = pick(g, 100);
    char num[64];
    if (r < 60) {
        gen_string(g, start, rich);
    } else if (r < 75) {
        int n = snprintf(num, sizeof num, "%s%llu", pick(g, 4) == 0 ? "-" : "",
                         (unsigned long long)(msoc_rng_next(&g->rng) >> pick(g, 64)));
        put(g, num, (size_t)n);
    } else if (r < 80) {
        static const char *const nums[] = {"0", "-0", "1.5", "-2e10", "3E-2", "0.25e+3", "7"};
        puts_(g, nums[pick(g, 7)]);
    } else if (r < 88) {
        static const char *const lits[] = {"true", "false", "null"};
        puts_(g, lits[pick(g, 3)]);
    } else if (depth < 3 && r < 94) {
        put(g, "[", 1);
        unsigned n = pick(g, 4);
        for (unsigned i = 0; i < n; i++) {
            if (i)
                put(g, ",", 1);
            ws(g, rich);
            gen_value(g, start, depth + 1, rich);
        }
        put(g, "]", 1);
    } else if (depth < 3) {
        put(g, "{", 1);
        unsigned n = pick(g, 4);
        for (unsigned i = 0; i < n; i++) {
            if (i)
                put(g, ",", 1);
            gen_string(g, start, rich);
            put(g, ":", 1);
            gen_value(g, start, depth + 1, rich);
        }
        put(g, "}", 1);
    } else {
        gen_string(g, start, rich);
    }
}

static const char *const keys[] = {
    "Timestamp", "DeviceId", "DeviceName", "ActionType", "FileName", "FolderPath", "SHA256",
    "InitiatingProcessVersionInfoOriginalFileName", "ProcessId", "TenantId", "A", "",
    "Es\\u0063aped", "Quo\\\"te", "key_with_exactly_31_characters_", "k32_with_exactly_32_characters__",
};

/* A record: an object of members in one of a few layouts, so that consecutive
 * records often share keys (the hints) and sometimes do not. */
static void gen_record(gen *g, unsigned layout, bool rich)
{
    size_t start = g->len;
    ws(g, rich);
    put(g, "{", 1);
    unsigned n = pick(g, 12) == 0 ? 0 : 1 + pick(g, 20);
    for (unsigned i = 0; i < n; i++) {
        if (i)
            put(g, ",", 1);
        ws(g, rich);
        put(g, "\"", 1);
        puts_(g, keys[(i * 7 + layout * (i % 3 == 0 ? 1 : 0)) % (sizeof keys / sizeof keys[0])]);
        put(g, "\"", 1);
        ws(g, rich);
        put(g, ":", 1);
        ws(g, rich);
        gen_value(g, start, 0, rich);
        ws(g, rich);
    }
    put(g, "}", 1);
    ws(g, rich);
}

/* Damages the record [0, n) in place (or cuts it): one of the ways a row goes wrong. */
static size_t damage(gen *g, char *r, size_t n)
{
    if (n == 0)
        return 0;
    size_t at = pick(g, (unsigned)n);
    switch (pick(g, 9)) {
    case 0: r[at] = (char)pick(g, 0x20); return n;        /* a control character */
    case 1: r[at] = '\\'; return n;                        /* a stray or bad escape */
    case 2: return at;                                     /* cut short */
    case 3: r[at] = '"'; return n;
    case 4: r[at] = ','; return n;                         /* e.g. a trailing comma */
    case 5: r[at] = '}'; return n;
    case 6: r[at] = ':'; return n;
    case 7: r[at] = 'u'; if (at > 0) r[at - 1] = '\\'; return n; /* a short \u */
    default: r[at] = (char)(0x80 | pick(g, 0x80)); return n;     /* stray UTF-8 */
    }
}

typedef struct scan_res {
    const char *end;
    const char *why;
    ing_jval obj;
    bool is_same_layout;
    bool is_fast;
} scan_res;

static void check_same(const msoc_vec *a, const msoc_vec *b, const scan_res *ra, const scan_res *rb)
{
    assert_ptr_equal(ra->end, rb->end);
    if (ra->end == NULL) {
        assert_string_equal(ra->why, rb->why);
        return;
    }
    assert_int_equal(ra->obj.kind, rb->obj.kind);
    assert_ptr_equal(ra->obj.p, rb->obj.p);
    assert_int_equal(ra->obj.len, rb->obj.len);
    assert_int_equal(ra->is_same_layout, rb->is_same_layout);
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const ing_field *x = &MSOC_VEC_AT(a, ing_field, i), *y = &MSOC_VEC_AT(b, ing_field, i);
        assert_int_equal(x->key.kind, y->key.kind);
        assert_ptr_equal(x->key.p, y->key.p);
        assert_int_equal(x->key.len, y->key.len);
        assert_int_equal(x->key.has_esc, y->key.has_esc);
        assert_int_equal(x->is_same_key, y->is_same_key);
        assert_int_equal(x->val.kind, y->val.kind);
        assert_ptr_equal(x->val.p, y->val.p);
        assert_int_equal(x->val.len, y->val.len);
        assert_int_equal(x->val.has_esc, y->val.has_esc);
    }
}

static void scan(ing_scan_impl impl, const char *p, const char *end, msoc_vec *out,
                 const msoc_vec *hint, const char *read_end, scan_res *r)
{
    r->why = NULL;
    r->end = msoc_ingest__json_object_impl(impl, p, end, out, hint ? hint->data : NULL, hint ? hint->n : 0,
                                           read_end, &r->obj, &r->is_same_layout, &r->is_fast, &r->why);
}

typedef struct counts {
    unsigned n, n_ok, n_fast, n_fast_hinted;
    unsigned n_line, n_line_ok, n_line_fast; /* line mode: lines, whole-line objects, decided */
} counts;

/* What may follow a record on its line and after it (line mode's end lies past
 * the line): nothing (the input ends), a line end and more lines, whitespace
 * with or without a line end, text after the object, a record on the same line. */
static const char *const tails[] = {
    "", "\n", "\n{\"k\":\"v\"}\n", "  \r\n\n", " \t", "\r\n{", " x\n", "{\"k\":1}\n", "\n\n  ",
};

/* Line mode (msoc_ingest__json_row_line): cur, then tail, after prev and '\n' in
 * one exact-size buffer, scanned with the buffer's end as end. When it decides,
 * its line end must be the first '\n' after cur (or the end), and everything
 * must equal the reference scan of that line alone; it must decide for most
 * whole-line objects (counted) when the buffer ends with a '\n' (the stop its
 * member loop relies on), and never when it does not. */
static void check_line(const char *prev, size_t n_prev, const char *cur, size_t n_cur,
                       const char *tail, counts *c)
{
    size_t n_tail = strlen(tail), total = n_prev + 1 + n_cur + n_tail;
    char *buf = malloc(total);
    assert_non_null(buf);
    memcpy(buf, prev, n_prev);
    buf[n_prev] = '\n';
    memcpy(buf + n_prev + 1, cur, n_cur);
    memcpy(buf + n_prev + 1 + n_cur, tail, n_tail);
    const char *p = buf + n_prev + 1, *end = buf + total;
    const char *nl = memchr(p, '\n', (size_t)(end - p)), *line = nl != NULL ? nl : end;

    msoc_vec hint, a, b;
    msoc_vec_init(&hint, sizeof(ing_field), 1 << 16);
    msoc_vec_init(&a, sizeof(ing_field), 1 << 16);
    msoc_vec_init(&b, sizeof(ing_field), 1 << 16);
    scan_res rh, ra, rb;
    scan(ING_SCAN_REF, buf, buf + n_prev, &hint, NULL, NULL, &rh);
    bool has_hint = rh.end != NULL;
    for (int k = 0; k < (has_hint ? 3 : 1); k++) {
        const msoc_vec *hv = k == 0 ? NULL : &hint;
        /* k == 2: read_end by the caller's rule (16 bytes after the hint's object) */
        const char *read_end = k == 2 && (size_t)(end - rh.end) >= 16 ? end : NULL;
        scan(ING_SCAN_REF, p, line, &a, hv, read_end, &ra);
        bool is_whole = ra.end != NULL && msoc_ingest__json_only_ws(ra.end, line);
        const char *le = NULL;
        memset(&rb, 0, sizeof rb);
        rb.end = msoc_ingest__json_row_line(p, end, &b, hv ? hv->data : NULL, hv ? hv->n : 0,
                                            read_end, &rb.obj, &rb.is_same_layout, &le);
        c->n_line++;
        c->n_line_ok += is_whole && end[-1] == '\n';
        if (rb.end == NULL)
            continue;
        assert_true(end[-1] == '\n');
        c->n_line_fast++;
        assert_true(is_whole); /* never accepts a line the reference rejects */
        assert_ptr_equal(le, line);
        check_same(&a, &b, &ra, &rb);
    }
    msoc_vec_fini(&hint);
    msoc_vec_fini(&a);
    msoc_vec_fini(&b);
    free(buf);
}

/* Scans records prev and cur laid out in one exact-size buffer (prev, '\n', cur),
 * both ways; with hints from prev and read_end when prev is valid. */
static void check_pair(const char *prev, size_t n_prev, const char *cur, size_t n_cur, counts *c)
{
    size_t total = n_prev + 1 + n_cur;
    char *buf = malloc(total);
    assert_non_null(buf);
    memcpy(buf, prev, n_prev);
    buf[n_prev] = '\n';
    memcpy(buf + n_prev + 1, cur, n_cur);
    const char *p = buf + n_prev + 1, *end = buf + total;

    msoc_vec hint, a, b;
    msoc_vec_init(&hint, sizeof(ing_field), 1 << 16);
    msoc_vec_init(&a, sizeof(ing_field), 1 << 16);
    msoc_vec_init(&b, sizeof(ing_field), 1 << 16);
    scan_res rh, ra, rb;
    scan(ING_SCAN_REF, buf, buf + n_prev, &hint, NULL, NULL, &rh);
    bool has_hint = rh.end != NULL;
    /* the caller's rule (ingest.c): 16 bytes after the hint row's object */
    const char *read_end = has_hint && (size_t)(end - rh.end) >= 16 ? end : NULL;

    /* no hints, no read_end */
    scan(ING_SCAN_REF, p, end, &a, NULL, NULL, &ra);
    scan(ING_SCAN_AVX2, p, end, &b, NULL, NULL, &rb);
    check_same(&a, &b, &ra, &rb);
    c->n++;
    c->n_ok += ra.end != NULL;
    c->n_fast += rb.is_fast;
    if (rb.is_fast)
        assert_non_null(ra.end); /* the fast path never accepts what the reference rejects */
    if (has_hint) {
        scan(ING_SCAN_REF, p, end, &a, &hint, read_end, &ra);
        scan(ING_SCAN_AVX2, p, end, &b, &hint, read_end, &rb);
        check_same(&a, &b, &ra, &rb);
        c->n_fast_hinted += rb.is_fast;
        /* and the previous record's hints without read_end */
        scan(ING_SCAN_REF, p, end, &a, &hint, NULL, &ra);
        scan(ING_SCAN_AVX2, p, end, &b, &hint, NULL, &rb);
        check_same(&a, &b, &ra, &rb);
    }
    msoc_vec_fini(&hint);
    msoc_vec_fini(&a);
    msoc_vec_fini(&b);
    free(buf);
}

static void run_generated(bool rich, unsigned rounds, uint64_t seed, counts *c)
{
    gen g = {0};
    msoc_rng_seed(&g.rng, seed);
    char *prev = NULL;
    size_t n_prev = 0;
    for (unsigned i = 0; i < rounds; i++) {
        g.len = 0;
        gen_record(&g, pick(&g, 3), rich);
        size_t n = g.len;
        if (pick(&g, 4) == 0)
            n = damage(&g, g.buf, n);
        check_pair(prev ? prev : "", n_prev, g.buf, n, c);
        check_line(prev ? prev : "", n_prev, g.buf, n, tails[i % (sizeof tails / sizeof tails[0])], c);
        free(prev);
        prev = malloc(n + 1);
        assert_non_null(prev);
        memcpy(prev, g.buf, n);
        n_prev = n;
    }
    free(prev);
    free(g.buf);
}

static void test_generated(void **state)
{
    (void)state;
    if (!msoc_ingest__json_scan_has(ING_SCAN_AVX2)) {
        print_message("this CPU has no AVX2: only the reference scanner runs\n");
        skip();
    }
    counts plain = {0}, rich = {0};
    run_generated(false, 3000, 42, &plain);
    run_generated(true, 3000, 7, &rich);
    print_message("plain: %u records, %u valid, %u fast (%u with hints); rich: %u, %u valid, %u fast (%u with hints)\n",
                  plain.n, plain.n_ok, plain.n_fast, plain.n_fast_hinted, rich.n, rich.n_ok, rich.n_fast,
                  rich.n_fast_hinted);
    print_message("line mode: plain %u lines, %u whole objects, %u decided; rich %u, %u, %u\n",
                  plain.n_line, plain.n_line_ok, plain.n_line_fast, rich.n_line, rich.n_line_ok,
                  rich.n_line_fast);
    /* The fast path must actually run: most well-formed plain records take it. */
    assert_true(plain.n_ok > plain.n / 2);
    assert_true(plain.n_fast > plain.n_ok * 9 / 10);
    assert_true(plain.n_fast_hinted > 0);
    assert_true(rich.n_fast > 0);
    assert_true(plain.n_line_fast > plain.n_line_ok * 9 / 10);
    assert_true(rich.n_line_fast > 0);
}

/* Line mode, by hand: a line end inside the object (in whitespace before or after
 * a key, a colon, a value, a nested value), CRLF, text after the object. Each must
 * be left to the caller (NULL) or decided as the line alone scans. */
static void test_line_ends(void **state)
{
    (void)state;
    if (!msoc_ingest__json_scan_has(ING_SCAN_AVX2))
        skip();
    static const char *const recs[] = {
        "{\"a\":\n\"b\"}", "{\"a\":\n1}", "{\"a\"\n:1}", "{\n\"a\":1}", "{\"a\":1\n,\"b\":2}",
        "{\"a\":1,\n\"b\":2}", "{\"a\":{\"x\":\n1}}", "{\"a\":[1,\n2]}", "{\"a\": [1, 2]}",
        "{\"a\":1}\r", "{\"a\":1} \t\r", "{\"a\":1}x", "{\"a\":1}{}", "\n{\"a\":1}", " {\"a\": \"b\" }",
        "{\"a\":true\n}", "{\"a\":\"b\n\"}", "{}", "{\n}", "{\"a\":1", "{\"a\":\"b", "",
        "{\"k\":\"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopq\"}",
    };
    counts c = {0};
    for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++)
        for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
            check_line("", 0, recs[i], strlen(recs[i]), tails[t], &c);
            check_line("{\"a\":\"bb\",\"b\":2}", 16, recs[i], strlen(recs[i]), tails[t], &c);
        }
    print_message("%u lines, %u whole objects, %u decided\n", c.n_line, c.n_line_ok, c.n_line_fast);
    assert_true(c.n_line_fast > 0);
}

/* Hand-made records around the edges of the 32- and 16-byte steps. */
static void test_edges(void **state)
{
    (void)state;
    if (!msoc_ingest__json_scan_has(ING_SCAN_AVX2))
        skip();
    counts c = {0};
    char rec[512];
    for (size_t pad = 0; pad < 80; pad++) {
        for (unsigned kind = 0; kind < 12; kind++) {
            size_t n = 0;
            n += (size_t)snprintf(rec + n, sizeof rec - n, "{\"k\":\"");
            for (size_t i = 0; i < pad; i++)
                rec[n++] = (char)('a' + i % 26);
            switch (kind) {
            case 0: n += (size_t)snprintf(rec + n, sizeof rec - n, "\"}"); break;
            case 1: n += (size_t)snprintf(rec + n, sizeof rec - n, "\\\"\"}"); break;
            case 2: n += (size_t)snprintf(rec + n, sizeof rec - n, "\\\\\"}"); break;
            case 3: n += (size_t)snprintf(rec + n, sizeof rec - n, "\\\\\\\"x\"}"); break;
            case 4: n += (size_t)snprintf(rec + n, sizeof rec - n, "\x01\"}"); break;
            case 5: n += (size_t)snprintf(rec + n, sizeof rec - n, "\\u12\"}"); break;
            case 6: n += (size_t)snprintf(rec + n, sizeof rec - n, "\\x\"}"); break;
            case 7: n += (size_t)snprintf(rec + n, sizeof rec - n, "\",\"n\":12}"); break;
            case 8: n += (size_t)snprintf(rec + n, sizeof rec - n, "\",}"); break;
            case 9: n += (size_t)snprintf(rec + n, sizeof rec - n, "\x01}"); break;
            case 10: n += (size_t)snprintf(rec + n, sizeof rec - n, "\\,\"n\":1}"); break;
            default: n += (size_t)snprintf(rec + n, sizeof rec - n, "\\"); break; /* cut in an escape */
            }
            /* after a record whose value has exactly pad bytes (the hint's length:
             * the special byte right where that value's closing quote was) */
            char plain[256];
            size_t np = (size_t)snprintf(plain, sizeof plain, "{\"k\":\"%.*s\"}", (int)pad, rec + 6);
            check_pair(plain, np, rec, n, &c);
            /* alone (no hint), and after a copy of itself with another value length */
            check_pair("", 0, rec, n, &c);
            check_pair(rec, n, rec, n, &c);
            check_pair("{\"k\":\"abc\"}", 11, rec, n, &c);
            /* cut at every length near the end */
            for (size_t cut = n > 40 ? n - 40 : 0; cut < n; cut++)
                check_pair(rec, n, rec, cut, &c);
        }
    }
    assert_true(c.n_fast > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_generated),
        cmocka_unit_test(test_line_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
