/* The KQL parser, part 2: tabular operators after '|' and the tabular-only sources
 * (print, range, union, datatable, externaldata, search, find, evaluate). Each
 * operator fills the slots ast.h documents for its kind. */
#include <stdio.h>
#include <string.h>

#include "kql_int.h"

#define PEEK(k)               msoc_kql__peek(p, (k))
#define IS(k)                 msoc_kql__is(p, (k))
#define WORD(w)               msoc_kql__is_word(p, 0, (w))
#define ACCEPT(k)             msoc_kql__accept(p, (k))
#define ACCEPT_WORD(w)        msoc_kql__accept_word(p, (w))
#define PUSH(list, item, cap) msoc_kql__list_push(p, (list), (item), (cap))

static bool tok_word(kp *p, const msoc_kql_tok *t, const char *w)
{
    size_t n = strlen(w);
    return t->kind == MSOC_KQL_TOK_IDENT && t->len == n && memcmp(p->text + t->off, w, n) == 0;
}

/* ---- operator options: kind=inner, hint.strategy=shuffle, withsource=T ---------- */

/* allowed: space-separated option names; "hint" admits every hint.* option. */
static bool is_param_here(kp *p, const char *allowed)
{
    const msoc_kql_tok *t = PEEK(0);
    if (t->kind != MSOC_KQL_TOK_IDENT)
        return false;
    if (tok_word(p, t, "hint") && PEEK(1)->kind == MSOC_KQL_TOK_DOT && strstr(allowed, "hint"))
        return true;
    if (PEEK(1)->kind != MSOC_KQL_TOK_ASSIGN)
        return false;
    const char *a = allowed;
    while (*a) {
        const char *sp = strchr(a, ' ');
        size_t n = sp ? (size_t)(sp - a) : strlen(a);
        if (t->len == n && memcmp(p->text + t->off, a, n) == 0)
            return true;
        if (!sp)
            break;
        a = sp + 1;
    }
    return false;
}

static msoc_kql_node *param_value(kp *p)
{
    const msoc_kql_tok *t = PEEK(0);
    if ((t->kind == MSOC_KQL_TOK_IDENT && !tok_word(p, t, "true") && !tok_word(p, t, "false")) ||
        msoc_kql__is_name_start(p))
        return msoc_kql__name(p, NULL);
    if (t->kind == MSOC_KQL_TOK_LPAREN)
        return msoc_kql__expr(p);
    return msoc_kql__literal_value(p);
}

static msoc_kql_node *one_param(kp *p)
{
    const msoc_kql_tok *first = PEEK(0);
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_PARAM, first);
    if (!nd)
        return NULL;
    uint32_t last = p->pos;
    while (p->t[last + 1].kind == MSOC_KQL_TOK_DOT && p->t[last + 2].kind == MSOC_KQL_TOK_IDENT)
        last += 2;
    const msoc_kql_tok *lt = &p->t[last];
    nd->name =
        msoc_str_dup(p->arena, msoc_str_make(p->text + first->off, lt->off + lt->len - first->off));
    p->pos = last + 1;
    if (!msoc_kql__expect(p, MSOC_KQL_TOK_ASSIGN, "after the option name"))
        return NULL;
    nd->a = param_value(p);
    msoc_kql__finish(p, nd);
    return p->failed ? NULL : nd;
}

static void params(kp *p, msoc_kql_node *op, const char *allowed, uint32_t *cap)
{
    while (!p->failed && is_param_here(p, allowed))
        PUSH(&op->params, one_param(p), cap);
}

/* with (name=value, ...) property lists (render, externaldata, parse-kv, reduce). */
static void with_props(kp *p, msoc_kql_node *op, uint32_t *cap)
{
    const msoc_kql_tok *open = PEEK(0);
    if (!msoc_kql__expect(p, MSOC_KQL_TOK_LPAREN, "after 'with'"))
        return;
    while (!p->failed && !IS(MSOC_KQL_TOK_RPAREN)) {
        if (!IS(MSOC_KQL_TOK_IDENT)) {
            msoc_kql__name(p, "a property name");
            return;
        }
        msoc_kql_node *pr = one_param(p);
        PUSH(&op->params, pr, cap);
        if (!ACCEPT(MSOC_KQL_TOK_COMMA))
            break;
        /* ycolumns=a, b: further values of a list-valued property */
        uint32_t c2 = 0;
        while (pr && !p->failed && msoc_kql__is_name_start(p) &&
               PEEK(IS(MSOC_KQL_TOK_IDENT) ? 1 : 3)->kind != MSOC_KQL_TOK_ASSIGN) {
            PUSH(&pr->args, msoc_kql__name(p, NULL), &c2);
            if (!ACCEPT(MSOC_KQL_TOK_COMMA))
                break;
        }
        if (IS(MSOC_KQL_TOK_RPAREN))
            break;
    }
    if (!p->failed && !ACCEPT(MSOC_KQL_TOK_RPAREN)) {
        char b[64];
        msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                       "expected ')' to close 'with (' opened at %u:%u, found %s", open->line,
                       open->col, msoc_kql__tok_desc(p, PEEK(0), b, sizeof b));
    }
}

/* ---- items --------------------------------------------------------------------- */

/* (a, b) = ... ahead? */
static bool tuple_assign_ahead(kp *p)
{
    if (!IS(MSOC_KQL_TOK_LPAREN))
        return false;
    uint32_t i = p->pos + 1;
    for (;;) {
        if (p->t[i].kind == MSOC_KQL_TOK_IDENT)
            i++;
        else if (p->t[i].kind == MSOC_KQL_TOK_LBRACKET && p->t[i + 1].kind == MSOC_KQL_TOK_STRING &&
                 p->t[i + 2].kind == MSOC_KQL_TOK_RBRACKET)
            i += 3;
        else
            return false;
        if (p->t[i].kind == MSOC_KQL_TOK_COMMA) {
            i++;
            continue;
        }
        return p->t[i].kind == MSOC_KQL_TOK_RPAREN && p->t[i + 1].kind == MSOC_KQL_TOK_ASSIGN;
    }
}

static bool name_assign_ahead(kp *p)
{
    if (IS(MSOC_KQL_TOK_IDENT))
        return PEEK(1)->kind == MSOC_KQL_TOK_ASSIGN;
    if (msoc_kql__is_name_start(p))
        return PEEK(3)->kind == MSOC_KQL_TOK_ASSIGN;
    return false;
}

