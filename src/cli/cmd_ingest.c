/* multisoc ingest: load NDJSON, Defender streaming envelopes, Log Analytics JSON
 * or CSV files into the per-tenant store (issue #4, docs/storage.md). Prints a
 * progress line on stderr and, last, "ingested N rows (M rejected)". With
 * --ack-log, appends one line per durable batch ("ack FILE FIRST LAST STORED
 * REJECTED") and per rejected row ("rej FILE ROW reason"), written only after
 * the batch's fsync returned, so a crash test knows what was acknowledged. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "core/datetime.h"
#include "ingest/ingest.h"

static const cli_opt opts[] = {
    {"data", 'd', "DIR", "the data directory", NULL},
    {"tenant", 't', "ID", "store every row under this tenant (rows naming another are rejected)",
     NULL},
    {"workspace", 'w', "ID", "workspace for Sentinel and custom tables", NULL},
    {"table", 0, "NAME", "target table (default: each row's Type, or the envelope category)",
     NULL},
    {"format", 'f', "FMT", "ndjson | defender | la-json | csv | auto", "auto"},
    {"ack-log", 0, "FILE", "append a line per durable batch and per rejected row", NULL},
    {"threads", 'j', "N", "parallel batches", "all CPUs"},
    {"batch-rows", 0, "N",
     "records per batch (and per commit); an NDJSON file is cut by bytes into batches of "
     "about N lines (the first exactly N)",
     "32768"},
    {"seal-rows", 0, "N", "seal memtables at this many rows", "131072"},
    {"codec", 0, "C", "extent block codec: zstd | lz4 | none", "zstd"},
    {"no-seal", 0, NULL, "leave the last rows in the WAL instead of sealing them at the end",
     NULL},
    {"quiet", 'q', NULL, "no progress line and no per-row rejection messages", NULL},
    {0},
};

static const cli_spec spec = {
    "ingest --data DIR [--tenant T] [--workspace W] [--table X] [--format F] FILE...",
    "Ingest rows into the store. Each record is stored whole or rejected with its row number "
    "and reason; a batch is acknowledged once it is on disk (WAL fsync or extent rename). "
    "Without --tenant each row goes to the tenant named by its own TenantId.",
    opts, 1, -1,
    "examples:\n"
    "  multisoc ingest --data ./data --tenant contoso DeviceProcessEvents.ndjson\n"
    "  multisoc ingest --data ./data --workspace ws1 --table SigninLogs signins.json\n"
    "  multisoc ingest --data ./data --format defender eventhub-dump.json"};

typedef struct progress {
    int ack_fd;
    bool is_quiet, is_tty;
    size_t n_stored, n_rejected, n_printed_rejects;
    struct timespec start, last;
    size_t base_stored, base_rejected;
} progress;

static double since(const struct timespec *a)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - a->tv_sec) + (double)(now.tv_nsec - a->tv_nsec) / 1e9;
}

static void write_line(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void on_ack(void *ud, const msoc_ingest_ack *a)
{
    progress *p = ud;
    p->n_stored += a->n_stored;
    p->n_rejected += a->n_rejected;
    if (p->ack_fd >= 0) {
        char line[4200];
        int n = snprintf(line, sizeof line, "ack %s %zu %zu %zu %zu\n", a->source, a->first_row,
                         a->last_row, a->n_stored, a->n_rejected);
        write_line(p->ack_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    }
    if (!p->is_quiet && since(&p->last) >= 1.0) {
        clock_gettime(CLOCK_MONOTONIC, &p->last);
        double secs = since(&p->start);
        fprintf(stderr, "%singest: %zu rows stored, %zu rejected, %.0f rows/s%s",
                p->is_tty ? "\r" : "", p->n_stored, p->n_rejected,
                secs > 0 ? (double)p->n_stored / secs : 0.0, p->is_tty ? "" : "\n");
        fflush(stderr);
    }
}

static void on_reject(void *ud, const msoc_ingest_reject *r)
{
    progress *p = ud;
    if (p->ack_fd >= 0) {
        char line[4600];
        int n = snprintf(line, sizeof line, "rej %s %zu %s\n", r->source, r->row, r->reason);
        write_line(p->ack_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    }
    if (p->is_quiet)
        return;
    if (p->n_printed_rejects < 20)
        fprintf(stderr, "%smultisoc ingest: %s: row %zu rejected: %s\n", p->is_tty ? "\n" : "",
                r->source, r->row, r->reason);
    else if (p->n_printed_rejects == 20)
        fprintf(stderr, "multisoc ingest: (further rejections not shown; see --ack-log)\n");
    p->n_printed_rejects++;
}

int cli_cmd_ingest(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&spec, argc, argv, &a);
    if (rc != 0)
        return CLI_EXIT(rc);
    const char *dir = cli_get(&a, "data");
    if (dir == NULL) {
        fprintf(stderr, "multisoc ingest: --data DIR is required\n");
        return 2;
    }
    msoc_ingest_opts io = {0};
    io.tenant = cli_get(&a, "tenant");
    io.workspace = cli_get(&a, "workspace");
    io.table = cli_get(&a, "table");
    if (!msoc_ingest_format_parse(cli_get(&a, "format"), &io.format)) {
        fprintf(stderr, "multisoc ingest: unknown --format '%s' (ndjson, defender, la-json, csv)\n",
                cli_get(&a, "format"));
        return 2;
    }
    long long v;
    if (cli_has(&a, "threads")) {
        if (!cli_get_i64(&a, "threads", 1, 64, &v))
            return 2;
        io.n_threads = (unsigned)v;
    }
    if (!cli_get_i64(&a, "batch-rows", 1, 10000000, &v))
        return 2;
    io.batch_rows = (size_t)v;
    msoc_stor_options so = {0};
    if (!cli_get_i64(&a, "seal-rows", 16, 100000000, &v))
        return 2;
    so.seal_rows = (size_t)v;
    const char *codec = cli_get(&a, "codec");
    if (strcmp(codec, "zstd") == 0) {
        so.codec = MSOC_STOR_CODEC_ZSTD;
    } else if (strcmp(codec, "lz4") == 0) {
        so.codec = MSOC_STOR_CODEC_LZ4;
    } else if (strcmp(codec, "none") == 0) {
        so.codec = -1;
    } else {
        fprintf(stderr, "multisoc ingest: unknown --codec '%s'\n", codec);
        return 2;
    }
    progress p = {0};
    p.ack_fd = -1;
    p.is_quiet = cli_has(&a, "quiet");
    p.is_tty = isatty(2) != 0;
    if (cli_has(&a, "ack-log")) {
        p.ack_fd = open(cli_get(&a, "ack-log"), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (p.ack_fd < 0) {
            fprintf(stderr, "multisoc ingest: cannot open --ack-log %s\n", cli_get(&a, "ack-log"));
            return 1;
        }
    }
    io.on_ack = on_ack;
    io.on_reject = on_reject;
    io.ud = &p;
    msoc_error err;
    msoc_error_clear(&err);
    msoc_stor_db *db;
    if (msoc_stor_open(dir, &so, &db, &err) != MSOC_OK) {
        if (p.ack_fd >= 0)
            close(p.ack_fd);
        return cli_report("ingest", &err);
    }
    long other = 0;
    if (!msoc_stor_is_writable(db, &other)) {
        fprintf(stderr,
                "multisoc ingest: conflict: %s is open for writing by another process (pid %ld); "
                "ingest through it or stop it first\n",
                dir, other);
        msoc_stor_close(db);
        if (p.ack_fd >= 0)
            close(p.ack_fd);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &p.start);
    p.last = p.start;
    msoc_ingest_stats st = {0};
    msoc_status s = MSOC_OK;
    for (int i = 0; i < a.n_pos && s == MSOC_OK; i++)
        s = msoc_ingest_file(db, &io, a.pos[i], &st, &err);
    if (s == MSOC_OK && !cli_has(&a, "no-seal"))
        s = msoc_stor_flush(db, true, &err);
    double secs = since(&p.start);
    msoc_stor_close(db);
    if (p.ack_fd >= 0)
        close(p.ack_fd);
    if (!p.is_quiet)
        fprintf(stderr, "%singest: %zu rows in %.2f s (%.0f rows/s, %.1f MB/s)\n",
                p.is_tty ? "\r" : "", st.n_stored, secs, secs > 0 ? (double)st.n_stored / secs : 0,
                secs > 0 ? (double)st.n_bytes / secs / 1e6 : 0);
    if (s != MSOC_OK) {
        printf("ingested %zu rows (%zu rejected)\n", st.n_stored, st.n_rejected);
        return cli_report("ingest", &err);
    }
    printf("ingested %zu rows (%zu rejected)\n", st.n_stored, st.n_rejected);
    return 0;
}
