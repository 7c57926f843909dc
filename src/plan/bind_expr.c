/* Binding scalar expressions: names to columns or let symbols, operators and calls
 * to registry functions with their result types, literals to plan literals. */
#include <stdio.h>

#include "kql/kql.h"
#include "plan_int.h"

void *msoc_plan__alloc(binder *b, size_t size)
{
    void *p = msoc_arena_calloc(b->arena, 1, size ? size : 1);
    if (p == NULL)
        msoc_arena_fail(b->arena, b->err);
    return p;
}

msoc_str msoc_plan__str(binder *b, const char *p, size_t len)
{
    char *d = msoc_arena_strndup(b->arena, p ? p : "", p ? len : 0);
    if (d == NULL) {
        msoc_arena_fail(b->arena, b->err);
        return MSOC_STR("");
    }
    return msoc_str_make(d, p ? len : 0);
}

int msoc_plan__find_col(const msoc_plan_node *in, msoc_str name)
{
    if (in == NULL)
        return -1;
    for (size_t i = 0; i < in->n_cols; i++)
        if (msoc_str_eq(in->cols[i].name, name))
            return (int)i;
    return -1;
}

msoc_plan_expr *msoc_plan__col_ref(binder *b, const msoc_plan_node *in, int col)
{
    msoc_plan_expr *e = msoc_plan__alloc(b, sizeof *e);
    if (e == NULL)
        return NULL;
    e->kind = MSOC_PLAN_X_COL;
    e->col = col;
    e->type = in->cols[col].type;
    return e;
}

msoc_plan_expr *msoc_plan__lit_null(binder *b, msoc_type t)
{
    msoc_plan_expr *e = msoc_plan__alloc(b, sizeof *e);
    if (e == NULL)
        return NULL;
    e->kind = MSOC_PLAN_X_LIT;
    e->type = t;
    e->lit.type = t;
    e->lit.is_null = true;
    e->lit.s = MSOC_STR("");
    return e;
}

msoc_plan_expr *msoc_plan__call(binder *b, msoc_plan_fn fn, msoc_plan_expr **args, size_t n_args,
                                const msoc_kql_node *pos)
{
    msoc_plan_expr *e = msoc_plan__alloc(b, sizeof *e);
    if (e == NULL)
        return NULL;
    e->kind = MSOC_PLAN_X_CALL;
    e->fn = fn;
    e->n_args = n_args;
    e->args = msoc_plan__alloc(b, (n_args + 1) * sizeof *e->args);
    if (e->args == NULL)
        return NULL;
    msoc_type types[64];
    for (size_t i = 0; i < n_args; i++) {
        e->args[i] = args[i];
        if (i < 64)
            types[i] = args[i]->type;
    }
    e->type = msoc_plan_fn_result(fn, types, n_args < 64 ? n_args : 64);
    if (e->type == MSOC_TYPE_NULL)
        e->type = n_args > 0 && args[0]->type != MSOC_TYPE_NULL ? args[0]->type : MSOC_TYPE_DYNAMIC;
    if (pos) {
        e->line = pos->line;
        e->col_no = pos->col;
    }
    return e;
}

bind_sym *msoc_plan__lookup(binder *b, msoc_str name)
{
    for (bind_sym *s = b->syms; s; s = s->next)
        if (msoc_str_eq(s->name, name))
            return s;
    /* then the stored functions (.create function) of the authorised partitions */
    return msoc_plan__stored_function(b, name);
}

static const struct {
    msoc_kql_op op;
    msoc_plan_fn fn;
} op_map[] = {
    {MSOC_KQL_OP_OR, MSOC_PLAN_FN_OR}, {MSOC_KQL_OP_AND, MSOC_PLAN_FN_AND},
    {MSOC_KQL_OP_EQ, MSOC_PLAN_FN_EQ}, {MSOC_KQL_OP_NE, MSOC_PLAN_FN_NE},
    {MSOC_KQL_OP_LT, MSOC_PLAN_FN_LT}, {MSOC_KQL_OP_LE, MSOC_PLAN_FN_LE},
    {MSOC_KQL_OP_GT, MSOC_PLAN_FN_GT}, {MSOC_KQL_OP_GE, MSOC_PLAN_FN_GE},
    {MSOC_KQL_OP_EQ_CI, MSOC_PLAN_FN_IEQ}, {MSOC_KQL_OP_NE_CI, MSOC_PLAN_FN_INE},
    {MSOC_KQL_OP_ADD, MSOC_PLAN_FN_ADD}, {MSOC_KQL_OP_SUB, MSOC_PLAN_FN_SUB},
    {MSOC_KQL_OP_MUL, MSOC_PLAN_FN_MUL}, {MSOC_KQL_OP_DIV, MSOC_PLAN_FN_DIV},
    {MSOC_KQL_OP_MOD, MSOC_PLAN_FN_MOD},
    {MSOC_KQL_OP_HAS, MSOC_PLAN_FN_HAS}, {MSOC_KQL_OP_NOT_HAS, MSOC_PLAN_FN_NHAS},
    {MSOC_KQL_OP_HAS_CS, MSOC_PLAN_FN_HAS_CS}, {MSOC_KQL_OP_NOT_HAS_CS, MSOC_PLAN_FN_NHAS_CS},
    {MSOC_KQL_OP_HASPREFIX, MSOC_PLAN_FN_HASPREFIX}, {MSOC_KQL_OP_NOT_HASPREFIX, MSOC_PLAN_FN_NHASPREFIX},
    {MSOC_KQL_OP_HASPREFIX_CS, MSOC_PLAN_FN_HASPREFIX_CS},
    {MSOC_KQL_OP_HASSUFFIX, MSOC_PLAN_FN_HASSUFFIX}, {MSOC_KQL_OP_NOT_HASSUFFIX, MSOC_PLAN_FN_NHASSUFFIX},
    {MSOC_KQL_OP_HASSUFFIX_CS, MSOC_PLAN_FN_HASSUFFIX_CS},
    {MSOC_KQL_OP_CONTAINS, MSOC_PLAN_FN_CONTAINS}, {MSOC_KQL_OP_NOT_CONTAINS, MSOC_PLAN_FN_NCONTAINS},
    {MSOC_KQL_OP_CONTAINS_CS, MSOC_PLAN_FN_CONTAINS_CS}, {MSOC_KQL_OP_NOT_CONTAINS_CS, MSOC_PLAN_FN_NCONTAINS_CS},
    {MSOC_KQL_OP_STARTSWITH, MSOC_PLAN_FN_STARTSWITH}, {MSOC_KQL_OP_NOT_STARTSWITH, MSOC_PLAN_FN_NSTARTSWITH},
    {MSOC_KQL_OP_STARTSWITH_CS, MSOC_PLAN_FN_STARTSWITH_CS}, {MSOC_KQL_OP_NOT_STARTSWITH_CS, MSOC_PLAN_FN_NSTARTSWITH_CS},
    {MSOC_KQL_OP_ENDSWITH, MSOC_PLAN_FN_ENDSWITH}, {MSOC_KQL_OP_NOT_ENDSWITH, MSOC_PLAN_FN_NENDSWITH},
    {MSOC_KQL_OP_ENDSWITH_CS, MSOC_PLAN_FN_ENDSWITH_CS}, {MSOC_KQL_OP_NOT_ENDSWITH_CS, MSOC_PLAN_FN_NENDSWITH_CS},
    {MSOC_KQL_OP_MATCHES_REGEX, MSOC_PLAN_FN_MATCHES_REGEX},
    {MSOC_KQL_OP_IN, MSOC_PLAN_FN_IN}, {MSOC_KQL_OP_NOT_IN, MSOC_PLAN_FN_NIN},
    {MSOC_KQL_OP_IN_CI, MSOC_PLAN_FN_IN_CI}, {MSOC_KQL_OP_NOT_IN_CI, MSOC_PLAN_FN_NIN_CI},
    {MSOC_KQL_OP_HAS_ANY, MSOC_PLAN_FN_HAS_ANY}, {MSOC_KQL_OP_HAS_ALL, MSOC_PLAN_FN_HAS_ALL},
    {MSOC_KQL_OP_BETWEEN, MSOC_PLAN_FN_BETWEEN}, {MSOC_KQL_OP_NOT_BETWEEN, MSOC_PLAN_FN_NBETWEEN},
};

