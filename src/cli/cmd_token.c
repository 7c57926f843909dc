/* multisoc token: API tokens (issue #7). */
#include "cli.h"

int cli_cmd_token(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_unavailable("token", "API tokens (issue #7)");
}
