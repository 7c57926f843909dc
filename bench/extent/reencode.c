/* bench/extent/reencode: the extent writer and reader alone, on real extents.
 * Reads every extent under DIR (e.g. a data dir after `multisoc ingest`) back
 * into row sets, then writes them again with the given codec and zstd level
 * (no fsync, into OUT) REPS times and reads every block of the result back,
 * printing CPU ms per 1M rows for writing and reading and bytes per row.
 *   reencode DIR OUT zstd|lz4|none LEVEL [REPS]
 * Build: see bench/extent/run. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/arena.h"
#include "core/mem.h"
#include "storage/catalog.h"
#include "storage/stor_int.h"

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *paths[4096];
static size_t n_paths;

static void walk(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            walk(p);
        else if (strstr(de->d_name, ".ext") != NULL && n_paths < 4096)
            paths[n_paths++] = msoc_strdup(p);
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: reencode DIR OUT zstd|lz4|none LEVEL [REPS]\n");
        return 2;
    }
    int codec = strcmp(argv[3], "lz4") == 0    ? MSOC_STOR_CODEC_LZ4
                : strcmp(argv[3], "none") == 0 ? MSOC_STOR_CODEC_NONE
                                               : MSOC_STOR_CODEC_ZSTD;
    int level = (int)strtol(argv[4], NULL, 10);
    int reps = argc > 5 ? (int)strtol(argv[5], NULL, 10) : 1;
    int int_codec = argc > 6 && strcmp(argv[6], "lz4") == 0 ? MSOC_STOR_CODEC_LZ4 : 0;
    walk(argv[1]);
    const msoc_stor_table_def *def = msoc_stor_builtin_find("DeviceProcessEvents", 19);
    stor_rowset *rss = msoc_calloc(n_paths + 1, sizeof *rss);
    size_t rows = 0;
    msoc_error err = {0};
    for (size_t i = 0; i < n_paths; i++) {
        stor_extent *e;
        msoc_stor__rowset_init(&rss[i], def);
        if (msoc_stor__extent_open(paths[i], &e, &err) != MSOC_OK ||
            msoc_stor__extent_to_rowset(e, def, &rss[i], &err) != MSOC_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 1;
        }
        rows += rss[i].n_rows;
        msoc_stor__extent_unref(e);
    }
    stor_extent_writer *wr = msoc_stor__extent_writer_new();
    double best_w = 1e30, best_r = 1e30;
    size_t bytes = 0;
    for (int rep = 0; rep < reps; rep++) {
        bytes = 0;
        double t0 = cpu_ms(), tw = 0, tr = 0;
        for (size_t i = 0; i < n_paths; i++) {
            stor_extent_params ep = {.writer = wr, .codec = codec, .zstd_level = level, .int_codec = int_codec,
                                     .block_rows = 65536, .is_nosync = true, .id = i + 1};
            char *path = NULL;
            if (msoc_stor__extent_write(argv[2], &rss[i], def, &ep, &path, &err) != MSOC_OK) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
            }
            double t1 = cpu_ms();
            tw += t1 - t0;
            stor_extent *e;
            if (msoc_stor__extent_open(path, &e, &err) != MSOC_OK) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
            }
            bytes += e->map_len;
            msoc_arena *a = msoc_arena_new(NULL, 0, "bench");
            for (size_t b = 0; b < e->n_blocks; b++) {
                for (size_t c = 0; c <= e->n_cols; c++) {
                    msoc_col col;
                    if (msoc_stor__extent_read_col(e, b, c, a, &col, &err) != MSOC_OK) {
                        fprintf(stderr, "%s\n", err.msg);
                        return 1;
                    }
                }
                msoc_arena_reset(a);
            }
            msoc_arena_free(a);
            msoc_stor__extent_unref(e);
            msoc_free(path);
            t0 = cpu_ms();
            tr += t0 - t1;
        }
        best_w = tw < best_w ? tw : best_w;
        best_r = tr < best_r ? tr : best_r;
    }
    printf("%s %d: %zu extents, %zu rows: write %.1f ms/1M rows, read %.1f ms/1M rows, %.2f "
           "bytes/row\n",
           argv[3], level, n_paths, rows, best_w * 1e6 / rows, best_r * 1e6 / rows,
           (double)bytes / rows);
    msoc_stor__extent_writer_free(wr);
    return 0;
}
