/* Request entry: per-request arena, authentication (bearer token, or session
 * cookie + CSRF header for writes), login/logout, static files, error
 * rendering, and dispatch to the Graph, native and KQL route files. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_int.h"
#include "core/mem.h"

#ifndef MSOC_API_WEB_BUILD_DIR
#    define MSOC_API_WEB_BUILD_DIR "build/web"
#endif
#ifndef MSOC_API_WEB_SRC_DIR
#    define MSOC_API_WEB_SRC_DIR "web"
#endif

msoc_status msoc_api_new(msoc_soc *db, msoc_auth *auth, const msoc_api_config *cfg,
                         msoc_api **out, msoc_error *err)
{
    (void)err;
    msoc_api *api = msoc_calloc(1, sizeof *api);
    api->db = db;
    api->auth = auth;
    api->logger = cfg ? cfg->logger : NULL;
    api->stor = cfg ? cfg->stor : NULL;
    if (api->stor)
        api->kql_pool = msoc_pool_new(2);
    const char *dir = cfg && cfg->web_dir ? cfg->web_dir : NULL;
    struct stat st;
    if (!dir)
        dir = stat(MSOC_API_WEB_BUILD_DIR "/index.html", &st) == 0 ? MSOC_API_WEB_BUILD_DIR
                                                                    : MSOC_API_WEB_SRC_DIR;
    snprintf(api->web_dir, sizeof api->web_dir, "%s", dir);
    *out = api;
    return MSOC_OK;
}

void msoc_api_free(msoc_api *api)
{
    if (api)
        msoc_pool_free(api->kql_pool);
    msoc_free(api);
}

/* ---- responses ---------------------------------------------------------------------- */

/* Replaces every byte that is not part of a well-formed UTF-8 sequence with '?':
 * messages quote request text (paths, names), and JSON strings must be UTF-8. */
static void utf8_scrub(char *s)
{
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t n = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
        bool ok = n > 0;
        for (size_t i = 1; ok && i < n; i++)
            ok = (p[i] & 0xC0) == 0x80;
        if (ok && n == 3)
            ok = !(c == 0xE0 && p[1] < 0xA0) && !(c == 0xED && p[1] > 0x9F); /* overlong, surrogate */
        if (ok && n == 4)
            ok = !(c == 0xF0 && p[1] < 0x90) && !(c == 0xF4 && p[1] > 0x8F); /* overlong, > U+10FFFF */
        if (!ok) {
            *p++ = '?';
            continue;
        }
        p += n;
    }
}

static void render_error(api_req *r, msoc_status code, const char *msg_in)
{
    char msg[MSOC_ERROR_MSG_CAP];
    snprintf(msg, sizeof msg, "%s", msg_in);
    utf8_scrub(msg);
    json_t *e = json_pack("{s:{s:s,s:s}}", "error", "code", msoc_status_str(code), "message", msg);
    if (r->err.code == code && r->err.col)
        json_object_set_new(json_object_get(e, "error"), "col", json_integer(r->err.col));
    msoc_api__json(r, msoc_status_http(code), e);
}

void msoc_api__error(api_req *r, msoc_status code, const char *fmt, ...)
{
    char msg[MSOC_ERROR_MSG_CAP];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    render_error(r, code, msg);
}

void msoc_api__fail(api_req *r)
{
    msoc_status code = r->err.code == MSOC_OK ? MSOC_INTERNAL : r->err.code;
    render_error(r, code, r->err.msg[0] ? r->err.msg : msoc_status_doc(code));
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return msoc_buf_append(data, buffer, size) == MSOC_OK ? 0 : -1;
}

void msoc_api__json(api_req *r, int status, json_t *j)
{
    r->resp->status = status;
    r->resp->content_type = "application/json; charset=utf-8";
    msoc_buf_reset(&r->resp->body);
    if (!j) {
        /* json_pack refused its input (e.g. text that is not UTF-8): a bug here. */
        r->resp->status = 500;
        msoc_buf_append_c(&r->resp->body, "{\"error\":{\"code\":\"internal_error\",\"message\":"
                                          "\"the answer could not be encoded as JSON\"}}");
        return;
    }
    /* One pass straight into the response buffer (json_dumpb would need two). */
    json_dump_callback(j, dump_cb, &r->resp->body, JSON_COMPACT);
    json_decref(j);
}

