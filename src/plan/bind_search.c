/* search and find: compositions of per-table scans, filters and projections under a
 * union (with the table's name as `$table` / `source_`). Each table gets its own
 * copy of the predicate, rewritten against that table's columns: bare string terms
 * become `has` (hasprefix, hassuffix, contains or a regex for `*` wildcards) over
 * every column, `Col:"x"` the same on one column, and a column the table lacks
 * (but another input has) reads as null. "Every table" means the tables that hold
 * rows in the catalog's authorised partitions (catalog->tables_held), so neither
 * operator reaches a partition any other query shape could not. */
#include <stdio.h>

#include "kql/kql.h"
#include "plan_int.h"

/* ---- synthetic AST (the binder's input is read-only; new nodes point into it) ---- */

static msoc_kql_node *ast_str(binder *b, msoc_str s, const msoc_kql_node *pos)
{
    msoc_kql_node *n = msoc_plan__ast(b, MSOC_KQL_LIT, pos);
    if (n) {
        n->lit.type = MSOC_TYPE_STRING;
        n->lit.s = s;
    }
    return n;
}

static msoc_kql_node *ast_bool(binder *b, bool v, const msoc_kql_node *pos)
{
    msoc_kql_node *n = msoc_plan__ast(b, MSOC_KQL_LIT, pos);
    if (n) {
        n->lit.type = MSOC_TYPE_BOOL;
        n->lit.v.b = v;
    }
    return n;
}

static msoc_kql_node *ast_null(binder *b, msoc_type t, const msoc_kql_node *pos)
{
    msoc_kql_node *n = msoc_plan__ast(b, MSOC_KQL_LIT, pos);
    if (n) {
        n->lit.type = t == MSOC_TYPE_NULL ? MSOC_TYPE_STRING : t;
        n->lit.is_null = true;
    }
    return n;
}

static msoc_kql_node *ast_binary(binder *b, msoc_kql_op op, msoc_kql_node *l, msoc_kql_node *r,
                                 const msoc_kql_node *pos)
{
    if (l == NULL || r == NULL)
        return NULL;
    msoc_kql_node *n = msoc_plan__ast(b, MSOC_KQL_BINARY, pos);
    if (n) {
        n->op = op;
        n->a = l;
        n->b = r;
    }
    return n;
}

/* A balanced `or` of items (depth log n, so the binder's recursion stays shallow). */
static msoc_kql_node *any_of(binder *b, msoc_kql_node **items, size_t n, const msoc_kql_node *pos)
{
    if (n == 0)
        return ast_bool(b, false, pos);
    if (n == 1)
        return items[0];
    size_t h = n / 2;
    return ast_binary(b, MSOC_KQL_OP_OR, any_of(b, items, h, pos), any_of(b, items + h, n - h, pos), pos);
}

/* ---- search terms ---- */

typedef enum term_kind { T_ALL, T_HAS, T_PREFIX, T_SUFFIX, T_CONTAINS, T_REGEX } term_kind;

typedef struct term {
    term_kind kind;
    msoc_str text; /* the term without its wildcards, or the regex */
} term;

typedef struct srch {
    binder *b;
    bool is_cs;                /* kind=case_sensitive */
    msoc_plan_node **ins;      /* every input, to tell a column some input has */
    size_t n_ins;
} srch;

/* Kusto's search term forms: "x" has, "*x" hassuffix, "x*" hasprefix, "*x*" contains,
 * "x*y" matches regex \bx.*y\b, "*" everything. */
