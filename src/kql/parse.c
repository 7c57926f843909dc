/* The KQL parser, part 1: token helpers, statements (let, set, declare, alias),
 * scalar expressions with KQL's precedence, literals and dynamic() JSON.
 * Recursive descent over the token array; the first error wins and is positioned
 * at the token that made the text invalid. Operators: parse_ops.c; commands:
 * parse_cmd.c. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kql_int.h"

/* ---- token helpers ------------------------------------------------------------ */

const msoc_kql_tok *msoc_kql__peek(kp *p, uint32_t ahead)
{
    uint32_t i = p->pos + ahead;
    return &p->t[i < p->n ? i : p->n - 1];
}

bool msoc_kql__is(kp *p, msoc_kql_tok_kind k)
{
    return p->t[p->pos].kind == k;
}

static bool tok_is_word(kp *p, const msoc_kql_tok *t, const char *word)
{
    size_t wl = strlen(word);
    return t->kind == MSOC_KQL_TOK_IDENT && t->len == wl && memcmp(p->text + t->off, word, wl) == 0;
}

bool msoc_kql__is_word(kp *p, uint32_t ahead, const char *word)
{
    return tok_is_word(p, msoc_kql__peek(p, ahead), word);
}

bool msoc_kql__accept(kp *p, msoc_kql_tok_kind k)
{
    if (p->t[p->pos].kind != k)
        return false;
    if (p->pos + 1 < p->n)
        p->pos++;
    return true;
}

bool msoc_kql__accept_word(kp *p, const char *word)
{
    if (!msoc_kql__is_word(p, 0, word))
        return false;
    p->pos++;
    return true;
}

const char *msoc_kql__tok_desc(kp *p, const msoc_kql_tok *t, char *buf, size_t cap)
{
    if (t->kind == MSOC_KQL_TOK_EOF)
        return "the end of the text";
    int n = (int)(t->len > 40 ? 40 : t->len);
    const char *src = p->text + t->off;
    int nl = 0;
    while (nl < n && src[nl] != '\n')
        nl++;
    snprintf(buf, cap, "'%.*s%s'", nl, src, (nl < (int)t->len) ? "..." : "");
    return buf;
}

void msoc_kql__fail(kp *p, const msoc_kql_tok *tok, msoc_kql_diag_code code, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = true;
    if (!tok)
        tok = &p->t[p->pos];
    if (p->diag)
        *p->diag = code;
    char msg[MSOC_ERROR_MSG_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    msoc_fail_pos(p->err, MSOC_SYNTAX, tok->line, tok->col, "%s", msg);
}

void msoc_kql__fail_oom(kp *p)
{
    if (p->failed)
        return;
    p->failed = true;
    if (p->diag)
        *p->diag = MSOC_KQL_DIAG_LIMIT;
    msoc_arena_fail(p->arena, p->err);
}

static const char *kind_text(msoc_kql_tok_kind k)
{
    switch (k) {
    case MSOC_KQL_TOK_LPAREN:
        return "'('";
    case MSOC_KQL_TOK_RPAREN:
        return "')'";
    case MSOC_KQL_TOK_LBRACKET:
        return "'['";
    case MSOC_KQL_TOK_RBRACKET:
        return "']'";
    case MSOC_KQL_TOK_LBRACE:
        return "'{'";
    case MSOC_KQL_TOK_RBRACE:
        return "'}'";
    case MSOC_KQL_TOK_COMMA:
        return "','";
    case MSOC_KQL_TOK_SEMI:
        return "';'";
    case MSOC_KQL_TOK_COLON:
        return "':'";
    case MSOC_KQL_TOK_ASSIGN:
        return "'='";
    case MSOC_KQL_TOK_DOTDOT:
        return "'..'";
    case MSOC_KQL_TOK_ARROW:
        return "'=>'";
    case MSOC_KQL_TOK_PIPE:
        return "'|'";
    case MSOC_KQL_TOK_STRING:
        return "a string literal";
    case MSOC_KQL_TOK_IDENT:
        return "a name";
    default:
        return "a token";
    }
}

bool msoc_kql__expect(kp *p, msoc_kql_tok_kind k, const char *what)
{
    if (msoc_kql__accept(p, k))
        return true;
    char b[64];
    msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED, "expected %s%s%s, found %s", kind_text(k),
                   what ? " " : "", what ? what : "",
                   msoc_kql__tok_desc(p, &p->t[p->pos], b, sizeof b));
    return false;
}

bool msoc_kql__expect_word(kp *p, const char *word)
{
    if (msoc_kql__accept_word(p, word))
        return true;
    char b[64];
    msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED, "expected '%s', found %s", word,
                   msoc_kql__tok_desc(p, &p->t[p->pos], b, sizeof b));
    return false;
}

/* Expects the bracket that closes open_tok; names the opener in the message. */
static bool expect_close(kp *p, const msoc_kql_tok *open_tok, msoc_kql_tok_kind k,
                         const char *opener)
{
    if (msoc_kql__accept(p, k))
        return true;
    char b[64];
    const msoc_kql_tok *t = &p->t[p->pos];
    msoc_kql__fail(p, NULL,
                   t->kind == MSOC_KQL_TOK_EOF ? MSOC_KQL_DIAG_UNCLOSED : MSOC_KQL_DIAG_EXPECTED,
                   "expected %s to close '%s' opened at %u:%u, found %s", kind_text(k), opener,
                   open_tok->line, open_tok->col, msoc_kql__tok_desc(p, t, b, sizeof b));
    return false;
}

bool msoc_kql__enter(kp *p)
{
    if (++p->depth > p->max_depth) {
        msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_TOO_DEEP,
                       "expression nested more than %u levels deep; simplify the query",
                       p->max_depth);
        return false;
    }
    return true;
}

void msoc_kql__leave(kp *p)
{
    p->depth--;
}

/* ---- node helpers ------------------------------------------------------------- */

msoc_kql_node *msoc_kql_node_new(msoc_arena *arena, msoc_kql_kind kind)
{
    msoc_kql_node *nd = msoc_arena_calloc(arena, 1, sizeof *nd);
    if (nd)
        nd->kind = kind;
    return nd;
}

msoc_kql_node *msoc_kql__node(kp *p, msoc_kql_kind kind, const msoc_kql_tok *at)
{
    if (p->failed)
        return NULL;
    msoc_kql_node *nd = msoc_kql_node_new(p->arena, kind);
    if (!nd) {
        msoc_kql__fail_oom(p);
        return NULL;
    }
    if (!at)
        at = &p->t[p->pos];
    nd->line = at->line;
    nd->col = at->col;
    nd->off = at->off;
    nd->end = at->off + at->len;
    return nd;
}

void msoc_kql__finish(kp *p, msoc_kql_node *nd)
{
    if (nd && p->pos > 0) {
        const msoc_kql_tok *last = &p->t[p->pos - 1];
        if (last->off + last->len > nd->off)
            nd->end = last->off + last->len;
    }
}

bool msoc_kql__list_push(kp *p, msoc_kql_list *l, msoc_kql_node *item, uint32_t *cap)
{
    if (p->failed || !item)
        return false;
    if (l->n == *cap) {
        uint32_t ncap = *cap ? *cap * 2 : 4;
        msoc_kql_node **nv =
            msoc_arena_realloc(p->arena, l->items, *cap * sizeof *nv, ncap * sizeof *nv);
        if (!nv) {
            msoc_kql__fail_oom(p);
            return false;
        }
        l->items = nv;
        *cap = ncap;
    }
    l->items[l->n++] = item;
    return true;
}

msoc_str msoc_kql__tok_str(kp *p, const msoc_kql_tok *t)
{
    msoc_str s = msoc_str_dup(p->arena, msoc_str_make(p->text + t->off, t->len));
    if (!s.ptr)
        msoc_kql__fail_oom(p);
    return s;
}

/* ---- names, types, schemas ---------------------------------------------------- */

bool msoc_kql__is_name_start(kp *p)
{
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    if (t->kind == MSOC_KQL_TOK_IDENT)
        return true;
    return t->kind == MSOC_KQL_TOK_LBRACKET && msoc_kql__peek(p, 1)->kind == MSOC_KQL_TOK_STRING &&
           msoc_kql__peek(p, 2)->kind == MSOC_KQL_TOK_RBRACKET;
}

msoc_kql_node *msoc_kql__name(kp *p, const char *what)
{
    if (p->failed)
        return NULL;
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_NAME, t);
    if (!nd)
        return NULL;
    if (t->kind == MSOC_KQL_TOK_IDENT) {
        nd->name = msoc_kql__tok_str(p, t);
        p->pos++;
        return p->failed ? NULL : nd;
    }
    if (msoc_kql__is_name_start(p)) {
        const msoc_kql_tok *s = msoc_kql__peek(p, 1);
        if (!msoc_kql__string_decode(p->text + s->off, s->len, p->arena, &nd->name)) {
            msoc_kql__fail_oom(p);
            return NULL;
        }
        p->pos += 3;
        msoc_kql__finish(p, nd);
        return nd;
    }
    char b[64];
    msoc_kql__fail(p, t, MSOC_KQL_DIAG_EXPECTED, "expected %s, found %s", what ? what : "a name",
                   msoc_kql__tok_desc(p, t, b, sizeof b));
    return NULL;
}

