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
    MSOC_PLAN_R_COLUMNS,   /* several columns at the top of project/extend/print
                            * (msoc_plan_fn_columns); a dynamic array of them elsewhere */
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
/* The columns an R_COLUMNS function spreads into. Names are Kusto's defaults:
 * per_arg: "<arg>_<suffix>" for each array argument (array_sort_*); otherwise
 * "<function>_<arg>_<suffix>" for each of cols. */
typedef struct msoc_plan_fn_col {
    const char *suffix;
    msoc_type type;
} msoc_plan_fn_col;
typedef struct msoc_plan_fn_cols {
    const msoc_plan_fn_col *cols;
    size_t n;
    bool per_arg;
} msoc_plan_fn_cols;
/* The columns of fn over arguments of these types; n == 1 when it gives one column. */
msoc_plan_fn_cols msoc_plan_fn_columns(msoc_plan_fn fn, const msoc_type *arg_types, size_t n_args);
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
    MSOC_PLAN_APPLY,     /* mv-apply / partition: inputs[1] (the sub-plan) runs once per
                          * group of inputs[0]; see apply_* */
    MSOC_PLAN_GROUP,     /* leaf of an APPLY's sub-plan: the current group's rows
                          * (apply_id names the APPLY) */
    MSOC_PLAN_EVALUATE,  /* whole-table operators and evaluate plugins: eval_op says
                          * which; inputs[1..] are extra tables (lookup tables) */
    MSOC_PLAN_REBIND,    /* an operator whose output columns depend on the data
                          * (bag_unpack, pivot): the back end runs inputs[0], works
                          * out the columns and binds the query again with them
                          * (rebind_* fields) */
} msoc_plan_kind;

/* Whole-table operators and plugins (MSOC_PLAN_EVALUATE). */
typedef enum msoc_plan_eval_op {
    MSOC_PLAN_EV_BAG_UNPACK,      /* args: bag column; columns from eval_cols */
    MSOC_PLAN_EV_PIVOT,           /* args: pivot column, aggregate input; keys */
    MSOC_PLAN_EV_NARROW,
    MSOC_PLAN_EV_ROWS_NEAR,       /* args: predicate, before, [after] */
    MSOC_PLAN_EV_IP_LOOKUP,       /* inputs[1] = lookup table; args: ip, [return_unmatched] */
    MSOC_PLAN_EV_ACTIVITY_COUNTS, /* args: id, time, start, end, window[, dim...] */
    MSOC_PLAN_EV_SLIDING_COUNTS,  /* args: id, time, start, end, lookback, bin[, dim...] */
    MSOC_PLAN_EV_ACTIVE_USERS,    /* args: id, time, start, end, lookback, period, n, bin */
    MSOC_PLAN_EV_ROLLING_PCT,     /* args: value, pct, time, bin, window[, dim...] */
    MSOC_PLAN_EV_SCAN,            /* eval_data: const msoc_plan_scan * */
    MSOC_PLAN_EV_TOP_NESTED,      /* eval_data: const msoc_plan_top_nested * */
    MSOC_PLAN_EV_REDUCE,          /* args: string expr; eval_lit: characters */
    MSOC_PLAN_EV_MAKE_SERIES,     /* eval_data: const msoc_plan_make_series * */
    MSOC_PLAN_EV_SAMPLE,          /* limit = n */
    MSOC_PLAN_EV_SAMPLE_DISTINCT, /* args: expr; limit = n */
    MSOC_PLAN_EV_TOP_HITTERS,     /* args: of expr, [by expr]; limit = n */
    MSOC_PLAN_EV_PARSE_KV,        /* args: source; eval_data: const msoc_plan_parse_kv * */
    MSOC_PLAN_EV_GEO_LOOKUP,      /* geo_polygon_lookup / geo_line_lookup: inputs[1] = lookup
                                   * table; args: key (over it), lng, lat[, radius];
                                   * eval_flags: 1 return_unmatched, 2 line, 4 return_lookup_key */
} msoc_plan_eval_op;

/* scan: steps over the serialized input. Expressions are bound over a row of
 * n_in input columns, then n_decl declared columns, then for each step k the
 * (n_in + n_decl) columns of that step's state ("sK.col"). */
typedef struct msoc_plan_scan_step {
    msoc_plan_expr *cond;
    int *assign_cols;            /* declared column index (0-based among declared) */
    msoc_plan_expr **assign;
    size_t n_assign;
    int output;                  /* 0 all, 1 last, 2 none */
    bool is_optional;
} msoc_plan_scan_step;