static bool map_op(int op, msoc_plan_fn *fn)
{
    for (size_t i = 0; i < sizeof op_map / sizeof op_map[0]; i++) {
        if ((int)op_map[i].op == op) {
            *fn = op_map[i].fn;
            return true;
        }
    }
    return false;
}

/* Levenshtein distance, for "did you mean". */
static size_t edit_distance(msoc_str a, msoc_str b)
{
    size_t prev[65], cur[65];
    if (a.len > 64 || b.len > 64)
        return 99;
    for (size_t j = 0; j <= b.len; j++)
        prev[j] = j;
    for (size_t i = 1; i <= a.len; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= b.len; j++) {
            size_t c = msoc_ascii_lower(a.ptr[i - 1]) == msoc_ascii_lower(b.ptr[j - 1]) ? 0 : 1;
            size_t v = prev[j - 1] + c;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            cur[j] = v;
        }
        memcpy(prev, cur, (b.len + 1) * sizeof prev[0]);
    }
    return prev[b.len];
}

static msoc_status unknown_name(binder *b, const msoc_kql_node *e, const msoc_plan_node *in)
{
    msoc_str best = MSOC_STR_NULL;
    size_t best_d = 3;
    for (size_t i = 0; in && i < in->n_cols; i++) {
        size_t d = edit_distance(e->name, in->cols[i].name);
        if (d < best_d) {
            best_d = d;
            best = in->cols[i].name;
        }
    }
    if (best.ptr)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col,
                             "unknown column '%.*s'; did you mean '%.*s'?", (int)e->name.len,
                             e->name.ptr, (int)best.len, best.ptr);
    return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col, "unknown name '%.*s'",
                         (int)e->name.len, e->name.ptr);
}

static msoc_status json_lit(binder *b, const msoc_kql_node *v, msoc_buf *out, int depth)
{
    if (depth > 100)
        return msoc_fail_pos(b->err, MSOC_LIMIT, v->line, v->col, "dynamic literal nested too deeply");
    if (v == NULL)
        return msoc_buf_append_c(out, "null");
    switch (v->kind) {
    case MSOC_KQL_DYN_ARRAY:
        msoc_buf_putc(out, '[');
        for (uint32_t i = 0; i < v->args.n; i++) {
            if (i)
                msoc_buf_putc(out, ',');
            json_lit(b, v->args.items[i], out, depth + 1);
        }
        return msoc_buf_putc(out, ']');
    case MSOC_KQL_DYN_OBJECT:
        msoc_buf_putc(out, '{');
        for (uint32_t i = 0; i < v->args.n; i++) {
            const msoc_kql_node *p = v->args.items[i];
            if (i)
                msoc_buf_putc(out, ',');
            msoc_buf_append_json_str(out, p->name.ptr ? p->name.ptr : "", p->name.len);
            msoc_buf_putc(out, ':');
            json_lit(b, p->a, out, depth + 1);
        }
        return msoc_buf_putc(out, '}');
    case MSOC_KQL_LIT: {
        const msoc_kql_value *l = &v->lit;
        if (l->is_null)
            return msoc_buf_append_c(out, "null");
        switch (l->type) {
        case MSOC_TYPE_BOOL: return msoc_buf_append_c(out, l->v.b ? "true" : "false");
        case MSOC_TYPE_INT:
        case MSOC_TYPE_LONG: return msoc_buf_append_i64(out, l->v.i);
        case MSOC_TYPE_REAL: {
            size_t before = out->len;
            msoc_buf_append_double(out, l->v.r);
            for (size_t i = before; i < out->len; i++)
                if (out->data[i] == '.' || out->data[i] == 'e' || out->data[i] == 'E' || out->data[i] == 'N' || out->data[i] == 'I')
                    return MSOC_OK;
            return msoc_buf_append_c(out, ".0");
        }
        case MSOC_TYPE_DATETIME: {
            char buf[MSOC_DATETIME_FMT_CAP];
            size_t n = msoc_datetime_format(l->v.dt, buf);
            return msoc_buf_append_json_str(out, buf, n);
        }
        case MSOC_TYPE_TIMESPAN: {
            char buf[MSOC_TIMESPAN_FMT_CAP];
            size_t n = msoc_timespan_format(l->v.ts, buf);
            return msoc_buf_append_json_str(out, buf, n);
        }
        case MSOC_TYPE_DYNAMIC: return json_lit(b, v->a, out, depth + 1);
        default: return msoc_buf_append_json_str(out, l->s.ptr ? l->s.ptr : "", l->s.len);
        }
    }
    default:
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, v->line, v->col,
                             "a dynamic literal may hold only constants");
    }
}

