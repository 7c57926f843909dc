/* The KQL parser, part 3: control commands (.show, .create, .create-merge,
 * .ingest inline, .alter, .set, ...). The command words become the COMMAND's name;
 * the rest is kept as NAME/LIT/SCHEMA/TOKEN parts, a query after `<|`, a function
 * body in {...}, and `with (...)` options as PARAM nodes. Documentation
 * placeholders such as <DatabaseName> are rejected with a positioned error. */
#include <stdio.h>
#include <string.h>

#include "kql_int.h"

#define PEEK(k)               msoc_kql__peek(p, (k))
#define IS(k)                 msoc_kql__is(p, (k))
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
        "table",
        "tables",
        "database",
        "databases",
        "version",
        "function",
        "functions",
        "cluster",
        "external",
        "materialized",
        "column",
        "columns",
        "extents",
        "extent",
        "operations",
        "queries",
        "commands",
        "ingestion",
        "streamingingestion",
        "schema",
        "journal",
        "diagnostics",
        "principal",
        "principals",
        "policy",
        "workload_group",
        "capacity",
        "stored_query_result",
        "stored_query_results",
        "entity_group",
        "request_support",
        "async",
        "continuous-export",
        "inline",
        "into",
        "query",
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
    (void)c;
    return a->kind == MSOC_KQL_TOK_LT && b->kind == MSOC_KQL_TOK_IDENT && !b->has_ws_before;
}

static void cmd_parts(kp *p, msoc_kql_node *cmd, msoc_kql_list *out, msoc_kql_tok_kind close);
static bool check_with_values(kp *p);

bool msoc_kql__at_command_start(kp *p)
{
    const msoc_kql_tok *t = PEEK(0), *n1 = PEEK(1);
    return t->kind == MSOC_KQL_TOK_DOT && n1->kind == MSOC_KQL_TOK_IDENT && !n1->has_ws_before &&
           (p->pos == 0 || p->t[p->pos - 1].line != t->line);
}

/* What follows `<|`: a nested command, a {block}, an operator chain (purge
 * predicates), or statements (let ...; query). */
