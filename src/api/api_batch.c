/* Graph JSON batching: POST /v1.0/$batch (and /beta/$batch)
 *   {"requests":[{"id","method","url","headers"?,"body"?,"dependsOn"?}]}
 *   -> {"responses":[{"id","status","headers":{"Content-Type"},"body"}]}
 * The Graph-shaped way to change many incidents and alerts in one round trip
 * (the Graph SDK's BatchRequestContent). Each step is a synthetic request handed
 * to msoc_api_handle with the caller's own credentials (Authorization, session
 * cookie, CSRF token), so it is authenticated and authorised exactly like the
 * same request sent alone; steps run in order; a step whose dependsOn names a
 * failed step answers 424 without running. At most 20 steps (Graph's limit); a
 * step may not be another $batch. A relative url ("/security/incidents/1") is
 * under /v1.0 as in Graph; /v1.0, /beta, /api and /v1|/v2 urls are taken as is. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api_int.h"

#define BATCH_MAX_STEPS 20

static void step_error(json_t *resp, int status, const char *code, const char *msg)
{
    json_object_set_new(resp, "status", json_integer(status));
    json_object_set_new(resp, "headers", json_pack("{s:s}", "Content-Type", "application/json"));
    json_object_set_new(resp, "body", json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", msg));
}

/* Runs one step through the whole request path; fills resp. */
static void run_step(api_req *r, json_t *step, json_t *resp)
{
    const char *method = json_string_value(json_object_get(step, "method"));
    const char *url = json_string_value(json_object_get(step, "url"));
    static const char *const methods[] = {"GET", "POST", "PATCH", "PUT", "DELETE", NULL};
    bool is_method = false;
    for (size_t i = 0; method && methods[i]; i++)
        is_method = is_method || strcmp(method, methods[i]) == 0;
    if (!is_method) {
        step_error(resp, 400, "invalid_argument", "method must be GET, POST, PATCH, PUT or DELETE");
        return;
    }
    if (!url || !*url) {
        step_error(resp, 400, "invalid_argument", "a step needs a url");
        return;
    }
    /* "/security/x" is under the version root, as in Graph; absolute roots stay. */
    char target[4096];
    const char *u = url[0] == '/' ? url : NULL;
    if (!u) {
        snprintf(target, sizeof target, "/v1.0/%s", url);
    } else if (strncmp(u, "/v1.0/", 6) == 0 || strncmp(u, "/beta/", 6) == 0 || strncmp(u, "/api/", 5) == 0 ||
               strncmp(u, "/v1/", 4) == 0 || strncmp(u, "/v2/", 4) == 0) {
        snprintf(target, sizeof target, "%s", u);
    } else {
        snprintf(target, sizeof target, "/v1.0%s", u);
    }
    const char *path;
    msoc_http_kv *query;
    size_t n_query;
    msoc_error e;
    msoc_error_clear(&e);
    if (msoc_http_target_parse(target, r->a, &path, &query, &n_query, &e) != MSOC_OK) {
        step_error(resp, msoc_status_http(e.code), msoc_status_str(e.code), e.msg);
        return;
    }
    if (strstr(path, "$batch")) {
        step_error(resp, 400, "invalid_argument", "a batch step cannot be another $batch (no nested batches)");
        return;
    }
    /* Headers: the caller's credentials, then the step's own (never its own
     * Authorization: a step acts as the batch's caller and no one else). */
    msoc_http_kv headers[24];
    size_t nh = 0;
    static const char *const inherit[] = {"Authorization", "X-CSRF-Token", "Host", NULL};
    for (size_t i = 0; inherit[i]; i++) {
        const char *v = msoc_http_header(r->http, inherit[i]);
        if (v)
            headers[nh++] = (msoc_http_kv){inherit[i], v};
    }
    json_t *sh = json_object_get(step, "headers");
    const char *hk;
    json_t *hv;
    json_object_foreach(sh, hk, hv) {
        if (nh < sizeof headers / sizeof headers[0] && json_is_string(hv) && strcasecmp(hk, "Authorization") != 0 &&
            strcasecmp(hk, "X-CSRF-Token") != 0 && strcasecmp(hk, "Cookie") != 0)
            headers[nh++] = (msoc_http_kv){hk, json_string_value(hv)};
    }
    msoc_http_kv cookies[1];
    size_t nc = 0;
    const char *sess = msoc_http_cookie(r->http, "msoc_session");
    if (sess)
        cookies[nc++] = (msoc_http_kv){"msoc_session", sess};
    /* The body: JSON as text (a string body is taken as the text itself). */
    json_t *jb = json_object_get(step, "body");
    char *body = NULL;
    size_t blen = 0;
    if (json_is_string(jb)) {
        body = msoc_arena_strndup(r->a, json_string_value(jb), json_string_length(jb));
        blen = json_string_length(jb);
    } else if (jb) {
        size_t need = json_dumpb(jb, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
        body = need ? msoc_arena_alloc(r->a, need + 1) : NULL;
        if (body) {
            blen = json_dumpb(jb, body, need, JSON_COMPACT | JSON_ENCODE_ANY);
            body[blen] = 0;
        }
    }
    msoc_http_synthetic syn = {headers, nh, query, n_query, cookies, nc};
    msoc_http_request sub = {method, path, body ? body : "", blen, r->http->is_tls, &syn, NULL};
    msoc_http_response out;
    msoc_http_response_init(&out);
    msoc_api_handle(r->api, &sub, &out);
    json_object_set_new(resp, "status", json_integer(out.status));
    json_t *rh = json_pack("{s:s}", "Content-Type", out.content_type ? out.content_type : "application/json");
    json_object_set_new(resp, "headers", rh);
    json_t *parsed = NULL;
    if (out.content_type && strncmp(out.content_type, "application/json", 16) == 0)
        parsed = json_loadb(out.body.data ? out.body.data : "", out.body.len, JSON_DECODE_ANY, NULL);
    json_object_set_new(resp, "body", parsed ? parsed : json_stringn(out.body.data ? out.body.data : "", out.body.len));
    msoc_http_response_fini(&out);
}

void msoc_api__batch(api_req *r)
{
    json_t *b = msoc_api__body(r);
    if (!b)
        return;
    static const char *const keys[] = {"requests", NULL};
    json_t *steps = json_object_get(b, "requests");
    if (!msoc_api__keys_ok(r, b, keys)) {
        json_decref(b);
        return;
    }
    if (!json_is_array(steps) || json_array_size(steps) == 0) {
        msoc_api__error(r, MSOC_INVALID, "requests must be a non-empty array of steps");
        json_decref(b);
        return;
    }
    size_t n = json_array_size(steps);
    if (n > BATCH_MAX_STEPS) {
        msoc_api__error(r, MSOC_INVALID, "a batch holds at most %d requests, not %zu", BATCH_MAX_STEPS, n);
        json_decref(b);
        return;
    }
    /* Every step is an object with a unique string id: checked before any runs. */
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(steps, i);
        const char *id = json_string_value(json_object_get(s, "id"));
        if (!json_is_object(s) || !id || !*id) {
            msoc_api__error(r, MSOC_INVALID, "request %zu needs a string id", i + 1);
            json_decref(b);
            return;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(id, json_string_value(json_object_get(json_array_get(steps, k), "id"))) == 0) {
                msoc_api__error(r, MSOC_INVALID, "duplicate request id '%.60s'", id);
                json_decref(b);
                return;
            }
    }
    json_t *out = json_array();
    int *status = msoc_arena_calloc(r->a, n, sizeof *status);
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(steps, i);
        const char *id = json_string_value(json_object_get(s, "id"));
        json_t *resp = json_pack("{s:s}", "id", id);
        json_t *deps = json_object_get(s, "dependsOn");
        bool ok = true;
        if (deps) {
            size_t k;
            json_t *d;
            if (!json_is_array(deps)) {
                step_error(resp, 400, "invalid_argument", "dependsOn must be an array of earlier request ids");
                ok = false;
            }
            json_array_foreach(deps, k, d) {
                if (!ok)
                    break;
                size_t j = 0;
                while (j < i && (!json_is_string(d) ||
                                 strcmp(json_string_value(d), json_string_value(json_object_get(json_array_get(steps, j), "id"))) != 0))
                    j++;
                if (j == i) {
                    step_error(resp, 400, "invalid_argument", "dependsOn must name earlier request ids");
                    ok = false;
                } else if (status[j] < 200 || status[j] > 299) {
                    step_error(resp, 424, "failed_dependency", "a request this one depends on failed; it did not run");
                    ok = false;
                }
            }
        }
        if (ok)
            run_step(r, s, resp);
        status[i] = (int)json_integer_value(json_object_get(resp, "status"));
        json_array_append_new(out, resp);
    }
    json_decref(b);
    msoc_api__json(r, 200, json_pack("{s:o}", "responses", out));
}
