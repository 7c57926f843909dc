/* The executor: runs a bound plan (plan/plan.h) over column batches and returns a
 * result table. One msoc_exec_query per query: it owns the query arena (with the
 * memory budget), the deadline and the result. */
#ifndef MSOC_EXEC_EXEC_H
#define MSOC_EXEC_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/pool.h"
#include "core/str.h"
#include "core/types.h"
#include "plan/plan.h"

struct json_t;
struct msoc_stor_db;

/* A column of a result or intermediate table. Values by type:
 *   BOOL, INT, LONG, DATETIME, TIMESPAN  v.i (int64)
 *   REAL, DECIMAL                        v.r (double)
 *   STRING, GUID                         v.s (views into the query arena or storage)
 *   DYNAMIC                              v.d (jansson values, owned by the query)
 * nulls: one byte per row, 1 = null; NULL when no row is null. */
typedef struct msoc_exec_col {
    msoc_type type;
    size_t n;
    bool is_absent;     /* not read (projection push-down): every row reads as null */
    uint8_t *nulls;
    union {
        int64_t *i;
        double *r;
        msoc_str *s;
        struct json_t **d;
    } v;
} msoc_exec_col;

typedef struct msoc_exec_table {
    size_t n_rows;
    size_t n_cols;
    msoc_str *names;
    msoc_exec_col **cols;
    bool is_truncated;      /* the result row cap cut it */
} msoc_exec_table;

/* Where stored tables come from: the storage layer (or a test) implements it. It must
 * return only rows of the partitions listed in the scan node (the binder put only
 * authorised ones there). */
typedef struct msoc_exec_source {
    void *ctx;
    /* Fills *out with the rows of node->table_name over node->parts, columns
     * node->scan_cols, honouring node->time_lo/hi when it can (the executor filters
     * again). Memory from arena. */
    msoc_status (*scan)(void *ctx, const msoc_plan_node *node, msoc_arena *arena,
                        msoc_exec_table *out, msoc_error *err);
} msoc_exec_source;

typedef struct msoc_exec_options {
    msoc_pool *pool;            /* NULL: serial */
    size_t memory_budget;       /* bytes for the query arena; 0 = 1 GiB */
    double timeout_s;           /* 0 = 600 s */
    size_t max_rows;            /* result cap; 0 = 100,000 */
    int64_t now;                /* now() for the whole query; 0 = the wall clock */
    const msoc_exec_source *source; /* a custom data source (tests), or NULL */
    struct msoc_stor_db *db;    /* else stored tables come from this database */
    /* Called on each plan the query binds again while it runs (bag_unpack and pivot
     * bind the rest of the query once their input ran), before it is optimised, so a
     * caller that rewrites the plan it gave msoc_exec_run (the Kusto time window)
     * rewrites these the same way. NULL: none. */
    msoc_status (*on_rebind)(void *ud, msoc_plan_node *plan, msoc_arena *a, msoc_error *err);
    void *on_rebind_ud;
    bool is_pipeline_off;       /* tests: run scans, filters, joins and summarize one
                                   operator at a time instead of pipelined per chunk */
} msoc_exec_options;

typedef struct msoc_exec_query msoc_exec_query;

/* A query context. Returns owned; never NULL. */
msoc_exec_query *msoc_exec_query_new(const msoc_exec_options *opts);
void msoc_exec_query_free(msoc_exec_query *q);
/* The arena for the plan (so the plan lives as long as the query). */
msoc_arena *msoc_exec_query_arena(msoc_exec_query *q);
/* Runs plan; *out (owned by q) stays valid until msoc_exec_query_free. */
msoc_status msoc_exec_run(msoc_exec_query *q, const msoc_plan_node *plan,
                          const msoc_exec_table **out, msoc_error *err);
/* Asks a running query to stop (thread-safe). */
void msoc_exec_cancel(msoc_exec_query *q);

/* Whether exec implements fn (the registry may list functions it does not). */
bool msoc_exec_fn_is_implemented(msoc_plan_fn fn);

typedef enum msoc_exec_format {
    MSOC_EXEC_FMT_TABLE, MSOC_EXEC_FMT_JSON, MSOC_EXEC_FMT_CSV,
} msoc_exec_format;

/* Writes one cell as KQL's tostring() does (datetime with 7 fraction digits,
 * dynamic as compact JSON, null as ""). */
msoc_status msoc_exec_cell_text(const msoc_exec_col *c, size_t row, msoc_buf *out);
/* Writes one cell as a JSON value (the oracle's encoding). */
msoc_status msoc_exec_cell_json(const msoc_exec_col *c, size_t row, msoc_buf *out);
/* Renders the table. */
msoc_status msoc_exec_table_write(const msoc_exec_table *t, msoc_exec_format fmt,
                                  msoc_buf *out, msoc_error *err);

#endif
