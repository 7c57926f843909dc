/* The KQL front end: tree shapes, literal values, precedence, diagnostics with
 * positions and codes, budgets, the formatter round trip and control commands. */
/* cmocka.h needs the standard headers first. */
/* clang-format off */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
/* clang-format on */

#include "core/arena.h"
#include "core/datetime.h"
#include "core/str.h"
#include "kql/kql.h"

typedef struct parsed {
    msoc_arena *arena;
    msoc_kql_node *root;
    msoc_status st;
    msoc_kql_diag_code diag;
    msoc_error err;
} parsed;

static parsed parse(const char *q)
{
    parsed r;
    memset(&r, 0, sizeof r);
    r.arena = msoc_arena_new(NULL, 16u << 20, "test");
    msoc_error_clear(&r.err);
    r.st = msoc_kql_parse_ex(q, strlen(q), r.arena, NULL, &r.root, &r.diag, &r.err);
    return r;
}

/* The only statement of a one-statement script. */
static const msoc_kql_node *stmt(const parsed *r)
{
    assert_int_equal(r->st, MSOC_OK);
    assert_int_equal(r->root->kind, MSOC_KQL_SCRIPT);
    assert_int_equal(r->root->args.n, 1);
    return r->root->args.items[0];
}

static void expect_error(const char *q, msoc_kql_diag_code code, uint32_t line, uint32_t col,
                         const char *msg_part)
{
    parsed r = parse(q);
    assert_int_equal(r.st, MSOC_SYNTAX);
    assert_null(r.root);
    if (r.diag != code || r.err.line != line || r.err.col != col || !strstr(r.err.msg, msg_part))
        fail_msg("query %s: got %s %u:%u '%s'", q, msoc_kql_diag_str(r.diag), r.err.line, r.err.col,
                 r.err.msg);
    msoc_arena_free(r.arena);
}

static void test_pipeline_shape(void **state)
{
    (void)state;
    parsed r = parse("DeviceProcessEvents\n| where Timestamp > ago(1d)\n| project a = 1, b\n"
                     "| take 10");
    const msoc_kql_node *p = stmt(&r);
    assert_int_equal(p->kind, MSOC_KQL_PIPE);
    assert_int_equal(p->a->kind, MSOC_KQL_NAME);
    assert_string_equal(p->a->name.ptr, "DeviceProcessEvents");
    assert_int_equal(p->args.n, 3);
    const msoc_kql_node *w = p->args.items[0];
    assert_int_equal(w->kind, MSOC_KQL_OP_WHERE);
    assert_int_equal(w->line, 2);
    assert_int_equal(w->col, 3);
    assert_int_equal(w->a->kind, MSOC_KQL_BINARY);
    assert_int_equal(w->a->op, MSOC_KQL_OP_GT);
    assert_int_equal(w->a->b->kind, MSOC_KQL_CALL);
    assert_string_equal(w->a->b->name.ptr, "ago");
    assert_int_equal(w->a->b->args.items[0]->lit.v.ts, MSOC_TICKS_PER_DAY);
    const msoc_kql_node *pr = p->args.items[1];
    assert_int_equal(pr->kind, MSOC_KQL_OP_PROJECT);
    assert_int_equal(pr->args.n, 2);
    assert_int_equal(pr->args.items[0]->kind, MSOC_KQL_ASSIGN);
    assert_string_equal(pr->args.items[0]->args.items[0]->name.ptr, "a");
    assert_int_equal(p->args.items[2]->kind, MSOC_KQL_OP_TAKE);
    assert_int_equal(p->args.items[2]->a->lit.v.i, 10);
    msoc_arena_free(r.arena);
}

