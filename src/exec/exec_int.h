/* exec internals: shared by the .c files of src/exec only. */
#ifndef MSOC_EXEC_EXEC_INT_H
#define MSOC_EXEC_EXEC_INT_H

#include <jansson.h>
#include <stdatomic.h>

#include "core/datetime.h"
#include "core/hashmap.h"
#include "core/vec.h"
#include "exec.h"

/* A slot of a direct-mapped memo keyed by a string view's identity (pointer, length).
 * Dictionary entries sit a few dozen bytes apart, so the pointer is mixed (Fibonacci
 * hashing) rather than masked: low bits alone would map 64-byte hashes to 1 slot in 8. */
static inline size_t msoc_exec__view_slot(const char *p, size_t len, unsigned bits)
{
    return (size_t)((((uint64_t)(uintptr_t)p ^ (uint64_t)len) * 0x9E3779B97F4A7C15ULL) >> (64 - bits));
}

struct msoc_exec_query {
    msoc_arena *arena;
    msoc_exec_options opts;
    msoc_vec jsons;          /* json_t * owned by the query (one ref each) */
    int64_t deadline_ns;
    atomic_bool is_cancelled;
    msoc_hashmap shared;     /* materialize(): node id -> msoc_exec_table *;
                                toscalar()/in (subquery) results -> xval * */
    const struct xgroup *groups; /* mv-apply / partition: the current group per APPLY */
    msoc_error *err;
    /* A scan worker's query: its parent, whose shared map holds the subquery
     * results computed before the workers started (read-only while they run). */
    const struct msoc_exec_query *parent;
};
typedef struct msoc_exec_query xq;

/* One scalar value. */
typedef struct xval {
    msoc_type t;
    bool is_null;
    int64_t i;
    double r;
    msoc_str s;
    json_t *d;
} xval;

static inline xval xv_null(msoc_type t)
{
    xval v = {0};
    v.t = t;
    v.is_null = true;
    return v;
}
static inline xval xv_long(int64_t i)
{
    xval v = {0};
    v.t = MSOC_TYPE_LONG;
    v.i = i;
    return v;
}
static inline xval xv_typed_i(msoc_type t, int64_t i)
{
    xval v = {0};
    v.t = t;
    v.i = i;
    return v;
}
static inline xval xv_real(double r)
{
    xval v = {0};
    v.t = MSOC_TYPE_REAL;
    v.r = r;
    return v;
}
static inline xval xv_bool(bool b)
{
    xval v = {0};
    v.t = MSOC_TYPE_BOOL;
    v.i = b;
    return v;
}
static inline xval xv_str(msoc_str s)
{
    xval v = {0};
    v.t = MSOC_TYPE_STRING;
    v.s = s;
    return v;
}
static inline xval xv_dyn(json_t *d)
{
    xval v = {0};
    v.t = MSOC_TYPE_DYNAMIC;
    v.d = d;
    v.is_null = d == NULL || json_is_null(d);
    return v;
}

static inline bool xtype_is_int(msoc_type t)
{
    return t == MSOC_TYPE_BOOL || t == MSOC_TYPE_INT || t == MSOC_TYPE_LONG ||
           t == MSOC_TYPE_DATETIME || t == MSOC_TYPE_TIMESPAN;
}
static inline bool xtype_is_real(msoc_type t)
{
    return t == MSOC_TYPE_REAL || t == MSOC_TYPE_DECIMAL;
}
static inline bool xtype_is_str(msoc_type t)
{
    return t == MSOC_TYPE_STRING || t == MSOC_TYPE_GUID;
}
static inline bool xtype_is_num(msoc_type t)
{
    return t == MSOC_TYPE_INT || t == MSOC_TYPE_LONG || t == MSOC_TYPE_REAL ||
           t == MSOC_TYPE_DECIMAL;
}

/* ---- memory (value.c) ---- */
/* Allocation that reports the budget failure into q->err and returns NULL. */
void *msoc_exec__alloc(xq *q, size_t size);
void *msoc_exec__calloc(xq *q, size_t n, size_t size);
msoc_str msoc_exec__strdup(xq *q, const char *p, size_t len);
/* Hands one reference of j to the query (freed with it); returns j. */
json_t *msoc_exec__own(xq *q, json_t *j);
/* Fails with MSOC_TIMEOUT/MSOC_CANCELLED when the query must stop. */
msoc_status msoc_exec__check(xq *q);