msoc_kql_node *msoc_kql__type(kp *p)
{
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    if (t->kind != MSOC_KQL_TOK_IDENT) {
        char b[64];
        msoc_kql__fail(p, t, MSOC_KQL_DIAG_EXPECTED,
                       "expected a type name (string, long, ...), "
                       "found %s",
                       msoc_kql__tok_desc(p, t, b, sizeof b));
        return NULL;
    }
    msoc_type ty;
    char lower[16];
    bool known = msoc_type_parse(p->text + t->off, t->len, &ty);
    if (!known && t->len < sizeof lower) { /* Kusto also takes DateTime, String, ... */
        for (uint32_t k = 0; k < t->len; k++)
            lower[k] = msoc_ascii_lower(p->text[t->off + k]);
        known = msoc_type_parse(lower, t->len, &ty);
    }
    if (!known) {
        char b[64];
        msoc_kql__fail(p, t, MSOC_KQL_DIAG_BAD_TYPE,
                       "unknown type %s; use bool, int, long, real, decimal, string, datetime, "
                       "timespan, guid or dynamic",
                       msoc_kql__tok_desc(p, t, b, sizeof b));
        return NULL;
    }
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_TYPE, t);
    if (!nd)
        return NULL;
    nd->op = (int32_t)ty;
    nd->name = msoc_kql__tok_str(p, t);
    p->pos++;
    return nd;
}

/* (a:string, b:long) or (*); the '(' is current. */
msoc_kql_node *msoc_kql__schema(kp *p)
{
    const msoc_kql_tok *open = msoc_kql__peek(p, 0);
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_SCHEMA, open);
    if (!nd || !msoc_kql__expect(p, MSOC_KQL_TOK_LPAREN, "to start a schema"))
        return NULL;
    if (msoc_kql__is(p, MSOC_KQL_TOK_STAR) && msoc_kql__peek(p, 1)->kind == MSOC_KQL_TOK_RPAREN) {
        p->pos += 2;
        nd->flags |= MSOC_KQL_F_STAR;
        msoc_kql__finish(p, nd);
        return nd;
    }
    uint32_t cap = 0;
    while (!p->failed && !msoc_kql__is(p, MSOC_KQL_TOK_RPAREN)) {
        if (msoc_kql__is(p, MSOC_KQL_TOK_STAR)) { /* typeof(*, extra:int) */
            msoc_kql__list_push(p, &nd->args, msoc_kql__node(p, MSOC_KQL_STAR, NULL), &cap);
            p->pos++;
            if (!msoc_kql__accept(p, MSOC_KQL_TOK_COMMA))
                break;
            continue;
        }
        msoc_kql_node *col = msoc_kql__node(p, MSOC_KQL_COLDEF, NULL);
        msoc_kql_node *nm = msoc_kql__name(p, "a column name");
        if (!col || !nm)
            return NULL;
        col->name = nm->name;
        if (!msoc_kql__expect(p, MSOC_KQL_TOK_COLON, "and a type after the column name"))
            return NULL;
        col->a = msoc_kql__type(p);
        if (msoc_kql__accept(p, MSOC_KQL_TOK_ASSIGN))
            col->b = msoc_kql__literal_value(p);
        msoc_kql__finish(p, col);
        msoc_kql__list_push(p, &nd->args, col, &cap);
        if (!msoc_kql__accept(p, MSOC_KQL_TOK_COMMA))
            break;
    }
    if (!expect_close(p, open, MSOC_KQL_TOK_RPAREN, "("))
        return NULL;
    msoc_kql__finish(p, nd);
    return p->failed ? NULL : nd;
}

/* ---- literals ----------------------------------------------------------------- */