static void test_literals(void **state)
{
    (void)state;
    parsed r = parse("print a = datetime(2024-01-31T08:00:00Z), b = 2h, c = 1.5e3, d = 0x1F, "
                     "e = 'it\\'s\\n', f = @'c:\\dir', g = h\"secret\", h = ```two\nlines```, "
                     "i = guid(74be27de-1e4e-49d9-b579-fe0b331d3642), j = int(null), k = true, "
                     "l = dynamic({\"x\": [1, -2, \"y\", null]}), m = real(-inf), n = 'a' 'b', "
                     "o = decimal(1.25), p = time(1.02:00:00)");
    const msoc_kql_node *pr = stmt(&r);
    assert_int_equal(pr->kind, MSOC_KQL_OP_PRINT);
    const msoc_kql_value *v[16];
    for (int i = 0; i < 16; i++)
        v[i] = &pr->args.items[i]->a->lit;
    msoc_datetime dt;
    assert_int_equal(msoc_datetime_parse("2024-01-31T08:00:00Z", 20, &dt, NULL), MSOC_OK);
    assert_int_equal(v[0]->type, MSOC_TYPE_DATETIME);
    assert_true(v[0]->v.dt == dt);
    assert_true(v[1]->v.ts == 2 * MSOC_TICKS_PER_HOUR);
    assert_int_equal(v[2]->type, MSOC_TYPE_REAL);
    assert_true(v[2]->v.r == 1500.0);
    assert_int_equal(v[3]->type, MSOC_TYPE_LONG);
    assert_int_equal(v[3]->v.i, 31);
    assert_string_equal(v[4]->s.ptr, "it's\n");
    assert_string_equal(v[5]->s.ptr, "c:\\dir");
    assert_string_equal(v[6]->s.ptr, "secret");
    assert_string_equal(v[7]->s.ptr, "two\nlines");
    assert_int_equal(v[8]->type, MSOC_TYPE_GUID);
    assert_string_equal(v[8]->s.ptr, "74be27de-1e4e-49d9-b579-fe0b331d3642");
    assert_int_equal(v[9]->type, MSOC_TYPE_INT);
    assert_true(v[9]->is_null);
    assert_true(v[10]->v.b);
    const msoc_kql_node *dyn = pr->args.items[11]->a;
    assert_int_equal(dyn->lit.type, MSOC_TYPE_DYNAMIC);
    assert_int_equal(dyn->a->kind, MSOC_KQL_DYN_OBJECT);
    const msoc_kql_node *arr = dyn->a->args.items[0]->a;
    assert_string_equal(dyn->a->args.items[0]->name.ptr, "x");
    assert_int_equal(arr->kind, MSOC_KQL_DYN_ARRAY);
    assert_int_equal(arr->args.n, 4);
    assert_int_equal(arr->args.items[1]->lit.v.i, -2);
    assert_true(arr->args.items[3]->lit.is_null);
    assert_true(isinf(v[12]->v.r) && v[12]->v.r < 0);
    assert_string_equal(v[13]->s.ptr, "ab");
    assert_int_equal(v[14]->type, MSOC_TYPE_DECIMAL);
    assert_string_equal(v[14]->s.ptr, "1.25");
    assert_true(v[15]->v.ts == MSOC_TICKS_PER_DAY + 2 * MSOC_TICKS_PER_HOUR);
    msoc_arena_free(r.arena);
}

static void test_precedence_and_string_ops(void **state)
{
    (void)state;
    parsed r = parse("T | where a or b and c == 1 + 2 * 3 and d !has 'x' and e in~ ('a', 'b') "
                     "and f !between (1 .. 5) and g matches regex '^a' and h has_any (x, y)");
    const msoc_kql_node *w = stmt(&r)->args.items[0]->a;
    assert_int_equal(w->op, MSOC_KQL_OP_OR);
    assert_int_equal(w->a->kind, MSOC_KQL_NAME);
    /* b and (c == 1 + 2 * 3) and ... is a left-deep AND chain */
    const msoc_kql_node *n = w->b;
    const msoc_kql_node *leaves[7];
    for (int i = 6; i >= 1; i--) {
        assert_int_equal(n->op, MSOC_KQL_OP_AND);
        leaves[i] = n->b;
        n = n->a;
    }
    leaves[0] = n;
    assert_string_equal(leaves[0]->name.ptr, "b");
    const msoc_kql_node *eq = leaves[1];
    assert_int_equal(eq->op, MSOC_KQL_OP_EQ);
    assert_int_equal(eq->b->op, MSOC_KQL_OP_ADD);
    assert_int_equal(eq->b->b->op, MSOC_KQL_OP_MUL);
    assert_int_equal(leaves[2]->op, MSOC_KQL_OP_NOT_HAS);
    assert_int_equal(leaves[3]->kind, MSOC_KQL_IN);
    assert_int_equal(leaves[3]->op, MSOC_KQL_OP_IN_CI);
    assert_int_equal(leaves[3]->args.n, 2);
    assert_int_equal(leaves[4]->kind, MSOC_KQL_BETWEEN);
    assert_int_equal(leaves[4]->op, MSOC_KQL_OP_NOT_BETWEEN);
    assert_int_equal(leaves[5]->op, MSOC_KQL_OP_MATCHES_REGEX);
    assert_int_equal(leaves[6]->op, MSOC_KQL_OP_HAS_ANY);
    msoc_arena_free(r.arena);
}

