/* Objects stored per tenant/workspace that queries reach by name (issue #6):
 * Sentinel watchlists (rows of the Watchlist table, like Sentinel keeps them) and
 * stored functions (.create function), plus the catalog callbacks that let the
 * binder resolve _GetWatchlist('alias') and stored function names against exactly
 * the query's authorised partitions. docs/kql-support.md, "Built-in functions". */
#ifndef MSOC_EXEC_OBJECTS_H
#define MSOC_EXEC_OBJECTS_H

#include "exec/exec.h"
#include "plan/bind.h"

/* What the catalog callbacks need; must outlive the bind. */
typedef struct msoc_exec_objects {
    struct msoc_stor_db *db;       /* the store of the catalog's partitions */
    msoc_pool *pool;               /* for the watchlist column query; NULL: serial */
    const msoc_plan_catalog *cat;  /* set by attach: the query's partitions */
} msoc_exec_objects;

/* Points cat's watchlist_columns/stored_function callbacks at o. Thread-safety: one
 * bind at a time per o. */
void msoc_exec_objects_attach(msoc_plan_catalog *cat, msoc_exec_objects *o);

/* ---- stored functions: DATA/functions/<tenant>/<workspace>/<Name>.kql ---- */

/* A stored function. The workspace "_all" holds the tenant-wide ones. */
typedef struct msoc_exec_function {
    msoc_str name;
    msoc_str workspace;
    msoc_str definition;  /* "(params) { body }", with the folder/docstring comments */
    msoc_str folder, docstring;
} msoc_exec_function;

/* Runs one function command for tenant (workspace NULL: tenant-wide):
 * .create function [ifnotexists] [with (folder=..., docstring=...)] Name(params) { body },
 * .create-or-alter function ..., .alter function ..., .drop function Name [ifexists],
 * .show functions, .show function Name. *out (n_out entries): the functions the command
 * created, changed or shows (arena). Errors: MSOC_SYNTAX/MSOC_SEMANTIC (positioned;
 * the body must parse), MSOC_CONFLICT (.create of an existing function),
 * MSOC_NOTFOUND, MSOC_UNSUPPORTED (any other command), MSOC_IO. The file is written
 * to a temporary name, fsynced and renamed. */
msoc_status msoc_exec_function_command(const char *data_dir, const char *tenant, const char *workspace,
                                       const char *text, size_t len, msoc_arena *arena,
                                       msoc_exec_function **out, size_t *n_out, msoc_error *err);

/* True when text (after blanks) is a function command msoc_exec_function_command runs. */
bool msoc_exec_is_function_command(const char *text, size_t len);

#endif
