/* The query context and the plan walker. */
#include <string.h>
#include <stdio.h>
#include <time.h>

#include "core/mem.h"
#include "exec_int.h"

msoc_exec_query *msoc_exec_query_new(const msoc_exec_options *opts)
{
    msoc_exec_query *q = msoc_calloc(1, sizeof *q);
    if (opts)
        q->opts = *opts;
    if (q->opts.memory_budget == 0)
        q->opts.memory_budget = (size_t)1 << 30;
    if (q->opts.timeout_s <= 0)
        q->opts.timeout_s = 600;
    if (q->opts.max_rows == 0)
        q->opts.max_rows = 100000;
    if (q->opts.now == 0)
        q->opts.now = msoc_datetime_now();
    q->arena = msoc_arena_new(NULL, q->opts.memory_budget, "query");
    msoc_vec_init(&q->jsons, sizeof(json_t *), (size_t)1 << 28);
    msoc_hashmap_init(&q->shared, q->arena, 0);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    q->deadline_ns = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec +
                     (int64_t)(q->opts.timeout_s * 1e9);
    atomic_init(&q->is_cancelled, false);
    return q;
}

void msoc_exec_query_free(msoc_exec_query *q)
{
    if (q == NULL)
        return;
    for (size_t i = 0; i < q->jsons.n; i++)
        json_decref(MSOC_VEC_AT(&q->jsons, json_t *, i));
    msoc_vec_fini(&q->jsons);
    msoc_hashmap_fini(&q->shared);
    msoc_arena_free(q->arena);
    msoc_free(q);
}

msoc_arena *msoc_exec_query_arena(msoc_exec_query *q)
{
    return q->arena;
}

void msoc_exec_cancel(msoc_exec_query *q)
{
    atomic_store(&q->is_cancelled, true);
}

msoc_status msoc_exec__op_scan(xq *q, const msoc_plan_node *n, const msoc_exec_table **out)
{
    if (q->opts.source == NULL && q->opts.db != NULL) {
        xpipe pipe = {NULL, 0, NULL, NULL, -1};
        return msoc_exec__scan_pipe(q, n, &pipe, out);
    }
    if (q->opts.source == NULL || q->opts.source->scan == NULL)
        return msoc_fail(q->err, MSOC_UNAVAILABLE, "no data source: table '%.*s' cannot be read",
                         (int)n->table_name.len, n->table_name.ptr);
    msoc_exec_table *t = msoc_exec__calloc(q, 1, sizeof *t);
    if (t == NULL)
        return q->err->code;
    msoc_status st = q->opts.source->scan(q->opts.source->ctx, n, q->arena, t, q->err);
    if (st != MSOC_OK)
        return st;
    *out = t;
    return MSOC_OK;
}

static bool expr_is_row_local(const msoc_plan_expr *e)
{
    if (e == NULL)
        return true;
    if (e->kind == MSOC_PLAN_X_CALL && msoc_plan_fn_get(e->fn)->kind == MSOC_PLAN_FK_WINDOW)
        return false;
    for (size_t i = 0; i < e->n_args; i++)
        if (!expr_is_row_local(e->args[i]))
            return false;
    return true;
}

/* Whether n can run per scan chunk above its first input. */
static bool is_pipeline_stage(const msoc_plan_node *n)
{
    switch (n->kind) {
    case MSOC_PLAN_FILTER: return expr_is_row_local(n->pred);
    case MSOC_PLAN_PROJECT:
        if (n->n_inputs != 1)
            return false;
        for (size_t i = 0; i < n->n_exprs; i++)
            if (!expr_is_row_local(n->exprs[i]))
                return false;
        return true;
    case MSOC_PLAN_JOIN: return n->n_inputs == 2 && msoc_exec__join_is_left_streamable(n->join_kind);
    default: return false;
    }
}

#define MAX_STAGES 64

