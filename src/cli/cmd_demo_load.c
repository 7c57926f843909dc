/* multisoc demo --data DIR: generate the demo data set into a temporary directory
 * (src/demo), ingest every tenant/workspace/table file through the same path as
 * `multisoc ingest`, then (without --no-serve) serve DIR. Issue #4. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/fs.h"
#include "cli.h"
#include "core/datetime.h"
#include "demo/demo.h"
#include "ingest/ingest.h"

static const cli_opt load_opts[] = {
    {"data", 'd', "DIR", "the data directory to load into (created if missing)", NULL},
    {"tenants", 't', "N", "number of tenants", "20"},
    {"days", 0, "D", "days of data, ending now", "7"},
    {"seed", 's', "S", "random seed", "1"},
    {"scale", 0, "F", "event-volume multiplier", "1"},
    {"threads", 'j', "N", "generator and ingest threads", "all CPUs"},
    {"keep", 0, "DIR", "keep the generated NDJSON in DIR instead of a temporary directory", NULL},
    {"no-serve", 0, NULL, "load and stop (default: serve DIR afterwards)", NULL},
    {"listen", 'l', "ADDR:PORT", "where to serve afterwards", "127.0.0.1:8080"},
    {"quiet", 'q', NULL, "no progress output", NULL},
    {0},
};

static const cli_spec load_spec = {
    "demo --data DIR [--tenants N] [--days D] [--seed S] [--no-serve]",
    "Generate the demo tenants' Defender and Sentinel data and ingest all of it (every tenant, "
    "workspace and table) into DIR, then serve DIR unless --no-serve. The last line gives the "
    "rows and tenants loaded.",
    load_opts, 0, 0,
    "example:\n  multisoc demo --data ./demo-data --tenants 5 --days 3 --seed 1 --no-serve"};

static size_t list_dirs(const char *dir, char names[][256], size_t cap)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    if (d == NULL)
        return 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && n < cap) {
        if (de->d_name[0] == '.' || strlen(de->d_name) >= 256)
            continue;
        snprintf(names[n++], 256, "%s", de->d_name);
    }
    closedir(d);
    return n;
}

typedef struct load_state {
    bool is_quiet;
    size_t n_rejected_shown;
} load_state;

static void on_reject(void *ud, const msoc_ingest_reject *r)
{
    load_state *ls = ud;
    if (!ls->is_quiet && ls->n_rejected_shown++ < 10)
        fprintf(stderr, "multisoc demo: %s: row %zu rejected: %s\n", r->source, r->row, r->reason);
}

int cli_demo_load(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&load_spec, argc, argv, &a);
    if (rc != 0)
        return CLI_EXIT(rc);
    const char *data = cli_get(&a, "data");
    if (data == NULL) {
        fprintf(stderr, "multisoc demo: --data DIR is required (or 'multisoc demo generate')\n");
        return 2;
    }
    /* Loading twice would duplicate every row and tenant: refuse a used directory. */
    char db_path[4200];
    snprintf(db_path, sizeof db_path, "%s/multisoc.db", data);
    if (access(db_path, F_OK) == 0) {
        fprintf(stderr,
                "multisoc demo: %s already holds a multisoc data directory; serve it with "
                "'multisoc serve --data %s', or remove it to load a fresh demo\n",
                data, data);
        return 1;
    }
    msoc_demo_opts o;
    msoc_demo_opts_default(&o);
    long long v;
    if (!cli_get_i64(&a, "tenants", 1, MSOC_DEMO_MAX_TENANTS, &v))
        return 2;
    o.n_tenants = (int)v;
    if (!cli_get_i64(&a, "days", 1, MSOC_DEMO_MAX_DAYS, &v))
        return 2;
    o.n_days = (int)v;
    if (!cli_get_i64(&a, "seed", 0, (long long)(~0ull >> 1), &v))
        return 2;
    o.seed = (uint64_t)v;
    if (!cli_get_double(&a, "scale", 1e-6, 1000, &o.scale))
        return 2;
    unsigned n_threads = 0;
    if (cli_has(&a, "threads")) {
        if (!cli_get_i64(&a, "threads", 1, 64, &v))
            return 2;
        n_threads = (unsigned)v;
        o.n_threads = n_threads;
    }
    bool is_quiet = cli_has(&a, "quiet");
    char gen[4096];
    const char *keep = cli_get(&a, "keep");
    if (keep != NULL) {
        snprintf(gen, sizeof gen, "%s", keep);
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(gen, sizeof gen, "%s/multisoc-demo-XXXXXX", tmp != NULL ? tmp : "/tmp");
        if (mkdtemp(gen) == NULL) {
            fprintf(stderr, "multisoc demo: cannot create a temporary directory under %s\n",
                    tmp != NULL ? tmp : "/tmp");
            return 1;
        }
    }
    o.out_dir = gen;
    msoc_error err;
    msoc_error_clear(&err);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!is_quiet)
        fprintf(stderr, "multisoc demo: generating %d tenants x %d days (seed %llu) in %s\n",
                o.n_tenants, o.n_days, (unsigned long long)o.seed, gen);
    if (msoc_demo_generate(&o, NULL, NULL, &err) != MSOC_OK) {
        if (keep == NULL)
            msoc_remove_tree(gen, NULL);
        return cli_report("demo", &err);
    }
    msoc_stor_db *db;
    if (msoc_stor_open(data, NULL, &db, &err) != MSOC_OK) {
        if (keep == NULL)
            msoc_remove_tree(gen, NULL);
        return cli_report("demo", &err);
    }
    load_state ls = {is_quiet, 0};
    msoc_ingest_opts io = {0};
    io.n_threads = n_threads;
    io.on_reject = on_reject;
    io.ud = &ls;
    msoc_ingest_stats total = {0};
    char root[4200];
    snprintf(root, sizeof root, "%s/tenants", gen);
    static char tenants[10000][256];
    size_t n_tenants = list_dirs(root, tenants, 10000);
    msoc_status st = MSOC_OK;
    for (size_t i = 0; i < n_tenants && st == MSOC_OK; i++) {
        char tdir[4600];
        snprintf(tdir, sizeof tdir, "%s/%s", root, tenants[i]);
        char wss[64][256];
        size_t nw = list_dirs(tdir, wss, 64);
        msoc_ingest_stats ts = {0};
        for (size_t j = 0; j < nw && st == MSOC_OK; j++) {
            char wdir[4900];
            snprintf(wdir, sizeof wdir, "%s/%s", tdir, wss[j]);
            DIR *d = opendir(wdir);
            struct dirent *de;
            while (d != NULL && (de = readdir(d)) != NULL && st == MSOC_OK) {
                size_t nl = strlen(de->d_name);
                if (nl <= 7 || strcmp(de->d_name + nl - 7, ".ndjson") != 0 || nl > 200)
                    continue;
                char table[256], path[5200];
                snprintf(table, sizeof table, "%.*s", (int)(nl - 7), de->d_name);
                snprintf(path, sizeof path, "%s/%s", wdir, de->d_name);
                io.tenant = tenants[i];
                io.workspace = wss[j];
                io.table = table;
                io.format = MSOC_INGEST_NDJSON;
                st = msoc_ingest_file(db, &io, path, &ts, &err);
            }
            if (d != NULL)
                closedir(d);
        }
        total.n_rows += ts.n_rows;
        total.n_stored += ts.n_stored;
        total.n_rejected += ts.n_rejected;
        total.n_bytes += ts.n_bytes;
        if (!is_quiet) {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
            fprintf(stderr, "  tenant %zu/%zu %s: %zu rows loaded (total %zu rows, %.1f s)\n",
                    i + 1, n_tenants, tenants[i], ts.n_stored, total.n_stored, secs);
        }
    }
    if (st == MSOC_OK)
        st = msoc_stor_flush(db, true, &err);
    msoc_stor_close(db);
    /* The SOC side (tenants, incidents, alerts, cases, logins) reads the manifest. */
    int rc_soc = 0;
    if (st == MSOC_OK) {
        char manifest[4300];
        snprintf(manifest, sizeof manifest, "%s/manifest.json", gen);
        rc_soc = cli_demo_setup_soc(data, manifest, o.seed, is_quiet, cli_get(&a, "listen"));
    }
    if (keep == NULL)
        msoc_remove_tree(gen, NULL);
    if (st != MSOC_OK)
        return cli_report("demo", &err);
    printf("demo: loaded %zu rows (%zu rejected) for %zu tenants into %s\n", total.n_stored,
           total.n_rejected, n_tenants, data);
    fflush(stdout);
    if (rc_soc != 0)
        return rc_soc;
    if (cli_has(&a, "no-serve"))
        return 0;
    fflush(stdout);
    cli_demo_print_logins(data);
    char *serve_argv[] = {(char *)"serve", (char *)"--data", (char *)(uintptr_t)data,
                          (char *)"--listen", (char *)(uintptr_t)cli_get(&a, "listen"), NULL};
    return cli_cmd_serve(5, serve_argv);
}
