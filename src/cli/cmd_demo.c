/* multisoc demo: demo tenants and data. */
#include "cli.h"

int cli_cmd_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_unavailable("demo", "the demo data generator (issue #2)");
}
