/* Tenant isolation property: random queries over random authorised tenant subsets
 * (union, join, let, materialize, workspace(), table(), where TenantId ==, ...)
 * never make the executor ask for, or return, a row of a tenant outside the subset.
 * The data source below serves rows for every tenant it is asked about, exactly as
 * storage does, and records every partition it was asked for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <stdlib.h>
#include <unistd.h>

#include "core/datetime.h"
#include "core/rng.h"
#include "exec/exec.h"
#include "exec/objects.h"
#include "storage/storage.h"
#include "kql/kql.h"
#include "plan/bind.h"

#define N_TENANTS 8
static const char *tenant_names[N_TENANTS] = {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"};

typedef struct fake_ctx {
    bool is_authorised[N_TENANTS];
    int n_violations;
} fake_ctx;

static int tenant_index(msoc_str s)
{
    for (int i = 0; i < N_TENANTS; i++)
        if (msoc_str_eq_c(s, tenant_names[i]))
            return i;
    return -1;
}

/* Serves 3 rows per requested tenant for any table: each column gets a value of its
 * type; TenantId gets the tenant. */
static msoc_status fake_scan(void *vctx, const msoc_plan_node *node, msoc_arena *arena,
                             msoc_exec_table *out, msoc_error *err)
{
    (void)err;
    fake_ctx *ctx = vctx;
    size_t rows = 3 * node->n_parts;
    out->n_rows = rows;
    out->n_cols = node->n_cols;
    out->names = msoc_arena_calloc(arena, node->n_cols + 1, sizeof *out->names);
    out->cols = msoc_arena_calloc(arena, node->n_cols + 1, sizeof *out->cols);
    for (size_t p = 0; p < node->n_parts; p++) {
        int t = tenant_index(node->parts[p].tenant);
        if (t < 0 || !ctx->is_authorised[t])
            ctx->n_violations++;
    }
    for (size_t c = 0; c < node->n_cols; c++) {
        msoc_exec_col *col = msoc_arena_calloc(arena, 1, sizeof *col);
        col->type = node->cols[c].type;
        col->n = rows;
        bool is_tenant = msoc_str_eq_c(node->cols[c].name, "TenantId");
        if (col->type == MSOC_TYPE_STRING || col->type == MSOC_TYPE_GUID) {
            col->v.s = msoc_arena_calloc(arena, rows + 1, sizeof(msoc_str));
            for (size_t r = 0; r < rows; r++)
                col->v.s[r] = is_tenant ? node->parts[r / 3].tenant : MSOC_STR("x");
        } else if (col->type == MSOC_TYPE_REAL || col->type == MSOC_TYPE_DECIMAL) {
            col->v.r = msoc_arena_calloc(arena, rows + 1, sizeof(double));
        } else if (col->type == MSOC_TYPE_DYNAMIC) {
            col->v.d = msoc_arena_calloc(arena, rows + 1, sizeof(void *));
        } else {
            col->v.i = msoc_arena_calloc(arena, rows + 1, sizeof(int64_t));
            for (size_t r = 0; r < rows; r++)
                col->v.i[r] = (int64_t)(r % 3);
        }
        out->names[c] = node->cols[c].name;
        out->cols[c] = col;
    }
    return MSOC_OK;
}