json_t *msoc_api__body(api_req *r)
{
    json_error_t je;
    json_t *j = json_loadb(r->http->body, r->http->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
        msoc_api__error(r, MSOC_BADDATA, "the request body is not valid JSON: %s (line %d, column %d)",
                        je.text, je.line, je.column);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        msoc_api__error(r, MSOC_BADDATA, "the request body must be a JSON object");
        return NULL;
    }
    return j;
}

bool msoc_api__keys_ok(api_req *r, json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        (void)v;
        bool ok = key[0] == '@'; /* @odata.type and friends are accepted and ignored */
        for (size_t i = 0; !ok && allowed[i]; i++)
            ok = strcmp(allowed[i], key) == 0;
        if (!ok) {
            msoc_api__error(r, MSOC_INVALID, "unknown or read-only property '%.80s'", key);
            return false;
        }
    }
    return true;
}

bool msoc_api__str(api_req *r, json_t *obj, const char *key, bool null_ok, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v)
        return true;
    if (json_is_null(v) && null_ok) {
        *out = "";
        return true;
    }
    if (!json_is_string(v)) {
        msoc_api__error(r, MSOC_INVALID, "property '%s' must be a string", key);
        return false;
    }
    if (strlen(json_string_value(v)) != json_string_length(v)) {
        msoc_api__error(r, MSOC_INVALID, "property '%s' contains a NUL character", key);
        return false;
    }
    *out = msoc_arena_strndup(r->a, json_string_value(v), json_string_length(v));
    return true;
}

json_t *msoc_api__dt(msoc_datetime dt)
{
    if (dt == MSOC_TIME_NULL)
        return json_null();
    char buf[MSOC_DATETIME_FMT_CAP];
    msoc_datetime_format(dt, buf);
    return json_string(buf);
}

json_t *msoc_api__strn(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *msoc_api__raw(const char *text, const char *def)
{
    json_t *j = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return j ? j : json_loads(def, JSON_DECODE_ANY, NULL);
}

void msoc_api__narrow(api_req *r, msoc_soc_scope *s)
{
    if (!r->has_group)
        return;
    const char **ids = msoc_arena_calloc(r->a, s->n + 1, sizeof *ids);
    size_t n = 0;
    msoc_soc_scope g = {r->group_ids, r->n_group};
    for (size_t i = 0; ids && i < s->n; i++)
        if (msoc_soc_scope_has(&g, s->ids[i]))
            ids[n++] = s->ids[i];
    s->ids = ids;
    s->n = ids ? n : 0;
}

bool msoc_api__scope(api_req *r, msoc_auth_action act, msoc_soc_scope *out)
{
    if (msoc_auth_scope(r->api->auth, &r->who, act, r->a, out, &r->err) != MSOC_OK) {
        msoc_api__fail(r);
        return false;
    }
    if (act != MSOC_AUTH_INSTANCE_ADMIN)
        msoc_api__narrow(r, out);
    return true;
}

/* ?group=ID|NAME: a tenant group visible to the caller (shared groups and its own;
 * instance admins: any) narrows every view of this request to its tenants. */
static bool resolve_group(api_req *r)
{
    const char *q = msoc_http_query(r->http, "group");
    if (!q)
        return true;
    msoc_soc_scope s;
    msoc_error e;
    msoc_error_clear(&e);
    bool is_admin = msoc_auth_scope(r->api->auth, &r->who, MSOC_AUTH_INSTANCE_ADMIN, r->a, &s, &e) == MSOC_OK;
    msoc_soc_group *v;
    size_t n;
    if (msoc_soc_group_list(r->api->db, is_admin ? 0 : r->who.user_id, r->a, &v, &n, &r->err) != MSOC_OK) {
        msoc_api__fail(r);
        return false;
    }
    int64_t id;
    bool is_id = msoc_str_to_i64(msoc_str_c(q), &id);
    const msoc_soc_group *hit = NULL;
    for (size_t i = 0; i < n; i++) {
        if (is_id ? v[i].id != id : strcmp(v[i].name, q) != 0)
            continue;
        if (hit) {
            msoc_api__error(r, MSOC_CONFLICT, "several tenant groups are named '%.80s'; use the group's id", q);
            return false;
        }
        hit = &v[i];
    }
    if (!hit) {
        msoc_api__error(r, MSOC_NOTFOUND, "no tenant group '%.80s' (GET /api/groups lists yours)", q);
        return false;
    }
    r->has_group = true;
    r->group_ids = hit->tenant_ids;
    r->n_group = hit->n_tenants;
    return true;
}

/* ---- static files ---------------------------------------------------------------------- */

static const char *mime(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return "application/octet-stream";
    static const char *const map[][2] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".json", "application/json"},
        {".svg", "image/svg+xml"},             {".png", "image/png"},
        {".ico", "image/x-icon"},              {".woff2", "font/woff2"},
        {".map", "application/json"},          {".txt", "text/plain; charset=utf-8"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(dot, map[i][0]) == 0)
            return map[i][1];
    return "application/octet-stream";
}