/* Runs n as a scan pipeline when its shape allows; *is_done tells whether it did. */
static msoc_status run_pipeline(xq *q, const msoc_plan_node *n, const msoc_exec_table **out, bool *is_done)
{
    xpipe pipe = {NULL, 0, NULL, NULL, -1};
    const msoc_plan_node *cur = n;
    if (n->kind == MSOC_PLAN_AGG && msoc_exec__agg_can_partial(n)) {
        pipe.agg = n;
        cur = n->inputs[0];
    } else if (n->kind == MSOC_PLAN_LIMIT) {
        pipe.limit = n->limit;
        cur = n->inputs[0];
    }
    const msoc_plan_node *chain[MAX_STAGES];
    size_t n_chain = 0;
    while (n_chain < MAX_STAGES && is_pipeline_stage(cur)) {
        chain[n_chain++] = cur;
        cur = cur->inputs[0];
    }
    if (cur->kind != MSOC_PLAN_SCAN || (n_chain == 0 && pipe.agg == NULL && pipe.limit < 0))
        return MSOC_OK;
    const msoc_plan_node **stages = msoc_exec__calloc(q, n_chain + 1, sizeof *stages);
    xjoin_ht **joins = msoc_exec__calloc(q, n_chain + 1, sizeof *joins);
    if (stages == NULL || joins == NULL)
        return q->err->code;
    for (size_t i = 0; i < n_chain; i++) {
        const msoc_plan_node *sn = chain[n_chain - 1 - i];
        stages[i] = sn;
        if (sn->kind != MSOC_PLAN_JOIN)
            continue;
        /* the right side first (the smaller one by Kusto's convention), then the
         * scan streams through the probe */
        const msoc_exec_table *r;
        msoc_status st = msoc_exec__node(q, sn->inputs[1], &r);
        if (st != MSOC_OK)
            return st;
        st = msoc_exec__join_build(q, sn, r, &joins[i]);
        if (st != MSOC_OK)
            return st;
    }
    pipe.stages = stages;
    pipe.n_stages = n_chain;
    pipe.joins = joins;
    const msoc_exec_table *t;
    msoc_status st = msoc_exec__scan_pipe(q, cur, &pipe, &t);
    if (st != MSOC_OK)
        return st;
    if (pipe.limit >= 0 && t->n_rows > (size_t)pipe.limit) {
        msoc_exec_table *c = msoc_exec__table_gather(q, t, NULL, (size_t)pipe.limit);
        if (c == NULL)
            return q->err->code;
        t = c;
    }
    *out = t;
    *is_done = true;
    return MSOC_OK;
}