static const char *templates[] = {
    "DeviceProcessEvents | project TenantId",
    "DeviceProcessEvents | where TenantId == '%s' | project TenantId",
    "DeviceProcessEvents | where TenantId in ('%s', 't0', 't7') | project TenantId",
    "union DeviceProcessEvents, DeviceNetworkEvents | project TenantId",
    "union withsource=T Device* | project TenantId",
    "let x = DeviceProcessEvents | where TenantId != '%s'; x | project TenantId",
    "let m = materialize(DeviceFileEvents); m | union m | project TenantId",
    "table('DeviceProcessEvents') | project TenantId",
    "workspace('%s').SecurityEvent | project TenantId",
    "DeviceProcessEvents | join kind=inner (DeviceNetworkEvents | project TenantId, DeviceId) on TenantId | project TenantId",
    "DeviceProcessEvents | join kind=leftouter (DeviceNetworkEvents) on DeviceId | project TenantId",
    "DeviceProcessEvents | summarize count() by TenantId | project TenantId",
    "DeviceProcessEvents | lookup (DeviceInfo | project TenantId, DeviceId) on DeviceId | project TenantId",
    "let f = (t:string) { DeviceProcessEvents | where TenantId == t }; f('%s') | project TenantId",
    "DeviceProcessEvents | where TenantId == toscalar(DeviceInfo | where TenantId == '%s' | take 1 | project TenantId) | project TenantId",
    "DeviceProcessEvents | where DeviceId in ((DeviceInfo | where TenantId == '%s' | project DeviceId)) | project TenantId",
    "DeviceProcessEvents | extend a = pack_array(1, 2) | mv-apply a on (union (DeviceNetworkEvents | where TenantId == '%s' | project TenantId) | take 3) | project TenantId",
    "DeviceProcessEvents | partition by TenantId (summarize count() by TenantId) | project TenantId",
    "DeviceProcessEvents | project TenantId | partition by TenantId { DeviceNetworkEvents | where TenantId == toscalar(TenantId) or TenantId == '%s' | project TenantId }",
    "DeviceProcessEvents | extend b = bag_pack('k', TenantId) | evaluate bag_unpack(b) | project TenantId",
    "DeviceProcessEvents | project TenantId, c = strcat('v', '%s') | evaluate pivot(c) | union (workspace('%s').SecurityEvent) | project TenantId",
    "let f = (T:(TenantId:string)) { T | union (DeviceInfo | where TenantId == '%s') }; DeviceProcessEvents | project TenantId | invoke f()",
    "DeviceProcessEvents | sample 2 | project TenantId",
    "DeviceProcessEvents | evaluate rows_near(TenantId == '%s', 1) | project TenantId",
    "DeviceProcessEvents | project TenantId | scan declare (n:long = 0) with (step s: true => n = s.n + 1;) | project TenantId",
    "DeviceProcessEvents | top-nested of TenantId by count(), top-nested 1 of DeviceId by count() | project TenantId",
    "DeviceProcessEvents | make-series count() on Timestamp step 1h by TenantId | project TenantId",
    "DeviceNetworkEvents | project TenantId, ip = '10.0.0.1' | evaluate ipv4_lookup((DeviceInfo | where TenantId == '%s' | project net = '10.0.0.0/8', Other = TenantId), ip, net, return_unmatched = true) | project TenantId",
    "DeviceProcessEvents | project TenantId, s = strcat('t=', '%s') | parse-kv s as (t:string) with (kv_delimiter='=') | project TenantId",
    "DeviceProcessEvents | project TenantId | top-hitters 3 of TenantId | project TenantId",
    "DeviceProcessEvents | invoke FileProfile(SHA1, 1000) | project TenantId",
    "DeviceNetworkEvents | project IP = LocalIP, TenantId | invoke DeviceFromIP() | project TenantId",
    "let f = (n:string) { table(n) | where TenantId != '%s' }; f('DeviceProcessEvents') | project TenantId",
    "DeviceProcessEvents | join (DeviceNetworkEvents | project TenantId, DeviceId) on TenantId | where TenantId != '%s' | project TenantId",
    "DeviceProcessEvents | summarize h = hll(DeviceId) by TenantId | extend h2 = h | evaluate dcount_intersect(h, h2) | project TenantId",
    "DeviceProcessEvents | where * has '%s' | project TenantId",
    "declare pattern p = (x:string) { ('%s') = { DeviceProcessEvents | union (workspace('%s').SecurityEvent) }; }; p('%s') | project TenantId",
    /* search / find: named tables, wildcards and every table */
    "search in (DeviceProcessEvents, SecurityEvent) \"x\" | project TenantId",
    "search in (Device*) * and TenantId != '%s' | project TenantId",
    "search in (Device*, Sec*) \"x\" or TenantId == '%s' | project TenantId, $table",
    "search * | project TenantId",
    "DeviceProcessEvents | search \"x\" | project TenantId",
    "find in (DeviceProcessEvents, DeviceNetworkEvents) where TenantId == '%s' project TenantId | project TenantId",
    "find where TenantId != '%s' | project TenantId",
    "find withsource=S in (Sec*) where TenantId has 't' | project TenantId",
};