static msoc_status classify(srch *s, msoc_str v, term *out)
{
    size_t lo = 0, hi = v.len;
    while (lo < hi && v.ptr[lo] == '*')
        lo++;
    while (hi > lo && v.ptr[hi - 1] == '*')
        hi--;
    bool is_lead = lo > 0, is_trail = hi < v.len;
    if (lo == hi) {
        out->kind = v.len ? T_ALL : T_HAS;
        out->text = msoc_str_make(v.ptr, 0);
        return MSOC_OK;
    }
    bool is_inner = memchr(v.ptr + lo, '*', hi - lo) != NULL;
    if (!is_inner) {
        out->kind = is_lead && is_trail ? T_CONTAINS : is_lead ? T_SUFFIX : is_trail ? T_PREFIX : T_HAS;
        out->text = msoc_str_make(v.ptr + lo, hi - lo);
        return MSOC_OK;
    }
    msoc_buf re;
    msoc_buf_init(&re, 1u << 20);
    msoc_status st = MSOC_OK;
    if (!s->is_cs)
        st = msoc_buf_append(&re, "(?i)", 4);
    if (st == MSOC_OK && !is_lead)
        st = msoc_buf_append(&re, "\\b", 2);
    for (size_t i = lo; i < hi && st == MSOC_OK; i++) {
        char c = v.ptr[i];
        if (c == '*')
            st = msoc_buf_append(&re, ".*", 2);
        else if (strchr("\\^$.|?+()[]{}", c) != NULL && c != 0)
            st = msoc_buf_appendf(&re, "\\%c", c);
        else
            st = msoc_buf_append(&re, &c, 1);
    }
    if (st == MSOC_OK && !is_trail)
        st = msoc_buf_append(&re, "\\b", 2);
    if (st == MSOC_OK)
        st = msoc_buf_check(&re, "search term", s->b->err);
    if (st == MSOC_OK) {
        out->kind = T_REGEX;
        out->text = msoc_plan__str(s->b, re.data, re.len);
        if (out->text.ptr == NULL)
            st = s->b->err->code;
    }
    msoc_buf_fini(&re);
    return st;
}

/* The test of term t on column c of in. */
static msoc_kql_node *term_on(srch *s, const term *t, const msoc_plan_node *in, int c, const msoc_kql_node *pos)
{
    binder *b = s->b;
    if (t->kind == T_ALL)
        return ast_bool(b, true, pos);
    msoc_kql_node *col = msoc_plan__ast_name(b, in->cols[c].name, pos);
    if (col && in->cols[c].type != MSOC_TYPE_STRING)
        col = msoc_plan__ast_call(b, "tostring", &col, 1, pos);
    msoc_kql_node *lit = ast_str(b, t->text, pos);
    if (col == NULL || lit == NULL)
        return NULL;
    msoc_kql_op op = MSOC_KQL_OP_MATCHES_REGEX;
    switch (t->kind) {
    case T_HAS: op = s->is_cs ? MSOC_KQL_OP_HAS_CS : MSOC_KQL_OP_HAS; break;
    case T_PREFIX: op = s->is_cs ? MSOC_KQL_OP_HASPREFIX_CS : MSOC_KQL_OP_HASPREFIX; break;
    case T_SUFFIX: op = s->is_cs ? MSOC_KQL_OP_HASSUFFIX_CS : MSOC_KQL_OP_HASSUFFIX; break;
    case T_CONTAINS: op = s->is_cs ? MSOC_KQL_OP_CONTAINS_CS : MSOC_KQL_OP_CONTAINS; break;
    default: break;
    }
    return ast_binary(b, op, col, lit, pos);
}

static bool col_anywhere(const srch *s, msoc_str name, msoc_type *type)
{
    for (size_t i = 0; i < s->n_ins; i++) {
        int c = msoc_plan__find_col(s->ins[i], name);
        if (c >= 0) {
            *type = s->ins[i]->cols[c].type;
            return true;
        }
    }
    return false;
}

static bool is_tabular_kind(const msoc_kql_node *e)
{
    return e->kind == MSOC_KQL_PIPE || e->kind >= MSOC_KQL_OP_WHERE;
}

/* A copy of e where names of columns that in lacks (but another input has) are
 * typed nulls; e itself when nothing changes. Sub-queries are left alone. */
