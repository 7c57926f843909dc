/* AST utilities: kind and operator names, diagnostic codes, structural equality
 * (ignores positions) and the JSON dump used by `multisoc kql parse --json`. */
#include <math.h>
#include <string.h>

#include "kql_int.h"

static const char *const kind_names[] = {
#define KIND_NAME(name) #name,
    MSOC_KQL_KINDS(KIND_NAME)
#undef KIND_NAME
};

const char *msoc_kql_kind_name(msoc_kql_kind k)
{
    return (unsigned)k < MSOC_KQL__KIND_COUNT ? kind_names[k] : "?";
}

static const char *const op_texts[] = {"",
#define OP_TEXT(name, text) text,
                                       MSOC_KQL_OPS(OP_TEXT)
#undef OP_TEXT
};

const char *msoc_kql_op_text(msoc_kql_op op)
{
    return (unsigned)op < MSOC_KQL__OP_COUNT ? op_texts[op] : "?";
}

static const char *const diag_codes[] = {
#define DIAG_CODE(name, code, doc) code,
    MSOC_KQL_DIAGS(DIAG_CODE)
#undef DIAG_CODE
};
static const char *const diag_docs[] = {
#define DIAG_DOC(name, code, doc) doc,
    MSOC_KQL_DIAGS(DIAG_DOC)
#undef DIAG_DOC
};

const char *msoc_kql_diag_str(msoc_kql_diag_code code)
{
    return (unsigned)code < MSOC_KQL__DIAG_COUNT ? diag_codes[code] : "KQL000";
}

const char *msoc_kql_diag_doc(msoc_kql_diag_code code)
{
    return (unsigned)code < MSOC_KQL__DIAG_COUNT ? diag_docs[code] : "";
}

static bool str_same(msoc_str a, msoc_str b)
{
    if (a.len != b.len)
        return false;
    return a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0;
}

static bool lit_same(const msoc_kql_value *x, const msoc_kql_value *y)
{
    if (x->type != y->type || x->is_null != y->is_null || !str_same(x->s, y->s))
        return false;
    if (x->is_null)
        return true;
    switch (x->type) {
    case MSOC_TYPE_BOOL:
        return x->v.b == y->v.b;
    case MSOC_TYPE_INT:
    case MSOC_TYPE_LONG:
        return x->v.i == y->v.i;
    case MSOC_TYPE_REAL:
        return (isnan(x->v.r) && isnan(y->v.r)) || memcmp(&x->v.r, &y->v.r, sizeof x->v.r) == 0;
    case MSOC_TYPE_DATETIME:
        return x->v.dt == y->v.dt;
    case MSOC_TYPE_TIMESPAN:
        return x->v.ts == y->v.ts;
    default:
        return true;
    }
}

static bool list_same(const msoc_kql_list *x, const msoc_kql_list *y)
{
    if (x->n != y->n)
        return false;
    for (uint32_t k = 0; k < x->n; k++)
        if (!msoc_kql_equal(x->items[k], y->items[k]))
            return false;
    return true;
}