/* name = expr | (a, b) = expr | expr */
static msoc_kql_node *item(kp *p, bool tabular_value)
{
    const msoc_kql_tok *t = PEEK(0);
    if (tuple_assign_ahead(p)) {
        msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_ASSIGN, t);
        if (!nd)
            return NULL;
        p->pos++;
        uint32_t cap = 0;
        while (!p->failed && !IS(MSOC_KQL_TOK_RPAREN)) {
            PUSH(&nd->args, msoc_kql__name(p, NULL), &cap);
            ACCEPT(MSOC_KQL_TOK_COMMA);
        }
        p->pos += 2; /* ) = */
        nd->a = tabular_value ? msoc_kql__pipe_expr(p) : msoc_kql__expr(p);
        msoc_kql__finish(p, nd);
        return p->failed ? NULL : nd;
    }
    if (name_assign_ahead(p)) {
        msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_ASSIGN, t);
        uint32_t cap = 0;
        if (!nd || !PUSH(&nd->args, msoc_kql__name(p, NULL), &cap))
            return NULL;
        p->pos++; /* = */
        nd->a = tabular_value ? msoc_kql__pipe_expr(p) : msoc_kql__expr(p);
        msoc_kql__finish(p, nd);
        return p->failed ? NULL : nd;
    }
    return tabular_value ? msoc_kql__pipe_expr(p) : msoc_kql__expr(p);
}

static void item_list(kp *p, msoc_kql_list *l)
{
    uint32_t cap = 0;
    do {
        if (!PUSH(l, item(p, false), &cap))
            return;
    } while (ACCEPT(MSOC_KQL_TOK_COMMA));
}

/* A name or a wildcard pattern such as Device*Events or *: adjacent IDENT/STAR/INT
 * tokens without whitespace. Falls back to an expression. */
msoc_kql_node *msoc_kql__name_or_wildcard(kp *p, bool expr_fallback)
{
    const msoc_kql_tok *t = PEEK(0);
    if (t->kind == MSOC_KQL_TOK_IDENT || t->kind == MSOC_KQL_TOK_STAR) {
        uint32_t i = p->pos;
        bool has_star = false;
        for (;;) {
            const msoc_kql_tok *u = &p->t[i];
            if (u->kind == MSOC_KQL_TOK_STAR)
                has_star = true;
            else if (u->kind != MSOC_KQL_TOK_IDENT && u->kind != MSOC_KQL_TOK_INT)
                break;
            if (i > p->pos && u->has_ws_before)
                break;
            i++;
        }
        if (has_star) {
            msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_WILDCARD, t);
            if (!nd)
                return NULL;
            const msoc_kql_tok *last = &p->t[i - 1];
            if (i - p->pos == 1) {
                nd->kind = MSOC_KQL_STAR;
            } else {
                nd->name = msoc_str_dup(
                    p->arena, msoc_str_make(p->text + t->off, last->off + last->len - t->off));
            }
            p->pos = i;
            msoc_kql__finish(p, nd);
            return nd;
        }
    }
    if (expr_fallback)
        return msoc_kql__expr(p);
    return msoc_kql__name(p, "a column name");
}

static msoc_kql_node *sort_key(kp *p, bool granny)
{
    const msoc_kql_tok *t = PEEK(0);
    msoc_kql_node *e = granny ? msoc_kql__name_or_wildcard(p, false) : msoc_kql__expr(p);
    if (!e)
        return NULL;
    uint32_t flags = 0;
    if (ACCEPT_WORD("asc"))
        flags |= MSOC_KQL_F_ASC;
    else if (ACCEPT_WORD("desc"))
        flags |= MSOC_KQL_F_DESC;
    else if (granny && WORD("granny") && PEEK(1)->kind == MSOC_KQL_TOK_MINUS) {
        p->pos += 2;
        if (ACCEPT_WORD("asc"))
            flags |= MSOC_KQL_F_ASC | MSOC_KQL_F_GRANNY;
        else if (ACCEPT_WORD("desc"))
            flags |= MSOC_KQL_F_DESC | MSOC_KQL_F_GRANNY;
        else
            msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                           "expected 'asc' or 'desc' after 'granny-'");
    }
    if (!granny && WORD("nulls")) {
        p->pos++;
        if (ACCEPT_WORD("first"))
            flags |= MSOC_KQL_F_NULLS_FIRST;
        else if (ACCEPT_WORD("last"))
            flags |= MSOC_KQL_F_NULLS_LAST;
        else
            msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                           "expected 'first' or 'last' after 'nulls'");
    }
    if (granny && !flags)
        return e;
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_SORT_KEY, t);
    if (!nd)
        return NULL;
    nd->line = e->line;
    nd->col = e->col;
    nd->a = e;
    nd->flags = flags;
    msoc_kql__finish(p, nd);
    return p->failed ? NULL : nd;
}

static void sort_keys(kp *p, msoc_kql_list *l)
{
    uint32_t cap = 0;
    do {
        if (!PUSH(l, sort_key(p, false), &cap))
            return;
    } while (ACCEPT(MSOC_KQL_TOK_COMMA));
}

/* ---- operator names ------------------------------------------------------------- */

typedef msoc_kql_node *(*op_fn)(kp *p, msoc_kql_node *op);

/* The operator word after '|', joining project-away style hyphenated names.
 * Returns the token count and writes the name. */
static uint32_t op_word(kp *p, char *buf, size_t cap)
{
    uint32_t i = p->pos;
    size_t n = 0;
    buf[0] = 0;
    if (p->t[i].kind != MSOC_KQL_TOK_IDENT)
        return 0;
    for (;;) {
        const msoc_kql_tok *t = &p->t[i];
        if (n + t->len + 2 >= cap)
            return 0;
        memcpy(buf + n, p->text + t->off, t->len);
        n += t->len;
        buf[n] = 0;
        i++;
        if (p->t[i].kind == MSOC_KQL_TOK_MINUS && !p->t[i].has_ws_before &&
            p->t[i + 1].kind == MSOC_KQL_TOK_IDENT && !p->t[i + 1].has_ws_before) {
            buf[n++] = '-';
            i++;
            continue;
        }
        break;
    }
    return i - p->pos;
}

