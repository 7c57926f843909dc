/* The HTTP API: routes, JSON in and out (jansson), msoc_status -> HTTP status.
 * Graph-compatible security routes (/v1.0/security/...), the Kusto REST routes,
 * the native /api routes, login/logout and the static web UI. Every route gets
 * its tenant set from msoc_auth_scope. Design and route list: docs/api.md.
 *
 * Thread-safety: msoc_api_handle is called from every HTTP worker at once; the
 * msoc_api itself is immutable after msoc_api_new. */
#ifndef MSOC_API_API_H
#define MSOC_API_API_H

#include <stdbool.h>

#include "auth/auth.h"
#include "core/error.h"
#include "core/log.h"
#include "http/http.h"
#include "soc/soc.h"

typedef struct msoc_api msoc_api;

typedef struct msoc_api_config {
    const char *web_dir;        /* static files; NULL: build/web, then the source web/ */
    const msoc_logger *logger;  /* may be NULL */
    struct msoc_stor_db *stor;  /* the event store hunting reads (borrowed); NULL: no hunting */
} msoc_api_config;

/* db and auth are borrowed and must outlive the api. */
msoc_status msoc_api_new(msoc_soc *db, msoc_auth *auth, const msoc_api_config *cfg,
                         msoc_api **out, msoc_error *err);
void msoc_api_free(msoc_api *api);

/* The msoc_http_handler: ud is the msoc_api. */
void msoc_api_handle(void *ud, const msoc_http_request *req, msoc_http_response *resp);

#endif
