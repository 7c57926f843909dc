/* The KQL engine as the CLI uses it: parse, bind against a catalog of the given
 * tenants, optimise, execute. Shared by `multisoc hunt` and `multisoc kql run`. */
#ifndef MSOC_CLI_KQL_RUN_H
#define MSOC_CLI_KQL_RUN_H

#include "exec/exec.h"
#include "exec/objects.h"
#include "storage/storage.h"

typedef struct cli_engine {
    msoc_stor_db *db;          /* NULL: only self-contained queries run */
    msoc_plan_part *parts;     /* authorised partitions */
    size_t n_parts;
    msoc_pool *pool;
    double timeout_s;
    size_t max_rows;
    size_t memory_budget;
    msoc_exec_objects objects;  /* watchlists and stored functions of the partitions */
} cli_engine;

/* Opens dir (may be NULL) and authorises tenants_csv ("a,b"; NULL: every tenant
 * found in dir). */
msoc_status cli_engine_open(cli_engine *e, const char *dir, const char *tenants_csv, msoc_error *err);
void cli_engine_close(cli_engine *e);
/* Runs one query; *q_out owns the result (free with msoc_exec_query_free). */
msoc_status cli_engine_run(cli_engine *e, const char *text, size_t len, msoc_exec_query **q_out,
                           const msoc_exec_table **out, msoc_error *err);

int cli_cmd_kql_run(int argc, char **argv);
int cli_cmd_kql_oracle(int argc, char **argv);
int cli_cmd_kql_support(int argc, char **argv);
/* kql mgmt: stored-function commands for one tenant (cmd_kql_mgmt.c). */
int cli_cmd_kql_mgmt(int argc, char **argv);

#endif
