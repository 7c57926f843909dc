/* multisoc user: users and authentication (issue #7). */
#include "cli.h"

int cli_cmd_user(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_unavailable("user", "users and authentication (issue #7)");
}