msoc_status msoc_exec__node(xq *q, const msoc_plan_node *n, const msoc_exec_table **out)
{
    msoc_status st = msoc_exec__check(q);
    if (st != MSOC_OK)
        return st;
    /* [SUMMARIZE | LIMIT] (FILTER | PROJECT | JOIN)* SCAN over storage: one
     * pipelined parallel pass */
    if (q->opts.source == NULL && q->opts.db != NULL && !q->opts.is_pipeline_off) {
        bool is_done = false;
        st = run_pipeline(q, n, out, &is_done);
        if (st != MSOC_OK || is_done)
            return st;
    }
    const msoc_exec_table *in = NULL;
    if (n->kind != MSOC_PLAN_UNION && n->kind != MSOC_PLAN_JOIN && n->n_inputs > 0 &&
        n->kind != MSOC_PLAN_SHARED) {
        st = msoc_exec__node(q, n->inputs[0], &in);
        if (st != MSOC_OK)
            return st;
    }
    switch (n->kind) {
    case MSOC_PLAN_SCAN: return msoc_exec__op_scan(q, n, out);
    case MSOC_PLAN_VALUES: return msoc_exec__op_values(q, n, out);
    case MSOC_PLAN_RANGE: return msoc_exec__op_range(q, n, out);
    case MSOC_PLAN_FILTER: return msoc_exec__op_filter(q, n, in, out);
    case MSOC_PLAN_PROJECT: return msoc_exec__op_project(q, n, in, out);
    case MSOC_PLAN_AGG: return msoc_exec__op_agg(q, n, in, out);
    case MSOC_PLAN_SORT: return msoc_exec__op_sort(q, n, in, out);
    case MSOC_PLAN_MVEXPAND: return msoc_exec__op_mvexpand(q, n, in, out);
    case MSOC_PLAN_APPLY: return msoc_exec__op_apply(q, n, in, out);
    case MSOC_PLAN_GROUP: return msoc_exec__op_group(q, n, out);
    case MSOC_PLAN_EVALUATE: return msoc_exec__op_evaluate(q, n, in, out);
    case MSOC_PLAN_REBIND: return msoc_exec__op_rebind(q, n, in, out);
    case MSOC_PLAN_LIMIT: {
        size_t keep = in->n_rows;
        if (n->limit >= 0 && (size_t)n->limit < keep)
            keep = (size_t)n->limit;
        if (keep == in->n_rows) {
            *out = in;
            return MSOC_OK;
        }
        msoc_exec_table *t = msoc_exec__table_gather(q, in, NULL, keep);
        if (t == NULL)
            return q->err->code;
        *out = t;
        return MSOC_OK;
    }
    case MSOC_PLAN_JOIN: {
        const msoc_exec_table *l, *r;
        st = msoc_exec__node(q, n->inputs[0], &l);
        if (st != MSOC_OK)
            return st;
        st = msoc_exec__node(q, n->inputs[1], &r);
        if (st != MSOC_OK)
            return st;
        return msoc_exec__op_join(q, n, l, r, out);
    }
    case MSOC_PLAN_UNION: {
        const msoc_exec_table **ins = msoc_exec__calloc(q, n->n_inputs + 1, sizeof *ins);
        if (ins == NULL)
            return q->err->code;
        for (size_t i = 0; i < n->n_inputs; i++) {
            st = msoc_exec__node(q, n->inputs[i], &ins[i]);
            if (st != MSOC_OK)
                return st;
        }
        return msoc_exec__op_union(q, n, ins, out);
    }
    case MSOC_PLAN_SHARED: {
        char key[32];
        int len = snprintf(key, sizeof key, "\x02node:%d", n->id);
        void **slot = msoc_hashmap_get(&q->shared, key, (size_t)len);
        if (slot && *slot) {
            *out = *slot;
            return MSOC_OK;
        }
        st = msoc_exec__node(q, n->inputs[0], out);
        if (st != MSOC_OK)
            return st;
        st = msoc_hashmap_put(&q->shared, key, (size_t)len, (void *)(uintptr_t)*out);
        return st == MSOC_OK ? MSOC_OK : msoc_fail(q->err, st, "materialize cache is full");
    }
    }
    return msoc_fail(q->err, MSOC_INTERNAL, "unknown plan node kind %d", (int)n->kind);
}

msoc_status msoc_exec_run(msoc_exec_query *q, const msoc_plan_node *plan,
                          const msoc_exec_table **out, msoc_error *err)
{
    q->err = err;
    const msoc_exec_table *t;
    msoc_status st = msoc_exec__node(q, plan, &t);
    if (st != MSOC_OK)
        return st;
    size_t n_visible = 0;
    for (size_t c = 0; c < t->n_cols; c++)
        n_visible += !msoc_plan_col_is_hidden(t->names[c]);
    if (n_visible < t->n_cols) {
        msoc_exec_table *v = msoc_exec__table_new(q, n_visible, t->n_rows);
        if (v == NULL)
            return err->code;
        for (size_t c = 0, k = 0; c < t->n_cols; c++) {
            if (msoc_plan_col_is_hidden(t->names[c]))
                continue;
            v->names[k] = t->names[c];
            v->cols[k++] = t->cols[c];
        }
        t = v;
    }
    if (t->n_rows > q->opts.max_rows) {
        msoc_exec_table *c = msoc_exec__table_gather(q, t, NULL, q->opts.max_rows);
        if (c == NULL)
            return err->code;
        c->is_truncated = true;
        t = c;
    }
    *out = t;
    return MSOC_OK;
}