static bool parse_int_text(const char *s, size_t n, int64_t *out)
{
    uint64_t v = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        for (size_t k = 2; k < n; k++) {
            char c = s[k];
            int d = (c >= '0' && c <= '9') ? c - '0' : (c | 0x20) - 'a' + 10;
            if (v >> 60)
                return false;
            v = v * 16 + (uint64_t)d;
        }
        *out = (int64_t)v;
        return true;
    }
    for (size_t k = 0; k < n; k++) {
        uint64_t d = (uint64_t)(s[k] - '0');
        if (v > (UINT64_C(9223372036854775807) - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = (int64_t)v;
    return true;
}

static msoc_kql_node *lit_node(kp *p, const msoc_kql_tok *t, msoc_type ty)
{
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_LIT, t);
    if (nd)
        nd->lit.type = ty;
    return nd;
}

static msoc_kql_node *number_lit(kp *p, bool negate)
{
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    const char *s = p->text + t->off;
    msoc_kql_node *nd = NULL;
    char b[64];
    if (t->kind == MSOC_KQL_TOK_INT) {
        nd = lit_node(p, t, MSOC_TYPE_LONG);
        int64_t v;
        if (!parse_int_text(s, t->len, &v)) {
            /* Too big for long: Kusto reads it as a real. */
            double r;
            if (!nd || !msoc_str_to_double(msoc_str_make(s, t->len), &r) || !isfinite(r)) {
                msoc_kql__fail(p, t, MSOC_KQL_DIAG_BAD_NUMBER, "number %s is out of range",
                               msoc_kql__tok_desc(p, t, b, sizeof b));
                return NULL;
            }
            nd->lit.type = MSOC_TYPE_REAL;
            nd->lit.v.r = negate ? -r : r;
        } else if (nd) {
            nd->lit.v.i = negate ? -v : v;
        }
    } else if (t->kind == MSOC_KQL_TOK_REAL) {
        nd = lit_node(p, t, MSOC_TYPE_REAL);
        double r;
        if (!nd || !msoc_str_to_double(msoc_str_make(s, t->len), &r) || !isfinite(r)) {
            msoc_kql__fail(p, t, MSOC_KQL_DIAG_BAD_NUMBER, "real literal %s is malformed or out of range",
                           msoc_kql__tok_desc(p, t, b, sizeof b));
            return NULL;
        }
        nd->lit.v.r = negate ? -r : r;
    } else { /* TIMESPAN: number + unit */
        nd = lit_node(p, t, MSOC_TYPE_TIMESPAN);
        size_t k = 0;
        while (k < t->len && ((s[k] >= '0' && s[k] <= '9') || s[k] == '.'))
            k++;
        int64_t unit = msoc_kql__timespan_unit(s + k, t->len - k);
        double r;
        if (!nd || unit <= 0 || !msoc_str_to_double(msoc_str_make(s, k), &r) ||
            r * (double)unit > 9.2e18) {
            msoc_kql__fail(p, t, MSOC_KQL_DIAG_BAD_NUMBER, "timespan %s is out of range",
                           msoc_kql__tok_desc(p, t, b, sizeof b));
            return NULL;
        }
        int64_t iv;
        if (!memchr(s, '.', k) && parse_int_text(s, k, &iv) && iv <= INT64_MAX / unit)
            nd->lit.v.ts = iv * unit;
        else
            nd->lit.v.ts = (int64_t)llround(r * (double)unit);
        if (negate)
            nd->lit.v.ts = -nd->lit.v.ts;
    }
    if (!nd)
        return NULL;
    p->pos++;
    return nd;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static bool guid_valid(msoc_str s)
{
    static const int groups[] = {8, 4, 4, 4, 12};
    size_t k = 0;
    for (int g = 0; g < 5; g++) {
        if (g > 0) {
            if (k >= s.len || s.ptr[k] != '-')
                return false;
            k++;
        }
        for (int d = 0; d < groups[g]; d++, k++)
            if (k >= s.len || !is_hex(s.ptr[k]))
                return false;
    }
    return k == s.len;
}

/* Kusto reads datetime(2017 - 08 - 01) as 2017-08-01: blanks next to a date or
 * time separator (- / : .) are dropped, other blanks (between the date and the
 * time) are kept. Bodies longer than 64 bytes are not retried. */
static bool datetime_parse_spaced(msoc_str body, msoc_datetime *out)
{
    char buf[64];
    size_t n = 0;
    if (body.len >= sizeof buf)
        return false;
    for (size_t i = 0; i < body.len; i++) {
        char c = body.ptr[i];
        if (c == ' ' || c == '\t') {
            size_t j = i;
            while (j < body.len && (body.ptr[j] == ' ' || body.ptr[j] == '\t'))
                j++;
            char prev = n ? buf[n - 1] : 0, next = j < body.len ? body.ptr[j] : 0;
            bool is_sep_next = prev == '-' || prev == '/' || prev == ':' || prev == '.' ||
                               next == '-' || next == '/' || next == ':' || next == '.';
            if (!is_sep_next)
                buf[n++] = ' ';
            i = j - 1;
            continue;
        }
        buf[n++] = c;
    }
    return n != body.len && msoc_datetime_parse_fast(buf, n, out);
}

/* datetime(...), date(...), time(...), timespan(...), guid(...) */
static msoc_kql_node *rawlit(kp *p)
{
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    const char *s = p->text + t->off;
    size_t nl = 0;
    while (s[nl] != '(' && s[nl] != ' ' && s[nl] != '\t')
        nl++;
    const char *lp = memchr(s, '(', t->len);
    msoc_str body = msoc_str_trim(msoc_str_make(lp + 1, (size_t)(s + t->len - 1 - (lp + 1))));
    bool is_null = msoc_str_eq_c(body, "null");
    msoc_kql_node *nd;
    char b[64];
    if (s[0] == 'g') {
        nd = lit_node(p, t, MSOC_TYPE_GUID);
        if (!nd)
            return NULL;
        if (!is_null && !guid_valid(body)) {
            msoc_kql__fail(p, t, MSOC_KQL_DIAG_BAD_LITERAL,
                           "malformed guid literal %s; expected "
                           "guid(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
                           msoc_kql__tok_desc(p, t, b, sizeof b));
            return NULL;
        }
        nd->lit.s = msoc_str_dup(p->arena, body);
    } else if (nl == 4 && s[0] == 'd') { /* date */
        nd = lit_node(p, t, MSOC_TYPE_DATETIME);
        goto datetime;
    } else if (s[0] == 'd') {
        nd = lit_node(p, t, MSOC_TYPE_DATETIME);
    datetime:
        if (!nd)
            return NULL;
        if (is_null)
            nd->lit.v.dt = MSOC_TIME_NULL;
        else if (!msoc_datetime_parse_fast(body.ptr, body.len, &nd->lit.v.dt) &&
                 !datetime_parse_spaced(body, &nd->lit.v.dt)) {
            /* Kusto's parser accepts any text here; the binder reports it. */
            nd->lit.v.dt = MSOC_TIME_NULL;
            nd->lit.s = msoc_str_dup(p->arena, body);
        }
    } else {
        nd = lit_node(p, t, MSOC_TYPE_TIMESPAN);
        if (!nd)
            return NULL;
        if (is_null)
            nd->lit.v.ts = MSOC_TIME_NULL;
        else if (!msoc_timespan_parse_fast(body.ptr, body.len, &nd->lit.v.ts)) {
            nd->lit.v.ts = MSOC_TIME_NULL;
            nd->lit.s = msoc_str_dup(p->arena, body);
        }
    }
    nd->lit.is_null = is_null;
    p->pos++;
    return nd;
}

/* One or more adjacent string literals (Kusto concatenates them). */
static msoc_kql_node *string_lit(kp *p)
{
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    msoc_kql_node *nd = lit_node(p, t, MSOC_TYPE_STRING);
    if (!nd)
        return NULL;
    if (!msoc_kql__string_decode(p->text + t->off, t->len, p->arena, &nd->lit.s)) {
        msoc_kql__fail_oom(p);
        return NULL;
    }
    p->pos++;
    while (msoc_kql__is(p, MSOC_KQL_TOK_STRING)) {
        const msoc_kql_tok *u = msoc_kql__peek(p, 0);
        msoc_str more;
        if (!msoc_kql__string_decode(p->text + u->off, u->len, p->arena, &more)) {
            msoc_kql__fail_oom(p);
            return NULL;
        }
        char *cat = msoc_arena_alloc(p->arena, nd->lit.s.len + more.len + 1);
        if (!cat) {
            msoc_kql__fail_oom(p);
            return NULL;
        }
        memcpy(cat, nd->lit.s.ptr, nd->lit.s.len);
        memcpy(cat + nd->lit.s.len, more.ptr, more.len);
        cat[nd->lit.s.len + more.len] = 0;
        nd->lit.s = msoc_str_make(cat, nd->lit.s.len + more.len);
        p->pos++;
    }
    msoc_kql__finish(p, nd);
    return nd;
}

static bool word_ci(kp *p, const msoc_kql_tok *t, const char *w)
{
    size_t wl = strlen(w);
    if (t->kind != MSOC_KQL_TOK_IDENT || t->len != wl)
        return false;
    return msoc_str_ieq(msoc_str_make(p->text + t->off, t->len), msoc_str_make(w, wl));
}

static msoc_kql_node *dyn_value(kp *p);

/* JSON inside dynamic(...): arrays, objects, and KQL literals. */
static msoc_kql_node *dyn_value(kp *p)
{
    if (!msoc_kql__enter(p))
        return NULL;
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    msoc_kql_node *nd = NULL;
    char b[64];
    if (t->kind == MSOC_KQL_TOK_LBRACKET || t->kind == MSOC_KQL_TOK_LBRACE) {
        bool is_arr = t->kind == MSOC_KQL_TOK_LBRACKET;
        nd = msoc_kql__node(p, is_arr ? MSOC_KQL_DYN_ARRAY : MSOC_KQL_DYN_OBJECT, t);
        p->pos++;
        uint32_t cap = 0;
        msoc_kql_tok_kind close = is_arr ? MSOC_KQL_TOK_RBRACKET : MSOC_KQL_TOK_RBRACE;
        while (nd && !p->failed && !msoc_kql__is(p, close)) {
            msoc_kql_node *item;
            if (is_arr) {
                item = dyn_value(p);
            } else {
                const msoc_kql_tok *k = msoc_kql__peek(p, 0);
                item = msoc_kql__node(p, MSOC_KQL_DYN_PAIR, k);
                if (!item)
                    break;
                if (k->kind == MSOC_KQL_TOK_STRING) {
                    if (!msoc_kql__string_decode(p->text + k->off, k->len, p->arena, &item->name)) {
                        msoc_kql__fail_oom(p);
                        break;
                    }
                    p->pos++;
                } else if (k->kind == MSOC_KQL_TOK_IDENT) {
                    item->name = msoc_kql__tok_str(p, k);
                    p->pos++;
                } else {
                    msoc_kql__fail(p, k, MSOC_KQL_DIAG_JSON,
                                   "expected a property name (string) in dynamic object, "
                                   "found %s",
                                   msoc_kql__tok_desc(p, k, b, sizeof b));
                    break;
                }
                if (!msoc_kql__expect(p, MSOC_KQL_TOK_COLON, "after the property name"))
                    break;
                item->a = dyn_value(p);
                msoc_kql__finish(p, item);
            }
            if (!msoc_kql__list_push(p, &nd->args, item, &cap))
                break;
            if (!msoc_kql__accept(p, MSOC_KQL_TOK_COMMA))
                break;
            if (msoc_kql__is(p, close)) {
                msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_JSON,
                               "missing JSON value after ',' in dynamic %s; remove the "
                               "trailing comma",
                               is_arr ? "array" : "object");
                break;
            }
        }
        if (!p->failed)
            expect_close(p, t, close, is_arr ? "[" : "{");
        msoc_kql__finish(p, nd);
    } else if (t->kind == MSOC_KQL_TOK_IDENT && (word_ci(p, t, "null"))) {
        nd = lit_node(p, t, MSOC_TYPE_DYNAMIC);
        if (nd)
            nd->lit.is_null = true;
        p->pos++;
    } else {
        nd = msoc_kql__literal_value(p);
    }
    msoc_kql__leave(p);
    return p->failed ? NULL : nd;
}

static bool is_typed_lit_word(kp *p, const msoc_kql_tok *t, msoc_type *ty)
{
    static const struct {
        const char *w;
        msoc_type ty;
    } words[] = {{"int", MSOC_TYPE_INT},         {"long", MSOC_TYPE_LONG},
                 {"real", MSOC_TYPE_REAL},       {"double", MSOC_TYPE_REAL},
                 {"bool", MSOC_TYPE_BOOL},       {"boolean", MSOC_TYPE_BOOL},
                 {"decimal", MSOC_TYPE_DECIMAL}, {"dynamic", MSOC_TYPE_DYNAMIC},
                 {"int64", MSOC_TYPE_LONG},      {"int32", MSOC_TYPE_INT}};
    if (t->kind != MSOC_KQL_TOK_IDENT)
        return false;
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (tok_is_word(p, t, words[k].w)) {
            *ty = words[k].ty;
            return true;
        }
    return false;
}

/* int(5), real(nan), bool(null), decimal(1.5), dynamic([1,2]): the word is current. */
static msoc_kql_node *typed_lit(kp *p, msoc_type ty)
{
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    const msoc_kql_tok *open = msoc_kql__peek(p, 1);
    p->pos += 2;
    msoc_kql_node *nd;
    char b[64];
    const msoc_kql_tok *v = msoc_kql__peek(p, 0);
    if (ty == MSOC_TYPE_DYNAMIC) {
        nd = lit_node(p, t, MSOC_TYPE_DYNAMIC);
        if (!nd)
            return NULL;
        if (msoc_kql__is(p, MSOC_KQL_TOK_RPAREN)) {
            msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_JSON,
                           "dynamic() needs a value: dynamic(null), dynamic([]) or dynamic({})");
            return NULL;
        }
        msoc_kql_node *val = dyn_value(p);
        if (!val)
            return NULL;
        if (val->kind == MSOC_KQL_LIT && val->lit.type == MSOC_TYPE_DYNAMIC && val->lit.is_null)
            nd->lit.is_null = true;
        else
            nd->a = val;
    } else if (word_ci(p, v, "null")) {
        nd = lit_node(p, t, ty);
        if (!nd)
            return NULL;
        nd->lit.is_null = true;
        p->pos++;
    } else if (ty == MSOC_TYPE_BOOL) {
        nd = lit_node(p, t, ty);
        if (!nd)
            return NULL;
        if (word_ci(p, v, "true") || (v->kind == MSOC_KQL_TOK_INT && p->text[v->off] == '1'))
            nd->lit.v.b = true;
        else if (!word_ci(p, v, "false") &&
                 !(v->kind == MSOC_KQL_TOK_INT && p->text[v->off] == '0')) {
            msoc_kql__fail(p, v, MSOC_KQL_DIAG_BAD_LITERAL,
                           "bool() takes true, false or null, found %s",
                           msoc_kql__tok_desc(p, v, b, sizeof b));
            return NULL;
        }
        p->pos++;
    } else {
        bool neg = false;
        if (msoc_kql__is(p, MSOC_KQL_TOK_MINUS) || msoc_kql__is(p, MSOC_KQL_TOK_PLUS)) {
            neg = msoc_kql__is(p, MSOC_KQL_TOK_MINUS);
            p->pos++;
            v = msoc_kql__peek(p, 0);
        }
        if (ty == MSOC_TYPE_REAL && v->kind == MSOC_KQL_TOK_IDENT &&
            (word_ci(p, v, "nan") || word_ci(p, v, "inf") || word_ci(p, v, "infinity"))) {
            nd = lit_node(p, t, ty);
            if (!nd)
                return NULL;
            bool is_nan = word_ci(p, v, "nan");
            nd->lit.v.r = is_nan ? NAN : (neg ? -INFINITY : INFINITY);
            nd->lit.s = msoc_str_c(is_nan ? "nan" : (neg ? "-inf" : "+inf"));
            p->pos++;
        } else if (v->kind == MSOC_KQL_TOK_INT || v->kind == MSOC_KQL_TOK_REAL) {
            nd = number_lit(p, neg);
            if (!nd)
                return NULL;
            nd->line = t->line;
            nd->col = t->col;
            nd->off = t->off;
            if (ty == MSOC_TYPE_REAL && nd->lit.type == MSOC_TYPE_LONG)
                nd->lit.v.r = (double)nd->lit.v.i;
            else if (ty != MSOC_TYPE_REAL && nd->lit.type == MSOC_TYPE_REAL &&
                     ty != MSOC_TYPE_DECIMAL) {
                msoc_kql__fail(p, v, MSOC_KQL_DIAG_BAD_LITERAL,
                               "%.*s() needs a whole number, found %s", (int)t->len,
                               p->text + t->off, msoc_kql__tok_desc(p, v, b, sizeof b));
                return NULL;
            }
            if (ty == MSOC_TYPE_DECIMAL) {
                const msoc_kql_tok *num = msoc_kql__peek(p, (uint32_t)-1);
                char *txt = msoc_arena_alloc(p->arena, num->len + 2);
                if (!txt) {
                    msoc_kql__fail_oom(p);
                    return NULL;
                }
                size_t o = 0;
                if (neg)
                    txt[o++] = '-';
                memcpy(txt + o, p->text + num->off, num->len);
                txt[o + num->len] = 0;
                nd->lit.s = msoc_str_make(txt, o + num->len);
                nd->lit.v.i = 0;
            }
            nd->lit.type = ty;
        } else {
            msoc_kql__fail(p, v, MSOC_KQL_DIAG_BAD_LITERAL,
                           "%.*s() needs a number or null, found %s", (int)t->len, p->text + t->off,
                           msoc_kql__tok_desc(p, v, b, sizeof b));
            return NULL;
        }
    }
    if (!expect_close(p, open, MSOC_KQL_TOK_RPAREN, "literal("))
        return NULL;
    msoc_kql__finish(p, nd);
    return nd;
}