typedef struct msoc_plan_scan {
    size_t n_in, n_decl;
    msoc_plan_expr **decl_defaults; /* n_decl constant expressions */
    msoc_plan_scan_step *steps;
    size_t n_steps;
    bool has_match_id;
} msoc_plan_scan;

/* top-nested: one level per entry; exprs bound over the input. */
typedef struct msoc_plan_top_level {
    int64_t n;                   /* -1: all */
    msoc_plan_expr *of;          /* the grouping value */
    msoc_plan_fn agg;            /* aggregate of the level */
    msoc_plan_expr *agg_arg;     /* NULL for count() */
    bool is_asc;
    bool has_others;
    msoc_plan_expr *others;      /* `with others = v` value */
} msoc_plan_top_level;

typedef struct msoc_plan_top_nested {
    msoc_plan_top_level *levels;
    size_t n_levels;
} msoc_plan_top_nested;

/* make-series: per group of keys, one array per aggregate over the axis. */
typedef struct msoc_plan_make_series {
    msoc_plan_expr **keys;       /* n_keys group keys (output cols 0..n_keys-1) */
    size_t n_keys;
    struct msoc_plan_agg *aggs;  /* n_aggs (output cols after the keys) */
    msoc_plan_expr **defaults;   /* per aggregate: constant default or NULL */
    size_t n_aggs;
    msoc_plan_expr *axis;
    msoc_plan_expr *from, *to, *step; /* constants; from/to may be NULL */
    bool is_nonempty;
} msoc_plan_make_series;

/* parse-kv */
typedef struct msoc_plan_parse_kv {
    msoc_str pair_delim, kv_delim, quote, escape; /* empty: not set */
    bool has_regex, is_greedy;
    msoc_str regex;
    size_t first_col;            /* output column of the first extracted key */
    size_t n_keys;
} msoc_plan_parse_kv;

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
    uint32_t line, col_no;     /* the operator's position (EVALUATE, APPLY: run-time errors) */
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

    /* APPLY: apply_part_col >= 0 groups inputs[0] by that column (partition),
     * else each input row is a group (mv-apply). Output column c comes from the
     * sub-plan's column apply_out[c] (>= 0) or the group row's column
     * -(apply_out[c] + 1) (mv-apply only). GROUP: apply_id = the APPLY's id. */
    int apply_part_col;
    int *apply_out;
    int apply_id;

    /* EVALUATE */
    msoc_plan_eval_op eval_op;
    msoc_plan_expr **eval_args;  /* bound over inputs[0] (or constants) */
    size_t n_eval_args;
    const void *eval_data;       /* op-specific (msoc_plan_scan, ...) */
    msoc_str eval_text;          /* op-specific text (bag_unpack prefix, reduce characters) */
    int eval_flags;              /* op-specific (bag_unpack: 1 = keep source columns that
                                  * clash, 2 = replace them; ip lookup: 1 = return_unmatched,
                                  * 2 = IPv6) */
    const void *rebound_table;   /* set on a REBIND's second round: the back end's own
                                  * result for this node (bag_unpack, pivot) */

    /* REBIND: what the back end needs to bind the query again once inputs[0] ran */
    const void *rebind_script;   /* const msoc_kql_node * */
    const void *rebind_catalog;  /* const msoc_plan_catalog * (a copy in the arena) */
    const void *rebind_site;     /* const msoc_kql_node * of the operator */
    int rebind_ordinal;          /* how many times the binder met rebind_site before */
    const void *rebind_hints;    /* const msoc_plan_hint *: the hints of this bind */
};

/* The hidden column every scan carries for ingestion_time(). Hidden columns start
 * with '$': `*` and getschema skip them and results never show them. */
#define MSOC_PLAN_INGESTION_TIME_COL "$IngestionTime"
/* search's table-name column: starts with '$' as Kusto spells it, yet visible. */
#define MSOC_PLAN_SEARCH_TABLE_COL "$table"
static inline bool msoc_plan_col_is_hidden(msoc_str name)
{
    return name.len > 0 && name.ptr[0] == '$' &&
           !(name.len == 6 && memcmp(name.ptr, MSOC_PLAN_SEARCH_TABLE_COL, 6) == 0);
}

/* Prints the plan for `kql explain`-style debugging. */
msoc_status msoc_plan_explain(const msoc_plan_node *node, msoc_buf *out, msoc_error *err);

#endif