msoc_status msoc_plan__bind_json_lit(binder *b, const msoc_kql_node *v, msoc_buf *out)
{
    return json_lit(b, v, out, 0);
}

static msoc_status bind_lit(binder *b, const msoc_kql_node *e, msoc_plan_expr **out)
{
    msoc_plan_expr *x = msoc_plan__alloc(b, sizeof *x);
    if (x == NULL)
        return b->err->code;
    const msoc_kql_value *l = &e->lit;
    x->kind = MSOC_PLAN_X_LIT;
    x->type = l->type;
    x->lit.type = l->type;
    x->lit.is_null = l->is_null;
    x->line = e->line;
    x->col_no = e->col;
    x->lit.s = MSOC_STR("");
    switch (l->type) {
    case MSOC_TYPE_BOOL: x->lit.i = l->v.b; break;
    case MSOC_TYPE_INT:
    case MSOC_TYPE_LONG: x->lit.i = l->v.i; break;
    case MSOC_TYPE_REAL: x->lit.r = l->v.r; break;
    case MSOC_TYPE_DATETIME: x->lit.i = l->v.dt; break;
    case MSOC_TYPE_TIMESPAN: x->lit.i = l->v.ts; break;
    case MSOC_TYPE_DECIMAL: {
        x->lit.s = l->s;
        double d = 0;
        msoc_str_to_double(l->s, &d);
        x->lit.r = d;
        break;
    }
    case MSOC_TYPE_DYNAMIC: {
        if (l->is_null)
            break;
        msoc_buf buf;
        msoc_buf_init(&buf, 64u << 20);
        msoc_buf_reserve(&buf, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
        msoc_status st = json_lit(b, e->a, &buf, 0);
        if (st == MSOC_OK)
            st = msoc_buf_check(&buf, "dynamic literal", b->err);
        if (st == MSOC_OK)
            x->lit.s = msoc_plan__str(b, buf.data ? buf.data : "null", buf.data ? buf.len : 4);
        msoc_buf_fini(&buf);
        if (st != MSOC_OK)
            return st;
        break;
    }
    case MSOC_TYPE_GUID: {
        char g[37];
        size_t n = 0;
        for (size_t i = 0; i < l->s.len && n < 36; i++) {
            char c = msoc_ascii_lower(l->s.ptr[i]);
            if (c != '{' && c != '}')
                g[n++] = c;
        }
        x->lit.s = msoc_plan__str(b, g, n);
        break;
    }
    default: x->lit.s = l->s; break;
    }
    *out = x;
    return MSOC_OK;
}

/* `* has "x"` (and contains, startswith, ==, ... with a string operand): true when
 * any visible column, as text, satisfies the predicate, as Kusto's star predicate. */
static msoc_status bind_star_predicate(binder *b, const msoc_kql_node *e, const msoc_plan_node *in,
                                       msoc_plan_expr **out)
{
    msoc_plan_fn fn;
    bool is_positive = false;
    switch (e->op) {
    case MSOC_KQL_OP_HAS: case MSOC_KQL_OP_HAS_CS: case MSOC_KQL_OP_HASPREFIX:
    case MSOC_KQL_OP_HASPREFIX_CS: case MSOC_KQL_OP_HASSUFFIX: case MSOC_KQL_OP_HASSUFFIX_CS:
    case MSOC_KQL_OP_CONTAINS: case MSOC_KQL_OP_CONTAINS_CS: case MSOC_KQL_OP_STARTSWITH:
    case MSOC_KQL_OP_STARTSWITH_CS: case MSOC_KQL_OP_ENDSWITH: case MSOC_KQL_OP_ENDSWITH_CS:
    case MSOC_KQL_OP_EQ: case MSOC_KQL_OP_EQ_CI: case MSOC_KQL_OP_MATCHES_REGEX:
        is_positive = true;
        break;
    default: break;
    }
    if (!is_positive || !map_op(e->op, &fn))
        return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, e->line, e->col,
                             "not supported: * %s (a star predicate takes a positive string operator)",
                             msoc_kql_op_text((msoc_kql_op)e->op));
    msoc_plan_expr *rhs;
    msoc_status st = msoc_plan__bind_expr(b, e->b, in, &rhs);
    if (st != MSOC_OK)
        return st;
    msoc_plan_expr *acc = NULL;
    for (size_t c = 0; in && c < in->n_cols; c++) {
        if (msoc_plan_col_is_hidden(in->cols[c].name))
            continue;
        msoc_plan_expr *col = msoc_plan__col_ref(b, in, (int)c);
        if (col == NULL)
            return b->err->code;
        if (col->type != MSOC_TYPE_STRING &&
            (col = msoc_plan__call(b, MSOC_PLAN_FN_TOSTRING, &col, 1, e)) == NULL)
            return b->err->code;
        msoc_plan_expr *args[2] = {col, rhs};
        msoc_plan_expr *test = msoc_plan__call(b, fn, args, 2, e);
        if (test == NULL)
            return b->err->code;
        if (acc != NULL) {
            msoc_plan_expr *ors[2] = {acc, test};
            if ((test = msoc_plan__call(b, MSOC_PLAN_FN_OR, ors, 2, e)) == NULL)
                return b->err->code;
        }
        acc = test;
    }
    if (acc == NULL) { /* no columns: nothing matches */
        acc = msoc_plan__alloc(b, sizeof *acc);
        if (acc == NULL)
            return b->err->code;
        acc->kind = MSOC_PLAN_X_LIT;
        acc->type = acc->lit.type = MSOC_TYPE_BOOL;
        acc->lit.s = MSOC_STR("");
    }
    *out = acc;
    return MSOC_OK;
}

