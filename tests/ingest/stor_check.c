/* Crash-test checker: opens a data dir (running recovery), reads every row of
 * DeviceProcessEvents for one tenant and checks it against an --ack-log:
 * every acknowledged row present exactly once, no row present twice, no chunk
 * corrupt. Row ids are ReportId = trial * 1000000 + line number of the input
 * file "trial-<trial>.ndjson". Prints one line of figures; exit 1 on a violation.
 * Usage: stor_check DATA_DIR TENANT ACK_LOG */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "storage/storage.h"

#define MAX_ID 100000000

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: stor_check DATA_DIR TENANT ACK_LOG\n");
        return 2;
    }
    msoc_stor_db *db;
    msoc_error err;
    msoc_error_clear(&err);
    if (msoc_stor_open(argv[1], NULL, &db, &err) != MSOC_OK) {
        fprintf(stderr, "stor_check: open: %s\n", err.msg);
        return 1;
    }
    const msoc_stor_table_def *def = msoc_stor_table_find(db, "DeviceProcessEvents", 19);
    int col = msoc_stor_table_col_index(def, "ReportId", 8);
    unsigned char *seen = calloc(MAX_ID, 1);
    unsigned char *acked = calloc(MAX_ID, 1);
    unsigned char *rejected = calloc(MAX_ID, 1);
    msoc_stor_target tg = {argv[2], NULL};
    msoc_stor_scan_spec spec = {&tg, 1, "DeviceProcessEvents", &col, 1, MSOC_TIME_NULL,
                                MSOC_TIME_NULL, MSOC_TIME_NULL, MSOC_TIME_NULL};
    msoc_stor_scan *s;
    if (msoc_stor_scan_open(db, &spec, &s, &err) != MSOC_OK) {
        fprintf(stderr, "stor_check: scan: %s: %s\n", msoc_status_str(err.code), err.msg);
        return 1;
    }
    msoc_arena *a = msoc_arena_new(NULL, 0, "check");
    size_t n_rows = 0, n_dup = 0, n_bad = 0;
    for (size_t k = 0; k < msoc_stor_scan_n_chunks(s); k++) {
        msoc_batch b;
        msoc_arena_reset(a);
        if (msoc_stor_scan_chunk(s, k, a, &b, &err) != MSOC_OK) {
            fprintf(stderr, "stor_check: chunk %zu: %s: %s\n", k, msoc_status_str(err.code),
                    err.msg);
            return 1;
        }
        for (size_t i = 0; i < b.n_rows; i++) {
            long long id = b.cols[0].v.i64[i];
            n_rows++;
            if (id < 0 || id >= MAX_ID) {
                n_bad++;
                continue;
            }
            if (seen[id]++)
                n_dup++;
        }
    }
    msoc_stor_scan_close(s);
    msoc_arena_free(a);
    msoc_stor_close(db);
    FILE *f = fopen(argv[3], "r");
    size_t n_acked = 0, n_missing = 0, n_unacked_present = 0;
    char line[8192];
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        char file[4096];
        size_t first, last, stored, rej;
        size_t rej_row;
        if (sscanf(line, "rej %4095s %zu", file, &rej_row) == 2) {
            const char *t = strstr(file, "trial-");
            long long id = t != NULL ? strtol(t + 6, NULL, 10) * 1000000LL + (long long)rej_row : -1;
            if (id >= 0 && id < MAX_ID)
                rejected[id] = 1;
            continue;
        }
        if (sscanf(line, "ack %4095s %zu %zu %zu %zu", file, &first, &last, &stored, &rej) != 5)
            continue;
        const char *t = strstr(file, "trial-");
        if (t == NULL)
            continue;
        long trial = strtol(t + 6, NULL, 10);
        for (size_t r = first; r <= last; r++) {
            long long id = trial * 1000000LL + (long long)r;
            if (id >= MAX_ID)
                continue;
            if (!rejected[id])
                acked[id] = 1;
        }
    }
    if (f != NULL)
        fclose(f);
    for (size_t id = 0; id < MAX_ID; id++) {
        if (acked[id]) {
            n_acked++;
            if (seen[id] != 1)
                n_missing++;
        } else if (seen[id]) {
            n_unacked_present++;
        }
    }
    printf("stor_check: %zu rows stored, %zu acknowledged, %zu acknowledged but missing, %zu "
           "duplicated, %zu stored beyond the last acknowledgement, %zu bad ids\n",
           n_rows, n_acked, n_missing, n_dup, n_unacked_present, n_bad);
    free(seen);
    free(acked);
    free(rejected);
    return (n_missing || n_dup || n_bad) ? 1 : 0;
}