static void test_isolation_property(void **state)
{
    (void)state;
    msoc_rng rng;
    msoc_rng_seed(&rng, 20261127);
    int n_queries = 0;
    for (int iter = 0; iter < 400; iter++) {
        fake_ctx ctx = {0};
        msoc_plan_part parts[N_TENANTS];
        size_t n_parts = 0;
        for (int t = 0; t < N_TENANTS; t++) {
            if (msoc_rng_next(&rng) % 2) {
                ctx.is_authorised[t] = true;
                parts[n_parts].tenant = msoc_str_c(tenant_names[t]);
                parts[n_parts].workspace = MSOC_STR_NULL;
                n_parts++;
            }
        }
        const char *tmpl = templates[msoc_rng_next(&rng) % (sizeof templates / sizeof templates[0])];
        const char *other = tenant_names[msoc_rng_next(&rng) % N_TENANTS];
        /* substitute %s with another tenant's name (possibly an unauthorised one) */
        char text[1024];
        size_t tl = 0;
        for (const char *p = tmpl; *p && tl + 8 < sizeof text; p++) {
            if (p[0] == '%' && p[1] == 's') {
                size_t len = strlen(other);
                memcpy(text + tl, other, len);
                tl += len;
                p++;
            } else {
                text[tl++] = *p;
            }
        }
        text[tl] = 0;
        msoc_exec_source src = {&ctx, fake_scan};
        msoc_exec_options o = {0};
        o.source = &src;
        msoc_exec_query *q = msoc_exec_query_new(&o);
        msoc_arena *arena = msoc_exec_query_arena(q);
        msoc_error err;
        msoc_error_clear(&err);
        msoc_kql_node *root;
        assert_int_equal(msoc_kql_parse(text, strlen(text), arena, &root, &err), MSOC_OK);
        msoc_plan_catalog cat = {.parts = parts, .n_parts = n_parts};
        msoc_plan_node *plan;
        msoc_status st = msoc_plan_bind(root, &cat, arena, &plan, &err);
        if (st != MSOC_OK)
            fail_msg("bind failed for %s: %s", text, err.msg);
        assert_int_equal(msoc_plan_optimize(plan, arena, &err), MSOC_OK);
        const msoc_exec_table *t;
        st = msoc_exec_run(q, plan, &t, &err);
        if (st != MSOC_OK)
            fail_msg("run failed for %s: %s", text, err.msg);
        assert_int_equal(ctx.n_violations, 0);
        assert_true(t->n_cols >= 1);
        for (size_t r = 0; r < t->n_rows; r++) {
            msoc_str tenant = t->cols[0]->v.s[r];
            int ti = tenant_index(tenant);
            if (ti < 0 || !ctx.is_authorised[ti])
                fail_msg("query %s returned a row of tenant %.*s outside the subset", text,
                         (int)tenant.len, tenant.ptr);
        }
        n_queries++;
        msoc_exec_query_free(q);
    }
    assert_int_equal(n_queries, 400);
}

/* The property test above would be vacuous if queries returned nothing: check that
 * an authorised tenant's rows do come back. */
static void test_isolation_not_vacuous(void **state)
{
    (void)state;
    fake_ctx ctx = {0};
    ctx.is_authorised[2] = true;
    msoc_plan_part parts[1] = {{MSOC_STR("t2"), MSOC_STR_NULL}};
    msoc_exec_source src = {&ctx, fake_scan};
    msoc_exec_options o = {0};
    o.source = &src;
    msoc_exec_query *q = msoc_exec_query_new(&o);
    msoc_arena *arena = msoc_exec_query_arena(q);
    msoc_error err;
    msoc_error_clear(&err);
    const char *text = "union DeviceProcessEvents, DeviceInfo | where TenantId == 't2' | count";
    msoc_kql_node *root;
    assert_int_equal(msoc_kql_parse(text, strlen(text), arena, &root, &err), MSOC_OK);
    msoc_plan_catalog cat = {.parts = parts, .n_parts = 1};
    msoc_plan_node *plan;
    assert_int_equal(msoc_plan_bind(root, &cat, arena, &plan, &err), MSOC_OK);
    assert_int_equal(msoc_plan_optimize(plan, arena, &err), MSOC_OK);
    const msoc_exec_table *t;
    assert_int_equal(msoc_exec_run(q, plan, &t, &err), MSOC_OK);
    assert_int_equal(t->n_rows, 1);
    assert_int_equal(t->cols[0]->v.i[0], 6);
    msoc_exec_query_free(q);
}


/* Watchlists and stored functions live in the partitions too: a tenant's watchlist
 * or stored function is invisible to a query scoped to another tenant, and a query
 * over several tenants reads only the rows of the ones that have them. Real store. */
