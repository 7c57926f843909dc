/* placeholder */
#include "kql_int.h"
msoc_status msoc_kql_format(const msoc_kql_node *node, msoc_buf *out, msoc_error *err)
{
    (void)node;
    (void)out;
    return msoc_fail(err, MSOC_UNSUPPORTED, "not yet");
}
