/* The KQL formatter: AST -> canonical KQL text. Parentheses are added from
 * operator precedence, names are bracketed when they are not plain identifiers or
 * could read as keywords, literals are printed in a form that parses back to the
 * same value. Contract: parse(format(t)) equals t (tests/kql corpus check). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kql_int.h"

typedef struct fmt {
    msoc_buf *b;
    int depth;
} fmt;

static void expr(fmt *f, const msoc_kql_node *nd, int min_prec);
static void node(fmt *f, const msoc_kql_node *nd);

static void put(fmt *f, const char *s)
{
    msoc_buf_append_c(f->b, s);
}

static void put_str(fmt *f, msoc_str s)
{
    msoc_buf_append(f->b, s.ptr, s.len);
}

static bool is_tabular(const msoc_kql_node *nd)
{
    return nd && (nd->kind == MSOC_KQL_PIPE ||
                  (nd->kind >= MSOC_KQL_OP_WHERE && nd->kind <= MSOC_KQL_OP_LEGACY) ||
                  nd->kind == MSOC_KQL_COMMAND);
}

/* ---- names and literals ---------------------------------------------------------- */

static const char *const reserved[] = {
    "and",
    "or",
    "by",
    "on",
    "with",
    "true",
    "false",
    "asc",
    "desc",
    "nulls",
    "of",
    "to",
    "step",
    "from",
    "in",
    "has",
    "contains",
    "between",
    "let",
    "set",
    "declare",
    "alias",
    "print",
    "range",
    "union",
    "datatable",
    "externaldata",
    "external_data",
    "search",
    "find",
    "evaluate",
    "typeof",
    "dynamic",
    "datetime",
    "timespan",
    "time",
    "date",
    "guid",
    "int",
    "long",
    "real",
    "double",
    "bool",
    "boolean",
    "decimal",
    "default",
    "kind",
    "withsource",
    "isfuzzy",
    "hint",
    "limit",
    "matches",
    "like",
    "notlike",
    "view",
    "first",
    "last",
    "granny",
    "others",
    "as",
    "where",
    "project",
    "extend",
    "null",
    "int32",
    "int64",
    "startswith",
    "endswith",
    "hasprefix",
    "hassuffix",
    "has_any",
    "has_all",
    "has_cs",
    "contains_cs",
    "startswith_cs",
    "endswith_cs",
    "hasprefix_cs",
    "hassuffix_cs",
    "likecs",
    "notlikecs",
    "containscs",
    "notcontains",
    "notcontainscs",
    "nothas",
    "regex",
    "bagexpansion",
    "with_itemindex",
    "flags",
    "optional",
    "declare",
    "query_parameters",
    "pattern",
    "summarize",
    "take",
    "count",
    "sort",
    "order",
    "top",
    "distinct",
    "join",
    "bin",
    "nan",
    "inf",
    "inline_external_table",
    "macro",
    "restrict",
    "entity_group",
    "access",
};

static bool plain_ident(msoc_str s)
{
    if (s.len == 0)
        return false;
    size_t k = 0;
    if (s.ptr[0] == '$')
        k = 1;
    if (k >= s.len)
        return false;
    char c0 = s.ptr[k];
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || c0 == '_'))
        return false;
    for (; k < s.len; k++) {
        char c = s.ptr[k];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (c >= '0' && c <= '9')))
            return false;
    }
    for (size_t r = 0; r < sizeof reserved / sizeof reserved[0]; r++)
        if (strlen(reserved[r]) == s.len && memcmp(reserved[r], s.ptr, s.len) == 0)
            return false;
    return true;
}

static void quoted(fmt *f, msoc_str s)
{
    msoc_buf_putc(f->b, '"');
    for (size_t k = 0; k < s.len; k++) {
        unsigned char c = (unsigned char)s.ptr[k];
        switch (c) {
        case '"':
            put(f, "\\\"");
            break;
        case '\\':
            put(f, "\\\\");
            break;
        case '\n':
            put(f, "\\n");
            break;
        case '\t':
            put(f, "\\t");
            break;
        case '\r':
            put(f, "\\r");
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                msoc_buf_appendf(f->b, "\\u%04x", c);
            else
                msoc_buf_putc(f->b, (char)c);
        }
    }
    msoc_buf_putc(f->b, '"');
}

static void name(fmt *f, msoc_str s)
{
    if (plain_ident(s)) {
        put_str(f, s);
        return;
    }
    put(f, "[");
    quoted(f, s);
    put(f, "]");
}

static void real_text(fmt *f, double r)
{
    size_t before = f->b->len;
    msoc_buf_append_double(f->b, r);
    if (f->b->is_failed)
        return;
    const char *s = f->b->data + before;
    if (!strpbrk(s, ".eEn"))
        put(f, ".0");
}

