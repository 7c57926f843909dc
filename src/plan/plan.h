/* The bound logical plan: what the binder makes of a KQL AST and what every back end
 * (exec today, a distributed engine later) runs. Independent of exec: it names
 * functions by id (functions.def) and holds literals as plain values.
 * All nodes live in the arena the binder was given. */
#ifndef MSOC_PLAN_PLAN_H
#define MSOC_PLAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/str.h"
#include "core/types.h"

/* Function ids: scalar functions, operators and aggregates (functions.def). */
typedef enum msoc_plan_fn {
#define MSOC_FN(id, name, min_args, max_args, ret, kind) MSOC_PLAN_FN_##id,
#include "functions.def"
#undef MSOC_FN
    MSOC_PLAN__FN_COUNT
} msoc_plan_fn;

typedef enum msoc_plan_fn_kind {
    MSOC_PLAN_FK_SCALAR,   /* a pure row function */
    MSOC_PLAN_FK_OP,       /* an operator spelled with symbols or keywords (+, has, in) */
    MSOC_PLAN_FK_AGG,      /* an aggregate (summarize) */
    MSOC_PLAN_FK_WINDOW,   /* needs the serialized row order (prev, row_number) */
} msoc_plan_fn_kind;

/* Return-type rules (plan/types.c applies them). */
typedef enum msoc_plan_ret {
    MSOC_PLAN_R_BOOL, MSOC_PLAN_R_INT, MSOC_PLAN_R_LONG, MSOC_PLAN_R_REAL,
    MSOC_PLAN_R_STRING, MSOC_PLAN_R_DATETIME, MSOC_PLAN_R_TIMESPAN, MSOC_PLAN_R_GUID,
    MSOC_PLAN_R_DYNAMIC, MSOC_PLAN_R_DECIMAL,
    MSOC_PLAN_R_ARG0,      /* the type of the first argument */
    MSOC_PLAN_R_ARG1,      /* the type of the second argument (iff) */
    MSOC_PLAN_R_COMMON,    /* the common type of all arguments (coalesce, max_of) */
    MSOC_PLAN_R_ARITH,     /* +, -, *, /, % with KQL's promotion and time rules */
    MSOC_PLAN_R_SUM,       /* sum: long for integers, real, timespan */
    MSOC_PLAN_R_CASE,      /* case(): the common type of the values */
    MSOC_PLAN_R_BIN,       /* bin(): the first argument's type, int -> long */
    MSOC_PLAN_R_NUMARG0,   /* abs, -x: arg0, int stays int */
} msoc_plan_ret;

typedef struct msoc_plan_fn_info {
    const char *name;
    int min_args, max_args; /* max -1: variadic */
    msoc_plan_ret ret;
    msoc_plan_fn_kind kind;
} msoc_plan_fn_info;

const msoc_plan_fn_info *msoc_plan_fn_get(msoc_plan_fn fn);
/* Looks a function up by its KQL name (exact case); false when unknown. */
bool msoc_plan_fn_find(const char *name, size_t len, msoc_plan_fn_kind want, msoc_plan_fn *out);
/* Legacy aggregate names (makeset, argmax...) map to their current function. */
msoc_plan_fn msoc_plan_fn_canonical(msoc_plan_fn fn);
/* The result type of fn over arguments of the given types. */
msoc_type msoc_plan_fn_result(msoc_plan_fn fn, const msoc_type *arg_types, size_t n_args);
/* int < long < real < decimal promotion; MSOC_TYPE_NULL when not both numeric. */
msoc_type msoc_plan_promote(msoc_type a, msoc_type b);

/* A literal value. Strings, guids, decimals and dynamic (as JSON text) use s. */
typedef struct msoc_plan_lit {
    msoc_type type;
    bool is_null;
    int64_t i;   /* bool, int, long, datetime, timespan */
    double r;    /* real */
    msoc_str s;
} msoc_plan_lit;

typedef enum msoc_plan_expr_kind {
    MSOC_PLAN_X_COL,    /* a column of the input row: col */
    MSOC_PLAN_X_LIT,    /* lit */
    MSOC_PLAN_X_CALL,   /* fn(args) */
    MSOC_PLAN_X_SUB,    /* toscalar(sub): the first cell of a tabular plan */
    MSOC_PLAN_X_CAST,   /* args[0] converted to type (to*, implicit promotion) */
} msoc_plan_expr_kind;

typedef struct msoc_plan_node msoc_plan_node;

typedef struct msoc_plan_expr {
    msoc_plan_expr_kind kind;
    msoc_type type;              /* result type */
    uint32_t line, col_no;       /* position in the query text */
    int col;                     /* X_COL: input column index */
    msoc_plan_lit lit;           /* X_LIT */
    msoc_plan_fn fn;             /* X_CALL */
    struct msoc_plan_expr **args;
    size_t n_args;
    msoc_plan_node *sub;         /* X_SUB */
    bool is_sub_list;            /* X_SUB: the whole first column as a dynamic array */
} msoc_plan_expr;