bool msoc_plan__is_tabular(binder *b, const msoc_kql_node *e)
{
    if (e == NULL)
        return false;
    switch (e->kind) {
    case MSOC_KQL_PIPE:
    case MSOC_KQL_OP_PRINT:
    case MSOC_KQL_OP_RANGE:
    case MSOC_KQL_OP_DATATABLE:
    case MSOC_KQL_OP_UNION:
    case MSOC_KQL_OP_EXTERNALDATA:
    case MSOC_KQL_OP_EVALUATE:
    case MSOC_KQL_OP_FIND:
    case MSOC_KQL_OP_SEARCH:
        return true;
    case MSOC_KQL_NAME: {
        bind_sym *s = msoc_plan__lookup(b, e->name);
        if (s)
            return s->kind == SYM_TABLE;
        const msoc_stor_table_def *t = b->cat->find_table
                                           ? b->cat->find_table(b->cat->ctx, e->name.ptr, e->name.len)
                                           : msoc_stor_builtin_find(e->name.ptr, e->name.len);
        return t != NULL;
    }
    case MSOC_KQL_CALL: {
        if (msoc_plan__is_pattern_ref(b, e))
            return true;
        if (msoc_str_eq_c(e->name, "materialize") || msoc_str_eq_c(e->name, "table") ||
            msoc_str_eq_c(e->name, "view") || msoc_plan__is_builtin_source(e->name))
            return true;
        bind_sym *s = msoc_plan__lookup(b, e->name);
        if (s && s->kind == SYM_FUNC && s->func->a) {
            const msoc_kql_node *body = s->func->a;
            const msoc_kql_node *res = body->args.n ? body->args.items[body->args.n - 1] : NULL;
            return res && msoc_plan__is_tabular(b, res);
        }
        return false;
    }
    case MSOC_KQL_MEMBER:
        /* workspace("x").Table, database("d").Table */
        return e->a && e->a->kind == MSOC_KQL_CALL;
    default: return false;
    }
}

/* How Kusto names the column of an unnamed call (Kusto.Language's ResultNameKind):
 * FIRST_ARG functions take their first argument's name (tostring(x) -> x,
 * bin(Timestamp, 1h) -> Timestamp), NAME_AND_FIRST prefix it with their own name
 * (strlen(x) -> strlen_x), ONLY_ARG do so with a single argument only. */
typedef enum { NAME_NONE, NAME_FIRST_ARG, NAME_AND_FIRST, NAME_ONLY_ARG } call_name_kind;

/* The prefix of NAME_AND_FIRST: the function's own name, or the one Kusto gives it. */
static const char *call_name_prefix(msoc_str fn)
{
    static const char *const renamed[][2] = {{"gettype", "type"},
                                             {"treepath", "tree"},
                                             {"repeat", "repeat"},
                                             {"percentiles_array_tdigest", "percentile_tdigest"}};
    for (size_t i = 0; i < sizeof renamed / sizeof *renamed; i++)
        if (msoc_str_eq_c(fn, renamed[i][0]))
            return renamed[i][1];
    return NULL;
}

static call_name_kind call_name_rule(msoc_str fn)
{
    if (call_name_prefix(fn))
        return NAME_AND_FIRST;
    static const char *const first_arg[] = {
        "split", "tostring", "tohex", "todynamic", "toobject", "tolong", "toint", "toreal", "todouble",
        "todatetime", "totimespan", "totime", "tobool", "toboolean", "todecimal", "toguid", "parse_csv",
        "parsejson", "parse_json", "parse_xml", "format_datetime", "format_timespan", "startofday", "bin",
        "floor", "bin_at", "bin_auto", "binary_and", "binary_or", "binary_xor", "binary_not",
        "binary_shift_right", "binary_shift_left", "bitset_count_ones", "series_fir", "series_outliers",
        "series_iir", "series_fill_backward", "series_fill_forward", "series_fill_const", "series_fill_linear",
        "round", "ceiling", "pow", "sqrt", "log", "log2", "log10", "exp", "exp2", "exp10", "cos", "sin", "tan",
        "acos", "asin", "atan", "atan2", "abs", "rand", "gamma", "loggamma", "erf", "erfc", "format_bytes"};
    static const char *const name_and_first[] = {"strlen", "string_size", "percentile_tdigest", "dcount_hll"};
    for (size_t i = 0; i < sizeof first_arg / sizeof *first_arg; i++)
        if (msoc_str_eq_c(fn, first_arg[i]))
            return NAME_FIRST_ARG;
    for (size_t i = 0; i < sizeof name_and_first / sizeof *name_and_first; i++)
        if (msoc_str_eq_c(fn, name_and_first[i]))
            return NAME_AND_FIRST;
    if (msoc_str_eq_c(fn, "make_datetime") || msoc_str_eq_c(fn, "make_timespan"))
        return NAME_ONLY_ARG;
    return NAME_NONE;
}

msoc_str msoc_plan__expr_name(binder *b, const msoc_kql_node *e)
{
    if (e == NULL)
        return MSOC_STR_NULL;
    if (e->kind == MSOC_KQL_NAME)
        return e->name;
    /* f(Name = x, ...): the argument's declared name (bin(5Minutebin = Timestamp, 5m)) */
    if (e->kind == MSOC_KQL_NAMED_ARG)
        return e->name;
    if (e->kind == MSOC_KQL_MEMBER || e->kind == MSOC_KQL_INDEX) {
        msoc_str base = msoc_plan__expr_name(b, e->a);
        if (base.ptr == NULL)
            return MSOC_STR_NULL;
        msoc_str key = MSOC_STR_NULL;
        if (e->kind == MSOC_KQL_MEMBER)
            key = e->name;
        else if (e->b && e->b->kind == MSOC_KQL_LIT && e->b->lit.type == MSOC_TYPE_STRING)
            key = e->b->lit.s;
        if (key.ptr == NULL)
            return MSOC_STR_NULL;
        char buf[512];
        int n = snprintf(buf, sizeof buf, "%.*s_%.*s", (int)base.len, base.ptr, (int)key.len, key.ptr);
        if (n < 0 || (size_t)n >= sizeof buf)
            return MSOC_STR_NULL;
        return msoc_plan__str(b, buf, (size_t)n);
    }
    if (e->kind == MSOC_KQL_CALL && e->args.n > 0) {
        call_name_kind k = call_name_rule(e->name);
        if (k == NAME_NONE || (k == NAME_ONLY_ARG && e->args.n != 1))
            return MSOC_STR_NULL;
        /* a let-defined or stored function of the same name is the user's, not Kusto's */
        for (bind_sym *s = b->syms; s; s = s->next)
            if (msoc_str_eq(s->name, e->name))
                return MSOC_STR_NULL;
        msoc_str base = msoc_plan__expr_name(b, e->args.items[0]);
        if (base.ptr == NULL || k != NAME_AND_FIRST)
            return base;
        /* percentile_tdigest(d, ...) is named percentile_tdigest_d, gettype(x) type_x */
        const char *pre = call_name_prefix(e->name);
        msoc_str prefix = pre ? msoc_str_c(pre) : e->name;
        char buf[512];
        int n = snprintf(buf, sizeof buf, "%.*s_%.*s", (int)prefix.len, prefix.ptr, (int)base.len, base.ptr);
        if (n > 0 && (size_t)n < sizeof buf)
            return msoc_plan__str(b, buf, (size_t)n);
    }
    return MSOC_STR_NULL;
}