/* ---- the operators ------------------------------------------------------------------ */

static msoc_kql_node *op_where(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "hint", &cap);
    bool saved = p->in_where;
    p->in_where = true;
    op->a = msoc_kql__expr(p);
    p->in_where = saved;
    return op;
}

static msoc_kql_node *op_items(kp *p, msoc_kql_node *op)
{
    item_list(p, &op->args);
    return op;
}

static msoc_kql_node *op_names(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    do {
        if (!PUSH(&op->args, msoc_kql__name_or_wildcard(p, false), &cap))
            break;
    } while (ACCEPT(MSOC_KQL_TOK_COMMA));
    return op;
}

static msoc_kql_node *op_reorder(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    do {
        if (!PUSH(&op->args, sort_key(p, true), &cap))
            break;
    } while (ACCEPT(MSOC_KQL_TOK_COMMA));
    return op;
}

static msoc_kql_node *op_rename(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    do {
        msoc_kql_node *as = msoc_kql__node(p, MSOC_KQL_ASSIGN, NULL);
        uint32_t c2 = 0;
        if (!as || !PUSH(&as->args, msoc_kql__name(p, "the new column name"), &c2))
            break;
        if (!msoc_kql__expect(p, MSOC_KQL_TOK_ASSIGN, "in project-rename New = Old"))
            break;
        as->a = msoc_kql__name(p, "the existing column name");
        msoc_kql__finish(p, as);
        PUSH(&op->args, as, &cap);
    } while (ACCEPT(MSOC_KQL_TOK_COMMA));
    return op;
}

static msoc_kql_node *op_summarize(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "hint", &cap);
    if (!WORD("by") || PEEK(1)->kind == MSOC_KQL_TOK_ASSIGN)
        item_list(p, &op->args);
    if (ACCEPT_WORD("by"))
        item_list(p, &op->keys);
    return op;
}

static msoc_kql_node *op_count(kp *p, msoc_kql_node *op)
{
    (void)p;
    return op;
}

static msoc_kql_node *op_take(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "hint", &cap);
    op->a = msoc_kql__expr(p);
    return op;
}

static msoc_kql_node *op_top(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "hint", &cap);
    op->a = msoc_kql__expr(p);
    if (!p->failed && msoc_kql__expect_word(p, "by")) {
        uint32_t c2 = 0;
        PUSH(&op->args, sort_key(p, false), &c2);
    }
    return op;
}

static msoc_kql_node *op_top_nested(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    for (;;) {
        msoc_kql_node *lv = msoc_kql__node(p, MSOC_KQL_TOP_LEVEL, NULL);
        if (!lv)
            break;
        if (!WORD("of"))
            lv->a = msoc_kql__expr(p);
        if (!msoc_kql__expect_word(p, "of"))
            break;
        lv->b = item(p, false);
        if (WORD("with") && msoc_kql__is_word(p, 1, "others")) {
            p->pos += 2;
            if (!msoc_kql__expect(p, MSOC_KQL_TOK_ASSIGN, "after 'with others'"))
                break;
            lv->d = msoc_kql__expr(p);
        }
        if (ACCEPT_WORD("by")) {
            lv->c = item(p, false);
            if (ACCEPT_WORD("asc"))
                lv->flags |= MSOC_KQL_F_ASC;
            else if (ACCEPT_WORD("desc"))
                lv->flags |= MSOC_KQL_F_DESC;
        }
        msoc_kql__finish(p, lv);
        PUSH(&op->args, lv, &cap);
        if (p->failed || !(IS(MSOC_KQL_TOK_COMMA) && msoc_kql__is_word(p, 1, "top")))
            break;
        p->pos++;
        char w[32];
        uint32_t nt = op_word(p, w, sizeof w);
        if (strcmp(w, "top-nested") != 0) {
            msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED, "expected 'top-nested' after ','");
            break;
        }
        p->pos += nt;
    }
    return op;
}

static msoc_kql_node *op_top_hitters(kp *p, msoc_kql_node *op)
{
    op->a = msoc_kql__expr(p);
    if (!p->failed && msoc_kql__expect_word(p, "of"))
        op->b = msoc_kql__expr(p);
    if (!p->failed && ACCEPT_WORD("by"))
        op->c = msoc_kql__expr(p);
    return op;
}

static msoc_kql_node *op_sort(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "hint", &cap);
    if (msoc_kql__expect_word(p, "by"))
        sort_keys(p, &op->args);
    return op;
}

static msoc_kql_node *op_distinct(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "hint", &cap);
    if (IS(MSOC_KQL_TOK_STAR)) {
        uint32_t c2 = 0;
        msoc_kql_node *s = msoc_kql__node(p, MSOC_KQL_STAR, NULL);
        p->pos++;
        PUSH(&op->args, s, &c2);
        return op;
    }
    item_list(p, &op->args);
    return op;
}

static msoc_kql_node *op_join(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "kind hint withsource", &cap);
    op->a = msoc_kql__expr(p);
    if (p->failed)
        return op;
    if (ACCEPT_WORD("on")) {
        uint32_t c2 = 0;
        do {
            if (!PUSH(&op->keys, msoc_kql__expr(p), &c2))
                break;
        } while (ACCEPT(MSOC_KQL_TOK_COMMA));
    } else {
        op->flags |= MSOC_KQL_F_NO_ON;
    }
    return op;
}

static void table_list(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    do {
        msoc_kql_node *t;
        if (IS(MSOC_KQL_TOK_IDENT) || IS(MSOC_KQL_TOK_STAR)) {
            t = msoc_kql__name_or_wildcard(p, true);
        } else {
            t = msoc_kql__expr(p);
        }
        if (!PUSH(&op->args, t, &cap))
            break;
    } while (ACCEPT(MSOC_KQL_TOK_COMMA));
}

static msoc_kql_node *op_union(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "kind withsource isfuzzy hint", &cap);
    table_list(p, op);
    return op;
}