/* A literal value: number, string, bool, timespan, datetime(...), typed literal;
 * a leading '-' negates numbers. NULL with an error when the token is none. */
msoc_kql_node *msoc_kql__literal_value(kp *p)
{
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    msoc_type ty;
    char b[64];
    switch (t->kind) {
    case MSOC_KQL_TOK_INT:
    case MSOC_KQL_TOK_REAL:
    case MSOC_KQL_TOK_TIMESPAN:
        return number_lit(p, false);
    case MSOC_KQL_TOK_STRING:
        return string_lit(p);
    case MSOC_KQL_TOK_RAWLIT:
        return rawlit(p);
    case MSOC_KQL_TOK_MINUS: {
        const msoc_kql_tok *n = msoc_kql__peek(p, 1);
        if (n->kind == MSOC_KQL_TOK_INT || n->kind == MSOC_KQL_TOK_REAL ||
            n->kind == MSOC_KQL_TOK_TIMESPAN) {
            p->pos++;
            msoc_kql_node *nd = number_lit(p, true);
            if (nd) {
                nd->line = t->line;
                nd->col = t->col;
                nd->off = t->off;
            }
            return nd;
        }
        break;
    }
    case MSOC_KQL_TOK_IDENT:
        if (word_ci(p, t, "true") || word_ci(p, t, "false")) {
            msoc_kql_node *nd = lit_node(p, t, MSOC_TYPE_BOOL);
            if (nd)
                nd->lit.v.b = word_ci(p, t, "true");
            p->pos++;
            return nd;
        }
        if (msoc_kql__peek(p, 1)->kind == MSOC_KQL_TOK_LPAREN && is_typed_lit_word(p, t, &ty))
            return typed_lit(p, ty);
        break;
    default:
        break;
    }
    msoc_kql__fail(p, t, MSOC_KQL_DIAG_EXPECTED, "expected a literal value, found %s",
                   msoc_kql__tok_desc(p, t, b, sizeof b));
    return NULL;
}

/* ---- expressions -------------------------------------------------------------- */

static msoc_kql_node *binary(kp *p, msoc_kql_op op, msoc_kql_node *l, msoc_kql_node *r)
{
    if (!l || !r)
        return NULL;
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_BINARY, NULL);
    if (!nd)
        return NULL;
    nd->line = l->line;
    nd->col = l->col;
    nd->off = l->off;
    nd->end = r->end;
    nd->op = op;
    nd->a = l;
    nd->b = r;
    return nd;
}

/* Call arguments after '(' up to ')': expressions (tabular allowed), name=value. */
static bool call_args(kp *p, msoc_kql_node *call, const msoc_kql_tok *open, const char *opener)
{
    uint32_t cap = 0;
    while (!p->failed && !msoc_kql__is(p, MSOC_KQL_TOK_RPAREN)) {
        msoc_kql_node *arg;
        const msoc_kql_tok *t = msoc_kql__peek(p, 0);
        if (t->kind == MSOC_KQL_TOK_EOF || t->kind == MSOC_KQL_TOK_PIPE ||
            t->kind == MSOC_KQL_TOK_SEMI)
            return expect_close(p, open, MSOC_KQL_TOK_RPAREN, opener);
        if (t->kind == MSOC_KQL_TOK_IDENT && msoc_kql__peek(p, 1)->kind == MSOC_KQL_TOK_ASSIGN) {
            arg = msoc_kql__node(p, MSOC_KQL_NAMED_ARG, t);
            if (!arg)
                return false;
            arg->name = msoc_kql__tok_str(p, t);
            p->pos += 2;
            arg->a = msoc_kql__pipe_expr(p);
            msoc_kql__finish(p, arg);
        } else if (t->kind == MSOC_KQL_TOK_STAR &&
                   (msoc_kql__peek(p, 1)->kind == MSOC_KQL_TOK_RPAREN ||
                    msoc_kql__peek(p, 1)->kind == MSOC_KQL_TOK_COMMA)) {
            arg = msoc_kql__node(p, MSOC_KQL_STAR, t);
            p->pos++;
        } else {
            arg = msoc_kql__pipe_expr(p);
        }
        if (!msoc_kql__list_push(p, &call->args, arg, &cap))
            return false;
        if (!msoc_kql__accept(p, MSOC_KQL_TOK_COMMA))
            break;
    }
    return !p->failed && expect_close(p, open, MSOC_KQL_TOK_RPAREN, opener);
}

static msoc_kql_node *call_expr(kp *p, msoc_kql_node *receiver)
{
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_CALL, receiver ? NULL : t);
    if (!nd)
        return NULL;
    if (receiver) {
        nd->line = receiver->line;
        nd->col = receiver->col;
        nd->off = receiver->off;
    }
    nd->a = receiver;
    nd->name = msoc_kql__tok_str(p, t);
    const msoc_kql_tok *open = msoc_kql__peek(p, 1);
    p->pos += 2;
    char opener[72];
    snprintf(opener, sizeof opener, "%.*s(", (int)(t->len > 60 ? 60 : t->len), p->text + t->off);
    /* typeof(string) and typeof(a:string, ...) take types, not expressions. */
    if (tok_is_word(p, t, "typeof") && !receiver) {
        if (msoc_kql__peek(p, 1)->kind == MSOC_KQL_TOK_COLON ||
            msoc_kql__is(p, MSOC_KQL_TOK_STAR)) {
            p->pos--;
            msoc_kql_node *sch = msoc_kql__schema(p);
            if (!sch)
                return NULL;
            sch->line = t->line;
            sch->col = t->col;
            sch->off = t->off;
            return sch;
        }
        msoc_kql_node *ty = msoc_kql__type(p);
        if (!ty || !expect_close(p, open, MSOC_KQL_TOK_RPAREN, opener))
            return NULL;
        ty->line = t->line;
        ty->col = t->col;
        ty->off = t->off;
        msoc_kql__finish(p, ty);
        return ty;
    }
    if (!call_args(p, nd, t, opener))
        return NULL;
    msoc_kql__finish(p, nd);
    return nd;
}

static msoc_kql_node *postfix(kp *p, msoc_kql_node *base)
{
    while (base && !p->failed) {
        const msoc_kql_tok *t = msoc_kql__peek(p, 0);
        if (t->kind == MSOC_KQL_TOK_DOT) {
            if (p->in_command && msoc_kql__at_command_start(p))
                break;
            p->pos++;
            const msoc_kql_tok *m = msoc_kql__peek(p, 0);
            if (m->kind == MSOC_KQL_TOK_STAR && base->kind != MSOC_KQL_LIT) { /* database("x").* */
                msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_MEMBER, NULL);
                if (!nd)
                    return NULL;
                nd->line = base->line;
                nd->col = base->col;
                nd->off = base->off;
                nd->a = base;
                /* database("x").* and database("x").*Table: glue the pattern */
                uint32_t last = p->pos;
                while (p->t[last + 1].kind == MSOC_KQL_TOK_IDENT ||
                       p->t[last + 1].kind == MSOC_KQL_TOK_STAR) {
                    if (p->t[last + 1].has_ws_before)
                        break;
                    last++;
                }
                const msoc_kql_tok *lt = &p->t[last];
                nd->name = msoc_str_dup(
                    p->arena, msoc_str_make(p->text + m->off, lt->off + lt->len - m->off));
                if (!nd->name.ptr) {
                    msoc_kql__fail_oom(p);
                    return NULL;
                }
                p->pos = last + 1;
                msoc_kql__finish(p, nd);
                base = nd;
                continue;
            }
            if (m->kind == MSOC_KQL_TOK_LBRACKET && !msoc_kql__is_name_start(p))
                continue; /* x.[0] is x[0] */
            if (m->kind == MSOC_KQL_TOK_IDENT &&
                msoc_kql__peek(p, 1)->kind == MSOC_KQL_TOK_LPAREN) {
                base = call_expr(p, base);
                continue;
            }
            if (tok_is_word(p, m, "external_data") || tok_is_word(p, m, "set")) {
                msoc_kql__fail(p, m, MSOC_KQL_DIAG_EXPECTED,
                               "'%.*s' is a keyword; write it as ['%.*s'] to use it as a property "
                               "name",
                               (int)m->len, p->text + m->off, (int)m->len, p->text + m->off);
                return NULL;
            }
            msoc_kql_node *nm = msoc_kql__name(p, "a property name after '.'");
            msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_MEMBER, NULL);
            if (!nm || !nd)
                return NULL;
            nd->line = base->line;
            nd->col = base->col;
            nd->off = base->off;
            nd->a = base;
            nd->name = nm->name;
            const msoc_kql_tok *st = msoc_kql__peek(p, 0);
            if (st->kind == MSOC_KQL_TOK_STAR && !st->has_ws_before) { /* db.Table* */
                char *w = msoc_arena_alloc(p->arena, nm->name.len + 2);
                if (!w) {
                    msoc_kql__fail_oom(p);
                    return NULL;
                }
                memcpy(w, nm->name.ptr, nm->name.len);
                w[nm->name.len] = '*';
                w[nm->name.len + 1] = 0;
                nd->name = msoc_str_make(w, nm->name.len + 1);
                p->pos++;
            }
            msoc_kql__finish(p, nd);
            base = nd;
        } else if (t->kind == MSOC_KQL_TOK_LBRACKET) {
            p->pos++;
            msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_INDEX, NULL);
            if (!nd)
                return NULL;
            nd->line = base->line;
            nd->col = base->col;
            nd->off = base->off;
            nd->a = base;
            nd->b = msoc_kql__expr(p);
            if (!expect_close(p, t, MSOC_KQL_TOK_RBRACKET, "["))
                return NULL;
            msoc_kql__finish(p, nd);
            base = nd;
        } else {
            break;
        }
    }
    return p->failed ? NULL : base;
}

