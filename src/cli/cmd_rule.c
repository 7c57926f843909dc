/* multisoc rule: custom detection rules. */
#include "cli.h"

int cli_cmd_rule(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_unavailable("rule", "custom detection rules");
}