static void mv_items(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    do {
        msoc_kql_node *mi = msoc_kql__node(p, MSOC_KQL_MV_ITEM, NULL);
        if (!mi)
            break;
        mi->a = item(p, false);
        if (!p->failed && WORD("to") && msoc_kql__is_word(p, 1, "typeof")) {
            p->pos++;
            mi->b = msoc_kql__expr(p);
        }
        msoc_kql__finish(p, mi);
        if (!PUSH(&op->args, mi, &cap))
            break;
    } while (ACCEPT(MSOC_KQL_TOK_COMMA));
    if (!p->failed && ACCEPT_WORD("limit"))
        op->c = msoc_kql__expr(p);
}

static msoc_kql_node *op_mv_expand(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "bagexpansion with_itemindex kind hint", &cap);
    mv_items(p, op);
    return op;
}

/* ( operators ) sub-query with no source, as in mv-apply ... on (...). */
static msoc_kql_node *paren_subquery(kp *p, const char *opener)
{
    const msoc_kql_tok *open = PEEK(0);
    if (!msoc_kql__expect(p, MSOC_KQL_TOK_LPAREN, opener))
        return NULL;
    msoc_kql_node *sq = msoc_kql__subquery(p);
    if (!sq)
        return NULL;
    if (!ACCEPT(MSOC_KQL_TOK_RPAREN)) {
        char b[64];
        msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                       "expected ')' to close the sub-query opened at %u:%u, found %s", open->line,
                       open->col, msoc_kql__tok_desc(p, PEEK(0), b, sizeof b));
        return NULL;
    }
    return sq;
}

static msoc_kql_node *op_mv_apply(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "with_itemindex kind hint", &cap);
    mv_items(p, op);
    if (!p->failed && msoc_kql__expect_word(p, "on"))
        op->b = paren_subquery(p, "after 'on': mv-apply ... on (sub-query)");
    return op;
}

static msoc_kql_node *op_parse(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "kind flags hint", &cap);
    op->a = msoc_kql__expr(p);
    if (p->failed || !msoc_kql__expect_word(p, "with"))
        return op;
    uint32_t c2 = 0;
    for (;;) {
        const msoc_kql_tok *t = PEEK(0);
        msoc_kql_node *el;
        if (t->kind == MSOC_KQL_TOK_STRING) {
            el = msoc_kql__literal_value(p);
        } else if (t->kind == MSOC_KQL_TOK_STAR) {
            el = msoc_kql__node(p, MSOC_KQL_STAR, t);
            p->pos++;
        } else if (msoc_kql__is_name_start(p)) {
            el = msoc_kql__node(p, MSOC_KQL_COLDEF, t);
            msoc_kql_node *nm = msoc_kql__name(p, NULL);
            if (!el || !nm)
                break;
            el->name = nm->name;
            if (ACCEPT(MSOC_KQL_TOK_COLON))
                el->a = msoc_kql__type(p);
            msoc_kql__finish(p, el);
        } else {
            break;
        }
        if (!PUSH(&op->args, el, &c2))
            break;
        ACCEPT(MSOC_KQL_TOK_COMMA);
    }
    if (!p->failed && op->args.n == 0) {
        char b[64];
        msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                       "expected a parse pattern after 'with' (strings, * and columns), found %s",
                       msoc_kql__tok_desc(p, PEEK(0), b, sizeof b));
    }
    return op;
}

static msoc_kql_node *op_parse_kv(kp *p, msoc_kql_node *op)
{
    op->a = msoc_kql__expr(p);
    if (p->failed || !msoc_kql__expect_word(p, "as"))
        return op;
    op->b = msoc_kql__schema(p);
    uint32_t cap = 0;
    if (!p->failed && ACCEPT_WORD("with"))
        with_props(p, op, &cap);
    return op;
}

static msoc_kql_node *op_evaluate(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "hint", &cap);
    if (!IS(MSOC_KQL_TOK_IDENT) || PEEK(1)->kind != MSOC_KQL_TOK_LPAREN) {
        char b[64];
        msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                       "expected a plugin call after 'evaluate', such as bag_unpack(Col), found %s",
                       msoc_kql__tok_desc(p, PEEK(0), b, sizeof b));
        return op;
    }
    op->a = msoc_kql__expr(p);
    if (!p->failed && ACCEPT(MSOC_KQL_TOK_COLON))
        op->b = msoc_kql__schema(p);
    return op;
}

static msoc_kql_node *op_make_series(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0, c2 = 0;
    params(p, op, "kind hint", &cap);
    do {
        msoc_kql_node *it = item(p, false);
        if (it && WORD("default") && PEEK(1)->kind == MSOC_KQL_TOK_ASSIGN) {
            msoc_kql_node *d = msoc_kql__node(p, MSOC_KQL_DEFAULT, NULL);
            if (!d)
                break;
            d->line = it->line;
            d->col = it->col;
            d->off = it->off;
            p->pos += 2;
            d->a = it;
            d->b = msoc_kql__expr(p);
            msoc_kql__finish(p, d);
            it = d;
        }
        if (!PUSH(&op->args, it, &c2))
            break;
    } while (ACCEPT(MSOC_KQL_TOK_COMMA));
    if (p->failed || !msoc_kql__expect_word(p, "on"))
        return op;
    op->b = msoc_kql__expr(p);
    if (!p->failed && WORD("in") && msoc_kql__is_word(p, 1, "range") &&
        PEEK(2)->kind == MSOC_KQL_TOK_LPAREN) {
        const msoc_kql_tok *open = PEEK(2);
        p->pos += 3;
        op->flags |= MSOC_KQL_F_IN_RANGE;
        op->c = msoc_kql__expr(p);
        if (!p->failed && msoc_kql__expect(p, MSOC_KQL_TOK_COMMA, "in range(start, stop, step)"))
            op->d = msoc_kql__expr(p);
        if (!p->failed && msoc_kql__expect(p, MSOC_KQL_TOK_COMMA, "in range(start, stop, step)"))
            op->e = msoc_kql__expr(p);
        if (!p->failed && !ACCEPT(MSOC_KQL_TOK_RPAREN))
            msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                           "expected ')' to close 'range(' opened at %u:%u", open->line, open->col);
    } else {
        if (!p->failed && ACCEPT_WORD("from"))
            op->c = msoc_kql__expr(p);
        if (!p->failed && ACCEPT_WORD("to"))
            op->d = msoc_kql__expr(p);
        if (!p->failed && ACCEPT_WORD("step"))
            op->e = msoc_kql__expr(p);
    }
    if (!p->failed && ACCEPT_WORD("by"))
        item_list(p, &op->keys);
    return op;
}

