/* The KQL front end: parse query or control-command text into the AST of ast.h,
 * print it back as canonical KQL, compare and dump trees. The contract between kql
 * and plan/api/cli. Depends only on core. Grammar notes: docs/kql-grammar.md.
 *
 * Thread-safety: every function is reentrant; a tree is read-only after parsing and
 * may be shared between threads as long as its arena lives. */
#ifndef MSOC_KQL_KQL_H
#define MSOC_KQL_KQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/str.h"
#include "kql/ast.h"

/* Stable diagnostic codes (the second word of `multisoc kql parse` error lines and
 * the "kqlCode" of API errors). Append only. */
/* clang-format off */
#define MSOC_KQL_DIAGS(X) \
    X(NONE,        "KQL000", "no error") \
    X(BAD_CHAR,    "KQL001", "a character that cannot start any KQL token") \
    X(UNTERMINATED,"KQL002", "a string, quoted name or multi-line string is not closed") \
    X(BAD_NUMBER,  "KQL003", "a number or timespan literal is malformed or out of range") \
    X(BAD_LITERAL, "KQL004", "a datetime(), timespan(), guid() or typed literal is malformed") \
    X(EXPECTED,    "KQL010", "a token the grammar requires is missing") \
    X(UNCLOSED,    "KQL011", "a bracket opened here is not closed") \
    X(UNKNOWN_OP,  "KQL012", "the word after '|' is not a tabular operator") \
    X(TRAILING,    "KQL013", "text left over after a complete statement") \
    X(JSON,        "KQL014", "a dynamic() literal is not valid JSON") \
    X(BAD_TYPE,    "KQL015", "an unknown scalar type name") \
    X(EMPTY,       "KQL016", "the text holds no query or command") \
    X(COMMAND,     "KQL020", "a control command is malformed") \
    X(TOO_DEEP,    "KQL030", "expressions are nested deeper than the parser allows") \
    X(TOO_BIG,     "KQL031", "the text exceeds the parser's size cap") \
    X(LIMIT,       "KQL032", "the memory budget ran out while parsing")

/* clang-format on */

typedef enum msoc_kql_diag_code {
#define MSOC_KQL_DIAG_ENUM(name, code, doc) MSOC_KQL_DIAG_##name,
    MSOC_KQL_DIAGS(MSOC_KQL_DIAG_ENUM)
#undef MSOC_KQL_DIAG_ENUM
        MSOC_KQL__DIAG_COUNT
} msoc_kql_diag_code;

/* "KQL010" etc.; "KQL000" for NONE. */
const char *msoc_kql_diag_str(msoc_kql_diag_code code);
const char *msoc_kql_diag_doc(msoc_kql_diag_code code);

#define MSOC_KQL_MAX_DEPTH_DEFAULT 256
#define MSOC_KQL_MAX_LEN_DEFAULT   (16u << 20) /* 16 MiB of text */

typedef struct msoc_kql_parse_opts {
    uint32_t max_depth; /* nesting cap; 0 = MSOC_KQL_MAX_DEPTH_DEFAULT */
    size_t max_len;     /* text cap in bytes; 0 = MSOC_KQL_MAX_LEN_DEFAULT */
} msoc_kql_parse_opts;

/* Parses a whole query text (statements separated by ';') or one control command
 * (text starting with '.') into a SCRIPT node allocated in arena. The text is
 * borrowed only during the call (every string in the tree is copied).
 * Errors: MSOC_SYNTAX with err->line/col (1-based) and an actionable message, the
 * first real error only; MSOC_LIMIT when the arena budget runs out; MSOC_TOOBIG
 * past max_len. *diag_out (may be NULL) receives the stable diagnostic code.
 * opts may be NULL. On failure *out is NULL. */
msoc_status msoc_kql_parse_ex(const char *text, size_t len, msoc_arena *arena,
                              const msoc_kql_parse_opts *opts, msoc_kql_node **out,
                              msoc_kql_diag_code *diag_out, msoc_error *err);
/* msoc_kql_parse_ex with default options and no diagnostic code. */
msoc_status msoc_kql_parse(const char *text, size_t len, msoc_arena *arena, msoc_kql_node **out,
                           msoc_error *err);

/* Appends canonical KQL for the tree (any node; usually a SCRIPT) to out. The text
 * parses back to an equal tree (msoc_kql_equal). Errors: MSOC_TOOBIG at the buffer
 * cap. */
msoc_status msoc_kql_format(const msoc_kql_node *node, msoc_buf *out, msoc_error *err);

/* Structural equality ignoring positions (line, col, off, end). */
bool msoc_kql_equal(const msoc_kql_node *x, const msoc_kql_node *y);

/* Appends the tree as JSON: {"kind":"OP_WHERE","line":1,"col":9,...,"a":{...}}.
 * Only set slots appear. Errors: MSOC_TOOBIG at the buffer cap. */
msoc_status msoc_kql_to_json(const msoc_kql_node *node, msoc_buf *out, msoc_error *err);

/* Allocates a zeroed node of kind in arena (for plan rewrites and tests); NULL when
 * the budget runs out. */
msoc_kql_node *msoc_kql_node_new(msoc_arena *arena, msoc_kql_kind kind);

#endif