static msoc_status bind_call(binder *b, const msoc_kql_node *e, const msoc_plan_node *in,
                             msoc_plan_expr **out);

static msoc_status bind_args(binder *b, const msoc_kql_node *e, const msoc_plan_node *in,
                             msoc_plan_expr ***args_out)
{
    msoc_plan_expr **args = msoc_plan__alloc(b, (e->args.n + 1) * sizeof *args);
    if (args == NULL)
        return b->err->code;
    for (uint32_t i = 0; i < e->args.n; i++) {
        const msoc_kql_node *a = e->args.items[i];
        if (a->kind == MSOC_KQL_NAMED_ARG)
            a = a->a;
        msoc_status st = msoc_plan__bind_expr(b, a, in, &args[i]);
        if (st != MSOC_OK)
            return st;
    }
    *args_out = args;
    return MSOC_OK;
}

msoc_status msoc_plan__bind_expr(binder *b, const msoc_kql_node *e, const msoc_plan_node *in,
                                 msoc_plan_expr **out)
{
    msoc_status st;
    if (++b->depth > 400) {
        b->depth--;
        return msoc_fail_pos(b->err, MSOC_LIMIT, e->line, e->col, "expression nested too deeply");
    }
    st = MSOC_OK;
    switch (e->kind) {
    case MSOC_KQL_LIT: st = bind_lit(b, e, out); break;
    case MSOC_KQL_TYPE: {
        *out = msoc_plan__lit_null(b, (msoc_type)e->op);
        st = *out ? MSOC_OK : b->err->code;
        break;
    }
    case MSOC_KQL_NAME: {
        int c = msoc_plan__find_col(in, e->name);
        if (c >= 0) {
            *out = msoc_plan__col_ref(b, in, c);
            st = *out ? MSOC_OK : b->err->code;
            break;
        }
        bind_sym *s = msoc_plan__lookup(b, e->name);
        if (s && (s->kind == SYM_SCALAR || s->kind == SYM_COLEXPR)) {
            *out = s->expr;
            break;
        }
        if (s && s->kind == SYM_TABLE) {
            st = msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col,
                               "'%.*s' is a table, used where a scalar is expected",
                               (int)e->name.len, e->name.ptr);
            break;
        }
        st = unknown_name(b, e, in);
        break;
    }
    case MSOC_KQL_BINARY: {
        msoc_plan_fn fn;
        if (e->a && e->a->kind == MSOC_KQL_STAR) {
            st = bind_star_predicate(b, e, in, out);
            break;
        }
        if (!map_op(e->op, &fn)) {
            st = msoc_fail_pos(b->err, MSOC_UNSUPPORTED, e->line, e->col, "not supported: operator %s",
                               msoc_kql_op_text((msoc_kql_op)e->op));
            break;
        }
        msoc_plan_expr *args[2];
        st = msoc_plan__bind_expr(b, e->a, in, &args[0]);
        if (st == MSOC_OK)
            st = msoc_plan__bind_expr(b, e->b, in, &args[1]);
        if (st == MSOC_OK) {
            *out = msoc_plan__call(b, fn, args, 2, e);
            st = *out ? MSOC_OK : b->err->code;
        }
        break;
    }
    case MSOC_KQL_UNARY: {
        msoc_plan_expr *a;
        st = msoc_plan__bind_expr(b, e->a, in, &a);
        if (st != MSOC_OK)
            break;
        if (e->op == MSOC_KQL_OP_PLUS) {
            *out = a;
            break;
        }
        if (a->kind == MSOC_PLAN_X_LIT && !a->lit.is_null &&
            (a->type == MSOC_TYPE_LONG || a->type == MSOC_TYPE_INT || a->type == MSOC_TYPE_REAL ||
             a->type == MSOC_TYPE_TIMESPAN)) {
            msoc_plan_expr *x = msoc_plan__alloc(b, sizeof *x);
            if (x == NULL)
                return b->err->code;
            *x = *a;
            x->lit.i = (int64_t)(0 - (uint64_t)a->lit.i);
            x->lit.r = -a->lit.r;
            *out = x;
            break;
        }
        *out = msoc_plan__call(b, MSOC_PLAN_FN_NEG, &a, 1, e);
        st = *out ? MSOC_OK : b->err->code;
        break;
    }
    case MSOC_KQL_BETWEEN: {
        msoc_plan_expr *args[3];
        st = msoc_plan__bind_expr(b, e->a, in, &args[0]);
        if (st == MSOC_OK)
            st = msoc_plan__bind_expr(b, e->b, in, &args[1]);
        if (st == MSOC_OK)
            st = msoc_plan__bind_expr(b, e->c, in, &args[2]);
        if (st == MSOC_OK) {
            *out = msoc_plan__call(b, e->op == MSOC_KQL_OP_NOT_BETWEEN ? MSOC_PLAN_FN_NBETWEEN
                                                                       : MSOC_PLAN_FN_BETWEEN,
                                   args, 3, e);
            st = *out ? MSOC_OK : b->err->code;
        }
        break;
    }
    case MSOC_KQL_IN: {
        msoc_plan_fn fn;
        if (!map_op(e->op, &fn)) {
            st = msoc_fail_pos(b->err, MSOC_UNSUPPORTED, e->line, e->col, "not supported: list operator");
            break;
        }
        msoc_plan_expr **args = msoc_plan__alloc(b, (e->args.n + 2) * sizeof *args);
        if (args == NULL)
            return b->err->code;
        st = msoc_plan__bind_expr(b, e->a, in, &args[0]);
        for (uint32_t i = 0; st == MSOC_OK && i < e->args.n; i++) {
            const msoc_kql_node *item = e->args.items[i];
            if (msoc_plan__is_tabular(b, item)) {
                msoc_plan_node *sub;
                st = msoc_plan__bind_tabular(b, item, &sub);
                if (st != MSOC_OK)
                    break;
                msoc_plan_expr *x = msoc_plan__alloc(b, sizeof *x);
                if (x == NULL)
                    return b->err->code;
                x->kind = MSOC_PLAN_X_SUB;
                x->sub = sub;
                x->is_sub_list = true;
                x->type = MSOC_TYPE_DYNAMIC;
                args[i + 1] = x;
            } else {
                st = msoc_plan__bind_expr(b, item, in, &args[i + 1]);
            }
        }
        if (st == MSOC_OK) {
            *out = msoc_plan__call(b, fn, args, e->args.n + 1, e);
            st = *out ? MSOC_OK : b->err->code;
        }
        break;
    }
    case MSOC_KQL_CALL: st = bind_call(b, e, in, out); break;
    case MSOC_KQL_MEMBER:
    case MSOC_KQL_INDEX: {
        msoc_plan_expr *args[2];
        st = msoc_plan__bind_expr(b, e->a, in, &args[0]);
        if (st != MSOC_OK)
            break;
        if (e->kind == MSOC_KQL_MEMBER) {
            args[1] = msoc_plan__alloc(b, sizeof *args[1]);
            if (args[1] == NULL)
                return b->err->code;
            args[1]->kind = MSOC_PLAN_X_LIT;
            args[1]->type = MSOC_TYPE_STRING;
            args[1]->lit.type = MSOC_TYPE_STRING;
            args[1]->lit.s = e->name;
        } else {
            st = msoc_plan__bind_expr(b, e->b, in, &args[1]);
            if (st != MSOC_OK)
                break;
        }
        *out = msoc_plan__call(b, MSOC_PLAN_FN_INDEX, args, 2, e);
        st = *out ? MSOC_OK : b->err->code;
        break;
    }
    case MSOC_KQL_PIPE:
        st = msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col,
                           "a tabular expression is used where a scalar is expected (use toscalar())");
        break;
    default:
        st = msoc_fail_pos(b->err, MSOC_UNSUPPORTED, e->line, e->col, "not supported: %s in an expression",
                           msoc_kql_kind_name(e->kind));
        break;
    }
    b->depth--;
    return st;
}