static msoc_kql_node *op_render(kp *p, msoc_kql_node *op)
{
    msoc_kql_node *nm = msoc_kql__name(p, "a visualisation after 'render' (timechart, "
                                          "barchart, piechart, table, ...)");
    if (!nm)
        return op;
    op->name = nm->name;
    uint32_t cap = 0;
    if (ACCEPT_WORD("with")) {
        with_props(p, op, &cap);
        return op;
    }
    /* Legacy form: render timechart kind=stacked title="..." */
    while (!p->failed && IS(MSOC_KQL_TOK_IDENT) && PEEK(1)->kind == MSOC_KQL_TOK_ASSIGN)
        PUSH(&op->params, one_param(p), &cap);
    return op;
}

static msoc_kql_node *op_as(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "hint", &cap);
    msoc_kql_node *nm = msoc_kql__name(p, "a name after 'as'");
    if (nm)
        op->name = nm->name;
    return op;
}

static bool at_op_end(kp *p)
{
    msoc_kql_tok_kind k = (msoc_kql_tok_kind)PEEK(0)->kind;
    return k == MSOC_KQL_TOK_PIPE || k == MSOC_KQL_TOK_SEMI || k == MSOC_KQL_TOK_EOF ||
           k == MSOC_KQL_TOK_RPAREN || k == MSOC_KQL_TOK_RBRACE;
}

static msoc_kql_node *op_serialize(kp *p, msoc_kql_node *op)
{
    if (!at_op_end(p))
        item_list(p, &op->args);
    return op;
}

static msoc_kql_node *op_invoke(kp *p, msoc_kql_node *op)
{
    op->a = msoc_kql__expr(p);
    return op;
}

static msoc_kql_node *op_facet(kp *p, msoc_kql_node *op)
{
    if (!msoc_kql__expect_word(p, "by"))
        return op;
    op_names(p, op);
    if (!p->failed && ACCEPT_WORD("with")) {
        if (IS(MSOC_KQL_TOK_LPAREN))
            op->b = paren_subquery(p, "after 'with'");
        else
            op->b = msoc_kql__subquery(p);
    }
    return op;
}

static msoc_kql_node *op_sample(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "hint", &cap);
    op->a = msoc_kql__expr(p);
    return op;
}

static msoc_kql_node *op_sample_distinct(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "hint", &cap);
    op->a = msoc_kql__expr(p);
    if (!p->failed && msoc_kql__expect_word(p, "of"))
        op->b = msoc_kql__expr(p);
    return op;
}

static msoc_kql_node *op_fork(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    while (!p->failed && (IS(MSOC_KQL_TOK_LPAREN) || name_assign_ahead(p))) {
        msoc_kql_node *br;
        if (name_assign_ahead(p)) {
            br = msoc_kql__node(p, MSOC_KQL_ASSIGN, NULL);
            uint32_t c2 = 0;
            if (!br || !PUSH(&br->args, msoc_kql__name(p, NULL), &c2))
                break;
            p->pos++;
            br->a = paren_subquery(p, "for the fork branch");
            msoc_kql__finish(p, br);
        } else {
            br = paren_subquery(p, "for the fork branch");
        }
        PUSH(&op->args, br, &cap);
    }
    if (!p->failed && op->args.n == 0)
        msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                       "expected at least one '(sub-query)' branch after 'fork'");
    return op;
}

static msoc_kql_node *op_partition(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "hint", &cap);
    if (!msoc_kql__expect_word(p, "by"))
        return op;
    op->a = msoc_kql__name(p, "the partition column");
    if (p->failed)
        return op;
    if (IS(MSOC_KQL_TOK_LBRACE)) {
        const msoc_kql_tok *open = PEEK(0);
        p->pos++;
        op->flags |= MSOC_KQL_F_BRACES;
        op->b = msoc_kql__subquery(p);
        if (!p->failed && !ACCEPT(MSOC_KQL_TOK_RBRACE))
            msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                           "expected '}' to close '{' opened at %u:%u", open->line, open->col);
    } else {
        op->b = paren_subquery(p, "after the partition column: partition by Col (sub-query)");
    }
    return op;
}

static msoc_kql_node *op_scan(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "with_match_id hint", &cap);
    if (ACCEPT_WORD("declare")) {
        msoc_kql_node *sch = msoc_kql__schema(p);
        if (sch)
            op->keys = sch->args;
    }
    if (p->failed || !msoc_kql__expect_word(p, "with"))
        return op;
    const msoc_kql_tok *open = PEEK(0);
    if (!msoc_kql__expect(p, MSOC_KQL_TOK_LPAREN, "after 'with'"))
        return op;
    uint32_t c2 = 0;
    while (!p->failed && WORD("step")) {
        msoc_kql_node *st = msoc_kql__node(p, MSOC_KQL_SCAN_STEP, NULL);
        p->pos++;
        msoc_kql_node *nm = msoc_kql__name(p, "a step name");
        if (!st || !nm)
            break;
        st->name = nm->name;
        if (ACCEPT_WORD("optional"))
            st->flags |= MSOC_KQL_F_OPTIONAL;
        if (WORD("output") && PEEK(1)->kind == MSOC_KQL_TOK_ASSIGN) {
            uint32_t c3 = 0;
            PUSH(&st->params, one_param(p), &c3);
        }
        if (!msoc_kql__expect(p, MSOC_KQL_TOK_COLON, "after the step name"))
            break;
        st->a = msoc_kql__expr(p);
        if (!p->failed && ACCEPT(MSOC_KQL_TOK_ARROW)) {
            uint32_t c3 = 0;
            do {
                if (!PUSH(&st->args, item(p, false), &c3))
                    break;
            } while (ACCEPT(MSOC_KQL_TOK_COMMA));
        }
        msoc_kql__finish(p, st);
        PUSH(&op->args, st, &c2);
        if (!p->failed && !msoc_kql__expect(p, MSOC_KQL_TOK_SEMI, "after the scan step"))
            break;
    }
    if (!p->failed && !ACCEPT(MSOC_KQL_TOK_RPAREN)) {
        char b[64];
        msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                       "expected 'step' or ')' to close 'with (' opened at %u:%u, found %s",
                       open->line, open->col, msoc_kql__tok_desc(p, PEEK(0), b, sizeof b));
    }
    return op;
}