/* in_expr: the literal sits where a leading '-' would parse as unary minus. */
static void lit(fmt *f, const msoc_kql_node *nd, bool in_expr)
{
    const msoc_kql_value *v = &nd->lit;
    char tmp[64];
    switch (v->type) {
    case MSOC_TYPE_BOOL:
        put(f, v->is_null ? "bool(null)" : v->v.b ? "true" : "false");
        return;
    case MSOC_TYPE_INT:
        if (v->is_null) {
            put(f, "int(null)");
            return;
        }
        msoc_buf_appendf(f->b, "int(%lld)", (long long)v->v.i);
        return;
    case MSOC_TYPE_LONG:
        if (v->is_null)
            put(f, "long(null)");
        else if (v->v.i < 0 && in_expr)
            msoc_buf_appendf(f->b, "long(%lld)", (long long)v->v.i);
        else
            msoc_buf_append_i64(f->b, v->v.i);
        return;
    case MSOC_TYPE_REAL:
        if (v->is_null) {
            put(f, "real(null)");
        } else if (isnan(v->v.r)) {
            put(f, "real(nan)");
        } else if (isinf(v->v.r)) {
            put(f, v->v.r > 0 ? "real(+inf)" : "real(-inf)");
        } else if (signbit(v->v.r) && in_expr) {
            put(f, "real(");
            real_text(f, v->v.r);
            put(f, ")");
        } else {
            real_text(f, v->v.r);
        }
        return;
    case MSOC_TYPE_DECIMAL:
        put(f, "decimal(");
        if (v->is_null)
            put(f, "null");
        else
            put_str(f, v->s);
        put(f, ")");
        return;
    case MSOC_TYPE_STRING:
        quoted(f, v->s);
        return;
    case MSOC_TYPE_DATETIME:
        if (v->s.ptr) {
            put(f, "datetime(");
            put_str(f, v->s);
            put(f, ")");
            return;
        }
        if (v->is_null) {
            put(f, "datetime(null)");
            return;
        }
        msoc_datetime_format(v->v.dt, tmp);
        msoc_buf_appendf(f->b, "datetime(%s)", tmp);
        return;
    case MSOC_TYPE_TIMESPAN:
        if (v->s.ptr) {
            put(f, "time(");
            put_str(f, v->s);
            put(f, ")");
        } else if (v->is_null)
            put(f, "time(null)");
        else if (v->v.ts >= 0 || !in_expr)
            msoc_buf_appendf(f->b, "%s%lldtick", v->v.ts < 0 ? "-" : "",
                             v->v.ts < 0 ? -(long long)v->v.ts : (long long)v->v.ts);
        else {
            msoc_timespan_format(v->v.ts, tmp);
            msoc_buf_appendf(f->b, "time(%s)", tmp);
        }
        return;
    case MSOC_TYPE_GUID:
        put(f, "guid(");
        if (v->is_null)
            put(f, "null");
        else
            put_str(f, v->s);
        put(f, ")");
        return;
    case MSOC_TYPE_DYNAMIC:
        if (nd->kind != MSOC_KQL_LIT) {
            node(f, nd);
            return;
        }
        if (v->is_null && !nd->a) {
            put(f, in_expr ? "dynamic(null)" : "null");
            return;
        }
        put(f, "dynamic(");
        node(f, nd->a);
        put(f, ")");
        return;
    default:
        put(f, "null");
        return;
    }
}

/* A value inside dynamic(), a parameter or a schema default. */
static void value(fmt *f, const msoc_kql_node *nd)
{
    if (!nd)
        return;
    if (nd->kind == MSOC_KQL_LIT) {
        lit(f, nd, false);
        return;
    }
    node(f, nd);
}

/* ---- expressions --------------------------------------------------------------------- */

static int prec_of(const msoc_kql_node *nd)
{
    switch (nd->kind) {
    case MSOC_KQL_BINARY:
        switch ((msoc_kql_op)nd->op) {
        case MSOC_KQL_OP_OR:
            return 1;
        case MSOC_KQL_OP_AND:
            return 2;
        case MSOC_KQL_OP_LT:
        case MSOC_KQL_OP_LE:
        case MSOC_KQL_OP_GT:
        case MSOC_KQL_OP_GE:
            return 4;
        case MSOC_KQL_OP_ADD:
        case MSOC_KQL_OP_SUB:
            return 5;
        case MSOC_KQL_OP_MUL:
        case MSOC_KQL_OP_DIV:
        case MSOC_KQL_OP_MOD:
            return 6;
        default:
            return 3;
        }
    case MSOC_KQL_IN:
    case MSOC_KQL_BETWEEN:
        return 3;
    case MSOC_KQL_UNARY:
        return 7;
    default:
        return 8;
    }
}

static void list(fmt *f, const msoc_kql_list *l, const char *sep)
{
    for (uint32_t k = 0; k < l->n; k++) {
        if (k)
            put(f, sep);
        expr(f, l->items[k], 0);
    }
}

static void params(fmt *f, const msoc_kql_list *l)
{
    for (uint32_t k = 0; k < l->n; k++) {
        put_str(f, l->items[k]->name);
        put(f, "=");
        value(f, l->items[k]->a);
        put(f, " ");
    }
}

