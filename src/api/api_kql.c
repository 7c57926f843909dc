/* The hunting entry of the API: routes runHuntingQuery (api_hunt.c) and the Kusto
 * REST endpoints (api_kusto.c), and holds what they share: the tenant scope of a
 * request (from msoc_auth_scope only), running a query through kql -> plan ->
 * exec over the server's store, result cells and type names, hunting errors. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api_kql.h"
#include "exec/objects.h"
#include "core/datetime.h"
#include "core/mem.h"
#include "kql/kql.h"
#include "plan/bind.h"
#include "storage/storage.h"

/* ---- routing ------------------------------------------------------------------------- */

static bool seg_is(const api_req *r, int i, const char *s)
{
    return i < r->n_seg && strcmp(r->seg[i], s) == 0;
}

bool msoc_api__kql_route(api_req *r)
{
    enum { NONE, HUNT, Q1, Q2, MGMT } which = NONE;
    if (r->n_seg == 3 && seg_is(r, 0, "v1.0") && seg_is(r, 1, "security") && seg_is(r, 2, "runHuntingQuery"))
        which = HUNT;
    else if (r->n_seg == 3 && seg_is(r, 1, "rest") && seg_is(r, 0, "v1") && seg_is(r, 2, "query"))
        which = Q1;
    else if (r->n_seg == 3 && seg_is(r, 1, "rest") && seg_is(r, 0, "v2") && seg_is(r, 2, "query"))
        which = Q2;
    else if (r->n_seg == 3 && seg_is(r, 1, "rest") && seg_is(r, 0, "v1") && seg_is(r, 2, "mgmt"))
        which = MGMT;
    if (which == NONE)
        return false;
    if (strcmp(r->http->method, "POST") != 0) {
        msoc_api__error(r, MSOC_UNSUPPORTED, "%s is not supported on %.100s; use POST", r->http->method,
                        r->http->path);
        return true;
    }
    if (r->api->stor == NULL) {
        msoc_api__error(r, MSOC_UNAVAILABLE, "hunting is not available: this server has no event store open");
        return true;
    }
    switch (which) {
    case HUNT: msoc_api__hunt_graph(r); break;
    case Q1: msoc_api__kusto_query(r, 1); break;
    case Q2: msoc_api__kusto_query(r, 2); break;
    default: msoc_api__kusto_mgmt(r); break;
    }
    return true;
}

/* ---- scope ---------------------------------------------------------------------------- */

msoc_status kq_scope_open(api_req *r, msoc_auth_action act, const char *database, kq_scope *out,
                          msoc_error *err)
{
    memset(out, 0, sizeof *out);
    msoc_soc_scope sc;
    msoc_status st = msoc_auth_scope(r->api->auth, &r->who, act, r->a, &sc, err);
    if (st != MSOC_OK)
        return st;
    msoc_api__narrow(r, &sc); /* ?group= only ever removes tenants */
    if (database == NULL || database[0] == 0 || strcmp(database, KQ_DB_ALL) == 0) {
        out->is_all = true;
        st = msoc_soc_tenant_list(r->api->db, &sc, r->a, &out->tenants, &out->n, err);
        if (st != MSOC_OK)
            return st;
    } else {
        out->tenants = msoc_arena_calloc(r->a, 1, sizeof *out->tenants);
        if (!out->tenants)
            return msoc_arena_fail(r->a, err);
        msoc_error e2;
        msoc_error_clear(&e2);
        if (msoc_soc_tenant_get(r->api->db, &sc, database, r->a, &out->tenants[0], &e2) != MSOC_OK) {
            if (e2.code != MSOC_NOTFOUND)
                return msoc_fail(err, e2.code, "%s", e2.msg);
            return msoc_fail(err, MSOC_NOTFOUND,
                             "database '%.200s' does not exist or you have no access to it; use '%s' "
                             "(every tenant you may read) or one tenant's name or id",
                             database, KQ_DB_ALL);
        }
        out->n = 1;
    }
    /* Defensive: whatever the list returned, keep only tenants the scope holds. */
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++)
        if (msoc_soc_scope_has(&sc, out->tenants[i].id))
            out->tenants[k++] = out->tenants[i];
    out->n = k;
    out->parts = msoc_arena_calloc(r->a, out->n + 1, sizeof *out->parts);
    if (!out->parts)
        return msoc_arena_fail(r->a, err);
    for (size_t i = 0; i < out->n; i++) {
        out->parts[i].tenant = msoc_str_c(out->tenants[i].id);
        out->parts[i].workspace = MSOC_STR_NULL;
    }
    return MSOC_OK;
}

