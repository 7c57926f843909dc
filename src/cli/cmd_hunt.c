/* multisoc hunt: runs one KQL hunting query over the tenants of a data directory
 * and prints the result as a table, JSON or CSV. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "core/mem.h"
#include "kql_run.h"

static const cli_opt hunt_opts[] = {
    {"data", 'd', "DIR", "data directory", NULL},
    {"tenant", 't', "T,...", "tenants the query may read (default: every tenant in DIR)", NULL},
    {"format", 0, "FMT", "table, json or csv", "table"},
    {"timeout", 0, "S", "time limit in seconds", "600"},
    {"max-rows", 0, "N", "result row cap (a truncated result says so)", "100000"},
    {"file", 'f', "FILE", "read the query from FILE ('-' for stdin)", NULL},
    {"repeat", 0, "N", "benchmark: run once to warm up, then N times; print the median time to stderr", NULL},
    {0},
};

static const cli_spec hunt_spec = {
    "hunt --data DIR [--tenant T,...] [--format table|json|csv] [--timeout S] (QUERY | -f FILE)",
    "Runs a KQL hunting query across the authorised tenants: every table exposes TenantId, "
    "and rows of other tenants are never read.",
    hunt_opts, 0, 1,
    "  multisoc hunt --data ./demo-data 'DeviceProcessEvents | summarize count() by TenantId'"};

int cli_cmd_hunt(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&hunt_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    /* keep freed query memory in the process for the next query instead of
     * returning it to the kernel (fresh pages fault in at ~1 GB/s here) */
    mallopt(M_MMAP_THRESHOLD, 512 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    const char *file = cli_get(&a, "file");
    if ((file == NULL) == (a.n_pos == 0)) {
        fprintf(stderr, "multisoc hunt: give either a QUERY or -f FILE (see --help)\n");
        return 2;
    }
    const char *fmt_name = cli_get(&a, "format");
    msoc_exec_format fmt;
    if (strcmp(fmt_name, "table") == 0)
        fmt = MSOC_EXEC_FMT_TABLE;
    else if (strcmp(fmt_name, "json") == 0)
        fmt = MSOC_EXEC_FMT_JSON;
    else if (strcmp(fmt_name, "csv") == 0)
        fmt = MSOC_EXEC_FMT_CSV;
    else {
        fprintf(stderr, "multisoc hunt: --format must be table, json or csv, not '%s'\n", fmt_name);
        return 2;
    }
    double timeout = 600;
    long long max_rows = 100000;
    if (!cli_get_double(&a, "timeout", 0.001, 86400, &timeout) ||
        !cli_get_i64(&a, "max-rows", 1, 100000000, &max_rows))
        return 2;
    msoc_buf text;
    msoc_buf_init(&text, 16u << 20);
    msoc_buf_reserve(&text, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
    msoc_error err;
    msoc_error_clear(&err);
    if (file) {
        if (!cli_read_file(file, &text, &err)) {
            msoc_buf_fini(&text);
            return cli_report("hunt", &err);
        }
    } else {
        msoc_buf_append_c(&text, a.pos[0]);
    }
    cli_engine e;
    if (cli_engine_open(&e, cli_get(&a, "data"), cli_get(&a, "tenant"), &err) != MSOC_OK) {
        msoc_buf_fini(&text);
        return cli_report("hunt", &err);
    }
    e.timeout_s = timeout;
    e.max_rows = (size_t)max_rows;
    long long repeat = 0;
    if (cli_has(&a, "repeat") && !cli_get_i64(&a, "repeat", 1, 1000, &repeat)) {
        cli_engine_close(&e);
        msoc_buf_fini(&text);
        return 2;
    }
    msoc_exec_query *q = NULL;
    const msoc_exec_table *t;
    msoc_status st = cli_engine_run(&e, text.data ? text.data : "", text.len, &q, &t, &err);
    if (st == MSOC_OK && repeat > 0) {
        double times[1000];
        for (long long i = 0; i < repeat && st == MSOC_OK; i++) {
            msoc_exec_query_free(q);
            q = NULL;
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            st = cli_engine_run(&e, text.data, text.len, &q, &t, &err);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            times[i] = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        }
        for (long long i = 1; i < repeat; i++)
            for (long long k = i; k > 0 && times[k - 1] > times[k]; k--) {
                double x = times[k];
                times[k] = times[k - 1];
                times[k - 1] = x;
            }
        if (st == MSOC_OK)
            fprintf(stderr, "time: median %.4f s over %lld runs, %zu rows\n", times[repeat / 2], repeat, t->n_rows);
    }
    rc = 0;
    if (st != MSOC_OK) {
        rc = cli_report("hunt", &err);
    } else {
        msoc_buf out;
        msoc_buf_init(&out, (size_t)4 << 30);
        msoc_buf_reserve(&out, 1); /* core: appending 0 bytes to an empty buf offsets NULL */
        if (msoc_exec_table_write(t, fmt, &out, &err) != MSOC_OK) {
            rc = cli_report("hunt", &err);
        } else {
            fwrite(out.data ? out.data : "", 1, out.len, stdout);
            if (t->is_truncated)
                fprintf(stderr, "multisoc hunt: result truncated at %lld rows (--max-rows)\n", max_rows);
        }
        msoc_buf_fini(&out);
    }
    msoc_exec_query_free(q);
    cli_engine_close(&e);
    msoc_buf_fini(&text);
    return rc;
}
