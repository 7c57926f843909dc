/* multisoc ingest: the columnar store and ingest (issue #4). */
#include "cli.h"

int cli_cmd_ingest(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_unavailable("ingest", "the columnar store and ingest (issue #4)");
}