static msoc_kql_node *subst(srch *s, const msoc_kql_node *e, const msoc_plan_node *in, bool *is_oom)
{
    if (e == NULL || *is_oom)
        return (msoc_kql_node *)(uintptr_t)e;
    if (e->kind == MSOC_KQL_NAME) {
        msoc_type t;
        if (msoc_plan__find_col(in, e->name) >= 0 || msoc_plan__lookup(s->b, e->name) != NULL ||
            !col_anywhere(s, e->name, &t))
            return (msoc_kql_node *)(uintptr_t)e;
        msoc_kql_node *n = ast_null(s->b, t, e);
        *is_oom |= n == NULL;
        return n;
    }
    if (is_tabular_kind(e))
        return (msoc_kql_node *)(uintptr_t)e;
    msoc_kql_node *copy = NULL;
    msoc_kql_node *const *kids[5] = {&e->a, &e->b, &e->c, &e->d, &e->e};
    for (int k = 0; k < 5; k++) {
        msoc_kql_node *nk = subst(s, *kids[k], in, is_oom);
        if (nk != *kids[k]) {
            if (copy == NULL) {
                copy = msoc_plan__alloc(s->b, sizeof *copy);
                if (copy == NULL) {
                    *is_oom = true;
                    return NULL;
                }
                *copy = *e;
            }
            msoc_kql_node **slots[5] = {&copy->a, &copy->b, &copy->c, &copy->d, &copy->e};
            *slots[k] = nk;
        }
    }
    const msoc_kql_list *lists[2] = {&e->args, &e->keys};
    for (int l = 0; l < 2; l++) {
        msoc_kql_node **items = NULL;
        for (uint32_t i = 0; i < lists[l]->n; i++) {
            msoc_kql_node *ni = subst(s, lists[l]->items[i], in, is_oom);
            if (ni == lists[l]->items[i] || *is_oom)
                continue;
            if (copy == NULL) {
                copy = msoc_plan__alloc(s->b, sizeof *copy);
                if (copy == NULL) {
                    *is_oom = true;
                    return NULL;
                }
                *copy = *e;
            }
            if (items == NULL) {
                items = msoc_plan__alloc(s->b, (lists[l]->n + 1) * sizeof *items);
                if (items == NULL) {
                    *is_oom = true;
                    return NULL;
                }
                memcpy(items, lists[l]->items, lists[l]->n * sizeof *items);
                if (l == 0)
                    copy->args.items = items;
                else
                    copy->keys.items = items;
            }
            items[i] = ni;
        }
    }
    return copy ? copy : (msoc_kql_node *)(uintptr_t)e;
}