static void schema_body(fmt *f, const msoc_kql_node *nd)
{
    put(f, "(");
    if (nd->flags & MSOC_KQL_F_STAR)
        put(f, "*");
    for (uint32_t k = 0; k < nd->args.n; k++) {
        const msoc_kql_node *c = nd->args.items[k];
        if (k)
            put(f, ", ");
        if (c->kind == MSOC_KQL_STAR) {
            put(f, "*");
            continue;
        }
        name(f, c->name);
        if (c->a) {
            put(f, ":");
            put_str(f, c->a->name);
        }
        if (c->b) {
            put(f, " = ");
            value(f, c->b);
        }
    }
    put(f, ")");
}

static void expr(fmt *f, const msoc_kql_node *nd, int min_prec)
{
    if (!nd)
        return;
    if (is_tabular(nd)) {
        put(f, "(");
        node(f, nd);
        put(f, ")");
        return;
    }
    int pr = prec_of(nd);
    bool paren = pr < min_prec;
    if (paren)
        put(f, "(");
    switch (nd->kind) {
    case MSOC_KQL_BINARY:
        expr(f, nd->a, pr);
        put(f, " ");
        put(f, msoc_kql_op_text((msoc_kql_op)nd->op));
        put(f, " ");
        expr(f, nd->b, pr + 1);
        break;
    case MSOC_KQL_UNARY:
        put(f, nd->op == MSOC_KQL_OP_NEG ? "-" : "+");
        if (nd->a && nd->a->kind == MSOC_KQL_UNARY)
            put(f, " ");
        expr(f, nd->a, 7);
        break;
    case MSOC_KQL_IN:
        expr(f, nd->a, 3);
        put(f, " ");
        put(f, msoc_kql_op_text((msoc_kql_op)nd->op));
        if ((nd->flags & MSOC_KQL_F_BARE_LIST) && nd->args.n == 1) {
            put(f, " ");
            expr(f, nd->args.items[0], 4);
            break;
        }
        put(f, " (");
        for (uint32_t k = 0; k < nd->args.n; k++) {
            if (k)
                put(f, ", ");
            expr(f, nd->args.items[k], 0);
        }
        put(f, ")");
        break;
    case MSOC_KQL_BETWEEN:
        expr(f, nd->a, 3);
        put(f, nd->op == MSOC_KQL_OP_BETWEEN ? " between (" : " !between (");
        expr(f, nd->b, 4);
        put(f, " .. ");
        expr(f, nd->c, 4);
        put(f, ")");
        break;
    default:
        node(f, nd);
        break;
    }
    if (paren)
        put(f, ")");
}

/* The object before '.': a number there would swallow the dot (1.x reads as 1. x). */
static void receiver(fmt *f, const msoc_kql_node *nd)
{
    if (nd && nd->kind == MSOC_KQL_LIT) {
        put(f, "(");
        expr(f, nd, 0);
        put(f, ")");
        return;
    }
    expr(f, nd, 8);
}

/* ---- tabular operators ------------------------------------------------------------- */

static void op_name_params(fmt *f, const char *op, const msoc_kql_node *nd)
{
    put(f, op);
    put(f, " ");
    params(f, &nd->params);
}

static void sort_key(fmt *f, const msoc_kql_node *nd)
{
    if (nd->kind != MSOC_KQL_SORT_KEY) {
        node(f, nd);
        return;
    }
    expr(f, nd->a, 0);
    if (nd->flags & MSOC_KQL_F_GRANNY)
        put(f, (nd->flags & MSOC_KQL_F_ASC) ? " granny-asc" : " granny-desc");
    else if (nd->flags & MSOC_KQL_F_ASC)
        put(f, " asc");
    else if (nd->flags & MSOC_KQL_F_DESC)
        put(f, " desc");
    if (nd->flags & MSOC_KQL_F_NULLS_FIRST)
        put(f, " nulls first");
    if (nd->flags & MSOC_KQL_F_NULLS_LAST)
        put(f, " nulls last");
}

static void subquery(fmt *f, const msoc_kql_node *nd)
{
    put(f, "(");
    node(f, nd);
    put(f, ")");
}

static void with_params(fmt *f, const msoc_kql_list *l, bool hints)
{
    bool any = false;
    for (uint32_t k = 0; k < l->n; k++) {
        bool is_hint = msoc_str_starts_with(l->items[k]->name, MSOC_STR("hint.")) ||
                       msoc_str_eq_c(l->items[k]->name, "kind");
        if (is_hint != hints)
            continue;
        if (hints) {
            put_str(f, l->items[k]->name);
            put(f, "=");
            value(f, l->items[k]->a);
            put(f, " ");
            continue;
        }
        put(f, any ? ", " : " with (");
        any = true;
        node(f, l->items[k]);
    }
    if (any)
        put(f, ")");
}

