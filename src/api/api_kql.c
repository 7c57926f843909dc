/* The KQL engine's entry into the API: POST /v1.0/security/runHuntingQuery and
 * the Kusto REST endpoints (/v1/rest/query, /v2/rest/query, /v1/rest/mgmt).
 * The engine is not built into this binary yet, so every such request answers
 * 503 unavailable (after authentication, so the tenant scope is already known).
 * TODO(#7): the engine work wires msoc_api__kql_route to plan/exec with the
 * catalog built from msoc_auth_scope(principal, MSOC_AUTH_READ). */
#include <string.h>

#include "api_int.h"

static bool is_kql_path(const api_req *r)
{
    if (r->n_seg == 3 && strcmp(r->seg[0], "v1.0") == 0 && strcmp(r->seg[1], "security") == 0 &&
        strcmp(r->seg[2], "runHuntingQuery") == 0)
        return true;
    if (r->n_seg == 3 && (strcmp(r->seg[0], "v1") == 0 || strcmp(r->seg[0], "v2") == 0) &&
        strcmp(r->seg[1], "rest") == 0 &&
        (strcmp(r->seg[2], "query") == 0 || (strcmp(r->seg[2], "mgmt") == 0 && strcmp(r->seg[0], "v1") == 0)))
        return true;
    return false;
}

bool msoc_api__kql_route(api_req *r)
{
    if (!is_kql_path(r))
        return false;
    if (strcmp(r->http->method, "POST") != 0) {
        msoc_api__error(r, MSOC_UNSUPPORTED, "%s is not supported on %.100s; use POST", r->http->method,
                        r->http->path);
        return true;
    }
    msoc_api__error(r, MSOC_UNAVAILABLE, "the KQL engine is not built yet");
    return true;
}
