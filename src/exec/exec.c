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
    if (q->opts.source == NULL && q->opts.db != NULL)
        return msoc_exec__scan_storage(q, n, NULL, 0, -1, out);
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

msoc_status msoc_exec__node(xq *q, const msoc_plan_node *n, const msoc_exec_table **out)
{
    msoc_status st = msoc_exec__check(q);
    if (st != MSOC_OK)
        return st;
    /* [LIMIT] FILTER* SCAN over storage: one fused parallel pass */
    if (q->opts.source == NULL && q->opts.db != NULL &&
        (n->kind == MSOC_PLAN_FILTER || n->kind == MSOC_PLAN_LIMIT)) {
        const msoc_plan_node *chain[64];
        size_t n_chain = 0;
        int64_t limit = n->kind == MSOC_PLAN_LIMIT ? n->limit : -1;
        const msoc_plan_node *cur = n->kind == MSOC_PLAN_LIMIT ? n->inputs[0] : n;
        /* take over project: the projection keeps the row count, so the limit
         * still stops the scan early */
        const msoc_plan_node *proj = NULL;
        if (limit >= 0 && cur->kind == MSOC_PLAN_PROJECT && cur->n_inputs == 1) {
            bool is_row_local = true;
            for (size_t i = 0; i < cur->n_exprs; i++)
                if (cur->exprs[i]->kind == MSOC_PLAN_X_CALL &&
                    msoc_plan_fn_get(cur->exprs[i]->fn)->kind == MSOC_PLAN_FK_WINDOW)
                    is_row_local = false;
            if (is_row_local) {
                proj = cur;
                cur = cur->inputs[0];
            }
        }
        while (cur->kind == MSOC_PLAN_FILTER && n_chain < 64) {
            chain[n_chain++] = cur;
            cur = cur->inputs[0];
        }
        if (cur->kind == MSOC_PLAN_SCAN && (n_chain > 0 || limit >= 0)) {
            const msoc_plan_node *bottom_up[64];
            for (size_t i = 0; i < n_chain; i++)
                bottom_up[i] = chain[n_chain - 1 - i];
            const msoc_exec_table *t;
            st = msoc_exec__scan_storage(q, cur, bottom_up, n_chain, limit, &t);
            if (st != MSOC_OK)
                return st;
            if (limit >= 0 && t->n_rows > (size_t)limit) {
                msoc_exec_table *c = msoc_exec__table_gather(q, t, NULL, (size_t)limit);
                if (c == NULL)
                    return q->err->code;
                t = c;
            }
            if (proj)
                return msoc_exec__op_project(q, proj, t, out);
            *out = t;
            return MSOC_OK;
        }
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