static bool serve_static(api_req *r)
{
    const char *p = r->http->path;
    if (strcmp(r->http->method, "GET") != 0 && strcmp(r->http->method, "HEAD") != 0)
        return false;
    if (strncmp(p, "/api/", 5) == 0 || strncmp(p, "/v1", 3) == 0 || strncmp(p, "/beta/", 6) == 0)
        return false;
    if (strstr(p, "..") || strchr(p, '\\') || strlen(p) > 512)
        return false;
    char file[2048];
    snprintf(file, sizeof file, "%s%s", r->api->web_dir, strcmp(p, "/") == 0 ? "/index.html" : p);
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (32 << 20)) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    msoc_buf_reset(&r->resp->body);
    char *dst = msoc_buf_reserve(&r->resp->body, (size_t)st.st_size);
    size_t got = 0;
    while (dst && got < (size_t)st.st_size) {
        ssize_t n = read(fd, dst + got, (size_t)st.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    r->resp->body.len = got;
    r->resp->status = 200;
    r->resp->content_type = mime(file);
    msoc_http_response_header(r->resp, "Cache-Control", "no-cache");
    return true;
}

/* ---- login / logout ----------------------------------------------------------------------- */

static void set_cookie(api_req *r, const char *value, bool is_clear)
{
    char c[256];
    snprintf(c, sizeof c, "msoc_session=%s; Path=/; HttpOnly; SameSite=Strict%s%s", value,
             r->http->is_tls ? "; Secure" : "", is_clear ? "; Max-Age=0" : "");
    msoc_http_response_header(r->resp, "Set-Cookie", c);
}

static void route_login(api_req *r)
{
    json_t *b = msoc_api__body(r);
    if (!b)
        return;
    static const char *const keys[] = {"name", "password", NULL};
    const char *name, *pw;
    if (msoc_api__keys_ok(r, b, keys) && msoc_api__str(r, b, "name", false, &name) &&
        msoc_api__str(r, b, "password", false, &pw)) {
        char sess[MSOC_AUTH_SECRET_CAP], csrf[MSOC_AUTH_SECRET_CAP];
        msoc_principal p;
        if (!name || !pw) {
            msoc_api__error(r, MSOC_INVALID, "name and password are required");
        } else if (msoc_auth_login(r->api->auth, name, pw, strlen(pw), r->a, sess, csrf, &p, &r->err) !=
                   MSOC_OK) {
            msoc_api__fail(r);
        } else {
            set_cookie(r, sess, false);
            msoc_api__json(r, 200, json_pack("{s:s,s:s,s:b}", "csrfToken", csrf, "name", p.name,
                                             "isAdmin", p.is_admin));
        }
    }
    json_decref(b);
}

/* ---- authentication ------------------------------------------------------------------------- */

static bool authenticate(api_req *r)
{
    const char *authz = msoc_http_header(r->http, "Authorization");
    if (authz) {
        if (strncmp(authz, "Bearer ", 7) != 0) {
            msoc_api__error(r, MSOC_UNAUTH, "the Authorization header must be 'Bearer <token>'");
            return false;
        }
        if (msoc_auth_bearer(r->api->auth, authz + 7, r->a, &r->who, &r->err) != MSOC_OK) {
            msoc_api__fail(r);
            return false;
        }
    } else {
        const char *sess = msoc_http_cookie(r->http, "msoc_session");
        if (!sess) {
            msoc_api__error(r, MSOC_UNAUTH, "sign in, or send an API token as 'Authorization: Bearer <token>'");
            return false;
        }
        if (msoc_auth_session(r->api->auth, sess, r->a, &r->who, &r->err) != MSOC_OK) {
            msoc_api__fail(r);
            return false;
        }
        bool is_safe = strcmp(r->http->method, "GET") == 0 || strcmp(r->http->method, "HEAD") == 0;
        if (!is_safe && !msoc_auth_csrf_ok(&r->who, msoc_http_header(r->http, "X-CSRF-Token"))) {
            msoc_api__error(r, MSOC_FORBID, "missing or wrong X-CSRF-Token header");
            return false;
        }
    }
    r->actor = r->who.name;
    return true;
}

static void split_path(api_req *r)
{
    const char *p = r->http->path;
    r->n_seg = 0;
    while (*p && r->n_seg < (int)(sizeof r->seg / sizeof r->seg[0])) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        r->seg[r->n_seg++] = msoc_arena_strndup(r->a, p, n);
        p += n;
    }
}

