/* multisoc grant: roles and grants (issue #7). */
#include "cli.h"

int cli_cmd_grant(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_unavailable("grant", "roles and grants (issue #7)");
}