bool msoc_kql_equal(const msoc_kql_node *x, const msoc_kql_node *y)
{
    if (!x || !y)
        return x == y;
    return x->kind == y->kind && x->op == y->op && x->flags == y->flags &&
           str_same(x->name, y->name) && lit_same(&x->lit, &y->lit) && msoc_kql_equal(x->a, y->a) &&
           msoc_kql_equal(x->b, y->b) && msoc_kql_equal(x->c, y->c) && msoc_kql_equal(x->d, y->d) &&
           msoc_kql_equal(x->e, y->e) && list_same(&x->args, &y->args) &&
           list_same(&x->keys, &y->keys) && list_same(&x->params, &y->params);
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_node(msoc_buf *b, const msoc_kql_node *nd, int depth);

static void json_list(msoc_buf *b, const char *key, const msoc_kql_list *l, int depth)
{
    if (l->n == 0)
        return;
    msoc_buf_appendf(b, ",\"%s\":[", key);
    for (uint32_t k = 0; k < l->n; k++) {
        if (k)
            msoc_buf_putc(b, ',');
        json_node(b, l->items[k], depth + 1);
    }
    msoc_buf_putc(b, ']');
}

static void json_child(msoc_buf *b, const char *key, const msoc_kql_node *nd, int depth)
{
    if (!nd)
        return;
    msoc_buf_appendf(b, ",\"%s\":", key);
    json_node(b, nd, depth + 1);
}

static void json_lit(msoc_buf *b, const msoc_kql_value *v)
{
    msoc_buf_appendf(b, ",\"type\":\"%s\"", msoc_type_name(v->type));
    if (v->is_null) {
        msoc_buf_append_c(b, ",\"value\":null");
        return;
    }
    switch (v->type) {
    case MSOC_TYPE_BOOL:
        msoc_buf_append_c(b, v->v.b ? ",\"value\":true" : ",\"value\":false");
        break;
    case MSOC_TYPE_INT:
    case MSOC_TYPE_LONG:
        msoc_buf_append_c(b, ",\"value\":");
        msoc_buf_append_i64(b, v->v.i);
        break;
    case MSOC_TYPE_REAL:
        if (isfinite(v->v.r)) {
            msoc_buf_append_c(b, ",\"value\":");
            msoc_buf_append_double(b, v->v.r);
        } else {
            msoc_buf_append_c(b, ",\"value\":");
            msoc_buf_append_json_str(b, v->s.ptr, v->s.len);
        }
        break;
    case MSOC_TYPE_DATETIME: {
        char tmp[MSOC_DATETIME_FMT_CAP];
        size_t n = msoc_datetime_format(v->v.dt, tmp);
        msoc_buf_append_c(b, ",\"value\":");
        msoc_buf_append_json_str(b, tmp, n);
        break;
    }
    case MSOC_TYPE_TIMESPAN: {
        char tmp[MSOC_TIMESPAN_FMT_CAP];
        size_t n = msoc_timespan_format(v->v.ts, tmp);
        msoc_buf_append_c(b, ",\"value\":");
        msoc_buf_append_json_str(b, tmp, n);
        break;
    }
    case MSOC_TYPE_DYNAMIC:
        break;
    default:
        msoc_buf_append_c(b, ",\"value\":");
        msoc_buf_append_json_str(b, v->s.ptr ? v->s.ptr : "", v->s.len);
        break;
    }
}

static void json_node(msoc_buf *b, const msoc_kql_node *nd, int depth)
{
    if (b->is_failed)
        return;
    msoc_buf_appendf(b, "{\"kind\":\"%s\",\"line\":%u,\"col\":%u", msoc_kql_kind_name(nd->kind),
                     nd->line, nd->col);
    if (nd->kind == MSOC_KQL_BINARY || nd->kind == MSOC_KQL_UNARY || nd->kind == MSOC_KQL_IN ||
        nd->kind == MSOC_KQL_BETWEEN)
        msoc_buf_appendf(b, ",\"op\":\"%s\"", msoc_kql_op_text((msoc_kql_op)nd->op));
    if (nd->kind == MSOC_KQL_TYPE)
        msoc_buf_appendf(b, ",\"type\":\"%s\"", msoc_type_name((msoc_type)nd->op));
    if (nd->flags)
        msoc_buf_appendf(b, ",\"flags\":%u", nd->flags);
    if (nd->name.ptr) {
        msoc_buf_append_c(b, ",\"name\":");
        msoc_buf_append_json_str(b, nd->name.ptr, nd->name.len);
    }
    if (nd->kind == MSOC_KQL_LIT || (nd->kind == MSOC_KQL_COMMAND && nd->lit.s.ptr))
        json_lit(b, &nd->lit);
    json_child(b, "a", nd->a, depth);
    json_child(b, "b", nd->b, depth);
    json_child(b, "c", nd->c, depth);
    json_child(b, "d", nd->d, depth);
    json_child(b, "e", nd->e, depth);
    json_list(b, "params", &nd->params, depth);
    json_list(b, "args", &nd->args, depth);
    json_list(b, "keys", &nd->keys, depth);
    msoc_buf_putc(b, '}');
}

msoc_status msoc_kql_to_json(const msoc_kql_node *node, msoc_buf *out, msoc_error *err)
{
    if (!node) {
        msoc_buf_append_c(out, "null");
    } else {
        json_node(out, node, 0);
    }
    return msoc_buf_check(out, "KQL AST JSON", err);
}
