/* libFuzzer target: the stored-function commands (exec/objects.h) over arbitrary
 * text, as /v1/rest/mgmt and `multisoc kql mgmt` receive it: .create function with
 * options, names and bodies, .drop, .show. Valid commands write into a private
 * temporary data directory; then the stored definition is bound through the
 * catalog callback, as a query would. Bad input must only ever produce an error. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exec/objects.h"
#include "kql/kql.h"
#include "plan/bind.h"
#include "storage/storage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/msoc-fuzz-fn-XXXXXX";
static msoc_stor_db *db;

static void cleanup(void)
{
    msoc_stor_close(db);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    if (db == NULL) {
        msoc_error e;
        msoc_error_clear(&e);
        msoc_stor_options so = {0};
        if (mkdtemp(dir) == NULL || msoc_stor_open(dir, &so, &db, &e) != MSOC_OK)
            abort();
        atexit(cleanup);
    }
    msoc_arena *a = msoc_arena_new(NULL, 64u << 20, "fuzz");
    msoc_error err;
    msoc_error_clear(&err);
    msoc_exec_function *fns;
    size_t n_fns;
    if (msoc_exec_is_function_command((const char *)data, size) &&
        msoc_exec_function_command(dir, "t1", NULL, (const char *)data, size, a, &fns, &n_fns, &err) == MSOC_OK) {
        /* call every function it made visible, through the binder */
        for (size_t i = 0; i < n_fns; i++) {
            msoc_exec_options o = {0};
            o.memory_budget = 64u << 20;
            o.timeout_s = 2;
            o.now = 1;
            o.db = db;
            msoc_exec_query *q = msoc_exec_query_new(&o);
            msoc_arena *qa = msoc_exec_query_arena(q);
            char text[300];
            int n = snprintf(text, sizeof text, "%.*s", (int)fns[i].name.len, fns[i].name.ptr);
            msoc_kql_node *root;
            msoc_error qerr;
            msoc_error_clear(&qerr);
            if (n > 0 && msoc_kql_parse(text, (size_t)n, qa, &root, &qerr) == MSOC_OK) {
                msoc_plan_part part = {{"t1", 2}, {NULL, 0}};
                msoc_plan_catalog cat = {.parts = &part, .n_parts = 1, .now = 1};
                msoc_exec_objects objs = {db, NULL, NULL};
                msoc_exec_objects_attach(&cat, &objs);
                msoc_plan_node *plan;
                (void)msoc_plan_bind(root, &cat, qa, &plan, &qerr);
            }
            msoc_exec_query_free(q);
        }
        /* keep the directory small: drop what was created */
        for (size_t i = 0; i < n_fns; i++) {
            char drop[300];
            int n = snprintf(drop, sizeof drop, ".drop function %.*s ifexists", (int)fns[i].name.len, fns[i].name.ptr);
            msoc_exec_function *d;
            size_t nd;
            msoc_error derr;
            msoc_error_clear(&derr);
            (void)msoc_exec_function_command(dir, "t1", NULL, drop, (size_t)n, a, &d, &nd, &derr);
        }
    }
    msoc_arena_free(a);
    return 0;
}
