/* libFuzzer target: the whole HTTP request path without a socket. Each input is
 * a synthetic request (src/http msoc_http_synthetic) handed to msoc_api_handle
 * over a real SOC database, auth and event store in a temporary directory, so the
 * router, authentication, the OData $filter/$orderby parsers, every JSON body
 * reader (Graph PATCH/comments, native routes, bulk, ingest), the Kusto request
 * bodies and management commands, runHuntingQuery and the ingest endpoint all see
 * fuzzed bytes.
 *
 * Input: byte 0 picks the caller (root token, analyst token, ingest token,
 * session with and without CSRF token, nobody, a bogus token); byte 1 the method;
 * then "TARGET\n" (path, optional ?query), header lines "Name: value\n" up to an
 * empty line, and the rest is the body.
 *
 * Oracle, beyond the sanitizers: every answer has an HTTP status; a JSON answer
 * parses as JSON; an error answer (4xx/5xx) carries {"error":{"code","message"}}
 * with string members, and is never internal_error (a broken invariant). */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "auth/auth.h"
#include "core/arena.h"
#include "soc/soc.h"
#include "storage/storage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TENANT_A "11111111-1111-4111-8111-111111111111"
#define TENANT_B "22222222-2222-4222-8222-222222222222"

static msoc_api *api;
static msoc_auth *g_auth;
static char tok_root[MSOC_AUTH_SECRET_CAP], tok_ana[MSOC_AUTH_SECRET_CAP], tok_ingest[MSOC_AUTH_SECRET_CAP];
static char session[MSOC_AUTH_SECRET_CAP], csrf[MSOC_AUTH_SECRET_CAP];

static void must(msoc_status st, const msoc_error *err)
{
    if (st != MSOC_OK) {
        fprintf(stderr, "fuzz_http_request setup: %s\n", err->msg);
        abort();
    }
}

static void setup(void)
{
    static char dir[] = "/tmp/msoc-fuzz-http-XXXXXX";
    if (!mkdtemp(dir))
        abort();
    msoc_error err;
    msoc_error_clear(&err);
    msoc_soc *db;
    msoc_auth *auth;
    msoc_stor_db *stor;
    must(msoc_soc_open(dir, NULL, &db, &err), &err);
    msoc_auth_config ac = {1, 8192, 0}; /* argon2id at its minimum cost: setup speed only */
    must(msoc_auth_new(db, &ac, &auth, &err), &err);
    msoc_stor_options so = {0};
    so.is_nosync = true;
    must(msoc_stor_open(dir, &so, &stor, &err), &err);
    msoc_arena *a = msoc_arena_new(NULL, 0, "fuzz-setup");
    msoc_soc_tenant t;
    must(msoc_soc_tenant_add(db, TENANT_A, "Alpha", "alpha.example", MSOC_SOC_CLOUD_COMMERCIAL, "fuzz", a, &t, &err),
         &err);
    must(msoc_soc_tenant_add(db, TENANT_B, "Beta", "beta.example", MSOC_SOC_CLOUD_COMMERCIAL, "fuzz", a, &t, &err),
         &err);
    const char *ids[] = {TENANT_A, TENANT_B};
    must(msoc_soc_demo_seed(db, ids, 2, 3, 1, 7, &err), &err);
    int64_t root_id, ana_id, id;
    must(msoc_auth_user_add(auth, "root", "password-root", 13, true, "fuzz", &root_id, &err), &err);
    must(msoc_auth_user_add(auth, "ana", "password-ana", 12, false, "fuzz", &ana_id, &err), &err);
    must(msoc_soc_grant_set(db, ana_id, TENANT_A, MSOC_SOC_ROLE_RESPONDER, "fuzz", &err), &err);
    must(msoc_soc_grant_set(db, ana_id, TENANT_B, MSOC_SOC_ROLE_READER, "fuzz", &err), &err);
    must(msoc_auth_token_create(auth, root_id, "root", NULL, 0, MSOC_SOC_ROLE_NONE, MSOC_TIME_NULL, "fuzz", tok_root,
                                &id, &err), &err);
    must(msoc_auth_token_create(auth, ana_id, "ana", NULL, 0, MSOC_SOC_ROLE_NONE, MSOC_TIME_NULL, "fuzz", tok_ana, &id,
                                &err), &err);
    must(msoc_auth_token_create(auth, root_id, "ship", NULL, 0, MSOC_SOC_ROLE_INGEST, MSOC_TIME_NULL, "fuzz",
                                tok_ingest, &id, &err), &err);
    g_auth = auth;
    msoc_principal p;
    must(msoc_auth_login(auth, "ana", "password-ana", 12, a, session, csrf, &p, &err), &err);
    msoc_arena_free(a);
    char web[sizeof dir + 8];
    snprintf(web, sizeof web, "%s/web", dir);
    msoc_api_config cfg = {web, NULL, stor};
    must(msoc_api_new(db, auth, &cfg, &api, &err), &err);
    /* db, auth and stor live for the process, as in `multisoc serve`. */
}

static const char *const methods[] = {"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"};

