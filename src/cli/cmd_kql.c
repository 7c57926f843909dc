/* multisoc kql: the KQL front end (issue #3). */
#include "cli.h"

int cli_cmd_kql(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_unavailable("kql", "the KQL front end (issue #3)");
}
