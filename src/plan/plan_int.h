/* plan internals: shared by the .c files of src/plan only. */
#ifndef MSOC_PLAN_PLAN_INT_H
#define MSOC_PLAN_PLAN_INT_H

#include <string.h>

#include "bind.h"
#include "core/hashmap.h"

typedef enum bind_sym_kind {
    SYM_SCALAR,   /* a bound constant/scalar expression (no column references) */
    SYM_TABLE,    /* a tabular plan */
    SYM_FUNC,     /* a user function: AST FUNC node */
    SYM_COLEXPR,  /* a function parameter bound to an expression over the current input */
    SYM_PATTERN,  /* a pattern statement: AST PATTERN node in func */
} bind_sym_kind;

typedef struct bind_sym {
    msoc_str name;
    bind_sym_kind kind;
    msoc_plan_expr *expr;
    msoc_plan_node *node;
    const msoc_kql_node *func;
    size_t scope_depth;  /* symbols visible to the function body */
    struct bind_sym *next;
} bind_sym;

typedef struct binder {
    const msoc_plan_catalog *cat;
    msoc_arena *arena;
    msoc_error *err;
    bind_sym *syms;        /* innermost first */
    int next_id;
    int depth;             /* recursion guard */
    const msoc_kql_node *script;   /* the whole query (REBIND keeps it) */
    const struct msoc_plan_hint *hints; /* columns of data-dependent operators, from the back end */
    int apply_depth;       /* > 0 inside an mv-apply / partition sub-query */
    msoc_plan_node *rebind_pending; /* set when a data-dependent operator stops the bind */
    struct site_count *site_counts; /* per data-dependent operator: times met */
    /* join binding: $left / $right schemas */
    const msoc_plan_node *join_left, *join_right;
} binder;

void *msoc_plan__alloc(binder *b, size_t size);
msoc_str msoc_plan__str(binder *b, const char *p, size_t len);
msoc_plan_node *msoc_plan__node(binder *b, msoc_plan_kind kind, msoc_plan_node *input, size_t n_cols);
bind_sym *msoc_plan__lookup(binder *b, msoc_str name);
msoc_plan_expr *msoc_plan__col_ref(binder *b, const msoc_plan_node *in, int col);
msoc_plan_expr *msoc_plan__lit_null(binder *b, msoc_type t);
msoc_plan_expr *msoc_plan__call(binder *b, msoc_plan_fn fn, msoc_plan_expr **args, size_t n_args,
                                const msoc_kql_node *pos);
int msoc_plan__find_col(const msoc_plan_node *in, msoc_str name);

/* Pattern statements (bind_pattern.c): `p(args)` / `p(args).path` when p names a
 * declared pattern; the matching rule's query is bound like any other. */
bool msoc_plan__is_pattern_ref(binder *b, const msoc_kql_node *e);
msoc_status msoc_plan__bind_pattern_ref(binder *b, const msoc_kql_node *e, msoc_plan_node **out);

/* Expressions (bind_expr.c). in may be NULL (no columns). */
msoc_status msoc_plan__bind_expr(binder *b, const msoc_kql_node *e, const msoc_plan_node *in,
                                 msoc_plan_expr **out);
/* The column name Kusto gives an unnamed expression, or {NULL,0}. */
msoc_str msoc_plan__expr_name(binder *b, const msoc_kql_node *e);
bool msoc_plan__is_tabular(binder *b, const msoc_kql_node *e);
/* Tabular expressions (bind.c). */
msoc_status msoc_plan__bind_tabular(binder *b, const msoc_kql_node *e, msoc_plan_node **out);
/* Binds the let statements of a block or function body in order, pushing each onto
 * b->syms so later statements see earlier ones, and sets *result to the body's last
 * other statement (NULL when there is none). The caller restores b->syms. */