/* ---- columns and tables (value.c) ---- */
msoc_exec_col *msoc_exec__col_new(xq *q, msoc_type t, size_t n);
/* Same, uninitialised values (the caller writes every row). */
msoc_exec_col *msoc_exec__col_new_raw(xq *q, msoc_type t, size_t n);
void msoc_exec__col_set_null(xq *q, msoc_exec_col *c, size_t row);
static inline bool xcol_null(const msoc_exec_col *c, size_t row)
{
    return c->nulls != NULL && c->nulls[row];
}
xval msoc_exec__col_get(const msoc_exec_col *c, size_t row);
/* Stores v (converted to the column's type) at row. */
void msoc_exec__col_set(xq *q, msoc_exec_col *c, size_t row, xval v);
/* Rows sel[0..n) of c (sel NULL: the first n rows). */
msoc_exec_col *msoc_exec__col_gather(xq *q, const msoc_exec_col *c, const size_t *sel, size_t n);
/* A constant column. */
msoc_exec_col *msoc_exec__col_const(xq *q, xval v, msoc_type t, size_t n);
msoc_exec_table *msoc_exec__table_new(xq *q, size_t n_cols, size_t n_rows);
msoc_exec_table *msoc_exec__table_gather(xq *q, const msoc_exec_table *t, const size_t *sel, size_t n);

/* ---- values (value.c) ---- */
/* Converts v to type t with KQL's to* semantics (null when it does not convert). */
xval msoc_exec__convert(xq *q, xval v, msoc_type t);
/* v as a dynamic value (strings stay strings, datetimes become strings). */
json_t *msoc_exec__to_json(xq *q, xval v);
/* A dynamic value read as a scalar (numbers -> long/real, strings, bools). */
xval msoc_exec__from_json(json_t *j);
/* tostring(). */
msoc_str msoc_exec__to_text(xq *q, xval v);
msoc_status msoc_exec__val_text(xval v, msoc_buf *out);
/* Compact JSON with shortest reals (Kusto's spelling). */
msoc_status msoc_exec__json_write(const json_t *j, msoc_buf *out);
/* Total order for sort/min/max: nulls first; numbers across types. */
int msoc_exec__cmp(xval a, xval b);
bool msoc_exec__eq(xval a, xval b);
uint64_t msoc_exec__hash(xval v);
bool msoc_exec__json_eq(const json_t *a, const json_t *b);
/* Kusto's dynamic type name ("long", "string", "array", "dictionary"...). */
const char *msoc_exec__json_type(const json_t *j);
/* Parses text as JSON (parse_json semantics: invalid text -> the string). */
json_t *msoc_exec__parse_json(xq *q, msoc_str s);
/* Real formatting as Kusto's tostring (shortest; "1" for 1.0). */
msoc_status msoc_exec__real_text(double r, msoc_buf *out);

/* ---- expressions (expr.c) and functions (fn_*.c) ---- */
msoc_status msoc_exec__eval(xq *q, const msoc_plan_expr *e, const msoc_exec_table *in,
                            msoc_exec_col **out);
/* A scalar row function: out = f(args). */
typedef void (*xrow_fn)(xq *q, const xval *args, size_t n_args, xval *out);
/* A vectorised function: fills out (already typed, n rows). */
typedef msoc_status (*xvec_fn)(xq *q, const msoc_plan_expr *e, msoc_exec_col **args,
                               size_t n_args, size_t n, msoc_exec_col *out);
typedef struct xfn_impl {
    xrow_fn row;
    xvec_fn vec;
    bool is_null_propagating; /* a null argument makes the result null (row fns) */
} xfn_impl;
/* The implementation table, indexed by msoc_plan_fn; filled by each fn_*.c. */
const xfn_impl *msoc_exec__fn_impl(msoc_plan_fn fn);
void msoc_exec__fn_register_ops(xfn_impl *t);
void msoc_exec__fn_register_string(xfn_impl *t);
void msoc_exec__fn_register_math(xfn_impl *t);
void msoc_exec__fn_register_time(xfn_impl *t);
void msoc_exec__fn_register_dynamic(xfn_impl *t);
void msoc_exec__fn_register_misc(xfn_impl *t);
void msoc_exec__fn_register_extra(xfn_impl *t);
void msoc_exec__fn_register_series(xfn_impl *t);
void msoc_exec__fn_register_geo(xfn_impl *t);
void msoc_exec__fn_register_geo_s2(xfn_impl *t);
void msoc_exec__fn_register_geo_shape(xfn_impl *t);
void msoc_exec__fn_register_geo_poly(xfn_impl *t);
void msoc_exec__fn_register_hash(xfn_impl *t);
void msoc_exec__fn_register_stat(xfn_impl *t);
void msoc_exec__fn_register_units(xfn_impl *t);
void msoc_exec__fn_register_codec(xfn_impl *t);
void msoc_exec__fn_register_ip6(xfn_impl *t);
void msoc_exec__fn_register_geo_h3(xfn_impl *t);
void msoc_exec__fn_register_text(xfn_impl *t);
void msoc_exec__fn_register_series_more(xfn_impl *t);
void msoc_exec__fn_register_series_fit(xfn_impl *t);
void msoc_exec__fn_register_series_decompose(xfn_impl *t);
void msoc_exec__fn_register_tz(xfn_impl *t);
void msoc_exec__fn_register_sketch(xfn_impl *t);
void msoc_exec__fn_register_inset(xfn_impl *t);
void msoc_exec__fn_register_tail(xfn_impl *t);
void msoc_exec__fn_register_xml(xfn_impl *t);
void msoc_exec__fn_register_useragent(xfn_impl *t);
/* Evaluates every subquery (toscalar, in (T)) of e once into q's cache, so scan
 * workers (whose parent is q) reuse the result instead of re-running it per chunk. */
