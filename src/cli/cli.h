/* Shared pieces of the multisoc command: the option parser every subcommand uses,
 * so that --help, errors and defaults look the same everywhere, and the table of
 * subcommands. */
#ifndef MSOC_CLI_CLI_H
#define MSOC_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/error.h"
#include "core/log.h"
#include "core/str.h"

#define CLI_MAX_OPTS 40

typedef struct cli_opt {
    const char *name;      /* long name without "--" */
    char short_name;       /* 0 for none */
    const char *arg_name;  /* NULL for a flag */
    const char *help;
    const char *dflt;      /* shown in --help; NULL for none */
} cli_opt;

typedef struct cli_spec {
    const char *usage;     /* after "multisoc ": "hunt --data DIR [options] QUERY" */
    const char *summary;   /* one paragraph */
    const cli_opt *opts;   /* terminated by {0} */
    int min_pos, max_pos;  /* positional arguments; max_pos -1 for unlimited */
    const char *epilog;    /* examples, or NULL */
} cli_spec;

typedef struct cli_args {
    const cli_spec *spec;
    const char *value[CLI_MAX_OPTS]; /* option value, or "" for a present flag */
    char **pos;                      /* positional arguments */
    int n_pos;
} cli_args;

/* Parses argv (argv[0] is the subcommand name; argv is reordered). Returns 0 to go
 * on, CLI_HELP_SHOWN after printing --help, or 2 after a usage error (printed to
 * stderr with a hint to run --help). CLI_EXIT(rc) maps that to an exit code. */
#define CLI_HELP_SHOWN (-1)
#define CLI_EXIT(rc) ((rc) == CLI_HELP_SHOWN ? 0 : (rc))
int cli_parse(const cli_spec *spec, int argc, char **argv, cli_args *out);
/* The option's value (or its default when absent); NULL when neither. */
const char *cli_get(const cli_args *a, const char *name);
bool cli_has(const cli_args *a, const char *name);
/* Integer/real options with range checks; on a bad value prints an error and
 * returns false. */
bool cli_get_i64(const cli_args *a, const char *name, long long lo, long long hi, long long *out);
bool cli_get_double(const cli_args *a, const char *name, double lo, double hi, double *out);
void cli_print_help(const cli_spec *spec, FILE *f);

/* Prints "multisoc: <code>: <message>" (and line:col when set); returns 1. */
int cli_report(const char *cmd, const msoc_error *err);
/* Reads a whole file ("-": stdin) into buf; false with err set when it cannot be
 * opened or read, or does not fit buf's cap. */
bool cli_read_file(const char *path, msoc_buf *buf, msoc_error *err);
/* A subcommand whose capability is not built yet: says which, returns 3. */
int cli_unavailable(const char *cmd, const char *capability);
/* A logger writing to stderr at the level named by MSOC_LOG (default info). */
const msoc_logger *cli_logger(void);

/* Subcommand entry points (cmd_*.c); each returns the process exit code. */
int cli_cmd_serve(int argc, char **argv);
int cli_cmd_demo(int argc, char **argv);
/* `multisoc demo --data DIR ...`: generate, ingest, serve (cmd_demo_load.c). */
int cli_demo_load(int argc, char **argv);
int cli_cmd_ingest(int argc, char **argv);
int cli_cmd_hunt(int argc, char **argv);
int cli_cmd_kql(int argc, char **argv);
int cli_cmd_tenant(int argc, char **argv);
int cli_cmd_user(int argc, char **argv);
int cli_cmd_grant(int argc, char **argv);
int cli_cmd_token(int argc, char **argv);
int cli_cmd_rule(int argc, char **argv);
int cli_cmd_tvm(int argc, char **argv);
int cli_cmd_errors(int argc, char **argv);
int cli_cmd_version(int argc, char **argv);
int cli_cmd_watchlist(int argc, char **argv);

/* `multisoc demo --data`: register the manifest's tenants in the SOC database, seed
 * incidents/alerts/cases, create the admin and analyst logins (DATA/demo-logins.txt).
 * Returns an exit code. listen is the address the demo will be served on. */
int cli_demo_setup_soc(const char *data, const char *manifest_path, uint64_t seed, bool is_quiet,
                       const char *listen);
/* Prints DATA/demo-logins.txt, when present. */
void cli_demo_print_logins(const char *data);

#endif
