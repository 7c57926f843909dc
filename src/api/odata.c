/* A recursive-descent parser for OData $filter expressions (the subset Microsoft
 * Graph documents for security incidents and alerts) and $orderby. */
#include <string.h>

#include "odata.h"

typedef struct parser {
    const char *s;
    size_t len, pos;
    msoc_arena *a;
    msoc_error *err;
    int depth;
} parser;

static bool is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9') || c == '/';
}

static bool is_bare_char(char c)
{
    return is_ident_char(c) || c == '-' || c == '+' || c == ':' || c == '.';
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
        p->pos++;
}

static msoc_status fail(parser *p, const char *what)
{
    if (p->pos >= p->len)
        return msoc_fail_pos(p->err, MSOC_SYNTAX, 1, (uint32_t)p->pos + 1,
                             "$filter: %s at the end of the expression", what);
    /* The text is not NUL-terminated: print at most what remains. */
    size_t rest = p->len - p->pos;
    return msoc_fail_pos(p->err, MSOC_SYNTAX, 1, (uint32_t)p->pos + 1,
                         "$filter: %s at column %zu (near '%.*s')", what, p->pos + 1,
                         (int)(rest < 20 ? rest : 20), p->s + p->pos);
}

/* Does a keyword (case-sensitive, as OData) follow, as a whole word? */
static bool keyword(parser *p, const char *kw)
{
    skip_ws(p);
    size_t n = strlen(kw);
    if (p->pos + n > p->len || memcmp(p->s + p->pos, kw, n) != 0)
        return false;
    if (p->pos + n < p->len && is_ident_char(p->s[p->pos + n]))
        return false;
    p->pos += n;
    return true;
}

static msoc_status parse_or(parser *p, msoc_soc_expr **out);

static msoc_status parse_value(parser *p, msoc_soc_value *v)
{
    skip_ws(p);
    if (p->pos >= p->len)
        return fail(p, "expected a value");
    if (p->s[p->pos] == '\'') {
        p->pos++;
        char *buf = msoc_arena_alloc(p->a, p->len - p->pos + 1);
        if (!buf)
            return msoc_arena_fail(p->a, p->err);
        size_t n = 0;
        for (;;) {
            if (p->pos >= p->len)
                return fail(p, "unterminated string");
            char c = p->s[p->pos++];
            if (c == '\'') {
                if (p->pos < p->len && p->s[p->pos] == '\'') {
                    buf[n++] = '\'';
                    p->pos++;
                    continue;
                }
                break;
            }
            buf[n++] = c;
        }
        buf[n] = 0;
        v->text = buf;
        v->len = n;
        v->is_string = true;
        return MSOC_OK;
    }
    size_t start = p->pos;
    while (p->pos < p->len && is_bare_char(p->s[p->pos]))
        p->pos++;
    if (p->pos == start)
        return fail(p, "expected a value");
    v->text = msoc_arena_strndup(p->a, p->s + start, p->pos - start);
    if (!v->text)
        return msoc_arena_fail(p->a, p->err);
    v->len = p->pos - start;
    v->is_string = false;
    return MSOC_OK;
}

static msoc_soc_expr *new_expr(parser *p, msoc_soc_expr_kind kind)
{
    msoc_soc_expr *e = msoc_arena_calloc(p->a, 1, sizeof *e);
    if (e)
        e->kind = kind;
    return e;
}