static msoc_kql_node *op_getschema(kp *p, msoc_kql_node *op)
{
    (void)p;
    return op;
}

static msoc_kql_node *op_reduce(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "kind hint", &cap);
    if (!msoc_kql__expect_word(p, "by"))
        return op;
    op->a = msoc_kql__expr(p);
    if (!p->failed && ACCEPT_WORD("with")) {
        while (!p->failed && IS(MSOC_KQL_TOK_IDENT) && PEEK(1)->kind == MSOC_KQL_TOK_ASSIGN) {
            PUSH(&op->params, one_param(p), &cap);
            if (!ACCEPT(MSOC_KQL_TOK_COMMA))
                break;
        }
    }
    return op;
}

static msoc_kql_node *op_consume(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "decodeblocks hint", &cap);
    return op;
}

static msoc_kql_node *op_assert_schema(kp *p, msoc_kql_node *op)
{
    op->a = msoc_kql__schema(p);
    return op;
}

static msoc_kql_node *op_search(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "kind hint", &cap);
    if (WORD("in") && PEEK(1)->kind == MSOC_KQL_TOK_LPAREN) {
        const msoc_kql_tok *open = PEEK(1);
        p->pos += 2;
        table_list(p, op);
        if (!p->failed && !ACCEPT(MSOC_KQL_TOK_RPAREN))
            msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                           "expected ')' to close 'in (' opened at %u:%u", open->line, open->col);
    }
    op->a = msoc_kql__expr(p);
    return op;
}

static msoc_kql_node *op_find(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "withsource with_source datascope hint", &cap);
    if (WORD("in") && PEEK(1)->kind == MSOC_KQL_TOK_LPAREN) {
        const msoc_kql_tok *open = PEEK(1);
        p->pos += 2;
        table_list(p, op);
        if (!p->failed && !ACCEPT(MSOC_KQL_TOK_RPAREN))
            msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                           "expected ')' to close 'in (' opened at %u:%u", open->line, open->col);
    }
    if (p->failed)
        return op;
    ACCEPT_WORD("where");
    op->a = msoc_kql__expr(p);
    if (p->failed)
        return op;
    char w[32];
    uint32_t nt = op_word(p, w, sizeof w);
    if (strcmp(w, "project-smart") == 0) {
        p->pos += nt;
        op->flags |= MSOC_KQL_F_PROJECT_SMART;
    } else if (strcmp(w, "project") == 0) {
        p->pos += nt;
        uint32_t c2 = 0;
        do {
            if (WORD("pack_all") && PEEK(1)->kind == MSOC_KQL_TOK_LPAREN) {
                /* find ... project Cols, pack_all(): a CALL in keys */
                if (!PUSH(&op->keys, msoc_kql__expr(p), &c2))
                    break;
                continue;
            }
            msoc_kql_node *col = msoc_kql__name_or_wildcard(p, false);
            if (col && col->kind == MSOC_KQL_NAME && ACCEPT(MSOC_KQL_TOK_COLON)) {
                msoc_kql_node *cd = msoc_kql__node(p, MSOC_KQL_COLDEF, NULL);
                if (!cd)
                    break;
                cd->line = col->line;
                cd->col = col->col;
                cd->name = col->name;
                cd->a = msoc_kql__type(p);
                col = cd;
            }
            if (!PUSH(&op->keys, col, &c2))
                break;
        } while (ACCEPT(MSOC_KQL_TOK_COMMA));
    }
    return op;
}

static msoc_kql_node *op_execute_and_cache(kp *p, msoc_kql_node *op)
{
    (void)p;
    return op;
}

static msoc_kql_node *op_lookup(kp *p, msoc_kql_node *op)
{
    return op_join(p, op);
}

/* Graph and other rare operators: kept as a list of expressions up to the next
 * '|' (accepted for completeness, not executed). */
static msoc_kql_node *op_legacy(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    int depth = 0;
    while (!p->failed) {
        msoc_kql_tok_kind k = (msoc_kql_tok_kind)PEEK(0)->kind;
        if (k == MSOC_KQL_TOK_EOF ||
            (depth == 0 &&
             (k == MSOC_KQL_TOK_PIPE || k == MSOC_KQL_TOK_SEMI || k == MSOC_KQL_TOK_RPAREN ||
              k == MSOC_KQL_TOK_RBRACE || k == MSOC_KQL_TOK_RBRACKET)))
            break;
        if (k == MSOC_KQL_TOK_LPAREN || k == MSOC_KQL_TOK_LBRACKET || k == MSOC_KQL_TOK_LBRACE)
            depth++;
        if (k == MSOC_KQL_TOK_RPAREN || k == MSOC_KQL_TOK_RBRACKET || k == MSOC_KQL_TOK_RBRACE)
            depth--;
        msoc_kql_node *tk = msoc_kql__node(p, MSOC_KQL_NAME, NULL);
        if (!tk)
            break;
        tk->name = msoc_kql__tok_str(p, PEEK(0));
        p->pos++;
        PUSH(&op->args, tk, &cap);
    }
    return op;
}