static void cmd_query(kp *p, msoc_kql_node *cmd)
{
    if (IS(MSOC_KQL_TOK_DOT) && PEEK(1)->kind == MSOC_KQL_TOK_IDENT && !PEEK(1)->has_ws_before) {
        cmd->a = msoc_kql__command(p);
        return;
    }
    if (IS(MSOC_KQL_TOK_LBRACE)) {
        cmd->a = msoc_kql__block(p);
        if (cmd->a)
            cmd->a->flags |= MSOC_KQL_F_BRACES;
        return;
    }
    msoc_kql_node *blk = msoc_kql__node(p, MSOC_KQL_BLOCK, NULL);
    if (!blk)
        return;
    uint32_t cap = 0;
    while (!p->failed) {
        msoc_kql_node *st;
        if (msoc_kql__is_word(p, 0, "let") || msoc_kql__is_word(p, 0, "set") ||
            msoc_kql__is_word(p, 0, "declare"))
            st = msoc_kql__statement(p, false);
        else
            st = msoc_kql__subquery(p);
        if (!PUSH(&blk->args, st, &cap))
            return;
        if (!msoc_kql__accept(p, MSOC_KQL_TOK_SEMI))
            break;
        while (msoc_kql__accept(p, MSOC_KQL_TOK_SEMI)) {
        }
        if (IS(MSOC_KQL_TOK_EOF) || msoc_kql__at_command_start(p))
            break;
    }
    msoc_kql__finish(p, blk);
    cmd->a = blk->args.n == 1 ? blk->args.items[0] : blk;
}

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
                           "or value",
                           (int)PEEK(1)->len, p->text + PEEK(1)->off);
            return;
        }
        msoc_kql_node *part = NULL;
        if (close == MSOC_KQL_TOK_EOF && msoc_kql__at_command_start(p))
            return;
        if (!check_with_values(p))
            return;
        if (cmd && strncmp(cmd->name.ptr, ".ingest", 7) == 0 && msoc_kql__is_word(p, 0, "with") &&
            PEEK(1)->kind != MSOC_KQL_TOK_LPAREN) {
            msoc_kql__fail(p, PEEK(1), MSOC_KQL_DIAG_COMMAND,
                           "expected '(' after 'with': .ingest ... with (format='csv', ...)");
            return;
        }
        if (k == MSOC_KQL_TOK_LTPIPE && close == MSOC_KQL_TOK_EOF && cmd) {
            p->pos++;
            if (strstr(cmd->name.ptr, "ingest") && strstr(cmd->name.ptr, "inline")) {
                raw_payload(p, cmd);
                return;
            }
            cmd_query(p, cmd);
            return;
        }
        if (k == MSOC_KQL_TOK_LBRACE) {
            part = msoc_kql__block(p); /* function body */
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
        } else if (k == MSOC_KQL_TOK_GUID) {
            part = msoc_kql__node(p, MSOC_KQL_LIT, t);
            if (part) {
                part->lit.type = MSOC_TYPE_GUID;
                part->lit.s = msoc_kql__tok_str(p, t);
            }
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

/* ---- command shape checks: the parts of Kusto's command grammar that decide
 * whether a command is well formed at all (verbs, objects, required words). ---- */

static bool word_in(kp *p, const msoc_kql_tok *t, const char *const *words)
{
    for (size_t k = 0; words[k]; k++)
        if (is_word_tok(p, t, words[k]))
            return true;
    return false;
}

/* Joins IDENT-IDENT-... at tokens[i] into buf; returns the token count. */
static uint32_t hyphen_word(kp *p, uint32_t i, char *buf, size_t cap)
{
    size_t n = 0;
    uint32_t start = i;
    buf[0] = 0;
    while (p->t[i].kind == MSOC_KQL_TOK_IDENT && n + p->t[i].len + 2 < cap) {
        memcpy(buf + n, p->text + p->t[i].off, p->t[i].len);
        n += p->t[i].len;
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
    return i - start;
}

/* Token k is a '.' that starts a line: the next command (bounds every scan ahead, so
 * a text of many commands stays linear). */
static bool line_start_dot(kp *p, uint32_t k)
{
    return p->t[k].kind == MSOC_KQL_TOK_DOT && k > 0 && p->t[k - 1].line != p->t[k].line;
}

static bool cmd_expect(kp *p, uint32_t at, const char *const *words, const char *verb,
                       const char *wanted)
{
    const msoc_kql_tok *t = &p->t[at < p->n ? at : p->n - 1];
    if (word_in(p, t, words))
        return true;
    char b[64];
    msoc_kql__fail(p, t, MSOC_KQL_DIAG_COMMAND, "expected %s after '.%s', found %s", wanted, verb,
                   msoc_kql__tok_desc(p, t, b, sizeof b));
    return false;
}

static bool check_shape(kp *p, const char *verb, uint32_t i)
{
    static const char *const verbs[] = {"add",
                                        "alter",
                                        "alter-merge",
                                        "append",
                                        "attach",
                                        "cancel",
                                        "clean",
                                        "clear",
                                        "create",
                                        "create-merge",
                                        "create-or-alter",
                                        "create-request-support",
                                        "delete",
                                        "detach",
                                        "disable",
                                        "drop",
                                        "drop-pretend",
                                        "dup-next-failed-ingest",
                                        "dup-next-ingest",
                                        "enable",
                                        "execute",
                                        "export",
                                        "forget",
                                        "get",
                                        "ingest",
                                        "list",
                                        "make",
                                        "merge",
                                        "move",
                                        "patch",
                                        "purge",
                                        "purge-cleanup",
                                        "rename",
                                        "replace",
                                        "seal",
                                        "set",
                                        "set-or-append",
                                        "set-or-replace",
                                        "show",
                                        "undo",
                                        "update",
                                        "evaluate",
                                        "run",
                                        "save",
                                        NULL};
    static const char *const show_objects[] = {"basicauth",
                                               "cache",
                                               "callstacks",
                                               "capacity",
                                               "cluster",
                                               "column",
                                               "columns",
                                               "commands",
                                               "commands-and-queries",
                                               "continuous-export",
                                               "continuous-exports",
                                               "data",
                                               "database",
                                               "databases",
                                               "diagnostics",
                                               "entity_group",
                                               "entity_groups",
                                               "extent",
                                               "extents",
                                               "external",
                                               "fabric",
                                               "follower",
                                               "function",
                                               "functions",
                                               "graph_model",
                                               "graph_models",
                                               "graph_snapshot",
                                               "graph_snapshots",
                                               "ingestion",
                                               "journal",
                                               "materialized-view",
                                               "materialized-views",
                                               "memory",
                                               "operation",
                                               "operations",
                                               "plugins",
                                               "principal",
                                               "queries",
                                               "query",
                                               "request_support",
                                               "rowstore",
                                               "rowstores",
                                               "running",
                                               "schema",
                                               "stored_query_result",
                                               "stored_query_results",
                                               "streamingingestion",
                                               "table",
                                               "tables",
                                               "version",
                                               "workload_group",
                                               "workload_groups",
                                               "mirroring-templates",
                                               "mirroring-template",
                                               "tcp",
                                               NULL};
    static const char *const ingest_next[] = {"async", "inline", "into", NULL};
    static const char *const table_w[] = {"table", NULL};
    static const char *const cancel_next[] = {"operation", "query", NULL};
    static const char *const update_next[] = {"async", "table", NULL};
    static const char *const to_w[] = {"to", NULL};
    static const char *const append_w[] = {"append", NULL};
    bool known = false;
    for (size_t k = 0; verbs[k]; k++)
        if (strcmp(verbs[k], verb) == 0)
            known = true;
    if (!known) {
        msoc_kql__fail(p, &p->t[i - 1], MSOC_KQL_DIAG_COMMAND, "unknown control command '.%s'",
                       verb);
        return false;
    }
    if (strcmp(verb, "ingest") == 0) {
        if (!cmd_expect(p, i, ingest_next, verb, "'async', 'inline' or 'into'"))
            return false;
        if (is_word_tok(p, &p->t[i], "async"))
            i++;
        if (is_word_tok(p, &p->t[i], "into") &&
            !cmd_expect(p, i + 1, table_w, "ingest into", "'table'"))
            return false;
    } else if (strcmp(verb, "cancel") == 0) {
        return cmd_expect(p, i, cancel_next, verb, "'operation' or 'query'");
    } else if (strcmp(verb, "update") == 0) {
        if (!cmd_expect(p, i, update_next, verb, "'async' or 'table'"))
            return false;
        for (uint32_t k = i; k + 2 < p->n && p->t[k].kind == MSOC_KQL_TOK_IDENT; k++)
            if (is_word_tok(p, &p->t[k], "delete") && p->t[k + 1].kind == MSOC_KQL_TOK_IDENT)
                return cmd_expect(p, k + 2, append_w, "update table ... delete X", "'append'");
    } else if (strcmp(verb, "export") == 0) {
        if (is_word_tok(p, &p->t[i], "async"))
            i++;
        if (is_word_tok(p, &p->t[i], "compressed"))
            i++;
        return cmd_expect(p, i, to_w, verb, "'to'");
    } else if (strcmp(verb, "show") == 0) {
        char w[64];
        hyphen_word(p, i, w, sizeof w);
        bool ok = false;
        for (size_t k = 0; show_objects[k]; k++)
            if (strcmp(show_objects[k], w) == 0)
                ok = true;
        if (!ok) {
            char b[64];
            msoc_kql__fail(p, &p->t[i], MSOC_KQL_DIAG_COMMAND,
                           "unknown object %s after '.show' (tables, table T schema, databases, "
                           "version, ...)",
                           msoc_kql__tok_desc(p, &p->t[i], b, sizeof b));
            return false;
        }
    }
    if (strcmp(verb, "alter-merge") == 0) {
        static const char *const objs[] = {"async",
                                           "cluster",
                                           "column",
                                           "database",
                                           "entity_group",
                                           "external",
                                           "materialized-view",
                                           "mirroring-template",
                                           "table",
                                           "workload_group",
                                           NULL};
        char w[64];
        hyphen_word(p, i, w, sizeof w);
        bool ok = false;
        for (size_t k = 0; objs[k]; k++)
            ok = ok || strcmp(objs[k], w) == 0;
        if (!ok) {
            char b[64];
            msoc_kql__fail(p, &p->t[i], MSOC_KQL_DIAG_COMMAND,
                           "unknown object %s after '.alter-merge'",
                           msoc_kql__tok_desc(p, &p->t[i], b, sizeof b));
            return false;
        }
    }
    if (strcmp(verb, "set") == 0 && is_word_tok(p, &p->t[i], "table")) {
        static const char *const roles[] = {"admins", "ingestors", "rowstore_references", NULL};
        return cmd_expect(p, i + 2, roles, "set table T",
                          "'admins', 'ingestors' or "
                          "'rowstore_references'");
    }
    /* Policies a materialized view has. */
    if ((strcmp(verb, "alter") == 0 || strcmp(verb, "delete") == 0) &&
        p->t[i].kind == MSOC_KQL_TOK_IDENT) {
        char w[64];
        uint32_t nt = hyphen_word(p, i, w, sizeof w);
        if (strcmp(w, "materialized-view") == 0) {
            uint32_t k = i + nt;
            if (p->t[k].kind == MSOC_KQL_TOK_LBRACKET) {
                while (k < p->n && p->t[k].kind != MSOC_KQL_TOK_RBRACKET &&
                       p->t[k].kind != MSOC_KQL_TOK_EOF)
                    k++;
                k++;
            } else {
                k++;
            }
            if (is_word_tok(p, &p->t[k], "policy")) {
                static const char *const alter_pol[] = {"caching", "partitioning", "retention",
                                                        "row_level_security", NULL};
                static const char *const delete_pol[] = {"caching", "partitioning",
                                                         "row_level_security", NULL};
                return cmd_expect(p, k + 1, strcmp(verb, "alter") == 0 ? alter_pol : delete_pol,
                                  "materialized-view ... policy", "a materialized-view policy");
            }
        }
    }
    /* policy ingestiontime takes only `true` when set. */
    for (uint32_t k = i; (strcmp(verb, "alter") == 0 || strcmp(verb, "set") == 0) && k + 2 < p->n &&
                         p->t[k].kind != MSOC_KQL_TOK_LTPIPE && p->t[k].kind != MSOC_KQL_TOK_EOF &&
                         !line_start_dot(p, k);
         k++) {
        static const char *const true_w[] = {"true", NULL};
        if (is_word_tok(p, &p->t[k], "policy") && is_word_tok(p, &p->t[k + 1], "ingestiontime"))
            return cmd_expect(p, k + 2, true_w, "... policy ingestiontime", "'true'");
    }
    /* .create function Name(...) { }: the parameter list is required. */
    if (strcmp(verb, "create") == 0 || strcmp(verb, "create-or-alter") == 0 ||
        strcmp(verb, "alter") == 0) {
        uint32_t k = i;
        if (is_word_tok(p, &p->t[k], "async"))
            k++;
        if (is_word_tok(p, &p->t[k], "function")) {
            k++;
            if (is_word_tok(p, &p->t[k], "ifnotexists"))
                k++;
            if (is_word_tok(p, &p->t[k], "with") && p->t[k + 1].kind == MSOC_KQL_TOK_LPAREN) {
                int depth = 0;
                for (k++; k < p->n && !line_start_dot(p, k); k++) {
                    if (p->t[k].kind == MSOC_KQL_TOK_LPAREN)
                        depth++;
                    else if (p->t[k].kind == MSOC_KQL_TOK_RPAREN && --depth == 0)
                        break;
                }
                k++;
            }
            while (k + 2 < p->n && p->t[k].kind == MSOC_KQL_TOK_IDENT &&
                   p->t[k + 1].kind == MSOC_KQL_TOK_DOT)
                k += 2;
            if (k < p->n && p->t[k].kind == MSOC_KQL_TOK_IDENT &&
                p->t[k + 1].kind == MSOC_KQL_TOK_LBRACE) {
                msoc_kql__fail(p, &p->t[k + 1], MSOC_KQL_DIAG_COMMAND,
                               "expected '(' with the parameter list after the function name "
                               "(use () for none)");
                return false;
            }
        }
    }
    return true;
}

/* with (name = value, ...) in a command: values are literals. */
static bool check_with_values(kp *p)
{
    if (!(msoc_kql__is_word(p, 0, "with") && PEEK(1)->kind == MSOC_KQL_TOK_LPAREN))
        return true;
    for (uint32_t k = p->pos + 2; k + 3 < p->n; k++) {
        msoc_kql_tok_kind kk = (msoc_kql_tok_kind)p->t[k].kind;
        if (kk == MSOC_KQL_TOK_RPAREN || kk == MSOC_KQL_TOK_LPAREN || kk == MSOC_KQL_TOK_EOF)
            break;
        const msoc_kql_tok *v = &p->t[k + 2];
        msoc_kql_tok_kind after = (msoc_kql_tok_kind)p->t[k + 3].kind;
        if (kk == MSOC_KQL_TOK_IDENT && p->t[k + 1].kind == MSOC_KQL_TOK_ASSIGN &&
            v->kind == MSOC_KQL_TOK_IDENT &&
            (after == MSOC_KQL_TOK_COMMA || after == MSOC_KQL_TOK_RPAREN) &&
            !is_word_tok(p, v, "true") && !is_word_tok(p, v, "false") &&
            !is_word_tok(p, v, "True") && !is_word_tok(p, v, "False")) {
            char b[64];
            msoc_kql__fail(p, v, MSOC_KQL_DIAG_COMMAND,
                           "expected a literal value for option '%.*s', found %s; quote it as a "
                           "string",
                           (int)p->t[k].len, p->text + p->t[k].off,
                           msoc_kql__tok_desc(p, v, b, sizeof b));
            return false;
        }
    }
    return true;
}

msoc_kql_node *msoc_kql__command(kp *p)
{
    const msoc_kql_tok *dot = PEEK(0);
    msoc_kql_node *cmd = msoc_kql__node(p, MSOC_KQL_COMMAND, dot);
    if (!cmd)
        return NULL;
    p->pos++;
    /* A documentation placeholder is the real problem wherever it sits. */
    for (uint32_t k = p->pos; k + 1 < p->n; k++) {
        const msoc_kql_tok *t = &p->t[k];
        if (t->kind == MSOC_KQL_TOK_LTPIPE || t->kind == MSOC_KQL_TOK_EOF ||
            (t->kind == MSOC_KQL_TOK_DOT && k > p->pos && p->t[k - 1].line != t->line))
            break;
        if (t->kind == MSOC_KQL_TOK_LT && p->t[k + 1].kind == MSOC_KQL_TOK_IDENT &&
            !p->t[k + 1].has_ws_before) {
            msoc_kql__fail(p, t, MSOC_KQL_DIAG_COMMAND,
                           "'<%.*s...>' is a documentation placeholder; replace it with a real "
                           "name or value",
                           (int)p->t[k + 1].len, p->text + p->t[k + 1].off);
            return NULL;
        }
    }
    {
        char verb[64];
        uint32_t nt = hyphen_word(p, p->pos, verb, sizeof verb);
        if (!check_shape(p, verb, p->pos + nt))
            return NULL;
    }
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