msoc_status msoc_exec__presub(xq *q, const msoc_plan_expr *e);
/* Vectorised kernels (fast.c): true when it handled the call. */
bool msoc_exec__fast(xq *q, const msoc_plan_expr *e, msoc_exec_col **args, size_t n,
                     msoc_exec_col *out);
/* Window functions over a whole column in row order (fn_window.c). */
msoc_status msoc_exec__window(xq *q, const msoc_plan_expr *e, msoc_exec_col **args,
                              size_t n_args, size_t n, msoc_exec_col *out);
/* has-term matching, shared with the string scans. */
bool msoc_exec__has_term(msoc_str hay, msoc_str term, bool is_cs);
bool msoc_exec__contains(msoc_str hay, msoc_str needle, bool is_cs);

/* ---- regex (regex.c): PCRE2 with a per-query cache ---- */
typedef struct xregex xregex;
xregex *msoc_exec__regex(xq *q, msoc_str pattern);
/* Match at start offset; groups[2*i], groups[2*i+1] are byte offsets (-1 unset). */
/* Number of the named group, or -1. */
int msoc_exec__regex_group(xregex *re, msoc_str name);
int msoc_exec__regex_match(xregex *re, msoc_str subject, size_t start, long *groups, int max_groups);

/* ---- operators (op_*.c) ---- */
msoc_status msoc_exec__node(xq *q, const msoc_plan_node *n, const msoc_exec_table **out);
msoc_status msoc_exec__op_scan(xq *q, const msoc_plan_node *n, const msoc_exec_table **out);
msoc_status msoc_exec__op_values(xq *q, const msoc_plan_node *n, const msoc_exec_table **out);
msoc_status msoc_exec__op_range(xq *q, const msoc_plan_node *n, const msoc_exec_table **out);
msoc_status msoc_exec__op_filter(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                 const msoc_exec_table **out);
msoc_status msoc_exec__op_project(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                  const msoc_exec_table **out);
msoc_status msoc_exec__op_agg(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                              const msoc_exec_table **out);
msoc_status msoc_exec__op_sort(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                               const msoc_exec_table **out);
msoc_status msoc_exec__op_join(xq *q, const msoc_plan_node *n, const msoc_exec_table *l,
                               const msoc_exec_table *r, const msoc_exec_table **out);
msoc_status msoc_exec__op_union(xq *q, const msoc_plan_node *n, const msoc_exec_table **ins,
                                const msoc_exec_table **out);
msoc_status msoc_exec__op_mvexpand(xq *q, const msoc_plan_node *n, const msoc_exec_table *in,
                                   const msoc_exec_table **out);

/* Aggregates beyond the core set (agg_more.c): fills outs[0..agg->n_out) per group
 * from argument columns over n rows mapped to groups by gid; fails by name for an
 * aggregate it does not know. */
msoc_status msoc_exec__agg_more(xq *q, const msoc_plan_agg *agg, msoc_exec_col **args, size_t n,
                                const size_t *gid, size_t n_groups, msoc_exec_col **outs);
/* ---- pipelines (scan_storage.c): a storage scan with the row-local operators
 * above it run per chunk on the pool, ending in a sink ---- */
typedef struct xjoin_ht xjoin_ht;
typedef struct xagg_part xagg_part;
typedef struct xpipe {
    const msoc_plan_node *const *stages; /* bottom-up: FILTER, PROJECT, JOIN (probe) */
    size_t n_stages;
    xjoin_ht *const *joins;              /* per stage: the built right side of a JOIN */
    const msoc_plan_node *agg;           /* partial-aggregation sink, or NULL: collect rows */
    int64_t limit;                       /* collect: stop once this many rows came out; -1 */
} xpipe;
msoc_status msoc_exec__scan_pipe(xq *q, const msoc_plan_node *scan, const xpipe *pipe,
                                 const msoc_exec_table **result);

/* ---- joins (op_join.c) ---- */
/* Whether a join of this kind can stream its left input chunk by chunk against a
 * hash table of its right input (inner, leftouter, leftsemi, leftanti). */