static void check_answer(const msoc_http_response *resp)
{
    if (resp->status < 100 || resp->status > 599)
        abort();
    if (!resp->content_type || strncmp(resp->content_type, "application/json", 16) != 0)
        return;
    json_error_t je;
    json_t *j = json_loadb(resp->body.data ? resp->body.data : "", resp->body.len, JSON_DECODE_ANY, &je);
    if (!j) {
        fprintf(stderr, "invalid JSON answer (%d): %.*s\n", resp->status, (int)(resp->body.len > 500 ? 500 : resp->body.len),
                resp->body.data ? resp->body.data : "");
        abort();
    }
    if (resp->status >= 400) {
        json_t *e = json_object_get(j, "error");
        if (!json_is_object(e) || !json_is_string(json_object_get(e, "code")) ||
            !json_is_string(json_object_get(e, "message"))) {
            fprintf(stderr, "error answer without error.code/message (%d)\n", resp->status);
            abort();
        }
        if (strcmp(json_string_value(json_object_get(e, "code")), "internal_error") == 0) {
            /* by definition a broken invariant (errors.def) */
            fprintf(stderr, "internal_error: %s\n", json_string_value(json_object_get(e, "message")));
            abort();
        }
    }
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!api)
        setup();
    if (size < 3 || size > (1u << 20))
        return 0;
    unsigned who = data[0] % 7;
    const char *method = methods[data[1] % 6];
    const char *p = (const char *)data + 2, *end = (const char *)data + size;
    msoc_arena *a = msoc_arena_new(NULL, (size_t)64 << 20, "fuzz");
    msoc_error err;
    msoc_error_clear(&err);

    /* target line */
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *tend = nl ? nl : end;
    const char *q = memchr(p, '?', (size_t)(tend - p));
    char *path = msoc_arena_strndup(a, p, (size_t)((q ? q : tend) - p));
    msoc_http_kv *query = NULL;
    size_t n_query = 0;
    if (q && msoc_http_query_parse(q + 1, (size_t)(tend - q - 1), a, &query, &n_query, &err) != MSOC_OK) {
        if (err.code == MSOC_OK)
            abort(); /* a failure must say why */
        n_query = 0;
    }
    p = nl ? nl + 1 : end;

    /* headers */
    msoc_http_kv headers[40];
    size_t n_headers = 0;
    char auth[MSOC_AUTH_SECRET_CAP + 16];
    switch (who) {
    case 0: snprintf(auth, sizeof auth, "Bearer %s", tok_root); break;
    case 1: snprintf(auth, sizeof auth, "Bearer %s", tok_ana); break;
    case 2: snprintf(auth, sizeof auth, "Bearer %s", tok_ingest); break;
    case 6: snprintf(auth, sizeof auth, "Bearer msoc_not-a-real-token"); break;
    default: auth[0] = 0; break;
    }
    if (auth[0])
        headers[n_headers++] = (msoc_http_kv){"Authorization", auth};
    if (who == 3)
        headers[n_headers++] = (msoc_http_kv){"X-CSRF-Token", csrf};
    headers[n_headers++] = (msoc_http_kv){"Host", "fuzz.example"};
    while (p < end && n_headers < sizeof headers / sizeof headers[0]) {
        nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if (le == p) { /* blank line: the body follows */
            p = le + 1;
            break;
        }
        const char *colon = memchr(p, ':', (size_t)(le - p));
        if (colon) {
            const char *v = colon + 1;
            while (v < le && *v == ' ')
                v++;
            headers[n_headers++] = (msoc_http_kv){msoc_arena_strndup(a, p, (size_t)(colon - p)),
                                                  msoc_arena_strndup(a, v, (size_t)(le - v))};
        }
        p = nl ? nl + 1 : end;
    }
    if (p > end)
        p = end;
    if (who == 3 || who == 4) {
        /* an earlier input may have signed the session out: sign in again */
        msoc_principal pr;
        msoc_error e2;
        msoc_error_clear(&e2);
        if (msoc_auth_session(g_auth, session, a, &pr, &e2) != MSOC_OK)
            msoc_auth_login(g_auth, "ana", "password-ana", 12, a, session, csrf, &pr, &e2);
    }
    msoc_http_kv cookies[1] = {{"msoc_session", session}};

    /* the body: NUL-terminated, as src/http delivers it */
    size_t blen = (size_t)(end - p);
    char *body = msoc_arena_alloc(a, blen + 1);
    if (!path || !body) {
        msoc_arena_free(a);
        return 0;
    }
    memcpy(body, p, blen);
    body[blen] = 0;

    msoc_http_synthetic syn = {headers, n_headers, query, n_query, cookies, (who == 3 || who == 4) ? 1u : 0u};
    msoc_http_request req = {method, path, body, blen, false, &syn, NULL};
    msoc_http_response resp;
    msoc_http_response_init(&resp);
    msoc_api_handle(api, &req, &resp);
    if (getenv("MSOC_FUZZ_TRACE")) /* corpus upkeep: which route answered what */
        fprintf(stderr, "%d %s %s -> %.*s\n", resp.status, method, path,
                (int)(resp.body.len > 160 ? 160 : resp.body.len), resp.body.data ? resp.body.data : "");
    check_answer(&resp);
    msoc_http_response_fini(&resp);
    msoc_arena_free(a);
    return 0;
}