static void test_statements_and_functions(void **state)
{
    (void)state;
    parsed r = parse("let n = 5;\nlet f = (T:(*), k:long = 3) { T | take k };\n"
                     "set notruncation;\ndeclare query_parameters(x:string = 'a');\n"
                     "f(Events, n) | join kind=leftouter (Other) on $left.Id == $right.Id;");
    assert_int_equal(r.st, MSOC_OK);
    assert_int_equal(r.root->args.n, 5);
    const msoc_kql_node *let_f = r.root->args.items[1];
    assert_int_equal(let_f->kind, MSOC_KQL_LET);
    assert_int_equal(let_f->a->kind, MSOC_KQL_FUNC);
    assert_int_equal(let_f->a->args.n, 2);
    assert_int_equal(let_f->a->args.items[0]->a->kind, MSOC_KQL_SCHEMA);
    assert_true(let_f->a->args.items[0]->a->flags & MSOC_KQL_F_STAR);
    assert_int_equal(let_f->a->args.items[1]->a->op, MSOC_TYPE_LONG);
    assert_int_equal(let_f->a->args.items[1]->b->lit.v.i, 3);
    assert_int_equal(r.root->args.items[2]->kind, MSOC_KQL_SET);
    assert_int_equal(r.root->args.items[3]->kind, MSOC_KQL_DECLARE);
    const msoc_kql_node *j = r.root->args.items[4]->args.items[0];
    assert_int_equal(j->kind, MSOC_KQL_OP_JOIN);
    assert_string_equal(j->params.items[0]->name.ptr, "kind");
    assert_string_equal(j->params.items[0]->a->name.ptr, "leftouter");
    assert_int_equal(j->keys.n, 1);
    assert_string_equal(j->keys.items[0]->a->a->name.ptr, "$left");
    msoc_arena_free(r.arena);
}

static void test_keywords_as_names(void **state)
{
    (void)state;
    parsed r = parse("T | project ['where'], ['col name'], kind, count | extend by1 = range");
    const msoc_kql_node *p = stmt(&r);
    const msoc_kql_node *pr = p->args.items[0];
    assert_string_equal(pr->args.items[0]->name.ptr, "where");
    assert_string_equal(pr->args.items[1]->name.ptr, "col name");
    assert_string_equal(pr->args.items[2]->name.ptr, "kind");
    assert_string_equal(pr->args.items[3]->name.ptr, "count");
    msoc_arena_free(r.arena);
}

