/* Shared by the src/api files: the per-request context, JSON helpers, error
 * rendering and the route handlers of each file. */
#ifndef MSOC_API_API_INT_H
#define MSOC_API_API_INT_H

#include <jansson.h>

#include "api.h"
#include "core/arena.h"
#include "core/pool.h"

struct msoc_api {
    msoc_soc *db;
    msoc_auth *auth;
    char web_dir[1024];
    const msoc_logger *logger;
    struct msoc_stor_db *stor; /* hunting data (borrowed); NULL: hunting answers 503 */
    msoc_pool *kql_pool;       /* query workers shared by all hunting requests */
};

typedef struct api_req {
    msoc_api *api;
    const msoc_http_request *http;
    msoc_http_response *resp;
    msoc_arena *a;          /* request arena */
    msoc_principal who;
    const char *actor;      /* principal name for the audit log */
    char base_url[300];     /* scheme://host, for @odata links */
    const char *seg[12];    /* path segments (decoded, in a) */
    bool has_group;         /* ?group=: every tenant set is narrowed to the group's */
    const char *const *group_ids;
    size_t n_group;
    int n_seg;
    msoc_error err;
} api_req;

/* Renders err (or code + message) as {"error":{"code","message"}} with the
 * matching HTTP status. */
void msoc_api__error(api_req *r, msoc_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void msoc_api__fail(api_req *r);  /* from r->err */
/* Serialises and takes ownership of j (decref). status 200/201/... */
void msoc_api__json(api_req *r, int status, json_t *j);
/* Parses the request body as a JSON object. On failure renders a 400 and
 * returns NULL. */
json_t *msoc_api__body(api_req *r);
/* Checks every key of obj is in allowed (NULL-terminated); renders 400 otherwise. */
bool msoc_api__keys_ok(api_req *r, json_t *obj, const char *const *allowed);
/* Reads an optional string member; renders 400 when present with another type.
 * *out NULL when absent (or JSON null when null_ok, then *out = "" ). */
bool msoc_api__str(api_req *r, json_t *obj, const char *key, bool null_ok, const char **out);

/* The authorisation answer for an action (renders the error and returns false),
 * narrowed to the request's tenant group (?group=) for every action but
 * MSOC_AUTH_INSTANCE_ADMIN. */
bool msoc_api__scope(api_req *r, msoc_auth_action act, msoc_soc_scope *out);
/* Narrows a scope from msoc_auth_scope to the request's tenant group (no-op
 * without ?group=). Only ever removes tenants. */
void msoc_api__narrow(api_req *r, msoc_soc_scope *s);

json_t *msoc_api__dt(msoc_datetime dt);  /* "....Z" or null */
json_t *msoc_api__strn(const char *s);    /* string or null */
/* Parses a stored JSON text (falls back to def). */
json_t *msoc_api__raw(const char *text, const char *def);

/* Route files. Each returns true when it handled the request. */
bool msoc_api__graph_route(api_req *r);
bool msoc_api__native_route(api_req *r);
/* POST .../ingest (api_ingest.c); workspace_seg NULL: ?workspace= or the primary. */
void msoc_api__ingest(api_req *r, const char *tenant_seg, const char *workspace_seg);
/* POST /v1.0/$batch (api_batch.c): Graph JSON batching over msoc_api_handle. */
void msoc_api__batch(api_req *r);
/* GET /api/schema (api_schema.c). */
void msoc_api__schema(api_req *r);
/* {table name: [tenant ids]} of the custom tables with a partition in a tenant of
 * scope (the caller owns the returned object). */
json_t *msoc_api__custom_tables(api_req *r, const msoc_soc_scope *scope);
/* The KQL engine entry: runHuntingQuery and the Kusto REST endpoints all come here. */
bool msoc_api__kql_route(api_req *r);

#endif
