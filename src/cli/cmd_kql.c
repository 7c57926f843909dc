/* multisoc kql: KQL tools. `parse` checks query files and prints positioned
 * errors (or the AST as JSON), `format` prints canonical KQL. `run` and `oracle`
 * need the KQL engine and say so. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/arena.h"
#include "core/mem.h"
#include "core/str.h"
#include "kql/kql.h"
#include "kql_run.h"

#define KQL_FILE_CAP (16u << 20)

static const cli_opt parse_opts[] = {
    {"json", 0, NULL, "print each file's AST as one JSON line instead of OK", NULL},
    {0},
};
static const cli_spec parse_spec = {
    "kql parse [--json] FILE...",
    "Parses each KQL file (query or control command). Prints 'OK <path>' or "
    "'ERR <path>:<line>:<col> <code> <message>' per file, then 'parsed N of M'. "
    "Exit status 0 when every file parses, 1 otherwise.",
    parse_opts, 1, -1, "  multisoc kql parse hunting/*.kql"};

static const cli_opt no_opts[] = {{0}};
static const cli_spec format_spec = {
    "kql format FILE", "Prints the canonical form of a KQL file ('-' reads stdin).", no_opts, 1,
    1, NULL};


static int kql_parse(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&parse_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    bool as_json = cli_has(&a, "json");
    msoc_arena *arena = msoc_arena_new(NULL, 256u << 20, "kql parse");
    msoc_buf text, out;
    msoc_buf_init(&text, KQL_FILE_CAP);
    msoc_buf_init(&out, 256u << 20);
    int n_ok = 0;
    for (int i = 0; i < a.n_pos; i++) {
        const char *path = a.pos[i];
        msoc_error err;
        msoc_error_clear(&err);
        msoc_buf_reset(&text);
        msoc_arena_reset(arena);
        if (!cli_read_file(path, &text, &err)) {
            printf("ERR %s:0:0 %s %s\n", path, msoc_status_str(err.code), err.msg);
            continue;
        }
        msoc_kql_node *root;
        msoc_kql_diag_code diag;
        msoc_status st = msoc_kql_parse_ex(text.data, text.len, arena, NULL, &root, &diag, &err);
        if (st != MSOC_OK) {
            printf("ERR %s:%u:%u %s %s\n", path, err.line, err.col, msoc_kql_diag_str(diag),
                   err.msg);
            continue;
        }
        n_ok++;
        if (as_json) {
            msoc_buf_reset(&out);
            if (msoc_kql_to_json(root, &out, &err) != MSOC_OK) {
                fprintf(stderr, "multisoc kql parse: %s: %s\n", path, err.msg);
                continue;
            }
            printf("%s\n", out.data);
        } else {
            printf("OK %s\n", path);
        }
    }
    printf("parsed %d of %d\n", n_ok, a.n_pos);
    msoc_buf_fini(&text);
    msoc_buf_fini(&out);
    msoc_arena_free(arena);
    return n_ok == a.n_pos ? 0 : 1;
}

static int kql_format(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&format_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    msoc_arena *arena = msoc_arena_new(NULL, 256u << 20, "kql format");
    msoc_buf text, out;
    msoc_buf_init(&text, KQL_FILE_CAP);
    msoc_buf_init(&out, 64u << 20);
    msoc_error err;
    msoc_error_clear(&err);
    msoc_kql_node *root = NULL;
    msoc_kql_diag_code diag = MSOC_KQL_DIAG_NONE;
    rc = 0;
    if (!cli_read_file(a.pos[0], &text, &err)) {
        rc = cli_report("kql format", &err);
    } else if (msoc_kql_parse_ex(text.data, text.len, arena, NULL, &root, &diag, &err) != MSOC_OK) {
        fprintf(stderr, "ERR %s:%u:%u %s %s\n", a.pos[0], err.line, err.col,
                msoc_kql_diag_str(diag), err.msg);
        rc = 1;
    } else if (msoc_kql_format(root, &out, &err) != MSOC_OK) {
        rc = cli_report("kql format", &err);
    } else {
        fwrite(out.data, 1, out.len, stdout);
        if (out.len == 0 || out.data[out.len - 1] != '\n')
            putchar('\n');
    }
    msoc_buf_fini(&text);
    msoc_buf_fini(&out);
    msoc_arena_free(arena);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: multisoc kql <parse|format|run|oracle|support|mgmt> [options]\n\n"
               "  parse [--json] FILE...  check KQL files; OK/ERR line per file\n"
               "  format FILE             print canonical KQL\n"
               "  run --data DIR FILE...  run query files; OK/ERR line per file\n"
               "  oracle CASES.ndjson     compare with the Kusto oracle cases\n"
               "  support                 print docs/kql-support.md from the engine's registries\n"
               "  mgmt --data DIR --tenant T COMMAND  stored functions (.create function, ...)\n");
}

int cli_cmd_kql(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "parse") == 0)
        return kql_parse(argc - 1, argv + 1);
    if (strcmp(sub, "format") == 0)
        return kql_format(argc - 1, argv + 1);
    if (strcmp(sub, "run") == 0)
        return cli_cmd_kql_run(argc - 1, argv + 1);
    if (strcmp(sub, "oracle") == 0)
        return cli_cmd_kql_oracle(argc - 1, argv + 1);
    if (strcmp(sub, "support") == 0)
        return cli_cmd_kql_support(argc - 1, argv + 1);
    if (strcmp(sub, "mgmt") == 0)
        return cli_cmd_kql_mgmt(argc - 1, argv + 1);
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "multisoc kql: unknown subcommand '%s'\n", sub);
    usage(stderr);
    return 2;
}
