/* Internals shared by the kql module's files: tokens, the lexer, the parser state.
 * Not for other modules (tools/check-includes.sh). */
#ifndef MSOC_KQL_KQL_INT_H
#define MSOC_KQL_KQL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "kql/kql.h"

typedef enum msoc_kql_tok_kind {
    MSOC_KQL_TOK_EOF = 0,
    MSOC_KQL_TOK_IDENT,    /* name or keyword: letters, digits, '_', leading '$' */
    MSOC_KQL_TOK_STRING,   /* any string literal form; decoded by msoc_kql__string_decode */
    MSOC_KQL_TOK_INT,      /* decimal or hex integer */
    MSOC_KQL_TOK_REAL,     /* 1.5, 1e3 */
    MSOC_KQL_TOK_TIMESPAN, /* 1d, 2.5h, 100ms, 1tick */
    MSOC_KQL_TOK_RAWLIT,   /* datetime(...), date(...), time(...), timespan(...), guid(...):
                            * the whole text through ')' */
    MSOC_KQL_TOK_PIPE,     /* | */
    MSOC_KQL_TOK_LPAREN,
    MSOC_KQL_TOK_RPAREN,
    MSOC_KQL_TOK_LBRACKET,
    MSOC_KQL_TOK_RBRACKET,
    MSOC_KQL_TOK_LBRACE,
    MSOC_KQL_TOK_RBRACE,
    MSOC_KQL_TOK_COMMA,
    MSOC_KQL_TOK_SEMI,
    MSOC_KQL_TOK_DOT,
    MSOC_KQL_TOK_DOTDOT,
    MSOC_KQL_TOK_COLON,
    MSOC_KQL_TOK_QUESTION,
    MSOC_KQL_TOK_ASSIGN, /* = */
    MSOC_KQL_TOK_EQ,     /* == */
    MSOC_KQL_TOK_NE,     /* != or <> */
    MSOC_KQL_TOK_LT,
    MSOC_KQL_TOK_LE,
    MSOC_KQL_TOK_GT,
    MSOC_KQL_TOK_GE,
    MSOC_KQL_TOK_EQ_CI, /* =~ */
    MSOC_KQL_TOK_NE_CI, /* !~ */
    MSOC_KQL_TOK_PLUS,
    MSOC_KQL_TOK_MINUS,
    MSOC_KQL_TOK_STAR,
    MSOC_KQL_TOK_SLASH,
    MSOC_KQL_TOK_PERCENT,
    MSOC_KQL_TOK_BANG,     /* ! (only before has/in/contains...) */
    MSOC_KQL_TOK_ARROW,    /* => */
    MSOC_KQL_TOK_LTPIPE,   /* <| */
    MSOC_KQL_TOK_AT,       /* @ not starting a string (command syntax) */
    MSOC_KQL_TOK_HASH,     /* # (command syntax) */
    MSOC_KQL_TOK_DASHGT,   /* -> (graph syntax) */
    MSOC_KQL_TOK_DASHDASH, /* -- (graph syntax) */
    MSOC_KQL_TOK_TILDE,    /* ~ (in~, !in~) */
    MSOC_KQL_TOK_GUID,     /* a bare GUID (command syntax: .drop extent <guid>) */
    MSOC_KQL__TOK_COUNT
} msoc_kql_tok_kind;

typedef struct msoc_kql_tok {
    uint8_t kind;          /* msoc_kql_tok_kind */
    uint8_t has_ws_before; /* whitespace or a comment precedes it */
    uint32_t off, len;     /* byte span */
    uint32_t line, col;    /* 1-based */
} msoc_kql_tok;

typedef struct msoc_kql_toks {
    msoc_kql_tok *v;
    uint32_t n;
} msoc_kql_toks;

/* Lexes the whole text into tokens (the last is EOF). On a lexical error returns
 * MSOC_SYNTAX with line:col in err and *diag set. */
msoc_status msoc_kql__lex(const char *text, size_t len, msoc_arena *arena, msoc_kql_toks *out,
                          msoc_kql_diag_code *diag, msoc_error *err);