static const struct {
    const char *name;
    msoc_kql_kind kind;
    op_fn fn;
} ops[] = {
    {"where", MSOC_KQL_OP_WHERE, op_where},
    {"filter", MSOC_KQL_OP_WHERE, op_where},
    {"project", MSOC_KQL_OP_PROJECT, op_items},
    {"project-away", MSOC_KQL_OP_PROJECT_AWAY, op_names},
    {"project-keep", MSOC_KQL_OP_PROJECT_KEEP, op_names},
    {"project-rename", MSOC_KQL_OP_PROJECT_RENAME, op_rename},
    {"project-reorder", MSOC_KQL_OP_PROJECT_REORDER, op_reorder},
    {"extend", MSOC_KQL_OP_EXTEND, op_items},
    {"summarize", MSOC_KQL_OP_SUMMARIZE, op_summarize},
    {"count", MSOC_KQL_OP_COUNT, op_count},
    {"take", MSOC_KQL_OP_TAKE, op_take},
    {"limit", MSOC_KQL_OP_TAKE, op_take},
    {"top", MSOC_KQL_OP_TOP, op_top},
    {"top-nested", MSOC_KQL_OP_TOP_NESTED, op_top_nested},
    {"top-hitters", MSOC_KQL_OP_TOP_HITTERS, op_top_hitters},
    {"sort", MSOC_KQL_OP_SORT, op_sort},
    {"order", MSOC_KQL_OP_SORT, op_sort},
    {"distinct", MSOC_KQL_OP_DISTINCT, op_distinct},
    {"join", MSOC_KQL_OP_JOIN, op_join},
    {"lookup", MSOC_KQL_OP_LOOKUP, op_lookup},
    {"union", MSOC_KQL_OP_UNION, op_union},
    {"mv-expand", MSOC_KQL_OP_MV_EXPAND, op_mv_expand},
    {"mvexpand", MSOC_KQL_OP_MV_EXPAND, op_mv_expand},
    {"mv-apply", MSOC_KQL_OP_MV_APPLY, op_mv_apply},
    {"mvapply", MSOC_KQL_OP_MV_APPLY, op_mv_apply},
    {"parse", MSOC_KQL_OP_PARSE, op_parse},
    {"parse-where", MSOC_KQL_OP_PARSE_WHERE, op_parse},
    {"parse-kv", MSOC_KQL_OP_PARSE_KV, op_parse_kv},
    {"evaluate", MSOC_KQL_OP_EVALUATE, op_evaluate},
    {"make-series", MSOC_KQL_OP_MAKE_SERIES, op_make_series},
    {"render", MSOC_KQL_OP_RENDER, op_render},
    {"as", MSOC_KQL_OP_AS, op_as},
    {"serialize", MSOC_KQL_OP_SERIALIZE, op_serialize},
    {"invoke", MSOC_KQL_OP_INVOKE, op_invoke},
    {"facet", MSOC_KQL_OP_FACET, op_facet},
    {"sample", MSOC_KQL_OP_SAMPLE, op_sample},
    {"sample-distinct", MSOC_KQL_OP_SAMPLE_DISTINCT, op_sample_distinct},
    {"getschema", MSOC_KQL_OP_GETSCHEMA, op_getschema},
    {"fork", MSOC_KQL_OP_FORK, op_fork},
    {"partition", MSOC_KQL_OP_PARTITION, op_partition},
    {"scan", MSOC_KQL_OP_SCAN, op_scan},
    {"search", MSOC_KQL_OP_SEARCH, op_search},
    {"find", MSOC_KQL_OP_FIND, op_find},
    {"reduce", MSOC_KQL_OP_REDUCE, op_reduce},
    {"consume", MSOC_KQL_OP_CONSUME, op_consume},
    {"execute-and-cache", MSOC_KQL_OP_EXECUTE_AND_CACHE, op_execute_and_cache},
    {"assert-schema", MSOC_KQL_OP_ASSERT_SCHEMA, op_assert_schema},
    {"make-graph", MSOC_KQL_OP_GRAPH_OP, op_legacy},
    {"graph-match", MSOC_KQL_OP_GRAPH_OP, op_legacy},
    {"graph-to-table", MSOC_KQL_OP_GRAPH_OP, op_legacy},
    {"graph-merge", MSOC_KQL_OP_GRAPH_OP, op_legacy},
    {"graph-shortest-paths", MSOC_KQL_OP_GRAPH_OP, op_legacy},
    {"graph-mark-components", MSOC_KQL_OP_GRAPH_OP, op_legacy},
    {"project-smart", MSOC_KQL_OP_LEGACY, op_legacy},
    {"macro-expand", MSOC_KQL_OP_LEGACY, op_legacy},
    {"project-by-names", MSOC_KQL_OP_LEGACY, op_legacy},
    {"inline_external_table", MSOC_KQL_OP_LEGACY, op_legacy},
    {"graph-match", MSOC_KQL_OP_GRAPH_OP, op_legacy},
};

static int find_op(const char *w)
{
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (strcmp(ops[k].name, w) == 0)
            return (int)k;
    return -1;
}

static msoc_kql_node *run_op(kp *p, int idx, uint32_t nt, const msoc_kql_tok *start)
{
    msoc_kql_node *op = msoc_kql__node(p, ops[idx].kind, start);
    if (!op || !msoc_kql__enter(p))
        return NULL;
    p->pos += nt;
    if (ops[idx].kind == MSOC_KQL_OP_GRAPH_OP || ops[idx].kind == MSOC_KQL_OP_LEGACY)
        op->name = msoc_str_dup(p->arena, msoc_str_c(ops[idx].name));
    /* sort by / order by: the 'by' is consumed by op_sort. */
    ops[idx].fn(p, op);
    msoc_kql__leave(p);
    msoc_kql__finish(p, op);
    return p->failed ? NULL : op;
}

msoc_kql_node *msoc_kql__operator(kp *p)
{
    const msoc_kql_tok *start = PEEK(0);
    char w[48];
    char b[64];
    uint32_t nt = op_word(p, w, sizeof w);
    int idx = nt ? find_op(w) : -1;
    if (idx < 0) {
        if (nt == 0)
            msoc_kql__fail(p, start, MSOC_KQL_DIAG_EXPECTED,
                           "expected a tabular operator after '|' (where, project, summarize, "
                           "...), found %s",
                           msoc_kql__tok_desc(p, start, b, sizeof b));
        else
            msoc_kql__fail(p, start, MSOC_KQL_DIAG_UNKNOWN_OP,
                           "unknown tabular operator '%s' after '|'", w);
        return NULL;
    }
    return run_op(p, idx, nt, start);
}

msoc_kql_node *msoc_kql__subquery(kp *p)
{
    char w[48];
    uint32_t nt = op_word(p, w, sizeof w);
    if (!(nt && find_op(w) >= 0) || msoc_kql__is_source_op(p))
        return msoc_kql__pipe_expr(p);
    msoc_kql_node *pipe = msoc_kql__node(p, MSOC_KQL_PIPE, NULL);
    if (!pipe)
        return NULL;
    uint32_t cap = 0;
    do {
        if (!PUSH(&pipe->args, msoc_kql__operator(p), &cap))
            return NULL;
    } while (ACCEPT(MSOC_KQL_TOK_PIPE));
    msoc_kql__finish(p, pipe);
    return pipe;
}