static msoc_kql_node *primary(kp *p)
{
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    char b[64];
    msoc_type ty;
    switch (t->kind) {
    case MSOC_KQL_TOK_INT:
    case MSOC_KQL_TOK_REAL:
    case MSOC_KQL_TOK_TIMESPAN:
    case MSOC_KQL_TOK_STRING:
    case MSOC_KQL_TOK_RAWLIT:
        return postfix(p, msoc_kql__literal_value(p));
    case MSOC_KQL_TOK_LPAREN: {
        p->pos++;
        msoc_kql_tok_kind k1 = (msoc_kql_tok_kind)msoc_kql__peek(p, 0)->kind;
        if (k1 == MSOC_KQL_TOK_EOF || k1 == MSOC_KQL_TOK_PIPE || k1 == MSOC_KQL_TOK_SEMI) {
            expect_close(p, t, MSOC_KQL_TOK_RPAREN, "(");
            return NULL;
        }
        msoc_kql_node *inner = msoc_kql__pipe_expr(p);
        if (!inner || !expect_close(p, t, MSOC_KQL_TOK_RPAREN, "("))
            return NULL;
        return postfix(p, inner);
    }
    case MSOC_KQL_TOK_LBRACKET:
        if (msoc_kql__is_name_start(p))
            return postfix(p, msoc_kql__name(p, NULL));
        break;
    case MSOC_KQL_TOK_IDENT: {
        const msoc_kql_tok *n1 = msoc_kql__peek(p, 1);
        if (n1->kind == MSOC_KQL_TOK_LBRACKET && tok_is_word(p, t, "entity_group")) {
            msoc_kql_node *eg = msoc_kql__node(p, MSOC_KQL_ENTITY_GROUP, t);
            if (!eg)
                return NULL;
            p->pos += 2;
            uint32_t cap = 0;
            while (!p->failed && !msoc_kql__is(p, MSOC_KQL_TOK_RBRACKET)) {
                msoc_kql__list_push(p, &eg->args, msoc_kql__pipe_expr(p), &cap);
                if (!msoc_kql__accept(p, MSOC_KQL_TOK_COMMA))
                    break;
            }
            if (p->failed || !expect_close(p, n1, MSOC_KQL_TOK_RBRACKET, "entity_group ["))
                return NULL;
            msoc_kql__finish(p, eg);
            return postfix(p, eg);
        }
        if (n1->kind == MSOC_KQL_TOK_LPAREN) {
            if (is_typed_lit_word(p, t, &ty))
                return postfix(p, typed_lit(p, ty));
            return postfix(p, call_expr(p, NULL));
        }
        if (word_ci(p, t, "true") || word_ci(p, t, "false"))
            return postfix(p, msoc_kql__literal_value(p));
        return postfix(p, msoc_kql__name(p, NULL));
    }
    case MSOC_KQL_TOK_STAR: {
        msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_STAR, t);
        p->pos++;
        return nd;
    }
    default:
        break;
    }
    msoc_kql__fail(p, t, MSOC_KQL_DIAG_EXPECTED, "expected an expression, found %s",
                   msoc_kql__tok_desc(p, t, b, sizeof b));
    return NULL;
}

static msoc_kql_node *unary(kp *p)
{
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    if (t->kind == MSOC_KQL_TOK_MINUS || t->kind == MSOC_KQL_TOK_PLUS) {
        if (!msoc_kql__enter(p))
            return NULL;
        p->pos++;
        msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_UNARY, t);
        if (nd) {
            nd->op = t->kind == MSOC_KQL_TOK_MINUS ? MSOC_KQL_OP_NEG : MSOC_KQL_OP_PLUS;
            nd->a = unary(p);
            msoc_kql__finish(p, nd);
        }
        msoc_kql__leave(p);
        return p->failed ? NULL : nd;
    }
    return primary(p);
}

static msoc_kql_node *multiplicative(kp *p)
{
    msoc_kql_node *l = unary(p);
    for (;;) {
        msoc_kql_tok_kind k = (msoc_kql_tok_kind)msoc_kql__peek(p, 0)->kind;
        msoc_kql_op op = k == MSOC_KQL_TOK_STAR      ? MSOC_KQL_OP_MUL
                         : k == MSOC_KQL_TOK_SLASH   ? MSOC_KQL_OP_DIV
                         : k == MSOC_KQL_TOK_PERCENT ? MSOC_KQL_OP_MOD
                                                     : MSOC_KQL_OP_NONE;
        if (!l || op == MSOC_KQL_OP_NONE)
            return l;
        p->pos++;
        l = binary(p, op, l, unary(p));
    }
}

static msoc_kql_node *additive(kp *p)
{
    msoc_kql_node *l = multiplicative(p);
    for (;;) {
        msoc_kql_tok_kind k = (msoc_kql_tok_kind)msoc_kql__peek(p, 0)->kind;
        msoc_kql_op op = k == MSOC_KQL_TOK_PLUS    ? MSOC_KQL_OP_ADD
                         : k == MSOC_KQL_TOK_MINUS ? MSOC_KQL_OP_SUB
                                                   : MSOC_KQL_OP_NONE;
        if (!l || op == MSOC_KQL_OP_NONE)
            return l;
        p->pos++;
        l = binary(p, op, l, multiplicative(p));
    }
}

static msoc_kql_node *relational(kp *p)
{
    msoc_kql_node *l = additive(p);
    for (;;) {
        msoc_kql_tok_kind k = (msoc_kql_tok_kind)msoc_kql__peek(p, 0)->kind;
        msoc_kql_op op = k == MSOC_KQL_TOK_LT   ? MSOC_KQL_OP_LT
                         : k == MSOC_KQL_TOK_LE ? MSOC_KQL_OP_LE
                         : k == MSOC_KQL_TOK_GT ? MSOC_KQL_OP_GT
                         : k == MSOC_KQL_TOK_GE ? MSOC_KQL_OP_GE
                                                : MSOC_KQL_OP_NONE;
        if (!l || op == MSOC_KQL_OP_NONE)
            return l;
        p->pos++;
        l = binary(p, op, l, additive(p));
    }
}

static const struct {
    const char *w;
    msoc_kql_op op, neg;
} string_ops[] = {
    {"has", MSOC_KQL_OP_HAS, MSOC_KQL_OP_NOT_HAS},
    {"has_cs", MSOC_KQL_OP_HAS_CS, MSOC_KQL_OP_NOT_HAS_CS},
    {"hasprefix", MSOC_KQL_OP_HASPREFIX, MSOC_KQL_OP_NOT_HASPREFIX},
    {"hasprefix_cs", MSOC_KQL_OP_HASPREFIX_CS, MSOC_KQL_OP_NOT_HASPREFIX_CS},
    {"hassuffix", MSOC_KQL_OP_HASSUFFIX, MSOC_KQL_OP_NOT_HASSUFFIX},
    {"hassuffix_cs", MSOC_KQL_OP_HASSUFFIX_CS, MSOC_KQL_OP_NOT_HASSUFFIX_CS},
    {"contains", MSOC_KQL_OP_CONTAINS, MSOC_KQL_OP_NOT_CONTAINS},
    {"contains_cs", MSOC_KQL_OP_CONTAINS_CS, MSOC_KQL_OP_NOT_CONTAINS_CS},
    {"containscs", MSOC_KQL_OP_CONTAINS_CS, MSOC_KQL_OP_NOT_CONTAINS_CS},
    {"startswith", MSOC_KQL_OP_STARTSWITH, MSOC_KQL_OP_NOT_STARTSWITH},
    {"startswith_cs", MSOC_KQL_OP_STARTSWITH_CS, MSOC_KQL_OP_NOT_STARTSWITH_CS},
    {"endswith", MSOC_KQL_OP_ENDSWITH, MSOC_KQL_OP_NOT_ENDSWITH},
    {"endswith_cs", MSOC_KQL_OP_ENDSWITH_CS, MSOC_KQL_OP_NOT_ENDSWITH_CS},
    {"notcontains", MSOC_KQL_OP_NOT_CONTAINS, MSOC_KQL_OP_NONE},
    {"notcontainscs", MSOC_KQL_OP_NOT_CONTAINS_CS, MSOC_KQL_OP_NONE},
    {"nothas", MSOC_KQL_OP_NOT_HAS, MSOC_KQL_OP_NONE},
    {"like", MSOC_KQL_OP_LIKE, MSOC_KQL_OP_NONE},
    {"likecs", MSOC_KQL_OP_LIKE_CS, MSOC_KQL_OP_NONE},
    {"notlike", MSOC_KQL_OP_NOT_LIKE, MSOC_KQL_OP_NONE},
    {"notlikecs", MSOC_KQL_OP_NOT_LIKE_CS, MSOC_KQL_OP_NONE},
    {"in", MSOC_KQL_OP_IN, MSOC_KQL_OP_NOT_IN},
    {"has_any", MSOC_KQL_OP_HAS_ANY, MSOC_KQL_OP_NONE},
    {"has_all", MSOC_KQL_OP_HAS_ALL, MSOC_KQL_OP_NONE},
    {"between", MSOC_KQL_OP_BETWEEN, MSOC_KQL_OP_NOT_BETWEEN},
};

