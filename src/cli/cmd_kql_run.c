/* multisoc kql run / kql oracle, and the engine glue shared with `hunt`. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/datetime.h"
#include "core/mem.h"
#include "core/vec.h"
#include "exec/oracle.h"
#include "kql/kql.h"
#include "kql_run.h"
#include "plan/bind.h"
#include "plan/plan.h"

#define QUERY_FILE_CAP (16u << 20)

typedef struct tenant_acc {
    cli_engine *e;
    msoc_vec names; /* char * */
} tenant_acc;

static void add_tenant(void *arg, const char *tenant, const char *workspace, const char *table)
{
    (void)workspace;
    (void)table;
    tenant_acc *acc = arg;
    for (size_t i = 0; i < acc->names.n; i++)
        if (strcmp(MSOC_VEC_AT(&acc->names, char *, i), tenant) == 0)
            return;
    char *dup = msoc_strdup(tenant);
    if (msoc_vec_append(&acc->names, &dup) != MSOC_OK)
        msoc_free(dup);
}

msoc_status cli_engine_open(cli_engine *e, const char *dir, const char *tenants_csv, msoc_error *err)
{
    memset(e, 0, sizeof *e);
    e->timeout_s = 600;
    e->max_rows = 100000;
    e->memory_budget = (size_t)8 << 30;
    tenant_acc acc = {e, {0}};
    msoc_vec_init(&acc.names, sizeof(char *), 100000);
    if (dir) {
        msoc_stor_options so = {0};
        so.is_readonly = true;
        msoc_status st = msoc_stor_open(dir, &so, &e->db, err);
        if (st != MSOC_OK) {
            msoc_vec_fini(&acc.names);
            return st;
        }
    }
    if (tenants_csv) {
        const char *p = tenants_csv;
        while (*p) {
            const char *c = strchr(p, ',');
            size_t len = c ? (size_t)(c - p) : strlen(p);
            if (len > 0) {
                char *dup = msoc_strndup(p, len);
                if (msoc_vec_append(&acc.names, &dup) != MSOC_OK)
                    msoc_free(dup);
            }
            p += len + (c ? 1 : 0);
        }
    } else if (e->db) {
        msoc_status st = msoc_stor_list_partitions(e->db, NULL, add_tenant, &acc, err);
        if (st != MSOC_OK) {
            msoc_vec_fini(&acc.names);
            return st;
        }
    }
    e->n_parts = acc.names.n;
    e->parts = msoc_calloc(e->n_parts + 1, sizeof *e->parts);
    for (size_t i = 0; i < acc.names.n; i++) {
        char *name = MSOC_VEC_AT(&acc.names, char *, i);
        e->parts[i].tenant = msoc_str_c(name);
        e->parts[i].workspace = MSOC_STR_NULL;
    }
    msoc_vec_fini(&acc.names);
    unsigned threads = msoc_cpu_count();
    e->pool = msoc_pool_new(threads > 2 ? 2 : threads);
    return MSOC_OK;
}

void cli_engine_close(cli_engine *e)
{
    for (size_t i = 0; i < e->n_parts; i++)
        msoc_free((void *)(uintptr_t)e->parts[i].tenant.ptr);
    msoc_free(e->parts);
    msoc_pool_free(e->pool);
    msoc_stor_close(e->db);
    memset(e, 0, sizeof *e);
}

static const msoc_stor_table_def *find_table_cb(void *ctx, const char *name, size_t len)
{
    cli_engine *e = ctx;
    if (e->db)
        return msoc_stor_table_find(e->db, name, len);
    return msoc_stor_builtin_find(name, len);
}

msoc_status cli_engine_run(cli_engine *e, const char *text, size_t len, msoc_exec_query **q_out,
                           const msoc_exec_table **out, msoc_error *err)
{
    msoc_exec_options o = {0};
    o.pool = e->pool;
    o.timeout_s = e->timeout_s;
    o.max_rows = e->max_rows;
    o.memory_budget = e->memory_budget;
    o.db = e->db;
    o.now = msoc_datetime_now();
    msoc_exec_query *q = msoc_exec_query_new(&o);
    *q_out = q;
    msoc_arena *arena = msoc_exec_query_arena(q);
    msoc_kql_node *root;
    msoc_status st = msoc_kql_parse(text, len, arena, &root, err);
    if (st != MSOC_OK)
        return st;
    msoc_plan_catalog cat = {0};
    cat.parts = e->parts;
    cat.n_parts = e->n_parts;
    cat.find_table = find_table_cb;
    cat.ctx = e;
    cat.now = o.now;
    if (e->db) {
        e->objects.db = e->db;
        e->objects.pool = e->pool;
        msoc_exec_objects_attach(&cat, &e->objects);
    }
    msoc_plan_node *plan;
    st = msoc_plan_bind(root, &cat, arena, &plan, err);
    if (st != MSOC_OK)
        return st;
    st = msoc_plan_optimize(plan, arena, err);
    if (st != MSOC_OK)
        return st;
    return msoc_exec_run(q, plan, out, err);
}


