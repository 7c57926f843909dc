/* libFuzzer target: parse, bind, optimise and execute arbitrary KQL text over the
 * self-contained sources (print, datatable, range) with a small memory and time
 * budget. Any crash, leak or sanitizer report is a bug: bad input must only ever
 * produce an error. */
#include <stddef.h>
#include <stdint.h>

#include "exec/exec.h"
#include "kql/kql.h"
#include "plan/bind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    msoc_exec_options o = {0};
    o.memory_budget = 64u << 20;
    o.timeout_s = 2;
    o.now = 1;
    msoc_exec_query *q = msoc_exec_query_new(&o);
    msoc_arena *arena = msoc_exec_query_arena(q);
    msoc_error err;
    msoc_error_clear(&err);
    msoc_kql_node *root;
    if (msoc_kql_parse((const char *)data, size, arena, &root, &err) == MSOC_OK) {
        msoc_plan_part part = {{"t1", 2}, {NULL, 0}};
        msoc_plan_catalog cat = {.parts = &part, .n_parts = 1, .now = 1};
        msoc_plan_node *plan;
        if (msoc_plan_bind(root, &cat, arena, &plan, &err) == MSOC_OK &&
            msoc_plan_optimize(plan, arena, &err) == MSOC_OK) {
            const msoc_exec_table *t;
            (void)msoc_exec_run(q, plan, &t, &err);
        }
    }
    msoc_exec_query_free(q);
    return 0;
}
