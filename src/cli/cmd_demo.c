/* multisoc demo: demo tenants and data. `demo generate` writes the NDJSON demo data
 * set (src/demo/README.md); `demo` alone will generate, load and serve once the
 * storage and server capabilities exist (issues #4, #7). Each subcommand is one
 * entry in the table below. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/datetime.h"
#include "demo/demo.h"

/* ---- demo generate ---- */

static const cli_opt generate_opts[] = {
    {"out", 'o', "DIR", "directory to write (created; must be empty)", NULL},
    {"tenants", 't', "N", "number of tenants (1..10000)", "20"},
    {"days", 'd', "D", "days of data, ending at --end (1..366)", "7"},
    {"seed", 's', "S", "random seed; the output is a pure function of the arguments", "1"},
    {"end", 'e', "TIME", "end of the data (a whole hour, any KQL datetime form)", "now, rounded down to the hour"},
    {"scale", 0, "F", "event-volume multiplier (tenants and entities stay the same)", "1"},
    {"threads", 'j', "N", "tenants generated in parallel (never changes the output)", "all CPUs"},
    {"tables", 0, "LIST", "comma-separated tables to write; the others are generated but not written "
                          "(benchmarks: --tables DeviceProcessEvents --scale 50)", "all 24"},
    {"quiet", 'q', NULL, "no progress output", NULL},
    {0},
};

static const cli_spec generate_spec = {
    .usage = "demo generate --out DIR [--tenants N] [--days D] [--seed S] [--end TIME] [--scale F]",
    .summary = "Generate realistic multi-tenant Defender XDR and Sentinel data as NDJSON, one file per "
               "tenant/workspace/table, plus DIR/manifest.json describing the tenants, the files and the "
               "planted attack scenarios. Progress goes to stderr.",
    .opts = generate_opts,
    .min_pos = 0,
    .max_pos = 0,
    .epilog = "example:\n  multisoc demo generate --out ./demo-data --tenants 20 --days 7 --seed 1 "
              "--end 2026-11-01T00:00:00Z\n",
};

typedef struct progress_state {
    bool is_tty;
    bool is_quiet;
    bool has_line;
    msoc_demo_progress final; /* the EV_FINISHED report */
} progress_state;

static void human_bytes(uint64_t n, char *out, size_t cap)
{
    if (n >= (1ull << 30))
        snprintf(out, cap, "%.2f GiB", (double)n / (double)(1ull << 30));
    else if (n >= (1ull << 20))
        snprintf(out, cap, "%.1f MiB", (double)n / (double)(1ull << 20));
    else
        snprintf(out, cap, "%.1f KiB", (double)n / 1024.0);
}

static void on_progress(const msoc_demo_progress *p, void *arg)
{
    progress_state *ps = arg;
    if (p->event == MSOC_DEMO_EV_FINISHED)
        ps->final = *p;
    if (ps->is_quiet)
        return;
    double rate = p->elapsed_s > 0 ? (double)p->rows / p->elapsed_s : 0;
    char sz[32];
    human_bytes(p->bytes, sz, sizeof sz);
    switch (p->event) {
    case MSOC_DEMO_EV_TICK:
        if (ps->is_tty) {
            fprintf(stderr, "\r  %llu rows, %s, %.0f rows/s, %d/%d tenants done   ", (unsigned long long)p->rows, sz, rate,
                    p->n_tenants_done, p->n_tenants);
            ps->has_line = true;
        }
        break;
    case MSOC_DEMO_EV_TENANT_DONE:
        if (ps->has_line)
            fputc('\n', stderr), ps->has_line = false;
        fprintf(stderr, "  tenant %d/%d %-32s %5llu devices %5llu users %10llu rows  (total %llu rows, %.0f rows/s)\n",
                p->n_tenants_done, p->n_tenants, p->tenant_name, (unsigned long long)p->tenant_devices,
                (unsigned long long)p->tenant_users, (unsigned long long)p->tenant_rows, (unsigned long long)p->rows, rate);
        break;
    case MSOC_DEMO_EV_FINISHED:
        if (ps->has_line)
            fputc('\n', stderr), ps->has_line = false;
        break;
    }
}

