/* multisoc tenant: tenant management (issue #7). */
#include "cli.h"

int cli_cmd_tenant(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_unavailable("tenant", "tenant management (issue #7)");
}