/* The search predicate e rewritten for input in (see the file comment). */
static msoc_status rewrite(srch *s, const msoc_kql_node *e, const msoc_plan_node *in, msoc_kql_node **out)
{
    binder *b = s->b;
    msoc_status st;
    *out = NULL;
    if (e->kind == MSOC_KQL_STAR) {
        *out = ast_bool(b, true, e);
    } else if (e->kind == MSOC_KQL_LIT && e->lit.type == MSOC_TYPE_STRING && !e->lit.is_null) {
        term t;
        if ((st = classify(s, e->lit.s, &t)) != MSOC_OK)
            return st;
        if (t.kind == T_ALL) {
            *out = ast_bool(b, true, e);
        } else {
            msoc_kql_node **tests = msoc_plan__alloc(b, (in->n_cols + 1) * sizeof *tests);
            if (tests == NULL)
                return b->err->code;
            size_t n = 0;
            for (size_t c = 0; c < in->n_cols; c++) {
                if (msoc_plan_col_is_hidden(in->cols[c].name))
                    continue;
                if ((tests[n++] = term_on(s, &t, in, (int)c, e)) == NULL)
                    return b->err->code;
            }
            *out = any_of(b, tests, n, e);
        }
    } else if (e->kind == MSOC_KQL_BINARY && (e->op == MSOC_KQL_OP_AND || e->op == MSOC_KQL_OP_OR)) {
        msoc_kql_node *l, *r;
        if ((st = rewrite(s, e->a, in, &l)) != MSOC_OK || (st = rewrite(s, e->b, in, &r)) != MSOC_OK)
            return st;
        *out = ast_binary(b, (msoc_kql_op)e->op, l, r, e);
    } else if (e->kind == MSOC_KQL_BINARY && e->op == MSOC_KQL_OP_SEARCH_HAS) {
        if (e->a == NULL || e->a->kind != MSOC_KQL_NAME)
            return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->line, e->col,
                                 "search: expected a column name before ':'");
        int c = msoc_plan__find_col(in, e->a->name);
        msoc_type ct;
        if (c < 0 && !col_anywhere(s, e->a->name, &ct) && msoc_plan__lookup(b, e->a->name) == NULL)
            return msoc_fail_pos(b->err, MSOC_SEMANTIC, e->a->line, e->a->col, "unknown column '%.*s'",
                                 (int)e->a->name.len, e->a->name.ptr);
        if (c < 0) {
            *out = ast_null(b, MSOC_TYPE_BOOL, e);
        } else if (e->b && e->b->kind == MSOC_KQL_LIT && e->b->lit.type == MSOC_TYPE_STRING) {
            term t;
            if ((st = classify(s, e->b->lit.s, &t)) != MSOC_OK)
                return st;
            *out = term_on(s, &t, in, c, e);
        } else {
            bool is_oom = false;
            msoc_kql_node *rhs = subst(s, e->b, in, &is_oom);
            if (is_oom)
                return b->err->code;
            msoc_kql_node *col = msoc_plan__ast_name(b, in->cols[c].name, e);
            if (col && in->cols[c].type != MSOC_TYPE_STRING)
                col = msoc_plan__ast_call(b, "tostring", &col, 1, e);
            *out = ast_binary(b, s->is_cs ? MSOC_KQL_OP_HAS_CS : MSOC_KQL_OP_HAS, col, rhs, e);
        }
    } else if (e->kind == MSOC_KQL_CALL && msoc_str_eq_c(e->name, "not") && e->args.n == 1) {
        msoc_kql_node *x;
        if ((st = rewrite(s, e->args.items[0], in, &x)) != MSOC_OK)
            return st;
        *out = msoc_plan__ast_call(b, "not", &x, 1, e);
    } else {
        bool is_oom = false;
        *out = subst(s, e, in, &is_oom);
        if (is_oom)
            return b->err->code;
    }
    return *out ? MSOC_OK : b->err->code;
}

/* Column names the predicate refers to that some input has, in order, distinct. */
static void referenced(srch *s, const msoc_kql_node *e, msoc_str *out, size_t *n, size_t cap)
{
    if (e == NULL || is_tabular_kind(e))
        return;
    msoc_type t;
    if (e->kind == MSOC_KQL_NAME) {
        if (msoc_plan__lookup(s->b, e->name) != NULL || !col_anywhere(s, e->name, &t))
            return;
        for (size_t i = 0; i < *n; i++)
            if (msoc_str_eq(out[i], e->name))
                return;
        if (*n < cap)
            out[(*n)++] = e->name;
        return;
    }
    const msoc_kql_node *kids[5] = {e->a, e->b, e->c, e->d, e->e};
    for (int k = 0; k < 5; k++)
        referenced(s, kids[k], out, n, cap);
    for (uint32_t i = 0; i < e->args.n; i++)
        referenced(s, e->args.items[i], out, n, cap);
    for (uint32_t i = 0; i < e->keys.n; i++)
        referenced(s, e->keys.items[i], out, n, cap);
}

/* ---- inputs ---- */

typedef struct inputs {
    msoc_plan_node **ins;
    msoc_str *names;
    size_t n, cap;
} inputs;

static msoc_status push_input(binder *b, inputs *v, msoc_plan_node *in, msoc_str name)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 32;
        msoc_plan_node **ni = msoc_plan__alloc(b, (cap + 1) * sizeof *ni);
        msoc_str *nn = msoc_plan__alloc(b, (cap + 1) * sizeof *nn);
        if (ni == NULL || nn == NULL)
            return b->err->code;
        if (v->n) {
            memcpy(ni, v->ins, v->n * sizeof *ni);
            memcpy(nn, v->names, v->n * sizeof *nn);
        }
        v->ins = ni;
        v->names = nn;
        v->cap = cap;
    }
    v->ins[v->n] = in;
    v->names[v->n++] = name;
    return MSOC_OK;
}