/* Recognises a comparison/string operator at the current token without consuming
 * it; returns its op and the number of tokens it spans. */
static msoc_kql_op peek_cmp_op(kp *p, uint32_t *n_toks)
{
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    *n_toks = 1;
    switch (t->kind) {
    case MSOC_KQL_TOK_ASSIGN: /* Kusto tolerates `where a = 1` */
        return p->in_where ? MSOC_KQL_OP_EQ : MSOC_KQL_OP_NONE;
    case MSOC_KQL_TOK_EQ:
        return MSOC_KQL_OP_EQ;
    case MSOC_KQL_TOK_COLON: {
        msoc_kql_tok_kind k1 = (msoc_kql_tok_kind)msoc_kql__peek(p, 1)->kind;
        return (k1 == MSOC_KQL_TOK_STRING || k1 == MSOC_KQL_TOK_INT || k1 == MSOC_KQL_TOK_REAL)
                   ? MSOC_KQL_OP_SEARCH_HAS
                   : MSOC_KQL_OP_NONE;
    }
    case MSOC_KQL_TOK_NE:
        return MSOC_KQL_OP_NE;
    case MSOC_KQL_TOK_EQ_CI:
        return MSOC_KQL_OP_EQ_CI;
    case MSOC_KQL_TOK_NE_CI:
        return MSOC_KQL_OP_NE_CI;
    default:
        break;
    }
    bool neg = false;
    uint32_t k = 0;
    if (t->kind == MSOC_KQL_TOK_BANG) {
        const msoc_kql_tok *n = msoc_kql__peek(p, 1);
        if (n->kind != MSOC_KQL_TOK_IDENT || n->has_ws_before)
            return MSOC_KQL_OP_NONE;
        neg = true;
        k = 1;
        t = n;
    }
    if (t->kind != MSOC_KQL_TOK_IDENT)
        return MSOC_KQL_OP_NONE;
    if (!neg && tok_is_word(p, t, "matches") && msoc_kql__is_word(p, 1, "regex")) {
        *n_toks = 2;
        return MSOC_KQL_OP_MATCHES_REGEX;
    }
    for (size_t i = 0; i < sizeof string_ops / sizeof string_ops[0]; i++) {
        if (!tok_is_word(p, t, string_ops[i].w))
            continue;
        msoc_kql_op op = neg ? string_ops[i].neg : string_ops[i].op;
        if (op == MSOC_KQL_OP_NONE)
            return MSOC_KQL_OP_NONE;
        *n_toks = k + 1;
        if (op == MSOC_KQL_OP_IN || op == MSOC_KQL_OP_NOT_IN) {
            const msoc_kql_tok *tl = msoc_kql__peek(p, k + 1);
            if (tl->kind == MSOC_KQL_TOK_TILDE && !tl->has_ws_before) {
                *n_toks = k + 2;
                op = op == MSOC_KQL_OP_IN ? MSOC_KQL_OP_IN_CI : MSOC_KQL_OP_NOT_IN_CI;
            }
        }
        return op;
    }
    return MSOC_KQL_OP_NONE;
}

static bool is_list_op(msoc_kql_op op)
{
    return op == MSOC_KQL_OP_IN || op == MSOC_KQL_OP_NOT_IN || op == MSOC_KQL_OP_IN_CI ||
           op == MSOC_KQL_OP_NOT_IN_CI || op == MSOC_KQL_OP_HAS_ANY || op == MSOC_KQL_OP_HAS_ALL;
}

static msoc_kql_node *list_op(kp *p, msoc_kql_op op, msoc_kql_node *l, const msoc_kql_tok *optok)
{
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_IN, NULL);
    if (!nd || !l)
        return NULL;
    nd->line = l->line;
    nd->col = l->col;
    nd->off = l->off;
    nd->op = op;
    nd->a = l;
    const msoc_kql_tok *open = msoc_kql__peek(p, 0);
    uint32_t cap = 0;
    if (open->kind != MSOC_KQL_TOK_LPAREN) {
        /* Kusto also takes a bare list expression: x in list_variable. */
        nd->flags |= MSOC_KQL_F_BARE_LIST;
        msoc_kql__list_push(p, &nd->args, relational(p), &cap);
        msoc_kql__finish(p, nd);
        return p->failed ? NULL : nd;
    }
    p->pos++;
    char opener[40];
    snprintf(opener, sizeof opener, "%s (", msoc_kql_op_text(op));
    (void)optok;
    while (!p->failed && !msoc_kql__is(p, MSOC_KQL_TOK_RPAREN)) {
        if (!msoc_kql__list_push(p, &nd->args, msoc_kql__pipe_expr(p), &cap))
            return NULL;
        if (!msoc_kql__accept(p, MSOC_KQL_TOK_COMMA))
            break;
    }
    if (!expect_close(p, open, MSOC_KQL_TOK_RPAREN, opener))
        return NULL;
    msoc_kql__finish(p, nd);
    return nd;
}

static msoc_kql_node *between_op(kp *p, msoc_kql_op op, msoc_kql_node *l)
{
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_BETWEEN, NULL);
    if (!nd || !l)
        return NULL;
    nd->line = l->line;
    nd->col = l->col;
    nd->off = l->off;
    nd->op = op;
    nd->a = l;
    const msoc_kql_tok *open = msoc_kql__peek(p, 0);
    if (!msoc_kql__expect(p, MSOC_KQL_TOK_LPAREN, "after 'between': between (low .. high)"))
        return NULL;
    nd->b = relational(p);
    if (!p->failed &&
        !msoc_kql__expect(p, MSOC_KQL_TOK_DOTDOT, "between the bounds: (low .. high)"))
        return NULL;
    nd->c = relational(p);
    if (p->failed || !expect_close(p, open, MSOC_KQL_TOK_RPAREN, "between ("))
        return NULL;
    msoc_kql__finish(p, nd);
    return nd;
}

static msoc_kql_node *comparison(kp *p)
{
    msoc_kql_node *l = relational(p);
    for (;;) {
        uint32_t nt;
        if (!l)
            return NULL;
        msoc_kql_op op = peek_cmp_op(p, &nt);
        if (op == MSOC_KQL_OP_NONE)
            return l;
        const msoc_kql_tok *optok = msoc_kql__peek(p, 0);
        p->pos += nt;
        if (is_list_op(op))
            l = list_op(p, op, l, optok);
        else if (op == MSOC_KQL_OP_BETWEEN || op == MSOC_KQL_OP_NOT_BETWEEN)
            l = between_op(p, op, l);
        else if (op == MSOC_KQL_OP_SEARCH_HAS)
            l = binary(p, op, l, msoc_kql__literal_value(p)); /* Col:"text" */
        else
            l = binary(p, op, l, relational(p));
    }
}

static msoc_kql_node *logical_and(kp *p)
{
    msoc_kql_node *l = comparison(p);
    while (l && msoc_kql__is_word(p, 0, "and")) {
        p->pos++;
        l = binary(p, MSOC_KQL_OP_AND, l, comparison(p));
    }
    return l;
}

msoc_kql_node *msoc_kql__expr(kp *p)
{
    if (!msoc_kql__enter(p))
        return NULL;
    msoc_kql_node *l = logical_and(p);
    while (l && msoc_kql__is_word(p, 0, "or")) {
        p->pos++;
        l = binary(p, MSOC_KQL_OP_OR, l, logical_and(p));
    }
    msoc_kql__leave(p);
    return p->failed ? NULL : l;
}

/* source [| operator]... ; the source may be a tabular-only operator (print,
 * range, union, datatable, ...) or any expression. */
msoc_kql_node *msoc_kql__pipe_expr(kp *p)
{
    if (!msoc_kql__enter(p))
        return NULL;
    const msoc_kql_tok *start = msoc_kql__peek(p, 0);
    msoc_kql_node *src = msoc_kql__is_source_op(p) ? msoc_kql__source_op(p) : msoc_kql__expr(p);
    if (src && msoc_kql__is(p, MSOC_KQL_TOK_PIPE)) {
        msoc_kql_node *pipe = msoc_kql__node(p, MSOC_KQL_PIPE, start);
        if (pipe) {
            pipe->a = src;
            uint32_t cap = 0;
            while (!p->failed && msoc_kql__accept(p, MSOC_KQL_TOK_PIPE))
                msoc_kql__list_push(p, &pipe->args, msoc_kql__operator(p), &cap);
            msoc_kql__finish(p, pipe);
        }
        src = pipe;
    }
    msoc_kql__leave(p);
    return p->failed ? NULL : src;
}

/* ---- statements --------------------------------------------------------------- */

