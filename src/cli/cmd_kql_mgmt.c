/* multisoc kql mgmt: stored functions of one tenant (workspace) from the command
 * line: .create function, .create-or-alter function, .alter function, .drop
 * function, .show functions, .show function (exec/objects.h). Queries scoped to
 * the tenant call them by name, so saved parsers work in hunting. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "core/arena.h"
#include "exec/objects.h"
#include "kql_run.h"
#include "storage/storage.h"

static const cli_opt mgmt_opts[] = {
    {"data", 'd', "DIR", "data directory", NULL},
    {"tenant", 't', "T", "the tenant (id as stored under DIR/tenants)", NULL},
    {"workspace", 'w', "W", "one workspace (default: tenant-wide)", NULL},
    {"file", 'f', "FILE", "read the command from FILE ('-': stdin)", NULL},
    {0},
};
static const cli_spec mgmt_spec = {
    "kql mgmt --data DIR --tenant T [--workspace W] (COMMAND | -f FILE)",
    "Runs a function control command for one tenant: .create function [ifnotexists] [with "
    "(folder=..., docstring=...)] Name(params) { body }, .create-or-alter function, .alter "
    "function, .drop function Name [ifexists], .show functions, .show function Name. Queries "
    "over the tenant call stored functions like functions defined with let.",
    mgmt_opts, 0, 1,
    "  multisoc kql mgmt --data ./data --tenant contoso \\\n"
    "    '.create-or-alter function ProcessesOf(name:string) { DeviceProcessEvents | where FileName =~ name }'"};

int cli_cmd_kql_mgmt(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&mgmt_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    const char *dir = cli_get(&a, "data"), *tenant = cli_get(&a, "tenant");
    if (dir == NULL || tenant == NULL || (a.n_pos == 0) == (cli_get(&a, "file") == NULL)) {
        fprintf(stderr, "multisoc kql mgmt: --data, --tenant and one command (argument or -f FILE) are required\n");
        return 2;
    }
    char tdir[4096];
    struct stat sb;
    snprintf(tdir, sizeof tdir, "%s/tenants/%s", dir, tenant);
    if (!msoc_stor_name_is_safe(tenant) || stat(tdir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "multisoc kql mgmt: %s has no tenant '%s'\n", dir, tenant);
        return 1;
    }
    msoc_error err;
    msoc_error_clear(&err);
    msoc_buf text;
    msoc_buf_init(&text, 1u << 20);
    if (a.n_pos == 1) {
        msoc_buf_append_c(&text, a.pos[0]);
    } else {
        if (!cli_read_file(cli_get(&a, "file"), &text, &err)) {
            msoc_buf_fini(&text);
            return cli_report("kql mgmt", &err);
        }
    }
    if (msoc_buf_check(&text, "command", &err) != MSOC_OK) {
        msoc_buf_fini(&text);
        return cli_report("kql mgmt", &err);
    }
    if (!msoc_exec_is_function_command(text.data, text.len)) {
        fprintf(stderr, "multisoc kql mgmt: only function commands run here (.create function, "
                        ".create-or-alter function, .alter function, .drop function, .show functions)\n");
        msoc_buf_fini(&text);
        return 2;
    }
    msoc_arena *arena = msoc_arena_new(NULL, (size_t)256 << 20, "kql mgmt");
    msoc_exec_function *fns;
    size_t n_fns;
    msoc_status st = msoc_exec_function_command(dir, tenant, cli_get(&a, "workspace"), text.data, text.len, arena,
                                                &fns, &n_fns, &err);
    if (st == MSOC_OK) {
        for (size_t i = 0; i < n_fns; i++) {
            const msoc_exec_function *f = &fns[i];
            printf("%.*s\tworkspace=%.*s\tfolder=%.*s\tdocstring=%.*s\n", (int)f->name.len, f->name.ptr,
                   (int)f->workspace.len, f->workspace.ptr, (int)f->folder.len, f->folder.ptr,
                   (int)f->docstring.len, f->docstring.ptr);
            if (n_fns == 1)
                printf("%.*s", (int)f->definition.len, f->definition.ptr);
        }
        rc = 0;
    } else {
        rc = cli_report("kql mgmt", &err);
    }
    msoc_arena_free(arena);
    msoc_buf_fini(&text);
    return rc;
}