/* A user function call: binds the body with parameters as symbols. */
static msoc_status bind_user_call(binder *b, bind_sym *fsym, const msoc_kql_node *e,
                                  const msoc_plan_node *in, msoc_plan_expr **out)
{
    const msoc_kql_node *f = fsym->func;
    bind_sym *saved = b->syms;
    bind_sym *chain = saved;
    for (uint32_t i = 0; i < f->args.n; i++) {
        const msoc_kql_node *p = f->args.items[i];
        bind_sym *s = msoc_plan__alloc(b, sizeof *s);
        if (s == NULL)
            return b->err->code;
        s->name = p->name;
        const msoc_kql_node *arg = i < e->args.n ? e->args.items[i] : p->b;
        if (arg && arg->kind == MSOC_KQL_NAMED_ARG)
            arg = arg->a;
        if (arg == NULL)
            return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col,
                                 "missing argument '%.*s' of %.*s()", (int)p->name.len, p->name.ptr,
                                 (int)e->name.len, e->name.ptr);
        b->syms = saved;
        msoc_status st;
        if (p->a && p->a->kind == MSOC_KQL_SCHEMA) {
            s->kind = SYM_TABLE;
            st = msoc_plan__bind_tabular(b, arg, &s->node);
        } else {
            s->kind = SYM_COLEXPR;
            st = msoc_plan__bind_expr(b, arg, in, &s->expr);
        }
        b->syms = saved;
        if (st != MSOC_OK)
            return st;
        s->next = chain;
        chain = s;
    }
    b->syms = chain;
    const msoc_kql_node *body = f->a;
    msoc_status st = MSOC_OK;
    const msoc_kql_node *res = NULL;
    for (uint32_t i = 0; body && i < body->args.n; i++) {
        const msoc_kql_node *stmt = body->args.items[i];
        if (stmt->kind == MSOC_KQL_LET) {
            bind_sym *s = msoc_plan__alloc(b, sizeof *s);
            if (s == NULL)
                return b->err->code;
            s->name = stmt->name;
            if (stmt->a && stmt->a->kind == MSOC_KQL_FUNC) {
                s->kind = SYM_FUNC;
                s->func = stmt->a;
            } else if (msoc_plan__is_tabular(b, stmt->a)) {
                s->kind = SYM_TABLE;
                st = msoc_plan__bind_tabular(b, stmt->a, &s->node);
            } else {
                s->kind = SYM_COLEXPR;
                st = msoc_plan__bind_expr(b, stmt->a, in, &s->expr);
            }
            if (st != MSOC_OK)
                break;
            s->next = b->syms;
            b->syms = s;
        } else {
            res = stmt;
        }
    }
    if (st == MSOC_OK) {
        if (res == NULL)
            st = msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col, "function %.*s() has no result",
                               (int)e->name.len, e->name.ptr);
        else
            st = msoc_plan__bind_expr(b, res, in, out);
    }
    b->syms = saved;
    return st;
}

/* The value of `set NAME = value;` in the query's statements (the last one wins),
 * or NULL. */
static const msoc_kql_node *set_option(const binder *b, const char *name)
{
    const msoc_kql_node *v = NULL;
    for (uint32_t i = 0; b->script && i < b->script->args.n; i++) {
        const msoc_kql_node *st = b->script->args.items[i];
        if (st->kind == MSOC_KQL_SET && msoc_str_eq_c(st->name, name))
            v = st->a;
    }
    return v;
}