static msoc_kql_node *param_decls(kp *p, msoc_kql_list *out)
{
    const msoc_kql_tok *open = msoc_kql__peek(p, 0);
    if (!msoc_kql__expect(p, MSOC_KQL_TOK_LPAREN, "to start the parameter list"))
        return NULL;
    uint32_t cap = 0;
    while (!p->failed && !msoc_kql__is(p, MSOC_KQL_TOK_RPAREN)) {
        msoc_kql_node *pd = msoc_kql__node(p, MSOC_KQL_PARAM_DECL, NULL);
        msoc_kql_node *nm = msoc_kql__name(p, "a parameter name");
        if (!pd || !nm)
            return NULL;
        pd->name = nm->name;
        if (!msoc_kql__expect(p, MSOC_KQL_TOK_COLON, "and a type after the parameter name"))
            return NULL;
        if (msoc_kql__is(p, MSOC_KQL_TOK_LPAREN))
            pd->a = msoc_kql__schema(p);
        else
            pd->a = msoc_kql__type(p);
        if (msoc_kql__accept(p, MSOC_KQL_TOK_ASSIGN))
            pd->b = msoc_kql__expr(p);
        msoc_kql__finish(p, pd);
        msoc_kql__list_push(p, out, pd, &cap);
        if (!msoc_kql__accept(p, MSOC_KQL_TOK_COMMA))
            break;
    }
    if (!expect_close(p, open, MSOC_KQL_TOK_RPAREN, "("))
        return NULL;
    return (msoc_kql_node *)out; /* non-NULL marker */
}

/* { statements; result } */
msoc_kql_node *msoc_kql__block(kp *p)
{
    const msoc_kql_tok *open = msoc_kql__peek(p, 0);
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_BLOCK, open);
    if (!nd || !msoc_kql__expect(p, MSOC_KQL_TOK_LBRACE, "to start the function body"))
        return NULL;
    uint32_t cap = 0;
    while (!p->failed) {
        while (msoc_kql__accept(p, MSOC_KQL_TOK_SEMI)) {
        }
        if (msoc_kql__is(p, MSOC_KQL_TOK_RBRACE))
            break;
        if (!msoc_kql__list_push(p, &nd->args, msoc_kql__statement(p, true), &cap))
            return NULL;
        if (!msoc_kql__accept(p, MSOC_KQL_TOK_SEMI))
            break;
    }
    if (p->failed || !expect_close(p, open, MSOC_KQL_TOK_RBRACE, "{"))
        return NULL;
    msoc_kql__finish(p, nd);
    return nd;
}

/* After `let name =`: is this `(params) {` or `view (params) {`? */
static bool looks_like_function(kp *p)
{
    uint32_t k = 0;
    if (msoc_kql__is_word(p, 0, "view") && msoc_kql__peek(p, 1)->kind == MSOC_KQL_TOK_LPAREN)
        k = 1;
    if (msoc_kql__peek(p, k)->kind != MSOC_KQL_TOK_LPAREN)
        return false;
    int depth = 0;
    for (uint32_t i = p->pos + k; i < p->n; i++) {
        msoc_kql_tok_kind kind = (msoc_kql_tok_kind)p->t[i].kind;
        if (kind == MSOC_KQL_TOK_LPAREN)
            depth++;
        else if (kind == MSOC_KQL_TOK_RPAREN && --depth == 0)
            return i + 1 < p->n && p->t[i + 1].kind == MSOC_KQL_TOK_LBRACE;
        else if (kind == MSOC_KQL_TOK_EOF || kind == MSOC_KQL_TOK_SEMI)
            return false;
    }
    return false;
}

static msoc_kql_node *let_stmt(kp *p)
{
    const msoc_kql_tok *kw = msoc_kql__peek(p, 0);
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_LET, kw);
    p->pos++;
    msoc_kql_node *nm = msoc_kql__name(p, "a name after 'let'");
    if (!nd || !nm)
        return NULL;
    nd->name = nm->name;
    if (!msoc_kql__expect(p, MSOC_KQL_TOK_ASSIGN, "after the let name"))
        return NULL;
    if (looks_like_function(p)) {
        msoc_kql_node *fn = msoc_kql__node(p, MSOC_KQL_FUNC, NULL);
        if (!fn)
            return NULL;
        if (msoc_kql__accept_word(p, "view"))
            nd->flags |= MSOC_KQL_F_VIEW;
        if (!param_decls(p, &fn->args))
            return NULL;
        fn->a = msoc_kql__block(p);
        msoc_kql__finish(p, fn);
        nd->a = fn;
    } else {
        nd->a = msoc_kql__pipe_expr(p);
    }
    msoc_kql__finish(p, nd);
    return p->failed ? NULL : nd;
}

static msoc_kql_node *set_stmt(kp *p)
{
    const msoc_kql_tok *kw = msoc_kql__peek(p, 0);
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_SET, kw);
    p->pos++;
    const msoc_kql_tok *first = msoc_kql__peek(p, 0);
    if (!nd || first->kind != MSOC_KQL_TOK_IDENT) {
        msoc_kql__name(p, "an option name after 'set'");
        return NULL;
    }
    /* Option names may contain dots and dashes: set query_results_cache_max_age = 1d. */
    uint32_t last = p->pos;
    while (p->t[last + 1].kind == MSOC_KQL_TOK_DOT || p->t[last + 1].kind == MSOC_KQL_TOK_MINUS) {
        if (p->t[last + 2].kind != MSOC_KQL_TOK_IDENT || p->t[last + 1].has_ws_before)
            break;
        last += 2;
    }
    const msoc_kql_tok *lt = &p->t[last];
    nd->name =
        msoc_str_dup(p->arena, msoc_str_make(p->text + first->off, lt->off + lt->len - first->off));
    p->pos = last + 1;
    if (msoc_kql__accept(p, MSOC_KQL_TOK_ASSIGN)) {
        if (msoc_kql__is(p, MSOC_KQL_TOK_IDENT) && !msoc_kql__is_word(p, 0, "true") &&
            !msoc_kql__is_word(p, 0, "false") && msoc_kql__peek(p, 1)->kind != MSOC_KQL_TOK_LPAREN)
            nd->a = msoc_kql__name(p, NULL);
        else
            nd->a = msoc_kql__expr(p);
    }
    msoc_kql__finish(p, nd);
    return p->failed ? NULL : nd;
}

/* After `declare pattern name =`: (params)[[path:type]] { (values)[.[path]] = { query }; ... } */
static bool pattern_body(kp *p, msoc_kql_node *nd)
{
    nd->flags |= MSOC_KQL_F_BRACES;
    if (!param_decls(p, &nd->params))
        return false;
    if (msoc_kql__is(p, MSOC_KQL_TOK_LBRACKET)) {
        const msoc_kql_tok *open = msoc_kql__peek(p, 0);
        p->pos++;
        msoc_kql_node *pd = msoc_kql__node(p, MSOC_KQL_PARAM_DECL, NULL);
        msoc_kql_node *nm = msoc_kql__name(p, "the pattern's path parameter");
        if (!pd || !nm || !msoc_kql__expect(p, MSOC_KQL_TOK_COLON, "and a type after the path parameter"))
            return false;
        pd->name = nm->name;
        if ((pd->a = msoc_kql__type(p)) == NULL)
            return false;
        msoc_kql__finish(p, pd);
        uint32_t kcap = 0;
        if (!msoc_kql__list_push(p, &nd->keys, pd, &kcap) || !expect_close(p, open, MSOC_KQL_TOK_RBRACKET, "["))
            return false;
    }
    const msoc_kql_tok *open = msoc_kql__peek(p, 0);
    if (!msoc_kql__expect(p, MSOC_KQL_TOK_LBRACE, "to start the pattern's rules"))
        return false;
    uint32_t cap = 0;
    while (!p->failed) {
        while (msoc_kql__accept(p, MSOC_KQL_TOK_SEMI)) {
        }
        if (msoc_kql__is(p, MSOC_KQL_TOK_RBRACE))
            break;
        msoc_kql_node *rule = msoc_kql__node(p, MSOC_KQL_PATTERN_RULE, NULL);
        const msoc_kql_tok *lp = msoc_kql__peek(p, 0);
        if (!rule || !msoc_kql__expect(p, MSOC_KQL_TOK_LPAREN, "to start a pattern rule's values"))
            return false;
        uint32_t acap = 0;
        while (!p->failed && !msoc_kql__is(p, MSOC_KQL_TOK_RPAREN)) {
            if (!msoc_kql__list_push(p, &rule->args, msoc_kql__expr(p), &acap))
                return false;
            if (!msoc_kql__accept(p, MSOC_KQL_TOK_COMMA))
                break;
        }
        if (!expect_close(p, lp, MSOC_KQL_TOK_RPAREN, "("))
            return false;
        if (msoc_kql__accept(p, MSOC_KQL_TOK_DOT)) {
            const msoc_kql_tok *lb = msoc_kql__peek(p, 0);
            if (!msoc_kql__expect(p, MSOC_KQL_TOK_LBRACKET, "before the rule's path value"))
                return false;
            if ((rule->b = msoc_kql__expr(p)) == NULL || !expect_close(p, lb, MSOC_KQL_TOK_RBRACKET, "["))
                return false;
        }
        if (!msoc_kql__expect(p, MSOC_KQL_TOK_ASSIGN, "after the rule's values"))
            return false;
        if ((rule->a = msoc_kql__block(p)) == NULL)
            return false;
        msoc_kql__finish(p, rule);
        if (!msoc_kql__list_push(p, &nd->args, rule, &cap))
            return false;
        if (!msoc_kql__accept(p, MSOC_KQL_TOK_SEMI))
            break;
    }
    return !p->failed && expect_close(p, open, MSOC_KQL_TOK_RBRACE, "{");
}

static msoc_kql_node *declare_stmt(kp *p)
{
    const msoc_kql_tok *kw = msoc_kql__peek(p, 0);
    p->pos++;
    if (msoc_kql__accept_word(p, "query_parameters")) {
        msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_DECLARE, kw);
        if (!nd || !param_decls(p, &nd->args))
            return NULL;
        msoc_kql__finish(p, nd);
        return nd;
    }
    if (msoc_kql__accept_word(p, "pattern")) {
        msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_PATTERN, kw);
        msoc_kql_node *nm = msoc_kql__name(p, "a pattern name");
        if (!nd || !nm)
            return NULL;
        nd->name = nm->name;
        if (msoc_kql__accept(p, MSOC_KQL_TOK_ASSIGN) && !pattern_body(p, nd))
            return NULL;
        msoc_kql__finish(p, nd);
        return p->failed ? NULL : nd;
    }
    msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                   "expected 'query_parameters' or 'pattern' after 'declare'");
    return NULL;
}

