/* multisoc grant: give a user a role (reader, responder, admin) on a tenant, or
 * take it away with --role none. */
#include <stdio.h>

#include "cli.h"
#include "soc/soc.h"

static const cli_opt grant_opts[] = {
    {"data", 'd', "DIR", "the data directory", NULL},
    {"user", 'u', "NAME", "the user", NULL},
    {"tenant", 't', "TENANT", "tenant id or name", NULL},
    {"role", 'r', "ROLE", "reader, responder, admin, or none to revoke", NULL},
    {0},
};

static const cli_spec grant_spec = {
    "grant --data DIR --user N --tenant T --role reader|responder|admin|none",
    "Sets a user's role on one tenant. Readers see incidents, alerts and cases and hunt;\n"
    "responders also change them; admins also manage the tenant's settings and rules.",
    grant_opts, 0, 0, NULL,
};

int cli_cmd_grant(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse(&grant_spec, argc, argv, &a);
    if (rc)
        return CLI_EXIT(rc);
    const char *need[] = {"data", "user", "tenant", "role"};
    for (int i = 0; i < 4; i++)
        if (!cli_get(&a, need[i])) {
            fprintf(stderr, "multisoc grant: --%s is required\n", need[i]);
            return 2;
        }
    msoc_error err;
    msoc_error_clear(&err);
    msoc_soc *db = NULL;
    msoc_arena *ar = msoc_arena_new(NULL, 0, "cli");
    msoc_soc_role role;
    msoc_soc_user u;
    msoc_soc_tenant t;
    msoc_status st = msoc_soc_role_parse(cli_get(&a, "role"), &role, &err);
    if (st == MSOC_OK)
        st = msoc_soc_open(cli_get(&a, "data"), NULL, &db, &err);
    if (st == MSOC_OK)
        st = msoc_soc_user_get(db, cli_get(&a, "user"), ar, &u, &err);
    if (st == MSOC_OK)
        st = msoc_soc_tenant_get(db, NULL, cli_get(&a, "tenant"), ar, &t, &err);
    if (st == MSOC_OK)
        st = msoc_soc_grant_set(db, u.id, t.id, role, "cli", &err);
    if (st == MSOC_OK)
        printf("%s\t%s\t%s\n", u.name, t.name, msoc_soc_role_str(role));
    rc = st == MSOC_OK ? 0 : cli_report("grant", &err);
    msoc_arena_free(ar);
    msoc_soc_close(db);
    return rc;
}