void msoc_api_handle(void *ud, const msoc_http_request *req, msoc_http_response *resp)
{
    api_req r;
    memset(&r, 0, sizeof r);
    r.api = ud;
    r.http = req;
    r.resp = resp;
    r.a = msoc_arena_new(NULL, (size_t)512 << 20, "request");
    msoc_error_clear(&r.err);
    const char *host = msoc_http_header(req, "Host");
    snprintf(r.base_url, sizeof r.base_url, "%s://%.200s", req->is_tls ? "https" : "http",
             host ? host : "localhost");
    split_path(&r);
    msoc_http_response_header(resp, "Cache-Control", "no-store");

    if (r.n_seg == 2 && strcmp(r.seg[0], "api") == 0 && strcmp(r.seg[1], "login") == 0 &&
        strcmp(req->method, "POST") == 0) {
        route_login(&r);
    } else if (r.n_seg == 2 && strcmp(r.seg[0], "api") == 0 && strcmp(r.seg[1], "logout") == 0 &&
               strcmp(req->method, "POST") == 0) {
        const char *sess = msoc_http_cookie(req, "msoc_session");
        if (sess && authenticate(&r)) {
            msoc_auth_logout(r.api->auth, sess, &r.err);
            set_cookie(&r, "", true);
            msoc_api__json(&r, 200, json_pack("{s:b}", "signedOut", 1));
        } else if (!sess) {
            msoc_api__error(&r, MSOC_UNAUTH, "not signed in");
        }
    } else if (r.n_seg == 4 && strcmp(req->method, "GET") == 0 && strcmp(r.seg[0], "v1") == 0 &&
               strcmp(r.seg[1], "rest") == 0 && strcmp(r.seg[2], "auth") == 0 &&
               strcmp(r.seg[3], "metadata") == 0) {
        /* Kusto clients probe this for AAD settings; multisoc uses its own tokens. */
        msoc_api__error(&r, MSOC_NOTFOUND, "multisoc does not use Azure AD; send a multisoc API token");
    } else if (serve_static(&r)) {
        /* done */
    } else if (authenticate(&r)) {
        /* An ingest token pushes data and does nothing else, whatever a route's
         * own checks would say. */
        bool is_ingest_route = r.n_seg >= 4 && strcmp(r.seg[0], "api") == 0 && strcmp(r.seg[1], "tenants") == 0 &&
                               strcmp(r.seg[r.n_seg - 1], "ingest") == 0;
        if (r.who.via_token && r.who.token_role == MSOC_SOC_ROLE_INGEST && !is_ingest_route)
            msoc_api__error(&r, MSOC_FORBID, "an ingest token may only POST to /api/tenants/{tenant}/ingest");
        else if (!resolve_group(&r))
            ; /* rendered */
        else if (r.n_seg == 2 && (strcmp(r.seg[0], "v1.0") == 0 || strcmp(r.seg[0], "beta") == 0) &&
                 strcmp(r.seg[1], "$batch") == 0)
            strcmp(req->method, "POST") == 0 ? msoc_api__batch(&r)
                                             : msoc_api__error(&r, MSOC_UNSUPPORTED, "use POST on $batch");
        else if (!msoc_api__kql_route(&r) && !msoc_api__graph_route(&r) && !msoc_api__native_route(&r))
            msoc_api__error(&r, MSOC_NOTFOUND, "no route for %s %.200s", req->method, req->path);
    }
    if (resp->body.len == 0 && !resp->body.is_failed && resp->status == 200 &&
        strncmp(resp->content_type, "application/json", 16) == 0)
        /* every route answers something; a silent return is a routing bug */
        msoc_api__error(&r, MSOC_INTERNAL, "no answer was produced for %s %.200s", req->method, req->path);
    msoc_arena_free(r.a);
}
