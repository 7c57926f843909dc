/* Shared by the hunting routes (api_kql.c, api_hunt.c, api_kusto.c): the tenant
 * scope of a hunting request, running one query through kql -> plan -> exec, the
 * type names the Graph and Kusto APIs report, and hunting error rendering.
 *
 * Isolation: the only source of tenants for a query is kq_scope_open, which asks
 * msoc_auth_scope (the one authorisation function) for the request's principal,
 * and then narrows to the requested database. The binder sees nothing else. */
#ifndef MSOC_API_API_KQL_H
#define MSOC_API_API_KQL_H

#include "api_int.h"
#include "exec/exec.h"
#include "api/kusto_parse.h"

/* The tenants a hunting request may read, after narrowing to its database. */
typedef struct kq_scope {
    msoc_soc_tenant *tenants; /* in r->a */
    size_t n;
    msoc_plan_part *parts;    /* one per tenant: {tenant id, every workspace} */
    bool is_all;              /* database "multisoc": every authorised tenant */
} kq_scope;

/* The database every authorised tenant is reachable as. */
#define KQ_DB_ALL "multisoc"

/* Resolves database ("multisoc", NULL or "": every tenant authorised for act;
 * otherwise one tenant's name or id, which must be authorised) into *out. A
 * database outside the caller's scope reads as absent (MSOC_NOTFOUND), exactly
 * like one that does not exist. */
msoc_status kq_scope_open(api_req *r, msoc_auth_action act, const char *database, kq_scope *out,
                          msoc_error *err);

/* A query run. Free with kq_run_free (the result lives in q). */
typedef struct kq_run {
    msoc_exec_query *q;
    const msoc_exec_table *t;
    double elapsed_s;
} kq_run;

/* Parses, binds against the scope's partitions, applies the optional time window
 * (every stored table is filtered on its timestamp column to [lo, hi)), optimises
 * and executes. On failure err holds the positioned error. */
msoc_status kq_run_query(api_req *r, const kq_scope *s, const char *text, size_t len,
                         const kusto_window *win, kq_run *out, msoc_error *err);
void kq_run_free(kq_run *run);

/* Type names: "String", "Int64", ... as Graph hunting and Kusto v1 DataType report. */
const char *kq_type_net(msoc_type t);

/* Appends the cell as the JSON value Kusto and Graph put in a row. */
void kq_cell(const msoc_exec_col *c, size_t row, msoc_buf *out);

/* Sets the response body to b's content (moved) with status and JSON type. */
void kq_send_buf(api_req *r, int status, msoc_buf *b);

/* Appends the tenants of s as [{"tenantId","name","status":"ok"}, ...]. */
void kq_tenant_status(const kq_scope *s, msoc_buf *out);

/* The message with its position: "line 1, col 7: ..." when err has one. */
void kq_err_text(const msoc_error *err, char *out, size_t cap);

/* Route entries. */
void msoc_api__hunt_graph(api_req *r);
void msoc_api__kusto_query(api_req *r, int version);
void msoc_api__kusto_mgmt(api_req *r);

#endif