/* Decodes a STRING token's text (quotes, escapes, h-prefix, verbatim, ```) into a
 * NUL-terminated arena copy. Returns false only on budget exhaustion. */
bool msoc_kql__string_decode(const char *p, size_t len, msoc_arena *arena, msoc_str *out);

/* Timespan unit suffix -> ticks per unit; 0 when s is not a unit. */
int64_t msoc_kql__timespan_unit(const char *s, size_t len);

/* Parser state shared by parse.c (statements, expressions), parse_ops.c (tabular
 * operators) and parse_cmd.c (control commands). */
typedef struct msoc_kql_parser {
    const char *text;
    size_t len;
    const msoc_kql_tok *t;
    uint32_t n, pos;
    msoc_arena *arena;
    uint32_t depth, max_depth;
    bool failed;
    bool in_command; /* a '.' starting a line begins the next command */
    bool in_where;   /* `where a = 1` reads '=' as '==' (Kusto tolerates it there) */
    msoc_kql_diag_code *diag;
    msoc_error *err;
} msoc_kql_parser;

typedef msoc_kql_parser kp;

/* Token helpers. */
const msoc_kql_tok *msoc_kql__peek(kp *p, uint32_t ahead);
bool msoc_kql__is(kp *p, msoc_kql_tok_kind k);
bool msoc_kql__is_word(kp *p, uint32_t ahead, const char *word);
bool msoc_kql__accept(kp *p, msoc_kql_tok_kind k);
bool msoc_kql__accept_word(kp *p, const char *word);
bool msoc_kql__expect(kp *p, msoc_kql_tok_kind k, const char *what);
bool msoc_kql__expect_word(kp *p, const char *word);
/* Records the first syntax error at token tok (or the current token). */
void msoc_kql__fail(kp *p, const msoc_kql_tok *tok, msoc_kql_diag_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void msoc_kql__fail_oom(kp *p);
const char *msoc_kql__tok_desc(kp *p, const msoc_kql_tok *t, char *buf, size_t cap);

/* Node building. */
msoc_kql_node *msoc_kql__node(kp *p, msoc_kql_kind kind, const msoc_kql_tok *at);
void msoc_kql__finish(kp *p, msoc_kql_node *nd);
bool msoc_kql__list_push(kp *p, msoc_kql_list *l, msoc_kql_node *item, uint32_t *cap);
msoc_str msoc_kql__tok_str(kp *p, const msoc_kql_tok *t);

/* Grammar pieces used across files. */
msoc_kql_node *msoc_kql__expr(kp *p);
msoc_kql_node *msoc_kql__pipe_expr(kp *p);
msoc_kql_node *msoc_kql__subquery(kp *p); /* operators without a source */
msoc_kql_node *msoc_kql__name(kp *p, const char *what);
/* A name or a wildcard pattern (Device*Events, *); expr_fallback parses any
 * expression when the text is neither. */
msoc_kql_node *msoc_kql__name_or_wildcard(kp *p, bool expr_fallback);
bool msoc_kql__is_name_start(kp *p);
msoc_kql_node *msoc_kql__type(kp *p);
msoc_kql_node *msoc_kql__schema(kp *p);
msoc_kql_node *msoc_kql__literal_value(kp *p);
msoc_kql_node *msoc_kql__operator(kp *p);
bool msoc_kql__is_source_op(kp *p);
msoc_kql_node *msoc_kql__source_op(kp *p);
msoc_kql_node *msoc_kql__command(kp *p);
/* True when the current token is a '.' that starts a line and a command word. */
bool msoc_kql__at_command_start(kp *p);
msoc_kql_node *msoc_kql__block(kp *p);
/* let/set/declare/alias or a query; in_block admits only let and queries. */
msoc_kql_node *msoc_kql__statement(kp *p, bool in_block);
bool msoc_kql__enter(kp *p);
void msoc_kql__leave(kp *p);

#endif