static void tabular_op(fmt *f, const msoc_kql_node *nd)
{
    switch (nd->kind) {
    case MSOC_KQL_OP_WHERE:
        op_name_params(f, "where", nd);
        expr(f, nd->a, 0);
        return;
    case MSOC_KQL_OP_PROJECT:
        put(f, "project ");
        list(f, &nd->args, ", ");
        return;
    case MSOC_KQL_OP_PROJECT_AWAY:
        put(f, "project-away ");
        list(f, &nd->args, ", ");
        return;
    case MSOC_KQL_OP_PROJECT_KEEP:
        put(f, "project-keep ");
        list(f, &nd->args, ", ");
        return;
    case MSOC_KQL_OP_PROJECT_RENAME:
        put(f, "project-rename ");
        list(f, &nd->args, ", ");
        return;
    case MSOC_KQL_OP_PROJECT_REORDER:
        put(f, "project-reorder ");
        for (uint32_t k = 0; k < nd->args.n; k++) {
            if (k)
                put(f, ", ");
            sort_key(f, nd->args.items[k]);
        }
        return;
    case MSOC_KQL_OP_EXTEND:
        put(f, "extend ");
        list(f, &nd->args, ", ");
        return;
    case MSOC_KQL_OP_SUMMARIZE:
        op_name_params(f, "summarize", nd);
        list(f, &nd->args, ", ");
        if (nd->keys.n) {
            put(f, nd->args.n ? " by " : "by ");
            list(f, &nd->keys, ", ");
        }
        return;
    case MSOC_KQL_OP_COUNT:
        put(f, "count");
        return;
    case MSOC_KQL_OP_TAKE:
        op_name_params(f, "take", nd);
        expr(f, nd->a, 0);
        return;
    case MSOC_KQL_OP_TOP:
        op_name_params(f, "top", nd);
        expr(f, nd->a, 0);
        put(f, " by ");
        list(f, &nd->args, ", ");
        return;
    case MSOC_KQL_OP_TOP_NESTED:
        for (uint32_t k = 0; k < nd->args.n; k++) {
            const msoc_kql_node *lv = nd->args.items[k];
            put(f, k ? ", top-nested " : "top-nested ");
            if (lv->a) {
                expr(f, lv->a, 0);
                put(f, " ");
            }
            put(f, "of ");
            expr(f, lv->b, 0);
            if (lv->d) {
                put(f, " with others = ");
                expr(f, lv->d, 0);
            }
            if (lv->c) {
                put(f, " by ");
                expr(f, lv->c, 0);
                if (lv->flags & MSOC_KQL_F_ASC)
                    put(f, " asc");
                if (lv->flags & MSOC_KQL_F_DESC)
                    put(f, " desc");
            }
        }
        return;
    case MSOC_KQL_OP_TOP_HITTERS:
        put(f, "top-hitters ");
        expr(f, nd->a, 0);
        put(f, " of ");
        expr(f, nd->b, 0);
        if (nd->c) {
            put(f, " by ");
            expr(f, nd->c, 0);
        }
        return;
    case MSOC_KQL_OP_SORT:
        op_name_params(f, "sort", nd);
        put(f, "by ");
        list(f, &nd->args, ", ");
        return;
    case MSOC_KQL_OP_DISTINCT:
        op_name_params(f, "distinct", nd);
        list(f, &nd->args, ", ");
        return;
    case MSOC_KQL_OP_JOIN:
    case MSOC_KQL_OP_LOOKUP:
        op_name_params(f, nd->kind == MSOC_KQL_OP_JOIN ? "join" : "lookup", nd);
        expr(f, nd->a, 0);
        if (nd->keys.n) {
            put(f, " on ");
            for (uint32_t k = 0; k < nd->keys.n; k++) {
                if (k)
                    put(f, ", ");
                expr(f, nd->keys.items[k], 0);
            }
        }
        return;
    case MSOC_KQL_OP_UNION:
        op_name_params(f, "union", nd);
        for (uint32_t k = 0; k < nd->args.n; k++) {
            if (k)
                put(f, ", ");
            expr(f, nd->args.items[k], 0);
        }
        return;
    case MSOC_KQL_OP_MV_EXPAND:
    case MSOC_KQL_OP_MV_APPLY:
        op_name_params(f, nd->kind == MSOC_KQL_OP_MV_EXPAND ? "mv-expand" : "mv-apply", nd);
        list(f, &nd->args, ", ");
        if (nd->c) {
            put(f, " limit ");
            expr(f, nd->c, 0);
        }
        if (nd->kind == MSOC_KQL_OP_MV_APPLY && nd->b) {
            put(f, " on ");
            subquery(f, nd->b);
        }
        return;
    case MSOC_KQL_OP_PARSE:
    case MSOC_KQL_OP_PARSE_WHERE:
        op_name_params(f, nd->kind == MSOC_KQL_OP_PARSE ? "parse" : "parse-where", nd);
        expr(f, nd->a, 0);
        put(f, " with");
        for (uint32_t k = 0; k < nd->args.n; k++) {
            const msoc_kql_node *el = nd->args.items[k];
            put(f, " ");
            if (el->kind == MSOC_KQL_COLDEF) {
                name(f, el->name);
                if (el->a) {
                    put(f, ":");
                    put_str(f, el->a->name);
                }
            } else {
                node(f, el);
            }
        }
        return;
    case MSOC_KQL_OP_PARSE_KV:
        put(f, "parse-kv ");
        expr(f, nd->a, 0);
        put(f, " as ");
        schema_body(f, nd->b);
        with_params(f, &nd->params, false);
        return;
    case MSOC_KQL_OP_EVALUATE:
        op_name_params(f, "evaluate", nd);
        node(f, nd->a);
        if (nd->b) {
            put(f, " : ");
            schema_body(f, nd->b);
        }
        return;
    case MSOC_KQL_OP_MAKE_SERIES:
        op_name_params(f, "make-series", nd);
        list(f, &nd->args, ", ");
        put(f, " on ");
        expr(f, nd->b, 0);
        if (nd->flags & MSOC_KQL_F_IN_RANGE) {
            put(f, " in range(");
            expr(f, nd->c, 0);
            put(f, ", ");
            expr(f, nd->d, 0);
            put(f, ", ");
            expr(f, nd->e, 0);
            put(f, ")");
        } else {
            if (nd->c) {
                put(f, " from ");
                expr(f, nd->c, 0);
            }
            if (nd->d) {
                put(f, " to ");
                expr(f, nd->d, 0);
            }
            if (nd->e) {
                put(f, " step ");
                expr(f, nd->e, 0);
            }
        }
        if (nd->keys.n) {
            put(f, " by ");
            list(f, &nd->keys, ", ");
        }
        return;
    case MSOC_KQL_OP_RANGE:
        put(f, "range ");
        name(f, nd->name);
        put(f, " from ");
        expr(f, nd->a, 0);
        put(f, " to ");
        expr(f, nd->b, 0);
        put(f, " step ");
        expr(f, nd->c, 0);
        return;
    case MSOC_KQL_OP_PRINT:
        put(f, "print");
        if (nd->args.n)
            put(f, " ");
        list(f, &nd->args, ", ");
        return;
    case MSOC_KQL_OP_DATATABLE:
    case MSOC_KQL_OP_EXTERNALDATA:
        put(f, nd->kind == MSOC_KQL_OP_DATATABLE ? "datatable " : "externaldata ");
        with_params(f, &nd->params, true);
        schema_body(f, nd->a);
        put(f, " [");
        for (uint32_t k = 0; k < nd->args.n; k++) {
            if (k)
                put(f, ", ");
            expr(f, nd->args.items[k], 0);
        }
        put(f, "]");
        with_params(f, &nd->params, false);
        return;
    case MSOC_KQL_OP_RENDER:
        put(f, "render ");
        name(f, nd->name);
        if (nd->params.n) {
            put(f, " with (");
            for (uint32_t k = 0; k < nd->params.n; k++) {
                if (k)
                    put(f, ", ");
                node(f, nd->params.items[k]);
            }
            put(f, ")");
        }
        return;
    case MSOC_KQL_OP_AS:
        op_name_params(f, "as", nd);
        name(f, nd->name);
        return;
    case MSOC_KQL_OP_SERIALIZE:
        put(f, "serialize");
        if (nd->args.n)
            put(f, " ");
        list(f, &nd->args, ", ");
        return;
    case MSOC_KQL_OP_INVOKE:
        put(f, "invoke ");
        expr(f, nd->a, 0);
        return;
    case MSOC_KQL_OP_FACET:
        put(f, "facet by ");
        list(f, &nd->args, ", ");
        if (nd->b) {
            put(f, " with ");
            subquery(f, nd->b);
        }
        return;
    case MSOC_KQL_OP_SAMPLE:
        op_name_params(f, "sample", nd);
        expr(f, nd->a, 0);
        return;
    case MSOC_KQL_OP_SAMPLE_DISTINCT:
        op_name_params(f, "sample-distinct", nd);
        expr(f, nd->a, 0);
        put(f, " of ");
        expr(f, nd->b, 0);
        return;
    case MSOC_KQL_OP_GETSCHEMA:
        put(f, "getschema");
        return;
    case MSOC_KQL_OP_FORK:
        put(f, "fork");
        for (uint32_t k = 0; k < nd->args.n; k++) {
            const msoc_kql_node *br = nd->args.items[k];
            put(f, " ");
            if (br->kind == MSOC_KQL_ASSIGN) {
                name(f, br->args.items[0]->name);
                put(f, " = ");
                subquery(f, br->a);
            } else {
                subquery(f, br);
            }
        }
        return;
    case MSOC_KQL_OP_PARTITION:
        op_name_params(f, "partition", nd);
        put(f, "by ");
        node(f, nd->a);
        if (nd->flags & MSOC_KQL_F_BRACES) {
            put(f, " { ");
            node(f, nd->b);
            put(f, " }");
        } else {
            put(f, " ");
            subquery(f, nd->b);
        }
        return;
    case MSOC_KQL_OP_SCAN:
        op_name_params(f, "scan", nd);
        if (nd->keys.n) {
            msoc_kql_node tmp = {.kind = MSOC_KQL_SCHEMA, .args = nd->keys};
            put(f, "declare ");
            schema_body(f, &tmp);
            put(f, " ");
        }
        put(f, "with (");
        for (uint32_t k = 0; k < nd->args.n; k++) {
            const msoc_kql_node *st = nd->args.items[k];
            put(f, " step ");
            name(f, st->name);
            if (st->flags & MSOC_KQL_F_OPTIONAL)
                put(f, " optional");
            for (uint32_t q = 0; q < st->params.n; q++) {
                put(f, " ");
                node(f, st->params.items[q]);
            }
            put(f, ": ");
            expr(f, st->a, 0);
            if (st->args.n) {
                put(f, " => ");
                list(f, &st->args, ", ");
            }
            put(f, ";");
        }
        put(f, " )");
        return;
    case MSOC_KQL_OP_SEARCH:
    case MSOC_KQL_OP_FIND:
        op_name_params(f, nd->kind == MSOC_KQL_OP_SEARCH ? "search" : "find", nd);
        if (nd->args.n) {
            put(f, "in (");
            for (uint32_t k = 0; k < nd->args.n; k++) {
                if (k)
                    put(f, ", ");
                expr(f, nd->args.items[k], 0);
            }
            put(f, ") ");
        }
        if (nd->kind == MSOC_KQL_OP_FIND)
            put(f, "where ");
        expr(f, nd->a, 0);
        if (nd->flags & MSOC_KQL_F_PROJECT_SMART)
            put(f, " project-smart");
        if (nd->keys.n) {
            put(f, " project ");
            list(f, &nd->keys, ", ");
        }
        return;
    case MSOC_KQL_OP_REDUCE:
        put(f, "reduce ");
        with_params(f, &nd->params, true);
        put(f, "by ");
        expr(f, nd->a, 0);
        for (uint32_t k = 0, n = 0; k < nd->params.n; k++) {
            const msoc_kql_node *pr = nd->params.items[k];
            if (msoc_str_starts_with(pr->name, MSOC_STR("hint.")) ||
                msoc_str_eq_c(pr->name, "kind"))
                continue;
            put(f, n++ ? ", " : " with ");
            put_str(f, pr->name);
            put(f, "=");
            value(f, pr->a);
        }
        return;
    case MSOC_KQL_OP_CONSUME:
        put(f, "consume");
        if (nd->params.n)
            put(f, " ");
        params(f, &nd->params);
        return;
    case MSOC_KQL_OP_EXECUTE_AND_CACHE:
        put(f, "execute-and-cache");
        return;
    case MSOC_KQL_OP_ASSERT_SCHEMA:
        put(f, "assert-schema ");
        schema_body(f, nd->a);
        return;
    case MSOC_KQL_OP_MAKE_GRAPH:
    case MSOC_KQL_OP_GRAPH_OP:
    case MSOC_KQL_OP_LEGACY:
        put_str(f, nd->name);
        for (uint32_t k = 0; k < nd->args.n; k++) {
            put(f, " ");
            put_str(f, nd->args.items[k]->name);
        }
        return;
    default:
        return;
    }
}