/* ---- kql run ---- */

static const cli_opt run_opts[] = {
    {"data", 'd', "DIR", "data directory", NULL},
    {"tenant", 't', "T,...", "tenants the queries may read (default: every tenant in DIR)", NULL},
    {"timeout", 0, "S", "per-query time limit in seconds", "600"},
    {"memory", 0, "MIB", "per-query memory budget in MiB", "8192"},
    {"times", 0, NULL, "append each query's wall time in milliseconds to its line", NULL},
    {0},
};
static const cli_spec run_spec = {
    "kql run --data DIR [--tenant T,...] FILE...",
    "Runs each KQL query file and prints 'OK <path> <rows>' or 'ERR <path> <code> <message>', "
    "then 'ran N of M'. Exit status 0 when every query ran.",
    run_opts, 1, -1, "  multisoc kql run --data ./demo-data queries/*.kql"};

int cli_cmd_kql_run(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&run_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    msoc_error err;
    msoc_error_clear(&err);
    cli_engine e;
    if (cli_engine_open(&e, cli_get(&a, "data"), cli_get(&a, "tenant"), &err) != MSOC_OK)
        return cli_report("kql run", &err);
    double timeout = 600;
    if (cli_has(&a, "timeout") && !cli_get_double(&a, "timeout", 0.001, 86400, &timeout)) {
        cli_engine_close(&e);
        return 2;
    }
    e.timeout_s = timeout;
    long long memory_mib = 8192;
    if (cli_has(&a, "memory") && !cli_get_i64(&a, "memory", 16, 1 << 20, &memory_mib)) {
        cli_engine_close(&e);
        return 2;
    }
    e.memory_budget = (size_t)memory_mib << 20;
    bool has_times = cli_has(&a, "times");
    msoc_buf text;
    msoc_buf_init(&text, QUERY_FILE_CAP);
    msoc_buf_reserve(&text, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    int n_ok = 0;
    for (int i = 0; i < a.n_pos; i++) {
        msoc_error_clear(&err);
        msoc_buf_reset(&text);
        if (!cli_read_file(a.pos[i], &text, &err)) {
            printf("ERR %s %s %s\n", a.pos[i], msoc_status_str(err.code), err.msg);
            continue;
        }
        msoc_exec_query *q = NULL;
        const msoc_exec_table *t;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        msoc_status st = cli_engine_run(&e, text.data, text.len, &q, &t, &err);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        char ms[32] = "";
        if (has_times)
            snprintf(ms, sizeof ms, " %lldms",
                     (long long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
        if (st == MSOC_OK) {
            printf("OK %s %zu%s\n", a.pos[i], t->n_rows, ms);
            n_ok++;
        } else if (err.line) {
            printf("ERR %s%s %s %u:%u %s\n", a.pos[i], ms, msoc_status_str(err.code), err.line, err.col, err.msg);
        } else {
            printf("ERR %s%s %s %s\n", a.pos[i], ms, msoc_status_str(err.code), err.msg);
        }
        fflush(stdout);
        msoc_exec_query_free(q);
    }
    printf("ran %d of %d\n", n_ok, a.n_pos);
    msoc_buf_fini(&text);
    cli_engine_close(&e);
    return n_ok == a.n_pos ? 0 : 1;
}

/* ---- kql oracle ---- */

static const cli_opt oracle_opts[] = {
    {"fixtures", 0, "DIR", "fixture tables (not needed by the current cases)", NULL},
    {"min-pass", 0, "N", "exit 1 when fewer than N cases pass (for CI ratchets)", NULL},
    {"quiet", 'q', NULL, "print only the summary line", NULL},
    {"only", 0, "ID", "run only the case with this id", NULL},
    {0},
};
static const cli_spec oracle_spec = {
    "kql oracle [--fixtures DIR] [--min-pass N] CASES.ndjson",
    "Runs each oracle case (shared/kql-oracle/README.md) and compares the result with what "
    "Kusto returned. Prints 'FAIL <id>: <reason>' per failure, then 'N passed, N failed'.",
    oracle_opts, 1, 1, "  multisoc kql oracle ../shared/kql-oracle/cases.ndjson"};

int cli_cmd_kql_oracle(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&oracle_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    if (cli_has(&a, "fixtures"))
        fprintf(stderr, "multisoc kql oracle: note: --fixtures is accepted but no case needs them\n");
    long long min_pass = 0;
    if (cli_has(&a, "min-pass") && !cli_get_i64(&a, "min-pass", 0, 1000000, &min_pass))
        return 2;
    bool is_quiet = cli_has(&a, "quiet");
    const char *only = cli_get(&a, "only");
    FILE *f = fopen(a.pos[0], "rb");
    if (f == NULL) {
        fprintf(stderr, "multisoc kql oracle: cannot open %s: %s\n", a.pos[0], strerror(errno));
        return 1;
    }
    msoc_error err;
    msoc_error_clear(&err);
    cli_engine e;
    if (cli_engine_open(&e, NULL, "oracle", &err) != MSOC_OK) {
        fclose(f);
        return cli_report("kql oracle", &err);
    }
    e.timeout_s = 20;
    e.memory_budget = (size_t)512 << 20;
    int n_pass = 0, n_fail = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        json_error_t jerr;
        json_t *c = json_loadb(line, (size_t)len, 0, &jerr);
        if (c == NULL)
            continue;
        const char *id = json_string_value(json_object_get(c, "id"));
        const char *kql = json_string_value(json_object_get(c, "kql"));
        if (id == NULL || kql == NULL || (only && strcmp(only, id) != 0)) {
            json_decref(c);
            continue;
        }
        msoc_error_clear(&err);
        msoc_exec_query *q = NULL;
        const msoc_exec_table *t;
        msoc_status st = cli_engine_run(&e, kql, strlen(kql), &q, &t, &err);
        char why[700];
        if (st != MSOC_OK) {
            snprintf(why, sizeof why, "%s: %s", msoc_status_str(err.code), err.msg);
            n_fail++;
            if (!is_quiet)
                printf("FAIL %s: %s\n", id, why);
        } else if (msoc_exec_oracle_compare(t, c, why, sizeof why) == MSOC_EXEC_ORACLE_PASS) {
            n_pass++;
        } else {
            n_fail++;
            if (!is_quiet)
                printf("FAIL %s: %s\n", id, why);
        }
        fflush(stdout);
        msoc_exec_query_free(q);
        json_decref(c);
    }
    msoc_free(line); /* getline() allocated it with malloc */
    fclose(f);
    cli_engine_close(&e);
    printf("%d passed, %d failed\n", n_pass, n_fail);
    return n_pass >= min_pass ? 0 : 1;
}

/* ---- kql support ---- */

int cli_cmd_kql_support(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("# KQL support\n\n"
           "Generated by `multisoc kql support` from the engine's registries (plan/functions.def,\n"
           "the binder's operator table, exec's implementations); `ctest -R docs.kql_support`\n"
           "fails when this file and the code disagree. Anything not listed, or listed as not\n"
           "supported, fails at bind or run time with `not supported: <name>`.\n\n"
           "## Tabular operators\n\n| operator | status | notes |\n|---|---|---|\n");
    for (size_t i = 0; i < msoc_plan_operator_count(); i++) {
        bool is_supported;
        const char *note;
        const char *name = msoc_plan_operator_at(i, &is_supported, &note);
        printf("| `%s` | %s | %s |\n", name, is_supported ? "supported" : "not supported", note);
    }
    printf("\n## Built-in functions called as tables\n\n| name | form | notes |\n|---|---|---|\n");
    for (size_t i = 0; i < msoc_plan_builtin_count(); i++) {
        const char *form, *note;
        const char *name = msoc_plan_builtin_at(i, &form, &note);
        printf("| `%s` | `%s` | %s |\n", name, form, note);
    }
    static const char *kinds[] = {"scalar function", "operator", "aggregate", "window function"};
    printf("\n## Functions and operators\n\n| name | kind | arguments | status |\n|---|---|---|---|\n");
    size_t n_ok = 0, n_all = 0;
    for (int f = 0; f < MSOC_PLAN__FN_COUNT; f++) {
        const msoc_plan_fn_info *info = msoc_plan_fn_get((msoc_plan_fn)f);
        bool is_impl = msoc_exec_fn_is_implemented((msoc_plan_fn)f);
        char args[32];
        if (info->max_args < 0)
            snprintf(args, sizeof args, "%d+", info->min_args);
        else if (info->max_args == info->min_args)
            snprintf(args, sizeof args, "%d", info->min_args);
        else
            snprintf(args, sizeof args, "%d-%d", info->min_args, info->max_args);
        printf("| `%s` | %s | %s | %s |\n", info->name, kinds[info->kind], args,
               is_impl ? "supported" : "not supported");
        n_all++;
        n_ok += is_impl;
    }
    printf("\n%zu of %zu registered functions and operators are implemented.\n", n_ok, n_all);
    return 0;
}
