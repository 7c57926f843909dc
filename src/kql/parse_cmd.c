/* The KQL parser, part 3: control commands (.show, .create, .create-merge,
 * .ingest inline, .alter, .set, ...). The command words become the COMMAND's name;
 * the rest is kept as NAME/LIT/SCHEMA/TOKEN parts, a query after `<|`, a function
 * body in {...}, and `with (...)` options as PARAM nodes. Documentation
 * placeholders such as <DatabaseName> are rejected with a positioned error. */
#include <stdio.h>
#include <string.h>

#include "kql_int.h"

#define PEEK(k) msoc_kql__peek(p, (k))
#define IS(k) msoc_kql__is(p, (k))
#define PUSH(list, item, cap) msoc_kql__list_push(p, (list), (item), (cap))

static bool is_word_tok(kp *p, const msoc_kql_tok *t, const char *w)
{
    size_t n = strlen(w);
    return t->kind == MSOC_KQL_TOK_IDENT && t->len == n && memcmp(p->text + t->off, w, n) == 0;
}

static bool is_lower_word(kp *p, const msoc_kql_tok *t)
{
    if (t->kind != MSOC_KQL_TOK_IDENT)
        return false;
    for (uint32_t k = 0; k < t->len; k++) {
        char c = p->text[t->off + k];
        if (!((c >= 'a' && c <= 'z') || c == '_'))
            return false;
    }
    return true;
}

/* Object words that belong to the command name: .show tables, .create-merge table. */
static bool is_object_word(kp *p, const msoc_kql_tok *t)
{
    static const char *const words[] = {
        "table", "tables", "database", "databases", "version", "function", "functions",
        "cluster", "external", "materialized", "column", "columns", "extents", "extent",
        "operations", "queries", "commands", "ingestion", "streamingingestion", "schema",
        "journal", "diagnostics", "principal", "principals", "policy", "workload_group",
        "capacity", "stored_query_result", "stored_query_results", "entity_group",
        "request_support", "async", "continuous-export", "inline", "into", "query",
    };
    if (!is_lower_word(p, t))
        return false;
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (is_word_tok(p, t, words[k]))
            return true;
    return false;
}

static msoc_kql_node *token_node(kp *p)
{
    const msoc_kql_tok *t = PEEK(0);
    msoc_kql_node *nd = msoc_kql__node(p, MSOC_KQL_TOKEN, t);
    if (!nd)
        return NULL;
    nd->name = msoc_kql__tok_str(p, t);
    p->pos++;
    return nd;
}

static bool placeholder_ahead(kp *p)
{
    const msoc_kql_tok *a = PEEK(0), *b = PEEK(1), *c = PEEK(2);
    return a->kind == MSOC_KQL_TOK_LT && b->kind == MSOC_KQL_TOK_IDENT && !b->has_ws_before &&
           (c->kind == MSOC_KQL_TOK_GT || (c->kind == MSOC_KQL_TOK_MINUS && !c->has_ws_before));
}

static void cmd_parts(kp *p, msoc_kql_node *cmd, msoc_kql_list *out, msoc_kql_tok_kind close);

/* Raw text after `<|` of .ingest inline: everything to the end. */
static void raw_payload(kp *p, msoc_kql_node *cmd)
{
    const msoc_kql_tok *t = PEEK(0);
    size_t from = t->kind == MSOC_KQL_TOK_EOF ? p->len : t->off;
    /* The payload starts on the line after <| when the <| ends its line. */
    const msoc_kql_tok *lp = &p->t[p->pos - 1];
    size_t after = lp->off + lp->len;
    while (after < p->len && (p->text[after] == ' ' || p->text[after] == '\t'))
        after++;
    if (after < p->len && p->text[after] == '\r')
        after++;
    if (after < p->len && p->text[after] == '\n')
        after++;
    if (after < from)
        from = after;
    cmd->lit.type = MSOC_TYPE_STRING;
    cmd->lit.s = msoc_str_dup(p->arena, msoc_str_make(p->text + from, p->len - from));
    if (!cmd->lit.s.ptr)
        msoc_kql__fail_oom(p);
    p->pos = p->n - 1; /* EOF */
}