/* ---- statements and the rest ---------------------------------------------------------- */

static void command(fmt *f, const msoc_kql_node *nd);
static void statements(fmt *f, const msoc_kql_list *l, const char *sep);

static void command_parts(fmt *f, const msoc_kql_list *l)
{
    for (uint32_t k = 0; k < l->n; k++) {
        const msoc_kql_node *part = l->items[k];
        bool glue = k > 0 && k + 1 < l->n && part->kind == MSOC_KQL_TOKEN &&
                    msoc_str_eq_c(part->name, "-") && l->items[k - 1]->kind == MSOC_KQL_NAME &&
                    l->items[k + 1]->kind == MSOC_KQL_NAME;
        bool after_glue = k > 1 && l->items[k - 1]->kind == MSOC_KQL_TOKEN &&
                          msoc_str_eq_c(l->items[k - 1]->name, "-") &&
                          l->items[k - 2]->kind == MSOC_KQL_NAME && part->kind == MSOC_KQL_NAME;
        if (glue) {
            put(f, "-");
            continue;
        }
        if (!after_glue)
            put(f, " ");
        if (part->kind == MSOC_KQL_TOKEN && part->args.n + 1 > 0 &&
            (msoc_str_eq_c(part->name, "(") || msoc_str_eq_c(part->name, "["))) {
            bool paren = msoc_str_eq_c(part->name, "(");
            put(f, paren ? "(" : "[");
            command_parts(f, &part->args);
            put(f, paren ? " )" : " ]");
        } else if (part->kind == MSOC_KQL_TOKEN || part->kind == MSOC_KQL_NAME) {
            put_str(f, part->name);
        } else if (part->kind == MSOC_KQL_LIT) {
            lit(f, part, false);
        } else {
            node(f, part);
        }
    }
}

