/* multisoc serve: the HTTP server and the web UI (issue #7). */
#include "cli.h"

int cli_cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_unavailable("serve", "the HTTP server and the web UI (issue #7)");
}
