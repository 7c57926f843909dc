/* The binder: KQL AST (kql/ast.h) -> bound logical plan (plan.h), against a catalog
 * that holds only the partitions (tenant, workspace) the caller may read. This is
 * where tenant isolation is enforced for queries: every SCAN the binder makes lists
 * partitions taken from the catalog and nowhere else, whatever the query shape
 * (union, join, let, materialize, workspace(), table()). */
#ifndef MSOC_PLAN_BIND_H
#define MSOC_PLAN_BIND_H

#include "kql/ast.h"
#include "plan/plan.h"
#include "storage/catalog.h"

/* What a back end worked out for an operator whose output columns depend on the
 * data (a MSOC_PLAN_REBIND node): the binder uses these columns, and the table, the
 * next time it meets the same operator (site, ordinal). */
typedef struct msoc_plan_hint {
    const void *site;           /* the operator's AST node */
    int ordinal;                /* how many times the binder met the site before */
    const msoc_plan_col *cols;
    size_t n_cols;
    const void *table;          /* the back end's result (node->rebound_table) */
    const struct msoc_plan_hint *next;
} msoc_plan_hint;

typedef struct msoc_plan_catalog {
    /* The authorised partitions. workspace {NULL,0}: every workspace of the tenant. */
    const msoc_plan_part *parts;
    size_t n_parts;
    /* Table lookup (built-in + custom); NULL uses the built-in catalog only. */
    const msoc_stor_table_def *(*find_table)(void *ctx, const char *name, size_t len);
    void *ctx;
    int64_t now;     /* now() in ticks, for constant folding of ago()/now() */
    /* Objects stored in the authorised partitions, resolved at bind time (NULL:
     * none; exec/objects.h supplies both). watchlist_columns: the item columns of
     * watchlist alias in first-seen order, *n_out 0 when no authorised partition
     * has it. stored_function: the definition "(params) { body }" of a stored
     * function (.create function), def_out {NULL,0} when there is none. Results
     * live in arena. */
    msoc_status (*watchlist_columns)(void *ctx, const char *alias, size_t len, msoc_arena *arena,
                                     msoc_str **names_out, size_t *n_out, msoc_error *err);
    msoc_status (*stored_function)(void *ctx, const char *name, size_t len, msoc_arena *arena,
                                   msoc_str *def_out, msoc_error *err);
    /* The tables holding rows in the authorised partitions, for `search` and `find`
     * over every table (and their wildcards): names in arena, sorted. NULL: every
     * built-in table. Called with objects_ctx. */
    msoc_status (*tables_held)(void *ctx, msoc_arena *arena, msoc_str **names_out, size_t *n_out,
                               msoc_error *err);
    void *objects_ctx;
} msoc_plan_catalog;

/* Binds a SCRIPT (or a single query expression) into *out (arena-allocated).
 * Errors: MSOC_SEMANTIC (unknown table/column/function, wrong arity, with line:col),
 * MSOC_UNSUPPORTED ("not supported: <name>"), MSOC_LIMIT (arena budget). */
msoc_status msoc_plan_bind(const msoc_kql_node *script, const msoc_plan_catalog *cat,
                           msoc_arena *arena, msoc_plan_node **out, msoc_error *err);

/* Binds the query of a MSOC_PLAN_REBIND node again, with hint describing the node's
 * output (hint->next must be the node's rebind_hints, the hints it was bound with).
 * Same catalog, hence the same authorised partitions. */
msoc_status msoc_plan_rebind(const msoc_plan_node *rebind, msoc_plan_hint *hint, msoc_arena *arena,
                             msoc_plan_node **out, msoc_error *err);
/* The text of the query behind _GetWatchlist(alias) without its column
 * projection: one row per current item, columns WatchlistItem and _DTTimestamp
 * (oldest first), for finding the item columns. */
msoc_status msoc_plan_watchlist_items_text(msoc_str alias, msoc_buf *out);

/* The built-in functions called as tables (bind_builtin.c), for docs. */
size_t msoc_plan_builtin_count(void);
const char *msoc_plan_builtin_at(size_t idx, const char **form, const char **note);

/* The tabular operators and whether the binder supports them (for docs). */
size_t msoc_plan_operator_count(void);
const char *msoc_plan_operator_at(size_t idx, bool *is_supported, const char **note);

/* Optimiser entry point: runs every rule (rule_*.c) in order. */
msoc_status msoc_plan_optimize(msoc_plan_node *root, msoc_arena *arena, msoc_error *err);

/* Rules (one per file). */
void msoc_plan_rule_tenant_prune(msoc_plan_node *root);
void msoc_plan_rule_time_range(msoc_plan_node *root);
void msoc_plan_rule_prune_columns(msoc_plan_node *root, msoc_arena *arena);

#endif
