/* The KQL corpus check (issue #3 acceptance): over every file in ORACLE.tsv,
 *  - of the queries Microsoft's parser accepts, we parse >= 99.5%;
 *  - of those it rejects, we reject >= 90%, each with a line:col;
 *  - every query we parse formats to text that parses to an equal AST.
 * Prints the rates (and with -v every miss); exit 1 under a threshold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/mem.h"
#include "core/str.h"
#include "kql/kql.h"

static bool read_file(const char *path, msoc_buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        msoc_buf_append(b, chunk, n);
    fclose(f);
    return !b->is_failed;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    const char *dir = NULL;
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-v") == 0)
            verbose = true;
        else
            dir = argv[i];
    }
    if (!dir) {
        fprintf(stderr, "usage: kql_corpus_check [-v] KQL_CORPUS_DIR\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/ORACLE.tsv", dir);
    msoc_buf oracle;
    msoc_buf_init(&oracle, 64u << 20);
    if (!read_file(path, &oracle)) {
        fprintf(stderr, "kql_corpus_check: cannot read %s (set MSOC_SHARED_DIR)\n", path);
        return 1;
    }
    msoc_arena *arena = msoc_arena_new(NULL, 512u << 20, "corpus");
    msoc_buf text, out;
    msoc_buf_init(&text, 16u << 20);
    msoc_buf_init(&out, 64u << 20);
    int same_line = 0, same_pos = 0;
    int ok_total = 0, ok_parsed = 0, err_total = 0, err_rejected = 0, rt_total = 0, rt_ok = 0;
    double parse_s = 0;
    char *save = NULL;
    char *line = strtok_r(oracle.data, "\n", &save); /* header */
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        bool oracle_ok = strncmp(tab + 1, "OK", 2) == 0;
        /* columns: path oracle kind code line col message */
        unsigned o_line = 0, o_col = 0;
        {
            char *f = tab + 1;
            for (int c = 0; c < 3 && f; c++) {
                f = strchr(f, '\t');
                if (f)
                    f++;
            }
            if (f) {
                o_line = (unsigned)strtoul(f, &f, 10);
                if (*f == '\t')
                    o_col = (unsigned)strtoul(f + 1, NULL, 10);
            }
        }
        snprintf(path, sizeof path, "%s/%s", dir, line);
        msoc_buf_reset(&text);
        if (!read_file(path, &text)) {
            fprintf(stderr, "kql_corpus_check: cannot read %s\n", path);
            return 1;
        }
        msoc_arena_reset(arena);
        msoc_error err;
        msoc_error_clear(&err);
        msoc_kql_node *root = NULL;
        msoc_kql_diag_code diag;
        double t0 = now_s();
        msoc_status st = msoc_kql_parse_ex(text.data, text.len, arena, NULL, &root, &diag, &err);
        parse_s += now_s() - t0;
        if (oracle_ok) {
            ok_total++;
            if (st == MSOC_OK)
                ok_parsed++;
            else if (verbose)
                printf("MISS-ACCEPT %s:%u:%u %s %s\n", line, err.line, err.col,
                       msoc_kql_diag_str(diag), err.msg);
        } else {
            err_total++;
            if (st != MSOC_OK && err.line > 0 && err.col > 0) {
                err_rejected++;
                same_line += err.line == o_line;
                same_pos += err.line == o_line && err.col == o_col;
            } else if (verbose)
                printf("MISS-REJECT %s (%s)\n", line, st == MSOC_OK ? "parsed" : "no position");
        }
        if (st != MSOC_OK)
            continue;
        rt_total++;
        msoc_buf_reset(&out);
        msoc_error_clear(&err);
        msoc_kql_node *again = NULL;
        if (msoc_kql_format(root, &out, &err) == MSOC_OK &&
            msoc_kql_parse_ex(out.data, out.len, arena, NULL, &again, &diag, &err) == MSOC_OK &&
            msoc_kql_equal(root, again)) {
            rt_ok++;
        } else if (verbose) {
            printf("MISS-ROUNDTRIP %s %s\n--- formatted:\n%s\n---\n", line,
                   err.code ? err.msg : "ASTs differ", out.data ? out.data : "");
        }
    }
    double acc = ok_total ? 100.0 * ok_parsed / ok_total : 0;
    double rej = err_total ? 100.0 * err_rejected / err_total : 0;
    printf("accepted by Microsoft's parser: %d, parsed by multisoc: %d (%.2f%%, need >= 99.5%%)\n",
           ok_total, ok_parsed, acc);
    printf(
        "rejected by Microsoft's parser: %d, rejected with line:col: %d (%.2f%%, need >= 90%%)\n",
        err_total, err_rejected, rej);
    printf("  of those, same line as Microsoft's parser: %d, same line:col: %d\n", same_line,
           same_pos);
    printf("formatter round trip: %d of %d parsed queries give an equal AST (need all)\n", rt_ok,
           rt_total);
    printf("parse time for %d files: %.3f s\n", ok_total + err_total, parse_s);
    bool pass = acc >= 99.5 && rej >= 90.0 && rt_ok == rt_total && ok_total > 0;
    printf("%s\n", pass ? "corpus check: PASS" : "corpus check: FAIL");
    msoc_buf_fini(&oracle);
    msoc_buf_fini(&text);
    msoc_buf_fini(&out);
    msoc_arena_free(arena);
    return pass ? 0 : 1;
}