/* bin_auto(x): bin_at(x, query_bin_auto_size, query_bin_auto_at), both from the
 * query's set statements; the start defaults to 0 of x's type. */
static msoc_status bind_bin_auto(binder *b, const msoc_kql_node *e, const msoc_plan_node *in,
                                 msoc_plan_expr **out)
{
    if (e->args.n != 1)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col, "bin_auto() takes 1 argument, not %u",
                             e->args.n);
    const msoc_kql_node *size = set_option(b, "query_bin_auto_size");
    if (size == NULL)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col,
                             "bin_auto() needs the bin size: set query_bin_auto_size = ...; before the query");
    const msoc_kql_node *at = set_option(b, "query_bin_auto_at");
    msoc_plan_expr *args[3];
    msoc_status st = msoc_plan__bind_expr(b, e->args.items[0], in, &args[0]);
    if (st == MSOC_OK)
        st = msoc_plan__bind_expr(b, size, NULL, &args[1]);
    if (st != MSOC_OK)
        return st;
    if (at != NULL) {
        if ((st = msoc_plan__bind_expr(b, at, NULL, &args[2])) != MSOC_OK)
            return st;
    } else {
        msoc_plan_expr *z = msoc_plan__alloc(b, sizeof *z);
        if (z == NULL)
            return b->err->code;
        z->kind = MSOC_PLAN_X_LIT;
        z->type = z->lit.type = args[0]->type == MSOC_TYPE_NULL ? MSOC_TYPE_LONG : args[0]->type;
        z->lit.s = MSOC_STR("");
        args[2] = z;
    }
    *out = msoc_plan__call(b, MSOC_PLAN_FN_BIN_AT, args, 3, e);
    return *out ? MSOC_OK : b->err->code;
}