msoc_status msoc_plan__held_tables(binder *b, msoc_str **names, size_t *n)
{
    if (b->cat->tables_held)
        return b->cat->tables_held(b->cat->objects_ctx, b->arena, names, n, b->err);
    size_t nb = msoc_stor_builtin_count();
    msoc_str *v = msoc_plan__alloc(b, (nb + 1) * sizeof *v);
    if (v == NULL)
        return b->err->code;
    for (size_t j = 0; j < nb; j++)
        v[j] = msoc_str_c(msoc_stor_builtin_at(j)->name);
    *names = v;
    *n = nb;
    return MSOC_OK;
}

/* The inputs of `search in (...)` / `find in (...)`, or every table held. */
static msoc_status collect(binder *b, const msoc_kql_node *op, inputs *v)
{
    msoc_str *held = NULL;
    size_t n_held = 0;
    bool is_held_read = false;
    msoc_status st;
    if (op->args.n == 0) {
        if ((st = msoc_plan__held_tables(b, &held, &n_held)) != MSOC_OK)
            return st;
        for (size_t j = 0; j < n_held; j++) {
            msoc_plan_node *in;
            if ((st = msoc_plan__scan(b, op, held[j], &in)) != MSOC_OK ||
                (st = push_input(b, v, in, held[j])) != MSOC_OK)
                return st;
        }
        return MSOC_OK;
    }
    for (uint32_t i = 0; i < op->args.n; i++) {
        const msoc_kql_node *t = op->args.items[i];
        if (t->kind == MSOC_KQL_WILDCARD || t->kind == MSOC_KQL_STAR) {
            if (!is_held_read && (st = msoc_plan__held_tables(b, &held, &n_held)) != MSOC_OK)
                return st;
            is_held_read = true;
            for (size_t j = 0; j < n_held; j++) {
                if (t->kind == MSOC_KQL_WILDCARD && !msoc_plan__wildcard_match(t->name, held[j]))
                    continue;
                msoc_plan_node *in;
                if ((st = msoc_plan__scan(b, t, held[j], &in)) != MSOC_OK ||
                    (st = push_input(b, v, in, held[j])) != MSOC_OK)
                    return st;
            }
            continue;
        }
        msoc_plan_node *in;
        if ((st = msoc_plan__bind_tabular(b, t, &in)) != MSOC_OK)
            return st;
        msoc_str name = t->kind == MSOC_KQL_NAME ? t->name : in->as_name.ptr ? in->as_name : MSOC_STR("union_arg");
        if ((st = push_input(b, v, in, name)) != MSOC_OK)
            return st;
    }
    return MSOC_OK;
}

static msoc_status filter(srch *s, const msoc_kql_node *pred, msoc_plan_node *in, msoc_plan_node **out)
{
    binder *b = s->b;
    msoc_kql_node *p;
    msoc_status st = rewrite(s, pred, in, &p);
    if (st != MSOC_OK)
        return st;
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_FILTER, in, in->n_cols);
    if (n == NULL)
        return b->err->code;
    memcpy(n->cols, in->cols, in->n_cols * sizeof *n->cols);
    *out = n;
    return msoc_plan__bind_expr(b, p, in, &n->pred);
}

/* The union of the inputs with the table name in column src, or an empty table
 * with only that column when there is no input. */