static void command(fmt *f, const msoc_kql_node *nd)
{
    put_str(f, nd->name);
    command_parts(f, &nd->args);
    if (nd->a && nd->a->kind == MSOC_KQL_BLOCK && !(nd->a->flags & MSOC_KQL_F_BRACES)) {
        put(f, " <|\n");
        statements(f, &nd->a->args, ";\n");
    } else if (nd->a && nd->a->kind == MSOC_KQL_COMMAND) {
        put(f, " <|\n");
        node(f, nd->a);
    } else if (nd->a) {
        put(f, " <| ");
        node(f, nd->a);
    } else if (nd->lit.s.ptr) {
        put(f, " <|\n");
        put_str(f, nd->lit.s);
    }
}

static void statements(fmt *f, const msoc_kql_list *l, const char *sep)
{
    for (uint32_t k = 0; k < l->n; k++) {
        if (k)
            put(f, sep);
        node(f, l->items[k]);
    }
}

static void node(fmt *f, const msoc_kql_node *nd)
{
    if (!nd || f->b->is_failed)
        return;
    switch (nd->kind) {
    case MSOC_KQL_SCRIPT:
        statements(f, &nd->args, (nd->flags & MSOC_KQL_F_COMMAND) ? "\n\n" : ";\n");
        return;
    case MSOC_KQL_RESTRICT:
        put(f, "restrict access to (");
        for (uint32_t k = 0; k < nd->args.n; k++) {
            if (k)
                put(f, ", ");
            expr(f, nd->args.items[k], 0);
        }
        put(f, ")");
        return;
    case MSOC_KQL_ENTITY_GROUP:
        put(f, "entity_group [");
        for (uint32_t k = 0; k < nd->args.n; k++) {
            if (k)
                put(f, ", ");
            expr(f, nd->args.items[k], 0);
        }
        put(f, "]");
        return;
    case MSOC_KQL_LET:
        put(f, "let ");
        name(f, nd->name);
        put(f, " = ");
        if (nd->flags & MSOC_KQL_F_VIEW)
            put(f, "view ");
        if (nd->a && nd->a->kind == MSOC_KQL_FUNC)
            node(f, nd->a);
        else if (is_tabular(nd->a))
            node(f, nd->a);
        else
            expr(f, nd->a, 0);
        return;
    case MSOC_KQL_FUNC:
        put(f, "(");
        list(f, &nd->args, ", ");
        put(f, ") ");
        node(f, nd->a);
        return;
    case MSOC_KQL_BLOCK:
        put(f, "{ ");
        for (uint32_t k = 0; k < nd->args.n; k++) {
            if (k)
                put(f, "; ");
            const msoc_kql_node *st = nd->args.items[k];
            if (is_tabular(st))
                node(f, st);
            else
                node(f, st);
        }
        put(f, " }");
        return;
    case MSOC_KQL_PARAM_DECL:
        name(f, nd->name);
        put(f, ":");
        if (nd->a && nd->a->kind == MSOC_KQL_SCHEMA)
            schema_body(f, nd->a);
        else if (nd->a)
            put_str(f, nd->a->name);
        if (nd->b) {
            put(f, " = ");
            expr(f, nd->b, 0);
        }
        return;
    case MSOC_KQL_DECLARE:
        put(f, "declare query_parameters(");
        list(f, &nd->args, ", ");
        put(f, ")");
        return;
    case MSOC_KQL_SET:
        put(f, "set ");
        put_str(f, nd->name);
        if (nd->a) {
            put(f, " = ");
            if (nd->a->kind == MSOC_KQL_NAME)
                put_str(f, nd->a->name);
            else
                expr(f, nd->a, 0);
        }
        return;
    case MSOC_KQL_ALIAS:
        put(f, "alias database ");
        name(f, nd->name);
        put(f, " = ");
        expr(f, nd->a, 0);
        return;
    case MSOC_KQL_PATTERN:
        put(f, "declare pattern ");
        name(f, nd->name);
        if (nd->flags & MSOC_KQL_F_BRACES) {
            put(f, " = (");
            list(f, &nd->params, ", ");
            put(f, ")");
            if (nd->keys.n) {
                put(f, "[");
                list(f, &nd->keys, ", ");
                put(f, "]");
            }
            put(f, " { ");
            for (uint32_t k = 0; k < nd->args.n; k++) {
                node(f, nd->args.items[k]);
                put(f, "; ");
            }
            put(f, "}");
        }
        return;
    case MSOC_KQL_PATTERN_RULE:
        put(f, "(");
        list(f, &nd->args, ", ");
        put(f, ")");
        if (nd->b) {
            put(f, ".[");
            expr(f, nd->b, 0);
            put(f, "]");
        }
        put(f, " = ");
        node(f, nd->a);
        return;
    case MSOC_KQL_LIT:
        lit(f, nd, true);
        return;
    case MSOC_KQL_DYN_ARRAY:
        put(f, "[");
        for (uint32_t k = 0; k < nd->args.n; k++) {
            if (k)
                put(f, ", ");
            value(f, nd->args.items[k]);
        }
        put(f, "]");
        return;
    case MSOC_KQL_DYN_OBJECT:
        put(f, "{");
        for (uint32_t k = 0; k < nd->args.n; k++) {
            if (k)
                put(f, ", ");
            quoted(f, nd->args.items[k]->name);
            put(f, ": ");
            value(f, nd->args.items[k]->a);
        }
        put(f, "}");
        return;
    case MSOC_KQL_NAME:
        name(f, nd->name);
        return;
    case MSOC_KQL_WILDCARD:
        put_str(f, nd->name);
        return;
    case MSOC_KQL_STAR:
        put(f, "*");
        return;
    case MSOC_KQL_BINARY:
    case MSOC_KQL_UNARY:
    case MSOC_KQL_IN:
    case MSOC_KQL_BETWEEN:
        expr(f, nd, 0);
        return;
    case MSOC_KQL_CALL:
        if (nd->a) {
            receiver(f, nd->a);
            put(f, ".");
        }
        put_str(f, nd->name);
        put(f, "(");
        for (uint32_t k = 0; k < nd->args.n; k++) {
            if (k)
                put(f, ", ");
            const msoc_kql_node *arg = nd->args.items[k];
            /* A pipe before another argument keeps its parentheses: its last
             * operator's list would take the next argument. */
            if (arg->kind == MSOC_KQL_PIPE && k + 1 == nd->args.n)
                node(f, arg);
            else
                expr(f, arg, 0);
        }
        put(f, ")");
        return;
    case MSOC_KQL_NAMED_ARG:
        put_str(f, nd->name);
        put(f, " = ");
        expr(f, nd->a, 0);
        return;
    case MSOC_KQL_MEMBER:
        receiver(f, nd->a);
        put(f, ".");
        name(f, nd->name);
        return;
    case MSOC_KQL_INDEX:
        expr(f, nd->a, 8);
        put(f, "[");
        expr(f, nd->b, 0);
        put(f, "]");
        return;
    case MSOC_KQL_PIPE:
        if (nd->a) {
            if (is_tabular(nd->a) && nd->a->kind != MSOC_KQL_COMMAND &&
                (nd->a->kind == MSOC_KQL_PIPE ||
                 !(nd->a->kind == MSOC_KQL_OP_PRINT || nd->a->kind == MSOC_KQL_OP_RANGE ||
                   nd->a->kind == MSOC_KQL_OP_UNION || nd->a->kind == MSOC_KQL_OP_DATATABLE ||
                   nd->a->kind == MSOC_KQL_OP_EXTERNALDATA || nd->a->kind == MSOC_KQL_OP_SEARCH ||
                   nd->a->kind == MSOC_KQL_OP_FIND || nd->a->kind == MSOC_KQL_OP_EVALUATE)))
                subquery(f, nd->a);
            else if (is_tabular(nd->a))
                node(f, nd->a);
            else
                expr(f, nd->a, 0);
            put(f, f->depth == 0 ? "\n| " : " | ");
        }
        f->depth++;
        for (uint32_t k = 0; k < nd->args.n; k++) {
            if (k)
                put(f, f->depth == 1 ? "\n| " : " | ");
            node(f, nd->args.items[k]);
        }
        f->depth--;
        return;
    case MSOC_KQL_TYPE:
        put(f, "typeof(");
        put_str(f, nd->name);
        put(f, ")");
        return;
    case MSOC_KQL_SCHEMA:
        put(f, "typeof");
        schema_body(f, nd);
        return;
    case MSOC_KQL_COLDEF:
        name(f, nd->name);
        if (nd->a) {
            put(f, ":");
            put_str(f, nd->a->name);
        }
        return;
    case MSOC_KQL_ASSIGN:
        if (nd->args.n == 1) {
            node(f, nd->args.items[0]);
        } else {
            put(f, "(");
            list(f, &nd->args, ", ");
            put(f, ")");
        }
        put(f, " = ");
        expr(f, nd->a, 0);
        return;
    case MSOC_KQL_SORT_KEY:
        sort_key(f, nd);
        return;
    case MSOC_KQL_PARAM:
        put_str(f, nd->name);
        put(f, "=");
        value(f, nd->a);
        for (uint32_t k = 0; k < nd->args.n; k++) {
            put(f, ", ");
            node(f, nd->args.items[k]);
        }
        return;
    case MSOC_KQL_DEFAULT:
        expr(f, nd->a, 0);
        put(f, " default = ");
        expr(f, nd->b, 0);
        return;
    case MSOC_KQL_MV_ITEM:
        expr(f, nd->a, 0);
        if (nd->b) {
            put(f, " to ");
            node(f, nd->b);
        }
        return;
    case MSOC_KQL_COMMAND:
        command(f, nd);
        return;
    case MSOC_KQL_TOKEN:
        put_str(f, nd->name);
        return;
    default:
        if (nd->kind >= MSOC_KQL_OP_WHERE && nd->kind <= MSOC_KQL_OP_LEGACY) {
            tabular_op(f, nd);
            return;
        }
        return;
    }
}

msoc_status msoc_kql_format(const msoc_kql_node *nd, msoc_buf *out, msoc_error *err)
{
    fmt f = {.b = out, .depth = 0};
    node(&f, nd);
    return msoc_buf_check(out, "formatted KQL", err);
}
