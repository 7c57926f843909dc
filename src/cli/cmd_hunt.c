/* multisoc hunt: the KQL engine (issue #5). */
#include "cli.h"

int cli_cmd_hunt(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_unavailable("hunt", "the KQL engine (issue #5)");
}