static msoc_status parse_primary(parser *p, msoc_soc_expr **out)
{
    skip_ws(p);
    if (p->pos >= p->len)
        return fail(p, "expected a comparison");
    if (p->s[p->pos] == '(') {
        p->pos++;
        if (++p->depth > MSOC_ODATA_MAX_DEPTH)
            return fail(p, "too deeply nested");
        msoc_status r = parse_or(p, out);
        if (r != MSOC_OK)
            return r;
        p->depth--;
        skip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != ')')
            return fail(p, "expected ')'");
        p->pos++;
        return MSOC_OK;
    }
    if (keyword(p, "not")) {
        if (++p->depth > MSOC_ODATA_MAX_DEPTH)
            return fail(p, "too deeply nested");
        msoc_soc_expr *e = new_expr(p, MSOC_SOC_EXPR_NOT);
        if (!e)
            return msoc_arena_fail(p->a, p->err);
        msoc_status r = parse_primary(p, &e->lhs);
        p->depth--;
        *out = e;
        return r;
    }
    if (!is_ident_start(p->s[p->pos]))
        return fail(p, "expected a property name");
    size_t start = p->pos;
    while (p->pos < p->len && is_ident_char(p->s[p->pos]))
        p->pos++;
    const char *field = msoc_arena_strndup(p->a, p->s + start, p->pos - start);
    if (!field)
        return msoc_arena_fail(p->a, p->err);
    static const char *const ops[] = {"eq", "ne", "gt", "ge", "lt", "le"};
    for (int i = 0; i < 6; i++) {
        if (keyword(p, ops[i])) {
            msoc_soc_expr *e = new_expr(p, MSOC_SOC_EXPR_CMP);
            if (!e)
                return msoc_arena_fail(p->a, p->err);
            e->cmp = (msoc_soc_cmp)i;
            e->field = field;
            e->values = msoc_arena_calloc(p->a, 1, sizeof *e->values);
            if (!e->values)
                return msoc_arena_fail(p->a, p->err);
            e->n_values = 1;
            *out = e;
            return parse_value(p, &e->values[0]);
        }
    }
    if (keyword(p, "in")) {
        skip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != '(')
            return fail(p, "expected '(' after in");
        p->pos++;
        msoc_soc_expr *e = new_expr(p, MSOC_SOC_EXPR_IN);
        if (!e)
            return msoc_arena_fail(p->a, p->err);
        e->field = field;
        size_t cap = 8;
        e->values = msoc_arena_calloc(p->a, cap, sizeof *e->values);
        if (!e->values)
            return msoc_arena_fail(p->a, p->err);
        for (;;) {
            if (e->n_values == cap) {
                if (cap >= 1024)
                    return fail(p, "more than 1024 values in an in list");
                e->values = msoc_arena_realloc(p->a, e->values, cap * sizeof *e->values,
                                               2 * cap * sizeof *e->values);
                if (!e->values)
                    return msoc_arena_fail(p->a, p->err);
                cap *= 2;
            }
            msoc_status r = parse_value(p, &e->values[e->n_values]);
            if (r != MSOC_OK)
                return r;
            e->n_values++;
            skip_ws(p);
            if (p->pos < p->len && p->s[p->pos] == ',') {
                p->pos++;
                continue;
            }
            if (p->pos < p->len && p->s[p->pos] == ')') {
                p->pos++;
                break;
            }
            return fail(p, "expected ',' or ')' in an in list");
        }
        *out = e;
        return MSOC_OK;
    }
    return fail(p, "expected an operator (eq, ne, gt, ge, lt, le or in)");
}

static msoc_status parse_and(parser *p, msoc_soc_expr **out)
{
    msoc_status r = parse_primary(p, out);
    while (r == MSOC_OK && keyword(p, "and")) {
        msoc_soc_expr *e = new_expr(p, MSOC_SOC_EXPR_AND);
        if (!e)
            return msoc_arena_fail(p->a, p->err);
        e->lhs = *out;
        r = parse_primary(p, &e->rhs);
        *out = e;
    }
    return r;
}

static msoc_status parse_or(parser *p, msoc_soc_expr **out)
{
    msoc_status r = parse_and(p, out);
    while (r == MSOC_OK && keyword(p, "or")) {
        msoc_soc_expr *e = new_expr(p, MSOC_SOC_EXPR_OR);
        if (!e)
            return msoc_arena_fail(p->a, p->err);
        e->lhs = *out;
        r = parse_and(p, &e->rhs);
        *out = e;
    }
    return r;
}

msoc_status msoc_api_odata_filter_parse(const char *text, size_t len, msoc_arena *a,
                                        msoc_soc_expr **out, msoc_error *err)
{
    *out = NULL;
    if (len > MSOC_ODATA_MAX_LEN)
        return msoc_fail(err, MSOC_INVALID, "$filter is longer than %d characters", MSOC_ODATA_MAX_LEN);
    for (size_t i = 0; i < len; i++)
        if (text[i] == 0)
            return msoc_fail(err, MSOC_SYNTAX, "$filter contains a NUL byte");
    parser p = {text, len, 0, a, err, 0};
    msoc_status r = parse_or(&p, out);
    if (r != MSOC_OK)
        return r;
    skip_ws(&p);
    if (p.pos != p.len)
        return fail(&p, "unexpected text");
    return MSOC_OK;
}

msoc_status msoc_api_odata_orderby_parse(const char *text, msoc_arena *a, const char **field_out,
                                         bool *is_desc, msoc_error *err)
{
    parser p = {text, strlen(text), 0, a, err, 0};
    skip_ws(&p);
    size_t start = p.pos;
    while (p.pos < p.len && is_ident_char(p.s[p.pos]))
        p.pos++;
    if (p.pos == start)
        return msoc_fail(err, MSOC_SYNTAX, "$orderby: expected a property name");
    *field_out = msoc_arena_strndup(a, p.s + start, p.pos - start);
    if (!*field_out)
        return msoc_arena_fail(a, err);
    *is_desc = false;
    if (keyword(&p, "desc"))
        *is_desc = true;
    else
        keyword(&p, "asc");
    skip_ws(&p);
    if (p.pos != p.len)
        return msoc_fail(err, MSOC_SYNTAX, "$orderby: only one property (with asc or desc) is supported,"
                                           " unexpected '%.20s'", p.s + p.pos);
    return MSOC_OK;
}