/* An output column of a node. */
typedef struct msoc_plan_col {
    msoc_str name;
    msoc_type type;
} msoc_plan_col;

typedef enum msoc_plan_kind {
    MSOC_PLAN_SCAN,      /* a stored table over the authorised partitions */
    MSOC_PLAN_VALUES,    /* datatable / print: rows of literal expressions */
    MSOC_PLAN_RANGE,     /* range x from a to b step s */
    MSOC_PLAN_FILTER,    /* where pred */
    MSOC_PLAN_PROJECT,   /* exprs -> cols (project, extend, project-away...) */
    MSOC_PLAN_AGG,       /* summarize: keys then aggregates */
    MSOC_PLAN_SORT,      /* sort keys; limit >= 0 makes it top */
    MSOC_PLAN_LIMIT,     /* take n */
    MSOC_PLAN_JOIN,
    MSOC_PLAN_UNION,
    MSOC_PLAN_MVEXPAND,
    MSOC_PLAN_SHARED,    /* materialize(): the child is evaluated once */
} msoc_plan_kind;

typedef enum msoc_plan_join_kind {
    MSOC_PLAN_JOIN_INNERUNIQUE, MSOC_PLAN_JOIN_INNER, MSOC_PLAN_JOIN_LEFTOUTER,
    MSOC_PLAN_JOIN_RIGHTOUTER, MSOC_PLAN_JOIN_FULLOUTER, MSOC_PLAN_JOIN_LEFTANTI,
    MSOC_PLAN_JOIN_RIGHTANTI, MSOC_PLAN_JOIN_LEFTSEMI, MSOC_PLAN_JOIN_RIGHTSEMI,
} msoc_plan_join_kind;

typedef struct msoc_plan_agg {
    msoc_plan_fn fn;
    msoc_plan_expr **args;
    size_t n_args;
    size_t n_out;       /* output columns (arg_max: 1 + extra columns) */
} msoc_plan_agg;

typedef struct msoc_plan_sort_key {
    msoc_plan_expr *expr;
    bool is_desc;
    bool is_nulls_first;
} msoc_plan_sort_key;

/* A partition of a stored table the catalog lets the query read. */
typedef struct msoc_plan_part {
    msoc_str tenant;
    msoc_str workspace;
} msoc_plan_part;

struct msoc_plan_node {
    msoc_plan_kind kind;
    msoc_plan_col *cols;       /* output schema */
    size_t n_cols;
    msoc_plan_node **inputs;
    size_t n_inputs;
    int id;                    /* unique per query (SHARED caches by id) */
    msoc_str as_name;          /* `as Name` / let name (union withsource) */

    /* SCAN */
    const void *table_def;     /* const msoc_stor_table_def * */
    msoc_str table_name;
    const msoc_plan_part *parts; /* the authorised partitions, after tenant pruning */
    size_t n_parts;
    int *scan_cols;            /* table column index per output column */
    int64_t time_lo, time_hi;  /* pushed-down [lo, hi) on the timestamp column; INT64_MIN/MAX */
    int time_col;              /* output column the range applies to, -1 none */
    bool *is_col_needed;       /* per output column, NULL = all (projection push-down) */

    /* VALUES: n_rows x n_cols expressions; RANGE: exprs[0..2] = from, to, step */
    msoc_plan_expr **exprs;
    size_t n_exprs;
    size_t n_rows;

    /* FILTER */
    msoc_plan_expr *pred;

    /* AGG: exprs are the keys (n_exprs), aggs follow */
    msoc_plan_agg *aggs;
    size_t n_aggs;

    /* SORT */
    msoc_plan_sort_key *keys;
    size_t n_keys;
    int64_t limit;             /* SORT (top) and LIMIT; -1 none */

    /* JOIN: equality on left_keys[i] == right_keys[i] (input column indices) */
    msoc_plan_join_kind join_kind;
    int *left_keys, *right_keys;
    size_t n_join_keys;
    /* output columns come from left cols then right cols listed in join_out */
    int *join_out;             /* >= 0: left col; < 0: right col -(c+1) */

    /* UNION: each input's column i maps to output column union_map[input][i] */
    int **union_map;
    int withsource;            /* output column holding the source name, or -1 */
    msoc_str *source_names;

    /* MVEXPAND: expand columns exprs (col refs), converted to cols[i].type; limit */
    int *expand_cols;
    msoc_type *expand_types;
    size_t n_expand;
    int expand_index_col;      /* with_itemindex output column, or -1 */
};

/* The hidden column every scan carries for ingestion_time(). Hidden columns start
 * with '$': `*` and getschema skip them and results never show them. */
#define MSOC_PLAN_INGESTION_TIME_COL "$IngestionTime"
static inline bool msoc_plan_col_is_hidden(msoc_str name)
{
    return name.len > 0 && name.ptr[0] == '$';
}

/* Prints the plan for `kql explain`-style debugging. */
msoc_status msoc_plan_explain(const msoc_plan_node *node, msoc_buf *out, msoc_error *err);

#endif