static msoc_status unite(binder *b, const msoc_kql_node *pos, inputs *v, msoc_str src, msoc_plan_node **out)
{
    if (v->n == 0) {
        msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_VALUES, NULL, 1);
        if (n == NULL)
            return b->err->code;
        n->cols[0].name = src;
        n->cols[0].type = MSOC_TYPE_STRING;
        n->exprs = msoc_plan__alloc(b, sizeof *n->exprs);
        if (n->exprs == NULL)
            return b->err->code;
        *out = n;
        return MSOC_OK;
    }
    msoc_kql_node *u = msoc_plan__ast(b, MSOC_KQL_OP_UNION, pos);
    msoc_kql_node *param = msoc_plan__ast(b, MSOC_KQL_PARAM, pos);
    msoc_kql_node *val = msoc_plan__ast_name(b, src, pos);
    if (u == NULL || param == NULL || val == NULL)
        return b->err->code;
    param->name = MSOC_STR("withsource");
    param->a = val;
    u->params.items = msoc_plan__alloc(b, 2 * sizeof *u->params.items);
    if (u->params.items == NULL)
        return b->err->code;
    u->params.items[0] = param;
    u->params.n = 1;
    return msoc_plan__make_union(b, u, v->ins, v->n, v->names, out);
}

static bool is_case_sensitive(binder *b, const msoc_kql_node *op, msoc_status *st)
{
    const msoc_kql_node *k = msoc_plan__param(op, "kind");
    *st = MSOC_OK;
    if (k == NULL)
        return false;
    msoc_str v = k->kind == MSOC_KQL_LIT ? k->lit.s : k->name;
    if (msoc_str_eq_c(v, "case_sensitive"))
        return true;
    if (!msoc_str_eq_c(v, "case_insensitive") && !msoc_str_eq_c(v, "default"))
        *st = msoc_fail_pos(b->err, MSOC_SEMANTIC, k->line, k->col,
                            "search: kind must be default, case_insensitive or case_sensitive");
    return false;
}

msoc_status msoc_plan__bind_search(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                   msoc_plan_node **out)
{
    msoc_status st;
    srch s = {b, is_case_sensitive(b, op, &st), NULL, 0};
    if (st != MSOC_OK)
        return st;
    if (op->a == NULL)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, op->line, op->col, "search needs a predicate");
    if (in) {
        if (op->args.n)
            return msoc_fail_pos(b->err, MSOC_SEMANTIC, op->line, op->col,
                                 "search: 'in (tables)' cannot follow a piped input");
        s.ins = &in;
        s.n_ins = 1;
        return filter(&s, op->a, in, out);
    }
    inputs v = {0};
    if ((st = collect(b, op, &v)) != MSOC_OK)
        return st;
    s.ins = v.ins;
    s.n_ins = v.n;
    for (size_t i = 0; i < v.n; i++) {
        msoc_plan_node *f;
        if ((st = filter(&s, op->a, v.ins[i], &f)) != MSOC_OK)
            return st;
        v.ins[i] = f;
    }
    return unite(b, op, &v, MSOC_STR(MSOC_PLAN_SEARCH_TABLE_COL), out);
}

/* ---- find ---- */

typedef struct out_col {
    msoc_str name;
    msoc_type type;
} out_col;

static bool has_out(const out_col *o, size_t n, msoc_str name)
{
    for (size_t i = 0; i < n; i++)
        if (msoc_str_eq(o[i].name, name))
            return true;
    return false;
}

static const char *conv_fn(msoc_type t)
{
    switch (t) {
    case MSOC_TYPE_BOOL: return "tobool";
    case MSOC_TYPE_INT: return "toint";
    case MSOC_TYPE_LONG: return "tolong";
    case MSOC_TYPE_REAL: return "toreal";
    case MSOC_TYPE_DECIMAL: return "todecimal";
    case MSOC_TYPE_DATETIME: return "todatetime";
    case MSOC_TYPE_TIMESPAN: return "totimespan";
    case MSOC_TYPE_GUID: return "toguid";
    case MSOC_TYPE_DYNAMIC: return "todynamic";
    default: return "tostring";
    }
}

/* One input's rows in the output schema: the listed columns (null when the input
 * lacks one, converted when its type differs) and pack_ with the rest. */