static void test_diagnostics(void **state)
{
    (void)state;
    expect_error("T\n| summarize count(\n| take 1", MSOC_KQL_DIAG_EXPECTED, 3, 1,
                 "expected ')' to close 'count(' opened at 2:13, found '|'");
    expect_error("T | summarize c = count(x", MSOC_KQL_DIAG_UNCLOSED, 1, 26,
                 "to close 'count(' opened at 1:19");
    expect_error("T | wher x > 1", MSOC_KQL_DIAG_UNKNOWN_OP, 1, 5,
                 "unknown tabular operator 'wher'");
    expect_error("let x = 1\nT | take x", MSOC_KQL_DIAG_EXPECTED, 1, 10,
                 "expected ';' after the let statement that started at 1:1");
    expect_error("T | take 1\nS | take 2", MSOC_KQL_DIAG_EXPECTED, 1, 11,
                 "expected ';' at the end of the statement that started at 1:1");
    expect_error("print dynamic([1, 2,])", MSOC_KQL_DIAG_JSON, 1, 21, "trailing comma");
    expect_error("T | where a == 'open", MSOC_KQL_DIAG_UNTERMINATED, 1, 16, "not closed");
    expect_error("T | where a > 1 b", MSOC_KQL_DIAG_TRAILING, 1, 17, "unexpected 'b'");
    expect_error("T | extend x = 1 +", MSOC_KQL_DIAG_EXPECTED, 1, 19, "the end of the text");
    expect_error("T | project a:strin", MSOC_KQL_DIAG_TRAILING, 1, 14, "unexpected ':'");
    expect_error("let f = (x:strin) { x }; f(1)", MSOC_KQL_DIAG_BAD_TYPE, 1, 12, "unknown type");
    expect_error(".show <DatabaseName>", MSOC_KQL_DIAG_COMMAND, 1, 7, "placeholder");
    expect_error(".frobnicate table T", MSOC_KQL_DIAG_COMMAND, 1, 2, "unknown control command");
    expect_error("T | where x > 0xZZ", MSOC_KQL_DIAG_BAD_NUMBER, 1, 15, "hex");
    /* Columns count characters, not bytes. */
    expect_error("print 'é', ^", MSOC_KQL_DIAG_BAD_CHAR, 1, 12, "cannot start");
}

static void test_limits(void **state)
{
    (void)state;
    /* nesting cap */
    char deep[2200];
    size_t n = 0;
    n += (size_t)snprintf(deep, sizeof deep, "print ");
    for (int i = 0; i < 1000; i++)
        deep[n++] = '(';
    deep[n++] = '1';
    for (int i = 0; i < 1000; i++)
        deep[n++] = ')';
    deep[n] = 0;
    parsed r = parse(deep);
    assert_int_equal(r.st, MSOC_SYNTAX);
    assert_int_equal(r.diag, MSOC_KQL_DIAG_TOO_DEEP);
    assert_true(r.err.line == 1 && r.err.col > 0);
    msoc_arena_free(r.arena);

    /* arena budget: a clean MSOC_LIMIT, never a crash */
    const char *q = "T | where a == 1 and b == 2 | project a, b, c, d, e, f | take 10";
    msoc_arena *small = msoc_arena_new(NULL, 1024, "tiny");
    msoc_error err;
    msoc_error_clear(&err);
    msoc_kql_node *root = (msoc_kql_node *)&err; /* must be reset to NULL */
    msoc_kql_diag_code diag;
    assert_int_equal(msoc_kql_parse_ex(q, strlen(q), small, NULL, &root, &diag, &err), MSOC_LIMIT);
    assert_null(root);
    assert_int_equal(diag, MSOC_KQL_DIAG_LIMIT);
    assert_non_null(strstr(err.msg, "tiny"));
    msoc_arena_free(small);

    /* text cap */
    msoc_kql_parse_opts opts = {.max_depth = 0, .max_len = 8};
    msoc_arena *a = msoc_arena_new(NULL, 0, "cap");
    msoc_error_clear(&err);
    assert_int_equal(msoc_kql_parse_ex(q, strlen(q), a, &opts, &root, &diag, &err), MSOC_TOOBIG);
    msoc_arena_free(a);
}

static void roundtrip(const char *q, const char *expected)
{
    parsed r = parse(q);
    if (r.st != MSOC_OK)
        fail_msg("%s: %s", q, r.err.msg);
    msoc_buf out;
    msoc_buf_init(&out, 1 << 20);
    assert_int_equal(msoc_kql_format(r.root, &out, NULL), MSOC_OK);
    if (expected)
        assert_string_equal(out.data, expected);
    parsed again = parse(out.data);
    if (again.st != MSOC_OK)
        fail_msg("formatted %s: %s", out.data, again.err.msg);
    if (!msoc_kql_equal(r.root, again.root))
        fail_msg("round trip changed the tree:\n%s\n->\n%s", q, out.data);
    msoc_buf_fini(&out);
    msoc_arena_free(r.arena);
    msoc_arena_free(again.arena);
}

