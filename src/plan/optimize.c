/* The optimiser: runs the rules in order. Each rule lives in its own file. */
#include "plan_int.h"

msoc_status msoc_plan_optimize(msoc_plan_node *root, msoc_arena *arena, msoc_error *err)
{
    (void)err;
    msoc_plan_rule_tenant_prune(root);
    msoc_plan_rule_time_range(root);
    msoc_plan_rule_prune_columns(root, arena);
    return MSOC_OK;
}