void kq_tenant_status(const kq_scope *s, msoc_buf *out)
{
    msoc_buf_putc(out, '[');
    for (size_t i = 0; i < s->n; i++) {
        if (i)
            msoc_buf_putc(out, ',');
        msoc_buf_append_c(out, "{\"tenantId\":");
        msoc_buf_append_json_str(out, s->tenants[i].id, strlen(s->tenants[i].id));
        msoc_buf_append_c(out, ",\"name\":");
        msoc_buf_append_json_str(out, s->tenants[i].name, strlen(s->tenants[i].name));
        msoc_buf_append_c(out, ",\"status\":\"ok\"}");
    }
    msoc_buf_putc(out, ']');
}

/* ---- running a query -------------------------------------------------------------------- */

static const msoc_stor_table_def *find_table(void *ctx, const char *name, size_t len)
{
    return msoc_stor_table_find(ctx, name, len);
}

#define KQ_WINDOW_ID_BASE (1 << 30)

static msoc_plan_expr *x_new(msoc_arena *a, msoc_plan_expr_kind kind, msoc_type t)
{
    msoc_plan_expr *x = msoc_arena_calloc(a, 1, sizeof *x);
    if (x) {
        x->kind = kind;
        x->type = t;
    }
    return x;
}

static msoc_plan_expr *x_call(msoc_arena *a, msoc_plan_fn fn, msoc_plan_expr *l, msoc_plan_expr *r)
{
    msoc_plan_expr *x = x_new(a, MSOC_PLAN_X_CALL, MSOC_TYPE_BOOL);
    msoc_plan_expr **args = msoc_arena_alloc(a, 2 * sizeof *args);
    if (!x || !args || !l || !r)
        return NULL;
    args[0] = l;
    args[1] = r;
    x->fn = fn;
    x->args = args;
    x->n_args = 2;
    return x;
}

static msoc_plan_expr *x_time(msoc_arena *a, int64_t v)
{
    msoc_plan_expr *x = x_new(a, MSOC_PLAN_X_LIT, MSOC_TYPE_DATETIME);
    if (x) {
        x->lit.type = MSOC_TYPE_DATETIME;
        x->lit.i = v;
    }
    return x;
}

/* Puts a FILTER (timestamp >= lo and timestamp < hi) above every SCAN of a table
 * with a timestamp column, in place: the SCAN node becomes the FILTER and its copy
 * the FILTER's input, so every parent (and a shared materialize) sees the filter. */