static void test_format(void **state)
{
    (void)state;
    roundtrip("T|where a>1 and (b<2 or c==3)|project x=a*(b+c)",
              "T\n| where a > 1 and (b < 2 or c == 3)\n| project x = a * (b + c)");
    roundtrip("print -(-1), 2 - (3 - 4), -1d, long(-5), real(nan)",
              "print - -1, 2 - (3 - 4), -864000000000tick, long(-5), real(nan)");
    roundtrip("T | project ['a b'], ['where'], $left",
              "T\n| project [\"a b\"], [\"where\"], $left");
    roundtrip("let f = view () { T }; union withsource=S f, Dev*Events | summarize count() by S",
              NULL);
    roundtrip("T | mv-apply x = arr to typeof(long) on (where x > 1 | top 1 by x desc nulls last)",
              NULL);
    roundtrip("T | make-series c = count() default = 0 on ts in range(ago(1d), now(), 1h) by k",
              NULL);
    roundtrip("T | parse kind=regex flags=Ui msg with * 'user=' u:string ' ' rest", NULL);
    roundtrip("T | render timechart with (title='x', ycolumns=a, b)", NULL);
    roundtrip("T | scan declare (s:long = 0) with (step a output=all: x > 1 => s = s + 1;)", NULL);
    roundtrip("T | where a = 1 | extend d = dynamic({'k': [1.5, true, datetime(2020-01-01)]})",
              NULL);
    roundtrip(".show table T schema as json", ".show table T schema as json");
    roundtrip(".create-merge table T (a:string, b:long) with (folder = 'x')\n\n"
              ".set-or-append T <| let x = 1; S | take x",
              NULL);
    roundtrip("print x = datetime(2021-01-01 10:10:17)", NULL);
}

static void test_commands(void **state)
{
    (void)state;
    parsed r = parse(".show tables | where TableName startswith 'Dev'");
    assert_int_equal(r.st, MSOC_OK);
    assert_true(r.root->flags & MSOC_KQL_F_COMMAND);
    const msoc_kql_node *p = r.root->args.items[0];
    assert_int_equal(p->kind, MSOC_KQL_PIPE);
    assert_string_equal(p->a->name.ptr, ".show tables");
    msoc_arena_free(r.arena);

    r = parse(".create table Events (Timestamp:datetime, Name:string)");
    const msoc_kql_node *c = stmt(&r);
    assert_string_equal(c->name.ptr, ".create table");
    assert_string_equal(c->args.items[0]->name.ptr, "Events");
    msoc_arena_free(r.arena);

    r = parse(".ingest inline into table Events <|\n2024-01-01,a\n2024-01-02,b\n");
    c = stmt(&r);
    assert_string_equal(c->name.ptr, ".ingest inline into table");
    assert_string_equal(c->lit.s.ptr, "2024-01-01,a\n2024-01-02,b\n");
    msoc_arena_free(r.arena);

    r = parse(".show version");
    assert_string_equal(stmt(&r)->name.ptr, ".show version");
    msoc_arena_free(r.arena);
}

static void test_json(void **state)
{
    (void)state;
    parsed r = parse("T | where x has 'a'");
    msoc_buf out;
    msoc_buf_init(&out, 1 << 20);
    assert_int_equal(msoc_kql_to_json(r.root, &out, NULL), MSOC_OK);
    assert_non_null(strstr(out.data, "\"kind\":\"OP_WHERE\""));
    assert_non_null(strstr(out.data, "\"op\":\"has\""));
    assert_non_null(strstr(out.data, "\"value\":\"a\""));
    msoc_buf_fini(&out);
    msoc_arena_free(r.arena);
    assert_string_equal(msoc_kql_diag_str(MSOC_KQL_DIAG_UNCLOSED), "KQL011");
    assert_string_equal(msoc_kql_kind_name(MSOC_KQL_OP_MV_EXPAND), "OP_MV_EXPAND");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipeline_shape),
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_precedence_and_string_ops),
        cmocka_unit_test(test_statements_and_functions),
        cmocka_unit_test(test_keywords_as_names),
        cmocka_unit_test(test_diagnostics),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