static int demo_generate(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&generate_spec, argc, argv, &a);
    if (rc != 0)
        return CLI_EXIT(rc);
    msoc_demo_opts o;
    msoc_demo_opts_default(&o);
    o.out_dir = cli_get(&a, "out");
    if (o.out_dir == NULL) {
        fprintf(stderr, "multisoc demo generate: --out DIR is required (see --help)\n");
        return 2;
    }
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
    if (cli_has(&a, "threads")) {
        if (!cli_get_i64(&a, "threads", 1, 256, &v))
            return 2;
        o.n_threads = (unsigned)v;
    }
    if (cli_has(&a, "tables"))
        o.tables = cli_get(&a, "tables");
    if (cli_has(&a, "end")) {
        const char *e = cli_get(&a, "end");
        msoc_error err;
        msoc_error_clear(&err);
        if (msoc_datetime_parse(e, strlen(e), &o.end, &err) != MSOC_OK || o.end == MSOC_TIME_NULL) {
            fprintf(stderr, "multisoc demo generate: --end: %s\n", err.msg[0] ? err.msg : "not a datetime");
            return 2;
        }
        if (o.end % MSOC_TICKS_PER_HOUR != 0) {
            fprintf(stderr, "multisoc demo generate: --end must be a whole hour (e.g. 2026-11-01T00:00:00Z)\n");
            return 2;
        }
    }
    progress_state ps;
    memset(&ps, 0, sizeof ps);
    ps.is_tty = isatty(STDERR_FILENO) != 0;
    ps.is_quiet = cli_has(&a, "quiet");
    char end_s[MSOC_DATETIME_FMT_CAP];
    msoc_datetime_format(o.end, end_s);
    if (!ps.is_quiet) {
        fprintf(stderr, "multisoc demo generate: %d tenants, %d days ending %s, seed %llu, scale %g -> %s\n",
                o.n_tenants, o.n_days, end_s, (unsigned long long)o.seed, o.scale, o.out_dir);
    }
    msoc_error err;
    msoc_error_clear(&err);
    if (msoc_demo_generate(&o, on_progress, &ps, &err) != MSOC_OK)
        return cli_report("demo generate", &err);
    const msoc_demo_progress *f = &ps.final;
    char sz[32];
    human_bytes(f->bytes, sz, sizeof sz);
    printf("demo: %llu rows (%s) for %d tenants in %.1f s (%.0f rows/s) -> %s (manifest: %s/manifest.json)\n",
           (unsigned long long)f->rows, sz, f->n_tenants, f->elapsed_s,
           f->elapsed_s > 0 ? (double)f->rows / f->elapsed_s : 0.0, o.out_dir, o.out_dir);
    return 0;
}

/* ---- the subcommand table ---- */

typedef struct demo_sub {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} demo_sub;

static const demo_sub demo_subs[] = {
    {"generate", demo_generate, "write the demo data set (NDJSON + manifest.json)"},
};

static void demo_usage(FILE *f)
{
    fprintf(f, "usage: multisoc demo <subcommand> [options]\n\nsubcommands:\n");
    for (size_t i = 0; i < sizeof demo_subs / sizeof demo_subs[0]; i++)
        fprintf(f, "  %-9s %s\n", demo_subs[i].name, demo_subs[i].summary);
    fprintf(f, "\n'multisoc demo --data DIR [--no-serve]' generates, loads and serves the demo.\n"
               "run 'multisoc demo <subcommand> --help' for options.\n");
}

int cli_cmd_demo(int argc, char **argv)
{
    if (argc >= 2) {
        const char *sub = argv[1];
        if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
            demo_usage(stdout);
            return 0;
        }
        for (size_t i = 0; i < sizeof demo_subs / sizeof demo_subs[0]; i++)
            if (strcmp(sub, demo_subs[i].name) == 0)
                return demo_subs[i].run(argc - 1, argv + 1);
        if (sub[0] != '-') {
            fprintf(stderr, "multisoc demo: unknown subcommand '%s'\n\n", sub);
            demo_usage(stderr);
            return 2;
        }
    }
    return cli_demo_load(argc, argv);
}