static msoc_status window_walk(msoc_plan_node *n, const kusto_window *w, msoc_arena *a, int *next_id,
                               int depth, msoc_error *err)
{
    if (n == NULL || depth > 2000)
        return MSOC_OK;
    if (n->kind == MSOC_PLAN_SCAN) {
        if (n->id >= KQ_WINDOW_ID_BASE)
            return MSOC_OK; /* a copy made here: already filtered */
        const msoc_stor_table_def *def = n->table_def;
        int col = -1;
        if (def && def->timestamp_col && def->timestamp_col[0])
            for (size_t i = 0; i < n->n_cols; i++)
                if (msoc_str_eq_c(n->cols[i].name, def->timestamp_col) && n->cols[i].type == MSOC_TYPE_DATETIME)
                    col = (int)i;
        if (col < 0)
            return MSOC_OK;
        msoc_plan_node *scan = msoc_arena_alloc(a, sizeof *scan);
        msoc_plan_node **in = msoc_arena_alloc(a, sizeof *in);
        msoc_plan_expr *c1 = x_new(a, MSOC_PLAN_X_COL, MSOC_TYPE_DATETIME);
        msoc_plan_expr *c2 = x_new(a, MSOC_PLAN_X_COL, MSOC_TYPE_DATETIME);
        if (!scan || !in || !c1 || !c2)
            return msoc_arena_fail(a, err);
        c1->col = c2->col = col;
        msoc_plan_expr *pred = x_call(a, MSOC_PLAN_FN_AND, x_call(a, MSOC_PLAN_FN_GE, c1, x_time(a, w->lo)),
                                      x_call(a, MSOC_PLAN_FN_LT, c2, x_time(a, w->hi)));
        if (!pred)
            return msoc_arena_fail(a, err);
        *scan = *n;
        scan->id = (*next_id)++;
        memset(n, 0, sizeof *n);
        n->kind = MSOC_PLAN_FILTER;
        n->id = (*next_id)++;
        n->cols = scan->cols;
        n->n_cols = scan->n_cols;
        in[0] = scan;
        n->inputs = in;
        n->n_inputs = 1;
        n->pred = pred;
        n->limit = -1;
        n->time_col = -1;
        n->withsource = -1;
        n->expand_index_col = -1;
        n->time_lo = INT64_MIN;
        n->time_hi = INT64_MAX;
        return MSOC_OK;
    }
    for (size_t i = 0; i < n->n_inputs; i++)
        if (window_walk(n->inputs[i], w, a, next_id, depth + 1, err) != MSOC_OK)
            return err->code;
    return MSOC_OK;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The window's state across the first plan and every plan the query binds again. */
typedef struct window_state {
    const kusto_window *w;
    int next_id;
} window_state;

static msoc_status window_rebind(void *ud, msoc_plan_node *plan, msoc_arena *a, msoc_error *err)
{
    window_state *ws = ud;
    return window_walk(plan, ws->w, a, &ws->next_id, 0, err);
}

msoc_status kq_run_query(api_req *r, const kq_scope *s, const char *text, size_t len,
                         const kusto_window *win, kq_run *out, msoc_error *err)
{
    memset(out, 0, sizeof *out);
    double t0 = mono_s();
    window_state wst = {win, KQ_WINDOW_ID_BASE};
    msoc_exec_options o = {0};
    if (win && win->is_set) {
        o.on_rebind = window_rebind;
        o.on_rebind_ud = &wst;
    }
    o.pool = r->api->kql_pool;
    o.timeout_s = 600;
    o.max_rows = 100000;
    o.memory_budget = (size_t)1 << 30;
    o.db = r->api->stor;
    o.now = msoc_datetime_now();
    out->q = msoc_exec_query_new(&o);
    msoc_arena *arena = msoc_exec_query_arena(out->q);
    msoc_kql_node *root;
    msoc_status st = msoc_kql_parse(text, len, arena, &root, err);
    if (st != MSOC_OK)
        return st;
    msoc_plan_catalog cat = {0};
    cat.parts = s->parts;
    cat.n_parts = s->n;
    cat.find_table = find_table;
    cat.ctx = r->api->stor;
    cat.now = o.now;
    msoc_exec_objects objects = {r->api->stor, r->api->kql_pool, NULL}; /* watchlists, stored functions */
    msoc_exec_objects_attach(&cat, &objects);
    msoc_plan_node *plan;
    st = msoc_plan_bind(root, &cat, arena, &plan, err);
    if (st != MSOC_OK)
        return st;
    if (win && win->is_set && (st = window_walk(plan, win, arena, &wst.next_id, 0, err)) != MSOC_OK)
        return st;
    st = msoc_plan_optimize(plan, arena, err);
    if (st != MSOC_OK)
        return st;
    st = msoc_exec_run(out->q, plan, &out->t, err);
    out->elapsed_s = mono_s() - t0;
    return st;
}

void kq_run_free(kq_run *run)
{
    msoc_exec_query_free(run->q);
    memset(run, 0, sizeof *run);
}

/* ---- values ------------------------------------------------------------------------------ */

const char *kq_type_net(msoc_type t)
{
    switch (t) {
    case MSOC_TYPE_BOOL: return "Boolean";
    case MSOC_TYPE_INT: return "Int32";
    case MSOC_TYPE_LONG: return "Int64";
    case MSOC_TYPE_REAL: return "Double";
    case MSOC_TYPE_DECIMAL: return "Decimal";
    case MSOC_TYPE_STRING: return "String";
    case MSOC_TYPE_DATETIME: return "DateTime";
    case MSOC_TYPE_TIMESPAN: return "TimeSpan";
    case MSOC_TYPE_GUID: return "Guid";
    default: return "Object";
    }
}

void kq_cell(const msoc_exec_col *c, size_t row, msoc_buf *out)
{
    /* A null guid is null (cell_json writes "" as for strings, which never are null). */
    if (c->type == MSOC_TYPE_GUID && (c->is_absent || (c->nulls && c->nulls[row]))) {
        msoc_buf_append_c(out, "null");
        return;
    }
    msoc_exec_cell_json(c, row, out);
}

void kq_send_buf(api_req *r, int status, msoc_buf *b)
{
    r->resp->status = status;
    r->resp->content_type = "application/json; charset=utf-8";
    msoc_buf_reset(&r->resp->body);
    msoc_buf_append(&r->resp->body, b->data ? b->data : "", b->len);
    msoc_buf_fini(b);
}

void kq_err_text(const msoc_error *err, char *out, size_t cap)
{
    if (err->line)
        snprintf(out, cap, "line %u, col %u: %s", err->line, err->col, err->msg);
    else
        snprintf(out, cap, "%s", err->msg[0] ? err->msg : msoc_status_doc(err->code));
}