static msoc_status shape(binder *b, const msoc_kql_node *pos, msoc_plan_node *in, const out_col *oc,
                         size_t n_oc, bool want_pack, msoc_plan_node **out)
{
    msoc_plan_node *p = msoc_plan__project(b, in, n_oc + 1);
    if (p == NULL)
        return b->err->code;
    p->n_cols = 0;
    msoc_status st;
    for (size_t i = 0; i < n_oc; i++) {
        int c = msoc_plan__find_col(in, oc[i].name);
        msoc_plan_expr *e;
        if (c >= 0 && in->cols[c].type == oc[i].type) {
            e = msoc_plan__col_ref(b, in, c);
        } else if (c >= 0) {
            msoc_kql_node *arg = msoc_plan__ast_name(b, oc[i].name, pos);
            msoc_kql_node *call = arg ? msoc_plan__ast_call(b, conv_fn(oc[i].type), &arg, 1, pos) : NULL;
            if (call == NULL)
                return b->err->code;
            if ((st = msoc_plan__bind_expr(b, call, in, &e)) != MSOC_OK)
                return st;
        } else {
            e = msoc_plan__lit_null(b, oc[i].type);
        }
        if (e == NULL)
            return b->err->code;
        msoc_plan__add_col(p, oc[i].name, oc[i].type, e);
    }
    if (want_pack) {
        msoc_kql_node **args = msoc_plan__alloc(b, (2 * in->n_cols + 1) * sizeof *args);
        if (args == NULL)
            return b->err->code;
        size_t na = 0;
        for (size_t c = 0; c < in->n_cols; c++) {
            if (msoc_plan_col_is_hidden(in->cols[c].name) || has_out(oc, n_oc, in->cols[c].name))
                continue;
            args[na++] = ast_str(b, in->cols[c].name, pos);
            args[na++] = msoc_plan__ast_name(b, in->cols[c].name, pos);
            if (args[na - 1] == NULL || args[na - 2] == NULL)
                return b->err->code;
        }
        msoc_kql_node *call = msoc_plan__ast_call(b, "bag_pack", args, na, pos);
        msoc_plan_expr *e;
        if (call == NULL)
            return b->err->code;
        if ((st = msoc_plan__bind_expr(b, call, in, &e)) != MSOC_OK)
            return st;
        msoc_plan__add_col(p, MSOC_STR("pack_"), MSOC_TYPE_DYNAMIC, e);
    }
    *out = p;
    return MSOC_OK;
}