static void add_watchlist_row(msoc_stor_db *db, const char *tenant, const char *ws, const char *type,
                              const char *item_id, const char *item)
{
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_appender *ap;
    assert_int_equal(msoc_stor_appender_open(db, tenant, ws, "Watchlist", &ap, &err), MSOC_OK);
    const msoc_stor_table_def *def = msoc_stor_appender_def(ap);
    msoc_stor_value vals[64];
    assert_true(def->n_cols <= 64);
    msoc_datetime now = msoc_datetime_now();
    for (size_t c = 0; c < def->n_cols; c++) {
        const char *n = def->cols[c].name, *v = NULL;
        memset(&vals[c], 0, sizeof vals[c]);
        vals[c].is_null = true;
        if (def->cols[c].type == MSOC_TYPE_DATETIME) {
            vals[c].is_null = false;
            vals[c].v.i64 = now;
            continue;
        }
        if (strcmp(n, "_DTItemType") == 0)
            v = type;
        else if (strcmp(n, "_DTItemStatus") == 0)
            v = "Create";
        else if (strcmp(n, "_DTItemId") == 0)
            v = item_id;
        else if (strcmp(n, "WatchlistAlias") == 0)
            v = "wl";
        else if (strcmp(n, "SearchKey") == 0)
            v = "k";
        else if (strcmp(n, "WatchlistItem") == 0)
            v = item;
        if (v) {
            vals[c].is_null = false;
            vals[c].v.s.ptr = v;
            vals[c].v.s.len = strlen(v);
        }
    }
    assert_int_equal(msoc_stor_appender_add_row(ap, vals, &err), MSOC_OK);
    assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
    msoc_stor_appender_close(ap);
}

/* Runs text over parts with the stored objects attached; returns the status and
 * checks every row's TenantId (column tcol) is one of the parts'. */
static msoc_status run_scoped(msoc_stor_db *db, const msoc_plan_part *parts, size_t n_parts, const char *text,
                              int tcol, size_t *n_rows)
{
    msoc_exec_options o = {0};
    o.db = db;
    msoc_exec_query *q = msoc_exec_query_new(&o);
    msoc_arena *arena = msoc_exec_query_arena(q);
    msoc_error err;
    msoc_error_clear(&err);
    msoc_kql_node *root;
    assert_int_equal(msoc_kql_parse(text, strlen(text), arena, &root, &err), MSOC_OK);
    msoc_plan_catalog cat = {.parts = parts, .n_parts = n_parts, .now = msoc_datetime_now()};
    msoc_exec_objects objs = {db, NULL, NULL};
    msoc_exec_objects_attach(&cat, &objs);
    msoc_plan_node *plan;
    const msoc_exec_table *t = NULL;
    msoc_status st = msoc_plan_bind(root, &cat, arena, &plan, &err);
    if (st == MSOC_OK)
        st = msoc_plan_optimize(plan, arena, &err);
    if (st == MSOC_OK)
        st = msoc_exec_run(q, plan, &t, &err);
    *n_rows = st == MSOC_OK ? t->n_rows : 0;
    if (st != MSOC_OK)
        print_message("%s: %s\n", text, err.msg);
    for (size_t r = 0; st == MSOC_OK && tcol >= 0 && r < t->n_rows; r++) {
        msoc_str tenant = t->cols[tcol]->v.s[r];
        bool is_in = false;
        for (size_t i = 0; i < n_parts; i++)
            is_in |= msoc_str_eq(tenant, parts[i].tenant);
        if (!is_in)
            fail_msg("%s returned a row of tenant %.*s outside the scope", text, (int)tenant.len, tenant.ptr);
    }
    msoc_exec_query_free(q);
    return st;
}

