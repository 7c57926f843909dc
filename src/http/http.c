/* libmicrohttpd glue: body accumulation under a cap, request head limits, idle
 * timeouts, TLS, and the hand-off to one handler per request. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "core/mem.h"
#include "core/pool.h"
#include "http.h"

struct msoc_http_server {
    struct MHD_Daemon *d;
    msoc_http_handler handler;
    void *ud;
    size_t max_body;
    bool is_tls;
    const msoc_logger *logger;
    uint16_t port;
};

typedef struct req_ctx {
    msoc_buf body;
    bool is_too_big;
} req_ctx;

static const char *kv_find(const msoc_http_kv *v, size_t n, const char *name, bool is_nocase)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].key && (is_nocase ? strcasecmp(v[i].key, name) : strcmp(v[i].key, name)) == 0)
            return v[i].value ? v[i].value : "";
    return NULL;
}

const char *msoc_http_header(const msoc_http_request *r, const char *name)
{
    if (r->synthetic)
        return kv_find(r->synthetic->headers, r->synthetic->n_headers, name, true);
    return MHD_lookup_connection_value((struct MHD_Connection *)r->conn_, MHD_HEADER_KIND, name);
}

const char *msoc_http_query(const msoc_http_request *r, const char *name)
{
    if (r->synthetic)
        return kv_find(r->synthetic->query, r->synthetic->n_query, name, false);
    return MHD_lookup_connection_value((struct MHD_Connection *)r->conn_, MHD_GET_ARGUMENT_KIND, name);
}

const char *msoc_http_cookie(const msoc_http_request *r, const char *name)
{
    if (r->synthetic)
        return kv_find(r->synthetic->cookies, r->synthetic->n_cookies, name, false);
    return MHD_lookup_connection_value((struct MHD_Connection *)r->conn_, MHD_COOKIE_KIND, name);
}

static char *decode_x(const char *p, size_t n, msoc_arena *a, bool is_plus_space);

static char *decode(const char *p, size_t n, msoc_arena *a)
{
    return decode_x(p, n, a, true);
}

static char *decode_x(const char *p, size_t n, msoc_arena *a, bool is_plus_space)
{
    char *o = msoc_arena_alloc(a, n + 1);
    if (!o)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int h, l;
        if (p[i] == '+' && is_plus_space) {
            o[k++] = ' ';
        } else if (p[i] == '%' && i + 2 < n && (h = msoc_hex_digit(p[i + 1])) >= 0 && (l = msoc_hex_digit(p[i + 2])) >= 0) {
            o[k++] = (char)(h * 16 + l);
            i += 2;
        } else {
            o[k++] = p[i];
        }
    }
    o[k] = 0;
    return o;
}

msoc_status msoc_http_target_parse(const char *target, msoc_arena *a, const char **path_out,
                                   msoc_http_kv **query_out, size_t *n_query, msoc_error *err)
{
    const char *q = strchr(target, '?');
    size_t plen = q ? (size_t)(q - target) : strlen(target);
    char *path = decode_x(target, plen, a, false);
    if (!path)
        return msoc_arena_fail(a, err);
    *path_out = path;
    *query_out = NULL;
    *n_query = 0;
    return q ? msoc_http_query_parse(q + 1, strlen(q + 1), a, query_out, n_query, err) : MSOC_OK;
}

msoc_status msoc_http_query_parse(const char *qs, size_t len, msoc_arena *a, msoc_http_kv **out,
                                  size_t *n_out, msoc_error *err)
{
    enum { MAX_PAIRS = 256 };
    *out = NULL;
    *n_out = 0;
    msoc_http_kv *v = msoc_arena_calloc(a, MAX_PAIRS, sizeof *v);
    if (!v)
        return msoc_arena_fail(a, err);
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && qs[e] != '&')
            e++;
        if (e > i) {
            if (n == MAX_PAIRS)
                return msoc_fail(err, MSOC_LIMIT, "more than %d query parameters", MAX_PAIRS);
            size_t eq = i;
            while (eq < e && qs[eq] != '=')
                eq++;
            v[n].key = decode(qs + i, eq - i, a);
            v[n].value = eq < e ? decode(qs + eq + 1, e - eq - 1, a) : decode("", 0, a);
            if (!v[n].key || !v[n].value)
                return msoc_arena_fail(a, err);
            n++;
        }
        i = e + 1;
    }
    *out = v;
    *n_out = n;
    return MSOC_OK;
}

typedef struct each_ctx {
    bool (*fn)(void *ud, const char *key, const char *value);
    void *ud;
} each_ctx;

static enum MHD_Result each_cb(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    each_ctx *e = cls;
    return e->fn(e->ud, key, value ? value : "") ? MHD_YES : MHD_NO;
}

void msoc_http_query_each(const msoc_http_request *r,
                          bool (*fn)(void *ud, const char *key, const char *value), void *ud)
{
    if (r->synthetic) {
        for (size_t i = 0; i < r->synthetic->n_query; i++)
            if (!fn(ud, r->synthetic->query[i].key, r->synthetic->query[i].value ? r->synthetic->query[i].value : ""))
                break;
        return;
    }
    each_ctx e = {fn, ud};
    MHD_get_connection_values((struct MHD_Connection *)r->conn_, MHD_GET_ARGUMENT_KIND, each_cb, &e);
}

void msoc_http_response_header(msoc_http_response *resp, const char *name, const char *value)
{
    if (resp->n_headers >= MSOC_HTTP_MAX_RESP_HEADERS)
        return;
    resp->headers[resp->n_headers][0] = msoc_strdup(name);
    resp->headers[resp->n_headers][1] = msoc_strdup(value);
    resp->n_headers++;
}

void msoc_http_response_init(msoc_http_response *resp)
{
    memset(resp, 0, sizeof *resp);
    resp->status = 200;
    resp->content_type = "application/json";
    msoc_buf_init(&resp->body, (size_t)256 << 20);
}

void msoc_http_response_fini(msoc_http_response *resp)
{
    for (int i = 0; i < resp->n_headers; i++) {
        msoc_free(resp->headers[i][0]);
        msoc_free(resp->headers[i][1]);
    }
    resp->n_headers = 0;
    msoc_buf_fini(&resp->body);
}

static enum MHD_Result send_simple(struct MHD_Connection *c, unsigned status, const char *json)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(json), (void *)(uintptr_t)json,
                                                             MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Connection", "close");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static const char too_big_json[] =
    "{\"error\":{\"code\":\"payload_too_large\",\"message\":\"the request body exceeds the server's cap\"}}";

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    msoc_http_server *s = cls;
    req_ctx *rc = *con_cls;
    if (!rc) {
        rc = msoc_calloc(1, sizeof *rc);
        msoc_buf_init(&rc->body, s->max_body ? s->max_body : 1);
        *con_cls = rc;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        int64_t n;
        if (cl && msoc_str_to_i64(msoc_str_c(cl), &n) && n > (int64_t)s->max_body)
            return send_simple(conn, 413, too_big_json);
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!rc->is_too_big && msoc_buf_append(&rc->body, upload_data, *upload_data_size) != MSOC_OK)
            rc->is_too_big = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (rc->is_too_big)
        return send_simple(conn, 413, too_big_json);

    msoc_http_request req;
    req.method = method;
    req.path = url;
    req.body = rc->body.data ? rc->body.data : "";
    req.body_len = rc->body.len;
    req.is_tls = s->is_tls;
    req.synthetic = NULL;
    req.conn_ = conn;
    msoc_http_response resp;
    msoc_http_response_init(&resp);
    s->handler(s->ud, &req, &resp);

    struct MHD_Response *r = MHD_create_response_from_buffer(resp.body.len,
                                                             resp.body.data ? resp.body.data : (void *)"",
                                                             MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret = MHD_NO;
    if (r) {
        MHD_add_response_header(r, "Content-Type", resp.content_type);
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
        for (int i = 0; i < resp.n_headers; i++)
            MHD_add_response_header(r, resp.headers[i][0], resp.headers[i][1]);
        ret = MHD_queue_response(conn, (unsigned)resp.status, r);
        MHD_destroy_response(r);
    }
    msoc_http_response_fini(&resp);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    req_ctx *rc = *con_cls;
    if (rc) {
        msoc_buf_fini(&rc->body);
        msoc_free(rc);
        *con_cls = NULL;
    }
}

/* MHD hands us printf-style messages. */
static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    const msoc_logger *lg = cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = 0;
    msoc_log(lg, MSOC_LOG_WARN, "http: %s", line);
}

