/* multisoc: the command-line entry point. Dispatches to one cmd_*.c per subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "multisoc/multisoc.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"serve", cli_cmd_serve, "run the server: web UI, Graph-style and Kusto REST APIs"},
    {"demo", cli_cmd_demo, "generate demo tenants and data (and load and serve them)"},
    {"ingest", cli_cmd_ingest, "load NDJSON, Defender streaming, Log Analytics or CSV files"},
    {"hunt", cli_cmd_hunt, "run a KQL hunting query across tenants"},
    {"kql", cli_cmd_kql, "KQL tools: parse, format, run query files, oracle tests"},
    {"tenant", cli_cmd_tenant, "manage tenants and workspaces"},
    {"user", cli_cmd_user, "manage users"},
    {"grant", cli_cmd_grant, "give a user a role on a tenant"},
    {"token", cli_cmd_token, "create and revoke API tokens"},
    {"rule", cli_cmd_rule, "manage custom detection rules"},
    {"watchlist", cli_cmd_watchlist, "manage Sentinel watchlists of a tenant workspace (_GetWatchlist)"},
    {"tvm", cli_cmd_tvm, "vulnerability management: import CVE/KEV/EPSS feeds, exposure"},
    {"errors", cli_cmd_errors, "list the error codes (--markdown for docs/errors.md)"},
    {"version", cli_cmd_version, "print the version"},
};

static void print_usage(FILE *f)
{
    fprintf(f,
            "multisoc %s - multi-tenant security operations server\n\n"
            "usage: multisoc <command> [options]\n\ncommands:\n",
            msoc_version());
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nrun 'multisoc <command> --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(name, "--version") == 0)
        return cli_cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "multisoc: unknown command '%s'\n\n", name);
    print_usage(stderr);
    return 2;
}