bool msoc_exec__join_is_left_streamable(msoc_plan_join_kind kind);
/* Builds the hash table over r (the join's right input); valid while q lives. */
msoc_status msoc_exec__join_build(xq *q, const msoc_plan_node *n, const msoc_exec_table *r,
                                  xjoin_ht **out);
/* Joins the rows of l against ht (read-only: several threads may probe at once). */
msoc_status msoc_exec__join_probe(xq *q, const msoc_plan_node *n, const xjoin_ht *ht,
                                  const msoc_exec_table *l, const msoc_exec_table **out);

/* ---- summarize (op_agg.c, agg_partial.c) ---- */
typedef struct xgroups {
    size_t n_groups;
    size_t *gid;          /* per row */
    size_t *first_row;    /* per group: a representative row */
    uint64_t *hashes;     /* per group */
} xgroups;
/* Same values as msoc_exec__hash_cols, faster over dictionary-decoded strings (keys.c). */
void msoc_exec__hash_keys(msoc_exec_col **cols, size_t n_cols, size_t n, uint64_t *h);
/* Maps the rows of the key columns to dense group ids (keys.c). */
msoc_status msoc_exec__group_rows(xq *q, msoc_exec_col **keys, size_t n_keys, size_t n, xgroups *g);
/* summarize's grouping: evaluates node's key expressions (exprs[0..n_exprs)) over in
 * into *keys_out and groups its rows (op_agg.c; also the partial path of agg_partial.c). */
msoc_status msoc_exec__group_by_keys(xq *q, const msoc_plan_node *node, const msoc_exec_table *in,
                                     msoc_exec_col ***keys_out, xgroups *g);
/* Whether every aggregate of the summarize node has a mergeable partial state. */
bool msoc_exec__agg_can_partial(const msoc_plan_node *agg);
/* Aggregates one chunk; the partial result's memory comes from keep. */
msoc_status msoc_exec__agg_partial(xq *q, const msoc_plan_node *agg, const msoc_exec_table *in,
                                   msoc_arena *keep, xagg_part **out);
/* Merges the partials (NULL entries skipped) into summarize's output table. */
msoc_status msoc_exec__agg_merge(xq *q, const msoc_plan_node *agg, xagg_part *const *parts,
                                 size_t n_parts, const msoc_exec_table **out);

/* ---- dcount's HyperLogLog (dcount_sketch.c) ---- */
typedef struct xhll {
    uint8_t p;           /* 2^p registers once dense */
    uint32_t n_exact;    /* values in the exact set (small cardinalities) */
    uint32_t cap;        /* exact set slots (power of two); 0 when dense or empty */
    uint64_t *set;       /* mixed hashes, 0 = empty slot */
    uint8_t *regs;       /* dense registers, NULL while exact */
} xhll;
/* The register precision for dcount's accuracy argument (0..4, Kusto's levels). */
int msoc_exec__dsk_precision(int64_t accuracy);
void msoc_exec__dsk_init(xhll *h, int p);
/* Adds a value hash (msoc_exec__hash); false when the arena budget is exhausted. */
bool msoc_exec__dsk_add(msoc_arena *a, xhll *h, uint64_t hash);
bool msoc_exec__dsk_merge(msoc_arena *a, xhll *dst, const xhll *src);
int64_t msoc_exec__dsk_estimate(const xhll *h);

/* Sketches (fn_sketch.c), shared with the aggregates of agg_more.c. A digest of
 * vals[i] with weight counts[i] (1 each when counts is NULL); NULL for none. */
json_t *msoc_exec__tdigest_build(xq *q, json_t **vals, const double *counts, size_t n);
/* HyperLogLog: adds hash h to 2^p registers; builds a sketch value from sorted
 * distinct hashes (regs NULL) or from registers; merges sketches of one p. */
void msoc_exec__hll_add(uint8_t *regs, int p, uint64_t h);
json_t *msoc_exec__hll_value(xq *q, int p, const uint64_t *hs, size_t n, const uint8_t *regs);
bool msoc_exec__hll_merge(xq *q, const json_t *const *hs, size_t n_hs, json_t **out);

/* Row hashing/equality over several key columns (joins, summarize, distinct). */
uint64_t msoc_exec__row_hash(msoc_exec_col **cols, size_t n_cols, size_t row);
/* Vectorised row hashes over key columns (same values as row_hash), and a typed
 * key equality. */
void msoc_exec__hash_cols(msoc_exec_col **cols, size_t n_cols, size_t n, uint64_t *h);
bool msoc_exec__key_eq(msoc_exec_col **a, size_t ra, msoc_exec_col **b, size_t rb, size_t n_cols);
bool msoc_exec__row_eq(msoc_exec_col **a, size_t ra, msoc_exec_col **b, size_t rb, size_t n_cols);

/* The newer operators (mv-apply, partition, evaluate plugins, ...). */
#include "exec_ops.h"

#endif