msoc_status msoc_http_parse_listen(const char *s, char *addr_out, uint16_t *port_out,
                                   msoc_error *err)
{
    const char *colon = strrchr(s, ':');
    if (!colon)
        return msoc_fail(err, MSOC_INVALID, "listen address '%.80s' needs a port (ADDR:PORT)", s);
    int64_t port;
    if (!msoc_str_to_i64(msoc_str_c(colon + 1), &port) || port < 0 || port > 65535)
        return msoc_fail(err, MSOC_INVALID, "bad port in listen address '%.80s'", s);
    size_t alen = (size_t)(colon - s);
    const char *a = s;
    if (alen >= 2 && a[0] == '[' && a[alen - 1] == ']') {
        a++;
        alen -= 2;
    }
    if (alen >= 64)
        return msoc_fail(err, MSOC_INVALID, "listen address '%.80s' is too long", s);
    memcpy(addr_out, a, alen);
    addr_out[alen] = 0;
    *port_out = (uint16_t)port;
    return MSOC_OK;
}

msoc_status msoc_http_start(const msoc_http_config *cfg, msoc_http_handler handler, void *ud,
                            msoc_http_server **out, msoc_error *err)
{
    *out = NULL;
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    const char *addr = cfg->listen_addr && *cfg->listen_addr ? cfg->listen_addr : "127.0.0.1";
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(cfg->port);
    } else if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(cfg->port);
        flags |= MHD_USE_IPv6;
    } else {
        return msoc_fail(err, MSOC_INVALID, "'%.80s' is not an IPv4 or IPv6 address", addr);
    }
    bool is_tls = cfg->tls_cert_pem != NULL;
    if (is_tls != (cfg->tls_key_pem != NULL))
        return msoc_fail(err, MSOC_INVALID, "TLS needs both a certificate and a key");
    if (is_tls) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
            return msoc_fail(err, MSOC_UNSUPPORTED, "this libmicrohttpd was built without TLS");
        flags |= MHD_USE_TLS;
    }
    msoc_http_server *s = msoc_calloc(1, sizeof *s);
    s->handler = handler;
    s->ud = ud;
    s->max_body = cfg->max_body ? cfg->max_body : (size_t)16 << 20;
    s->is_tls = is_tls;
    s->logger = cfg->logger;
    if (cfg->logger)
        flags |= MHD_USE_ERROR_LOG;
    unsigned n_threads = cfg->n_threads ? cfg->n_threads : msoc_cpu_count();
    size_t mem = cfg->max_header ? cfg->max_header : (size_t)64 << 10;
    unsigned timeout = cfg->timeout_s ? cfg->timeout_s : 60;
    struct MHD_OptionItem opts[12];
    int n = 0;
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ss};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)n_threads, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)mem, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)timeout, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, 1024, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL};
    if (is_tls) {
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)(uintptr_t)cfg->tls_cert_pem};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)(uintptr_t)cfg->tls_key_pem};
    }
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    /* The logger goes first, so MHD never logs through its own stderr logger. */
    s->d = MHD_start_daemon(flags, cfg->port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
                            mhd_log, (void *)(uintptr_t)cfg->logger, MHD_OPTION_ARRAY, opts,
                            MHD_OPTION_END);
    if (!s->d) {
        msoc_free(s);
        return msoc_fail(err, MSOC_IO, "cannot listen on %s:%u (address in use, no permission,"
                         " or bad TLS certificate/key)", addr, (unsigned)cfg->port);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    *out = s;
    return MSOC_OK;
}

uint16_t msoc_http_port(const msoc_http_server *s)
{
    return s->port;
}

void msoc_http_stop(msoc_http_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    msoc_free(s);
}
