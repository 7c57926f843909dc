/* Shared body of the ingest fuzz targets (ndjson_ingest, defender_ingest,
 * lajson_ingest, csv_ingest): each input is ingested into a scratch store
 * opened with is_nosync, then every table it touched is scanned back in full;
 * the store is wiped every 200 inputs. Any crash, sanitizer report or a scan
 * error other than "nothing there" is a bug. Define FUZZ_FORMAT first. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/fs.h"
#include "core/arena.h"
#include "ingest/ingest.h"
#include "storage/storage.h"

static char g_dir[128];
static msoc_stor_db *g_db;
static unsigned g_runs;

static void reopen(void)
{
    msoc_stor_close(g_db);
    g_db = NULL;
    msoc_remove_tree(g_dir, NULL);
    msoc_stor_options o = {.is_nosync = true, .seal_rows = 64, .block_rows = 32};
    msoc_error err;
    msoc_error_clear(&err);
    if (msoc_stor_open(g_dir, &o, &g_db, &err) != MSOC_OK)
        abort();
}

static void cleanup(void)
{
    msoc_stor_close(g_db);
    msoc_remove_tree(g_dir, NULL);
}

static void scan_all(void *arg, const char *tenant, const char *workspace, const char *table)
{
    (void)arg;
    const msoc_stor_table_def *def = msoc_stor_table_find(g_db, table, strlen(table));
    if (def == NULL)
        abort(); /* a directory for a table the catalog does not know */
    int cols[512];
    size_t n = def->n_cols < 511 ? def->n_cols : 511;
    for (size_t i = 0; i < n; i++)
        cols[i] = (int)i;
    cols[n++] = MSOC_STOR_COL_INGESTION_TIME;
    msoc_stor_target tg = {tenant, workspace};
    msoc_stor_scan_spec spec = {&tg, 1, table, cols, n, INT64_MIN, INT64_MIN, INT64_MIN,
                                INT64_MIN};
    msoc_stor_scan *s;
    msoc_error err;
    msoc_error_clear(&err);
    if (msoc_stor_scan_open(g_db, &spec, &s, &err) != MSOC_OK)
        abort();
    msoc_arena *a = msoc_arena_new(NULL, 0, "fuzz");
    for (size_t k = 0; k < msoc_stor_scan_n_chunks(s); k++) {
        msoc_batch b;
        msoc_arena_reset(a);
        if (msoc_stor_scan_chunk(s, k, a, &b, &err) != MSOC_OK)
            abort(); /* what ingest wrote must read back */
    }
    msoc_arena_free(a);
    msoc_stor_scan_close(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (g_db == NULL) {
        snprintf(g_dir, sizeof g_dir, "/tmp/msoc_fuzz_%s_%d", msoc_ingest_format_name(FUZZ_FORMAT),
                 (int)getpid());
        reopen();
        atexit(cleanup);
    }
    if (++g_runs % 200 == 0)
        reopen();
    msoc_ingest_opts o = {0};
    o.format = FUZZ_FORMAT;
    o.n_threads = 1;
    o.batch_rows = 7;
    o.workspace = "ws1";
    if (size > 0 && (data[0] & 1))
        o.tenant = "t1";
    msoc_ingest_stats st = {0};
    msoc_error err;
    msoc_error_clear(&err);
    msoc_status rc = msoc_ingest_buffer(g_db, &o, "fuzz", (const char *)data, size, &st, &err);
    if (rc != MSOC_OK && rc != MSOC_BADDATA && rc != MSOC_INVALID)
        abort();
    if (st.n_stored + st.n_rejected != st.n_rows)
        abort(); /* every record is stored or rejected, never half */
    msoc_stor_list_partitions(g_db, NULL, scan_all, NULL, &err);
    return 0;
}