static msoc_status bind_call(binder *b, const msoc_kql_node *e, const msoc_plan_node *in,
                             msoc_plan_expr **out)
{
    msoc_str name = e->name;
    bind_sym *sym = msoc_plan__lookup(b, name);
    if (sym && sym->kind == SYM_FUNC)
        return bind_user_call(b, sym, e, in, out);
    if (msoc_str_eq_c(name, "toscalar")) {
        if (e->args.n != 1)
            return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col, "toscalar() takes one argument");
        const msoc_kql_node *arg = e->args.items[0];
        if (!msoc_plan__is_tabular(b, arg))
            return msoc_plan__bind_expr(b, arg, in, out);
        msoc_plan_node *sub;
        msoc_status st = msoc_plan__bind_tabular(b, arg, &sub);
        if (st != MSOC_OK)
            return st;
        msoc_plan_expr *x = msoc_plan__alloc(b, sizeof *x);
        if (x == NULL)
            return b->err->code;
        x->kind = MSOC_PLAN_X_SUB;
        x->sub = sub;
        x->type = sub->n_cols ? sub->cols[0].type : MSOC_TYPE_DYNAMIC;
        *out = x;
        return MSOC_OK;
    }
    if ((msoc_str_eq_c(name, "column_ifexists") || msoc_str_eq_c(name, "columnifexists")) &&
        e->args.n == 2) {
        /* the column name must be a constant string: a literal, or a let/function
         * parameter bound to one */
        msoc_str cname;
        if (e->args.items[0]->kind == MSOC_KQL_LIT) {
            cname = e->args.items[0]->lit.s;
        } else {
            msoc_plan_expr *nx;
            msoc_status st = msoc_plan__bind_expr(b, e->args.items[0], in, &nx);
            if (st != MSOC_OK)
                return st;
            if (nx->kind != MSOC_PLAN_X_LIT || nx->type != MSOC_TYPE_STRING || nx->lit.is_null)
                return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col,
                                     "%.*s(): the column name must be a constant string",
                                     (int)name.len, name.ptr);
            cname = nx->lit.s;
        }
        int c = msoc_plan__find_col(in, cname);
        if (c >= 0) {
            *out = msoc_plan__col_ref(b, in, c);
            return *out ? MSOC_OK : b->err->code;
        }
        return msoc_plan__bind_expr(b, e->args.items[1], in, out);
    }
    if (msoc_str_eq_c(name, "bin_auto"))
        return bind_bin_auto(b, e, in, out);
    if (msoc_str_eq_c(name, "column_names_of") && e->args.n == 1 &&
        msoc_plan__is_tabular(b, e->args.items[0])) {
        /* the column names of a tabular expression, known at bind time: a constant */
        msoc_plan_node *sub;
        msoc_status st = msoc_plan__bind_tabular(b, e->args.items[0], &sub);
        if (st != MSOC_OK)
            return st;
        msoc_buf j;
        msoc_buf_init(&j, 1 << 20);
        msoc_buf_putc(&j, '[');
        size_t k = 0;
        for (size_t c = 0; c < sub->n_cols; c++) {
            if (msoc_plan_col_is_hidden(sub->cols[c].name))
                continue;
            if (k++)
                msoc_buf_putc(&j, ',');
            msoc_buf_append_json_str(&j, sub->cols[c].name.ptr, sub->cols[c].name.len);
        }
        msoc_buf_putc(&j, ']');
        st = msoc_buf_check(&j, "column_names_of", b->err);
        msoc_plan_expr *x = st == MSOC_OK ? msoc_plan__alloc(b, sizeof *x) : NULL;
        if (x) {
            x->kind = MSOC_PLAN_X_LIT;
            x->type = x->lit.type = MSOC_TYPE_DYNAMIC;
            x->lit.s = msoc_plan__str(b, j.data, j.len);
        }
        msoc_buf_fini(&j);
        if (x == NULL)
            return b->err->code;
        *out = x;
        return MSOC_OK;
    }
    if (msoc_str_eq_c(name, "estimate_data_size")) {
        /* estimate_data_size(*) / (col, ...): a star stands for every visible column */
        size_t cap = e->args.n + (in ? in->n_cols : 0) + 1;
        msoc_plan_expr **eargs = msoc_plan__alloc(b, cap * sizeof *eargs);
        if (eargs == NULL)
            return b->err->code;
        size_t k = 0;
        for (uint32_t i = 0; i < e->args.n; i++) {
            const msoc_kql_node *a = e->args.items[i];
            if (a->kind == MSOC_KQL_STAR) {
                for (size_t c = 0; in && c < in->n_cols; c++) {
                    if (msoc_plan_col_is_hidden(in->cols[c].name))
                        continue;
                    if ((eargs[k] = msoc_plan__col_ref(b, in, (int)c)) == NULL)
                        return b->err->code;
                    k++;
                }
                continue;
            }
            msoc_status st = msoc_plan__bind_expr(b, a, in, &eargs[k]);
            if (st != MSOC_OK)
                return st;
            k++;
        }
        if (k == 0)
            return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col, "estimate_data_size() needs a column or *");
        *out = msoc_plan__call(b, MSOC_PLAN_FN_ESTIMATE_DATA_SIZE, eargs, k, e);
        return *out ? MSOC_OK : b->err->code;
    }
    if (msoc_str_eq_c(name, "pack_all") || msoc_str_eq_c(name, "bag_pack_columns")) {
        /* pack("col", col, ...) over the input's visible columns (pack_all) or the
         * listed ones */
        bool is_all = msoc_str_eq_c(name, "pack_all");
        size_t n_cols = is_all ? (in ? in->n_cols : 0) : e->args.n;
        msoc_plan_expr **pargs = msoc_plan__alloc(b, (2 * n_cols + 1) * sizeof *pargs);
        if (pargs == NULL)
            return b->err->code;
        size_t k = 0;
        for (size_t c = 0; c < n_cols; c++) {
            msoc_str cname;
            msoc_plan_expr *val;
            if (is_all) {
                if (msoc_plan_col_is_hidden(in->cols[c].name))
                    continue;
                cname = in->cols[c].name;
                val = msoc_plan__col_ref(b, in, (int)c);
            } else {
                cname = msoc_plan__expr_name(b, e->args.items[c]);
                if (cname.ptr == NULL)
                    return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col,
                                         "bag_pack_columns() takes column names");
                msoc_status st = msoc_plan__bind_expr(b, e->args.items[c], in, &val);
                if (st != MSOC_OK)
                    return st;
            }
            msoc_plan_expr *key = msoc_plan__alloc(b, sizeof *key);
            if (key == NULL || val == NULL)
                return b->err->code;
            key->kind = MSOC_PLAN_X_LIT;
            key->type = key->lit.type = MSOC_TYPE_STRING;
            key->lit.s = cname;
            pargs[k++] = key;
            pargs[k++] = val;
        }
        *out = msoc_plan__call(b, MSOC_PLAN_FN_PACK, pargs, k, e);
        return *out ? MSOC_OK : b->err->code;
    }
    if (msoc_str_eq_c(name, "ingestion_time") && e->args.n == 0) {
        int c = msoc_plan__find_col(in, MSOC_STR(MSOC_PLAN_INGESTION_TIME_COL));
        *out = c >= 0 ? msoc_plan__col_ref(b, in, c) : msoc_plan__lit_null(b, MSOC_TYPE_DATETIME);
        return *out ? MSOC_OK : b->err->code;
    }
    if (msoc_str_eq_c(name, "typeof") && e->args.n == 1 && e->args.items[0]->kind == MSOC_KQL_NAME) {
        msoc_type t;
        if (msoc_type_parse(e->args.items[0]->name.ptr, e->args.items[0]->name.len, &t)) {
            *out = msoc_plan__lit_null(b, t);
            return *out ? MSOC_OK : b->err->code;
        }
    }
    msoc_plan_fn fn;
    if (!msoc_plan_fn_find(name.ptr, name.len, MSOC_PLAN_FK_SCALAR, &fn)) {
        if (msoc_str_eq_c(name, "isnotnull"))
            fn = MSOC_PLAN_FN_ISNOTNULL;
        else
            return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, e->line, e->col, "not supported: %.*s()",
                                 (int)name.len, name.ptr);
    }
    const msoc_plan_fn_info *info = msoc_plan_fn_get(fn);
    if (info->kind == MSOC_PLAN_FK_AGG)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col,
                             "aggregate %.*s() is only valid in summarize", (int)name.len, name.ptr);
    if ((int)e->args.n < info->min_args || (info->max_args >= 0 && (int)e->args.n > info->max_args))
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col,
                             "%.*s() takes %d%s argument%s, not %u", (int)name.len, name.ptr,
                             info->min_args, info->max_args == info->min_args ? "" : " or more",
                             info->min_args == 1 && info->max_args == 1 ? "" : "s", e->args.n);
    msoc_plan_expr **args = NULL;
    msoc_status st = bind_args(b, e, in, &args);
    if (st != MSOC_OK)
        return st;
    *out = msoc_plan__call(b, fn, args, e->args.n, e);
    if (*out == NULL)
        return b->err->code;
    if (fn == MSOC_PLAN_FN_EXTRACT && e->args.n == 4)
        (*out)->type = args[3]->type;
    if (fn == MSOC_PLAN_FN_PERCENTILE_TDIGEST && e->args.n == 3) /* typeof(t) names the result type */
        (*out)->type = args[2]->type;
    /* fold now() and ago(constant) with the query's fixed now, so time pruning sees
     * constants; exec uses the same now for anything left */
    if (b->cat->now != 0 && (fn == MSOC_PLAN_FN_NOW || fn == MSOC_PLAN_FN_AGO)) {
        const msoc_plan_expr *a0 = e->args.n ? args[0] : NULL;
        if (a0 == NULL || (a0->kind == MSOC_PLAN_X_LIT && !a0->lit.is_null && a0->type == MSOC_TYPE_TIMESPAN)) {
            msoc_plan_expr *x = msoc_plan__alloc(b, sizeof *x);
            if (x == NULL)
                return b->err->code;
            int64_t off = a0 ? a0->lit.i : 0;
            x->kind = MSOC_PLAN_X_LIT;
            x->type = x->lit.type = MSOC_TYPE_DATETIME;
            x->lit.i = fn == MSOC_PLAN_FN_AGO ? b->cat->now - off : b->cat->now + off;
            x->lit.s = MSOC_STR("");
            *out = x;
        }
    }
    return MSOC_OK;
}