static void cmd_parts(kp *p, msoc_kql_node *cmd, msoc_kql_list *out, msoc_kql_tok_kind close)
{
    uint32_t cap = out->n;
    char b[64];
    while (!p->failed) {
        const msoc_kql_tok *t = PEEK(0);
        msoc_kql_tok_kind k = (msoc_kql_tok_kind)t->kind;
        if (k == MSOC_KQL_TOK_EOF || k == close)
            return;
        if (close == MSOC_KQL_TOK_EOF && (k == MSOC_KQL_TOK_PIPE || k == MSOC_KQL_TOK_SEMI))
            return;
        if (placeholder_ahead(p)) {
            msoc_kql__fail(p, t, MSOC_KQL_DIAG_COMMAND,
                           "'<%.*s>' is a documentation placeholder; replace it with a real name "
                           "or value", (int)PEEK(1)->len, p->text + PEEK(1)->off);
            return;
        }
        msoc_kql_node *part = NULL;
        if (k == MSOC_KQL_TOK_LTPIPE && close == MSOC_KQL_TOK_EOF && cmd) {
            p->pos++;
            if (strstr(cmd->name.ptr, "ingest") && strstr(cmd->name.ptr, "inline")) {
                raw_payload(p, cmd);
                return;
            }
            cmd->a = msoc_kql__pipe_expr(p);
            return;
        }
        if (k == MSOC_KQL_TOK_LBRACE) {
            /* Function body: a KQL block. */
            const msoc_kql_tok *open = t;
            p->pos++;
            part = msoc_kql__node(p, MSOC_KQL_BLOCK, open);
            if (!part)
                return;
            uint32_t c2 = 0;
            while (!p->failed) {
                while (msoc_kql__accept(p, MSOC_KQL_TOK_SEMI)) {
                }
                if (IS(MSOC_KQL_TOK_RBRACE) || IS(MSOC_KQL_TOK_EOF))
                    break;
                msoc_kql_node *st = msoc_kql__statement(p, true);
                if (!PUSH(&part->args, st, &c2))
                    return;
                if (!msoc_kql__accept(p, MSOC_KQL_TOK_SEMI))
                    break;
            }
            if (!p->failed && !msoc_kql__accept(p, MSOC_KQL_TOK_RBRACE)) {
                msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_EXPECTED,
                               "expected '}' to close the function body opened at %u:%u, found %s",
                               open->line, open->col, msoc_kql__tok_desc(p, PEEK(0), b, sizeof b));
                return;
            }
            msoc_kql__finish(p, part);
        } else if (k == MSOC_KQL_TOK_LPAREN || k == MSOC_KQL_TOK_LBRACKET) {
            const msoc_kql_tok *open = t;
            msoc_kql_tok_kind want =
                k == MSOC_KQL_TOK_LPAREN ? MSOC_KQL_TOK_RPAREN : MSOC_KQL_TOK_RBRACKET;
            part = msoc_kql__node(p, MSOC_KQL_TOKEN, t);
            if (!part)
                return;
            part->name = msoc_str_c(k == MSOC_KQL_TOK_LPAREN ? "(" : "[");
            p->pos++;
            if (!msoc_kql__enter(p))
                return;
            cmd_parts(p, NULL, &part->args, want);
            msoc_kql__leave(p);
            if (!p->failed && !msoc_kql__accept(p, want)) {
                msoc_kql__fail(p, NULL, MSOC_KQL_DIAG_UNCLOSED,
                               "expected '%c' to close '%c' opened at %u:%u, found %s",
                               want == MSOC_KQL_TOK_RPAREN ? ')' : ']',
                               k == MSOC_KQL_TOK_LPAREN ? '(' : '[', open->line, open->col,
                               msoc_kql__tok_desc(p, PEEK(0), b, sizeof b));
                return;
            }
            msoc_kql__finish(p, part);
        } else if (k == MSOC_KQL_TOK_RPAREN || k == MSOC_KQL_TOK_RBRACKET ||
                   k == MSOC_KQL_TOK_RBRACE) {
            msoc_kql__fail(p, t, MSOC_KQL_DIAG_COMMAND, "unmatched %s in the command",
                           msoc_kql__tok_desc(p, t, b, sizeof b));
            return;
        } else if (k == MSOC_KQL_TOK_IDENT) {
            part = msoc_kql__node(p, MSOC_KQL_NAME, t);
            if (part)
                part->name = msoc_kql__tok_str(p, t);
            p->pos++;
        } else if (k == MSOC_KQL_TOK_STRING || k == MSOC_KQL_TOK_INT || k == MSOC_KQL_TOK_REAL ||
                   k == MSOC_KQL_TOK_TIMESPAN || k == MSOC_KQL_TOK_RAWLIT) {
            part = msoc_kql__literal_value(p);
        } else {
            part = token_node(p);
        }
        if (!PUSH(out, part, &cap))
            return;
    }
}

msoc_kql_node *msoc_kql__command(kp *p)
{
    const msoc_kql_tok *dot = PEEK(0);
    msoc_kql_node *cmd = msoc_kql__node(p, MSOC_KQL_COMMAND, dot);
    if (!cmd)
        return NULL;
    p->pos++;
    /* The verb with its hyphens (.create-or-alter) and the object words. */
    char name[128];
    size_t n = 0;
    name[n++] = '.';
    bool first = true;
    while (!p->failed) {
        const msoc_kql_tok *t = PEEK(0);
        if (!first && !is_object_word(p, t))
            break;
        if (t->kind != MSOC_KQL_TOK_IDENT)
            break;
        if (!first)
            name[n++] = ' ';
        for (;;) {
            const msoc_kql_tok *u = PEEK(0);
            if (n + u->len + 3 >= sizeof name)
                break;
            memcpy(name + n, p->text + u->off, u->len);
            n += u->len;
            p->pos++;
            if (IS(MSOC_KQL_TOK_MINUS) && !PEEK(0)->has_ws_before &&
                PEEK(1)->kind == MSOC_KQL_TOK_IDENT && !PEEK(1)->has_ws_before) {
                name[n++] = '-';
                p->pos++;
                continue;
            }
            break;
        }
        first = false;
    }
    name[n] = 0;
    cmd->name = msoc_str_dup(p->arena, msoc_str_make(name, n));
    if (!cmd->name.ptr) {
        msoc_kql__fail_oom(p);
        return NULL;
    }
    cmd_parts(p, cmd, &cmd->args, MSOC_KQL_TOK_EOF);
    msoc_kql__finish(p, cmd);
    if (p->failed)
        return NULL;
    if (IS(MSOC_KQL_TOK_PIPE)) {
        msoc_kql_node *pipe = msoc_kql__node(p, MSOC_KQL_PIPE, dot);
        if (!pipe)
            return NULL;
        pipe->a = cmd;
        uint32_t cap = 0;
        while (!p->failed && msoc_kql__accept(p, MSOC_KQL_TOK_PIPE))
            PUSH(&pipe->args, msoc_kql__operator(p), &cap);
        msoc_kql__finish(p, pipe);
        return p->failed ? NULL : pipe;
    }
    return cmd;
}