/* ---- sources ------------------------------------------------------------------------ */

bool msoc_kql__is_source_op(kp *p)
{
    const msoc_kql_tok *t = PEEK(0);
    if (t->kind != MSOC_KQL_TOK_IDENT)
        return false;
    const msoc_kql_tok *n1 = PEEK(1);
    msoc_kql_tok_kind k1 = (msoc_kql_tok_kind)n1->kind;
    bool ends = k1 == MSOC_KQL_TOK_PIPE || k1 == MSOC_KQL_TOK_SEMI || k1 == MSOC_KQL_TOK_EOF ||
                k1 == MSOC_KQL_TOK_RPAREN || k1 == MSOC_KQL_TOK_COMMA || k1 == MSOC_KQL_TOK_DOT ||
                k1 == MSOC_KQL_TOK_ASSIGN ||
                (k1 == MSOC_KQL_TOK_LBRACKET && PEEK(2)->kind != MSOC_KQL_TOK_STRING);
    if (tok_word(p, t, "print"))
        return k1 != MSOC_KQL_TOK_DOT && k1 != MSOC_KQL_TOK_ASSIGN;
    if (tok_word(p, t, "range"))
        return k1 == MSOC_KQL_TOK_IDENT || k1 == MSOC_KQL_TOK_LBRACKET;
    if (tok_word(p, t, "union") || tok_word(p, t, "search") || tok_word(p, t, "find") ||
        tok_word(p, t, "evaluate"))
        return !ends || (tok_word(p, t, "search") && k1 == MSOC_KQL_TOK_LBRACKET);
    if (tok_word(p, t, "datatable") || tok_word(p, t, "externaldata") ||
        tok_word(p, t, "external_data"))
        return k1 == MSOC_KQL_TOK_LPAREN || k1 == MSOC_KQL_TOK_IDENT;
    if (tok_word(p, t, "inline_external_table"))
        return k1 == MSOC_KQL_TOK_LPAREN || k1 == MSOC_KQL_TOK_IDENT;
    if (tok_word(p, t, "macro") && k1 == MSOC_KQL_TOK_MINUS && !n1->has_ws_before &&
        msoc_kql__is_word(p, 2, "expand"))
        return true;
    return false;
}

static msoc_kql_node *src_range(kp *p, msoc_kql_node *op)
{
    msoc_kql_node *nm = msoc_kql__name(p, "a column name after 'range'");
    if (!nm)
        return op;
    op->name = nm->name;
    if (msoc_kql__expect_word(p, "from"))
        op->a = msoc_kql__expr(p);
    if (!p->failed && msoc_kql__expect_word(p, "to"))
        op->b = msoc_kql__expr(p);
    if (!p->failed && msoc_kql__expect_word(p, "step"))
        op->c = msoc_kql__expr(p);
    return op;
}

static msoc_kql_node *src_print(kp *p, msoc_kql_node *op)
{
    if (!at_op_end(p))
        item_list(p, &op->args);
    return op;
}

static void bracket_values(kp *p, msoc_kql_node *op, const char *what)
{
    const msoc_kql_tok *open = PEEK(0);
    if (!msoc_kql__expect(p, MSOC_KQL_TOK_LBRACKET, what))
        return;
    uint32_t cap = 0;
    while (!p->failed && !IS(MSOC_KQL_TOK_RBRACKET)) {
        if (!PUSH(&op->args, msoc_kql__expr(p), &cap))
            return;
        if (!ACCEPT(MSOC_KQL_TOK_COMMA))
            break;
    }
    if (!p->failed && !ACCEPT(MSOC_KQL_TOK_RBRACKET)) {
        char b[64];
        msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                       "expected ',' or ']' to close '[' opened at %u:%u, found %s", open->line,
                       open->col, msoc_kql__tok_desc(p, PEEK(0), b, sizeof b));
    }
}

static msoc_kql_node *src_datatable(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "hint", &cap);
    op->a = msoc_kql__schema(p);
    if (!p->failed)
        bracket_values(p, op, "with the rows after the datatable schema");
    return op;
}

static msoc_kql_node *src_externaldata(kp *p, msoc_kql_node *op)
{
    uint32_t cap = 0;
    params(p, op, "hint", &cap);
    op->a = msoc_kql__schema(p);
    if (!p->failed)
        bracket_values(p, op, "with the storage URIs after the externaldata schema");
    if (!p->failed && ACCEPT_WORD("with"))
        with_props(p, op, &cap);
    return op;
}

msoc_kql_node *msoc_kql__source_op(kp *p)
{
    const msoc_kql_tok *t = PEEK(0);
    msoc_kql_node *op;
    if (tok_word(p, t, "union"))
        return run_op(p, find_op("union"), 1, t);
    if (tok_word(p, t, "search"))
        return run_op(p, find_op("search"), 1, t);
    if (tok_word(p, t, "find"))
        return run_op(p, find_op("find"), 1, t);
    if (tok_word(p, t, "evaluate"))
        return run_op(p, find_op("evaluate"), 1, t);
    if (tok_word(p, t, "inline_external_table"))
        return run_op(p, find_op("inline_external_table"), 1, t);
    if (tok_word(p, t, "macro"))
        return run_op(p, find_op("macro-expand"), 3, t);
    if (!msoc_kql__enter(p))
        return NULL;
    if (tok_word(p, t, "print")) {
        op = msoc_kql__node(p, MSOC_KQL_OP_PRINT, t);
        p->pos++;
        if (op)
            src_print(p, op);
    } else if (tok_word(p, t, "range")) {
        op = msoc_kql__node(p, MSOC_KQL_OP_RANGE, t);
        p->pos++;
        if (op)
            src_range(p, op);
    } else if (tok_word(p, t, "datatable")) {
        op = msoc_kql__node(p, MSOC_KQL_OP_DATATABLE, t);
        p->pos++;
        if (op)
            src_datatable(p, op);
    } else {
        op = msoc_kql__node(p, MSOC_KQL_OP_EXTERNALDATA, t);
        p->pos++;
        if (op)
            src_externaldata(p, op);
    }
    msoc_kql__leave(p);
    msoc_kql__finish(p, op);
    return p->failed ? NULL : op;
}
