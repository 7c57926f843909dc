/* multisoc tvm: vulnerability management. */
#include "cli.h"

int cli_cmd_tvm(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_unavailable("tvm", "vulnerability management");
}
