/* GET /api/schema[?tenant=T]: what the query editor may offer the caller — the
 * tables (built-in Defender and Sentinel tables, and the custom / _CL tables that
 * hold data in a tenant the caller may read) with their columns and KQL types,
 * the tabular operators and the functions the engine implements (from the
 * plan/exec registries, so the list never claims what the engine cannot run).
 *
 * Custom tables are one catalog for the whole instance (storage), so a custom
 * table is listed only when one of the caller's readable tenants has a partition
 * of it: another customer's table names never leak through the editor. */
#include <stdio.h>
#include <string.h>

#include "api_int.h"
#include "core/hashmap.h"
#include "exec/exec.h"
#include "plan/bind.h"
#include "plan/plan.h"
#include "storage/storage.h"

typedef struct part_ctx {
    const msoc_soc_scope *scope;
    msoc_hashmap seen;      /* "table\ttenant" -> 1: one entry per pair */
    msoc_arena *a;
    json_t *by_table;       /* table name -> array of tenant ids */
} part_ctx;

static void on_part(void *arg, const char *tenant, const char *workspace, const char *table)
{
    (void)workspace;
    part_ctx *c = arg;
    if (!msoc_soc_scope_has(c->scope, tenant))
        return;
    char key[512];
    int n = snprintf(key, sizeof key, "%s\t%s", table, tenant);
    if (n <= 0 || (size_t)n >= sizeof key || msoc_hashmap_get(&c->seen, key, (size_t)n))
        return;
    msoc_hashmap_put(&c->seen, key, (size_t)n, (void *)1);
    json_t *arr = json_object_get(c->by_table, table);
    if (!arr) {
        arr = json_array();
        json_object_set_new(c->by_table, table, arr);
    }
    json_array_append_new(arr, json_string(tenant));
}

json_t *msoc_api__custom_tables(api_req *r, const msoc_soc_scope *scope)
{
    part_ctx c = {scope, {0}, r->a, json_object()};
    msoc_hashmap_init(&c.seen, NULL, 0);
    msoc_error e;
    msoc_error_clear(&e);
    msoc_stor_list_partitions(r->api->stor, NULL, on_part, &c, &e);
    msoc_hashmap_fini(&c.seen);
    return c.by_table;
}

static const char *source_name(msoc_stor_source s)
{
    return s == MSOC_STOR_SRC_CUSTOM ? "Custom" : s == MSOC_STOR_SRC_SENTINEL ? "Sentinel" : "Defender";
}

static json_t *table_json(const msoc_stor_table_def *d, json_t *tenants)
{
    json_t *cols = json_array();
    for (size_t i = 0; i < d->n_cols; i++) {
        if (d->cols[i].flags & MSOC_STOR_COL_HIDDEN)
            continue;
        json_array_append_new(cols, json_pack("{s:s,s:s}", "name", d->cols[i].name, "type",
                                              msoc_type_name(d->cols[i].type)));
    }
    json_t *t = json_pack("{s:s,s:s,s:o,s:o}", "name", d->name, "source", source_name(d->source),
                          "timestampColumn", d->timestamp_col && *d->timestamp_col ? json_string(d->timestamp_col)
                                                                                    : json_null(),
                          "columns", cols);
    if (tenants)
        json_object_set(t, "tenantIds", tenants);
    return t;
}

void msoc_api__schema(api_req *r)
{
    if (r->api->stor == NULL) {
        msoc_api__error(r, MSOC_UNAVAILABLE, "the schema needs the event store, which this server has not opened");
        return;
    }
    msoc_soc_scope s;
    if (!msoc_api__scope(r, MSOC_AUTH_READ, &s))
        return;
    const char *tq = msoc_http_query(r->http, "tenant");
    msoc_soc_tenant one;
    if (tq) {
        if (msoc_soc_tenant_get(r->api->db, &s, tq, r->a, &one, &r->err) != MSOC_OK) {
            msoc_api__fail(r);
            return;
        }
        const char **ids = msoc_arena_calloc(r->a, 1, sizeof *ids);
        ids[0] = one.id;
        s.ids = ids;
        s.n = 1;
    }
    json_t *ten = json_array();
    for (size_t i = 0; i < s.n; i++)
        json_array_append_new(ten, json_string(s.ids[i]));

    json_t *tables = json_array();
    size_t nb = msoc_stor_builtin_count();
    for (size_t i = 0; i < nb; i++) {
        const msoc_stor_table_def *d = msoc_stor_builtin_at(i);
        if (d && !(d->flags & MSOC_STOR_TBL_DEPRECATED))
            json_array_append_new(tables, table_json(d, NULL));
    }
    json_t *custom = msoc_api__custom_tables(r, &s);
    size_t nc = msoc_stor_custom_count(r->api->stor);
    for (size_t i = 0; i < nc; i++) {
        const msoc_stor_table_def *d = msoc_stor_custom_at(r->api->stor, i);
        json_t *holders = d ? json_object_get(custom, d->name) : NULL;
        if (holders)
            json_array_append_new(tables, table_json(d, holders));
    }
    json_decref(custom);

    json_t *ops = json_array();
    for (size_t i = 0; i < msoc_plan_operator_count(); i++) {
        bool is_supported;
        const char *note;
        const char *name = msoc_plan_operator_at(i, &is_supported, &note);
        /* "where / filter": one entry per spelling. */
        while (is_supported && name && *name) {
            const char *sep = strstr(name, " / ");
            size_t len = sep ? (size_t)(sep - name) : strlen(name);
            json_array_append_new(ops, json_stringn(name, len));
            name = sep ? sep + 3 : NULL;
        }
    }
    static const char *const kinds[] = {"scalar", "operator", "aggregate", "window"};
    json_t *fns = json_array();
    for (int f = 0; f < MSOC_PLAN__FN_COUNT; f++) {
        const msoc_plan_fn_info *info = msoc_plan_fn_get((msoc_plan_fn)f);
        /* Operators spelled with symbols or keywords (+, has, in) are syntax, not
         * functions an editor completes by name. */
        if (info->kind == MSOC_PLAN_FK_OP || !msoc_exec_fn_is_implemented((msoc_plan_fn)f))
            continue;
        json_t *fn = json_pack("{s:s,s:s,s:i}", "name", info->name, "kind", kinds[info->kind], "minArgs",
                               info->min_args);
        json_object_set_new(fn, "maxArgs", info->max_args < 0 ? json_null() : json_integer(info->max_args));
        json_array_append_new(fns, fn);
    }
    msoc_api__json(r, 200, json_pack("{s:o,s:o,s:o,s:o}", "tenants", ten, "tables", tables, "operators", ops,
                                     "functions", fns));
}
