/* The demo data generator: realistic multi-tenant Defender XDR and Sentinel data as
 * NDJSON files plus a manifest.json of what was planted where. Output layout and
 * the manifest contract are in src/demo/README.md. */
#ifndef MSOC_DEMO_DEMO_H
#define MSOC_DEMO_DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/datetime.h"
#include "core/error.h"

/* Bumped whenever the output for the same arguments changes. */
#define MSOC_DEMO_GENERATOR_VERSION "1.0.0"

#define MSOC_DEMO_MAX_TENANTS 10000
#define MSOC_DEMO_MAX_DAYS    366

typedef struct msoc_demo_opts {
    const char *out_dir;   /* created if missing; must be empty or absent */
    int n_tenants;         /* 1..MSOC_DEMO_MAX_TENANTS */
    int n_days;            /* 1..MSOC_DEMO_MAX_DAYS */
    uint64_t seed;
    msoc_datetime end;     /* data ends before this instant; a whole hour (caller rounds) */
    double scale;          /* event-volume multiplier, (0, 1000]; 1 = the modest demo */
    unsigned n_threads;    /* tenants generated in parallel; 0 = one per CPU */
    const char *tables;    /* comma-separated tables to write, NULL or "" = all. The rows of
                            * the written tables are the same as in a full run. */
} msoc_demo_opts;

typedef enum msoc_demo_event {
    MSOC_DEMO_EV_TICK,        /* periodic (about twice a second) */
    MSOC_DEMO_EV_TENANT_DONE, /* one tenant finished (tenant_idx set) */
    MSOC_DEMO_EV_FINISHED,    /* everything written, manifest included */
} msoc_demo_event;

typedef struct msoc_demo_progress {
    msoc_demo_event event;
    uint64_t rows;           /* rows written so far, all tenants */
    uint64_t bytes;          /* NDJSON bytes written so far */
    double elapsed_s;        /* since generation started */
    int n_tenants, n_tenants_done;
    int tenant_idx;          /* EV_TENANT_DONE: which tenant */
    const char *tenant_name; /* EV_TENANT_DONE: valid during the call */
    uint64_t tenant_rows;    /* EV_TENANT_DONE: that tenant's rows */
    uint64_t tenant_devices, tenant_users;
} msoc_demo_progress;

/* Called from worker threads, but never concurrently (the generator serializes the
 * calls). Must not call back into the generator. */
typedef void (*msoc_demo_progress_fn)(const msoc_demo_progress *p, void *arg);

/* Fills opts with the defaults: 20 tenants, 7 days, seed 1, scale 1, end = now
 * rounded down to the hour, all CPUs. out_dir stays NULL. */
void msoc_demo_opts_default(msoc_demo_opts *opts);

/* Generates the demo into opts->out_dir. The bytes written are a pure function of
 * (n_tenants, n_days, seed, end, scale): thread count and timing never change them,
 * and opts->tables only leaves files out.
 * progress may be NULL. Fails with MSOC_INVALID on bad options or a non-empty
 * out_dir, MSOC_IO on write errors (message names the file). Thread-safe for
 * different out_dirs. */
msoc_status msoc_demo_generate(const msoc_demo_opts *opts, msoc_demo_progress_fn progress,
                               void *progress_arg, msoc_error *err);

#endif