msoc_status msoc_plan__bind_find(binder *b, const msoc_kql_node *op, msoc_plan_node **out)
{
    msoc_status st;
    srch s = {b, false, NULL, 0};
    if (op->a == NULL)
        return msoc_fail_pos(b->err, MSOC_SEMANTIC, op->line, op->col, "find needs a predicate");
    const msoc_kql_node *ws = msoc_plan__param(op, "withsource");
    if (ws == NULL)
        ws = msoc_plan__param(op, "with_source");
    msoc_str src = ws ? (ws->name.ptr ? ws->name : ws->lit.s) : MSOC_STR("source_");
    inputs all = {0};
    if ((st = collect(b, op, &all)) != MSOC_OK)
        return st;
    s.ins = all.ins;
    s.n_ins = all.n;
    /* tables that have none of the columns the predicate names take no part */
    size_t cap = 256;
    msoc_str *refs = msoc_plan__alloc(b, cap * sizeof *refs);
    if (refs == NULL)
        return b->err->code;
    size_t n_refs = 0;
    referenced(&s, op->a, refs, &n_refs, cap);
    inputs v = {0};
    for (size_t i = 0; i < all.n; i++) {
        bool is_in = n_refs == 0;
        for (size_t r = 0; r < n_refs && !is_in; r++)
            is_in = msoc_plan__find_col(all.ins[i], refs[r]) >= 0;
        if (is_in && (st = push_input(b, &v, all.ins[i], all.names[i])) != MSOC_OK)
            return st;
    }
    /* the output schema */
    size_t max_oc = op->keys.n + n_refs + 1;
    for (size_t i = 0; i < v.n; i++)
        max_oc += v.ins[i]->n_cols;
    out_col *oc = msoc_plan__alloc(b, (max_oc + 1) * sizeof *oc);
    if (oc == NULL)
        return b->err->code;
    size_t n_oc = 0;
    bool want_pack = false;
    msoc_type t;
    if (op->keys.n > 0) {
        for (uint32_t k = 0; k < op->keys.n; k++) {
            const msoc_kql_node *key = op->keys.items[k];
            if (key->kind == MSOC_KQL_CALL && msoc_str_eq_c(key->name, "pack_all") && key->args.n == 0) {
                want_pack = true;
                continue;
            }
            if (key->kind != MSOC_KQL_NAME && key->kind != MSOC_KQL_COLDEF)
                return msoc_fail_pos(b->err, MSOC_UNSUPPORTED, key->line, key->col,
                                     "not supported: find project of anything but columns and pack_all()");
            if (has_out(oc, n_oc, key->name))
                continue;
            if (key->kind == MSOC_KQL_COLDEF && key->a)
                t = (msoc_type)key->a->op;
            else if (!col_anywhere(&s, key->name, &t))
                t = MSOC_TYPE_STRING;
            oc[n_oc++] = (out_col){key->name, t};
        }
    } else {
        /* project-smart: the predicate's columns, then those every table has */
        for (size_t r = 0; r < n_refs; r++)
            for (size_t i = 0; i < v.n; i++) {
                int c = msoc_plan__find_col(v.ins[i], refs[r]);
                if (c >= 0) {
                    oc[n_oc++] = (out_col){refs[r], v.ins[i]->cols[c].type};
                    break;
                }
            }
        for (size_t c = 0; v.n > 0 && c < v.ins[0]->n_cols; c++) {
            msoc_plan_col col = v.ins[0]->cols[c];
            if (msoc_plan_col_is_hidden(col.name) || has_out(oc, n_oc, col.name))
                continue;
            bool is_common = true;
            for (size_t i = 1; i < v.n && is_common; i++) {
                int ci = msoc_plan__find_col(v.ins[i], col.name);
                is_common = ci >= 0 && v.ins[i]->cols[ci].type == col.type;
            }
            if (is_common)
                oc[n_oc++] = (out_col){col.name, col.type};
        }
        for (size_t i = 0; i < v.n && !want_pack; i++)
            for (size_t c = 0; c < v.ins[i]->n_cols && !want_pack; c++)
                want_pack = !msoc_plan_col_is_hidden(v.ins[i]->cols[c].name) &&
                            !has_out(oc, n_oc, v.ins[i]->cols[c].name);
    }
    for (size_t i = 0; i < v.n; i++) {
        msoc_plan_node *f;
        if ((st = filter(&s, op->a, v.ins[i], &f)) != MSOC_OK ||
            (st = shape(b, op, f, oc, n_oc, want_pack, &v.ins[i])) != MSOC_OK)
            return st;
    }
    if (v.n > 0)
        return unite(b, op, &v, src, out);
    /* no table qualifies: an empty table of the output schema */
    msoc_plan_node *n = msoc_plan__node(b, MSOC_PLAN_VALUES, NULL, n_oc + 2);
    if (n == NULL)
        return b->err->code;
    n->n_cols = 0;
    n->cols[n->n_cols++] = (msoc_plan_col){.name = src, .type = MSOC_TYPE_STRING};
    for (size_t i = 0; i < n_oc; i++)
        n->cols[n->n_cols++] = (msoc_plan_col){.name = oc[i].name, .type = oc[i].type};
    if (want_pack)
        n->cols[n->n_cols++] = (msoc_plan_col){.name = MSOC_STR("pack_"), .type = MSOC_TYPE_DYNAMIC};
    n->exprs = msoc_plan__alloc(b, sizeof *n->exprs);
    if (n->exprs == NULL)
        return b->err->code;
    *out = n;
    return MSOC_OK;
}