msoc_status msoc_plan__bind_lets(binder *b, const msoc_kql_node *body, const msoc_kql_node **result);
/* Summarize (bind_agg.c). */
msoc_status msoc_plan__bind_summarize(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                      msoc_plan_node **out);
/* Operator helpers (bind.c) shared with bind_ops.c. */
const msoc_kql_node *msoc_plan__param(const msoc_kql_node *op, const char *name);
msoc_plan_node *msoc_plan__project(binder *b, msoc_plan_node *in, size_t n_cols);
msoc_plan_node *msoc_plan__identity(binder *b, msoc_plan_node *in, size_t extra);
void msoc_plan__add_col(msoc_plan_node *n, msoc_str name, msoc_type t, msoc_plan_expr *e);
msoc_status msoc_plan__const_long(binder *b, const msoc_kql_node *e, int64_t *out);
msoc_status msoc_plan__bind_op(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                               msoc_plan_node **out);
msoc_status msoc_plan__bind_mv_expand(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                      msoc_plan_node **out);
/* The newer operators (bind_ops.c): mv-apply, partition, evaluate plugins, scan,
 * top-nested, make-series, reduce, sample, top-hitters, parse-kv, invoke. */
msoc_status msoc_plan__bind_op_ext(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                   msoc_plan_node **out);
msoc_status msoc_plan__bind_json_lit(binder *b, const msoc_kql_node *v, msoc_buf *out);
/* Synthetic AST nodes for rewrites (bind_ops.c): the binder's input is read-only, so
 * new nodes are allocated from the binder and point into it; pos gives the position. */
msoc_kql_node *msoc_plan__ast(binder *b, msoc_kql_kind kind, const msoc_kql_node *pos);
msoc_kql_node *msoc_plan__ast_name(binder *b, msoc_str name, const msoc_kql_node *pos);
msoc_kql_node *msoc_plan__ast_call(binder *b, const char *fn, msoc_kql_node *const *args, size_t n_args,
                                  const msoc_kql_node *pos);
/* search and find (bind_search.c); in is the piped input of `T | search`, else NULL. */
msoc_status msoc_plan__bind_search(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                   msoc_plan_node **out);
msoc_status msoc_plan__bind_find(binder *b, const msoc_kql_node *op, msoc_plan_node **out);
/* The tables the caller's partitions hold rows of (sorted), or every built-in table when
 * the catalog cannot tell (bind_search.c). */
msoc_status msoc_plan__held_tables(binder *b, msoc_str **names, size_t *n);
/* bind.c helpers for bind_search.c: a scan of table name over the authorised
 * partitions, `*` patterns, and union's outer union of inputs (op supplies the
 * withsource/kind parameters). */
msoc_status msoc_plan__scan(binder *b, const msoc_kql_node *pos, msoc_str name, msoc_plan_node **out);
bool msoc_plan__wildcard_match(msoc_str pat, msoc_str s);
msoc_status msoc_plan__make_union(binder *b, const msoc_kql_node *op, msoc_plan_node **ins, size_t n_in,
                                  msoc_str *src_names, msoc_plan_node **out);
/* Built-ins called as tables (bind_builtin.c): _GetWatchlist, AssignedIPAddresses
 * as sources; FileProfile, DeviceFromIP through invoke; stored functions. */
bool msoc_plan__is_builtin_source(msoc_str name);
msoc_status msoc_plan__bind_builtin_source(binder *b, const msoc_kql_node *call, msoc_plan_node **out);
bool msoc_plan__is_builtin_invoke(msoc_str name);
msoc_status msoc_plan__bind_builtin_invoke(binder *b, const msoc_kql_node *op, msoc_plan_node *in,
                                           msoc_plan_node **out);
/* The stored function name of the catalog's partitions as a SYM_FUNC symbol (not
 * linked into b->syms), or NULL. A lookup failure is left in b->err. */
bind_sym *msoc_plan__stored_function(binder *b, msoc_str name);
/* The failure for a call to a function nobody defines: a name the engine does not
 * implement but Kusto, Defender or Sentinel provide is `not supported: <what>X()`
 * (MSOC_UNSUPPORTED); any other name is Kusto's semantic error `unknown function
 * 'X'` (MSOC_SEMANTIC, like an unknown table). */
msoc_status msoc_plan__unknown_tabular_fn(binder *b, const msoc_kql_node *call, const char *what,
                                          const char *suffix);

#endif