static void test_isolation_stored_objects(void **state)
{
    (void)state;
    char dir[] = "/tmp/msoc-iso-XXXXXX";
    assert_non_null(mkdtemp(dir));
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_db *db;
    msoc_stor_options so = {0};
    assert_int_equal(msoc_stor_open(dir, &so, &db, &err), MSOC_OK);
    /* tenant t0 has watchlist "wl" (two items) and function OnlyT0; t1 has neither */
    add_watchlist_row(db, "t0", "w0", "watchlist-item", "i1", "{\"Host\":\"a\"}");
    add_watchlist_row(db, "t0", "w0", "watchlist-item", "i2", "{\"Host\":\"b\"}");
    add_watchlist_row(db, "t1", "w1", "watchlist-other", "i3", "{\"Host\":\"c\"}");
    msoc_arena *a = msoc_arena_new(NULL, 1u << 24, "test");
    msoc_exec_function *fns;
    size_t n_fns;
    const char *cmd = ".create function OnlyT0() { print Who = 't0' }";
    assert_int_equal(msoc_exec_function_command(dir, "t0", NULL, cmd, strlen(cmd), a, &fns, &n_fns, &err), MSOC_OK);
    assert_int_equal(n_fns, 1);
    msoc_plan_part t0[1] = {{MSOC_STR("t0"), MSOC_STR_NULL}};
    msoc_plan_part t1[1] = {{MSOC_STR("t1"), MSOC_STR_NULL}};
    msoc_plan_part both[2] = {{MSOC_STR("t0"), MSOC_STR_NULL}, {MSOC_STR("t1"), MSOC_STR_NULL}};
    size_t n;
    /* _GetWatchlist: TenantId is its last column but one (..., TenantId, WorkspaceId) */
    assert_int_equal(run_scoped(db, t0, 1, "_GetWatchlist('wl') | project TenantId, Host", 0, &n), MSOC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(run_scoped(db, t1, 1, "_GetWatchlist('wl') | project TenantId", 0, &n), MSOC_NOTFOUND);
    assert_int_equal(run_scoped(db, both, 2, "_GetWatchlist('wl') | project TenantId", 0, &n), MSOC_OK);
    assert_int_equal(n, 2);
    /* stored functions */
    assert_int_equal(run_scoped(db, t0, 1, "OnlyT0()", -1, &n), MSOC_OK);
    assert_int_equal(n, 1);
    assert_int_not_equal(run_scoped(db, t1, 1, "OnlyT0()", -1, &n), MSOC_OK);
    assert_int_not_equal(run_scoped(db, t1, 1, "OnlyT0", -1, &n), MSOC_OK);
    assert_int_not_equal(run_scoped(db, t1, 1, "print x = toscalar(OnlyT0())", -1, &n), MSOC_OK);
    /* a workspace-scoped partition of t0 still sees t0's tenant-wide function */
    msoc_plan_part t0w[1] = {{MSOC_STR("t0"), MSOC_STR("w0")}};
    assert_int_equal(run_scoped(db, t0w, 1, "OnlyT0()", -1, &n), MSOC_OK);
    msoc_arena_free(a);
    msoc_stor_close(db);
    char rm[600];
    snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
    assert_int_equal(system(rm), 0);
}

/* search over every table under a small budget: refused by name with the size it
 * would need, before the wide outer union is built (not an allocation failure deep
 * inside it). */
static void test_search_all_tables_budget(void **state)
{
    (void)state;
    fake_ctx ctx = {0};
    msoc_plan_part parts[N_TENANTS];
    for (int t = 0; t < N_TENANTS; t++) {
        ctx.is_authorised[t] = true;
        parts[t] = (msoc_plan_part){msoc_str_c(tenant_names[t]), MSOC_STR_NULL};
    }
    msoc_exec_source src = {&ctx, fake_scan};
    msoc_exec_options o = {0};
    o.source = &src;
    o.memory_budget = (size_t)24 << 20;
    msoc_exec_query *q = msoc_exec_query_new(&o);
    msoc_arena *arena = msoc_exec_query_arena(q);
    msoc_error err;
    msoc_error_clear(&err);
    const char *text = "search *";
    msoc_kql_node *root;
    assert_int_equal(msoc_kql_parse(text, strlen(text), arena, &root, &err), MSOC_OK);
    msoc_plan_catalog cat = {.parts = parts, .n_parts = N_TENANTS};
    msoc_plan_node *plan;
    assert_int_equal(msoc_plan_bind(root, &cat, arena, &plan, &err), MSOC_OK);
    assert_int_equal(msoc_plan_optimize(plan, arena, &err), MSOC_OK);
    const msoc_exec_table *t;
    assert_int_equal(msoc_exec_run(q, plan, &t, &err), MSOC_LIMIT);
    if (strstr(err.msg, "search of") == NULL || strstr(err.msg, "memory budget") == NULL)
        fail_msg("unexpected error: %s", err.msg);
    msoc_exec_query_free(q);
}

/* search and find over every table reach exactly the tables the scope's partitions
 * hold, and only their rows (real store; catalog tables_held through the objects). */
static void add_row(msoc_stor_db *db, const char *tenant, const char *ws, const char *table, const char *text)
{
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_appender *ap;
    assert_int_equal(msoc_stor_appender_open(db, tenant, ws, table, &ap, &err), MSOC_OK);
    const msoc_stor_table_def *def = msoc_stor_appender_def(ap);
    msoc_stor_value vals[512];
    assert_true(def->n_cols <= 512);
    msoc_datetime now = msoc_datetime_now();
    for (size_t c = 0; c < def->n_cols; c++) {
        memset(&vals[c], 0, sizeof vals[c]);
        vals[c].is_null = true;
        if (def->cols[c].type == MSOC_TYPE_DATETIME) {
            vals[c].is_null = false;
            vals[c].v.i64 = now;
        } else if (def->cols[c].type == MSOC_TYPE_STRING && (strcmp(def->cols[c].name, "DeviceName") == 0 ||
                                                             strcmp(def->cols[c].name, "Computer") == 0)) {
            vals[c].is_null = false;
            vals[c].v.s.ptr = text;
            vals[c].v.s.len = strlen(text);
        }
    }
    assert_int_equal(msoc_stor_appender_add_row(ap, vals, &err), MSOC_OK);
    assert_int_equal(msoc_stor_appender_commit(ap, &err), MSOC_OK);
    msoc_stor_appender_close(ap);
}

static void test_isolation_search_find_all_tables(void **state)
{
    (void)state;
    char dir[] = "/tmp/msoc-iso-XXXXXX";
    assert_non_null(mkdtemp(dir));
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_db *db;
    msoc_stor_options so = {0};
    assert_int_equal(msoc_stor_open(dir, &so, &db, &err), MSOC_OK);
    /* t0: DeviceProcessEvents and SecurityEvent; t1: DeviceInfo only; t2's SecurityEvent
     * lives in workspace w2b, its DeviceProcessEvents in w2a */
    add_row(db, "t0", "w0", "DeviceProcessEvents", "host-alpha");
    add_row(db, "t0", "w0", "SecurityEvent", "host-alpha");
    add_row(db, "t1", "w1", "DeviceInfo", "host-alpha");
    add_row(db, "t2", "w2a", "DeviceProcessEvents", "host-alpha");
    add_row(db, "t2", "w2b", "SecurityEvent", "host-alpha");
    msoc_plan_part t0[1] = {{MSOC_STR("t0"), MSOC_STR_NULL}};
    msoc_plan_part t1[1] = {{MSOC_STR("t1"), MSOC_STR_NULL}};
    msoc_plan_part t01[2] = {{MSOC_STR("t0"), MSOC_STR_NULL}, {MSOC_STR("t1"), MSOC_STR_NULL}};
    msoc_plan_part t2a[1] = {{MSOC_STR("t2"), MSOC_STR("w2a")}};
    size_t n;
    /* every row matches the term; a scope sees its own rows only */
    assert_int_equal(run_scoped(db, t0, 1, "search \"alpha\" | project TenantId, $table", 0, &n), MSOC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(run_scoped(db, t1, 1, "search \"alpha\" | project TenantId, $table", 0, &n), MSOC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(run_scoped(db, t01, 2, "search * | project TenantId", 0, &n), MSOC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(run_scoped(db, t2a, 1, "search * | project TenantId", 0, &n), MSOC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(run_scoped(db, t1, 1, "find where TenantId != '' project TenantId", 1, &n), MSOC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(run_scoped(db, t0, 1, "find where TenantId != '' project TenantId, pack_all()", 1, &n), MSOC_OK);
    assert_int_equal(n, 2);
    /* the set of tables is the scope's: t1 holds no SecurityEvent, so a wildcard on it
     * finds nothing and a column only SecurityEvent has is unknown */
    assert_int_equal(run_scoped(db, t1, 1, "search in (Sec*) *", -1, &n), MSOC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(run_scoped(db, t1, 1, "search EventID == 4624", -1, &n), MSOC_SEMANTIC);
    assert_int_equal(run_scoped(db, t0, 1, "search EventID == 4624 or * | project TenantId", 0, &n), MSOC_OK);
    assert_int_equal(n, 2);
    msoc_stor_close(db);
    char rm[600];
    snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
    assert_int_equal(system(rm), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_isolation_property),
        cmocka_unit_test(test_isolation_not_vacuous),
        cmocka_unit_test(test_isolation_stored_objects),
        cmocka_unit_test(test_isolation_search_find_all_tables),
        cmocka_unit_test(test_search_all_tables_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