static msoc_kql_node *alias_stmt(kp *p)
{
    const msoc_kql_tok *kw = msoc_kql__peek(p, 0);
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_ALIAS, kw);
    p->pos++;
    if (!nd || !msoc_kql__expect_word(p, "database"))
        return NULL;
    msoc_kql_node *nm = msoc_kql__name(p, "an alias name");
    if (!nm || !msoc_kql__expect(p, MSOC_KQL_TOK_ASSIGN, "after the alias name"))
        return NULL;
    nd->name = nm->name;
    nd->a = msoc_kql__expr(p);
    msoc_kql__finish(p, nd);
    return p->failed ? NULL : nd;
}

/* restrict access to (T1, T2, ...) */
static msoc_kql_node *restrict_stmt(kp *p)
{
    const msoc_kql_tok *kw = msoc_kql__peek(p, 0);
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_RESTRICT, kw);
    p->pos += 2;
    if (!nd || !msoc_kql__expect_word(p, "to"))
        return NULL;
    const msoc_kql_tok *open = msoc_kql__peek(p, 0);
    if (!msoc_kql__expect(p, MSOC_KQL_TOK_LPAREN, "after 'restrict access to'"))
        return NULL;
    uint32_t cap = 0;
    while (!p->failed && !msoc_kql__is(p, MSOC_KQL_TOK_RPAREN)) {
        msoc_kql__list_push(p, &nd->args, msoc_kql__name_or_wildcard(p, true), &cap);
        if (!msoc_kql__accept(p, MSOC_KQL_TOK_COMMA))
            break;
    }
    if (p->failed || !expect_close(p, open, MSOC_KQL_TOK_RPAREN, "("))
        return NULL;
    msoc_kql__finish(p, nd);
    return nd;
}

msoc_kql_node *msoc_kql__statement(kp *p, bool in_block)
{
    const msoc_kql_tok *t = msoc_kql__peek(p, 0);
    if (t->kind == MSOC_KQL_TOK_IDENT) {
        const msoc_kql_tok *n1 = msoc_kql__peek(p, 1);
        bool n1_name = n1->kind == MSOC_KQL_TOK_IDENT || n1->kind == MSOC_KQL_TOK_LBRACKET;
        if (tok_is_word(p, t, "let") && n1_name)
            return let_stmt(p);
        if (!in_block && tok_is_word(p, t, "set") && n1->kind == MSOC_KQL_TOK_IDENT)
            return set_stmt(p);
        if (!in_block && tok_is_word(p, t, "declare") && n1->kind == MSOC_KQL_TOK_IDENT)
            return declare_stmt(p);
        if (!in_block && tok_is_word(p, t, "alias") && msoc_kql__is_word(p, 1, "database"))
            return alias_stmt(p);
        if (!in_block && tok_is_word(p, t, "restrict") && msoc_kql__is_word(p, 1, "access"))
            return restrict_stmt(p);
    }
    return msoc_kql__pipe_expr(p);
}

/* The 1-based position just after token t (its last line, counting characters). */
static void pos_after(kp *p, const msoc_kql_tok *t, uint32_t *line, uint32_t *col)
{
    uint32_t l = t->line, c = t->col;
    for (uint32_t k = 0; k < t->len; k++) {
        unsigned char ch = (unsigned char)p->text[t->off + k];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static msoc_kql_node *script(kp *p)
{
    msoc_kql_node *root = msoc_kql__node(p, MSOC_KQL_SCRIPT, &p->t[0]);
    if (!root)
        return NULL;
    root->line = 1;
    root->col = 1;
    root->off = 0;
    uint32_t cap = 0;
    char b[64];
    if (msoc_kql__is(p, MSOC_KQL_TOK_DOT) && msoc_kql__peek(p, 1)->kind == MSOC_KQL_TOK_IDENT &&
        !msoc_kql__peek(p, 1)->has_ws_before) {
        /* Control commands: one or more, each starting a line. */
        root->flags |= MSOC_KQL_F_COMMAND;
        p->in_command = true;
        while (!p->failed) {
            while (msoc_kql__accept(p, MSOC_KQL_TOK_SEMI)) {
            }
            if (msoc_kql__is(p, MSOC_KQL_TOK_EOF))
                break;
            if (!msoc_kql__is(p, MSOC_KQL_TOK_DOT) ||
                msoc_kql__peek(p, 1)->kind != MSOC_KQL_TOK_IDENT) {
                msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_TRAILING,
                               "unexpected %s after the end of the command; a new command "
                               "starts with '.' on its own line",
                               msoc_kql__tok_desc(p, msoc_kql__peek(p, 0), b, sizeof b));
                break;
            }
            msoc_kql__list_push(p, &root->args, msoc_kql__command(p), &cap);
        }
        root->end = (uint32_t)p->len;
        return p->failed ? NULL : root;
    }
    while (!p->failed) {
        while (msoc_kql__accept(p, MSOC_KQL_TOK_SEMI)) {
        }
        if (msoc_kql__is(p, MSOC_KQL_TOK_EOF))
            break;
        msoc_kql_node *st = msoc_kql__statement(p, false);
        if (!msoc_kql__list_push(p, &root->args, st, &cap))
            break;
        if (msoc_kql__accept(p, MSOC_KQL_TOK_SEMI))
            continue;
        if (msoc_kql__is(p, MSOC_KQL_TOK_EOF))
            break;
        const msoc_kql_tok *t = msoc_kql__peek(p, 0);
        /* A statement that ends a line followed by more text on the next: the real
         * error is the missing ';' at the end of that line. */
        const msoc_kql_tok *prev = &p->t[p->pos - 1];
        bool new_line = t->line > prev->line;
        msoc_kql_tok at = *t;
        if (new_line)
            pos_after(p, prev, &at.line, &at.col);
        bool is_decl = st->kind == MSOC_KQL_LET || st->kind == MSOC_KQL_SET ||
                       st->kind == MSOC_KQL_DECLARE || st->kind == MSOC_KQL_ALIAS ||
                       st->kind == MSOC_KQL_PATTERN;
        if (is_decl) {
            msoc_kql__fail(p, &at, MSOC_KQL_DIAG_EXPECTED,
                           "expected ';' after the %s statement that started at %u:%u, found %s",
                           st->kind == MSOC_KQL_LET ? "let" : "preceding", st->line, st->col,
                           msoc_kql__tok_desc(p, t, b, sizeof b));
        } else if (t->kind == MSOC_KQL_TOK_RPAREN || t->kind == MSOC_KQL_TOK_RBRACKET ||
                   t->kind == MSOC_KQL_TOK_RBRACE) {
            msoc_kql__fail(p, t, MSOC_KQL_DIAG_TRAILING, "unmatched %s: no bracket is open here",
                           msoc_kql__tok_desc(p, t, b, sizeof b));
        } else if (new_line) {
            msoc_kql__fail(p, &at, MSOC_KQL_DIAG_EXPECTED,
                           "expected ';' at the end of the statement that started at %u:%u (the "
                           "next line starts with %s), or '|' before an operator",
                           st->line, st->col, msoc_kql__tok_desc(p, t, b, sizeof b));
        } else {
            msoc_kql__fail(p, t, MSOC_KQL_DIAG_TRAILING,
                           "unexpected %s; expected '|' before the next operator or ';' "
                           "between statements",
                           msoc_kql__tok_desc(p, t, b, sizeof b));
        }
    }
    root->end = (uint32_t)p->len;
    return p->failed ? NULL : root;
}

msoc_status msoc_kql_parse_ex(const char *text, size_t len, msoc_arena *arena,
                              const msoc_kql_parse_opts *opts, msoc_kql_node **out,
                              msoc_kql_diag_code *diag_out, msoc_error *err)
{
    *out = NULL;
    msoc_kql_diag_code dummy = MSOC_KQL_DIAG_NONE;
    msoc_kql_diag_code *diag = diag_out ? diag_out : &dummy;
    *diag = MSOC_KQL_DIAG_NONE;
    size_t max_len = opts && opts->max_len ? opts->max_len : MSOC_KQL_MAX_LEN_DEFAULT;
    if (len > max_len || len > UINT32_MAX - 16) {
        *diag = MSOC_KQL_DIAG_TOO_BIG;
        return msoc_fail_pos(err, MSOC_TOOBIG, 1, 1,
                             "query text of %zu bytes exceeds the cap of %zu bytes", len, max_len);
    }
    msoc_kql_toks toks;
    msoc_status st = msoc_kql__lex(text, len, arena, &toks, diag, err);
    if (st != MSOC_OK)
        return st;
    kp p = {.text = text,
            .len = len,
            .t = toks.v,
            .n = toks.n,
            .arena = arena,
            .diag = diag,
            .err = err};
    p.max_depth = opts && opts->max_depth ? opts->max_depth : MSOC_KQL_MAX_DEPTH_DEFAULT;
    msoc_kql_node *root = script(&p);
    if (!root) {
        if (err && err->code != MSOC_OK)
            return err->code;
        return *diag == MSOC_KQL_DIAG_LIMIT ? MSOC_LIMIT : MSOC_SYNTAX;
    }
    *out = root;
    return MSOC_OK;
}

msoc_status msoc_kql_parse(const char *text, size_t len, msoc_arena *arena, msoc_kql_node **out,
                           msoc_error *err)
{
    return msoc_kql_parse_ex(text, len, arena, NULL, out, NULL, err);
}
